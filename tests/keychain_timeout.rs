//! A keychain that never answers (a session bus that accepts connections and then says
//! nothing, as a locked keyring waiting on a hidden prompt can look) gives a clear error
//! in bounded time instead of a hang. A test binary of its own: it changes the process
//! environment before any keychain call.

#[cfg(all(unix, not(target_os = "macos")))]
#[tokio::test(flavor = "multi_thread")]
async fn a_keychain_that_never_answers_is_a_clear_error_not_a_hang() {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use lakegate::base::host::HeadlessHost;
    use lakegate::base::secrets::{Keychain, SecretsError};
    use lakegate::connections::{Connection, ConnectionKind, Session, TokenError};

    let socket = std::env::temp_dir().join(format!("lakegate-mute-bus-{}", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            keep.lock().unwrap().push(stream); // accepted, never answered
        }
    });
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", socket.display()),
    );

    let session = Session::new(
        Arc::new(Keychain::with_service("lakegate-test-mute")),
        Arc::new(HeadlessHost { no_browser: true }),
        None,
    )
    .with_keychain_timeout(Duration::from_millis(500));
    let conn = Connection::new(
        "mute",
        "https://localhost:1",
        ConnectionKind::User {
            client_id: "databricks-cli".into(),
            redirect_uri: None,
            scopes: vec![],
        },
    );
    let started = Instant::now();
    let err = session.access_token(&conn).await.err().expect("no token");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, TokenError::Keychain(SecretsError::TimedOut { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("did not answer"), "{err}");
    // Let the stuck call end: the bus goes away.
    held.lock().unwrap().clear();
    let _ = std::fs::remove_file(&socket);
}
