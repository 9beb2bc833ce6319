//! Where a connection's token may go. Every door (the window, the command line, the
//! Doctor, endpoint discovery) asks `check` before a token is attached to a request, so
//! a URL, an OpenAPI document or a pasted link can never carry it anywhere else.

use url::Url;

use super::Connection;
use crate::base::i18n::say;

/// Databricks Apps are served under `databricksapps.com` on every cloud:
/// `<app>-<workspace-id>.aws.databricksapps.com`, `<app>-<id>.<n>.azure.databricksapps.com`,
/// `<app>-<id>.gcp.databricksapps.com`. Databricks' "Configure networking for Databricks
/// Apps" (docs.databricks.com/aws/en/dev-tools/databricks-apps/networking, and the same page
/// for GCP and on learn.microsoft.com for Azure) names `databricksapps.com` as the domain
/// that app traffic uses and that private DNS must forward. The host's first label ends in
/// the workspace's numeric id ("Key concepts": `<app-name>-<workspace-id>.<region>…`; real
/// URLs on record pair `adb-5555213114570927.7.azuredatabricks.net` with
/// `file2edi-5555213114570927.7.azure.databricksapps.com`, and `?o=7474656169654171` with
/// `…-7474656169654171.aws.databricksapps.com`).
pub const APPS_DOMAIN: &str = "databricksapps.com";

/// AWS GovCloud's apps domain (`aws-gov.databricksapps.us`, in the Public Suffix List's
/// Databricks entries, publicsuffix/list PR #3255, 2026-09).
const GOV_APPS_DOMAIN: &str = "aws-gov.databricksapps.us";

/// The sandbox's apps live at `https://<app>-<id>.apps.localhost:<its port>`.
const SANDBOX_APPS_SUFFIX: &str = ".apps.localhost";

/// Whether `host` has the name of a Databricks App on any cloud (or of a sandbox app),
/// whichever workspace it belongs to: for words about an address (the Doctor's URL check,
/// the request builder's warning), never for where a token may go (`check_destination`).
pub fn looks_like_apps_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host.ends_with(&format!(".{APPS_DOMAIN}"))
        || host.ends_with(&format!(".{GOV_APPS_DOMAIN}"))
        || host.ends_with(SANDBOX_APPS_SUFFIX)
}

/// Why `url` will not take a token as typed, if it will not: not a full URL, not https, or
/// an app's path outside `/api/` (the Apps proxy sends those to sign-in: the guide, and
/// databricks/cli#6605). The request builder shows it as the URL is typed.
pub fn url_warning(url: &str) -> Option<crate::base::i18n::Msg> {
    use crate::base::i18n::Msg;
    let typed = url.trim();
    if typed.is_empty() {
        return None;
    }
    let Some(parsed) = Url::parse(typed).ok().filter(|u| u.host_str().is_some()) else {
        return Some(Msg::new("request-not-full-url"));
    };
    if parsed.scheme() != "https" {
        return Some(Msg::new("request-not-https"));
    }
    let on_app = parsed.host_str().is_some_and(looks_like_apps_host);
    (on_app && !parsed.path().starts_with("/api/")).then(|| Msg::new("request-outside-api"))
}

/// The workspace id an Apps host carries (`hello-1234.aws.databricksapps.com` → `1234`),
/// when the host is on an Apps domain (or the sandbox's, on `sandbox_port`) at all.
/// `Some(None)`: an Apps host whose first label carries no id (no workspace's app).
fn apps_host_id(host: &str, port: u16, sandbox_port: Option<u16>) -> Option<Option<&str>> {
    let on_apps_domain = port == 443
        && (host.ends_with(&format!(".{APPS_DOMAIN}"))
            || host.ends_with(&format!(".{GOV_APPS_DOMAIN}")));
    let on_sandbox = sandbox_port == Some(port) && host.ends_with(SANDBOX_APPS_SUFFIX);
    if !(on_apps_domain || on_sandbox) {
        return None;
    }
    let first = host.split('.').next().unwrap_or("");
    let id = first
        .rsplit_once('-')
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    Some(id)
}

/// The workspace id a workspace's own host name carries, where it carries one: Azure's
/// `adb-<id>.<n>.azuredatabricks.net`, GCP's `<id>.<n>.gcp.databricks.com` (AWS's
/// `*.cloud.databricks.com` names carry none).
pub fn workspace_id_in_host(workspace: &str) -> Option<String> {
    let url = Url::parse(workspace).ok()?;
    let (host, _) = authority(&url)?;
    let digits =
        |s: &str| (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_string());
    let labels: Vec<&str> = host.split('.').collect();
    if host.ends_with(".azuredatabricks.net") {
        return labels.first()?.strip_prefix("adb-").and_then(digits);
    }
    if host.ends_with(".gcp.databricks.com") {
        return labels.first().and_then(|l| digits(l));
    }
    None
}

/// Why a token was not attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The URL is not https.
    NotHttps { scheme: String },
    /// The host is none of the places the token belongs.
    ForeignHost,
    /// An Apps host of another workspace (the id in its name is not this connection's).
    OtherWorkspace { app_workspace: String, ours: String },
    /// An Apps host, while the id of this connection's workspace could not be learned.
    WorkspaceIdUnknown,
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
            Why::OtherWorkspace { app_workspace, ours } => format!(
                "Lakegate did not send the request: {} is a Databricks App of workspace {app_workspace}, and {}'s workspace ({}) is workspace {ours}, so its token does not go there. Use a connection to that app's workspace, or check the app's URL.",
                self.host, self.connection, self.workspace
            ),
            Why::WorkspaceIdUnknown => format!(
                "Lakegate did not send the request: {} is a Databricks Apps host, and Lakegate could not learn the id of {}'s workspace ({}) to tell whether the app is one of its own, so its token does not go there. Check that the workspace answers, then try again.",
                self.host, self.connection, self.workspace
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
            crate::base::i18n::window_language(),
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
        return Ok(());
    }
    match (
        apps_host_id(&host, port, sandbox_port(workspace.as_ref())),
        &conn.workspace_id,
    ) {
        (Some(Some(id)), Some(ours)) => Err(refuse(Why::OtherWorkspace {
            app_workspace: id.to_string(),
            ours: ours.clone(),
        })),
        (Some(Some(_)), None) => Err(refuse(Why::WorkspaceIdUnknown)),
        _ => Err(refuse(Why::ForeignHost)),
    }
}

/// The sandbox (a workspace on localhost) serves its apps on its own port.
fn sandbox_port(workspace: Option<&(String, u16)>) -> Option<u16> {
    workspace.filter(|(h, _)| h == "localhost").map(|(_, p)| *p)
}

/// The workspace id in the name of `url`'s host, when it is an Apps host (of any workspace).
pub fn app_workspace_id(conn: &Connection, url: &Url) -> Option<String> {
    let workspace = Url::parse(&conn.host).ok().and_then(|u| authority(&u));
    let (h, p) = authority(url)?;
    apps_host_id(&h, p, sandbox_port(workspace.as_ref()))
        .flatten()
        .map(str::to_string)
}

/// Whether `url` is on an Apps host while the connection's workspace id is not known yet:
/// then it is learned before `check` decides.
pub fn needs_workspace_id(conn: &Connection, url: &Url) -> bool {
    let workspace = Url::parse(&conn.host).ok().and_then(|u| authority(&u));
    conn.workspace_id.is_none()
        && url.scheme() == "https"
        && authority(url)
            .is_some_and(|(h, p)| apps_host_id(&h, p, sandbox_port(workspace.as_ref())).is_some())
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
    // An Apps host only for this workspace's own apps: the id in its name is ours.
    if let Some(Some(id)) = apps_host_id(host, port, sandbox_port(workspace)) {
        if conn.workspace_id.as_deref() == Some(id) {
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

impl crate::base::i18n::Localize for TokenRefused {
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
            Why::OtherWorkspace {
                app_workspace,
                ours,
            } => say!(
                lang,
                "refused-other-workspace",
                host = &self.host,
                app_workspace = app_workspace,
                connection = &self.connection,
                workspace = &self.workspace,
                ours = ours
            ),
            Why::WorkspaceIdUnknown => say!(
                lang,
                "refused-workspace-id-unknown",
                host = &self.host,
                connection = &self.connection,
                workspace = &self.workspace
            ),
        }
    }
}

#[cfg(test)]
mod url_words {
    use super::{looks_like_apps_host, url_warning};

    fn said(url: &str) -> Option<String> {
        url_warning(url).map(|m| m.id)
    }

    #[test]
    fn a_typed_url_is_warned_about_as_the_core_sees_it() {
        assert_eq!(
            said("https://hello-1.apps.localhost:8443/").as_deref(),
            Some("request-outside-api")
        );
        assert_eq!(
            said("https://hello-1.aws.databricksapps.com/index.html").as_deref(),
            Some("request-outside-api")
        );
        assert_eq!(
            said("https://my-app-1.aws-gov.databricksapps.us/").as_deref(),
            Some("request-outside-api")
        );
        assert_eq!(said("https://hello-1.aws.databricksapps.com/api/x"), None);
        assert_eq!(
            said("https://workspace.cloud.databricks.com/api/2.0/apps"),
            None
        );
        // Not an Apps host (the window's old copy of the rule said it was).
        assert_eq!(said("https://evildatabricksapps.com/"), None);
        assert!(!looks_like_apps_host("evildatabricksapps.com"));
        assert_eq!(said("http://x/api").as_deref(), Some("request-not-https"));
        assert_eq!(said("nope").as_deref(), Some("request-not-full-url"));
        assert_eq!(said(""), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::ConnectionKind;

    fn conn(host: &str) -> Connection {
        let mut c = Connection::new("work", host, ConnectionKind::PersonalAccessToken);
        c.workspace_id = Some("1".into());
        c
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
        assert!(ok(
            &c,
            "https://my-app-1.aws-gov.databricksapps.us/api/x",
            &[]
        ));
    }

    #[test]
    fn another_workspaces_apps_never_take_the_token() {
        let c = conn("https://dbc-1.cloud.databricks.com");
        for url in [
            "https://hello-2.aws.databricksapps.com/api/x",
            "https://hello-11.aws.databricksapps.com/api/x",
            "https://hello-1x.aws.databricksapps.com/api/x",
            "https://hello.aws.databricksapps.com/api/x",
            "https://1.aws.databricksapps.com/api/x",
            "https://hello-2.11.azure.databricksapps.com/api/x",
            "https://x.hello-1.aws.databricksapps.com/api/x",
        ] {
            let err = check(&c, &Url::parse(url).unwrap(), &[]).unwrap_err();
            assert!(
                err.to_string().contains("does not go there"),
                "{url}: {err}"
            );
        }
        let err = check(
            &c,
            &Url::parse("https://hello-2.aws.databricksapps.com/").unwrap(),
            &[],
        )
        .unwrap_err();
        assert_eq!(
            err.why,
            Why::OtherWorkspace {
                app_workspace: "2".into(),
                ours: "1".into()
            }
        );
        // Unknown id: no Apps host is this workspace's until it is learned.
        let mut unknown = c.clone();
        unknown.workspace_id = None;
        let url = Url::parse("https://hello-1.aws.databricksapps.com/api/x").unwrap();
        assert!(needs_workspace_id(&unknown, &url));
        assert!(!needs_workspace_id(&c, &url));
        assert_eq!(
            check(&unknown, &url, &[]).unwrap_err().why,
            Why::WorkspaceIdUnknown
        );
        // A listed app URL still counts (the Apps API named it).
        assert!(ok(
            &unknown,
            "https://hello-1.aws.databricksapps.com/api/x",
            &["https://hello-1.aws.databricksapps.com"]
        ));
    }

    #[test]
    fn workspace_ids_in_host_names() {
        assert_eq!(
            workspace_id_in_host("https://adb-5555213114570927.7.azuredatabricks.net").as_deref(),
            Some("5555213114570927")
        );
        assert_eq!(
            workspace_id_in_host("https://8259551512366201.1.gcp.databricks.com").as_deref(),
            Some("8259551512366201")
        );
        assert_eq!(
            workspace_id_in_host("https://dbc-1.cloud.databricks.com"),
            None
        );
        assert_eq!(
            workspace_id_in_host("https://adb-x.7.azuredatabricks.net"),
            None
        );
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
        assert!(!ok(
            &c,
            "https://hello-2.apps.localhost:8443/api/hello",
            &[]
        ));
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
