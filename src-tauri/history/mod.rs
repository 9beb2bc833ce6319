//! History of sent requests (`history.jsonl`, one JSON object per line, appended) and
//! saved requests (`saved.json`, written atomically). Readable files that never hold a
//! secret: sensitive header values are replaced before anything is written.

mod ops;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::i18n::say;
use crate::base::platform::write_atomically;

pub use crate::base::redaction::REDACTED;

use crate::request::RequestInput;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: String,
    /// Unix seconds.
    pub at: u64,
    pub request: RequestInput,
    pub status: Option<u16>,
    pub total_ms: Option<f64>,
    pub size: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path} could not be written: {reason}")]
    Write { path: String, reason: String },
    #[error("{path} could not be read: {reason}")]
    Read { path: String, reason: String },
    #[error("a saved request named {0:?} already exists in {1:?}")]
    Exists(String, String),
}

/// Bodies larger than this are not kept in history.
const MAX_BODY_IN_HISTORY: usize = 64 * 1024;

pub struct History {
    dir: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedRequest {
    pub collection: String,
    pub name: String,
    pub request: RequestInput,
}

#[derive(Serialize, Deserialize, Default)]
struct SavedFile {
    version: u32,
    requests: Vec<SavedRequest>,
}

/// Whether the file's last byte is not a newline (a write cut short).
fn ends_torn(f: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

impl History {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    fn history_path(&self) -> PathBuf {
        self.dir.join("history.jsonl")
    }

    fn saved_path(&self) -> PathBuf {
        self.dir.join("saved.json")
    }

    pub fn record(&self, mut entry: HistoryEntry) -> Result<(), HistoryError> {
        entry.request = entry.request.redacted();
        if entry
            .request
            .body
            .as_ref()
            .is_some_and(|b| b.len() > MAX_BODY_IN_HISTORY)
        {
            entry.request.body = Some(format!(
                "[{} bytes, not kept in history]",
                entry.request.body.as_ref().map_or(0, String::len)
            ));
        }
        let path = self.history_path();
        let fail = |e: std::io::Error| HistoryError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        crate::base::platform::create_private_dir(&self.dir).map_err(fail)?;
        let mut line = serde_json::to_string(&entry).map_err(|e| HistoryError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        line.push('\n');
        // One write of a whole line: a crash leaves at most a torn last line, which reading
        // skips. The next line starts on a line of its own, so a torn one never takes the
        // next entry with it.
        let mut f = crate::base::platform::open_private_append(&path).map_err(fail)?;
        if ends_torn(&mut f).map_err(fail)? {
            line.insert(0, '\n');
        }
        f.write_all(line.as_bytes()).map_err(fail)?;
        f.sync_data().map_err(fail)
    }

    /// Newest first; `filter` matches method, URL, connection or status; lines that
    /// cannot be read are skipped and counted.
    pub fn list(
        &self,
        connection: Option<&str>,
        filter: &str,
        limit: usize,
    ) -> Result<(Vec<HistoryEntry>, usize), HistoryError> {
        let path = self.history_path();
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(e) => {
                return Err(HistoryError::Read {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        let needle = filter.trim().to_lowercase();
        let mut skipped = 0;
        let mut out = Vec::new();
        for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let Ok(entry) = serde_json::from_slice::<HistoryEntry>(line) else {
                skipped += 1;
                continue;
            };
            if connection.is_some_and(|c| entry.request.connection.as_deref() != Some(c)) {
                continue;
            }
            let hay = format!(
                "{} {} {} {}",
                entry.request.method,
                entry.request.url,
                entry.request.connection.as_deref().unwrap_or(""),
                entry.status.map(|s| s.to_string()).unwrap_or_default()
            )
            .to_lowercase();
            if needle.is_empty() || hay.contains(&needle) {
                out.push(entry);
            }
        }
        out.reverse();
        out.truncate(limit);
        Ok((out, skipped))
    }

    pub fn saved(&self) -> Result<Vec<SavedRequest>, HistoryError> {
        let path = self.saved_path();
        match std::fs::read(&path) {
            Ok(t) => serde_json::from_slice::<SavedFile>(&t)
                .map(|f| f.requests)
                .map_err(|e| HistoryError::Read {
                    path: path.display().to_string(),
                    reason: format!("not valid ({e}); it was left as it is"),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(HistoryError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    pub fn save(
        &self,
        collection: &str,
        name: &str,
        request: &RequestInput,
    ) -> Result<(), HistoryError> {
        let mut all = self.saved()?;
        if all
            .iter()
            .any(|s| s.collection == collection && s.name == name)
        {
            return Err(HistoryError::Exists(name.into(), collection.into()));
        }
        all.push(SavedRequest {
            collection: collection.into(),
            name: name.into(),
            request: request.redacted(),
        });
        let path = self.saved_path();
        let text = serde_json::to_vec_pretty(&SavedFile {
            version: 1,
            requests: all,
        })
        .map_err(|e| HistoryError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        write_atomically(&path, &text).map_err(|e| HistoryError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }
}

impl crate::base::i18n::Localize for HistoryError {
    fn say(&self, lang: &str) -> String {
        match self {
            HistoryError::Write { path, reason } => {
                say!(lang, "file-write", path = path, reason = reason)
            }
            HistoryError::Read { path, reason } => {
                say!(lang, "file-read", path = path, reason = reason)
            }
            HistoryError::Exists(n, c) => {
                say!(
                    lang,
                    "history-exists",
                    name = format!("{n:?}"),
                    collection = format!("{c:?}")
                )
            }
        }
    }
}

impl From<HistoryError> for crate::base::error::UiError {
    fn from(e: HistoryError) -> Self {
        use crate::base::i18n::Localize as _;
        match e {
            HistoryError::Exists(..) => crate::base::error::UiError::invalid("name", e.in_window()),
            other => crate::base::error::UiError::Storage {
                message: other.in_window(),
                path: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_written_before_requests_were_one_type_still_reads() {
        let old = r#"{"connection":"c","method":"GET","url":"https://a/api/x","query":[],"headers":[],"body":null,"timeout_secs":30}"#;
        let r: RequestInput = serde_json::from_str(old).unwrap();
        assert_eq!(r.timeout_secs, 30);
    }

    fn draft() -> RequestInput {
        RequestInput {
            connection: Some("c".into()),
            method: "GET".into(),
            url: "https://a/api/x".into(),
            query: vec![],
            headers: vec![
                ("Authorization".into(), "Bearer eyJsecret".into()),
                ("X-Api-Key".into(), "k".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
            without_token: None,
            timeout_secs: 30,
        }
    }

    #[test]
    fn secrets_never_reach_the_files_and_torn_lines_are_skipped() {
        let dir = std::env::temp_dir().join(format!("lakegate-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let h = History::in_dir(&dir);
        h.record(HistoryEntry {
            id: "1".into(),
            at: 1,
            request: draft(),
            status: Some(200),
            total_ms: Some(1.0),
            size: Some(3),
            error: None,
        })
        .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("history.jsonl"))
            .unwrap()
            .write_all(b"{\"torn")
            .unwrap();
        h.save("default", "x", &draft()).unwrap();
        assert!(matches!(
            h.save("default", "x", &draft()),
            Err(HistoryError::Exists(..))
        ));
        for f in ["history.jsonl", "saved.json"] {
            let text = std::fs::read_to_string(dir.join(f)).unwrap();
            assert!(
                !text.contains("eyJsecret") && !text.contains("\"k\""),
                "{f}: {text}"
            );
            assert!(text.contains("application/json"));
        }
        let (entries, skipped) = h.list(Some("c"), "api/x", 10).unwrap();
        assert_eq!((entries.len(), skipped), (1, 1));
        assert_eq!(h.list(None, "404", 10).unwrap().0.len(), 0);
        assert_eq!(h.saved().unwrap()[0].request.headers[0].1, REDACTED);

        // The entry written after a torn line is kept whole.
        h.record(HistoryEntry {
            id: "2".into(),
            at: 2,
            request: draft(),
            status: Some(201),
            total_ms: None,
            size: None,
            error: None,
        })
        .unwrap();
        let (entries, skipped) = h.list(Some("c"), "", 10).unwrap();
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!((ids, skipped), (vec!["2", "1"], 1));
    }
}
