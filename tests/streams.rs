//! Streamed answers against the sandbox's chat endpoints over real HTTPS, through the
//! Apps proxy with a real token: events told as they arrive, Stop keeping what came, a
//! buffered stream noticed, and `lakegate call` writing each piece as it comes.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lakegate::base::error::UiError;
use lakegate::bridge::StreamUpdate;
use lakegate::sandbox::SandboxConfig;

fn chat(b: &common::Bench, path: &str) -> lakegate::bridge::RequestInput {
    common::request(format!("{}{path}", common::app_url(&b.sb, "hello")))
}

type Told = Arc<Mutex<Vec<StreamUpdate>>>;

fn recorder() -> (Told, lakegate::request::Progress) {
    let told: Told = Arc::default();
    let t = told.clone();
    (told, Arc::new(move |u| t.lock().unwrap().push(u)))
}

fn events_told(told: &Told) -> usize {
    told.lock()
        .unwrap()
        .iter()
        .map(|u| match u {
            StreamUpdate::Arrived { events, .. } => events.len(),
            StreamUpdate::Head { .. } => 0,
        })
        .sum()
}

#[tokio::test]
async fn a_chat_stream_is_told_event_by_event_as_it_arrives() {
    let b = common::workbench(SandboxConfig::default()).await;
    let (told, progress) = recorder();
    let view = b
        .app
        .send_request_watched(
            "chat",
            chat(&b, "/api/chat?prompt=hi&delay_ms=60"),
            Some(progress),
        )
        .await
        .unwrap();
    assert_eq!(view.status, 200);
    let events = view.events.unwrap();
    assert_eq!(view.events_total, Some(events.len() as u32));
    assert!(events.len() > 10, "{} events", events.len());
    assert_eq!(events[0].event.as_deref(), Some("token"));
    assert_eq!(events[0].data, "{\"text\":\"You \"}");
    assert_eq!(events[0].id.as_deref(), Some("1"));
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("done"));
    // They came over time, not at once, and the window heard them in several updates.
    assert!(
        last.at_ms - events[0].at_ms > 500.0,
        "{} → {}",
        events[0].at_ms,
        last.at_ms
    );
    let told = told.lock().unwrap();
    assert!(matches!(
        told[0],
        StreamUpdate::Head {
            status: 200,
            streaming: true
        }
    ));
    let updates = told
        .iter()
        .filter(|u| matches!(u, StreamUpdate::Arrived { .. }))
        .count();
    assert!(updates > 5, "{updates} updates");
    drop(told);
    assert!(view.stream_note.is_none());
    assert!(!view.stopped);
}

#[tokio::test]
async fn stop_ends_a_stalled_stream_and_keeps_what_came() {
    let b = common::workbench(SandboxConfig::default()).await;
    let base = common::app_url(&b.sb, "hello");
    let app = Arc::new(b.app);
    let (told, progress) = recorder();
    let request = common::request(format!("{base}/api/chat/stall?delay_ms=20"));
    let sending = {
        let app = app.clone();
        tokio::spawn(async move {
            app.send_request_watched("stall", request, Some(progress))
                .await
        })
    };
    let until = Instant::now() + Duration::from_secs(20);
    while events_told(&told) < 3 {
        assert!(Instant::now() < until, "three events within 20 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.cancel_request("stall");
    let view = sending.await.unwrap().unwrap();
    assert!(view.stopped);
    assert_eq!(view.status, 200);
    assert_eq!(view.events.unwrap().len(), 3);

    // Before the answer starts, the same button cancels.
    let request = common::request(format!("{base}/api/slow?seconds=5"));
    let sending = {
        let app = app.clone();
        tokio::spawn(async move { app.send_request("slow", request).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.cancel_request("slow");
    assert!(matches!(
        sending.await.unwrap(),
        Err(UiError::Cancelled { .. })
    ));
}

#[tokio::test]
async fn a_stream_that_arrives_all_at_once_gets_the_doctors_buffering_note() {
    let b = common::workbench(SandboxConfig::default()).await;
    let view = b
        .app
        .send_request("buffered", chat(&b, "/api/chat/buffered"))
        .await
        .unwrap();
    assert!(view.events.unwrap().len() > 10);
    let note = view.stream_note.unwrap();
    assert!(note.contains("buffering the stream"), "{note}");
}

// The command line runs as its own process while the sandbox serves on this runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lakegate_call_writes_each_piece_as_it_arrives() {
    use tokio::io::AsyncReadExt;
    let b = common::workbench(SandboxConfig::default()).await;
    let url = format!("{}/api/chat?delay_ms=150", common::app_url(&b.sb, "hello"));
    let cmd = common::cli(&b, &b.sb.info.ca_file);
    let mut child = tokio::process::Command::from(cmd)
        .args(["call", "GET", &url])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut out = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut first_token = None;
    let mut buf = [0u8; 4096];
    loop {
        let n = out.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        if first_token.is_none() && String::from_utf8_lossy(&seen).contains("event: token") {
            first_token = Some(started.elapsed());
        }
    }
    let ended = started.elapsed();
    assert!(child.wait().await.unwrap().success());
    let text = String::from_utf8(seen).unwrap();
    assert!(
        text.ends_with("event: done\ndata: {\"tokens\":25}\n\n") || text.contains("event: done"),
        "{text}"
    );
    let first = first_token.unwrap();
    assert!(
        ended - first > Duration::from_secs(2),
        "the first token came {first:?} into a {ended:?} run"
    );
}
