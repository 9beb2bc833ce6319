#[cfg(feature = "gui")]
include!("gui/command_names.rs");

/// The recorded answers of tests/fixtures/databricks/, built into the binary so the Doctor can
/// tell an answer it has seen on record from one it has not.
fn corpus() {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = root.join("tests/fixtures/databricks");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("&[\n");
    for f in files {
        out.push_str(&format!(
            "    include_str!({:?}),\n",
            f.display().to_string()
        ));
    }
    out.push_str("]\n");
    let dest = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("corpus.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn main() {
    corpus();
    // Only the window needs Tauri's code generation; the core builds without it.
    #[cfg(feature = "gui")]
    {
        let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
            .expect("tauri-build failed: check tauri.conf.json and capabilities/");
    }
}
