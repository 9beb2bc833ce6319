//! The request as curl, Python and SDK snippets, credentials redacted.

use crate::base::error::UiError;
use crate::bridge::{RequestInput, SnippetsView};
use crate::engine::Engine;
use crate::request::full_url_of;

impl Engine {
    pub fn snippets(&self, request: RequestInput) -> Result<SnippetsView, UiError> {
        let url = crate::base::redaction::redact_url(full_url_of(&request)?.as_str());
        let headers = crate::base::redaction::redact_headers(&request.headers);
        // A profile connection's own name; else the profile the SDK picks by default.
        let profile = request
            .connection
            .as_deref()
            .and_then(|c| c.strip_prefix("profile:"))
            .unwrap_or("DEFAULT")
            .to_string();
        let input = crate::snippets::SnippetInput {
            method: &request.method,
            url: &url,
            headers: &headers,
            body: request.body.as_deref(),
        };
        Ok(SnippetsView {
            curl: crate::snippets::curl(&input),
            python_requests: crate::snippets::python_requests(&input),
            python_sdk: crate::snippets::python_sdk(&input),
            python_cli_profile: crate::snippets::python_cli_profile(&input, &profile),
        })
    }
}
