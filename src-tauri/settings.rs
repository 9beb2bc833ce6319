//! Lakegate's own settings (`settings.json`, readable, written atomically): the
//! network ones apply to every call, OAuth included.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::platform::write_atomically;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// A proxy for every call (`http://[user:password@]host:port`); none: `HTTPS_PROXY`.
    pub proxy: Option<String>,
    /// Hosts that skip the proxy (comma-separated, as `NO_PROXY`).
    pub no_proxy: Option<String>,
    /// A PEM bundle trusted for every connection, on top of the system roots.
    pub ca_bundle: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{path} is not valid ({reason}); it was kept as it is and defaults are used until it is fixed")]
    Invalid { path: String, reason: String },
    #[error("{path} could not be written: {reason}")]
    Write { path: String, reason: String },
}

pub fn path(config_dir: &Path) -> PathBuf {
    config_dir.join("settings.json")
}

pub fn load(config_dir: &Path) -> Result<Settings, SettingsError> {
    let p = path(config_dir);
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| SettingsError::Invalid {
            path: p.display().to_string(),
            reason: e.to_string(),
        }),
        Err(_) => Ok(Settings::default()),
    }
}

pub fn save(config_dir: &Path, settings: &Settings) -> Result<(), SettingsError> {
    let p = path(config_dir);
    let mut text = serde_json::to_vec_pretty(settings).map_err(|e| SettingsError::Write {
        path: p.display().to_string(),
        reason: e.to_string(),
    })?;
    text.push(b'\n');
    write_atomically(&p, &text).map_err(|e| SettingsError::Write {
        path: p.display().to_string(),
        reason: e.to_string(),
    })
}
