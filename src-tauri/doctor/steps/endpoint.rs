//! The path against the app's OpenAPI document.

use super::super::*;

/// 12. The path in the app's OpenAPI document. A path the document omits is "not
///     documented", not a failure: the request below says whether it answers.
pub(in crate::doctor) async fn check_endpoint(
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
            StepId::Endpoint,
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
                            StepId::Endpoint,
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
                            StepId::Endpoint,
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
                            StepId::Endpoint,
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
                    StepId::Endpoint,
                    Verdict::Unknown,
                    m!("doctor-endpoint-no-document"),
                    m!("doctor-endpoint-no-document-meaning"),
                    m!("doctor-endpoint-no-document-next"),
                )),
            }
        }
        _ => run.add(skipped(StepId::Endpoint, m!("doctor-skip-app-not-running"))),
    }
}
