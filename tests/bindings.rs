//! The TypeScript twin of the Rust DTOs is committed; this fails when it is stale.
//! `make bindings` (UPDATE_BINDINGS=1) rewrites it.

use std::path::Path;

use lakegate::bindings::{typescript_bindings, BINDINGS_PATH};

#[test]
fn typescript_bindings_are_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
    let want = typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).expect("write bindings");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{BINDINGS_PATH} is stale: run `make bindings` and commit the result.\n--- committed\n{have}\n--- generated\n{want}"
    );
}

#[test]
fn bindings_declare_the_error_kinds_the_ui_branches_on() {
    let ts = typescript_bindings();
    assert!(ts.contains("export type UiError ="), "{ts}");
    assert!(ts.contains("\"kind\": \"Storage\""), "{ts}");
    assert!(ts.contains("export type AppInfo ="), "{ts}");
}

/// Each command's arguments and return type are read from its signature as written.
#[test]
fn command_signatures_are_read_as_the_window_calls_them() {
    use lakegate::bindings::{command_signatures, ts_type};
    let source = r#"
#[tauri::command]
pub async fn discover_endpoints(
    app: State<'_, Engine>,
    connection: String,
    app_url: Option<String>,
    progress: tauri::ipc::Channel<Finding>,
) -> Result<Vec<crate::doctor::Report>, UiError> {
    todo()
}
#[tauri::command]
pub fn release_body(app: State<'_, Engine>, id: String) {}
"#;
    let sigs = command_signatures(source);
    assert_eq!(sigs.len(), 2);
    assert_eq!(sigs[0].name, "discover_endpoints");
    let params: Vec<(&str, String)> = sigs[0]
        .params
        .iter()
        .map(|(n, t)| (n.as_str(), ts_type(t)))
        .collect();
    assert_eq!(
        params,
        vec![
            ("connection", "string".to_string()),
            ("app_url", "string | null".to_string()),
            ("progress", "Listener<Finding>".to_string()),
        ]
    );
    assert_eq!(ts_type(&sigs[0].returns), "Array<Report>");
    assert_eq!(ts_type(&sigs[1].returns), "null");
    // Every command the window may call has a signature there.
    let ts = lakegate::bindings::typescript_bindings();
    assert!(ts.contains("  access_view: AccessMatrix;"), "{ts}");
}
