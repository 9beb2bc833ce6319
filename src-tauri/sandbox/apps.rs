//! What the sandbox's running apps do once the proxy lets a request through:
//! small FastAPI-like services with real endpoints and an OpenAPI document.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Who the proxy says is calling, from its X-Forwarded-* headers.
pub struct Caller {
    pub user: String,
    pub email: String,
    pub preferred_username: String,
    pub display_name: String,
}

pub struct AppRequest {
    pub app: &'static str,
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub caller: Caller,
}

const CATEGORIES: [&str; 4] = ["hardware", "software", "service", "training"];
const NAMES: [&str; 12] = [
    "Widget", "Gadget", "Sprocket", "Gear", "Bolt", "Panel", "Sensor", "Valve", "Cable", "Switch",
    "Filter", "Pump",
];
/// The largest `seconds` /api/slow accepts (the proxy's own timeout ends it sooner).
const MAX_SLOW_SECS: u64 = 600;

fn items() -> Vec<Value> {
    (0..30)
        .map(|i| {
            json!({
                "id": i + 1,
                "name": format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1),
                "category": CATEGORIES[i % CATEGORIES.len()],
                "quantity": (i * 7) % 50,
                "price": ((i * 1379) % 10000) as f64 / 100.0,
            })
        })
        .collect()
}

/// A FastAPI-style validation error.
fn unprocessable(errors: Vec<Value>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "detail": errors })),
    )
        .into_response()
}

fn field_error(loc: &[&str], msg: &str, kind: &str) -> Value {
    json!({ "loc": loc, "msg": msg, "type": kind })
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "detail": "Not Found" })),
    )
        .into_response()
}

fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({ "detail": "Method Not Allowed" })),
    )
        .into_response()
}

pub async fn serve(r: AppRequest) -> Response {
    let query: HashMap<String, String> = r
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    match (r.uri.path(), &r.method) {
        ("/api/hello", &Method::GET) => Json(json!({
            "message": format!("Hello, {}!", r.caller.display_name),
            "app": r.app,
            "user": r.caller.email,
        }))
        .into_response(),
        ("/api/hello", _) => method_not_allowed(),
        ("/api/echo", _) => echo(&r, &query),
        ("/api/items", &Method::GET) => list_items(&query),
        ("/api/items", &Method::POST) => create_item(&r),
        ("/api/items", _) => method_not_allowed(),
        ("/api/slow", &Method::GET) => slow(&query).await,
        ("/api/slow", _) => method_not_allowed(),
        ("/api/export", &Method::GET) => export(&query),
        ("/api/chat", &Method::GET) => chat(&query, Chat::Streamed),
        ("/api/chat/stall", &Method::GET) => chat(&query, Chat::Stalls),
        ("/api/chat/buffered", &Method::GET) => chat(&query, Chat::Buffered),
        ("/api/chat" | "/api/chat/stall" | "/api/chat/buffered", _) => method_not_allowed(),
        ("/api/export", _) => method_not_allowed(),
        (path, &Method::GET) if path.starts_with("/api/stress/") => {
            stress(&path["/api/stress/".len()..], &query)
        }
        // FastAPI's default place, and under /api/ where the Apps proxy lets a token through.
        ("/api/openapi.json" | "/openapi.json", &Method::GET) => {
            Json(openapi(r.app)).into_response()
        }
        _ => not_found(),
    }
}

fn echo(r: &AppRequest, query: &HashMap<String, String>) -> Response {
    let headers: serde_json::Map<String, Value> = r
        .headers
        .iter()
        .map(|(k, v)| {
            let shown = if k.as_str() == "x-forwarded-access-token" {
                format!("(masked: {} characters)", v.len())
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (k.as_str().to_string(), Value::String(shown))
        })
        .collect();
    let body = match serde_json::from_slice::<Value>(&r.body) {
        Ok(v) => v,
        Err(_) => Value::String(String::from_utf8_lossy(&r.body).into_owned()),
    };
    Json(json!({
        "app": r.app,
        "method": r.method.as_str(),
        "path": r.uri.path(),
        "query": query,
        "headers": headers,
        "body": if r.body.is_empty() { Value::Null } else { body },
        "user": r.caller.user,
        "email": r.caller.email,
        "preferred_username": r.caller.preferred_username,
    }))
    .into_response()
}

fn int_param(
    query: &HashMap<String, String>,
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, Value> {
    match query.get(name) {
        None => Ok(default),
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            Ok(_) => Err(field_error(
                &["query", name],
                &format!("Input should be between {min} and {max}"),
                "value_error",
            )),
            Err(_) => Err(field_error(
                &["query", name],
                "Input should be a valid integer",
                "int_parsing",
            )),
        },
    }
}

fn list_items(query: &HashMap<String, String>) -> Response {
    let limit = int_param(query, "limit", 10, 1, 100);
    let offset = int_param(query, "offset", 0, 0, 10_000);
    let (limit, offset) = match (limit, offset) {
        (Ok(l), Ok(o)) => (l as usize, o as usize),
        (l, o) => return unprocessable([l.err(), o.err()].into_iter().flatten().collect()),
    };
    let needle = query.get("q").map(|q| q.to_lowercase());
    let matching: Vec<Value> = items()
        .into_iter()
        .filter(|it| match &needle {
            Some(n) => {
                it["name"].as_str().unwrap_or("").to_lowercase().contains(n)
                    || it["category"] == n.as_str()
            }
            None => true,
        })
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching.into_iter().skip(offset).take(limit).collect();
    Json(json!({ "items": page, "total": total, "limit": limit, "offset": offset })).into_response()
}

fn create_item(r: &AppRequest) -> Response {
    let is_json = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed: Result<Value, _> = serde_json::from_slice(&r.body);
    let Ok(Value::Object(obj)) = parsed.as_ref().map(Clone::clone) else {
        let msg = if !is_json && !r.body.is_empty() {
            "Input should be a JSON object (send Content-Type: application/json)"
        } else {
            "Input should be a valid JSON object"
        };
        return unprocessable(vec![field_error(&["body"], msg, "model_attributes_type")]);
    };
    let mut errors = Vec::new();
    let name = match obj.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 100 => Some(s.clone()),
        Some(Value::String(_)) => {
            errors.push(field_error(
                &["body", "name"],
                "String should have 1 to 100 characters",
                "string_too_short",
            ));
            None
        }
        Some(_) => {
            errors.push(field_error(
                &["body", "name"],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
        None => {
            errors.push(field_error(&["body", "name"], "Field required", "missing"));
            None
        }
    };
    let quantity = match obj.get("quantity") {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|q| q <= 1_000_000) => n.as_u64(),
        Some(_) => {
            errors.push(field_error(
                &["body", "quantity"],
                "Input should be an integer from 0 to 1000000",
                "int_type",
            ));
            None
        }
        None => {
            errors.push(field_error(
                &["body", "quantity"],
                "Field required",
                "missing",
            ));
            None
        }
    };
    let category = match obj.get("category") {
        None | Some(Value::Null) => Some("hardware".to_string()),
        Some(Value::String(c)) if CATEGORIES.contains(&c.as_str()) => Some(c.clone()),
        Some(_) => {
            errors.push(field_error(
                &["body", "category"],
                &format!("Input should be one of {}", CATEGORIES.join(", ")),
                "enum",
            ));
            None
        }
    };
    match (name, quantity, category) {
        (Some(name), Some(quantity), Some(category)) if errors.is_empty() => (
            StatusCode::CREATED,
            Json(json!({ "id": 31, "name": name, "quantity": quantity, "category": category, "created_by": r.caller.email })),
        )
            .into_response(),
        _ => unprocessable(errors),
    }
}

async fn slow(query: &HashMap<String, String>) -> Response {
    match int_param(query, "seconds", 1, 0, MAX_SLOW_SECS as i64) {
        Ok(secs) => {
            tokio::time::sleep(Duration::from_secs(secs as u64)).await;
            Json(json!({ "slept_seconds": secs })).into_response()
        }
        Err(e) => unprocessable(vec![e]),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chat {
    /// Token by token, `delay_ms` apart, then `done`.
    Streamed,
    /// Three tokens, then nothing more (until ten minutes have passed).
    Stalls,
    /// The whole answer at once after 1.5 s, as a buffering proxy hands it on.
    Buffered,
}

/// The chat answer's words.
fn chat_words(prompt: &str) -> Vec<String> {
    let prompt = if prompt.trim().is_empty() {
        "hello"
    } else {
        prompt.trim()
    };
    format!("You asked: \"{prompt}\". Apps built on Databricks stream long answers token by token, so the first words show while the rest is still being written.")
        .split_inclusive(' ')
        .map(str::to_string)
        .collect()
}

/// `GET /api/chat?prompt=&delay_ms=`: a chat-style answer as server-sent events, one
/// `token` event per word (`{"text": …}`) and a final `done` (`{"tokens": N}`).
fn chat(query: &HashMap<String, String>, how: Chat) -> Response {
    use axum::body::Body;
    use futures_util::stream;
    let delay = match int_param(query, "delay_ms", 150, 0, 10_000) {
        Ok(d) => d as u64,
        Err(e) => return unprocessable(vec![e]),
    };
    let words = chat_words(query.get("prompt").map_or("", String::as_str));
    let count = words.len();
    let mut events: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                "event: token\nid: {}\ndata: {}\n\n",
                i + 1,
                json!({ "text": w })
            )
        })
        .collect();
    events.push(format!(
        "event: done\ndata: {}\n\n",
        json!({ "tokens": count })
    ));
    let headers = [
        (axum::http::header::CONTENT_TYPE, "text/event-stream"),
        (axum::http::header::CACHE_CONTROL, "no-cache"),
    ];
    let body = match how {
        // As the Apps proxy is on record delivering SSE: "buffered and delivered in chunks,
        // not token-by-token" (apps-sse-buffered). The chunk's size and spacing are not on
        // record: eight events every 1.2 s.
        Chat::Buffered => {
            let chunks: Vec<Bytes> = events.chunks(8).map(|c| Bytes::from(c.concat())).collect();
            Body::from_stream(stream::unfold(0usize, move |i| {
                let next = chunks.get(i).cloned();
                async move {
                    let chunk = next?;
                    tokio::time::sleep(Duration::from_millis(1200)).await;
                    Some((Ok::<_, std::io::Error>(chunk), i + 1))
                }
            }))
        }
        Chat::Streamed | Chat::Stalls => {
            if how == Chat::Stalls {
                events.truncate(3);
            }
            Body::from_stream(stream::unfold(0usize, move |i| {
                let next = events.get(i).cloned();
                async move {
                    if i > 0 {
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                    }
                    match next {
                        Some(e) => Some((Ok::<_, std::io::Error>(Bytes::from(e)), i + 1)),
                        None if how == Chat::Stalls => {
                            tokio::time::sleep(Duration::from_secs(600)).await;
                            None
                        }
                        None => None,
                    }
                }
            }))
        }
    };
    (headers, body).into_response()
}

/// The largest document /api/export makes: 256 MiB.
const MAX_EXPORT_BYTES: i64 = 256 << 20;
/// The smallest: an empty export, `{"rows":[],"note":""}`.
const MIN_EXPORT_BYTES: i64 = 21;

/// `GET /api/export?bytes=N`: a query result as data apps return it, exactly `bytes`
/// long: `{"rows":[{…},…],"note":"…"}`, rows of varied fields (nested ones too), the
/// note padding it to the byte.
fn export(query: &HashMap<String, String>) -> Response {
    match int_param(query, "bytes", 1 << 20, MIN_EXPORT_BYTES, MAX_EXPORT_BYTES) {
        Ok(size) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            export_document(size as usize),
        )
            .into_response(),
        Err(e) => unprocessable(vec![e]),
    }
}

pub fn export_document(size: usize) -> Vec<u8> {
    use std::io::Write as _;
    const END: &[u8] = b"],\"note\":\"";
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"{\"rows\":[");
    let mut row = Vec::with_capacity(256);
    for id in 1u64.. {
        row.clear();
        let category = CATEGORIES[id as usize % CATEGORIES.len()];
        let _ = write!(
            row,
            "{}{{\"id\":{id},\"name\":\"Widget {id}\",\"category\":\"{category}\",\"quantity\":{},\"price\":{}.{:02},\"in_stock\":{},\"tags\":[\"{category}\",\"batch-{}\"],\"warehouse\":{{\"city\":\"{}\",\"shelf\":{}}}}}",
            if id == 1 { "" } else { "," },
            id * 7 % 1000,
            id % 500,
            id * 37 % 100,
            id % 3 != 0,
            id / 100,
            ["São Paulo", "Lisboa", "Amsterdam", "Tokyo"][id as usize % 4],
            id % 40,
        );
        if out.len() + row.len() + END.len() + 2 > size {
            break;
        }
        out.extend_from_slice(&row);
    }
    out.extend_from_slice(END);
    out.resize(size - 2, b'.');
    out.extend_from_slice(b"\"}");
    out
}

/// The largest body /api/stress/bytes streams: 4 GiB.
const MAX_STRESS_BYTES: i64 = 4 << 30;

/// Answers that go wrong the ways real servers do, to see what a client makes of them
/// (see the sandbox README): huge, dripping, cut short, malformed, not UTF-8, 5xx.
/// The body of `/api/stress/as-sent`.
const AS_SENT: &[u8] =
    b"{\"zeta\": 1e3, \"alpha\": 12345678901234567890, \"2\": [1.50, -0.0], \"1\": {\"b\": true, \"a\": null}}";

fn stress(kind: &str, query: &HashMap<String, String>) -> Response {
    use axum::body::Body;
    use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
    use futures_util::stream;

    type Chunk = Result<Bytes, std::io::Error>;
    match kind {
        // `size` bytes of 'x', streamed in 64 KiB chunks, never held in memory.
        "bytes" => match int_param(query, "size", 1 << 20, 0, MAX_STRESS_BYTES) {
            Ok(size) => {
                let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
                let body = stream::unfold(size as u64, move |left| {
                    let chunk = chunk.clone();
                    async move {
                        (left > 0).then(|| {
                            let n = left.min(chunk.len() as u64);
                            (Ok::<_, std::io::Error>(chunk.slice(..n as usize)), left - n)
                        })
                    }
                });
                (
                    [
                        (CONTENT_TYPE, "application/octet-stream".to_string()),
                        (CONTENT_LENGTH, size.to_string()),
                    ],
                    Body::from_stream(body),
                )
                    .into_response()
            }
            Err(e) => unprocessable(vec![e]),
        },
        // A JSON document one byte every `interval_ms`, `bytes` of them.
        "drip" => {
            let (interval, count) = match (
                int_param(query, "interval_ms", 250, 1, 60_000),
                int_param(query, "bytes", 40, 1, 100_000),
            ) {
                (Ok(i), Ok(c)) => (i as u64, c as usize),
                (i, c) => return unprocessable(i.err().into_iter().chain(c.err()).collect()),
            };
            let text = format!("{{\"drip\":\"{}\"}}", ".".repeat(count.saturating_sub(11)));
            let bytes = Bytes::from(text);
            let body = stream::unfold(0usize, move |i| {
                let bytes = bytes.clone();
                async move {
                    if i >= bytes.len() {
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(interval)).await;
                    Some((Ok::<_, std::io::Error>(bytes.slice(i..i + 1)), i + 1))
                }
            });
            (
                [(CONTENT_TYPE, "application/json")],
                Body::from_stream(body),
            )
                .into_response()
        }
        // Announces 1000 bytes, sends 100, then the connection is cut.
        "truncated" => {
            let body = stream::iter([
                Ok(Bytes::from(format!("{{\"items\": [{}", "1, ".repeat(30)))),
                Err(std::io::Error::other("cut short on purpose")),
            ] as [Chunk; 2]);
            (
                [
                    (CONTENT_TYPE, "application/json".to_string()),
                    (CONTENT_LENGTH, "1000".to_string()),
                ],
                Body::from_stream(body),
            )
                .into_response()
        }
        "malformed-json" => (
            [(CONTENT_TYPE, "application/json")],
            "{\"items\": [1, 2, {\"name\": \"Widget\", ",
        )
            .into_response(),
        // JSON whose keys are not in order and whose numbers a parser would rewrite: a
        // client that shows it "as sent" shows exactly these bytes.
        "as-sent" => (
            [(CONTENT_TYPE, "application/json")],
            Bytes::from_static(AS_SENT),
        )
            .into_response(),
        "non-utf8" => (
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            Bytes::from_static(b"caf\xe9 \xff\xfe \x80 latin-1, not UTF-8\n"),
        )
            .into_response(),
        // Any status, with a FastAPI-like JSON error body.
        "status" => match int_param(query, "code", 503, 100, 599) {
            Ok(code) => {
                let status =
                    StatusCode::from_u16(code as u16).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                (status, Json(json!({ "detail": format!("answered {code} on purpose (sandbox stress endpoint)") }))).into_response()
            }
            Err(e) => unprocessable(vec![e]),
        },
        _ => not_found(),
    }
}

fn openapi(app: &str) -> Value {
    let int_q = |name: &str, min: i64, max: i64, default: i64, desc: &str| {
        json!({ "name": name, "in": "query", "required": false, "description": desc,
                "schema": { "type": "integer", "minimum": min, "maximum": max, "default": default } })
    };
    let ok = |desc: &str| json!({ "200": { "description": desc, "content": { "application/json": { "schema": { "type": "object" } } } } });
    json!({
        "openapi": "3.1.0",
        "info": { "title": app, "version": "1.0.0", "description": format!("The {app} app of the Lakegate sandbox workspace.") },
        "paths": {
            "/api/hello": { "get": { "operationId": "hello", "summary": "Say hello to the caller", "responses": ok("A greeting") } },
            "/api/echo": {
                "get": { "operationId": "echo_get", "summary": "Echo what the app received (the forwarded token is masked)", "responses": ok("The request as the app saw it") },
                "post": { "operationId": "echo_post", "summary": "Echo a request with a body",
                          "requestBody": { "content": { "application/json": { "schema": { "type": "object" } } } },
                          "responses": ok("The request as the app saw it") }
            },
            "/api/items": {
                "get": { "operationId": "list_items", "summary": "List items",
                         "parameters": [
                            { "name": "q", "in": "query", "required": false, "description": "Text in the name, or a category", "schema": { "type": "string" } },
                            int_q("limit", 1, 100, 10, "How many items to return"),
                            int_q("offset", 0, 10000, 0, "How many items to skip"),
                         ],
                         "responses": ok("A page of items") },
                "post": { "operationId": "create_item", "summary": "Create an item",
                          "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ItemIn" } } } },
                          "responses": { "201": { "description": "Created" }, "422": { "description": "Validation error" } } }
            },
            "/api/chat": { "get": { "operationId": "chat", "summary": "Answer a prompt as a stream of server-sent events, token by token",
                                    "parameters": [
                                        { "name": "prompt", "in": "query", "required": false, "description": "What to ask", "schema": { "type": "string" } },
                                        int_q("delay_ms", 0, 10_000, 150, "Milliseconds between tokens"),
                                    ],
                                    "responses": { "200": { "description": "`token` events, then `done`", "content": { "text/event-stream": { "schema": { "type": "string" } } } } } } },
            "/api/chat/stall": { "get": { "operationId": "chat_stall", "summary": "A stream that sends three tokens and then stalls",
                                          "responses": { "200": { "description": "Three `token` events, then nothing", "content": { "text/event-stream": { "schema": { "type": "string" } } } } } } },
            "/api/chat/buffered": { "get": { "operationId": "chat_buffered", "summary": "The chat stream as a buffering proxy delivers it: all at once, late",
                                             "responses": { "200": { "description": "Every event in one piece after 1.5 s", "content": { "text/event-stream": { "schema": { "type": "string" } } } } } } },
            "/api/export": { "get": { "operationId": "export_rows", "summary": "Export rows as one JSON document of a given size",
                                      "parameters": [int_q("bytes", MIN_EXPORT_BYTES, MAX_EXPORT_BYTES, 1 << 20, "The document's size in bytes")],
                                      "responses": ok("The rows, and a note that pads the document to the byte") } },
            "/api/slow": { "get": { "operationId": "slow", "summary": "Answer after a delay",
                                    "parameters": [int_q("seconds", 0, MAX_SLOW_SECS as i64, 1, "How long to wait")],
                                    "responses": ok("Done waiting") } }
        },
        "components": { "schemas": { "ItemIn": {
            "type": "object", "required": ["name", "quantity"],
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 100 },
                "quantity": { "type": "integer", "minimum": 0, "maximum": 1_000_000 },
                "category": { "type": "string", "enum": CATEGORIES }
            }
        } } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_json_of_exactly_the_size_asked_for() {
        for size in [21, 22, 200, 201, 4096, 1 << 20, 3_000_001] {
            let doc = export_document(size);
            assert_eq!(doc.len(), size);
            let v: Value = serde_json::from_slice(&doc).unwrap();
            let rows = v["rows"].as_array().unwrap();
            if size > 400 {
                assert!(rows.len() > 1, "{size}");
                assert_eq!(rows[1]["warehouse"]["shelf"], 2);
            }
        }
    }
}
