//! The house's rule (docs/architecture.md): the base (`src-tauri/base/`) imports nothing
//! above it, the protocol folders only the base, a feature's logic only those two and other
//! features; the engine and each feature's operations on it (`<feature>/ops.rs`) gather
//! them; no circle anywhere; only the doors (command line, window, launcher, the TypeScript
//! export) may reach everything, and nothing reaches into them. Read from the source, as `tests/tauri_policy.rs`
//! reads the capability list: a new `crate::` path across the rule fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const BASE: &[&str] = &[
    "base",
    "error",
    "i18n",
    "settings",
    "platform",
    "redaction",
    "secrets",
    "host",
];
const PROTOCOL: &[&str] = &["oauth", "connections", "http", "profiles", "workspace"];
const FEATURES: &[&str] = &[
    "access", "body", "checks", "curl", "doctor", "guide", "history", "links", "request",
    "snippets", "stream",
];
/// The engine (Lakegate's shared state and its connection operations) and the types the
/// window sees; each feature's `ops.rs` (`access/ops`) is in this layer too.
const CORE: &[&str] = &["engine", "bridge"];
/// The other side of the wire: it shares no protocol code with the client; it reads the
/// corpus of recorded answers (`doctor::record`) and the base.
const SANDBOX: &[&str] = &["sandbox"];
const DOORS: &[&str] = &["cli", "gui", "launcher", "bindings"];

fn layer(m: &str) -> Option<&'static str> {
    if let Some(feature) = m.strip_suffix("/ops") {
        return FEATURES.contains(&feature).then_some("core");
    }
    [
        ("base", BASE),
        ("protocol", PROTOCOL),
        ("feature", FEATURES),
        ("core", CORE),
        ("sandbox", SANDBOX),
        ("door", DOORS),
    ]
    .into_iter()
    .find(|(_, ms)| ms.contains(&m))
    .map(|(l, _)| l)
}

fn may_use(from: &str, to: &str) -> bool {
    let (Some(a), Some(b)) = (layer(from), layer(to)) else {
        return false;
    };
    match a {
        "base" => b == "base",
        "protocol" => matches!(b, "base" | "protocol"),
        "feature" => matches!(b, "base" | "protocol" | "feature"),
        "core" => matches!(b, "base" | "protocol" | "feature" | "core" | "sandbox"),
        "sandbox" => b == "base" || to == "doctor",
        // The doors reach everything but each other's insides (the launcher starts the window).
        "door" => b != "door" || (from == "launcher" && to == "gui"),
        _ => false,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Module → the modules its code (tests aside) names as `crate::<module>`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let parts: Vec<String> = rel
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        // The base's modules one by one (`base/i18n.rs` is `i18n`); a feature's operations
        // on the engine apart from its logic (`access/ops.rs` is `access/ops`).
        let top = match parts.as_slice() {
            [base, m, ..] if base == "base" && m != "mod" => m.clone(),
            [feature, ops] if ops == "ops" => format!("{feature}/ops"),
            [first, ..] => first.clone(),
            [] => unreachable!(),
        };
        if ["lib", "main", "window_main", "build"].contains(&top.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let uses = g.entry(top.clone()).or_default();
        let word = |at: usize| -> String {
            code[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        for (i, _) in code.match_indices("crate::") {
            let mut name = word(i + "crate::".len());
            if name == "base" {
                name = word(i + "crate::base::".len());
            }
            if !name.is_empty() && name != top {
                uses.insert(name);
            }
        }
    }
    g
}

#[test]
fn every_module_keeps_to_its_layer() {
    let g = graph();
    assert!(g.len() > 20, "{g:?}");
    let mut wrong = Vec::new();
    for (from, uses) in &g {
        if layer(from).is_none() {
            wrong.push(format!(
                "{from}: in no layer (add it to tests/layers.rs and docs/architecture.md)"
            ));
            continue;
        }
        for to in uses {
            if !may_use(from, to) {
                wrong.push(format!(
                    "{from} ({}) uses {to} ({})",
                    layer(from).unwrap(),
                    layer(to).unwrap_or("?")
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "across the rule:\n{}", wrong.join("\n"));
}

#[test]
fn no_module_goes_round_in_a_circle() {
    let g = graph();
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|x| x == m) {
            let mut circle = path[at..].to_vec();
            circle.push(m.to_string());
            return Some(circle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(circle) = visit(m, &g, &mut Vec::new(), &mut done) {
            panic!("a circle: {}", circle.join(" → "));
        }
    }
}
