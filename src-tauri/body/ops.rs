//! The answer's body as the window shows it: kept for a few answers, read as rows of
//! text or of a JSON tree, searched, saved to a file; its memory given back when let go.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::base::error::UiError;
use crate::base::i18n::wsay;
use crate::body::{Body, SearchHit, TextRows, TreeRows};
use crate::bridge::{BodyKind, CurlImport, RequestInput, SavedBody};
use crate::engine::files::target_file;
use crate::engine::Engine;

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
pub(crate) fn is_json(body: &[u8]) -> bool {
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

/// The largest body the window keeps (the command line keeps `DEFAULT_BODY_CAP`).
pub const WINDOW_BODY_CAP: usize = 64 * 1024 * 1024;

/// Bodies up to this size also cross to the window whole, in `body_text`.
pub const INLINE_BODY: usize = 64 * 1024;

/// How many answers' bodies the window may still ask about.
pub(crate) const KEPT_BODIES: usize = 2;

/// The bodies of the last answers, each behind its own lock so that a long search in
/// one never holds up another.
#[derive(Default)]
pub struct Bodies(Mutex<Kept>);

impl Bodies {
    pub(crate) fn keep(&self, id: &str, body: Body) {
        let mut kept = crate::base::platform::lock(&self.0);
        let mut gone = take(&mut kept, id);
        kept.push_back((id.to_string(), Arc::new(Mutex::new(body))));
        while kept.len() > KEPT_BODIES {
            gone.extend(kept.pop_front().map(|(_, b)| b));
        }
        drop(kept);
        let_go(gone);
    }

    pub(crate) fn release(&self, id: &str) {
        let gone = take(&mut crate::base::platform::lock(&self.0), id);
        let_go(gone);
    }

    /// Runs `f` on the body kept under `id`, off the runtime's threads (a search or the
    /// first tree of a large body takes a while).
    pub(crate) async fn with<T: Send + 'static>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Body) -> Result<T, UiError> + Send + 'static,
    ) -> Result<T, UiError> {
        let body = crate::base::platform::lock(&self.0)
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| UiError::NotFound {
                message: wsay!("answer-not-kept"),
            })?;
        tokio::task::spawn_blocking(move || f(&mut crate::base::platform::lock(&body)))
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

pub(crate) type Kept = VecDeque<(String, Arc<Mutex<Body>>)>;

/// Takes the body kept under `id` out of `kept`.
pub(crate) fn take(kept: &mut Kept, id: &str) -> Vec<Arc<Mutex<Body>>> {
    let (gone, stay): (Kept, Kept) = kept.drain(..).partition(|(i, _)| i == id);
    *kept = stay;
    gone.into_iter().map(|(_, b)| b).collect()
}

/// Frees bodies let go of, on a thread of their own: a 20 MiB body and its tree's index
/// take a while to free and trim, and `release_body` is called on the window's main thread.
pub(crate) fn let_go(gone: Vec<Arc<Mutex<Body>>>) {
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
pub(crate) fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory at the top of glibc's heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Where Save to file proposes to write an answer: the Downloads folder, named after
/// the request's last path segment and the body's type.
pub(crate) fn suggested_file(url: &str, content_type: Option<&str>, kind: BodyKind) -> String {
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

impl Engine {
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
                crate::base::platform::write_atomically(&path, &bytes).map_err(|e| {
                    UiError::Storage {
                        message: wsay!("file-write", path = &shown, reason = e.to_string()),
                        path: Some(shown.clone()),
                    }
                })?;
                Ok(SavedBody {
                    path: shown,
                    bytes: bytes.len() as u64,
                })
            })
            .await
    }

    /// The request as `(connection found, request)`: its connection is the one whose
    /// workspace owns the URL's host (its own host, or an app its Apps API lists).
    pub(crate) async fn with_owner(
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

    /// Forgets a kept body (the window shows another answer).
    pub fn release_body(&self, id: &str) {
        self.bodies.release(id);
    }
}

#[cfg(test)]
mod tests {
    use super::{body_view, indent_json};
    use crate::bridge::BodyKind;

    #[test]
    pub(crate) fn json_is_shown_as_the_app_sent_it() {
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
    pub(crate) fn bodies_are_shown_by_kind() {
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
