//! The one rule for what is a credential in a request as it is written down (history,
//! saved requests, links, snippets, check files, reports) and as it is pasted in (curl
//! commands, links): header names, query parameter names, URL user-info, and token-shaped
//! text anywhere.

use url::Url;

pub const REDACTED: &str = "[redacted]";

/// Words that make a header or query parameter name a credential wherever they appear in
/// it (`X-Api-Key`, `X-Amz-Security-Token`, `client_secret`, `Proxy-Authorization`, …).
const SECRET_WORDS: [&str; 11] = [
    "auth",
    "session",
    "token",
    "secret",
    "password",
    "passwd",
    "api-key",
    "api_key",
    "apikey",
    "cookie",
    "credential",
];

/// Query parameter names that are credentials though no word above is in them: URL
/// signatures (`sig` of Azure SAS, `X-Amz-Signature`) and bare keys.
const SECRET_PARAMS: [&str; 5] = ["sig", "signature", "x-amz-signature", "key", "auth"];

/// Parameters named like a token that only page through a list (Databricks' own
/// `page_token`): kept, or history would lose where a listing was.
const PAGING_PARAMS: [&str; 4] = [
    "page_token",
    "next_page_token",
    "pagetoken",
    "continuation_token",
];

fn has_secret_word(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| n.contains(w))
}

/// Whether a header's value is a credential (`Authorization`, `Cookie`,
/// `X-Forwarded-Access-Token`, `X-Api-Key`, …).
pub fn is_secret_header(name: &str) -> bool {
    has_secret_word(name)
}

/// Whether a query parameter's value is a credential (`access_token`, `token`, `api_key`,
/// `client_secret`, `sig`, …).
pub fn is_secret_param(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    if PAGING_PARAMS.contains(&n.as_str()) {
        return false;
    }
    // `auth` only as the whole name or in `authorization`: `author` is no credential.
    SECRET_WORDS
        .iter()
        .filter(|w| **w != "auth")
        .any(|w| n.contains(w))
        || n.contains("authoriz")
        || SECRET_PARAMS.contains(&n.as_str())
}

/// Name–value pairs with the values of secret names replaced, token shapes redacted.
fn redact_pairs(pairs: &[(String, String)], secret: fn(&str) -> bool) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| {
            let v = if secret(k) {
                REDACTED.to_string()
            } else {
                redact_text(v)
            };
            (k.clone(), v)
        })
        .collect()
}

pub fn redact_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    redact_pairs(headers, is_secret_header)
}

pub fn redact_query(query: &[(String, String)]) -> Vec<(String, String)> {
    redact_pairs(query, is_secret_param)
}

/// What a URL carries that is a credential: its user-info and the names of its secret
/// query parameters (for saying what was left out).
pub fn credentials_in_url(url: &Url) -> Vec<String> {
    let mut found = Vec::new();
    if !url.username().is_empty() || url.password().is_some() {
        found.push("user-info".to_string());
    }
    for (k, _) in url.query_pairs() {
        if is_secret_param(&k) && !found.iter().any(|f| f == k.as_ref()) {
            found.push(k.into_owned());
        }
    }
    found
}

/// `url` as it may be written down: no user-info, secret query values replaced, token-shaped
/// text redacted. Text that is not a URL is only token-redacted.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return redact_text(url);
    };
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    // A query without a credential is left exactly as it was written; one holding a
    // secret-named parameter or a token-shaped value (percent-encoded, `%20dapi…`, where
    // the text as written hides its start) is written again, redacted.
    if parsed
        .query_pairs()
        .any(|(k, v)| is_secret_param(&k) || redact_text(&v) != v)
    {
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        let pairs = redact_query(&pairs);
        if pairs.is_empty() {
            parsed.set_query(None);
        } else {
            // `[redacted]` is written as it reads (the brackets are legal in a query).
            let q: Vec<String> = pairs
                .iter()
                .map(|(k, v)| {
                    let enc = |s: &str| {
                        url::form_urlencoded::byte_serialize(s.as_bytes())
                            .collect::<String>()
                            .replace("%5B", "[")
                            .replace("%5D", "]")
                    };
                    format!("{}={}", enc(k), enc(v))
                })
                .collect();
            parsed.set_query(Some(&q.join("&")));
        }
    }
    redact_text(parsed.as_str())
}

/// Replaces JWTs, PATs, refresh tokens and OAuth secrets by `[redacted]`, wherever they hide.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for (prefix, min) in [("eyJ", 20usize), ("dapi", 20), ("dose", 20), ("doau", 20)] {
            // A token starts a word: `eyJ` inside `keyJ…` is not one.
            let starts_word = out
                .chars()
                .last()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            if starts_word && rest.starts_with(prefix) {
                let len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
                    .count();
                if len >= min {
                    out.push_str(REDACTED);
                    rest = &rest[len..];
                    continue 'outer;
                }
            }
        }
        let ch = rest.chars().next().unwrap_or(' ');
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_in_headers_and_parameters() {
        for h in [
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "X-Forwarded-Access-Token",
            "X-Api-Key",
            "x-databricks-token",
            "Client-Secret",
            "X-Auth-Token",
        ] {
            assert!(is_secret_header(h), "{h}");
        }
        for h in ["Accept", "Content-Type", "X-Trace", "User-Agent"] {
            assert!(!is_secret_header(h), "{h}");
        }
        for p in [
            "access_token",
            "token",
            "api_key",
            "apikey",
            "client_secret",
            "sig",
            "X-Amz-Signature",
            "password",
            "key",
        ] {
            assert!(is_secret_param(p), "{p}");
        }
        assert!(is_secret_param("Authorization"));
        for p in ["limit", "q", "page_token", "monkey", "author"] {
            assert!(!is_secret_param(p), "{p}");
        }
    }

    #[test]
    fn urls_lose_user_info_and_secret_values() {
        let u = redact_url("https://me:pw@a.example/api/x?limit=5&access_token=abc&sig=s1&q=a%20b");
        assert_eq!(
            u,
            "https://a.example/api/x?limit=5&access_token=[redacted]&sig=[redacted]&q=a+b"
        );
        assert_eq!(redact_url("https://a.example/x"), "https://a.example/x");
        let hidden = redact_url(
            "https://a.example/api?authorization=Bearer%20dapi0123456789abcdef0123456789abcdef",
        );
        assert!(!hidden.contains("dapi0123"), "{hidden}");
        let encoded =
            redact_url("https://a.example/api?note=Bearer%20dapi0123456789abcdef0123456789abcdef");
        assert!(!encoded.contains("dapi0123"), "{encoded}");
        let carried = credentials_in_url(&Url::parse("https://me@a.example/?token=1&x=2").unwrap());
        assert_eq!(carried, vec!["user-info".to_string(), "token".to_string()]);
    }

    #[test]
    fn token_shapes_are_redacted_anywhere() {
        let t = "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJl and dapi0123456789abcdef0123456789abcdef, dose00000000000000000000, doauAbCdEfGhIjKlMnOpQrStUv; eyJ short ok é";
        assert_eq!(
            redact_text(t),
            "Bearer [redacted] and [redacted], [redacted], [redacted]; eyJ short ok é"
        );
        assert_eq!(
            redact_text("monkeyJabcdefghijklmnopqrstuvwxyz"),
            "monkeyJabcdefghijklmnopqrstuvwxyz"
        );
    }
}
