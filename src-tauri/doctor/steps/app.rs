//! The app: it exists in this workspace, and its state.

use super::super::*;

/// 9. The app behind the URL: it exists, runs, and its last deployment succeeded.
pub(in crate::doctor) async fn check_app(
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
                            StepId::App,
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
                                StepId::App,
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
                                StepId::App,
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
                    StepId::App,
                    Verdict::Unknown,
                    Msg::plain(e.in_window()),
                    m!("doctor-app-unknown-meaning"),
                    m!("doctor-app-unknown-next"),
                ));
                None
            }
        },
        None => {
            run.add(skipped(StepId::App, m!("doctor-skip-no-token")));
            None
        }
    }
}
