//! The sandbox workspace: a faithful Databricks workspace on loopback, over real
//! HTTPS, for onboarding (`Try the sandbox`), for `lakegate sandbox` (point the
//! real CLI or SDK at it) and for every network test. It shares no protocol code
//! with Lakegate's client side, so a bug written once cannot pass its own tests.
//! Seeded identities, apps and every setting: src-tauri/sandbox/README.md.

mod api;
mod apps;
pub mod company_proxy;
pub use apps::export_document;
mod jwt;
mod oauth;
mod proxy;
mod replay;
mod seed;
mod server;
mod tls;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use seed::WORKSPACE_ID;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("port {port} on 127.0.0.1 is already in use: stop what uses it or pick another port with --port (0 picks a free one)")]
    PortInUse { port: u16 },
    #[error("the sandbox could not listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("the sandbox could not write its CA certificate to {path}: {source}")]
    WriteCa {
        path: String,
        source: std::io::Error,
    },
    #[error("the sandbox could not make its TLS certificate: {0}")]
    Tls(String),
    #[error("the sandbox's cryptography failed: {0}")]
    Crypto(&'static str),
    #[error("--auto-approve {0}: no sandbox user has this email (try alice@example.com or admin@example.com)")]
    UnknownUser(String),
}

/// Every setting of the sandbox. Where Databricks' behaviour is not documented, the
/// choice is a setting here (see README.md beside this file).
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// 0 picks a free port.
    pub port: u16,
    /// Sign this user in at once instead of showing the sign-in page.
    pub auto_approve: Option<String>,
    /// Lifetime of access tokens.
    pub token_ttl: Duration,
    /// Where `ca.pem` is written; a new temporary folder when `None`.
    pub dir: Option<PathBuf>,
    /// The Apps proxy ends requests that take longer with a 504.
    pub proxy_timeout: Duration,
    /// The Apps proxy cuts an answer still streaming after this long (about 301 s on
    /// record, databricks/appkit PR #318; a later fix to 30 min is mentioned there).
    pub stream_limit: Duration,
    /// Status for a token that lacks an app's user-authorization scopes (403 or 401).
    pub missing_scope_status: u16,
    /// Status for an app that is stopped or deploying: 502 "App Not Available" as on
    /// record (apps-not-available-502); which state gives which status is not.
    pub unavailable_status: u16,
    /// Status for an app whose process crashed (502 on record for an app failing to start).
    pub crashed_status: u16,
    /// Status for a person's call to an app they have no CAN USE on. Not on record (a
    /// "Permission Denied" page is, without its status; a service principal's call is
    /// answered 401, apps-sp-without-can-use-401): 403 unless set.
    pub no_can_use_status: u16,
    /// Refuse scopes the sandbox does not know with `invalid_scope` at authorize and
    /// token. Not on record how Databricks answers an unknown scope: off unless asked for.
    pub refuse_unknown_scopes: bool,
    /// Apps per page when the caller sends no `page_size`.
    pub default_page_size: usize,
    /// Sign access tokens with RS256 and the claims a real workspace adds, so they are as
    /// long as Databricks' own (over 1 KB) instead of the compact ES256 default.
    pub rs256: bool,
    /// Grant no refresh tokens, as an organisation's own OAuth app without
    /// `offline_access` does: a person's sign-in ends with its access token.
    pub no_refresh_tokens: bool,
    /// Hold a service principal's token to an app's user-authorization scopes as a
    /// person's is. Not on record either way (Databricks documents these scopes for the
    /// tokens of people who sign in): off unless asked for.
    pub hold_service_principals_to_scopes: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            auto_approve: None,
            token_ttl: Duration::from_secs(3600),
            dir: None,
            proxy_timeout: Duration::from_secs(120),
            stream_limit: Duration::from_secs(301),
            missing_scope_status: 403,
            unavailable_status: 502,
            crashed_status: 502,
            no_can_use_status: 403,
            refuse_unknown_scopes: false,
            default_page_size: 100,
            rs256: false,
            no_refresh_tokens: false,
            hold_service_principals_to_scopes: false,
        }
    }
}

/// Faults a test can switch on while the sandbox runs (also `POST /_sandbox/faults`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Faults {
    /// Added before every answer.
    pub latency_ms: u64,
    /// The next N connections are reset (TCP RST) as soon as they are accepted.
    pub reset_connections: u32,
    /// The next N calls to the token endpoint answer 503 `temporarily_unavailable`.
    pub token_endpoint_errors: u32,
    /// Overrides `--token-ttl` for tokens issued from now on.
    pub token_ttl_secs: Option<u64>,
    /// The next N `/api/` requests (to the workspace or an app) answer 429
    /// `REQUEST_LIMIT_EXCEEDED`, the rate limit's code on record
    /// (tests/fixtures/databricks/rest-request-limit-exceeded-*).
    pub rate_limited: u32,
    /// The `Retry-After` those answers carry, in seconds (none: no header). No value is on
    /// record from Databricks; the SDKs wait out the header when it is sent.
    pub retry_after_secs: Option<u64>,
    /// The next N calls to an app's `/api/` refuse their token as one past its expiry,
    /// whatever its `exp` says (the guide's playground), as this sandbox answers an expired
    /// token: 302 to sign in (apps-expired-oauth-302-authorize; the record disagrees with
    /// itself: apps-expired-oauth-403-invalid-token has a 403 "Invalid Token").
    pub expired_tokens: u32,
    /// Answer the requests this recording describes as Databricks is on record as answering
    /// them (tests/fixtures/databricks/<id>.json; `replay.rs` says which requests).
    pub replay: Option<String>,
}

/// Whether `--replay` can play the recording `id` (it is on file and shows a status).
pub fn can_replay(id: &str) -> bool {
    replay::load(id).is_ok()
}

/// Who a token or PAT speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    User(usize),
    ServicePrincipal(usize),
}

struct PendingAuthorization {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    scopes: Vec<String>,
}

struct IssuedCode {
    principal: Principal,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    scopes: Vec<String>,
    expires_at: u64,
}

struct RefreshGrant {
    principal: Principal,
    client_id: String,
    scopes: Vec<String>,
    /// Rotation: a refresh token works once.
    used: bool,
    revoked: bool,
}

#[derive(Default)]
struct State {
    pending: HashMap<String, PendingAuthorization>,
    codes: HashMap<String, IssuedCode>,
    refresh: HashMap<String, RefreshGrant>,
    faults: Faults,
}

struct Shared {
    config: SandboxConfig,
    port: u16,
    /// `https://localhost:<port>`
    host: String,
    /// `https://localhost:<port>/oidc`
    issuer: String,
    signer: jwt::Signer,
    seed: seed::Seed,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the sandbox down with it.
        crate::base::platform::lock(&self.state)
    }

    fn app_url(&self, app: &str) -> String {
        format!("https://{app}-{WORKSPACE_ID}.apps.localhost:{}", self.port)
    }

    fn token_ttl(&self) -> u64 {
        self.state()
            .faults
            .token_ttl_secs
            .unwrap_or(self.config.token_ttl.as_secs())
    }

    fn user_by_email(&self, email: &str) -> Option<usize> {
        self.seed
            .users
            .iter()
            .position(|u| u.email.eq_ignore_ascii_case(email))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The one JSON line `lakegate sandbox` prints once it is ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadyInfo {
    pub host: String,
    pub ca_file: PathBuf,
    pub workspace_id: String,
    pub users: Vec<UserInfo>,
    pub service_principals: Vec<ServicePrincipalInfo>,
    pub apps: Vec<AppInfo>,
    pub oauth_clients: Vec<OAuthClientInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserInfo {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub pat: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServicePrincipalInfo {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    /// `None`: any scope.
    pub allowed_scopes: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppInfo {
    pub name: String,
    pub url: String,
    pub state: String,
    pub compute_state: String,
    pub user_api_scopes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthClientInfo {
    pub client_id: String,
    pub redirect_uris: String,
}

/// A running sandbox. Dropping it stops it.
pub struct Sandbox {
    pub info: ReadyInfo,
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _tempdir: Option<TempDir>,
}

impl Sandbox {
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::AddrInUse => SandboxError::PortInUse { port: config.port },
                _ => SandboxError::Listen {
                    port: config.port,
                    source,
                },
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Listen {
                port: config.port,
                source,
            })?;
        let port = addr.port();
        let signer = if config.rs256 {
            jwt::Signer::rs256()?
        } else {
            jwt::Signer::generate()?
        };
        let seed = seed::Seed::generate(signer.rng())?;
        if let Some(email) = &config.auto_approve {
            if !seed
                .users
                .iter()
                .any(|u| u.email.eq_ignore_ascii_case(email))
            {
                return Err(SandboxError::UnknownUser(email.clone()));
            }
        }

        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "*.apps.localhost".to_string(),
        ];
        names.extend(
            seed.apps
                .iter()
                .map(|a| format!("{}-{WORKSPACE_ID}.apps.localhost", a.name)),
        );
        let tls = tls::generate(names)?;

        let (dir, tempdir) = match &config.dir {
            Some(d) => (d.clone(), None),
            None => {
                let t = TempDir::new()?;
                (t.0.clone(), Some(t))
            }
        };
        let ca_file = dir.join("ca.pem");
        let write = crate::base::platform::create_private_dir(&dir).and_then(|()| {
            crate::base::platform::write_atomically(&ca_file, tls.ca_pem.as_bytes())
        });
        write.map_err(|source| SandboxError::WriteCa {
            path: ca_file.display().to_string(),
            source,
        })?;

        let host = format!("https://localhost:{port}");
        let shared = Arc::new(Shared {
            issuer: format!("{host}/oidc"),
            host,
            port,
            signer,
            seed,
            config,
            state: Mutex::new(State::default()),
        });
        let info = ready_info(&shared, ca_file);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(
            listener,
            tls.server_config,
            shared.clone(),
            stopped,
        ));
        Ok(Sandbox {
            info,
            addr,
            shared,
            stop,
            task: Some(task),
            _tempdir: tempdir,
        })
    }

    pub fn set_faults(&self, faults: Faults) {
        self.shared.state().faults = faults;
    }

    /// Plays the recording `id` from now on (`None`: answers as usual again). Refused, with
    /// the reason, for a recording that is not on file or shows no status to play.
    pub fn replay(&self, id: Option<&str>) -> Result<(), String> {
        if let Some(id) = id {
            replay::load(id)?;
        }
        self.shared.state().faults.replay = id.map(str::to_string);
        Ok(())
    }

    pub fn faults(&self) -> Faults {
        self.shared.state().faults.clone()
    }

    /// Whether `who` (a person's email or a service principal's client id) may use `app`,
    /// as this sandbox's own proxy decides (`None`: no such person, principal or app).
    pub fn may_use(&self, who: &str, app: &str) -> Option<bool> {
        let s = &self.shared;
        let app = s.seed.app(app)?;
        let principal = match s.seed.users.iter().position(|u| u.email == who) {
            Some(i) => Principal::User(i),
            None => Principal::ServicePrincipal(
                s.seed
                    .service_principals
                    .iter()
                    .position(|sp| sp.client_id == who)?,
            ),
        };
        Some(api::level(s, principal, app).is_some())
    }

    /// Revokes every refresh token issued so far (a "dead refresh token" for tests).
    pub fn revoke_refresh_tokens(&self) {
        for grant in self.shared.state().refresh.values_mut() {
            grant.revoked = true;
        }
    }

    /// Stops accepting connections and waits for the server task.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn ready_info(shared: &Shared, ca_file: PathBuf) -> ReadyInfo {
    let seed = &shared.seed;
    ReadyInfo {
        host: shared.host.clone(),
        ca_file,
        workspace_id: WORKSPACE_ID.into(),
        users: seed
            .users
            .iter()
            .map(|u| UserInfo {
                email: u.email.clone(),
                display_name: u.display_name(),
                role: u.role.as_str().into(),
                pat: u.pat.clone(),
            })
            .collect(),
        service_principals: seed
            .service_principals
            .iter()
            .map(|sp| ServicePrincipalInfo {
                name: sp.name.into(),
                client_id: sp.client_id.clone(),
                client_secret: sp.secret.clone(),
                allowed_scopes: sp
                    .allowed_scopes
                    .as_ref()
                    .map(|s| s.iter().map(|x| x.to_string()).collect()),
            })
            .collect(),
        apps: seed
            .apps
            .iter()
            .map(|a| AppInfo {
                name: a.name.into(),
                url: shared.app_url(a.name),
                state: a.app_state.into(),
                compute_state: a.compute_state.into(),
                user_api_scopes: a.user_api_scopes.iter().map(|s| s.to_string()).collect(),
            })
            .collect(),
        oauth_clients: oauth::CLIENTS
            .iter()
            .map(|c| OAuthClientInfo {
                client_id: c.client_id.into(),
                redirect_uris: c.redirects.describe(),
            })
            .collect(),
    }
}

/// A folder removed when the sandbox stops.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, SandboxError> {
        let rng = ring::rand::SystemRandom::new();
        let name = format!("lakegate-sandbox-{}", jwt::random_hex(&rng, 6)?);
        let path = std::env::temp_dir().join(name);
        crate::base::platform::create_private_dir(&path).map_err(|source| {
            SandboxError::WriteCa {
                path: path.display().to_string(),
                source,
            }
        })?;
        Ok(Self(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl crate::base::i18n::Localize for SandboxError {
    fn say(&self, lang: &str) -> String {
        use crate::base::i18n::say;
        match self {
            SandboxError::PortInUse { port } => say!(lang, "sandbox-port-in-use", port = *port),
            SandboxError::Listen { port, source } => {
                say!(
                    lang,
                    "sandbox-listen",
                    port = *port,
                    reason = source.to_string()
                )
            }
            SandboxError::WriteCa { path, source } => {
                say!(
                    lang,
                    "sandbox-write-ca",
                    path = path,
                    reason = source.to_string()
                )
            }
            SandboxError::Tls(m) => say!(lang, "sandbox-tls", reason = m),
            SandboxError::Crypto(m) => say!(lang, "sandbox-crypto", reason = *m),
            SandboxError::UnknownUser(u) => say!(lang, "sandbox-unknown-user", user = u),
        }
    }
}
