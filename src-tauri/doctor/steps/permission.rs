//! CAN USE on the app, from its access list when it can be read.

use super::super::*;

/// 10. CAN USE on the app, through its permissions when they can be read.
pub(in crate::doctor) async fn check_permission(
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
                                StepId::Permission,
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
                                StepId::Permission,
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
                            StepId::Permission,
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
                    StepId::Permission,
                    Verdict::Unknown,
                    Msg::plain(e.in_window()),
                    m!("doctor-permission-error-meaning"),
                    m!("doctor-permission-error-next"),
                )),
            }
        }
        _ => run.add(skipped(
            StepId::Permission,
            m!("doctor-skip-no-app-or-identity"),
        )),
    }
}
