//! Helpers shared by the integration tests: a sandbox on a free loopback port and an
//! HTTPS client that trusts its CA. Test-side protocol code (PKCE, JWT peeking) is
//! written here on purpose, apart from both the sandbox and Lakegate's client.
#![allow(dead_code)]

pub mod recorder;

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use lakegate::base::host::HeadlessHost;
use lakegate::base::secrets::{Keychain, SecretStore};
use lakegate::bridge::{ConnectionKindName, NewConnection, RequestInput};
use lakegate::engine::Engine;
use lakegate::http::LoopbackAwareResolver;
use lakegate::sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

pub async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

pub async fn default_sandbox() -> Sandbox {
    sandbox(SandboxConfig::default()).await
}

/// Trusts only the sandbox's CA, follows no redirect, resolves *.localhost to loopback.
pub fn client(sb: &Sandbox) -> reqwest::Client {
    let pem = std::fs::read(&sb.info.ca_file).expect("CA file written");
    let ca = reqwest::Certificate::from_pem(&pem).expect("CA parses");
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(LoopbackAwareResolver))
        .build()
        .unwrap()
}

pub fn app_url(sb: &Sandbox, name: &str) -> String {
    sb.info
        .apps
        .iter()
        .find(|a| a.name == name)
        .expect("seeded app")
        .url
        .clone()
}

pub fn user_pat(sb: &Sandbox, email: &str) -> String {
    sb.info
        .users
        .iter()
        .find(|u| u.email == email)
        .expect("seeded user")
        .pat
        .clone()
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce(seed: u8) -> Pkce {
    let verifier: String = (0..64)
        .map(|i| (b'a' + ((i as u8).wrapping_mul(7).wrapping_add(seed)) % 26) as char)
        .collect();
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    Pkce {
        verifier,
        challenge: B64.encode(digest.as_ref()),
    }
}

/// The claims of a JWT, read without any check (test-side only).
pub fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("three parts");
    serde_json::from_slice(&B64.decode(part).expect("base64url")).expect("JSON claims")
}

pub fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    let url = url::Url::parse(location).expect("absolute Location");
    url.query_pairs().into_owned().collect()
}

pub const CLI_REDIRECT: &str = "http://localhost:8020";

pub fn authorize_url(
    sb: &Sandbox,
    client_id: &str,
    redirect: &str,
    challenge: &str,
    scope: &str,
    state: &str,
) -> String {
    let mut u = url::Url::parse(&format!("{}/oidc/v1/authorize", sb.info.host)).unwrap();
    u.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("response_type", "code")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("scope", scope)
        .append_pair("state", state);
    u.to_string()
}

/// Signs `email` in through the sign-in page and returns the token response.
pub async fn sign_in(sb: &Sandbox, http: &reqwest::Client, email: &str, scope: &str) -> Value {
    let p = pkce(email.len() as u8);
    let page = http
        .get(authorize_url(
            sb,
            "databricks-cli",
            CLI_REDIRECT,
            &p.challenge,
            scope,
            "st",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let request = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries its request id")
        .to_string();
    let decided = http
        .post(format!("{}/oidc/v1/authorize", sb.info.host))
        .form(&[("request", request.as_str()), ("user", email)])
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), 302);
    let location = decided.headers()["location"].to_str().unwrap().to_string();
    let code = query_of(&location)["code"].clone();
    exchange(sb, http, &code, &p.verifier, CLI_REDIRECT, "databricks-cli")
        .await
        .json()
        .await
        .unwrap()
}

pub async fn exchange(
    sb: &Sandbox,
    http: &reqwest::Client,
    code: &str,
    verifier: &str,
    redirect: &str,
    client_id: &str,
) -> reqwest::Response {
    http.post(format!("{}/oidc/v1/token", sb.info.host))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect),
            ("client_id", client_id),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn m2m(
    sb: &Sandbox,
    http: &reqwest::Client,
    sp: usize,
    scope: &str,
) -> reqwest::Response {
    let sp = &sb.info.service_principals[sp];
    http.post(format!("{}/oidc/v1/token", sb.info.host))
        .basic_auth(&sp.client_id, Some(&sp.client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .unwrap()
}

pub async fn m2m_token(sb: &Sandbox, http: &reqwest::Client, scope: &str) -> String {
    let r = m2m(sb, http, 0, scope).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

/// An App (the window's operations) on a sandbox, with a service-principal connection
/// "bot", its own keychain service and its own folders.
pub struct Bench {
    pub sb: Sandbox,
    pub app: Engine,
    pub dir: PathBuf,
}

pub async fn workbench(config: SandboxConfig) -> Bench {
    static N: AtomicU64 = AtomicU64::new(0);
    let sb = sandbox(config).await;
    let dir = std::env::temp_dir().join(format!(
        "lakegate-bench-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let keychain = Arc::new(Keychain::with_service(&format!(
        "lakegate-test-workbench-{}-{}",
        std::process::id(),
        sb.addr.port()
    )));
    let probe = keychain.clone();
    let app = Engine::with_parts(
        Arc::new(HeadlessHost { no_browser: true }),
        keychain as Arc<dyn SecretStore>,
        Box::new(move || probe.probe()),
        dir.join("config"),
        dir.join("data"),
        Box::new(|_| None),
    );
    app.add_connection(service_principal(&sb, "bot"))
        .await
        .unwrap();
    Bench { sb, app, dir }
}

/// A connection `name` as the sandbox's first service principal (reporting-bot).
pub fn service_principal(sb: &Sandbox, name: &str) -> NewConnection {
    let sp = &sb.info.service_principals[0];
    NewConnection {
        name: name.into(),
        host: sb.info.host.clone(),
        kind: ConnectionKindName::ServicePrincipal,
        client_id: Some(sp.client_id.clone()),
        redirect_uri: None,
        scopes: vec![],
        secret: Some(sp.client_secret.clone()),
        profile: None,
        ca_bundle: Some(sb.info.ca_file.display().to_string()),
    }
}

/// `lakegate` (the command line) with the bench's service principal as its environment
/// connection (`DATABRICKS_*`, as one Databricks App calls another), `ca_file` as
/// SSL_CERT_FILE, and folders of its own under the bench's.
pub fn cli(b: &Bench, ca_file: &std::path::Path) -> std::process::Command {
    let sp = &b.sb.info.service_principals[0];
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lakegate"));
    cmd.env("SSL_CERT_FILE", ca_file)
        .env("DATABRICKS_HOST", &b.sb.info.host)
        .env("DATABRICKS_CLIENT_ID", &sp.client_id)
        .env("DATABRICKS_CLIENT_SECRET", &sp.client_secret)
        .env("DATABRICKS_CONFIG_FILE", b.dir.join("none.cfg"))
        .env("HOME", &b.dir)
        .env("XDG_CONFIG_HOME", b.dir.join("cli-config"))
        .env("XDG_DATA_HOME", b.dir.join("cli-data"))
        .env_remove("DATABRICKS_TOKEN")
        .env_remove("DATABRICKS_CONFIG_PROFILE");
    cmd
}

/// A GET through the "bot" connection.
pub fn request(url: String) -> RequestInput {
    RequestInput {
        connection: Some("bot".into()),
        method: "GET".into(),
        url,
        query: vec![],
        headers: vec![],
        body: None,
        timeout_secs: 30,
        without_token: None,
    }
}

/// A person at the system browser: opens the sandbox's sign-in page, picks `user`, and
/// follows the redirect back to Lakegate's loopback listener. Without a CA (the sandbox
/// not started yet) the person closes the tab: nothing comes back.
pub struct Person {
    pub ca: Arc<std::sync::Mutex<Option<PathBuf>>>,
    pub user: Arc<std::sync::Mutex<String>>,
}

/// The browser's part of a sign-in: the sandbox's page at `url`, `user` picked, the
/// redirect followed back to the loopback listener.
pub async fn browse(url: String, ca: PathBuf, user: String) {
    let location = browse_to(url, ca, user).await;
    reqwest::Client::new().get(location).send().await.unwrap();
}

/// The browser's part of a sign-in up to the address it ends on (the loopback redirect
/// with the code), which a browser on another machine cannot load.
pub async fn browse_to(url: String, ca: PathBuf, user: String) -> String {
    let pem = std::fs::read(ca).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(&url).send().await.unwrap().text().await.unwrap();
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let origin = url.split("/oidc/").next().unwrap().to_string();
    let back = http
        .post(format!("{origin}/oidc/v1/authorize"))
        .form(&[("request", request.as_str()), ("user", user.as_str())])
        .send()
        .await
        .unwrap();
    back.headers()["location"].to_str().unwrap().to_string()
}

impl lakegate::base::host::Host for Person {
    fn open_url(&self, url: &str) -> Result<(), lakegate::base::host::HostError> {
        let Some(ca) = self.ca.lock().unwrap().clone() else {
            return Ok(());
        };
        let (url, user) = (url.to_string(), self.user.lock().unwrap().clone());
        tokio::spawn(browse(url, ca, user));
        Ok(())
    }

    fn run<'a>(
        &'a self,
        program: &'a str,
        _: &'a [String],
    ) -> lakegate::base::host::BoxFuture<
        'a,
        Result<lakegate::base::host::ProgramOutput, lakegate::base::host::HostError>,
    > {
        Box::pin(async move {
            Err(lakegate::base::host::HostError::NotFound {
                program: program.into(),
            })
        })
    }
}

/// The server's own message, as a person reads it: JSON's `message` (or `detail`,
/// `error_description`, `error`), an HTML page's words, or the text.
pub fn own_words(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => ["message", "detail", "error_description", "error"]
            .iter()
            .find_map(|k| v[*k].as_str().map(str::to_string))
            .unwrap_or_default(),
        Err(_) => lakegate::http::words::words(body, 60),
    }
}
