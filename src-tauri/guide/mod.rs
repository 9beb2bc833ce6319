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

/// A workspace's page of service principals, as Databricks' web app routes it (its
/// route table, `SERVICE_PRINCIPALS: {link: "/settings/workspace/identity-and-access/
/// service-principals"}`, and the same address in monte-carlo-data/mcd-public-resources'
/// scripts/databricks/README.md). Not a documented address: the window says how to find the
/// page where it has moved (docs.databricks.com's OAuth M2M page: the service principal's
/// details page, Secrets, OAuth secrets, Generate secret).
pub const SERVICE_PRINCIPALS_PAGE: &str =
    "/settings/workspace/identity-and-access/service-principals";

/// The scopes the page's token request asks for: `scope=sql+file.files+dashboards.genie`
/// (its own spelling of `files.files`).
pub const PAGE_SCOPES: &[&str] = &["sql", "file.files", "dashboards.genie"];

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
    /// The workspace's apps, by name (the app to use is chosen among them).
    pub apps: Vec<String>,
    /// The app the steps use: named, else the first running one with an address.
    pub app: Option<String>,
    pub app_url: Option<String>,
    /// The scopes the app asks of its users (user authorization), as the workspace lists them.
    pub app_scopes: Vec<String>,
    /// The connection signs in as a person (so it can ask for scopes).
    pub person: bool,
    /// The scopes its token holds now (a person's; `None` when not known).
    pub held_scopes: Option<Vec<String>>,
    /// The page's own example of custom scopes, as it spells them (`PAGE_SCOPES`).
    pub page_scopes: Vec<String>,
    /// What to say of those as typed (the page's `file.files` means `files.files`).
    pub page_scope_hints: Vec<String>,
    /// The path the steps call: the app's first `/api/` operation, else `/api/`.
    pub path: String,
    /// The steps, in the page's order.
    pub steps: Vec<String>,
    /// The address the send step calls (the app's address and `path`).
    pub send_url: Option<String>,
    /// The troubleshooting playground's failures to try (the window's sandbox only).
    pub trials: Vec<Trial>,
    pub requirements: Vec<Requirement>,
    pub tools: Vec<StepTools>,
    /// The steps marked done (kept in settings.json).
    pub done: Vec<String>,
}

/// One failure of the page's troubleshooting section, met by sending `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Trial {
    /// `expired`, `scopes`, `no-can-use`, `wrong-app`, `stopped`, `wrong-path` or `proxy`,
    /// in the order of the page's section (401, 403, 404, the network).
    pub id: String,
    pub url: String,
    /// The sandbox must be told first (`Engine::arm_guide_trial`): the failure is one of
    /// its faults, not a request that fails by itself.
    pub armed: bool,
}

/// Lakegate's headless side run as a Databricks App runs: what was run and what it said.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppRun {
    /// The environment's names and the command, the secret's value never shown.
    pub command: String,
    /// The process's exit code (`None`: it did not end by itself).
    pub exit_code: Option<i32>,
    /// What it printed (the status line, headers and the start of the body), redacted.
    pub output: String,
    /// The steps done now (the scenario's is, when the app answered).
    pub done: Vec<String>,
}

/// What the playground knows of one of the workspace's apps.
pub struct TrialApp<'a> {
    pub name: &'a str,
    pub url: Option<&'a str>,
    /// Its compute is active.
    pub running: bool,
    /// The scopes it asks of its users.
    pub scopes: &'a [String],
    /// Whether the one sending may use it (`None`: not known).
    pub can_use: Option<bool>,
}

/// The playground's failures on these apps, in the page's order: a token the app no
/// longer accepts (the sandbox takes it as expired, once), one whose scopes the token lacks (`token_scopes`: `None` when the token is not held to
/// them, as a service principal's is not known to be), an app the sender may not use, an
/// app that does not exist on this workspace, a stopped app and a path `picked` does not
/// serve; each only where such an app is there. Every URL calls `path`, the one that works
/// on `picked`.
pub fn trials(
    apps: &[TrialApp],
    picked: Option<&str>,
    path: &str,
    token_scopes: Option<&[String]>,
) -> Vec<Trial> {
    let base = |a: &TrialApp| a.url.map(|u| u.trim_end_matches('/').to_string());
    let mut out = Vec::new();
    let mut add = |id: &str, url: Option<String>| {
        if let Some(url) = url {
            out.push(Trial {
                id: id.into(),
                url,
                armed: matches!(id, "expired" | "proxy"),
            });
        }
    };
    let serving = || apps.iter().filter(|a| a.running && a.url.is_some());
    let picked_app = apps.iter().find(|a| Some(a.name) == picked);
    // The path that works on the picked app, when it works (the sandbox then fails it).
    let working = picked_app
        .filter(|a| a.running && a.can_use != Some(false))
        .and_then(base)
        .map(|b| format!("{b}{path}"));
    add("expired", working.clone());
    add(
        "scopes",
        token_scopes.and_then(|held| {
            serving()
                .find(|a| {
                    a.can_use != Some(false)
                        && !a.scopes.is_empty()
                        && a.scopes.iter().any(|s| !held.contains(s))
                })
                .and_then(base)
                .map(|b| format!("{b}{path}"))
        }),
    );
    add(
        "no-can-use",
        serving()
            .find(|a| a.can_use == Some(false))
            .and_then(base)
            .map(|b| format!("{b}{path}")),
    );
    // The same workspace's address for an app by another name: the host's first label is
    // `<app>-<workspace id>`.
    add(
        "wrong-app",
        picked_app.and_then(|a| {
            let mut url = url::Url::parse(a.url?).ok()?;
            let host = url.host_str()?.to_string();
            let rest = host.strip_prefix(a.name)?;
            url.set_host(Some(&format!("no-such-app{rest}"))).ok()?;
            Some(format!("{}{path}", url.as_str().trim_end_matches('/')))
        }),
    );
    add(
        "stopped",
        apps.iter()
            .find(|a| !a.running && a.url.is_some())
            .and_then(base)
            .map(|b| format!("{b}{path}")),
    );
    add(
        "wrong-path",
        picked_app
            .and_then(base)
            .map(|b| format!("{b}/api/no-such-path")),
    );
    // The network: a company proxy that blocks the apps' domain.
    add("proxy", working);
    out
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

    fn app<'a>(
        name: &'a str,
        url: &'a str,
        running: bool,
        scopes: &'a [String],
        can_use: Option<bool>,
    ) -> TrialApp<'a> {
        TrialApp {
            name,
            url: Some(url),
            running,
            scopes,
            can_use,
        }
    }

    #[test]
    fn the_playground_makes_one_failing_request_per_failure_there_is() {
        let sql = vec!["sql".to_string()];
        let apps = [
            app(
                "hello",
                "https://hello-1.apps.localhost:4443/",
                true,
                &[],
                Some(true),
            ),
            app(
                "finance",
                "https://finance-1.apps.localhost:4443",
                true,
                &[],
                Some(false),
            ),
            app(
                "sales",
                "https://sales-1.apps.localhost:4443",
                true,
                &sql,
                Some(true),
            ),
            app(
                "report",
                "https://report-1.apps.localhost:4443",
                false,
                &[],
                Some(true),
            ),
        ];
        let held = vec!["all-apis".to_string(), "offline_access".to_string()];
        let t = trials(&apps, Some("hello"), "/api/hello", Some(&held));
        let url = |id: &str| t.iter().find(|x| x.id == id).map(|x| x.url.as_str());
        assert_eq!(
            t.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
            [
                "expired",
                "scopes",
                "no-can-use",
                "wrong-app",
                "stopped",
                "wrong-path",
                "proxy"
            ]
        );
        assert_eq!(
            url("expired"),
            Some("https://hello-1.apps.localhost:4443/api/hello")
        );
        assert!(t
            .iter()
            .all(|x| x.armed == (x.id == "expired" || x.id == "proxy")));
        assert_eq!(
            url("no-can-use"),
            Some("https://finance-1.apps.localhost:4443/api/hello")
        );
        assert_eq!(
            url("scopes"),
            Some("https://sales-1.apps.localhost:4443/api/hello")
        );
        assert_eq!(
            url("stopped"),
            Some("https://report-1.apps.localhost:4443/api/hello")
        );
        assert_eq!(
            url("wrong-path"),
            Some("https://hello-1.apps.localhost:4443/api/no-such-path")
        );
        assert_eq!(
            url("wrong-app"),
            Some("https://no-such-app-1.apps.localhost:4443/api/hello")
        );

        // A token that holds the app's scopes, or one not held to them: no scopes trial.
        let with_sql = vec!["all-apis".to_string(), "sql".to_string()];
        assert!(trials(&apps, Some("hello"), "/api/hello", Some(&with_sql))
            .iter()
            .all(|x| x.id != "scopes"));
        assert!(trials(&apps, Some("hello"), "/api/hello", None)
            .iter()
            .all(|x| x.id != "scopes"));
    }

    #[test]
    fn the_playground_offers_only_what_the_workspace_has() {
        let apps = [app(
            "other",
            "https://other-7.aws.databricksapps.com",
            true,
            &[],
            None,
        )];
        let t = trials(&apps, Some("other"), "/api/x", Some(&[]));
        assert_eq!(
            t.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
            ["expired", "wrong-app", "wrong-path", "proxy"]
        );
        assert_eq!(
            t[1].url,
            "https://no-such-app-7.aws.databricksapps.com/api/x"
        );
        assert!(trials(&[], None, "/api/", Some(&[])).is_empty());
    }
}
