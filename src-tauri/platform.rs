//! Facts about the machine Lakegate runs on: where its files live and whether a
//! window can be shown at all.

use std::path::PathBuf;

use crate::error::UiError;

/// The folder name under the platform's config and data directories.
pub const APP_DIR: &str = "lakegate";

/// Where settings and connections (never secrets) are kept.
pub fn config_dir() -> Result<PathBuf, UiError> {
    dirs::config_dir()
        .map(|d| d.join(APP_DIR))
        .ok_or_else(|| no_home("configuration"))
}

/// Where history and saved requests are kept.
pub fn data_dir() -> Result<PathBuf, UiError> {
    dirs::data_dir()
        .map(|d| d.join(APP_DIR))
        .ok_or_else(|| no_home("data"))
}

fn no_home(what: &str) -> UiError {
    UiError::Storage {
        message: format!(
            "Lakegate cannot find this system's {what} folder because the home directory is not \
             known. Set HOME (or your platform's equivalent) and start Lakegate again."
        ),
        path: None,
    }
}

/// Why no window can be opened here, or `None` when one can.
pub fn no_display_reason() -> Option<&'static str> {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return None;
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        None
    } else {
        Some(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so the Lakegate window cannot \
             open here (run it in a desktop session, under xvfb-run, or use a subcommand: lakegate --help)",
        )
    }
}

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never
/// half of either: a temporary file beside it, flushed to disk, then renamed over it.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
