//! The workspace REST APIs Lakegate uses: SCIM Me, Apps list/get, app permissions.
//! Also who a request speaks for, shared with the Apps proxy.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::jwt::TokenProblem;
use super::seed::{App, Grantee, Level, Role};
use super::{now, Principal, Shared};

/// What the Authorization header carried.
pub enum Credential {
    Pat(Principal),
    OAuth {
        principal: Principal,
        scopes: Vec<String>,
        token: String,
    },
}

pub enum AuthFailure {
    Missing,
    Expired,
    /// Malformed, badly signed, another workspace's, an unknown identity or PAT: the
    /// workspace answers them all alike (`invalid_access_token`).
    Invalid,
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

pub fn credential(s: &Shared, headers: &HeaderMap) -> Result<Credential, AuthFailure> {
    let Some(token) = bearer(headers) else {
        return Err(AuthFailure::Missing);
    };
    if token.starts_with("dapi") {
        return s
            .seed
            .users
            .iter()
            .position(|u| u.pat == token)
            .map(|i| Credential::Pat(Principal::User(i)))
            .ok_or(AuthFailure::Invalid);
    }
    let claims = s
        .signer
        .verify(token, &s.issuer, now())
        .map_err(|p| match p {
            TokenProblem::Expired => AuthFailure::Expired,
            TokenProblem::Malformed => AuthFailure::Invalid,
            TokenProblem::BadSignature => AuthFailure::Invalid,
            TokenProblem::WrongIssuer => AuthFailure::Invalid,
        })?;
    let sub = claims["sub"].as_str().unwrap_or("");
    let principal = s
        .user_by_email(sub)
        .map(Principal::User)
        .or_else(|| {
            s.seed
                .service_principals
                .iter()
                .position(|sp| sp.client_id == sub)
                .map(Principal::ServicePrincipal)
        })
        .ok_or(AuthFailure::Invalid)?;
    let scopes = match &claims["scope"] {
        Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        _ => Vec::new(),
    };
    Ok(Credential::OAuth {
        principal,
        scopes,
        token: token.to_string(),
    })
}

pub fn api_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(json!({ "error_code": code, "message": message.into() })),
    )
        .into_response()
}

/// A refused workspace API call, turned into Databricks' error JSON.
pub struct Rejection(StatusCode, &'static str, String);

/// The codes of rejections answered as the workspace answers a bad or a missing token.
const INVALID_ACCESS_TOKEN: &str = "invalid access token";
const CREDENTIAL_NOT_SENT: &str = "credential not sent";

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self.1 {
            INVALID_ACCESS_TOKEN => invalid_access_token(),
            CREDENTIAL_NOT_SENT => credential_not_sent(),
            _ => api_error(self.0, self.1, self.2),
        }
    }
}

/// A workspace's REST APIs with no token: 401, `WWW-Authenticate: Bearer
/// realm="DatabricksRealm"` and the status as a number for `error_code` (databricks-sdk-go
/// #1158, databricks/cli PR #5341; the corpus's rest-credential-not-sent-401).
pub fn credential_not_sent() -> Response {
    let mut resp = (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({
            "error_code": 401,
            "message": "Credential was not sent or was of an unsupported type for this API."
        })),
    )
        .into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer realm=\"DatabricksRealm\""),
    );
    resp
}

/// A workspace's REST APIs on a bad, expired or revoked token: 403, the status again as a
/// number for `error_code`, and the reason in a header (databricks-sdk-go#873, the
/// corpus's `rest-invalid-access-token-403`). Not 401 `UNAUTHENTICATED`: a guess, and wrong.
pub fn invalid_access_token() -> Response {
    let mut resp = (
        StatusCode::FORBIDDEN,
        axum::Json(json!({ "error_code": 403, "message": "Invalid access token." })),
    )
        .into_response();
    resp.headers_mut().insert(
        "x-databricks-reason-phrase",
        axum::http::HeaderValue::from_static("Invalid access token."),
    );
    resp
}

/// Authenticates a workspace API call; OAuth tokens need `all-apis` or `alt_scope`.
fn caller(s: &Shared, headers: &HeaderMap, alt_scope: &str) -> Result<Principal, Rejection> {
    match credential(s, headers) {
        Ok(Credential::Pat(p)) => Ok(p),
        Ok(Credential::OAuth {
            principal, scopes, ..
        }) => {
            if scopes.iter().any(|x| x == "all-apis" || x == alt_scope) {
                Ok(principal)
            } else {
                Err(Rejection(
                    StatusCode::FORBIDDEN,
                    "PERMISSION_DENIED",
                    format!("Provided OAuth token does not have required scopes: all-apis (or {alt_scope})"),
                ))
            }
        }
        Err(AuthFailure::Missing) => Err(Rejection(
            StatusCode::UNAUTHORIZED,
            CREDENTIAL_NOT_SENT,
            String::new(),
        )),
        Err(AuthFailure::Expired | AuthFailure::Invalid) => Err(Rejection(
            StatusCode::FORBIDDEN,
            INVALID_ACCESS_TOKEN,
            String::new(),
        )),
    }
}

fn groups_of(s: &Shared, p: Principal) -> Vec<&'static str> {
    match p {
        Principal::User(i) => s.seed.users[i].groups.clone(),
        Principal::ServicePrincipal(i) => s.seed.service_principals[i].groups.clone(),
    }
}

/// The highest permission `p` holds on `app` (workspace admins manage every app).
pub fn level(s: &Shared, p: Principal, app: &App) -> Option<Level> {
    if let Principal::User(i) = p {
        if s.seed.users[i].role == Role::Admin {
            return Some(Level::CanManage);
        }
    }
    let groups = groups_of(s, p);
    app.acl
        .iter()
        .filter(|g| match (&g.grantee, p) {
            (Grantee::User(email), Principal::User(i)) => s.seed.users[i].email == *email,
            (Grantee::ServicePrincipal(name), Principal::ServicePrincipal(i)) => {
                s.seed.service_principals[i].name == *name
            }
            (Grantee::Group(name), _) => groups.contains(name),
            _ => false,
        })
        .map(|g| g.level)
        .max()
}

pub fn principal_name(s: &Shared, p: Principal) -> String {
    match p {
        Principal::User(i) => s.seed.users[i].email.clone(),
        Principal::ServicePrincipal(i) => s.seed.service_principals[i].name.to_string(),
    }
}

pub async fn me(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let p = match caller(&s, &headers, "iam.current-user:read") {
        Ok(p) => p,
        Err(rejection) => return rejection.into_response(),
    };
    let groups: Vec<Value> = groups_of(&s, p)
        .into_iter()
        .map(|g| {
            let id = s.seed.group_id(g);
            json!({ "display": g, "type": "direct", "value": id, "$ref": format!("Groups/{id}") })
        })
        .collect();
    let body = match p {
        Principal::User(i) => {
            let u = &s.seed.users[i];
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"],
                "id": u.id,
                "userName": u.email,
                "displayName": u.display_name(),
                "active": true,
                "name": { "givenName": u.given_name, "familyName": u.family_name },
                "emails": [{ "value": u.email, "type": "work", "primary": true }],
                "groups": groups,
                "entitlements": if u.role == Role::Admin { json!([{"value": "allow-cluster-create"}]) } else { json!([]) },
            })
        }
        Principal::ServicePrincipal(i) => {
            let sp = &s.seed.service_principals[i];
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"],
                "id": sp.id,
                "userName": sp.client_id,
                "displayName": sp.name,
                "active": true,
                "emails": [],
                "groups": groups,
            })
        }
    };
    axum::Json(body).into_response()
}

pub fn app_json(s: &Shared, a: &App) -> Value {
    let mut v = json!({
        "name": a.name,
        "id": a.id,
        "description": a.description,
        "url": s.app_url(a.name),
        "app_status": { "state": a.app_state, "message": a.app_message },
        "compute_status": { "state": a.compute_state, "message": a.compute_message },
        "active_deployment": {
            "deployment_id": format!("01f0{}", &a.id.replace('-', "")[..28]),
            "source_code_path": format!("/Workspace/Users/{}/{}", a.creator, a.name),
            "mode": "SNAPSHOT",
            "status": { "state": a.deployment_state, "message": a.deployment_message },
            "create_time": "2026-11-02T09:30:00Z",
            "creator": a.creator,
            "update_time": "2026-11-02T09:31:12Z",
        },
        "default_source_code_path": format!("/Workspace/Users/{}/{}", a.creator, a.name),
        "create_time": "2026-10-01T08:00:00Z",
        "creator": a.creator,
        "update_time": "2026-11-02T09:31:12Z",
        "updater": a.creator,
        "compute_size": "MEDIUM",
        "service_principal_id": a.sp_id.parse::<u64>().unwrap_or(0),
        "service_principal_name": format!("app-{} {}", &a.id[..5], a.name),
        "service_principal_client_id": a.sp_client_id,
    });
    if !a.user_api_scopes.is_empty() {
        v["user_api_scopes"] = json!(a.user_api_scopes);
        v["effective_user_api_scopes"] = json!(a.effective_user_api_scopes());
    }
    v
}

pub async fn list_apps(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(rejection) = caller(&s, &headers, "apps") {
        return rejection.into_response();
    }
    let page_size = match q.get("page_size").map(|v| v.parse::<usize>()) {
        None => s.config.default_page_size.max(1),
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "INVALID_PARAMETER_VALUE",
                "page_size must be a number from 1 to 1000.",
            )
        }
    };
    let start = match q.get("page_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match URL_SAFE_NO_PAD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| {
                t.strip_prefix("apps:")
                    .and_then(|n| n.parse::<usize>().ok())
            }) {
            Some(n) if n < s.seed.apps.len() => n,
            _ => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_PARAMETER_VALUE",
                    "page_token is not valid.",
                )
            }
        },
    };
    let end = (start + page_size).min(s.seed.apps.len());
    let apps: Vec<Value> = s.seed.apps[start..end]
        .iter()
        .map(|a| app_json(&s, a))
        .collect();
    let mut body = json!({ "apps": apps });
    if end < s.seed.apps.len() {
        body["next_page_token"] = json!(URL_SAFE_NO_PAD.encode(format!("apps:{end}")));
    }
    axum::Json(body).into_response()
}

/// As the databricks CLI's own tests have the Apps API say it (404 `NOT_FOUND`, "App with
/// name … does not exist or is deleted.": tests/fixtures/databricks/rest-apps-get-not-found-fixture.json).
fn no_such_app(name: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("App with name {name} does not exist or is deleted."),
    )
}

pub async fn get_app(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(rejection) = caller(&s, &headers, "apps") {
        return rejection.into_response();
    }
    match s.seed.app(&name) {
        Some(a) => axum::Json(app_json(&s, a)).into_response(),
        None => no_such_app(&name),
    }
}

pub async fn app_permissions(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let p = match caller(&s, &headers, "apps") {
        Ok(p) => p,
        Err(rejection) => return rejection.into_response(),
    };
    let Some(app) = s.seed.app(&name) else {
        return no_such_app(&name);
    };
    if level(&s, p, app) != Some(Level::CanManage) {
        return api_error(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            format!(
                "{} does not have Manage permissions on apps/{}. Please contact the owner or an administrator for access.",
                principal_name(&s, p),
                app.name
            ),
        );
    }
    let mut acl: Vec<Value> = app
        .acl
        .iter()
        .map(|g| {
            let perms = json!([{ "permission_level": g.level.as_str(), "inherited": false }]);
            match &g.grantee {
                Grantee::User(email) => {
                    let display = s
                        .seed
                        .users
                        .iter()
                        .find(|u| u.email == *email)
                        .map(|u| u.display_name());
                    json!({ "user_name": email, "display_name": display, "all_permissions": perms })
                }
                Grantee::Group(name) => json!({ "group_name": name, "all_permissions": perms }),
                Grantee::ServicePrincipal(name) => {
                    let sp = s.seed.service_principals.iter().find(|sp| sp.name == *name);
                    json!({
                        "service_principal_name": sp.map(|sp| sp.client_id.clone()),
                        "display_name": name,
                        "all_permissions": perms,
                    })
                }
            }
        })
        .collect();
    acl.push(json!({
        "group_name": "admins",
        "all_permissions": [{ "permission_level": "CAN_MANAGE", "inherited": true, "inherited_from_object": ["/apps/"] }],
    }));
    axum::Json(json!({
        "object_id": format!("/apps/{}", app.id),
        "object_type": "apps",
        "access_control_list": acl,
    }))
    .into_response()
}

pub async fn no_such_endpoint(method: Method, uri: Uri) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "ENDPOINT_NOT_FOUND",
        format!("No API found for '{method} {}'", uri.path()),
    )
}
