//! The command line. With no subcommand the binary opens the window; every
//! subcommand runs headless on the same core the window uses.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::base::error::UiError;

mod access;
mod auth;
mod check;
mod guide;
mod sandbox;
mod workbench;

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
pub enum AuthAction {
    /// The same as `lakegate token`.
    Token(auth::TokenArgs),
    /// The same as `lakegate login`.
    Login(auth::LoginArgs),
}

/// The level of the databricks CLI's token protocol Lakegate speaks: `auth token --profile`
/// (0.207.1) and `--force-refresh` (0.296.0), the versions the Python SDK's
/// `DatabricksCliTokenSource` gates them on.
pub const CLI_PROTOCOL: (u32, u32, u32) = (0, 296, 0);

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
    /// List connections, or add, remove or export one.
    ///
    /// Connections come from three places, in this order: the ones saved in Lakegate,
    /// the environment (DATABRICKS_HOST with DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID and
    /// DATABRICKS_CLIENT_SECRET, or DATABRICKS_CONFIG_PROFILE), and the profiles of
    /// ~/.databrickscfg (or DATABRICKS_CONFIG_FILE), named profile:NAME.
    Connections(auth::ConnectionsArgs),
    /// Sign in to a user connection in the system browser (authorization code + PKCE).
    ///
    /// BROWSER chooses the browser; BROWSER=none or --no-browser prints the link instead.
    Login(auth::LoginArgs),
    /// Print a valid access token for a connection, like `databricks auth token`.
    Token(auth::TokenArgs),
    /// Sign out: delete every secret of a connection from the keychain.
    Logout(auth::ConnectionArg),
    /// `databricks auth …` as the Databricks SDKs run it: a profile with
    /// `auth_type = databricks-cli` and `databricks_cli_path` = lakegate gets Lakegate's
    /// tokens (`lakegate auth token --profile P [--force-refresh]`, `--host H`).
    Auth {
        #[command(subcommand)]
        action: AuthAction,
    },
    /// The version, as `databricks version --output json` prints it (the Databricks SDKs
    /// read it to know which `auth token` flags they may pass).
    Version {
        /// `json`: `{"Version", "Major", "Minor", "Patch"}`.
        #[arg(short = 'o', long, default_value = "text")]
        output: String,
    },
    /// List the apps of a connection's workspace (every page), or show one.
    Apps(workbench::AppsArgs),
    /// Send a request with a connection's token, e.g. `lakegate call GET https://…/api/hello`.
    ///
    /// Exits with 1 when the answer is not a success: an HTTP error (400 or more) or a redirect
    /// (shown, not followed), with its status and what the server said.
    Call(workbench::CallArgs),
    /// Diagnose a failing app URL: every check in order (URL, DNS, TCP, proxy, TLS, OAuth,
    /// token, identity, app, permission, scopes, endpoint, the request), each with the fix.
    ///
    /// Exits with 1 when a check fails.
    Doctor(workbench::DoctorArgs),
    /// Run a check file's requests and what must hold for each (for CI and cron); writes
    /// JUnit, Markdown or JSON reports; exits 1 when a check fails, 2 when it cannot run.
    Check(check::CheckArgs),
    /// Who can call which app: every app of a workspace against every connection of it
    /// (permission, scopes and, with --path, a real call); as text, JSON, Markdown or CSV.
    Access(access::AccessArgs),
    /// The guide: Databricks' page on token authentication for apps, on a connection's
    /// workspace — its requirements found now, and each step in the databricks CLI, Python
    /// and curl with the workspace filled in (`--step send --tool python` prints those lines).
    Guide(guide::GuideArgs),
}

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Sign this sandbox user in at once instead of showing the sign-in page.
    #[arg(long, value_name = "EMAIL")]
    pub auto_approve: Option<String>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub token_ttl: u64,
    /// Folder for ca.pem (default: a temporary folder removed on exit).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
    /// The Apps proxy answers 504 to requests that take longer, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub proxy_timeout: u64,
    /// The Apps proxy cuts an answer still streaming after this long, in seconds (about
    /// 301 s on record).
    #[arg(long, value_name = "SECS", default_value_t = 301, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub stream_limit: u64,
    /// Status for a token without an app's user-authorization scopes (Databricks documents 401 or 403).
    #[arg(long, value_name = "STATUS", default_value_t = 403, value_parser = auth_status)]
    pub missing_scope_status: u16,
    /// Sign tokens with RS256 and a real workspace's claims: over 1 KB, as long as
    /// Databricks' own (the default is compact ES256).
    #[arg(long)]
    pub rs256: bool,
    /// Grant no refresh tokens (an OAuth app without offline_access): sign-ins end with
    /// their access token.
    #[arg(long)]
    pub no_refresh_tokens: bool,
    /// Hold service principals' tokens to an app's user-authorization scopes as people's
    /// are (not on record either way; off by default).
    #[arg(long)]
    pub hold_service_principals_to_scopes: bool,
    /// Status for a stopped, deploying or crashed app (502 "App Not Available" is on
    /// record; which state gives which status is not).
    #[arg(long, value_name = "STATUS", default_value_t = 502, value_parser = clap::value_parser!(u16).range(500..=599))]
    pub unavailable_status: u16,
    /// Status for a person's call to an app they have no CAN USE on (not on record; a
    /// service principal's is 401, as on record).
    #[arg(long, value_name = "STATUS", default_value_t = 403, value_parser = auth_status)]
    pub no_can_use_status: u16,
    /// Refuse scopes the sandbox does not know with invalid_scope (how Databricks answers
    /// an unknown scope is not on record; off by default).
    #[arg(long)]
    pub refuse_unknown_scopes: bool,
    /// Answer as Databricks is on record as answering: the recording ID (a file of
    /// tests/fixtures/databricks/) for the requests it describes, everything else as usual.
    #[arg(long, value_name = "ID")]
    pub replay: Option<String>,
    /// List the recordings `--replay` can play, and exit.
    #[arg(long)]
    pub recordings: bool,
}

fn auth_status(raw: &str) -> Result<u16, String> {
    match raw {
        "401" => Ok(401),
        "403" => Ok(403),
        _ => Err("must be 401 or 403".into()),
    }
}

/// The command line. With no command, `open_window` opens the window: the `lakegate`
/// binary starts `lakegate-window` next to it (so headless commands never load the GUI
/// libraries), and `lakegate-window` runs the window itself.
pub fn main_with(open_window: fn() -> ExitCode) -> ExitCode {
    // `lakegate lakegate://open?…` (how the OS opens a link): the window, with the link.
    if std::env::args()
        .nth(1)
        .is_some_and(|a| a.starts_with("lakegate://"))
    {
        return open_window();
    }
    let cli = Cli::parse();
    match cli.command {
        None => open_window(),
        Some(Command::Sandbox(args)) => sandbox::run(args),
        Some(Command::Connections(args)) => auth::connections(args),
        Some(Command::Login(args)) => auth::login(args),
        Some(Command::Token(args)) => auth::token(args),
        Some(Command::Logout(args)) => auth::logout(args),
        Some(Command::Auth {
            action: AuthAction::Token(args),
        }) => auth::token(args),
        Some(Command::Auth {
            action: AuthAction::Login(args),
        }) => auth::login(args),
        Some(Command::Version { output }) => version(&output),
        Some(Command::Apps(args)) => workbench::apps(args),
        Some(Command::Call(args)) => workbench::call(args),
        Some(Command::Doctor(args)) => workbench::doctor(args),
        Some(Command::Check(args)) => check::check(args),
        Some(Command::Access(args)) => access::access(args),
        Some(Command::Guide(args)) => guide::guide(args),
        Some(Command::Info { json }) => report(crate::engine::app_info(), json, |info| {
            format!(
                "{} {}\nplatform: {}\nsettings: {}\ndata:     {}",
                info.name, info.version, info.platform, info.config_dir, info.data_dir
            )
        }),
    }
}

/// `lakegate version [--output json]`: the databricks CLI protocol level it speaks, and its own
/// version beside it (`0.296.0+lakegate.0.1.0`).
fn version(output: &str) -> ExitCode {
    let (major, minor, patch) = CLI_PROTOCOL;
    let own = env!("CARGO_PKG_VERSION");
    let version = format!("{major}.{minor}.{patch}+lakegate.{own}");
    match output {
        "json" => println!(
            "{}",
            serde_json::json!({
                "ProjectName": "lakegate",
                "Version": version,
                "Major": major,
                "Minor": minor,
                "Patch": patch,
                "Prerelease": "",
                "IsSnapshot": false,
            })
        ),
        "text" => println!(
            "Lakegate {own} (speaks the databricks CLI's auth protocol of {major}.{minor}.{patch})"
        ),
        other => {
            eprintln!("lakegate: --output {other:?}: use text or json");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("lakegate: could not start the async runtime: {e}");
            ExitCode::FAILURE
        })
}

/// Resolves on Ctrl+C, or SIGTERM where there is one; says which.
pub(crate) async fn wait_for_shutdown() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => "Ctrl+C (SIGINT)",
                    _ = term.recv() => "SIGTERM",
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "Ctrl+C (SIGINT)"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl+C"
    }
}

/// Prints a command's answer as text or JSON, or its error on stderr.
pub(crate) fn report<T: serde::Serialize>(
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
