//! The workspace's OAuth discovery: where its tokens come from.

use super::super::*;

/// 6. The workspace's OAuth discovery; gives the client the later checks use.
pub(in crate::doctor) async fn check_oauth(
    run: &mut Run<'_>,
    session: &Session,
    conn: &Connection,
) -> Option<reqwest::Client> {
    let client = match session.client(conn) {
        Ok(c) => c,
        Err(e) => {
            run.add(finding(
                StepId::Oauth,
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
                StepId::Oauth,
                Verdict::Pass,
                m!("doctor-oauth-pass", host = &conn.host, issuer = &ep.issuer),
                m!("doctor-oauth-pass-meaning"),
                none(),
            )),
            Err(e) => run.add(finding(
                StepId::Oauth,
                Verdict::Fail,
                Msg::plain(e.in_window()),
                m!("doctor-oauth-fail-meaning"),
                m!("doctor-oauth-fail-next"),
            )),
        }
    } else {
        run.add(finding(
            StepId::Oauth,
            Verdict::Skipped,
            m!("doctor-oauth-not-used", kind = conn.kind.label()),
            none(),
            none(),
        ));
    }

    Some(client)
}
