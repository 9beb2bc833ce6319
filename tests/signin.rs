//! Sign-in, tokens and secrets against the sandbox over real HTTPS, with the real
//! Secret Service (make test runs this inside tests/with-keyring.sh).

mod common;

use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use lakegate::base::host::{BoxFuture, Host, HostError, ProgramOutput};
use lakegate::base::secrets::{Keychain, SecretStore};
use lakegate::connections::{Connection, ConnectionKind, ConnectionStore, Session, TokenError};
use lakegate::oauth::{self, GrantError, LoginError, LoginOptions, PendingLogin, RedirectChoice};
use lakegate::sandbox::{Faults, Sandbox, SandboxConfig};
use secrecy::{ExposeSecret, SecretString};

/// A "browser" that follows the sign-in link like a person with the sandbox's
/// auto-approve: sandbox authorize → 302 → the loopback redirect.
struct FollowingBrowser {
    sandbox_client: reqwest::Client,
}

impl Host for FollowingBrowser {
    fn open_url(&self, url: &str) -> Result<(), HostError> {
        let client = self.sandbox_client.clone();
        let url = url.to_string();
        tokio::spawn(async move {
            let r = client.get(&url).send().await.expect("authorize answers");
            let location = r.headers()["location"].to_str().unwrap().to_string();
            reqwest::Client::new()
                .get(location)
                .send()
                .await
                .expect("the loopback listener answers");
        });
        Ok(())
    }
    fn run<'a>(
        &'a self,
        program: &'a str,
        _: &'a [String],
    ) -> BoxFuture<'a, Result<ProgramOutput, HostError>> {
        Box::pin(async move {
            Err(HostError::NotFound {
                program: program.into(),
            })
        })
    }
}

fn keychain() -> Arc<Keychain> {
    static N: AtomicU64 = AtomicU64::new(0);
    Arc::new(Keychain::with_service(&format!(
        "lakegate-test-signin-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )))
}

struct Fixture {
    sb: Sandbox,
    secrets: Arc<Keychain>,
    dir: std::path::PathBuf,
    offset: Arc<AtomicU64>,
    session: Session,
}

async fn fixture(config: SandboxConfig) -> Fixture {
    let sb = sandbox(SandboxConfig {
        auto_approve: Some("alice@example.com".into()),
        ..config
    })
    .await;
    let secrets = keychain();
    let dir = std::env::temp_dir().join(format!(
        "lakegate-signin-{}-{}",
        std::process::id(),
        sb.addr.port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let offset = Arc::new(AtomicU64::new(0));
    let clock_offset = offset.clone();
    let host = Arc::new(FollowingBrowser {
        sandbox_client: client(&sb),
    });
    let session = Session::new(secrets.clone(), host, Some(ConnectionStore::in_dir(&dir)))
        .with_clock(Arc::new(move || {
            oauth::unix_now() + clock_offset.load(Ordering::SeqCst)
        }));
    Fixture {
        sb,
        secrets,
        dir,
        offset,
        session,
    }
}

fn user_connection(sb: &Sandbox, name: &str) -> Connection {
    let mut c = Connection::new(
        name,
        &sb.info.host,
        ConnectionKind::User {
            client_id: "databricks-cli".into(),
            redirect_uri: None,
            scopes: vec![],
        },
    );
    c.ca_bundle = Some(sb.info.ca_file.clone());
    c
}

async fn sign_in_user(f: &Fixture, conn: &Connection) -> String {
    ConnectionStore::in_dir(&f.dir).add(conn.clone()).unwrap();
    let (pending, http) = f.session.begin_sign_in(conn, None).await.unwrap();
    f.session.host().open_url(&pending.authorize_url).unwrap();
    let tokens = pending.finish(&http, std::future::pending()).await.unwrap();
    f.session
        .complete_sign_in(conn, tokens, &http)
        .await
        .unwrap()
}

fn stored(f: &Fixture, conn: &Connection) -> serde_json::Value {
    let raw = f
        .secrets
        .get(&conn.keychain_account())
        .unwrap()
        .expect("keychain entry");
    serde_json::from_str(raw.expose_secret()).unwrap()
}

#[tokio::test]
async fn user_sign_in_keeps_tokens_in_the_keychain_and_nothing_in_files() {
    let f = fixture(SandboxConfig::default()).await;
    let conn = user_connection(&f.sb, "work");
    assert_eq!(sign_in_user(&f, &conn).await, "alice@example.com");

    let entry = stored(&f, &conn);
    let refresh = entry["refresh_token"]
        .as_str()
        .expect("refresh token kept")
        .to_string();
    let access = entry["access_token"].as_str().unwrap().to_string();
    let c = claims(&access);
    assert_eq!(c["scope"], "all-apis offline_access");
    assert_eq!(c["client_id"], "databricks-cli");

    // The token works on the sandbox app.
    let token = f.session.access_token(&conn).await.unwrap();
    let r = client(&f.sb)
        .get(format!("{}/api/hello", app_url(&f.sb, "hello")))
        .bearer_auth(token.token.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // connections.json names who signed in and holds no secret.
    let text = std::fs::read_to_string(f.dir.join("connections.json")).unwrap();
    assert!(text.contains("alice@example.com"));
    assert!(!text.contains(&refresh) && !text.contains(&access));
    assert!(
        !format!("{:?}", token.token).contains(&access),
        "tokens do not print"
    );

    // Sign out deletes every secret of the connection.
    f.session.sign_out(&conn).await.unwrap();
    assert!(f.secrets.get(&conn.keychain_account()).unwrap().is_none());
    assert!(matches!(
        f.session.access_token(&conn).await,
        Err(TokenError::SignInNeeded(_))
    ));
}

#[tokio::test]
async fn databricks_length_rs256_tokens_are_kept_and_refreshed() {
    let f = fixture(SandboxConfig {
        rs256: true,
        ..Default::default()
    })
    .await;
    let conn = user_connection(&f.sb, "long");
    sign_in_user(&f, &conn).await;
    let entry = stored(&f, &conn);
    let access = entry["access_token"].as_str().unwrap().to_string();
    assert!(access.len() > 1_000, "{} characters", access.len());
    use base64::Engine;
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(access.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    // Refresh after expiry keeps working with the split keychain entry.
    f.offset.store(3600, Ordering::SeqCst);
    let token = f.session.access_token(&conn).await.unwrap();
    let r = client(&f.sb)
        .get(format!("{}/api/hello", app_url(&f.sb, "hello")))
        .bearer_auth(token.token.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the sandbox verifies its RS256 tokens");
    // Its JWKS publishes the RSA key.
    let jwks: serde_json::Value = client(&f.sb)
        .get(format!("{}/oidc/jwks.json", f.sb.info.host))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
}

#[tokio::test]
async fn refresh_happens_five_minutes_before_expiry_and_rotates_before_use() {
    let f = fixture(SandboxConfig::default()).await;
    let conn = user_connection(&f.sb, "rotating");
    sign_in_user(&f, &conn).await;
    let first = stored(&f, &conn);
    let before = f.session.fetch_count("rotating");
    // Still valid: no network.
    f.session.access_token(&conn).await.unwrap();
    assert_eq!(f.session.fetch_count("rotating"), before);

    // 56 minutes later the token has under 5 minutes left: refresh.
    f.offset.store(3360, Ordering::SeqCst);
    let t = f.session.access_token(&conn).await.unwrap();
    assert_eq!(f.session.fetch_count("rotating"), before + 1);
    let second = stored(&f, &conn);
    assert_ne!(
        first["refresh_token"], second["refresh_token"],
        "the rotated refresh token is saved"
    );
    assert_eq!(
        second["access_token"].as_str().unwrap(),
        t.token.expose_secret(),
        "saved before it is handed out"
    );
    // The old refresh token is dead at the workspace; the saved one works.
    let http = client(&f.sb);
    let old = http
        .post(format!("{}/oidc/v1/token", f.sb.info.host))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
            ("client_id", "databricks-cli"),
        ])
        .send()
        .await
        .unwrap();
    // A spent refresh token: 401 as recorded (corpus: token-refresh-invalid-401); was 400.
    assert_eq!(old.status(), 401);
}

#[tokio::test]
async fn the_token_endpoint_down_mid_refresh_loses_nothing() {
    let f = fixture(SandboxConfig::default()).await;
    let conn = user_connection(&f.sb, "flaky");
    sign_in_user(&f, &conn).await;
    let first = stored(&f, &conn);
    let first_token = first["access_token"].as_str().unwrap().to_string();
    f.sb.set_faults(Faults {
        token_endpoint_errors: 3,
        ..Faults::default()
    });
    let before = f.session.fetch_count("flaky");

    // Four minutes left: the refresh fails, the token that still works is used.
    f.offset.store(3360, Ordering::SeqCst);
    let t = f.session.access_token(&conn).await.unwrap();
    assert_eq!(t.token.expose_secret(), first_token);
    assert_eq!(
        f.session.fetch_count("flaky"),
        before + 1,
        "a refresh was tried"
    );
    assert_eq!(stored(&f, &conn), first, "nothing in the keychain changed");

    // Expired while the endpoint is still down: a clear error, and the sign-in is kept.
    f.offset.store(3700, Ordering::SeqCst);
    let err = match f.session.access_token(&conn).await {
        Err(e) => e.to_string(),
        Ok(_) => panic!("an expired token cannot be handed out"),
    };
    assert!(
        err.contains("temporarily_unavailable") || err.contains("503"),
        "{err}"
    );
    assert!(!err.contains(first["refresh_token"].as_str().unwrap()));
    assert_eq!(stored(&f, &conn), first);
    let (saved, _) = ConnectionStore::in_dir(&f.dir).load().unwrap();
    assert!(
        !saved
            .iter()
            .find(|c| c.name == "flaky")
            .unwrap()
            .needs_sign_in
    );

    // The endpoint is back: the kept refresh token works and rotates.
    f.sb.set_faults(Faults::default());
    let t = f.session.access_token(&conn).await.unwrap();
    assert_ne!(t.token.expose_secret(), first_token);
    assert_ne!(stored(&f, &conn)["refresh_token"], first["refresh_token"]);
}

#[tokio::test]
async fn fifty_concurrent_requests_on_an_expiring_token_cause_one_refresh() {
    let f = Arc::new(fixture(SandboxConfig::default()).await);
    let conn = user_connection(&f.sb, "busy");
    sign_in_user(&f, &conn).await;
    f.offset.store(3400, Ordering::SeqCst);
    let before = f.session.fetch_count("busy");
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let f = f.clone();
        let conn = conn.clone();
        tasks.push(tokio::spawn(async move {
            f.session
                .access_token(&conn)
                .await
                .map(|t| t.token.expose_secret().to_string())
        }));
    }
    let mut tokens = Vec::new();
    for t in tasks {
        tokens.push(t.await.unwrap().expect("every request gets a token"));
    }
    assert_eq!(
        f.session.fetch_count("busy") - before,
        1,
        "exactly one refresh"
    );
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "all fifty use the same new token");
}

#[tokio::test]
async fn a_dead_refresh_token_asks_to_sign_in_again_and_keeps_the_rest() {
    let f = fixture(SandboxConfig::default()).await;
    let mut conn = user_connection(&f.sb, "dead");
    conn.kind = ConnectionKind::User {
        client_id: "databricks-cli".into(),
        redirect_uri: None,
        scopes: vec!["all-apis".into(), "sql".into()],
    };
    sign_in_user(&f, &conn).await;
    f.sb.revoke_refresh_tokens();
    f.offset.store(3500, Ordering::SeqCst);
    match f.session.access_token(&conn).await {
        Err(TokenError::SignInAgain { connection, reason }) => {
            assert_eq!(connection, "dead");
            assert!(reason.contains("Refresh token is invalid"), "{reason}");
        }
        Err(other) => panic!("expected SignInAgain, got {other}"),
        Ok(_) => panic!("expected SignInAgain, got a token"),
    }
    let (saved, _) = ConnectionStore::in_dir(&f.dir).load().unwrap();
    let kept = saved
        .iter()
        .find(|c| c.name == "dead")
        .expect("the connection is kept");
    assert!(kept.needs_sign_in);
    assert_eq!(kept.kind, conn.kind, "its settings are kept");
    assert_eq!(kept.ca_bundle, conn.ca_bundle);
    // Signing in again clears the mark.
    f.offset.store(0, Ordering::SeqCst);
    sign_in_user_again(&f, &conn).await;
    let (saved, _) = ConnectionStore::in_dir(&f.dir).load().unwrap();
    assert!(
        !saved
            .iter()
            .find(|c| c.name == "dead")
            .unwrap()
            .needs_sign_in
    );
}

async fn sign_in_user_again(f: &Fixture, conn: &Connection) {
    let (pending, http) = f.session.begin_sign_in(conn, None).await.unwrap();
    f.session.host().open_url(&pending.authorize_url).unwrap();
    let tokens = pending.finish(&http, std::future::pending()).await.unwrap();
    f.session
        .complete_sign_in(conn, tokens, &http)
        .await
        .unwrap();
}

#[tokio::test]
async fn picked_scopes_are_asked_exactly_plus_offline_access() {
    let f = fixture(SandboxConfig::default()).await;
    let mut conn = user_connection(&f.sb, "scoped");
    conn.kind = ConnectionKind::User {
        client_id: "databricks-cli".into(),
        redirect_uri: None,
        scopes: vec!["sql".into(), "all-apis".into()],
    };
    sign_in_user(&f, &conn).await;
    let t = f.session.access_token(&conn).await.unwrap();
    assert_eq!(
        claims(t.token.expose_secret())["scope"],
        "sql all-apis offline_access"
    );
    let r = client(&f.sb)
        .get(format!("{}/api/hello", app_url(&f.sb, "sales")))
        .bearer_auth(t.token.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_organisations_own_client_with_its_loopback_redirect() {
    let f = fixture(SandboxConfig::default()).await;
    let mut conn = user_connection(&f.sb, "own-app");
    conn.kind = ConnectionKind::User {
        client_id: "sandbox-native-app".into(),
        redirect_uri: Some("http://127.0.0.1".into()),
        scopes: vec![],
    };
    assert_eq!(sign_in_user(&f, &conn).await, "alice@example.com");
    assert_eq!(
        claims(
            f.session
                .access_token(&conn)
                .await
                .unwrap()
                .token
                .expose_secret()
        )["client_id"],
        "sandbox-native-app"
    );
}

#[tokio::test]
async fn service_principals_keep_their_secret_in_the_keychain() {
    let f = fixture(SandboxConfig::default()).await;
    let sp = &f.sb.info.service_principals[0];
    let mut conn = Connection::new(
        "bot",
        &f.sb.info.host,
        ConnectionKind::ServicePrincipal {
            client_id: sp.client_id.clone(),
            scopes: vec![],
        },
    );
    conn.ca_bundle = Some(f.sb.info.ca_file.clone());
    assert!(matches!(
        f.session.access_token(&conn).await,
        Err(TokenError::NoSecret { .. })
    ));
    f.session
        .save_secret(&conn, SecretString::from(sp.client_secret.clone()))
        .await
        .unwrap();
    assert_eq!(
        stored(&f, &conn)["client_secret"],
        sp.client_secret.as_str()
    );
    let t = f.session.access_token(&conn).await.unwrap();
    assert_eq!(claims(t.token.expose_secret())["sub"], sp.client_id);
    assert_eq!(claims(t.token.expose_secret())["scope"], "all-apis");

    // A scope-limited secret asking for more gets the hint that says so.
    let limited = &f.sb.info.service_principals[1];
    let mut conn = Connection::new(
        "limited",
        &f.sb.info.host,
        ConnectionKind::ServicePrincipal {
            client_id: limited.client_id.clone(),
            scopes: vec!["files.files".into()],
        },
    );
    conn.ca_bundle = Some(f.sb.info.ca_file.clone());
    conn.inline_secret = Some(SecretString::from(limited.client_secret.clone()));
    match f.session.access_token(&conn).await {
        Err(TokenError::Grant(e @ GrantError::AccessDenied(_))) => {
            assert!(e.to_string().contains("limited to some scopes"), "{e}")
        }
        Err(other) => panic!("expected access_denied, got {other}"),
        Ok(_) => panic!("expected access_denied"),
    }
    let mut wrong = conn.clone();
    wrong.name = "wrong".into();
    wrong.inline_secret = Some(SecretString::from("dose-wrong".to_string()));
    assert!(matches!(
        f.session.access_token(&wrong).await,
        Err(TokenError::Grant(GrantError::InvalidClient(_)))
    ));
}

#[tokio::test]
async fn discovery_says_when_a_host_is_not_databricks() {
    let f = fixture(SandboxConfig::default()).await;
    // An app host is HTTPS but no workspace: its discovery paths are not there.
    let mut conn = user_connection(&f.sb, "not-a-workspace");
    conn.host = app_url(&f.sb, "hello");
    let err = f
        .session
        .begin_sign_in(&conn, None)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("does not support Databricks OAuth"), "{err}");
    assert!(err.contains("302"), "shows what the host answered: {err}");
    // A port nobody listens on is a network error, quickly.
    let mut conn = user_connection(&f.sb, "nobody");
    conn.host = "https://localhost:1".into();
    let err = f
        .session
        .begin_sign_in(&conn, None)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("could not be reached"), "{err}");
}

// ---- RFC 8252 / RFC 9700 requirements, one test each ------------------------------

async fn endpoints(sb: &Sandbox) -> oauth::OAuthEndpoints {
    oauth::discover(&client(sb), &url::Url::parse(&sb.info.host).unwrap())
        .await
        .unwrap()
}

async fn pending(sb: &Sandbox, timeout: Duration) -> PendingLogin {
    PendingLogin::start(LoginOptions {
        endpoints: endpoints(sb).await,
        client_id: "sandbox-native-app".into(),
        redirect: RedirectChoice::Fixed("http://127.0.0.1".into()),
        scopes: oauth::user_scopes(&[]),
        timeout,
    })
    .await
    .unwrap()
}

fn param(url: &str, name: &str) -> String {
    query_of(url).get(name).cloned().unwrap_or_default()
}

fn port_of(p: &PendingLogin) -> u16 {
    p.listening_on()[0].port()
}

fn closed(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(300)).is_err()
}

#[tokio::test]
async fn pkce_s256_is_always_sent_and_fresh_every_time() {
    let sb = default_sandbox().await;
    let a = pending(&sb, Duration::from_secs(5)).await;
    let b = pending(&sb, Duration::from_secs(5)).await;
    for p in [&a, &b] {
        assert_eq!(param(&p.authorize_url, "code_challenge_method"), "S256");
        assert_eq!(param(&p.authorize_url, "code_challenge").len(), 43);
        assert_eq!(
            param(&p.authorize_url, "response_type"),
            "code",
            "no implicit grant"
        );
    }
    assert_ne!(
        param(&a.authorize_url, "code_challenge"),
        param(&b.authorize_url, "code_challenge")
    );
    assert_ne!(
        param(&a.authorize_url, "state"),
        param(&b.authorize_url, "state")
    );
    assert!(param(&a.authorize_url, "state").len() >= 16);
}

#[tokio::test]
async fn the_listener_binds_loopback_only() {
    let sb = default_sandbox().await;
    let p = pending(&sb, Duration::from_secs(5)).await;
    assert!(
        p.listening_on().iter().all(|a| a.ip().is_loopback()),
        "{:?}",
        p.listening_on()
    );
    let cli = PendingLogin::start(LoginOptions {
        endpoints: endpoints(&sb).await,
        client_id: "databricks-cli".into(),
        redirect: RedirectChoice::DatabricksCli {
            wait: oauth::CLI_PORT_WAIT,
            progress: None,
        },
        scopes: oauth::user_scopes(&[]),
        timeout: Duration::from_secs(5),
    })
    .await
    .unwrap();
    assert!(cli
        .listening_on()
        .iter()
        .all(|a| a.ip().is_loopback() && a.port() == 8020));
    assert_eq!(cli.redirect_uri, "http://localhost:8020");
    drop(cli);
    for bad in [
        "http://0.0.0.0:9000",
        "http://example.com:9000",
        "https://127.0.0.1:9000",
        "http://127.0.0.1:9000/?x=1",
    ] {
        let r = PendingLogin::start(LoginOptions {
            endpoints: endpoints(&sb).await,
            client_id: "x".into(),
            redirect: RedirectChoice::Fixed(bad.into()),
            scopes: vec![],
            timeout: Duration::from_secs(1),
        })
        .await;
        assert!(matches!(r, Err(LoginError::BadRedirect(_))), "{bad}");
    }
}

/// The databricks-cli client has one redirect, http://localhost:8020: when another
/// program holds the port, the sign-in waits for it (saying so), then names the cause and
/// the way out; it never moves to another port.
#[tokio::test]
async fn the_databricks_cli_client_waits_for_port_8020_and_never_takes_another() {
    let sb = default_sandbox().await;
    // Taking a turn on 8020 with the other sign-ins of this run.
    let holder = loop {
        match std::net::TcpListener::bind("127.0.0.1:8020") {
            Ok(l) => break l,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let told = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = told.clone();
    let ep = endpoints(&sb).await;
    let options = |wait: Duration, progress: Option<oauth::PortWait>| LoginOptions {
        endpoints: ep.clone(),
        client_id: "databricks-cli".into(),
        redirect: RedirectChoice::DatabricksCli { wait, progress },
        scopes: oauth::user_scopes(&[]),
        timeout: Duration::from_secs(5),
    };
    let record: oauth::PortWait = Arc::new(move |secs| seen.lock().unwrap().push(secs));
    let err = PendingLogin::start(options(Duration::from_secs(1), Some(record)))
        .await
        .err()
        .expect("8020 is held");
    assert!(
        matches!(err, LoginError::PortBusy { port: 8020, .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("another program holds") && message.contains("own OAuth app"),
        "{message}"
    );
    assert!(!told.lock().unwrap().is_empty(), "the wait was reported");

    // Freed while it waits: the sign-in goes on, on 8020 itself.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        drop(holder);
    });
    let p = PendingLogin::start(options(Duration::from_secs(20), None))
        .await
        .unwrap();
    assert_eq!(p.redirect_uri, "http://localhost:8020");
}

#[tokio::test]
async fn missing_or_wrong_state_and_other_paths_are_refused_then_the_real_answer_completes() {
    let sb = sandbox(SandboxConfig {
        auto_approve: Some("alice@example.com".into()),
        ..Default::default()
    })
    .await;
    let p = pending(&sb, Duration::from_secs(20)).await;
    let port = port_of(&p);
    let base = format!("http://127.0.0.1:{port}");
    let authorize = p.authorize_url.clone();
    let http = client(&sb);
    let probe = tokio::spawn(async move {
        let plain = reqwest::Client::new();
        let no_state = plain.get(format!("{base}/?code=abc")).send().await.unwrap();
        // The page speaks the browser's language.
        let wrong_state = plain
            .get(format!("{base}/?code=abc&state=forged"))
            .header("accept-language", "pt-BR,pt;q=0.9")
            .send()
            .await
            .unwrap();
        let wrong_state_status = wrong_state.status();
        let wrong_state_page = wrong_state.text().await.unwrap();
        let other_path = plain
            .get(format!("{base}/favicon.ico"))
            .send()
            .await
            .unwrap();
        let post = plain.post(format!("{base}/")).send().await.unwrap();
        // Then the browser's real answer.
        let r = http.get(&authorize).send().await.unwrap();
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let ok = plain.get(&location).send().await.unwrap();
        let ok_status = ok.status();
        let referrer = ok.headers()["referrer-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let page = ok.text().await.unwrap();
        (
            no_state.status(),
            (wrong_state_status, wrong_state_page),
            other_path.status(),
            post.status(),
            ok_status,
            referrer,
            page,
            location,
        )
    });
    let tokens = p
        .finish(&client(&sb), std::future::pending())
        .await
        .expect("the real answer completes");
    assert!(!tokens.access_token.expose_secret().is_empty());
    let (no_state, wrong_state, other, post, ok, referrer, page, location) = probe.await.unwrap();
    assert_eq!(no_state, 400);
    assert_eq!(wrong_state.0, 400);
    assert!(
        wrong_state.1.contains("lang=\"pt-BR\"") && wrong_state.1.contains("Não é este login"),
        "{}",
        wrong_state.1
    );
    assert_eq!(other, 404);
    assert_eq!(post, 405);
    assert_eq!(ok, 200);
    assert_eq!(referrer, "no-referrer");
    assert!(page.contains("return to Lakegate") && page.contains("lang=\"en\""));
    assert!(
        !page.contains("http"),
        "no third-party content on the final page"
    );
    // A second callback (a replay of the same answer) finds the listener closed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(closed(port), "closed after success");
    assert!(reqwest::Client::new().get(location).send().await.is_err());
}

#[tokio::test]
async fn a_wrong_iss_is_refused() {
    let sb = default_sandbox().await;
    let p = pending(&sb, Duration::from_secs(10)).await;
    let port = port_of(&p);
    let state = param(&p.authorize_url, "state");
    tokio::spawn(async move {
        let url = format!("http://127.0.0.1:{port}/?code=abc&state={state}&iss=https%3A%2F%2Fattacker.example%2Foidc");
        let _ = reqwest::Client::new().get(url).send().await;
    });
    let err = p
        .finish(&client(&sb), std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::IssuerMismatch { .. }), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(closed(port), "closed after an error");
}

#[tokio::test]
async fn a_missing_iss_is_refused_when_the_server_promises_one() {
    let sb = default_sandbox().await;
    let p = pending(&sb, Duration::from_secs(10)).await;
    let port = port_of(&p);
    let state = param(&p.authorize_url, "state");
    tokio::spawn(async move {
        let url = format!("http://127.0.0.1:{port}/?code=abc&state={state}");
        let _ = reqwest::Client::new().get(url).send().await;
    });
    let err = p
        .finish(&client(&sb), std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::IssuerMissing { .. }), "{err}");
}

/// The picked scopes go on the code exchange too, as Databricks' own curl example sends
/// them (a token endpoint that records what it is sent).
#[tokio::test]
async fn the_code_exchange_sends_the_picked_scopes() {
    let token_json = r#"{"access_token":"at","token_type":"Bearer","expires_in":3600}"#;
    let tokens = common::recorder::start(
        "tokens.localhost",
        true,
        std::sync::Arc::new(move |_, _| (200, token_json.to_string())),
    )
    .await;
    let endpoints = oauth::OAuthEndpoints {
        issuer: format!("{}/oidc", tokens.origin),
        authorization_endpoint: url::Url::parse(&format!("{}/oidc/v1/authorize", tokens.origin))
            .unwrap(),
        token_endpoint: url::Url::parse(&format!("{}/oidc/v1/token", tokens.origin)).unwrap(),
        scopes_supported: vec![],
        sends_iss: false,
        workspace_id: None,
    };
    let p = PendingLogin::start(LoginOptions {
        endpoints,
        client_id: "sandbox-native-app".into(),
        redirect: RedirectChoice::Fixed("http://127.0.0.1".into()),
        scopes: oauth::user_scopes(&["sql".to_string()]),
        timeout: Duration::from_secs(10),
    })
    .await
    .unwrap();
    let port = port_of(&p);
    let state = param(&p.authorize_url, "state");
    tokio::spawn(async move {
        let url = format!("http://127.0.0.1:{port}/?code=abc&state={state}");
        let _ = reqwest::Client::new().get(url).send().await;
    });
    let http = lakegate::http::client(
        &lakegate::http::Trust {
            ca_files: vec![tokens.ca().to_path_buf()],
            ca_pems: vec![],
            ignore_env: true,
        },
        Duration::from_secs(10),
    )
    .unwrap();
    p.finish(&http, std::future::pending()).await.unwrap();
    let seen = tokens.seen();
    let exchange = seen.iter().find(|s| s.path == "/oidc/v1/token").unwrap();
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(exchange.body.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["scope"], "sql offline_access");
}

#[tokio::test]
async fn the_workspace_error_is_shown_as_it_came() {
    let sb = default_sandbox().await;
    let p = pending(&sb, Duration::from_secs(10)).await;
    let port = port_of(&p);
    let state = param(&p.authorize_url, "state");
    // The workspace promises iss on every answer, errors too (RFC 9207 §2).
    let iss = url::form_urlencoded::byte_serialize(format!("{}/oidc", sb.info.host).as_bytes())
        .collect::<String>();
    tokio::spawn(async move {
        let url = format!("http://127.0.0.1:{port}/?error=access_denied&error_description=The+user+cancelled&state={state}&iss={iss}");
        let _ = reqwest::Client::new().get(url).send().await;
    });
    match p
        .finish(&client(&sb), std::future::pending())
        .await
        .unwrap_err()
    {
        LoginError::Provider { error, description } => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("The user cancelled"));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn cancel_and_timeout_close_the_listener_within_a_second() {
    let sb = default_sandbox().await;
    let p = pending(&sb, Duration::from_secs(30)).await;
    let port = port_of(&p);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let waiting = tokio::spawn(async move {
        let http = reqwest::Client::new();
        p.finish(&http, async move {
            let _ = rx.await;
        })
        .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!closed(port), "listening while waiting");
    tx.send(()).unwrap();
    let started = std::time::Instant::now();
    assert!(matches!(waiting.await.unwrap(), Err(LoginError::Cancelled)));
    assert!(closed(port));
    assert!(started.elapsed() < Duration::from_secs(1));

    let p = pending(&sb, Duration::from_millis(500)).await;
    let port = port_of(&p);
    let err = p
        .finish(&reqwest::Client::new(), std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::TimedOut(_)), "{err}");
    assert!(closed(port), "closed after the timeout");
}

#[tokio::test]
async fn token_calls_follow_no_redirect() {
    // A token endpoint that answers 307 (which would keep the POST and its secret) to
    // another host: that host must never be asked.
    let target = common::recorder::start("target.localhost", true, common::recorder::ok()).await;
    let to = format!("{}/oidc/v1/token", target.origin);
    let redirector = common::recorder::start(
        "redirector.localhost",
        true,
        std::sync::Arc::new(move |_, _| (307, to.clone())),
    )
    .await;
    let bundle = common::recorder::bundle(
        std::env::temp_dir().join(format!("lakegate-redirect-{}.pem", std::process::id())),
        &[target.ca(), redirector.ca()],
    );
    let http = lakegate::http::client(
        &lakegate::http::Trust {
            ca_files: vec![bundle],
            ca_pems: vec![],
            ignore_env: true,
        },
        Duration::from_secs(10),
    )
    .unwrap();
    let endpoint = url::Url::parse(&format!("{}/oidc/v1/token", redirector.origin)).unwrap();
    let err = oauth::client_credentials(
        &http,
        &endpoint,
        "client",
        &SecretString::from("secret-value".to_string()),
        &["all-apis".into()],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, GrantError::BadResponse(_) | GrantError::Refused { .. }),
        "{err}"
    );
    assert_eq!(
        redirector.seen().len(),
        1,
        "the token endpoint was asked once"
    );
    assert!(target.seen().is_empty(), "the redirect was not followed");
}

#[test]
fn no_implicit_or_password_grant_anywhere_in_the_client() {
    fn scan(dir: &std::path::Path, hits: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.ends_with("sandbox") {
                continue; // the server side refuses these; the client must never ask for them
            }
            if p.is_dir() {
                scan(&p, hits);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for bad in [
                    "response_type=token",
                    "grant_type=password",
                    "(\"grant_type\", \"password\")",
                    "exchange_password",
                    "ResponseType::new(\"token\")",
                    "use_implicit_flow",
                ] {
                    if text.contains(bad) {
                        hits.push(format!("{}: {bad}", p.display()));
                    }
                }
            }
        }
    }
    let mut hits = Vec::new();
    scan(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri"),
        &mut hits,
    );
    assert!(hits.is_empty(), "{hits:?}");
}

/// Where the browser cannot reach the listener (a remote machine, WSL, a container), the
/// address it ended on is pasted back and judged as the listener judges it: another
/// address, another sign-in's state or no code is refused in words and the wait goes on;
/// this sign-in's answer completes it, once.
#[tokio::test]
async fn the_address_a_browser_ended_on_is_pasted_back_and_judged_as_the_listener_would() {
    use lakegate::oauth::Paste;
    let sb = sandbox(SandboxConfig {
        auto_approve: Some("alice@example.com".into()),
        ..Default::default()
    })
    .await;
    let p = pending(&sb, Duration::from_secs(20)).await;
    let port = port_of(&p);
    // The browser signs in, somewhere else: the address it ends on is not loaded here.
    let r = client(&sb).get(&p.authorize_url).send().await.unwrap();
    let ended_on = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        ended_on.starts_with(&format!("http://127.0.0.1:{port}")),
        "{ended_on}"
    );
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let paste = |address: String| {
        let tx = tx.clone();
        async move {
            let (reply, answer) = tokio::sync::oneshot::channel();
            tx.send(Paste { address, reply }).await.unwrap();
            answer.await.unwrap()
        }
    };
    let http = client(&sb);
    let wait = tokio::spawn(async move {
        p.finish_or_pasted(&http, std::future::pending(), Some(rx))
            .await
    });
    // Refused, in words, and the sign-in still waits.
    let other_port = ended_on.replace(&format!(":{port}"), ":9");
    let not_ours = paste(other_port).await.unwrap_err();
    assert!(
        not_ours.contains("not this sign-in's address"),
        "{not_ours}"
    );
    let forged = paste(format!("http://127.0.0.1:{port}/?code=abc&state=forged")).await;
    assert!(forged.unwrap_err().contains("another sign-in"));
    let no_code = paste(ended_on.replace("code=", "nocode=")).await;
    assert!(no_code.unwrap_err().contains("no code"));
    assert!(paste("not an address at all".into()).await.is_err());
    // This sign-in's answer, pasted with the spaces a copy brings: signed in, once.
    paste(format!("  {ended_on}\n")).await.unwrap();
    let tokens = wait
        .await
        .unwrap()
        .expect("the pasted answer completes the sign-in");
    assert!(!tokens.access_token.expose_secret().is_empty());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(closed(port), "the listener closed after the pasted answer");
    let (reply, _answer) = tokio::sync::oneshot::channel();
    assert!(
        tx.send(Paste {
            address: ended_on,
            reply
        })
        .await
        .is_err(),
        "no one takes a second paste"
    );
}
