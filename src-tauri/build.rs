#[cfg(feature = "gui")]
include!("gui/command_names.rs");

fn main() {
    // Only the window needs Tauri's code generation; the core builds without it.
    #[cfg(feature = "gui")]
    {
        let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
            .expect("tauri-build failed: check tauri.conf.json and capabilities/");
    }
}
