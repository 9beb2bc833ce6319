//! The Doctor: every check between Lakegate and an app's endpoint, in order, each
//! with what was observed, what it means and the exact next step. Covers the source
//! guide's troubleshooting list (401, 403, 404, network).

pub mod record;
mod report;

pub use report::{redact, to_json, to_markdown};

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Serialize;
use ts_rs::TS;
use url::Url;

use crate::connections::{Connection, ConnectionKind, Session, TokenError};
use crate::http::call::{self, CallError, CallSpec};
use crate::i18n::{Localize, Msg, Text};
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
    pub fn marked(self) -> crate::i18n::Marked {
        let (mark, id) = match self {
            Verdict::Pass => ("✔", "verdict-pass"),
            Verdict::Warn => ("⚠", "verdict-warn"),
            Verdict::Fail => ("✖", "verdict-fail"),
            Verdict::Unknown => ("?", "verdict-unknown"),
            Verdict::Skipped => ("–", "verdict-skipped"),
        };
        crate::i18n::Marked::new(mark, Msg::new(id))
    }
}

/// The Doctor's checks, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CheckId {
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

impl CheckId {
    /// Every check, in the order the Doctor runs them.
    pub const ALL: [CheckId; 13] = [
        CheckId::Url,
        CheckId::Dns,
        CheckId::Tcp,
        CheckId::Tls,
        CheckId::Proxy,
        CheckId::Oauth,
        CheckId::Token,
        CheckId::Identity,
        CheckId::App,
        CheckId::Permission,
        CheckId::Scopes,
        CheckId::Endpoint,
        CheckId::Request,
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
    pub check: CheckId,
    pub title: String,
    pub verdict: Verdict,
    pub observed: Text,
    pub meaning: Text,
    pub next_step: Text,
    pub facts: Facts,
    /// The verdict's icon and word (`Verdict::marked`).
    pub mark: crate::i18n::Marked,
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
        crate::i18n::Msg::new($id)$(.arg(stringify!($k), $v))*
    };
}

/// No sentence (a passed check has no next step).
fn none() -> Text {
    Text::default()
}

fn finding(
    check: CheckId,
    verdict: Verdict,
    observed: impl Into<Text>,
    meaning: impl Into<Text>,
    next: impl Into<Text>,
) -> Finding {
    Finding {
        check,
        title: check.name(crate::i18n::ENGLISH),
        verdict,
        observed: observed.into(),
        meaning: meaning.into(),
        next_step: next.into(),
        facts: Facts::default(),
        mark: verdict.marked(),
    }
}

fn skipped(check: CheckId, why: Msg) -> Finding {
    finding(check, Verdict::Skipped, why, none(), none())
}

pub fn is_apps_host(host: &str) -> bool {
    crate::connections::destinations::looks_like_apps_host(host)
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
            CheckId::Url | CheckId::Dns | CheckId::Tcp | CheckId::Tls | CheckId::Proxy
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
        for c in CheckId::ALL
            .into_iter()
            .skip_while(|c| *c != CheckId::Oauth)
        {
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

/// 1. The URL's shape: https, an Apps host, an /api/ path.
fn check_url(run: &mut Run<'_>, url: &str) -> Option<Url> {
    let parsed = match Url::parse(url.trim()) {
        Ok(u) if u.host_str().is_some() => u,
        _ => {
            run.add(finding(
                CheckId::Url,
                Verdict::Fail,
                m!("doctor-url-not-full", url = url.trim()),
                m!("doctor-url-not-full-meaning"),
                m!("doctor-url-not-full-next"),
            ));
            return None;
        }
    };
    let host = parsed.host_str().unwrap_or_default().to_string();
    let mut url_problems = Vec::new();
    if parsed.scheme() != "https" {
        url_problems.push((
            Verdict::Fail,
            m!("doctor-url-scheme", scheme = parsed.scheme()),
            m!("doctor-url-scheme-meaning"),
            m!("doctor-url-scheme-next"),
        ));
    }
    if !is_apps_host(&host) {
        url_problems.push((
            Verdict::Warn,
            m!("doctor-url-host", host = &host),
            m!("doctor-url-host-meaning"),
            m!("doctor-url-host-next"),
        ));
    }
    if !parsed.path().starts_with("/api/") {
        url_problems.push((
            Verdict::Warn,
            m!("doctor-url-path", path = parsed.path()),
            m!("doctor-url-path-meaning"),
            m!("doctor-url-path-next"),
        ));
    }
    match url_problems
        .iter()
        .map(|p| p.0)
        .max_by_key(|v| matches!(v, Verdict::Fail))
    {
        None => run.add(finding(
            CheckId::Url,
            Verdict::Pass,
            m!("doctor-url-pass", path = parsed.path()),
            m!("doctor-url-pass-meaning"),
            none(),
        )),
        Some(worst) => {
            let observed: Vec<Msg> = url_problems.iter().map(|p| p.1.clone()).collect();
            let meaning: Vec<Msg> = url_problems.iter().map(|p| p.2.clone()).collect();
            let next: Vec<Msg> = url_problems.iter().map(|p| p.3.clone()).collect();
            run.add(finding(CheckId::Url, worst, observed, meaning, next));
        }
    }

    Some(parsed)
}

/// 2–5. DNS, TCP, TLS and the proxy: one probe of the app's host, without a token.
async fn check_network(
    run: &mut Run<'_>,
    parsed: &Url,
    trust: &crate::http::Trust,
    proxy: &call::ProxySettings,
) -> bool {
    let host = parsed.host_str().unwrap_or_default();
    let origin = parsed.origin().ascii_serialization();
    let probe = CallSpec {
        method: "GET".into(),
        url: format!("{origin}/"),
        query: vec![],
        headers: vec![],
        body: None,
        timeout: Duration::from_secs(15),
        body_cap: 4096,
    };
    let chosen_proxy = call::proxy_for(parsed, proxy).map(|p| {
        format!(
            "{}:{}",
            p.host_str().unwrap_or(""),
            p.port_or_known_default().unwrap_or(0)
        )
    });
    match call::call(trust, proxy, &probe, None, std::future::pending()).await {
        Ok(r) => {
            run.add(finding(
                CheckId::Dns,
                Verdict::Pass,
                m!(
                    "doctor-dns-pass",
                    host = host,
                    address = r.remote.map(|a| a.ip().to_string()).unwrap_or_default()
                ),
                m!("doctor-dns-pass-meaning"),
                none(),
            ));
            run.add(finding(
                CheckId::Tcp,
                Verdict::Pass,
                m!("doctor-tcp-pass", ms = r.timings.connect_ms.round()),
                m!("doctor-tcp-pass-meaning"),
                none(),
            ));
            run.add(finding(
                CheckId::Tls,
                Verdict::Pass,
                m!("doctor-tls-pass", ms = r.timings.tls_ms.round()),
                m!("doctor-tls-pass-meaning"),
                none(),
            ));
            run.add(finding(
                CheckId::Proxy,
                Verdict::Pass,
                proxy_words(chosen_proxy.as_deref()),
                m!("doctor-proxy-pass-meaning"),
                none(),
            ));
            true
        }
        Err(e) => {
            let (dns, tcp, prx, tls) = network_findings(host, chosen_proxy.as_deref(), &e);
            for f in [dns, tcp, tls, prx] {
                run.add(f);
            }
            false
        }
    }
}

/// 6. The workspace's OAuth discovery; gives the client the later checks use.
async fn check_oauth(
    run: &mut Run<'_>,
    session: &Session,
    conn: &Connection,
) -> Option<reqwest::Client> {
    let client = match session.client(conn) {
        Ok(c) => c,
        Err(e) => {
            run.add(finding(
                CheckId::Oauth,
                Verdict::Fail,
                Msg::plain(e.in_window()),
                m!("doctor-oauth-client"),
                m!("doctor-oauth-client-next"),
            ));
            return None;
        }
    };
    let uses_oauth = !matches!(
        conn.kind,
        ConnectionKind::PersonalAccessToken | ConnectionKind::CliProfile { .. }
    );
    if uses_oauth {
        match session.oauth_endpoints(conn).await {
            Ok(ep) => run.add(finding(
                CheckId::Oauth,
                Verdict::Pass,
                m!("doctor-oauth-pass", host = &conn.host, issuer = &ep.issuer),
                m!("doctor-oauth-pass-meaning"),
                none(),
            )),
            Err(e) => run.add(finding(
                CheckId::Oauth,
                Verdict::Fail,
                Msg::plain(e.in_window()),
                m!("doctor-oauth-fail-meaning"),
                m!("doctor-oauth-fail-next"),
            )),
        }
    } else {
        run.add(finding(
            CheckId::Oauth,
            Verdict::Skipped,
            m!("doctor-oauth-not-used", kind = conn.kind.label()),
            none(),
            none(),
        ));
    }

    Some(client)
}

/// 7. The token: there, current, from this workspace, not a PAT sent to an app.
async fn check_token(run: &mut Run<'_>, cx: &Ctx<'_>) -> Option<Known> {
    let (session, conn, host) = (cx.session, cx.conn, &cx.host);
    let token = match session.access_token(conn).await {
        Ok(t) => Some(t),
        Err(e) => {
            let next = match &e {
                TokenError::SignInNeeded(_) | TokenError::SignInAgain { .. } => {
                    m!("doctor-token-sign-in-again", connection = &conn.name)
                }
                TokenError::Grant(_) => m!("doctor-token-grant-next"),
                TokenError::Cli(_) => m!("doctor-token-cli-next", connection = &conn.name),
                _ => m!("doctor-token-other-next"),
            };
            run.add(finding(
                CheckId::Token,
                Verdict::Fail,
                Msg::plain(e.in_window()),
                m!("doctor-token-none-meaning"),
                next,
            ));
            None
        }
    };
    let mut token_scopes: Vec<String> = Vec::new();
    if let Some(t) = &token {
        token_scopes = t.scopes.clone();
        match jwt::decode_unverified(t.token.expose_secret()) {
            Ok(d) => {
                if !d.scopes().is_empty() {
                    token_scopes = d.scopes();
                }
                let now = crate::oauth::unix_now();
                let iss = d.issuer().unwrap_or_default();
                let host_of = |u: &str| {
                    Url::parse(u)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                };
                let plausible = host_of(&iss).is_some_and(|h| Some(h) == host_of(&conn.host));
                match d.expires_at() {
                    Some(exp) if exp <= now => run.add(finding(
                        CheckId::Token,
                        Verdict::Fail,
                        m!("doctor-token-expired", seconds = now - exp),
                        m!("doctor-token-expired-meaning"),
                        m!("doctor-token-expired-next", connection = &conn.name),
                    )),
                    _ if !plausible && !iss.is_empty() => run.add(finding(
                        CheckId::Token,
                        Verdict::Warn,
                        m!("doctor-token-issuer", issuer = &iss, host = &conn.host),
                        m!("doctor-token-issuer-meaning"),
                        m!("doctor-token-issuer-next"),
                    )),
                    Some(exp) => run.add(finding(
                        CheckId::Token,
                        Verdict::Pass,
                        m!(
                            "doctor-token-pass",
                            minutes = (exp - now) / 60,
                            scopes = token_scopes.join(" ")
                        ),
                        m!("doctor-token-pass-meaning"),
                        none(),
                    )),
                    None => run.add(finding(
                        CheckId::Token,
                        Verdict::Pass,
                        m!("doctor-token-no-expiry"),
                        none(),
                        none(),
                    )),
                }
            }
            Err(_) if is_apps_host(host) => run.add(finding(
                CheckId::Token,
                Verdict::Fail,
                m!("doctor-token-pat"),
                m!("doctor-token-pat-meaning"),
                m!("doctor-token-pat-next"),
            )),
            Err(_) => run.add(finding(
                CheckId::Token,
                Verdict::Pass,
                m!("doctor-token-opaque"),
                m!("doctor-token-opaque-meaning"),
                none(),
            )),
        }
    } else {
        run.add(skipped(CheckId::Identity, m!("doctor-skip-no-token")));
    }
    token.map(|t| Known {
        token: t,
        scopes: token_scopes,
    })
}

/// 8. Who the token speaks for (SCIM Me).
async fn check_identity(
    run: &mut Run<'_>,
    cx: &Ctx<'_>,
    client: &reqwest::Client,
    token: Option<&Known>,
) -> Option<workspace::Identity> {
    let conn = cx.conn;
    match token {
        Some(t) => match workspace::me(client, &conn.host, &t.token.token).await {
            Ok(me) => {
                let who = display(&me);
                run.add(
                    finding(
                        CheckId::Identity,
                        Verdict::Pass,
                        m!("doctor-identity-pass", identity = &who),
                        m!("doctor-identity-pass-meaning"),
                        none(),
                    )
                    .with(Facts {
                        identity: Some(who),
                        ..Facts::default()
                    }),
                );
                Some(me)
            }
            Err(e) => {
                run.add(finding(
                    CheckId::Identity,
                    Verdict::Fail,
                    Msg::plain(e.in_window()),
                    m!("doctor-identity-fail-meaning"),
                    m!("doctor-identity-fail-next", connection = &conn.name),
                ));
                None
            }
        },
        None => None,
    }
}

/// 9. The app behind the URL: it exists, runs, and its last deployment succeeded.
async fn check_app(
    run: &mut Run<'_>,
    cx: &Ctx<'_>,
    client: &reqwest::Client,
    token: Option<&Known>,
) -> Option<AppSummary> {
    let (conn, origin) = (cx.conn, &cx.origin);
    match token {
        Some(t) => match workspace::list_apps(client, &conn.host, &t.token.token).await {
            Ok(apps) => {
                let found = apps
                    .iter()
                    .find(|a| {
                        a.url
                            .as_deref()
                            .and_then(|u| Url::parse(u).ok())
                            .is_some_and(|u| u.origin().ascii_serialization() == *origin)
                    })
                    .cloned();
                match &found {
                    None => {
                        let names = apps
                            .iter()
                            .map(|a| a.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        run.add(finding(
                            CheckId::App,
                            Verdict::Fail,
                            m!("doctor-app-none", host = &conn.host, origin = origin),
                            m!("doctor-app-none-meaning"),
                            m!("doctor-app-none-next", count = apps.len(), apps = names),
                        ));
                    }
                    Some(a)
                        if a.app_state.as_deref() == Some("RUNNING")
                            && a.compute_state.as_deref() == Some("ACTIVE") =>
                    {
                        let deployment = a.deployment_state.as_deref().unwrap_or("unknown");
                        run.add(
                            finding(
                                CheckId::App,
                                if deployment == "SUCCEEDED" {
                                    Verdict::Pass
                                } else {
                                    Verdict::Warn
                                },
                                m!("doctor-app-running", app = &a.name, deployment = deployment),
                                m!("doctor-app-running-meaning"),
                                if deployment == "SUCCEEDED" {
                                    none()
                                } else {
                                    m!("doctor-app-deploying-next").into()
                                },
                            )
                            .with(app_facts(a)),
                        );
                    }
                    Some(a) => {
                        let next = match (a.app_state.as_deref(), a.creator.as_deref()) {
                            (Some("DEPLOYING"), _) => m!("doctor-app-deploying-wait"),
                            (Some("CRASHED"), Some(c)) => {
                                m!("doctor-app-crashed-next-creator", creator = c)
                            }
                            (Some("CRASHED"), None) => m!("doctor-app-crashed-next"),
                            (_, Some(c)) => m!("doctor-app-stopped-next-creator", creator = c),
                            (_, None) => m!("doctor-app-stopped-next"),
                        };
                        run.add(
                            finding(
                                CheckId::App,
                                Verdict::Fail,
                                m!(
                                    "doctor-app-down",
                                    app = &a.name,
                                    state = a.app_state.as_deref().unwrap_or("?"),
                                    message = a.app_message.as_deref().unwrap_or(""),
                                    compute = a.compute_state.as_deref().unwrap_or("?"),
                                    compute_message = a.compute_message.as_deref().unwrap_or("")
                                ),
                                m!("doctor-app-down-meaning"),
                                next,
                            )
                            .with(app_facts(a)),
                        );
                    }
                }
                found
            }
            Err(e) => {
                run.add(finding(
                    CheckId::App,
                    Verdict::Unknown,
                    Msg::plain(e.in_window()),
                    m!("doctor-app-unknown-meaning"),
                    m!("doctor-app-unknown-next"),
                ));
                None
            }
        },
        None => {
            run.add(skipped(CheckId::App, m!("doctor-skip-no-token")));
            None
        }
    }
}

/// 10. CAN USE on the app, through its permissions when they can be read.
async fn check_permission(
    run: &mut Run<'_>,
    cx: &Ctx<'_>,
    client: &reqwest::Client,
    known: (
        Option<&AppSummary>,
        Option<&Known>,
        Option<&workspace::Identity>,
    ),
) {
    let (app, token, identity) = known;
    let conn = cx.conn;
    match (app, token, identity) {
        (Some(a), Some(t), Some(me)) => {
            match workspace::app_permissions(client, &conn.host, &t.token.token, &a.name).await {
                Ok(acl) => {
                    let mine = acl.iter().filter(|e| match e.kind.as_str() {
                        "user" | "service_principal" => e.name == me.user_name,
                        _ => me.groups.contains(&e.name),
                    });
                    let levels: Vec<&str> = mine
                        .flat_map(|e| e.levels.iter().map(String::as_str))
                        .collect();
                    let managers: Vec<String> = acl
                        .iter()
                        .filter(|e| e.levels.iter().any(|l| l == "CAN_MANAGE"))
                        .map(|e| e.display.clone().unwrap_or_else(|| e.name.clone()))
                        .collect();
                    let who = display(me);
                    let facts = Facts {
                        app: Some(a.name.clone()),
                        identity: Some(who.clone()),
                        permission_levels: levels.iter().map(|l| l.to_string()).collect(),
                        managers: managers.clone(),
                        ..Facts::default()
                    };
                    if levels.iter().any(|l| *l == "CAN_USE" || *l == "CAN_MANAGE") {
                        run.add(
                            finding(
                                CheckId::Permission,
                                Verdict::Pass,
                                m!(
                                    "doctor-permission-pass",
                                    identity = &who,
                                    levels = levels.join(", "),
                                    app = &a.name
                                ),
                                m!("doctor-permission-pass-meaning"),
                                none(),
                            )
                            .with(facts),
                        );
                    } else {
                        run.add(
                            finding(
                                CheckId::Permission,
                                Verdict::Fail,
                                m!("doctor-permission-fail", identity = &who, app = &a.name),
                                m!("doctor-permission-fail-meaning"),
                                m!(
                                    "doctor-permission-fail-next",
                                    managers = managers.join(", ")
                                ),
                            )
                            .with(facts),
                        );
                    }
                }
                Err(WorkspaceError::Unauthorized { .. } | WorkspaceError::Forbidden { .. }) => {
                    let me_shown = display(me);
                    let next = match a.creator.as_deref() {
                        Some(c) => m!(
                            "doctor-permission-unreadable-next-creator",
                            creator = c,
                            identity = &me_shown,
                            app = &a.name
                        ),
                        None => m!(
                            "doctor-permission-unreadable-next",
                            identity = &me_shown,
                            app = &a.name
                        ),
                    };
                    run.add(
                        finding(
                            CheckId::Permission,
                            Verdict::Unknown,
                            m!(
                                "doctor-permission-unreadable",
                                identity = &me_shown,
                                app = &a.name
                            ),
                            m!("doctor-permission-unreadable-meaning"),
                            next,
                        )
                        .with(Facts {
                            app: Some(a.name.clone()),
                            identity: Some(me_shown.clone()),
                            ..Facts::default()
                        }),
                    );
                }
                Err(e) => run.add(finding(
                    CheckId::Permission,
                    Verdict::Unknown,
                    Msg::plain(e.in_window()),
                    m!("doctor-permission-error-meaning"),
                    m!("doctor-permission-error-next"),
                )),
            }
        }
        _ => run.add(skipped(
            CheckId::Permission,
            m!("doctor-skip-no-app-or-identity"),
        )),
    }
}

/// Check 11: the app's user-authorization scopes against the token's. For a service
/// principal's token the outcome is unknown: Databricks documents these scopes for people's
/// tokens, and whether an app holds a service principal to them is not on record.
fn check_scopes(
    run: &mut Run<'_>,
    app: Option<&AppSummary>,
    token: Option<&Known>,
    service_principal: bool,
) {
    let (Some(a), Some(t)) = (app, token) else {
        run.add(skipped(CheckId::Scopes, m!("doctor-skip-no-app-or-token")));
        return;
    };
    let missing: Vec<String> = a
        .user_api_scopes
        .iter()
        .filter(|s| !t.scopes.contains(s))
        .cloned()
        .collect();
    let facts = Facts {
        app: Some(a.name.clone()),
        missing_scopes: missing.clone(),
        granted_scopes: t.scopes.clone(),
        ..Facts::default()
    };
    let f = if a.user_api_scopes.is_empty() {
        finding(
            CheckId::Scopes,
            Verdict::Pass,
            m!("doctor-scopes-none-asked", app = &a.name),
            m!("doctor-scopes-none-asked-meaning"),
            none(),
        )
    } else if missing.is_empty() {
        finding(
            CheckId::Scopes,
            Verdict::Pass,
            m!("doctor-scopes-pass", scopes = a.user_api_scopes.join(", ")),
            m!("doctor-scopes-pass-meaning"),
            none(),
        )
    } else {
        let quoted = |list: &[String]| {
            list.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let observed = m!(
            "doctor-scopes-fail",
            app = &a.name,
            missing = quoted(&missing),
            count = t.scopes.len(),
            granted = t.scopes.join(" ")
        );
        if service_principal {
            finding(
                CheckId::Scopes,
                Verdict::Unknown,
                observed,
                m!("doctor-scopes-sp-meaning"),
                m!("doctor-scopes-sp-next", scopes = missing.join(" ")),
            )
        } else {
            finding(
                CheckId::Scopes,
                Verdict::Fail,
                observed,
                m!("doctor-scopes-fail-meaning"),
                m!("doctor-scopes-fail-next", scopes = missing.join(" ")),
            )
        }
    };
    run.add(f.with(facts));
}

/// 12. The path in the app's OpenAPI document. A path the document omits is "not
///     documented", not a failure: the request below says whether it answers.
async fn check_endpoint(
    run: &mut Run<'_>,
    cx: &Ctx<'_>,
    app: Option<&AppSummary>,
    token: Option<&Known>,
    network_ok: bool,
) {
    let (session, conn, parsed, origin, trust, proxy) = (
        cx.session, cx.conn, &cx.target, &cx.origin, &cx.trust, &cx.proxy,
    );
    let running = app.is_some_and(|a| a.app_state.as_deref() == Some("RUNNING"));
    let origin_bearer = match (token, Url::parse(origin)) {
        (Some(_), Ok(o)) => Some(session.bearer_for(conn, &o).await),
        _ => None,
    };
    match (&origin_bearer, network_ok && running) {
        (Some(Err(refused)), _) => run.add(finding(
            CheckId::Endpoint,
            Verdict::Unknown,
            Msg::plain(refused.in_window()),
            m!("doctor-endpoint-refused-meaning"),
            m!("doctor-endpoint-refused-next"),
        )),
        (Some(Ok(bearer)), true) => {
            let mut doc = None;
            for path in ["/openapi.json", "/api/openapi.json"] {
                let spec = CallSpec {
                    method: "GET".into(),
                    url: format!("{origin}{path}"),
                    query: vec![],
                    headers: vec![],
                    body: None,
                    timeout: Duration::from_secs(15),
                    body_cap: 8 << 20,
                };
                if let Ok(r) =
                    call::call(trust, proxy, &spec, Some(bearer), std::future::pending()).await
                {
                    if r.status == 200 {
                        if let Ok(ops) = openapi::parse(&r.body) {
                            doc = Some((path, ops));
                            break;
                        }
                    }
                }
            }
            match doc {
                Some((path, ops)) => {
                    let same_path: Vec<&openapi::Operation> = ops
                        .iter()
                        .filter(|o| path_matches(&o.path, parsed.path()))
                        .collect();
                    if same_path.iter().any(|o| o.method == run.report.method) {
                        run.add(finding(
                            CheckId::Endpoint,
                            Verdict::Pass,
                            m!(
                                "doctor-endpoint-pass",
                                method = &run.report.method,
                                path = parsed.path()
                            ),
                            m!("doctor-endpoint-pass-meaning"),
                            none(),
                        ));
                    } else if !same_path.is_empty() {
                        let methods = same_path
                            .iter()
                            .map(|o| o.method.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        run.add(finding(
                            CheckId::Endpoint,
                            Verdict::Fail,
                            m!(
                                "doctor-endpoint-method",
                                path = parsed.path(),
                                methods = &methods,
                                method = &run.report.method
                            ),
                            m!("doctor-endpoint-method-meaning"),
                            m!("doctor-endpoint-method-next", methods = &methods),
                        ));
                    } else {
                        let known = ops
                            .iter()
                            .take(12)
                            .map(|o| format!("{} {}", o.method, o.path))
                            .collect::<Vec<_>>()
                            .join(", ");
                        run.add(finding(
                            CheckId::Endpoint,
                            Verdict::Warn,
                            m!(
                                "doctor-endpoint-undocumented",
                                path = parsed.path(),
                                document = path
                            ),
                            m!("doctor-endpoint-undocumented-meaning"),
                            m!("doctor-endpoint-undocumented-next", endpoints = known),
                        ));
                    }
                }
                None => run.add(finding(
                    CheckId::Endpoint,
                    Verdict::Unknown,
                    m!("doctor-endpoint-no-document"),
                    m!("doctor-endpoint-no-document-meaning"),
                    m!("doctor-endpoint-no-document-next"),
                )),
            }
        }
        _ => run.add(skipped(
            CheckId::Endpoint,
            m!("doctor-skip-app-not-running"),
        )),
    }
}

/// 13. The request itself: the answer it already got, or (only when safe to repeat) sent.
async fn check_request(run: &mut Run<'_>, cx: &Ctx<'_>, request: RequestStep, network_ok: bool) {
    let (session, conn, parsed, trust, proxy) =
        (cx.session, cx.conn, &cx.target, &cx.trust, &cx.proxy);
    match request {
        RequestStep::Answered(a) => add_request_finding(run, cx, &a).await,
        RequestStep::Send if !safe_to_repeat(&run.report.method) => run.add(skipped(
            CheckId::Request,
            m!("doctor-skip-not-safe", method = &run.report.method),
        )),
        RequestStep::Send if !network_ok => {
            run.add(skipped(CheckId::Request, m!("doctor-skip-network-failed")))
        }
        RequestStep::Send => match session.bearer_for(conn, parsed).await {
            Ok(bearer) => {
                let spec = CallSpec {
                    method: run.report.method.clone(),
                    url: parsed.to_string(),
                    query: vec![],
                    headers: vec![],
                    body: None,
                    timeout: Duration::from_secs(130),
                    body_cap: 64 * 1024,
                };
                match call::call(trust, proxy, &spec, Some(&bearer), std::future::pending()).await {
                    Ok(r) => add_request_finding(run, cx, &Answered::of(&r)).await,
                    Err(e) => run.add(finding(
                        CheckId::Request,
                        Verdict::Fail,
                        Msg::plain(e.in_window()),
                        m!("doctor-request-no-answer-meaning"),
                        m!("doctor-request-no-answer-next"),
                    )),
                }
            }
            Err(TokenError::Refused(refused)) => run.add(finding(
                CheckId::Request,
                Verdict::Fail,
                Msg::plain(refused.in_window()),
                m!("doctor-request-refused-meaning"),
                m!("doctor-request-refused-next"),
            )),
            Err(_) => run.add(skipped(CheckId::Request, m!("doctor-skip-no-token"))),
        },
    }
}

fn network_findings(
    host: &str,
    proxy: Option<&str>,
    e: &CallError,
) -> (Finding, Finding, Finding, Finding) {
    let skip = |c: CheckId| skipped(c, m!("doctor-skip-network-earlier"));
    let proxy_pass = || {
        finding(
            CheckId::Proxy,
            Verdict::Pass,
            proxy_words(proxy),
            none(),
            none(),
        )
    };
    let dns_pass = || {
        finding(
            CheckId::Dns,
            Verdict::Pass,
            m!("doctor-dns-resolves", host = host),
            m!("doctor-dns-pass-meaning"),
            none(),
        )
    };
    let tcp_pass = || {
        finding(
            CheckId::Tcp,
            Verdict::Pass,
            m!("doctor-tcp-connected"),
            m!("doctor-tcp-pass-meaning"),
            none(),
        )
    };
    match e {
        CallError::Dns { reason, .. } => (
            finding(
                CheckId::Dns,
                Verdict::Fail,
                m!("doctor-dns-fail", host = host, reason = reason),
                if host.ends_with(".invalid") {
                    m!("doctor-dns-fail-invalid")
                } else {
                    m!("doctor-dns-fail-meaning")
                },
                m!("doctor-dns-fail-next"),
            ),
            skip(CheckId::Tcp),
            if proxy.is_some() {
                proxy_pass()
            } else {
                skip(CheckId::Proxy)
            },
            skip(CheckId::Tls),
        ),
        CallError::Connect { addr, reason } => (
            dns_pass(),
            finding(
                CheckId::Tcp,
                Verdict::Fail,
                m!(
                    "doctor-tcp-fail",
                    address = addr.to_string(),
                    reason = reason
                ),
                m!("doctor-tcp-fail-meaning"),
                m!("doctor-tcp-fail-next"),
            ),
            if proxy.is_some() {
                finding(
                    CheckId::Proxy,
                    Verdict::Fail,
                    m!("doctor-proxy-refused", proxy = proxy.unwrap_or("")),
                    none(),
                    m!("doctor-proxy-refused-next"),
                )
            } else {
                finding(
                    CheckId::Proxy,
                    Verdict::Pass,
                    m!("doctor-proxy-direct"),
                    m!("doctor-proxy-direct-meaning"),
                    m!("doctor-proxy-direct-next"),
                )
            },
            skip(CheckId::Tls),
        ),
        CallError::ProxyAuth { proxy: p } | CallError::ProxyRefused { proxy: p, .. } => (
            dns_pass(),
            tcp_pass(),
            finding(
                CheckId::Proxy,
                Verdict::Fail,
                Msg::plain(e.in_window()),
                m!("doctor-proxy-fail-meaning", proxy = p),
                m!("doctor-proxy-fail-next"),
            ),
            skip(CheckId::Tls),
        ),
        CallError::TlsUntrusted { reason } => (
            dns_pass(),
            tcp_pass(),
            proxy_pass(),
            finding(
                CheckId::Tls,
                Verdict::Fail,
                m!("doctor-tls-untrusted", reason = reason),
                m!("doctor-tls-untrusted-meaning"),
                m!("doctor-tls-untrusted-next"),
            ),
        ),
        CallError::Timeout { phase, secs } => (
            dns_pass(),
            finding(
                CheckId::Tcp,
                Verdict::Fail,
                m!(
                    "doctor-tcp-timeout",
                    seconds = *secs,
                    phase = phase.to_string()
                ),
                m!("doctor-tcp-timeout-meaning"),
                m!("doctor-network-next"),
            ),
            proxy_pass(),
            skip(CheckId::Tls),
        ),
        other => (
            dns_pass(),
            tcp_pass(),
            proxy_pass(),
            finding(
                CheckId::Tls,
                Verdict::Fail,
                Msg::plain(other.in_window()),
                m!("doctor-tls-fail-meaning"),
                m!("doctor-network-next"),
            ),
        ),
    }
}

/// "no proxy (direct)" or "through host:port".
fn proxy_words(proxy: Option<&str>) -> Msg {
    match proxy {
        Some(p) => m!("doctor-proxy-through", proxy = p),
        None => m!("doctor-proxy-direct"),
    }
}

/// What narrows down why an app did not accept a token: the facts Lakegate knows of the
/// request and the connection, each checked in turn for the next step.
#[derive(Debug, Clone, Default)]
pub struct TokenFacts {
    pub connection: String,
    /// The path is under `/api/` (the only routes of an app that take a token).
    pub on_api_path: bool,
    /// The connection's token is a personal access token (Apps take OAuth tokens only).
    pub pat: bool,
    /// The token's expiry had passed, when known.
    pub expired: Option<bool>,
    /// The workspace id in the app host's name, and the connection's.
    pub app_workspace: Option<String>,
    pub workspace: Option<String>,
    /// The connection is the window's own sandbox: its answers are not Databricks', so no
    /// recording is asked for.
    pub on_loopback: bool,
}

impl TokenFacts {
    async fn of(cx: &Ctx<'_>) -> TokenFacts {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // What the token itself says (a pasted one may be an OAuth token on a PAT-kind
        // connection), else what the keychain knows of its expiry.
        let token = cx.session.access_token(cx.conn).await.ok();
        let decoded = token
            .as_ref()
            .and_then(|t| jwt::decode_unverified(t.token.expose_secret()).ok());
        let pat = match (&token, &decoded) {
            (_, Some(_)) => false,
            (Some(t), None) => t.token.expose_secret().starts_with("dapi"),
            (None, None) => matches!(cx.conn.kind, ConnectionKind::PersonalAccessToken),
        };
        let expires_at = match decoded.as_ref().and_then(|d| d.expires_at()) {
            Some(e) => Some(e),
            None => cx
                .session
                .sign_in_state(cx.conn)
                .await
                .ok()
                .and_then(|s| s.expires_at),
        };
        let expired = expires_at.map(|e| e <= now);
        let app_workspace = crate::connections::destinations::app_workspace_id(cx.conn, &cx.target);
        let workspace = match app_workspace {
            Some(_) => cx.session.workspace_id(cx.conn).await,
            None => cx.conn.workspace_id.clone(),
        };
        TokenFacts {
            connection: cx.conn.name.clone(),
            on_api_path: cx.target.path().starts_with("/api/"),
            pat,
            expired,
            app_workspace,
            workspace,
            on_loopback: cx.conn.origin == crate::connections::Origin::Sandbox,
        }
    }

    /// The next step for an app that did not accept the token, from the facts that narrow it.
    /// `by_redirect`: the answer was a redirect to sign in, which a browser path gets too;
    /// a server that named the token invalid looked at the token, whatever the path.
    fn not_accepted_next(&self, by_redirect: bool) -> Msg {
        let c = &self.connection;
        if by_redirect && !self.on_api_path {
            return m!("doctor-not-accepted-next-path");
        }
        if self.pat {
            return m!("doctor-not-accepted-next-pat", connection = c);
        }
        if self.expired == Some(true) {
            return m!("doctor-not-accepted-next-expired", connection = c);
        }
        if let (Some(app), Some(ours)) = (&self.app_workspace, &self.workspace) {
            if app != ours {
                return m!(
                    "doctor-not-accepted-next-other-workspace",
                    app_workspace = app,
                    connection = c,
                    workspace = ours
                );
            }
        }
        m!("doctor-not-accepted-next-unknown", connection = c)
    }
}

/// Whether a redirect goes to a Databricks OAuth sign-in (`…/oidc/oauth2/v2.0/authorize`,
/// on the app's or the workspace's host: both are on record, databricks/cli#6605 and a
/// fixture of omnigent-ai/omnigent).
pub fn to_oauth_sign_in(location: Option<&str>) -> bool {
    location.is_some_and(|l| {
        let path = l.split(['?', '#']).next().unwrap_or("");
        path.contains("/oidc/") && path.ends_with("/authorize")
    })
}

/// A 401 or 403 whose words say the token itself was not accepted (not a missing
/// permission): `workspace::says_token_refused`, the one rule.
fn says_invalid_token(body: &str) -> bool {
    workspace::says_token_refused(body)
}

/// The Doctor's reading of an answer an app or workspace gave, with the facts that narrow
/// it (what the window's automatic Doctor shows after a failed request).
pub fn explain_answer(r: &Answered, facts: &TokenFacts) -> Finding {
    request_finding(r, facts)
}

/// The kind of host an answer came from, as the recordings name it.
fn host_kind(facts: &TokenFacts) -> &'static str {
    if facts.app_workspace.is_some() {
        "app"
    } else {
        "workspace"
    }
}

/// The request's finding; an error answer it matched no recording for also becomes the
/// report's field recording.
async fn add_request_finding(run: &mut Run<'_>, cx: &Ctx<'_>, a: &Answered) {
    let facts = TokenFacts::of(cx).await;
    let f = request_finding(a, &facts);
    let host = host_kind(&facts);
    if !facts.on_loopback && a.status >= 300 && f.facts.recorded_as.is_none() {
        let today = crate::oauth::rfc3339(run.report.at);
        run.report.recording = Some(record::field_recording(
            &run.report.method,
            host,
            cx.target.path(),
            a.status,
            &a.body_start,
            a.location.as_deref(),
            &today[..10],
        ));
    }
    run.add(f);
}

fn request_finding(r: &Answered, facts: &TokenFacts) -> Finding {
    let body = crate::http::words::words(&r.body_start, 300);
    let observed = if body.trim().is_empty() {
        m!(
            "doctor-request-answer",
            status = r.status,
            reason = &r.reason,
            ms = r.total_ms.round()
        )
    } else {
        m!(
            "doctor-request-answer-body",
            status = r.status,
            reason = &r.reason,
            ms = r.total_ms.round(),
            body = body.trim()
        )
    };
    // An answer from the workspace itself rather than from an app's domain.
    let on_workspace = facts.app_workspace.is_none();
    let (verdict, meaning, next) = match r.status {
        200..=299 => (Verdict::Pass, m!("doctor-request-2xx"), none()),
        300..=399 if to_oauth_sign_in(r.location.as_deref()) => (
            Verdict::Fail,
            m!(
                "doctor-request-302-sign-in",
                location = r.location.as_deref().unwrap_or_default()
            ),
            facts.not_accepted_next(true).into(),
        ),
        // A redirect that names no place, from an app's domain: the Apps proxy's refusal
        // of a token (Databricks' app templates: a personal access token "will result in
        // a 302 redirect error"; tests/fixtures/databricks/apps-pat-302-redirect.json).
        302 if r.location.is_none() && facts.app_workspace.is_some() => (
            Verdict::Fail,
            m!("doctor-request-302-nowhere"),
            facts.not_accepted_next(true).into(),
        ),
        300..=399 => (
            Verdict::Fail,
            m!(
                "doctor-request-3xx",
                location = r.location.as_deref().unwrap_or("?")
            ),
            m!("doctor-request-3xx-next").into(),
        ),
        401 | 403 if workspace::says_other_workspace(&body) => (
            Verdict::Fail,
            m!("doctor-request-other-workspace", said = body.trim()),
            m!(
                "doctor-request-other-workspace-next",
                connection = &facts.connection
            )
            .into(),
        ),
        401 | 403 if says_invalid_token(&body) => (
            Verdict::Fail,
            m!("doctor-request-invalid-token", said = body.trim()),
            facts.not_accepted_next(false).into(),
        ),
        // A rate limit in other clothes: the SCIM API's 500 REQUEST_LIMIT_EXCEEDED
        // (rest-request-limit-exceeded-scim-500), RESOURCE_EXHAUSTED (…-too-many-requests).
        400..=599
            if r.status != 429
                && (body.contains("REQUEST_LIMIT_EXCEEDED")
                    || body.contains("RESOURCE_EXHAUSTED")) =>
        {
            (
                Verdict::Fail,
                m!("doctor-request-429"),
                m!("doctor-request-429-next").into(),
            )
        }
        // The workspace's own REST APIs (not an app): their refusals in their own terms.
        401 if on_workspace => (
            Verdict::Fail,
            m!("doctor-request-ws-401"),
            m!("doctor-request-ws-401-next").into(),
        ),
        403 if on_workspace => (
            Verdict::Fail,
            m!("doctor-request-ws-403"),
            m!("doctor-request-ws-403-next").into(),
        ),
        404 if on_workspace => (
            Verdict::Fail,
            m!("doctor-request-ws-404"),
            m!("doctor-request-ws-404-next").into(),
        ),
        503 if on_workspace => (
            Verdict::Fail,
            m!("doctor-request-ws-503"),
            m!("doctor-request-ws-503-next").into(),
        ),
        500..=599 if on_workspace && r.status != 503 => (
            Verdict::Fail,
            m!("doctor-request-ws-5xx"),
            m!("doctor-request-ws-5xx-next").into(),
        ),
        401 => (
            Verdict::Fail,
            m!("doctor-request-401"),
            m!("doctor-request-401-next").into(),
        ),
        403 if body.contains("scope") => (
            Verdict::Fail,
            m!("doctor-request-403-scopes"),
            m!("doctor-request-403-scopes-next").into(),
        ),
        403 => (
            Verdict::Fail,
            m!("doctor-request-403"),
            m!("doctor-request-403-next").into(),
        ),
        // Rate limits: the REST APIs' 429 REQUEST_LIMIT_EXCEEDED (the corpus's
        // rest-request-limit-exceeded-*), or an app's own.
        429 => (
            Verdict::Fail,
            match &r.retry_after {
                Some(wait) => m!("doctor-request-429-after", wait = wait.as_str()),
                None => m!("doctor-request-429"),
            },
            m!("doctor-request-429-next").into(),
        ),
        404 => (
            Verdict::Fail,
            m!("doctor-request-404"),
            m!("doctor-request-404-next").into(),
        ),
        504 => (
            Verdict::Fail,
            m!("doctor-request-504"),
            m!("doctor-request-504-next").into(),
        ),
        500..=599 => (
            Verdict::Fail,
            m!("doctor-request-5xx"),
            m!("doctor-request-5xx-next").into(),
        ),
        _ => (
            Verdict::Warn,
            m!("doctor-request-other"),
            m!("doctor-request-other-next").into(),
        ),
    };
    let recorded_as = (r.status >= 300)
        .then(|| {
            record::recognised(
                host_kind(facts),
                r.status,
                &r.body_start,
                r.location.as_deref(),
            )
        })
        .flatten();
    let mut meaning: Text = meaning.into();
    if r.status >= 300 && recorded_as.is_none() && !facts.on_loopback {
        meaning.0.push(m!("doctor-request-unrecorded"));
    }
    finding(CheckId::Request, verdict, observed, meaning, next).with(Facts {
        status: Some(r.status),
        recorded_as: recorded_as.map(str::to_string),
        ..Facts::default()
    })
}

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
