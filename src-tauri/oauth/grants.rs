//! Token endpoint calls: client credentials (M2M), refresh, and the code exchange of a
//! sign-in. Form posts through the `oauth2` crate on Lakegate's client (no redirects).

use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, HttpClientError, RefreshToken, RequestTokenError, Scope,
    StandardErrorResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{unix_now, TokenSet};
use crate::base::i18n::say;

#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error(
        "the refresh token is no longer valid (the workspace said: {0}). Sign in again; \
         the connection and its settings are kept"
    )]
    RefreshTokenInvalid(String),
    #[error(
        "the workspace refused the scopes asked for ({0}). This client secret may be limited to \
         some scopes: ask for only those, or ask an admin for a secret that allows the others"
    )]
    AccessDenied(String),
    #[error(
        "the workspace did not accept the client id and secret ({0}). Check the service \
         principal's client id, and that the secret has not expired or been deleted"
    )]
    InvalidClient(String),
    #[error("the workspace refused the token request: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("the token endpoint could not be reached: {0}")]
    Network(String),
    #[error("the token endpoint answered something that is not an OAuth token response: {0}")]
    BadResponse(String),
}

type TokenError = RequestTokenError<
    HttpClientError<reqwest::Error>,
    StandardErrorResponse<BasicErrorResponseType>,
>;

pub(crate) fn classify(e: TokenError) -> GrantError {
    match e {
        RequestTokenError::ServerResponse(resp) => {
            let error = resp.error().as_ref().to_string();
            let description = resp.error_description().cloned();
            let said = match &description {
                Some(d) => format!("{error}: {d}"),
                None => error.clone(),
            };
            let invalid_refresh = description
                .as_deref()
                .is_some_and(|d| d.to_ascii_lowercase().contains("refresh token is invalid"))
                || matches!(resp.error(), BasicErrorResponseType::InvalidGrant)
                    && description
                        .as_deref()
                        .is_some_and(|d| d.to_ascii_lowercase().contains("refresh"));
            match resp.error() {
                _ if invalid_refresh => GrantError::RefreshTokenInvalid(said),
                BasicErrorResponseType::InvalidClient => GrantError::InvalidClient(said),
                BasicErrorResponseType::Extension(x) if x == "access_denied" => {
                    GrantError::AccessDenied(said)
                }
                _ => GrantError::Refused { error, description },
            }
        }
        RequestTokenError::Request(e) => GrantError::Network(crate::base::error::chain(&e)),
        RequestTokenError::Parse(e, body) => {
            // An error page (a proxy's, a sign-in page) is read for its words, not its markup.
            let start = &body[..body.len().min(64 * 1024)];
            let text = crate::http::words::said(&String::from_utf8_lossy(start), 160);
            GrantError::BadResponse(format!("{e}; the answer says {text:?}"))
        }
        RequestTokenError::Other(s) => GrantError::BadResponse(s),
    }
}

pub(crate) fn token_set(resp: &BasicTokenResponse, fallback_scopes: &[String]) -> TokenSet {
    let lifetime = resp.expires_in().map_or(3600, |d| d.as_secs());
    TokenSet {
        access_token: SecretString::from(resp.access_token().secret().clone()),
        refresh_token: resp
            .refresh_token()
            .map(|r| SecretString::from(r.secret().clone())),
        expires_at: unix_now() + lifetime,
        scopes: resp
            .scopes()
            .map(|s| s.iter().map(|x| x.to_string()).collect())
            .unwrap_or_else(|| fallback_scopes.to_vec()),
    }
}

/// M2M: `grant_type=client_credentials`, id and secret in HTTP Basic.
pub async fn client_credentials(
    http: &reqwest::Client,
    token_endpoint: &Url,
    client_id: &str,
    secret: &SecretString,
    scopes: &[String],
) -> Result<TokenSet, GrantError> {
    let client = BasicClient::new(ClientId::new(client_id.to_string()))
        .set_client_secret(ClientSecret::new(secret.expose_secret().to_string()))
        .set_token_uri(TokenUrl::from_url(token_endpoint.clone()))
        .set_auth_type(AuthType::BasicAuth);
    let resp = client
        .exchange_client_credentials()
        .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())))
        .request_async(http)
        .await
        .map_err(classify)?;
    Ok(token_set(&resp, scopes))
}

/// A public client's refresh (client id in the form, no secret).
pub async fn refresh(
    http: &reqwest::Client,
    token_endpoint: &Url,
    client_id: &str,
    refresh_token: &SecretString,
    scopes: &[String],
) -> Result<TokenSet, GrantError> {
    let client = BasicClient::new(ClientId::new(client_id.to_string()))
        .set_token_uri(TokenUrl::from_url(token_endpoint.clone()))
        .set_auth_type(AuthType::RequestBody);
    let rt = RefreshToken::new(refresh_token.expose_secret().to_string());
    let resp = client
        .exchange_refresh_token(&rt)
        .request_async(http)
        .await
        .map_err(|e| match classify(e) {
            // On a refresh, invalid_grant means the refresh token is dead, whatever the
            // description says (RFC 6749 §5.2): sign in again.
            GrantError::Refused { error, description } if error == "invalid_grant" => {
                GrantError::RefreshTokenInvalid(match description {
                    Some(d) => format!("{error}: {d}"),
                    None => error,
                })
            }
            other => other,
        })?;
    Ok(token_set(&resp, scopes))
}

impl crate::base::i18n::Localize for GrantError {
    fn say(&self, lang: &str) -> String {
        match self {
            GrantError::RefreshTokenInvalid(m) => say!(lang, "grant-refresh-invalid", said = m),
            GrantError::AccessDenied(m) => say!(lang, "grant-access-denied", said = m),
            GrantError::InvalidClient(m) => say!(lang, "grant-invalid-client", said = m),
            GrantError::Refused { error, description } => match description {
                Some(d) => say!(
                    lang,
                    "grant-refused-described",
                    error = error,
                    description = d
                ),
                None => say!(lang, "grant-refused", error = error),
            },
            GrantError::Network(m) => say!(lang, "grant-network", reason = m),
            GrantError::BadResponse(m) => say!(lang, "grant-bad-response", reason = m),
        }
    }
}
