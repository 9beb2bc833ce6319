//! The Doctor: every check between Lakegate and an app's endpoint, in order, each
//! with what was observed, what it means and the exact next step. Covers the source
//! guide's troubleshooting list (401, 403, 404, network).

mod report;

pub use report::{redact, to_json, to_markdown};

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Serialize;
use ts_rs::TS;
use url::Url;

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

    pub fn title(self) -> &'static str {
        match self {
            CheckId::Url => "URL shape",
            CheckId::Dns => "DNS",
            CheckId::Tcp => "TCP connect",
            CheckId::Tls => "TLS",
            CheckId::Proxy => "Proxy",
            CheckId::Oauth => "Workspace OAuth",
            CheckId::Token => "Token",
            CheckId::Identity => "Identity",
            CheckId::App => "App",
            CheckId::Permission => "Permission",
            CheckId::Scopes => "Scopes",
            CheckId::Endpoint => "Endpoint",
            CheckId::Request => "Request",
        }
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
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub check: CheckId,
    pub title: String,
    pub verdict: Verdict,
    pub observed: String,
    pub meaning: String,
    pub next_step: String,
    pub facts: Facts,
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
}

/// The answer a request already got, for the Doctor that follows it.
#[derive(Debug, Clone)]
pub struct Answered {
    pub status: u16,
    pub reason: String,
    pub total_ms: f64,
    /// The start of the body (the Doctor quotes 300 characters at most).
    pub body_start: String,
}

impl Answered {
    pub fn of(r: &call::CallResult) -> Answered {
        Answered {
            status: r.status,
            reason: r.reason.clone(),
            total_ms: r.timings.total_ms,
            body_start: String::from_utf8_lossy(&r.body[..r.body.len().min(2048)]).into_owned(),
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

fn finding(
    check: CheckId,
    verdict: Verdict,
    observed: impl Into<String>,
    meaning: impl Into<String>,
    next: impl Into<String>,
) -> Finding {
    Finding {
        check,
        title: check.title().into(),
        verdict,
        observed: observed.into(),
        meaning: meaning.into(),
        next_step: next.into(),
        facts: Facts::default(),
    }
}

fn skipped(check: CheckId, why: &str) -> Finding {
    finding(check, Verdict::Skipped, why, "", "")
}

pub fn is_apps_host(host: &str) -> bool {
    host.ends_with(".databricksapps.com") || host.ends_with(".apps.localhost")
}

/// Whether `template` (an OpenAPI path like `/api/items/{id}`) matches `path`.
pub fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| (a.starts_with('{') && a.ends_with('}') && !b.is_empty()) || a == b)
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
            run.add(skipped(c, "no connection was chosen"));
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
    check_scopes(&mut run, app.as_ref(), token.as_ref());
    check_endpoint(&mut run, &cx, app.as_ref(), token.as_ref(), network_ok).await;
    check_request(&mut run, &cx, request, network_ok).await;
    run.report
}

/// 1. The URL's shape: https, an Apps host, an /api/ path.
fn check_url(run: &mut Run<'_>, url: &str) -> Option<Url> {
    let parsed = match Url::parse(url.trim()) {
        Ok(u) if u.host_str().is_some() => u,
        _ => {
            run.add(finding(CheckId::Url, Verdict::Fail, format!("{:?} is not a full URL", url.trim()), "Lakegate cannot tell where to send the request.", "Paste the app's URL as the Apps API gives it (its url field), followed by the endpoint path, e.g. https://<app>-<workspace-id>.<region>.databricksapps.com/api/hello."));
            return None;
        }
    };
    let host = parsed.host_str().unwrap_or_default().to_string();
    let mut url_problems = Vec::new();
    if parsed.scheme() != "https" {
        url_problems.push((
            Verdict::Fail,
            format!("it uses {}", parsed.scheme()),
            "Databricks Apps are served over https only.",
            "Use https://.",
        ));
    }
    if !is_apps_host(&host) {
        url_problems.push((Verdict::Warn, format!("{host} is not a Databricks Apps host (…databricksapps.com)"), "Apps live at https://<app>-<workspace-id>.<region>.databricksapps.com; this may be a workspace URL.", "Copy the app's URL from the Apps list (its url field)."));
    }
    if !parsed.path().starts_with("/api/") {
        url_problems.push((Verdict::Warn, format!("the path {} is outside /api/", parsed.path()), "Apps accept bearer tokens only on /api/ routes; other paths send the caller to a browser sign-in.", "Call a route under /api/."));
    }
    match url_problems
        .iter()
        .map(|p| p.0)
        .max_by_key(|v| matches!(v, Verdict::Fail))
    {
        None => run.add(finding(
            CheckId::Url,
            Verdict::Pass,
            format!("https, an Apps host, an /api/ path ({})", parsed.path()),
            "The address has the shape tokens work with.",
            "",
        )),
        Some(worst) => {
            let observed = url_problems
                .iter()
                .map(|p| p.1.clone())
                .collect::<Vec<_>>()
                .join("; ");
            let meaning = url_problems
                .iter()
                .map(|p| p.2)
                .collect::<Vec<_>>()
                .join(" ");
            let next = url_problems
                .iter()
                .map(|p| p.3)
                .collect::<Vec<_>>()
                .join(" ");
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
                format!(
                    "{host} resolves ({})",
                    r.remote.map(|a| a.ip().to_string()).unwrap_or_default()
                ),
                "The name is known.",
                "",
            ));
            run.add(finding(
                CheckId::Tcp,
                Verdict::Pass,
                format!("connected in {:.0} ms", r.timings.connect_ms),
                "Outbound HTTPS is allowed.",
                "",
            ));
            run.add(finding(
                CheckId::Tls,
                Verdict::Pass,
                format!("certificate trusted, handshake {:.0} ms", r.timings.tls_ms),
                "The connection is private and the server is who it says.",
                "",
            ));
            run.add(finding(
                CheckId::Proxy,
                Verdict::Pass,
                chosen_proxy.map_or("no proxy (direct)".into(), |p| format!("through {p}")),
                "The route to the app works.",
                "",
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
                e.to_string(),
                "Lakegate could not prepare its HTTPS client.",
                "Check the connection's CA bundle and the network settings.",
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
            Ok(ep) => run.add(finding(CheckId::Oauth, Verdict::Pass, format!("{} publishes its OAuth endpoints (issuer {})", conn.host, ep.issuer), "Tokens can be obtained from this workspace.", "")),
            Err(e) => run.add(finding(CheckId::Oauth, Verdict::Fail, e.to_string(), "Without the workspace's OAuth endpoints no token can be obtained.", "Check the connection's workspace URL (as in the browser's address bar) and the network path to it.")),
        }
    } else {
        run.add(finding(
            CheckId::Oauth,
            Verdict::Skipped,
            format!("{} does not use OAuth discovery", conn.kind.label()),
            "",
            "",
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
                TokenError::SignInNeeded(_) | TokenError::SignInAgain { .. } => format!(
                    "Sign in to {} again (in the window, or `lakegate login {}`).",
                    conn.name, conn.name
                ),
                TokenError::Grant(_) => {
                    "Check the client id and secret, and the scopes the secret allows.".into()
                }
                TokenError::Cli(_) => format!(
                    "Run `databricks auth login --profile …` for {}, or update the databricks CLI.",
                    conn.name
                ),
                _ => "Fix what the message names, then run the Doctor again.".into(),
            };
            run.add(finding(
                CheckId::Token,
                Verdict::Fail,
                e.to_string(),
                "No valid token: every call will be refused with 401.",
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
                let host_of = |u: &str| Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string));
                let plausible = host_of(&iss).is_some_and(|h| Some(h) == host_of(&conn.host));
                match d.expires_at() {
                    Some(exp) if exp <= now => run.add(finding(CheckId::Token, Verdict::Fail, format!("the token expired {} s ago", now - exp), "An expired token is refused with 401.", format!("Get a fresh token: sign in to {} again, or for a pasted token, run `databricks auth token` again.", conn.name))),
                    _ if !plausible && !iss.is_empty() => run.add(finding(CheckId::Token, Verdict::Warn, format!("issued by {iss}, not by {}", conn.host), "A token from another workspace is refused.", "Use a connection to the app's own workspace.")),
                    Some(exp) => run.add(finding(CheckId::Token, Verdict::Pass, format!("valid for {} more minutes, scopes: {}", (exp - now) / 60, token_scopes.join(" ")), "The token is current.", "")),
                    None => run.add(finding(CheckId::Token, Verdict::Pass, "a token without an expiry", "", "")),
                }
            }
            Err(_) if is_apps_host(host) => run.add(finding(CheckId::Token, Verdict::Fail, "a personal access token (not an OAuth JWT)", "Databricks Apps refuse personal access tokens: they answer with a redirect to sign-in.", "Use an OAuth connection: sign in as a user, or a service principal.")),
            Err(_) => run.add(finding(CheckId::Token, Verdict::Pass, "an opaque token (not a JWT)", "Its contents cannot be checked here.", "")),
        }
    } else {
        run.add(skipped(CheckId::Identity, "there is no token"));
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
                        format!("the token speaks for {who}"),
                        "The workspace accepts the token.",
                        "",
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
                    e.to_string(),
                    "The workspace does not accept this token for its own APIs.",
                    format!(
                        "Sign in to {} again; check the token's scopes include all-apis.",
                        conn.name
                    ),
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
                        run.add(finding(CheckId::App, Verdict::Fail, format!("no app of {} answers at {origin}", conn.host), "The app name or the workspace id in the URL is wrong, or the app is in another workspace (404).", format!("Pick the app from the list and use its url (apps here: {}).", if names.is_empty() { "none".into() } else { names })));
                    }
                    Some(a)
                        if a.app_state.as_deref() == Some("RUNNING")
                            && a.compute_state.as_deref() == Some("ACTIVE") =>
                    {
                        let deployment = a.deployment_state.as_deref().unwrap_or("unknown");
                        run.add(finding(CheckId::App, if deployment == "SUCCEEDED" { Verdict::Pass } else { Verdict::Warn }, format!("{} is RUNNING, compute ACTIVE, last deployment {deployment}", a.name), "The app is up.", if deployment == "SUCCEEDED" { String::new() } else { "A deployment is not finished: call again when it has succeeded.".into() }).with(app_facts(a)));
                    }
                    Some(a) => {
                        let who = a
                            .creator
                            .as_deref()
                            .map(|c| format!(" (its creator: {c})"))
                            .unwrap_or_default();
                        let next = match a.app_state.as_deref() {
                            Some("DEPLOYING") => "Wait for the deployment to finish (the app goes STARTING, then RUNNING), then call again.".to_string(),
                            Some("CRASHED") => format!("Check the app's logs in the workspace; someone with CAN MANAGE{who} must fix and redeploy it."),
                            _ => format!("Start the app in the workspace (Compute → Apps → Start); that needs CAN MANAGE on it{who}."),
                        };
                        run.add(
                            finding(
                                CheckId::App,
                                Verdict::Fail,
                                format!(
                                    "{} is {} ({}), compute {} ({})",
                                    a.name,
                                    a.app_state.as_deref().unwrap_or("?"),
                                    a.app_message.as_deref().unwrap_or(""),
                                    a.compute_state.as_deref().unwrap_or("?"),
                                    a.compute_message.as_deref().unwrap_or("")
                                ),
                                "The app is not running: requests fail before they reach it.",
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
                    e.to_string(),
                    "The Apps list could not be read with this token.",
                    "Use a connection whose token has the all-apis scope.",
                ));
                None
            }
        },
        None => {
            run.add(skipped(CheckId::App, "there is no token"));
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
                                format!("{who} has {} on {}", levels.join(", "), a.name),
                                "Using the app is allowed.",
                                "",
                            )
                            .with(facts),
                        );
                    } else {
                        run.add(
                            finding(
                                CheckId::Permission,
                                Verdict::Fail,
                                format!("{who} has no CAN USE on {}", a.name),
                                "The Apps proxy answers 403 to anyone without CAN USE.",
                                format!(
                                    "Ask one of these principals to grant you CAN USE: {}.",
                                    managers.join(", ")
                                ),
                            )
                            .with(facts),
                        );
                    }
                }
                Err(WorkspaceError::Unauthorized { .. }) => {
                    let who = a
                        .creator
                        .as_deref()
                        .map(|c| format!(", e.g. its creator {c},"))
                        .unwrap_or_default();
                    let me_shown = display(me);
                    run.add(
                        finding(CheckId::Permission, Verdict::Unknown, format!("{me_shown} may not read the permissions of {} (only its managers can)", a.name), "Whether you have CAN USE cannot be seen from here.", format!("Ask one of the app's managers{who} to check that you, {me_shown}, have CAN USE on {}.", a.name))
                            .with(Facts { app: Some(a.name.clone()), identity: Some(me_shown.clone()), ..Facts::default() }),
                    );
                }
                Err(e) => run.add(finding(
                    CheckId::Permission,
                    Verdict::Unknown,
                    e.to_string(),
                    "The app's permissions could not be read.",
                    "Try again; if it persists, ask the app's managers.",
                )),
            }
        }
        _ => run.add(skipped(
            CheckId::Permission,
            "the app or the identity is not known",
        )),
    }
}

/// 11. The app's user-authorization scopes against the token's.
fn check_scopes(run: &mut Run<'_>, app: Option<&AppSummary>, token: Option<&Known>) {
    let (Some(a), Some(t)) = (app, token) else {
        run.add(skipped(
            CheckId::Scopes,
            "the app or the token is not known",
        ));
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
            format!("{} asks for no user-authorization scopes", a.name),
            "Any token that may use the app works.",
            "",
        )
    } else if missing.is_empty() {
        finding(
            CheckId::Scopes,
            Verdict::Pass,
            format!("the token has {}", a.user_api_scopes.join(", ")),
            "Every scope the app needs is granted.",
            "",
        )
    } else {
        let quoted = |list: &[String]| {
            list.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        finding(
            CheckId::Scopes,
            Verdict::Fail,
            format!(
                "{} needs {}; the token has {}",
                a.name,
                quoted(&missing),
                if t.scopes.is_empty() { "none".into() } else { t.scopes.join(" ") }
            ),
            "Apps with user authorization refuse tokens without their scopes (403, sometimes 401); all-apis is not enough.",
            format!(
                "Sign in with these scopes: {} (the scope matrix does it in one click).",
                missing.join(" ")
            ),
        )
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
        (Some(Err(refused)), _) => run.add(finding(CheckId::Endpoint,
            Verdict::Unknown,
            refused.to_string(),
            "The app's OpenAPI document can only be read with the token, which does not go to this host.",
            "Check that the URL is the app's own (its url field in the Apps list).",
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
                        run.add(finding(CheckId::Endpoint,
                            Verdict::Pass,
                            format!(
                                "{} {} is in the app's OpenAPI document",
                                run.report.method,
                                parsed.path()
                            ),
                            "The route exists.",
                            "",
                        ));
                    } else if !same_path.is_empty() {
                        let methods = same_path
                            .iter()
                            .map(|o| o.method.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        run.add(finding(CheckId::Endpoint,
                            Verdict::Fail,
                            format!(
                                "{} takes {methods}, not {}",
                                parsed.path(),
                                run.report.method
                            ),
                            "The app answers 405 to other methods.",
                            format!("Use {methods}."),
                        ));
                    } else {
                        let known = ops
                            .iter()
                            .take(12)
                            .map(|o| format!("{} {}", o.method, o.path))
                            .collect::<Vec<_>>()
                            .join(", ");
                        run.add(finding(CheckId::Endpoint,
                            Verdict::Warn,
                            format!(
                                "{} is not documented in the app's OpenAPI document ({path})",
                                parsed.path()
                            ),
                            "The app's document does not list this path; the Request check shows whether the app answers it.",
                            format!("If the request answers 404, use one of its endpoints: {known}."),
                        ));
                    }
                }
                None => run.add(finding(CheckId::Endpoint,
                    Verdict::Unknown,
                    "the app serves no readable OpenAPI document",
                    "Whether the path exists cannot be checked before calling it.",
                    "Check the path against the app's code or documentation.",
                )),
            }
        }
        _ => run.add(skipped(CheckId::Endpoint,
            "the app is not reachable and running",
        )),
    }
}

/// 13. The request itself: the answer it already got, or (only when safe to repeat) sent.
async fn check_request(run: &mut Run<'_>, cx: &Ctx<'_>, request: RequestStep, network_ok: bool) {
    let (session, conn, parsed, trust, proxy) =
        (cx.session, cx.conn, &cx.target, &cx.trust, &cx.proxy);
    match request {
        RequestStep::Answered(a) => run.add(request_finding(&a)),
        RequestStep::Send if !safe_to_repeat(&run.report.method) => run.add(skipped(CheckId::Request,
            &format!(
                "{} is not safe to repeat, so the Doctor does not send it; send it from the request builder and run the Doctor on its answer",
                run.report.method
            ),
        )),
        RequestStep::Send if !network_ok => {
            run.add(skipped(CheckId::Request, "the network checks failed"))
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
                match call::call(trust, proxy, &spec, Some(&bearer), std::future::pending())
                    .await
                {
                    Ok(r) => run.add(request_finding(&Answered::of(&r))),
                    Err(e) => run.add(finding(CheckId::Request,
                        Verdict::Fail,
                        e.to_string(),
                        "The request did not get an answer.",
                        "See the network checks above.",
                    )),
                }
            }
            Err(TokenError::Refused(refused)) => run.add(finding(CheckId::Request,
                Verdict::Fail,
                refused.to_string(),
                "Lakegate sends a connection's token only over https to its workspace, its apps and the hosts typed into its trusted list.",
                "Use the app's own URL (its url field in the Apps list).",
            )),
            Err(_) => run.add(skipped(CheckId::Request, "there is no token")),
        },
    }
}

fn network_findings(
    host: &str,
    proxy: Option<&str>,
    e: &CallError,
) -> (Finding, Finding, Finding, Finding) {
    let skip = |c: CheckId| skipped(c, "an earlier network check failed");
    let proxy_pass = || {
        finding(
            CheckId::Proxy,
            Verdict::Pass,
            proxy.map_or("no proxy (direct)".into(), |p| format!("through {p}")),
            "",
            "",
        )
    };
    let dns_pass = || {
        finding(
            CheckId::Dns,
            Verdict::Pass,
            format!("{host} resolves"),
            "The name is known.",
            "",
        )
    };
    let tcp_pass = || {
        finding(
            CheckId::Tcp,
            Verdict::Pass,
            "connected",
            "Outbound HTTPS is allowed.",
            "",
        )
    };
    match e {
        CallError::Dns { reason, .. } => (
            finding(CheckId::Dns, Verdict::Fail, format!("{host} does not resolve: {reason}"), if host.ends_with(".invalid") { "The name cannot exist (.invalid is reserved)." } else { "The name is unknown to this computer's DNS: a typo, a wrong workspace id, or a DNS that does not know *.databricksapps.com." }, "Check the app name and workspace id in the URL; make sure *.databricksapps.com resolves on this network (VPN, company DNS)."),
            skip(CheckId::Tcp),
            if proxy.is_some() { proxy_pass() } else { skip(CheckId::Proxy) },
            skip(CheckId::Tls),
        ),
        CallError::Connect { addr, reason } => (
            dns_pass(),
            finding(CheckId::Tcp, Verdict::Fail, format!("could not connect to {addr}: {reason}"), "Nothing answers at that address, or a firewall blocks outbound HTTPS (port 443).", "Check that outbound HTTPS to *.databricksapps.com is allowed on this network; if your company requires a proxy, set it in Network settings."),
            if proxy.is_some() { finding(CheckId::Proxy, Verdict::Fail, format!("the proxy {} did not accept the connection", proxy.unwrap_or("")), "", "Check the proxy address in Network settings or HTTPS_PROXY.") } else { finding(CheckId::Proxy, Verdict::Pass, "no proxy (direct)", "If your network only allows traffic through a proxy, calls fail this way.", "Set the proxy in Network settings or HTTPS_PROXY if your company uses one.") },
            skip(CheckId::Tls),
        ),
        CallError::ProxyAuth { proxy: p } | CallError::ProxyRefused { proxy: p, .. } => (
            dns_pass(),
            tcp_pass(),
            finding(CheckId::Proxy, Verdict::Fail, e.to_string(), format!("The proxy {p} would not open a tunnel to the app."), "Set the proxy's user and password (http://user:password@host:port), or ask IT to allow *.databricksapps.com."),
            skip(CheckId::Tls),
        ),
        CallError::TlsUntrusted { reason } => (
            dns_pass(),
            tcp_pass(),
            proxy_pass(),
            finding(CheckId::Tls, Verdict::Fail, format!("the certificate is not trusted ({reason})"), "The certificate was issued by a CA this computer does not trust — usually a company proxy that inspects HTTPS.", "Add your company's CA bundle (PEM) to the connection or in Network settings (it adds to the system's roots), or set SSL_CERT_FILE (which Lakegate also adds to them)."),
        ),
        CallError::Timeout { phase, secs } => (
            dns_pass(),
            finding(CheckId::Tcp, Verdict::Fail, format!("no answer within {secs} s while {phase}"), "Packets are dropped on the way: a firewall or a missing proxy.", "Check the network path and proxy settings."),
            proxy_pass(),
            skip(CheckId::Tls),
        ),
        other => (
            dns_pass(),
            tcp_pass(),
            proxy_pass(),
            finding(CheckId::Tls, Verdict::Fail, other.to_string(), "The secure connection could not be set up.", "Check the network path and proxy settings."),
        ),
    }
}

fn request_finding(r: &Answered) -> Finding {
    let body: String = r.body_start.chars().take(300).collect();
    let observed = format!(
        "{} {} in {:.0} ms{}",
        r.status,
        r.reason,
        r.total_ms,
        if body.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", body.trim())
        }
    );
    let (verdict, meaning, next) = match r.status {
        200..=299 => (Verdict::Pass, "The app answered.", String::new()),
        300..=399 => (Verdict::Fail, "The proxy sent the request to a browser sign-in: the path is outside /api/, or the token is a personal access token.", "Call an /api/ route with an OAuth token.".into()),
        401 => (Verdict::Fail, "The token was refused: missing, invalid, expired, or without the app's scopes.", "Check the token and scope findings above; sign in again if needed.".into()),
        403 if body.contains("scope") => (Verdict::Fail, "The token lacks the app's user-authorization scopes.", "Sign in with the scopes the app needs (see Scopes above).".into()),
        403 => (Verdict::Fail, "You lack CAN USE on the app (or its scopes).", "See Permission above: ask one of the app's managers for CAN USE.".into()),
        404 => (Verdict::Fail, "The app has no such path, or no app answers at this address.", "Check the App and Endpoint findings above.".into()),
        504 => (Verdict::Fail, "The Apps proxy ends any request that takes longer than its timeout (120 s) with 504; the app's own logs never show it. It may also buffer streamed (SSE) answers.", "Make the endpoint answer within 120 s: start long work in the background and poll for its result.".into()),
        500..=599 => (Verdict::Fail, "The app (or its proxy) failed: 502/503 when it is not running, 500 from the app's own code.", "Check the App finding above and the app's logs in the workspace.".into()),
        _ => (Verdict::Warn, "An unusual answer.", "Check the app's documentation for this status.".into()),
    };
    finding(CheckId::Request, verdict, observed, meaning, next).with(Facts {
        status: Some(r.status),
        ..Facts::default()
    })
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn openapi_templates_match_paths() {
        assert!(path_matches("/api/items/{id}", "/api/items/7"));
        assert!(path_matches("/api/items", "/api/items/"));
        assert!(!path_matches("/api/items/{id}", "/api/items"));
        assert!(!path_matches("/api/items/{id}", "/api/items/"));
        assert!(!path_matches("/api/hello", "/api/hellos"));
    }
}
