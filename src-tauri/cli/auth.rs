//! `lakegate connections | login | token | logout`: connections and their tokens,
//! headless, on the same core as the window.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::{runtime, wait_for_shutdown};
use crate::base::host::HeadlessHost;
use crate::base::platform;
use crate::bridge::{ConnectionKindName, NewConnection};
use crate::connections::registry::{self, Listing};
use crate::connections::{Connection, ConnectionKind, ConnectionStore, Origin};
use crate::oauth::DEFAULT_CLIENT_ID;
use crate::profiles;

#[derive(Debug, Args)]
pub struct ConnectionsArgs {
    #[command(subcommand)]
    action: Option<ConnectionsAction>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum ConnectionsAction {
    /// Save a new connection. Secrets (client secret, PAT) are read from standard input
    /// (one line) or LAKEGATE_SECRET, checked against the workspace, and kept in the keychain.
    Add(AddArgs),
    /// Forget a saved connection and delete its secrets.
    Remove(ConnectionArg),
    /// Trust more hosts with a saved connection's token (beyond its workspace and apps):
    /// `host` or `host:port`, https only. Without HOST, lists them.
    Trust { name: String, hosts: Vec<String> },
    /// Stop trusting hosts added with `trust`.
    Untrust {
        name: String,
        #[arg(required = true)]
        hosts: Vec<String>,
    },
    /// Write a saved connection into ~/.databrickscfg as a new profile (the rest of the file is kept as it is).
    SaveProfile {
        name: String,
        /// The profile's name (default: the connection's).
        #[arg(long)]
        profile: Option<String>,
    },
}

#[derive(Debug, Args)]
struct AddArgs {
    name: String,
    /// The workspace URL (https://… or just the host name).
    #[arg(long)]
    host: String,
    /// A person signs in in the browser (the default).
    #[arg(long, group = "kind")]
    user: bool,
    /// A service principal's client credentials (needs --client-id; the secret from stdin).
    #[arg(long, group = "kind")]
    service_principal: bool,
    /// A personal access token from stdin (workspace APIs only: Databricks Apps refuse PATs).
    #[arg(long, group = "kind")]
    pat: bool,
    /// Tokens from the databricks CLI for this profile (`databricks auth token --profile P`).
    #[arg(long, group = "kind", value_name = "PROFILE")]
    cli_profile: Option<String>,
    /// OAuth client id: your organisation's own app for --user (default databricks-cli), the service principal's for --service-principal.
    #[arg(long)]
    client_id: Option<String>,
    /// The loopback redirect registered for your own OAuth app, e.g. http://127.0.0.1:8765/callback.
    #[arg(long)]
    redirect_uri: Option<String>,
    /// Scopes to ask for, space-separated (default: all-apis, plus offline_access for --user).
    #[arg(long)]
    scopes: Option<String>,
    /// A PEM CA bundle to trust for this connection, on top of the system's.
    #[arg(long, value_name = "PEM")]
    ca_bundle: Option<PathBuf>,
    /// Save without checking the credentials against the workspace.
    #[arg(long)]
    no_check: bool,
}

#[derive(Debug, Args)]
pub struct ConnectionArg {
    /// The connection (default: the environment's, or the only one).
    name: Option<String>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    name: Option<String>,
    /// The workspace to sign in to, as `databricks auth login --host` takes it: its saved
    /// connection is used, or one is created (named by --profile, else after the host).
    #[arg(long, value_name = "URL", conflicts_with = "name")]
    host: Option<String>,
    /// The connection's name (a saved one, or a ~/.databrickscfg profile), as the
    /// databricks CLI names profiles.
    #[arg(long, value_name = "NAME", conflicts_with = "name")]
    profile: Option<String>,
    /// Print the sign-in link instead of opening a browser, and take the address the
    /// browser ended on, pasted here, when it cannot reach this machine (remote, WSL, a
    /// container).
    #[arg(long)]
    no_browser: bool,
    /// Scopes to sign in with, space- or comma-separated (offline_access is added), as
    /// `databricks auth login --scopes` takes them; kept on the connection.
    #[arg(long)]
    scopes: Option<String>,
    /// Write the --profile into ~/.databrickscfg with `auth_type = databricks-cli` and
    /// `databricks_cli_path` = this lakegate: the Databricks SDKs and CLI then get this
    /// connection's tokens from Lakegate (the rest of the file is kept byte for byte).
    #[arg(long, requires = "profile")]
    write_profile: bool,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    name: Option<String>,
    /// The workspace, as `databricks auth token --host` takes it: its connection's token.
    #[arg(long, value_name = "URL", conflicts_with = "name")]
    host: Option<String>,
    /// The connection's name (a saved one, or a ~/.databrickscfg profile), as the
    /// databricks CLI names profiles.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["name", "host"])]
    profile: Option<String>,
    /// `json` prints what `databricks auth token` prints (access_token, token_type,
    /// expiry); `text` prints the token alone, for scripts.
    #[arg(short = 'o', long, value_enum, default_value = "json")]
    output: TokenOutput,
    /// Get a new access token even when the one kept is still valid (the Databricks SDKs
    /// pass it, as to `databricks auth token`).
    #[arg(long)]
    force_refresh: bool,
    /// An account's id, for account-level hosts (Lakegate's connections are workspaces').
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    /// The same as `--output json`.
    #[arg(long, hide = true)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TokenOutput {
    Json,
    Text,
}

pub(super) fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("lakegate: {msg}");
    ExitCode::FAILURE
}

struct Ctx {
    store: ConnectionStore,
}

fn ctx() -> Result<Ctx, ExitCode> {
    let dir = platform::config_dir().map_err(fail)?;
    Ok(Ctx {
        store: ConnectionStore::in_dir(&dir),
    })
}

pub(super) fn listing(store: &ConnectionStore) -> Result<Listing, ExitCode> {
    let listing = registry::list(store, &|k| std::env::var(k).ok()).map_err(fail)?;
    for note in &listing.notes {
        eprintln!("lakegate: note: {note}");
    }
    Ok(listing)
}

pub(super) fn choose(listing: &Listing, name: Option<&str>) -> Result<Connection, ExitCode> {
    match name {
        Some(n) => registry::find(listing, n).cloned().map_err(fail),
        None => registry::pick_default(listing).cloned().map_err(fail),
    }
}

fn describe_kind(c: &Connection) -> String {
    match &c.kind {
        ConnectionKind::User { client_id, .. } if client_id != DEFAULT_CLIENT_ID => {
            format!("user sign-in (client {client_id})")
        }
        ConnectionKind::ServicePrincipal { client_id, .. } => {
            format!("service principal {client_id}")
        }
        ConnectionKind::CliProfile { profile } => format!("databricks CLI profile {profile}"),
        k => k.label().to_string(),
    }
}

fn origin(c: &Connection) -> &'static str {
    match c.origin {
        Origin::Saved => "saved",
        Origin::Environment => "environment",
        Origin::Profile => "databrickscfg",
        Origin::Sandbox => "sandbox",
    }
}

pub fn connections(args: ConnectionsArgs) -> ExitCode {
    let Ok(ctx) = ctx() else {
        return ExitCode::FAILURE;
    };
    match args.action {
        None => {
            let Ok(listing) = listing(&ctx.store) else {
                return ExitCode::FAILURE;
            };
            if args.json {
                // The same connection views the window receives.
                let app =
                    match crate::engine::Engine::new(Arc::new(HeadlessHost { no_browser: true })) {
                        Ok(app) => app,
                        Err(e) => return fail_as(e, true),
                    };
                let Ok(rt) = runtime() else {
                    return ExitCode::FAILURE;
                };
                match rt.block_on(app.overview()) {
                    Ok(o) => println!(
                        "{}",
                        serde_json::to_string_pretty(&o.connections).unwrap_or_default()
                    ),
                    Err(e) => return fail_as(e, true),
                }
            } else if listing.connections.is_empty() {
                println!("No connections yet. Add one with `lakegate connections add NAME --host URL`, or set DATABRICKS_HOST, or create ~/.databrickscfg profiles.");
            } else {
                for c in &listing.connections {
                    let status = if c.needs_sign_in {
                        " — sign in again".to_string()
                    } else {
                        c.signed_in_as
                            .as_ref()
                            .map(|w| format!(" — signed in as {w}"))
                            .unwrap_or_default()
                    };
                    println!(
                        "{}\t{}\t{} ({}){}",
                        c.name,
                        c.host,
                        describe_kind(c),
                        origin(c),
                        status
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Some(ConnectionsAction::Add(a)) => add(a, args.json),
        Some(ConnectionsAction::Trust { name, hosts }) => trust(&name, hosts, true, args.json),
        Some(ConnectionsAction::Untrust { name, hosts }) => trust(&name, hosts, false, args.json),
        Some(ConnectionsAction::Remove(ConnectionArg { name })) => {
            let Some(name) = name else {
                return fail("name the connection to remove");
            };
            with_app(|app| async move {
                app.remove_connection(&name).await?;
                Ok(format!("Removed {name} and deleted its secrets."))
            })
        }
        Some(ConnectionsAction::SaveProfile { name, profile }) => {
            let Ok(listing) = listing(&ctx.store) else {
                return ExitCode::FAILURE;
            };
            let Ok(conn) = choose(&listing, Some(&name)) else {
                return ExitCode::FAILURE;
            };
            let Some(path) = profiles::config_path() else {
                return fail("the home directory is not known");
            };
            let profile = profile.unwrap_or_else(|| conn.name.clone());
            let mut entries: Vec<(&str, &str)> = vec![("host", conn.host.as_str())];
            match &conn.kind {
                ConnectionKind::User { .. } => entries.push(("auth_type", "databricks-cli")),
                // The secret stays in the keychain; the file gets only what is not secret.
                ConnectionKind::ServicePrincipal { client_id, .. } => {
                    entries.push(("client_id", client_id.as_str()))
                }
                ConnectionKind::PersonalAccessToken => {}
                ConnectionKind::CliProfile { .. } => {
                    return fail(format!("{name} already is a databricks CLI profile"))
                }
            }
            match profiles::write_profile(&path, &profile, &entries) {
                Ok(()) => {
                    println!("Wrote profile [{profile}] to {}.", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}

fn read_secret(what: &str) -> Result<SecretString, ExitCode> {
    if let Some(s) = std::env::var("LAKEGATE_SECRET")
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        return Ok(SecretString::from(s.trim().to_string()));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{what} (input is not shown back anywhere): ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(fail)?;
    let value = line.trim().to_string();
    if value.is_empty() {
        return Err(fail(format!(
            "no {what} given: pipe it on standard input or set LAKEGATE_SECRET"
        )));
    }
    Ok(SecretString::from(value))
}

/// Saves a connection through the window's own operation (`App::add_connection_checked`),
/// so both doors check the same things the same way. With `--json`, a failure prints the
/// error the window would get (`{"kind": …, "message": …}`) on standard output.
fn add(a: AddArgs, json: bool) -> ExitCode {
    let kind = if a.service_principal {
        ConnectionKindName::ServicePrincipal
    } else if a.pat {
        ConnectionKindName::Pat
    } else if a.cli_profile.is_some() {
        ConnectionKindName::CliProfile
    } else {
        ConnectionKindName::User
    };
    let secret = match kind {
        ConnectionKindName::ServicePrincipal => Some(read_secret("client secret")),
        ConnectionKindName::Pat => Some(read_secret("personal access token")),
        _ => None,
    };
    let secret = match secret.transpose() {
        Ok(s) => s,
        Err(code) => return code,
    };
    for hint in crate::oauth::scope_hints(a.scopes.as_deref().unwrap_or("")) {
        eprintln!("lakegate: {hint}");
    }
    let input = NewConnection {
        name: a.name.clone(),
        host: a.host.clone(),
        kind,
        client_id: a.client_id.clone(),
        redirect_uri: a.redirect_uri.clone(),
        scopes: a.scopes.iter().cloned().collect(),
        secret: secret.map(|s| s.expose_secret().to_string()),
        profile: a.cli_profile.clone(),
        ca_bundle: a.ca_bundle.as_ref().map(|p| p.display().to_string()),
    };
    let app = match crate::engine::Engine::new(Arc::new(HeadlessHost { no_browser: true })) {
        Ok(app) => app,
        Err(e) => return fail_as(e, json),
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    match rt.block_on(app.add_connection_checked(input, !a.no_check)) {
        Ok(view) if json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&view).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Ok(view) => {
            let next = match view.kind {
                ConnectionKindName::User => format!(" Sign in with `lakegate login {}`.", view.name),
                ConnectionKindName::Pat => " Note: Databricks Apps refuse personal access tokens; use it for workspace APIs.".to_string(),
                _ => String::new(),
            };
            let client = view
                .client_id
                .as_deref()
                .filter(|c| *c != DEFAULT_CLIENT_ID)
                .map(|c| format!(", client {c}"))
                .unwrap_or_default();
            println!("Saved {} ({}{client}).{next}", view.name, view.kind_label);
            ExitCode::SUCCESS
        }
        Err(e) => fail_as(e, json),
    }
}

/// A failure of the window's operations: its message on standard error and, with
/// `--json`, the error itself (the window's shape) on standard output.
fn fail_as(e: crate::base::error::UiError, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::to_string(&e).unwrap_or_default());
    }
    fail(e)
}

/// Adds (`add`) or removes hosts from a connection's trusted list, through the window's
/// own operation, and prints the list.
fn trust(name: &str, hosts: Vec<String>, add: bool, json: bool) -> ExitCode {
    let app = match crate::engine::Engine::new(Arc::new(HeadlessHost { no_browser: true })) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    let result = rt.block_on(async {
        let current = app
            .overview()
            .await?
            .connections
            .into_iter()
            .find(|c| c.name == name)
            .map(|c| c.trusted_hosts)
            .unwrap_or_default();
        if add && hosts.is_empty() {
            return Ok(current);
        }
        let wanted: Vec<String> = if add {
            current.into_iter().chain(hosts).collect()
        } else {
            let gone: Vec<String> = hosts
                .iter()
                .filter_map(|h| crate::connections::destinations::parse_trusted_host(h).ok())
                .collect();
            current.into_iter().filter(|h| !gone.contains(h)).collect()
        };
        Ok::<_, crate::base::error::UiError>(
            app.set_trusted_hosts(name, wanted).await?.trusted_hosts,
        )
    });
    match result {
        Ok(list) if json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Ok(list) if list.is_empty() => {
            println!("{name} trusts no host beyond its workspace and its apps.");
            ExitCode::SUCCESS
        }
        Ok(list) => {
            println!("{name}'s token also goes to: {}", list.join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

pub fn login(args: LoginArgs) -> ExitCode {
    let app = match crate::engine::Engine::new(Arc::new(HeadlessHost {
        no_browser: args.no_browser,
    })) {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    let result: Result<String, crate::base::error::UiError> = rt.block_on(async {
        let name = connection_for_login(&app, &args).await?;
        let overview = app.overview().await?;
        let view = overview
            .connections
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or_else(|| crate::base::error::UiError::NotFound {
                message: format!("there is no connection named {name:?}"),
            })?;
        let profile_note = |said: String| -> Result<String, crate::base::error::UiError> {
            match (&args.profile, args.write_profile) {
                (Some(p), true) => Ok(format!("{said}\n{}", write_lakegate_profile(p, &view.host)?)),
                _ => Ok(said),
            }
        };
        if view.kind != ConnectionKindName::User {
            // Other kinds sign in without a browser: getting a token proves the credentials.
            app.access_token_for_clipboard(&name).await?;
            return profile_note(format!("{name} works ({})", view.kind_label));
        }
        if let Some(scopes) = &args.scopes {
            let scopes: Vec<String> = scopes
                .split([' ', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            for s in &scopes {
                if let Some(hint) = crate::oauth::scope_hint(s) {
                    eprintln!("lakegate: {hint}");
                }
            }
            app.set_scopes(&name, scopes).await?;
        }
        let busy: crate::oauth::PortWait = Arc::new(|secs| {
            eprintln!("lakegate: http://localhost:8020, the databricks-cli sign-in address, is held by another program; waiting for it ({secs} s so far, 45 s at most)…")
        });
        let started = app.begin_sign_in_waiting(&name, Some(busy)).await?;
        match (&started.browser_opened, &started.browser_problem) {
            (true, _) => eprintln!("Sign in to {} in the browser window that opened.\nIf none did, open this link:\n{}", view.host, started.link),
            (false, None) => eprintln!("Open this link in a browser to sign in to {}:\n{}", view.host, started.link),
            (false, Some(problem)) => eprintln!("{problem}\nOpen this link in a browser to sign in to {}:\n{}", view.host, started.link),
        }
        // Where no browser can reach this machine's listener (Lakegate on a remote machine,
        // in WSL or a container), the address the browser ended on is pasted here instead.
        let mut pasting = args.no_browser;
        if pasting {
            eprintln!("If the browser cannot reach this machine, it ends on an address it cannot load
(http://localhost:…/?code=…): paste that whole address here and press Enter.");
        }
        eprintln!("Waiting for the browser (Ctrl+C cancels)…");
        let finish = app.finish_sign_in(&name);
        tokio::pin!(finish);
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));
        let done = loop {
            tokio::select! {
                done = &mut finish => break done?,
                line = lines.next_line(), if pasting => match line {
                    Ok(Some(line)) if !line.trim().is_empty() => {
                        // Handed over while the sign-in still runs (it judges the address).
                        tokio::select! {
                            done = &mut finish => break done?,
                            taken = app.paste_sign_in(&name, line.trim()) => match taken {
                                Ok(()) => eprintln!("Address taken: finishing the sign-in…"),
                                Err(e) => eprintln!("lakegate: {e}"),
                            },
                        }
                    }
                    Ok(Some(_)) => {}
                    // No more input: wait for the browser alone.
                    _ => pasting = false,
                },
                _ = wait_for_shutdown() => {
                    app.cancel_sign_in(&name);
                    return Err(crate::base::error::UiError::Cancelled { message: "the sign-in was cancelled".into() });
                }
            }
        };
        let who = done.signed_in_as.unwrap_or_else(|| "(unknown user)".into());
        let mut said = format!("Signed in to {name} as {who}");
        if done.refreshable == Some(false) {
            let until = done.expires_at.map(crate::oauth::rfc3339).unwrap_or_else(|| "its expiry".into());
            said.push_str(&format!(
                ".\nThe workspace gave no refresh token (its OAuth app does not grant offline_access), so this sign-in ends at {until}: sign in again then"
            ));
        }
        profile_note(said)
    });
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// The connection `lakegate login` signs in to: the one named, the one for `--host` (made
/// when there is none, as `databricks auth login --host` makes a profile), or the default.
async fn connection_for_login(
    app: &crate::engine::Engine,
    args: &LoginArgs,
) -> Result<String, crate::base::error::UiError> {
    let overview = app.overview().await?;
    let known = |n: &str| overview.connections.iter().any(|c| c.name == n);
    let wanted = args.name.clone().or_else(|| {
        args.profile.as_ref().map(|p| {
            if known(p) {
                p.clone()
            } else {
                format!("profile:{p}")
            }
        })
    });
    let Some(host) = &args.host else {
        return match wanted {
            Some(n) => Ok(n),
            None => default_connection(),
        };
    };
    let host = crate::oauth::normalize_host(host)
        .map_err(|e| crate::base::error::UiError::invalid("host", e.to_string()))?
        .as_str()
        .trim_end_matches('/')
        .to_string();
    if let Some(n) = wanted.as_ref().filter(|n| known(n)) {
        return Ok(n.clone());
    }
    if let Some(c) = overview
        .connections
        .iter()
        .find(|c| c.host.eq_ignore_ascii_case(&host) && c.kind == ConnectionKindName::User)
    {
        return Ok(c.name.clone());
    }
    // A new saved connection, named as asked or after the host's first label.
    let name = args.profile.clone().unwrap_or_else(|| {
        let label = host
            .trim_start_matches("https://")
            .split(['.', ':'])
            .next()
            .unwrap_or("workspace")
            .to_string();
        let mut name = label.clone();
        let mut n = 2;
        while known(&name) || crate::connections::validate_name(&name).is_err() {
            name = format!("{label}-{n}");
            n += 1;
        }
        name
    });
    let view = app
        .add_connection(NewConnection {
            name,
            host,
            kind: ConnectionKindName::User,
            client_id: None,
            redirect_uri: None,
            scopes: vec![],
            secret: None,
            profile: None,
            ca_bundle: None,
        })
        .await?;
    eprintln!(
        "lakegate: saved a new connection, {}, for {}",
        view.name, view.host
    );
    Ok(view.name)
}

pub fn token(args: TokenArgs) -> ExitCode {
    let app = match crate::engine::Engine::new(Arc::new(HeadlessHost { no_browser: true })) {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    if args.account_id.is_some() {
        return fail("account-level hosts are not supported: Lakegate's connections are workspaces (use --host with the workspace's URL, or --profile)");
    }
    let result = rt.block_on(async {
        let name = connection_for_token(&app, &args).await?;
        if args.force_refresh {
            app.refreshed_token(&name).await
        } else {
            app.current_token(&name).await
        }
    });
    match result {
        Ok(t) if args.output == TokenOutput::Text && !args.json => {
            // Printing the token is what this command is for; it is never logged.
            println!("{}", t.token.expose_secret());
            ExitCode::SUCCESS
        }
        Ok(t) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "access_token": t.token.expose_secret(),
                    "token_type": "Bearer",
                    "expiry": t.expires_at.map(platform::local_rfc3339),
                }))
                .unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// The connection `lakegate token` speaks for: the one named, the `--profile`, the one for
/// `--host`, or the default.
async fn connection_for_token(
    app: &crate::engine::Engine,
    args: &TokenArgs,
) -> Result<String, crate::base::error::UiError> {
    let overview = app.overview().await?;
    if let Some(p) = &args.profile {
        // A profile that names Lakegate as its CLI: the saved connection for its host —
        // the one named like the profile when it is for that host — whose token the SDK
        // then sends to the profile's host. Never another host's connection of that name.
        if let Some(host) = lakegate_profile_host(p) {
            return overview
                .connections
                .iter()
                .filter(|c| c.origin == Origin::Saved && c.host.eq_ignore_ascii_case(&host))
                .max_by_key(|c| (&c.name == p, c.has_credentials))
                .map(|c| c.name.clone())
                .ok_or_else(|| crate::base::error::UiError::NotFound {
                    message: format!(
                        "profile {p} gets its tokens from Lakegate, and no saved connection is for {host}: sign in with `lakegate login --host {host} --profile {p}`"
                    ),
                });
        }
        let saved = overview.connections.iter().any(|c| &c.name == p);
        return Ok(if saved {
            p.clone()
        } else {
            format!("profile:{p}")
        });
    }
    if let Some(host) = &args.host {
        let host = crate::oauth::normalize_host(host)
            .map_err(|e| crate::base::error::UiError::invalid("host", e.to_string()))?
            .as_str()
            .trim_end_matches('/')
            .to_string();
        return overview
            .connections
            .iter()
            .find(|c| c.host.eq_ignore_ascii_case(&host))
            .map(|c| c.name.clone())
            .ok_or_else(|| crate::base::error::UiError::NotFound {
                message: format!(
                    "no connection is for {host}: sign in with `lakegate login --host {host}`"
                ),
            });
    }
    match &args.name {
        Some(n) => Ok(n.clone()),
        None => default_connection(),
    }
}

/// The host of `~/.databrickscfg`'s profile `name` when that profile names Lakegate as its
/// CLI (`databricks_cli_path`).
fn lakegate_profile_host(name: &str) -> Option<String> {
    let path = profiles::config_path()?;
    let (_, cfg) = profiles::read(&path).ok()?;
    let section = cfg.section(name)?;
    if !registry::names_lakegate(section) {
        return None;
    }
    let host = crate::oauth::normalize_host(section.get("host")?).ok()?;
    Some(host.as_str().trim_end_matches('/').to_string())
}

/// Writes `profile` into ~/.databrickscfg for `host`, with Lakegate as its CLI: the SDKs'
/// `auth_type = databricks-cli` then runs `lakegate auth token --profile <profile>`. A
/// profile already there is left alone when it says the same, else refused.
fn write_lakegate_profile(
    profile: &str,
    host: &str,
) -> Result<String, crate::base::error::UiError> {
    let path = profiles::config_path().ok_or_else(|| crate::base::error::UiError::Storage {
        message: "the home directory is not known".into(),
        path: None,
    })?;
    let exe = std::env::current_exe()
        .map_err(|e| crate::base::error::UiError::Storage {
            message: format!("Lakegate's own path is not known: {e}"),
            path: None,
        })?
        .display()
        .to_string();
    if lakegate_profile_host(profile).is_some_and(|h| h.eq_ignore_ascii_case(host)) {
        return Ok(format!(
            "Profile [{profile}] in {} already gets its tokens from Lakegate.",
            path.display()
        ));
    }
    let entries = [
        ("host", host),
        ("auth_type", "databricks-cli"),
        ("databricks_cli_path", exe.as_str()),
    ];
    profiles::write_profile(&path, profile, &entries).map_err(|e| {
        crate::base::error::UiError::Storage {
            message: e.to_string(),
            path: Some(path.display().to_string()),
        }
    })?;
    Ok(format!(
        "Wrote profile [{profile}] to {}: the Databricks SDKs and CLI get its tokens from Lakegate (Config(profile=\"{profile}\")).",
        path.display()
    ))
}

pub fn logout(args: ConnectionArg) -> ExitCode {
    with_app(|app| async move {
        let name = match args.name {
            Some(n) => n,
            None => default_connection()?,
        };
        app.sign_out(&name).await?;
        Ok(format!(
            "Signed out of {name}: its secrets are deleted from the keychain."
        ))
    })
}

/// Runs one of the window's operations for the command line and prints what it says.
fn with_app<F, Fut>(op: F) -> ExitCode
where
    F: FnOnce(std::rc::Rc<crate::engine::Engine>) -> Fut,
    Fut: std::future::Future<Output = Result<String, crate::base::error::UiError>>,
{
    let app = match crate::engine::Engine::new(Arc::new(HeadlessHost { no_browser: true })) {
        Ok(app) => std::rc::Rc::new(app),
        Err(e) => return fail(e),
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    match rt.block_on(op(app)) {
        Ok(said) => {
            println!("{said}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// The connection a command uses when none is named: the environment's, the profile file's
/// default, or the only one.
fn default_connection() -> Result<String, crate::base::error::UiError> {
    let dir = platform::config_dir()?;
    let l = registry::list(&ConnectionStore::in_dir(&dir), &|k| std::env::var(k).ok())?;
    registry::pick_default(&l)
        .map(|c| c.name.clone())
        .map_err(|m| crate::base::error::UiError::NotFound { message: m })
}

#[cfg(test)]
mod tests {
    use crate::connections::parse_rfc3339;
    use crate::oauth::rfc3339;

    #[test]
    fn rfc3339_round_trips() {
        for t in [0, 1_795_946_400, 951_782_400, 4_102_444_799] {
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t), "{}", rfc3339(t));
        }
        assert_eq!(rfc3339(1_795_946_400), "2026-11-29T10:00:00Z");
    }
}
