//! `lakegate://` links: a request as a link without any secret, and a link opened.

use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::bridge::{CurlImport, RequestInput};
use crate::engine::Engine;
use crate::request::full_url_of;

impl Engine {
    /// A `lakegate://` link for `request` (no secret header; the token is never in it).
    pub fn request_link(&self, request: &RequestInput) -> Result<String, UiError> {
        let url = full_url_of(request)?;
        crate::links::to_link(&crate::links::Linked {
            method: request.method.clone(),
            url: url.to_string(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        })
        .map_err(|e| UiError::invalid("link", e.in_window()))
    }

    /// The request a `lakegate://` link opens, with the connection that owns its host;
    /// nothing is sent.
    pub async fn open_link(
        &self,
        link: &str,
        current: Option<String>,
    ) -> Result<CurlImport, UiError> {
        let l =
            crate::links::from_link(link).map_err(|e| UiError::invalid("link", e.in_window()))?;
        let mut url = url::Url::parse(&l.url).map_err(|e| {
            UiError::invalid(
                "link",
                wsay!("not-a-url", url = &l.url, reason = e.to_string()),
            )
        })?;
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let owner = url.clone();
        url.set_query(None);
        let request = RequestInput {
            connection: current,
            method: l.method,
            url: url.to_string(),
            query,
            headers: l.headers,
            body: l.body,
            timeout_secs: 60,
            without_token: None,
        };
        let notes = vec![wsay!("link-opened-note")];
        self.with_owner(&owner, request, notes).await
    }
}
