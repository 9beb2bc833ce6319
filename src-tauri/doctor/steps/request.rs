//! The request itself, and what its answer means: the reading the window also shows after a failed call (`explain_answer`).

use super::super::*;

/// 13. The request itself: the answer it already got, or (only when safe to repeat) sent.
pub(in crate::doctor) async fn check_request(
    run: &mut Run<'_>,
    cx: &Ctx<'_>,
    request: RequestStep,
    network_ok: bool,
) {
    let (session, conn, parsed, trust, proxy) =
        (cx.session, cx.conn, &cx.target, &cx.trust, &cx.proxy);
    match request {
        RequestStep::Answered(a) => add_request_finding(run, cx, &a).await,
        RequestStep::Send if !safe_to_repeat(&run.report.method) => run.add(skipped(
            StepId::Request,
            m!("doctor-skip-not-safe", method = &run.report.method),
        )),
        RequestStep::Send if !network_ok => {
            run.add(skipped(StepId::Request, m!("doctor-skip-network-failed")))
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
                        StepId::Request,
                        Verdict::Fail,
                        Msg::plain(e.in_window()),
                        m!("doctor-request-no-answer-meaning"),
                        m!("doctor-request-no-answer-next"),
                    )),
                }
            }
            Err(TokenError::Refused(refused)) => run.add(finding(
                StepId::Request,
                Verdict::Fail,
                Msg::plain(refused.in_window()),
                m!("doctor-request-refused-meaning"),
                m!("doctor-request-refused-next"),
            )),
            Err(_) => run.add(skipped(StepId::Request, m!("doctor-skip-no-token"))),
        },
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

/// The Doctor's reading of an answer an app or workspace gave, with the facts that narrow
/// it (what the window's automatic Doctor shows after a failed request).
pub fn explain_answer(r: &Answered, facts: &TokenFacts) -> Finding {
    request_finding(r, facts)
}

/// The kind of host an answer came from, as the recordings name it.
pub(in crate::doctor) fn host_kind(facts: &TokenFacts) -> &'static str {
    if facts.app_workspace.is_some() {
        "app"
    } else {
        "workspace"
    }
}

/// The request's finding; an error answer it matched no recording for also becomes the
/// report's field recording.
pub(in crate::doctor) async fn add_request_finding(run: &mut Run<'_>, cx: &Ctx<'_>, a: &Answered) {
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

pub(in crate::doctor) fn request_finding(r: &Answered, facts: &TokenFacts) -> Finding {
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
        401 | 403 if workspace::says_token_refused(&body) => (
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
    finding(StepId::Request, verdict, observed, meaning, next).with(Facts {
        status: Some(r.status),
        recorded_as: recorded_as.map(str::to_string),
        ..Facts::default()
    })
}
