//! Fault runs against the sandbox over real HTTPS, through the same operations the
//! window uses: connection resets, bodies cut short, malformed JSON, bodies that are
//! not UTF-8, a 1 GiB body, a slow drip, a storm of 5xx answers. Each ends in a clear
//! answer or a clear error within its timeout, never a panic or a hang, and the
//! history written along the way stays readable. Then the app is killed in the middle of
//! writing its files, again and again, and nothing that was written is lost.

mod common;

use lakegate::bridge::BodyKind;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use lakegate::base::error::UiError;
use lakegate::base::settings::{self, Settings};
use lakegate::bridge::{HistoryView, RequestInput, ResponseView};
use lakegate::connections::{Connection, ConnectionKind, ConnectionStore};
use lakegate::engine::Engine;
use lakegate::history::{History, HistoryEntry};
use lakegate::request::RequestInput as RequestDraft;
use lakegate::sandbox::{Faults, SandboxConfig};

fn stress(b: &common::Bench, what: &str, timeout_secs: u64) -> RequestInput {
    let mut r = common::request(format!(
        "{}/api/stress/{what}",
        common::app_url(&b.sb, "hello")
    ));
    r.timeout_secs = timeout_secs;
    r
}

async fn send(app: &Engine, r: RequestInput) -> Result<ResponseView, UiError> {
    app.send_request("fault", r).await
}

fn history(app: &Engine) -> Vec<HistoryView> {
    app.history(Some("bot"), "")
        .expect("the history stays readable")
}

#[tokio::test]
async fn resets_and_bodies_cut_short_are_network_errors_that_say_what_happened() {
    let b = common::workbench(SandboxConfig::default()).await;
    // Warm the token, so the reset hits the request itself.
    send(
        &b.app,
        common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello"))),
    )
    .await
    .unwrap();

    b.sb.set_faults(Faults {
        reset_connections: 1,
        ..Faults::default()
    });
    let hello = common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello")));
    match send(&b.app, hello.clone()).await {
        Err(UiError::Network { message }) => assert!(
            message.contains("broke") || message.contains("reset") || message.contains("TLS"),
            "{message}"
        ),
        other => panic!("a reset connection is a network error, got {other:?}"),
    }
    assert_eq!(
        send(&b.app, hello).await.unwrap().status,
        200,
        "the next request works"
    );

    match send(&b.app, stress(&b, "truncated", 10)).await {
        Err(UiError::Network { message }) => {
            assert!(
                message.contains("reading the answer")
                    || message.contains("body")
                    || message.contains("broke"),
                "{message}"
            )
        }
        other => panic!("a body cut short is a network error, got {other:?}"),
    }
    assert!(
        history(&b.app).len() >= 3,
        "failures are in the history too"
    );
}

#[tokio::test]
async fn malformed_json_and_non_utf8_bodies_are_shown_as_what_they_are() {
    let b = common::workbench(SandboxConfig::default()).await;
    let r = send(&b.app, stress(&b, "malformed-json", 10))
        .await
        .unwrap();
    assert_eq!((r.status, r.body_kind), (200, BodyKind::Text));
    assert!(r.body_text.unwrap().starts_with("{\"items\": [1, 2,"));

    let r = send(&b.app, stress(&b, "non-utf8", 10)).await.unwrap();
    assert_eq!((r.status, r.body_kind), (200, BodyKind::Binary));
    assert!(r.body_text.is_none());
    assert_eq!(r.size, 29);

    // The same through the headless command.
    let mut cmd = tokio::process::Command::from(common::cli(&b, &b.sb.info.ca_file));
    let out = cmd
        .args([
            "call",
            "GET",
            &format!("{}/api/stress/non-utf8", common::app_url(&b.sb, "hello")),
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The bytes as the app sent them, so the output can be piped the way curl's can.
    assert_eq!(out.stdout, b"caf\xe9 \xff\xfe \x80 latin-1, not UTF-8\n");
}

#[tokio::test]
async fn a_1_gib_body_is_cut_at_the_cap_and_the_rest_is_never_read() {
    let b = common::workbench(SandboxConfig::default()).await;
    let r = send(
        &b.app,
        stress(&b, &format!("bytes?size={}", 1u64 << 30), 120),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.truncated);
    assert_eq!(r.cap, 64 * 1024 * 1024, "the window keeps up to 64 MiB");
    assert!(
        r.size >= r.cap && r.size < 1 << 30,
        "stopped near the cap: {}",
        r.size
    );
    assert_eq!(r.body_kind, BodyKind::Text, "the sandbox streams 'x' bytes");
    assert!(r.body_text.is_none(), "a big body stays in the core");
    // What is kept is the first 64 MiB, byte for byte.
    let out = std::env::temp_dir().join(format!("lakegate-cut-{}.bin", std::process::id()));
    let saved = b
        .app
        .save_body(r.body_id.as_deref().unwrap(), out.to_str().unwrap(), true)
        .await
        .unwrap();
    assert_eq!(saved.bytes, 64 * 1024 * 1024);
    let bytes = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert!(bytes.len() == 64 << 20 && bytes.iter().all(|&c| c == b'x'));
}

#[tokio::test]
async fn a_slow_drip_ends_at_its_timeout_and_can_be_cancelled() {
    let b = common::workbench(SandboxConfig::default()).await;
    let started = Instant::now();
    // 200 bytes, one every 100 ms: 20 s of drip against a 2 s timeout.
    match send(&b.app, stress(&b, "drip?interval_ms=100&bytes=200", 2)).await {
        Err(UiError::TimedOut { message }) => assert!(message.contains("2 s"), "{message}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Bounded by the timeout, not by the 20 s the server would take (slack for a busy machine).
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );

    let r = stress(&b, "drip?interval_ms=100&bytes=200", 60);
    let app = std::sync::Arc::new(b.app);
    let sending = {
        let app = app.clone();
        tokio::spawn(async move { app.send_request("drip", r).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.cancel_request("drip");
    // The answer had started: Cancel stops it there and keeps what came.
    match tokio::time::timeout(Duration::from_secs(10), sending).await {
        Ok(Ok(Ok(view))) => {
            assert!(view.stopped);
            assert!(view.size >= 1 && view.size < 200, "{} bytes", view.size);
            assert!(view.body_text.unwrap().starts_with("{\"d"));
        }
        other => panic!("expected a stopped answer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_storm_of_5xx_answers_is_shown_request_by_request() {
    let b = common::workbench(SandboxConfig::default()).await;
    let app = std::sync::Arc::new(b.app);
    let codes = [500u16, 502, 503, 504];
    let mut tasks = Vec::new();
    for i in 0..200 {
        let code = codes[i % codes.len()];
        let app = app.clone();
        let mut r = common::request(format!(
            "{}/api/stress/status?code={code}",
            common::app_url(&b.sb, "hello")
        ));
        r.timeout_secs = 60;
        tasks.push(tokio::spawn(async move {
            (code, app.send_request(&format!("storm-{i}"), r).await)
        }));
    }
    for t in tasks {
        let (code, r) = t.await.expect("no panic");
        let r = r.expect("a 5xx is an answer, not an error");
        assert_eq!(r.status, code);
        assert!(r.body_text.unwrap().contains("on purpose"));
    }
    let entries = history(&app);
    assert_eq!(entries.len(), 200, "every answer is in the history");
    assert!(entries.iter().all(|e| e.status.is_some_and(|s| s >= 500)));
}

// ---- killed mid-write ----

const WRITER_DIR: &str = "LAKEGATE_TEST_WRITER_DIR";

fn draft(i: u64) -> RequestDraft {
    RequestDraft {
        connection: Some("bot".into()),
        method: "POST".into(),
        url: format!("https://hello-1.apps.example/api/items?n={i}"),
        query: vec![],
        headers: vec![("Accept".into(), "application/json".into())],
        body: Some(format!("{{\"name\": \"{}\"}}", "x".repeat(2000))),
        timeout_secs: 30,
        without_token: None,
    }
}

/// The child the next test kills: writes history, saved requests, settings and
/// connections as fast as it can, forever. Runs only when the parent asks for it.
#[test]
#[ignore = "run as a child by killing_the_app_mid_write_loses_nothing"]
fn writer_child() {
    let Ok(dir) = std::env::var(WRITER_DIR) else {
        return;
    };
    let dir = Path::new(&dir);
    let history = History::in_dir(dir);
    let store = ConnectionStore::in_dir(dir);
    let start: u64 = std::env::var("LAKEGATE_TEST_WRITER_START")
        .unwrap()
        .parse()
        .unwrap();
    for i in start.. {
        history
            .record(HistoryEntry {
                id: format!("h{i}"),
                at: i,
                request: draft(i),
                status: Some(201),
                total_ms: Some(1.0),
                size: Some(10),
                error: None,
            })
            .unwrap();
        if i % 4 == 0 {
            history.save("stress", &format!("s{i}"), &draft(i)).unwrap();
        }
        settings::save(
            dir,
            &Settings {
                proxy: Some(format!("http://proxy.example:{}", 1000 + i % 60000)),
                no_proxy: Some("x".repeat(4000)),
                ca_bundle: None,
                language: Some("pt-BR".into()),
                guide_done: vec!["person".into()],
                guide_proxy: None,
            },
        )
        .unwrap();
        let conns: Vec<Connection> = (0..50)
            .map(|n| {
                Connection::new(
                    &format!("c{n}"),
                    "https://adb-1.1.azuredatabricks.net",
                    ConnectionKind::ServicePrincipal {
                        client_id: format!("client-{i}-{n}"),
                        scopes: vec!["all-apis".into()],
                    },
                )
            })
            .collect();
        store.save(&conns).unwrap();
    }
}

#[test]
fn killing_the_app_mid_write_loses_nothing() {
    let dir = std::env::temp_dir().join(format!("lakegate-killed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let history = History::in_dir(&dir);
    let mut kept: BTreeSet<String> = BTreeSet::new();
    let mut saved_before = 0;
    let mut next = 0u64;
    for round in 0..12u64 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["writer_child", "--exact", "--ignored", "--nocapture"])
            .env(WRITER_DIR, &dir)
            .env("LAKEGATE_TEST_WRITER_START", next.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Different moments each round: early, mid-stream, later.
        std::thread::sleep(Duration::from_millis(60 + 37 * round));
        child.kill().unwrap(); // SIGKILL: no destructor, no flush, no goodbye.
        child.wait().unwrap();

        let (entries, torn) = history.list(Some("bot"), "", usize::MAX).unwrap();
        assert!(torn <= round as usize + 1, "at most one torn line per kill");
        let ids: BTreeSet<String> = entries.iter().map(|e| e.id.clone()).collect();
        assert!(
            ids.is_superset(&kept),
            "round {round}: earlier history entries are all still there"
        );
        assert!(
            entries.iter().all(|e| e.request.body.is_some()),
            "entries are whole"
        );
        kept = ids;
        next = entries.iter().map(|e| e.at + 1).max().unwrap_or(next) + 1;

        let saved = history.saved().expect("saved requests stay valid JSON");
        assert!(saved.len() >= saved_before, "no saved request lost");
        saved_before = saved.len();
        settings::load(&dir).expect("settings stay valid JSON");
        if settings::path(&dir).exists() {
            assert!(settings::load(&dir).unwrap().proxy.is_some());
        }
        let (conns, report) = ConnectionStore::in_dir(&dir).load().unwrap();
        assert!(report.set_aside.is_none(), "connections.json is never torn");
        assert!(conns.is_empty() || conns.len() == 50);
    }
    assert!(
        kept.len() > 12,
        "the child wrote something each round: {}",
        kept.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
