//! Sending one request the way the request builder means it, over a connection of
//! its own so every phase is measured for real: DNS, TCP connect, proxy tunnel, TLS,
//! first byte, total. The body is read up to a cap; past it the view is cut and says so.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use rustls::pki_types::ServerName;
use secrecy::{ExposeSecret, SecretString};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

use super::{is_localhost_name, HttpError, Trust};
use crate::base::i18n::say;

/// What to send.
#[derive(Debug, Clone)]
pub struct CallSpec {
    pub method: String,
    pub url: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
    /// Bytes of body kept for the view.
    pub body_cap: usize,
}

/// A token cleared for one origin (scheme, host, port) by the rule of where a token may
/// go (`connections::destinations`, through `Session::bearer_for`, the only maker). `call`
/// attaches it to a request for that origin and refuses any other.
pub struct Bearer {
    token: SecretString,
    origin: url::Origin,
}

impl Bearer {
    pub(crate) fn cleared_for(token: SecretString, url: &Url) -> Bearer {
        Bearer {
            token,
            origin: url.origin(),
        }
    }
}

/// The default body cap: 20 MiB.
pub const DEFAULT_BODY_CAP: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    pub dns_ms: f64,
    pub connect_ms: f64,
    pub tls_ms: f64,
    pub first_byte_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone)]
pub struct CallResult {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Bytes received (at least; when truncated, reading stopped at the cap).
    pub received: u64,
    pub truncated: bool,
    pub timings: Timings,
    pub remote: Option<SocketAddr>,
    pub via_proxy: Option<String>,
    /// The body was ended early by a stop (what came is kept).
    pub stopped: bool,
    /// When each piece of the body arrived (ms from the start) and its size; at most
    /// `MAX_ARRIVALS` of them.
    pub arrivals: Vec<(f64, usize)>,
    /// The waits a rate limit asked for before this answer (`Retry-After`, seconds), one
    /// per time the request was sent again.
    pub waited_secs: Vec<u64>,
}

/// How many body arrivals a result remembers.
pub const MAX_ARRIVALS: usize = 10_000;

type HeadFn = dyn Fn(u16, &[(String, String)]) + Send + Sync;
type ChunkFn = dyn Fn(f64, &[u8]) + Send + Sync;
/// Hears each piece of a body as it arrives: when (ms from the start) and its bytes.
pub type OnChunk = Arc<ChunkFn>;

/// Watches a call as it goes: the answer's head and each piece of its body as they
/// arrive, and a stop that ends the body early keeping what came (before the answer
/// starts, a stop cancels the request).
#[derive(Clone, Default)]
pub struct Watch {
    pub on_head: Option<Arc<HeadFn>>,
    pub on_chunk: Option<OnChunk>,
    pub stop: Option<tokio::sync::watch::Receiver<bool>>,
}

/// The phase a request was in, for timeouts and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Dns,
    Connect,
    Proxy,
    Tls,
    Waiting,
    Body,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Dns => "looking up the host name (DNS)",
            Phase::Connect => "connecting (TCP)",
            Phase::Proxy => "opening a tunnel through the proxy",
            Phase::Tls => "the TLS handshake",
            Phase::Waiting => "waiting for the first byte of the answer",
            Phase::Body => "reading the answer's body",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("{0}")]
    Invalid(String),
    #[error("the token was cleared for {cleared}, not for {host}: the request was not sent")]
    TokenElsewhere { cleared: String, host: String },
    #[error("the host name {host} could not be resolved (DNS): {reason}")]
    Dns { host: String, reason: String },
    #[error("could not connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    #[error("the proxy {proxy} asks for authentication (407): set the user and password in the proxy URL (http://user:password@proxy:port)")]
    ProxyAuth { proxy: String },
    #[error("the proxy {proxy} refused to open a tunnel to {target}: {status}")]
    ProxyRefused {
        proxy: String,
        target: String,
        status: String,
    },
    #[error("the server's certificate is not trusted: {reason}. If your company inspects HTTPS, add its CA bundle (PEM) to the connection or set SSL_CERT_FILE")]
    TlsUntrusted { reason: String },
    #[error("the TLS handshake failed: {reason}")]
    Tls { reason: String },
    #[error("no answer within {secs} s, while {phase}")]
    Timeout { phase: Phase, secs: u64 },
    #[error("the request was cancelled")]
    Cancelled,
    #[error("the connection broke while {phase}: {reason}")]
    Broken { phase: Phase, reason: String },
    #[error(transparent)]
    Setup(#[from] HttpError),
}

/// Proxy settings: an explicit proxy URL, else the environment (`HTTPS_PROXY`, `NO_PROXY`).
#[derive(Debug, Clone, Default)]
pub struct ProxySettings {
    /// Without its password: that one is `password`, from the keychain.
    pub proxy: Option<String>,
    pub no_proxy: Option<String>,
    /// Ignore the environment (tests).
    pub ignore_env: bool,
    /// The explicit proxy's password (kept in the keychain, never in settings.json).
    pub password: Option<SecretString>,
}

fn env_any(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok())
        .filter(|v| !v.trim().is_empty())
}

fn bypassed(host: &str, no_proxy: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry
                .split(':')
                .next()
                .unwrap_or("")
                .trim_start_matches('*')
                .trim_start_matches('.')
                .to_string();
            host == entry || host.ends_with(&format!(".{entry}"))
        })
}

/// The proxy a request to `url` goes through, if any. A proxy from the environment is
/// never used for loopback; the explicit setting applies to everything but `no_proxy`.
pub fn proxy_for(url: &Url, settings: &ProxySettings) -> Option<Url> {
    let host = url.host_str()?;
    let from_env = |names: &[&str]| {
        if settings.ignore_env {
            None
        } else {
            env_any(names)
        }
    };
    let no_proxy = settings
        .no_proxy
        .clone()
        .or_else(|| from_env(&["NO_PROXY", "no_proxy"]))
        .unwrap_or_default();
    if bypassed(host, &no_proxy) {
        return None;
    }
    let loopback = is_localhost_name(host)
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host == "[::1]";
    let explicit = settings.proxy.is_some();
    let raw = match &settings.proxy {
        Some(p) => p.clone(),
        None if loopback => return None,
        None => match url.scheme() {
            "https" => from_env(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
            _ => from_env(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]),
        }?,
    };
    let with_scheme = if raw.contains("://") {
        raw
    } else {
        format!("http://{raw}")
    };
    let mut url = Url::parse(&with_scheme).ok()?;
    if let (true, Some(pw)) = (explicit, &settings.password) {
        if !url.username().is_empty() && url.password().is_none() {
            url.set_password(Some(pw.expose_secret())).ok()?;
        }
    }
    Some(url)
}

/// A proxy URL's user name and password as the proxy expects them: percent-decoded, the
/// way `reqwest` reads them for sign-in and token calls, so both paths send the same.
pub fn proxy_credentials(proxy: &Url) -> Option<(String, String)> {
    if proxy.username().is_empty() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Some((
        decode(proxy.username()),
        decode(proxy.password().unwrap_or("")),
    ))
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The full URL with the query pairs appended.
pub fn full_url(spec: &CallSpec) -> Result<Url, CallError> {
    let mut url = Url::parse(spec.url.trim())
        .map_err(|e| CallError::Invalid(format!("{:?} is not a URL: {e}", spec.url)))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(CallError::Invalid(format!(
            "{} URLs cannot be called: use https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(CallError::Invalid(format!("{:?} has no host", spec.url)));
    }
    if !spec.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &spec.query {
            pairs.append_pair(k, v);
        }
    }
    Ok(url)
}

/// The request as it goes on the wire: method, origin-form target (absolute-form through
/// an HTTP proxy), Host, the typed headers (Host and, when the connection has a token,
/// Authorization typed by hand are dropped), a User-Agent unless one was typed, and the
/// bearer token. Bad input is an `Invalid` error naming what is wrong.
pub fn build_request(
    spec: &CallSpec,
    url: &Url,
    absolute_proxy_form: bool,
    bearer: Option<&SecretString>,
) -> Result<hyper::Request<Full<Bytes>>, CallError> {
    let host = url.host_str().unwrap_or_default();
    let method = hyper::Method::from_bytes(spec.method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| CallError::Invalid(format!("{:?} is not an HTTP method", spec.method)))?;
    let target = if absolute_proxy_form {
        url.to_string()
    } else {
        format!(
            "{}{}",
            url.path(),
            url.query().map(|q| format!("?{q}")).unwrap_or_default()
        )
    };
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(target)
        .header(hyper::header::HOST, host_header);
    let mut has_user_agent = false;
    for (name, value) in &spec.headers {
        let n = name.trim();
        if n.is_empty() {
            continue;
        }
        // The connection's token wins over any Authorization typed by hand.
        if bearer.is_some() && n.eq_ignore_ascii_case("authorization")
            || n.eq_ignore_ascii_case("host")
        {
            continue;
        }
        has_user_agent |= n.eq_ignore_ascii_case("user-agent");
        hyper::header::HeaderName::from_bytes(n.as_bytes())
            .map_err(|_| CallError::Invalid(format!("{n:?} is not a valid header name")))?;
        hyper::header::HeaderValue::from_str(value).map_err(|_| {
            CallError::Invalid(format!(
                "the value of header {n} is not valid (line breaks or control characters)"
            ))
        })?;
        req = req.header(n, value.as_str());
    }
    if !has_user_agent {
        req = req.header(
            hyper::header::USER_AGENT,
            concat!("lakegate/", env!("CARGO_PKG_VERSION")),
        );
    }
    if let Some(token) = bearer {
        req = req.header(
            hyper::header::AUTHORIZATION,
            format!("Bearer {}", token.expose_secret()),
        );
    }
    let body = spec.body.clone().unwrap_or_default();
    req.body(Full::new(Bytes::from(body)))
        .map_err(|e| CallError::Invalid(e.to_string()))
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if is_localhost_name(bare) {
        return Ok(vec![
            SocketAddr::from(([127, 0, 0, 1], port)),
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
        ]);
    }
    let found: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| e.to_string())?
        .collect();
    if found.is_empty() {
        return Err("no address".into());
    }
    Ok(found)
}

async fn connect(addrs: &[SocketAddr]) -> Result<(TcpStream, SocketAddr), String> {
    let mut last = String::from("no address to try");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok((s, *addr));
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

async fn tunnel(stream: &mut TcpStream, proxy: &Url, target: &str) -> Result<(), CallError> {
    let mut head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some((user, pass)) = proxy_credentials(proxy) {
        let creds = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        head.push_str(&format!("Proxy-Authorization: Basic {creds}\r\n"));
    }
    head.push_str("\r\n");
    let shown = format!(
        "{}:{}",
        proxy.host_str().unwrap_or(""),
        proxy.port_or_known_default().unwrap_or(0)
    );
    let broken = |e: std::io::Error| CallError::Broken {
        phase: Phase::Proxy,
        reason: e.to_string(),
    };
    stream.write_all(head.as_bytes()).await.map_err(broken)?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.map_err(broken)? == 0 || buf.len() > 16 * 1024 {
            return Err(CallError::ProxyRefused {
                proxy: shown,
                target: target.into(),
                status: "it closed the connection".into(),
            });
        }
        buf.push(byte[0]);
    }
    let status_line = String::from_utf8_lossy(&buf)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let code = status_line.split_whitespace().nth(1).unwrap_or("");
    match code {
        "200" => Ok(()),
        "407" => Err(CallError::ProxyAuth { proxy: shown }),
        _ => Err(CallError::ProxyRefused {
            proxy: shown,
            target: target.into(),
            status: status_line,
        }),
    }
}

fn tls_error(e: std::io::Error) -> CallError {
    let text = e.to_string();
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(cert)) => CallError::TlsUntrusted {
            reason: format!("{cert:?}"),
        },
        _ if text.contains("UnknownIssuer") || text.contains("invalid peer certificate") => {
            CallError::TlsUntrusted { reason: text }
        }
        _ => CallError::Tls { reason: text },
    }
}

fn reason_phrase(status: u16) -> String {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
        .to_string()
}

/// Sends `spec` (with `bearer` as the Authorization header when given), ending early on
/// timeout or when `cancel` resolves.
pub async fn call(
    trust: &Trust,
    proxy: &ProxySettings,
    spec: &CallSpec,
    bearer: Option<&Bearer>,
    cancel: impl Future<Output = ()>,
) -> Result<CallResult, CallError> {
    tokio::select! {
        r = call_watched(trust, proxy, spec, bearer, Watch::default()) => r,
        _ = cancel => Err(CallError::Cancelled),
    }
}

/// `call`, watched: `watch` sees the head and the body's pieces as they arrive, and its
/// stop ends the request (cancelled before the answer starts, stopped after).
pub async fn call_watched(
    trust: &Trust,
    proxy: &ProxySettings,
    spec: &CallSpec,
    bearer: Option<&Bearer>,
    watch: Watch,
) -> Result<CallResult, CallError> {
    let phase = Arc::new(Mutex::new(Phase::Dns));
    let now = |phase: &Arc<Mutex<Phase>>| *crate::base::platform::lock(phase);
    let work = send(trust, proxy, spec, bearer, phase.clone(), &watch);
    let cancelled = async {
        match watch.stop.clone() {
            Some(mut rx) => {
                let _ = rx.wait_for(|s| *s).await;
                // Once the answer is arriving, the body's loop ends it and keeps what came.
                if now(&phase) == Phase::Body {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        r = tokio::time::timeout(spec.timeout, work) => match r {
            Ok(result) => result,
            Err(_) => Err(CallError::Timeout { phase: now(&phase), secs: spec.timeout.as_secs() }),
        },
        _ = cancelled => Err(CallError::Cancelled),
    }
}

/// Sends `spec` as its steps: the token checked against the URL, the wire opened (DNS,
/// TCP, the proxy's tunnel), TLS, the request, then the body as it arrives.
async fn send(
    trust: &Trust,
    proxy_settings: &ProxySettings,
    spec: &CallSpec,
    bearer: Option<&Bearer>,
    phase: Arc<Mutex<Phase>>,
    watch: &Watch,
) -> Result<CallResult, CallError> {
    let set = |p: Phase| *crate::base::platform::lock(&phase) = p;
    let url = full_url(spec)?;
    let bearer = cleared_for(bearer, &url)?;
    let proxy = proxy_for(&url, proxy_settings);
    // Everything typed by hand is checked before anything goes on the wire.
    let request = build_request(
        spec,
        &url,
        proxy.is_some() && url.scheme() == "http",
        bearer,
    )?;
    let host = url.host_str().unwrap_or_default().to_string();
    let started = Instant::now();
    let mut timings = Timings::default();

    let (tcp, remote) = dial(&url, proxy.as_ref(), &set, &mut timings, started).await?;
    let stream: Box<dyn Io> = if url.scheme() == "https" {
        set(Phase::Tls);
        let t = Instant::now();
        let tls = secure(trust, &host, tcp).await?;
        timings.tls_ms = ms(t);
        tls
    } else {
        Box::new(tcp)
    };

    set(Phase::Waiting);
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(broken(Phase::Waiting))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let response = sender
        .send_request(request)
        .await
        .map_err(broken(Phase::Waiting))?;
    timings.first_byte_ms = ms(started);
    set(Phase::Body);
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    if let Some(f) = &watch.on_head {
        f(status, &headers);
    }
    let got = read_body(response.into_body(), spec.body_cap, watch, started).await;
    driver.abort();
    let got = got?;
    timings.total_ms = ms(started);
    Ok(CallResult {
        status,
        reason: reason_phrase(status),
        headers,
        body: got.kept,
        received: got.received,
        truncated: got.truncated,
        timings,
        remote: Some(remote),
        via_proxy: proxy.map(|p| {
            format!(
                "{}:{}",
                p.host_str().unwrap_or(""),
                p.port_or_known_default().unwrap_or(0)
            )
        }),
        stopped: got.stopped,
        arrivals: got.arrivals,
        waited_secs: vec![],
    })
}

/// The token, only when it was cleared for this very origin over https.
fn cleared_for<'a>(
    bearer: Option<&'a Bearer>,
    url: &Url,
) -> Result<Option<&'a SecretString>, CallError> {
    if let Some(b) = bearer {
        if b.origin != url.origin() || url.scheme() != "https" {
            return Err(CallError::TokenElsewhere {
                cleared: b.origin.ascii_serialization(),
                host: url.origin().ascii_serialization(),
            });
        }
    }
    Ok(bearer.map(|b| &b.token))
}

fn broken(phase: Phase) -> impl Fn(hyper::Error) -> CallError {
    move |e: hyper::Error| CallError::Broken {
        phase,
        reason: e.to_string(),
    }
}

/// The wire to `url`: its name resolved (or the proxy's), a TCP connection, and through a
/// proxy the tunnel an https URL needs; each step timed.
async fn dial(
    url: &Url,
    proxy: Option<&Url>,
    set: &impl Fn(Phase),
    timings: &mut Timings,
    started: Instant,
) -> Result<(TcpStream, SocketAddr), CallError> {
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    set(Phase::Dns);
    let (dial_host, dial_port) = match proxy {
        Some(p) => (
            p.host_str().unwrap_or_default().to_string(),
            p.port_or_known_default().unwrap_or(3128),
        ),
        None => (host.clone(), port),
    };
    let addrs = resolve(&dial_host, dial_port)
        .await
        .map_err(|reason| CallError::Dns {
            host: dial_host.clone(),
            reason,
        })?;
    timings.dns_ms = ms(started);

    set(Phase::Connect);
    let t = Instant::now();
    let (mut tcp, remote) = connect(&addrs).await.map_err(|reason| CallError::Connect {
        addr: format!("{dial_host}:{dial_port}"),
        reason,
    })?;
    timings.connect_ms = ms(t);

    if let Some(p) = proxy {
        set(Phase::Proxy);
        if url.scheme() == "https" {
            tunnel(&mut tcp, p, &format!("{host}:{port}")).await?;
        }
    }
    Ok((tcp, remote))
}

/// TLS to `host` over `tcp`, trusting `trust`; an untrusted certificate names the CA that
/// issued what the server presented (the one to trust, or to distrust).
async fn secure(trust: &Trust, host: &str, tcp: TcpStream) -> Result<Box<dyn Io>, CallError> {
    let (config, recorder) = super::tls_config_recording(trust)?;
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|e| CallError::Invalid(format!("{host} cannot be a TLS server name: {e}")))?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| match tls_error(e) {
            CallError::TlsUntrusted { reason } => {
                let chain = crate::base::platform::lock(&recorder.seen).clone();
                let issuer = chain.last().and_then(|c| super::certificate_issuer(c));
                CallError::TlsUntrusted {
                    reason: match issuer {
                        Some(i) => {
                            format!("issued by {i}, which this computer does not trust ({reason})")
                        }
                        None => reason,
                    },
                }
            }
            other => other,
        })?;
    Ok(Box::new(tls))
}

/// What of a body arrived: the bytes kept (up to the cap), how many came, and when.
struct Received {
    kept: Vec<u8>,
    received: u64,
    truncated: bool,
    stopped: bool,
    arrivals: Vec<(f64, usize)>,
}

/// Reads `body` as it arrives, telling `watch` of each piece, up to `cap` bytes kept; a
/// stop ends it and keeps what came.
async fn read_body(
    mut body: hyper::body::Incoming,
    cap: usize,
    watch: &Watch,
    started: Instant,
) -> Result<Received, CallError> {
    let mut got = Received {
        kept: Vec::new(),
        received: 0,
        truncated: false,
        stopped: false,
        arrivals: Vec::new(),
    };
    let mut stop = watch.stop.clone();
    loop {
        let frame = match &mut stop {
            Some(rx) => tokio::select! {
                f = body.frame() => f,
                _ = rx.wait_for(|s| *s) => {
                    got.stopped = true;
                    break;
                }
            },
            None => body.frame().await,
        };
        let Some(frame) = frame else { break };
        let frame = frame.map_err(broken(Phase::Body))?;
        if let Some(data) = frame.data_ref() {
            let at = ms(started);
            if got.arrivals.len() < MAX_ARRIVALS {
                got.arrivals.push((at, data.len()));
            }
            if let Some(f) = &watch.on_chunk {
                f(at, data);
            }
            got.received += data.len() as u64;
            let room = cap.saturating_sub(got.kept.len());
            got.kept.extend_from_slice(&data[..room.min(data.len())]);
            if data.len() > room {
                got.truncated = true;
                break;
            }
        }
    }
    Ok(got)
}

impl Phase {
    fn say(&self, lang: &str) -> String {
        match self {
            Phase::Dns => say!(lang, "phase-dns"),
            Phase::Connect => say!(lang, "phase-connect"),
            Phase::Proxy => say!(lang, "phase-proxy"),
            Phase::Tls => say!(lang, "phase-tls"),
            Phase::Waiting => say!(lang, "phase-waiting"),
            Phase::Body => say!(lang, "phase-body"),
        }
    }
}

impl crate::base::i18n::Localize for CallError {
    fn say(&self, lang: &str) -> String {
        match self {
            CallError::Invalid(m) => m.clone(),
            CallError::TokenElsewhere { cleared, host } => {
                say!(lang, "call-token-elsewhere", cleared = cleared, host = host)
            }
            CallError::Dns { host, reason } => say!(lang, "call-dns", host = host, reason = reason),
            CallError::Connect { addr, reason } => {
                say!(lang, "call-connect", address = addr, reason = reason)
            }
            CallError::ProxyAuth { proxy } => say!(lang, "call-proxy-auth", proxy = proxy),
            CallError::ProxyRefused {
                proxy,
                target,
                status,
            } => say!(
                lang,
                "call-proxy-refused",
                proxy = proxy,
                target = target,
                status = status
            ),
            CallError::TlsUntrusted { reason } => say!(lang, "call-tls-untrusted", reason = reason),
            CallError::Tls { reason } => say!(lang, "call-tls", reason = reason),
            CallError::Timeout { phase, secs } => {
                say!(
                    lang,
                    "call-timeout",
                    seconds = *secs,
                    phase = phase.say(lang)
                )
            }
            CallError::Cancelled => say!(lang, "call-cancelled"),
            CallError::Broken { phase, reason } => {
                say!(
                    lang,
                    "call-broken",
                    phase = phase.say(lang),
                    reason = reason
                )
            }
            CallError::Setup(e) => e.say(lang),
        }
    }
}

impl From<CallError> for crate::base::error::UiError {
    fn from(e: CallError) -> Self {
        use crate::base::i18n::Localize as _;
        use CallError as C;
        let message = e.in_window();
        match e {
            C::Invalid(_) => crate::base::error::UiError::invalid("url", message),
            C::TokenElsewhere { host, .. } => {
                crate::base::error::UiError::TokenRefused { message, host }
            }
            C::TlsUntrusted { .. } => crate::base::error::UiError::TlsUntrusted { message },
            C::ProxyAuth { .. } | C::ProxyRefused { .. } => {
                crate::base::error::UiError::Proxy { message }
            }
            C::Timeout { .. } => crate::base::error::UiError::TimedOut { message },
            C::Cancelled => crate::base::error::UiError::Cancelled { message },
            C::Dns { .. } | C::Connect { .. } | C::Tls { .. } | C::Broken { .. } | C::Setup(_) => {
                crate::base::error::UiError::Network { message }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_rules() {
        assert!(bypassed("a.example.com", "example.com"));
        assert!(bypassed("a.example.com", ".example.com"));
        assert!(bypassed("a.example.com", "*.example.com"));
        assert!(bypassed("example.com", "foo, example.com:443"));
        assert!(bypassed("anything", "*"));
        assert!(!bypassed("notexample.com", "example.com"));
        assert!(!bypassed("example.com", ""));
    }

    #[test]
    fn settings_win_and_loopback_skips_the_environment() {
        let s = ProxySettings {
            proxy: Some("proxy.corp:3128".into()),
            no_proxy: None,
            ignore_env: true,
            password: None,
        };
        assert!(
            proxy_for(&Url::parse("https://127.0.0.1/").unwrap(), &s).is_some(),
            "an explicit proxy takes everything"
        );
        let none = ProxySettings {
            proxy: None,
            no_proxy: None,
            ignore_env: true,
            password: None,
        };
        assert!(proxy_for(
            &Url::parse("https://hello-1.apps.localhost:8443/api").unwrap(),
            &none
        )
        .is_none());
        let p = proxy_for(&Url::parse("https://x.cloud.databricks.com/").unwrap(), &s).unwrap();
        assert_eq!(p.as_str(), "http://proxy.corp:3128/");
        let s = ProxySettings {
            proxy: Some("http://p:1".into()),
            no_proxy: Some("databricks.com".into()),
            ignore_env: true,
            password: None,
        };
        assert!(proxy_for(&Url::parse("https://x.cloud.databricks.com/").unwrap(), &s).is_none());
    }

    #[test]
    fn proxy_credentials_are_percent_decoded_and_the_password_comes_from_the_keychain() {
        let s = ProxySettings {
            proxy: Some("http://me%20too@proxy.corp:3128".into()),
            no_proxy: None,
            ignore_env: true,
            password: Some(SecretString::from("p@ss:w0rd+x")),
        };
        let p = proxy_for(&Url::parse("https://x.cloud.databricks.com/").unwrap(), &s).unwrap();
        assert_eq!(
            proxy_credentials(&p).unwrap(),
            ("me too".to_string(), "p@ss:w0rd+x".to_string())
        );
        assert!(
            !format!("{s:?}").contains("p@ss"),
            "the password does not print"
        );
    }

    #[test]
    fn urls_and_queries() {
        let spec = CallSpec {
            method: "GET".into(),
            url: "https://h.example/api/items?a=1".into(),
            query: vec![("q".into(), "a b&c".into())],
            headers: vec![],
            body: None,
            timeout: Duration::from_secs(1),
            body_cap: 10,
        };
        assert_eq!(
            full_url(&spec).unwrap().as_str(),
            "https://h.example/api/items?a=1&q=a+b%26c"
        );
        for bad in ["", "ftp://x/", "https://", "not a url"] {
            let s = CallSpec {
                url: bad.into(),
                ..spec.clone()
            };
            assert!(matches!(full_url(&s), Err(CallError::Invalid(_))), "{bad}");
        }
    }
}
