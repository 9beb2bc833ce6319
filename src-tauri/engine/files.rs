//! Files the user names: a saved answer, a report. `~` expanded, an existing file only
//! when the user said to replace it.

use std::sync::Mutex;

use crate::base::error::UiError;
use crate::base::i18n::wsay;

/// The file a save writes: `path` expanded, and shown; an existing file only when
/// `replace` says so.
pub(crate) fn target_file(
    path: &str,
    replace: bool,
) -> Result<(std::path::PathBuf, String), UiError> {
    let path = expand_home(path.trim())?;
    let shown = path.display().to_string();
    if !replace && std::fs::symlink_metadata(&path).is_ok() {
        return Err(UiError::FileExists {
            message: wsay!("file-exists", path = &shown),
            path: shown,
        });
    }
    Ok((path, shown))
}

/// Writes `text` to the file the user named (see `target_file`); returns it as shown.
/// Writes what a view last showed (`last`: the access view, the board's run), as `render`
/// says, to `path` (an existing file only when `replace` says so); `missing` when it showed
/// nothing yet. Returns the path written.
pub(crate) fn save_last<T: Clone>(
    last: &Mutex<Option<T>>,
    missing: String,
    render: impl FnOnce(&T) -> String,
    path: &str,
    replace: bool,
) -> Result<String, UiError> {
    let shown = crate::base::platform::lock(last)
        .clone()
        .ok_or(UiError::NotFound { message: missing })?;
    write_text_file(path, replace, &render(&shown))
}

pub(crate) fn write_text_file(path: &str, replace: bool, text: &str) -> Result<String, UiError> {
    let (path, shown) = target_file(path, replace)?;
    crate::base::platform::write_atomically(&path, text.as_bytes()).map_err(|e| {
        UiError::Storage {
            message: wsay!("file-write", path = &shown, reason = e.to_string()),
            path: Some(shown.clone()),
        }
    })?;
    Ok(shown)
}

pub(crate) fn expand_home(path: &str) -> Result<std::path::PathBuf, UiError> {
    if path.is_empty() {
        return Err(UiError::invalid("path", wsay!("path-empty")));
    }
    let path = match path.strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .ok_or_else(|| UiError::invalid("path", wsay!("path-no-home")))?
            .join(rest),
        None => std::path::PathBuf::from(path),
    };
    if !path.is_absolute() {
        return Err(UiError::invalid("path", wsay!("path-not-absolute")));
    }
    if path.file_name().is_none() || path.is_dir() {
        return Err(UiError::invalid("path", wsay!("path-is-folder")));
    }
    Ok(path)
}
