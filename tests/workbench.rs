//! The request workbench against the sandbox over real HTTPS: apps (all pages),
//! OpenAPI discovery, sending with timings, caps, timeouts, cancel, a real local
//! proxy, CA bundles, snippets that actually run, history and saved requests.

mod common;

use lakegate::bridge::BodyKind;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lakegate::base::error::UiError;
use lakegate::http::call::{self, CallError, CallSpec, ProxySettings};
use lakegate::http::Trust;
use lakegate::sandbox::{Sandbox, SandboxConfig};
use secrecy::ExposeSecret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn sandbox_trust(sb: &Sandbox) -> Trust {
    Trust {
        ca_files: vec![sb.info.ca_file.clone()],
        ca_pems: vec![],
        ignore_env: true,
    }
}

#[tokio::test]
async fn apps_are_listed_across_every_page() {
    let b = common::workbench(SandboxConfig {
        default_page_size: 2,
        ..Default::default()
    })
    .await;
    let apps = b.app.list_apps("bot").await.unwrap();
    let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "hello",
            "sales",
            "genie-chat",
            "finance",
            "report",
            "forecast",
            "inventory"
        ]
    );
    let sales = &apps[1];
    assert_eq!(
        sales.url.as_deref(),
        Some(common::app_url(&b.sb, "sales").as_str())
    );
    assert_eq!(sales.user_api_scopes, ["sql"]);
    assert_eq!(apps[4].compute_state.as_deref(), Some("STOPPED"));
    assert_eq!(apps[5].deployment_state.as_deref(), Some("IN_PROGRESS"));
}

#[tokio::test]
async fn endpoints_come_from_the_apps_openapi_document() {
    let b = common::workbench(SandboxConfig::default()).await;
    let found = b
        .app
        .discover_endpoints("bot", &common::app_url(&b.sb, "hello"))
        .await
        .unwrap();
    assert!(
        found
            .source
            .as_deref()
            .unwrap()
            .ends_with("/api/openapi.json"),
        "falls back past the proxy's redirect"
    );
    let list = found
        .operations
        .iter()
        .find(|o| o.method == "GET" && o.path == "/api/items")
        .unwrap();
    assert_eq!(
        list.parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["q", "limit", "offset"]
    );
    let create = found
        .operations
        .iter()
        .find(|o| o.method == "POST" && o.path == "/api/items")
        .unwrap();
    let body: serde_json::Value =
        serde_json::from_str(create.body_skeleton.as_deref().unwrap()).unwrap();
    assert_eq!(body["quantity"], 0);
    // An app that is not running has no document: the answer says so, and typing a path still works.
    let none = b
        .app
        .discover_endpoints("bot", &common::app_url(&b.sb, "report"))
        .await
        .unwrap();
    assert!(none.operations.is_empty());
    let problem = none.problem.unwrap();
    // A service principal without CAN USE: 401, as on record (apps-sp-without-can-use-401).
    assert!(problem.contains("/api/openapi.json: 401"), "{problem}");
}

#[tokio::test]
async fn a_request_is_sent_with_the_connections_token_and_measured() {
    let b = common::workbench(SandboxConfig::default()).await;
    let mut r = common::request(format!("{}/api/echo", common::app_url(&b.sb, "hello")));
    r.method = "POST".into();
    r.query = vec![("q".into(), "a b".into())];
    r.headers = vec![
        ("Content-Type".into(), "application/json".into()),
        ("Authorization".into(), "Bearer typed-by-hand".into()),
    ];
    r.body = Some("{\"x\": 1}".into());
    let resp = b.app.send_request("r1", r).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body_kind, BodyKind::Json);
    let echo: serde_json::Value = serde_json::from_str(resp.body_text.as_deref().unwrap()).unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["query"]["q"], "a b");
    assert_eq!(echo["body"]["x"], 1);
    assert_eq!(
        echo["email"], b.sb.info.service_principals[0].client_id,
        "the connection's token, not the typed one"
    );
    let t = &resp.timings;
    assert!(
        t.tls_ms > 0.0 && t.first_byte_ms >= t.tls_ms && t.total_ms >= t.first_byte_ms,
        "{t:?}"
    );
    assert!(resp.remote.as_deref().unwrap().contains("127.0.0.1"));

    let status = b
        .app
        .send_request(
            "r2",
            common::request(format!("{}/api/nope", common::app_url(&b.sb, "hello"))),
        )
        .await
        .unwrap();
    assert_eq!(status.status, 404);
    let redirect = b
        .app
        .send_request(
            "r3",
            common::request(format!("{}/", common::app_url(&b.sb, "hello"))),
        )
        .await
        .unwrap();
    assert_eq!(redirect.status, 302, "redirects are shown, not followed");
    let mut bad = common::request("not a url".into());
    assert!(matches!(
        b.app.send_request("r4", bad.clone()).await,
        Err(UiError::InvalidInput { .. })
    ));
    bad.url = format!("{}/api/hello", common::app_url(&b.sb, "hello"));
    bad.headers = vec![("Bad Header".into(), "x".into())];
    assert!(matches!(
        b.app.send_request("r5", bad).await,
        Err(UiError::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn big_bodies_are_cut_at_the_cap_and_say_so() {
    let sb = common::default_sandbox().await;
    let http = common::client(&sb);
    let token = common::m2m_token(&sb, &http, "all-apis").await;
    let spec = CallSpec {
        method: "GET".into(),
        url: format!("{}/api/items?limit=100", common::app_url(&sb, "hello")),
        query: vec![],
        // Typed by hand: only a connection's token goes through the host rule.
        headers: vec![("Authorization".into(), format!("Bearer {token}"))],
        body: None,
        timeout: Duration::from_secs(10),
        body_cap: 100,
    };
    let r = call::call(
        &sandbox_trust(&sb),
        &ProxySettings {
            ignore_env: true,
            ..Default::default()
        },
        &spec,
        None,
        std::future::pending(),
    )
    .await
    .unwrap();
    assert!(r.truncated);
    assert_eq!(r.body.len(), 100);
    assert!(r.received > 100);
}

#[tokio::test]
async fn slow_answers_time_out_and_requests_can_be_cancelled() {
    let b = common::workbench(SandboxConfig::default()).await;
    let mut slow = common::request(format!(
        "{}/api/slow?seconds=30",
        common::app_url(&b.sb, "hello")
    ));
    slow.timeout_secs = 1;
    match b.app.send_request("slow", slow.clone()).await {
        Err(UiError::TimedOut { message }) => {
            assert!(message.contains("waiting for the first byte"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    slow.timeout_secs = 60;
    let started = std::time::Instant::now();
    let (result, ()) = tokio::join!(b.app.send_request("cancel-me", slow), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.app.cancel_request("cancel-me");
    });
    assert!(
        matches!(result, Err(UiError::Cancelled { .. })),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_untrusted_certificate_names_the_fix() {
    let sb = common::default_sandbox().await;
    let spec = CallSpec {
        method: "GET".into(),
        url: format!("{}/oidc/jwks.json", sb.info.host),
        query: vec![],
        headers: vec![],
        body: None,
        timeout: Duration::from_secs(10),
        body_cap: 1000,
    };
    let no_ca = Trust {
        ignore_env: true,
        ..Default::default()
    };
    let err = call::call(
        &no_ca,
        &ProxySettings {
            ignore_env: true,
            ..Default::default()
        },
        &spec,
        None,
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, CallError::TlsUntrusted { .. }), "{err}");
    assert!(err.to_string().contains("CA bundle"));
    assert!(
        err.to_string().contains("Lakegate Sandbox CA"),
        "names the CA: {err}"
    );
    let ok = call::call(
        &sandbox_trust(&sb),
        &ProxySettings {
            ignore_env: true,
            ..Default::default()
        },
        &spec,
        None,
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(ok.status, 200);
    // A port nobody listens on.
    let closed = CallSpec {
        url: "https://127.0.0.1:1/".into(),
        ..spec.clone()
    };
    let err = call::call(
        &no_ca,
        &ProxySettings {
            ignore_env: true,
            ..Default::default()
        },
        &closed,
        None,
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, CallError::Connect { .. }), "{err}");
    let nowhere = CallSpec {
        url: "https://nothing.invalid/".into(),
        ..spec
    };
    let err = call::call(
        &no_ca,
        &ProxySettings {
            ignore_env: true,
            ..Default::default()
        },
        &nowhere,
        None,
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, CallError::Dns { .. }), "{err}");
}

/// A real CONNECT proxy on loopback: tunnels bytes, or answers 407 when `refuse`.
async fn start_proxy(refuse: bool) -> (u16, Arc<AtomicU64>) {
    start_gated_proxy(if refuse { Gate::Refuse } else { Gate::Open }).await
}

enum Gate {
    Open,
    Refuse,
    /// Tunnels only for this `user:password` (Basic), else 407.
    Require(&'static str),
}

async fn start_gated_proxy(gate: Gate) -> (u16, Arc<AtomicU64>) {
    use base64::Engine;
    let wanted = match &gate {
        Gate::Require(creds) => Some(format!(
            "basic {}",
            base64::engine::general_purpose::STANDARD.encode(creds)
        )),
        _ => None,
    };
    let refuse = matches!(gate, Gate::Refuse);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tunnels = Arc::new(AtomicU64::new(0));
    let count = tunnels.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let count = count.clone();
            let wanted = wanted.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let given = String::from_utf8_lossy(&head)
                    .lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case("proxy-authorization"))
                            .map(|(_, v)| v.trim().to_string())
                    })
                    .unwrap_or_default();
                let allowed = match &wanted {
                    Some(w) => given.eq_ignore_ascii_case(w) && given[6..] == w[6..],
                    None => true,
                };
                if refuse || !allowed {
                    let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n").await;
                    return;
                }
                // Like a resolver that knows *.localhost (RFC 6761) is loopback.
                let (host, port) = target.rsplit_once(':').unwrap_or((target.as_str(), "443"));
                let dial = if host == "localhost" || host.ends_with(".localhost") {
                    format!("127.0.0.1:{port}")
                } else {
                    target.clone()
                };
                let Ok(mut upstream) = tokio::net::TcpStream::connect(dial).await else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (port, tunnels)
}

#[tokio::test]
async fn calls_go_through_a_real_local_proxy_and_a_refusing_one_is_explained() {
    let sb = common::default_sandbox().await;
    let spec = CallSpec {
        method: "GET".into(),
        url: format!("{}/oidc/jwks.json", sb.info.host),
        query: vec![],
        headers: vec![],
        body: None,
        timeout: Duration::from_secs(10),
        body_cap: 10_000,
    };
    let (port, tunnels) = start_proxy(false).await;
    let via = ProxySettings {
        proxy: Some(format!("http://127.0.0.1:{port}")),
        no_proxy: None,
        ignore_env: true,
        password: None,
    };
    let r = call::call(
        &sandbox_trust(&sb),
        &via,
        &spec,
        None,
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        tunnels.load(Ordering::SeqCst),
        1,
        "the request went through the tunnel"
    );
    assert_eq!(
        r.via_proxy.as_deref(),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    // OAuth calls take the same proxy.
    let http =
        lakegate::http::client_with_proxy(&sandbox_trust(&sb), &via, Duration::from_secs(10))
            .unwrap();
    let sp = &sb.info.service_principals[0];
    let ep = lakegate::oauth::discover(&http, &url::Url::parse(&sb.info.host).unwrap())
        .await
        .unwrap();
    lakegate::oauth::client_credentials(
        &http,
        &ep.token_endpoint,
        &sp.client_id,
        &secrecy::SecretString::from(sp.client_secret.clone()),
        &["all-apis".into()],
    )
    .await
    .unwrap();
    assert!(
        tunnels.load(Ordering::SeqCst) >= 2,
        "discovery and the token call were tunnelled too"
    );

    let (port, _) = start_proxy(true).await;
    let refusing = ProxySettings {
        proxy: Some(format!("http://127.0.0.1:{port}")),
        no_proxy: None,
        ignore_env: true,
        password: None,
    };
    let err = call::call(
        &sandbox_trust(&sb),
        &refusing,
        &spec,
        None,
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, CallError::ProxyAuth { .. }), "{err}");
    let bypass = ProxySettings {
        no_proxy: Some("localhost".into()),
        ..refusing
    };
    assert_eq!(
        call::call(
            &sandbox_trust(&sb),
            &bypass,
            &spec,
            None,
            std::future::pending()
        )
        .await
        .unwrap()
        .status,
        200,
        "NO_PROXY is honoured"
    );
}

/// Runs a program off the test's runtime thread (the sandbox serves on that runtime).
async fn run(mut cmd: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn pyenv_python() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pyenv/bin/python");
    assert!(
        p.exists(),
        "{} is missing: run `make sdk-deps` (make test does)",
        p.display()
    );
    p
}

#[tokio::test]
async fn the_snippets_run_and_give_the_same_answer() {
    let b = common::workbench(SandboxConfig::default()).await;
    let http = common::client(&b.sb);
    let token = common::m2m_token(&b.sb, &http, "all-apis").await;
    let ca = b.sb.info.ca_file.display().to_string();
    let sp = &b.sb.info.service_principals[0];

    // curl, against an app (curl resolves *.localhost itself).
    let mut app_req = common::request(format!("{}/api/items", common::app_url(&b.sb, "hello")));
    app_req.query = vec![
        ("limit".into(), "3".into()),
        ("q".into(), "it's gear".into()),
    ];
    app_req.headers = vec![("Accept".into(), "application/json".into())];
    let ours = b.app.send_request("s1", app_req.clone()).await.unwrap();
    let snippets = b.app.snippets(app_req).unwrap();
    assert!(!snippets.curl.contains(&token));
    let mut curl = Command::new("sh");
    curl.arg("-c")
        .arg(&snippets.curl)
        .env("DATABRICKS_TOKEN", &token)
        .env("CURL_CA_BUNDLE", &ca);
    let out = run(curl).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        theirs,
        serde_json::from_str::<serde_json::Value>(ours.body_text.as_deref().unwrap()).unwrap()
    );

    // Python requests and the Databricks SDK, against the workspace API (Python cannot resolve *.localhost).
    let mut ws_req = common::request(format!("{}/api/2.0/apps/sales", b.sb.info.host));
    ws_req.headers = vec![("Accept".into(), "application/json".into())];
    let ours: serde_json::Value = serde_json::from_str(
        b.app
            .send_request("s2", ws_req.clone())
            .await
            .unwrap()
            .body_text
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    let snippets = b.app.snippets(ws_req).unwrap();
    // The guide's fourth form reads a ~/.databrickscfg profile: the connection (`bot`) is no
    // profile, so the snippet names the SDK's default one.
    let profiles = b.dir.join("snippet.cfg");
    std::fs::create_dir_all(&b.dir).unwrap();
    std::fs::write(
        &profiles,
        format!(
            "[DEFAULT]\nhost = {}\nclient_id = {}\nclient_secret = {}\n",
            b.sb.info.host, sp.client_id, sp.client_secret
        ),
    )
    .unwrap();
    for (code, env) in [
        (
            &snippets.python_requests,
            vec![("DATABRICKS_TOKEN", token.clone())],
        ),
        (
            &snippets.python_sdk,
            vec![
                ("DATABRICKS_HOST", b.sb.info.host.clone()),
                ("DATABRICKS_CLIENT_ID", sp.client_id.clone()),
                ("DATABRICKS_CLIENT_SECRET", sp.client_secret.clone()),
            ],
        ),
        (
            &snippets.python_cli_profile,
            vec![("DATABRICKS_CONFIG_FILE", profiles.display().to_string())],
        ),
    ] {
        let mut cmd = Command::new(pyenv_python());
        cmd.arg("-c")
            .arg(code)
            .env("REQUESTS_CA_BUNDLE", &ca)
            .env("DATABRICKS_CONFIG_FILE", b.dir.join("none.cfg"))
            .env_remove("DATABRICKS_TOKEN")
            .env_remove("DATABRICKS_CONFIG_PROFILE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(cmd).await;
        assert!(
            out.status.success(),
            "{code}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let (status, body) = text.split_once('\n').unwrap();
        assert_eq!(status, "200", "{code}");
        let theirs: serde_json::Value = serde_json::from_str(body.trim()).unwrap();
        assert_eq!(theirs["name"], ours["name"]);
        assert_eq!(theirs["url"], ours["url"]);
    }
}

#[tokio::test]
async fn history_and_saved_requests_hold_no_secret() {
    let b = common::workbench(SandboxConfig::default()).await;
    let mut r = common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello")));
    r.headers = vec![
        ("X-Api-Key".into(), "typed-secret-value".into()),
        ("Accept".into(), "application/json".into()),
    ];
    b.app.send_request("h1", r.clone()).await.unwrap();
    b.app
        .send_request(
            "h2",
            common::request(format!("{}/api/nope", common::app_url(&b.sb, "hello"))),
        )
        .await
        .unwrap();
    let all = b.app.history(Some("bot"), "").unwrap();
    assert_eq!(all.len(), 2);
    assert!(all[0].request.url.ends_with("/api/nope"), "newest first");
    assert_eq!(all[0].status, Some(404));
    assert_eq!(b.app.history(None, "api/hello").unwrap().len(), 1);
    b.app.save_request("Demo", "hello", r.clone()).unwrap();
    assert!(matches!(
        b.app.save_request("Demo", "hello", r.clone()),
        Err(UiError::InvalidInput { .. })
    ));
    let saved = b.app.saved_requests().unwrap();
    assert_eq!(saved[0].request.headers[0].1, "[redacted]");

    let token = b.app.access_token_for_clipboard("bot").await.unwrap();
    for f in ["history.jsonl", "saved.json"] {
        let text = std::fs::read_to_string(b.dir.join("data").join(f)).unwrap();
        assert!(
            !text.contains(token.expose_secret()) && !text.contains("typed-secret-value"),
            "{f}"
        );
        assert!(!text.contains(&b.sb.info.service_principals[0].client_secret));
    }
}

#[tokio::test]
async fn network_settings_are_checked_saved_and_used() {
    let b = common::workbench(SandboxConfig::default()).await;
    let mut s = b.app.network_settings().unwrap();
    assert!(s.proxy.is_none());
    s.proxy = Some("not a proxy".into());
    assert!(
        matches!(b.app.save_network_settings(s.clone()), Err(UiError::InvalidInput { field, .. }) if field == "proxy")
    );
    s.proxy = None;
    s.ca_bundle = Some("/nonexistent/ca.pem".into());
    assert!(
        matches!(b.app.save_network_settings(s.clone()), Err(UiError::InvalidInput { field, .. }) if field == "caBundle")
    );
    assert!(
        !b.dir.join("config/settings.json").exists(),
        "nothing saved when invalid"
    );

    let (port, tunnels) = start_proxy(false).await;
    s.ca_bundle = None;
    s.proxy = Some(format!("127.0.0.1:{port}"));
    let saved = b.app.save_network_settings(s).unwrap();
    assert_eq!(
        saved.proxy.as_deref(),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    assert!(std::fs::read_to_string(b.dir.join("config/settings.json"))
        .unwrap()
        .contains(&port.to_string()));
    let r = b
        .app
        .send_request(
            "via-proxy",
            common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello"))),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.via_proxy.is_some());
    assert!(tunnels.load(Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn a_proxy_password_lives_in_the_keychain_and_works_for_sign_in_and_calls_alike() {
    let (port, tunnels) = start_gated_proxy(Gate::Require("me:p@ss:w0rd")).await;
    let b = common::workbench(SandboxConfig::default()).await;
    let typed = format!("http://me:p%40ss%3Aw0rd@127.0.0.1:{port}");
    let shown = b
        .app
        .save_network_settings(lakegate::bridge::NetworkSettings {
            proxy: Some(typed),
            no_proxy: None,
            ca_bundle: None,
            env_proxy: None,
        })
        .unwrap();
    assert_eq!(
        shown.proxy.as_deref(),
        Some(format!("http://me:********@127.0.0.1:{port}").as_str()),
        "the window gets it back masked"
    );
    let file = std::fs::read_to_string(b.dir.join("config/settings.json")).unwrap();
    assert!(
        !file.contains("p%40ss") && !file.contains("w0rd") && file.contains("me@127.0.0.1"),
        "{file}"
    );

    // Sign-in (a service principal checked through the proxy: discovery, token call)…
    let sp = &b.sb.info.service_principals[0];
    b.app
        .add_connection(lakegate::bridge::NewConnection {
            name: "bot2".into(),
            host: b.sb.info.host.clone(),
            kind: lakegate::bridge::ConnectionKindName::ServicePrincipal,
            client_id: Some(sp.client_id.clone()),
            redirect_uri: None,
            scopes: vec![],
            secret: Some(sp.client_secret.clone()),
            profile: None,
            ca_bundle: Some(b.sb.info.ca_file.display().to_string()),
        })
        .await
        .unwrap();
    let after_sign_in = tunnels.load(Ordering::SeqCst);
    assert!(
        after_sign_in >= 1,
        "sign-in went through the proxy, which checked the credentials"
    );
    // …and an app call, through the same proxy with the same credentials.
    let mut r = common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello")));
    r.connection = Some("bot2".into());
    assert_eq!(
        b.app.send_request("p1", r.clone()).await.unwrap().status,
        200
    );
    assert!(tunnels.load(Ordering::SeqCst) > after_sign_in);

    // The mask with another proxy host, port or user: the kept password would go to that
    // proxy, so it must be typed again; nothing changes meanwhile.
    for moved in [
        format!("http://me:********@127.0.0.2:{port}"),
        format!("http://me:********@127.0.0.1:{}", port + 1),
        format!("http://you:********@127.0.0.1:{port}"),
        format!("https://me:********@127.0.0.1:{port}"),
    ] {
        let err = b
            .app
            .save_network_settings(lakegate::bridge::NetworkSettings {
                proxy: Some(moved.clone()),
                ..shown.clone()
            })
            .unwrap_err();
        assert!(err.to_string().contains("password"), "{moved}: {err}");
    }
    assert_eq!(
        b.app.network_settings().unwrap().proxy,
        shown.proxy,
        "a refused change leaves the settings as they were"
    );
    // Sending the mask back for the same proxy keeps the password.
    b.app.save_network_settings(shown).unwrap();
    assert_eq!(
        b.app.send_request("p2", r.clone()).await.unwrap().status,
        200
    );
    // Without a password the proxy refuses, and says so.
    b.app
        .save_network_settings(lakegate::bridge::NetworkSettings {
            proxy: Some(format!("http://me@127.0.0.1:{port}")),
            no_proxy: None,
            ca_bundle: None,
            env_proxy: None,
        })
        .unwrap();
    assert!(matches!(
        b.app.send_request("p3", r).await,
        Err(UiError::Proxy { .. })
    ));
}

/// Answers as the app sent them: the window's text and the command line's output are the
/// exact bytes (key order, `1e3`, `12345678901234567890`); `--pretty` indents without
/// reordering or rewriting; `-o FILE` writes the bytes.
#[tokio::test(flavor = "multi_thread")]
async fn answers_are_shown_as_the_app_sent_them() {
    const SENT: &str = "{\"zeta\": 1e3, \"alpha\": 12345678901234567890, \"2\": [1.50, -0.0], \"1\": {\"b\": true, \"a\": null}}";
    let b = common::workbench(SandboxConfig::default()).await;
    let url = format!("{}/api/stress/as-sent", common::app_url(&b.sb, "hello"));
    let view = b
        .app
        .send_request("as-sent", common::request(url.clone()))
        .await
        .unwrap();
    assert_eq!(view.body_kind, BodyKind::Json);
    assert_eq!(view.body_text.as_deref(), Some(SENT));

    let lakegate = |args: &[&str]| {
        let mut cmd = common::cli(&b, &b.sb.info.ca_file);
        cmd.args(args);
        let out = tokio::task::block_in_place(|| cmd.output().unwrap());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_eq!(lakegate(&["call", "GET", &url]), SENT.as_bytes());
    assert_eq!(
        String::from_utf8(lakegate(&["call", "GET", &url, "--pretty"])).unwrap(),
        "{\n  \"zeta\": 1e3,\n  \"alpha\": 12345678901234567890,\n  \"2\": [\n    1.50,\n    -0.0\n  ],\n  \"1\": {\n    \"b\": true,\n    \"a\": null\n  }\n}\n"
    );
    let file = b.dir.join("answer.json");
    let printed = lakegate(&["call", "GET", &url, "-o", file.to_str().unwrap()]);
    assert!(printed.is_empty(), "the body went to the file");
    assert_eq!(std::fs::read(&file).unwrap(), SENT.as_bytes());
}
