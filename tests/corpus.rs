//! Databricks' answers as they are on record (tests/fixtures/databricks/): every recording has
//! its source, and every one is replayed through Lakegate's doors over real HTTPS on loopback
//! — the workspace API client (what `apps`, the access view and the Doctor's workspace checks
//! use), the token calls (refresh, client credentials) — and through the Doctor's reading of
//! an app's answer. No panic, the server's own words quoted (never markup), and the advice
//! the record supports.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lakegate::doctor::{explain_answer, Answered, TokenFacts, Verdict};
use lakegate::oauth::GrantError;
use secrecy::SecretString;
use serde_json::Value;

struct Recording {
    id: String,
    v: Value,
}

impl Recording {
    fn asked(&self, k: &str) -> &str {
        self.v["asked"][k].as_str().unwrap_or("")
    }
    fn status(&self) -> Option<u16> {
        self.v["answer"]["status"].as_u64().map(|s| s as u16)
    }
    fn body(&self) -> Option<&str> {
        self.v["answer"]["body"].as_str()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.v["answer"]["headers"]
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    }
}

fn corpus() -> Vec<Recording> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/databricks");
    let mut all: Vec<Recording> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", p.display()));
            Recording {
                id: p.file_stem().unwrap().to_string_lossy().into_owned(),
                v,
            }
        })
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

#[test]
fn every_recording_says_where_it_is_on_record() {
    let all = corpus();
    assert!(all.len() >= 25, "{} recordings", all.len());
    let mut ids = std::collections::HashSet::new();
    for r in &all {
        let at = &r.id;
        assert_eq!(
            r.v["id"].as_str(),
            Some(at.as_str()),
            "{at}: id is the file name"
        );
        assert!(ids.insert(at.clone()), "{at}: twice");
        assert!(
            !r.v["title"].as_str().unwrap_or("").is_empty(),
            "{at}: title"
        );
        for k in ["method", "host", "path", "token"] {
            assert!(!r.asked(k).is_empty(), "{at}: asked.{k}");
        }
        assert!(
            ["workspace", "app", "token_endpoint"].contains(&r.asked("host")),
            "{at}: asked.host"
        );
        let s = &r.v["source"];
        let url = s["url"].as_str().unwrap_or("");
        assert!(url.starts_with("https://"), "{at}: source.url {url:?}");
        assert!(
            ["issue", "pull_request", "fixture", "docs", "kb", "field"]
                .contains(&s["kind"].as_str().unwrap_or("")),
            "{at}: source.kind"
        );
        let date = s["date"].as_str().unwrap_or("");
        let dated = date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        assert!(dated || date == "unknown", "{at}: source.date {date:?}");
        let quote = s["quote"].as_str().unwrap_or("");
        assert!(!quote.trim().is_empty(), "{at}: source.quote");
        assert!(r.v["answer"].is_object(), "{at}: answer");
        // Recordings hold no live secret.
        let text = r.v.to_string();
        assert_eq!(
            lakegate::base::redaction::redact_text(&text),
            text,
            "{at}: a token-shaped value"
        );
    }
    // The cases the sandbox and the Doctor rest on are all here.
    for needed in [
        "rest-invalid-access-token-403",
        "rest-missing-authorization-401",
        "token-refresh-invalid-401",
        "token-refresh-invalid-grant-400",
        "apps-no-token-302-authorize",
        "apps-pat-302-redirect",
        "apps-request-over-120s-504",
        "apps-sse-buffered",
        "apps-sse-cut-301s",
    ] {
        assert!(ids.contains(needed), "{needed} is missing");
    }
}

/// One recording server for a whole test: it answers what `now` holds.
async fn replay(host: &str) -> (common::recorder::Recorder, Arc<Mutex<(u16, String)>>) {
    let now = Arc::new(Mutex::new((200u16, String::new())));
    let answer = now.clone();
    let rec = common::recorder::start(
        host,
        true,
        Arc::new(move |_, _| answer.lock().unwrap().clone()),
    )
    .await;
    (rec, now)
}

fn client_for(rec: &common::recorder::Recorder) -> reqwest::Client {
    lakegate::http::client(
        &lakegate::http::Trust {
            ca_files: vec![rec.ca().to_path_buf()],
            ca_pems: vec![],
            ignore_env: true,
        },
        Duration::from_secs(10),
    )
    .unwrap()
}

#[tokio::test]
async fn the_workspace_client_reads_every_recorded_error() {
    let (rec, now) = replay("workspace.localhost").await;
    let http = client_for(&rec);
    let token = SecretString::from("replayed-token");
    let mut replayed = 0;
    for r in corpus().iter().filter(|r| r.asked("host") == "workspace") {
        let (Some(status), Some(body)) = (r.status(), r.body()) else {
            continue;
        };
        if !(400..600).contains(&status) {
            continue;
        }
        *now.lock().unwrap() = (status, body.to_string());
        let err = lakegate::workspace::list_apps(&http, &rec.origin, &token)
            .await
            .expect_err(&r.id);
        let said = err.to_string();
        replayed += 1;
        assert!(!said.contains('<'), "{}: markup quoted: {said}", r.id);
        let words = common::own_words(body);
        let first: String = words.chars().take(25).collect();
        assert!(
            said.contains(first.trim()),
            "{}: the server's own words ({first:?}) are quoted: {said}",
            r.id
        );
        // A refused token is the token (sign in again); another workspace's token says so;
        // any other 403 is a permission the identity lacks (signing in does not help).
        let token_words = lakegate::workspace::says_token_refused(&words);
        match status {
            401 | 403 if lakegate::workspace::says_other_workspace(&words) => assert!(
                said.contains("another workspace's") && !said.contains("Sign in again"),
                "{}: {said}",
                r.id
            ),
            401 => assert!(
                said.contains("refused the token") && said.contains("Sign in again"),
                "{}: {said}",
                r.id
            ),
            403 if token_words => assert!(
                said.contains("refused the token") && said.contains("Sign in again"),
                "{}: {said}",
                r.id
            ),
            403 => assert!(
                said.contains("accepted the token but refused the request")
                    && said.contains("permission or entitlement")
                    && !said.contains("Sign in again"),
                "{}: {said}",
                r.id
            ),
            _ => assert!(!said.contains("refused the token"), "{}: {said}", r.id),
        }
    }
    assert!(replayed >= 15, "{replayed} replayed");
    // A sign-in page where JSON was expected reads as a refused token, not a parse error.
    *now.lock().unwrap() = (
        200,
        "<!doctype html><html><head><title>Databricks - Sign In</title></head><body>Sign in</body></html>".into(),
    );
    let err = lakegate::workspace::list_apps(&http, &rec.origin, &token)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("refused the token") && err.contains("Databricks - Sign In"),
        "{err}"
    );
}

/// A rate limit with `Retry-After` is waited out by the workspace calls (GETs, safe to send
/// again), as the SDKs do; without `Retry-After`, or too long a wait, it is said at once,
/// quoting the server.
#[tokio::test]
async fn a_rate_limit_is_waited_out_as_retry_after_says() {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let rec = common::recorder::start(
        "limited.localhost",
        true,
        Arc::new(move |_, _| {
            match seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => (429, "Retry-After: 1\n{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"Workspace 1 exceeded the rate limit\"}".into()),
                _ => (200, r#"{"apps":[]}"#.into()),
            }
        }),
    )
    .await;
    let http = client_for(&rec);
    let token = SecretString::from("replayed-token");
    let started = std::time::Instant::now();
    let apps = lakegate::workspace::list_apps(&http, &rec.origin, &token)
        .await
        .unwrap();
    assert!(apps.is_empty());
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert!(started.elapsed() >= Duration::from_millis(900), "it waited");

    // Too long a wait is not waited: the error says what the server said.
    let (rec, now) = replay("limited2.localhost").await;
    *now.lock().unwrap() = (
        429,
        "Retry-After: 3600\n{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}"
            .into(),
    );
    let err = lakegate::workspace::list_apps(&client_for(&rec), &rec.origin, &token)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("REQUEST_LIMIT_EXCEEDED") && err.contains("slow down"),
        "{err}"
    );
    assert_eq!(rec.seen().len(), 1, "asked once");
}

#[tokio::test]
async fn the_token_calls_read_every_recorded_refusal() {
    let (rec, now) = replay("tokens.localhost").await;
    let http = client_for(&rec);
    let endpoint = url::Url::parse(&format!("{}/oidc/v1/token", rec.origin)).unwrap();
    let mut replayed = 0;
    for r in corpus()
        .iter()
        .filter(|r| r.asked("host") == "token_endpoint")
    {
        let (Some(status), Some(body)) = (r.status(), r.body()) else {
            continue;
        };
        if !(400..500).contains(&status) {
            continue;
        }
        *now.lock().unwrap() = (status, body.to_string());
        let parsed: Value = serde_json::from_str(body).unwrap_or_default();
        let description = parsed["error_description"].as_str().unwrap_or("");
        let error = parsed["error"].as_str().unwrap_or("");
        replayed += 1;
        if r.asked("token") == "revoked" || r.asked("token") == "expired_oauth" {
            let e = lakegate::oauth::refresh(
                &http,
                &endpoint,
                "databricks-cli",
                &SecretString::from("replayed-refresh"),
                &[],
            )
            .await
            .expect_err(&r.id);
            // A dead refresh token in either recorded form means "sign in again".
            if description.contains("Refresh token is invalid") || error == "invalid_grant" {
                assert!(
                    matches!(e, GrantError::RefreshTokenInvalid(_)),
                    "{}: {e:?}",
                    r.id
                );
                assert!(e.to_string().contains("Sign in again"), "{}: {e}", r.id);
            }
            assert!(e.to_string().contains(description), "{}: {e}", r.id);
        } else {
            let e = lakegate::oauth::client_credentials(
                &http,
                &endpoint,
                "sp-client",
                &SecretString::from("replayed-secret"),
                &["all-apis".to_string()],
            )
            .await
            .expect_err(&r.id);
            match error {
                "invalid_client" => {
                    assert!(matches!(e, GrantError::InvalidClient(_)), "{}: {e:?}", r.id)
                }
                "access_denied" => {
                    assert!(matches!(e, GrantError::AccessDenied(_)), "{}: {e:?}", r.id)
                }
                _ => {}
            }
            assert!(e.to_string().contains(description), "{}: {e}", r.id);
        }
    }
    assert!(replayed >= 6, "{replayed} replayed");
}

/// What Lakegate would know of the request each recording describes.
fn facts_for(r: &Recording) -> TokenFacts {
    let token = r.asked("token");
    TokenFacts {
        connection: "work".into(),
        on_api_path: r.asked("path").starts_with("/api/"),
        pat: token == "pat",
        expired: Some(token == "expired_oauth"),
        app_workspace: Some("1111".into()),
        workspace: Some(
            if token == "other_workspace" {
                "2222"
            } else {
                "1111"
            }
            .into(),
        ),
        on_loopback: false,
    }
}

#[test]
fn the_doctor_reads_every_recorded_app_answer() {
    let mut read = 0;
    for r in corpus().iter().filter(|r| r.asked("host") == "app") {
        let Some(status) = r.status() else { continue };
        let answer = Answered {
            status,
            reason: String::new(),
            total_ms: if status == 504 { 120_000.0 } else { 80.0 },
            body_start: r.body().unwrap_or("").to_string(),
            location: r.header("location").map(|l| l.replace('…', "")),
            retry_after: None,
        };
        let facts = facts_for(r);
        let f = explain_answer(&answer, &facts);
        read += 1;
        let (meaning, next) = (f.meaning.to_string(), f.next_step.to_string());
        match status {
            200..=299 => assert_eq!(f.verdict, Verdict::Pass, "{}", r.id),
            // A websocket's upgrade: not a failure (Lakegate sends no upgrades itself).
            101 => assert_ne!(f.verdict, Verdict::Fail, "{}", r.id),
            302 if r.header("location").is_some_and(|l| l.contains("/oidc/")) => {
                assert!(
                    meaning.contains("did not accept the token"),
                    "{}: {meaning}",
                    r.id
                );
                let expected = match r.asked("token") {
                    _ if !facts.on_api_path => "outside /api/",
                    "pat" => "personal access token",
                    "expired_oauth" => "had expired",
                    _ => "sign in to work again",
                };
                assert!(next.contains(expected), "{}: {next}", r.id);
            }
            302 => {
                // The PAT recording names no Location: the Doctor still says what it knows.
                assert_eq!(f.verdict, Verdict::Fail, "{}", r.id);
            }
            403 if r.body().is_some_and(|b| b.contains("Invalid Token")) => {
                assert!(
                    meaning.contains("did not accept the token itself"),
                    "{}: {meaning}",
                    r.id
                );
                assert!(!meaning.contains("CAN USE"), "{}: {meaning}", r.id);
                assert!(next.contains("had expired"), "{}: {next}", r.id);
            }
            504 => assert!(meaning.contains("120 s"), "{}: {meaning}", r.id),
            _ => assert_eq!(f.verdict, Verdict::Fail, "{}", r.id),
        }
        assert!(!f.observed.to_string().contains('<'), "{}: markup", r.id);
        // Every recorded error is recognised as itself (or one like it): no "not seen before".
        if status >= 300 {
            assert!(f.facts.recorded_as.is_some(), "{}: not recognised", r.id);
            assert!(!meaning.contains("has not seen"), "{}: {meaning}", r.id);
        }
    }
    assert!(read >= 6, "{read} app answers read");
}

/// An answer on record nowhere is said to be news, and becomes a field recording that
/// holds no token and reads as a corpus file once its source is filled in.
#[test]
fn an_answer_never_seen_is_news_and_a_field_recording() {
    let answer = Answered {
        status: 451,
        reason: "Unavailable For Legal Reasons".into(),
        total_ms: 30.0,
        body_start: r#"{"error_code":"BLOCKED_BY_POLICY","message":"Blocked for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2ln"}"#.into(),
        location: None,
        retry_after: None,
    };
    let f = explain_answer(&answer, &TokenFacts::default());
    assert!(f
        .meaning
        .to_string()
        .contains("has not seen Databricks answer this way before"));
    assert_eq!(f.facts.recorded_as, None);
    let r = lakegate::doctor::record::field_recording(
        "GET",
        "workspace",
        "/api/2.0/apps?token=s3cret",
        451,
        &answer.body_start,
        None,
        "2026-12-07",
    );
    assert!(!r.contains("eyJhbGci") && !r.contains("s3cret"), "{r}");
    let mut v: Value = serde_json::from_str(&r).unwrap();
    assert!(v["answer"]["body"]
        .as_str()
        .unwrap()
        .contains("BLOCKED_BY_POLICY"));
    // With its source filled in, it has every part a corpus file needs.
    v["source"] = serde_json::json!({ "url": "https://github.com/example/issue/1", "kind": "issue",
        "date": "2026-12-07", "quote": "451 BLOCKED_BY_POLICY" });
    for k in ["method", "host", "path", "token"] {
        assert!(v["asked"][k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
    // And it recognises the answer it was saved from, as a corpus file would.
    assert!(lakegate::doctor::record::matches(
        &v,
        "workspace",
        451,
        &answer.body_start,
        None
    ));
}

/// An Apps error page is quoted for its words, never its markup.
#[test]
fn an_error_page_is_read_for_its_words() {
    let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>App Not Available</title></head><body><h1>App Not Available</h1><p>The app sales is not running.</p></body></html>";
    let f = explain_answer(
        &Answered {
            status: 503,
            reason: "Service Unavailable".into(),
            total_ms: 12.0,
            body_start: page.into(),
            location: None,
            retry_after: None,
        },
        &TokenFacts::default(),
    );
    let observed = f.observed.to_string();
    assert!(
        observed.contains("App Not Available — The app sales is not running."),
        "{observed}"
    );
    assert!(!observed.contains('<'), "{observed}");
}

/// `lakegate doctor --save-recording`: an answer no recording matches is written as a field
/// recording (no token in it); one that matches is not.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_saves_a_field_recording_only_for_news() {
    let b = common::workbench(lakegate::sandbox::SandboxConfig::default()).await;
    let bundle = common::recorder::bundle(b.dir.join("cli.pem"), &[&b.sb.info.ca_file]);
    let app = common::app_url(&b.sb, "hello");
    let file = b.dir.join("field.json");
    let out = tokio::task::block_in_place(|| {
        common::cli(&b, &bundle)
            .args(["doctor", &format!("{app}/api/stress/status?code=418")])
            .arg("--save-recording")
            .arg(&file)
            .output()
            .unwrap()
    });
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("has not seen Databricks answer this way before"),
        "{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recording: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(recording["answer"]["status"], 418);
    assert_eq!(recording["asked"]["path"], "/api/stress/status");
    let text = recording.to_string();
    assert_eq!(
        lakegate::base::redaction::redact_text(&text),
        text,
        "no token in it"
    );

    // An answer on record (the sandbox plays the Apps proxy's recorded `403 Invalid Token`
    // to the Doctor's request): recognised, so nothing to save.
    b.sb.replay(Some("apps-expired-oauth-403-invalid-token"))
        .unwrap();
    let again = b.dir.join("again.json");
    let out = tokio::task::block_in_place(|| {
        common::cli(&b, &bundle)
            .args(["doctor", &format!("{app}/api/hello")])
            .arg("--save-recording")
            .arg(&again)
            .output()
            .unwrap()
    });
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Invalid Token"), "the replay was met: {said}");
    assert!(!said.contains("has not seen"), "{said}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing to record"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!again.exists());
}

/// A 429 reads as a rate limit (with the wait it asks for), never as a token or permission
/// problem.
#[test]
fn the_doctor_reads_a_rate_limit_as_one() {
    let f = explain_answer(
        &Answered {
            status: 429,
            reason: "Too Many Requests".into(),
            total_ms: 12.0,
            body_start: r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Workspace 1 exceeded the rate limit"}"#.into(),
            location: None,
            retry_after: Some("7".into()),
        },
        &TokenFacts::default(),
    );
    let meaning = f.meaning.to_string();
    assert!(
        meaning.contains("wait 7 s") && meaning.contains("Not a problem with the token"),
        "{meaning}"
    );
    assert!(
        f.next_step.to_string().contains("never sent again"),
        "{}",
        f.next_step
    );
}

/// The recorded 302 to the app's sign-in, met on an `/api/` path: the facts Lakegate holds
/// narrow it — a personal access token, an expired token, another workspace's token, or
/// none of those (sign in again).
#[test]
fn the_facts_narrow_a_302_to_sign_in() {
    let answer = Answered {
        status: 302,
        reason: "Found".into(),
        total_ms: 40.0,
        body_start: String::new(),
        location: Some(
            "https://hello-1111.aws.databricksapps.com/oidc/oauth2/v2.0/authorize?x=1".into(),
        ),
        retry_after: None,
    };
    let facts = |pat: bool, expired: bool, ours: &str| TokenFacts {
        connection: "work".into(),
        on_api_path: true,
        pat,
        expired: Some(expired),
        app_workspace: Some("1111".into()),
        workspace: Some(ours.into()),
        on_loopback: false,
    };
    for (f, expected) in [
        (facts(true, false, "1111"), "personal access token"),
        (facts(false, true, "1111"), "had expired"),
        (
            facts(false, false, "2222"),
            "The app belongs to workspace 1111, and work signs in to workspace 2222",
        ),
        (facts(false, false, "1111"), "sign in to work again"),
    ] {
        let found = explain_answer(&answer, &f);
        assert!(
            found
                .meaning
                .to_string()
                .contains("did not accept the token"),
            "{}",
            found.meaning
        );
        let next = found.next_step.to_string();
        assert!(next.contains(expected), "{expected:?}: {next}");
    }
}
