//! Everything that crosses between Rust and the UI. Each type here derives its
//! TypeScript twin; `typescript_bindings` writes them all into one file,
//! `ui/src/lib/bindings.ts`, which is committed and checked by a test.

use serde::Serialize;
use ts_rs::TS;

use crate::error::UiError;
use crate::platform;

/// What the window shows about this installation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Operating system and CPU, e.g. `linux x86_64`.
    pub platform: String,
    /// Where settings and connections are kept (secrets never are: they go to the keychain).
    pub config_dir: String,
    /// Where history and saved requests are kept.
    pub data_dir: String,
}

/// Describes this installation. Shared by the window and `lakegate info`.
pub fn app_info() -> Result<AppInfo, UiError> {
    Ok(AppInfo {
        name: "Lakegate".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        config_dir: platform::config_dir()?.display().to_string(),
        data_dir: platform::data_dir()?.display().to_string(),
    })
}

/// The committed TypeScript file's path, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// The full text of `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [AppInfo::decl(&cfg), UiError::decl(&cfg)];
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/bridge.rs and src-tauri/error.rs.\n\
         // Do not edit: run `make bindings` (a test fails when this file is stale).\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
