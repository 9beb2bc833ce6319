//! The window: a thin shell over the core. Commands only translate between IPC and
//! core functions; no protocol or storage logic lives here.

mod command_names;
mod commands;

pub use command_names::COMMANDS;

pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        // Used from Rust only (the core's host interface); the webview has no permission for either.
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_shell::init())
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
}
