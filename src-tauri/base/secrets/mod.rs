//! Where secrets live: the OS keychain (macOS Keychain, Windows Credential Manager,
//! the Secret Service on Linux) through `keyring`, one entry per connection under the
//! service name `lakegate`. Values cross this module only as `SecretString`.
//! The in-memory store exists for one case: no keychain, and the user opted in to
//! keeping secrets for this run only. There is no plaintext fallback.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::base::i18n::say;
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
    #[error(
        "the system keychain did not answer within {secs:.0} s: it may be locked and waiting for \
         a password prompt (look for one behind other windows). Unlock it, then try again"
    )]
    TimedOut { secs: f64 },
}

pub trait SecretStore: Send + Sync {
    fn put(&self, account: &str, secret: &SecretString) -> Result<(), SecretsError>;
    fn get(&self, account: &str) -> Result<Option<SecretString>, SecretsError>;
    /// Removing an entry that is not there is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretsError>;
}

/// The longest value one keychain entry holds, in UTF-16 code units: Windows Credential
/// Manager stores at most 2,560 bytes (1,280 UTF-16 characters) per entry, and keyring
/// writes passwords as UTF-16 there. Longer values (an RS256 access token and a refresh
/// token together) are split over `part:1:<account>`, `part:2:<account>`… on every
/// platform: every account is `connection:<name>`, so no connection's name can reach a
/// part's entry (Lakegate before 2026-12 used `<account>#<i>`, which `big#1` could).
pub const MAX_ENTRY_UNITS: usize = 1_280;

/// What the first entry of a split value holds: this prefix, then how many parts follow.
const PARTS_MARK: &str = "lakegate-parts-v2:";
/// The same, as earlier versions wrote it (parts named `<account>#<i>`): still read.
const LEGACY_PARTS_MARK: &str = "lakegate-parts:";

/// Splits `value` into pieces of at most `MAX_ENTRY_UNITS` UTF-16 units, on character bounds.
fn split_units(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (i, c) in value.char_indices() {
        if units + c.len_utf16() > MAX_ENTRY_UNITS {
            parts.push(&value[start..i]);
            start = i;
            units = 0;
        }
        units += c.len_utf16();
    }
    parts.push(&value[start..]);
    parts
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

impl Keychain {
    fn read_one(&self, account: &str) -> Result<Option<String>, SecretsError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(account, e)),
        }
    }

    fn write_one(&self, account: &str, value: &str) -> Result<(), SecretsError> {
        self.entry(account)?
            .set_password(value)
            .map_err(|e| classify(account, e))
    }

    fn delete_one(&self, account: &str) -> Result<(), SecretsError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(account, e)),
        }
    }

    /// How many parts the value under `account` is split into (1: not split), and whether
    /// they have the earlier names.
    fn parts_of(first: Option<&str>) -> (usize, bool) {
        let count = |mark: &str| {
            first
                .and_then(|v| v.strip_prefix(mark))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| (2..=64).contains(n))
        };
        match (count(PARTS_MARK), count(LEGACY_PARTS_MARK)) {
            (Some(n), _) => (n, false),
            (None, Some(n)) => (n, true),
            _ => (1, false),
        }
    }

    fn part_name(account: &str, i: usize, legacy: bool) -> String {
        if legacy {
            format!("{account}#{i}")
        } else {
            format!("part:{i}:{account}")
        }
    }
}

impl SecretStore for Keychain {
    fn put(&self, account: &str, secret: &SecretString) -> Result<(), SecretsError> {
        let (old, old_legacy) = Self::parts_of(self.read_one(account)?.as_deref());
        let value = secret.expose_secret();
        let parts = split_units(value);
        if parts.len() == 1 {
            self.write_one(account, value)?;
        } else {
            // The parts first, the entry that names them last.
            for (i, part) in parts.iter().enumerate() {
                self.write_one(&Self::part_name(account, i + 1, false), part)?;
            }
            self.write_one(account, &format!("{PARTS_MARK}{}", parts.len()))?;
        }
        // Parts an earlier value left behind (all of them when they had the earlier names).
        let kept = if parts.len() == 1 || old_legacy {
            0
        } else {
            parts.len()
        };
        if old > 1 {
            for i in kept + 1..=old {
                self.delete_one(&Self::part_name(account, i, old_legacy))?;
            }
        }
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Option<SecretString>, SecretsError> {
        let Some(first) = self.read_one(account)? else {
            return Ok(None);
        };
        let (parts, legacy) = Self::parts_of(Some(&first));
        if parts == 1 {
            return Ok(Some(SecretString::from(first)));
        }
        let mut whole = String::new();
        for i in 1..=parts {
            let name = Self::part_name(account, i, legacy);
            match self.read_one(&name)? {
                Some(part) => whole.push_str(&part),
                None => {
                    return Err(SecretsError::Refused {
                        account: account.to_string(),
                        cause: format!("part {i} of {parts} is missing from the keychain"),
                    })
                }
            }
        }
        Ok(Some(SecretString::from(whole)))
    }

    fn delete(&self, account: &str) -> Result<(), SecretsError> {
        let (parts, legacy) = Self::parts_of(self.read_one(account)?.as_deref());
        self.delete_one(account)?;
        if parts > 1 {
            for i in 1..=parts {
                self.delete_one(&Self::part_name(account, i, legacy))?;
            }
        }
        Ok(())
    }
}

impl crate::base::i18n::Localize for SecretsError {
    fn say(&self, lang: &str) -> String {
        match self {
            SecretsError::Unavailable { cause } => {
                say!(lang, "keychain-unavailable", cause = cause)
            }
            SecretsError::Refused { account, cause } => {
                say!(lang, "keychain-refused", account = account, cause = cause)
            }
            SecretsError::TimedOut { secs } => {
                say!(lang, "keychain-timed-out", seconds = secs.round())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_split_on_character_bounds_within_the_limit() {
        let value = "é".repeat(1000) + &"x".repeat(2000) + &"😀".repeat(700);
        let parts = split_units(&value);
        assert!(parts.len() > 1);
        assert!(parts
            .iter()
            .all(|p| p.encode_utf16().count() <= MAX_ENTRY_UNITS));
        assert_eq!(parts.concat(), value);
        assert_eq!(split_units("short"), ["short"]);
        assert_eq!(split_units(""), [""]);
    }
}

/// Secrets kept in this process only, gone when it exits. Only on explicit opt-in.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, SecretString>>,
}

impl MemoryStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, SecretString>> {
        crate::base::platform::lock(&self.entries)
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
