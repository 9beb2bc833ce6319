//! The app's user-authorization scopes against the token's.

use super::super::*;

/// Check 11: the app's user-authorization scopes against the token's. For a service
/// principal's token the outcome is unknown: Databricks documents these scopes for people's
/// tokens, and whether an app holds a service principal to them is not on record.
pub(in crate::doctor) fn check_scopes(
    run: &mut Run<'_>,
    app: Option<&AppSummary>,
    token: Option<&Known>,
    service_principal: bool,
) {
    let (Some(a), Some(t)) = (app, token) else {
        run.add(skipped(StepId::Scopes, m!("doctor-skip-no-app-or-token")));
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
            StepId::Scopes,
            Verdict::Pass,
            m!("doctor-scopes-none-asked", app = &a.name),
            m!("doctor-scopes-none-asked-meaning"),
            none(),
        )
    } else if missing.is_empty() {
        finding(
            StepId::Scopes,
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
                StepId::Scopes,
                Verdict::Unknown,
                observed,
                m!("doctor-scopes-sp-meaning"),
                m!("doctor-scopes-sp-next", scopes = missing.join(" ")),
            )
        } else {
            finding(
                StepId::Scopes,
                Verdict::Fail,
                observed,
                m!("doctor-scopes-fail-meaning"),
                m!("doctor-scopes-fail-next", scopes = missing.join(" ")),
            )
        }
    };
    run.add(f.with(facts));
}
