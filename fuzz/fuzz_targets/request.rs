//! A request as typed in the builder (URL, query pairs, headers, method): built or
//! refused with a reason, never a panic, and the token never appears in a reason.
#![no_main]

use std::time::Duration;

use lakegate::http::call::{build_request, full_url, CallError, CallSpec};
use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;

fuzz_target!(|data: &[u8]| {
    // Input that holds the canary itself would be echoed back in a reason, rightly.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains("canary") {
        return;
    }
    // Lines: method, URL, then alternating names and values (query pairs, then headers).
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or_default().to_string();
    let url = lines.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = lines.collect();
    let pairs: Vec<(String, String)> = rest
        .chunks(2)
        .map(|c| {
            (
                c[0].to_string(),
                c.get(1).copied().unwrap_or("").to_string(),
            )
        })
        .collect();
    let (query, headers) = pairs.split_at(pairs.len() / 2);
    let spec = CallSpec {
        method,
        url,
        query: query.to_vec(),
        headers: headers.to_vec(),
        body: None,
        timeout: Duration::from_secs(1),
        body_cap: 1,
    };
    let Ok(url) = full_url(&spec) else { return };
    let token = SecretString::from("fuzz-canary-token");
    match build_request(&spec, &url, false, Some(&token)) {
        Ok(_) => {}
        Err(CallError::Invalid(reason)) => assert!(!reason.contains("fuzz-canary-token")),
        Err(other) => panic!("unexpected error {other:?}"),
    }
});
