//! The one error the UI sees. `kind` is what the UI branches on; `message` is what
//! a person reads: what happened, what it means, what to do next. Messages never
//! hold a secret: every error they come from is built without one.

use serde::Serialize;
use ts_rs::TS;

use crate::connections::{StoreError, TokenError};
use crate::i18n::Localize;
use crate::oauth::{GrantError, LoginError};

#[derive(Debug, thiserror::Error, Serialize, TS)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum UiError {
    /// A folder or file Lakegate keeps its data in cannot be used.
    #[error("{message}")]
    Storage {
        message: String,
        path: Option<String>,
    },
    /// The OS keychain cannot be reached; secrets can be kept in memory for this run.
    #[error("{message}")]
    Keychain { message: String },
    /// Something typed is not usable; `field` names the form field.
    #[error("{message}")]
    InvalidInput { message: String, field: String },
    /// The connection has no usable sign-in yet.
    #[error("{message}")]
    SignInNeeded { message: String, connection: String },
    /// The refresh token died: sign in again (the connection is kept).
    #[error("{message}")]
    SignInAgain { message: String, connection: String },
    /// The host answered, but not as a Databricks workspace.
    #[error("{message}")]
    NotDatabricks { message: String },
    /// The host could not be reached (DNS, TCP, TLS, proxy).
    #[error("{message}")]
    Network { message: String },
    /// The workspace refused (bad secret, scopes not allowed, an OAuth error).
    #[error("{message}")]
    Refused { message: String },
    /// The user cancelled, or the browser never came back.
    #[error("{message}")]
    Cancelled { message: String },
    #[error("{message}")]
    TimedOut { message: String },
    /// The server's certificate is not trusted (a CA bundle may be missing).
    #[error("{message}")]
    TlsUntrusted { message: String },
    /// A proxy refused, or needs authentication.
    #[error("{message}")]
    Proxy { message: String },
    /// The databricks CLI is missing, too old or failed.
    #[error("{message}")]
    Cli { message: String },
    /// The sandbox workspace could not start.
    #[error("{message}")]
    Sandbox { message: String },
    /// The connection's token does not go to this host (or not over http): nothing was
    /// sent. The request may be sent without the token.
    #[error("{message}")]
    TokenRefused { message: String, host: String },
    /// Nothing is known by that name.
    #[error("{message}")]
    NotFound { message: String },
    /// A file is there already: nothing was written over it.
    #[error("{message}")]
    FileExists { message: String, path: String },
}

impl UiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        UiError::InvalidInput {
            message: message.into(),
            field: field.into(),
        }
    }
}

impl From<crate::platform::NoHome> for UiError {
    fn from(e: crate::platform::NoHome) -> Self {
        UiError::Storage {
            message: e.to_string(),
            path: None,
        }
    }
}

impl From<StoreError> for UiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(_) => UiError::invalid("name", e.in_window()),
            StoreError::Unknown(_) => UiError::NotFound {
                message: e.in_window(),
            },
            other => UiError::Storage {
                message: other.in_window(),
                path: None,
            },
        }
    }
}

impl From<TokenError> for UiError {
    fn from(e: TokenError) -> Self {
        let message = e.in_window();
        match e {
            TokenError::SignInNeeded(connection) | TokenError::NoSecret { connection, .. } => {
                UiError::SignInNeeded {
                    message,
                    connection,
                }
            }
            TokenError::SignInAgain { connection, .. } => UiError::SignInAgain {
                message,
                connection,
            },
            TokenError::NotUserLogin(_) => UiError::invalid("kind", message),
            TokenError::Keychain(_) | TokenError::Join(_) => UiError::Keychain { message },
            TokenError::Discovery(crate::oauth::DiscoveryError::NotDatabricks { .. }) => {
                UiError::NotDatabricks { message }
            }
            TokenError::Discovery(crate::oauth::DiscoveryError::NotHttps { .. }) => {
                UiError::Refused { message }
            }
            TokenError::Discovery(_) | TokenError::Http(_) => UiError::Network { message },
            TokenError::Grant(GrantError::Network(_)) => UiError::Network { message },
            TokenError::Grant(GrantError::RefreshTokenInvalid(_)) => UiError::SignInAgain {
                message,
                connection: String::new(),
            },
            TokenError::Grant(_) => UiError::Refused { message },
            TokenError::Login(LoginError::Cancelled) => UiError::Cancelled { message },
            TokenError::Login(LoginError::TimedOut(_)) => UiError::TimedOut { message },
            TokenError::Login(LoginError::Exchange(GrantError::Network(_))) => {
                UiError::Network { message }
            }
            TokenError::Login(_) => UiError::Refused { message },
            TokenError::Cli(_) => UiError::Cli { message },
            TokenError::Store(s) => s.into(),
            TokenError::Refused(r) => UiError::TokenRefused {
                message,
                host: r.host,
            },
        }
    }
}

impl From<crate::http::call::CallError> for UiError {
    fn from(e: crate::http::call::CallError) -> Self {
        use crate::http::call::CallError as C;
        let message = e.in_window();
        match e {
            C::Invalid(_) => UiError::invalid("url", message),
            C::TokenElsewhere { host, .. } => UiError::TokenRefused { message, host },
            C::TlsUntrusted { .. } => UiError::TlsUntrusted { message },
            C::ProxyAuth { .. } | C::ProxyRefused { .. } => UiError::Proxy { message },
            C::Timeout { .. } => UiError::TimedOut { message },
            C::Cancelled => UiError::Cancelled { message },
            C::Dns { .. } | C::Connect { .. } | C::Tls { .. } | C::Broken { .. } | C::Setup(_) => {
                UiError::Network { message }
            }
        }
    }
}

impl From<crate::workspace::WorkspaceError> for UiError {
    fn from(e: crate::workspace::WorkspaceError) -> Self {
        let message = e.in_window();
        match e {
            crate::workspace::WorkspaceError::Network(_) => UiError::Network { message },
            _ => UiError::Refused { message },
        }
    }
}

impl From<crate::history::HistoryError> for UiError {
    fn from(e: crate::history::HistoryError) -> Self {
        match e {
            crate::history::HistoryError::Exists(..) => UiError::invalid("name", e.in_window()),
            other => UiError::Storage {
                message: other.in_window(),
                path: None,
            },
        }
    }
}

impl From<LoginError> for UiError {
    fn from(e: LoginError) -> Self {
        TokenError::Login(e).into()
    }
}
