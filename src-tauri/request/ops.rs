//! Sending a request: its route (network and the token the trust boundary lets go),
//! the call watched as it arrives (streams, rate limits waited out for safe methods), and
//! the answer remembered for the Doctor and history.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::base::error::UiError;
use crate::base::i18n::wsay;
use crate::base::platform::lock;
use crate::body::{body_view, suggested_file, INLINE_BODY, WINDOW_BODY_CAP};
use crate::bridge::StreamUpdate;
use crate::bridge::{RequestInput, ResponseView, TimingsView};
use crate::engine::Engine;
use crate::history::HistoryEntry;
use crate::http::call::{self, CallSpec, DEFAULT_BODY_CAP};
use crate::stream::StreamEvent;

/// The longest timeout a request may ask for.
pub const MAX_TIMEOUT_SECS: u64 = 600;

/// Told as an answer arrives (the window's channel).
pub type Progress = Arc<dyn Fn(StreamUpdate) + Send + Sync>;

/// A streamed answer's events, as the view keeps them.
pub struct Streamed {
    pub events: Vec<StreamEvent>,
    pub total: u32,
    /// Server-sent events (a buffered one gets a note).
    pub sse: bool,
}

/// What arrived and is not told yet.
#[derive(Default)]
pub(crate) struct StreamState {
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
    pub(crate) fn arrived(&mut self, at: f64, data: &[u8]) -> Option<StreamUpdate> {
        self.bytes += data.len() as u64;
        if let Some(r) = &mut self.reader {
            let new = r.feed(at, data);
            self.keep(new);
        }
        (at - self.told_at >= 50.0).then(|| self.tell(at))
    }

    pub(crate) fn keep(&mut self, new: Vec<StreamEvent>) {
        self.total += new.len() as u32;
        let room = crate::stream::MAX_EVENTS.saturating_sub(self.events.len());
        self.events.extend(new.iter().take(room).cloned());
        self.unsent.extend(new);
    }

    /// An update for what arrived since the last one, if anything did.
    pub(crate) fn overdue(&mut self, at: f64) -> Option<StreamUpdate> {
        (!self.unsent.is_empty() || self.bytes != self.told_bytes).then(|| self.tell(at))
    }

    pub(crate) fn tell(&mut self, at: f64) -> StreamUpdate {
        self.told_at = at;
        self.told_bytes = self.bytes;
        StreamUpdate::Arrived {
            bytes: self.bytes,
            events: std::mem::take(&mut self.unsent),
        }
    }

    pub(crate) fn finish(&mut self, at: f64) -> Option<StreamUpdate> {
        if let Some(r) = &mut self.reader {
            let new = r.finish(at);
            self.keep(new);
        }
        (self.bytes > 0).then(|| self.tell(at))
    }
}

/// The request's URL with its query, as it would be sent.
pub fn full_url_of(request: &RequestInput) -> Result<url::Url, UiError> {
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

pub(crate) fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
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
        refused: crate::http::refused(r.status),
    }
}

/// Whether a sent request goes to history: the window's and the command line's do; the many
/// calls of a check run or of Check all report on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    History,
    Quiet,
}

/// The call a request makes: its timeout clamped, an empty body as none.
pub(crate) fn call_spec(request: &RequestInput, body_cap: usize) -> CallSpec {
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
pub(crate) struct Watched {
    stream: Arc<Mutex<StreamState>>,
    /// A 429 or 503 that asks for a short wait (`Retry-After`) is waited out and the
    /// request sent again, twice at most — only when its method is safe to repeat.
    may_wait: Arc<AtomicBool>,
    /// The answer arriving is such a one: its head and body are neither shown nor written.
    held: Arc<AtomicBool>,
}

impl Watched {
    pub(crate) fn new(method: &str) -> Watched {
        Watched {
            stream: Arc::new(Mutex::new(StreamState::default())),
            may_wait: Arc::new(AtomicBool::new(crate::http::safe_to_repeat(method))),
            held: Arc::new(AtomicBool::new(false)),
        }
    }

    /// What the call tells as the answer arrives: the head, then each piece of the body,
    /// to the window (`progress`) and the command line (`on_chunk`).
    pub(crate) fn watch(
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
    pub(crate) fn tick(&self, progress: Progress) -> tokio::task::JoinHandle<()> {
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
    pub(crate) async fn send(
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
    pub(crate) fn finish(
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

impl Engine {
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
        let on_apps_host = url::Url::parse(&request.url)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(crate::connections::destinations::looks_like_apps_host)
            })
            .unwrap_or(false);
        let note = streamed.as_ref().filter(|s| s.sse).and_then(|s| {
            crate::stream::buffering_note(r.timings.first_byte_ms, &r.arrivals, s.total as usize)
                .or_else(|| crate::stream::cut_note(r.timings.total_ms, on_apps_host, r.stopped))
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
    pub(crate) async fn send_capped(
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
        crate::base::platform::lock(&self.in_flight).insert(id.to_string(), tx);
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
        crate::base::platform::lock(&self.in_flight).remove(id);
        self.remember(id, &request, &result, keep);
        result.map(|r| (r, streamed)).map_err(UiError::from)
    }

    /// Where `request` goes and with what: the connection's network settings, and its token
    /// when the trust boundary lets it go to `url` (none when asked to send without it).
    pub(crate) async fn route(
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
    pub(crate) fn remember(
        &self,
        id: &str,
        request: &RequestInput,
        result: &Result<call::CallResult, call::CallError>,
        keep: Keep,
    ) {
        if let Ok(r) = result {
            let mut answers = crate::base::platform::lock(&self.answers);
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
        if let Some(tx) = crate::base::platform::lock(&self.in_flight).remove(id) {
            let _ = tx.send(true);
        }
    }
}
