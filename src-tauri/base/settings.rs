//! Lakegate's own settings (`settings.json`, readable, written atomically): the
//! network ones apply to every call, OAuth included. A proxy password is never in the
//! file: it lives in the keychain, and the window sees it masked.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::i18n::say;
use crate::base::platform::write_atomically;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// A proxy for every call (`http://[user:password@]host:port`); none: `HTTPS_PROXY`.
    pub proxy: Option<String>,
    /// Hosts that skip the proxy (comma-separated, as `NO_PROXY`).
    pub no_proxy: Option<String>,
    /// A PEM bundle trusted for every connection, on top of the system roots.
    pub ca_bundle: Option<PathBuf>,
    /// The window's language (`en`, `pt-BR`); none: the system's.
    pub language: Option<String>,
    /// The guide's steps marked done (`guide::STEPS`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guide_done: Vec<String>,
    /// The guide playground's company proxy while it is set as `proxy` (taken away when
    /// its sandbox is gone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide_proxy: Option<String>,
}

/// The keychain account of the proxy's password.
pub const PROXY_PASSWORD_ACCOUNT: &str = "settings:proxy-password";
/// What the window sees in place of a kept proxy password; sent back unchanged, it keeps it.
pub const PASSWORD_MASK: &str = "********";

/// A proxy URL as typed, split into the URL without its password and the password
/// (percent-decoded, as the proxy will see it). `None` when it is not a URL.
pub fn split_proxy_password(proxy: &str) -> Option<(String, Option<String>)> {
    let with_scheme = if proxy.contains("://") {
        proxy.to_string()
    } else {
        format!("http://{proxy}")
    };
    let mut url = url::Url::parse(&with_scheme).ok()?;
    let password = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    url.set_password(None).ok()?;
    Some((url.to_string().trim_end_matches('/').to_string(), password))
}

/// A proxy URL with any password replaced by `PASSWORD_MASK` (for the window, reports).
pub fn mask_proxy_password(proxy: &str) -> String {
    match split_proxy_password(proxy) {
        Some((bare, Some(_))) => with_password(&bare, PASSWORD_MASK).unwrap_or(bare),
        Some((bare, None)) => bare,
        None => proxy.to_string(),
    }
}

/// Whether two proxy URLs (passwords aside) name the same proxy and user: scheme, host,
/// port and user name. A kept password goes only to the proxy it was typed for.
pub fn same_proxy(a: &str, b: &str) -> bool {
    let key = |p: &str| {
        let (bare, _) = split_proxy_password(p)?;
        let u = url::Url::parse(&bare).ok()?;
        Some((
            u.scheme().to_string(),
            u.host_str()?.to_ascii_lowercase(),
            u.port_or_known_default(),
            u.username().to_string(),
        ))
    };
    matches!((key(a), key(b)), (Some(x), Some(y)) if x == y)
}

/// `proxy` (without a password) with `password` put back in, percent-encoded.
pub fn with_password(proxy: &str, password: &str) -> Option<String> {
    let mut url = url::Url::parse(proxy).ok()?;
    if url.username().is_empty() {
        return Some(proxy.to_string());
    }
    url.set_password(Some(password)).ok()?;
    Some(url.to_string().trim_end_matches('/').to_string())
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

/// Saves `settings`. A file that exists but cannot be read is set aside first (as
/// `settings.json.unreadable-<time>`), never overwritten: what it held is not lost.
pub fn save(config_dir: &Path, settings: &Settings) -> Result<(), SettingsError> {
    let p = path(config_dir);
    if let Err(SettingsError::Invalid { .. }) = load(config_dir) {
        let aside = p.with_file_name(format!(
            "settings.json.unreadable-{}",
            crate::base::platform::unix_now()
        ));
        std::fs::rename(&p, &aside).map_err(|e| SettingsError::Write {
            path: p.display().to_string(),
            reason: format!("it cannot be read and could not be set aside ({e})"),
        })?;
    }
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

impl crate::base::i18n::Localize for SettingsError {
    fn say(&self, lang: &str) -> String {
        match self {
            SettingsError::Invalid { path, reason } => {
                say!(lang, "settings-invalid", path = path, reason = reason)
            }
            SettingsError::Write { path, reason } => {
                say!(lang, "file-write", path = path, reason = reason)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_passwords_are_split_off_and_masked() {
        let (bare, pw) = split_proxy_password("http://me:p%40ss%3Aw0rd@proxy.corp:3128").unwrap();
        assert_eq!(bare, "http://me@proxy.corp:3128");
        assert_eq!(pw.as_deref(), Some("p@ss:w0rd"));
        assert_eq!(
            with_password(&bare, "p@ss:w0rd").unwrap(),
            "http://me:p%40ss%3Aw0rd@proxy.corp:3128"
        );
        assert_eq!(
            mask_proxy_password("http://me:secret@proxy.corp:3128"),
            format!("http://me:{PASSWORD_MASK}@proxy.corp:3128")
        );
        assert_eq!(
            mask_proxy_password("proxy.corp:3128"),
            "http://proxy.corp:3128"
        );
        assert_eq!(split_proxy_password("http://[::1").map(|_| ()), None);
    }

    #[test]
    fn an_unreadable_file_is_set_aside_not_overwritten() {
        let dir = std::env::temp_dir().join(format!("lakegate-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(path(&dir), "{ not json").unwrap();
        assert!(matches!(load(&dir), Err(SettingsError::Invalid { .. })));
        save(&dir, &Settings::default()).unwrap();
        assert_eq!(load(&dir).unwrap(), Settings::default());
        let aside: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("settings.json.unreadable-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.join(&aside[0])).unwrap(),
            "{ not json"
        );
    }
}
