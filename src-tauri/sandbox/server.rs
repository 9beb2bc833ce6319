//! The listener: TLS on 127.0.0.1, then each request routed by its Host to the
//! workspace or to the Apps proxy. Fault injection (latency, resets) lives here.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::json;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::{api, oauth, proxy, replay, Faults, Shared};

pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let router = workspace_router(shared.clone());
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => { tokio::time::sleep(Duration::from_millis(20)).await; continue; }
            },
            _ = stopped.changed() => break,
        };
        if take_reset(&shared) {
            let _ = tcp.set_zero_linger();
            drop(tcp);
            continue;
        }
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        let router = router.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let shared = shared.clone();
                let router = router.clone();
                async move { Ok::<_, Infallible>(handle(shared, router, peer, req).await) }
            });
            let builder = auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(tls), service);
            tokio::select! {
                _ = conn => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

fn take_reset(shared: &Shared) -> bool {
    let mut state = shared.state();
    if state.faults.reset_connections > 0 {
        state.faults.reset_connections -= 1;
        true
    } else {
        false
    }
}

/// A 429 when a rate limit is switched on (`Faults::rate_limited`), counting it down.
fn take_rate_limit(shared: &Shared) -> Option<Response> {
    let mut state = shared.state();
    if state.faults.rate_limited == 0 {
        return None;
    }
    state.faults.rate_limited -= 1;
    let body = json!({
        "error_code": "REQUEST_LIMIT_EXCEEDED",
        "message": format!("Workspace {} exceeded the concurrent limit of 4 requests.", super::WORKSPACE_ID),
    });
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    if let Some(secs) = state.faults.retry_after_secs {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
    }
    Some(resp)
}

async fn handle(
    shared: Arc<Shared>,
    router: Router,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Response {
    let latency = shared.state().faults.latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let host = host_name(req.headers());
    if req.uri().path().starts_with("/api/") {
        if let Some(limited) = take_rate_limit(&shared) {
            return limited;
        }
    }
    let replaying = shared.state().faults.replay.clone();
    if let Some(played) = replaying.and_then(|id| replay::load(&id).ok()) {
        let door = if host.ends_with(".apps.localhost") {
            replay::Door::App
        } else {
            replay::Door::Workspace
        };
        if played.answers(door, req.method(), req.uri().path()) {
            let origin = format!("https://{host}:{}", shared.port);
            return played.response(&origin, &shared.host);
        }
    }
    if host == "localhost" || host == "127.0.0.1" {
        match router.oneshot(req.map(Body::new)).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        }
    } else if let Some(label) = host.strip_suffix(".apps.localhost") {
        let label = label.to_string();
        proxy::handle(&shared, &label, peer, req.map(Body::new)).await
    } else {
        text(
            StatusCode::MISDIRECTED_REQUEST,
            format!("The sandbox serves localhost and *.apps.localhost, not {host:?}."),
        )
    }
}

/// The Host header without its port, lower-cased.
fn host_name(headers: &HeaderMap) -> String {
    let raw = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = match raw.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => raw,
    };
    name.to_ascii_lowercase()
}

fn workspace_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/.well-known/databricks-config",
            get(oauth::databricks_config),
        )
        .route(
            "/oidc/.well-known/oauth-authorization-server",
            get(oauth::discovery),
        )
        .route("/oidc/jwks.json", get(oauth::jwks))
        .route(
            "/oidc/v1/authorize",
            get(oauth::authorize).post(oauth::authorize_decision),
        )
        .route("/oidc/v1/token", post(oauth::token))
        .route("/login.html", get(oauth::browser_login_page))
        .route("/api/2.0/preview/scim/v2/Me", get(api::me))
        .route("/api/2.0/apps", get(api::list_apps))
        .route("/api/2.0/apps/{name}", get(api::get_app))
        .route(
            "/api/2.0/permissions/apps/{name}",
            get(api::app_permissions),
        )
        .route("/_sandbox/faults", get(get_faults).post(set_faults))
        .route(
            "/_sandbox/revoke-refresh-tokens",
            post(revoke_refresh_tokens),
        )
        .fallback(api::no_such_endpoint)
        .with_state(shared)
}

async fn get_faults(axum::extract::State(shared): axum::extract::State<Arc<Shared>>) -> Response {
    axum::Json(shared.state().faults.clone()).into_response()
}

async fn set_faults(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    body: axum::body::Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<Faults>(&body)
        .map_err(|e| e.to_string())
        .and_then(|f| match &f.replay {
            Some(id) => replay::load(id).map(|_| f),
            None => Ok(f),
        });
    match parsed {
        Ok(faults) => {
            shared.state().faults = faults.clone();
            axum::Json(faults).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            axum::Json(
                json!({"error_code": "INVALID_PARAMETER_VALUE", "message": format!("faults: {e}")}),
            ),
        )
            .into_response(),
    }
}

async fn revoke_refresh_tokens(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
) -> Response {
    let mut state = shared.state();
    let mut n = 0;
    for grant in state.refresh.values_mut() {
        grant.revoked = true;
        n += 1;
    }
    axum::Json(json!({ "revoked": n })).into_response()
}

pub fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}
