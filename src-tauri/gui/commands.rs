use std::time::Duration;

use secrecy::ExposeSecret;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::access::AccessFormat;
use crate::access::AccessMatrix;
use crate::base::error::UiError;
use crate::body::{SearchHit, TextRows, TreeRows};
use crate::bridge::{
    AppInfo, AppView, ConnectionView, ConnectionsOverview, EndpointsView, HistoryView,
    NetworkSettings, NewConnection, RequestInput, ResponseView, SavedView, SignInStarted,
    SnippetsView, TokenInspection,
};
use crate::bridge::{CurlImport, ExportedReport, SavedBody, ScopeMatrix, StreamUpdate};
use crate::checks::{CheckFileView, ReportFormat};
use crate::checks::{CheckOutcome, CheckRun};
use crate::engine::Engine;

/// How long a copied token stays on the clipboard.
const CLIPBOARD_CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The token last put on the clipboard, so quitting can take it off again.
#[derive(Default)]
pub struct CopiedToken(pub std::sync::Mutex<Option<secrecy::SecretString>>);

/// Whether the clipboard still holds the token Lakegate put there (then it is cleared).
pub fn still_ours(clipboard: Option<&str>, copied: Option<&secrecy::SecretString>) -> bool {
    matches!((clipboard, copied), (Some(text), Some(token)) if !text.is_empty() && text == token.expose_secret())
}

/// Clears the clipboard when it still holds the copied token (on quit).
pub fn clear_copied_token(handle: &AppHandle) {
    let Some(copied) = handle.try_state::<CopiedToken>() else {
        return;
    };
    let token = crate::base::platform::lock(&copied.0).take();
    let current = handle.clipboard().read_text().ok();
    if still_ours(current.as_deref(), token.as_ref()) {
        let _ = handle.clipboard().write_text(String::new());
    }
}

#[tauri::command]
pub fn app_info() -> Result<AppInfo, UiError> {
    crate::engine::app_info()
}

#[tauri::command]
pub async fn connections_overview(app: State<'_, Engine>) -> Result<ConnectionsOverview, UiError> {
    app.overview().await
}

#[tauri::command]
pub async fn start_sandbox(app: State<'_, Engine>) -> Result<ConnectionView, UiError> {
    app.start_sandbox().await
}

#[tauri::command]
pub async fn begin_sign_in(app: State<'_, Engine>, name: String) -> Result<SignInStarted, UiError> {
    app.begin_sign_in(&name).await
}

#[tauri::command]
pub async fn finish_sign_in(
    app: State<'_, Engine>,
    name: String,
) -> Result<ConnectionView, UiError> {
    app.finish_sign_in(&name).await
}

#[tauri::command]
pub fn cancel_sign_in(app: State<'_, Engine>, name: String) {
    app.cancel_sign_in(&name);
}

#[tauri::command]
pub async fn sign_out(app: State<'_, Engine>, name: String) -> Result<ConnectionView, UiError> {
    app.sign_out(&name).await
}

#[tauri::command]
pub async fn add_connection(
    app: State<'_, Engine>,
    input: NewConnection,
) -> Result<ConnectionView, UiError> {
    app.add_connection(input).await
}

#[tauri::command]
pub async fn remove_connection(app: State<'_, Engine>, name: String) -> Result<(), UiError> {
    app.remove_connection(&name).await
}

#[tauri::command]
pub async fn set_trusted_hosts(
    app: State<'_, Engine>,
    name: String,
    hosts: Vec<String>,
) -> Result<ConnectionView, UiError> {
    app.set_trusted_hosts(&name, hosts).await
}

#[tauri::command]
pub async fn inspect_token(
    app: State<'_, Engine>,
    name: String,
) -> Result<TokenInspection, UiError> {
    app.inspect_token(&name).await
}

/// Puts the access token on the clipboard from Rust (it never crosses to the webview)
/// and clears it after 30 s if it is still there.
#[tauri::command]
pub async fn copy_token(
    handle: AppHandle,
    app: State<'_, Engine>,
    name: String,
) -> Result<u64, UiError> {
    let token = app.access_token_for_clipboard(&name).await?;
    let clipboard_error = |e: tauri_plugin_clipboard_manager::Error| UiError::Storage {
        message: crate::base::i18n::wsay!("clipboard-failed", reason = e.to_string()),
        path: None,
    };
    handle
        .clipboard()
        .write_text(token.expose_secret().to_string())
        .map_err(clipboard_error)?;
    if let Some(copied) = handle.try_state::<CopiedToken>() {
        *crate::base::platform::lock(&copied.0) = Some(token.clone());
    }
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLIPBOARD_CLEAR_AFTER).await;
        let current = handle.clipboard().read_text().ok();
        if still_ours(current.as_deref(), Some(&token)) {
            let _ = handle.clipboard().write_text(String::new());
        }
    });
    Ok(CLIPBOARD_CLEAR_AFTER.as_secs())
}

/// What to say of the scopes typed so far (the guide's own `file.files` means `files.files`).
#[tauri::command]
pub fn scope_hints(scopes: String) -> Vec<String> {
    crate::oauth::scope_hints(&scopes)
}

/// Why the URL typed will not take a token, in the window's language; none when it will.
#[tauri::command]
pub fn url_warning(app: State<'_, Engine>, url: String) -> Option<String> {
    app.url_warning(&url)
}

/// Whether the URL typed is still the picked endpoint's path (its parameters filled in).
#[tauri::command]
pub fn endpoint_fits(app: State<'_, Engine>, template: String, url: String) -> bool {
    app.endpoint_fits(&template, &url)
}

/// Copies a `lakegate://` link that opens `request` (never a token); returns it.
#[tauri::command]
pub fn copy_link(
    handle: AppHandle,
    app: State<'_, Engine>,
    request: RequestInput,
) -> Result<String, UiError> {
    let link = app.request_link(&request)?;
    handle
        .clipboard()
        .write_text(link.clone())
        .map_err(|e| UiError::Storage {
            message: crate::base::i18n::wsay!("clipboard-failed", reason = e.to_string()),
            path: None,
        })?;
    Ok(link)
}

/// Links opened from outside (a browser, a wiki, chat), kept until the page listens.
#[derive(Default)]
pub struct LinkInbox {
    listener: std::sync::Mutex<Option<tauri::ipc::Channel<String>>>,
    waiting: std::sync::Mutex<Vec<String>>,
    last: std::sync::Mutex<Option<(String, std::time::Instant)>>,
}

impl LinkInbox {
    /// Hands `link` to the page (or keeps it for when it listens). The same link told
    /// twice within a few seconds (by the OS and by the running instance) counts once.
    pub fn deliver(&self, link: String) {
        {
            let mut last = crate::base::platform::lock(&self.last);
            if last
                .as_ref()
                .is_some_and(|(l, at)| *l == link && at.elapsed() < Duration::from_secs(5))
            {
                return;
            }
            *last = Some((link.clone(), std::time::Instant::now()));
        }
        match &*crate::base::platform::lock(&self.listener) {
            Some(channel) => {
                let _ = channel.send(link);
            }
            None => crate::base::platform::lock(&self.waiting).push(link),
        }
    }
}

/// The page listens for links opened from outside; those that came first are told now.
#[tauri::command]
pub fn watch_links(inbox: State<'_, LinkInbox>, channel: tauri::ipc::Channel<String>) {
    let waiting = std::mem::take(&mut *crate::base::platform::lock(&inbox.waiting));
    for link in waiting {
        let _ = channel.send(link);
    }
    *crate::base::platform::lock(&inbox.listener) = Some(channel);
}

/// The request a `lakegate://` link opens (nothing is sent).
#[tauri::command]
pub async fn open_link(
    app: State<'_, Engine>,
    link: String,
    current: Option<String>,
) -> Result<CurlImport, UiError> {
    app.open_link(&link, current).await
}

#[tauri::command]
pub fn use_memory_secrets(app: State<'_, Engine>) {
    app.use_memory_secrets();
}

#[tauri::command]
pub async fn list_apps(
    app: State<'_, Engine>,
    connection: String,
) -> Result<Vec<AppView>, UiError> {
    app.list_apps(&connection).await
}

#[tauri::command]
pub async fn discover_endpoints(
    app: State<'_, Engine>,
    connection: String,
    app_url: String,
) -> Result<EndpointsView, UiError> {
    app.discover_endpoints(&connection, &app_url).await
}

#[tauri::command]
pub async fn send_request(
    app: State<'_, Engine>,
    id: String,
    request: RequestInput,
    progress: tauri::ipc::Channel<StreamUpdate>,
) -> Result<ResponseView, UiError> {
    let tell: crate::request::Progress = std::sync::Arc::new(move |u| {
        let _ = progress.send(u);
    });
    app.send_request_watched(&id, request, Some(tell)).await
}

#[tauri::command]
pub fn cancel_request(app: State<'_, Engine>, id: String) {
    app.cancel_request(&id);
}

#[tauri::command]
pub async fn text_rows(
    app: State<'_, Engine>,
    id: String,
    cols: u32,
    from: u32,
    count: u32,
) -> Result<TextRows, UiError> {
    app.text_rows(&id, cols, from, count).await
}

#[tauri::command]
pub async fn tree_rows(
    app: State<'_, Engine>,
    id: String,
    from: u32,
    count: u32,
) -> Result<TreeRows, UiError> {
    app.tree_rows(&id, from, count).await
}

#[tauri::command]
pub async fn toggle_node(
    app: State<'_, Engine>,
    id: String,
    node: u32,
    open: bool,
    deep: bool,
) -> Result<u32, UiError> {
    app.toggle_node(&id, node, open, deep).await
}

#[tauri::command]
pub async fn search_body(
    app: State<'_, Engine>,
    id: String,
    query: String,
    index: u32,
    tree: bool,
    cols: u32,
) -> Result<SearchHit, UiError> {
    app.search_body(&id, query, index, tree, cols).await
}

#[tauri::command]
pub async fn save_body(
    app: State<'_, Engine>,
    id: String,
    path: String,
    replace: bool,
) -> Result<SavedBody, UiError> {
    app.save_body(&id, &path, replace).await
}

#[tauri::command]
pub async fn import_curl(
    app: State<'_, Engine>,
    text: String,
    current: Option<String>,
) -> Result<CurlImport, UiError> {
    app.import_curl(&text, current).await
}

#[tauri::command]
pub fn release_body(app: State<'_, Engine>, id: String) {
    app.release_body(&id);
}

#[tauri::command]
pub fn snippets(app: State<'_, Engine>, request: RequestInput) -> Result<SnippetsView, UiError> {
    app.snippets(request)
}

#[tauri::command]
pub fn history(
    app: State<'_, Engine>,
    connection: Option<String>,
    filter: String,
) -> Result<Vec<HistoryView>, UiError> {
    app.history(connection.as_deref(), &filter)
}

#[tauri::command]
pub fn save_request(
    app: State<'_, Engine>,
    collection: String,
    name: String,
    request: RequestInput,
) -> Result<(), UiError> {
    app.save_request(&collection, &name, request)
}

#[tauri::command]
pub fn saved_requests(app: State<'_, Engine>) -> Result<Vec<SavedView>, UiError> {
    app.saved_requests()
}

#[tauri::command]
pub fn network_settings(app: State<'_, Engine>) -> Result<NetworkSettings, UiError> {
    app.network_settings()
}

#[tauri::command]
pub fn save_network_settings(
    app: State<'_, Engine>,
    settings: NetworkSettings,
) -> Result<NetworkSettings, UiError> {
    app.save_network_settings(settings)
}

#[tauri::command]
pub fn language_settings(
    app: State<'_, Engine>,
    browser: Vec<String>,
) -> Result<crate::engine::LanguageSettings, UiError> {
    app.language_settings(&browser)
}

/// The window now speaks `language`; `remember` keeps the choice in settings.json.
#[tauri::command]
pub fn set_language(
    app: State<'_, Engine>,
    language: Option<String>,
    remember: bool,
) -> Result<(), UiError> {
    app.set_language(language, remember)
}

/// Runs the Doctor, sending each finding through `progress` as it is made.
#[tauri::command]
pub async fn diagnose(
    app: State<'_, Engine>,
    connection: Option<String>,
    url: String,
    method: String,
    after: Option<String>,
    progress: tauri::ipc::Channel<crate::doctor::Finding>,
) -> Result<crate::doctor::Report, UiError> {
    let send = move |f: &crate::doctor::Finding| {
        let _ = progress.send(f.clone());
    };
    app.diagnose(
        connection.as_deref(),
        &url,
        &method,
        after.as_deref(),
        &send,
    )
    .await
}

#[tauri::command]
pub fn export_report(app: State<'_, Engine>) -> Result<ExportedReport, UiError> {
    let (markdown, json) = app.export_report()?;
    let recording = app.export_recording()?;
    Ok(ExportedReport {
        markdown: markdown.display().to_string(),
        json: json.display().to_string(),
        recording: recording.map(|p| p.display().to_string()),
    })
}

#[tauri::command]
pub async fn scope_matrix(
    app: State<'_, Engine>,
    connection: String,
) -> Result<ScopeMatrix, UiError> {
    app.scope_matrix(&connection).await
}

#[tauri::command]
pub async fn sign_in_with_scopes(
    app: State<'_, Engine>,
    connection: String,
    scopes: Vec<String>,
) -> Result<SignInStarted, UiError> {
    app.sign_in_with_scopes(&connection, scopes).await
}

#[cfg(test)]
mod tests {
    use super::still_ours;
    use secrecy::SecretString;

    #[test]
    fn only_our_own_token_is_taken_off_the_clipboard() {
        let token = SecretString::from("eyJ.token.sig");
        assert!(still_ours(Some("eyJ.token.sig"), Some(&token)));
        assert!(!still_ours(
            Some("something the person copied since"),
            Some(&token)
        ));
        assert!(!still_ours(None, Some(&token)));
        assert!(!still_ours(Some(""), Some(&token)));
        assert!(!still_ours(Some("eyJ.token.sig"), None));
    }
}

/// A check file, read and checked (the path is the user's own choice; only read).
#[tauri::command]
pub fn open_check_file(app: State<'_, Engine>, path: String) -> Result<CheckFileView, UiError> {
    app.open_check_file(&path)
}

/// Runs a check file as `connection`; each outcome is told on `progress` as it ends.
#[tauri::command]
pub async fn run_check_file(
    app: State<'_, Engine>,
    path: String,
    connection: String,
    progress: tauri::ipc::Channel<CheckOutcome>,
) -> Result<CheckRun, UiError> {
    app.run_check_file(&path, &connection, &|o, _, _| {
        let _ = progress.send(o.clone());
    })
    .await
}

/// Writes a check file made of a collection of saved requests, and opens it.
#[tauri::command]
pub async fn check_file_from_saved(
    app: State<'_, Engine>,
    collection: String,
    connection: Option<String>,
    path: String,
    replace: bool,
) -> Result<CheckFileView, UiError> {
    app.check_file_from_saved(&collection, connection.as_deref(), &path, replace)
        .await
}

#[tauri::command]
pub fn save_check_report(
    app: State<'_, Engine>,
    format: ReportFormat,
    path: String,
    replace: bool,
) -> Result<String, UiError> {
    app.save_check_report(format, &path, replace)
}

/// Who can call which app in `connection`'s workspace; with `path`, Check all.
#[tauri::command]
pub async fn access_view(
    app: State<'_, Engine>,
    connection: String,
    path: Option<String>,
) -> Result<AccessMatrix, UiError> {
    app.access_view(&connection, path.as_deref()).await
}

#[tauri::command]
pub fn save_access_report(
    app: State<'_, Engine>,
    format: AccessFormat,
    path: String,
    replace: bool,
) -> Result<String, UiError> {
    app.save_access_report(format, &path, replace)
}

/// The guide on `connection`'s workspace, with `app` (else its first running app).
#[tauri::command]
pub async fn guide(
    app: State<'_, Engine>,
    connection: String,
    app_name: Option<String>,
) -> Result<crate::guide::GuideView, UiError> {
    app.guide(&connection, app_name.as_deref()).await
}

#[tauri::command]
pub fn mark_guide_step(
    app: State<'_, Engine>,
    step: String,
    done: bool,
) -> Result<Vec<String>, UiError> {
    app.mark_guide_step(&step, done)
}

#[tauri::command]
pub fn reset_guide(app: State<'_, Engine>) -> Result<Vec<String>, UiError> {
    app.reset_guide()
}

/// Opens one of the guide's reading pages (by id) in the system browser.
#[tauri::command]
pub fn open_guide_reading(app: State<'_, Engine>, page: String) -> Result<(), UiError> {
    app.open_guide_reading(&page)
}

/// Adds the running sandbox's service principal as a connection (the guide's external
/// application, done for real; its secret stays in Rust).
#[tauri::command]
pub async fn add_sandbox_service_principal(
    app: State<'_, Engine>,
) -> Result<ConnectionView, UiError> {
    app.add_sandbox_service_principal().await
}

/// Runs Lakegate's headless side as a Databricks App runs, calling `url` on the sandbox.
#[tauri::command]
pub async fn guide_run_as_app(
    app: State<'_, Engine>,
    url: String,
) -> Result<crate::guide::AppRun, UiError> {
    app.guide_run_as_app(&url).await
}

/// Opens `connection`'s workspace page of service principals in the system browser.
#[tauri::command]
pub async fn open_service_principals_page(
    app: State<'_, Engine>,
    connection: String,
) -> Result<(), UiError> {
    app.open_service_principals_page(&connection).await
}

/// Makes the window's sandbox fail as the guide's playground trial `id` asks (next request).
#[tauri::command]
pub async fn arm_guide_trial(app: State<'_, Engine>, id: String) -> Result<(), UiError> {
    app.arm_guide_trial(&id).await
}

/// Hands a waiting sign-in the address the browser ended on, when the browser could not
/// reach Lakegate (a remote machine, WSL, a container). The address is never kept.
#[tauri::command]
pub async fn paste_sign_in(
    app: State<'_, Engine>,
    name: String,
    address: String,
) -> Result<(), UiError> {
    app.paste_sign_in(&name, &address).await
}
