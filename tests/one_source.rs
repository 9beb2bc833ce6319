//! One source for every rule: the core decides and sends words, the window draws. These
//! rules were once written in Rust and again in TypeScript, and the copies disagreed (the
//! window's Apps-host test took `evildatabricksapps.com`; its template match and the Doctor's
//! differed on a trailing `/`; a verdict's word had two keys). A copy in the window's code
//! fails here, naming the Rust function that holds the rule.

use std::path::{Path, PathBuf};

/// A mark of the rule in TypeScript, and where the rule lives.
const RULES: &[(&str, &str)] = &[
    (
        "databricksapps",
        "whether a host is an app's: connections::destinations::looks_like_apps_host / url_warning",
    ),
    (
        "apps.localhost",
        "whether a host is an app's: connections::destinations::looks_like_apps_host",
    ),
    (
        "startsWith('/api/')",
        "a path outside /api/: connections::destinations::url_warning",
    ),
    (
        "fitsTemplate",
        "whether a typed URL fits an endpoint: doctor::url_fits",
    ),
    (
        "urlOnApp",
        "where an operation is on its app: workspace::openapi::place_on_app",
    ),
    (
        "function negotiate",
        "which language to speak: Engine::language_settings, i18n::first_spoken",
    ),
    (
        "'verdict-",
        "a verdict's icon and word: doctor::Verdict::marked",
    ),
    (
        "access-called",
        "an access cell's words: access::AccessCell::parts",
    ),
    (
        "access-token-lacks",
        "an access cell's words: access::AccessCell::parts",
    ),
    (
        "access-level-through",
        "an access cell's words: access::AccessCell::parts",
    ),
    ("'file.files'", "the guide's scope: oauth::scope_hint"),
    ("\"file.files\"", "the guide's scope: oauth::scope_hint"),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            sources(&path, out);
        } else if (name.ends_with(".ts") || name.ends_with(".svelte"))
            && !name.ends_with(".test.ts")
            // Generated from the Rust types.
            && name != "bindings.ts"
        {
            out.push(path);
        }
    }
}

#[test]
fn no_rule_is_written_twice() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(files.len() > 10, "the window's sources: {files:?}");
    let mut copies = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (line_no, line) in text.lines().enumerate() {
            // Comments may name a rule; code may not hold one.
            let code = line.split("//").next().unwrap_or("");
            for (mark, home) in RULES {
                if code.contains(mark) {
                    copies.push(format!(
                        "{}:{}: {mark:?} — the rule lives in Rust ({home})",
                        file.strip_prefix(&root).unwrap().display(),
                        line_no + 1
                    ));
                }
            }
        }
    }
    assert!(
        copies.is_empty(),
        "rules written again in the window:\n{}",
        copies.join("\n")
    );
}

/// The marks above are real: each names something the Rust side holds.
#[test]
fn every_rule_named_has_its_home() {
    let core = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
    let read = |p: &str| std::fs::read_to_string(core.join(p)).unwrap();
    assert!(read("connections/destinations.rs").contains("pub fn looks_like_apps_host"));
    assert!(read("connections/destinations.rs").contains("pub fn url_warning"));
    assert!(read("doctor/mod.rs").contains("pub fn url_fits"));
    assert!(read("doctor/mod.rs").contains("pub fn marked"));
    assert!(read("workspace/openapi.rs").contains("pub fn place_on_app"));
    assert!(read("access/mod.rs").contains("pub fn parts"));
    assert!(read("base/i18n.rs").contains("pub fn first_spoken"));
    assert!(read("oauth/mod.rs").contains("pub fn scope_hint"));
}
