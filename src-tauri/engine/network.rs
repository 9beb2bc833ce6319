//! Settings → Network: the proxy (its password in the keychain), the CA bundle.

use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::base::secrets::SecretStore as _;
use crate::bridge::NetworkSettings;
use crate::engine::Engine;

impl Engine {
    pub fn network_settings(&self) -> Result<NetworkSettings, UiError> {
        let s = crate::base::settings::load(&self.config_dir).map_err(|e| UiError::Storage {
            message: e.in_window(),
            path: None,
        })?;
        let env_proxy = ["HTTPS_PROXY", "https_proxy"]
            .iter()
            .find_map(|k| std::env::var(k).ok())
            .filter(|v| !v.is_empty())
            .map(|p| crate::base::settings::mask_proxy_password(&p));
        let kept = self.proxy_password();
        Ok(NetworkSettings {
            proxy: s.proxy.map(|p| match &kept {
                Some(_) => {
                    crate::base::settings::with_password(&p, crate::base::settings::PASSWORD_MASK)
                        .unwrap_or(p)
                }
                None => p,
            }),
            no_proxy: s.no_proxy,
            ca_bundle: s.ca_bundle.map(|p| p.display().to_string()),
            env_proxy,
        })
    }

    /// Checks and saves the network settings; they apply to the next call.
    pub fn save_network_settings(
        &self,
        input: NetworkSettings,
    ) -> Result<NetworkSettings, UiError> {
        let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let typed = text(input.proxy);
        let mut proxy = None;
        // The password goes to the keychain; settings.json keeps the URL without it.
        let mut password: Option<Option<String>> = Some(None);
        if let Some(p) = &typed {
            let bad = || {
                UiError::invalid(
                    "proxy",
                    wsay!(
                        "proxy-not-an-address",
                        proxy = format!("{:?}", crate::base::settings::mask_proxy_password(p))
                    ),
                )
            };
            let (bare, pw) = crate::base::settings::split_proxy_password(p).ok_or_else(bad)?;
            let ok = url::Url::parse(&bare)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            if !ok {
                return Err(bad());
            }
            // As typed when it holds no password; without it otherwise.
            proxy = Some(if pw.is_some() { bare } else { p.clone() });
            password = match pw {
                // The mask sent back unchanged: keep the password the keychain has, but only
                // for the proxy it was typed for (else it would go to the new one).
                Some(pw) if pw == crate::base::settings::PASSWORD_MASK => {
                    let before = crate::base::settings::load(&self.config_dir)
                        .unwrap_or_default()
                        .proxy;
                    let bare = proxy.as_deref().unwrap_or_default();
                    if !before
                        .as_deref()
                        .is_some_and(|b| crate::base::settings::same_proxy(b, bare))
                    {
                        return Err(UiError::invalid("proxy", wsay!("proxy-password-again")));
                    }
                    None
                }
                other => Some(other),
            };
        }
        let ca_bundle = text(input.ca_bundle).map(std::path::PathBuf::from);
        if let Some(ca) = &ca_bundle {
            crate::http::extra_roots(&crate::http::Trust {
                ca_files: vec![ca.clone()],
                ca_pems: vec![],
                ignore_env: true,
            })
            .map_err(|e| UiError::invalid("caBundle", e.in_window()))?;
        }
        let settings = crate::base::settings::Settings {
            proxy,
            no_proxy: text(input.no_proxy),
            ca_bundle,
            // What else the file holds is kept.
            ..crate::base::settings::load(&self.config_dir).unwrap_or_default()
        };
        let keychain = |e: crate::base::secrets::SecretsError| UiError::Keychain {
            message: e.in_window(),
        };
        match password {
            Some(Some(pw)) => self
                .secrets
                .put(
                    crate::base::settings::PROXY_PASSWORD_ACCOUNT,
                    &secrecy::SecretString::from(pw),
                )
                .map_err(keychain)?,
            Some(None) => self
                .secrets
                .delete(crate::base::settings::PROXY_PASSWORD_ACCOUNT)
                .map_err(keychain)?,
            None => {}
        }
        crate::base::settings::save(&self.config_dir, &settings).map_err(|e| UiError::Storage {
            message: e.in_window(),
            path: None,
        })?;
        self.session.set_network(settings, self.proxy_password());
        self.network_settings()
    }
}
