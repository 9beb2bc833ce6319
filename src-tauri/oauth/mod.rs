//! OAuth 2.0 for Databricks, client side: host names, discovery, the U2M sign-in
//! (authorization code + PKCE in the system browser, RFC 8252), client credentials
//! and refresh. Built on the `oauth2` crate over Lakegate's own reqwest client.

mod discovery;
mod grants;
mod host_url;
pub mod jwt;
mod login;

pub use discovery::{discover, DiscoveryError, OAuthEndpoints};
pub use grants::{client_credentials, refresh, GrantError};
pub use host_url::{normalize_host, AddressError};
pub use login::{
    LoginError, LoginOptions, Paste, PendingLogin, PortWait, RedirectChoice, CLI_PORT,
    CLI_PORT_WAIT, LOGIN_TIMEOUT,
};

use secrecy::SecretString;

/// The default scopes of a user sign-in, as `databricks auth login` asks.
pub const DEFAULT_USER_SCOPES: &[&str] = &["all-apis", "offline_access"];
/// The default client of a user sign-in: the one the Databricks CLI registers.
pub const DEFAULT_CLIENT_ID: &str = "databricks-cli";

/// Tokens as they came back from the token endpoint.
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// Unix seconds.
    pub expires_at: u64,
    /// The scopes granted, when the server said.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Scopes for a sign-in: the default, or exactly the picked ones plus `offline_access`.
pub fn user_scopes(picked: &[String]) -> Vec<String> {
    if picked.is_empty() {
        return DEFAULT_USER_SCOPES.iter().map(|s| s.to_string()).collect();
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in picked.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_string());
        }
    }
    if !scopes.iter().any(|s| s == "offline_access") {
        scopes.push("offline_access".into());
    }
    scopes
}

/// A word for a scope typed as Databricks' guide writes it: its own custom-scope example
/// asks for `file.files`, while the scope of the Files API is `files.files` (the one the
/// workspace's apps list in `user_api_scopes`).
pub fn scope_hint(scope: &str) -> Option<String> {
    (scope.trim() == "file.files").then(|| crate::base::i18n::wsay!("scope-hint-file-files"))
}

/// The hints for every scope of `typed` (separated by spaces or commas), once each.
pub fn scope_hints(typed: &str) -> Vec<String> {
    let mut hints: Vec<String> = Vec::new();
    for hint in typed.split([' ', ',', '\n', '\t']).filter_map(scope_hint) {
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }
    hints
}

// The clock's helpers live in the base (`platform`); their old home still answers.
pub use crate::base::platform::{rfc3339, unix_now};

#[cfg(test)]
mod tests {
    use super::{scope_hint, user_scopes};

    #[test]
    fn the_guides_file_files_gets_a_hint() {
        assert!(scope_hint("file.files")
            .unwrap()
            .contains("did you mean files.files?"));
        assert_eq!(scope_hint("files.files"), None);
        assert_eq!(scope_hint("sql"), None);
    }

    #[test]
    fn picked_scopes_gain_offline_access_once() {
        assert_eq!(user_scopes(&[]), ["all-apis", "offline_access"]);
        let picked = ["sql".to_string(), " files.files ".into(), "sql".into()];
        assert_eq!(
            user_scopes(&picked),
            ["sql", "files.files", "offline_access"]
        );
        assert_eq!(user_scopes(&["offline_access".into()]), ["offline_access"]);
    }
}
