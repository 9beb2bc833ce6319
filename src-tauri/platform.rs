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
