//! `connections.json`: the saved connections, readable, written atomically. A file
//! that cannot be read is set aside under a new name and reported, never overwritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Connection;
use crate::base::i18n::say;
use crate::base::platform::write_atomically;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} could not be read: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} could not be written: {reason}. Your change was not saved")]
    Write { path: String, reason: String },
    #[error("a connection named {0:?} already exists: pick another name")]
    Duplicate(String),
    #[error("there is no saved connection named {0:?}")]
    Unknown(String),
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    connections: Vec<Connection>,
}

/// What loading found besides the connections.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// The unreadable file was moved here, with the reason.
    pub set_aside: Option<(PathBuf, String)>,
}

pub struct ConnectionStore {
    path: PathBuf,
}

impl ConnectionStore {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join("connections.json"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self) -> Result<(Vec<Connection>, LoadReport), StoreError> {
        let text = match std::fs::read(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), LoadReport::default()))
            }
            Err(e) => {
                return Err(StoreError::Read {
                    path: self.path.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        match serde_json::from_slice::<File>(&text) {
            Ok(file) => Ok((file.connections, LoadReport::default())),
            Err(e) => {
                let aside = self.path.with_file_name(format!(
                    "connections.json.unreadable-{}",
                    crate::oauth::unix_now()
                ));
                std::fs::rename(&self.path, &aside).map_err(|re| StoreError::Read {
                    path: self.path.display().to_string(),
                    reason: format!("it is not valid ({e}) and could not be set aside ({re})"),
                })?;
                Ok((
                    Vec::new(),
                    LoadReport {
                        set_aside: Some((aside, e.to_string())),
                    },
                ))
            }
        }
    }

    pub fn save(&self, connections: &[Connection]) -> Result<(), StoreError> {
        let file = File {
            version: 1,
            connections: connections.to_vec(),
        };
        let mut text = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Write {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })?;
        text.push(b'\n');
        write_atomically(&self.path, &text).map_err(|e| StoreError::Write {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })
    }

    pub fn add(&self, conn: Connection) -> Result<(), StoreError> {
        let (mut all, _) = self.load()?;
        if all.iter().any(|c| c.name == conn.name) {
            return Err(StoreError::Duplicate(conn.name));
        }
        all.push(conn);
        self.save(&all)
    }

    /// Applies `change` to the saved connection `name` and saves.
    pub fn update(
        &self,
        name: &str,
        change: impl FnOnce(&mut Connection),
    ) -> Result<(), StoreError> {
        let (mut all, _) = self.load()?;
        let conn = all
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| StoreError::Unknown(name.into()))?;
        change(conn);
        self.save(&all)
    }

    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        let (mut all, _) = self.load()?;
        let before = all.len();
        all.retain(|c| c.name != name);
        if all.len() == before {
            return Err(StoreError::Unknown(name.into()));
        }
        self.save(&all)
    }
}

impl crate::base::i18n::Localize for StoreError {
    fn say(&self, lang: &str) -> String {
        match self {
            StoreError::Read { path, reason } => {
                say!(lang, "file-read", path = path, reason = reason)
            }
            StoreError::Write { path, reason } => {
                say!(lang, "store-write", path = path, reason = reason)
            }
            StoreError::Duplicate(n) => say!(lang, "store-duplicate", name = format!("{n:?}")),
            StoreError::Unknown(n) => say!(lang, "store-unknown", name = format!("{n:?}")),
        }
    }
}
