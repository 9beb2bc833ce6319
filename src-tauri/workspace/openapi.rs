//! An app's OpenAPI document (as FastAPI serves it) turned into a picker: operations
//! with their path and query parameters and a JSON body skeleton.

use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq)]
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

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub operation_id: Option<String>,
    pub parameters: Vec<Parameter>,
    /// Pretty JSON shaped like the request body's schema.
    pub body_skeleton: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenApiError {
    #[error("the document is not JSON: {0}")]
    NotJson(String),
    #[error("the document is JSON but not OpenAPI (no `paths` object)")]
    NotOpenApi,
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

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn parameters(doc: &Value, raw: Option<&Value>) -> Vec<Parameter> {
    raw.and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| resolve(doc, p))
                .filter_map(|p| {
                    let name = p.get("name")?.as_str()?.to_string();
                    let location = p.get("in")?.as_str()?.to_string();
                    let schema = p.get("schema").map(|s| resolve(doc, s));
                    Some(Parameter {
                        required: p
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(location == "path"),
                        description: p
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_string),
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

/// A value shaped like `schema`: defaults and examples where given, else empty values.
pub fn skeleton(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > 8 {
        return Value::Null;
    }
    if let Some(v) = schema.get("example").or_else(|| schema.get("default")) {
        return v.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" {
                let mut merged = Map::new();
                for part in parts {
                    if let Value::Object(o) = skeleton(doc, part, depth + 1) {
                        merged.extend(o);
                    }
                }
                return Value::Object(merged);
            }
            if let Some(first) = parts
                .iter()
                .find(|p| p.get("type").and_then(Value::as_str) != Some("null"))
            {
                return skeleton(doc, first, depth + 1);
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
                    out.insert(name.clone(), skeleton(doc, prop, depth + 1));
                }
            }
            Value::Object(out)
        }
        "array" => match schema.get("items") {
            Some(items) => json!([skeleton(doc, items, depth + 1)]),
            None => json!([]),
        },
        "string" => json!(""),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

pub fn parse(bytes: &[u8]) -> Result<Vec<Operation>, OpenApiError> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| OpenApiError::NotJson(e.to_string()))?;
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Err(OpenApiError::NotOpenApi);
    };
    let mut ops = Vec::new();
    for (path, item) in paths {
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
                .map(|schema| skeleton(&doc, schema, 0))
                .and_then(|v| serde_json::to_string_pretty(&v).ok());
            ops.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .or_else(|| op.get("description").and_then(Value::as_str))
                    .map(str::to_string),
                operation_id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                parameters: params,
                body_skeleton,
            });
        }
    }
    Ok(ops)
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
    fn not_openapi() {
        assert!(matches!(parse(b"<html>"), Err(OpenApiError::NotJson(_))));
        assert_eq!(parse(b"{\"openapi\":\"3\"}"), Err(OpenApiError::NotOpenApi));
        assert_eq!(
            parse(b"{\"paths\":{\"/x\":{\"get\":{}}}}").unwrap()[0].method,
            "GET"
        );
    }
}
