//! The keychain through the project's own secrets module, against the real Secret
//! Service (make test runs this inside tests/with-keyring.sh).

use lakegate::secrets::{Keychain, MemoryStore, SecretStore};
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
