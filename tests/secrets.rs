//! The keychain through the project's own secrets module, against the real Secret
//! Service (make test runs this inside tests/with-keyring.sh).

use lakegate::base::secrets::{Keychain, MemoryStore, SecretStore};
use secrecy::{ExposeSecret, SecretString};

fn test_keychain() -> Keychain {
    // A service of its own per run: never a user's real `lakegate` entries.
    Keychain::with_service(&format!("lakegate-test-{}", std::process::id()))
}

#[test]
fn keychain_stores_reads_and_deletes_an_entry() {
    let keychain = test_keychain();
    if let Err(e) = keychain.probe() {
        panic!("{e}\n(run keychain tests through tests/with-keyring.sh, as make test does)");
    }
    let account = "connection-smoke";
    let secret = SecretString::from("refresh-token-for-the-smoke-test");
    keychain.put(account, &secret).unwrap();
    let read = keychain
        .get(account)
        .unwrap()
        .expect("the entry was just written");
    assert_eq!(read.expose_secret(), "refresh-token-for-the-smoke-test");

    // Rotation overwrites in place.
    keychain
        .put(account, &SecretString::from("rotated"))
        .unwrap();
    assert_eq!(
        keychain.get(account).unwrap().unwrap().expose_secret(),
        "rotated"
    );

    keychain.delete(account).unwrap();
    assert!(keychain.get(account).unwrap().is_none());
    // Deleting what is not there is fine (sign out twice).
    keychain.delete(account).unwrap();
}

#[test]
fn secrets_do_not_print() {
    let secret = SecretString::from("do-not-print-me");
    let shown = format!("{secret:?}");
    assert!(!shown.contains("do-not-print-me"), "{shown}");
}

#[test]
fn memory_store_is_per_process_and_explicit() {
    let store = MemoryStore::default();
    assert!(store.get("a").unwrap().is_none());
    store.put("a", &SecretString::from("x")).unwrap();
    assert_eq!(store.get("a").unwrap().unwrap().expose_secret(), "x");
    store.delete("a").unwrap();
    assert!(store.get("a").unwrap().is_none());
}

/// What the keychain holds under one account name, read with keyring directly.
fn raw(service: &str, account: &str) -> Option<String> {
    keyring::Entry::new(service, account)
        .unwrap()
        .get_password()
        .ok()
}

#[test]
fn every_entry_fits_windows_credential_manager() {
    let service = format!("lakegate-test-parts-{}", std::process::id());
    let keychain = Keychain::with_service(&service);
    keychain.probe().unwrap();
    // What a connection keeps: a 1.5 KB RS256 access token and a 1 KB refresh token.
    let access = format!(
        "eyJhbGciOiJSUzI1NiJ9.{}.{}",
        "a".repeat(1100),
        "s".repeat(342)
    );
    let refresh = format!("doau{}", "r".repeat(1020));
    let value = serde_json::json!({
        "host": "https://dbc-1.cloud.databricks.com",
        "access_token": access, "refresh_token": refresh,
        "expires_at": 1, "scopes": ["all-apis", "offline_access"],
    })
    .to_string();
    assert!(value.len() > 2 * lakegate::base::secrets::MAX_ENTRY_UNITS);
    let account = "connection:big";
    keychain
        .put(account, &SecretString::from(value.clone()))
        .unwrap();

    let mut entries = vec![raw(&service, account).unwrap()];
    for i in 1.. {
        match raw(&service, &format!("part:{i}:{account}")) {
            Some(part) => entries.push(part),
            None => break,
        }
    }
    assert!(entries.len() >= 3, "{} entries", entries.len());
    for e in &entries {
        assert!(e.encode_utf16().count() <= lakegate::base::secrets::MAX_ENTRY_UNITS);
    }
    assert_eq!(
        keychain.get(account).unwrap().unwrap().expose_secret(),
        value
    );

    // A short value replaces it and leaves no part behind.
    keychain.put(account, &SecretString::from("short")).unwrap();
    assert_eq!(raw(&service, account).as_deref(), Some("short"));
    assert!(raw(&service, &format!("part:1:{account}")).is_none());

    keychain
        .put(account, &SecretString::from(value.clone()))
        .unwrap();
    keychain.delete(account).unwrap();
    assert!(raw(&service, account).is_none());
    assert!(raw(&service, &format!("part:1:{account}")).is_none());
    assert!(keychain.get(account).unwrap().is_none());
}

/// A connection named `big#1` (a valid name) and the split entry of `big`: neither
/// reaches the other's entries. With the earlier part names (`<account>#<i>`), writing
/// `big#1`'s secret overwrote the first part of `big`'s.
#[test]
fn no_connection_name_reaches_another_entrys_parts() {
    let service = format!("lakegate-test-collide-{}", std::process::id());
    let keychain = Keychain::with_service(&service);
    keychain.probe().unwrap();
    assert!(lakegate::connections::validate_name("big#1").is_ok());
    let long = format!("{{\"refresh_token\":\"doau{}\"}}", "r".repeat(4000));
    let big = lakegate::connections::Connection::new(
        "big",
        "https://a.example",
        lakegate::connections::ConnectionKind::PersonalAccessToken,
    );
    let mut other = big.clone();
    other.name = "big#1".into();
    keychain
        .put(&big.keychain_account(), &SecretString::from(long.clone()))
        .unwrap();
    keychain
        .put(
            &other.keychain_account(),
            &SecretString::from("{\"pat\":\"dapi-other\"}"),
        )
        .unwrap();
    assert_eq!(
        keychain
            .get(&big.keychain_account())
            .unwrap()
            .unwrap()
            .expose_secret(),
        long
    );
    keychain.delete(&other.keychain_account()).unwrap();
    assert_eq!(
        keychain
            .get(&big.keychain_account())
            .unwrap()
            .unwrap()
            .expose_secret(),
        long
    );

    // An entry split by an earlier version still reads, and is rewritten with the new names.
    let account = big.keychain_account();
    keychain.delete(&account).unwrap();
    let legacy = |name: &str, value: &str| {
        keyring::Entry::new(&service, name)
            .unwrap()
            .set_password(value)
            .unwrap()
    };
    legacy(&format!("{account}#1"), "left-");
    legacy(&format!("{account}#2"), "right");
    legacy(&account, "lakegate-parts:2");
    assert_eq!(
        keychain.get(&account).unwrap().unwrap().expose_secret(),
        "left-right"
    );
    keychain
        .put(&account, &SecretString::from(long.clone()))
        .unwrap();
    assert!(raw(&service, &format!("{account}#1")).is_none());
    assert!(raw(&service, &format!("{account}#2")).is_none());
    assert_eq!(
        keychain.get(&account).unwrap().unwrap().expose_secret(),
        long
    );
    keychain.delete(&account).unwrap();
    assert!(raw(&service, &format!("part:1:{account}")).is_none());
}
