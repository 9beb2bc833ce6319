//! The answers Databricks is on record as giving (tests/fixtures/databricks/, built in): an
//! answer is recognised when one of them has the same kind of host, the same status and the
//! same identifying words; one that matches none is news, worth a field recording.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::base::redaction::redact_text;
use crate::http::words;

const CORPUS: &[&str] = include!(concat!(env!("OUT_DIR"), "/corpus.rs"));

/// One recorded answer, as the Doctor compares it.
struct Known {
    id: String,
    host: String,
    status: u16,
    /// The words that identify it (a JSON error's code and message, a page's title, the
    /// redirect's path); empty when the record shows none.
    marks: Vec<String>,
}

fn known() -> &'static [Known] {
    static ALL: OnceLock<Vec<Known>> = OnceLock::new();
    ALL.get_or_init(|| on_file().iter().filter_map(known_from).collect())
}

/// A recording as the Doctor compares it (`None`: it shows no status).
fn known_from(v: &Value) -> Option<Known> {
    let status = v["answer"]["status"].as_u64()? as u16;
    let location = v["answer"]["headers"]
        .as_object()
        .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case("location")))
        .and_then(|(_, l)| l.as_str())
        .map(|l| redirect_path(&l.replace('…', "")));
    let mut marks = identifying_words(v["answer"]["body"].as_str().unwrap_or(""));
    marks.extend(location.filter(|l| !l.is_empty()));
    Some(Known {
        id: v["id"].as_str()?.to_string(),
        host: v["asked"]["host"].as_str()?.to_string(),
        status,
        marks,
    })
}

/// Every recording as it is on file (parsed once).
fn on_file() -> &'static [Value] {
    static ALL: OnceLock<Vec<Value>> = OnceLock::new();
    ALL.get_or_init(|| {
        CORPUS
            .iter()
            .filter_map(|text| serde_json::from_str::<Value>(text).ok())
            .collect()
    })
}

/// One recording, whole, by its id.
pub fn recording(id: &str) -> Option<&'static Value> {
    on_file().iter().find(|v| v["id"].as_str() == Some(id))
}

/// Every recording's id and title, in id order.
pub fn titles() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = on_file()
        .iter()
        .filter_map(|v| Some((v["id"].as_str()?, v["title"].as_str().unwrap_or(""))))
        .collect();
    all.sort();
    all
}

/// The path a redirect goes to (`/oidc/oauth2/v2.0/authorize`), without host or query.
fn redirect_path(location: &str) -> String {
    let rest = location
        .split_once("://")
        .map_or(location, |(_, r)| r.find('/').map_or("", |i| &r[i..]));
    let path = if location.contains("://") {
        rest
    } else {
        location
    };
    path.split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

/// What identifies an error answer: a JSON error's `error_code`, `error`, the start of its
/// `message` or `error_description` (request ids and names after it vary), or an HTML page's
/// title, or the start of its text.
/// The start of a message that identifies it: up to its first `[`, `:` or quote, 40
/// characters at most (request ids and names after it vary).
fn identifying_start(s: &str) -> String {
    let cut = s.split(['[', ':', '\'', '"']).next().unwrap_or(s);
    cut.chars().take(40).collect::<String>().trim().to_string()
}

fn identifying_words(body: &str) -> Vec<String> {
    let start = identifying_start;
    match serde_json::from_str::<Value>(body) {
        Ok(v) if v.is_object() => {
            let mut marks = Vec::new();
            for k in ["error_code", "error"] {
                if let Some(c) = v[k].as_str() {
                    marks.push(c.to_string());
                }
            }
            for k in ["message", "error_description", "detail"] {
                if let Some(m) = v[k].as_str() {
                    marks.push(start(m));
                }
            }
            marks.retain(|m| !m.is_empty());
            marks
        }
        _ => {
            let w = words::words(body, 200);
            let first = start(&w);
            if first.is_empty() {
                vec![]
            } else {
                vec![first]
            }
        }
    }
}

/// The recording an answer matches, if any: the same host kind and status, and every
/// identifying word of the recording found in the answer. A recording that shows no words
/// (its source gave only the status) matches only an answer that has none either: an
/// answer with words of its own is news.
pub fn recognised(
    host: &str,
    status: u16,
    body: &str,
    location: Option<&str>,
) -> Option<&'static str> {
    known()
        .iter()
        .find(|k| k.matches(host, status, body, location))
        .map(|k| k.id.as_str())
}

/// Whether `recording` (a corpus file, a field recording saved by `field_recording`)
/// describes this answer, as `recognised` decides.
pub fn matches(
    recording: &Value,
    host: &str,
    status: u16,
    body: &str,
    location: Option<&str>,
) -> bool {
    known_from(recording).is_some_and(|k| k.matches(host, status, body, location))
}

impl Known {
    fn matches(&self, host: &str, status: u16, body: &str, location: Option<&str>) -> bool {
        if self.host != host || self.status != status {
            return false;
        }
        let path = location.map(redirect_path).unwrap_or_default();
        if self.marks.is_empty() {
            return identifying_words(body).is_empty() && path.is_empty();
        }
        let text = format!("{} {path}", words::words(body, 4_000));
        self.marks.iter().all(|m| text.contains(m.as_str()))
    }
}

/// An answer no recording matches, in the corpus's own format: what was asked (no token),
/// the status, the redirect's path and the words that identify the error — never a token,
/// a cookie, or more of the body than that. Its source is for the person to fill in (where
/// they send it).
pub fn field_recording(
    method: &str,
    host: &str,
    path: &str,
    status: u16,
    body: &str,
    location: Option<&str>,
    today: &str,
) -> String {
    let id = format!("field-{host}-{status}-{}", today.replace('-', ""));
    let marks = identifying_words(body);
    // The body in its own shape, cut to what identifies it: a JSON error's code, error and
    // the start of its message; a page's first words.
    let kept = match serde_json::from_str::<Value>(body) {
        Ok(v) if v.is_object() && !marks.is_empty() => {
            let mut shape = serde_json::Map::new();
            // Redacted whole first, then cut: a token cut in two would escape the redaction.
            for k in ["error_code", "error"] {
                if let Some(c) = v[k].as_str() {
                    let code: String = redact_text(c).chars().take(80).collect();
                    shape.insert(k.into(), json!(code));
                }
            }
            for k in ["message", "error_description", "detail"] {
                if let Some(m) = v[k].as_str() {
                    shape.insert(k.into(), json!(identifying_start(&redact_text(m))));
                }
            }
            Some(Value::Object(shape).to_string())
        }
        _ if !marks.is_empty() => Some(identifying_start(&redact_text(&words::words(body, 4_000)))),
        _ => None,
    };
    let mut headers = serde_json::Map::new();
    if let Some(l) = location {
        headers.insert(
            "Location".into(),
            json!(format!("…{}…", redact_text(&redirect_path(l)))),
        );
    }
    let value = json!({
        "id": id,
        "title": format!("{method} on the {host}: {status} (a field recording)"),
        "asked": {
            "method": method,
            "host": host,
            // The path without its query (which may carry a credential).
            "path": redact_text(path.split(['?', '#']).next().unwrap_or("")),
            "token": "unknown"
        },
        "answer": {
            "status": status,
            "headers": headers,
            "body": kept.map_or(Value::Null, Value::String),
        },
        "source": { "url": "", "kind": "field", "date": today, "quote": "" },
        "notes": "Saved by Lakegate's Doctor: no recorded answer matched. Only the words that identify the error are kept (no token, no cookie, no body beyond them). Fill in source.url with where you send it (an issue) and source.quote with those words, and name the file <id>.json."
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_answers_are_recognised_and_others_are_not() {
        assert!(known().len() >= 25);
        assert!(recognised(
            "workspace",
            403,
            r#"{"error_code":403,"message":"Invalid access token. [ReqId: 1]"}"#,
            None
        )
        .is_some_and(|id| id.starts_with("rest-invalid-access-token-403")));
        assert!(recognised(
            "app",
            302,
            "",
            Some("https://x-1.aws.databricksapps.com/oidc/oauth2/v2.0/authorize?client_id=a")
        )
        .is_some());
        assert_eq!(
            recognised(
                "workspace",
                418,
                r#"{"error_code":"TEAPOT","message":"short and stout"}"#,
                None
            ),
            None
        );
    }

    #[test]
    fn a_field_recording_keeps_no_secret_and_reads_as_a_recording() {
        let body = r#"{"error_code":"NEW_THING","message":"Something new for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2ln","token":"dapi0123456789abcdef0123456789abcdef"}"#;
        let r = field_recording(
            "GET",
            "workspace",
            "/api/2.0/apps?access_token=dapi0123456789abcdef0123456789abcdef",
            418,
            body,
            None,
            "2026-12-07",
        );
        assert!(!r.contains("dapi0123") && !r.contains("eyJhbG"), "{r}");
        let v: Value = serde_json::from_str(&r).unwrap();
        assert_eq!(v["answer"]["status"], 418);
        assert!(v["answer"]["body"].as_str().unwrap().contains("NEW_THING"));
        assert_eq!(v["source"]["kind"], "field");
        // Saved, it recognises the answer it was saved from (and not another).
        assert!(matches(&v, "workspace", 418, body, None));
        assert!(!matches(
            &v,
            "workspace",
            418,
            r#"{"error_code":"OTHER"}"#,
            None
        ));
        let page = "<html><head><title>Blocked by policy</title></head><body><p>Your administrator blocked this site.</p></body></html>";
        let saved: Value = serde_json::from_str(&field_recording(
            "GET",
            "app",
            "/api/x",
            403,
            page,
            None,
            "2026-12-07",
        ))
        .unwrap();
        assert!(matches(&saved, "app", 403, page, None), "{saved}");
        assert!(!saved.to_string().contains("<html"), "words, not markup");
    }
}
