//! Access tokens as the sandbox's own signed JWTs (ES256 by default; RS256 with the
//! claims a real workspace adds, for tokens of Databricks' length), and its JWKS. Server
//! side only: the client decodes tokens with its own code, never this.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use serde_json::{json, Value};

use super::SandboxError;

/// The RS256 key: a fixed RSA-2048 key (PKCS#1 DER), since `ring` cannot make RSA keys. It is public
/// on purpose, like everything of the sandbox: tokens it signs are good only on the
/// sandbox's own loopback listener.
const RS256_KEY: &[u8] = include_bytes!("rs256-key.der");

enum Key {
    Es256(EcdsaKeyPair),
    Rs256(RsaKeyPair),
}

pub struct Signer {
    key: Key,
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
        Ok(Self {
            key: Key::Es256(key),
            kid,
            rng,
        })
    }

    /// RS256, as Databricks signs its tokens.
    pub fn rs256() -> Result<Self, SandboxError> {
        let rng = SystemRandom::new();
        let key = RsaKeyPair::from_der(RS256_KEY)
            .map_err(|_| SandboxError::Crypto("could not load the RS256 key"))?;
        let kid = random_hex(&rng, 8)?;
        Ok(Self {
            key: Key::Rs256(key),
            kid,
            rng,
        })
    }

    pub fn is_rs256(&self) -> bool {
        matches!(self.key, Key::Rs256(_))
    }

    pub fn rng(&self) -> &SystemRandom {
        &self.rng
    }

    pub fn sign(&self, claims: &Value) -> Result<String, SandboxError> {
        let alg = if self.is_rs256() { "RS256" } else { "ES256" };
        let header = json!({ "alg": alg, "typ": "JWT", "kid": self.kid });
        let signing_input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let failed = |_| SandboxError::Crypto("could not sign a token");
        let sig = match &self.key {
            Key::Es256(k) => k
                .sign(&self.rng, signing_input.as_bytes())
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            Key::Rs256(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &self.rng,
                    signing_input.as_bytes(),
                    &mut sig,
                )
                .map_err(failed)?;
                sig
            }
        };
        Ok(format!("{signing_input}.{}", B64.encode(sig)))
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
        let message = format!("{h}.{c}");
        let verified = match &self.key {
            Key::Es256(k) => signature::UnparsedPublicKey::new(
                &signature::ECDSA_P256_SHA256_FIXED,
                k.public_key().as_ref(),
            )
            .verify(message.as_bytes(), &sig),
            Key::Rs256(k) => signature::UnparsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                k.public().as_ref(),
            )
            .verify(message.as_bytes(), &sig),
        };
        verified.map_err(|_| TokenProblem::BadSignature)?;
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
        match &self.key {
            Key::Es256(k) => {
                // An uncompressed P-256 point: 0x04 || x (32 bytes) || y (32 bytes).
                let point = k.public_key().as_ref();
                json!({ "keys": [{
                    "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
                    "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65]),
                }]})
            }
            Key::Rs256(k) => {
                let public: ring::rsa::PublicKeyComponents<Vec<u8>> = k.public().into();
                let unpadded = |b: &[u8]| {
                    let start = b.iter().position(|x| *x != 0).unwrap_or(b.len());
                    B64.encode(&b[start..])
                };
                json!({ "keys": [{
                    "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                    "n": unpadded(&public.n), "e": unpadded(&public.e),
                }]})
            }
        }
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
