//! The little the core asks of whoever runs it: open a URL in the system browser and
//! run a program. The window answers through tauri-plugin-opener and
//! tauri-plugin-shell; the command line through the platform opener and tokio.

use std::future::Future;
use std::pin::Pin;
use std::process::Stdio;

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("no browser is set to open links (BROWSER=none): open the sign-in link yourself")]
    NoBrowser,
    #[error("the browser could not be opened ({0}): open the sign-in link yourself")]
    Open(String),
    #[error("{program} is not installed or not on PATH")]
    NotFound { program: String },
    #[error("{program} could not be run: {reason}")]
    Run { program: String, reason: String },
}

pub struct ProgramOutput {
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait Host: Send + Sync {
    fn open_url(&self, url: &str) -> Result<(), HostError>;
    fn run<'a>(
        &'a self,
        program: &'a str,
        args: &'a [String],
    ) -> BoxFuture<'a, Result<ProgramOutput, HostError>>;
}

/// What `BROWSER` asks for: `None` when unset, `Some(None)` for "none", else the command.
pub fn browser_from_env() -> Option<Option<Vec<String>>> {
    let raw = std::env::var("BROWSER").ok()?;
    // BROWSER may list several commands separated by ':'; the first is used.
    let first = raw.split(':').next().unwrap_or("").trim().to_string();
    if first.is_empty() {
        return None;
    }
    if first.eq_ignore_ascii_case("none") {
        return Some(None);
    }
    Some(Some(first.split_whitespace().map(str::to_string).collect()))
}

/// `BROWSER`'s command with the URL placed (at `%s`, else appended).
pub fn browser_command(cmd: &[String], url: &str) -> Vec<String> {
    if cmd.iter().any(|a| a.contains("%s")) {
        cmd.iter().map(|a| a.replace("%s", url)).collect()
    } else {
        let mut c = cmd.to_vec();
        c.push(url.to_string());
        c
    }
}

/// The command line's host: the platform opener and tokio processes.
#[derive(Debug, Default)]
pub struct HeadlessHost {
    /// `--no-browser`: never open anything, the caller prints the link.
    pub no_browser: bool,
}

fn spawn_detached(cmd: &[String]) -> Result<(), HostError> {
    let (program, args) = cmd
        .split_first()
        .ok_or_else(|| HostError::Open("empty command".into()))?;
    std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| HostError::Open(format!("{program}: {e}")))
}

impl Host for HeadlessHost {
    fn open_url(&self, url: &str) -> Result<(), HostError> {
        if self.no_browser {
            return Err(HostError::NoBrowser);
        }
        match browser_from_env() {
            Some(None) => Err(HostError::NoBrowser),
            Some(Some(cmd)) => spawn_detached(&browser_command(&cmd, url)),
            None => {
                let cmd: Vec<String> = if cfg!(target_os = "macos") {
                    vec!["open".into(), url.into()]
                } else if cfg!(target_os = "windows") {
                    vec![
                        "rundll32".into(),
                        "url.dll,FileProtocolHandler".into(),
                        url.into(),
                    ]
                } else {
                    vec!["xdg-open".into(), url.into()]
                };
                spawn_detached(&cmd)
            }
        }
    }

    fn run<'a>(
        &'a self,
        program: &'a str,
        args: &'a [String],
    ) -> BoxFuture<'a, Result<ProgramOutput, HostError>> {
        Box::pin(async move {
            let out = tokio::process::Command::new(program)
                .args(args)
                .stdin(Stdio::null())
                .kill_on_drop(true)
                .output()
                .await
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => HostError::NotFound {
                        program: program.to_string(),
                    },
                    _ => HostError::Run {
                        program: program.to_string(),
                        reason: e.to_string(),
                    },
                })?;
            Ok(ProgramOutput {
                status: out.status.code(),
                stdout: out.stdout,
                stderr: out.stderr,
            })
        })
    }
}

impl crate::base::i18n::Localize for HostError {
    fn say(&self, lang: &str) -> String {
        match self {
            HostError::NoBrowser => crate::base::i18n::say!(lang, "host-no-browser"),
            HostError::Open(m) => crate::base::i18n::say!(lang, "host-open", reason = m),
            HostError::NotFound { program } => {
                crate::base::i18n::say!(lang, "host-not-found", program = program)
            }
            HostError::Run { program, reason } => {
                crate::base::i18n::say!(lang, "host-run", program = program, reason = reason)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::browser_command;

    #[test]
    fn the_url_goes_where_browser_says() {
        let cmd = vec!["firefox".to_string(), "--new-tab".into()];
        assert_eq!(
            browser_command(&cmd, "https://x"),
            ["firefox", "--new-tab", "https://x"]
        );
        let cmd = vec!["open-it".to_string(), "--url=%s".into()];
        assert_eq!(
            browser_command(&cmd, "https://x"),
            ["open-it", "--url=https://x"]
        );
    }
}
