//! The window: a thin shell over the core. Commands only translate between IPC and
//! `crate::engine::App`; no protocol or storage logic lives here.

mod command_names;
mod commands;
mod host;

use std::sync::Arc;

use tauri::Manager;

pub use command_names::COMMANDS;

pub fn run() -> tauri::Result<()> {
    crate::body::keep_large_blocks_apart();
    tauri::Builder::default()
        // One window: a second start (a lakegate:// link opened from a browser, a wiki or
        // chat) hands its link to the running one and brings it forward.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            deliver_links(app, argv.iter().skip(1).map(String::as_str));
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        // Registers the lakegate:// scheme (from tauri.conf.json) and hears links on macOS.
        .plugin(tauri_plugin_deep_link::init())
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
            let state = crate::engine::Engine::new(host)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            // The guide playground's company proxy ended with the window that set it.
            state.forget_guide_proxy();
            app.manage(state);
            app.manage(commands::CopiedToken::default());
            app.manage(commands::LinkInbox::default());
            // A link the window was started with, and links the OS hands over later.
            let args: Vec<String> = std::env::args().skip(1).collect();
            deliver_links(app.handle(), args.iter().map(String::as_str));
            use tauri_plugin_deep_link::DeepLinkExt;
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                let urls: Vec<String> = event.urls().iter().map(|u| u.to_string()).collect();
                deliver_links(&handle, urls.iter().map(String::as_str));
            });
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
            commands::copy_link,
            commands::scope_hints,
            commands::url_warning,
            commands::endpoint_fits,
            commands::watch_links,
            commands::open_link,
            commands::snippets,
            commands::history,
            commands::save_request,
            commands::saved_requests,
            commands::network_settings,
            commands::save_network_settings,
            commands::language_settings,
            commands::set_language,
            commands::diagnose,
            commands::export_report,
            commands::scope_matrix,
            commands::sign_in_with_scopes,
            commands::open_check_file,
            commands::run_check_file,
            commands::save_check_report,
            commands::check_file_from_saved,
            commands::access_view,
            commands::save_access_report,
            commands::guide,
            commands::mark_guide_step,
            commands::reset_guide,
            commands::open_guide_reading,
            commands::add_sandbox_service_principal,
            commands::guide_run_as_app,
            commands::open_service_principals_page,
            commands::arm_guide_trial,
            commands::paste_sign_in
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

/// Passes the `lakegate://` links among `args` to the page (nothing else is read).
fn deliver_links<'a>(app: &tauri::AppHandle, args: impl Iterator<Item = &'a str>) {
    if let Some(inbox) = app.try_state::<commands::LinkInbox>() {
        for a in args.filter(|a| a.starts_with("lakegate://")) {
            inbox.deliver(a.to_string());
        }
    }
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
