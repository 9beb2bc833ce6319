//! The window: a thin shell over the core. Commands only translate between IPC and
//! `crate::app::App`; no protocol or storage logic lives here.

mod command_names;
mod commands;
mod host;

use std::sync::Arc;

use tauri::Manager;

pub use command_names::COMMANDS;

pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        // Used from Rust only (the core's host interface, the token copy); the webview
        // has no permission for any of them.
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .on_page_load(|_, payload| mark_ready(payload))
        .setup(|app| {
            let host = Arc::new(host::TauriHost {
                app: app.handle().clone(),
            });
            let state = crate::app::App::new(host)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            app.manage(state);
            app.manage(commands::CopiedToken::default());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::connections_overview,
            commands::start_sandbox,
            commands::begin_sign_in,
            commands::finish_sign_in,
            commands::cancel_sign_in,
            commands::sign_out,
            commands::add_connection,
            commands::remove_connection,
            commands::set_trusted_hosts,
            commands::inspect_token,
            commands::copy_token,
            commands::use_memory_secrets,
            commands::list_apps,
            commands::discover_endpoints,
            commands::send_request,
            commands::cancel_request,
            commands::text_rows,
            commands::tree_rows,
            commands::toggle_node,
            commands::search_body,
            commands::save_body,
            commands::release_body,
            commands::import_curl,
            commands::snippets,
            commands::history,
            commands::save_request,
            commands::saved_requests,
            commands::network_settings,
            commands::save_network_settings,
            commands::diagnose,
            commands::export_report,
            commands::scope_matrix,
            commands::sign_in_with_scopes
        ])
        .build(tauri::generate_context!())?
        .run(|handle, event| {
            // Quitting takes a copied token off the clipboard if it is still there.
            if let tauri::RunEvent::Exit = event {
                commands::clear_copied_token(handle);
            }
        });
    Ok(())
}

/// For `make bench` and the package test: when `LAKEGATE_READY_FILE` names a file, it is created once
/// the page has loaded (the UI's script has run and drawn the shell), so start-up can be
/// timed from outside the same way for Lakegate and for the bare window
/// (`bench/bare_window.rs`). Without the variable this does nothing.
pub fn mark_ready(payload: &tauri::webview::PageLoadPayload<'_>) {
    if payload.event() != tauri::webview::PageLoadEvent::Finished {
        return;
    }
    if let Some(path) = std::env::var_os("LAKEGATE_READY_FILE") {
        let _ = std::fs::write(path, payload.url().as_str());
    }
}
