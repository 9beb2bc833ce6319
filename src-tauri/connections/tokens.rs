//! Getting a valid access token for a connection, whatever its kind: cached in
//! memory, refreshed 5 minutes before expiry, one refresh at a time per connection
//! (single-flight), rotated refresh tokens saved to the keychain before use.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use url::Url;

use super::cli_token::{self, CliError};
use super::destinations::{self, TokenRefused};
use super::{Connection, ConnectionKind, ConnectionStore, Origin, StoreError};
use crate::base::host::Host;
use crate::base::i18n::say;
use crate::base::secrets::{SecretStore, SecretsError};
use crate::http::call::Bearer;
use crate::http::{self, HttpError};
use crate::oauth::{
    self, discover, DiscoveryError, GrantError, LoginError, LoginOptions, OAuthEndpoints,
    PendingLogin, RedirectChoice, TokenSet, LOGIN_TIMEOUT,
};

/// Refresh this long before the access token expires.
pub const REFRESH_MARGIN_SECS: u64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0} is not signed in: sign in first (in the window, or `lakegate login {0}`)")]
    SignInNeeded(String),
    #[error("{connection} needs you to sign in again: {reason}")]
    SignInAgain { connection: String, reason: String },
    #[error("the {what} of {connection} is not in the keychain: add the connection again with its {what}")]
    NoSecret {
        connection: String,
        what: &'static str,
    },
    #[error("{0} is not a user sign-in connection: it gets its tokens without a browser")]
    NotUserLogin(String),
    #[error(transparent)]
    Keychain(#[from] SecretsError),
    #[error(transparent)]
    Discovery(#[from] DiscoveryError),
    #[error(transparent)]
    Grant(#[from] GrantError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    Cli(#[from] CliError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the keychain task failed: {0}")]
    Join(String),
    #[error(transparent)]
    Refused(#[from] TokenRefused),
}

/// A usable access token. Never printed: the value is a `SecretString`.
pub struct AccessToken {
    pub token: SecretString,
    pub expires_at: Option<u64>,
    pub scopes: Vec<String>,
}

impl Clone for AccessToken {
    fn clone(&self) -> Self {
        AccessToken {
            token: self.token.clone(),
            expires_at: self.expires_at,
            scopes: self.scopes.clone(),
        }
    }
}

/// What the keychain entry of a connection holds (one entry per connection).
#[derive(Default, Clone)]
struct Stored {
    /// The workspace these secrets belong to: an entry left by a connection of the same
    /// name for another host is never used.
    host: Option<String>,
    refresh_token: Option<SecretString>,
    access_token: Option<SecretString>,
    expires_at: Option<u64>,
    scopes: Vec<String>,
    client_secret: Option<SecretString>,
    pat: Option<SecretString>,
}

#[derive(Deserialize)]
struct StoredPlain {
    host: Option<String>,
    refresh_token: Option<String>,
    access_token: Option<String>,
    expires_at: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
    client_secret: Option<String>,
    pat: Option<String>,
}

impl Stored {
    fn decode(raw: &SecretString) -> Stored {
        match serde_json::from_str::<StoredPlain>(raw.expose_secret()) {
            Ok(p) => Stored {
                host: p.host,
                refresh_token: p.refresh_token.map(SecretString::from),
                access_token: p.access_token.map(SecretString::from),
                expires_at: p.expires_at,
                scopes: p.scopes,
                client_secret: p.client_secret.map(SecretString::from),
                pat: p.pat.map(SecretString::from),
            },
            // An entry Lakegate cannot read holds nothing usable: start over.
            Err(_) => Stored::default(),
        }
    }

    /// The one place the secrets are put together, for the keychain only.
    fn encode(&self) -> SecretString {
        let s = |v: &Option<SecretString>| v.as_ref().map(|x| x.expose_secret().to_string());
        let value = json!({
            "host": self.host,
            "refresh_token": s(&self.refresh_token),
            "access_token": s(&self.access_token),
            "expires_at": self.expires_at,
            "scopes": self.scopes,
            "client_secret": s(&self.client_secret),
            "pat": s(&self.pat),
        });
        SecretString::from(value.to_string())
    }
}

#[derive(Default)]
struct Slot {
    cached: Option<AccessToken>,
    endpoints: Option<OAuthEndpoints>,
    client: Option<reqwest::Client>,
    /// The `url`s of the workspace's apps and when they were listed (token destinations).
    app_urls: Option<(u64, Vec<String>)>,
    /// The workspace's numeric id, once learned (token destinations on the Apps domains).
    workspace_id: Option<String>,
    /// For a person's sign-in: whether the keychain holds a refresh token, learnt with the
    /// cached token so the status line needs no keychain call.
    refreshable: Option<bool>,
    /// Bumped whenever a new token is obtained: waiters that saw an older value reuse it.
    generation: u64,
}

struct SlotHandle {
    slot: tokio::sync::Mutex<Slot>,
    generation: AtomicU64,
    refreshes: AtomicU64,
    /// One learning of the workspace id at a time (Check all asks for it from many calls).
    learning: tokio::sync::Mutex<()>,
}

pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// What per-connection state belongs to: a name reused for another host, client or kind
/// starts from nothing, so no token, endpoint or client of the old one is ever used.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SlotKey {
    name: String,
    host: String,
    client_id: Option<String>,
    kind: &'static str,
}

impl SlotKey {
    fn of(conn: &Connection) -> SlotKey {
        let client_id = match &conn.kind {
            ConnectionKind::User { client_id, .. }
            | ConnectionKind::ServicePrincipal { client_id, .. } => Some(client_id.clone()),
            ConnectionKind::CliProfile { profile } => Some(profile.clone()),
            ConnectionKind::PersonalAccessToken => None,
        };
        SlotKey {
            name: conn.name.clone(),
            host: conn.host.trim_end_matches('/').to_ascii_lowercase(),
            client_id,
            kind: conn.kind.label(),
        }
    }
}

/// How long a listing of the workspace's apps answers "is this an app's host?".
const APP_LIST_TTL_SECS: u64 = 60;

/// The token source of one running Lakegate (window or command).
pub struct Session {
    network: std::sync::RwLock<(crate::base::settings::Settings, Option<SecretString>)>,
    secrets: Arc<dyn SecretStore>,
    host: Arc<dyn Host>,
    store: Option<ConnectionStore>,
    slots: Mutex<HashMap<SlotKey, Arc<SlotHandle>>>,
    clock: Clock,
    timeout: Duration,
    keychain_timeout: Duration,
}

/// How long a keychain call may take before Lakegate says so instead of waiting on.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(20);

impl Session {
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        host: Arc<dyn Host>,
        store: Option<ConnectionStore>,
    ) -> Self {
        Session {
            network: std::sync::RwLock::new((crate::base::settings::Settings::default(), None)),
            secrets,
            host,
            store,
            slots: Mutex::new(HashMap::new()),
            clock: Arc::new(oauth::unix_now),
            timeout: Duration::from_secs(60),
            keychain_timeout: KEYCHAIN_TIMEOUT,
        }
    }

    /// Replaces how long a keychain call may take (tests).
    pub fn with_keychain_timeout(mut self, timeout: Duration) -> Self {
        self.keychain_timeout = timeout;
        self
    }

    /// Runs one keychain call off the async threads, giving up after the keychain timeout
    /// (a locked keychain may wait for a prompt nobody sees).
    async fn keychain<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretsError> + Send + 'static,
    ) -> Result<T, TokenError> {
        let secrets = self.secrets.clone();
        let work = tokio::task::spawn_blocking(move || call(secrets.as_ref()));
        match tokio::time::timeout(self.keychain_timeout, work).await {
            Ok(joined) => Ok(joined.map_err(|e| TokenError::Join(e.to_string()))??),
            Err(_) => Err(SecretsError::TimedOut {
                secs: self.keychain_timeout.as_secs_f64(),
            }
            .into()),
        }
    }

    /// Replaces the clock (tests move time forward with it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn host(&self) -> &Arc<dyn Host> {
        &self.host
    }

    fn handle(&self, conn: &Connection) -> Arc<SlotHandle> {
        let mut slots = crate::base::platform::lock(&self.slots);
        slots
            .entry(SlotKey::of(conn))
            .or_insert_with(|| {
                Arc::new(SlotHandle {
                    slot: tokio::sync::Mutex::new(Slot::default()),
                    generation: AtomicU64::new(0),
                    refreshes: AtomicU64::new(0),
                    learning: tokio::sync::Mutex::new(()),
                })
            })
            .clone()
    }

    /// How many tokens were fetched from the network for `name` (tests check single-flight).
    pub fn fetch_count(&self, name: &str) -> u64 {
        let slots = crate::base::platform::lock(&self.slots);
        slots
            .iter()
            .filter(|(k, _)| k.name == name)
            .map(|(_, h)| h.refreshes.load(Ordering::SeqCst))
            .sum()
    }

    /// Forgets everything held in memory for the connection `name` (every host and client
    /// it was ever used with): tokens, endpoints, clients, app lists.
    pub fn drop_state(&self, name: &str) {
        let mut slots = crate::base::platform::lock(&self.slots);
        slots.retain(|k, _| k.name != name);
    }

    /// Applies network settings (proxy, global CA) and the proxy's password (from the
    /// keychain) to every later call.
    pub fn set_network(
        &self,
        settings: crate::base::settings::Settings,
        proxy_password: Option<SecretString>,
    ) {
        *self.network.write().unwrap_or_else(|e| e.into_inner()) = (settings, proxy_password);
        let slots = crate::base::platform::lock(&self.slots);
        for handle in slots.values() {
            if let Ok(mut slot) = handle.slot.try_lock() {
                slot.client = None;
            }
        }
    }

    /// What a call for `conn` trusts and which proxy it takes.
    pub fn network_for(&self, conn: &Connection) -> (http::Trust, http::call::ProxySettings) {
        let (mut trust, proxy) = self.network();
        trust.ca_files.extend(conn.trust().ca_files);
        trust.ca_pems.extend(conn.trust().ca_pems);
        (trust, proxy)
    }

    /// What a call with no connection trusts and which proxy it takes.
    pub fn network(&self) -> (http::Trust, http::call::ProxySettings) {
        let (net, password) = self
            .network
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        (
            http::Trust {
                ca_files: net.ca_bundle.into_iter().collect(),
                ..Default::default()
            },
            http::call::ProxySettings {
                proxy: net.proxy,
                no_proxy: net.no_proxy,
                ignore_env: false,
                password,
            },
        )
    }

    /// The HTTP client for a connection's trust and proxy settings.
    pub fn client(&self, conn: &Connection) -> Result<reqwest::Client, TokenError> {
        let (trust, proxy) = self.network_for(conn);
        Ok(http::client_with_proxy(&trust, &proxy, self.timeout)?)
    }

    async fn read(&self, conn: &Connection) -> Result<Stored, TokenError> {
        let account = conn.keychain_account();
        let raw = self.keychain(move |s| s.get(&account)).await?;
        let stored = raw.map(|r| Stored::decode(&r)).unwrap_or_default();
        match &stored.host {
            Some(h) if !same_host(h, &conn.host) => Ok(Stored::default()),
            _ => Ok(stored),
        }
    }

    async fn write(&self, conn: &Connection, stored: &Stored) -> Result<(), TokenError> {
        let account = conn.keychain_account();
        let value = Stored {
            host: Some(conn.host.clone()),
            ..stored.clone()
        }
        .encode();
        self.keychain(move |s| s.put(&account, &value)).await
    }

    /// Keeps a client secret (service principal) or PAT in the connection's keychain entry.
    pub async fn save_secret(
        &self,
        conn: &Connection,
        secret: SecretString,
    ) -> Result<(), TokenError> {
        let mut stored = self.read(conn).await?;
        match conn.kind {
            ConnectionKind::ServicePrincipal { .. } => stored.client_secret = Some(secret),
            ConnectionKind::PersonalAccessToken => stored.pat = Some(secret),
            _ => return Ok(()),
        }
        self.write(conn, &stored).await?;
        self.drop_state(&conn.name);
        Ok(())
    }

    /// Signs out: deletes every secret of the connection and forgets its tokens.
    pub async fn sign_out(&self, conn: &Connection) -> Result<(), TokenError> {
        let account = conn.keychain_account();
        self.keychain(move |s| s.delete(&account)).await?;
        self.drop_state(&conn.name);
        self.mark(conn, |c| c.signed_in_as = None)?;
        Ok(())
    }

    fn mark(
        &self,
        conn: &Connection,
        change: impl FnOnce(&mut Connection),
    ) -> Result<(), TokenError> {
        if conn.origin == Origin::Saved {
            if let Some(store) = &self.store {
                // Only the connection this was learned for: a name removed and added again
                // for another host or kind meanwhile (a long wait, another process) is left
                // as it is.
                let same = SlotKey::of(conn);
                let guarded = move |c: &mut Connection| {
                    if SlotKey::of(c) == same {
                        change(c)
                    }
                };
                match store.update(&conn.name, guarded) {
                    Ok(()) | Err(StoreError::Unknown(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(())
    }

    async fn endpoints(
        &self,
        conn: &Connection,
        slot: &mut Slot,
    ) -> Result<(reqwest::Client, OAuthEndpoints), TokenError> {
        let client = match &slot.client {
            Some(c) => c.clone(),
            None => {
                let c = self.client(conn)?;
                slot.client = Some(c.clone());
                c
            }
        };
        if let Some(ep) = &slot.endpoints {
            return Ok((client, ep.clone()));
        }
        let host = oauth::normalize_host(&conn.host).map_err(|e| DiscoveryError::Unreachable {
            host: conn.host.clone(),
            reason: e.to_string(),
        })?;
        let ep = discover(&client, &host).await?;
        slot.endpoints = Some(ep.clone());
        Ok((client, ep))
    }

    /// OAuth metadata of the connection's workspace (scopes it advertises and so on).
    pub async fn oauth_endpoints(&self, conn: &Connection) -> Result<OAuthEndpoints, TokenError> {
        let handle = self.handle(conn);
        let mut slot = handle.slot.lock().await;
        Ok(self.endpoints(conn, &mut slot).await?.1)
    }

    /// The token of `conn`, cleared for a request to `url` by the one rule of where a token
    /// may go (`destinations::check`). The workspace's app list is asked only for a host
    /// no fixed rule covers.
    pub async fn bearer_for(&self, conn: &Connection, url: &Url) -> Result<Bearer, TokenError> {
        let learned;
        let conn = if destinations::needs_workspace_id(conn, url) {
            learned = Connection {
                workspace_id: self.workspace_id(conn).await,
                ..conn.clone()
            };
            &learned
        } else {
            conn
        };
        let apps = if destinations::needs_app_list(conn, url) {
            self.app_urls(conn).await
        } else {
            Vec::new()
        };
        destinations::check(conn, url, &apps)?;
        let token = self.access_token(conn).await?;
        Ok(Bearer::cleared_for(token.token, url))
    }

    /// The workspace's numeric id, which its apps' hosts carry: kept with the connection,
    /// else read from its host name (Azure, GCP), its `/.well-known/databricks-config`
    /// (`workspace_id`), or the `X-Databricks-Org-Id` header its SCIM `Me` answers with (as
    /// databricks-sdk-go's `CurrentWorkspaceID` and the Python SDK's `get_workspace_id` read
    /// it). Learned once, then kept in connections.json for a saved connection.
    pub async fn workspace_id(&self, conn: &Connection) -> Option<String> {
        if let Some(id) = &conn.workspace_id {
            return Some(id.clone());
        }
        let handle = self.handle(conn);
        // Single-flight: whoever waited here finds what the first one learned.
        let _learning = handle.learning.lock().await;
        let known = handle.slot.lock().await.workspace_id.clone();
        if let Some(id) = known {
            return Some(id);
        }
        let mut id = destinations::workspace_id_in_host(&conn.host);
        if id.is_none() {
            id = self
                .oauth_endpoints(conn)
                .await
                .ok()
                .and_then(|e| e.workspace_id);
        }
        if id.is_none() {
            if let (Ok(token), Ok(client)) = (self.access_token(conn).await, self.client(conn)) {
                id = org_id(&client, &conn.host, &token.token).await;
            }
        }
        let id = id?;
        handle.slot.lock().await.workspace_id = Some(id.clone());
        let kept = id.clone();
        let _ = self.mark(conn, move |c| c.workspace_id = Some(kept));
        Some(id)
    }

    /// Whether `url` is the workspace's own host or one of the apps its Apps API lists.
    pub async fn owns(&self, conn: &Connection, url: &Url) -> bool {
        Session::is_workspace_host(conn, url)
            || self
                .app_urls(conn)
                .await
                .iter()
                .filter_map(|a| Url::parse(a).ok())
                .any(|a| same_authority(&a, url))
    }

    /// Whether `url` is on the connection's workspace host itself.
    pub fn is_workspace_host(conn: &Connection, url: &Url) -> bool {
        Url::parse(&conn.host).is_ok_and(|w| same_authority(&w, url))
    }

    /// The `url`s the workspace's Apps API lists (kept a minute); none when it cannot be read.
    async fn app_urls(&self, conn: &Connection) -> Vec<String> {
        let now = (self.clock)();
        let handle = self.handle(conn);
        if let Some((at, urls)) = &handle.slot.lock().await.app_urls {
            if now.saturating_sub(*at) < APP_LIST_TTL_SECS {
                return urls.clone();
            }
        }
        let Ok(token) = self.access_token(conn).await else {
            return Vec::new();
        };
        let Ok(client) = self.client(conn) else {
            return Vec::new();
        };
        let urls: Vec<String> =
            match crate::workspace::list_apps(&client, &conn.host, &token.token).await {
                Ok(apps) => apps.into_iter().filter_map(|a| a.url).collect(),
                Err(_) => return Vec::new(),
            };
        handle.slot.lock().await.app_urls = Some((now, urls.clone()));
        urls
    }

    /// A new access token for `conn`, fetched even when the one kept is still valid.
    pub async fn refreshed_token(&self, conn: &Connection) -> Result<AccessToken, TokenError> {
        let handle = self.handle(conn);
        let mut slot = handle.slot.lock().await;
        let now = (self.clock)();
        let token = self.fetch(conn, &mut slot, now, &handle, true).await?;
        slot.cached = Some(token.clone());
        slot.generation += 1;
        handle.generation.store(slot.generation, Ordering::SeqCst);
        Ok(token)
    }

    /// A valid access token for `conn`, fetching or refreshing it when needed.
    pub async fn access_token(&self, conn: &Connection) -> Result<AccessToken, TokenError> {
        let handle = self.handle(conn);
        let seen = handle.generation.load(Ordering::SeqCst);
        let mut slot = handle.slot.lock().await;
        let now = (self.clock)();
        if let Some(cached) = &slot.cached {
            let fresh = cached
                .expires_at
                .is_none_or(|e| e > now + REFRESH_MARGIN_SECS);
            // Someone refreshed while this caller waited: that token is the answer.
            let just_fetched = slot.generation != seen && cached.expires_at.is_none_or(|e| e > now);
            if fresh || just_fetched {
                return Ok(cached.clone());
            }
        }
        let token = match self.fetch(conn, &mut slot, now, &handle, false).await {
            Ok(token) => token,
            // A refresh that fails (token endpoint down, network) while the current token
            // still works: keep using it; the next call tries again. A dead refresh token
            // is the exception: that sign-in is over.
            Err(e) if !matches!(e, TokenError::SignInAgain { .. }) => match &slot.cached {
                Some(c) if c.expires_at.is_some_and(|exp| exp > now) => return Ok(c.clone()),
                _ => return Err(e),
            },
            Err(e) => return Err(e),
        };
        slot.cached = Some(token.clone());
        slot.generation += 1;
        handle.generation.store(slot.generation, Ordering::SeqCst);
        Ok(token)
    }

    /// A new token for `conn`, by its kind: a personal access token as kept, a service
    /// principal's client credentials, the `databricks` CLI's token, or a person's refresh.
    async fn fetch(
        &self,
        conn: &Connection,
        slot: &mut Slot,
        now: u64,
        handle: &SlotHandle,
        force: bool,
    ) -> Result<AccessToken, TokenError> {
        match &conn.kind {
            ConnectionKind::PersonalAccessToken => self.personal_access_token(conn).await,
            ConnectionKind::ServicePrincipal { client_id, scopes } => {
                self.client_credentials(conn, slot, handle, client_id, scopes)
                    .await
            }
            ConnectionKind::CliProfile { profile } => {
                handle.refreshes.fetch_add(1, Ordering::SeqCst);
                let t = cli_token::token(self.host.as_ref(), &cli_token::cli_program(), profile)
                    .await?;
                Ok(AccessToken {
                    token: t.token,
                    expires_at: t.expires_at,
                    scopes: Vec::new(),
                })
            }
            ConnectionKind::User { client_id, .. } => {
                self.refresh(conn, slot, now, handle, force, client_id)
                    .await
            }
        }
    }

    /// The connection's own secret: given with it (the environment's), else the keychain's.
    async fn secret(
        &self,
        conn: &Connection,
        pick: fn(Stored) -> Option<SecretString>,
        what: &'static str,
    ) -> Result<SecretString, TokenError> {
        match &conn.inline_secret {
            Some(s) => Ok(s.clone()),
            None => pick(self.read(conn).await?).ok_or_else(|| TokenError::NoSecret {
                connection: conn.name.clone(),
                what,
            }),
        }
    }

    async fn personal_access_token(&self, conn: &Connection) -> Result<AccessToken, TokenError> {
        let pat = self
            .secret(conn, |s| s.pat, "personal access token")
            .await?;
        Ok(AccessToken {
            token: pat,
            expires_at: None,
            scopes: Vec::new(),
        })
    }

    async fn client_credentials(
        &self,
        conn: &Connection,
        slot: &mut Slot,
        handle: &SlotHandle,
        client_id: &str,
        scopes: &[String],
    ) -> Result<AccessToken, TokenError> {
        let secret = self
            .secret(conn, |s| s.client_secret, "client secret")
            .await?;
        let (client, ep) = self.endpoints(conn, slot).await?;
        let scopes = if scopes.is_empty() {
            vec!["all-apis".to_string()]
        } else {
            scopes.to_vec()
        };
        handle.refreshes.fetch_add(1, Ordering::SeqCst);
        let ts =
            oauth::client_credentials(&client, &ep.token_endpoint, client_id, &secret, &scopes)
                .await?;
        Ok(AccessToken {
            token: ts.access_token,
            expires_at: Some(ts.expires_at),
            scopes: ts.scopes,
        })
    }

    /// A person's token: the keychain's while it is fresh, else a refresh (one at a time
    /// across processes; a refresh token rotated by another process meanwhile is used).
    async fn refresh(
        &self,
        conn: &Connection,
        slot: &mut Slot,
        now: u64,
        handle: &SlotHandle,
        force: bool,
        client_id: &str,
    ) -> Result<AccessToken, TokenError> {
        // Forced: whatever the keychain holds is not fresh enough.
        let fresh = |stored: &Stored| match (&stored.access_token, stored.expires_at) {
            _ if force => None,
            (Some(at), Some(exp)) if exp > now + REFRESH_MARGIN_SECS => Some(AccessToken {
                token: at.clone(),
                expires_at: Some(exp),
                scopes: stored.scopes.clone(),
            }),
            _ => None,
        };
        let first = self.read(conn).await?;
        if let Some(t) = fresh(&first) {
            slot.refreshable = Some(first.refresh_token.is_some());
            return Ok(t);
        }
        // One refresh at a time across processes (the window and any `lakegate`
        // command): refresh tokens are single-use.
        let _lock = self.refresh_lock(conn).await;
        let mut stored = self.read(conn).await?;
        if let Some(t) = fresh(&stored) {
            // Another process refreshed while this one waited.
            slot.refreshable = Some(stored.refresh_token.is_some());
            return Ok(t);
        }
        let Some(mut rt) = stored.refresh_token.clone() else {
            return Err(TokenError::SignInNeeded(conn.name.clone()));
        };
        let (client, ep) = self.endpoints(conn, slot).await?;
        handle.refreshes.fetch_add(1, Ordering::SeqCst);
        let mut result =
            oauth::refresh(&client, &ep.token_endpoint, client_id, &rt, &stored.scopes).await;
        if let Err(GrantError::RefreshTokenInvalid(_)) = &result {
            // A process that does not take the lock may have rotated it: once, with
            // the newer one the keychain holds.
            let again = self.read(conn).await?;
            if let Some(newer) = again
                .refresh_token
                .clone()
                .filter(|n| n.expose_secret() != rt.expose_secret())
            {
                if let Some(t) = fresh(&again) {
                    slot.refreshable = Some(true);
                    return Ok(t);
                }
                stored = again;
                rt = newer;
                result =
                    oauth::refresh(&client, &ep.token_endpoint, client_id, &rt, &stored.scopes)
                        .await;
            }
        }
        self.keep_refreshed(conn, slot, stored, rt, result, now)
            .await
    }

    /// What a refresh gave: the new tokens kept (the refresh token first), a dead refresh
    /// token forgotten (never a newer one another process stored), or the saved token
    /// while it still works.
    async fn keep_refreshed(
        &self,
        conn: &Connection,
        slot: &mut Slot,
        mut stored: Stored,
        rt: SecretString,
        result: Result<crate::oauth::TokenSet, GrantError>,
        now: u64,
    ) -> Result<AccessToken, TokenError> {
        match result {
            Ok(ts) => {
                // Rotation: the new refresh token is in the keychain before the new
                // access token is used; without a new one, the one used is kept.
                stored.refresh_token = ts.refresh_token.clone().or(Some(rt));
                slot.refreshable = Some(true);
                stored.access_token = Some(ts.access_token.clone());
                stored.expires_at = Some(ts.expires_at);
                stored.scopes = ts.scopes.clone();
                self.write(conn, &stored).await?;
                Ok(AccessToken {
                    token: ts.access_token,
                    expires_at: Some(ts.expires_at),
                    scopes: ts.scopes,
                })
            }
            Err(GrantError::RefreshTokenInvalid(said)) => {
                // Never clear a newer refresh token another process stored meanwhile.
                let latest = self.read(conn).await?;
                let replaced = latest
                    .refresh_token
                    .as_ref()
                    .is_some_and(|n| n.expose_secret() != rt.expose_secret());
                if !replaced {
                    stored.refresh_token = None;
                    stored.access_token = None;
                    stored.expires_at = None;
                    self.write(conn, &stored).await?;
                }
                slot.cached = None;
                slot.refreshable = None;
                self.mark(conn, |c| c.needs_sign_in = true)?;
                Err(TokenError::SignInAgain {
                    connection: conn.name.clone(),
                    reason: said,
                })
            }
            // The saved token still works: see `access_token`.
            Err(e) => match (stored.access_token, stored.expires_at) {
                (Some(at), Some(exp)) if exp > now => Ok(AccessToken {
                    token: at,
                    expires_at: Some(exp),
                    scopes: stored.scopes,
                }),
                _ => Err(e.into()),
            },
        }
    }

    /// Holds the cross-process refresh lock of `conn` (a file lock under the config folder)
    /// until dropped. Waits up to 30 s; after that, or when there is no folder to lock in,
    /// refreshes without it (the retry on `invalid_grant` still covers a race).
    async fn refresh_lock(&self, conn: &Connection) -> Option<std::fs::File> {
        let dir = self.store.as_ref()?.path().parent()?.join("locks");
        crate::base::platform::create_private_dir(&dir).ok()?;
        let safe: String = conn
            .name
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
                other => format!("%{other:02x}"),
            })
            .collect();
        let path = dir.join(format!("refresh-{safe}.lock"));
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).ok()?;
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            match file.try_lock() {
                Ok(()) => return Some(file),
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(_) => return None,
            }
        }
    }

    /// Starts a user sign-in: binds the loopback listener and builds the link to open.
    /// `port_wait` hears about waiting for `databricks-cli`'s port 8020 when it is busy.
    pub async fn begin_sign_in(
        &self,
        conn: &Connection,
        port_wait: Option<oauth::PortWait>,
    ) -> Result<(PendingLogin, reqwest::Client), TokenError> {
        let ConnectionKind::User {
            client_id,
            redirect_uri,
            scopes,
        } = &conn.kind
        else {
            return Err(TokenError::NotUserLogin(conn.name.clone()));
        };
        let handle = self.handle(conn);
        let (client, endpoints) = {
            let mut slot = handle.slot.lock().await;
            self.endpoints(conn, &mut slot).await?
        };
        let redirect = match redirect_uri {
            Some(r) => RedirectChoice::Fixed(r.clone()),
            None => RedirectChoice::DatabricksCli {
                wait: oauth::CLI_PORT_WAIT,
                progress: port_wait,
            },
        };
        let pending = PendingLogin::start(LoginOptions {
            endpoints,
            client_id: client_id.clone(),
            redirect,
            scopes: oauth::user_scopes(scopes),
            timeout: LOGIN_TIMEOUT,
        })
        .await?;
        Ok((pending, client))
    }

    /// Finishes a sign-in: keeps the tokens in the keychain and learns who signed in.
    pub async fn complete_sign_in(
        &self,
        conn: &Connection,
        ts: TokenSet,
        client: &reqwest::Client,
    ) -> Result<String, TokenError> {
        let mut stored = self.read(conn).await?;
        stored.refresh_token = ts.refresh_token.clone();
        stored.access_token = Some(ts.access_token.clone());
        stored.expires_at = Some(ts.expires_at);
        stored.scopes = ts.scopes.clone();
        self.write(conn, &stored).await?;
        let handle = self.handle(conn);
        {
            let mut slot = handle.slot.lock().await;
            slot.refreshable = Some(ts.refresh_token.is_some());
            slot.cached = Some(AccessToken {
                token: ts.access_token.clone(),
                expires_at: Some(ts.expires_at),
                scopes: ts.scopes.clone(),
            });
            slot.generation += 1;
            handle.generation.store(slot.generation, Ordering::SeqCst);
        }
        let who = whoami(client, &conn.host, &ts.access_token)
            .await
            .unwrap_or_else(|_| "(unknown user)".into());
        let name = who.clone();
        self.mark(conn, move |c| {
            c.signed_in_as = Some(name);
            c.needs_sign_in = false;
        })?;
        Ok(who)
    }

    /// What the keychain says about a connection's sign-in, without exposing a secret.
    pub async fn sign_in_state(&self, conn: &Connection) -> Result<SignInState, TokenError> {
        if conn.inline_secret.is_some() || matches!(conn.kind, ConnectionKind::CliProfile { .. }) {
            return Ok(SignInState {
                has_credentials: true,
                expires_at: None,
                refreshable: None,
            });
        }
        let (cached, known_refreshable) = {
            let handle = self.handle(conn);
            let slot = handle.slot.lock().await;
            (slot.cached.as_ref().map(|c| c.expires_at), slot.refreshable)
        };
        let user = matches!(conn.kind, ConnectionKind::User { .. });
        // A cached token answers without the keychain (for a person, once it is known
        // whether a refresh token backs it).
        if let (Some(expires_at), false) = (cached, user && known_refreshable.is_none()) {
            return Ok(SignInState {
                has_credentials: true,
                expires_at,
                refreshable: known_refreshable.filter(|_| user),
            });
        }
        let stored = self.read(conn).await?;
        let has_credentials = cached.is_some()
            || stored.refresh_token.is_some()
            || stored.client_secret.is_some()
            || stored.pat.is_some()
            || stored.access_token.is_some();
        Ok(SignInState {
            has_credentials,
            expires_at: cached.flatten().or(stored.expires_at),
            // A person's sign-in without a refresh token ends when its access token does.
            refreshable: (user && has_credentials).then_some(stored.refresh_token.is_some()),
        })
    }
}

/// The same host and port, by the destination rule's own reading of a URL.
fn same_authority(a: &Url, b: &Url) -> bool {
    let (a, b) = (destinations::authority(a), destinations::authority(b));
    a.is_some() && a == b
}

fn same_host(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

#[derive(Debug, Clone, Copy)]
pub struct SignInState {
    pub has_credentials: bool,
    pub expires_at: Option<u64>,
    /// For a person's sign-in: whether a refresh token keeps it going past `expires_at`.
    pub refreshable: Option<bool>,
}

/// The `X-Databricks-Org-Id` header of the workspace's SCIM `Me` answer: its numeric id.
async fn org_id(client: &reqwest::Client, host: &str, token: &SecretString) -> Option<String> {
    let resp = scim_me(client, host, token).await.ok()?;
    let id = resp
        .headers()
        .get("x-databricks-org-id")?
        .to_str()
        .ok()?
        .trim();
    (!id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.to_string())
}

/// The workspace's SCIM `Me` for `token` (only ever the connection's own workspace host).
async fn scim_me(
    client: &reqwest::Client,
    host: &str,
    token: &SecretString,
) -> Result<reqwest::Response, reqwest::Error> {
    let url = format!("{}/api/2.0/preview/scim/v2/Me", host.trim_end_matches('/'));
    client
        .get(url)
        .bearer_auth(token.expose_secret())
        .send()
        .await
}

/// `userName` from SCIM Me: who a token speaks for.
pub async fn whoami(
    client: &reqwest::Client,
    host: &str,
    token: &SecretString,
) -> Result<String, String> {
    // As every workspace call reads it: a refusal in the server's own words, a sign-in page
    // where JSON was expected as a refused token (never a parse error).
    crate::workspace::me(client, host, token)
        .await
        .map(|me| me.user_name)
        .map_err(|e| e.to_string())
}

impl crate::base::i18n::Localize for TokenError {
    fn say(&self, lang: &str) -> String {
        match self {
            TokenError::SignInNeeded(c) => say!(lang, "token-sign-in-needed", connection = c),
            TokenError::SignInAgain { connection, reason } => {
                say!(
                    lang,
                    "token-sign-in-again",
                    connection = connection,
                    reason = reason
                )
            }
            TokenError::NoSecret { connection, what } => {
                say!(
                    lang,
                    "token-no-secret",
                    connection = connection,
                    what = *what
                )
            }
            TokenError::NotUserLogin(c) => say!(lang, "token-not-user-login", connection = c),
            TokenError::Keychain(e) => e.say(lang),
            TokenError::Discovery(e) => e.say(lang),
            TokenError::Grant(e) => e.say(lang),
            TokenError::Http(e) => e.say(lang),
            TokenError::Login(e) => e.say(lang),
            TokenError::Cli(e) => e.say(lang),
            TokenError::Store(e) => e.say(lang),
            TokenError::Join(m) => say!(lang, "token-join", reason = m),
            TokenError::Refused(e) => e.say(lang),
        }
    }
}
