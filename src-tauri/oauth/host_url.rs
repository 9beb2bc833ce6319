//! A workspace host as people type it: `https://host`, `host`, trailing slashes,
//! a pasted URL with a path or `?o=` — all become `https://host[:port]`.

use url::Url;

use crate::base::i18n::say;

/// Why a typed workspace address is not one (the OS port's errors are `host::HostError`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressError {
    #[error(
        "enter the workspace address, e.g. https://adb-1234567890123456.7.azuredatabricks.net"
    )]
    Empty,
    #[error("{0:?} is not a web address: enter the workspace URL as it appears in your browser")]
    NotAUrl(String),
    #[error("{0:?} uses {1}: Databricks workspaces are reached over https")]
    NotHttps(String, String),
}

pub fn normalize_host(input: &str) -> Result<Url, AddressError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(AddressError::Empty);
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| AddressError::NotAUrl(trimmed.to_string()))?;
    if url.scheme() != "https" {
        return Err(AddressError::NotHttps(
            trimmed.to_string(),
            url.scheme().to_string(),
        ));
    }
    let host = url.host_str().filter(|h| !h.is_empty() && !h.contains(' '));
    let Some(host) = host else {
        return Err(AddressError::NotAUrl(trimmed.to_string()));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AddressError::NotAUrl(trimmed.to_string()));
    }
    let origin = match url.port() {
        Some(port) => format!("https://{host}:{port}"),
        None => format!("https://{host}"),
    };
    Url::parse(&origin).map_err(|_| AddressError::NotAUrl(trimmed.to_string()))
}

impl crate::base::i18n::Localize for AddressError {
    fn say(&self, lang: &str) -> String {
        match self {
            AddressError::Empty => say!(lang, "host-empty"),
            AddressError::NotAUrl(h) => say!(lang, "host-not-a-url", host = format!("{h:?}")),
            AddressError::NotHttps(h, scheme) => {
                say!(
                    lang,
                    "host-not-https",
                    host = format!("{h:?}"),
                    scheme = scheme
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        normalize_host(s)
            .unwrap()
            .as_str()
            .trim_end_matches('/')
            .to_string()
    }

    #[test]
    fn the_forms_people_type() {
        assert_eq!(
            ok("https://dbc-1.cloud.databricks.com"),
            "https://dbc-1.cloud.databricks.com"
        );
        assert_eq!(
            ok("dbc-1.cloud.databricks.com"),
            "https://dbc-1.cloud.databricks.com"
        );
        assert_eq!(
            ok("  https://dbc-1.cloud.databricks.com///  "),
            "https://dbc-1.cloud.databricks.com"
        );
        assert_eq!(
            ok("https://ADB-1.azuredatabricks.net/?o=123#x"),
            "https://adb-1.azuredatabricks.net"
        );
        assert_eq!(
            ok("https://localhost:8443/some/path"),
            "https://localhost:8443"
        );
    }

    #[test]
    fn what_is_refused() {
        assert_eq!(normalize_host("  "), Err(AddressError::Empty));
        assert!(matches!(
            normalize_host("http://x.example"),
            Err(AddressError::NotHttps(..))
        ));
        assert!(matches!(
            normalize_host("ftp://x.example"),
            Err(AddressError::NotHttps(..))
        ));
        assert!(matches!(
            normalize_host("https://"),
            Err(AddressError::NotAUrl(_))
        ));
        assert!(matches!(
            normalize_host("not a host"),
            Err(AddressError::NotAUrl(_))
        ));
        assert!(matches!(
            normalize_host("https://user:pw@x.example"),
            Err(AddressError::NotAUrl(_))
        ));
    }
}
