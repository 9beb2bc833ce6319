//! The one error the UI sees. `kind` is what the UI branches on; `message` is what
//! a person reads: what happened, what it means, what to do next. Messages never
//! hold a secret: every error they come from is built without one.

use serde::Serialize;
use ts_rs::TS;

/// An error with every cause under it (`error sending request: …: connection refused`),
/// each said once: a network failure's top line alone rarely says what went wrong.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text = format!("{text}: {next}");
        }
        source = s.source();
    }
    text
}

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
    /// The system could not do what was asked of it (open the browser, run a program).
    #[error("{message}")]
    System { message: String },
}

impl UiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        UiError::InvalidInput {
            message: message.into(),
            field: field.into(),
        }
    }
}

impl From<crate::base::platform::NoHome> for UiError {
    fn from(e: crate::base::platform::NoHome) -> Self {
        UiError::Storage {
            message: e.to_string(),
            path: None,
        }
    }
}
