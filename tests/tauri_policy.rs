//! Tauri is hardened from day one: this reads tauri.conf.json, the capability files
//! and the UI sources, and fails on anything that widens what the webview can do.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

include!("../src-tauri/gui/command_names.rs");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> Value {
    read_json(&root().join("tauri.conf.json"))
}

/// The CSP as directive → sources, whether written as a string or an object.
fn csp_directives(csp: &Value) -> Vec<(String, Vec<String>)> {
    match csp {
        Value::String(s) => s
            .split(';')
            .filter_map(|d| {
                let mut parts = d.split_whitespace();
                let name = parts.next()?.to_string();
                Some((name, parts.map(str::to_string).collect()))
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let sources = match v {
                    Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
                    Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    other => panic!("CSP directive {k} has an unexpected value {other}"),
                };
                (k.clone(), sources)
            })
            .collect(),
        other => panic!("app.security.csp must be set (string or object), found {other}"),
    }
}

#[test]
fn global_tauri_is_off_and_no_remote_frontend() {
    let cfg = config();
    assert_eq!(
        cfg["app"]["withGlobalTauri"],
        Value::Bool(false),
        "withGlobalTauri must be false"
    );
    let dist = cfg["build"]["frontendDist"]
        .as_str()
        .expect("build.frontendDist is a path");
    assert!(
        !dist.contains("://"),
        "frontendDist must be local files, not {dist}"
    );
    assert!(
        cfg["build"].get("devUrl").is_none(),
        "no devUrl: the window never loads from a server"
    );
    for w in cfg["app"]["windows"].as_array().expect("windows") {
        if let Some(url) = w.get("url").and_then(Value::as_str) {
            assert!(!url.contains("://"), "window {w} loads a remote URL {url}");
        }
    }
    assert!(cfg["app"]["security"]
        .get("dangerousDisableAssetCspModification")
        .is_none());
    assert!(cfg["app"]["security"]
        .get("dangerousRemoteDomainIpcAccess")
        .is_none());
}

#[test]
fn csp_is_strict() {
    let cfg = config();
    let directives = csp_directives(&cfg["app"]["security"]["csp"]);
    let get = |name: &str| {
        directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("CSP lacks {name}"))
    };
    assert_eq!(get("default-src"), vec!["'self'"]);
    let script = get("script-src");
    for banned in [
        "'unsafe-eval'",
        "'unsafe-inline'",
        "data:",
        "blob:",
        "*",
        "'wasm-unsafe-eval'",
    ] {
        assert!(
            !script.iter().any(|s| s == banned),
            "script-src allows {banned}"
        );
    }
    assert_eq!(get("object-src"), vec!["'none'"]);
    assert_eq!(get("base-uri"), vec!["'none'"]);
    // No directive may name a remote origin: only the app itself and Tauri's IPC.
    for (name, sources) in &directives {
        for s in sources {
            let local = s.starts_with('\'') || s == "ipc:" || s == "http://ipc.localhost";
            assert!(local, "CSP {name} allows {s}: no remote content");
        }
    }
}

fn capability_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("capabilities"))
        .expect("capabilities/ exists")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn one_capability_grants_exactly_the_commands_the_ui_calls() {
    let files = capability_files();
    assert_eq!(files.len(), 1, "one capability file, found {files:?}");
    let cap = read_json(&files[0]);
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote URL may use the IPC");
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| {
            p.as_str()
                .expect("permissions are plain identifiers")
                .to_string()
        })
        .collect();
    for p in &granted {
        assert!(
            !p.contains(':'),
            "{p}: no plugin or core permission for the webview (opener and shell are used from Rust)"
        );
    }
    let expected: BTreeSet<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(
        granted, expected,
        "grant exactly the commands in src-tauri/gui/command_names.rs"
    );
    let listed = cfg_capabilities();
    assert_eq!(
        listed,
        vec![cap["identifier"].as_str().unwrap().to_string()]
    );
}

fn cfg_capabilities() -> Vec<String> {
    config()["app"]["security"]["capabilities"]
        .as_array()
        .expect("app.security.capabilities lists the capability files in use")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_invoke_handler_registers_exactly_the_listed_commands() {
    let src = fs::read_to_string(root().join("src-tauri/gui/mod.rs")).unwrap();
    let start =
        src.find("generate_handler![").expect("generate_handler!") + "generate_handler![".len();
    let end = start + src[start..].find(']').unwrap();
    let registered: BTreeSet<&str> = src[start..end]
        .split(',')
        .map(|s| s.trim().rsplit("::").next().unwrap())
        .filter(|s| !s.is_empty())
        .collect();
    let listed: BTreeSet<&str> = COMMANDS.iter().copied().collect();
    assert_eq!(registered, listed);
}

fn ui_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ui_sources(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("ts" | "svelte" | "css" | "html")
        ) {
            out.push(path);
        }
    }
}

#[test]
fn only_api_ts_calls_invoke_and_nothing_loads_remote_content() {
    let mut files = vec![root().join("ui/index.html")];
    ui_sources(&root().join("ui/src"), &mut files);
    assert!(files.len() > 3, "UI sources found: {files:?}");
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        if rel != "ui/src/lib/api.ts" {
            assert!(
                !text.contains("@tauri-apps/api/core"),
                "{rel} imports invoke: use ui/src/lib/api.ts"
            );
            assert!(
                !text.contains("__TAURI"),
                "{rel} reaches into Tauri internals"
            );
        }
        for pattern in [
            "src=\"http",
            "href=\"http",
            "url(http",
            "url(\"http",
            "@import \"http",
            "fetch(\"http",
            "fetch('http",
        ] {
            assert!(
                !text.contains(pattern),
                "{rel} loads remote content ({pattern})"
            );
        }
    }
}
