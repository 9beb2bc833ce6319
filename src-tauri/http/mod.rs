//! Lakegate's HTTP plumbing shared by every outgoing call: one client per trust
//! setting, the OS's roots through the platform verifier plus `SSL_CERT_FILE` and
//! any CA bundle the connection names, `*.localhost` on loopback, no redirects.

pub mod call;
pub mod words;

/// The longest `Retry-After` Lakegate waits out on the user's behalf, and how many times
/// it waits for one request.
pub const MAX_RETRY_AFTER_SECS: u64 = 30;
pub const MAX_WAITS: u32 = 2;

/// Seconds a 429 or 503 asks the caller to wait (`Retry-After`, in seconds), when short
/// enough to wait out here. The workspace's REST APIs answer rate limits with 429
/// `REQUEST_LIMIT_EXCEEDED` (tests/fixtures/databricks/rest-request-limit-exceeded-*), and
/// the SDKs send such requests again after `Retry-After`. Only for requests safe to send
/// twice (`safe_to_repeat`): the caller decides.
pub fn retry_after(status: u16, value: Option<&str>) -> Option<u64> {
    if !matches!(status, 429 | 503) {
        return None;
    }
    let value = value?.trim();
    // Seconds, or an HTTP date (RFC 9110 §10.2.3): the wait until then.
    let secs = match value.parse::<u64>() {
        Ok(s) => s,
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(std::time::SystemTime::now())
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0)),
    };
    (secs <= MAX_RETRY_AFTER_SECS).then_some(secs)
}

/// A call's status that is not an answer: an error, or a redirect (the Apps proxy sends
/// a token it did not accept to sign in with a 302, databricks/cli issue #6605).
pub fn refused(status: u16) -> bool {
    !(200..300).contains(&status)
}

/// Methods that ask for nothing to change (RFC 9110's safe methods): the only ones
/// Lakegate ever sends a second time on the user's behalf.
pub fn safe_to_repeat(method: &str) -> bool {
    ["GET", "HEAD", "OPTIONS"].contains(&method.trim().to_ascii_uppercase().as_str())
}

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::base::i18n::say;
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

/// Where Linux distributions keep the system's CA bundle (Debian and Ubuntu, Fedora and
/// RHEL, openSUSE, Alpine and Arch), the first that exists being the system's.
#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The system's roots on Linux, read from its bundle. The platform verifier reads them
/// itself, except when `SSL_CERT_FILE` or `SSL_CERT_DIR` is set: then it reads only those
/// (as OpenSSL does), so Lakegate adds the system's back — its promise is "the system's
/// roots, plus `SSL_CERT_FILE`, plus the connection's CA bundle".
#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn system_roots_beside(env_set: bool) -> Vec<CertificateDer<'static>> {
    if !env_set {
        return Vec::new();
    }
    SYSTEM_BUNDLES
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .and_then(|p| std::fs::read(p).ok())
        .map(|bytes| {
            CertificateDer::pem_slice_iter(&bytes)
                .filter_map(Result::ok)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn is_system_bundle(file: &Path) -> bool {
    let file = std::fs::canonicalize(file).ok();
    SYSTEM_BUNDLES
        .iter()
        .any(|b| file.is_some() && std::fs::canonicalize(b).ok() == file)
}

#[cfg(not(all(unix, not(target_vendor = "apple"), not(target_os = "android"))))]
fn is_system_bundle(_file: &Path) -> bool {
    false
}

#[cfg(not(all(unix, not(target_vendor = "apple"), not(target_os = "android"))))]
fn system_roots_beside(_env_set: bool) -> Vec<CertificateDer<'static>> {
    Vec::new() // the OS's own trust store is always used there
}

/// The extra roots `trust` adds: `SSL_CERT_FILE` (when set), files, in-memory PEMs.
pub fn extra_roots(trust: &Trust) -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let mut roots = Vec::new();
    let env = |name| std::env::var_os(name).filter(|p| !p.is_empty());
    if !trust.ignore_env {
        if let Some(path) = env("SSL_CERT_FILE") {
            roots.extend(read_pem_file(Path::new(&path))?);
        }
    }
    // SSL_CERT_FILE that is the system bundle itself (as on many CI images) adds nothing.
    let replaced = match env("SSL_CERT_FILE") {
        Some(file) => !is_system_bundle(Path::new(&file)),
        None => env("SSL_CERT_DIR").is_some(),
    };
    roots.extend(system_roots_beside(replaced));
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

impl crate::base::i18n::Localize for HttpError {
    fn say(&self, lang: &str) -> String {
        match self {
            HttpError::CaBundle { path, reason } => {
                say!(lang, "http-ca-bundle", path = path, reason = reason)
            }
            HttpError::Setup(m) => say!(lang, "http-setup", reason = m),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn retry_after_reads_seconds_and_dates() {
        use super::retry_after;
        assert_eq!(retry_after(429, Some("7")), Some(7));
        assert_eq!(retry_after(503, Some(" 0 ")), Some(0));
        assert_eq!(
            retry_after(429, Some("3600")),
            None,
            "too long to wait here"
        );
        assert_eq!(retry_after(500, Some("1")), None, "only 429 and 503");
        assert_eq!(retry_after(429, None), None);
        assert_eq!(retry_after(429, Some("soon")), None);
        let in_5 = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        let date = httpdate::fmt_http_date(in_5);
        assert!(
            matches!(retry_after(429, Some(&date)), Some(4..=6)),
            "{date}"
        );
        let past = httpdate::fmt_http_date(std::time::UNIX_EPOCH);
        assert_eq!(
            retry_after(429, Some(&past)),
            Some(0),
            "a date passed: no wait"
        );
        let far = httpdate::fmt_http_date(in_5 + std::time::Duration::from_secs(3600));
        assert_eq!(retry_after(429, Some(&far)), None);
    }

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
    fn the_issuer_of_a_certificate_is_read_from_its_der() {
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Corp Inspection CA");
        ca_params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Corp");
        let ca =
            rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
                .unwrap();
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["x.example".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &ca)
            .unwrap();
        let issuer = certificate_issuer(leaf.der()).unwrap();
        assert!(
            issuer.contains("CN=Corp Inspection CA") && issuer.contains("O=Corp"),
            "{issuer}"
        );
        assert_eq!(
            certificate_issuer(b"\x30\x03\x02\x01"),
            None,
            "garbage is no panic"
        );
        assert_eq!(certificate_issuer(&[]), None);
    }

    #[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
    #[test]
    fn ssl_cert_file_adds_to_the_system_roots_instead_of_replacing_them() {
        if !SYSTEM_BUNDLES.iter().any(|p| Path::new(p).exists()) {
            return; // no system bundle on this machine: nothing to keep
        }
        assert!(
            system_roots_beside(false).is_empty(),
            "the verifier reads them itself"
        );
        assert!(
            system_roots_beside(true).len() > 20,
            "with SSL_CERT_FILE set, the system's roots are still trusted"
        );
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

/// Reads one DER TLV: (tag, content, rest).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// "CN, O" of a certificate's issuer, read straight from its DER (for error messages only).
pub fn certificate_issuer(der: &[u8]) -> Option<String> {
    let (_, cert, _) = der_tlv(der)?;
    let (_, tbs, _) = der_tlv(cert)?;
    let mut fields = tbs;
    let mut index = 0;
    while let Some((tag, content, rest)) = der_tlv(fields) {
        fields = rest;
        if tag == 0xa0 {
            continue; // the explicit version
        }
        index += 1;
        if index < 3 {
            continue; // serial number, signature algorithm
        }
        let mut parts = Vec::new();
        let mut rdns = content;
        while let Some((_, set, next)) = der_tlv(rdns) {
            rdns = next;
            if let Some((_, atv, _)) = der_tlv(set) {
                if let Some((0x06, oid, value)) = der_tlv(atv) {
                    if let Some((_, text, _)) = der_tlv(value) {
                        let label = match oid {
                            [0x55, 0x04, 0x03] => "CN",
                            [0x55, 0x04, 0x0a] => "O",
                            _ => continue,
                        };
                        parts.push(format!("{label}={}", String::from_utf8_lossy(text)));
                    }
                }
            }
        }
        return (!parts.is_empty()).then(|| parts.join(", "));
    }
    None
}

/// Remembers the chain the server presented, whether or not it is trusted.
#[derive(Debug)]
pub struct ChainRecorder {
    inner: Arc<dyn rustls::client::danger::ServerCertVerifier>,
    pub seen: std::sync::Mutex<Vec<CertificateDer<'static>>>,
}

impl rustls::client::danger::ServerCertVerifier for ChainRecorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let mut seen = crate::base::platform::lock(&self.seen);
        *seen = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        drop(seen);
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Like `tls_config`, and the chain the server presents is kept for error messages.
pub fn tls_config_recording(
    trust: &Trust,
) -> Result<(rustls::ClientConfig, Arc<ChainRecorder>), HttpError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots(trust)?,
        provider.clone(),
    )
    .map_err(|e| HttpError::Setup(e.to_string()))?;
    let recorder = Arc::new(ChainRecorder {
        inner: Arc::new(verifier),
        seen: std::sync::Mutex::new(Vec::new()),
    });
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::Setup(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((tls, recorder))
}
