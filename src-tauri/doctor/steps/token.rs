//! The connection's token: present, readable, current, this workspace's, not a PAT sent to an app.

use super::super::*;

/// 7. The token: there, current, from this workspace, not a PAT sent to an app.
pub(in crate::doctor) async fn check_token(run: &mut Run<'_>, cx: &Ctx<'_>) -> Option<Known> {
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
                StepId::Token,
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
                        StepId::Token,
                        Verdict::Fail,
                        m!("doctor-token-expired", seconds = now - exp),
                        m!("doctor-token-expired-meaning"),
                        m!("doctor-token-expired-next", connection = &conn.name),
                    )),
                    _ if !plausible && !iss.is_empty() => run.add(finding(
                        StepId::Token,
                        Verdict::Warn,
                        m!("doctor-token-issuer", issuer = &iss, host = &conn.host),
                        m!("doctor-token-issuer-meaning"),
                        m!("doctor-token-issuer-next"),
                    )),
                    Some(exp) => run.add(finding(
                        StepId::Token,
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
                        StepId::Token,
                        Verdict::Pass,
                        m!("doctor-token-no-expiry"),
                        none(),
                        none(),
                    )),
                }
            }
            Err(_) if crate::connections::destinations::looks_like_apps_host(host) => {
                run.add(finding(
                    StepId::Token,
                    Verdict::Fail,
                    m!("doctor-token-pat"),
                    m!("doctor-token-pat-meaning"),
                    m!("doctor-token-pat-next"),
                ))
            }
            Err(_) => run.add(finding(
                StepId::Token,
                Verdict::Pass,
                m!("doctor-token-opaque"),
                m!("doctor-token-opaque-meaning"),
                none(),
            )),
        }
    } else {
        run.add(skipped(StepId::Identity, m!("doctor-skip-no-token")));
    }
    token.map(|t| Known {
        token: t,
        scopes: token_scopes,
    })
}
