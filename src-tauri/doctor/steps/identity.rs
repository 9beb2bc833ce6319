//! Who the token speaks for (SCIM Me).

use super::super::*;

/// 8. Who the token speaks for (SCIM Me).
pub(in crate::doctor) async fn check_identity(
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
                        StepId::Identity,
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
                    StepId::Identity,
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
