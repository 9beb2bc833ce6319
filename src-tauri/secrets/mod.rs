//! Where secrets live: the OS keychain (macOS Keychain, Windows Credential Manager,
//! the Secret Service on Linux) through `keyring`, one entry per connection under the
//! service name `lakegate`. Values cross this module only as `SecretString`.
//! The in-memory store exists for one case: no keychain, and the user opted in to
//! keeping secrets for this run only. There is no plaintext fallback.

use std::collections::HashMap;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};

/// The keychain service every Lakegate entry is filed under.
pub const SERVICE: &str = "lakegate";

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "the system keychain cannot be reached ({cause}). Lakegate keeps tokens and secrets only \
         in the keychain: unlock or start it (on Linux: a Secret Service such as gnome-keyring in \
         your desktop session), or choose to keep secrets in memory for this run only"
    )]
    Unavailable { cause: String },
    #[error("the system keychain refused the entry {account:?}: {cause}")]
    Refused { account: String, cause: String },
}

pub trait SecretStore: Send + Sync {
    fn put(&self, account: &str, secret: &SecretString) -> Result<(), SecretsError>;
    fn get(&self, account: &str) -> Result<Option<SecretString>, SecretsError>;
    /// Removing an entry that is not there is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretsError>;
}

/// The OS keychain.
pub struct Keychain {
    service: String,
}

impl Default for Keychain {
    fn default() -> Self {
        Self::with_service(SERVICE)
    }
}

impl Keychain {
    /// Another service name, so tests never touch a user's real entries.
    pub fn with_service(service: &str) -> Self {
        Self {
            service: service.to_string(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretsError> {
        keyring::Entry::new(&self.service, account).map_err(|e| classify(account, e))
    }

    /// Checks that the keychain answers, without writing anything.
    pub fn probe(&self) -> Result<(), SecretsError> {
        match self.entry("lakegate-probe")?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify("lakegate-probe", e)),
        }
    }
}

fn classify(account: &str, e: keyring::Error) -> SecretsError {
    match e {
        keyring::Error::NoStorageAccess(cause) | keyring::Error::PlatformFailure(cause) => {
            SecretsError::Unavailable {
                cause: cause.to_string(),
            }
        }
        other => SecretsError::Refused {
            account: account.to_string(),
            cause: other.to_string(),
        },
    }
}

impl SecretStore for Keychain {
    fn put(&self, account: &str, secret: &SecretString) -> Result<(), SecretsError> {
        self.entry(account)?
            .set_password(secret.expose_secret())
            .map_err(|e| classify(account, e))
    }

    fn get(&self, account: &str) -> Result<Option<SecretString>, SecretsError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(SecretString::from(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(account, e)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), SecretsError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(account, e)),
        }
    }
}

/// Secrets kept in this process only, gone when it exits. Only on explicit opt-in.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, SecretString>>,
}

impl MemoryStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, SecretString>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn put(&self, account: &str, secret: &SecretString) -> Result<(), SecretsError> {
        self.entries().insert(account.to_string(), secret.clone());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Option<SecretString>, SecretsError> {
        Ok(self.entries().get(account).cloned())
    }

    fn delete(&self, account: &str) -> Result<(), SecretsError> {
        self.entries().remove(account);
        Ok(())
    }
}

/// The keychain, or — after the user's explicit choice when it cannot be reached —
/// memory for this run. Whoever holds it sees the switch at once.
pub struct SwitchableStore {
    inner: std::sync::RwLock<std::sync::Arc<dyn SecretStore>>,
    in_memory: std::sync::atomic::AtomicBool,
}

impl SwitchableStore {
    pub fn new(store: std::sync::Arc<dyn SecretStore>) -> Self {
        Self {
            inner: std::sync::RwLock::new(store),
            in_memory: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The opt-in: secrets live in this process only, from now on.
    pub fn use_memory(&self) {
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) =
            std::sync::Arc::new(MemoryStore::default());
        self.in_memory
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn in_memory(&self) -> bool {
        self.in_memory.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn current(&self) -> std::sync::Arc<dyn SecretStore> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl SecretStore for SwitchableStore {
    fn put(&self, account: &str, secret: &SecretString) -> Result<(), SecretsError> {
        self.current().put(account, secret)
    }
    fn get(&self, account: &str) -> Result<Option<SecretString>, SecretsError> {
        self.current().get(account)
    }
    fn delete(&self, account: &str) -> Result<(), SecretsError> {
        self.current().delete(account)
    }
}
