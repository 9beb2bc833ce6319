//! Access tokens as the sandbox's own signed JWTs (ES256), and its JWKS. Server
//! side only: the client decodes tokens with its own code, never this.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, KeyPair as _};
use serde_json::{json, Value};

use super::SandboxError;

pub struct Signer {
    key: EcdsaKeyPair,
    kid: String,
    rng: SystemRandom,
}

/// Why a presented token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    BadSignature,
    Expired,
    WrongIssuer,
}

impl Signer {
    pub fn generate() -> Result<Self, SandboxError> {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng)
            .map_err(|_| SandboxError::Crypto("could not generate the signing key"))?;
        let key = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng)
            .map_err(|_| SandboxError::Crypto("could not load the signing key"))?;
        let kid = random_hex(&rng, 8)?;
        Ok(Self { key, kid, rng })
    }

    pub fn rng(&self) -> &SystemRandom {
        &self.rng
    }

    pub fn sign(&self, claims: &Value) -> Result<String, SandboxError> {
        let header = json!({ "alg": "ES256", "typ": "JWT", "kid": self.kid });
        let signing_input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let sig = self
            .key
            .sign(&self.rng, signing_input.as_bytes())
            .map_err(|_| SandboxError::Crypto("could not sign a token"))?;
        Ok(format!("{signing_input}.{}", B64.encode(sig.as_ref())))
    }

    /// Checks signature, issuer and expiry; returns the claims.
    pub fn verify(&self, token: &str, issuer: &str, now: u64) -> Result<Value, TokenProblem> {
        let mut parts = token.split('.');
        let (Some(h), Some(c), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenProblem::Malformed);
        };
        let sig = B64.decode(s).map_err(|_| TokenProblem::Malformed)?;
        let public = signature::UnparsedPublicKey::new(
            &signature::ECDSA_P256_SHA256_FIXED,
            self.key.public_key().as_ref(),
        );
        public
            .verify(format!("{h}.{c}").as_bytes(), &sig)
            .map_err(|_| TokenProblem::BadSignature)?;
        let claims: Value = B64
            .decode(c)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or(TokenProblem::Malformed)?;
        if claims["iss"] != issuer {
            return Err(TokenProblem::WrongIssuer);
        }
        match claims["exp"].as_u64() {
            Some(exp) if exp > now => Ok(claims),
            Some(_) => Err(TokenProblem::Expired),
            None => Err(TokenProblem::Malformed),
        }
    }

    pub fn jwks(&self) -> Value {
        // An uncompressed P-256 point: 0x04 || x (32 bytes) || y (32 bytes).
        let point = self.key.public_key().as_ref();
        json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
            "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65]),
        }]})
    }
}

pub fn random_bytes(rng: &SystemRandom, n: usize) -> Result<Vec<u8>, SandboxError> {
    let mut buf = vec![0u8; n];
    rng.fill(&mut buf)
        .map_err(|_| SandboxError::Crypto("the system random source failed"))?;
    Ok(buf)
}

pub fn random_hex(rng: &SystemRandom, n: usize) -> Result<String, SandboxError> {
    Ok(random_bytes(rng, n)?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

pub fn random_b64(rng: &SystemRandom, n: usize) -> Result<String, SandboxError> {
    Ok(B64.encode(random_bytes(rng, n)?))
}

/// A version-4-shaped UUID from the system random source.
pub fn random_uuid(rng: &SystemRandom) -> Result<String, SandboxError> {
    let mut b = random_bytes(rng, 16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}
