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
        crate::error::UiError::decl(&cfg),
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
        crate::doctor::CheckId::decl(&cfg),
        crate::doctor::Facts::decl(&cfg),
        crate::doctor::Finding::decl(&cfg),
        crate::doctor::Report::decl(&cfg),
        crate::checks::CheckOutcome::decl(&cfg),
        crate::checks::DoctorNote::decl(&cfg),
        crate::checks::CheckRun::decl(&cfg),
        crate::app::CheckFileView::decl(&cfg),
        crate::app::CheckLine::decl(&cfg),
        crate::app::ReportFormat::decl(&cfg),
        crate::access::Permission::decl(&cfg),
        crate::access::AccessIdentity::decl(&cfg),
        crate::i18n::Marked::decl(&cfg),
        crate::access::CellParts::decl(&cfg),
        crate::access::AccessCell::decl(&cfg),
        crate::access::AppAccess::decl(&cfg),
        crate::access::AccessMatrix::decl(&cfg),
        crate::app::AccessFormat::decl(&cfg),
        crate::app::LanguageSettings::decl(&cfg),
        crate::i18n::Msg::decl(&cfg),
        crate::i18n::Text::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types listed in src-tauri/bindings.rs.\n\
         // Do not edit: run `make bindings` (a test fails when this file is stale).\n\n",
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
    out.push_str(&format!("export type Command = {};\n", names.join(" | ")));
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
