//! Connections: how Lakegate gets a token for a workspace. Saved ones live in
//! `connections.json` (never a secret); the environment and `~/.databrickscfg`
//! profiles add more on the fly. Secrets live in the keychain (see `secrets`).

mod cli_token;
pub mod destinations;
pub mod registry;
mod store;
mod tokens;

pub use cli_token::{parse_rfc3339, CliError};
pub use store::{ConnectionStore, LoadReport, StoreError};
pub use tokens::{
    whoami, AccessToken, Clock, Session, SignInState, TokenError, KEYCHAIN_TIMEOUT,
    REFRESH_MARGIN_SECS,
};

use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConnectionKind {
    /// A person signs in in the system browser (authorization code + PKCE).
    User {
        client_id: String,
        /// An organisation's own registered loopback redirect; `None`: databricks-cli's 8020–8040.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        redirect_uri: Option<String>,
        /// Picked scopes; empty: `all-apis offline_access`.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// A service principal's client credentials (secret in the keychain).
    ServicePrincipal {
        client_id: String,
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// A personal access token: workspace APIs only (Apps refuse PATs).
    PersonalAccessToken,
    /// Tokens the `databricks` CLI manages for one of its profiles.
    CliProfile { profile: String },
}

impl ConnectionKind {
    pub fn label(&self) -> &'static str {
        match self {
            ConnectionKind::User { .. } => "user sign-in",
            ConnectionKind::ServicePrincipal { .. } => "service principal",
            ConnectionKind::PersonalAccessToken => "personal access token",
            ConnectionKind::CliProfile { .. } => "databricks CLI profile",
        }
    }
}

/// Where a connection comes from (the window receives it as `OriginName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "OriginName")]
pub enum Origin {
    Saved,
    /// `DATABRICKS_*` variables (how one Databricks App calls another).
    Environment,
    /// A profile of a `.databrickscfg` file.
    Profile,
    /// The sandbox this window started.
    Sandbox,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Connection {
    /// Unique, shown to people, and the keychain account's suffix.
    pub name: String,
    /// `https://host[:port]`, normalised.
    pub host: String,
    pub kind: ConnectionKind,
    /// A PEM bundle trusted for this connection on top of the system roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<PathBuf>,
    /// Hosts the person typed in as trusted with this connection's token, beyond its
    /// workspace and apps (`host` or `host:port`; see `destinations`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_hosts: Vec<String>,
    /// The workspace's numeric id, as its apps' hosts carry it (`<app>-<id>.…databricksapps.com`);
    /// learned from the workspace on first need and kept (see `destinations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// Who the last sign-in was (e.g. `alice@example.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_in_as: Option<String>,
    /// The refresh token died: sign in again (everything else is kept).
    #[serde(default)]
    pub needs_sign_in: bool,
    #[serde(skip, default = "saved")]
    pub origin: Origin,
    /// A secret that came with the connection (environment, profile file): never saved anywhere.
    #[serde(skip)]
    pub inline_secret: Option<SecretString>,
    /// In-memory CA (the window's own sandbox).
    #[serde(skip)]
    pub ca_pem: Option<String>,
}

fn saved() -> Origin {
    Origin::Saved
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("kind", &self.kind)
            .field("origin", &self.origin)
            .field(
                "inline_secret",
                &self.inline_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Connection {
    pub fn new(name: &str, host: &str, kind: ConnectionKind) -> Self {
        Connection {
            name: name.to_string(),
            host: host.to_string(),
            kind,
            ca_bundle: None,
            trusted_hosts: Vec::new(),
            workspace_id: None,
            signed_in_as: None,
            needs_sign_in: false,
            origin: Origin::Saved,
            inline_secret: None,
            ca_pem: None,
        }
    }

    /// The keychain account holding this connection's secrets (one entry per connection).
    pub fn keychain_account(&self) -> String {
        format!("connection:{}", self.name)
    }

    pub fn trust(&self) -> crate::http::Trust {
        crate::http::Trust {
            ca_files: self.ca_bundle.iter().cloned().collect(),
            ca_pems: self.ca_pem.iter().cloned().collect(),
            ignore_env: false,
        }
    }
}

/// Checks a connection name people typed.
pub fn validate_name(name: &str) -> Result<(), String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(crate::base::i18n::wsay!("name-empty"));
    }
    if n.len() > 64 {
        return Err(crate::base::i18n::wsay!("name-too-long", max = 64u64));
    }
    let lower = n.to_ascii_lowercase();
    // The sandbox's own connections (`engine::SANDBOX_CONNECTION`, the guide's
    // `engine::SANDBOX_SERVICE_PRINCIPAL`) would shadow a saved one of the same name.
    if lower.starts_with("profile:")
        || lower == "env"
        || lower == "sandbox"
        || lower == "sandbox service principal"
    {
        return Err(crate::base::i18n::wsay!(
            "name-reserved",
            name = format!("{n:?}")
        ));
    }
    if n.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(crate::base::i18n::wsay!("name-bad-characters"));
    }
    Ok(())
}

/// What the window is told of this error (`UiError`: its kind, and the words).
impl From<StoreError> for crate::base::error::UiError {
    fn from(e: StoreError) -> Self {
        use crate::base::i18n::Localize as _;
        match e {
            StoreError::Duplicate(_) => crate::base::error::UiError::invalid("name", e.in_window()),
            StoreError::Unknown(_) => crate::base::error::UiError::NotFound {
                message: e.in_window(),
            },
            other => crate::base::error::UiError::Storage {
                message: other.in_window(),
                path: None,
            },
        }
    }
}

/// What the window is told of this error (`UiError`: its kind, and the words).
impl From<TokenError> for crate::base::error::UiError {
    fn from(e: TokenError) -> Self {
        use crate::base::i18n::Localize as _;
        let message = e.in_window();
        match e {
            TokenError::SignInNeeded(connection) | TokenError::NoSecret { connection, .. } => {
                crate::base::error::UiError::SignInNeeded {
                    message,
                    connection,
                }
            }
            TokenError::SignInAgain { connection, .. } => {
                crate::base::error::UiError::SignInAgain {
                    message,
                    connection,
                }
            }
            TokenError::NotUserLogin(_) => crate::base::error::UiError::invalid("kind", message),
            TokenError::Keychain(_) | TokenError::Join(_) => {
                crate::base::error::UiError::Keychain { message }
            }
            TokenError::Discovery(crate::oauth::DiscoveryError::NotDatabricks { .. }) => {
                crate::base::error::UiError::NotDatabricks { message }
            }
            TokenError::Discovery(crate::oauth::DiscoveryError::NotHttps { .. }) => {
                crate::base::error::UiError::Refused { message }
            }
            TokenError::Discovery(_) | TokenError::Http(_) => {
                crate::base::error::UiError::Network { message }
            }
            TokenError::Grant(crate::oauth::GrantError::Network(_)) => {
                crate::base::error::UiError::Network { message }
            }
            TokenError::Grant(crate::oauth::GrantError::RefreshTokenInvalid(_)) => {
                crate::base::error::UiError::SignInAgain {
                    message,
                    connection: String::new(),
                }
            }
            TokenError::Grant(_) => crate::base::error::UiError::Refused { message },
            TokenError::Login(crate::oauth::LoginError::Cancelled) => {
                crate::base::error::UiError::Cancelled { message }
            }
            TokenError::Login(crate::oauth::LoginError::TimedOut(_)) => {
                crate::base::error::UiError::TimedOut { message }
            }
            TokenError::Login(crate::oauth::LoginError::Exchange(
                crate::oauth::GrantError::Network(_),
            )) => crate::base::error::UiError::Network { message },
            TokenError::Login(_) => crate::base::error::UiError::Refused { message },
            TokenError::Cli(_) => crate::base::error::UiError::Cli { message },
            TokenError::Store(s) => s.into(),
            TokenError::Refused(r) => crate::base::error::UiError::TokenRefused {
                message,
                host: r.host,
            },
        }
    }
}

/// What the window is told of this error (`UiError`: its kind, and the words).
impl From<crate::oauth::LoginError> for crate::base::error::UiError {
    fn from(e: crate::oauth::LoginError) -> Self {
        TokenError::Login(e).into()
    }
}

#[cfg(test)]
mod name_tests {
    use super::validate_name;

    #[test]
    fn the_names_lakegate_gives_its_own_connections_are_reserved() {
        for taken in [
            "Sandbox",
            "sandbox service principal",
            "Sandbox Service Principal",
            "ENV",
            "profile:work",
        ] {
            assert!(validate_name(taken).is_err(), "{taken}");
        }
        for free in ["Sandbox 2", "work", "service principal"] {
            assert!(validate_name(free).is_ok(), "{free}");
        }
    }
}
