//! The TypeScript side of the bridge: `ui/src/lib/bindings.ts`, written from every Rust type
//! the window receives or sends. Nothing in the core imports this module (it imports every
//! feature's types), so the types stay where their features are and no circle forms; only
//! `tests/bindings.rs` and `make bindings` use it.

use crate::bridge::*;
use ts_rs::TS;

/// The commands the window may call (the list build.rs and the capability are made from).
mod commands {
    include!("gui/command_names.rs");
}

/// The committed TypeScript file's path, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// The full text of `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        AppInfo::decl(&cfg),
        crate::base::error::UiError::decl(&cfg),
        ConnectionView::decl(&cfg),
        ConnectionKindName::decl(&cfg),
        OriginName::decl(&cfg),
        KeychainStatus::decl(&cfg),
        ConnectionsOverview::decl(&cfg),
        SandboxView::decl(&cfg),
        NewConnection::decl(&cfg),
        SignInStarted::decl(&cfg),
        TokenInspection::decl(&cfg),
        AppView::decl(&cfg),
        ParameterView::decl(&cfg),
        OperationView::decl(&cfg),
        EndpointsView::decl(&cfg),
        RequestInput::decl(&cfg),
        TimingsView::decl(&cfg),
        ResponseView::decl(&cfg),
        SnippetsView::decl(&cfg),
        HistoryView::decl(&cfg),
        SavedView::decl(&cfg),
        NetworkSettings::decl(&cfg),
        ScopeMatrix::decl(&cfg),
        ExportedReport::decl(&cfg),
        ScopeMatrixRow::decl(&cfg),
        BodyKind::decl(&cfg),
        SavedBody::decl(&cfg),
        CurlImport::decl(&cfg),
        StreamUpdate::decl(&cfg),
        crate::stream::StreamEvent::decl(&cfg),
        crate::body::JsonKind::decl(&cfg),
        crate::body::TextRows::decl(&cfg),
        crate::body::TreeRow::decl(&cfg),
        crate::body::TreeRows::decl(&cfg),
        crate::body::SearchHit::decl(&cfg),
        crate::doctor::Verdict::decl(&cfg),
        crate::doctor::StepId::decl(&cfg),
        crate::doctor::Facts::decl(&cfg),
        crate::doctor::Finding::decl(&cfg),
        crate::doctor::Report::decl(&cfg),
        crate::checks::CheckOutcome::decl(&cfg),
        crate::checks::DoctorNote::decl(&cfg),
        crate::checks::CheckRun::decl(&cfg),
        crate::checks::CheckFileView::decl(&cfg),
        crate::checks::CheckLine::decl(&cfg),
        crate::checks::ReportFormat::decl(&cfg),
        crate::access::Permission::decl(&cfg),
        crate::access::AccessIdentity::decl(&cfg),
        crate::base::i18n::Marked::decl(&cfg),
        crate::access::CellParts::decl(&cfg),
        crate::access::AccessCell::decl(&cfg),
        crate::access::AppAccess::decl(&cfg),
        crate::access::AccessMatrix::decl(&cfg),
        crate::access::AccessFormat::decl(&cfg),
        crate::engine::LanguageSettings::decl(&cfg),
        crate::base::i18n::Msg::decl(&cfg),
        crate::base::i18n::Text::decl(&cfg),
        crate::guide::GuideView::decl(&cfg),
        crate::guide::Requirement::decl(&cfg),
        crate::guide::Met::decl(&cfg),
        crate::guide::StepTools::decl(&cfg),
        crate::guide::Trial::decl(&cfg),
        crate::guide::AppRun::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types listed in src-tauri/bindings.rs and the commands'\n\
         // signatures in src-tauri/gui/commands.rs.\n\
         // Do not edit: run `make bindings` (a test fails when this file is stale).\n\n\
         /** What a command streams to: a Tauri `Channel` (made in api.ts, the only caller). */\n\
         export type Listener<T> = { onmessage: (message: T) => void };\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    // A misspelt command is a compile error in the window (`api.ts` calls only these).
    let names: Vec<String> = commands::COMMANDS
        .iter()
        .map(|c| format!("{c:?}"))
        .collect();
    out.push_str(&format!("export type Command = {};\n\n", names.join(" | ")));
    // What each command takes and gives back, read from its signature in gui/commands.rs:
    // a changed argument or return type is a compile error in `api.ts`.
    let signatures = command_signatures(COMMANDS_RS);
    let mut args = String::from("export type CommandArgs = {\n");
    let mut returns = String::from("export type CommandReturns = {\n");
    for name in commands::COMMANDS {
        let Some(sig) = signatures.iter().find(|s| s.name == *name) else {
            panic!("gui/commands.rs has no #[tauri::command] fn {name}");
        };
        let fields: Vec<String> = sig
            .params
            .iter()
            .map(|(n, t)| format!("{}: {}", camel(n), ts_type(t)))
            .collect();
        match fields.is_empty() {
            true => args.push_str(&format!("  {name}: {{}};\n")),
            false => args.push_str(&format!("  {name}: {{ {} }};\n", fields.join("; "))),
        }
        returns.push_str(&format!("  {name}: {};\n", ts_type(&sig.returns)));
    }
    out.push_str(&args);
    out.push_str("};\n\n");
    out.push_str(&returns);
    out.push_str("};\n");
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The window's commands as written (read whether or not the window is built).
const COMMANDS_RS: &str = include_str!("gui/commands.rs");

/// One `#[tauri::command]` as the window calls it: the arguments it sends (not the state
/// Tauri injects) and what comes back.
#[derive(Debug, PartialEq)]
pub struct Signature {
    pub name: String,
    pub params: Vec<(String, String)>,
    pub returns: String,
}

/// Every `#[tauri::command]` function in `source`, its Rust argument and return types as
/// written (`Result<T, UiError>` gives back `T`; no return type gives back `()`).
pub fn command_signatures(source: &str) -> Vec<Signature> {
    let mut found = Vec::new();
    for part in source.split("#[tauri::command").skip(1) {
        let Some(at) = part.find("fn ") else { continue };
        let rest = &part[at + 3..];
        let Some(open) = rest.find('(') else { continue };
        let name = rest[..open].trim().to_string();
        let Some(close) = matching(rest, open) else {
            continue;
        };
        let params = split_top(&rest[open + 1..close])
            .into_iter()
            .filter_map(|p| {
                let (n, t) = p.split_once(':')?;
                let t = t.trim().to_string();
                let injected = ["State<", "AppHandle", "Window", "Webview"]
                    .iter()
                    .any(|k| t.starts_with(k) || t.starts_with(&format!("tauri::{k}")));
                (!injected).then(|| (n.trim().trim_start_matches("mut ").to_string(), t))
            })
            .collect();
        let after = &rest[close + 1..];
        let body = after.find('{').unwrap_or(after.len());
        let ret = after[..body].trim();
        let returns = match ret.strip_prefix("->") {
            Some(r) => {
                let r = r.trim();
                match r.strip_prefix("Result<").and_then(|x| x.strip_suffix('>')) {
                    Some(inner) => split_top(inner).first().cloned().unwrap_or_default(),
                    None => r.to_string(),
                }
            }
            None => "()".to_string(),
        };
        found.push(Signature {
            name,
            params,
            returns,
        });
    }
    found
}

/// The index of the `)` that closes the `(` at `open`.
fn matching(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` split at the commas outside `<…>` and `(…)`, each part trimmed, empty ones left out.
fn split_top(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim().to_string());
    parts.retain(|p| !p.is_empty());
    parts
}

/// A Rust type as the window receives it (serde's JSON, ts-rs's names).
pub fn ts_type(rust: &str) -> String {
    let t = rust.trim();
    let generic = |outer: &str| {
        t.strip_prefix(outer)
            .and_then(|x| x.strip_prefix('<'))
            .and_then(|x| x.strip_suffix('>'))
    };
    if let Some(inner) = generic("Option") {
        return format!("{} | null", ts_type(inner));
    }
    if let Some(inner) = generic("Vec") {
        return format!("Array<{}>", ts_type(inner));
    }
    if let Some(inner) = generic("tauri::ipc::Channel").or_else(|| generic("Channel")) {
        return format!("Listener<{}>", ts_type(inner));
    }
    match t {
        "()" => "null".into(),
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "f32"
        | "f64" => "number".into(),
        // A path (`crate::doctor::Report`) is its last name, as ts-rs exports it.
        other => other.rsplit("::").next().unwrap_or(other).to_string(),
    }
}

/// Tauri's name for an argument on the JavaScript side (`app_url` is `appUrl`).
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
