//! The guide, live: Databricks' page "Connect to a Databricks App using token
//! authentication" (`shared/seed/`), step by step, done for real on the sandbox or the
//! person's own workspace. This module holds the steps in the page's order and each step
//! in the person's own tools — the `databricks` CLI, the Python SDK lines as the page
//! writes them, curl — with the real host, app and scopes filled in and the token taken
//! from the environment, never pasted. Its operations (`ops.rs`) check the requirements
//! live and keep which steps are done in settings.

mod ops;

use serde::Serialize;
use ts_rs::TS;

use crate::base::i18n::{Msg, Text};
use crate::snippets::{self, SnippetInput};

/// The page's sections, in its order.
pub const STEPS: &[&str] = &[
    "requirements",
    "person",
    "service-principal",
    "from-app",
    "scopes",
    "send",
    "security",
    "troubleshooting",
    "reading",
];

/// The profile name the guide's CLI lines use (the page's own is `my-env`).
pub const PROFILE: &str = "my-env";

/// The guide for one connection and one of its apps.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GuideView {
    pub connection: String,
    pub host: String,
    /// Whether this is the window's own sandbox (the playground works there only).
    pub sandbox: bool,
    /// The app the steps use: named, else the first running one with an address.
    pub app: Option<String>,
    pub app_url: Option<String>,
    /// The scopes the app asks of its users (user authorization), as the workspace lists them.
    pub app_scopes: Vec<String>,
    /// The path the steps call: the app's first `/api/` operation, else `/api/`.
    pub path: String,
    pub requirements: Vec<Requirement>,
    pub tools: Vec<StepTools>,
    /// The steps marked done (kept in settings.json).
    pub done: Vec<String>,
}

/// One of the page's requirements as found on this workspace, now.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    /// `api-endpoint`, `can-use` or `token`.
    pub id: String,
    pub state: Met,
    /// What was found and, when it is not met, the fix.
    pub said: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Met {
    Yes,
    No,
    Unknown,
}

/// One step done in the person's own tools.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepTools {
    pub step: String,
    /// Shell lines: the `databricks` CLI (and `lakegate` where the CLI has no such command).
    pub cli: Option<String>,
    /// Python, as the page writes it.
    pub python: Option<String>,
    pub curl: Option<String>,
}

/// Where the steps happen: the workspace, the app and the path, the scopes to ask for,
/// and the CA file a self-signed host (the sandbox) needs.
pub struct Place<'a> {
    pub host: &'a str,
    pub app: Option<&'a str>,
    pub app_url: Option<&'a str>,
    pub path: &'a str,
    pub scopes: &'a [String],
    pub ca_file: Option<&'a str>,
}

/// Each step in the person's tools, for `place`.
pub fn tools(place: &Place) -> Vec<StepTools> {
    let host = place.host.trim_end_matches('/');
    let url = place
        .app_url
        .map(|a| format!("{}{}", a.trim_end_matches('/'), place.path));
    let app_url = url
        .as_deref()
        .unwrap_or("https://<app-name>-<id>.<region>.databricksapps.com/api/<your-endpoint>");
    // A self-signed workspace (the sandbox): Python and curl are told of its CA.
    let py_ca = place
        .ca_file
        .map(|ca| {
            format!(
                "# The sandbox's own certificate authority:\n#   export REQUESTS_CA_BUNDLE={ca}\n\
                 # Its apps are at *.apps.localhost, which Python resolves once /etc/hosts lists them.\n"
            )
        })
        .unwrap_or_default();
    let sh_ca = place
        .ca_file
        .map(|ca| format!("export SSL_CERT_FILE={ca}  # the sandbox's certificate authority\n"))
        .unwrap_or_default();
    let curl_ca = place
        .ca_file
        .map(|ca| format!(" --cacert {ca}"))
        .unwrap_or_default();
    let send = SnippetInput {
        method: "GET",
        url: app_url,
        headers: &[],
        body: None,
    };
    let scope_param = if place.scopes.is_empty() {
        "all-apis".to_string()
    } else {
        place.scopes.join("+")
    };
    let scopes_flag = if place.scopes.is_empty() {
        "all-apis".to_string()
    } else {
        place.scopes.join(",")
    };
    STEPS
        .iter()
        .map(|step| {
            let mut t = StepTools {
                step: step.to_string(),
                ..StepTools::default()
            };
            match *step {
                "requirements" => {
                    t.cli = place.app.map(|app| {
                        format!(
                            "{sh_ca}databricks apps get {app} --profile {PROFILE}\n\
                             databricks apps get-permissions {app} --profile {PROFILE}"
                        )
                    });
                }
                "person" => {
                    t.cli = Some(format!(
                        "{sh_ca}databricks auth login --host {host} --profile {PROFILE}\n\
                         databricks auth token --profile {PROFILE}"
                    ));
                    t.python = Some(format!(
                        "{py_ca}from databricks.sdk.core import Config\n\n\
                         config = Config(profile=\"{PROFILE}\")\n\
                         token = config.oauth_token().access_token\n"
                    ));
                }
                "service-principal" => {
                    t.cli = Some(format!(
                        "{sh_ca}export DATABRICKS_HOST={host}\n\
                         export DATABRICKS_CLIENT_ID=<the service principal's client id>\n\
                         read -rs DATABRICKS_CLIENT_SECRET && export DATABRICKS_CLIENT_SECRET\n\
                         lakegate token -o text > /dev/null && echo \"a token for the service principal\""
                    ));
                    t.python = Some(format!(
                        "{py_ca}from databricks.sdk import WorkspaceClient\n\n\
                         # DATABRICKS_HOST, DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET\n\
                         # come from the environment (never from the code).\n\
                         wc = WorkspaceClient()\n\
                         headers = wc.config.authenticate()\n"
                    ));
                }
                "from-app" => {
                    t.python = Some(format!(
                        "{py_ca}import requests\nfrom databricks.sdk import WorkspaceClient\n\n\
                         # Inside a Databricks App: no explicit credentials, the app's own\n\
                         # service principal (DATABRICKS_CLIENT_ID/_SECRET are set for it).\n\
                         wc = WorkspaceClient()\n\
                         headers = wc.config.authenticate()\n\
                         response = requests.get(\"{app_url}\", headers=headers, timeout=60)\n\
                         print(response.status_code)\n"
                    ));
                }
                "scopes" => {
                    t.cli = Some(format!(
                        "{sh_ca}lakegate login --host {host} --scopes \"{scopes_flag}\""
                    ));
                    t.curl = Some(format!(
                        "curl{curl_ca} --request POST \\\n  {host}/oidc/v1/token \\\n  \
                         --data \"client_id=databricks-cli\" \\\n  \
                         --data \"grant_type=authorization_code\" \\\n  \
                         --data \"redirect_uri=<redirect-url>\" \\\n  \
                         --data \"code_verifier=<code-verifier>\" \\\n  \
                         --data \"code=<authorization-code>\" \\\n  \
                         --data \"scope={scope_param}\""
                    ));
                }
                "send" => {
                    t.curl = Some(match place.ca_file {
                        Some(ca) => snippets::curl(&send).replacen("curl -sS", &format!("curl -sS --cacert {ca}"), 1),
                        None => snippets::curl(&send),
                    });
                    t.python = Some(format!("{py_ca}{}", snippets::python_sdk(&send)));
                    t.cli = Some(format!(
                        "{sh_ca}export DATABRICKS_TOKEN=$(databricks auth token --profile {PROFILE} | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
                    ));
                }
                "troubleshooting" => {
                    t.cli = Some(format!(
                        "{sh_ca}databricks auth token --profile {PROFILE}\nlakegate doctor {app_url}"
                    ));
                }
                _ => {}
            }
            t
        })
        .collect()
}

/// A requirement's words: `guide-req-<id>-<state>` with `values`.
pub fn said(id: &str, state: Met, values: &[(&str, String)]) -> Text {
    let state = match state {
        Met::Yes => "yes",
        Met::No => "no",
        Met::Unknown => "unknown",
    };
    let mut m = Msg::new(&format!("guide-req-{id}-{state}"));
    for (k, v) in values {
        m = m.arg(k, v.clone());
    }
    Text(vec![m])
}

/// The page's further reading that is on record, by id: Databricks' documentation in the
/// window's language where Databricks publishes it (the page itself has a Portuguese
/// edition; the others are in English).
pub fn reading_url(page: &str, language: &str) -> Option<&'static str> {
    let portuguese = language.starts_with("pt");
    match page {
        "page" if portuguese => {
            Some("https://docs.databricks.com/aws/pt/dev-tools/databricks-apps/connect-local")
        }
        "page" => {
            Some("https://docs.databricks.com/aws/en/dev-tools/databricks-apps/connect-local")
        }
        "m2m" => Some("https://docs.databricks.com/aws/en/dev-tools/auth/oauth-m2m"),
        _ => None,
    }
}

/// Whether `step` is one of the guide's.
pub fn is_step(step: &str) -> bool {
    STEPS.contains(&step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_its_tools_with_the_real_place_and_no_secret() {
        let scopes = vec!["sql".to_string(), "files.files".to_string()];
        let place = Place {
            host: "https://adb-1.azuredatabricks.net",
            app: Some("sales"),
            app_url: Some("https://sales-1.azure.databricksapps.com"),
            path: "/api/hello",
            scopes: &scopes,
            ca_file: None,
        };
        let t = tools(&place);
        assert_eq!(t.len(), STEPS.len());
        let step = |s: &str| t.iter().find(|x| x.step == s).unwrap().clone();
        assert!(step("person").cli.unwrap().contains(
            "databricks auth login --host https://adb-1.azuredatabricks.net --profile my-env"
        ));
        assert!(step("scopes")
            .curl
            .unwrap()
            .contains("scope=sql+files.files"));
        let send = step("send");
        assert!(send
            .curl
            .unwrap()
            .contains("https://sales-1.azure.databricksapps.com/api/hello"));
        assert!(send.python.unwrap().contains("wc.config.authenticate()"));
        for s in &t {
            for text in [&s.cli, &s.python, &s.curl].into_iter().flatten() {
                assert!(!text.contains("Bearer ey"), "{text}");
                assert!(
                    !text.contains("REQUESTS_CA_BUNDLE"),
                    "no CA line without a CA: {text}"
                );
            }
        }
    }

    #[test]
    fn a_self_signed_workspace_gets_its_ca_named() {
        let place = Place {
            host: "https://localhost:4443",
            app: Some("hello"),
            app_url: Some("https://hello-1.apps.localhost:4443"),
            path: "/api/hello",
            scopes: &[],
            ca_file: Some("/tmp/sandbox/ca.pem"),
        };
        let t = tools(&place);
        let send = t.iter().find(|x| x.step == "send").unwrap();
        assert!(send
            .curl
            .as_deref()
            .unwrap()
            .starts_with("curl -sS --cacert /tmp/sandbox/ca.pem"));
        assert!(send
            .python
            .as_deref()
            .unwrap()
            .contains("REQUESTS_CA_BUNDLE=/tmp/sandbox/ca.pem"));
        let scopes = t.iter().find(|x| x.step == "scopes").unwrap();
        assert!(scopes.curl.as_deref().unwrap().contains("scope=all-apis"));
    }
}
