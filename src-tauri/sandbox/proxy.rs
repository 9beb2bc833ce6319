//! The Apps reverse proxy in front of every app host: authenticates the bearer
//! token, checks CAN_USE, user-authorization scopes and the app's state, then
//! forwards with the X-Forwarded-* headers and a timeout, like Databricks does.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::{self, Credential};
use super::apps::{self, AppRequest, Caller};
use super::jwt::random_uuid;
use super::seed::{App, WORKSPACE_ID};
use super::{Principal, Shared};

/// Bodies larger than this are refused before they reach an app.
const MAX_BODY: usize = 10 * 1024 * 1024;

fn page(status: StatusCode, title: &str, detail: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{detail}</p></body></html>"
    );
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    resp.headers_mut()
        .insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    resp
}

/// The app domain's answer to a call whose token it does not take (none, expired, revoked,
/// another workspace's, a personal access token) or to a browser path: 302 to its own
/// `/oidc/oauth2/v2.0/authorize` (databricks/cli#6605: "no token → 302 to authorize"; the
/// `redirect_uri` of `…/.auth/callback` is the shape an omnigent-ai/omnigent fixture
/// recorded). Never a 401: that was a guess, and wrong.
fn to_sign_in(s: &Shared, app: &App) -> Response {
    let origin = s.app_url(app.name);
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("redirect_uri", &format!("{origin}/.auth/callback"));
    let location = format!("{origin}{AUTHORIZE_PATH}?{}", q.finish());
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Whether this call's token is to be taken as expired (`Faults::expired_tokens`), once.
fn take_expired(s: &Shared) -> bool {
    let mut state = s.state();
    let left = &mut state.faults.expired_tokens;
    if *left > 0 {
        *left -= 1;
        true
    } else {
        false
    }
}

/// Where the app domain sends a browser to sign in (databricks/cli#6605).
pub const AUTHORIZE_PATH: &str = "/oidc/oauth2/v2.0/authorize";

/// A browser at the app domain's sign-in goes on to the workspace's sign-in page and comes
/// back to the app (the sandbox's own plumbing: how the real domain does it is not on record).
fn browser_sign_in(s: &Shared, app: &App) -> Response {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("next_url", &format!("{}/", s.app_url(app.name)));
    let location = format!("{}/login.html?{}", s.host, q.finish());
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

pub async fn handle(s: &Shared, label: &str, peer: SocketAddr, req: Request<Body>) -> Response {
    let Some(app) = s
        .seed
        .apps
        .iter()
        .find(|a| label == format!("{}-{WORKSPACE_ID}", a.name))
    else {
        return page(
            StatusCode::NOT_FOUND,
            "App Not Found",
            "No app answers at this address. Check the app name and the workspace id in the URL; \
             the app's url field in the Apps API is always the right one.",
        );
    };
    if req.uri().path() == AUTHORIZE_PATH {
        return browser_sign_in(s, app);
    }
    // Tokens are accepted on /api/ routes only (the guide: token authentication "applies
    // only to apps that expose /api/ routes"); the rest of an app is for browsers.
    if !req.uri().path().starts_with("/api/") {
        return to_sign_in(s, app);
    }
    if api::bearer(req.headers()).is_some_and(|t| t.starts_with("dapi")) {
        // Apps do not accept personal access tokens ("a 302 redirect error",
        // databricks/app-templates' deploy guide).
        return to_sign_in(s, app);
    }
    let (principal, scopes, token) = match api::credential(s, req.headers()) {
        Ok(Credential::OAuth {
            principal,
            scopes,
            token,
        }) => (principal, scopes, token),
        Ok(Credential::Pat(_)) | Err(_) => return to_sign_in(s, app),
    };
    if take_expired(s) {
        return to_sign_in(s, app);
    }
    if api::level(s, principal, app).is_none() {
        return match principal {
            // "Without this, background jobs minting M2M tokens get HTTP 401 from the Apps
            // proxy before reaching the app" (apps-sp-without-can-use-401): no body on record.
            Principal::ServicePrincipal(_) => StatusCode::UNAUTHORIZED.into_response(),
            // A person sees "Permission Denied" (apps-user-without-can-use-permission-
            // denied-page); its status is not on record (`no_can_use_status`).
            Principal::User(_) => page(
                StatusCode::from_u16(s.config.no_can_use_status).unwrap_or(StatusCode::FORBIDDEN),
                "Permission Denied",
                &format!(
                    "{} does not have CAN USE permission on this app. Ask one of its managers for it.",
                    api::principal_name(s, principal)
                ),
            ),
        };
    }
    // People's tokens are held to the app's user-authorization scopes (the guide: tokens
    // without them fail with 401 or 403); a service principal's only when asked for.
    let held = match principal {
        Principal::User(_) => true,
        Principal::ServicePrincipal(_) => s.config.hold_service_principals_to_scopes,
    };
    let missing: Vec<&str> = app
        .user_api_scopes
        .iter()
        .copied()
        .filter(|_| held)
        .filter(|needed| !scopes.iter().any(|have| have == needed))
        .collect();
    if !missing.is_empty() {
        let status =
            StatusCode::from_u16(s.config.missing_scope_status).unwrap_or(StatusCode::FORBIDDEN);
        return (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "Provided OAuth token does not have required scopes: {}",
                missing.join(", ")
            ),
        )
            .into_response();
    }
    if !app.is_serving() {
        let status = match app.app_state {
            "CRASHED" => s.config.crashed_status,
            _ => s.config.unavailable_status,
        };
        let title = "App Not Available";
        // The page's title, words and status as on record (tests/fixtures/databricks/
        // apps-not-available-502); which state gives which status is not (settings), and
        // the state after the recorded words is the sandbox's own, so a learner sees why.
        let detail = format!(
            "Sorry, the Databricks app you are trying to access is currently unavailable. ({}: app status {}: {} Compute {}: {}.)",
            app.name, app.app_state, app.app_message, app.compute_state, app.compute_message
        );
        return page(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
            title,
            &detail,
        );
    }

    let request_id = random_uuid(s.signer.rng()).unwrap_or_default();
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request Too Large",
            "The request body is larger than 10 MiB.",
        );
    };
    let caller = caller(s, principal);
    let mut headers = HeaderMap::new();
    for (name, value) in parts.headers.iter() {
        let n = name.as_str();
        // The app never sees the caller's credential header, nor spoofed proxy headers.
        if n == "authorization"
            || n.starts_with("x-forwarded-")
            || n == "x-real-ip"
            || n == "x-request-id"
        {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    let mut put = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    put("x-forwarded-user", &caller.user);
    put("x-forwarded-email", &caller.email);
    put("x-forwarded-preferred-username", &caller.preferred_username);
    put("x-real-ip", &peer.ip().to_string());
    put("x-request-id", &request_id);
    put("x-forwarded-host", &format!("{label}.apps.localhost"));
    if !app.user_api_scopes.is_empty() {
        put("x-forwarded-access-token", &token);
    }
    let app_req = AppRequest {
        app: app.name,
        method: parts.method,
        uri: parts.uri,
        headers,
        body,
        caller,
    };
    let mut resp = match tokio::time::timeout(s.config.proxy_timeout, apps::serve(app_req)).await {
        Ok(resp) => resp,
        Err(_) => (
            StatusCode::GATEWAY_TIMEOUT,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "upstream request timeout",
        )
            .into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    cut_at(resp, s.config.stream_limit)
}

/// An answer still arriving when `limit` has passed since it began is cut there, as the
/// Apps proxy's upstream timeout cut streams at about 301 s (the corpus's apps-sse-cut-301s,
/// databricks/appkit PR #318). How a client sees the end is not on record: here the body
/// simply ends.
fn cut_at(resp: Response, limit: std::time::Duration) -> Response {
    use futures_util::StreamExt;
    let (parts, body) = resp.into_parts();
    let stream = body
        .into_data_stream()
        .take_until(tokio::time::sleep(limit));
    Response::from_parts(parts, Body::from_stream(stream))
}

fn caller(s: &Shared, p: Principal) -> Caller {
    match p {
        Principal::User(i) => {
            let u = &s.seed.users[i];
            Caller {
                user: format!("{}@{WORKSPACE_ID}", u.id),
                email: u.email.clone(),
                preferred_username: u.email.clone(),
                display_name: u.display_name(),
            }
        }
        Principal::ServicePrincipal(i) => {
            let sp = &s.seed.service_principals[i];
            Caller {
                user: format!("{}@{WORKSPACE_ID}", sp.id),
                email: sp.client_id.clone(),
                preferred_username: sp.client_id.clone(),
                display_name: sp.name.to_string(),
            }
        }
    }
}
