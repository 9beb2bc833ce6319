//! The window's host: the system browser through tauri-plugin-opener (or the command
//! `BROWSER` names), programs through tauri-plugin-shell's Rust API. The webview holds
//! no permission for either.

use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;
use tauri_plugin_shell::ShellExt;

use crate::base::host::{
    browser_command, browser_from_env, BoxFuture, Host, HostError, ProgramOutput,
};

pub struct TauriHost {
    pub app: AppHandle,
}

impl Host for TauriHost {
    fn open_url(&self, url: &str) -> Result<(), HostError> {
        match browser_from_env() {
            Some(None) => Err(HostError::NoBrowser),
            Some(Some(cmd)) => {
                let full = browser_command(&cmd, url);
                let (program, args) = full
                    .split_first()
                    .ok_or_else(|| HostError::Open("empty BROWSER".into()))?;
                self.app
                    .shell()
                    .command(program)
                    .args(args)
                    .spawn()
                    .map(|_| ())
                    .map_err(|e| HostError::Open(format!("{program}: {e}")))
            }
            None => self
                .app
                .opener()
                .open_url(url, None::<&str>)
                .map_err(|e| HostError::Open(e.to_string())),
        }
    }

    fn run<'a>(
        &'a self,
        program: &'a str,
        args: &'a [String],
    ) -> BoxFuture<'a, Result<ProgramOutput, HostError>> {
        Box::pin(async move {
            let out = self
                .app
                .shell()
                .command(program)
                .args(args)
                .output()
                .await
                .map_err(|e| {
                    let text = e.to_string();
                    if text.contains("No such file") || text.contains("not found") {
                        HostError::NotFound {
                            program: program.to_string(),
                        }
                    } else {
                        HostError::Run {
                            program: program.to_string(),
                            reason: text,
                        }
                    }
                })?;
            Ok(ProgramOutput {
                status: out.status.code(),
                stdout: out.stdout,
                stderr: out.stderr,
            })
        })
    }
}
