//! Finding a workspace's OAuth endpoints: `/.well-known/databricks-config` (its
//! `oidc_endpoint`), else `/oidc/.well-known/oauth-authorization-server`.

use serde::Deserialize;
use url::Url;

use crate::base::i18n::say;

#[derive(Debug, Clone)]
pub struct OAuthEndpoints {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub scopes_supported: Vec<String>,
    /// The server promises `iss` on its sign-in answers (RFC 9207): a missing one is refused.
    pub sends_iss: bool,
    /// The workspace's numeric id, when `/.well-known/databricks-config` names it (its
    /// `workspace_id`, a string in databricks-sdk-go's `config/host_metadata.go`).
    pub workspace_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error(
        "{host} does not support Databricks OAuth: {url} answered {status}{excerpt}. \
         Check that this is your workspace URL (as in the browser's address bar)"
    )]
    NotDatabricks {
        host: String,
        url: String,
        status: String,
        excerpt: String,
    },
    #[error("{host} could not be reached: {reason}")]
    Unreachable { host: String, reason: String },
    #[error(
        "the OAuth metadata at {document} names a {what} that is not an https URL ({url}): \
         Lakegate refuses it, since sign-in links and tokens go over https only"
    )]
    NotHttps {
        document: String,
        what: &'static str,
        url: String,
    },
}

#[derive(Deserialize)]
struct DatabricksConfig {
    oidc_endpoint: Option<String>,
    #[serde(default)]
    workspace_id: Option<serde_json::Value>,
}

/// A workspace id as the document gives it: digits, as a string or a number.
fn id_of(v: Option<serde_json::Value>) -> Option<String> {
    let s = match v? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

#[derive(Deserialize)]
struct Metadata {
    issuer: Option<String>,
    authorization_endpoint: String,
    token_endpoint: String,
    #[serde(default)]
    scopes_supported: Vec<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

fn excerpt(body: &str) -> String {
    let words = crate::http::words::words(body, 160);
    let text: String = words.chars().filter(|c| !c.is_control()).collect();
    if text.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", text.trim())
    }
}

fn unreachable(host: &Url, e: &reqwest::Error) -> DiscoveryError {
    DiscoveryError::Unreachable {
        host: host.as_str().trim_end_matches('/').into(),
        reason: crate::base::error::chain(e),
    }
}

pub async fn discover(
    http: &reqwest::Client,
    host: &Url,
) -> Result<OAuthEndpoints, DiscoveryError> {
    let host_str = host.as_str().trim_end_matches('/').to_string();
    let mut metadata_url = format!("{host_str}/oidc/.well-known/oauth-authorization-server");
    let cfg = http
        .get(format!("{host_str}/.well-known/databricks-config"))
        .send()
        .await
        .map_err(|e| unreachable(host, &e))?;
    let mut workspace_id = None;
    if cfg.status().is_success() {
        if let Ok(DatabricksConfig {
            oidc_endpoint: Some(oidc),
            workspace_id: id,
        }) = cfg.json::<DatabricksConfig>().await
        {
            workspace_id = id_of(id);
            if !oidc.starts_with("https://") {
                return Err(DiscoveryError::NotHttps {
                    document: format!("{host_str}/.well-known/databricks-config"),
                    what: "oidc_endpoint",
                    url: oidc,
                });
            }
            metadata_url = format!(
                "{}/.well-known/oauth-authorization-server",
                oidc.trim_end_matches('/')
            );
        }
    }
    let resp = http
        .get(&metadata_url)
        .send()
        .await
        .map_err(|e| unreachable(host, &e))?;
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    let not_databricks = |status: String, excerpt: String| DiscoveryError::NotDatabricks {
        host: host_str.clone(),
        url: metadata_url.clone(),
        status,
        excerpt,
    };
    if !status.is_success() {
        return Err(not_databricks(status.to_string(), excerpt(&body)));
    }
    let meta: Metadata = serde_json::from_str(&body).map_err(|_| {
        not_databricks(
            format!("{status} but not with OAuth metadata"),
            excerpt(&body),
        )
    })?;
    let parse = |u: &str, what: &'static str| {
        let url = Url::parse(u).map_err(|_| {
            not_databricks(
                format!("{status} with an unusable endpoint {u:?}"),
                String::new(),
            )
        })?;
        // The only URL ever handed to the system's opener is an https sign-in link, and
        // secrets go to the token endpoint: both must be https.
        if url.scheme() != "https" {
            return Err(DiscoveryError::NotHttps {
                document: metadata_url.clone(),
                what,
                url: u.to_string(),
            });
        }
        Ok(url)
    };
    Ok(OAuthEndpoints {
        issuer: meta.issuer.unwrap_or_else(|| format!("{host_str}/oidc")),
        authorization_endpoint: parse(&meta.authorization_endpoint, "authorization_endpoint")?,
        token_endpoint: parse(&meta.token_endpoint, "token_endpoint")?,
        scopes_supported: meta.scopes_supported,
        sends_iss: meta.authorization_response_iss_parameter_supported,
        workspace_id,
    })
}

impl crate::base::i18n::Localize for DiscoveryError {
    fn say(&self, lang: &str) -> String {
        match self {
            DiscoveryError::NotDatabricks {
                host,
                url,
                status,
                excerpt,
            } => say!(
                lang,
                "discovery-not-databricks",
                host = host,
                url = url,
                status = status,
                excerpt = excerpt
            ),
            DiscoveryError::Unreachable { host, reason } => {
                say!(lang, "discovery-unreachable", host = host, reason = reason)
            }
            DiscoveryError::NotHttps {
                document,
                what,
                url,
            } => say!(
                lang,
                "discovery-not-https",
                document = document,
                what = *what,
                url = url
            ),
        }
    }
}
