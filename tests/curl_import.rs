//! A pasted curl command, through both doors, against the sandbox over real HTTPS: the
//! connection is found from the app's host (the Apps API lists it), the pasted token is
//! dropped and kept nowhere, and the request answers with the connection's own token.

mod common;

use lakegate::sandbox::SandboxConfig;

const PASTED: &str = "dapi-pasted-0123456789abcdef";

#[tokio::test]
async fn the_guides_curl_line_is_sent_with_the_connections_token_and_the_pasted_one_is_gone() {
    let b = common::workbench(SandboxConfig::default()).await;
    let app = common::app_url(&b.sb, "hello");
    let text = format!(
        "curl -X POST \\\n  -H \"Authorization: Bearer {PASTED}\" \\\n  -H 'X-Trace: 7' \\\n  --json '{{\"name\": \"Widget\", \"quantity\": 2}}' \\\n  '{app}/api/echo?tag=a%20b'"
    );
    let imported = b.app.import_curl(&text, None).await.unwrap();
    assert!(imported.connection_found);
    assert_eq!(imported.request.connection.as_deref(), Some("bot"));
    assert!(imported.carried_token);
    assert!(
        imported.notes[0].contains("carried a token"),
        "{:?}",
        imported.notes
    );
    let r = &imported.request;
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, format!("{app}/api/echo"));
    assert_eq!(r.query, [("tag".to_string(), "a b".to_string())]);
    assert!(r
        .headers
        .iter()
        .all(|(k, v)| !k.eq_ignore_ascii_case("authorization") && !v.contains(PASTED)));
    assert!(!format!("{imported:?}").contains(PASTED));

    let answer = b
        .app
        .send_request("curl", imported.request.clone())
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let echo: serde_json::Value =
        serde_json::from_str(answer.body_text.as_deref().unwrap()).unwrap();
    assert_eq!(echo["headers"]["x-trace"], "7");
    assert_eq!(echo["body"]["name"], "Widget");
    assert!(!answer.body_text.unwrap().contains(PASTED));
    // Nothing of the pasted token in the files Lakegate writes.
    for entry in walk(&b.dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(PASTED),
            "{} holds the pasted token",
            entry.display()
        );
    }
}

#[tokio::test]
async fn a_host_no_workspace_lists_keeps_the_current_connection_and_says_so() {
    let b = common::workbench(SandboxConfig::default()).await;
    let imported = b
        .app
        .import_curl(
            "curl https://elsewhere.example.com/api/x",
            Some("bot".into()),
        )
        .await
        .unwrap();
    assert!(!imported.connection_found);
    assert_eq!(imported.request.connection.as_deref(), Some("bot"));
    assert!(imported.notes[0].contains("No connection's workspace lists elsewhere.example.com"));
    match b.app.import_curl("curl --frobnicate https://x", None).await {
        Err(lakegate::base::error::UiError::InvalidInput { message, field }) => {
            assert_eq!(field, "curl");
            assert!(message.contains("--frobnicate"), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

// The command line runs as its own process while the sandbox serves on this runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lakegate_call_curl_sends_it_and_says_the_token_was_left_out() {
    let b = common::workbench(SandboxConfig::default()).await;
    let app = common::app_url(&b.sb, "hello");
    let out = common::cli(&b, &b.sb.info.ca_file)
        .args([
            "call",
            "--curl",
            &format!("curl -sS -H 'Authorization: Bearer {PASTED}' {app}/api/hello"),
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Hello,"), "{stdout}");
    assert!(stderr.contains("carried a token"), "{stderr}");
    assert!(!stdout.contains(PASTED) && !stderr.contains(PASTED));
    let bad = common::cli(&b, &b.sb.info.ca_file)
        .args(["call", "--curl", "curl -d @secrets.json https://x/api"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("reads a file"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
