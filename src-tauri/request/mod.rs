//! The request a person builds (in the window, from a curl line, a link or a check file) and
//! that history and saved requests keep: the core's own type, which the window also sends.
//! It never holds a secret: the connection adds the token in Rust.

mod ops;

pub use ops::{full_url_of, response_view, Progress, Streamed, MAX_TIMEOUT_SECS};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::redaction::{redact_headers, redact_query, redact_text, redact_url};

/// A request as the builder holds it, and as history and saved requests keep it. No
/// secret: the connection adds the token in Rust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequestInput {
    pub connection: Option<String>,
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub query: Vec<(String, String)>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// (`timeout_secs` in history files written before this was one type.)
    #[serde(alias = "timeout_secs")]
    pub timeout_secs: u64,
    /// Send without the connection's token (after Lakegate refused to send it to this host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub without_token: Option<bool>,
}

impl RequestInput {
    /// The request as it is written down anywhere (history, saved requests, reports):
    /// `redact_url` on its URL, secret header and query values replaced, token-shaped text in
    /// the body redacted.
    pub fn redacted(&self) -> RequestInput {
        RequestInput {
            url: redact_url(&self.url),
            query: redact_query(&self.query),
            headers: redact_headers(&self.headers),
            body: self.body.as_deref().map(redact_text),
            ..self.clone()
        }
    }
}
