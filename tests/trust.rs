//! The trust boundary: a connection's token goes only over https to its workspace, its
//! apps, the Databricks Apps domains and the hosts a person typed in, through every door
//! (window operations, `lakegate call`, `lakegate doctor`, endpoint discovery, a hostile
//! OpenAPI document); the Doctor never repeats a request that is not safe to repeat; a
//! reused connection name never carries the old workspace's state.
//!
//! The "foreign host" is a recording listener whose certificate is trusted, so when
//! nothing reaches it, Lakegate refused, not the TLS handshake (the trusted-host test
//! shows the same listener does get the token once it is allowed).

mod common;

use std::sync::Arc;

use common::recorder::{self, Recorder};
use lakegate::base::error::UiError;
use lakegate::bridge::{ConnectionKindName, NetworkSettings, NewConnection};
use lakegate::doctor::Verdict;
use lakegate::sandbox::SandboxConfig;

/// A workbench ("bot" on a sandbox) and a recorder at `elsewhere.localhost` whose
/// certificate every connection trusts.
async fn bench_and_recorder(answer: recorder::Answer) -> (common::Bench, Recorder) {
    let b = common::workbench(SandboxConfig::default()).await;
    let rec = recorder::start("elsewhere.localhost", true, answer).await;
    trust_ca(&b, &rec);
    (b, rec)
}

fn trust_ca(b: &common::Bench, rec: &Recorder) {
    b.app
        .save_network_settings(NetworkSettings {
            proxy: None,
            no_proxy: None,
            ca_bundle: Some(rec.ca_file.as_ref().unwrap().display().to_string()),
            env_proxy: None,
        })
        .unwrap();
}

#[tokio::test]
async fn a_foreign_host_never_sees_the_token_and_may_get_the_request_without_it() {
    let (b, rec) = bench_and_recorder(recorder::ok()).await;
    let mut r = common::request(format!("{}/api/items", rec.origin));
    match b.app.send_request("r1", r.clone()).await {
        Err(UiError::TokenRefused { message, host }) => {
            assert_eq!(host, rec.authority);
            assert!(
                message.contains(&rec.authority) && message.contains("without the token"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(rec.seen().is_empty(), "refused before connecting");

    r.without_token = Some(true);
    let answer = b.app.send_request("r2", r).await.unwrap();
    assert_eq!(answer.status, 200);
    let seen = rec.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(rec.with_authorization(), 0);
}

/// An Apps host takes the token only when the workspace id in its name is the connection's:
/// the sandbox's app hosts carry its id (`<app>-<id>.apps.localhost`), as Databricks' do
/// (`<app>-<id>.aws.databricksapps.com`). The id is learned from the workspace on first
/// need and kept with the saved connection.
#[tokio::test]
async fn apps_of_another_workspace_never_get_the_token() {
    let b = common::workbench(SandboxConfig::default()).await;
    let id = b.sb.info.workspace_id.clone();
    let hello = common::app_url(&b.sb, "hello");
    assert!(hello.contains(&format!("-{id}.")), "{hello}");

    let foreign = hello.replace(&format!("-{id}."), "-999999.");
    match b
        .app
        .send_request("o1", common::request(format!("{foreign}/api/hello")))
        .await
    {
        Err(UiError::TokenRefused { message, .. }) => {
            assert!(
                message.contains("999999") && message.contains(&id),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    // An app of this workspace that the Apps API does not list: the id is what counts.
    let unlisted = hello.replace("hello-", "not-listed-");
    let answer = b
        .app
        .send_request("o2", common::request(format!("{unlisted}/api/hello")))
        .await;
    assert!(
        !matches!(answer, Err(UiError::TokenRefused { .. })),
        "{answer:?}"
    );
    let saved = std::fs::read_to_string(b.dir.join("config/connections.json")).unwrap();
    assert!(
        saved.contains(&format!("\"workspace_id\": \"{id}\"")),
        "kept with the connection: {saved}"
    );
}

#[tokio::test]
async fn http_never_carries_the_token_not_even_to_the_workspace_host() {
    let b = common::workbench(SandboxConfig::default()).await;
    let rec = recorder::start("localhost", false, recorder::ok()).await;
    let r = common::request(format!("{}/api/2.0/apps", rec.origin));
    match b.app.send_request("h1", r).await {
        Err(UiError::TokenRefused { message, .. }) => {
            assert!(
                message.contains("https") && message.contains("http"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    // An http URL on the app's own host too.
    let app = common::app_url(&b.sb, "hello").replace("https://", "http://");
    assert!(matches!(
        b.app
            .send_request("h2", common::request(format!("{app}/api/hello")))
            .await,
        Err(UiError::TokenRefused { .. })
    ));
    assert!(rec.seen().is_empty());
}

#[tokio::test]
async fn a_host_typed_into_the_trusted_list_gets_the_token() {
    let (b, rec) = bench_and_recorder(recorder::ok()).await;
    let view = b
        .app
        .set_trusted_hosts("bot", vec![format!(" {} ", rec.authority)])
        .await
        .unwrap();
    assert_eq!(view.trusted_hosts, std::slice::from_ref(&rec.authority));
    let overview = b.app.overview().await.unwrap();
    let bot = overview
        .connections
        .iter()
        .find(|c| c.name == "bot")
        .unwrap();
    assert_eq!(
        bot.trusted_hosts,
        std::slice::from_ref(&rec.authority),
        "kept on the connection"
    );

    let r = b
        .app
        .send_request("t1", common::request(format!("{}/api/x", rec.origin)))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        rec.with_authorization(),
        1,
        "the rig sees a token when one is sent"
    );

    for bad in [
        "https://x.example",
        "x.example/path",
        "user@x.example",
        "*.example",
    ] {
        assert!(
            matches!(
                b.app.set_trusted_hosts("bot", vec![bad.into()]).await,
                Err(UiError::InvalidInput { .. })
            ),
            "{bad}"
        );
    }
    // Another port of the same host is another host.
    let other_port = "https://elsewhere.localhost:1/api/x".to_string();
    assert!(matches!(
        b.app.send_request("t2", common::request(other_port)).await,
        Err(UiError::TokenRefused { .. })
    ));
}

#[tokio::test]
async fn endpoint_discovery_does_not_take_the_token_elsewhere() {
    let (b, rec) = bench_and_recorder(recorder::ok()).await;
    let found = b.app.discover_endpoints("bot", &rec.origin).await.unwrap();
    assert!(found.operations.is_empty());
    let problem = found.problem.unwrap();
    assert!(problem.contains(&rec.authority), "{problem}");
    assert!(rec.seen().is_empty());
}

#[tokio::test]
async fn a_hostile_openapi_document_cannot_move_a_request_to_another_host() {
    let b = common::workbench(SandboxConfig::default()).await;
    let other = recorder::start("other.localhost", true, recorder::ok()).await;
    let other_authority = other.authority.clone();
    let doc = serde_json::json!({"openapi": "3.1.0", "paths": {
        "/api/ok": {"get": {}},
        format!("@{other_authority}/api/steal"): {"get": {}},
        ".other.localhost/api/steal": {"get": {}},
        format!("//{other_authority}/api/steal"): {"get": {}},
        "https://other.localhost/api/steal": {"get": {}},
        "/api\\..\\steal": {"get": {}},
    }})
    .to_string();
    let answer: recorder::Answer = Arc::new(move |_, path| {
        if path == "/openapi.json" {
            (200, doc.clone())
        } else {
            (200, "{}".into())
        }
    });
    let app = recorder::start("app.localhost", true, answer).await;
    // One CA file trusted for both recorders: a single PEM bundle.
    let bundle = recorder::bundle(b.dir.join("both.pem"), &[app.ca(), other.ca()]);
    b.app
        .save_network_settings(NetworkSettings {
            proxy: None,
            no_proxy: None,
            ca_bundle: Some(bundle.display().to_string()),
            env_proxy: None,
        })
        .unwrap();
    // The person trusts the app's host; nothing in its document can add another.
    b.app
        .set_trusted_hosts("bot", vec![app.authority.clone()])
        .await
        .unwrap();
    let found = b.app.discover_endpoints("bot", &app.origin).await.unwrap();
    let paths: Vec<&str> = found.operations.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(paths, ["/api/ok"]);
    assert_eq!(
        app.with_authorization(),
        1,
        "the document was read with the token"
    );

    // The same paths pasted after the app's URL by hand still never reach the other host.
    for path in [
        format!("@{other_authority}/api/steal"),
        format!(".{other_authority}/api/steal"),
    ] {
        let url = format!("{}{path}", app.origin);
        let result = b.app.send_request("p", common::request(url.clone())).await;
        assert!(
            matches!(
                result,
                Err(UiError::TokenRefused { .. }) | Err(UiError::InvalidInput { .. })
            ),
            "{url}: {result:?}"
        );
    }
    assert!(other.seen().is_empty());
}

#[tokio::test]
async fn the_doctor_never_gives_the_token_to_a_foreign_host() {
    let (b, rec) = bench_and_recorder(recorder::ok()).await;
    let report = b
        .app
        .diagnose(
            Some("bot"),
            &format!("{}/api/hello", rec.origin),
            "GET",
            None,
            &|_| {},
        )
        .await
        .unwrap();
    assert!(!rec.seen().is_empty(), "the network probe reached the host");
    assert_eq!(rec.with_authorization(), 0);
    let request = report
        .findings
        .iter()
        .find(|f| f.check == lakegate::doctor::StepId::Request)
        .unwrap();
    assert_eq!(request.verdict, Verdict::Fail);
    assert!(
        request.observed.contains(&rec.authority),
        "{}",
        request.observed
    );
}

#[tokio::test]
async fn a_delete_answered_500_reaches_the_server_exactly_once() {
    let (b, rec) = bench_and_recorder(Arc::new(|method, _| match method {
        "DELETE" => (500, "{\"error\":\"boom\"}".into()),
        _ => (200, "{}".into()),
    }))
    .await;
    b.app
        .set_trusted_hosts("bot", vec![rec.authority.clone()])
        .await
        .unwrap();
    let url = format!("{}/api/items/7", rec.origin);
    let mut r = common::request(url.clone());
    r.method = "DELETE".into();
    let answer = b.app.send_request("del-1", r).await.unwrap();
    assert_eq!(answer.status, 500);

    // The automatic Doctor after it reads that answer…
    let report = b
        .app
        .diagnose(Some("bot"), &url, "DELETE", Some("del-1"), &|_| {})
        .await
        .unwrap();
    let request = report
        .findings
        .iter()
        .find(|f| f.check == lakegate::doctor::StepId::Request)
        .unwrap();
    assert!(
        request.observed.to_string().starts_with("500"),
        "{}",
        request.observed
    );
    // …and a Doctor run on its own never sends a DELETE either.
    let report = b
        .app
        .diagnose(Some("bot"), &url, "DELETE", None, &|_| {})
        .await
        .unwrap();
    let request = report
        .findings
        .iter()
        .find(|f| f.check == lakegate::doctor::StepId::Request)
        .unwrap();
    assert_eq!(request.verdict, Verdict::Skipped);
    assert!(
        request.observed.contains("not safe to repeat"),
        "{}",
        request.observed
    );

    let deletes = rec.seen().iter().filter(|s| s.method == "DELETE").count();
    assert_eq!(deletes, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_refuses_too() {
    let b = common::workbench(SandboxConfig::default()).await;
    let rec = recorder::start("elsewhere.localhost", true, recorder::ok()).await;
    // One bundle with both CAs, for SSL_CERT_FILE.
    let bundle = recorder::bundle(b.dir.join("cli.pem"), &[&b.sb.info.ca_file, rec.ca()]);
    let lakegate = |args: &[&str]| common::cli(&b, &bundle).args(args).output().unwrap();
    let url = format!("{}/api/hello", rec.origin);
    let out = tokio::task::block_in_place(|| lakegate(&["call", "GET", &url]));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&rec.authority), "{err}");
    assert!(rec.seen().is_empty());

    let out = tokio::task::block_in_place(|| lakegate(&["doctor", &url]));
    assert!(!out.status.success());
    assert_eq!(rec.with_authorization(), 0);

    // The sandbox's own app still gets it: the same command works where it should.
    let app = format!("{}/api/hello", common::app_url(&b.sb, "hello"));
    let out = tokio::task::block_in_place(|| lakegate(&["call", "GET", &app]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_reused_name_starts_from_nothing() {
    let b = common::workbench(SandboxConfig::default()).await;
    let second = common::default_sandbox().await;
    let add = |sb: &lakegate::sandbox::Sandbox| {
        let sp = &sb.info.service_principals[0];
        NewConnection {
            name: "work".into(),
            host: sb.info.host.clone(),
            kind: ConnectionKindName::ServicePrincipal,
            client_id: Some(sp.client_id.clone()),
            redirect_uri: None,
            scopes: vec![],
            secret: Some(sp.client_secret.clone()),
            profile: None,
            ca_bundle: Some(sb.info.ca_file.display().to_string()),
        }
    };
    b.app.add_connection(add(&b.sb)).await.unwrap();
    let mut r = common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello")));
    r.connection = Some("work".into());
    assert_eq!(b.app.send_request("w1", r).await.unwrap().status, 200);
    b.app.remove_connection("work").await.unwrap();

    // "work" again, for another workspace: its secret goes to that workspace's token
    // endpoint (the add checks it there) and its token to that workspace's app.
    b.app.add_connection(add(&second)).await.unwrap();
    let mut r = common::request(format!("{}/api/hello", common::app_url(&second, "hello")));
    r.connection = Some("work".into());
    assert_eq!(b.app.send_request("w2", r).await.unwrap().status, 200);
    // The first workspace's app is not this connection's any more.
    let mut r = common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello")));
    r.connection = Some("work".into());
    let stale = b.app.send_request("w3", r).await;
    assert!(
        !matches!(&stale, Ok(v) if v.status == 200),
        "the old workspace's app must not accept the new token: {stale:?}"
    );

    // Reserved names, whatever their case.
    for name in ["sandbox", "Sandbox", "SANDBOX", "Env", "Profile:x"] {
        let mut c = add(&second);
        c.name = name.into();
        assert!(
            matches!(
                b.app.add_connection(c).await,
                Err(UiError::InvalidInput { .. })
            ),
            "{name}"
        );
    }
}

#[tokio::test]
async fn discovered_endpoints_must_be_https() {
    for (what, meta) in [
        (
            "authorization_endpoint",
            r#"{"issuer":"x","authorization_endpoint":"http://{A}/oidc/v1/authorize","token_endpoint":"https://{A}/oidc/v1/token"}"#,
        ),
        (
            "token_endpoint",
            r#"{"issuer":"x","authorization_endpoint":"https://{A}/oidc/v1/authorize","token_endpoint":"http://{A}/oidc/v1/token"}"#,
        ),
        (
            "authorization_endpoint",
            r#"{"issuer":"x","authorization_endpoint":"javascript:alert(1)","token_endpoint":"https://{A}/oidc/v1/token"}"#,
        ),
    ] {
        let meta = meta.to_string();
        let answer: recorder::Answer = Arc::new(move |_, path| {
            if path.ends_with("oauth-authorization-server") {
                (200, meta.clone())
            } else {
                (404, "{}".into())
            }
        });
        let rec = recorder::start("idp.localhost", true, answer).await;
        let trust = lakegate::http::Trust {
            ca_files: vec![rec.ca_file.clone().unwrap()],
            ca_pems: vec![],
            ignore_env: true,
        };
        let client = lakegate::http::client(&trust, std::time::Duration::from_secs(10)).unwrap();
        let err = lakegate::oauth::discover(&client, &url::Url::parse(&rec.origin).unwrap())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(what)
                && err.contains("oauth-authorization-server")
                && err.contains("https"),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn every_file_lakegate_writes_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let b = common::workbench(SandboxConfig::default()).await;
    let url = format!("{}/api/hello", common::app_url(&b.sb, "hello"));
    b.app
        .send_request("f1", common::request(url.clone()))
        .await
        .unwrap();
    b.app
        .save_request("c", "hello", common::request(url.clone()))
        .unwrap();
    b.app
        .save_network_settings(NetworkSettings {
            proxy: None,
            no_proxy: Some("example.com".into()),
            ca_bundle: None,
            env_proxy: None,
        })
        .unwrap();
    b.app
        .diagnose(Some("bot"), &url, "GET", Some("f1"), &|_| {})
        .await
        .unwrap();
    b.app.export_report().unwrap();

    fn walk(p: &std::path::Path, seen: &mut Vec<(std::path::PathBuf, u32)>) {
        let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        seen.push((p.to_path_buf(), mode));
        if p.is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                walk(&e.unwrap().path(), seen);
            }
        }
    }
    let mut seen = Vec::new();
    for top in ["config", "data"] {
        walk(&b.dir.join(top), &mut seen);
    }
    let files = seen.iter().filter(|(p, _)| p.is_file()).count();
    assert!(files >= 5, "{seen:?}");
    for (path, mode) in &seen {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{} is {mode:o}", path.display());
    }

    // A profile written into a 0600 ~/.databrickscfg that is a symbolic link.
    let dotfiles = b.dir.join("dotfiles");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let real = dotfiles.join("databrickscfg");
    std::fs::write(&real, "[DEFAULT]\nhost = https://a.example\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = b.dir.join(".databrickscfg");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    lakegate::profiles::write_profile(&link, "work", &[("host", "https://b.example")]).unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().contains("[work]"));
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// What a long wait learns for a connection (here its workspace id) is kept only on that
/// connection: one of the same name added meanwhile for another host (by another Lakegate
/// on the same files) keeps none of it.
#[tokio::test]
async fn what_a_long_wait_learns_goes_only_to_its_own_connection() {
    use lakegate::connections::{Connection, ConnectionKind, ConnectionStore, Session};
    let sb = common::default_sandbox().await;
    let dir = std::env::temp_dir().join(format!("lakegate-learned-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = ConnectionStore::in_dir(&dir);
    let mut first = Connection::new("work", &sb.info.host, ConnectionKind::PersonalAccessToken);
    first.ca_pem = Some(std::fs::read_to_string(&sb.info.ca_file).unwrap());
    store.add(first.clone()).unwrap();
    let session = Session::new(
        Arc::new(lakegate::base::secrets::MemoryStore::default()),
        Arc::new(lakegate::base::host::HeadlessHost { no_browser: true }),
        Some(ConnectionStore::in_dir(&dir)),
    );
    // Meanwhile the name is removed and added again for another workspace.
    store
        .save(&[Connection::new(
            "work",
            "https://other.example",
            ConnectionKind::PersonalAccessToken,
        )])
        .unwrap();
    assert_eq!(
        session.workspace_id(&first).await.as_deref(),
        Some(sb.info.workspace_id.as_str())
    );
    let (now, _) = store.load().unwrap();
    assert_eq!(now[0].host, "https://other.example");
    assert_eq!(
        now[0].workspace_id, None,
        "the other workspace learned nothing"
    );
    // While the connection is still the one it learned for, it keeps what it learned.
    store.save(&[first.clone()]).unwrap();
    let session = Session::new(
        Arc::new(lakegate::base::secrets::MemoryStore::default()),
        Arc::new(lakegate::base::host::HeadlessHost { no_browser: true }),
        Some(ConnectionStore::in_dir(&dir)),
    );
    session.workspace_id(&first).await;
    let (now, _) = store.load().unwrap();
    assert_eq!(
        now[0].workspace_id.as_deref(),
        Some(sb.info.workspace_id.as_str())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
