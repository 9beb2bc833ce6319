//! Every door meets every recording: the sandbox plays each answer Databricks is on record
//! as giving (`lakegate sandbox --replay`, over real HTTPS on loopback), and each of
//! Lakegate's doors goes through it — the window's operations (send, the Doctor, the apps
//! list, the access view, a check run) and the command line (`call`, `doctor`, `apps`,
//! `access`, `check`, `token`). Whatever the answer: no panic, no markup quoted, the
//! server's own words shown, and the advice the record supports.

mod common;

use std::process::Output;

use lakegate::bridge::{ConnectionKindName, NewConnection};

/// A recording the sandbox can play, and what a person should read of it.
struct Played {
    id: String,
    host: String,
    path: String,
    status: u16,
    /// The start of the server's own words (empty when it said none).
    words: String,
}

fn playable() -> Vec<Played> {
    lakegate::doctor::record::titles()
        .into_iter()
        .filter(|(id, _)| lakegate::sandbox::can_replay(id))
        .map(|(id, _)| {
            let v = lakegate::doctor::record::recording(id).unwrap();
            let words = common::own_words(v["answer"]["body"].as_str().unwrap_or(""));
            Played {
                id: id.to_string(),
                host: v["asked"]["host"].as_str().unwrap().to_string(),
                path: v["asked"]["path"].as_str().unwrap().to_string(),
                status: v["answer"]["status"].as_u64().unwrap() as u16,
                words: words
                    .chars()
                    .take(25)
                    .collect::<String>()
                    .trim()
                    .to_string(),
            }
        })
        .collect()
}

impl Played {
    fn error(&self) -> bool {
        self.status >= 400
    }

    /// What a door shows of this answer: never markup, never a panic.
    fn clean(&self, door: &str, said: &str) {
        let lower = said.to_ascii_lowercase();
        for mark in ["<!doctype", "<html", "<head", "<body", "<title", "<meta"] {
            assert!(
                !lower.contains(mark),
                "{} via {door}: markup quoted: {said}",
                self.id
            );
        }
        assert!(
            !said.contains("panicked"),
            "{} via {door}: a panic: {said}",
            self.id
        );
    }

    /// A door that read this error answer quotes the server's own words.
    fn quoted(&self, door: &str, said: &str) {
        let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.error() && !self.words.is_empty() && !self.discovery() {
            assert!(
                flat(said).contains(&flat(&self.words)),
                "{} via {door}: the server's own words ({:?}) are not shown: {said}",
                self.id,
                self.words
            );
        }
    }

    /// A discovery document (the workspace's OAuth endpoints, `databricks-config`): the
    /// calls that meet it fall back or say they cannot sign in, in words of their own.
    fn discovery(&self) -> bool {
        self.host == "workspace" && !self.path.starts_with("/api/")
    }

    /// What the Doctor's reading of this answer must say: its cause, as the record has it.
    fn cause(&self) -> Option<&'static str> {
        let words = lakegate::doctor::record::recording(&self.id)
            .and_then(|v| v["answer"]["body"].as_str())
            .unwrap_or("");
        let rate = words.contains("REQUEST_LIMIT_EXCEEDED") || words.contains("RESOURCE_EXHAUSTED");
        Some(match (self.host.as_str(), self.status) {
            (_, 401 | 403) if lakegate::workspace::says_other_workspace(words) => {
                "issued by another workspace"
            }
            (_, 401 | 403) if lakegate::workspace::says_token_refused(words) => {
                "did not accept the token itself"
            }
            (_, 429) => "over the limit",
            (_, 400..=599) if rate => "over the limit",
            ("workspace", 401) => "took no credential",
            ("workspace", 403) => "accepted the token but refused the request",
            ("workspace", 404) => "no such API",
            ("workspace", 503) => "briefly unavailable",
            ("workspace", 500..=599) => "failed to answer",
            ("app", 302) => "did not accept the token",
            // A service principal without CAN USE is answered 401 (apps-sp-without-can-use-401).
            ("app", 401) => "CAN USE",
            ("app", 502) => "not running",
            ("app", 504) => "120 s",
            _ => return None,
        })
    }

    /// Databricks' words for a refused credential.
    fn refused_token(&self) -> bool {
        ["Invalid access token", "Credential was not sent"]
            .iter()
            .any(|w| self.words.contains(w))
    }
}

fn text_of(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A command-line door ends with an answer (0), a failure it explains (1) or a refusal (2):
/// never a panic (101) or a signal.
fn ended_well(p: &Played, door: &str, out: &Output) -> String {
    let said = text_of(out);
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{} via {door}: ended with {:?}: {said}",
        p.id,
        out.status
    );
    p.clean(door, &said);
    said
}

/// Every string a view holds, one per line (as a person would read them, unescaped).
fn strings_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(strings_of).collect::<Vec<_>>().join("\n"),
        serde_json::Value::Object(o) => o.values().map(strings_of).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

fn findings_text(report: &lakegate::doctor::Report) -> String {
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} | {} | {} | {}",
                f.title, f.observed, f.meaning, f.next_step
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_door_meets_every_recording() {
    let b = common::workbench(lakegate::sandbox::SandboxConfig::default()).await;
    let bundle = common::recorder::bundle(b.dir.join("cli.pem"), &[&b.sb.info.ca_file]);
    let app_url = common::app_url(&b.sb, "hello");
    let check_file = b.dir.join("checks.json");
    std::fs::write(
        &check_file,
        r#"{"name":"replayed","checks":[{"name":"hello","app":"hello","path":"/api/hello","expect":{"status":200}}]}"#,
    )
    .unwrap();
    let check = lakegate::checks::parse(&std::fs::read_to_string(&check_file).unwrap()).unwrap();
    // The window's connection has its token and knows its workspace before the replays.
    let warm = b
        .app
        .send_request("warm", common::request(format!("{app_url}/api/hello")))
        .await
        .unwrap();
    assert_eq!(warm.status, 200);

    let all = playable();
    assert!(all.len() >= 40, "{} playable recordings", all.len());
    for (n, p) in all.iter().enumerate() {
        // A token-endpoint recording meets a connection that has no token yet (added as
        // the command line adds one, unchecked: checking would fetch its token).
        let conn = if p.host == "token_endpoint" {
            let name = format!("fresh-{n}");
            b.app
                .add_connection_checked(common::service_principal(&b.sb, &name), false)
                .await
                .unwrap();
            name
        } else {
            "bot".to_string()
        };
        b.sb.replay(Some(&p.id)).unwrap();
        let url = match p.host.as_str() {
            "workspace" if p.discovery() => format!("{}{}", b.sb.info.host, p.path),
            "workspace" => format!("{}/api/2.0/clusters/list", b.sb.info.host),
            _ => format!("{app_url}/api/hello"),
        };
        let mut request = common::request(url.clone());
        request.connection = Some(conn.clone());

        // The window: send.
        match b.app.send_request(&format!("r{n}"), request).await {
            Ok(view) => {
                if p.host != "token_endpoint" {
                    assert_eq!(view.status, p.status, "{}: the replay was played", p.id);
                }
            }
            Err(e) => {
                let said = e.to_string();
                p.clean("send", &said);
                assert_eq!(p.host, "token_endpoint", "{}: send failed: {said}", p.id);
                p.quoted("send", &said);
            }
        }

        // The window: the Doctor.
        let report = b
            .app
            .diagnose(Some(&conn), &url, "GET", None, &|_| {})
            .await
            .unwrap();
        let said = findings_text(&report);
        p.clean("the Doctor", &said);
        if p.error() {
            p.quoted("the Doctor", &said);
            assert!(
                !said.contains("has not seen Databricks answer this way"),
                "{}: an answer on record is not news: {said}",
                p.id
            );
        }
        if p.host == "app" && p.status == 302 {
            assert!(
                said.contains("did not accept the token"),
                "{}: {said}",
                p.id
            );
        }
        // The request's own finding names the real cause, by what the record says.
        if p.error() && p.host != "token_endpoint" && !p.discovery() {
            let request = report
                .findings
                .iter()
                .find(|f| f.check == lakegate::doctor::StepId::Request)
                .map(|f| f.meaning.to_string())
                .unwrap_or_default();
            if let Some(cause) = p.cause() {
                assert!(
                    request.contains(cause),
                    "{}: the Doctor should say {cause:?}: {request}",
                    p.id
                );
            }
        }

        // The window: apps, access, a check run.
        if p.host != "app" {
            match b.app.list_apps(&conn).await {
                Ok(_) => assert!(
                    !p.error() || p.discovery(),
                    "{}: the apps list hid an error",
                    p.id
                ),
                Err(e) => {
                    let said = e.to_string();
                    p.clean("apps", &said);
                    p.quoted("apps", &said);
                    if p.refused_token() {
                        assert!(said.contains("Sign in again"), "{}: {said}", p.id);
                    }
                }
            }
        }
        let access = b.app.access_view(&conn, Some("/api/hello")).await;
        let said = match &access {
            Ok(m) => strings_of(&serde_json::to_value(m).unwrap()),
            Err(e) => e.to_string(),
        };
        p.clean("access", &said);
        if p.error() && p.host != "workspace" {
            p.quoted("access", &said);
        }
        let run = b
            .app
            .run_checks(&conn, "replayed", &check, &|_, _, _| {})
            .await;
        let said = match &run {
            Ok(r) => strings_of(&serde_json::to_value(r).unwrap()),
            Err(e) => e.to_string(),
        };
        p.clean("check", &said);
        if p.error() && p.host != "workspace" {
            p.quoted("check", &said);
        }

        // The command line.
        let cli = |args: &[&str]| {
            let out = tokio::task::block_in_place(|| {
                common::cli(&b, &bundle).args(args).output().unwrap()
            });
            out
        };
        // `call` prints the body itself on stdout, as it came (the answer is data); what it
        // says of the answer is on stderr.
        let out = cli(&["call", "GET", &url]);
        let mut told = out.clone();
        told.stdout.clear();
        ended_well(p, "lakegate call", &told);
        let said = text_of(&out);
        if p.status >= 300 {
            assert_eq!(out.status.code(), Some(1), "{}: {said}", p.id);
            p.quoted("lakegate call", &said);
        }
        let out = cli(&["doctor", &url]);
        let said = ended_well(p, "lakegate doctor", &out);
        if p.error() {
            p.quoted("lakegate doctor", &said);
        }
        let check_path = check_file.display().to_string();
        let out = cli(&["check", &check_path]);
        let said = ended_well(p, "lakegate check", &out);
        if p.error() && p.host != "workspace" {
            p.quoted("lakegate check", &said);
        }
        if p.host != "app" {
            let out = cli(&["apps"]);
            let said = ended_well(p, "lakegate apps", &out);
            if p.error() {
                p.quoted("lakegate apps", &said);
                if p.refused_token() {
                    assert!(said.contains("Sign in again"), "{}: {said}", p.id);
                }
            }
            let out = cli(&["access", "--path", "/api/hello"]);
            ended_well(p, "lakegate access", &out);
        }
        if p.host == "token_endpoint" {
            let out = cli(&["token"]);
            let said = ended_well(p, "lakegate token", &out);
            if p.error() {
                assert_ne!(out.status.code(), Some(0), "{}: {said}", p.id);
                p.quoted("lakegate token", &said);
            }
            // As the Databricks SDKs run it (auth_type = databricks-cli).
            let host = b.sb.info.host.clone();
            let out = cli(&["auth", "token", "--host", &host, "--force-refresh"]);
            let said = ended_well(p, "lakegate auth token --force-refresh", &out);
            if p.error() {
                assert_ne!(out.status.code(), Some(0), "{}: {said}", p.id);
                p.quoted("lakegate auth token --force-refresh", &said);
            }
            b.app.remove_connection(&conn).await.unwrap();
        }
    }
    b.sb.replay(None).unwrap();
    let again = b
        .app
        .send_request("after", common::request(format!("{app_url}/api/hello")))
        .await
        .unwrap();
    assert_eq!(again.status, 200, "answers as usual once the replay ends");
}

/// A recording only the sandbox's `--replay` names: unknown ids and recordings without a
/// status are refused with the reason; `--recordings` lists what can be played.
#[test]
fn the_sandbox_plays_only_what_is_on_record() {
    let exe = env!("CARGO_BIN_EXE_lakegate");
    let out = std::process::Command::new(exe)
        .args(["sandbox", "--recordings"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.contains("rest-invalid-access-token-403\t"), "{list}");
    assert!(
        !list.contains("apps-sse-buffered"),
        "no status to play: {list}"
    );
    let out = std::process::Command::new(exe)
        .args(["sandbox", "--replay", "no-such-answer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no recording named \"no-such-answer\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A dead refresh token, in each form it is on record (401 `invalid_request` in the CLI's
/// tests, 400 or 401 `invalid_grant` elsewhere), means "sign in again" at every door that
/// refreshes: a request whose access token ran out, and a forced refresh (`lakegate auth
/// token --force-refresh`, which the Databricks SDKs run).
#[tokio::test(flavor = "multi_thread")]
async fn a_dead_refresh_token_in_every_recorded_form_means_sign_in_again() {
    use lakegate::base::secrets::{Keychain, SecretStore};
    use lakegate::engine::Engine;
    use std::sync::{Arc, Mutex};

    let sb = common::default_sandbox().await;
    let dir = std::env::temp_dir().join(format!("lakegate-doors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let keychain = Arc::new(Keychain::with_service(&format!(
        "lakegate-test-doors-{}",
        std::process::id()
    )));
    let probe = keychain.clone();
    let app = Engine::with_parts(
        Arc::new(common::Person {
            ca: Arc::new(Mutex::new(Some(sb.info.ca_file.clone()))),
            user: Arc::new(Mutex::new("alice@example.com".into())),
        }),
        keychain as Arc<dyn SecretStore>,
        Box::new(move || probe.probe()),
        dir.join("config"),
        dir.join("data"),
        Box::new(|_| None),
    );
    app.add_connection(NewConnection {
        name: "alice".into(),
        host: sb.info.host.clone(),
        kind: ConnectionKindName::User,
        client_id: None,
        redirect_uri: None,
        scopes: vec![],
        secret: None,
        profile: None,
        ca_bundle: Some(sb.info.ca_file.display().to_string()),
    })
    .await
    .unwrap();
    let url = format!("{}/api/hello", common::app_url(&sb, "hello"));
    let dead: Vec<Played> = playable()
        .into_iter()
        .filter(|p| p.host == "token_endpoint" && p.error())
        .filter(|p| {
            let v = lakegate::doctor::record::recording(&p.id).unwrap();
            ["revoked", "expired_oauth"].contains(&v["asked"]["token"].as_str().unwrap())
        })
        .collect();
    assert!(dead.len() >= 3, "{} dead-refresh recordings", dead.len());
    for p in &dead {
        // Signed in afresh, with access tokens that run out at once.
        sb.set_faults(lakegate::sandbox::Faults {
            token_ttl_secs: Some(1),
            ..Default::default()
        });
        app.begin_sign_in("alice").await.unwrap();
        app.finish_sign_in("alice").await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        sb.replay(Some(&p.id)).unwrap();

        let mut request = common::request(url.clone());
        request.connection = Some("alice".into());
        let said = app
            .send_request("after-expiry", request)
            .await
            .expect_err(&p.id)
            .to_string();
        p.clean("send", &said);
        p.quoted("send", &said);
        assert!(
            said.to_lowercase().contains("sign in again"),
            "{}: {said}",
            p.id
        );

        // The refusal ended the sign-in (it cannot come back): sign in again for the next door.
        sb.replay(None).unwrap();
        app.begin_sign_in("alice").await.unwrap();
        app.finish_sign_in("alice").await.unwrap();
        sb.replay(Some(&p.id)).unwrap();
        let said = match app.refreshed_token("alice").await {
            Ok(_) => panic!("{}: a dead refresh token gave a token", p.id),
            Err(e) => e.to_string(),
        };
        p.clean("auth token --force-refresh", &said);
        p.quoted("auth token --force-refresh", &said);
        assert!(
            said.to_lowercase().contains("sign in again"),
            "{}: {said}",
            p.id
        );
        sb.replay(None).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A rate limit (429 with `Retry-After`) is waited out and the request sent again — only
/// when its method is safe to repeat (GET, HEAD, OPTIONS), at most twice, for waits of up to
/// 30 s — in the window and by `lakegate call`. A POST is never sent twice: its 429 is
/// shown, and `call` says to send it again after the wait.
#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_is_waited_out_for_safe_methods_only() {
    use lakegate::sandbox::Faults;
    let b = common::workbench(lakegate::sandbox::SandboxConfig::default()).await;
    let bundle = common::recorder::bundle(b.dir.join("cli.pem"), &[&b.sb.info.ca_file]);
    let app = common::app_url(&b.sb, "hello");
    let limited = |n, secs| Faults {
        rate_limited: n,
        retry_after_secs: secs,
        ..Default::default()
    };
    // Warm: the token and the workspace id are known.
    let warm = b
        .app
        .send_request("warm", common::request(format!("{app}/api/hello")))
        .await
        .unwrap();
    assert_eq!(warm.status, 200);

    // The window's GET: waited out twice, then the answer.
    b.sb.set_faults(limited(2, Some(1)));
    let started = std::time::Instant::now();
    let got = b
        .app
        .send_request("get", common::request(format!("{app}/api/hello")))
        .await
        .unwrap();
    assert_eq!(got.status, 200);
    assert_eq!(got.waited_secs, vec![1, 1]);
    assert!(started.elapsed() >= std::time::Duration::from_millis(1900));

    // Three in a row: it waits twice, no more, and shows the third 429.
    b.sb.set_faults(limited(3, Some(1)));
    let got = b
        .app
        .send_request("thrice", common::request(format!("{app}/api/hello")))
        .await
        .unwrap();
    assert_eq!(got.status, 429);
    assert_eq!(got.waited_secs.len(), 2);
    assert_eq!(b.sb.faults().rate_limited, 0, "sent three times, not four");

    // Too long a wait is not waited: the 429 is shown at once.
    b.sb.set_faults(limited(1, Some(3600)));
    let got = b
        .app
        .send_request("long", common::request(format!("{app}/api/hello")))
        .await
        .unwrap();
    assert_eq!(got.status, 429);
    assert!(got.waited_secs.is_empty());

    // The window's POST: sent once, its 429 shown.
    b.sb.set_faults(limited(1, Some(1)));
    let mut post = common::request(format!("{app}/api/items"));
    post.method = "POST".into();
    post.body = Some(r#"{"name":"once"}"#.into());
    post.headers = vec![("Content-Type".into(), "application/json".into())];
    let got = b.app.send_request("post", post).await.unwrap();
    assert_eq!(got.status, 429, "a POST is not sent again");
    assert!(got.waited_secs.is_empty());
    assert_eq!(b.sb.faults().rate_limited, 0);

    // `lakegate call`: the GET waits and says so; the POST does not, and says why.
    b.sb.set_faults(limited(1, Some(1)));
    let out = tokio::task::block_in_place(|| {
        common::cli(&b, &bundle)
            .args(["call", "GET", &format!("{app}/api/hello")])
            .output()
            .unwrap()
    });
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("asked to wait 1 s"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("hello"));
    b.sb.set_faults(limited(1, Some(1)));
    let out = tokio::task::block_in_place(|| {
        common::cli(&b, &bundle)
            .args([
                "call",
                "POST",
                &format!("{app}/api/items"),
                "-d",
                r#"{"name":"x"}"#,
            ])
            .output()
            .unwrap()
    });
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("not safe to send twice"), "{err}");
    assert!(err.contains("exceeded the concurrent limit"), "{err}");
    assert_eq!(b.sb.faults().rate_limited, 0);
}
