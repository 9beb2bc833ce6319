//! A listener that records every request it gets (method, path, headers) and answers
//! with a fixed status: the "foreign host" of the trust-boundary tests. Over TLS it
//! serves a certificate for its host name from a CA of its own, whose PEM file a test
//! can trust, so a refused token is refused by Lakegate, not by a failed handshake.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Recorder {
    /// `https://host:port` or `http://host:port`.
    pub origin: String,
    /// `host:port`.
    pub authority: String,
    /// The CA's PEM file (TLS only).
    pub ca_file: Option<PathBuf>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn with_authorization(&self) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.header("authorization").is_some())
            .count()
    }
}

/// Writes one PEM bundle at `path` holding every CA in `cas` (SSL_CERT_FILE and the
/// CA bundle settings take one file), and returns `path`.
pub fn bundle(path: PathBuf, cas: &[&std::path::Path]) -> PathBuf {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let pems: String = cas
        .iter()
        .map(|ca| std::fs::read_to_string(ca).unwrap())
        .collect();
    std::fs::write(&path, pems).unwrap();
    path
}

impl Recorder {
    pub fn ca(&self) -> &std::path::Path {
        self.ca_file.as_deref().expect("a TLS recorder")
    }
}

/// What the recorder answers: status and body for a method and path. For a 3xx status
/// the body is the `Location` and the answer has no body.
pub type Answer = Arc<dyn Fn(&str, &str) -> (u16, String) + Send + Sync>;

pub fn ok() -> Answer {
    Arc::new(|_, _| (200, "{\"ok\":true}".into()))
}

/// Starts a recorder for `host` (a `*.localhost` name reaches loopback) on a free port.
pub async fn start(host: &str, tls: bool, answer: Answer) -> Recorder {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (acceptor, ca_file) = if tls {
        let (config, ca_pem) = tls_config(host);
        let file = std::env::temp_dir().join(format!(
            "lakegate-recorder-{}-{port}.pem",
            std::process::id()
        ));
        std::fs::write(&file, ca_pem).unwrap();
        (
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
            Some(file),
        )
    } else {
        (None, None)
    };
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let record = record.clone();
            let acceptor = acceptor.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                match acceptor {
                    Some(a) => {
                        if let Ok(stream) = a.accept(tcp).await {
                            serve(stream, record, answer).await;
                        }
                    }
                    None => serve(tcp, record, answer).await,
                }
            });
        }
    });
    let scheme = if tls { "https" } else { "http" };
    Recorder {
        origin: format!("{scheme}://{host}:{port}"),
        authority: format!("{host}:{port}"),
        ca_file,
        seen,
    }
}

async fn serve(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    record: Arc<Mutex<Vec<Seen>>>,
    answer: Answer,
) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap_or(0) == 0 || head.len() > 64 * 1024 {
            return;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = stream.read_exact(&mut body).await;
    let (status, reply) = answer(&method, &path);
    record.lock().unwrap().push(Seen {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    // A reply that starts `Retry-After: N\n` sends that header (the rest is the body).
    let (extra, reply) = match reply.strip_prefix("Retry-After: ") {
        Some(rest) => {
            let (secs, body) = rest.split_once('\n').unwrap_or((rest, ""));
            (format!("Retry-After: {secs}\r\n"), body.to_string())
        }
        None => (String::new(), reply),
    };
    let response = if (300..400).contains(&status) {
        format!("HTTP/1.1 {status} X\r\nLocation: {reply}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    } else {
        format!(
            "HTTP/1.1 {status} X\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
            reply.len()
        )
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn tls_config(host: &str) -> (rustls::ServerConfig, String) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Recorder test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec![host.to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (config, ca.pem())
}
