//! Check files: requests a team keeps beside its code, each with what its answer must
//! show. Readable JSON, no secret in it (the connection's token is sent, never written
//! down); run by `lakegate check` for CI and cron, and by the window's Checks board.
//!
//! ```json
//! { "name": "Sales API", "concurrency": 4,
//!   "checks": [
//!     { "name": "hello answers", "app": "hello", "path": "/api/hello",
//!       "expect": { "status": 200, "json": [{ "pointer": "/message", "type": "string" }],
//!                   "within_ms": 2000 } } ] }
//! ```
//!
//! A check names its app (`app` + `path`, found in the connection's workspace, so one
//! file serves the sandbox, staging and production) or gives a full `url`.

mod ops;

pub use ops::{CheckFileView, CheckLine, OnOutcome, ReportFormat};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::base::i18n::wsay;
use crate::body::JsonKind;
// Headers and query parameters that carry credentials (a check file never holds one).
use crate::base::redaction::{is_secret_header, is_secret_param};

/// Checks run at once unless the file says otherwise; never more than `MAX_CONCURRENCY`.
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const MAX_CONCURRENCY: usize = 16;
/// A check file larger than this is not a check file.
pub const MAX_FILE_BYTES: usize = 4 << 20;
const DEFAULT_TIMEOUT_SECS: u64 = 30;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub concurrency: Option<usize>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub name: String,
    #[serde(default = "get")]
    pub method: String,
    /// The app, by name, in the connection's workspace; with `path`.
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    /// Or the whole URL.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A string is sent as it is; anything else as JSON.
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    #[serde(default)]
    pub expect: Expect,
}

fn get() -> String {
    "GET".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// One status or several; any 2xx when absent.
    #[serde(default)]
    pub status: Option<Statuses>,
    #[serde(default)]
    pub json: Vec<JsonExpect>,
    #[serde(default)]
    pub within_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Statuses {
    One(u16),
    Any(Vec<u16>),
}

impl Statuses {
    fn list(&self) -> Vec<u16> {
        match self {
            Statuses::One(s) => vec![*s],
            Statuses::Any(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonExpect {
    /// A JSON pointer (RFC 6901): `""` is the whole document, `/items/0/id` a value in it.
    pub pointer: String,
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(default, rename = "type")]
    pub kind: Option<JsonKind>,
}

/// Reads a check file; every problem in it, each naming the check and field.
pub fn parse(text: &str) -> Result<CheckFile, Vec<String>> {
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![format!(
            "the file is {} bytes; a check file is at most {} MiB",
            text.len(),
            MAX_FILE_BYTES >> 20
        )]);
    }
    let file: CheckFile = serde_json::from_str(text)
        .map_err(|e| vec![wsay!("checkfile-not-a-check-file", reason = e.to_string())])?;
    let mut problems = Vec::new();
    if file.checks.is_empty() {
        problems.push(wsay!("checkfile-empty"));
    }
    if let Some(c) = file.concurrency {
        if c == 0 || c > MAX_CONCURRENCY {
            problems.push(wsay!(
                "checkfile-concurrency",
                value = c,
                max = MAX_CONCURRENCY
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, c) in file.checks.iter().enumerate() {
        let at = if c.name.trim().is_empty() {
            wsay!("checkfile-at", n = i + 1)
        } else {
            wsay!(
                "checkfile-at-named",
                n = i + 1,
                name = format!("{:?}", c.name)
            )
        };
        let at = at.as_str();
        if c.name.trim().is_empty() {
            problems.push(wsay!("checkfile-no-name", at = at));
        } else if !seen.insert(c.name.trim().to_string()) {
            problems.push(wsay!("checkfile-same-name", at = at));
        }
        let method = c.method.trim();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            problems.push(wsay!(
                "checkfile-method",
                at = at,
                method = format!("{:?}", c.method)
            ));
        }
        match (&c.url, &c.app, &c.path) {
            (Some(u), None, None) => match url::Url::parse(u) {
                Ok(parsed) if parsed.scheme() == "https" => {
                    if !parsed.username().is_empty() || parsed.password().is_some() {
                        problems.push(wsay!("checkfile-url-credentials", at = at));
                    }
                    for (k, _) in parsed.query_pairs() {
                        if is_secret_param(&k) {
                            problems.push(wsay!(
                                "checkfile-url-secret-param",
                                at = at,
                                name = format!("{k:?}")
                            ));
                        }
                    }
                }
                Ok(_) => problems.push(wsay!("checkfile-url-https", at = at)),
                Err(e) => problems.push(wsay!(
                    "checkfile-url-invalid",
                    at = at,
                    url = format!("{u:?}"),
                    reason = e.to_string()
                )),
            },
            (None, Some(app), Some(path)) => {
                if app.trim().is_empty() {
                    problems.push(wsay!("checkfile-app-empty", at = at));
                }
                if !path.starts_with('/') {
                    problems.push(wsay!("checkfile-path-slash", at = at));
                }
            }
            (None, Some(_), None) => problems.push(wsay!("checkfile-path-missing", at = at)),
            (None, None, _) => problems.push(wsay!("checkfile-no-target", at = at)),
            _ => problems.push(wsay!("checkfile-two-targets", at = at)),
        }
        for name in c.headers.keys() {
            if is_secret_header(name) {
                problems.push(wsay!("checkfile-secret-header", at = at, name = name));
            }
        }
        for name in c.query.keys() {
            if is_secret_param(name) {
                problems.push(wsay!(
                    "checkfile-secret-query",
                    at = at,
                    name = format!("{name:?}")
                ));
            }
        }
        if let Some(t) = c.timeout_secs {
            if !(1..=600).contains(&t) {
                problems.push(wsay!("checkfile-timeout", at = at, value = t));
            }
        }
        if let Some(s) = &c.expect.status {
            let list = s.list();
            if list.is_empty() || list.iter().any(|s| !(100..=599).contains(s)) {
                problems.push(wsay!("checkfile-status", at = at));
            }
        }
        for j in &c.expect.json {
            if !(j.pointer.is_empty() || j.pointer.starts_with('/')) {
                problems.push(wsay!(
                    "checkfile-pointer",
                    at = at,
                    pointer = format!("{:?}", j.pointer)
                ));
            }
            if j.equals.is_none() && j.kind.is_none() {
                problems.push(wsay!(
                    "checkfile-expectation",
                    at = at,
                    pointer = format!("{:?}", j.pointer)
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

impl CheckFile {
    pub fn concurrency(&self) -> usize {
        self.concurrency
            .unwrap_or(DEFAULT_CONCURRENCY)
            .clamp(1, MAX_CONCURRENCY)
    }
}

impl Check {
    /// The request this check sends, to `url` (the app's URL and path already joined).
    pub fn request(&self, connection: &str, url: String) -> crate::request::RequestInput {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let body = self.body.as_ref().map(|b| match b {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        if matches!(self.body, Some(ref b) if !b.is_string())
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        crate::request::RequestInput {
            connection: Some(connection.to_string()),
            method: self.method.trim().to_ascii_uppercase(),
            url,
            query: self
                .query
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            headers,
            body,
            timeout_secs: self.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS),
            without_token: None,
        }
    }

    /// What is wrong with an answer: empty when the check passes.
    pub fn judge(&self, status: u16, body: &[u8], ms: f64) -> Vec<String> {
        let mut problems = Vec::new();
        match &self.expect.status {
            Some(s) if !s.list().contains(&status) => {
                let want: Vec<String> = s.list().iter().map(u16::to_string).collect();
                let want = want.join(&wsay!("check-or"));
                problems.push(wsay!("check-status", status = status, expected = want));
            }
            None if !(200..300).contains(&status) => {
                problems.push(wsay!("check-status-2xx", status = status))
            }
            _ => {}
        }
        if !self.expect.json.is_empty() {
            match serde_json::from_slice::<Value>(body) {
                Err(_) => problems.push(wsay!("check-not-json")),
                Ok(doc) => {
                    for j in &self.expect.json {
                        let at = if j.pointer.is_empty() {
                            wsay!("check-the-document")
                        } else {
                            j.pointer.clone()
                        };
                        let Some(found) = doc.pointer(&j.pointer) else {
                            problems.push(wsay!("check-missing", at = &at));
                            continue;
                        };
                        if let Some(kind) = j.kind {
                            if JsonKind::of(found) != kind {
                                problems.push(wsay!(
                                    "check-kind",
                                    at = &at,
                                    found = JsonKind::of(found).name(),
                                    expected = kind.name()
                                ));
                            }
                        }
                        if let Some(want) = &j.equals {
                            if found != want {
                                // The answer's own value is never quoted: it may be a
                                // secret, and reports go to CI logs. What was asserted is.
                                problems.push(wsay!(
                                    "check-equals",
                                    at = &at,
                                    found = JsonKind::of(found).name(),
                                    expected = excerpt(want)
                                ));
                            }
                        }
                    }
                }
            }
        }
        if let Some(limit) = self.expect.within_ms {
            if ms > limit as f64 {
                problems.push(wsay!("check-too-slow", ms = ms.round(), limit = limit));
            }
        }
        problems
    }
}

/// A check file made of saved requests: each becomes a check expecting a 2xx answer, with
/// the app and path when its URL is one of `apps` (so the file serves any workspace that
/// has those apps), else its URL. Headers that carry credentials are left out. The team
/// then adds what each answer must show.
pub fn from_requests(
    name: &str,
    requests: &[(String, crate::request::RequestInput)],
    apps: &[crate::workspace::AppSummary],
) -> Result<String, Vec<String>> {
    let mut checks = Vec::new();
    for (check_name, r) in requests {
        let mut c = serde_json::Map::new();
        c.insert("name".into(), Value::String(check_name.clone()));
        c.insert(
            "method".into(),
            Value::String(r.method.trim().to_ascii_uppercase()),
        );
        let (base, query) = match r.url.split_once('?') {
            Some((b, q)) => (b.to_string(), Some(q.to_string())),
            None => (r.url.clone(), None),
        };
        let app = apps.iter().find_map(|a| {
            let root = a.url.as_deref()?.trim_end_matches('/');
            let path = base.strip_prefix(root)?;
            (path.starts_with('/')).then(|| (a.name.clone(), path.to_string()))
        });
        match app {
            Some((a, path)) => {
                c.insert("app".into(), Value::String(a));
                c.insert("path".into(), Value::String(path));
            }
            None => {
                // No user-info: a check file holds no credential.
                c.insert(
                    "url".into(),
                    Value::String(crate::base::redaction::redact_url(&base)),
                );
            }
        }
        let mut params = serde_json::Map::new();
        for (k, v) in query
            .iter()
            .flat_map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned())
            .chain(r.query.iter().cloned())
        {
            if !k.is_empty() && !is_secret_param(&k) {
                params.insert(k, Value::String(v));
            }
        }
        if !params.is_empty() {
            c.insert("query".into(), Value::Object(params));
        }
        let headers: serde_json::Map<String, Value> = r
            .headers
            .iter()
            .filter(|(k, _)| !k.trim().is_empty() && !is_secret_header(k))
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        if !headers.is_empty() {
            c.insert("headers".into(), Value::Object(headers));
        }
        if let Some(body) = r.body.as_deref().filter(|b| !b.is_empty()) {
            let value =
                serde_json::from_str::<Value>(body).unwrap_or_else(|_| Value::String(body.into()));
            c.insert("body".into(), value);
        }
        c.insert(
            "expect".into(),
            serde_json::json!({ "status": [200, 201, 202, 204] }),
        );
        checks.push(Value::Object(c));
    }
    let text = serde_json::to_string_pretty(&serde_json::json!({ "name": name, "checks": checks }))
        .unwrap_or_default();
    // What is written must read back as a check file.
    parse(&text)?;
    Ok(text + "\n")
}

/// A value the check file asserted, as a report shows it: JSON, token shapes redacted,
/// cut at 80 characters.
fn excerpt(v: &Value) -> String {
    let text = crate::base::redaction::redact_text(&v.to_string());
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// How a check went.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckOutcome {
    pub name: String,
    pub method: String,
    /// The URL as sent (no credentials: a check file holds none).
    pub url: String,
    pub passed: bool,
    /// The status the answer had; none when no answer came.
    pub status: Option<u16>,
    pub ms: f64,
    /// What did not hold, in words; empty when it passed.
    pub problems: Vec<String>,
    /// No answer came (network, sign-in, an app that is not there).
    pub error: Option<String>,
    /// The Doctor's short form for a refused or failed request: title, what it saw, what to do.
    pub doctor: Vec<DoctorNote>,
    /// The first bytes of the answer, as text (the window shows it; reports do not).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DoctorNote {
    pub title: String,
    pub observed: String,
    pub next_step: String,
}

/// A whole run of a check file.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckRun {
    pub name: String,
    pub connection: String,
    pub host: String,
    /// Unix seconds.
    pub started_at: u64,
    pub total_ms: f64,
    pub passed: usize,
    pub failed: usize,
    pub outcomes: Vec<CheckOutcome>,
}

impl CheckRun {
    /// The same run without the answers' text (what reports and files get).
    pub fn for_report(&self) -> CheckRun {
        use crate::base::redaction::{redact_text, redact_url};
        let mut r = self.clone();
        for o in &mut r.outcomes {
            o.answer = None;
            o.url = redact_url(&o.url);
            o.problems = o.problems.iter().map(|p| redact_text(p)).collect();
            o.error = o.error.as_deref().map(redact_text);
            for d in &mut o.doctor {
                d.observed = redact_text(&d.observed);
                d.next_step = redact_text(&d.next_step);
            }
        }
        r
    }
}

pub fn to_json(run: &CheckRun) -> String {
    serde_json::to_string_pretty(&run.for_report()).unwrap_or_default()
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SS` (UTC, no zone), as JUnit's `timestamp` wants it.
pub fn iso_utc(secs: u64) -> String {
    crate::oauth::rfc3339(secs)
        .trim_end_matches('Z')
        .to_string()
}

fn details(o: &CheckOutcome) -> String {
    let mut text = format!("{} {}\n", o.method, o.url);
    if let Some(e) = &o.error {
        text.push_str(&format!("no answer: {e}\n"));
    }
    for p in &o.problems {
        text.push_str(&format!("- {p}\n"));
    }
    for d in &o.doctor {
        text.push_str(&format!(
            "Doctor: {}: {} Next: {}\n",
            d.title, d.observed, d.next_step
        ));
    }
    text
}

/// JUnit XML, as CI systems read it: one test case per check; a check whose request got no
/// answer is an error, one whose answer did not hold a failure.
pub fn to_junit(run: &CheckRun) -> String {
    let run = &run.for_report();
    let errors = run.outcomes.iter().filter(|o| o.error.is_some()).count();
    let failures = run.failed - errors;
    let secs = |ms: f64| format!("{:.3}", ms / 1000.0);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"Lakegate checks\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">\n",
        run.outcomes.len(),
        secs(run.total_ms)
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\">\n",
        xml(&run.name),
        run.outcomes.len(),
        secs(run.total_ms),
        iso_utc(run.started_at),
        xml(&run.host)
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"connection\" value=\"{}\"/>\n      <property name=\"host\" value=\"{}\"/>\n    </properties>\n",
        xml(&run.connection),
        xml(&run.host)
    ));
    for o in &run.outcomes {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
            xml(&o.name),
            xml(&run.name),
            secs(o.ms)
        ));
        if o.passed {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let (tag, message) = match &o.error {
            Some(e) => ("error", e.clone()),
            None => ("failure", o.problems.join("; ")),
        };
        out.push_str(&format!(
            "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n",
            xml(&message),
            if o.error.is_some() {
                "no-answer"
            } else {
                "expectation"
            },
            xml(&details(o))
        ));
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A Markdown summary: a table of every check, then each failure with the Doctor's words
/// (in the window's language; English on the command line).
pub fn to_markdown(run: &CheckRun) -> String {
    let run = &run.for_report();
    let mut out = format!(
        "# {}\n\n{}\n\n",
        wsay!("checks-md-title", name = &run.name),
        wsay!(
            "checks-md-summary",
            passed = run.passed,
            total = run.outcomes.len(),
            connection = &run.connection,
            host = &run.host,
            at = iso_utc(run.started_at).replace('T', " "),
            seconds = format!("{:.1}", run.total_ms / 1000.0)
        )
    );
    out.push_str(&format!(
        "| | {} | {} | {} | {} |\n| --- | --- | --- | --- | --- |\n",
        wsay!("checks-md-check"),
        wsay!("checks-md-request"),
        wsay!("checks-md-status"),
        wsay!("checks-md-time")
    ));
    for o in &run.outcomes {
        out.push_str(&format!(
            "| {} | {} | `{} {}` | {} | {} ms |\n",
            if o.passed {
                format!("✔ {}", wsay!("checks-md-pass"))
            } else {
                format!("✘ {}", wsay!("checks-md-fail"))
            },
            cell(&o.name),
            o.method,
            cell(&o.url),
            o.status
                .map_or(wsay!("checks-no-answer"), |s| s.to_string()),
            o.ms.round()
        ));
    }
    let failed: Vec<_> = run.outcomes.iter().filter(|o| !o.passed).collect();
    if !failed.is_empty() {
        out.push_str(&format!("\n## {}\n", wsay!("checks-md-failures")));
        for o in failed {
            out.push_str(&format!("\n### {}\n\n", o.name));
            if let Some(e) = &o.error {
                out.push_str(&format!(
                    "- {}\n",
                    wsay!("checks-no-answer-because", error = e)
                ));
            }
            for p in &o.problems {
                out.push_str(&format!("- {p}\n"));
            }
            for d in &o.doctor {
                out.push_str(&format!(
                    "- **{} — {}:** {} *{}* {}\n",
                    wsay!("nav-doctor"),
                    d.title,
                    d.observed,
                    wsay!("checks-next"),
                    d.next_step
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{ "name": "Smoke", "checks": [
        { "name": "hello", "app": "hello", "path": "/api/hello",
          "expect": { "status": 200, "json": [ { "pointer": "/message", "type": "string" },
                                                { "pointer": "/n", "equals": 3 } ], "within_ms": 500 } },
        { "name": "post", "method": "post", "url": "https://x.example.com/api/items", "body": { "a": 1 } } ] }"#;

    #[test]
    fn a_check_file_reads_and_judges() {
        let f = parse(FILE).unwrap();
        assert_eq!(f.concurrency(), DEFAULT_CONCURRENCY);
        let hello = &f.checks[0];
        assert!(hello
            .judge(200, br#"{"message":"hi","n":3}"#, 20.0)
            .is_empty());
        let p = hello.judge(403, br#"{"message":7,"n":3.5}"#, 900.0);
        assert_eq!(p.len(), 4, "{p:?}");
        assert_eq!(p[0], "status 403, expected 200");
        assert!(
            p[1].contains("/message: a number, expected a string"),
            "{p:?}"
        );
        assert!(
            p[2].starts_with("/n: not 3 (the answer has a number there)"),
            "{p:?}"
        );
        assert!(p[3].contains("900 ms"), "{p:?}");
        assert_eq!(hello.judge(200, b"<html>", 1.0), ["the answer is not JSON"]);
        assert_eq!(
            hello.judge(200, br#"{"n":3}"#, 1.0),
            ["/message: not in the answer"]
        );
        let post = &f.checks[1];
        let r = post.request("c", post.url.clone().unwrap());
        assert_eq!(r.method, "POST");
        assert_eq!(r.body.as_deref(), Some(r#"{"a":1}"#));
        assert!(r
            .headers
            .contains(&("Content-Type".into(), "application/json".into())));
        assert!(post.judge(201, b"", 1.0).is_empty(), "any 2xx by default");
        assert_eq!(
            post.judge(302, b"", 1.0),
            ["status 302, expected a 2xx status"]
        );
    }

    #[test]
    fn secrets_and_mistakes_are_refused_with_the_check_named() {
        let bad = r#"{ "concurrency": 99, "checks": [
            { "name": "a", "app": "x", "path": "/api/a", "headers": { "Authorization": "Bearer dapi123" } },
            { "name": "a", "url": "https://h.example.com/api?access_token=abc" },
            { "name": "c", "url": "http://h.example.com/api" },
            { "name": "d", "app": "x" },
            { "name": "", "url": "https://u:p@h.example.com/", "expect": { "json": [ { "pointer": "x" } ] } } ] }"#;
        let problems = parse(bad).unwrap_err();
        let all = problems.join("\n");
        for want in [
            "\"concurrency\" is 99",
            "check 1 (\"a\"): the Authorization header carries a credential",
            "check 2 (\"a\"): another check has the same name",
            "\"access_token\" parameter looks like a credential",
            "check 3 (\"c\"): \"url\" must be https://",
            "check 4 (\"d\"): give the app's \"path\" too",
            "check 5: give it a \"name\"",
            "check 5: the URL holds a user name or password",
            "must be empty or start with /",
            "needs \"equals\" or \"type\"",
        ] {
            assert!(all.contains(want), "missing {want:?} in:\n{all}");
        }
        assert!(
            !all.contains("dapi123"),
            "a refused secret is never repeated"
        );
        assert!(parse("{").unwrap_err()[0].starts_with("not a check file"));
        assert!(parse(r#"{"checks":[],"extra":1}"#).is_err());
        assert!(parse(r#"{"checks":[]}"#).unwrap_err()[0].contains("empty"));
    }

    /// An answer carrying a PAT-shaped and a JWT-shaped value, checked by a file that
    /// expects something else there: the reports name the pointer and what was asserted,
    /// never the answer's values.
    #[test]
    fn a_mismatch_never_quotes_the_answer() {
        let pat = "dapi0123456789abcdef0123456789abcdef-2";
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        let file = parse(
            r#"{ "name": "Leaky", "checks": [ { "name": "t", "app": "a", "path": "/api/t",
                "expect": { "json": [ { "pointer": "/pat", "equals": "none" },
                                      { "pointer": "/jwt", "type": "number" },
                                      { "pointer": "/note", "equals": "token dose0123456789abcdef0123" } ] } } ] }"#,
        )
        .unwrap();
        let body = format!(r#"{{"pat":"{pat}","jwt":"{jwt}","note":"Bearer {jwt}"}}"#);
        let problems = file.checks[0].judge(200, body.as_bytes(), 5.0);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(
            problems[0],
            "/pat: not \"none\" (the answer has a string there)"
        );
        assert_eq!(problems[1], "/jwt: a string, expected a number");
        assert!(problems[2].contains("[redacted]"), "{problems:?}");
        let mut r = run();
        r.outcomes[1].problems = problems;
        r.outcomes[1].error = Some(format!("the app said: Bearer {jwt}"));
        r.outcomes[1].url = format!("https://a.example.com/api/t?access_token={pat}");
        for report in [to_junit(&r), to_markdown(&r), to_json(&r)] {
            assert!(!report.contains("dapi0123"), "{report}");
            assert!(!report.contains("eyJhbGci"), "{report}");
            assert!(!report.contains("dose0123"), "{report}");
            assert!(report.contains("/pat"), "{report}");
        }
    }

    fn run() -> CheckRun {
        let ok = CheckOutcome {
            name: "hello <1>".into(),
            method: "GET".into(),
            url: "https://a.example.com/api/hello?x=1&y=2".into(),
            passed: true,
            status: Some(200),
            ms: 12.4,
            problems: vec![],
            error: None,
            doctor: vec![],
            answer: Some("{\"secret-looking\":\"x\"}".into()),
        };
        let bad = CheckOutcome {
            name: "finance | totals".into(),
            passed: false,
            status: Some(403),
            problems: vec!["status 403, expected 200".into()],
            doctor: vec![DoctorNote {
                title: "Permission on the app".into(),
                observed: "alice has no permission on finance.".into(),
                next_step: "Ask a manager for CAN USE.".into(),
            }],
            ..ok.clone()
        };
        let lost = CheckOutcome {
            name: "gone".into(),
            passed: false,
            status: None,
            error: Some("the workspace has no app named \"gone\"".into()),
            problems: vec![],
            ..ok.clone()
        };
        CheckRun {
            name: "Smoke & more".into(),
            connection: "ci".into(),
            host: "https://a.example.com".into(),
            started_at: 1_796_000_000,
            total_ms: 1234.5,
            passed: 1,
            failed: 2,
            outcomes: vec![ok, bad, lost],
        }
    }

    #[test]
    fn reports_say_what_failed_and_hold_no_answer_text() {
        let r = run();
        let junit = to_junit(&r);
        assert!(
            junit.contains("tests=\"3\" failures=\"1\" errors=\"1\""),
            "{junit}"
        );
        assert!(junit.contains("name=\"hello &lt;1&gt;\""));
        assert!(junit.contains("?x=1&amp;y=2"));
        assert!(
            junit.contains("<failure message=\"status 403, expected 200\" type=\"expectation\">")
        );
        assert!(
            junit.contains("<error message=\"the workspace has no app named &quot;gone&quot;\"")
        );
        assert!(
            junit.contains("timestamp=\"2026-11-30T00:53:20\""),
            "{junit}"
        );
        let md = to_markdown(&r);
        assert!(md.contains("1 of 3 passed against ci"));
        assert!(md.contains("| ✘ FAIL | finance \\| totals |"));
        assert!(md.contains("**Doctor — Permission on the app:**"));
        let json = to_json(&r);
        for text in [&junit, &md, &json] {
            assert!(
                !text.contains("secret-looking"),
                "answers stay out of reports"
            );
        }
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["outcomes"][1]["status"], 403);
    }

    #[test]
    fn saved_requests_become_a_check_file_without_their_credentials() {
        let req = |method: &str, url: &str, headers: Vec<(&str, &str)>, body: Option<&str>| {
            crate::request::RequestInput {
                connection: Some("c".into()),
                method: method.into(),
                url: url.into(),
                query: vec![("limit".into(), "3".into())],
                headers: headers
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
                body: body.map(String::from),
                timeout_secs: 30,
                without_token: None,
            }
        };
        let hello = crate::workspace::AppSummary {
            name: "hello".into(),
            url: Some("https://hello-1.apps.example.com".into()),
            description: None,
            app_state: None,
            app_message: None,
            compute_state: None,
            compute_message: None,
            deployment_state: None,
            user_api_scopes: vec![],
            effective_user_api_scopes: vec![],
            creator: None,
        };
        let text = from_requests(
            "Saved",
            &[
                (
                    "items".into(),
                    req(
                        "get",
                        "https://hello-1.apps.example.com/api/items?q=w&token=abc",
                        vec![
                            ("Accept", "application/json"),
                            ("Authorization", "Bearer x"),
                        ],
                        None,
                    ),
                ),
                (
                    "create".into(),
                    req(
                        "POST",
                        "https://other.example.com/api/items",
                        vec![],
                        Some(r#"{"name":"a"}"#),
                    ),
                ),
            ],
            &[hello],
        )
        .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["checks"][0]["app"], "hello");
        assert_eq!(v["checks"][0]["path"], "/api/items");
        assert_eq!(v["checks"][0]["method"], "GET");
        assert_eq!(
            v["checks"][0]["query"],
            serde_json::json!({ "q": "w", "limit": "3" })
        );
        assert_eq!(
            v["checks"][0]["headers"],
            serde_json::json!({ "Accept": "application/json" })
        );
        assert_eq!(v["checks"][1]["url"], "https://other.example.com/api/items");
        assert_eq!(v["checks"][1]["body"], serde_json::json!({ "name": "a" }));
        assert!(!text.contains("Bearer") && !text.contains("abc"));
        assert!(parse(&text).is_ok());
        // An http:// request cannot become a check: said, not written.
        let bad = from_requests(
            "x",
            &[(
                "h".into(),
                req("GET", "http://h.example.com/api", vec![], None),
            )],
            &[],
        );
        assert!(bad.unwrap_err()[0].contains("https"));
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00");
        assert_eq!(iso_utc(1_796_000_000), "2026-11-30T00:53:20");
    }
}
