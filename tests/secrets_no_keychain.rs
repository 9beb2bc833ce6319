//! With no Secret Service reachable, the keychain says so and names the cause;
//! nothing falls back to plaintext. (A test binary of its own: it changes the
//! process environment before any keychain call.)

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn an_unreachable_keychain_is_a_clear_error() {
    use lakegate::base::secrets::{Keychain, SecretStore, SecretsError};
    use secrecy::SecretString;

    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/lakegate-no-bus",
    );
    let keychain = Keychain::with_service("lakegate-test-no-keychain");
    let err = keychain.probe().expect_err("no bus, so no keychain");
    assert!(matches!(err, SecretsError::Unavailable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("keychain cannot be reached"), "{msg}");
    assert!(msg.contains("in memory for this run only"), "{msg}");

    let put = keychain.put("x", &SecretString::from("never-written"));
    assert!(matches!(put, Err(SecretsError::Unavailable { .. })));
}
