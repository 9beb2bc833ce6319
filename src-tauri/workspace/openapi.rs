//! An app's OpenAPI document (as FastAPI serves it) turned into a picker: operations
//! with their path and query parameters and a JSON body skeleton.

use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ParameterView")]
pub struct Parameter {
    pub name: String,
    /// "path", "query", "header".
    pub location: String,
    pub required: bool,
    pub description: Option<String>,
    /// A type hint such as "integer" or "string".
    pub kind: Option<String>,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "OperationView")]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub operation_id: Option<String>,
    pub parameters: Vec<Parameter>,
    /// Pretty JSON shaped like the request body's schema.
    pub body_skeleton: Option<String>,
    /// Where the operation is on the app that served the document (its path on the app's
    /// origin, `{parameters}` as written); none when the path could leave that origin.
    pub url: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenApiError {
    #[error("the document is {0} bytes, more than the {MAX_DOCUMENT_BYTES} an OpenAPI document may have here")]
    TooLarge(usize),
    #[error("the document is not JSON: {0}")]
    NotJson(String),
    #[error("the document is JSON but not OpenAPI (no `paths` object)")]
    NotOpenApi,
}

/// The largest document read (FastAPI's own are well under 1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;
/// The most values one body skeleton holds: a self-referencing or exploding schema stops here.
const SKELETON_BUDGET: usize = 2_000;
/// The most bytes one body skeleton holds (an `example` or `default` counts whole).
const SKELETON_BYTES: usize = 64 * 1024;
/// The most schema nodes and skeleton bytes one whole document may cost: a document whose
/// operations all point at one huge `example` is bounded by what it builds, not its size.
const DOCUMENT_NODES: usize = 200_000;
const DOCUMENT_BYTES: usize = 4 * 1024 * 1024;
/// The longest text kept of a description, summary or parameter default.
const TEXT_CHARS: usize = 2_000;
/// The most parameters read from one list, and the longest name one may have.
const MAX_PARAMETERS: usize = 100;
const MAX_NAME_BYTES: usize = 200;

/// What building skeletons may still cost: values and bytes of this skeleton, nodes and
/// bytes of the whole document.
struct Budget {
    values: usize,
    bytes: usize,
    doc_nodes: usize,
    doc_bytes: usize,
    /// Sizes of given values already measured (by address in the document): one `example`
    /// referenced from everywhere is measured once.
    sizes: std::collections::HashMap<usize, Option<usize>>,
}

impl Budget {
    /// A whole document's budget (`for_one_skeleton` before each skeleton).
    fn for_document() -> Budget {
        Budget {
            values: 0,
            bytes: 0,
            doc_nodes: DOCUMENT_NODES,
            doc_bytes: DOCUMENT_BYTES,
            sizes: Default::default(),
        }
    }

    /// Takes one schema node; false when a limit is reached.
    fn node(&mut self) -> bool {
        if self.values == 0 || self.doc_nodes == 0 {
            return false;
        }
        self.values -= 1;
        self.doc_nodes -= 1;
        true
    }

    /// Takes `n` bytes of output; false (and nothing taken) when they do not fit.
    fn take(&mut self, n: usize) -> bool {
        if n > self.bytes || n > self.doc_bytes {
            return false;
        }
        self.bytes -= n;
        self.doc_bytes -= n;
        true
    }

    /// Takes `n` bytes of the document's own budget; false once it is spent.
    fn take_for_document(&mut self, n: usize) -> bool {
        let fits = n <= self.doc_bytes;
        self.doc_bytes = self.doc_bytes.saturating_sub(n);
        fits
    }

    fn for_one_skeleton(&mut self) {
        self.values = SKELETON_BUDGET;
        self.bytes = SKELETON_BYTES;
    }
}

/// The JSON size of `v`, counting at most `limit + 1` bytes (and as many nodes): a huge
/// value is measured in the time a small one takes.
fn size_within(v: &Value, limit: usize) -> Option<usize> {
    fn walk(v: &Value, left: &mut usize) -> bool {
        let cost = match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 8,
            Value::String(s) => s.len() + 2,
            Value::Array(_) | Value::Object(_) => 2,
        };
        if cost > *left {
            return false;
        }
        *left -= cost;
        match v {
            Value::Array(items) => items.iter().all(|i| walk(i, left)),
            Value::Object(map) => map.iter().all(|(k, i)| {
                let key = k.len() + 3;
                key <= *left && {
                    *left -= key;
                    walk(i, left)
                }
            }),
            _ => true,
        }
    }
    let mut left = limit;
    walk(v, &mut left).then_some(limit - left)
}

/// `s` cut at `TEXT_CHARS` characters.
fn clip(s: &str) -> String {
    match s.char_indices().nth(TEXT_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Whether an OpenAPI path is a path on the app's own origin: it starts with one `/` and
/// has no scheme, authority, `@` or `\` that could move the request to another host.
pub fn is_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains("//")
        && !path.contains(['@', '\\', '?', '#'])
        && !path.contains("://")
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Each operation's place on the app at `app_url` (`url_on_app`), as the picker fills it in.
pub fn place_on_app(ops: &mut [Operation], app_url: &str) {
    for op in ops {
        op.url = url_on_app(app_url, &op.path)
            .map(|u| format!("{}{}", u.origin().ascii_serialization(), op.path));
    }
}

/// The URL of `path` on the app at `app_url`, or `None` when the path is not a path or the
/// result would leave the app's origin.
pub fn url_on_app(app_url: &str, path: &str) -> Option<url::Url> {
    if !is_path(path) {
        return None;
    }
    let base = url::Url::parse(app_url).ok()?;
    let joined = url::Url::parse(&format!("{}{path}", base.origin().ascii_serialization())).ok()?;
    (joined.origin() == base.origin()).then_some(joined)
}

impl Operation {
    /// About how many bytes the operation holds beside its skeleton (whose bytes were
    /// counted as it was built): its text, and what each value costs in memory however
    /// short its text is (an empty name still takes a `Parameter`).
    fn bytes(&self) -> usize {
        let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let fixed = std::mem::size_of::<Operation>()
            + self.parameters.len() * std::mem::size_of::<Parameter>();
        fixed
            + self.path.len()
            + opt(&self.summary)
            + opt(&self.operation_id)
            + self
                .parameters
                .iter()
                .map(|p| {
                    p.name.len()
                        + p.location.len()
                        + opt(&p.description)
                        + opt(&p.default)
                        + opt(&p.kind)
                })
                .sum::<usize>()
    }
}

const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..16 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let Some(pointer) = r.strip_prefix('#') else {
            return v;
        };
        match doc.pointer(pointer) {
            Some(target) => v = target,
            None => return v,
        }
    }
    v
}

/// A default as a parameter shows it, at most `TEXT_CHARS` long (never a whole huge value).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(clip(s)),
        other => match size_within(other, TEXT_CHARS) {
            Some(_) => Some(other.to_string()),
            None => Some("…".into()),
        },
    }
}

fn parameters(doc: &Value, raw: Option<&Value>) -> Vec<Parameter> {
    raw.and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .take(MAX_PARAMETERS)
                .map(|p| resolve(doc, p))
                .filter_map(|p| {
                    let name = p.get("name")?.as_str()?;
                    let location = p.get("in")?.as_str()?;
                    if name.is_empty()
                        || name.len() > MAX_NAME_BYTES
                        || location.len() > MAX_NAME_BYTES
                    {
                        return None;
                    }
                    let (name, location) = (name.to_string(), location.to_string());
                    let schema = p.get("schema").map(|s| resolve(doc, s));
                    Some(Parameter {
                        required: p
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(location == "path"),
                        description: p.get("description").and_then(Value::as_str).map(clip),
                        kind: schema
                            .and_then(|s| s.get("type"))
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        default: schema.and_then(|s| s.get("default")).and_then(text),
                        name,
                        location,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A value shaped like `schema`: defaults and examples where given, else empty values,
/// at most 8 levels deep, `SKELETON_BUDGET` values and `SKELETON_BYTES` bytes in all.
pub fn skeleton(doc: &Value, schema: &Value) -> Value {
    let mut budget = Budget::for_document();
    budget.for_one_skeleton();
    shape(doc, schema, 0, &mut budget)
}

/// A given value (`example`, `default`, an `enum`'s first) when it fits what is left;
/// else the empty value of its kind.
fn given(v: &Value, budget: &mut Budget) -> Value {
    let size = *budget
        .sizes
        .entry(v as *const Value as usize)
        .or_insert_with(|| size_within(v, SKELETON_BYTES));
    match size {
        Some(n) if budget.take(n) => v.clone(),
        _ => match v {
            Value::String(_) => json!(""),
            Value::Array(_) => json!([]),
            Value::Object(_) => json!({}),
            other => other.clone(),
        },
    }
}

fn shape(doc: &Value, schema: &Value, depth: usize, budget: &mut Budget) -> Value {
    let schema = resolve(doc, schema);
    if !budget.node() || depth > 8 {
        return Value::Null;
    }
    if let Some(v) = schema.get("example").or_else(|| schema.get("default")) {
        return given(v, budget);
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return given(first, budget);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" {
                let mut merged = Map::new();
                for part in parts {
                    if let Value::Object(o) = shape(doc, part, depth + 1, budget) {
                        merged.extend(o);
                    }
                }
                return Value::Object(merged);
            }
            if let Some(first) = parts
                .iter()
                .find(|p| p.get("type").and_then(Value::as_str) != Some("null"))
            {
                return shape(doc, first, depth + 1, budget);
            }
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "",
    };
    match kind {
        "object" => {
            let mut out = Map::new();
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (name, prop) in props {
                    if budget.values == 0 || !budget.take(name.len() + 3) {
                        break;
                    }
                    out.insert(name.clone(), shape(doc, prop, depth + 1, budget));
                }
            }
            Value::Object(out)
        }
        "array" => match schema.get("items") {
            Some(items) => json!([shape(doc, items, depth + 1, budget)]),
            None => json!([]),
        },
        "string" => json!(""),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// The operations of a document. Paths that are not paths on the app's origin (see
/// `is_path`) are left out: a document is untrusted input.
pub fn parse(bytes: &[u8]) -> Result<Vec<Operation>, OpenApiError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(OpenApiError::TooLarge(bytes.len()));
    }
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| OpenApiError::NotJson(e.to_string()))?;
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Err(OpenApiError::NotOpenApi);
    };
    let mut ops = Vec::new();
    let mut budget = Budget::for_document();
    for (path, item) in paths.iter().filter(|(p, _)| is_path(p)) {
        let item = resolve(&doc, item);
        let shared = parameters(&doc, item.get("parameters"));
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut params = shared.clone();
            for p in parameters(&doc, op.get("parameters")) {
                params.retain(|x| !(x.name == p.name && x.location == p.location));
                params.push(p);
            }
            let body_skeleton = op
                .get("requestBody")
                .map(|b| resolve(&doc, b))
                .and_then(|b| b.pointer("/content/application~1json/schema"))
                .map(|schema| {
                    budget.for_one_skeleton();
                    shape(&doc, schema, 0, &mut budget)
                })
                .and_then(|v| serde_json::to_string_pretty(&v).ok());
            let operation = Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .or_else(|| op.get("description").and_then(Value::as_str))
                    .map(clip),
                operation_id: op.get("operationId").and_then(Value::as_str).map(clip),
                parameters: params,
                body_skeleton,
                url: None,
            };
            // Every operation's text counts against the document's bytes (path items may all
            // `$ref` one huge item): past them, the picker offers what was read so far.
            if !budget.take_for_document(operation.bytes()) {
                return Ok(ops);
            }
            ops.push(operation);
        }
    }
    Ok(ops)
}

impl crate::base::i18n::Localize for OpenApiError {
    fn say(&self, lang: &str) -> String {
        use crate::base::i18n::say;
        match self {
            OpenApiError::TooLarge(n) => {
                say!(
                    lang,
                    "openapi-too-large",
                    bytes = *n,
                    max = MAX_DOCUMENT_BYTES
                )
            }
            OpenApiError::NotJson(m) => say!(lang, "openapi-not-json", reason = m),
            OpenApiError::NotOpenApi => say!(lang, "openapi-not-openapi"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fastapi_document() {
        let doc = br##"{"openapi":"3.1.0","paths":{
          "/api/items/{item_id}":{"parameters":[{"name":"item_id","in":"path","schema":{"type":"integer"}}],
            "get":{"summary":"Get one","parameters":[{"name":"verbose","in":"query","schema":{"type":"boolean","default":false}}]},
            "put":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}}}}}},
          "components":{"schemas":{"Item":{"type":"object","properties":{"name":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},
            "kind":{"enum":["a","b"]},"size":{"anyOf":[{"type":"null"},{"type":"integer"}]},"me":{"$ref":"#/components/schemas/Item"}}}}}}"##;
        let ops = parse(doc).unwrap();
        assert_eq!(ops.len(), 2);
        let get = &ops[0];
        assert_eq!(
            (get.method.as_str(), get.path.as_str()),
            ("GET", "/api/items/{item_id}")
        );
        assert_eq!(get.parameters.len(), 2);
        assert!(get.parameters[0].required, "path parameters are required");
        assert_eq!(get.parameters[1].default.as_deref(), Some("false"));
        let body: Value = serde_json::from_str(ops[1].body_skeleton.as_deref().unwrap()).unwrap();
        assert_eq!(body["name"], "");
        assert_eq!(body["tags"], json!([""]));
        assert_eq!(body["kind"], "a");
        assert_eq!(body["size"], 0);
        assert!(
            body["me"].is_object(),
            "recursive schemas stop, they do not overflow"
        );
    }

    #[test]
    fn paths_that_leave_the_app_are_left_out() {
        let doc = br#"{"paths":{"/api/ok":{"get":{}},"@other.example/x":{"get":{}},".other.example/x":{"get":{}},
          "//other.example/x":{"get":{}},"/api//x":{"get":{}},"https://other.example/x":{"get":{}},"/api\\x":{"get":{}},
          "/a@b":{"get":{}},"api/x":{"get":{}},"/api/x?y=1":{"get":{}}}}"#;
        let ops = parse(doc).unwrap();
        assert_eq!(
            ops.iter().map(|o| o.path.as_str()).collect::<Vec<_>>(),
            ["/api/ok"]
        );
        let app = "https://hello-1.aws.databricksapps.com";
        assert_eq!(
            url_on_app(app, "/api/items/{id}").unwrap().as_str(),
            "https://hello-1.aws.databricksapps.com/api/items/%7Bid%7D"
        );
        for bad in [
            "@other.example/x",
            ".other.example/x",
            "//other.example/x",
            "/\\other.example",
        ] {
            assert!(url_on_app(app, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn exploding_and_huge_documents_end_fast() {
        // Ten properties, each the same ten-property schema, eight levels down: 10^8 values
        // unbounded. The budget ends it.
        let props: serde_json::Map<String, Value> = (0..10)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"$ref": "#/components/schemas/Wide"}),
                )
            })
            .collect();
        let doc = json!({"paths": {"/api/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wide"}}}}}}},
            "components": {"schemas": {"Wide": {"type": "object", "properties": props}}}});
        let started = std::time::Instant::now();
        let ops = parse(doc.to_string().as_bytes()).unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_millis(100),
            "{:?}",
            started.elapsed()
        );
        assert!(ops[0].body_skeleton.as_ref().unwrap().len() < 200_000);
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert_eq!(
            parse(&big),
            Err(OpenApiError::TooLarge(MAX_DOCUMENT_BYTES + 1))
        );
    }

    #[test]
    fn not_openapi() {
        assert!(matches!(parse(b"<html>"), Err(OpenApiError::NotJson(_))));
        assert_eq!(parse(b"{\"openapi\":\"3\"}"), Err(OpenApiError::NotOpenApi));
        assert_eq!(
            parse(b"{\"paths\":{\"/x\":{\"get\":{}}}}").unwrap()[0].method,
            "GET"
        );
    }
}
