//! Reading a JWT for people: header and claims, no signature check (hints only).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct DecodedJwt {
    pub header: Value,
    pub claims: Value,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("this token is not a JWT (it has {0} dot-separated parts, a JWT has 3); Databricks may still accept it, but Lakegate cannot show what is inside")]
    Parts(usize),
    #[error("the token's {0} is not base64url")]
    Base64(&'static str),
    #[error("the token's {0} is not a JSON object")]
    Json(&'static str),
}

fn part(raw: &str, what: &'static str) -> Result<Value, JwtError> {
    // Some encoders pad; base64url without padding is the norm.
    let bytes = URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .map_err(|_| JwtError::Base64(what))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(JwtError::Json(what)),
    }
}

pub fn decode_unverified(token: &str) -> Result<DecodedJwt, JwtError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(JwtError::Parts(parts.len()));
    }
    Ok(DecodedJwt {
        header: part(parts[0], "header")?,
        claims: part(parts[1], "claims")?,
    })
}

impl DecodedJwt {
    /// The `scope` claim (or `scp`), whether a space-separated string or a list.
    pub fn scopes(&self) -> Vec<String> {
        let raw = self.claims.get("scope").or_else(|| self.claims.get("scp"));
        match raw {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn text(&self, key: &str) -> Option<String> {
        match self.claims.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn subject(&self) -> Option<String> {
        self.text("sub")
    }

    pub fn client(&self) -> Option<String> {
        self.text("client_id")
            .or_else(|| self.text("azp"))
            .or_else(|| self.text("aud"))
    }

    pub fn issuer(&self) -> Option<String> {
        self.text("iss")
    }

    pub fn audience(&self) -> Option<String> {
        self.text("aud")
    }

    pub fn expires_at(&self) -> Option<u64> {
        self.claims.get("exp").and_then(Value::as_u64)
    }

    pub fn issued_at(&self) -> Option<u64> {
        self.claims.get("iat").and_then(Value::as_u64)
    }
}

impl crate::base::i18n::Localize for JwtError {
    fn say(&self, lang: &str) -> String {
        match self {
            JwtError::Parts(n) => crate::base::i18n::say!(lang, "jwt-parts", parts = *n),
            JwtError::Base64(what) => crate::base::i18n::say!(lang, "jwt-base64", part = *what),
            JwtError::Json(what) => crate::base::i18n::say!(lang, "jwt-json", part = *what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(v: &str) -> String {
        URL_SAFE_NO_PAD.encode(v)
    }

    #[test]
    fn reads_claims_and_both_scope_shapes() {
        let t = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"sub":"a@b","scope":"sql all-apis","exp":5}"#)
        );
        let d = decode_unverified(&t).unwrap();
        assert_eq!(d.header["alg"], "RS256");
        assert_eq!(d.scopes(), ["sql", "all-apis"]);
        assert_eq!(d.subject().as_deref(), Some("a@b"));
        assert_eq!(d.expires_at(), Some(5));
        let t = format!(
            "{}.{}.",
            b64("{}"),
            b64(r#"{"scp":["a","b"],"aud":["x","y"]}"#)
        );
        let d = decode_unverified(&t).unwrap();
        assert_eq!(d.scopes(), ["a", "b"]);
        assert_eq!(d.client().as_deref(), Some("x y"));
    }

    #[test]
    fn bad_tokens_say_what_is_wrong() {
        assert_eq!(
            decode_unverified("dapi123").unwrap_err(),
            JwtError::Parts(1)
        );
        assert_eq!(decode_unverified("a.b").unwrap_err(), JwtError::Parts(2));
        assert_eq!(
            decode_unverified("!!.e30.x").unwrap_err(),
            JwtError::Base64("header")
        );
        assert_eq!(
            decode_unverified(&format!("{}.{}.x", b64("{}"), b64("[1]"))).unwrap_err(),
            JwtError::Json("claims")
        );
        assert_eq!(
            decode_unverified(&format!("{}.{}.x", b64("{}"), "\u{fffd}")).unwrap_err(),
            JwtError::Base64("claims")
        );
    }
}
