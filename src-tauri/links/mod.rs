//! `lakegate://` links that open a request: the method, the URL (app, path and query),
//! headers that are not secret and the body. A link never carries a token: making one
//! from a request with a secret header, or opening one that holds a secret, is refused.
//!
//! `lakegate://open?method=POST&url=https%3A%2F%2F…%2Fapi%2Fitems%3Flimit%3D5&header=X-Trace%3A%207&body=…`

mod ops;

use url::Url;

/// The scheme registered for Lakegate.
pub const SCHEME: &str = "lakegate";
/// Links longer than this are refused (a browser or a chat may cut them anyway).
pub const MAX_LINK: usize = 32 * 1024;

/// A request as a link carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this is not a Lakegate link (lakegate://open?…)")]
    NotALink,
    #[error("the link is longer than {MAX_LINK} characters")]
    TooLong,
    #[error("the link carries {0}: links never carry a token, a cookie or credentials, so it was not opened")]
    CarriesSecret(String),
    #[error(
        "the request has a {0} header, which a link must not carry: remove it, then copy the link"
    )]
    WouldCarrySecret(String),
    #[error("the link's request has no https URL")]
    NoUrl,
    #[error("the link's {0} is not valid: {1}")]
    Invalid(&'static str, String),
}

/// Headers that hold credentials: never in a link (the one rule of `redaction`).
pub use crate::base::redaction::is_secret_header as is_secret;

/// The link that opens `r`.
pub fn to_link(r: &Linked) -> Result<String, LinkError> {
    if let Some((name, _)) = r.headers.iter().find(|(k, _)| is_secret(k)) {
        return Err(LinkError::WouldCarrySecret(name.clone()));
    }
    // Secret query values are written as `[redacted]`, as everywhere a request is written down.
    let url = checked_url(&crate::base::redaction::redact_url(&r.url))?;
    let mut link = Url::parse(&format!("{SCHEME}://open")).expect("a valid base");
    {
        let mut q = link.query_pairs_mut();
        q.append_pair("method", &r.method.to_ascii_uppercase());
        q.append_pair("url", url.as_str());
        // Token-shaped text in a header value or the body never goes into a link either.
        for (k, v) in &r.headers {
            q.append_pair(
                "header",
                &format!("{}: {}", k.trim(), crate::base::redaction::redact_text(v)),
            );
        }
        if let Some(b) = r.body.as_deref().filter(|b| !b.is_empty()) {
            q.append_pair("body", &crate::base::redaction::redact_text(b));
        }
    }
    let link = link.to_string();
    if link.len() > MAX_LINK {
        return Err(LinkError::TooLong);
    }
    Ok(link)
}

/// The request a link opens.
pub fn from_link(link: &str) -> Result<Linked, LinkError> {
    let link = link.trim();
    if link.len() > MAX_LINK {
        return Err(LinkError::TooLong);
    }
    let parsed = Url::parse(link).map_err(|_| LinkError::NotALink)?;
    if parsed.scheme() != SCHEME || parsed.host_str() != Some("open") {
        return Err(LinkError::NotALink);
    }
    let mut method = None;
    let mut url = None;
    let mut headers = Vec::new();
    let mut body = None;
    for (k, v) in parsed.query_pairs() {
        match k.as_ref() {
            "method" => {
                let m = v.trim().to_ascii_uppercase();
                if m.is_empty() || !m.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(LinkError::Invalid("method", v.into_owned()));
                }
                method = Some(m);
            }
            "url" => url = Some(checked_url(&v)?.to_string()),
            "header" => {
                let (name, value) = v
                    .split_once(':')
                    .ok_or_else(|| LinkError::Invalid("header", v.to_string()))?;
                if is_secret(name) {
                    return Err(LinkError::CarriesSecret(format!(
                        "a {} header",
                        name.trim()
                    )));
                }
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            "body" => body = Some(v.into_owned()),
            // Fields of later versions are left alone; nothing of them is used.
            _ => {}
        }
    }
    Ok(Linked {
        method: method.unwrap_or_else(|| "GET".into()),
        url: url.ok_or(LinkError::NoUrl)?,
        headers,
        body,
    })
}

fn checked_url(raw: &str) -> Result<Url, LinkError> {
    let url = Url::parse(raw.trim()).map_err(|e| LinkError::Invalid("url", e.to_string()))?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(LinkError::NoUrl);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkError::CarriesSecret(
            "a user and password in its URL".into(),
        ));
    }
    // A credential in the query (`access_token=…`); `[redacted]` is what Lakegate writes.
    if let Some((k, _)) = url.query_pairs().find(|(k, v)| {
        crate::base::redaction::is_secret_param(k) && v != crate::base::redaction::REDACTED
    }) {
        return Err(LinkError::CarriesSecret(format!(
            "a {k} parameter in its URL"
        )));
    }
    Ok(url)
}

impl crate::base::i18n::Localize for LinkError {
    fn say(&self, lang: &str) -> String {
        use crate::base::i18n::say;
        match self {
            LinkError::NotALink => say!(lang, "link-not-a-link"),
            LinkError::TooLong => say!(lang, "link-too-long", max = MAX_LINK),
            LinkError::CarriesSecret(w) => say!(lang, "link-carries-secret", what = w),
            LinkError::WouldCarrySecret(h) => say!(lang, "link-would-carry-secret", header = h),
            LinkError::NoUrl => say!(lang, "link-no-url"),
            LinkError::Invalid(what, why) => say!(lang, "link-invalid", part = *what, reason = why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Linked {
        Linked {
            method: "POST".into(),
            url: "https://hello-1.aws.databricksapps.com/api/items?limit=5&q=a%20b".into(),
            headers: vec![("X-Trace".into(), "7 & more".into())],
            body: Some("{\"name\": \"Widget\"}".into()),
        }
    }

    #[test]
    fn a_link_opens_the_request_it_was_made_from() {
        let link = to_link(&request()).unwrap();
        assert!(link.starts_with("lakegate://open?method=POST&url=https%3A%2F%2Fhello-1"));
        assert_eq!(from_link(&link).unwrap(), request());
    }

    #[test]
    fn links_never_carry_credentials() {
        for name in [
            "Authorization",
            "cookie",
            "X-Databricks-Token",
            "x-api-key",
            "Client-Secret",
        ] {
            let mut r = request();
            r.headers.push((name.into(), "s3cr3t".into()));
            assert_eq!(to_link(&r), Err(LinkError::WouldCarrySecret(name.into())));
        }
        let hostile = "lakegate://open?url=https%3A%2F%2Fa.example%2Fapi&header=Authorization%3A%20Bearer%20abc";
        assert!(matches!(
            from_link(hostile),
            Err(LinkError::CarriesSecret(_))
        ));
        assert!(matches!(
            from_link("lakegate://open?url=https%3A%2F%2Fme%3Apw%40a.example%2Fapi"),
            Err(LinkError::CarriesSecret(_))
        ));
        assert!(matches!(
            from_link("lakegate://open?url=https%3A%2F%2Fa.example%2Fapi%3Faccess_token%3Dabc"),
            Err(LinkError::CarriesSecret(_))
        ));
        let mut r = request();
        r.url = "https://a.example/api?limit=5&api_key=k3y&sig=s1gn".into();
        let link = to_link(&r).unwrap();
        assert!(!link.contains("k3y") && !link.contains("s1gn"), "{link}");
        let back = from_link(&link).unwrap();
        assert_eq!(
            back.url,
            "https://a.example/api?limit=5&api_key=[redacted]&sig=[redacted]"
        );
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        assert_eq!(from_link("https://example.com"), Err(LinkError::NotALink));
        assert_eq!(
            from_link("lakegate://other?url=x"),
            Err(LinkError::NotALink)
        );
        assert_eq!(
            from_link("lakegate://open?method=GET"),
            Err(LinkError::NoUrl)
        );
        assert_eq!(
            from_link("lakegate://open?url=http%3A%2F%2Fa%2Fapi"),
            Err(LinkError::NoUrl)
        );
        assert!(matches!(
            from_link("lakegate://open?url=https%3A%2F%2Fa%2F&method=G%20T"),
            Err(LinkError::Invalid("method", _))
        ));
        assert_eq!(
            from_link(&format!("lakegate://open?body={}", "x".repeat(MAX_LINK))),
            Err(LinkError::TooLong)
        );
    }
}
