//! The address itself: https, an Apps host, an /api/ path.

use super::super::*;

/// 1. The URL's shape: https, an Apps host, an /api/ path.
pub(in crate::doctor) fn check_url(run: &mut Run<'_>, url: &str) -> Option<Url> {
    let parsed = match Url::parse(url.trim()) {
        Ok(u) if u.host_str().is_some() => u,
        _ => {
            run.add(finding(
                StepId::Url,
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
    if !crate::connections::destinations::looks_like_apps_host(&host) {
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
            StepId::Url,
            Verdict::Pass,
            m!("doctor-url-pass", path = parsed.path()),
            m!("doctor-url-pass-meaning"),
            none(),
        )),
        Some(worst) => {
            let observed: Vec<Msg> = url_problems.iter().map(|p| p.1.clone()).collect();
            let meaning: Vec<Msg> = url_problems.iter().map(|p| p.2.clone()).collect();
            let next: Vec<Msg> = url_problems.iter().map(|p| p.3.clone()).collect();
            run.add(finding(StepId::Url, worst, observed, meaning, next));
        }
    }

    Some(parsed)
}
