//! Hostile input, generated: property tests for everything that parses what people or
//! servers hand Lakegate. Each property says what must hold for every input, not just
//! for the examples in the unit tests; none of them may panic.

use std::time::Duration;

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use lakegate::http::call::{build_request, full_url, CallError, CallSpec};
use lakegate::oauth::jwt::decode_unverified;
use lakegate::oauth::normalize_host;
use lakegate::profiles::{append_profile, parse};
use lakegate::workspace::openapi;
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::{json, Value};

fn config() -> ProptestConfig {
    ProptestConfig {
        // PROPTEST_CASES=20000 for a longer hunt.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        // Failures are reported with their minimal input; nothing is written into tests/.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z$/#]{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A DNS name: labels, then an alphabetic top-level label (an all-digit name is an IPv4
/// address to URL parsers, `0` being 0.0.0.0).
fn host_name() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", 0..4),
        "[a-z]{2,8}",
    )
        .prop_map(|(mut labels, tld)| {
            // A label with `--` in its third and fourth places is reserved (RFC 5891 §4.2.3.1):
            // `xn--…` ones must be valid punycode, so the URL parser rightly refuses most.
            for l in &mut labels {
                if l.get(2..4) == Some("--") {
                    l.replace_range(2..3, "a");
                }
            }
            labels.push(tld);
            labels.join(".")
        })
}

fn spec(url: String, query: Vec<(String, String)>, headers: Vec<(String, String)>) -> CallSpec {
    CallSpec {
        method: "GET".into(),
        url,
        query,
        headers,
        body: None,
        timeout: Duration::from_secs(5),
        body_cap: 1024,
    }
}

proptest! {
    #![proptest_config(config())]

    // ---- .databrickscfg ----

    #[test]
    fn cfg_parser_takes_any_text(text in "(\\PC|\r|\n|\\[|\\]|=|;|#){0,400}") {
        let cfg = parse(&text);
        let lines = text.lines().count();
        prop_assert!(cfg.skipped_lines.iter().all(|&n| n >= 1 && n <= lines));
        let _ = cfg.default_profile();
        for p in cfg.profiles() {
            prop_assert!(cfg.section(&p.name).is_some());
        }
    }

    #[test]
    fn a_profile_appended_reads_back_and_keeps_every_byte(
        existing in "(\\[[a-z]{1,6}\\]|[a-z_]{1,8} = [a-z0-9:/.]{0,20}|# .{0,20}|; .{0,10}|){0,8}",
        joiner in prop_oneof![Just("\n"), Just("\r\n")],
        trailing_newline in any::<bool>(),
        name in "[A-Za-z0-9_.-]{1,12}",
        values in prop::collection::vec(("[a-z_]{1,10}", "[A-Za-z0-9:/._-]{1,30}"), 1..5),
    ) {
        let mut text = existing.split('\n').collect::<Vec<_>>().join(joiner);
        if trailing_newline && !text.is_empty() {
            text.push_str(joiner);
        }
        let entries: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        match append_profile(&text, &name, &entries, "cfg") {
            Ok(out) => {
                prop_assert!(out.starts_with(&text), "existing bytes kept");
                let section = parse(&out).section(&name).cloned().expect("the new profile is there");
                for (k, _) in &entries {
                    let want = entries.iter().rev().find(|(k2, _)| k2.eq_ignore_ascii_case(k)).unwrap().1;
                    prop_assert_eq!(section.get(k), Some(want));
                }
                if joiner == "\r\n" && text.contains("\r\n") {
                    prop_assert!(!out.replace("\r\n", "").contains('\n'), "no bare LF in a CRLF file");
                }
            }
            // Only when the name is taken: the file already has that profile.
            Err(e) => prop_assert!(parse(&text).section(&name).is_some() || name == "__settings__", "{e}"),
        }
    }

    #[test]
    fn a_value_with_a_line_break_is_refused(value in "[a-z]{0,5}[\r\n][a-z]{0,5}") {
        prop_assert!(append_profile("", "p", &[("host", &value)], "cfg").is_err());
    }

    // ---- JWT reading ----

    #[test]
    fn jwt_decoder_takes_any_text(token in "\\PC{0,200}", dots in "[A-Za-z0-9_=.-]{0,120}") {
        let _ = decode_unverified(&token);
        let _ = decode_unverified(&dots);
    }

    #[test]
    fn jwt_claims_round_trip(
        claims in prop::collection::btree_map("[a-z_]{1,10}", prop_oneof![".{0,20}".prop_map(Value::String), any::<u32>().prop_map(|n| json!(n))], 0..8),
        scopes in prop::collection::vec("[a-z.-]{1,12}", 0..5),
        padded in any::<bool>(),
        signature in "[A-Za-z0-9_-]{0,40}",
    ) {
        let mut claims: serde_json::Map<String, Value> = claims.into_iter().collect();
        claims.insert("scope".into(), Value::String(scopes.join(" ")));
        let enc = |v: &Value| if padded { URL_SAFE.encode(v.to_string()) } else { URL_SAFE_NO_PAD.encode(v.to_string()) };
        let token = format!("{}.{}.{signature}", enc(&json!({"alg": "ES256", "typ": "JWT"})), enc(&Value::Object(claims.clone())));
        let decoded = decode_unverified(&token).unwrap();
        prop_assert_eq!(&decoded.claims, &Value::Object(claims));
        prop_assert_eq!(decoded.scopes(), scopes);
    }

    // ---- host and URL normalisation ----

    #[test]
    fn host_normalisation_takes_any_text(input in "\\PC{0,80}") {
        if let Ok(url) = normalize_host(&input) {
            prop_assert_eq!(url.scheme(), "https");
            prop_assert_eq!(url.path(), "/");
            prop_assert!(url.query().is_none() && url.username().is_empty() && url.password().is_none());
            prop_assert_eq!(normalize_host(url.as_str()).unwrap(), url.clone(), "idempotent");
        }
    }

    #[test]
    fn a_workspace_url_as_typed_becomes_its_origin(
        host in host_name(),
        port in prop::option::of(1u16..),
        scheme in prop_oneof![Just(""), Just("https://"), Just("HTTPS://")],
        tail in prop_oneof![Just(String::new()), Just("/".to_string()), "/[a-z/]{1,12}", "/\\?o=[0-9]{1,16}", "/#[a-z]{0,5}"],
        space in prop_oneof![Just(""), Just(" "), Just("\t")],
    ) {
        let authority = match port { Some(p) => format!("{host}:{p}"), None => host.clone() };
        let url = normalize_host(&format!("{space}{scheme}{authority}{tail}{space}")).unwrap();
        let want = match port { Some(p) if p != 443 => format!("https://{host}:{p}/"), _ => format!("https://{host}/") };
        prop_assert_eq!(url.as_str(), want);
    }

    #[test]
    fn query_pairs_come_back_exactly(
        path in "/api/[a-z/]{0,12}",
        pairs in prop::collection::vec(("\\PC{1,10}", "\\PC{0,12}"), 0..6),
    ) {
        let url = full_url(&spec(format!("https://app.example{path}"), pairs.clone(), vec![])).unwrap();
        let back: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        prop_assert_eq!(back, pairs);
        prop_assert_eq!(url.path(), path);
    }

    #[test]
    fn full_url_takes_any_text(url in "\\PC{0,60}") {
        if let Ok(u) = full_url(&spec(url, vec![], vec![])) {
            prop_assert!(matches!(u.scheme(), "https" | "http"));
            prop_assert!(u.host_str().is_some_and(|h| !h.is_empty()));
        }
    }

    // ---- headers ----

    #[test]
    fn headers_are_sent_as_typed_or_refused_with_a_reason(
        headers in prop::collection::vec(("[ -~]{0,12}", "[\\x00-\\x7f]{0,16}"), 0..6),
        with_token in any::<bool>(),
    ) {
        let url = full_url(&spec("https://app.example/api/x".into(), vec![], vec![])).unwrap();
        let token = SecretString::from("canary-token-value");
        let bearer = with_token.then_some(&token);
        match build_request(&spec(url.to_string(), vec![], headers.clone()), &url, false, bearer) {
            Ok(req) => {
                let h = req.headers();
                prop_assert_eq!(h.get_all("host").iter().count(), 1);
                prop_assert_eq!(h.get("host").unwrap(), "app.example");
                for (name, value) in &headers {
                    let n = name.trim();
                    let replaced = n.eq_ignore_ascii_case("host") || (with_token && n.eq_ignore_ascii_case("authorization"));
                    if n.is_empty() || replaced {
                        continue;
                    }
                    prop_assert!(h.get_all(n).iter().any(|v| v.as_bytes() == value.trim().as_bytes() || v.as_bytes() == value.as_bytes()));
                }
                if with_token {
                    let auth: Vec<_> = h.get_all("authorization").iter().collect();
                    prop_assert_eq!(auth.len(), 1, "only the connection's token");
                    prop_assert_eq!(auth[0], "Bearer canary-token-value");
                }
                prop_assert!(h.contains_key("user-agent"));
            }
            Err(CallError::Invalid(reason)) => {
                prop_assert!(!reason.contains("canary-token-value"));
                prop_assert!(reason.contains("header"), "{reason}");
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn methods_are_any_token_or_refused(method in "\\PC{0,10}") {
        let url = full_url(&spec("https://app.example/api/x".into(), vec![], vec![])).unwrap();
        let mut s = spec(url.to_string(), vec![], vec![]);
        s.method = method.clone();
        match build_request(&s, &url, false, None) {
            Ok(req) => prop_assert_eq!(req.method().as_str(), method.trim().to_ascii_uppercase()),
            Err(CallError::Invalid(reason)) => prop_assert!(reason.contains("not an HTTP method"), "{reason}"),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    // ---- OpenAPI ----

    #[test]
    fn openapi_parser_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = openapi::parse(&bytes);
    }

    #[test]
    fn openapi_parser_takes_any_json(paths in json_value(), components in json_value()) {
        let doc = json!({"openapi": "3.1.0", "paths": paths, "components": components});
        let _ = openapi::parse(doc.to_string().as_bytes());
    }

    #[test]
    fn every_operation_is_listed(
        ops in prop::collection::btree_map("/api/[a-z]{1,8}(/\\{[a-z]{1,5}\\})?", prop::sample::subsequence(vec!["get", "post", "put", "patch", "delete"], 1..5), 1..8),
    ) {
        let mut paths = serde_json::Map::new();
        let mut want = Vec::new();
        for (path, methods) in &ops {
            let mut item = serde_json::Map::new();
            for m in methods {
                item.insert(m.to_string(), json!({"summary": format!("{m} {path}"), "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}));
                want.push((m.to_uppercase(), path.clone()));
            }
            paths.insert(path.clone(), Value::Object(item));
        }
        // A schema that refers to itself: the skeleton must stop, not recurse forever.
        let doc = json!({"openapi": "3.1.0", "paths": paths, "components": {"schemas": {"Node": {"type": "object", "properties": {"name": {"type": "string"}, "child": {"$ref": "#/components/schemas/Node"}}}}}});
        let parsed = openapi::parse(doc.to_string().as_bytes()).unwrap();
        let mut got: Vec<(String, String)> = parsed.iter().map(|o| (o.method.clone(), o.path.clone())).collect();
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
        for op in &parsed {
            prop_assert_eq!(op.summary.clone(), Some(format!("{} {}", op.method.to_lowercase(), op.path)));
            let skeleton: Value = serde_json::from_str(op.body_skeleton.as_deref().unwrap()).unwrap();
            prop_assert_eq!(&skeleton["name"], &json!(""));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Whatever the snippets write as curl, importing it gives back the same request
    /// (the token, which the snippet takes from $DATABRICKS_TOKEN, is never part of it).
    #[test]
    fn a_curl_snippet_imports_as_the_same_request(
        method in prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("PATCH"), Just("DELETE")],
        host in host_name().prop_map(|h| format!("{h}.example.com")),
        path in "(/[A-Za-z0-9._~-]{1,8}){0,4}",
        query in proptest::collection::vec(("[A-Za-z0-9_]{1,6}", "\\PC{0,10}"), 0..4),
        headers in proptest::collection::vec(("X-[A-Za-z0-9]{1,8}", "[!-~]([ -~]{0,14}[!-~])?"), 0..4),
        body in proptest::option::of("\\PC{1,40}"),
    ) {
        let mut headers = headers;
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        let spec = CallSpec {
            method: method.into(),
            url: format!("https://{host}{path}"),
            query: query.clone(),
            headers: vec![],
            body: None,
            timeout: Duration::from_secs(1),
            body_cap: 0,
        };
        let url = full_url(&spec).unwrap();
        let snippet = lakegate::snippets::curl(&lakegate::snippets::SnippetInput {
            method,
            url: url.as_str(),
            headers: &headers,
            body: body.as_deref(),
        });
        let back = lakegate::curl::parse(&snippet).unwrap();
        prop_assert_eq!(back.method, method);
        prop_assert_eq!(back.url, url::Url::parse(&format!("https://{host}{path}")).unwrap().to_string());
        prop_assert_eq!(back.query, query);
        prop_assert_eq!(back.headers, headers);
        prop_assert_eq!(back.body, body);
        prop_assert!(!back.carried_token);
    }

    /// Any text pasted as curl gets a request or an error, never a panic.
    #[test]
    fn any_pasted_text_is_read_or_refused(text in "curl( [-A-Za-z0-9:/.'\"=@&?\\\\ \n]{0,30}){0,6}") {
        let _ = lakegate::curl::parse(&text);
    }
}
