//! DNS, TCP connect, TLS and the proxy: whether the app can be reached at all.

use super::super::*;

/// 2–5. DNS, TCP, TLS and the proxy: one probe of the app's host, without a token.
pub(in crate::doctor) async fn check_network(
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
                StepId::Dns,
                Verdict::Pass,
                m!(
                    "doctor-dns-pass",
                    host = host,
                    address = r.remote.map(|a| a.ip().to_string()).unwrap_or_default()
                ),
                m!("doctor-dns-pass-meaning"),
                none(),
            ));
            run.add(finding(
                StepId::Tcp,
                Verdict::Pass,
                m!("doctor-tcp-pass", ms = r.timings.connect_ms.round()),
                m!("doctor-tcp-pass-meaning"),
                none(),
            ));
            run.add(finding(
                StepId::Tls,
                Verdict::Pass,
                m!("doctor-tls-pass", ms = r.timings.tls_ms.round()),
                m!("doctor-tls-pass-meaning"),
                none(),
            ));
            run.add(finding(
                StepId::Proxy,
                Verdict::Pass,
                proxy_words(chosen_proxy.as_deref()),
                m!("doctor-proxy-pass-meaning"),
                none(),
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

pub(in crate::doctor) fn network_findings(
    host: &str,
    proxy: Option<&str>,
    e: &CallError,
) -> (Finding, Finding, Finding, Finding) {
    let skip = |c: StepId| skipped(c, m!("doctor-skip-network-earlier"));
    let proxy_pass = || {
        finding(
            StepId::Proxy,
            Verdict::Pass,
            proxy_words(proxy),
            none(),
            none(),
        )
    };
    let dns_pass = || {
        finding(
            StepId::Dns,
            Verdict::Pass,
            m!("doctor-dns-resolves", host = host),
            m!("doctor-dns-pass-meaning"),
            none(),
        )
    };
    let tcp_pass = || {
        finding(
            StepId::Tcp,
            Verdict::Pass,
            m!("doctor-tcp-connected"),
            m!("doctor-tcp-pass-meaning"),
            none(),
        )
    };
    match e {
        CallError::Dns { reason, .. } => (
            finding(
                StepId::Dns,
                Verdict::Fail,
                m!("doctor-dns-fail", host = host, reason = reason),
                if host.ends_with(".invalid") {
                    m!("doctor-dns-fail-invalid")
                } else {
                    m!("doctor-dns-fail-meaning")
                },
                m!("doctor-dns-fail-next"),
            ),
            skip(StepId::Tcp),
            if proxy.is_some() {
                proxy_pass()
            } else {
                skip(StepId::Proxy)
            },
            skip(StepId::Tls),
        ),
        CallError::Connect { addr, reason } => (
            dns_pass(),
            finding(
                StepId::Tcp,
                Verdict::Fail,
                m!(
                    "doctor-tcp-fail",
                    address = addr.to_string(),
                    reason = reason
                ),
                m!("doctor-tcp-fail-meaning"),
                m!("doctor-tcp-fail-next"),
            ),
            if proxy.is_some() {
                finding(
                    StepId::Proxy,
                    Verdict::Fail,
                    m!("doctor-proxy-refused", proxy = proxy.unwrap_or("")),
                    none(),
                    m!("doctor-proxy-refused-next"),
                )
            } else {
                finding(
                    StepId::Proxy,
                    Verdict::Pass,
                    m!("doctor-proxy-direct"),
                    m!("doctor-proxy-direct-meaning"),
                    m!("doctor-proxy-direct-next"),
                )
            },
            skip(StepId::Tls),
        ),
        CallError::ProxyAuth { proxy: p } | CallError::ProxyRefused { proxy: p, .. } => (
            dns_pass(),
            tcp_pass(),
            finding(
                StepId::Proxy,
                Verdict::Fail,
                Msg::plain(e.in_window()),
                m!("doctor-proxy-fail-meaning", proxy = p),
                m!("doctor-proxy-fail-next"),
            ),
            skip(StepId::Tls),
        ),
        CallError::TlsUntrusted { reason } => (
            dns_pass(),
            tcp_pass(),
            proxy_pass(),
            finding(
                StepId::Tls,
                Verdict::Fail,
                m!("doctor-tls-untrusted", reason = reason),
                m!("doctor-tls-untrusted-meaning"),
                m!("doctor-tls-untrusted-next"),
            ),
        ),
        CallError::Timeout { phase, secs } => (
            dns_pass(),
            finding(
                StepId::Tcp,
                Verdict::Fail,
                m!(
                    "doctor-tcp-timeout",
                    seconds = *secs,
                    phase = phase.to_string()
                ),
                m!("doctor-tcp-timeout-meaning"),
                m!("doctor-network-next"),
            ),
            proxy_pass(),
            skip(StepId::Tls),
        ),
        other => (
            dns_pass(),
            tcp_pass(),
            proxy_pass(),
            finding(
                StepId::Tls,
                Verdict::Fail,
                Msg::plain(other.in_window()),
                m!("doctor-tls-fail-meaning"),
                m!("doctor-network-next"),
            ),
        ),
    }
}

/// "no proxy (direct)" or "through host:port".
pub(in crate::doctor) fn proxy_words(proxy: Option<&str>) -> Msg {
    match proxy {
        Some(p) => m!("doctor-proxy-through", proxy = p),
        None => m!("doctor-proxy-direct"),
    }
}
