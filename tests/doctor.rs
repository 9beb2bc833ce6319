//! The Doctor against the sandbox: one test per item of the source guide's
//! troubleshooting list (401, 403, 404, network), each produced for real.

mod common;

use std::time::Duration;

use lakegate::bridge::{ConnectionKindName, NetworkSettings, NewConnection};
use lakegate::doctor::{Facts, Report, StepId, Verdict};
use lakegate::sandbox::{Sandbox, SandboxConfig};

fn conn(
    name: &str,
    sb: &Sandbox,
    kind: ConnectionKindName,
    client_id: Option<String>,
    secret: &str,
) -> NewConnection {
    NewConnection {
        name: name.into(),
        host: sb.info.host.clone(),
        kind,
        client_id,
        redirect_uri: None,
        scopes: vec![],
        secret: Some(secret.into()),
        profile: None,
        ca_bundle: Some(sb.info.ca_file.display().to_string()),
    }
}

/// A connection that sends Alice's OAuth token (obtained as a browser would) as it is.
async fn alice(d: &common::Bench, name: &str) {
    let http = common::client(&d.sb);
    let tokens = common::sign_in(&d.sb, &http, "alice@example.com", "all-apis").await;
    let mut c = conn(
        name,
        &d.sb,
        ConnectionKindName::Pat,
        None,
        tokens["access_token"].as_str().unwrap(),
    );
    c.kind = ConnectionKindName::Pat;
    // Saved as it is, unchecked: with a one-second lifetime it may be expired already.
    d.app.add_connection_checked(c, false).await.unwrap();
}

async fn run(d: &common::Bench, connection: Option<&str>, url: &str) -> Report {
    d.app
        .diagnose(connection, url, "GET", None, &|_| {})
        .await
        .unwrap()
}

fn verdict(r: &Report, check: StepId) -> Verdict {
    r.findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check:?} finding"))
        .verdict
}

fn text(r: &Report, check: StepId) -> String {
    let f = r.findings.iter().find(|f| f.check == check).unwrap();
    format!("{} | {} | {}", f.observed, f.meaning, f.next_step)
}

/// What a check found, as data.
fn facts(r: &Report, check: StepId) -> Facts {
    r.findings
        .iter()
        .find(|f| f.check == check)
        .unwrap()
        .facts
        .clone()
}

#[tokio::test]
async fn a_healthy_call_passes_every_check_in_order() {
    let d = common::workbench(SandboxConfig::default()).await;
    let seen = std::sync::Mutex::new(Vec::new());
    let r = d
        .app
        .diagnose(
            Some("bot"),
            &format!("{}/api/hello", common::app_url(&d.sb, "hello")),
            "GET",
            None,
            &|f| seen.lock().unwrap().push(f.check),
        )
        .await
        .unwrap();
    let order = [
        StepId::Url,
        StepId::Dns,
        StepId::Tcp,
        StepId::Tls,
        StepId::Proxy,
        StepId::Oauth,
        StepId::Token,
        StepId::Identity,
        StepId::App,
        StepId::Permission,
        StepId::Scopes,
        StepId::Endpoint,
        StepId::Request,
    ];
    assert_eq!(
        *seen.lock().unwrap(),
        order,
        "progress reports each check as it runs, in order"
    );
    for check in order {
        let v = verdict(&r, check);
        assert!(
            v == Verdict::Pass || (check == StepId::Permission && v == Verdict::Unknown),
            "{check:?}: {v:?} {}",
            text(&r, check)
        );
    }
    assert!(!r.failed());
    // The Permission check names the service principal as the Identity check does.
    let who = facts(&r, StepId::Identity).identity.unwrap();
    assert!(who.contains("reporting-bot"), "{who}");
    assert_eq!(
        facts(&r, StepId::Permission).identity.as_deref(),
        Some(who.as_str())
    );
    assert_eq!(facts(&r, StepId::App).app_state.as_deref(), Some("RUNNING"));
}

/// An expired token on an app: the app domain answers 302 to its sign-in (as Databricks
/// does, databricks/cli#6605; this test asserted an invented 401 before), and the Doctor
/// reads it as "the app did not accept the token", narrowed to the expiry.
#[tokio::test]
async fn _401_expired_token() {
    let d = common::workbench(SandboxConfig {
        token_ttl: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    alice(&d, "pasted").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = run(
        &d,
        Some("pasted"),
        &format!("{}/api/hello", common::app_url(&d.sb, "hello")),
    )
    .await;
    assert_eq!(verdict(&r, StepId::Token), Verdict::Fail);
    assert!(text(&r, StepId::Token).contains("expired"));
    assert_eq!(verdict(&r, StepId::Request), Verdict::Fail);
    let request = text(&r, StepId::Request);
    assert!(request.starts_with("302"), "{request}");
    assert!(request.contains("did not accept the token"), "{request}");
    assert!(request.contains("had expired"), "{request}");
}

/// A service principal's token against an app's user-authorization scopes: whether apps
/// hold it to them is not on record, so the Doctor says "unknown" — and when the sandbox is
/// told to hold it (`--hold-service-principals-to-scopes`), the refusal's own words name
/// the scope. (Before, the sandbox held service principals by default: an invented rule.)
#[tokio::test]
async fn _401_403_missing_scopes() {
    let d = common::workbench(SandboxConfig {
        hold_service_principals_to_scopes: true,
        ..SandboxConfig::default()
    })
    .await;
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/hello", common::app_url(&d.sb, "sales")),
    )
    .await;
    assert_eq!(verdict(&r, StepId::Scopes), Verdict::Unknown);
    assert!(text(&r, StepId::Scopes).contains("not on record"));
    let found = facts(&r, StepId::Scopes);
    assert_eq!(found.missing_scopes, ["sql"]);
    assert_eq!(found.app.as_deref(), Some("sales"));
    assert!(found.granted_scopes.contains(&"all-apis".to_string()));
    assert_eq!(facts(&r, StepId::Request).status, Some(403));
    assert!(text(&r, StepId::Request).contains("does not have required scopes: sql"));

    // By default the sandbox does not hold a service principal to them: the call works.
    let d = common::workbench(SandboxConfig::default()).await;
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/hello", common::app_url(&d.sb, "sales")),
    )
    .await;
    assert_eq!(verdict(&r, StepId::Scopes), Verdict::Unknown);
    assert_eq!(facts(&r, StepId::Request).status, Some(200));
}

#[tokio::test]
async fn _403_no_can_use() {
    let d = common::workbench(SandboxConfig::default()).await;
    alice(&d, "alice").await;
    let r = run(
        &d,
        Some("alice"),
        &format!("{}/api/hello", common::app_url(&d.sb, "finance")),
    )
    .await;
    assert_eq!(
        verdict(&r, StepId::Permission),
        Verdict::Unknown,
        "alice may not read finance's permissions"
    );
    assert!(
        text(&r, StepId::Permission).contains("admin@example.com"),
        "names who to ask"
    );
    assert_eq!(verdict(&r, StepId::Request), Verdict::Fail);
    assert!(text(&r, StepId::Request).contains("CAN USE"));
}

#[tokio::test]
async fn _404_stopped_app() {
    let d = common::workbench(SandboxConfig::default()).await;
    alice(&d, "alice").await;
    let r = run(
        &d,
        Some("alice"),
        &format!("{}/api/hello", common::app_url(&d.sb, "report")),
    )
    .await;
    assert_eq!(verdict(&r, StepId::App), Verdict::Fail);
    assert!(
        text(&r, StepId::App).contains("STOPPED")
            && text(&r, StepId::App).contains("Start the app")
    );
}

#[tokio::test]
async fn _404_wrong_app_url() {
    let d = common::workbench(SandboxConfig::default()).await;
    let wrong = format!(
        "https://hello-999.apps.localhost:{}/api/hello",
        d.sb.addr.port()
    );
    let r = run(&d, Some("bot"), &wrong).await;
    assert_eq!(verdict(&r, StepId::App), Verdict::Fail);
    assert!(
        text(&r, StepId::App).contains("no app"),
        "{}",
        text(&r, StepId::App)
    );
    assert!(
        text(&r, StepId::App).contains("hello, sales"),
        "lists the apps there are"
    );
}

#[tokio::test]
async fn _404_unknown_path() {
    let d = common::workbench(SandboxConfig::default()).await;
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/nope", common::app_url(&d.sb, "hello")),
    )
    .await;
    // Not in the document is "not documented"; the request itself says it is missing.
    assert_eq!(verdict(&r, StepId::Endpoint), Verdict::Warn);
    assert!(
        text(&r, StepId::Endpoint).contains("GET /api/hello"),
        "offers the real endpoints"
    );
    assert_eq!(facts(&r, StepId::Request).status, Some(404));
    assert_eq!(verdict(&r, StepId::Request), Verdict::Fail);
}

#[tokio::test]
async fn checks_never_contradict_each_other() {
    // The document's own address is not in the document, yet answers 200: the Endpoint
    // check must not call it missing while the Request check gets 200.
    let d = common::workbench(SandboxConfig::default()).await;
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/openapi.json", common::app_url(&d.sb, "hello")),
    )
    .await;
    assert_eq!(facts(&r, StepId::Request).status, Some(200));
    assert_ne!(verdict(&r, StepId::Endpoint), Verdict::Fail);
    assert!(!r.failed(), "{:#?}", r.findings);
}

#[tokio::test]
async fn network_a_port_nobody_listens_on() {
    let d = common::workbench(SandboxConfig::default()).await;
    let r = run(
        &d,
        Some("bot"),
        &format!(
            "https://hello-{}.apps.localhost:1/api/hello",
            d.sb.info.workspace_id
        ),
    )
    .await;
    assert_eq!(verdict(&r, StepId::Dns), Verdict::Pass);
    assert_eq!(verdict(&r, StepId::Tcp), Verdict::Fail);
    assert!(text(&r, StepId::Tcp).contains("outbound HTTPS"));
    assert_eq!(verdict(&r, StepId::Request), Verdict::Skipped);
}

#[tokio::test]
async fn network_a_host_in_invalid() {
    let d = common::workbench(SandboxConfig::default()).await;
    let r = run(&d, Some("bot"), "https://hello-1.nothing.invalid/api/hello").await;
    assert_eq!(verdict(&r, StepId::Dns), Verdict::Fail);
    assert!(text(&r, StepId::Dns).contains(".invalid"));
    assert_eq!(verdict(&r, StepId::Url), Verdict::Warn, "not an Apps host");
}

#[tokio::test]
async fn network_an_untrusted_certificate() {
    let d = common::workbench(SandboxConfig::default()).await;
    let r = run(
        &d,
        None,
        &format!("{}/api/hello", common::app_url(&d.sb, "hello")),
    )
    .await;
    assert_eq!(verdict(&r, StepId::Tls), Verdict::Fail);
    assert!(text(&r, StepId::Tls).contains("CA bundle"));
    assert!(
        text(&r, StepId::Tls).contains("Lakegate Sandbox CA"),
        "names the CA: {}",
        text(&r, StepId::Tls)
    );
    assert_eq!(verdict(&r, StepId::Token), Verdict::Skipped);
}

#[tokio::test]
async fn network_a_refusing_proxy() {
    let d = common::workbench(SandboxConfig::default()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut c, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = c.read(&mut buf).await;
            let _ = c
                .write_all(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
                )
                .await;
        }
    });
    d.app
        .save_network_settings(NetworkSettings {
            proxy: Some(format!("http://127.0.0.1:{port}")),
            no_proxy: None,
            ca_bundle: None,
            env_proxy: None,
        })
        .unwrap();
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/hello", common::app_url(&d.sb, "hello")),
    )
    .await;
    assert_eq!(
        verdict(&r, StepId::Proxy),
        Verdict::Fail,
        "{}",
        text(&r, StepId::Proxy)
    );
    assert!(text(&r, StepId::Proxy).contains("user and password"));
}

#[tokio::test]
async fn a_pat_sent_to_an_app() {
    let d = common::workbench(SandboxConfig::default()).await;
    d.app
        .add_connection(conn(
            "pat",
            &d.sb,
            ConnectionKindName::Pat,
            None,
            &d.sb.info.users[0].pat,
        ))
        .await
        .unwrap();
    let r = run(
        &d,
        Some("pat"),
        &format!("{}/api/hello", common::app_url(&d.sb, "hello")),
    )
    .await;
    assert_eq!(verdict(&r, StepId::Token), Verdict::Fail);
    assert!(text(&r, StepId::Token).contains("refuse personal access tokens"));
    assert!(text(&r, StepId::Request).starts_with("302"));
}

#[tokio::test]
async fn a_504_is_explained_as_the_proxy_timeout() {
    let d = common::workbench(SandboxConfig {
        proxy_timeout: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/slow?seconds=3", common::app_url(&d.sb, "hello")),
    )
    .await;
    assert!(text(&r, StepId::Request).starts_with("504"));
    assert!(text(&r, StepId::Request).contains("120 s"));
}

#[tokio::test]
async fn the_report_exports_as_markdown_and_json_without_secrets() {
    let d = common::workbench(SandboxConfig {
        hold_service_principals_to_scopes: true,
        ..SandboxConfig::default()
    })
    .await;
    let r = run(
        &d,
        Some("bot"),
        &format!("{}/api/hello", common::app_url(&d.sb, "sales")),
    )
    .await;
    assert!(r.failed());
    let (md, json) = d.app.export_report().unwrap();
    let md = std::fs::read_to_string(md).unwrap();
    let json = std::fs::read_to_string(json).unwrap();
    assert!(
        md.contains("| Scopes | ? unknown |")
            && md.contains("give the connection these scopes (sql)")
            && md.contains("| Request | ✖ fail |"),
        "{md}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["findings"].as_array().unwrap().len(), 13);
    let token = d.app.access_token_for_clipboard("bot").await.unwrap();
    for text in [&md, &json] {
        assert!(!text.contains(secrecy::ExposeSecret::expose_secret(&token)));
        assert!(!text.contains(&d.sb.info.service_principals[0].client_secret));
        assert!(!text.contains("eyJ"));
    }
    let _ = std::fs::remove_dir_all(&d.dir);
}

/// An answer no recording matches: the window's Doctor says so, and exporting the report
/// also writes it as a field recording (redacted); an answer on record writes none.
#[tokio::test]
async fn an_unrecorded_answer_is_exported_as_a_field_recording() {
    let d = common::workbench(SandboxConfig::default()).await;
    let app = common::app_url(&d.sb, "hello");
    let r = run(
        &d,
        Some("bot"),
        &format!("{app}/api/stress/status?code=418"),
    )
    .await;
    assert!(text(&r, StepId::Request).contains("has not seen Databricks answer this way before"));
    d.app.export_report().unwrap();
    let path = d.app.export_recording().unwrap().expect("a recording");
    let recording = std::fs::read_to_string(&path).unwrap();
    let token = d.app.access_token_for_clipboard("bot").await.unwrap();
    assert!(!recording.contains(secrecy::ExposeSecret::expose_secret(&token)));
    let v: serde_json::Value = serde_json::from_str(&recording).unwrap();
    assert_eq!(v["answer"]["status"], 418);
    assert_eq!(v["asked"]["host"], "app");

    // A recorded answer (the app domain's 302 to sign in, for a path outside /api/).
    let r = run(&d, Some("bot"), &format!("{app}/index.html")).await;
    assert_eq!(
        facts(&r, StepId::Request)
            .recorded_as
            .as_deref()
            .map(|id| id.starts_with("apps-")),
        Some(true),
        "{}",
        text(&r, StepId::Request)
    );
    assert_eq!(d.app.export_recording().unwrap(), None);
}
