//! The Apps reverse proxy in front of every app host: authenticates the bearer
//! token, checks CAN_USE, user-authorization scopes and the app's state, then
//! forwards with the X-Forwarded-* headers and a timeout, like Databricks does.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::{self, AuthFailure, Credential};
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

fn unauthorized(www_authenticate: &'static str, detail: &str) -> Response {
    let mut resp = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("Unauthorized: {detail}"),
    )
        .into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(www_authenticate),
    );
    resp
}

fn to_sign_in(s: &Shared, app: &App, path_and_query: &str) -> Response {
    let next = format!("{}{}", s.app_url(app.name), path_and_query);
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("next_url", &next);
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
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    // Tokens are accepted on /api/ routes only; the rest of an app is for browsers.
    if !req.uri().path().starts_with("/api/") {
        return to_sign_in(s, app, &path_and_query);
    }
    if api::bearer(req.headers()).is_some_and(|t| t.starts_with("dapi")) {
        // Apps do not accept personal access tokens: the proxy sends the caller to sign in.
        return to_sign_in(s, app, &path_and_query);
    }
    let (principal, scopes, token) = match api::credential(s, req.headers()) {
        Ok(Credential::OAuth { principal, scopes, token }) => (principal, scopes, token),
        Ok(Credential::Pat(_)) => return to_sign_in(s, app, &path_and_query),
        Err(AuthFailure::Missing) => {
            return unauthorized("Bearer realm=\"databricksapps\"", "no bearer token was sent.")
        }
        Err(AuthFailure::Expired) => {
            return unauthorized(
                "Bearer realm=\"databricksapps\", error=\"invalid_token\", error_description=\"The access token expired\"",
                "the access token expired.",
            )
        }
        Err(AuthFailure::Invalid(why)) => {
            return unauthorized("Bearer realm=\"databricksapps\", error=\"invalid_token\"", why)
        }
    };
    if api::level(s, principal, app).is_none() {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "Forbidden: {} does not have CAN_USE permission on this app.",
                api::principal_name(s, principal)
            ),
        )
            .into_response();
    }
    let missing: Vec<&str> = app
        .user_api_scopes
        .iter()
        .copied()
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
        let (status, title) = match (app.app_state, app.compute_state) {
            ("CRASHED", _) => (s.config.crashed_status, "App Crashed"),
            ("DEPLOYING", _) => (s.config.unavailable_status, "App Is Deploying"),
            _ => (s.config.unavailable_status, "App Not Available"),
        };
        let detail = format!(
            "The app {} is not running (app status {}: {} Compute {}: {}).",
            app.name, app.app_state, app.app_message, app.compute_state, app.compute_message
        );
        return page(
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
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
    resp
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
