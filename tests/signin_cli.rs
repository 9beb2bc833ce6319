//! The headless commands against a standalone sandbox (`lakegate sandbox`), trusted
//! through SSL_CERT_FILE: environment connections, databrickscfg profiles, CLI-
//! delegated profiles, PATs, user sign-in through BROWSER, and the token canary.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

struct Standalone {
    child: Child,
    info: serde_json::Value,
}

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn standalone(home: &Path) -> Standalone {
    standalone_with(home, &[])
}

fn standalone_with(home: &Path, extra: &[&str]) -> Standalone {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lakegate"))
        .args(["sandbox", "--auto-approve", "alice@example.com", "--dir"])
        .arg(home.join("sandbox"))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Standalone {
        child,
        info: serde_json::from_str(&line).unwrap(),
    }
}

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lakegate-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `lakegate` with a home of its own and the sandbox CA trusted through SSL_CERT_FILE.
fn lakegate(home: &Path, sb: &Standalone) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lakegate"));
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("SSL_CERT_FILE", sb.info["ca_file"].as_str().unwrap())
        .env("BROWSER", "none")
        .env_remove("DATABRICKS_HOST")
        .env_remove("DATABRICKS_TOKEN")
        .env_remove("DATABRICKS_CLIENT_ID")
        .env_remove("DATABRICKS_CLIENT_SECRET")
        .env_remove("DATABRICKS_CONFIG_PROFILE")
        .env_remove("DATABRICKS_CONFIG_FILE")
        .env_remove("LAKEGATE_SECRET");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A "system browser" that follows the sign-in page's redirects (the sandbox approves at
/// once) back to Lakegate's loopback listener.
fn browser_script(home: &Path, ca: &str) -> PathBuf {
    let browser = home.join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nexec curl -s -L --cacert {ca} \"$1\" -o /dev/null\n"),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&browser).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&browser, perms).unwrap();
    browser
}

/// Reads lines of a command's output into `printed` until one `wanted` (returned).
fn read_until(
    out: &mut impl BufRead,
    printed: &mut String,
    wanted: impl Fn(&str) -> bool,
) -> String {
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "not printed: {printed}"
        );
        printed.push_str(&line);
        if wanted(&line) {
            return line;
        }
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Calls the sandbox's SCIM Me with `token` through curl (a client nobody here wrote).
fn me(sb: &Standalone, token: &str) -> serde_json::Value {
    let out = Command::new("curl")
        .args([
            "-sS",
            "--cacert",
            sb.info["ca_file"].as_str().unwrap(),
            "-H",
        ])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!(
            "{}/api/2.0/preview/scim/v2/Me",
            sb.info["host"].as_str().unwrap()
        ))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn every_file(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                every_file(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// The canary: none of `secrets` appears in any file under `dir` (but the sandbox's own).
fn assert_no_secret_in_files(dir: &Path, secrets: &[String]) {
    let mut files = Vec::new();
    every_file(dir, &mut files);
    for f in files.iter().filter(|f| !f.starts_with(dir.join("sandbox"))) {
        let bytes = std::fs::read(f).unwrap_or_default();
        let content = String::from_utf8_lossy(&bytes);
        for s in secrets.iter().filter(|s| s.len() > 8) {
            assert!(
                !content.contains(s.as_str()),
                "a secret leaked into {}",
                f.display()
            );
        }
    }
}

#[test]
fn environment_connection_with_ssl_cert_file() {
    let h = home("env");
    let sb = standalone(&h);
    let sp = &sb.info["service_principals"][0];
    let out = run(lakegate(&h, &sb)
        .arg("token")
        .env("DATABRICKS_HOST", sb.info["host"].as_str().unwrap())
        .env("DATABRICKS_CLIENT_ID", sp["client_id"].as_str().unwrap())
        .env(
            "DATABRICKS_CLIENT_SECRET",
            sp["client_secret"].as_str().unwrap(),
        ));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // What `databricks auth token` prints: access_token, token_type, expiry.
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["token_type"], "Bearer");
    // As the databricks CLI prints it: local time, microseconds, the offset.
    let expiry = printed["expiry"].as_str().unwrap();
    assert_eq!(&expiry[19..26], ".000000", "{expiry}");
    assert!(
        lakegate::connections::parse_rfc3339(expiry).is_some(),
        "{expiry}"
    );
    let token = printed["access_token"].as_str().unwrap().to_string();
    assert_eq!(me(&sb, &token)["displayName"], "reporting-bot");
    // --host picks the workspace's connection, as `databricks auth token --host` does.
    let out = run(lakegate(&h, &sb)
        .args([
            "token",
            "--host",
            sb.info["host"].as_str().unwrap(),
            "-o",
            "text",
        ])
        .env("DATABRICKS_HOST", sb.info["host"].as_str().unwrap())
        .env("DATABRICKS_CLIENT_ID", sp["client_id"].as_str().unwrap())
        .env(
            "DATABRICKS_CLIENT_SECRET",
            sp["client_secret"].as_str().unwrap(),
        ));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().starts_with("eyJ"));

    let pat = sb.info["users"][0]["pat"].as_str().unwrap();
    let out = run(lakegate(&h, &sb)
        .args(["token", "env", "--json"])
        .env("DATABRICKS_HOST", sb.info["host"].as_str().unwrap())
        .env("DATABRICKS_TOKEN", pat));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access_token"], pat);
    assert_eq!(v["token_type"], "Bearer");

    let listed = run(lakegate(&h, &sb)
        .args(["connections", "--json"])
        .env("DATABRICKS_HOST", sb.info["host"].as_str().unwrap())
        .env("DATABRICKS_TOKEN", pat));
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(rows[0]["name"], "env");
    assert_eq!(rows[0]["origin"], "environment");
    assert!(
        !text(&listed.stdout).contains(pat),
        "listing shows no secret"
    );
}

#[test]
fn databrickscfg_profiles_and_writing_one_back() {
    let h = home("cfg");
    let sb = standalone(&h);
    let host = sb.info["host"].as_str().unwrap();
    let pat = sb.info["users"][1]["pat"].as_str().unwrap();
    let original = format!("; kept as it is\n[DEFAULT]\nhost = {host}\n\n[admin]\nhost = {host}/\ntoken = {pat}\n\n[__settings__]\ndefault_profile = admin\n");
    let cfg = h.join("custom.databrickscfg");
    std::fs::write(&cfg, &original).unwrap();
    let out = run(lakegate(&h, &sb)
        .args(["token", "profile:admin", "-o", "text"])
        .env("DATABRICKS_CONFIG_FILE", &cfg));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), pat);
    // Without a name, [__settings__] default_profile decides.
    let out = run(lakegate(&h, &sb)
        .args(["token", "--output", "text"])
        .env("DATABRICKS_CONFIG_FILE", &cfg));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), pat);
    // --profile NAME is the profile's connection, as the databricks CLI names it.
    let out = run(lakegate(&h, &sb)
        .args(["token", "--profile", "admin", "-o", "text"])
        .env("DATABRICKS_CONFIG_FILE", &cfg));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), pat);

    let out = run(lakegate(&h, &sb)
        .args(["connections", "add", "mine", "--host", host, "--no-check"])
        .env("DATABRICKS_CONFIG_FILE", &cfg));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(lakegate(&h, &sb)
        .args(["connections", "save-profile", "mine"])
        .env("DATABRICKS_CONFIG_FILE", &cfg));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        written.starts_with(&original),
        "the rest of the file is untouched"
    );
    assert!(
        written.ends_with(&format!(
            "\n[mine]\nhost = {host}\nauth_type = databricks-cli\n"
        )),
        "{written}"
    );
    let again = run(lakegate(&h, &sb)
        .args(["connections", "save-profile", "mine"])
        .env("DATABRICKS_CONFIG_FILE", &cfg));
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already has a profile named [mine]"));
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        written,
        "a refused write changes nothing"
    );
}

#[test]
fn cli_delegated_profiles_use_the_databricks_cli() {
    let h = home("clidel");
    let sb = standalone(&h);
    let host = sb.info["host"].as_str().unwrap();
    let cfg = h.join("cfg");
    std::fs::write(
        &cfg,
        format!("[delegated]\nhost = {host}\nauth_type = databricks-cli\n"),
    )
    .unwrap();
    let standin =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/databricks-cli-standin.sh");
    let pat = sb.info["users"][0]["pat"].as_str().unwrap();
    let base = |mode: &str| {
        let mut c = lakegate(&h, &sb);
        c.env("DATABRICKS_CONFIG_FILE", &cfg)
            .env("LAKEGATE_DATABRICKS_CLI", &standin)
            .env("STANDIN_PROFILE", "delegated")
            .env("STANDIN_TOKEN", pat)
            .env("STANDIN_MODE", mode);
        c
    };
    let out = run(base("ok").args(["token", "profile:delegated", "--json"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access_token"], pat);
    assert_eq!(
        lakegate::connections::parse_rfc3339(v["expiry"].as_str().unwrap()),
        lakegate::connections::parse_rfc3339("2098-12-31T23:00:00Z")
    );

    let old = run(base("old").args(["token", "profile:delegated"]));
    assert_eq!(old.status.code(), Some(1));
    assert!(
        text(&old.stderr).contains("too old"),
        "{}",
        text(&old.stderr)
    );
    let garbage = run(base("garbage").args(["token", "profile:delegated"]));
    assert!(
        text(&garbage.stderr).contains("not the expected JSON"),
        "{}",
        text(&garbage.stderr)
    );
    let missing = run(base("ok")
        .args(["token", "profile:delegated"])
        .env("LAKEGATE_DATABRICKS_CLI", "/nonexistent/databricks"));
    assert!(
        text(&missing.stderr).contains("not installed"),
        "{}",
        text(&missing.stderr)
    );
    let wrong = run(base("ok")
        .args(["token", "profile:delegated"])
        .env("STANDIN_PROFILE", "other"));
    assert!(
        text(&wrong.stderr).contains("profile delegated not found"),
        "{}",
        text(&wrong.stderr)
    );
}

#[test]
fn user_sign_in_service_principal_and_pat_then_the_canary() {
    let h = home("flows");
    let sb = standalone(&h);
    let host = sb.info["host"].as_str().unwrap().to_string();
    let ca = sb.info["ca_file"].as_str().unwrap().to_string();
    let browser = browser_script(&h, &ca);

    let mut outputs = String::new();
    let mut keep = |o: &Output| {
        outputs.push_str(&text(&o.stdout));
        outputs.push_str(&text(&o.stderr));
    };
    let o = run(lakegate(&h, &sb).args(["connections", "add", "work", "--host", &host]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    keep(&o);
    let o = run(lakegate(&h, &sb)
        .args(["login", "work"])
        .env("BROWSER", &browser));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Signed in to work as alice@example.com"));
    keep(&o);
    // --no-browser prints the link; a person opens it themselves.
    let mut login = lakegate(&h, &sb)
        .args(["login", "work", "--no-browser"])
        .env("BROWSER", &browser)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(login.stderr.take().unwrap());
    let mut printed = String::new();
    let link = read_until(&mut err, &mut printed, |l| l.starts_with("https://"))
        .trim()
        .to_string();
    assert!(printed.contains("Open this link"), "{printed}");
    assert!(Command::new(&browser)
        .arg(&link)
        .status()
        .unwrap()
        .success());
    let done = login.wait_with_output().unwrap();
    assert!(done.status.success());
    assert!(text(&done.stdout).contains("as alice@example.com"));
    keep(&Output {
        status: done.status,
        stdout: printed.into_bytes(),
        stderr: Vec::new(),
    });
    let user_token = text(&run(lakegate(&h, &sb).args(["token", "work", "-o", "text"])).stdout)
        .trim()
        .to_string();
    assert_eq!(me(&sb, &user_token)["userName"], "alice@example.com");

    let sp = &sb.info["service_principals"][0];
    let secret = sp["client_secret"].as_str().unwrap().to_string();
    let o = run_with_stdin(
        lakegate(&h, &sb).args([
            "connections",
            "add",
            "bot",
            "--host",
            &host,
            "--service-principal",
            "--client-id",
            sp["client_id"].as_str().unwrap(),
        ]),
        &format!("{secret}\n"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    keep(&o);
    let bot_token = text(&run(lakegate(&h, &sb).args(["token", "bot", "-o", "text"])).stdout)
        .trim()
        .to_string();
    assert_eq!(me(&sb, &bot_token)["displayName"], "reporting-bot");

    let wrong = run_with_stdin(
        lakegate(&h, &sb).args([
            "connections",
            "add",
            "bad-bot",
            "--host",
            &host,
            "--service-principal",
            "--client-id",
            sp["client_id"].as_str().unwrap(),
        ]),
        "dose-wrong\n",
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text(&wrong.stderr).contains("did not accept the client id and secret"));
    let listed = text(&run(lakegate(&h, &sb).arg("connections")).stdout);
    assert!(
        !listed.contains("bad-bot"),
        "nothing is saved when the check fails"
    );

    let pat = sb.info["users"][0]["pat"].as_str().unwrap().to_string();
    let o = run_with_stdin(
        lakegate(&h, &sb).args(["connections", "add", "pat", "--host", &host, "--pat"]),
        &format!("{pat}\n"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Apps refuse personal access tokens"));
    keep(&o);
    let o = run(lakegate(&h, &sb).arg("connections"));
    keep(&o);

    // The canary: no token or secret in any file Lakegate wrote, nor in what it printed
    // (other than `lakegate token`, whose output is the token on purpose).
    let secrets = vec![user_token.clone(), bot_token, secret, pat];
    assert_no_secret_in_files(&h, &secrets);
    for s in &secrets {
        assert!(!outputs.contains(s.as_str()), "a secret was printed");
    }

    let o = run(lakegate(&h, &sb).args(["logout", "work"]));
    assert!(o.status.success());
    let o = run(lakegate(&h, &sb).args(["token", "work"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("not signed in"));
    let o = run(lakegate(&h, &sb).args(["connections", "remove", "bot"]));
    assert!(o.status.success());
}

#[test]
fn a_corrupt_connections_file_is_set_aside_and_reported() {
    let h = home("corrupt");
    let sb = standalone(&h);
    let dir = h.join("config/lakegate");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("connections.json"), "{ not json").unwrap();
    let o = run(lakegate(&h, &sb).arg("connections"));
    assert!(o.status.success());
    assert!(
        text(&o.stderr).contains("could not be read"),
        "{}",
        text(&o.stderr)
    );
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let aside = kept
        .iter()
        .find(|n| n.starts_with("connections.json.unreadable-"))
        .expect("set aside");
    assert_eq!(
        std::fs::read_to_string(dir.join(aside)).unwrap(),
        "{ not json",
        "kept byte for byte"
    );
}

#[test]
fn bad_hosts_get_a_message_not_a_hang() {
    let h = home("hosts");
    let sb = standalone(&h);
    for (host, expect) in [
        ("http://plain.example", "https"),
        ("   ", "enter the workspace address"),
        ("not a host", "not a web address"),
    ] {
        let o = run(lakegate(&h, &sb).args(["connections", "add", "x", "--host", host]));
        assert_eq!(o.status.code(), Some(1), "{host}");
        assert!(
            text(&o.stderr).contains(expect),
            "{host}: {}",
            text(&o.stderr)
        );
    }
    let o = run(lakegate(&h, &sb).args([
        "connections",
        "add",
        "x",
        "--host",
        "https://nothing.invalid",
    ]));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("could not be reached"),
        "{}",
        text(&o.stderr)
    );
}

/// Two processes refresh the same connection at once, 20 times over, against a sandbox
/// that invalidates every refresh token once used: the lock across processes (and the
/// retry with the newer refresh token) means nobody is ever asked to sign in again.
#[test]
fn two_processes_refreshing_one_connection_never_lose_the_sign_in() {
    let h = home("two-procs");
    // Tokens live one second: every call refreshes (it is always within 5 minutes of expiry).
    let sb = standalone_with(&h, &["--token-ttl", "1"]);
    let host = sb.info["host"].as_str().unwrap().to_string();
    let ca = sb.info["ca_file"].as_str().unwrap().to_string();
    let browser = browser_script(&h, &ca);
    let o = run(lakegate(&h, &sb).args(["connections", "add", "shared", "--host", &host]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run(lakegate(&h, &sb)
        .args(["login", "shared"])
        .env("BROWSER", &browser));
    assert!(o.status.success(), "{}", text(&o.stderr));

    let mut failures = Vec::new();
    for round in 0..20 {
        let children: Vec<_> = (0..2)
            .map(|_| {
                lakegate(&h, &sb)
                    .args(["token", "shared"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            if !out.status.success() {
                failures.push(format!("round {round}: {}", text(&out.stderr)));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let o = run(lakegate(&h, &sb).args(["connections"]));
    assert!(
        !text(&o.stdout).contains("sign in again"),
        "{}",
        text(&o.stdout)
    );
}

/// One table of bad inputs through both doors — the window's operation and `lakegate
/// connections add --json` — gets the same kind of error from each, and saves nothing.
#[test]
fn bad_connections_get_the_same_answer_from_the_window_and_the_command_line() {
    use lakegate::bridge::{ConnectionKindName as K, NewConnection};
    let h = home("doors");
    let sb = standalone(&h);
    let host = sb.info["host"].as_str().unwrap().to_string();
    let ca = sb.info["ca_file"].as_str().unwrap().to_string();
    let sp_id = sb.info["service_principals"][0]["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    struct Case {
        what: &'static str,
        input: NewConnection,
        kind: &'static str,
    }
    let base = |name: &str, kind: K| NewConnection {
        name: name.into(),
        host: host.clone(),
        kind,
        client_id: None,
        redirect_uri: None,
        scopes: vec![],
        secret: None,
        profile: None,
        ca_bundle: Some(ca.clone()),
    };
    let cases = vec![
        Case {
            what: "a wrong PAT",
            input: NewConnection {
                secret: Some("dapi-not-a-real-token".into()),
                ..base("wrongpat", K::Pat)
            },
            kind: "Refused",
        },
        Case {
            what: "a wrong client secret",
            input: NewConnection {
                client_id: Some(sp_id.clone()),
                secret: Some("not-the-secret".into()),
                ..base("wrongsecret", K::ServicePrincipal)
            },
            kind: "Refused",
        },
        Case {
            what: "a redirect that is not loopback",
            input: NewConnection {
                client_id: Some("my-app".into()),
                redirect_uri: Some("http://example.com/callback".into()),
                ..base("farredirect", K::User)
            },
            kind: "InvalidInput",
        },
        Case {
            what: "a host that does not exist",
            input: NewConnection {
                host: "https://no-such-workspace.invalid".into(),
                ..base("nohost", K::User)
            },
            kind: "Network",
        },
        Case {
            what: "a CA file that is not there",
            input: NewConnection {
                ca_bundle: Some(h.join("missing.pem").display().to_string()),
                ..base("noca", K::User)
            },
            kind: "InvalidInput",
        },
        Case {
            what: "a reserved name",
            input: base("Sandbox", K::User),
            kind: "InvalidInput",
        },
        Case {
            what: "a name with a slash",
            input: base("a/b", K::User),
            kind: "InvalidInput",
        },
    ];

    // The window's door.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let keychain = std::sync::Arc::new(lakegate::base::secrets::Keychain::with_service(&format!(
        "lakegate-test-doors-{}",
        std::process::id()
    )));
    let probe = keychain.clone();
    let app = lakegate::engine::Engine::with_parts(
        std::sync::Arc::new(lakegate::base::host::HeadlessHost { no_browser: true }),
        keychain,
        Box::new(move || probe.probe()),
        h.join("window-config"),
        h.join("window-data"),
        Box::new(|_| None),
    );
    for case in &cases {
        let got = rt
            .block_on(app.add_connection(case.input.clone()))
            .expect_err(case.what);
        let json = serde_json::to_value(&got).unwrap();
        assert_eq!(json["kind"], case.kind, "window, {}: {got}", case.what);
    }

    // The command line's door.
    for case in &cases {
        let i = &case.input;
        let mut args = vec![
            "connections".to_string(),
            "add".into(),
            i.name.clone(),
            "--host".into(),
            i.host.clone(),
            "--json".into(),
        ];
        match i.kind {
            K::Pat => args.push("--pat".into()),
            K::ServicePrincipal => args.push("--service-principal".into()),
            _ => {}
        }
        for (flag, value) in [
            ("--client-id", &i.client_id),
            ("--redirect-uri", &i.redirect_uri),
            ("--ca-bundle", &i.ca_bundle),
        ] {
            if let Some(v) = value {
                args.push(flag.into());
                args.push(v.clone());
            }
        }
        let mut cmd = lakegate(&h, &sb);
        cmd.args(&args);
        if let Some(secret) = &i.secret {
            cmd.env("LAKEGATE_SECRET", secret);
        }
        let out = run(&mut cmd);
        assert!(!out.status.success(), "{}", case.what);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", case.what, text(&out.stdout)));
        assert_eq!(
            json["kind"], case.kind,
            "command line, {}: {json}",
            case.what
        );
    }
    // Nothing was saved by either.
    let out = run(lakegate(&h, &sb).args(["connections", "--json"]));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
}

/// An organisation's own OAuth app without offline_access grants no refresh token:
/// `lakegate login` says so, with when the sign-in ends, instead of "Signed in" and then
/// "not signed in" an hour later.
#[test]
fn a_sign_in_without_a_refresh_token_says_when_it_ends() {
    let h = home("no-refresh");
    let sb = standalone_with(&h, &["--no-refresh-tokens"]);
    let host = sb.info["host"].as_str().unwrap().to_string();
    let ca = sb.info["ca_file"].as_str().unwrap().to_string();
    let browser = browser_script(&h, &ca);
    // `login --host` makes the connection, as `databricks auth login --host` makes a profile.
    let o = run(lakegate(&h, &sb)
        .args(["login", "--host", &host, "--profile", "short"])
        .env("BROWSER", &browser));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let said = text(&o.stdout);
    assert!(
        said.contains("Signed in to short as alice@example.com"),
        "{said}"
    );
    assert!(
        said.contains("no refresh token") && said.contains("sign in again then"),
        "{said}"
    );
    let listed: serde_json::Value =
        serde_json::from_slice(&run(lakegate(&h, &sb).args(["connections", "--json"])).stdout)
            .unwrap();
    assert_eq!(listed[0]["name"], "short");
    assert_eq!(listed[0]["refreshable"], false);
    // The same host again reuses that connection.
    let o = run(lakegate(&h, &sb)
        .args(["login", "--host", &host])
        .env("BROWSER", &browser));
    assert!(
        text(&o.stdout).contains("Signed in to short"),
        "{}",
        text(&o.stdout)
    );
}

/// Where the browser cannot reach this machine (Lakegate remote, in WSL or a container),
/// `lakegate login --no-browser` takes the address the browser ended on, pasted at its
/// prompt: another sign-in's address is refused in words and the prompt goes on; this
/// sign-in's finishes it.
#[test]
fn login_no_browser_takes_the_pasted_address_the_browser_ended_on() {
    let h = home("paste");
    let sb = standalone(&h);
    let host = sb.info["host"].as_str().unwrap().to_string();
    let ca = sb.info["ca_file"].as_str().unwrap().to_string();
    let o = run(lakegate(&h, &sb).args(["connections", "add", "remote", "--host", &host]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut login = lakegate(&h, &sb)
        .args(["login", "remote", "--no-browser"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(login.stderr.take().unwrap());
    let mut printed = String::new();
    let link = read_until(&mut err, &mut printed, |l| l.starts_with("https://"))
        .trim()
        .to_string();
    // The browser, elsewhere: it signs in and ends on an address it cannot load.
    let out = Command::new("curl")
        .args([
            "-s",
            "--cacert",
            &ca,
            "-o",
            "/dev/null",
            "-w",
            "%{redirect_url}",
        ])
        .arg(&link)
        .output()
        .unwrap();
    let ended_on = text(&out.stdout).trim().to_string();
    assert!(
        ended_on.starts_with("http://localhost:8020"),
        "{ended_on} {}",
        text(&out.stderr)
    );
    let mut stdin = login.stdin.take().unwrap();
    writeln!(stdin, "http://localhost:8020/?code=abc&state=forged").unwrap();
    // Refused, in words; the prompt goes on.
    read_until(&mut err, &mut printed, |l| l.contains("another sign-in"));
    writeln!(stdin, "{ended_on}").unwrap();
    drop(stdin);
    let done = login.wait_with_output().unwrap();
    assert!(done.status.success(), "{printed}{}", text(&done.stderr));
    assert!(text(&done.stdout).contains("Signed in to remote as alice@example.com"));
    assert!(
        printed.contains("paste that whole address here"),
        "{printed}"
    );
}
