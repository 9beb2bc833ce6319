//! Lakegate's HTTP plumbing shared by every outgoing call: one client per trust
//! setting, the OS's roots through the platform verifier plus `SSL_CERT_FILE` and
//! any CA bundle the connection names, `*.localhost` on loopback, no redirects.

pub mod call;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the CA bundle {path} cannot be read: {reason}")]
    CaBundle { path: String, reason: String },
    #[error("the HTTPS client could not be set up: {0}")]
    Setup(String),
}

/// What a client trusts beyond the operating system's roots.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// PEM files: the connection's CA bundle, a global one.
    pub ca_files: Vec<PathBuf>,
    /// PEM text held in memory (the GUI's own sandbox CA).
    pub ca_pems: Vec<String>,
    /// Ignore `SSL_CERT_FILE` (tests that must not depend on the environment).
    pub ignore_env: bool,
}

fn read_pem_certs(bytes: &[u8], origin: &str) -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(bytes).collect();
    let certs = certs.map_err(|e| HttpError::CaBundle {
        path: origin.to_string(),
        reason: format!("not a PEM certificate bundle ({e})"),
    })?;
    if certs.is_empty() {
        return Err(HttpError::CaBundle {
            path: origin.to_string(),
            reason: "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
        });
    }
    Ok(certs)
}

fn read_pem_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let bytes = std::fs::read(path).map_err(|e| HttpError::CaBundle {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    read_pem_certs(&bytes, &path.display().to_string())
}

/// The extra roots `trust` adds: `SSL_CERT_FILE` (when set), files, in-memory PEMs.
pub fn extra_roots(trust: &Trust) -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let mut roots = Vec::new();
    if !trust.ignore_env {
        if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
            roots.extend(read_pem_file(Path::new(&path))?);
        }
    }
    for file in &trust.ca_files {
        roots.extend(read_pem_file(file)?);
    }
    for pem in &trust.ca_pems {
        roots.extend(read_pem_certs(pem.as_bytes(), "the sandbox CA")?);
    }
    Ok(roots)
}

/// The TLS settings every Lakegate connection uses: the platform verifier with the extra roots.
pub fn tls_config(trust: &Trust) -> Result<rustls::ClientConfig, HttpError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots(trust)?,
        provider.clone(),
    )
    .map_err(|e| HttpError::Setup(e.to_string()))?;
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::Setup(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

/// A client that follows no redirect (token calls must not; for app calls a redirect
/// is itself the answer worth showing).
pub fn client(trust: &Trust, timeout: Duration) -> Result<reqwest::Client, HttpError> {
    client_with_proxy(trust, &call::ProxySettings::default(), timeout)
}

/// A client whose proxy choice is the same as the request builder's (`call::proxy_for`).
pub fn client_with_proxy(
    trust: &Trust,
    proxy: &call::ProxySettings,
    timeout: Duration,
) -> Result<reqwest::Client, HttpError> {
    let tls = tls_config(trust)?;
    let settings = proxy.clone();
    let chooser = reqwest::Proxy::custom(move |url| call::proxy_for(url, &settings));
    reqwest::Client::builder()
        .no_proxy()
        .proxy(chooser)
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(LoopbackAwareResolver))
        .connect_timeout(Duration::from_secs(15).min(timeout))
        .timeout(timeout)
        .user_agent(concat!("lakegate/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| HttpError::Setup(e.to_string()))
}

/// Resolves `localhost` and every `*.localhost` name to loopback without asking DNS
/// (RFC 6761 §6.3; curl and browsers do the same), so sandbox app hosts such as
/// `hello-1234.apps.localhost` work everywhere; other names go to the system resolver.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoopbackAwareResolver;

pub fn is_localhost_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

impl Resolve for LoopbackAwareResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            if is_localhost_name(&host) {
                let addrs = vec![
                    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
                ];
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_names() {
        assert!(is_localhost_name("localhost"));
        assert!(is_localhost_name("LOCALHOST."));
        assert!(is_localhost_name("hello-1234.apps.localhost"));
        assert!(!is_localhost_name("localhost.example.com"));
        assert!(!is_localhost_name("notlocalhost"));
        assert!(!is_localhost_name("example.com"));
    }

    #[test]
    fn a_ca_bundle_that_is_not_pem_is_named_with_the_reason() {
        let err = read_pem_certs(b"hello", "/tmp/x.pem")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/tmp/x.pem") && err.contains("no PEM certificate"),
            "{err}"
        );
    }
}
