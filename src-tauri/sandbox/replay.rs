//! Replaying an answer Databricks is on record as giving (tests/fixtures/databricks/): with
//! `lakegate sandbox --replay <id>` (or `{"replay": "<id>"}` at `/_sandbox/faults`) the
//! sandbox answers the requests that recording describes exactly as recorded — its status,
//! its headers, its body — and everything else as usual, so a sign-in, a token and the
//! workspace id still work. A learner sees what Lakegate makes of a real answer; the tests
//! drive every door through each one.
//!
//! Which requests a recording answers, by the kind of host it was recorded on:
//! - `app`: every request to an app's host;
//! - `workspace`, recorded under `/api/`: every `/api/` request to the workspace (the
//!   discovery documents and the token endpoint stay as they are); recorded elsewhere (a
//!   discovery document): requests for that same path;
//! - `token_endpoint`: every token request (`POST /oidc/v1/token`).

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Method, Response, StatusCode};
use serde_json::Value;

/// Where a request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Workspace,
    App,
}

/// A recording the sandbox can play.
#[derive(Debug)]
pub struct Replay {
    host: String,
    path: String,
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

/// The recording `id`, when it is one the sandbox can play: it shows a status (not every
/// source does) other than a websocket's 101.
pub fn load(id: &str) -> Result<Replay, String> {
    let v = crate::doctor::record::recording(id).ok_or_else(|| {
        format!("no recording named {id:?} (`lakegate sandbox --recordings` lists them)")
    })?;
    let status = v["answer"]["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .filter(|s| *s != StatusCode::SWITCHING_PROTOCOLS)
        .ok_or_else(|| {
            format!("the recording {id:?} shows no status the sandbox can play (its source does not give one)")
        })?;
    let path = v["asked"]["path"].as_str().unwrap_or("");
    let host = v["asked"]["host"].as_str().unwrap_or("");
    if host == "workspace" && !path.starts_with("/api/") && path.contains(['{', '<', '[', '…', '*'])
    {
        return Err(format!(
            "the recording {id:?} names no path a request can take ({path})"
        ));
    }
    let headers = v["answer"]["headers"]
        .as_object()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Replay {
        host: host.to_string(),
        path: path.to_string(),
        status,
        headers,
        body: v["answer"]["body"].as_str().map(str::to_string),
    })
}

impl Replay {
    /// Whether this recording answers `method path` sent to `door`.
    pub fn answers(&self, door: Door, method: &Method, path: &str) -> bool {
        match (self.host.as_str(), door) {
            ("app", Door::App) => true,
            ("token_endpoint", Door::Workspace) => {
                method == Method::POST && path == "/oidc/v1/token"
            }
            ("workspace", Door::Workspace) if self.path.starts_with("/api/") => {
                path.starts_with("/api/")
            }
            ("workspace", Door::Workspace) => {
                let recorded = self.path.split('?').next().unwrap_or("");
                path == recorded
            }
            _ => false,
        }
    }

    /// The recorded answer. A `Location` the record gives only in part (`…/oidc/…`) or on
    /// an example host goes to the same path here: on the request's own host (`origin`)
    /// when the record elides it, on the workspace (`workspace`) when it names one.
    pub fn response(&self, origin: &str, workspace: &str) -> Response<Body> {
        let mut resp = Response::new(Body::from(self.body.clone().unwrap_or_default()));
        *resp.status_mut() = self.status;
        let headers = resp.headers_mut();
        for (name, value) in &self.headers {
            let lower = name.to_ascii_lowercase();
            // Lengths and transport are this answer's own.
            if [
                "content-length",
                "transfer-encoding",
                "connection",
                "alt-svc",
            ]
            .contains(&lower.as_str())
            {
                continue;
            }
            let value = if lower == "location" {
                located(value, origin, workspace)
            } else {
                value.clone()
            };
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.append(n, v);
            }
        }
        if !headers.contains_key(header::CONTENT_TYPE) {
            if let Some(body) = &self.body {
                let kind = if serde_json::from_str::<Value>(body).is_ok() {
                    "application/json"
                } else if body.trim_start().starts_with('<') {
                    "text/html; charset=utf-8"
                } else {
                    "text/plain; charset=utf-8"
                };
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            }
        }
        resp
    }
}

fn located(recorded: &str, origin: &str, workspace: &str) -> String {
    let trimmed = recorded.trim_end_matches('…');
    if let Some(path) = trimmed.strip_prefix('…') {
        return format!("{origin}{path}");
    }
    match trimmed.split_once("://") {
        Some((_, rest)) => {
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            format!("{workspace}{path}")
        }
        None => format!("{origin}{trimmed}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_answer_their_own_requests_only() {
        let r = load("rest-invalid-access-token-403").unwrap();
        assert!(r.answers(Door::Workspace, &Method::GET, "/api/2.0/apps"));
        assert!(!r.answers(Door::Workspace, &Method::POST, "/oidc/v1/token"));
        assert!(!r.answers(
            Door::Workspace,
            &Method::GET,
            "/.well-known/databricks-config"
        ));
        assert!(!r.answers(Door::App, &Method::GET, "/api/hello"));
        let t = load("token-refresh-invalid-401").unwrap();
        assert!(t.answers(Door::Workspace, &Method::POST, "/oidc/v1/token"));
        assert!(!t.answers(Door::Workspace, &Method::GET, "/api/2.0/apps"));
        let a = load("apps-no-token-302-authorize").unwrap();
        assert!(a.answers(Door::App, &Method::GET, "/api/hello"));
        assert!(!a.answers(Door::Workspace, &Method::GET, "/api/2.0/apps"));
        assert!(load("apps-websocket-upgrade-valid-oauth-101").is_err());
        assert!(load("apps-sse-buffered").is_err());
        assert!(load("no-such-recording").is_err());
        assert!(load("authorize-account-azure-404-cli803").is_err());
    }

    #[test]
    fn a_partial_location_goes_to_the_same_path_here() {
        assert_eq!(
            located(
                "…/oidc/oauth2/v2.0/authorize…",
                "https://a-1.apps.localhost:9",
                "https://localhost:9"
            ),
            "https://a-1.apps.localhost:9/oidc/oauth2/v2.0/authorize"
        );
        assert_eq!(
            located(
                "https://example.databricks.com/oidc/oauth2/v2.0/authorize?client_id=abc",
                "https://a-1.apps.localhost:9",
                "https://localhost:9"
            ),
            "https://localhost:9/oidc/oauth2/v2.0/authorize?client_id=abc"
        );
    }
}
