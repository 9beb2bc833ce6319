//! The request workbench: apps, endpoints from OpenAPI, sending with timings and a
//! body cap, snippets, history and saved requests.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::App;
use crate::body::{Body, SearchHit, TextRows, TreeRows};
use crate::bridge::StreamUpdate;
use crate::bridge::{
    AppView, BodyKind, CurlImport, EndpointsView, HistoryView, NetworkSettings, RequestInput,
    ResponseView, SavedBody, SavedView, SnippetsView, TimingsView,
};
use crate::error::UiError;
use crate::history::HistoryEntry;
use crate::http::call::{self, CallSpec, DEFAULT_BODY_CAP};
use crate::i18n::{wsay, Localize};
use crate::secrets::SecretStore as _;
use crate::stream::StreamEvent;
use crate::workspace::{self, openapi};

/// The longest timeout a request may ask for.
pub const MAX_TIMEOUT_SECS: u64 = 600;

/// How the view shows a body: JSON (shown as a tree, and as text exactly as received),
/// text, or only its size. The text is always the bytes the app sent: key order, numbers
/// and whitespace are never rewritten.
pub fn body_view(
    body: &[u8],
    content_type: Option<&str>,
    truncated: bool,
) -> (BodyKind, Option<String>) {
    if body.is_empty() {
        return (BodyKind::Empty, None);
    }
    let looks_json = content_type.is_some_and(|c| c.contains("json"))
        || matches!(body.first(), Some(b'{' | b'['));
    match std::str::from_utf8(body) {
        Ok(text) if looks_json && !truncated && is_json(body) => {
            (BodyKind::Json, Some(text.to_string()))
        }
        Ok(text) => (BodyKind::Text, Some(text.to_string())),
        // A cut may fall inside a character: keep what decodes.
        Err(e) if truncated && e.valid_up_to() + 4 >= body.len() => (
            BodyKind::Text,
            Some(String::from_utf8_lossy(&body[..e.valid_up_to()]).into_owned()),
        ),
        Err(_) => (BodyKind::Binary, None),
    }
}

/// Whether `body` is one JSON value (checked without building it).
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// JSON text indented by two spaces, token by token: keys stay in their order and numbers
/// as written (`1e3` stays `1e3`). Text that is not JSON comes back as it was.
pub fn indent_json(text: &str) -> String {
    if !is_json(text.as_bytes()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on one line.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap_or(' '));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Told as an answer arrives (the window's channel).
pub type Progress = Arc<dyn Fn(StreamUpdate) + Send + Sync>;

use crate::platform::lock;

/// A streamed answer's events, as the view keeps them.
pub struct Streamed {
    pub events: Vec<StreamEvent>,
    pub total: u32,
    /// Server-sent events (a buffered one gets a note).
    pub sse: bool,
}

/// What arrived and is not told yet.
#[derive(Default)]
struct StreamState {
    reader: Option<crate::stream::Reader>,
    bytes: u64,
    unsent: Vec<StreamEvent>,
    events: Vec<StreamEvent>,
    total: u32,
    told_at: f64,
    told_bytes: u64,
}

impl StreamState {
    /// Takes a piece in; an update when the last one is 50 ms old.
    fn arrived(&mut self, at: f64, data: &[u8]) -> Option<StreamUpdate> {
        self.bytes += data.len() as u64;
        if let Some(r) = &mut self.reader {
            let new = r.feed(at, data);
            self.keep(new);
        }
        (at - self.told_at >= 50.0).then(|| self.tell(at))
    }

    fn keep(&mut self, new: Vec<StreamEvent>) {
        self.total += new.len() as u32;
        let room = crate::stream::MAX_EVENTS.saturating_sub(self.events.len());
        self.events.extend(new.iter().take(room).cloned());
        self.unsent.extend(new);
    }

    /// An update for what arrived since the last one, if anything did.
    fn overdue(&mut self, at: f64) -> Option<StreamUpdate> {
        (!self.unsent.is_empty() || self.bytes != self.told_bytes).then(|| self.tell(at))
    }

    fn tell(&mut self, at: f64) -> StreamUpdate {
        self.told_at = at;
        self.told_bytes = self.bytes;
        StreamUpdate::Arrived {
            bytes: self.bytes,
            events: std::mem::take(&mut self.unsent),
        }
    }

    fn finish(&mut self, at: f64) -> Option<StreamUpdate> {
        if let Some(r) = &mut self.reader {
            let new = r.finish(at);
            self.keep(new);
        }
        (self.bytes > 0).then(|| self.tell(at))
    }
}

/// The largest body the window keeps (the command line keeps `DEFAULT_BODY_CAP`).
pub const WINDOW_BODY_CAP: usize = 64 * 1024 * 1024;
/// Bodies up to this size also cross to the window whole, in `body_text`.
pub const INLINE_BODY: usize = 64 * 1024;
/// How many answers' bodies the window may still ask about.
const KEPT_BODIES: usize = 2;

/// The request's URL with its query, as it would be sent.
pub(super) fn full_url_of(request: &RequestInput) -> Result<url::Url, UiError> {
    Ok(call::full_url(&CallSpec {
        method: request.method.clone(),
        url: request.url.clone(),
        query: request.query.clone(),
        headers: vec![],
        body: None,
        timeout: Duration::from_secs(1),
        body_cap: 0,
    })?)
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// The bodies of the last answers, each behind its own lock so that a long search in
/// one never holds up another.
#[derive(Default)]
pub struct Bodies(Mutex<Kept>);

impl Bodies {
    fn keep(&self, id: &str, body: Body) {
        let mut kept = crate::platform::lock(&self.0);
        let mut gone = take(&mut kept, id);
        kept.push_back((id.to_string(), Arc::new(Mutex::new(body))));
        while kept.len() > KEPT_BODIES {
            gone.extend(kept.pop_front().map(|(_, b)| b));
        }
        drop(kept);
        let_go(gone);
    }

    fn release(&self, id: &str) {
        let gone = take(&mut crate::platform::lock(&self.0), id);
        let_go(gone);
    }

    /// Runs `f` on the body kept under `id`, off the runtime's threads (a search or the
    /// first tree of a large body takes a while).
    async fn with<T: Send + 'static>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Body) -> Result<T, UiError> + Send + 'static,
    ) -> Result<T, UiError> {
        let body = crate::platform::lock(&self.0)
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| UiError::NotFound {
                message: wsay!("answer-not-kept"),
            })?;
        tokio::task::spawn_blocking(move || f(&mut crate::platform::lock(&body)))
            .await
            .map_err(|e| UiError::Storage {
                message: wsay!("answer-unreadable", reason = e.to_string()),
                path: None,
            })?
    }
}

/// Large blocks (a body, its tree's index) get pages of their own, which go back to the
/// system when freed: glibc otherwise raises its threshold after the first big free and
/// serves later ones from its heaps, which keep the pages. Called once, at start.
pub fn keep_large_blocks_apart() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocation policy; 1 MiB is a valid threshold.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

type Kept = VecDeque<(String, Arc<Mutex<Body>>)>;

/// Takes the body kept under `id` out of `kept`.
fn take(kept: &mut Kept, id: &str) -> Vec<Arc<Mutex<Body>>> {
    let (gone, stay): (Kept, Kept) = kept.drain(..).partition(|(i, _)| i == id);
    *kept = stay;
    gone.into_iter().map(|(_, b)| b).collect()
}

/// Frees bodies let go of, on a thread of their own: a 20 MiB body and its tree's index
/// take a while to free and trim, and `release_body` is called on the window's main thread.
fn let_go(gone: Vec<Arc<Mutex<Body>>>) {
    if gone.is_empty() {
        return;
    }
    std::thread::spawn(move || {
        drop(gone);
        give_back_memory();
    });
}

/// Hands freed memory back to the system: glibc keeps the pages of large freed blocks
/// in its heaps otherwise, and the app would stay as large as its largest answer.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory at the top of glibc's heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Where Save to file proposes to write an answer: the Downloads folder, named after
/// the request's last path segment and the body's type.
fn suggested_file(url: &str, content_type: Option<&str>, kind: BodyKind) -> String {
    let stem = url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.rfind(|p| !p.is_empty()).map(str::to_string))
        })
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .take(60)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "answer".into());
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let ext = match kind {
        BodyKind::Json => "json",
        _ if ct.contains("html") => "html",
        _ if ct.contains("csv") => "csv",
        _ if ct.contains("xml") => "xml",
        BodyKind::Text => "txt",
        _ if ct.contains("png") => "png",
        _ if ct.contains("pdf") => "pdf",
        _ => "bin",
    };
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_default();
    dir.join(format!("{stem}-{}.{ext}", crate::oauth::unix_now()))
        .display()
        .to_string()
}

/// The file a save writes: `path` expanded, and shown; an existing file only when
/// `replace` says so.
pub(super) fn target_file(
    path: &str,
    replace: bool,
) -> Result<(std::path::PathBuf, String), UiError> {
    let path = expand_home(path.trim())?;
    let shown = path.display().to_string();
    if !replace && std::fs::symlink_metadata(&path).is_ok() {
        return Err(UiError::FileExists {
            message: wsay!("file-exists", path = &shown),
            path: shown,
        });
    }
    Ok((path, shown))
}

/// Writes `text` to the file the user named (see `target_file`); returns it as shown.
/// Writes what a view last showed (`last`: the access view, the board's run), as `render`
/// says, to `path` (an existing file only when `replace` says so); `missing` when it showed
/// nothing yet. Returns the path written.
pub(super) fn save_last<T: Clone>(
    last: &Mutex<Option<T>>,
    missing: String,
    render: impl FnOnce(&T) -> String,
    path: &str,
    replace: bool,
) -> Result<String, UiError> {
    let shown = crate::platform::lock(last)
        .clone()
        .ok_or(UiError::NotFound { message: missing })?;
    write_text_file(path, replace, &render(&shown))
}

pub(super) fn write_text_file(path: &str, replace: bool, text: &str) -> Result<String, UiError> {
    let (path, shown) = target_file(path, replace)?;
    crate::platform::write_atomically(&path, text.as_bytes()).map_err(|e| UiError::Storage {
        message: wsay!("file-write", path = &shown, reason = e.to_string()),
        path: Some(shown.clone()),
    })?;
    Ok(shown)
}

pub(super) fn expand_home(path: &str) -> Result<std::path::PathBuf, UiError> {
    if path.is_empty() {
        return Err(UiError::invalid("path", wsay!("path-empty")));
    }
    let path = match path.strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .ok_or_else(|| UiError::invalid("path", wsay!("path-no-home")))?
            .join(rest),
        None => std::path::PathBuf::from(path),
    };
    if !path.is_absolute() {
        return Err(UiError::invalid("path", wsay!("path-not-absolute")));
    }
    if path.file_name().is_none() || path.is_dir() {
        return Err(UiError::invalid("path", wsay!("path-is-folder")));
    }
    Ok(path)
}

pub fn response_view(r: call::CallResult, cap: usize) -> ResponseView {
    let content_type = header(&r.headers, "content-type");
    let (body_kind, body_text) = body_view(&r.body, content_type.as_deref(), r.truncated);
    ResponseView {
        status: r.status,
        reason: r.reason,
        headers: r.headers,
        body_kind,
        body_text,
        content_type,
        size: r.received,
        truncated: r.truncated,
        cap: cap as u64,
        timings: TimingsView {
            dns_ms: r.timings.dns_ms,
            connect_ms: r.timings.connect_ms,
            tls_ms: r.timings.tls_ms,
            first_byte_ms: r.timings.first_byte_ms,
            total_ms: r.timings.total_ms,
        },
        remote: r.remote.map(|a| a.to_string()),
        via_proxy: r.via_proxy,
        body_id: None,
        save_as: None,
        stopped: r.stopped,
        events: None,
        events_total: None,
        stream_note: None,
        waited_secs: r.waited_secs.iter().map(|s| *s as u32).collect(),
    }
}

/// Whether a sent request goes to history: the window's and the command line's do; the many
/// calls of a check run or of Check all report on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    History,
    Quiet,
}

/// The call a request makes: its timeout clamped, an empty body as none.
fn call_spec(request: &RequestInput, body_cap: usize) -> CallSpec {
    CallSpec {
        method: request.method.clone(),
        url: request.url.clone(),
        query: request.query.clone(),
        headers: request.headers.clone(),
        body: request
            .body
            .clone()
            .filter(|b| !b.is_empty())
            .map(String::into_bytes),
        timeout: Duration::from_secs(request.timeout_secs.clamp(1, MAX_TIMEOUT_SECS)),
        body_cap,
    }
}

/// One request as it is watched: what of a stream arrived, and whether the answer now
/// arriving is a rate limit held back to be waited out.
struct Watched {
    stream: Arc<Mutex<StreamState>>,
    /// A 429 or 503 that asks for a short wait (`Retry-After`) is waited out and the
    /// request sent again, twice at most — only when its method is safe to repeat.
    may_wait: Arc<AtomicBool>,
    /// The answer arriving is such a one: its head and body are neither shown nor written.
    held: Arc<AtomicBool>,
}

impl Watched {
    fn new(method: &str) -> Watched {
        Watched {
            stream: Arc::new(Mutex::new(StreamState::default())),
            may_wait: Arc::new(AtomicBool::new(crate::http::safe_to_repeat(method))),
            held: Arc::new(AtomicBool::new(false)),
        }
    }

    /// What the call tells as the answer arrives: the head, then each piece of the body,
    /// to the window (`progress`) and the command line (`on_chunk`).
    fn watch(
        &self,
        progress: Option<Progress>,
        on_chunk: Option<call::OnChunk>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> call::Watch {
        call::Watch {
            on_head: Some({
                let (stream, progress) = (self.stream.clone(), progress.clone());
                let (may_wait, held) = (self.may_wait.clone(), self.held.clone());
                Arc::new(move |status, headers: &[(String, String)]| {
                    let retry = header(headers, "retry-after");
                    let hold = may_wait.load(Ordering::SeqCst)
                        && crate::http::retry_after(status, retry.as_deref()).is_some();
                    held.store(hold, Ordering::SeqCst);
                    if hold {
                        return;
                    }
                    let kind = crate::stream::kind_of(headers);
                    lock(&stream).reader = kind.map(crate::stream::Reader::new);
                    if let Some(p) = &progress {
                        p(StreamUpdate::Head {
                            status,
                            streaming: kind.is_some(),
                        });
                    }
                })
            }),
            on_chunk: Some({
                let (stream, held) = (self.stream.clone(), self.held.clone());
                Arc::new(move |at, data: &[u8]| {
                    if held.load(Ordering::SeqCst) {
                        return;
                    }
                    if let Some(f) = &on_chunk {
                        f(at, data);
                    }
                    let update = lock(&stream).arrived(at, data);
                    if let (Some(p), Some(u)) = (&progress, update) {
                        p(u);
                    }
                })
            }),
            stop: Some(stop),
        }
    }

    /// What arrived and was not told yet (a stream that stalls after a few events) is told
    /// within 50 ms all the same.
    fn tick(&self, progress: Progress) -> tokio::task::JoinHandle<()> {
        let stream = self.stream.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let at = started.elapsed().as_secs_f64() * 1000.0;
                let update = lock(&stream).overdue(at);
                if let Some(u) = update {
                    progress(u);
                }
            }
        })
    }

    /// Sends the call, waiting out what a rate limit asks when that is allowed; a stop
    /// during a wait cancels.
    async fn send(
        &self,
        trust: &crate::http::Trust,
        proxy: &call::ProxySettings,
        spec: &CallSpec,
        bearer: Option<&call::Bearer>,
        watch: call::Watch,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Result<call::CallResult, call::CallError> {
        let mut waited: Vec<u64> = Vec::new();
        let result = loop {
            self.held.store(false, Ordering::SeqCst);
            let result = call::call_watched(trust, proxy, spec, bearer, watch.clone()).await;
            let wait = match &result {
                Ok(r) if self.held.load(Ordering::SeqCst) => {
                    crate::http::retry_after(r.status, header(&r.headers, "retry-after").as_deref())
                }
                _ => None,
            };
            let Some(secs) = wait else { break result };
            waited.push(secs);
            if waited.len() >= crate::http::MAX_WAITS as usize {
                self.may_wait.store(false, Ordering::SeqCst);
            }
            let mut stop = stop.clone();
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(secs)) => {}
                _ = stop.wait_for(|s| *s) => break Err(call::CallError::Cancelled),
            }
        };
        result.map(|mut r| {
            r.waited_secs = waited;
            r
        })
    }

    /// The stream's last word to the window, and its events when it was one.
    fn finish(
        &self,
        progress: Option<&Progress>,
        result: &Result<call::CallResult, call::CallError>,
    ) -> Option<Streamed> {
        let mut state = lock(&self.stream);
        let last = state.finish(result.as_ref().map_or(0.0, |r| r.timings.total_ms));
        if let (Some(p), Some(u)) = (progress, last) {
            p(u);
        }
        let sse = state.reader.as_ref().map(|r| r.is_events());
        sse.map(|sse| Streamed {
            events: std::mem::take(&mut state.events),
            total: state.total,
            sse,
        })
    }
}

impl App {
    pub async fn list_apps(&self, connection: &str) -> Result<Vec<AppView>, UiError> {
        let conn = self.find(connection).await?;
        let token = self.session.access_token(&conn).await?;
        let client = self.session.client(&conn)?;
        let apps = workspace::list_apps(&client, &conn.host, &token.token).await?;
        Ok(apps)
    }

    /// The app's OpenAPI document through the same auth: `/openapi.json` (FastAPI's
    /// default; the Apps proxy may send it to sign-in), then `/api/openapi.json`.
    pub async fn discover_endpoints(
        &self,
        connection: &str,
        app_url: &str,
    ) -> Result<EndpointsView, UiError> {
        let conn = self.find(connection).await?;
        let (trust, proxy) = self.session.network_for(&conn);
        let mut tried = Vec::new();
        for path in ["/openapi.json", "/api/openapi.json"] {
            let url = format!("{}{path}", app_url.trim_end_matches('/'));
            let bearer = match url::Url::parse(&url) {
                Ok(u) => match self.session.bearer_for(&conn, &u).await {
                    Ok(b) => b,
                    Err(crate::connections::TokenError::Refused(why)) => {
                        tried.push(format!("{path}: {why}"));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                },
                Err(e) => {
                    tried.push(format!("{path}: {url:?} is not a URL ({e})"));
                    continue;
                }
            };
            let spec = CallSpec {
                method: "GET".into(),
                url: url.clone(),
                query: vec![],
                headers: vec![("Accept".into(), "application/json".into())],
                body: None,
                timeout: Duration::from_secs(20),
                body_cap: 8 * 1024 * 1024,
            };
            match call::call(&trust, &proxy, &spec, Some(&bearer), std::future::pending()).await {
                Ok(r) if r.status == 200 => match openapi::parse(&r.body) {
                    Ok(mut ops) => {
                        openapi::place_on_app(&mut ops, app_url);
                        return Ok(EndpointsView {
                            source: Some(url),
                            operations: ops,
                            problem: None,
                        });
                    }
                    Err(e) => tried.push(format!("{path}: {}", e.in_window())),
                },
                Ok(r) => tried.push(format!("{path}: {} {}", r.status, r.reason)),
                Err(e) => tried.push(format!("{path}: {}", e.in_window())),
            }
        }
        Ok(EndpointsView {
            source: None,
            operations: Vec::new(),
            problem: Some(wsay!("openapi-none", tried = tried.join("; "))),
        })
    }

    /// Why `url` will not take a token as typed (`destinations::url_warning`), in the
    /// window's language.
    pub fn url_warning(&self, url: &str) -> Option<String> {
        crate::connections::destinations::url_warning(url).map(|m| m.render(self.language()))
    }

    /// Whether the path of `url` (as typed) is `template`'s, parameters filled in: the
    /// endpoint picked before still applies (`doctor::path_matches`, the one rule).
    pub fn endpoint_fits(&self, template: &str, url: &str) -> bool {
        crate::doctor::url_fits(template, url)
    }

    /// Sends a request; `id` lets `cancel_request` stop it. Every send goes to history.
    /// The body stays here, under `id`: the window asks for the rows it draws
    /// (`text_rows`, `tree_rows`), searches it and saves it; the view carries its text
    /// only when it is small.
    pub async fn send_request(
        &self,
        id: &str,
        request: RequestInput,
    ) -> Result<ResponseView, UiError> {
        self.send_request_watched(id, request, None).await
    }

    /// `send_request`, telling `progress` when the answer starts and what arrived since
    /// (a running byte count, and the events of a stream) about every 50 ms.
    pub async fn send_request_watched(
        &self,
        id: &str,
        request: RequestInput,
        progress: Option<Progress>,
    ) -> Result<ResponseView, UiError> {
        let (mut r, streamed) = self
            .send_capped(
                id,
                request.clone(),
                WINDOW_BODY_CAP,
                progress,
                None,
                Keep::History,
            )
            .await?;
        let note = streamed.as_ref().filter(|s| s.sse).and_then(|s| {
            crate::stream::buffering_note(r.timings.first_byte_ms, &r.arrivals, s.total as usize)
        });
        let stopped = r.stopped;
        let bytes = std::mem::take(&mut r.body);
        let content_type = header(&r.headers, "content-type");
        // Deciding the kind reads the whole body: not on the runtime's threads.
        let (view, body) = tokio::task::spawn_blocking(move || {
            let (kind, text) = body_view(&bytes, content_type.as_deref(), r.truncated);
            let small = bytes.len() <= INLINE_BODY;
            let mut view = response_view(r, WINDOW_BODY_CAP);
            view.body_kind = kind;
            view.body_text = text.filter(|_| small);
            let mut bytes = bytes;
            bytes.shrink_to_fit();
            (view, crate::body::Body::new(bytes, kind))
        })
        .await
        .map_err(|e| UiError::Storage {
            message: wsay!("answer-unreadable", reason = e.to_string()),
            path: None,
        })?;
        let mut view = view;
        view.stopped = stopped;
        view.stream_note = note;
        if let Some(s) = streamed {
            view.events_total = Some(s.total);
            view.events = Some(s.events);
        }
        if !body.is_empty() {
            view.body_id = Some(id.to_string());
            view.save_as = Some(suggested_file(
                &request.url,
                view.content_type.as_deref(),
                view.body_kind,
            ));
            self.bodies.keep(id, body);
        }
        Ok(view)
    }

    /// The text view's rows of a kept body, wrapped at `cols` characters.
    pub async fn text_rows(
        &self,
        id: &str,
        cols: u32,
        from: u32,
        count: u32,
    ) -> Result<TextRows, UiError> {
        self.bodies
            .with(id, move |b| {
                Ok(b.text_rows(cols as usize, from as usize, count as usize))
            })
            .await
    }

    /// The JSON tree's visible rows of a kept body.
    pub async fn tree_rows(&self, id: &str, from: u32, count: u32) -> Result<TreeRows, UiError> {
        self.bodies
            .with(id, move |b| {
                b.tree_rows(from as usize, count as usize)
                    .ok_or_else(|| UiError::invalid("body", wsay!("body-not-json")))
            })
            .await
    }

    /// Opens or closes a node of the tree (`deep`: all inside it); the tree's row count.
    pub async fn toggle_node(
        &self,
        id: &str,
        node: u32,
        open: bool,
        deep: bool,
    ) -> Result<u32, UiError> {
        self.bodies
            .with(id, move |b| {
                b.toggle(node, open, deep)
                    .ok_or_else(|| UiError::invalid("body", wsay!("body-no-node")))
            })
            .await
    }

    /// Finds `query` in a kept body and goes to its `index`-th match in the view asked for.
    pub async fn search_body(
        &self,
        id: &str,
        query: String,
        index: u32,
        tree: bool,
        cols: u32,
    ) -> Result<SearchHit, UiError> {
        self.bodies
            .with(id, move |b| {
                Ok(b.search(&query, index as usize, tree, cols as usize))
            })
            .await
    }

    /// Writes a kept body, byte for byte, to `path` (`~/` is the home folder). An existing
    /// file is only replaced when `replace` says so.
    pub async fn save_body(
        &self,
        id: &str,
        path: &str,
        replace: bool,
    ) -> Result<SavedBody, UiError> {
        let (path, shown) = target_file(path, replace)?;
        self.bodies
            .with(id, move |b| {
                let [text, rest] = b.parts();
                let mut bytes = Vec::with_capacity(b.len());
                bytes.extend_from_slice(text);
                bytes.extend_from_slice(rest);
                crate::platform::write_atomically(&path, &bytes).map_err(|e| UiError::Storage {
                    message: wsay!("file-write", path = &shown, reason = e.to_string()),
                    path: Some(shown.clone()),
                })?;
                Ok(SavedBody {
                    path: shown,
                    bytes: bytes.len() as u64,
                })
            })
            .await
    }

    /// Reads a pasted curl command as a request. Its credentials are left out (the
    /// connection's token is used); the connection is the one whose workspace owns the
    /// URL's host, else `current`.
    pub async fn import_curl(
        &self,
        text: &str,
        current: Option<String>,
    ) -> Result<CurlImport, UiError> {
        let p = crate::curl::parse(text).map_err(|e| UiError::invalid("curl", e.in_window()))?;
        let url = url::Url::parse(&p.url).map_err(|e| {
            UiError::invalid(
                "curl",
                wsay!("not-a-url", url = &p.url, reason = e.to_string()),
            )
        })?;
        let mut notes = Vec::new();
        if p.carried_token {
            notes.push(wsay!("curl-carried-token"));
        }
        if !p.left_out.is_empty() {
            notes.push(wsay!("curl-left-out", names = p.left_out.join(", ")));
        }
        let request = RequestInput {
            connection: current,
            method: p.method,
            url: p.url,
            query: p.query,
            headers: p.headers,
            body: p.body,
            timeout_secs: p.timeout_secs.unwrap_or(60).min(MAX_TIMEOUT_SECS),
            without_token: None,
        };
        let mut imported = self.with_owner(&url, request, notes).await?;
        imported.notes.extend(p.notes);
        imported.carried_token = p.carried_token;
        Ok(imported)
    }

    /// The request as `(connection found, request)`: its connection is the one whose
    /// workspace owns the URL's host (its own host, or an app its Apps API lists).
    async fn with_owner(
        &self,
        url: &url::Url,
        mut request: RequestInput,
        mut notes: Vec<String>,
    ) -> Result<CurlImport, UiError> {
        // The workspace's own host first (no call); then the apps each workspace lists.
        let (all, _) = self.all().await?;
        let mut found = all
            .iter()
            .find(|c| crate::connections::Session::is_workspace_host(c, url))
            .map(|c| c.name.clone());
        for conn in all.iter().filter(|_| found.is_none()) {
            if self.session.owns(conn, url).await {
                found = Some(conn.name.clone());
                break;
            }
        }
        if found.is_none() {
            notes.push(wsay!(
                "curl-no-owner",
                host = url.host_str().unwrap_or_default()
            ));
        }
        request.connection = found.clone().or(request.connection);
        Ok(CurlImport {
            connection_found: found.is_some(),
            request,
            carried_token: false,
            notes,
        })
    }

    /// A `lakegate://` link for `request` (no secret header; the token is never in it).
    pub fn request_link(&self, request: &RequestInput) -> Result<String, UiError> {
        let url = full_url_of(request)?;
        crate::links::to_link(&crate::links::Linked {
            method: request.method.clone(),
            url: url.to_string(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        })
        .map_err(|e| UiError::invalid("link", e.in_window()))
    }

    /// The request a `lakegate://` link opens, with the connection that owns its host;
    /// nothing is sent.
    pub async fn open_link(
        &self,
        link: &str,
        current: Option<String>,
    ) -> Result<CurlImport, UiError> {
        let l =
            crate::links::from_link(link).map_err(|e| UiError::invalid("link", e.in_window()))?;
        let mut url = url::Url::parse(&l.url).map_err(|e| {
            UiError::invalid(
                "link",
                wsay!("not-a-url", url = &l.url, reason = e.to_string()),
            )
        })?;
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let owner = url.clone();
        url.set_query(None);
        let request = RequestInput {
            connection: current,
            method: l.method,
            url: url.to_string(),
            query,
            headers: l.headers,
            body: l.body,
            timeout_secs: 60,
            without_token: None,
        };
        let notes = vec![wsay!("link-opened-note")];
        self.with_owner(&owner, request, notes).await
    }

    /// Forgets a kept body (the window shows another answer).
    pub fn release_body(&self, id: &str) {
        self.bodies.release(id);
    }

    /// `send_request` with the answer as received (its body's bytes), for the command line.
    pub async fn send(&self, id: &str, request: RequestInput) -> Result<call::CallResult, UiError> {
        Ok(self
            .send_capped(id, request, DEFAULT_BODY_CAP, None, None, Keep::History)
            .await?
            .0)
    }

    /// `send`, left out of the history: the many calls of a check file or of Check all,
    /// which report on their own (their answers are still kept for the Doctor).
    pub async fn send_unrecorded(
        &self,
        id: &str,
        request: RequestInput,
    ) -> Result<call::CallResult, UiError> {
        Ok(self
            .send_capped(id, request, DEFAULT_BODY_CAP, None, None, Keep::Quiet)
            .await?
            .0)
    }

    /// `send`, with each piece of the body handed to `on_chunk` as it arrives (the
    /// command line writes it out at once).
    pub async fn send_streaming(
        &self,
        id: &str,
        request: RequestInput,
        on_chunk: call::OnChunk,
    ) -> Result<call::CallResult, UiError> {
        Ok(self
            .send_capped(
                id,
                request,
                DEFAULT_BODY_CAP,
                None,
                Some(on_chunk),
                Keep::History,
            )
            .await?
            .0)
    }

    /// Sends `request`: its route (network and token, checked for this URL), the call
    /// watched as it arrives and waited out when a rate limit asks (safe methods only),
    /// then the answer kept for the Doctor and, with `Keep::History`, written to history.
    async fn send_capped(
        &self,
        id: &str,
        request: RequestInput,
        body_cap: usize,
        progress: Option<Progress>,
        on_chunk: Option<call::OnChunk>,
        keep: Keep,
    ) -> Result<(call::CallResult, Option<Streamed>), UiError> {
        let spec = call_spec(&request, body_cap);
        let url = call::full_url(&spec)?;
        let (bearer, trust, proxy) = self.route(&request, &url).await?;
        let (tx, stop) = tokio::sync::watch::channel(false);
        crate::platform::lock(&self.in_flight).insert(id.to_string(), tx);
        let watched = Watched::new(&spec.method);
        let watch = watched.watch(progress.clone(), on_chunk, stop.clone());
        let ticker = progress.clone().map(|p| watched.tick(p));
        let result = watched
            .send(&trust, &proxy, &spec, bearer.as_ref(), watch, stop)
            .await;
        if let Some(t) = ticker {
            t.abort();
        }
        let streamed = watched.finish(progress.as_ref(), &result);
        crate::platform::lock(&self.in_flight).remove(id);
        self.remember(id, &request, &result, keep);
        result.map(|r| (r, streamed)).map_err(UiError::from)
    }

    /// Where `request` goes and with what: the connection's network settings, and its token
    /// when the trust boundary lets it go to `url` (none when asked to send without it).
    async fn route(
        &self,
        request: &RequestInput,
        url: &url::Url,
    ) -> Result<
        (
            Option<call::Bearer>,
            crate::http::Trust,
            call::ProxySettings,
        ),
        UiError,
    > {
        match request.connection.as_deref() {
            Some(name) => {
                let conn = self.find(name).await?;
                let (trust, proxy) = self.session.network_for(&conn);
                let bearer = if request.without_token == Some(true) {
                    None
                } else {
                    Some(self.session.bearer_for(&conn, url).await?)
                };
                Ok((bearer, trust, proxy))
            }
            None => {
                let (trust, proxy) = self.session.network();
                Ok((None, trust, proxy))
            }
        }
    }

    /// The answer kept for the Doctor that may follow (the last 16), and the request in
    /// history unless `keep` leaves it out.
    fn remember(
        &self,
        id: &str,
        request: &RequestInput,
        result: &Result<call::CallResult, call::CallError>,
        keep: Keep,
    ) {
        if let Ok(r) = result {
            let mut answers = crate::platform::lock(&self.answers);
            answers.retain(|(i, _)| i != id);
            answers.push_back((id.to_string(), crate::doctor::Answered::of(r)));
            if answers.len() > 16 {
                answers.pop_front();
            }
        }
        if keep == Keep::Quiet {
            return;
        }
        let at = crate::oauth::unix_now();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let (status, total_ms, size, error) = match result {
            Ok(r) => (
                Some(r.status),
                Some(r.timings.total_ms),
                Some(r.received),
                None,
            ),
            Err(e) => (None, None, None, Some(e.to_string())),
        };
        let _ = self.history.record(HistoryEntry {
            id: format!("{at}-{nanos:09}"),
            at,
            request: request.clone(),
            status,
            total_ms,
            size,
            error,
        });
    }

    /// Stops a request: before its answer starts it is cancelled; once the answer is
    /// arriving (a stream), it ends there and what came is kept.
    pub fn cancel_request(&self, id: &str) {
        if let Some(tx) = crate::platform::lock(&self.in_flight).remove(id) {
            let _ = tx.send(true);
        }
    }

    pub fn snippets(&self, request: RequestInput) -> Result<SnippetsView, UiError> {
        let url = crate::redaction::redact_url(full_url_of(&request)?.as_str());
        let headers = crate::redaction::redact_headers(&request.headers);
        // A profile connection's own name; else the profile the SDK picks by default.
        let profile = request
            .connection
            .as_deref()
            .and_then(|c| c.strip_prefix("profile:"))
            .unwrap_or("DEFAULT")
            .to_string();
        let input = crate::snippets::SnippetInput {
            method: &request.method,
            url: &url,
            headers: &headers,
            body: request.body.as_deref(),
        };
        Ok(SnippetsView {
            curl: crate::snippets::curl(&input),
            python_requests: crate::snippets::python_requests(&input),
            python_sdk: crate::snippets::python_sdk(&input),
            python_cli_profile: crate::snippets::python_cli_profile(&input, &profile),
        })
    }

    pub fn history(
        &self,
        connection: Option<&str>,
        filter: &str,
    ) -> Result<Vec<HistoryView>, UiError> {
        let (entries, _) = self.history.list(connection, filter, 200)?;
        Ok(entries
            .into_iter()
            .map(|e| HistoryView {
                id: e.id,
                at: e.at,
                request: e.request,
                status: e.status,
                total_ms: e.total_ms,
                size: e.size,
                error: e.error,
            })
            .collect())
    }

    pub fn save_request(
        &self,
        collection: &str,
        name: &str,
        request: RequestInput,
    ) -> Result<(), UiError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(UiError::invalid("name", wsay!("saved-request-no-name")));
        }
        let collection = if collection.trim().is_empty() {
            "Saved"
        } else {
            collection.trim()
        };
        Ok(self.history.save(collection, name, &request)?)
    }

    pub fn network_settings(&self) -> Result<NetworkSettings, UiError> {
        let s = crate::settings::load(&self.config_dir).map_err(|e| UiError::Storage {
            message: e.in_window(),
            path: None,
        })?;
        let env_proxy = ["HTTPS_PROXY", "https_proxy"]
            .iter()
            .find_map(|k| std::env::var(k).ok())
            .filter(|v| !v.is_empty())
            .map(|p| crate::settings::mask_proxy_password(&p));
        let kept = self.proxy_password();
        Ok(NetworkSettings {
            proxy: s.proxy.map(|p| match &kept {
                Some(_) => {
                    crate::settings::with_password(&p, crate::settings::PASSWORD_MASK).unwrap_or(p)
                }
                None => p,
            }),
            no_proxy: s.no_proxy,
            ca_bundle: s.ca_bundle.map(|p| p.display().to_string()),
            env_proxy,
        })
    }

    /// Checks and saves the network settings; they apply to the next call.
    pub fn save_network_settings(
        &self,
        input: NetworkSettings,
    ) -> Result<NetworkSettings, UiError> {
        let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let typed = text(input.proxy);
        let mut proxy = None;
        // The password goes to the keychain; settings.json keeps the URL without it.
        let mut password: Option<Option<String>> = Some(None);
        if let Some(p) = &typed {
            let bad = || {
                UiError::invalid(
                    "proxy",
                    wsay!(
                        "proxy-not-an-address",
                        proxy = format!("{:?}", crate::settings::mask_proxy_password(p))
                    ),
                )
            };
            let (bare, pw) = crate::settings::split_proxy_password(p).ok_or_else(bad)?;
            let ok = url::Url::parse(&bare)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            if !ok {
                return Err(bad());
            }
            // As typed when it holds no password; without it otherwise.
            proxy = Some(if pw.is_some() { bare } else { p.clone() });
            password = match pw {
                // The mask sent back unchanged: keep the password the keychain has, but only
                // for the proxy it was typed for (else it would go to the new one).
                Some(pw) if pw == crate::settings::PASSWORD_MASK => {
                    let before = crate::settings::load(&self.config_dir)
                        .unwrap_or_default()
                        .proxy;
                    let bare = proxy.as_deref().unwrap_or_default();
                    if !before
                        .as_deref()
                        .is_some_and(|b| crate::settings::same_proxy(b, bare))
                    {
                        return Err(UiError::invalid("proxy", wsay!("proxy-password-again")));
                    }
                    None
                }
                other => Some(other),
            };
        }
        let ca_bundle = text(input.ca_bundle).map(std::path::PathBuf::from);
        if let Some(ca) = &ca_bundle {
            crate::http::extra_roots(&crate::http::Trust {
                ca_files: vec![ca.clone()],
                ca_pems: vec![],
                ignore_env: true,
            })
            .map_err(|e| UiError::invalid("caBundle", e.in_window()))?;
        }
        let settings = crate::settings::Settings {
            proxy,
            no_proxy: text(input.no_proxy),
            ca_bundle,
            // What else the file holds is kept.
            ..crate::settings::load(&self.config_dir).unwrap_or_default()
        };
        let keychain = |e: crate::secrets::SecretsError| UiError::Keychain {
            message: e.in_window(),
        };
        match password {
            Some(Some(pw)) => self
                .secrets
                .put(
                    crate::settings::PROXY_PASSWORD_ACCOUNT,
                    &secrecy::SecretString::from(pw),
                )
                .map_err(keychain)?,
            Some(None) => self
                .secrets
                .delete(crate::settings::PROXY_PASSWORD_ACCOUNT)
                .map_err(keychain)?,
            None => {}
        }
        crate::settings::save(&self.config_dir, &settings).map_err(|e| UiError::Storage {
            message: e.in_window(),
            path: None,
        })?;
        self.session.set_network(settings, self.proxy_password());
        self.network_settings()
    }

    pub fn saved_requests(&self) -> Result<Vec<SavedView>, UiError> {
        Ok(self
            .history
            .saved()?
            .into_iter()
            .map(|s| SavedView {
                collection: s.collection,
                name: s.name,
                request: s.request,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{body_view, indent_json};
    use crate::bridge::BodyKind;

    #[test]
    fn json_is_shown_as_the_app_sent_it() {
        let sent = "{\"zeta\":1e3, \"alpha\":12345678901234567890,\"2\":[],\"1\":{}}";
        let (k, t) = body_view(sent.as_bytes(), Some("application/json"), false);
        assert_eq!((k, t.as_deref()), (BodyKind::Json, Some(sent)));
        assert_eq!(
            indent_json(sent),
            "{\n  \"zeta\": 1e3,\n  \"alpha\": 12345678901234567890,\n  \"2\": [],\n  \"1\": {}\n}"
        );
        assert_eq!(
            indent_json("[\"a,b{\\\"c\", {\"k\": [1, 2]}]"),
            "[\n  \"a,b{\\\"c\",\n  {\n    \"k\": [\n      1,\n      2\n    ]\n  }\n]"
        );
        assert_eq!(indent_json("not json {"), "not json {");
    }

    #[test]
    fn bodies_are_shown_by_kind() {
        assert_eq!(body_view(b"", None, false).0, BodyKind::Empty);
        let (k, t) = body_view(b"{\"a\":1}", Some("application/json"), false);
        assert_eq!((k, t.unwrap().as_str()), (BodyKind::Json, "{\"a\":1}"));
        assert_eq!(
            body_view(b"{\"a\":", Some("application/json"), true).0,
            BodyKind::Text,
            "a cut JSON body is shown as text"
        );
        assert_eq!(
            body_view(b"hello", Some("text/plain"), false).0,
            BodyKind::Text
        );
        assert_eq!(
            body_view(
                &[0xff, 0xfe, 0x00, 0x01, 0x80, 0x80, 0x80, 0x80],
                None,
                false
            )
            .0,
            BodyKind::Binary
        );
        let cut = "é".as_bytes()[..1].to_vec();
        let mut body = b"abc".to_vec();
        body.extend(cut);
        assert_eq!(body_view(&body, None, true).1.as_deref(), Some("abc"));
    }
}
