//! Where a connection's token may go. Every door (the window, the command line, the
//! Doctor, endpoint discovery) asks `check` before a token is attached to a request, so
//! a URL, an OpenAPI document or a pasted link can never carry it anywhere else.

use url::Url;

use super::Connection;
use crate::i18n::say;

/// Databricks Apps are served under `databricksapps.com` on every cloud:
/// `<app>-<workspace-id>.aws.databricksapps.com`, `<app>-<id>.<n>.azure.databricksapps.com`,
/// `<app>-<id>.gcp.databricksapps.com`. Databricks' "Configure networking for Databricks
/// Apps" (docs.databricks.com/aws/en/dev-tools/databricks-apps/networking, and the same page
/// for GCP and on learn.microsoft.com for Azure) names `databricksapps.com` as the domain
/// that app traffic uses and that private DNS must forward.
pub const APPS_DOMAIN: &str = "databricksapps.com";

/// The sandbox's apps live at `https://<app>-<id>.apps.localhost:<its port>`.
const SANDBOX_APPS_SUFFIX: &str = ".apps.localhost";

/// Why a token was not attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The URL is not https.
    NotHttps { scheme: String },
    /// The host is none of the places the token belongs.
    ForeignHost,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TokenRefused {
    pub connection: String,
    /// `host[:port]` of the URL that was refused.
    pub host: String,
    pub workspace: String,
    pub why: Why,
}

impl TokenRefused {
    fn message(&self) -> String {
        match &self.why {
            Why::NotHttps { scheme } => format!(
                "Lakegate did not send the request: the token of {} goes only over https, and this URL uses {scheme} ({}). Use the https address, or send it without the token.",
                self.connection, self.host
            ),
            Why::ForeignHost => format!(
                "Lakegate did not send the request: {} is not {}'s workspace ({}), one of its apps, or a Databricks Apps host (*.{APPS_DOMAIN}), so its token does not go there. Send it without the token, or, if you trust {} with this token, add it to the connection's trusted hosts.",
                self.host, self.connection, self.workspace, self.host
            ),
        }
    }
}

/// `host` and port of a URL, the way the rules compare them.
pub(crate) fn authority(url: &Url) -> Option<(String, u16)> {
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    Some((host, url.port_or_known_default()?))
}

fn shown(host: &str, port: u16) -> String {
    if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

/// A trusted-host entry as typed: `host` or `host:port` (https, port 443 by default).
pub fn parse_trusted_host(entry: &str) -> Result<String, String> {
    let e = entry.trim();
    let bad = || {
        say!(
            crate::i18n::window_language(),
            "trusted-host-invalid",
            host = format!("{e:?}")
        )
    };
    if e.is_empty()
        || e.contains("://")
        || e.contains(['/', '@', '\\', '?', '#', '*', ' '])
        || e.starts_with('.')
    {
        return Err(bad());
    }
    let url = Url::parse(&format!("https://{e}")).map_err(|_| bad())?;
    let (host, port) = authority(&url).ok_or_else(bad)?;
    Ok(shown(&host, port))
}

/// Whether `conn`'s token may be attached to a request to `url`. `app_urls` are the
/// `url`s the workspace's Apps API lists (may be empty when not yet known).
pub fn check(conn: &Connection, url: &Url, app_urls: &[String]) -> Result<(), TokenRefused> {
    let workspace = Url::parse(&conn.host).ok().and_then(|u| authority(&u));
    let refuse = |why| TokenRefused {
        connection: conn.name.clone(),
        host: authority(url).map_or_else(
            || url.host_str().unwrap_or("").to_string(),
            |(h, p)| shown(&h, p),
        ),
        workspace: workspace
            .as_ref()
            .map_or_else(|| conn.host.clone(), |(h, p)| shown(h, *p)),
        why,
    };
    if url.scheme() != "https" {
        return Err(refuse(Why::NotHttps {
            scheme: url.scheme().to_string(),
        }));
    }
    let Some((host, port)) = authority(url) else {
        return Err(refuse(Why::ForeignHost));
    };
    if allowed(conn, &host, port, workspace.as_ref(), app_urls) {
        Ok(())
    } else {
        Err(refuse(Why::ForeignHost))
    }
}

fn allowed(
    conn: &Connection,
    host: &str,
    port: u16,
    workspace: Option<&(String, u16)>,
    app_urls: &[String],
) -> bool {
    let target = (host.to_string(), port);
    if workspace == Some(&target) {
        return true;
    }
    if port == 443 && host.ends_with(&format!(".{APPS_DOMAIN}")) {
        return true;
    }
    // The sandbox (a workspace on localhost) serves its apps on the same port.
    if let Some((ws_host, ws_port)) = workspace {
        if ws_host == "localhost" && *ws_port == port && host.ends_with(SANDBOX_APPS_SUFFIX) {
            return true;
        }
    }
    let listed = app_urls
        .iter()
        .filter_map(|u| Url::parse(u).ok())
        .filter(|u| u.scheme() == "https")
        .filter_map(|u| authority(&u));
    let trusted = conn
        .trusted_hosts
        .iter()
        .filter_map(|t| Url::parse(&format!("https://{t}")).ok())
        .filter_map(|u| authority(&u));
    listed.chain(trusted).any(|a| a == target)
}

/// Whether the app list could change `check`'s answer (an https URL on a host that no
/// fixed rule covers): only then is the Apps API asked.
pub fn needs_app_list(conn: &Connection, url: &Url) -> bool {
    url.scheme() == "https" && check(conn, url, &[]).is_err()
}

impl crate::i18n::Localize for TokenRefused {
    fn say(&self, lang: &str) -> String {
        match &self.why {
            Why::NotHttps { scheme } => say!(
                lang,
                "refused-not-https",
                connection = &self.connection,
                scheme = scheme,
                host = &self.host
            ),
            Why::ForeignHost => say!(
                lang,
                "refused-foreign-host",
                host = &self.host,
                connection = &self.connection,
                workspace = &self.workspace,
                apps = format!("*.{APPS_DOMAIN}")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::ConnectionKind;

    fn conn(host: &str) -> Connection {
        Connection::new("work", host, ConnectionKind::PersonalAccessToken)
    }

    fn ok(c: &Connection, url: &str, apps: &[&str]) -> bool {
        let apps: Vec<String> = apps.iter().map(|s| s.to_string()).collect();
        check(c, &Url::parse(url).unwrap(), &apps).is_ok()
    }

    #[test]
    fn the_workspace_and_apps_domains_take_the_token() {
        let c = conn("https://dbc-1.cloud.databricks.com");
        assert!(ok(
            &c,
            "https://dbc-1.cloud.databricks.com/api/2.0/apps",
            &[]
        ));
        assert!(ok(&c, "https://DBC-1.cloud.databricks.com./x", &[]));
        assert!(ok(&c, "https://hello-1.aws.databricksapps.com/api/x", &[]));
        assert!(ok(
            &c,
            "https://hello-1.11.azure.databricksapps.com/api/x",
            &[]
        ));
        assert!(ok(&c, "https://hello-1.gcp.databricksapps.com/api/x", &[]));
    }

    #[test]
    fn anything_else_is_refused_with_the_host_named() {
        let c = conn("https://dbc-1.cloud.databricks.com");
        for url in [
            "http://dbc-1.cloud.databricks.com/api/2.0/apps",
            "http://hello-1.aws.databricksapps.com/api/x",
            "https://dbc-1.cloud.databricks.com:8443/",
            "https://databricksapps.com/",
            "https://evil-databricksapps.com/",
            "https://hello-1.aws.databricksapps.com.evil.example/",
            "https://hello-1.aws.databricksapps.com:8443/api",
            "https://other.example/api",
            "https://dbc-1.cloud.databricks.com@other.example/",
            "https://localhost/",
            "https://x.apps.localhost/",
        ] {
            let err = check(&c, &Url::parse(url).unwrap(), &[]).unwrap_err();
            let host = Url::parse(url).unwrap().host_str().unwrap().to_string();
            assert!(err.to_string().contains(&host), "{url}: {err}");
        }
        let err = check(&c, &Url::parse("http://x.example/").unwrap(), &[]).unwrap_err();
        assert!(matches!(err.why, Why::NotHttps { .. }));
        assert!(err.to_string().contains("without the token"), "{err}");
    }

    #[test]
    fn listed_apps_and_trusted_hosts_take_the_token() {
        let mut c = conn("https://dbc-1.cloud.databricks.com");
        assert!(ok(
            &c,
            "https://apps.corp.example/api/x",
            &["https://apps.corp.example"]
        ));
        assert!(!ok(
            &c,
            "https://apps.corp.example:8443/api/x",
            &["https://apps.corp.example"]
        ));
        assert!(
            !ok(
                &c,
                "https://apps.corp.example/api/x",
                &["http://apps.corp.example"]
            ),
            "an http app URL is no licence"
        );
        c.trusted_hosts = vec!["gateway.corp.example".into(), "x.corp.example:8443".into()];
        assert!(ok(&c, "https://gateway.corp.example/api", &[]));
        assert!(ok(&c, "https://x.corp.example:8443/api", &[]));
        assert!(!ok(&c, "https://x.corp.example/api", &[]));
        assert!(!ok(&c, "http://gateway.corp.example/api", &[]));
    }

    #[test]
    fn the_sandbox_apps_share_its_port() {
        let c = conn("https://localhost:8443");
        assert!(ok(&c, "https://hello-1.apps.localhost:8443/api/hello", &[]));
        assert!(!ok(
            &c,
            "https://hello-1.apps.localhost:9443/api/hello",
            &[]
        ));
        assert!(!ok(&c, "https://evil.localhost:8443/api/hello", &[]));
        let real = conn("https://dbc-1.cloud.databricks.com");
        assert!(!ok(&real, "https://hello-1.apps.localhost:443/", &[]));
    }

    #[test]
    fn trusted_hosts_are_host_names() {
        assert_eq!(
            parse_trusted_host(" Gateway.Corp.Example ").unwrap(),
            "gateway.corp.example"
        );
        assert_eq!(parse_trusted_host("x.example:443").unwrap(), "x.example");
        assert_eq!(
            parse_trusted_host("x.example:8443").unwrap(),
            "x.example:8443"
        );
        for bad in [
            "",
            "https://x.example",
            "x.example/path",
            "user@x.example",
            "*.example",
            ".example",
            "x y",
            "x.example:99999",
        ] {
            assert!(parse_trusted_host(bad).is_err(), "{bad}");
        }
    }
}
