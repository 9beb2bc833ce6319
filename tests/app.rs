//! The window's operations (`lakegate::engine::App`, which the GUI commands call one to
//! one) against the in-process sandbox, with the real Secret Service. Every value
//! they return is what crosses the IPC to the webview: the canary checks them all.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lakegate::base::error::UiError;
use lakegate::base::secrets::{Keychain, SecretStore, SecretsError};
use lakegate::bridge::{ConnectionKindName, NewConnection};
use lakegate::engine::{Engine, SANDBOX_CONNECTION};
use secrecy::{ExposeSecret, SecretString};

struct Broken;

impl SecretStore for Broken {
    fn put(&self, _: &str, _: &SecretString) -> Result<(), SecretsError> {
        Err(SecretsError::Unavailable {
            cause: "no Secret Service on the session bus".into(),
        })
    }
    fn get(&self, _: &str) -> Result<Option<SecretString>, SecretsError> {
        Err(SecretsError::Unavailable {
            cause: "no Secret Service on the session bus".into(),
        })
    }
    fn delete(&self, _: &str) -> Result<(), SecretsError> {
        Err(SecretsError::Unavailable {
            cause: "no Secret Service on the session bus".into(),
        })
    }
}

struct Harness {
    app: Engine,
    ca: Arc<Mutex<Option<std::path::PathBuf>>>,
    dir: std::path::PathBuf,
    /// Everything the operations returned, as the IPC would carry it.
    ipc: Mutex<String>,
}

impl Harness {
    fn record<T: serde::Serialize>(&self, value: &T) {
        let mut log = self.ipc.lock().unwrap();
        log.push_str(&serde_json::to_string(value).unwrap());
        log.push('\n');
    }
}

fn harness(
    secrets: Arc<dyn SecretStore>,
    probe: Box<dyn Fn() -> Result<(), SecretsError> + Send + Sync>,
) -> Harness {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lakegate-app-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let ca = Arc::new(Mutex::new(None));
    let app = Engine::with_parts(
        Arc::new(common::Person {
            ca: ca.clone(),
            user: Arc::new(Mutex::new("alice@example.com".into())),
        }),
        secrets,
        probe,
        dir.join("config"),
        dir.join("data"),
        Box::new(|_| None),
    );
    Harness {
        app,
        ca,
        dir,
        ipc: Mutex::new(String::new()),
    }
}

fn keychain_harness() -> Harness {
    let keychain = Arc::new(Keychain::with_service(&format!(
        "lakegate-test-app-{}",
        std::process::id()
    )));
    let probe = keychain.clone();
    harness(keychain, Box::new(move || probe.probe()))
}

async fn sign_in_to_sandbox(h: &Harness) {
    let view = h.app.start_sandbox().await.unwrap();
    h.record(&view);
    assert_eq!(view.name, SANDBOX_CONNECTION);
    assert!(!view.has_credentials);
    *h.ca.lock().unwrap() = Some(h.dir.join("data/sandbox/ca.pem"));
    let started = h.app.begin_sign_in(SANDBOX_CONNECTION).await.unwrap();
    h.record(&started);
    assert!(started.browser_opened);
    let done = h.app.finish_sign_in(SANDBOX_CONNECTION).await.unwrap();
    h.record(&done);
    assert_eq!(done.signed_in_as.as_deref(), Some("alice@example.com"));
}

#[tokio::test]
async fn the_sandbox_tour_and_the_ipc_canary() {
    let h = keychain_harness();
    let first = h.app.overview().await.unwrap();
    assert!(first.connections.is_empty());
    assert!(first.keychain.available, "{:?}", first.keychain.problem);
    sign_in_to_sandbox(&h).await;

    let overview = h.app.overview().await.unwrap();
    h.record(&overview);
    let sandbox = &overview.connections[0];
    assert!(sandbox.has_credentials);
    assert!(sandbox.expires_at.is_some());
    assert!(overview
        .sandbox
        .as_ref()
        .unwrap()
        .users
        .contains(&"admin@example.com".to_string()));

    let inspection = h.app.inspect_token(SANDBOX_CONNECTION).await.unwrap();
    h.record(&inspection);
    assert_eq!(inspection.format, "jwt");
    assert_eq!(inspection.subject.as_deref(), Some("alice@example.com"));
    assert_eq!(inspection.scopes, ["all-apis", "offline_access"]);

    // The canary: the token exists, and appears in nothing the webview received.
    let token = h
        .app
        .access_token_for_clipboard(SANDBOX_CONNECTION)
        .await
        .unwrap();
    let log = h.ipc.lock().unwrap().clone();
    assert!(!log.contains(token.expose_secret()));
    for shape in ["doau", "dose", "dapi"] {
        assert!(!log.contains(shape), "{shape}-shaped secret in IPC");
    }
    assert!(!log.contains("eyJ"), "no JWT in IPC payloads");

    let out = h.app.sign_out(SANDBOX_CONNECTION).await.unwrap();
    assert!(!out.has_credentials);
    assert!(matches!(
        h.app.inspect_token(SANDBOX_CONNECTION).await,
        Err(UiError::SignInNeeded { .. })
    ));
}

fn new_connection(name: &str, host: &str, kind: ConnectionKindName) -> NewConnection {
    NewConnection {
        name: name.into(),
        host: host.into(),
        kind,
        client_id: None,
        redirect_uri: None,
        scopes: vec![],
        secret: None,
        profile: None,
        ca_bundle: None,
    }
}

#[tokio::test]
async fn adding_connections_checks_them_and_saves_only_what_works() {
    let h = keychain_harness();
    h.app.start_sandbox().await.unwrap();
    let sb = common::default_sandbox().await; // a second, standalone workspace to add
    let ca = sb.info.ca_file.display().to_string();
    let sp = &sb.info.service_principals[0];

    let mut bot = new_connection("bot", &sb.info.host, ConnectionKindName::ServicePrincipal);
    bot.client_id = Some(sp.client_id.clone());
    bot.ca_bundle = Some(ca.clone());
    bot.secret = Some("dose-wrong".into());
    assert!(matches!(
        h.app.add_connection(bot.clone()).await,
        Err(UiError::Refused { .. })
    ));
    assert!(
        h.app
            .overview()
            .await
            .unwrap()
            .connections
            .iter()
            .all(|c| c.name != "bot"),
        "nothing saved"
    );

    bot.secret = Some(sp.client_secret.clone());
    let added = h.app.add_connection(bot.clone()).await.unwrap();
    h.record(&added);
    assert!(added.has_credentials);
    assert_eq!(
        h.app.inspect_token("bot").await.unwrap().subject.as_deref(),
        Some(sp.client_id.as_str())
    );

    match h.app.add_connection(bot).await {
        Err(UiError::InvalidInput { field, .. }) => assert_eq!(field, "name"),
        other => panic!("{other:?}"),
    }
    let mut bad_host = new_connection("x", "http://plain.example", ConnectionKindName::User);
    match h.app.add_connection(bad_host.clone()).await {
        Err(UiError::InvalidInput { field, message }) => {
            assert_eq!(field, "host");
            assert!(message.contains("https"));
        }
        other => panic!("{other:?}"),
    }
    bad_host.host = app_like_host(&sb);
    bad_host.ca_bundle = Some(ca.clone());
    assert!(matches!(
        h.app.add_connection(bad_host).await,
        Err(UiError::NotDatabricks { .. })
    ));
    let mut no_ca = new_connection("no-ca", &sb.info.host, ConnectionKindName::User);
    no_ca.ca_bundle = Some("/nonexistent.pem".into());
    assert!(
        matches!(h.app.add_connection(no_ca).await, Err(UiError::InvalidInput { field, .. }) if field == "caBundle")
    );

    let mut pat = new_connection("pat", &sb.info.host, ConnectionKindName::Pat);
    pat.ca_bundle = Some(ca.clone());
    pat.secret = Some(sb.info.users[0].pat.clone());
    let added = h.app.add_connection(pat.clone()).await.unwrap();
    h.record(&added);
    let inspection = h.app.inspect_token("pat").await.unwrap();
    assert_eq!(inspection.format, "opaque");
    h.record(&inspection);
    pat.name = "pat2".into();
    pat.secret = Some("dapi00000000000000000000000000000000".into());
    assert!(matches!(
        h.app.add_connection(pat).await,
        Err(UiError::Refused { .. })
    ));

    h.app.remove_connection("bot").await.unwrap();
    assert!(h
        .app
        .overview()
        .await
        .unwrap()
        .connections
        .iter()
        .all(|c| c.name != "bot"));
    assert!(matches!(
        h.app.remove_connection(SANDBOX_CONNECTION).await,
        Err(UiError::InvalidInput { .. })
    ));

    let log = h.ipc.lock().unwrap().clone();
    assert!(!log.contains(&sp.client_secret) && !log.contains(&sb.info.users[0].pat));
}

fn app_like_host(sb: &lakegate::sandbox::Sandbox) -> String {
    common::app_url(sb, "hello")
}

#[tokio::test]
async fn no_keychain_is_a_clear_error_and_memory_is_an_explicit_choice() {
    let h = harness(
        Arc::new(Broken),
        Box::new(|| {
            Err(SecretsError::Unavailable {
                cause: "no Secret Service on the session bus".into(),
            })
        }),
    );
    let overview = h.app.overview().await.unwrap();
    assert!(!overview.keychain.available);
    assert!(!overview.keychain.in_memory);
    let problem = overview.keychain.problem.unwrap();
    assert!(
        problem.contains("no Secret Service on the session bus")
            && problem.contains("in memory for this run"),
        "{problem}"
    );

    h.app.start_sandbox().await.unwrap();
    *h.ca.lock().unwrap() = Some(h.dir.join("data/sandbox/ca.pem"));
    h.app.begin_sign_in(SANDBOX_CONNECTION).await.unwrap();
    match h.app.finish_sign_in(SANDBOX_CONNECTION).await {
        Err(UiError::Keychain { message }) => {
            assert!(message.contains("keychain cannot be reached"), "{message}")
        }
        other => panic!("expected a keychain error, got {other:?}"),
    }
    // Nothing was written anywhere else instead.
    let mut files = Vec::new();
    collect(&h.dir, &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        assert!(
            !text.contains("eyJ") && !text.contains("doau"),
            "{}",
            f.display()
        );
    }

    h.app.use_memory_secrets();
    assert!(h.app.overview().await.unwrap().keychain.in_memory);
    h.app.begin_sign_in(SANDBOX_CONNECTION).await.unwrap();
    let done = h.app.finish_sign_in(SANDBOX_CONNECTION).await.unwrap();
    assert!(done.has_credentials);
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[tokio::test]
async fn a_sign_in_can_be_cancelled() {
    let h = harness(
        Arc::new(lakegate::base::secrets::MemoryStore::default()),
        Box::new(|| Ok(())),
    );
    h.app.start_sandbox().await.unwrap();
    // No CA known to the "person": the browser never comes back, as when a tab is closed.
    h.app.begin_sign_in(SANDBOX_CONNECTION).await.ok();
    let app = &h.app;
    let waiting = app.finish_sign_in(SANDBOX_CONNECTION);
    let cancel = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        app.cancel_sign_in(SANDBOX_CONNECTION);
    };
    let (result, ()) = tokio::join!(waiting, cancel);
    assert!(
        matches!(result, Err(UiError::Cancelled { .. })),
        "{result:?}"
    );
}

/// A sign-in waiting in the browser is bound to the connection it began for: when another
/// Lakegate (the command line, on the same files) removes the connection and adds one of
/// the same name for another host meanwhile, the sign-in ends without keeping anything,
/// and the new host sees no token, refresh token or SCIM call.
#[tokio::test]
async fn a_sign_in_in_flight_is_bound_to_its_workspace() {
    let h = keychain_harness();
    let first = common::default_sandbox().await;
    let other =
        common::recorder::start("other-workspace.localhost", true, common::recorder::ok()).await;
    let bundle = common::recorder::bundle(
        h.dir.join("both.pem"),
        &[first.info.ca_file.as_path(), other.ca()],
    );
    let mut work = new_connection("work", &first.info.host, ConnectionKindName::User);
    work.ca_bundle = Some(bundle.display().to_string());
    h.app
        .add_connection_checked(work.clone(), false)
        .await
        .unwrap();

    // The browser opens nothing yet (no CA for the "person"): the test plays it later.
    let started = h.app.begin_sign_in("work").await.unwrap();
    let app = &h.app;
    let waiting = app.finish_sign_in("work");
    let meanwhile = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        // The command line, on the same files: remove, then the same name for another host.
        let cli = Engine::with_parts(
            Arc::new(common::Person {
                ca: Arc::new(Mutex::new(None)),
                user: Arc::new(Mutex::new("alice@example.com".into())),
            }),
            Arc::new(Keychain::with_service(&format!(
                "lakegate-test-app-{}",
                std::process::id()
            ))),
            Box::new(|| Ok(())),
            h.dir.join("config"),
            h.dir.join("data"),
            Box::new(|_| None),
        );
        cli.remove_connection("work").await.unwrap();
        let mut moved = work.clone();
        moved.host = other.origin.clone();
        cli.add_connection_checked(moved, false).await.unwrap();
        // Now the person finishes in the browser, at the first workspace.
        common::browse(
            started.link.clone(),
            first.info.ca_file.clone(),
            "alice@example.com".into(),
        )
        .await;
    };
    let (result, ()) = tokio::join!(waiting, meanwhile);
    let err = result.unwrap_err();
    assert!(matches!(err, UiError::Cancelled { .. }), "{err:?}");
    assert!(err.to_string().contains("changed"), "{err}");
    assert!(
        other.seen().is_empty(),
        "the new host heard nothing: {:?}",
        other.seen()
    );
    let view = h
        .app
        .overview()
        .await
        .unwrap()
        .connections
        .into_iter()
        .find(|c| c.name == "work")
        .unwrap();
    assert!(!view.has_credentials, "nothing of the sign-in was kept");

    // Removed in this window while the browser is open: the wait ends, nothing kept.
    h.app.remove_connection("work").await.unwrap();
    let mut again = work.clone();
    again.name = "work2".into();
    h.app.add_connection_checked(again, false).await.unwrap();
    let started = h.app.begin_sign_in("work2").await.unwrap();
    let waiting = app.finish_sign_in("work2");
    let remove = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        app.remove_connection("work2").await.unwrap();
        drop(started);
    };
    let (result, ()) = tokio::join!(waiting, remove);
    assert!(
        matches!(result, Err(UiError::Cancelled { .. })),
        "{result:?}"
    );
}

/// The canary over everything the window can receive: every command's result and error,
/// the Doctor's progress messages, history, saved requests, snippets, network settings
/// (with a proxy password set) and the exported report. The sandbox's tokens, the
/// refresh token and the proxy password appear in none of it.
#[tokio::test]
async fn every_answer_the_window_receives_is_free_of_secrets() {
    use lakegate::bridge::{NetworkSettings, RequestInput};
    let h = keychain_harness();
    sign_in_to_sandbox(&h).await;
    let record_result = |r: Result<String, UiError>| match r {
        Ok(json) => {
            let mut log = h.ipc.lock().unwrap();
            log.push_str(&json);
            log.push('\n');
        }
        Err(e) => h.record(&e),
    };
    macro_rules! answer {
        ($e:expr) => {
            record_result(($e).map(|v| serde_json::to_string(&v).unwrap()))
        };
    }
    let apps = h.app.list_apps(SANDBOX_CONNECTION).await.unwrap();
    h.record(&apps);
    let hello = apps
        .iter()
        .find(|a| a.name == "hello")
        .unwrap()
        .url
        .clone()
        .unwrap();
    answer!(h.app.discover_endpoints(SANDBOX_CONNECTION, &hello).await);
    let request = |method: &str, url: String| RequestInput {
        connection: Some(SANDBOX_CONNECTION.into()),
        method: method.into(),
        url,
        query: vec![("q".into(), "x".into())],
        headers: vec![
            ("Authorization".into(), "Bearer typed-by-hand".into()),
            ("X-Trace".into(), "1".into()),
        ],
        body: Some("{\"a\":1}".into()),
        timeout_secs: 20,
        without_token: None,
    };
    answer!(
        h.app
            .send_request("c1", request("POST", format!("{hello}/api/echo")))
            .await
    );
    answer!(
        h.app
            .send_request("c2", request("GET", format!("{hello}/api/hello")))
            .await
    );
    let restricted = apps
        .iter()
        .find(|a| a.name == "finance")
        .and_then(|a| a.url.clone())
        .unwrap();
    answer!(
        h.app
            .send_request("c3", request("GET", format!("{restricted}/api/hello")))
            .await
    );
    answer!(
        h.app
            .send_request(
                "c4",
                request("GET", "https://elsewhere.localhost:1/api".into())
            )
            .await
    );
    answer!(
        h.app
            .send_request("c5", request("GET", "not a url".into()))
            .await
    );
    let progress = std::sync::Mutex::new(Vec::new());
    answer!(
        h.app
            .diagnose(
                Some(SANDBOX_CONNECTION),
                &format!("{restricted}/api/hello"),
                "GET",
                Some("c3"),
                &|f| progress.lock().unwrap().push(f.clone()),
            )
            .await
    );
    h.record(&*progress.lock().unwrap());
    answer!(h.app.export_report());
    answer!(h.app.history(None, ""));
    answer!(h
        .app
        .save_request("c", "echo", request("POST", format!("{hello}/api/echo"))));
    answer!(h.app.saved_requests());
    answer!(h.app.snippets(request("POST", format!("{hello}/api/echo"))));
    answer!(h.app.scope_matrix(SANDBOX_CONNECTION).await);
    answer!(h.app.inspect_token(SANDBOX_CONNECTION).await);
    answer!(
        h.app
            .set_trusted_hosts(SANDBOX_CONNECTION, vec!["gw.example".into()])
            .await
    );
    answer!(h.app.save_network_settings(NetworkSettings {
        proxy: Some("http://me:proxy-pass-canary@127.0.0.1:9".into()),
        no_proxy: Some("localhost,.localhost".into()),
        ca_bundle: None,
        env_proxy: None,
    }));
    answer!(h.app.network_settings());
    answer!(h.app.overview().await);

    // The access view, a check run and their exports.
    answer!(
        h.app
            .access_view(SANDBOX_CONNECTION, Some("/api/hello"))
            .await
    );
    let out = h.dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    answer!(h.app.save_access_report(
        lakegate::access::AccessFormat::Markdown,
        &out.join("access.md").display().to_string(),
        false
    ));
    let check_file = out.join("smoke.json");
    std::fs::write(
        &check_file,
        r#"{ "name": "Smoke", "checks": [
            { "name": "hello", "app": "hello", "path": "/api/hello",
              "expect": { "json": [ { "pointer": "/user", "equals": "nobody" } ] } },
            { "name": "finance", "app": "finance", "path": "/api/hello" } ] }"#,
    )
    .unwrap();
    let outcomes = std::sync::Mutex::new(Vec::new());
    answer!(
        h.app
            .run_check_file(
                &check_file.display().to_string(),
                SANDBOX_CONNECTION,
                &|o, _, _| outcomes.lock().unwrap().push(o.clone()),
            )
            .await
    );
    h.record(&*outcomes.lock().unwrap());
    for (format, name) in [
        (lakegate::checks::ReportFormat::Junit, "checks.xml"),
        (lakegate::checks::ReportFormat::Markdown, "checks.md"),
        (lakegate::checks::ReportFormat::Json, "checks-report.json"),
    ] {
        answer!(h
            .app
            .save_check_report(format, &out.join(name).display().to_string(), false));
    }
    // Links and pasted curl commands that carry credentials of every kind.
    answer!(h
        .app
        .request_link(&request("GET", format!("{hello}/api/hello"))));
    answer!(
        h.app
            .open_link(
                &format!(
                    "lakegate://open?url={}",
                    url::form_urlencoded::byte_serialize(
                        format!("{hello}/api/hello?access_token=link-canary").as_bytes()
                    )
                    .collect::<String>()
                ),
                None
            )
            .await
    );
    let pasted = format!(
        "curl -H 'X-Api-Key: curl-canary-1' -H 'X-Forwarded-Access-Token: curl-canary-2' -u me:curl-canary-3 '{}/api/hello?access_token=curl-canary-4&q=1'",
        hello.replace("https://", "https://me:curl-canary-5@")
    );
    let imported = h.app.import_curl(&pasted, None).await.unwrap();
    h.record(&imported);
    assert!(
        imported.notes.iter().any(|n| n.contains("X-Api-Key")
            && n.contains("X-Forwarded-Access-Token")
            && n.contains("user-info")),
        "what was left out is named: {:?}",
        imported.notes
    );
    // Sent as imported (its query as pasted), then written down: history, saved, snippets.
    answer!(h.app.send_request("c6", imported.request.clone()).await);
    answer!(h.app.save_request("c", "pasted", imported.request.clone()));
    answer!(h.app.snippets(imported.request.clone()));
    answer!(h.app.history(None, ""));

    let token = h
        .app
        .access_token_for_clipboard(SANDBOX_CONNECTION)
        .await
        .unwrap();
    let mut everything = h.ipc.lock().unwrap().clone();
    // The exported report's files too, and every file written under the home.
    let mut files = Vec::new();
    collect(&h.dir, &mut files);
    let mut written = String::new();
    // (The sandbox's own files, a CA and keys, are the server's, not Lakegate's.)
    for f in files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "sandbox"))
    {
        if let Ok(text) = std::fs::read_to_string(f) {
            written.push_str(&text);
        }
    }
    for canary in ["curl-canary-4", "link-canary", "typed-by-hand"] {
        assert!(!written.contains(canary), "{canary} written down");
    }
    everything.push_str(&written);
    // A query value the person pasted goes back to the window that holds it, only there.
    let everything = everything.replace("curl-canary-4", "");
    assert!(
        everything.contains("/api/echo"),
        "the log holds the answers"
    );
    assert!(everything.contains("403"), "and the failures");
    assert!(!everything.contains(token.expose_secret()));
    assert!(
        !everything.contains("typed-by-hand"),
        "typed Authorization values are redacted"
    );
    for canary in [
        "curl-canary-1",
        "curl-canary-2",
        "curl-canary-3",
        "curl-canary-5",
        "link-canary",
    ] {
        assert!(
            !everything.contains(canary),
            "{canary} reached the window or a file"
        );
    }
    assert!(
        !everything.contains("proxy-pass-canary"),
        "the proxy password stays in the keychain"
    );
    for shape in ["doau", "dose", "dapi", "eyJ"] {
        assert!(
            !everything.contains(shape),
            "{shape}-shaped secret in what the window got"
        );
    }
}

/// The guide's scenarios done for real in the window: its playground's failures found on
/// the sandbox's apps (each one fails), the sandbox's service principal added as a
/// connection (client credentials, no browser) that sends, and Lakegate's headless side run
/// with only a Databricks App's environment — and no secret in anything the window gets.
#[tokio::test]
async fn the_guide_does_each_scenario_for_real() {
    use lakegate::engine::SANDBOX_SERVICE_PRINCIPAL;
    let h = keychain_harness();
    sign_in_to_sandbox(&h).await;
    let g = h
        .app
        .guide(SANDBOX_CONNECTION, Some("hello"))
        .await
        .unwrap();
    h.record(&g);
    assert_eq!(g.steps.len(), lakegate::guide::STEPS.len());
    // The page's own scopes as it spells them, with the word on its file.files.
    assert_eq!(g.page_scopes, ["sql", "file.files", "dashboards.genie"]);
    assert!(
        g.page_scope_hints.iter().any(|h| h.contains("files.files")),
        "{:?}",
        g.page_scope_hints
    );
    assert!(g.person);
    assert_eq!(
        g.held_scopes.as_deref(),
        Some(&["all-apis".to_string(), "offline_access".to_string()][..])
    );
    // Alice may not read hello's permissions: CAN USE is unknown, so the requirements
    // are not ticked for her (the core ticks them only when all three are met).
    assert_eq!(
        g.done.contains(&"requirements".to_string()),
        g.requirements
            .iter()
            .all(|r| r.state == lakegate::guide::Met::Yes),
        "{:?}",
        g.requirements
            .iter()
            .map(|r| (r.id.clone(), r.state, r.said.render("en")))
            .collect::<Vec<_>>()
    );
    let ids: Vec<&str> = g.trials.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "expired",
            "scopes",
            "no-can-use",
            "wrong-app",
            "stopped",
            "wrong-path",
            "proxy"
        ]
    );
    let on_sandbox = |url: &str| {
        let mut req = common::request(url.to_string());
        req.connection = Some(SANDBOX_CONNECTION.into());
        req
    };
    for trial in &g.trials {
        if trial.armed {
            h.app.arm_guide_trial(&trial.id).await.unwrap();
        }
        match h.app.send_request("trial", on_sandbox(&trial.url)).await {
            Ok(r) => assert!(
                !(200..300).contains(&r.status),
                "{} answered {}",
                trial.id,
                r.status
            ),
            Err(e) => assert!(
                matches!(trial.id.as_str(), "wrong-app" | "proxy"),
                "{}: {e}",
                trial.id
            ),
        }
        if trial.id == "proxy" {
            // The company proxy refused the tunnel to the apps' domain, said so; a proxy
            // set already is never replaced; cleared in Settings → Network, all answers.
            let Err(e) = h.app.send_request("proxy", on_sandbox(&trial.url)).await else {
                panic!("the company proxy let the app through");
            };
            assert!(e.to_string().contains("refused to open a tunnel"), "{e}");
            assert!(matches!(
                h.app.arm_guide_trial("proxy").await,
                Err(UiError::InvalidInput { .. })
            ));
            let now = h.app.network_settings().unwrap();
            assert!(now.proxy.is_some());
            h.app
                .save_network_settings(lakegate::bridge::NetworkSettings { proxy: None, ..now })
                .unwrap();
            let cleared = h.app.send_request("proxy", on_sandbox(&trial.url)).await;
            assert_eq!(cleared.unwrap().status, 200);
            // Set again and left: the next start takes the playground's proxy away, and
            // nothing else of Settings → Network.
            h.app.arm_guide_trial("proxy").await.unwrap();
            h.app.forget_guide_proxy();
            let after = h.app.network_settings().unwrap();
            assert_eq!(after.proxy, None);
            // Where NO_PROXY would let the apps bypass it, the trial says so instead.
            h.app
                .save_network_settings(lakegate::bridge::NetworkSettings {
                    no_proxy: Some("localhost".into()),
                    ..after
                })
                .unwrap();
            assert!(matches!(
                h.app.arm_guide_trial("proxy").await,
                Err(UiError::InvalidInput { .. })
            ));
            let now = h.app.network_settings().unwrap();
            h.app
                .save_network_settings(lakegate::bridge::NetworkSettings {
                    no_proxy: None,
                    ..now
                })
                .unwrap();
            assert!(matches!(
                h.app.arm_guide_trial("no-such-trial").await,
                Err(UiError::InvalidInput { .. })
            ));
        }
    }
    // The expired token was refused once, as a sign-in redirect (the record's answer):
    // sent again with a fresh token, it answers.
    h.app.arm_guide_trial("expired").await.unwrap();
    let refused = h
        .app
        .send_request("expired", on_sandbox(&g.trials[0].url))
        .await
        .unwrap();
    assert_eq!(refused.status, 302);
    let again = h
        .app
        .send_request("again", on_sandbox(&g.trials[0].url))
        .await
        .unwrap();
    assert_eq!(again.status, 200);
    let send_url = g.send_url.clone().unwrap();
    assert_eq!(
        send_url,
        format!(
            "{}{}",
            g.app_url.clone().unwrap().trim_end_matches('/'),
            g.path
        )
    );

    // The service principal: a connection beside the sandbox's own, once.
    let sp = h.app.add_sandbox_service_principal().await.unwrap();
    h.record(&sp);
    assert_eq!(sp.name, SANDBOX_SERVICE_PRINCIPAL);
    assert_eq!(sp.kind, ConnectionKindName::ServicePrincipal);
    let again = h.app.add_sandbox_service_principal().await.unwrap();
    assert_eq!(again.name, sp.name);
    let names: Vec<String> = h
        .app
        .overview()
        .await
        .unwrap()
        .connections
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| *n == SANDBOX_SERVICE_PRINCIPAL)
            .count(),
        1,
        "{names:?}"
    );
    let inspected = h
        .app
        .inspect_token(SANDBOX_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    h.record(&inspected);
    assert_eq!(inspected.subject.as_deref(), sp.client_id.as_deref());
    let mut as_sp = common::request(send_url.clone());
    as_sp.connection = Some(SANDBOX_SERVICE_PRINCIPAL.into());
    let answered = h.app.send_request("as-sp", as_sp).await.unwrap();
    assert_eq!(answered.status, 200);
    // Signing the person out leaves the service principal as it was.
    h.app.sign_out(SANDBOX_CONNECTION).await.unwrap();
    assert!(h.app.inspect_token(SANDBOX_SERVICE_PRINCIPAL).await.is_ok());

    // One app calling another: the headless side with only an app's environment.
    h.app
        .use_headless_exe(env!("CARGO_BIN_EXE_lakegate").into());
    let run = h.app.guide_run_as_app(&send_url).await.unwrap();
    h.record(&run);
    assert_eq!(run.exit_code, Some(0), "{}", run.output);
    assert!(run.output.starts_with("HTTP 200"), "{}", run.output);
    assert!(
        run.command.contains("DATABRICKS_CLIENT_ID="),
        "{}",
        run.command
    );
    assert!(matches!(
        h.app.guide_run_as_app("http://example.com/api/x").await,
        Err(UiError::InvalidInput { .. })
    ));
    // A real workspace's page of service principals is the workspace's; the sandbox has none.
    assert!(h
        .app
        .open_service_principals_page(SANDBOX_CONNECTION)
        .await
        .is_err());

    let log = h.ipc.lock().unwrap().clone();
    // The sandbox's secrets are `dose` and 32 hex digits.
    for (i, _) in log.match_indices("dose") {
        let after = &log[i + 4..];
        let hex = after.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        assert!(hex < 32, "a secret crossed to the window");
    }
    assert!(!log.contains("eyJ"), "a token crossed to the window");
}

/// A browser that cannot reach the window's listener (Lakegate on a remote machine, in WSL
/// or a container): the address it ended on, pasted into the window, finishes the sign-in
/// — once, and only this sign-in's answer.
#[tokio::test]
async fn a_sign_in_the_browser_cannot_bring_back_is_finished_by_pasting_its_address() {
    let h = keychain_harness();
    h.app.start_sandbox().await.unwrap();
    // No browser comes back here (the harness's browser has no CA yet: it opens nothing).
    let started = h.app.begin_sign_in(SANDBOX_CONNECTION).await.unwrap();
    h.record(&started);
    assert!(matches!(
        h.app
            .paste_sign_in(SANDBOX_CONNECTION, "http://localhost:8020/?code=x")
            .await,
        Err(UiError::NotFound { .. })
    ));
    let ended_on = common::browse_to(
        started.link.clone(),
        h.dir.join("data/sandbox/ca.pem"),
        "alice@example.com".into(),
    )
    .await;
    let pasting = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let forged = h
            .app
            .paste_sign_in(
                SANDBOX_CONNECTION,
                "http://localhost:8020/?code=abc&state=forged",
            )
            .await;
        assert!(
            matches!(&forged, Err(UiError::InvalidInput { .. })),
            "{forged:?}"
        );
        h.app.paste_sign_in(SANDBOX_CONNECTION, &ended_on).await
    };
    let (done, pasted) = tokio::join!(h.app.finish_sign_in(SANDBOX_CONNECTION), pasting);
    pasted.unwrap();
    let done = done.unwrap();
    h.record(&done);
    assert_eq!(done.signed_in_as.as_deref(), Some("alice@example.com"));
    assert!(matches!(
        h.app.paste_sign_in(SANDBOX_CONNECTION, &ended_on).await,
        Err(UiError::NotFound { .. })
    ));
    let log = h.ipc.lock().unwrap().clone();
    let code = common::query_of(&ended_on)["code"].clone();
    assert!(!log.contains(&code), "the code never crosses to the window");
}
