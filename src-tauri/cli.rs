//! The command line. With no subcommand the binary opens the window; every
//! subcommand runs headless on the same core the window uses.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::bridge;
use crate::error::UiError;
use crate::sandbox::{Sandbox, SandboxConfig};

#[derive(Debug, Parser)]
#[command(
    name = "lakegate",
    version,
    about = "Call Databricks Apps APIs with OAuth tokens: sign in, send requests, diagnose failures.",
    long_about = "Lakegate opens its window when started without a subcommand.\n\
                  Each subcommand runs without a window; add --json for machine-readable output."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version and where Lakegate keeps its files.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run the sandbox workspace: a faithful Databricks workspace on loopback HTTPS.
    ///
    /// Once ready it prints one JSON line (host, ca_file, workspace_id, users with their
    /// personal access tokens, service principals with their secrets, apps), then serves
    /// until interrupted. Point the databricks CLI or SDK at it with the CA file, e.g.
    /// REQUESTS_CA_BUNDLE=<ca_file> for Python.
    Sandbox(SandboxArgs),
}

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Sign this sandbox user in at once instead of showing the sign-in page.
    #[arg(long, value_name = "EMAIL")]
    auto_approve: Option<String>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    token_ttl: u64,
    /// Folder for ca.pem (default: a temporary folder removed on exit).
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
    /// The Apps proxy answers 504 to requests that take longer, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    proxy_timeout: u64,
    /// Status for a token without an app's user-authorization scopes (Databricks documents 401 or 403).
    #[arg(long, value_name = "STATUS", default_value_t = 403, value_parser = auth_status)]
    missing_scope_status: u16,
}

fn auth_status(raw: &str) -> Result<u16, String> {
    match raw {
        "401" => Ok(401),
        "403" => Ok(403),
        _ => Err("must be 401 or 403".into()),
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => open_window(),
        Some(Command::Sandbox(args)) => run_sandbox(args),
        Some(Command::Info { json }) => report(bridge::app_info(), json, |info| {
            format!(
                "{} {}\nplatform: {}\nsettings: {}\ndata:     {}",
                info.name, info.version, info.platform, info.config_dir, info.data_dir
            )
        }),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("lakegate: could not start the async runtime: {e}");
            ExitCode::FAILURE
        })
}

fn run_sandbox(args: SandboxArgs) -> ExitCode {
    use std::io::Write;
    use std::time::Duration;

    let config = SandboxConfig {
        port: args.port,
        auto_approve: args.auto_approve,
        token_ttl: Duration::from_secs(args.token_ttl),
        dir: args.dir,
        proxy_timeout: Duration::from_secs(args.proxy_timeout),
        missing_scope_status: args.missing_scope_status,
        ..SandboxConfig::default()
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async move {
        let sandbox = match Sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("lakegate sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        let line = match serde_json::to_string(&sandbox.info) {
            Ok(line) => line,
            Err(e) => {
                eprintln!("lakegate sandbox: could not write the ready line: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
        drop(out);
        eprintln!(
            "lakegate sandbox: serving {} (CA: {}); Ctrl+C stops it",
            sandbox.info.host,
            sandbox.info.ca_file.display()
        );
        wait_for_shutdown().await;
        sandbox.stop().await;
        ExitCode::SUCCESS
    })
}

/// Resolves on Ctrl+C, or SIGTERM where there is one.
async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints a command's answer as text or JSON, or its error on stderr.
fn report<T: serde::Serialize>(
    result: Result<T, UiError>,
    json: bool,
    text: impl FnOnce(&T) -> String,
) -> ExitCode {
    match result {
        Ok(value) if json => match serde_json::to_string_pretty(&value) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("lakegate: could not write JSON: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(value) => {
            println!("{}", text(&value));
            ExitCode::SUCCESS
        }
        Err(err) => {
            if json {
                if let Ok(s) = serde_json::to_string_pretty(&err) {
                    println!("{s}");
                }
            }
            eprintln!("lakegate: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn open_window() -> ExitCode {
    if let Some(reason) = crate::platform::no_display_reason() {
        eprintln!("lakegate: {reason}");
        return ExitCode::from(3);
    }
    match crate::gui::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lakegate: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window() -> ExitCode {
    eprintln!(
        "lakegate: this build has no window (built without the `gui` feature); \
         see lakegate --help for the headless commands"
    );
    ExitCode::from(3)
}
