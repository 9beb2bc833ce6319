//! The sandbox's own certificate authority, made fresh at every start, and the one
//! server certificate it signs for the workspace host and every app host.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::SandboxError;

pub struct Tls {
    /// The CA certificate in PEM, for clients to trust.
    pub ca_pem: String,
    pub server_config: Arc<rustls::ServerConfig>,
}

/// `names` are the DNS names and IP addresses the server certificate covers.
pub fn generate(names: Vec<String>) -> Result<Tls, SandboxError> {
    let fail = |e: rcgen::Error| SandboxError::Tls(e.to_string());

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        "Lakegate Sandbox CA (generated at start)",
    );
    dn.push(DnType::OrganizationName, "Lakegate sandbox workspace");
    ca_params.distinguished_name = dn;
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(fail)?)
        .map_err(fail)?;

    let mut leaf_params = CertificateParams::new(names).map_err(fail)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    leaf_params.distinguished_name = dn;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().map_err(fail)?;
    let leaf = leaf_params.signed_by(&leaf_key, &ca).map_err(fail)?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SandboxError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| SandboxError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];

    Ok(Tls {
        ca_pem: ca.pem(),
        server_config: Arc::new(config),
    })
}
