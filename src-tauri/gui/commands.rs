use crate::bridge::{self, AppInfo};
use crate::error::UiError;

#[tauri::command]
pub fn app_info() -> Result<AppInfo, UiError> {
    bridge::app_info()
}
