//! Answers that arrive over time: server-sent events (`text/event-stream`, as chat and
//! LLM endpoints send them) and other streamed text, read piece by piece as they come.

use serde::Serialize;
use ts_rs::TS;

/// The most events an answer's view keeps (a running count says how many came).
pub const MAX_EVENTS: usize = 5_000;

/// One event of a stream: a server-sent event, or a piece of another streamed answer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StreamEvent {
    /// When it arrived, in ms from the request's start.
    pub at_ms: f64,
    /// The SSE `event` field (`None`: a plain message, or a piece of a non-SSE stream).
    pub event: Option<String>,
    pub data: String,
    pub id: Option<String>,
}

/// How an answer's body is read as it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// `text/event-stream`: events.
    Events,
    /// Lines of JSON (`application/x-ndjson`, `application/jsonl`): one event per line.
    Lines,
    /// Streamed text (chunked `text/*`): each piece as it comes.
    Pieces,
}

/// Whether an answer with these headers is shown as it arrives, and how.
pub fn kind_of(headers: &[(String, String)]) -> Option<StreamKind> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let ct = get("content-type").unwrap_or_default();
    if ct.starts_with("text/event-stream") {
        return Some(StreamKind::Events);
    }
    if ct.contains("ndjson") || ct.contains("jsonl") || ct.contains("json-seq") {
        return Some(StreamKind::Lines);
    }
    let chunked = get("transfer-encoding").is_some_and(|t| t.contains("chunked"));
    (chunked && get("content-length").is_none() && ct.starts_with("text/"))
        .then_some(StreamKind::Pieces)
}

/// Reads a stream piece by piece into events (text split across pieces is kept until
/// its line ends).
pub struct Reader {
    kind: StreamKind,
    pending: Vec<u8>,
    /// How much of `pending` is known to hold no newline: each byte is looked at once.
    scanned: usize,
    /// Bytes looked at for newlines so far (tests hold it linear).
    work: u64,
    event: Option<String>,
    data: Vec<String>,
    id: Option<String>,
}

impl Reader {
    pub fn new(kind: StreamKind) -> Reader {
        Reader {
            kind,
            pending: Vec::new(),
            scanned: 0,
            work: 0,
            event: None,
            data: Vec::new(),
            id: None,
        }
    }

    /// Server-sent events (not lines or pieces).
    pub fn is_events(&self) -> bool {
        self.kind == StreamKind::Events
    }

    /// The events completed by `piece`, which arrived at `at_ms`.
    pub fn feed(&mut self, at_ms: f64, piece: &[u8]) -> Vec<StreamEvent> {
        if self.kind == StreamKind::Pieces {
            self.pending.extend_from_slice(piece);
            // Whole characters only; a cut one waits for the next piece.
            let valid = match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => self.pending.len(),
            };
            let text: Vec<u8> = self.pending.drain(..valid).collect();
            return vec![StreamEvent {
                at_ms,
                event: None,
                data: String::from_utf8_lossy(&text).into_owned(),
                id: None,
            }];
        }
        self.pending.extend_from_slice(piece);
        let mut out = Vec::new();
        // Only the bytes not yet looked at are searched, and the lines found are taken out
        // in one drain: a long line without a newline costs its length once, not per piece.
        let mut start = 0;
        let mut from = self.scanned;
        let pending = std::mem::take(&mut self.pending);
        while let Some(offset) = pending[from..].iter().position(|&b| b == b'\n') {
            self.work += offset as u64 + 1;
            let end = from + offset;
            let line = String::from_utf8_lossy(&pending[start..end]);
            let line = line.trim_end_matches(['\n', '\r']);
            match self.kind {
                StreamKind::Lines => {
                    if !line.trim().is_empty() {
                        out.push(StreamEvent {
                            at_ms,
                            event: None,
                            data: line.to_string(),
                            id: None,
                        });
                    }
                }
                _ => self.line(at_ms, line, &mut out),
            }
            start = end + 1;
            from = start;
        }
        self.work += (pending.len() - from) as u64;
        self.pending = pending;
        self.pending.drain(..start);
        self.scanned = self.pending.len();
        out
    }

    /// Bytes looked at for newlines so far.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// What is left when the stream ends (an event without its blank line, a last line).
    pub fn finish(&mut self, at_ms: f64) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        if !self.pending.is_empty() {
            self.scanned = 0;
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            match self.kind {
                StreamKind::Events => self.line(at_ms, rest.trim_end_matches('\r'), &mut out),
                _ if !rest.trim().is_empty() => out.push(StreamEvent {
                    at_ms,
                    event: None,
                    data: rest,
                    id: None,
                }),
                _ => {}
            }
        }
        if self.kind == StreamKind::Events {
            self.dispatch(at_ms, &mut out);
        }
        out
    }

    /// One line of the event-stream format (HTML's "server-sent events" section).
    fn line(&mut self, at_ms: f64, line: &str, out: &mut Vec<StreamEvent>) {
        if line.is_empty() {
            self.dispatch(at_ms, out);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => self.data.push(value.to_string()),
            "id" if !value.contains('\0') => self.id = Some(value.to_string()),
            _ => {}
        }
    }

    fn dispatch(&mut self, at_ms: f64, out: &mut Vec<StreamEvent>) {
        let event = self.event.take();
        if self.data.is_empty() {
            return;
        }
        out.push(StreamEvent {
            at_ms,
            event,
            data: std::mem::take(&mut self.data).join("\n"),
            id: self.id.clone(),
        });
    }
}

/// When a stream's events came held back — all together after a wait, or in a few
/// bunches far apart instead of one by one — something between (a proxy) buffered them:
/// the note that says so, or `None`. Databricks' Apps proxy is on record as delivering
/// server-sent events "buffered and … in chunks, not token-by-token"
/// (tests/fixtures/databricks/apps-sse-buffered).
pub fn buffering_note(
    first_byte_ms: f64,
    arrivals: &[(f64, usize)],
    events: usize,
) -> Option<String> {
    let first = arrivals.first()?.0;
    let waited = first.max(first_byte_ms);
    // Bunches: pieces that arrived within 50 ms of the one before belong together; the
    // gaps between bunches, the shortest and the longest.
    let mut bunches = 1usize;
    let (mut shortest, mut longest) = (f64::INFINITY, 0f64);
    for pair in arrivals.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        if gap >= 50.0 {
            bunches += 1;
            shortest = shortest.min(gap);
            longest = longest.max(gap);
        }
    }
    if events < 2 {
        return None;
    }
    if bunches == 1 && waited >= 1_000.0 {
        return Some(crate::base::i18n::wsay!(
            "stream-buffered",
            events = events,
            seconds = format!("{:.1}", waited / 1000.0)
        ));
    }
    // Three events a bunch or more, every bunch half a second or more after the one before
    // (a stream with one hiccup is not a buffered one).
    (bunches > 1 && events >= bunches * 3 && shortest >= 500.0).then(|| {
        crate::base::i18n::wsay!(
            "stream-buffered-chunks",
            events = events,
            bunches = bunches,
            seconds = format!("{:.1}", longest / 1000.0)
        )
    })
}

/// How long the Apps proxy lets a stream run before it cuts it: about 301 s on record
/// (databricks/appkit PR #318, tests/fixtures/databricks/apps-sse-cut-301s; a later fix to
/// 30 minutes is mentioned there, not confirmed).
pub const APPS_STREAM_LIMIT_SECS: f64 = 301.0;

/// When a stream from an app's domain ended by itself close to the Apps proxy's limit on
/// record, the proxy may have cut it: the note that says so, or `None`.
pub fn cut_note(total_ms: f64, on_apps_host: bool, stopped: bool) -> Option<String> {
    let secs = total_ms / 1000.0;
    (on_apps_host
        && !stopped
        && (APPS_STREAM_LIMIT_SECS - 6.0..=APPS_STREAM_LIMIT_SECS + 30.0).contains(&secs))
    .then(|| {
        crate::base::i18n::wsay!(
            "stream-cut",
            seconds = format!("{secs:.0}"),
            limit = format!("{APPS_STREAM_LIMIT_SECS:.0}")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_pieces_arrive_whole() {
        let mut r = Reader::new(StreamKind::Events);
        let mut got = r.feed(1.0, b"event: token\ndata: {\"te");
        assert!(got.is_empty());
        got.extend(r.feed(
            2.0,
            b"xt\": \"Hi\"}\n\n: a comment\n\ndata: one\r\ndata: two\r\nid: 7\r\n\r\n",
        ));
        got.extend(r.feed(3.0, b"data: tail"));
        got.extend(r.finish(4.0));
        assert_eq!(
            got,
            [
                StreamEvent {
                    at_ms: 2.0,
                    event: Some("token".into()),
                    data: "{\"text\": \"Hi\"}".into(),
                    id: None
                },
                StreamEvent {
                    at_ms: 2.0,
                    event: None,
                    data: "one\ntwo".into(),
                    id: Some("7".into())
                },
                StreamEvent {
                    at_ms: 4.0,
                    event: None,
                    data: "tail".into(),
                    id: Some("7".into())
                },
            ]
        );
    }

    /// A 20 MB stream without a newline, in 4 KiB pieces: each byte is looked at once
    /// (it used to be looked at again with every piece: quadratic).
    #[test]
    fn a_long_line_is_read_in_linear_time() {
        for kind in [StreamKind::Events, StreamKind::Lines] {
            let mut r = Reader::new(kind);
            let piece = vec![b'x'; 4096];
            let total = 20 * 1024 * 1024;
            let mut sent = 0;
            r.feed(0.0, b"data: ");
            while sent < total {
                assert!(r.feed(1.0, &piece).is_empty());
                sent += piece.len();
            }
            let events = r.feed(2.0, b"\n\n");
            let done = r.finish(3.0);
            let all: Vec<_> = events.into_iter().chain(done).collect();
            assert_eq!(all.len(), 1, "{kind:?}");
            assert!(all[0].data.len() >= total, "{kind:?}");
            assert!(
                r.work() <= (total + 4096) as u64 * 2,
                "{kind:?}: looked at {} bytes for {total}",
                r.work()
            );
        }
    }

    #[test]
    fn lines_and_pieces() {
        let mut r = Reader::new(StreamKind::Lines);
        assert_eq!(r.feed(1.0, b"{\"a\":1}\n{\"b\"").len(), 1);
        assert_eq!(r.finish(2.0)[0].data, "{\"b\"");
        let mut r = Reader::new(StreamKind::Pieces);
        let e = "é".as_bytes();
        assert_eq!(r.feed(1.0, &[b'a', e[0]])[0].data, "a");
        assert_eq!(r.feed(2.0, &e[1..])[0].data, "é");
    }

    #[test]
    fn which_answers_stream() {
        let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            kind_of(&h(&[("Content-Type", "text/event-stream; charset=utf-8")])),
            Some(StreamKind::Events)
        );
        assert_eq!(
            kind_of(&h(&[("content-type", "application/x-ndjson")])),
            Some(StreamKind::Lines)
        );
        assert_eq!(
            kind_of(&h(&[
                ("content-type", "text/plain"),
                ("transfer-encoding", "chunked")
            ])),
            Some(StreamKind::Pieces)
        );
        assert_eq!(
            kind_of(&h(&[
                ("content-type", "application/json"),
                ("transfer-encoding", "chunked")
            ])),
            None
        );
        assert_eq!(
            kind_of(&h(&[
                ("content-type", "text/plain"),
                ("content-length", "3")
            ])),
            None
        );
    }

    #[test]
    fn a_stream_that_came_all_at_once_after_a_wait_was_buffered() {
        let together = [(1500.0, 10), (1501.0, 10), (1510.0, 10)];
        assert!(buffering_note(1500.0, &together, 3)
            .unwrap()
            .contains("buffering"));
        let spread = [(100.0, 10), (400.0, 10), (900.0, 10)];
        assert_eq!(buffering_note(100.0, &spread, 3), None);
        assert_eq!(buffering_note(1500.0, &together[..1], 1), None);
        assert_eq!(buffering_note(20.0, &[(20.0, 5), (21.0, 5)], 2), None);
    }

    #[test]
    fn a_stream_from_an_app_that_ended_at_the_proxys_limit_may_have_been_cut() {
        assert!(cut_note(301_400.0, true, false).unwrap().contains("301"));
        assert_eq!(
            cut_note(301_400.0, false, false),
            None,
            "not an app's domain"
        );
        assert_eq!(
            cut_note(301_400.0, true, true),
            None,
            "stopped by the person"
        );
        assert_eq!(cut_note(12_000.0, true, false), None);
        assert_eq!(cut_note(900_000.0, true, false), None);
    }

    #[test]
    fn a_stream_that_came_in_a_few_bunches_was_buffered() {
        // 24 events in three bunches 1.2 s apart (as the Apps proxy is on record doing).
        let bunched = [(1200.0, 400), (1201.0, 400), (2400.0, 800), (3600.0, 600)];
        let note = buffering_note(1200.0, &bunched, 24).unwrap();
        assert!(note.contains("3 bunches"), "{note}");
        // One event a piece, 150 ms apart: streamed as it should be.
        let streamed: Vec<(f64, usize)> = (0..24).map(|i| (20.0 + 150.0 * i as f64, 40)).collect();
        assert_eq!(buffering_note(20.0, &streamed, 24), None);
        // A stream that came token by token but for one 60 ms hiccup, after a slow start,
        // is not a buffered one either.
        let hiccup: Vec<(f64, usize)> = (0..24)
            .map(|i| {
                (
                    800.0 + 30.0 * i as f64 + if i > 12 { 60.0 } else { 0.0 },
                    40,
                )
            })
            .collect();
        assert_eq!(buffering_note(800.0, &hiccup, 24), None);
        // A stream that stalls after three events is not a buffered one.
        assert_eq!(
            buffering_note(20.0, &[(20.0, 40), (170.0, 40), (320.0, 40)], 3),
            None
        );
    }
}
