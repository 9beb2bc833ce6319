//! Lakegate's engine: the state the window and the command line share (connections,
//! sign-ins, the sandbox, history, the answers kept for the Doctor) and the operations on
//! connections. Each feature adds its own operations to `Engine` in its folder's `ops.rs`;
//! the window's commands and the command line are one-line calls into them, and tests call
//! them directly. (`Engine` is Lakegate; a Databricks App is an `AppView`.)

mod apps;
pub(crate) mod files;
mod network;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::oneshot;

use crate::base::error::UiError;
use crate::base::host::{Host, HostError};
use crate::base::i18n::{wsay, Localize};
use crate::base::secrets::{Keychain, SecretStore, SecretsError, SwitchableStore};
use crate::bridge::{
    ConnectionKindName, ConnectionView, ConnectionsOverview, KeychainStatus, NewConnection,
    SandboxView, SignInStarted, TokenInspection,
};
use crate::connections::{destinations, registry};
use crate::connections::{
    validate_name, Connection, ConnectionKind, ConnectionStore, Origin, Session,
};
use crate::oauth::{jwt, normalize_host, PendingLogin, DEFAULT_CLIENT_ID};
use crate::sandbox::{Sandbox, SandboxConfig};

/// The name of the connection to the sandbox this window starts.
pub const SANDBOX_CONNECTION: &str = "Sandbox";
/// The sandbox's service principal, once the guide adds it.
pub const SANDBOX_SERVICE_PRINCIPAL: &str = "Sandbox service principal";

/// Reads one environment variable (a closure, so tests pass their own).
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;
/// Checks that the keychain answers.
pub type KeychainProbe = Box<dyn Fn() -> Result<(), SecretsError> + Send + Sync>;

enum SignIn {
    /// Link opened, not yet awaited; with the connection as it was when it started.
    Started(Box<(PendingLogin, reqwest::Client, Connection)>),
    /// Being awaited: `cancel` ends it; `paste` hands it the address a browser that could
    /// not reach the listener ended on.
    Waiting {
        cancel: oneshot::Sender<()>,
        paste: tokio::sync::mpsc::Sender<crate::oauth::Paste>,
    },
    /// The browser came back: the tokens are being checked and kept. The connection cannot
    /// be removed meanwhile (its keychain entry is being written).
    Completing,
}

/// Ends a sign-in's `Completing` mark however the completion ends.
struct Completing<'a> {
    app: &'a Engine,
    name: &'a str,
}

impl Drop for Completing<'_> {
    fn drop(&mut self) {
        let mut map = self.app.sign_ins();
        if matches!(map.get(self.name), Some(SignIn::Completing)) {
            map.remove(self.name);
        }
    }
}

/// Describes this installation. Shared by the window and `lakegate info`.
pub fn app_info() -> Result<crate::bridge::AppInfo, UiError> {
    Ok(crate::bridge::AppInfo {
        name: "Lakegate".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        config_dir: crate::base::platform::config_dir()?.display().to_string(),
        data_dir: crate::base::platform::data_dir()?.display().to_string(),
        has_window: cfg!(feature = "gui") && crate::base::platform::window_binary().is_some(),
    })
}

/// The sandbox this window started and its connections: the person's sign-in first, then
/// any the guide added (the sandbox's service principal). They live with the running
/// sandbox, never on disk.
pub(crate) struct SandboxRun {
    pub(crate) sandbox: Sandbox,
    pub(crate) connections: Vec<Connection>,
    /// The company proxy the guide's playground started (it blocks the apps' domain).
    pub(crate) company_proxy: Option<crate::sandbox::company_proxy::CompanyProxy>,
}

impl SandboxRun {
    /// The sandbox connection called `name`, to change what it keeps (who signed in, …).
    pub(crate) fn connection_mut(&mut self, name: &str) -> Option<&mut Connection> {
        self.connections.iter_mut().find(|c| c.name == name)
    }
}

pub struct Engine {
    pub(crate) session: Session,
    pub(crate) store: ConnectionStore,
    pub(crate) secrets: Arc<SwitchableStore>,
    pub(crate) keychain_probe: Arc<dyn Fn() -> Result<(), SecretsError> + Send + Sync>,
    pub(crate) data_dir: PathBuf,
    pub(crate) env: EnvLookup,
    pub(crate) sandbox: tokio::sync::Mutex<Option<SandboxRun>>,
    sign_ins: Mutex<HashMap<String, SignIn>>,
    pub(crate) history: crate::history::History,
    pub(crate) config_dir: PathBuf,
    /// Requests in flight, by the id the UI gave them; sending cancels.
    pub(crate) in_flight: Mutex<HashMap<String, tokio::sync::watch::Sender<bool>>>,
    pub(crate) last_report: Mutex<Option<crate::doctor::Report>>,
    /// The answers of the last requests, by their id, for the Doctor that may follow.
    pub(crate) answers: Mutex<std::collections::VecDeque<(String, crate::doctor::Answered)>>,
    /// The bodies the window shows, by request id (the last few only).
    pub(crate) bodies: crate::body::Bodies,
    /// The last run of a check file in the window, for its reports.
    pub(crate) last_checks: Mutex<Option<crate::checks::CheckRun>>,
    /// The access view last shown, for its exports.
    pub(crate) last_access: Mutex<Option<crate::access::AccessMatrix>>,
    /// Lakegate's own program, which the guide runs headless (`None`: this process's).
    pub(crate) headless_exe: Mutex<Option<PathBuf>>,
}

impl Engine {
    /// An app on the OS keychain, the user's folders and the process environment.
    pub fn new(host: Arc<dyn Host>) -> Result<Engine, UiError> {
        let keychain = Arc::new(Keychain::default());
        let probe = keychain.clone();
        Ok(Engine::with_parts(
            host,
            keychain,
            Box::new(move || probe.probe()),
            crate::base::platform::config_dir()?,
            crate::base::platform::data_dir()?,
            Box::new(|k| std::env::var(k).ok()),
        ))
    }

    pub fn with_parts(
        host: Arc<dyn Host>,
        secrets: Arc<dyn SecretStore>,
        keychain_probe: KeychainProbe,
        config_dir: PathBuf,
        data_dir: PathBuf,
        env: EnvLookup,
    ) -> Engine {
        let secrets = Arc::new(SwitchableStore::new(secrets));
        let session = Session::new(
            secrets.clone(),
            host,
            Some(ConnectionStore::in_dir(&config_dir)),
        );
        let app = Engine {
            history: crate::history::History::in_dir(&data_dir),
            config_dir: config_dir.clone(),
            in_flight: Mutex::new(HashMap::new()),
            last_report: Mutex::new(None),
            answers: Mutex::new(std::collections::VecDeque::new()),
            bodies: crate::body::Bodies::default(),
            last_checks: Mutex::new(None),
            last_access: Mutex::new(None),
            headless_exe: Mutex::new(None),
            session,
            store: ConnectionStore::in_dir(&config_dir),
            secrets,
            keychain_probe: Arc::from(keychain_probe),
            data_dir,
            env,
            sandbox: tokio::sync::Mutex::new(None),
            sign_ins: Mutex::new(HashMap::new()),
        };
        // Unreadable settings: defaults until fixed.
        let settings = crate::base::settings::load(&app.config_dir).unwrap_or_default();
        app.session.set_network(settings, app.proxy_password());
        app
    }

    /// The proxy's password, when the keychain holds one (and it can be read).
    pub(crate) fn proxy_password(&self) -> Option<SecretString> {
        let settings = crate::base::settings::load(&self.config_dir).ok()?;
        let proxy = url::Url::parse(settings.proxy.as_deref()?).ok()?;
        if proxy.username().is_empty() {
            return None;
        }
        self.secrets
            .get(crate::base::settings::PROXY_PASSWORD_ACCOUNT)
            .ok()
            .flatten()
    }

    fn sign_ins(&self) -> std::sync::MutexGuard<'_, HashMap<String, SignIn>> {
        crate::base::platform::lock(&self.sign_ins)
    }

    async fn keychain_status(&self) -> KeychainStatus {
        if self.secrets.in_memory() {
            return KeychainStatus {
                available: false,
                in_memory: true,
                problem: None,
            };
        }
        // A keychain that never answers must not hang the window: it is reported instead.
        let probe = self.keychain_probe.clone();
        let answered = tokio::time::timeout(
            crate::connections::KEYCHAIN_TIMEOUT,
            tokio::task::spawn_blocking(move || probe()),
        )
        .await;
        let result = match answered {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => Err(SecretsError::Unavailable {
                cause: e.to_string(),
            }),
            Err(_) => Err(SecretsError::TimedOut {
                secs: crate::connections::KEYCHAIN_TIMEOUT.as_secs_f64(),
            }),
        };
        match result {
            Ok(()) => KeychainStatus {
                available: true,
                in_memory: false,
                problem: None,
            },
            Err(e) => KeychainStatus {
                available: false,
                in_memory: false,
                problem: Some(e.in_window()),
            },
        }
    }

    /// The opt-in when the keychain cannot be reached.
    pub fn use_memory_secrets(&self) {
        self.secrets.use_memory();
    }

    pub(crate) async fn all(&self) -> Result<(Vec<Connection>, Vec<String>), UiError> {
        let listing = registry::list(&self.store, &*self.env)?;
        let mut connections = listing.connections;
        // The sandbox's connection (and who signed in to it) lives with the running sandbox, not on disk.
        if let Some(run) = &*self.sandbox.lock().await {
            connections.splice(0..0, run.connections.iter().cloned());
        }
        Ok((connections, listing.notes))
    }

    pub(crate) async fn find(&self, name: &str) -> Result<Connection, UiError> {
        let (all, _) = self.all().await?;
        all.into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| UiError::NotFound {
                message: wsay!("no-such-connection", name = format!("{name:?}")),
            })
    }

    async fn view(&self, c: &Connection) -> ConnectionView {
        let state = self.session.sign_in_state(c).await.ok();
        let (kind, client_id, scopes) = match &c.kind {
            ConnectionKind::User {
                client_id, scopes, ..
            } => (
                ConnectionKindName::User,
                Some(client_id.clone()),
                scopes.clone(),
            ),
            ConnectionKind::ServicePrincipal { client_id, scopes } => (
                ConnectionKindName::ServicePrincipal,
                Some(client_id.clone()),
                scopes.clone(),
            ),
            ConnectionKind::PersonalAccessToken => (ConnectionKindName::Pat, None, Vec::new()),
            ConnectionKind::CliProfile { .. } => (ConnectionKindName::CliProfile, None, Vec::new()),
        };
        ConnectionView {
            name: c.name.clone(),
            host: c.host.clone(),
            kind,
            kind_label: c.kind.label().to_string(),
            client_id,
            scopes,
            origin: c.origin,
            signed_in_as: c.signed_in_as.clone(),
            needs_sign_in: c.needs_sign_in,
            has_credentials: state.is_some_and(|s| s.has_credentials),
            expires_at: state.and_then(|s| s.expires_at),
            refreshable: state.and_then(|s| s.refreshable),
            removable: c.origin == Origin::Saved,
            trusted_hosts: c.trusted_hosts.clone(),
        }
    }

    pub async fn overview(&self) -> Result<ConnectionsOverview, UiError> {
        let (all, notes) = self.all().await?;
        let mut connections = Vec::new();
        for c in &all {
            connections.push(self.view(c).await);
        }
        let sandbox = self.sandbox.lock().await.as_ref().map(|run| SandboxView {
            host: run.sandbox.info.host.clone(),
            ca_file: run.sandbox.info.ca_file.display().to_string(),
            users: run
                .sandbox
                .info
                .users
                .iter()
                .map(|u| u.email.clone())
                .collect(),
        });
        Ok(ConnectionsOverview {
            connections,
            notes,
            keychain: self.keychain_status().await,
            sandbox,
        })
    }

    /// Starts the sandbox workspace in this process (once) and adds its connection,
    /// whose CA is trusted for it alone.
    pub async fn start_sandbox(&self) -> Result<ConnectionView, UiError> {
        let mut guard = self.sandbox.lock().await;
        if let Some(run) = &*guard {
            return Ok(self.view(&run.connections[0]).await);
        }
        // A company proxy a former run's playground set is gone with it.
        self.forget_guide_proxy();
        let sandbox = Sandbox::start(SandboxConfig {
            dir: Some(self.data_dir.join("sandbox")),
            ..SandboxConfig::default()
        })
        .await
        .map_err(|e| UiError::Sandbox {
            message: e.in_window(),
        })?;
        let ca_pem =
            std::fs::read_to_string(&sandbox.info.ca_file).map_err(|e| UiError::Sandbox {
                message: wsay!("sandbox-ca-unreadable", reason = e.to_string()),
            })?;
        let mut conn = Connection::new(
            SANDBOX_CONNECTION,
            &sandbox.info.host,
            ConnectionKind::User {
                client_id: DEFAULT_CLIENT_ID.into(),
                redirect_uri: None,
                scopes: Vec::new(),
            },
        );
        conn.origin = Origin::Sandbox;
        conn.ca_pem = Some(ca_pem);
        conn.workspace_id = Some(sandbox.info.workspace_id.clone());
        // A sandbox restarts empty: whatever an earlier run kept under its name is stale.
        let _ = self.session.sign_out(&conn).await;
        let view = self.view(&conn).await;
        *guard = Some(SandboxRun {
            sandbox,
            connections: vec![conn],
            company_proxy: None,
        });
        Ok(view)
    }

    /// Changes what the running sandbox keeps of its connection `name` (who signed in,
    /// its kind, trusted hosts); nothing when the sandbox has no such connection.
    pub(crate) async fn change_sandbox_connection(
        &self,
        name: &str,
        change: impl FnOnce(&mut Connection),
    ) {
        if let Some(c) = self
            .sandbox
            .lock()
            .await
            .as_mut()
            .and_then(|r| r.connection_mut(name))
        {
            change(c);
        }
    }

    /// Which program the guide runs as Lakegate's headless side (tests, whose own program
    /// is the test runner, name the built `lakegate`).
    pub fn use_headless_exe(&self, exe: PathBuf) {
        *crate::base::platform::lock(&self.headless_exe) = Some(exe);
    }

    /// Adds the running sandbox's service principal (`reporting-bot`, which may ask for any
    /// scope) as a connection beside the sandbox's own: client credentials, its secret kept
    /// in memory with the sandbox (never written, never sent to the window). The guide's
    /// "external application" scenario, done for real.
    pub async fn add_sandbox_service_principal(&self) -> Result<ConnectionView, UiError> {
        let mut guard = self.sandbox.lock().await;
        let Some(run) = guard.as_mut() else {
            return Err(UiError::invalid("connection", wsay!("sandbox-not-started")));
        };
        if let Some(c) = run
            .connections
            .iter()
            .find(|c| c.name == SANDBOX_SERVICE_PRINCIPAL)
        {
            let c = c.clone();
            drop(guard);
            return Ok(self.view(&c).await);
        }
        let Some(sp) = run
            .sandbox
            .info
            .service_principals
            .iter()
            .find(|sp| sp.allowed_scopes.is_none())
        else {
            return Err(UiError::invalid("connection", wsay!("sandbox-not-started")));
        };
        let first = &run.connections[0];
        let mut conn = Connection::new(
            SANDBOX_SERVICE_PRINCIPAL,
            &first.host,
            ConnectionKind::ServicePrincipal {
                client_id: sp.client_id.clone(),
                scopes: Vec::new(),
            },
        );
        conn.origin = Origin::Sandbox;
        conn.ca_pem = first.ca_pem.clone();
        conn.workspace_id = first.workspace_id.clone();
        conn.inline_secret = Some(SecretString::from(sp.client_secret.clone()));
        run.connections.push(conn.clone());
        drop(guard);
        Ok(self.view(&conn).await)
    }

    /// Opens the sign-in in the system browser; `finish_sign_in` then waits for it.
    pub async fn begin_sign_in(&self, name: &str) -> Result<SignInStarted, UiError> {
        self.begin_sign_in_waiting(name, None).await
    }

    /// `begin_sign_in`, telling `port_wait` while the databricks-cli client's port 8020 is
    /// held by another program (the command line prints it).
    pub async fn begin_sign_in_waiting(
        &self,
        name: &str,
        port_wait: Option<crate::oauth::PortWait>,
    ) -> Result<SignInStarted, UiError> {
        let conn = self.find(name).await?;
        if matches!(self.sign_ins().get(name), Some(SignIn::Completing)) {
            return Err(UiError::invalid(
                "name",
                wsay!("remove-while-signing-in", name = name),
            ));
        }
        if let Some(SignIn::Waiting { cancel, .. }) = self.sign_ins().remove(name) {
            let _ = cancel.send(());
        }
        let (pending, client) = self.session.begin_sign_in(&conn, port_wait).await?;
        let link = pending.authorize_url.clone();
        let (browser_opened, browser_problem) = match self.session.host().open_url(&link) {
            Ok(()) => (true, None),
            Err(e @ HostError::NoBrowser) => (false, Some(e.in_window())),
            Err(e) => (false, Some(e.in_window())),
        };
        self.sign_ins().insert(
            name.to_string(),
            SignIn::Started(Box::new((pending, client, conn))),
        );
        Ok(SignInStarted {
            connection: name.to_string(),
            link,
            browser_opened,
            browser_problem,
        })
    }

    /// Waits for the browser (5 minutes at most, or until cancelled) and keeps the tokens.
    pub async fn finish_sign_in(&self, name: &str) -> Result<ConnectionView, UiError> {
        let (tx, rx) = oneshot::channel();
        let (paste, pasted) = tokio::sync::mpsc::channel(4);
        let started = {
            let mut map = self.sign_ins();
            match map.remove(name) {
                Some(SignIn::Started(started)) => {
                    map.insert(name.to_string(), SignIn::Waiting { cancel: tx, paste });
                    *started
                }
                other => {
                    if let Some(o) = other {
                        map.insert(name.to_string(), o);
                    }
                    return Err(UiError::NotFound {
                        message: wsay!("no-sign-in-waiting", name = name),
                    });
                }
            }
        };
        let (pending, client, started) = started;
        let token_endpoint = pending.token_endpoint().clone();
        // The code goes back only to the token endpoint that issued it (fixed at the start).
        let result = pending
            .finish_or_pasted(
                &client,
                async move {
                    let _ = rx.await;
                },
                Some(pasted),
            )
            .await;
        let _completing = Completing { app: self, name };
        self.sign_ins().insert(name.to_string(), SignIn::Completing);
        let tokens = result?;
        // What the tokens are kept for and sent to next must be what the sign-in began for.
        let mut conn = self.still_bound(&started, &token_endpoint).await?;
        let who = self
            .session
            .complete_sign_in(&conn, tokens, &client)
            .await?;
        conn.signed_in_as = Some(who.clone());
        conn.needs_sign_in = false;
        if conn.origin == Origin::Sandbox {
            self.change_sandbox_connection(&conn.name, |c| c.signed_in_as = Some(who))
                .await;
        }
        Ok(self.view(&conn).await)
    }

    /// The connection `started` still is (host, kind, client id, scopes, token endpoint),
    /// or why the sign-in that began for it cannot end: removed, or changed meanwhile.
    /// The tokens are then dropped; nothing of them is kept or sent.
    async fn still_bound(
        &self,
        started: &Connection,
        token_endpoint: &url::Url,
    ) -> Result<Connection, UiError> {
        let name = &started.name;
        let Ok(now) = self.find(name).await else {
            return Err(UiError::Cancelled {
                message: wsay!("sign-in-connection-removed", name = name),
            });
        };
        let changed = |what: &str| UiError::Cancelled {
            message: wsay!("sign-in-connection-changed", name = name, what = what),
        };
        if !now.host.eq_ignore_ascii_case(&started.host) {
            return Err(changed(&now.host));
        }
        if now.kind != started.kind || now.origin != started.origin {
            return Err(changed(now.kind.label()));
        }
        match self.session.oauth_endpoints(&now).await {
            Ok(ep) if &ep.token_endpoint == token_endpoint => Ok(now),
            Ok(ep) => Err(changed(ep.token_endpoint.as_str())),
            Err(e) => Err(e.into()),
        }
    }

    /// Hands the waiting sign-in of `name` the address its browser ended on, when the
    /// browser could not reach Lakegate's listener (a remote machine, WSL, a container):
    /// taken once, and only as the listener would take it (redirect, state, `iss`).
    pub async fn paste_sign_in(&self, name: &str, address: &str) -> Result<(), UiError> {
        let none = || UiError::NotFound {
            message: wsay!("sign-in-paste-none", name = name),
        };
        let paste = match self.sign_ins().get(name) {
            Some(SignIn::Waiting { paste, .. }) => paste.clone(),
            _ => return Err(none()),
        };
        let (reply, answer) = oneshot::channel();
        paste
            .send(crate::oauth::Paste {
                address: address.to_string(),
                reply,
            })
            .await
            .map_err(|_| none())?;
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(said)) => Err(UiError::invalid("address", said)),
            Err(_) => Err(none()),
        }
    }

    pub fn cancel_sign_in(&self, name: &str) {
        if let Some(SignIn::Waiting { cancel, .. }) = self.sign_ins().remove(name) {
            let _ = cancel.send(());
        }
    }

    pub async fn sign_out(&self, name: &str) -> Result<ConnectionView, UiError> {
        let mut conn = self.find(name).await?;
        self.session.sign_out(&conn).await?;
        conn.signed_in_as = None;
        if conn.origin == Origin::Sandbox {
            self.change_sandbox_connection(&conn.name, |c| c.signed_in_as = None)
                .await;
        }
        Ok(self.view(&conn).await)
    }

    pub async fn add_connection(&self, input: NewConnection) -> Result<ConnectionView, UiError> {
        self.add_connection_checked(input, true).await
    }

    /// Adds a connection; with `check` (always, in the window) its credentials are tried
    /// against the workspace first and nothing is saved unless they work. The command
    /// line's `--no-check` passes `false`.
    pub async fn add_connection_checked(
        &self,
        input: NewConnection,
        check: bool,
    ) -> Result<ConnectionView, UiError> {
        let name = input.name.trim().to_string();
        validate_name(&name).map_err(|m| UiError::invalid("name", m))?;
        if self.all().await?.0.iter().any(|c| c.name == name) {
            return Err(UiError::invalid(
                "name",
                wsay!("store-duplicate", name = format!("{name:?}")),
            ));
        }
        let host =
            normalize_host(&input.host).map_err(|e| UiError::invalid("host", e.in_window()))?;
        let host = host.as_str().trim_end_matches('/').to_string();
        let text = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let scopes: Vec<String> = input
            .scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_string)
            .collect();
        let kind = match input.kind {
            ConnectionKindName::User => {
                let redirect_uri = text(&input.redirect_uri);
                if let Some(r) = &redirect_uri {
                    let ok = url::Url::parse(r).is_ok_and(|u| {
                        u.scheme() == "http"
                            && matches!(u.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
                    });
                    if !ok {
                        return Err(UiError::invalid(
                            "redirectUri",
                            wsay!("redirect-not-loopback"),
                        ));
                    }
                }
                ConnectionKind::User {
                    client_id: text(&input.client_id).unwrap_or_else(|| DEFAULT_CLIENT_ID.into()),
                    redirect_uri,
                    scopes,
                }
            }
            ConnectionKindName::ServicePrincipal => ConnectionKind::ServicePrincipal {
                client_id: text(&input.client_id)
                    .ok_or_else(|| UiError::invalid("clientId", wsay!("enter-the-client-id")))?,
                scopes,
            },
            ConnectionKindName::Pat => ConnectionKind::PersonalAccessToken,
            ConnectionKindName::CliProfile => ConnectionKind::CliProfile {
                profile: text(&input.profile)
                    .ok_or_else(|| UiError::invalid("profile", wsay!("enter-the-profile")))?,
            },
        };
        let mut conn = Connection::new(&name, &host, kind);
        if let Some(ca) = text(&input.ca_bundle) {
            let path = PathBuf::from(&ca);
            crate::http::extra_roots(&crate::http::Trust {
                ca_files: vec![path.clone()],
                ca_pems: vec![],
                ignore_env: true,
            })
            .map_err(|e| UiError::invalid("caBundle", e.in_window()))?;
            // Kept absolute: a path typed relative to some folder means nothing later.
            conn.ca_bundle = Some(std::fs::canonicalize(&path).unwrap_or(path));
        }
        let secret = match conn.kind {
            ConnectionKind::ServicePrincipal { .. } | ConnectionKind::PersonalAccessToken => {
                let pat = matches!(conn.kind, ConnectionKind::PersonalAccessToken);
                Some(SecretString::from(text(&input.secret).ok_or_else(
                    || {
                        UiError::invalid(
                            "secret",
                            if pat {
                                wsay!("enter-the-pat")
                            } else {
                                wsay!("enter-the-secret")
                            },
                        )
                    },
                )?))
            }
            _ => None,
        };
        if check {
            self.check_new(&conn, secret.as_ref()).await?;
        }
        self.store.add(conn.clone())?;
        if let Some(secret) = secret {
            if let Err(e) = self.session.save_secret(&conn, secret).await {
                let _ = self.store.remove(&name);
                return Err(e.into());
            }
        }
        Ok(self.view(&conn).await)
    }

    /// Tries a new connection before anything is saved: discovery for every kind, a token
    /// where one can be had, and for a PAT a call that proves the workspace accepts it.
    async fn check_new(
        &self,
        conn: &Connection,
        secret: Option<&SecretString>,
    ) -> Result<(), UiError> {
        let Some(secret) = secret else {
            if !matches!(conn.kind, ConnectionKind::CliProfile { .. }) {
                self.session.oauth_endpoints(conn).await?;
            }
            return Ok(());
        };
        let mut probe = conn.clone();
        probe.name = format!("{}#check", conn.name);
        probe.inline_secret = Some(secret.clone());
        let token = self.session.access_token(&probe).await;
        self.session.drop_state(&probe.name);
        let token = token?;
        if matches!(conn.kind, ConnectionKind::PersonalAccessToken) {
            let client = self.session.client(&probe)?;
            crate::connections::whoami(&client, &conn.host, &token.token)
                .await
                .map_err(|why| UiError::Refused {
                    message: wsay!("pat-not-accepted", reason = why.to_string()),
                })?;
        }
        Ok(())
    }

    /// Replaces the hosts a person trusts with this connection's token, beyond its
    /// workspace and apps. Only typed in here, never taken from a document or a link.
    pub async fn set_trusted_hosts(
        &self,
        name: &str,
        hosts: Vec<String>,
    ) -> Result<ConnectionView, UiError> {
        let mut conn = self.find(name).await?;
        let mut parsed: Vec<String> = Vec::new();
        for h in hosts.iter().filter(|h| !h.trim().is_empty()) {
            let host = destinations::parse_trusted_host(h)
                .map_err(|m| UiError::invalid("trustedHosts", m))?;
            if !parsed.contains(&host) {
                parsed.push(host);
            }
        }
        match conn.origin {
            Origin::Saved => {
                let list = parsed.clone();
                self.store.update(name, move |c| c.trusted_hosts = list)?;
            }
            Origin::Sandbox => {
                let list = parsed.clone();
                self.change_sandbox_connection(name, move |c| c.trusted_hosts = list)
                    .await;
            }
            _ => {
                return Err(UiError::invalid(
                    "trustedHosts",
                    wsay!("trust-not-saved", name = name),
                ))
            }
        }
        conn.trusted_hosts = parsed;
        Ok(self.view(&conn).await)
    }

    pub async fn remove_connection(&self, name: &str) -> Result<(), UiError> {
        let conn = self.find(name).await?;
        if conn.origin != Origin::Saved {
            return Err(UiError::invalid(
                "name",
                wsay!("remove-not-saved", name = name),
            ));
        }
        // A sign-in keeping its tokens right now: removing would race its keychain write.
        if matches!(self.sign_ins().get(name), Some(SignIn::Completing)) {
            return Err(UiError::invalid(
                "name",
                wsay!("remove-while-signing-in", name = name),
            ));
        }
        // A sign-in waiting in the browser for it ends here (and could not finish anyway).
        self.cancel_sign_in(name);
        self.sign_ins().remove(name);
        self.session.sign_out(&conn).await?;
        self.store.remove(name)?;
        self.session.drop_state(name);
        Ok(())
    }

    /// The token inspector: what the current access token says, never the token.
    pub async fn inspect_token(&self, name: &str) -> Result<TokenInspection, UiError> {
        let conn = self.find(name).await?;
        let token = self.session.access_token(&conn).await?;
        let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).ok();
        Ok(match jwt::decode_unverified(token.token.expose_secret()) {
            Ok(d) => TokenInspection {
                connection: name.into(),
                format: "jwt".into(),
                header: pretty(&d.header),
                claims: pretty(&d.claims),
                subject: d.subject(),
                client: d.client(),
                issuer: d.issuer(),
                audience: d.audience(),
                scopes: if d.scopes().is_empty() {
                    token.scopes.clone()
                } else {
                    d.scopes()
                },
                issued_at: d.issued_at(),
                expires_at: d.expires_at().or(token.expires_at),
                problem: None,
            },
            Err(e) => TokenInspection {
                connection: name.into(),
                format: "opaque".into(),
                header: None,
                claims: None,
                subject: conn.signed_in_as.clone(),
                client: None,
                issuer: None,
                audience: None,
                scopes: token.scopes.clone(),
                issued_at: None,
                expires_at: token.expires_at,
                problem: Some(e.in_window()),
            },
        })
    }

    /// The access token itself, for the one place that needs it (the clipboard).
    pub async fn access_token_for_clipboard(&self, name: &str) -> Result<SecretString, UiError> {
        Ok(self.current_token(name).await?.token)
    }

    /// A valid access token of `name`, refreshed when needed (`lakegate token`; never sent
    /// to the window).
    pub async fn current_token(
        &self,
        name: &str,
    ) -> Result<crate::connections::AccessToken, UiError> {
        let conn = self.find(name).await?;
        Ok(self.session.access_token(&conn).await?)
    }

    /// A new access token for `name` even when the kept one is still valid (`lakegate auth
    /// token --force-refresh`, which the Databricks SDKs pass).
    pub async fn refreshed_token(
        &self,
        name: &str,
    ) -> Result<crate::connections::AccessToken, UiError> {
        let conn = self.find(name).await?;
        Ok(self.session.refreshed_token(&conn).await?)
    }
}

/// The window's language: the one chosen in Settings, else the system's.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LanguageSettings {
    /// The language chosen in Settings; none: follow the system.
    pub chosen: Option<String>,
    /// The language the system's locale asks for, where Lakegate can read it.
    pub system: Option<String>,
    /// The language the window speaks: the one chosen, else the system's, else the first of
    /// the webview's languages Lakegate speaks, else English (decided here, once).
    pub effective: String,
}

impl Engine {
    /// The window's language (English until the window says otherwise; always for the CLI).
    pub fn language(&self) -> &'static str {
        crate::base::i18n::window_language()
    }

    /// `browser`: the webview's languages (`navigator.languages`), asked where Rust cannot
    /// read a locale.
    pub fn language_settings(&self, browser: &[String]) -> Result<LanguageSettings, UiError> {
        let s = crate::base::settings::load(&self.config_dir).unwrap_or_default();
        let chosen = s
            .language
            .map(|l| crate::base::i18n::negotiate(&l).to_string());
        let system = crate::base::platform::system_locale()
            .map(|l| crate::base::i18n::negotiate(&l).to_string());
        let effective = chosen
            .clone()
            .or_else(|| system.clone())
            .or_else(|| crate::base::i18n::first_spoken(browser).map(str::to_string))
            .unwrap_or_else(|| crate::base::i18n::ENGLISH.to_string());
        Ok(LanguageSettings {
            chosen,
            system,
            effective,
        })
    }

    /// The window speaks `language` from now on; with `remember`, `settings.json` keeps the
    /// choice (`None`: follow the system again).
    pub fn set_language(&self, language: Option<String>, remember: bool) -> Result<(), UiError> {
        let code = match &language {
            Some(l) => Some(
                crate::base::i18n::LANGUAGES
                    .iter()
                    .find(|x| x.code.eq_ignore_ascii_case(l.trim()))
                    .map(|x| x.code)
                    .ok_or_else(|| {
                        UiError::invalid(
                            "language",
                            wsay!("language-unknown", language = format!("{l:?}")),
                        )
                    })?,
            ),
            None => None,
        };
        if remember {
            let mut s = crate::base::settings::load(&self.config_dir).unwrap_or_default();
            s.language = code.map(str::to_string);
            crate::base::settings::save(&self.config_dir, &s).map_err(|e| UiError::Storage {
                message: e.in_window(),
                path: None,
            })?;
        }
        let effective = code
            .or_else(|| {
                crate::base::platform::system_locale().map(|l| crate::base::i18n::negotiate(&l))
            })
            .unwrap_or(crate::base::i18n::ENGLISH);
        crate::base::i18n::set_window_language(effective);
        Ok(())
    }
}
