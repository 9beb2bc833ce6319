//! The Databricks workspace REST APIs Lakegate reads: the Apps list (every page) and
//! one app. Field names as Databricks sends them; the app's `url` is used as given.

pub mod openapi;

use crate::base::i18n::say;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("the workspace could not be reached: {0}")]
    Network(String),
    #[error("the workspace refused the token ({status}): {message}. Sign in again or check the connection's scopes")]
    Unauthorized { status: u16, message: String },
    #[error("the workspace refused the token ({status}): {message}. The token is another workspace's: use a connection of this workspace")]
    OtherWorkspace { status: u16, message: String },
    #[error("the workspace accepted the token but refused the request ({status}): {message}. The identity lacks a permission or entitlement this needs: ask a workspace admin")]
    Forbidden { status: u16, message: String },
    #[error("the workspace answered {status}: {message}")]
    Api { status: u16, message: String },
    #[error("the workspace's answer could not be read: {0}")]
    BadAnswer(String),
    #[error("the Apps list did not end: page token {0:?} came back twice")]
    Looping(String),
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Status {
    state: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Deployment {
    status: Option<Status>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawApp {
    name: String,
    url: Option<String>,
    description: Option<String>,
    app_status: Option<Status>,
    compute_status: Option<Status>,
    active_deployment: Option<Deployment>,
    #[serde(default)]
    user_api_scopes: Vec<String>,
    #[serde(default)]
    effective_user_api_scopes: Vec<String>,
    creator: Option<String>,
}

/// One app as the explorer shows it (and the window receives it, as `AppView`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AppView")]
pub struct AppSummary {
    pub name: String,
    /// The app's address from the API; `None` when it has never been deployed.
    pub url: Option<String>,
    pub description: Option<String>,
    pub app_state: Option<String>,
    pub app_message: Option<String>,
    pub compute_state: Option<String>,
    pub compute_message: Option<String>,
    pub deployment_state: Option<String>,
    pub user_api_scopes: Vec<String>,
    pub effective_user_api_scopes: Vec<String>,
    pub creator: Option<String>,
}

impl From<RawApp> for AppSummary {
    fn from(a: RawApp) -> Self {
        let app = a.app_status.unwrap_or_default();
        let compute = a.compute_status.unwrap_or_default();
        AppSummary {
            name: a.name,
            url: a.url.filter(|u| !u.is_empty()),
            description: a.description.filter(|d| !d.is_empty()),
            app_state: app.state,
            app_message: app.message,
            compute_state: compute.state,
            compute_message: compute.message,
            deployment_state: a
                .active_deployment
                .and_then(|d| d.status)
                .and_then(|s| s.state),
            user_api_scopes: a.user_api_scopes,
            effective_user_api_scopes: a.effective_user_api_scopes,
            creator: a.creator,
        }
    }
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    apps: Vec<RawApp>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct ApiError {
    message: Option<String>,
    /// A name (`PERMISSION_DENIED`) or, for a bad token, the status as a number
    /// (`{"error_code":403,"message":"Invalid access token."}`, databricks-sdk-go#873).
    error_code: Option<serde_json::Value>,
}

/// Words that say the token itself was not accepted (not a missing permission): the
/// workspace's `Invalid access token.` (databricks-sdk-go#873), `Credential was not sent…`
/// (databricks-sdk-go#1158), `Token is expiring within 30 seconds.` (databricks-vscode#583),
/// the Apps proxy's `Invalid Token` (omnigent-ai/omnigent PR #2334), and `Invalid access to
/// Org` (another workspace's token); all in tests/fixtures/databricks/.
pub fn says_token_refused(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "invalid access token",
        "invalid token",
        "credential was not sent",
        "token is expiring",
    ]
    .iter()
    .any(|w| t.contains(w))
        || says_other_workspace(text)
}

/// `Invalid access to Org: <id>`: a token of another workspace (databricks-sdk-go#959,
/// tests/fixtures/databricks/rest-wrong-workspace-invalid-access-to-org-403.json).
pub fn says_other_workspace(text: &str) -> bool {
    text.to_ascii_lowercase().contains("invalid access to org")
}

/// What a 4xx/5xx from a workspace API means: a 401, or a 403 in a refused token's words,
/// is the token; another workspace's token says so; any other 403 (PERMISSION_DENIED, a
/// missing entitlement: rest-permission-denied-*) is a permission the token's identity lacks.
fn refusal(status: u16, message: String) -> WorkspaceError {
    match status {
        401 | 403 if says_other_workspace(&message) => {
            WorkspaceError::OtherWorkspace { status, message }
        }
        401 => WorkspaceError::Unauthorized { status, message },
        403 if says_token_refused(&message) => WorkspaceError::Unauthorized { status, message },
        403 => WorkspaceError::Forbidden { status, message },
        _ => WorkspaceError::Api { status, message },
    }
}

/// Seconds a 429 or 503 to a workspace call asks it to wait (`crate::http::retry_after`).
/// These calls are GETs: safe to send again.
pub fn retry_after(status: u16, headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok());
    crate::http::retry_after(status, value)
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    token: &SecretString,
) -> Result<T, WorkspaceError> {
    let mut waits = 0;
    let resp = loop {
        let resp = client
            .get(url)
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|e| WorkspaceError::Network(crate::base::error::chain(&e)))?;
        match retry_after(resp.status().as_u16(), resp.headers()) {
            Some(secs) if waits < crate::http::MAX_WAITS => {
                waits += 1;
                tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
            }
            _ => break resp,
        }
    };
    let status = resp.status().as_u16();
    let body = resp
        .bytes()
        .await
        .map_err(|e| WorkspaceError::Network(crate::base::error::chain(&e)))?;
    if !(200..300).contains(&status) {
        let message = serde_json::from_slice::<ApiError>(&body)
            .ok()
            .map(|e| {
                // A number is only the status again: the message says it all.
                let code = e.error_code.and_then(|c| c.as_str().map(str::to_string));
                match (code, e.message) {
                    (Some(c), Some(m)) => format!("{c}: {m}"),
                    (None, Some(m)) => m,
                    (Some(c), None) => c,
                    (None, None) => String::new(),
                }
            })
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| crate::http::words::words(&String::from_utf8_lossy(&body), 200));
        return Err(refusal(status, message));
    }
    // A sign-in page where JSON was expected: the token was not taken, not a broken answer.
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    if crate::http::words::is_html(&text) {
        return Err(WorkspaceError::Unauthorized {
            status,
            message: crate::http::words::words(&text, 200),
        });
    }
    serde_json::from_slice(&body).map_err(|e| WorkspaceError::BadAnswer(e.to_string()))
}

/// Every app of the workspace, following `next_page_token` to the end.
pub async fn list_apps(
    client: &reqwest::Client,
    host: &str,
    token: &SecretString,
) -> Result<Vec<AppSummary>, WorkspaceError> {
    let base = format!("{}/api/2.0/apps", host.trim_end_matches('/'));
    let mut apps = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut page_token: Option<String> = None;
    loop {
        let url = match &page_token {
            Some(t) => {
                let mut u =
                    url::Url::parse(&base).map_err(|e| WorkspaceError::BadAnswer(e.to_string()))?;
                u.query_pairs_mut().append_pair("page_token", t);
                u.to_string()
            }
            None => base.clone(),
        };
        let page: Page = get_json(client, &url, token).await?;
        apps.extend(page.apps.into_iter().map(AppSummary::from));
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(t) if !seen.insert(t.clone()) => return Err(WorkspaceError::Looping(t)),
            Some(t) => page_token = Some(t),
            None => return Ok(apps),
        }
    }
}

pub async fn get_app(
    client: &reqwest::Client,
    host: &str,
    token: &SecretString,
    name: &str,
) -> Result<AppSummary, WorkspaceError> {
    let mut u = url::Url::parse(&format!("{}/api/2.0/apps/", host.trim_end_matches('/')))
        .map_err(|e| WorkspaceError::BadAnswer(e.to_string()))?;
    u.path_segments_mut()
        .map_err(|_| WorkspaceError::BadAnswer("bad host".into()))?
        .pop_if_empty()
        .push(name);
    let raw: RawApp = get_json(client, u.as_str(), token).await?;
    Ok(raw.into())
}

/// One entry of an app's access control list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    /// "user", "group" or "service_principal".
    pub kind: String,
    /// The user name, group name or service principal application id.
    pub name: String,
    pub display: Option<String>,
    pub levels: Vec<String>,
}

#[derive(Deserialize)]
struct RawAcl {
    #[serde(default)]
    access_control_list: Vec<RawAclEntry>,
}

#[derive(Deserialize)]
struct RawAclEntry {
    user_name: Option<String>,
    group_name: Option<String>,
    service_principal_name: Option<String>,
    display_name: Option<String>,
    #[serde(default)]
    all_permissions: Vec<RawPermission>,
}

#[derive(Deserialize)]
struct RawPermission {
    permission_level: Option<String>,
}

/// `GET /api/2.0/permissions/apps/{name}` (readable by the app's managers).
pub async fn app_permissions(
    client: &reqwest::Client,
    host: &str,
    token: &SecretString,
    name: &str,
) -> Result<Vec<AclEntry>, WorkspaceError> {
    let mut u = url::Url::parse(&format!(
        "{}/api/2.0/permissions/apps/",
        host.trim_end_matches('/')
    ))
    .map_err(|e| WorkspaceError::BadAnswer(e.to_string()))?;
    u.path_segments_mut()
        .map_err(|_| WorkspaceError::BadAnswer("bad host".into()))?
        .pop_if_empty()
        .push(name);
    let raw: RawAcl = get_json(client, u.as_str(), token).await?;
    Ok(raw
        .access_control_list
        .into_iter()
        .filter_map(|e| {
            let (kind, name) = if let Some(u) = e.user_name {
                ("user", u)
            } else if let Some(g) = e.group_name {
                ("group", g)
            } else {
                ("service_principal", e.service_principal_name?)
            };
            Some(AclEntry {
                kind: kind.into(),
                name,
                display: e.display_name,
                levels: e
                    .all_permissions
                    .into_iter()
                    .filter_map(|p| p.permission_level)
                    .collect(),
            })
        })
        .collect())
}

/// Who a token speaks for: `userName` and the groups, from SCIM Me.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_name: String,
    pub display_name: Option<String>,
    pub groups: Vec<String>,
}

#[derive(Deserialize)]
struct RawMe {
    #[serde(rename = "userName")]
    user_name: String,
    #[serde(rename = "displayName")]
    display_name: Option<String>,
    #[serde(default)]
    groups: Vec<RawGroup>,
}

#[derive(Deserialize)]
struct RawGroup {
    display: Option<String>,
}

pub async fn me(
    client: &reqwest::Client,
    host: &str,
    token: &SecretString,
) -> Result<Identity, WorkspaceError> {
    let raw: RawMe = get_json(
        client,
        &format!("{}/api/2.0/preview/scim/v2/Me", host.trim_end_matches('/')),
        token,
    )
    .await?;
    Ok(Identity {
        user_name: raw.user_name,
        display_name: raw.display_name,
        groups: raw.groups.into_iter().filter_map(|g| g.display).collect(),
    })
}

impl crate::base::i18n::Localize for WorkspaceError {
    fn say(&self, lang: &str) -> String {
        match self {
            WorkspaceError::Network(m) => say!(lang, "workspace-network", reason = m),
            WorkspaceError::Unauthorized { status, message } => {
                say!(
                    lang,
                    "workspace-unauthorized",
                    status = *status,
                    message = message
                )
            }
            WorkspaceError::OtherWorkspace { status, message } => say!(
                lang,
                "workspace-other-workspace",
                status = *status,
                message = message
            ),
            WorkspaceError::Forbidden { status, message } => say!(
                lang,
                "workspace-forbidden",
                status = *status,
                message = message
            ),
            WorkspaceError::Api { status, message } => {
                say!(lang, "workspace-api", status = *status, message = message)
            }
            WorkspaceError::BadAnswer(m) => say!(lang, "workspace-bad-answer", reason = m),
            WorkspaceError::Looping(t) => say!(lang, "workspace-looping", token = format!("{t:?}")),
        }
    }
}

/// What the window is told of this error (`UiError`: its kind, and the words).
impl From<WorkspaceError> for crate::base::error::UiError {
    fn from(e: WorkspaceError) -> Self {
        use crate::base::i18n::Localize as _;
        let message = e.in_window();
        match e {
            WorkspaceError::Network(_) => crate::base::error::UiError::Network { message },
            _ => crate::base::error::UiError::Refused { message },
        }
    }
}
