//! The base every other folder stands on: the error the UI sees, the languages, settings,
//! the platform's folders and files, redaction, the keychain and the OS port. It imports
//! nothing above it (`tests/layers.rs`).

pub mod error;
pub mod host;
pub mod i18n;
pub mod platform;
pub mod redaction;
pub mod secrets;
pub mod settings;
