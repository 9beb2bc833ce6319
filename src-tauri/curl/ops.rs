//! Importing a pasted curl line as a request (the reading itself: `curl/mod.rs`).

use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::bridge::{CurlImport, RequestInput};
use crate::engine::Engine;
use crate::request::MAX_TIMEOUT_SECS;

impl Engine {
    /// Reads a pasted curl command as a request. Its credentials are left out (the
    /// connection's token is used); the connection is the one whose workspace owns the
    /// URL's host, else `current`.
    pub async fn import_curl(
        &self,
        text: &str,
        current: Option<String>,
    ) -> Result<CurlImport, UiError> {
        let p = crate::curl::parse(text).map_err(|e| UiError::invalid("curl", e.in_window()))?;
        let url = url::Url::parse(&p.url).map_err(|e| {
            UiError::invalid(
                "curl",
                wsay!("not-a-url", url = &p.url, reason = e.to_string()),
            )
        })?;
        let mut notes = Vec::new();
        if p.carried_token {
            notes.push(wsay!("curl-carried-token"));
        }
        if !p.left_out.is_empty() {
            notes.push(wsay!("curl-left-out", names = p.left_out.join(", ")));
        }
        let request = RequestInput {
            connection: current,
            method: p.method,
            url: p.url,
            query: p.query,
            headers: p.headers,
            body: p.body,
            timeout_secs: p.timeout_secs.unwrap_or(60).min(MAX_TIMEOUT_SECS),
            without_token: None,
        };
        let mut imported = self.with_owner(&url, request, notes).await?;
        imported.notes.extend(p.notes);
        imported.carried_token = p.carried_token;
        Ok(imported)
    }
}
