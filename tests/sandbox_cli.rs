//! `lakegate sandbox` as a program: the ready line, clean exit on SIGTERM, clear
//! errors for a busy port or an unknown user.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn lakegate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lakegate"))
}

#[cfg(unix)]
#[test]
fn prints_one_ready_line_then_serves_until_sigterm() {
    let dir = std::env::temp_dir().join(format!("lakegate-sandbox-cli-{}", std::process::id()));
    let mut child = lakegate()
        .args(["sandbox", "--port", "0", "--token-ttl", "120", "--dir"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    assert!(ready["host"]
        .as_str()
        .unwrap()
        .starts_with("https://localhost:"));
    assert_eq!(ready["ca_file"], dir.join("ca.pem").display().to_string());
    assert!(std::fs::read_to_string(dir.join("ca.pem"))
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
    assert_eq!(ready["workspace_id"], "1234567890123456");
    let users = ready["users"].as_array().unwrap();
    assert!(users.iter().any(|u| u["email"] == "alice@example.com"
        && u["role"] == "user"
        && u["pat"].as_str().unwrap().starts_with("dapi")));
    assert!(users.iter().any(|u| u["role"] == "admin"));
    let sp = &ready["service_principals"][0];
    assert!(
        sp["client_id"].is_string() && sp["client_secret"].as_str().unwrap().starts_with("dose")
    );
    let apps = ready["apps"].as_array().unwrap();
    assert!(apps.iter().any(|a| a["name"] == "sales"
        && a["user_api_scopes"][0] == "sql"
        && a["state"] == "RUNNING"));
    assert!(apps
        .iter()
        .any(|a| a["name"] == "report" && a["compute_state"] == "STOPPED"));

    // The port is really taken: a second sandbox on it fails clearly with exit 1.
    let port = ready["host"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let busy = lakegate()
        .args(["sandbox", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(busy.status.code(), Some(1));
    let err = String::from_utf8_lossy(&busy.stderr);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("already in use"),
        "{err}"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "SIGTERM ends the sandbox cleanly");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_auto_approve_user_is_a_clear_error() {
    let out = lakegate()
        .args(["sandbox", "--auto-approve", "nobody@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nobody@example.com") && err.contains("alice@example.com"),
        "{err}"
    );
}

#[test]
fn bad_settings_are_usage_errors() {
    for args in [
        vec!["sandbox", "--port", "70000"],
        vec!["sandbox", "--token-ttl", "0"],
        vec!["sandbox", "--missing-scope-status", "500"],
    ] {
        let out = lakegate().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
