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
