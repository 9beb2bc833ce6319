//! The Doctor: every check between Lakegate and an app's endpoint, in order, each
//! with what was observed, what it means and the exact next step. Covers the source
//! guide's troubleshooting list (401, 403, 404, network).

mod ops;

pub mod record;
mod report;

pub use report::{redact, to_json, to_markdown};

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Serialize;
use ts_rs::TS;
use url::Url;

use crate::base::i18n::{Localize, Msg, Text};
use crate::connections::{Connection, ConnectionKind, Session, TokenError};
use crate::http::call::{self, CallError, CallSpec};
use crate::oauth::jwt;
use crate::workspace::{self, openapi, AppSummary, WorkspaceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    /// The check could not be run; `observed` says why.
    Unknown,
    /// An earlier failure makes this check pointless.
    Skipped,
}

impl Verdict {
    /// The verdict's icon and word: the one place they are decided (the window, the
    /// command line and the reports all show these).
    pub fn marked(self) -> crate::base::i18n::Marked {
        let (mark, id) = match self {
            Verdict::Pass => ("✔", "verdict-pass"),
            Verdict::Warn => ("⚠", "verdict-warn"),
            Verdict::Fail => ("✖", "verdict-fail"),
            Verdict::Unknown => ("?", "verdict-unknown"),
            Verdict::Skipped => ("–", "verdict-skipped"),
        };
        crate::base::i18n::Marked::new(mark, Msg::new(id))
    }
}

/// The Doctor's checks, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepId {
    Url,
    Dns,
    Tcp,
    Tls,
    Proxy,
    Oauth,
    Token,
    Identity,
    App,
    Permission,
    Scopes,
    Endpoint,
    Request,
}

impl StepId {
    /// Every check, in the order the Doctor runs them.
    pub const ALL: [StepId; 13] = [
        StepId::Url,
        StepId::Dns,
        StepId::Tcp,
        StepId::Tls,
        StepId::Proxy,
        StepId::Oauth,
        StepId::Token,
        StepId::Identity,
        StepId::App,
        StepId::Permission,
        StepId::Scopes,
        StepId::Endpoint,
        StepId::Request,
    ];

    /// The check's name in `language`.
    pub fn name(self, language: &str) -> String {
        let id = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        Msg::new(&format!("doctor-check-{id}")).render(language)
    }
}

/// What a check found, as data beside its sentences: the window (its "sign in with these
/// scopes", the scope matrix) and the tests read these, never the English text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    /// The host the check is about.
    pub host: Option<String>,
    /// The HTTP status the request got.
    pub status: Option<u16>,
    /// Scopes the app needs that the token lacks.
    pub missing_scopes: Vec<String>,
    /// Scopes the token has.
    pub granted_scopes: Vec<String>,
    pub app: Option<String>,
    pub app_state: Option<String>,
    pub compute_state: Option<String>,
    /// The permission levels found for the caller (`CAN_USE`, `CAN_MANAGE`).
    pub permission_levels: Vec<String>,
    /// Who the token speaks for, by display name where the workspace gives one.
    pub identity: Option<String>,
    /// Who can grant CAN USE on the app.
    pub managers: Vec<String>,
    /// The recorded Databricks answer (tests/fixtures/databricks/) the request's answer
    /// matches; none for an answer Lakegate has not seen on record.
    pub recorded_as: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub check: StepId,
    pub title: String,
    pub verdict: Verdict,
    pub observed: Text,
    pub meaning: Text,
    pub next_step: Text,
    pub facts: Facts,
    /// The verdict's icon and word (`Verdict::marked`).
    pub mark: crate::base::i18n::Marked,
}

impl Finding {
    fn with(mut self, facts: Facts) -> Finding {
        self.facts = facts;
        self
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub url: String,
    pub method: String,
    pub connection: Option<String>,
    /// Unix seconds.
    pub at: u64,
    pub findings: Vec<Finding>,
    /// An answer no recording matched, as a field recording (`record::field_recording`)
    /// a person may save and send; never in the exported report.
    #[serde(skip)]
    #[ts(skip)]
    pub recording: Option<String>,
}

/// The answer a request already got, for the Doctor that follows it.
#[derive(Debug, Clone)]
pub struct Answered {
    pub status: u16,
    pub reason: String,
    pub total_ms: f64,
    /// The start of the body (the Doctor quotes 300 characters at most).
    pub body_start: String,
    /// Where a redirect pointed (its `Location`).
    pub location: Option<String>,
    /// How long a 429 or 503 asked the caller to wait (its `Retry-After`), as sent.
    pub retry_after: Option<String>,
}

impl Answered {
    pub fn of(r: &call::CallResult) -> Answered {
        Answered {
            status: r.status,
            reason: r.reason.clone(),
            total_ms: r.timings.total_ms,
            body_start: String::from_utf8_lossy(&r.body[..r.body.len().min(2048)]).into_owned(),
            location: r
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v.clone()),
            retry_after: r
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
                .map(|(_, v)| v.chars().take(40).collect()),
        }
    }
}

/// What the Doctor's last check does about the request itself.
#[derive(Debug, Clone)]
pub enum RequestStep {
    /// Send it, when it is safe to repeat (GET, HEAD, OPTIONS); any other method is never
    /// sent by the Doctor.
    Send,
    /// The request was sent already: its answer is used, and it is never sent again.
    Answered(Answered),
}

/// Methods that may be sent again without asking: they change nothing (RFC 9110 §9.2.2).
pub fn safe_to_repeat(method: &str) -> bool {
    matches!(
        method.trim().to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS"
    )
}

impl Report {
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.verdict == Verdict::Fail)
    }
}

/// A catalogue message with its values: `m!(<message id>, name = value, …)`.
macro_rules! m {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        crate::base::i18n::Msg::new($id)$(.arg(stringify!($k), $v))*
    };
}

/// No sentence (a passed check has no next step).
fn none() -> Text {
    Text::default()
}

fn finding(
    check: StepId,
    verdict: Verdict,
    observed: impl Into<Text>,
    meaning: impl Into<Text>,
    next: impl Into<Text>,
) -> Finding {
    Finding {
        check,
        title: check.name(crate::base::i18n::ENGLISH),
        verdict,
        observed: observed.into(),
        meaning: meaning.into(),
        next_step: next.into(),
        facts: Facts::default(),
        mark: verdict.marked(),
    }
}

fn skipped(check: StepId, why: Msg) -> Finding {
    finding(check, Verdict::Skipped, why, none(), none())
}

/// Whether `template` (an OpenAPI path like `/api/items/{id}`) matches `path` (a trailing
/// `/` on either side does not count). The one rule: the request builder asks it too.
pub fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| (a.starts_with('{') && a.ends_with('}') && !b.is_empty()) || a == b)
}

/// Whether the path of `url` (as typed: `{id}` may still be written out) fits `template`.
pub fn url_fits(template: &str, url: &str) -> bool {
    Url::parse(url.trim()).is_ok_and(|u| {
        let path = percent_encoding::percent_decode_str(u.path()).decode_utf8_lossy();
        path_matches(template, &path)
    })
}

struct Run<'a> {
    report: Report,
    progress: &'a (dyn Fn(&Finding) + Send + Sync),
}

impl Run<'_> {
    fn add(&mut self, mut f: Finding) {
        // The network-level checks are about the URL's host.
        if matches!(
            f.check,
            StepId::Url | StepId::Dns | StepId::Tcp | StepId::Tls | StepId::Proxy
        ) && f.facts.host.is_none()
        {
            f.facts.host = Url::parse(&self.report.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string));
        }
        (self.progress)(&f);
        self.report.findings.push(f);
    }
}

/// What every check may read: where the request goes, through which connection and network.
struct Ctx<'a> {
    session: &'a Session,
    conn: &'a Connection,
    target: Url,
    host: String,
    origin: String,
    trust: crate::http::Trust,
    proxy: call::ProxySettings,
}

/// A principal as people know it: its display name, with the user name or id beside it.
fn display(me: &workspace::Identity) -> String {
    match &me.display_name {
        Some(d) if d != &me.user_name => format!("{d} ({})", me.user_name),
        _ => me.user_name.clone(),
    }
}

fn app_facts(a: &AppSummary) -> Facts {
    Facts {
        app: Some(a.name.clone()),
        app_state: a.app_state.clone(),
        compute_state: a.compute_state.clone(),
        ..Facts::default()
    }
}

/// The token the checks found, with the scopes it carries.
struct Known {
    token: crate::connections::AccessToken,
    scopes: Vec<String>,
}

/// Runs every check for `url` (and `method`) with `conn`'s token, then `request` for the
/// request itself. `progress` sees each finding as it is made.
pub async fn diagnose(
    session: &Session,
    conn: Option<&Connection>,
    url: &str,
    method: &str,
    request: RequestStep,
    progress: &(dyn Fn(&Finding) + Send + Sync),
) -> Report {
    let mut run = Run {
        report: Report {
            url: url.trim().into(),
            method: method.to_ascii_uppercase(),
            connection: conn.map(|c| c.name.clone()),
            at: crate::oauth::unix_now(),
            findings: Vec::new(),
            recording: None,
        },
        progress,
    };
    let Some(target) = check_url(&mut run, url) else {
        return run.report;
    };
    let (trust, proxy) = match conn {
        Some(c) => session.network_for(c),
        None => session.network(),
    };
    let network_ok = check_network(&mut run, &target, &trust, &proxy).await;
    let Some(conn) = conn else {
        // Everything after the network checks needs a connection.
        for c in StepId::ALL.into_iter().skip_while(|c| *c != StepId::Oauth) {
            run.add(skipped(c, m!("doctor-skip-no-connection")));
        }
        return run.report;
    };
    let cx = Ctx {
        session,
        conn,
        host: target.host_str().unwrap_or_default().to_string(),
        origin: target.origin().ascii_serialization(),
        target,
        trust,
        proxy,
    };
    let Some(client) = check_oauth(&mut run, session, conn).await else {
        return run.report;
    };
    let token = check_token(&mut run, &cx).await;
    let identity = check_identity(&mut run, &cx, &client, token.as_ref()).await;
    let app = check_app(&mut run, &cx, &client, token.as_ref()).await;
    check_permission(
        &mut run,
        &cx,
        &client,
        (app.as_ref(), token.as_ref(), identity.as_ref()),
    )
    .await;
    let service_principal = matches!(
        cx.conn.kind,
        crate::connections::ConnectionKind::ServicePrincipal { .. }
    );
    check_scopes(&mut run, app.as_ref(), token.as_ref(), service_principal);
    check_endpoint(&mut run, &cx, app.as_ref(), token.as_ref(), network_ok).await;
    check_request(&mut run, &cx, request, network_ok).await;
    run.report
}

mod steps;
pub use steps::request::{explain_answer, to_oauth_sign_in, TokenFacts};
use steps::*;

#[cfg(test)]
mod tests {
    use super::{path_matches, url_fits};

    #[test]
    fn a_typed_url_fits_its_endpoint_or_not() {
        assert!(url_fits(
            "/api/items/{id}",
            "https://a.apps.localhost:1/api/items/42"
        ));
        assert!(url_fits(
            "/api/items/{id}",
            "https://a.apps.localhost:1/api/items/{id}"
        ));
        assert!(url_fits(
            "/api/items/{id}",
            "https://a.apps.localhost:1/api/items/42?x=1"
        ));
        assert!(!url_fits(
            "/api/items/{id}",
            "https://a.apps.localhost:1/api/items/"
        ));
        assert!(!url_fits(
            "/api/items",
            "https://a.apps.localhost:1/api/items/42"
        ));
        assert!(!url_fits(
            "/api/items/{id}",
            "https://a.apps.localhost:1/index.html"
        ));
        assert!(!url_fits("/api/items", "not a url"));
    }

    #[test]
    fn openapi_templates_match_paths() {
        assert!(path_matches("/api/items/{id}", "/api/items/7"));
        assert!(path_matches("/api/items", "/api/items/"));
        assert!(!path_matches("/api/items/{id}", "/api/items"));
        assert!(!path_matches("/api/items/{id}", "/api/items/"));
        assert!(!path_matches("/api/hello", "/api/hellos"));
    }
}
