//! The user sign-in (U2M) of RFC 8252: authorization code + PKCE S256 in the system
//! browser, answered on a loopback listener that accepts only the redirect path,
//! only with the state it issued, and only once; it closes on success, error,
//! cancel or timeout.

use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenUrl,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use super::grants::{classify, token_set, GrantError};
use super::{OAuthEndpoints, TokenSet};
use crate::base::i18n::say;

/// How long a sign-in waits for the browser.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(300);
/// The one redirect the `databricks-cli` client has: `http://localhost:8020`, as Databricks'
/// Go and Python SDKs register it (their `appRedirectAddr` is `localhost:8020`).
pub const CLI_PORT: u16 = 8020;
/// How long a sign-in waits for port 8020 when another program holds it, as the Go CLI does.
pub const CLI_PORT_WAIT: Duration = Duration::from_secs(45);

/// Called while a sign-in waits for its port: the seconds waited so far.
pub type PortWait = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

#[derive(Clone)]
pub enum RedirectChoice {
    /// `http://localhost:8020` exactly, the `databricks-cli` client's only redirect. When the
    /// port is busy, waits up to `wait` (calling `progress` about every 5 s), never another port.
    DatabricksCli {
        wait: Duration,
        progress: Option<PortWait>,
    },
    /// The loopback redirect an organisation registered for its own OAuth app, e.g.
    /// `http://127.0.0.1:8765/callback`; port 0 or none picks a free port.
    Fixed(String),
}

pub struct LoginOptions {
    pub endpoints: OAuthEndpoints,
    pub client_id: String,
    pub redirect: RedirectChoice,
    pub scopes: Vec<String>,
    pub timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(
        "another program holds http://localhost:{port} (still busy after {secs} s), the only \
         redirect the databricks-cli client accepts. Close it (another sign-in, or `databricks \
         auth login`), or use your organisation's own OAuth app with a loopback redirect of its own"
    )]
    PortBusy { port: u16, secs: u64 },
    #[error("the sign-in could not listen on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error(
        "{0:?} cannot be a sign-in redirect: it must be http://127.0.0.1:<port>, \
         http://[::1]:<port> or http://localhost:<port> (RFC 8252 loopback)"
    )]
    BadRedirect(String),
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error(
        "the sign-in timed out: the browser did not come back within {0} minutes. Start it again"
    )]
    TimedOut(u64),
    #[error("the workspace ended the sign-in with {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Provider {
        error: String,
        description: Option<String>,
    },
    #[error(
        "the sign-in answer came from {got}, not from {expected}, the workspace it was sent to; \
         it was refused (a mix-up attack or a misconfigured proxy)"
    )]
    IssuerMismatch { expected: String, got: String },
    #[error(
        "the sign-in answer did not say which server sent it (no iss), although {expected} \
         promises to (RFC 9207): it was refused. Start the sign-in again"
    )]
    IssuerMissing { expected: String },
    #[error("the code could not be exchanged for tokens: {0}")]
    Exchange(#[from] GrantError),
}

/// An address pasted back by a person whose browser could not reach the loopback listener
/// (Lakegate on a remote machine, in WSL or a container): the `http://localhost:8020/?code=…`
/// the browser ended on. It is judged exactly as the listener judges the browser's request
/// (the redirect's address and path, the state, `iss`, once); `reply` says whether it was
/// taken, or why not, in the window's words.
pub struct Paste {
    pub address: String,
    pub reply: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// A sign-in waiting for the browser.
pub struct PendingLogin {
    /// What the browser must open. Holds the state and the PKCE challenge, no secret.
    pub authorize_url: String,
    pub redirect_uri: String,
    listeners: Vec<TcpListener>,
    path: String,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    endpoints: OAuthEndpoints,
    client_id: String,
    scopes: Vec<String>,
    timeout: Duration,
}

impl PendingLogin {
    /// Where this sign-in's code is exchanged (fixed when it started).
    pub fn token_endpoint(&self) -> &url::Url {
        &self.endpoints.token_endpoint
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, std::io::Error> {
    TcpListener::bind(addr).await
}

/// Binds loopback only: 127.0.0.1, and [::1] on the same port when `localhost` may mean either.
async fn bind_loopback(port: u16, v4: bool, v6: bool) -> Result<Vec<TcpListener>, std::io::Error> {
    let mut listeners = Vec::new();
    let mut port = port;
    if v4 {
        let l = bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        port = l.local_addr()?.port();
        listeners.push(l);
    }
    if v6 {
        match bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await {
            Ok(l) => listeners.push(l),
            Err(e) if !v4 => return Err(e),
            Err(_) => {} // no IPv6 loopback here: 127.0.0.1 serves
        }
    }
    Ok(listeners)
}

impl PendingLogin {
    pub async fn start(opts: LoginOptions) -> Result<PendingLogin, LoginError> {
        let (listeners, redirect_uri, path) = match &opts.redirect {
            RedirectChoice::DatabricksCli { wait, progress } => {
                let started = std::time::Instant::now();
                let mut told = None;
                let listeners = loop {
                    match bind_loopback(CLI_PORT, true, true).await {
                        Ok(ls) => break ls,
                        Err(_) if started.elapsed() < *wait => {
                            let secs = started.elapsed().as_secs();
                            if told.is_none_or(|t: u64| secs >= t + 5) {
                                if let Some(p) = progress {
                                    p(secs);
                                }
                                told = Some(secs);
                            }
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                        Err(_) => {
                            return Err(LoginError::PortBusy {
                                port: CLI_PORT,
                                secs: wait.as_secs(),
                            })
                        }
                    }
                };
                (
                    listeners,
                    format!("http://localhost:{CLI_PORT}"),
                    "/".to_string(),
                )
            }
            RedirectChoice::Fixed(raw) => {
                let url = Url::parse(raw).map_err(|_| LoginError::BadRedirect(raw.clone()))?;
                let (v4, v6) = match url.host_str() {
                    Some("127.0.0.1") => (true, false),
                    Some("[::1]") => (false, true),
                    Some("localhost") => (true, true),
                    _ => return Err(LoginError::BadRedirect(raw.clone())),
                };
                if url.scheme() != "http" || url.query().is_some() || url.fragment().is_some() {
                    return Err(LoginError::BadRedirect(raw.clone()));
                }
                let want = url.port().unwrap_or(0);
                let ls = bind_loopback(want, v4, v6)
                    .await
                    .map_err(|e| LoginError::Bind {
                        addr: format!("{}:{want}", url.host_str().unwrap_or("")),
                        reason: e.to_string(),
                    })?;
                let port = ls[0]
                    .local_addr()
                    .map_err(|e| LoginError::Bind {
                        addr: raw.clone(),
                        reason: e.to_string(),
                    })?
                    .port();
                // Keep the registered spelling: the server compares redirect URIs exactly.
                let redirect = if want == 0 {
                    let mut u = url.clone();
                    let _ = u.set_port(Some(port));
                    let s = u.to_string();
                    if raw.ends_with('/') || url.path() != "/" {
                        s
                    } else {
                        s.trim_end_matches('/').to_string()
                    }
                } else {
                    raw.clone()
                };
                (ls, redirect, url.path().to_string())
            }
        };
        let redirect_url = RedirectUrl::new(redirect_uri.clone())
            .map_err(|_| LoginError::BadRedirect(redirect_uri.clone()))?;
        let client = BasicClient::new(ClientId::new(opts.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(
                opts.endpoints.authorization_endpoint.clone(),
            ))
            .set_redirect_uri(redirect_url);
        // A fresh verifier and a fresh one-time state for every sign-in.
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(opts.scopes.iter().map(|s| Scope::new(s.clone())))
            .set_pkce_challenge(challenge)
            .url();
        Ok(PendingLogin {
            authorize_url: url.to_string(),
            redirect_uri,
            listeners,
            path,
            state,
            verifier,
            endpoints: opts.endpoints,
            client_id: opts.client_id,
            scopes: opts.scopes,
            timeout: opts.timeout,
        })
    }

    /// Where the listener waits (loopback addresses only).
    pub fn listening_on(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// Waits for the browser's redirect, then exchanges the code. `cancel` ends the wait.
    pub async fn finish(
        self,
        http: &reqwest::Client,
        cancel: impl Future<Output = ()>,
    ) -> Result<TokenSet, LoginError> {
        self.finish_or_pasted(http, cancel, None).await
    }

    /// `finish`, also taking the address a person pastes back (`pasted`) when their browser
    /// could not reach the listener: whichever comes first with this sign-in's answer.
    pub async fn finish_or_pasted(
        self,
        http: &reqwest::Client,
        cancel: impl Future<Output = ()>,
        mut pasted: Option<tokio::sync::mpsc::Receiver<Paste>>,
    ) -> Result<TokenSet, LoginError> {
        let PendingLogin {
            listeners,
            path,
            state,
            verifier,
            endpoints,
            client_id,
            scopes,
            timeout,
            redirect_uri,
            ..
        } = self;
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        tokio::pin!(cancel);
        let code = loop {
            let stream = tokio::select! {
                _ = &mut deadline => return Err(LoginError::TimedOut(timeout.as_secs().div_ceil(60))),
                _ = &mut cancel => return Err(LoginError::Cancelled),
                accepted = accept_any(&listeners) => match accepted {
                    Ok(stream) => stream,
                    Err(_) => continue,
                },
                paste = next_paste(&mut pasted) => {
                    let Some(Paste { address, reply }) = paste else {
                        // No one can paste any more: wait for the browser alone.
                        pasted = None;
                        continue;
                    };
                    let issuer = (endpoints.issuer.as_str(), endpoints.sends_iss);
                    match judge_pasted(&address, &redirect_uri, &path, state.secret(), issuer) {
                        Judged::Code(code) => {
                            let _ = reply.send(Ok(()));
                            break code;
                        }
                        Judged::Ignored { page, .. } => {
                            let id = format!("{page}-pasted");
                            let lang = crate::base::i18n::window_language();
                            let _ = reply.send(Err(crate::base::i18n::text(lang, &id, &[])));
                            continue;
                        }
                        Judged::Failed { error, .. } => {
                            let _ = reply.send(Err(crate::base::i18n::Localize::in_window(&error)));
                            return Err(error);
                        }
                    }
                }
            };
            let issuer = (endpoints.issuer.as_str(), endpoints.sends_iss);
            match answer(stream, &path, state.secret(), issuer).await {
                Callback::Ignored => continue,
                Callback::Code(code) => break code,
                Callback::Failed(e) => return Err(e),
            }
        };
        // Closed before the exchange: nothing more is answered on this port.
        drop(listeners);
        let client = BasicClient::new(ClientId::new(client_id))
            .set_token_uri(TokenUrl::from_url(endpoints.token_endpoint.clone()))
            .set_redirect_uri(
                RedirectUrl::new(redirect_uri.clone())
                    .map_err(|_| LoginError::BadRedirect(redirect_uri))?,
            )
            .set_auth_type(AuthType::RequestBody);
        // The picked scopes go on the exchange too, as Databricks' own curl example sends them.
        let resp = client
            .exchange_code(AuthorizationCode::new(code))
            .add_extra_param("scope", scopes.join(" "))
            .set_pkce_verifier(verifier)
            .request_async(http)
            .await
            .map_err(|e| LoginError::Exchange(classify(e)))?;
        Ok(token_set(&resp, &scopes))
    }
}

/// The next pasted address; never, when there is no one to paste.
async fn next_paste(pasted: &mut Option<tokio::sync::mpsc::Receiver<Paste>>) -> Option<Paste> {
    match pasted {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// A pasted address, judged as the listener judges the browser's request: it must be this
/// sign-in's redirect (http, a loopback name, its port and path), then `judge` decides.
fn judge_pasted(
    address: &str,
    redirect_uri: &str,
    path: &str,
    state: &str,
    issuer: (&str, bool),
) -> Judged {
    let not_ours = Judged::Ignored {
        status: "400 Bad Request",
        page: "callback-not-redirect",
    };
    let (Ok(url), Ok(redirect)) = (Url::parse(address.trim()), Url::parse(redirect_uri)) else {
        return not_ours;
    };
    let loopback = |u: &Url| {
        matches!(
            u.host(),
            Some(url::Host::Domain("localhost"))
                | Some(url::Host::Ipv4(Ipv4Addr::LOCALHOST))
                | Some(url::Host::Ipv6(Ipv6Addr::LOCALHOST))
        )
    };
    if url.scheme() != "http"
        || !loopback(&url)
        || url.port_or_known_default() != redirect.port_or_known_default()
        || url.path() != path
    {
        return not_ours;
    }
    judge(&url, state, issuer)
}

async fn accept_any(listeners: &[TcpListener]) -> std::io::Result<TcpStream> {
    match listeners {
        [one] => one.accept().await.map(|(s, _)| s),
        [a, b, ..] => tokio::select! {
            r = a.accept() => r.map(|(s, _)| s),
            r = b.accept() => r.map(|(s, _)| s),
        },
        [] => std::future::pending().await,
    }
}

enum Callback {
    /// Not the answer (another path, a wrong or missing state): keep waiting.
    Ignored,
    Code(String),
    Failed(LoginError),
}

const MAX_REQUEST_HEAD: usize = 16 * 1024;

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = async {
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                return Some(());
            }
            if buf.len() > MAX_REQUEST_HEAD {
                return None;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .ok()??;
    String::from_utf8(buf).ok()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The language the browser asks for, from the request head's `Accept-Language`.
fn language_of(head: &str) -> &'static str {
    head.lines()
        .skip(1)
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("accept-language")
                .then(|| crate::base::i18n::from_accept_language(v.trim()))
        })
        .unwrap_or(crate::base::i18n::ENGLISH)
}

/// Answers the browser with a page in `lang`: the title `id`, the message `id-text`.
async fn respond(
    stream: &mut TcpStream,
    status: &str,
    lang: &str,
    id: &str,
    args: &[(&str, crate::base::i18n::Arg)],
) {
    let title = escape(&crate::base::i18n::text(lang, id, &[]));
    let message = crate::base::i18n::text(lang, &format!("{id}-text"), args);
    let body = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}</style>\
         </head><body><h1>{title}</h1><p>{}</p></body></html>",
        escape(&message)
    );
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Referrer-Policy: no-referrer\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Whether two secrets are equal, in time that depends only on their lengths.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// `issuer`: the expected `iss`, and whether the server promised to send it.
async fn answer(
    mut stream: TcpStream,
    path: &str,
    state: &str,
    (issuer, iss_required): (&str, bool),
) -> Callback {
    let Some(head) = read_head(&mut stream).await else {
        return Callback::Ignored;
    };
    let lang = language_of(&head);
    let mut parts = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let Ok(url) = Url::parse(&format!("http://loopback{target}")) else {
        respond(
            &mut stream,
            "400 Bad Request",
            lang,
            "callback-bad-request",
            &[],
        )
        .await;
        return Callback::Ignored;
    };
    if url.path() != path {
        respond(
            &mut stream,
            "404 Not Found",
            lang,
            "callback-not-found",
            &[],
        )
        .await;
        return Callback::Ignored;
    }
    if method != "GET" {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            lang,
            "callback-not-allowed",
            &[],
        )
        .await;
        return Callback::Ignored;
    }
    match judge(&url, state, (issuer, iss_required)) {
        Judged::Ignored { status, page } => {
            respond(&mut stream, status, lang, page, &[]).await;
            Callback::Ignored
        }
        Judged::Failed {
            status,
            page,
            said,
            error,
        } => {
            let args: Vec<(&str, crate::base::i18n::Arg)> = match said {
                Some(s) => vec![("said", s.into())],
                None => vec![],
            };
            respond(&mut stream, status, lang, page, &args).await;
            Callback::Failed(error)
        }
        Judged::Code(code) => {
            respond(&mut stream, "200 OK", lang, "callback-signed-in", &[]).await;
            Callback::Code(code)
        }
    }
}

/// What a callback says, however it came (the browser's request, a pasted address).
enum Judged {
    /// Not this sign-in's answer: the page's status and message id; the wait goes on.
    Ignored {
        status: &'static str,
        page: &'static str,
    },
    /// This sign-in's answer, and a failure that ends it.
    Failed {
        status: &'static str,
        page: &'static str,
        said: Option<String>,
        error: LoginError,
    },
    Code(String),
}

/// The state (compared whole), `iss` (RFC 9207), an error from the workspace, the code.
fn judge(url: &Url, state: &str, (issuer, iss_required): (&str, bool)) -> Judged {
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    if !q.get("state").is_some_and(|got| same_secret(got, state)) {
        return Judged::Ignored {
            status: "400 Bad Request",
            page: "callback-not-this-sign-in",
        };
    }
    if iss_required && !q.contains_key("iss") {
        return Judged::Failed {
            status: "400 Bad Request",
            page: "callback-no-issuer",
            said: None,
            error: LoginError::IssuerMissing {
                expected: issuer.into(),
            },
        };
    }
    if let Some(got) = q.get("iss") {
        if got != issuer {
            return Judged::Failed {
                status: "400 Bad Request",
                page: "callback-wrong-issuer",
                said: None,
                error: LoginError::IssuerMismatch {
                    expected: issuer.into(),
                    got: got.clone(),
                },
            };
        }
    }
    if let Some(error) = q.get("error") {
        let description = q.get("error_description").cloned();
        let said = match &description {
            Some(d) => format!("{error}: {d}"),
            None => error.clone(),
        };
        return Judged::Failed {
            status: "200 OK",
            page: "callback-provider-error",
            said: Some(said),
            error: LoginError::Provider {
                error: error.clone(),
                description,
            },
        };
    }
    match q.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Judged::Code(code.clone()),
        None => Judged::Ignored {
            status: "400 Bad Request",
            page: "callback-no-code",
        },
    }
}

impl crate::base::i18n::Localize for LoginError {
    fn say(&self, lang: &str) -> String {
        match self {
            LoginError::PortBusy { port, secs } => {
                say!(lang, "login-port-busy", port = *port, seconds = *secs)
            }
            LoginError::Bind { addr, reason } => {
                say!(lang, "login-bind", address = addr, reason = reason)
            }
            LoginError::BadRedirect(r) => {
                say!(lang, "login-bad-redirect", redirect = format!("{r:?}"))
            }
            LoginError::Cancelled => say!(lang, "login-cancelled"),
            LoginError::TimedOut(m) => say!(lang, "login-timed-out", minutes = *m),
            LoginError::Provider { error, description } => match description {
                Some(d) => say!(
                    lang,
                    "login-provider-described",
                    error = error,
                    description = d
                ),
                None => say!(lang, "login-provider", error = error),
            },
            LoginError::IssuerMismatch { expected, got } => {
                say!(
                    lang,
                    "login-issuer-mismatch",
                    expected = expected,
                    got = got
                )
            }
            LoginError::IssuerMissing { expected } => {
                say!(lang, "login-issuer-missing", expected = expected)
            }
            LoginError::Exchange(e) => say!(lang, "login-exchange", reason = e.say(lang)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
        assert!(same_secret("", ""));
    }
}
