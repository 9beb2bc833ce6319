//! Every connection Lakegate knows, in the SDKs' precedence: the user's explicit
//! (saved) connections, then the environment, then `.databrickscfg` profiles.

use secrecy::SecretString;

use super::{Connection, ConnectionKind, ConnectionStore, Origin, StoreError};
use crate::base::i18n::{wsay, Localize};
use crate::oauth::normalize_host;
use crate::profiles::{self, CfgFile, Section};

/// The connections, and what was noticed while finding them (shown, never fatal).
pub struct Listing {
    pub connections: Vec<Connection>,
    pub notes: Vec<String>,
    /// `[__settings__] default_profile` of the config file, as `profile:NAME`.
    pub default_profile: Option<String>,
}

/// The environment's connection (`DATABRICKS_*`, as one Databricks App calls another):
/// variables win over the values of the profile `DATABRICKS_CONFIG_PROFILE` names.
pub fn from_environment(
    get: &dyn Fn(&str) -> Option<String>,
    cfg: &CfgFile,
) -> Result<Option<Connection>, String> {
    let var = |k: &str| {
        get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let profile_name = var("DATABRICKS_CONFIG_PROFILE");
    let profile = match &profile_name {
        Some(p) => Some(cfg.section(p).ok_or_else(|| {
            format!("DATABRICKS_CONFIG_PROFILE names [{p}], which the config file does not have")
        })?),
        None => None,
    };
    let from_profile = |k: &str| profile.and_then(|s| s.get(k)).map(str::to_string);
    let pick = |env: &str, key: &str| var(env).or_else(|| from_profile(key));
    if var("DATABRICKS_HOST").is_none() && profile.is_none() {
        return Ok(None);
    }
    let Some(host) = pick("DATABRICKS_HOST", "host") else {
        return Err("DATABRICKS_CONFIG_PROFILE is set but its profile has no host".into());
    };
    let host = normalize_host(&host).map_err(|e| format!("DATABRICKS_HOST: {e}"))?;
    let host = host.as_str().trim_end_matches('/').to_string();
    let (kind, secret) = if let Some(token) = pick("DATABRICKS_TOKEN", "token") {
        (ConnectionKind::PersonalAccessToken, Some(token))
    } else if let (Some(id), Some(secret)) = (
        pick("DATABRICKS_CLIENT_ID", "client_id"),
        pick("DATABRICKS_CLIENT_SECRET", "client_secret"),
    ) {
        (
            ConnectionKind::ServicePrincipal {
                client_id: id,
                scopes: Vec::new(),
            },
            Some(secret),
        )
    } else if let Some(p) = profile_name {
        (ConnectionKind::CliProfile { profile: p }, None)
    } else {
        return Err("DATABRICKS_HOST is set, but neither DATABRICKS_TOKEN nor DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET are".into());
    };
    let mut conn = Connection::new("env", &host, kind);
    conn.origin = Origin::Environment;
    conn.inline_secret = secret.map(SecretString::from);
    Ok(Some(conn))
}

pub fn list(
    store: &ConnectionStore,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Listing, StoreError> {
    let (mut connections, report) = store.load()?;
    let mut notes = Vec::new();
    if let Some((aside, reason)) = report.set_aside {
        notes.push(wsay!(
            "connections-set-aside",
            path = store.path().display().to_string(),
            reason = reason,
            aside = aside.display().to_string()
        ));
    }
    let cfg = match profiles::config_path() {
        Some(path) => match profiles::read(&path) {
            Ok((_, cfg)) => {
                if !cfg.skipped_lines.is_empty() {
                    notes.push(wsay!(
                        "cfg-skipped-lines",
                        path = path.display().to_string(),
                        lines = format!("{:?}", cfg.skipped_lines)
                    ));
                }
                cfg
            }
            Err(e) => {
                notes.push(e.in_window());
                CfgFile::default()
            }
        },
        None => CfgFile::default(),
    };
    let default_profile = cfg
        .section("__settings__")
        .and_then(|s| s.get("default_profile"))
        .map(|p| format!("profile:{p}"));
    match from_environment(get, &cfg) {
        Ok(Some(env)) => connections.push(env),
        Ok(None) => {}
        Err(why) => notes.push(wsay!("env-connection-skipped", reason = why)),
    }
    for section in cfg.profiles() {
        match from_profile(section) {
            Ok(c) => connections.push(c),
            Err(why) if section.name == "DEFAULT" && section.entries.is_empty() => drop(why),
            Err(why) => notes.push(wsay!("profile-skipped", name = &section.name, reason = why)),
        }
    }
    Ok(Listing {
        connections,
        notes,
        default_profile,
    })
}

/// Which connection a command means when it names none: the environment's (with
/// `DATABRICKS_CONFIG_PROFILE`), else the file's `default_profile`, else the only one.
pub fn pick_default(listing: &Listing) -> Result<&Connection, String> {
    if let Some(env) = listing
        .connections
        .iter()
        .find(|c| c.origin == Origin::Environment)
    {
        return Ok(env);
    }
    if let Some(default) = &listing.default_profile {
        if let Some(c) = listing.connections.iter().find(|c| &c.name == default) {
            return Ok(c);
        }
    }
    match listing.connections.as_slice() {
        [one] => Ok(one),
        [] => Err("there is no connection yet: add one (lakegate connections add --help)".into()),
        many => Err(format!(
            "name the connection to use: {}",
            many.iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

pub fn find<'a>(listing: &'a Listing, name: &str) -> Result<&'a Connection, String> {
    listing
        .connections
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            format!(
                "there is no connection named {name:?}; known: {}",
                if listing.connections.is_empty() {
                    "none".to_string()
                } else {
                    listing
                        .connections
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )
        })
}

/// Whether a profile names Lakegate itself as its databricks CLI (`databricks_cli_path`):
/// the Databricks SDKs get its tokens from `lakegate auth token`, and Lakegate serves them
/// from the saved connection for its host.
pub fn names_lakegate(section: &Section) -> bool {
    section.get("databricks_cli_path").is_some_and(|p| {
        let file = std::path::Path::new(p.trim())
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase());
        file.as_deref() == Some("lakegate")
    })
}

/// A `.databrickscfg` profile as a connection, or why it cannot be one.
pub fn from_profile(section: &Section) -> Result<Connection, String> {
    if names_lakegate(section) {
        // Its tokens are a saved connection's: listing it again would make Lakegate ask
        // itself for them.
        return Err("its tokens come from Lakegate's own connection for its host".into());
    }
    let host = section.get("host").ok_or("it has no host")?;
    let host = normalize_host(host).map_err(|e| e.to_string())?;
    let host = host.as_str().trim_end_matches('/').to_string();
    let name = format!("profile:{}", section.name);
    let auth_type = section.get("auth_type").unwrap_or("");
    let mut conn = if let (Some(token), true) = (
        section.get("token"),
        auth_type.is_empty() || auth_type == "pat",
    ) {
        let mut c = Connection::new(&name, &host, ConnectionKind::PersonalAccessToken);
        c.inline_secret = Some(SecretString::from(token.to_string()));
        c
    } else if let (Some(id), Some(secret)) =
        (section.get("client_id"), section.get("client_secret"))
    {
        let mut c = Connection::new(
            &name,
            &host,
            ConnectionKind::ServicePrincipal {
                client_id: id.to_string(),
                scopes: Vec::new(),
            },
        );
        c.inline_secret = Some(SecretString::from(secret.to_string()));
        c
    } else {
        // Tokens the databricks CLI keeps for this profile (auth_type databricks-cli, or host only).
        Connection::new(
            &name,
            &host,
            ConnectionKind::CliProfile {
                profile: section.name.clone(),
            },
        )
    };
    conn.origin = Origin::Profile;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    fn profiles_become_connections_by_what_they_hold() {
        let cfg = crate::profiles::parse(
            "[dev]\nhost = dev.cloud.databricks.com/\ntoken = dapi123\n\n[sp]\nhost=https://sp.cloud.databricks.com\nclient_id = abc\nclient_secret = dose1\n\n[cli]\nhost = https://cli.cloud.databricks.com\nauth_type = databricks-cli\n",
        );
        let dev = super::from_profile(cfg.section("dev").unwrap()).unwrap();
        assert_eq!(dev.host, "https://dev.cloud.databricks.com");
        assert_eq!(dev.kind, super::ConnectionKind::PersonalAccessToken);
        assert!(matches!(
            super::from_profile(cfg.section("sp").unwrap())
                .unwrap()
                .kind,
            super::ConnectionKind::ServicePrincipal { .. }
        ));
        assert_eq!(
            super::from_profile(cfg.section("cli").unwrap())
                .unwrap()
                .kind,
            super::ConnectionKind::CliProfile {
                profile: "cli".into()
            }
        );
        assert!(super::from_profile(&super::Section {
            name: "x".into(),
            entries: vec![]
        })
        .is_err());
    }

    use super::*;
    use crate::profiles::parse;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_kinds_and_precedence() {
        let cfg = parse("[p]\nhost = https://file.example\nclient_id = file-id\nclient_secret = file-secret\n[c]\nhost = https://cli.example\n");
        assert!(from_environment(&env(&[]), &cfg).unwrap().is_none());
        let pat = from_environment(
            &env(&[
                ("DATABRICKS_HOST", "x.example"),
                ("DATABRICKS_TOKEN", "dapi1"),
            ]),
            &cfg,
        )
        .unwrap()
        .unwrap();
        assert_eq!(pat.kind, ConnectionKind::PersonalAccessToken);
        assert_eq!(pat.host, "https://x.example");
        // The profile supplies what the environment does not; the environment wins where both speak.
        let sp = from_environment(
            &env(&[
                ("DATABRICKS_CONFIG_PROFILE", "p"),
                ("DATABRICKS_HOST", "https://env.example"),
            ]),
            &cfg,
        )
        .unwrap()
        .unwrap();
        assert_eq!(sp.host, "https://env.example");
        assert_eq!(
            sp.kind,
            ConnectionKind::ServicePrincipal {
                client_id: "file-id".into(),
                scopes: vec![]
            }
        );
        let cli = from_environment(&env(&[("DATABRICKS_CONFIG_PROFILE", "c")]), &cfg)
            .unwrap()
            .unwrap();
        assert_eq!(
            cli.kind,
            ConnectionKind::CliProfile {
                profile: "c".into()
            }
        );
        assert!(
            from_environment(&env(&[("DATABRICKS_CONFIG_PROFILE", "nope")]), &cfg)
                .unwrap_err()
                .contains("[nope]")
        );
        assert!(
            from_environment(&env(&[("DATABRICKS_HOST", "x.example")]), &cfg)
                .unwrap_err()
                .contains("DATABRICKS_TOKEN")
        );
        assert!(from_environment(
            &env(&[("DATABRICKS_HOST", "http://x"), ("DATABRICKS_TOKEN", "t")]),
            &cfg
        )
        .unwrap_err()
        .contains("https"));
    }
}
