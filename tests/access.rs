//! The access view against the sandbox over real HTTPS: two people (signed in through the
//! sandbox's sign-in page) and two service principals; permissions found directly, through
//! a group, as managers, and unknown where no identity may read an app's list; scopes;
//! Check all with real calls; exports without secrets; `lakegate access` headless.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lakegate::access::{AccessMatrix, Permission};
use lakegate::base::secrets::{Keychain, SecretStore};
use lakegate::bridge::{ConnectionKindName, NewConnection};
use lakegate::engine::Engine;
use lakegate::sandbox::{Sandbox, SandboxConfig};

struct Team {
    sb: Sandbox,
    app: Engine,
    dir: PathBuf,
}

fn connection(
    name: &str,
    sb: &Sandbox,
    kind: ConnectionKindName,
    sp: Option<usize>,
) -> NewConnection {
    let sp = sp.map(|i| &sb.info.service_principals[i]);
    NewConnection {
        name: name.into(),
        host: sb.info.host.clone(),
        kind,
        client_id: sp.map(|s| s.client_id.clone()),
        redirect_uri: None,
        scopes: vec![],
        secret: sp.map(|s| s.client_secret.clone()),
        profile: None,
        ca_bundle: Some(sb.info.ca_file.display().to_string()),
    }
}

/// alice and bob signed in (one after the other: both use the CLI client's fixed
/// loopback port), reporting-bot and sql-only-bot by their secrets, carol never signed in.
async fn team() -> Team {
    static N: AtomicU64 = AtomicU64::new(0);
    let sb = common::default_sandbox().await;
    let dir = std::env::temp_dir().join(format!(
        "lakegate-access-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let keychain = Arc::new(Keychain::with_service(&format!(
        "lakegate-test-access-{}-{}",
        std::process::id(),
        sb.addr.port()
    )));
    let probe = keychain.clone();
    let next = Arc::new(Mutex::new(String::new()));
    let app = Engine::with_parts(
        Arc::new(common::Person {
            ca: Arc::new(Mutex::new(Some(sb.info.ca_file.clone()))),
            user: next.clone(),
        }),
        keychain as Arc<dyn SecretStore>,
        Box::new(move || probe.probe()),
        dir.join("config"),
        dir.join("data"),
        Box::new(|_| None),
    );
    for (name, kind, sp) in [
        ("alice", ConnectionKindName::User, None),
        ("bob", ConnectionKindName::User, None),
        ("carol", ConnectionKindName::User, None),
        (
            "reporting-bot",
            ConnectionKindName::ServicePrincipal,
            Some(0),
        ),
        (
            "sql-only-bot",
            ConnectionKindName::ServicePrincipal,
            Some(1),
        ),
    ] {
        app.add_connection(connection(name, &sb, kind, sp))
            .await
            .unwrap();
    }
    for (name, email) in [("alice", "alice@example.com"), ("bob", "bob@example.com")] {
        *next.lock().unwrap() = email.into();
        app.begin_sign_in(name).await.unwrap();
        let done = app.finish_sign_in(name).await.unwrap();
        assert_eq!(done.signed_in_as.as_deref(), Some(email));
    }
    Team { sb, app, dir }
}

fn cell<'a>(m: &'a AccessMatrix, app: &str, who: &str) -> &'a lakegate::access::AccessCell {
    m.apps
        .iter()
        .find(|a| a.app == app)
        .unwrap()
        .cells
        .iter()
        .find(|c| c.connection == who)
        .unwrap()
}

#[tokio::test]
async fn who_can_call_which_app_from_live_answers() {
    let t = team().await;
    let m = t.app.access_matrix("alice", None).await.unwrap();
    assert_eq!(m.host, t.sb.info.host);
    assert_eq!(m.apps.len(), 7);
    let names: Vec<&str> = m.identities.iter().map(|i| i.connection.as_str()).collect();
    for n in ["alice", "bob", "carol", "reporting-bot", "sql-only-bot"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let id = |n: &str| m.identities.iter().find(|i| i.connection == n).unwrap();
    assert_eq!(id("alice").who.as_deref(), Some("alice@example.com"));
    assert_eq!(
        id("alice").groups.as_deref(),
        Some(&["users".to_string(), "analysts".to_string()][..])
    );
    assert_eq!(id("reporting-bot").kind, "service principal");
    assert_eq!(id("reporting-bot").who.as_deref(), Some("reporting-bot"));
    assert!(id("carol")
        .problem
        .as_deref()
        .unwrap()
        .contains("not signed in"));

    // sales: bob manages it, so its list can be read; alice holds CAN USE through a group.
    let sales = m.apps.iter().find(|a| a.app == "sales").unwrap();
    assert_eq!(sales.acl_read_by.as_deref(), Some("bob"));
    assert!(
        sales
            .managers
            .iter()
            .any(|m| m.contains("bob@example.com") || m.contains("Bob")),
        "{:?}",
        sales.managers
    );
    let alice = cell(&m, "sales", "alice");
    assert_eq!(
        (alice.permission, alice.via.as_deref()),
        (Permission::CanUse, Some("group users"))
    );
    assert_eq!(
        alice.scopes_covered,
        Some(false),
        "alice signed in without sql"
    );
    assert_eq!(alice.missing_scopes, ["sql"]);
    assert!(alice.red);
    assert_eq!(cell(&m, "sales", "bob").permission, Permission::CanManage);
    assert_eq!(
        cell(&m, "sales", "reporting-bot").via.as_deref(),
        Some("direct")
    );
    // finance: through the finance group for bob's team, and nothing for alice or the bots.
    assert_eq!(cell(&m, "finance", "alice").permission, Permission::None);
    assert_eq!(
        cell(&m, "finance", "reporting-bot").permission,
        Permission::None
    );
    assert_eq!(cell(&m, "finance", "bob").permission, Permission::CanManage);
    // hello: no identity here may read its list: unknown, never "no".
    let hello = m.apps.iter().find(|a| a.app == "hello").unwrap();
    assert_eq!(hello.acl_read_by, None);
    assert_eq!(hello.managers, ["admin@example.com"]);
    for c in &hello.cells {
        assert_eq!(c.permission, Permission::Unknown, "{c:?}");
        assert!(c
            .words()
            .contains("unknown — ask one of the app's managers"));
    }
    // carol was never signed in: every cell of hers is unknown, scopes too.
    assert_eq!(cell(&m, "sales", "carol").permission, Permission::Unknown);
    assert_eq!(cell(&m, "sales", "carol").scopes_covered, None);
    assert!(
        m.checked_path.is_none()
            && m.apps
                .iter()
                .all(|a| a.cells.iter().all(|c| c.status.is_none()))
    );
}

#[tokio::test]
async fn check_all_calls_every_app_as_every_identity_and_exports_hold_no_secret() {
    let t = team().await;
    let m = t
        .app
        .access_matrix("reporting-bot", Some("/api/hello"))
        .await
        .unwrap();
    assert_eq!(m.checked_path.as_deref(), Some("/api/hello"));
    assert_eq!(cell(&m, "hello", "alice").status, Some(200));
    assert_eq!(cell(&m, "hello", "reporting-bot").status, Some(200));
    // An unknown permission, and the call shows the truth.
    assert_eq!(cell(&m, "hello", "bob").permission, Permission::Unknown);
    assert_eq!(cell(&m, "hello", "bob").status, Some(200));
    assert_eq!(cell(&m, "finance", "alice").status, Some(403));
    assert_eq!(cell(&m, "finance", "bob").status, Some(200));
    assert_eq!(cell(&m, "sales", "alice").status, Some(403), "no sql scope");
    assert!(cell(&m, "hello", "carol")
        .error
        .as_deref()
        .unwrap()
        .contains("not signed in"));
    let report = m.apps.iter().find(|a| a.app == "report").unwrap();
    assert!(
        report.cells.iter().all(|c| c.red),
        "a stopped app is red for everyone"
    );

    let md = lakegate::access::to_markdown(&m);
    let csv = lakegate::access::to_csv(&m);
    assert!(md.contains("Each app was called at `/api/hello`"));
    assert!(
        md.contains("- **alice** on **finance**: CAN USE on finance"),
        "{md}"
    );
    assert!(
        csv.contains("finance,alice,person,no permission,,yes,,403,"),
        "{csv}"
    );
    let json = serde_json::to_string(&m).unwrap();
    for sp in &t.sb.info.service_principals {
        for text in [&md, &csv, &json] {
            assert!(!text.contains(&sp.client_secret));
        }
    }
    for text in [&md, &csv, &json] {
        assert!(!text.contains("eyJ"), "no token");
    }
    assert!(
        t.app
            .access_matrix("alice", Some("api/hello"))
            .await
            .is_err(),
        "a path starts with /"
    );
    let _ = std::fs::remove_dir_all(&t.dir);
}

// Multi-threaded: the sandbox serves on the runtime's workers while this thread waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lakegate_access_headless_as_the_environments_service_principal() {
    let b = common::workbench(SandboxConfig::default()).await;
    let md = b.dir.join("access.md");
    let csv = b.dir.join("access.csv");
    let out = common::cli(&b, &b.sb.info.ca_file)
        .args(["access", "--path", "/api/hello", "--markdown"])
        .arg(&md)
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.contains("hello,env,service principal,unknown,its access list cannot be read by any identity here,yes,,200,"), "{csv}");
    assert!(csv.contains("finance,env,service principal,unknown,its access list cannot be read by any identity here,yes,,401,"), "{csv}");
    assert!(std::fs::read_to_string(&md).unwrap().contains("| hello |"));
    let out = common::cli(&b, &b.sb.info.ca_file)
        .args(["access", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["apps"].as_array().unwrap().len(), 7);
    let out = common::cli(&b, &b.sb.info.ca_file)
        .arg("access")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Who can call which app at"), "{text}");
    assert!(!text.contains(&b.sb.info.service_principals[0].client_secret));
}
