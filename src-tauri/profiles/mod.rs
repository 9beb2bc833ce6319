//! `~/.databrickscfg` (or `DATABRICKS_CONFIG_FILE`): the Databricks CLI and SDKs'
//! INI file. Read without merging `[DEFAULT]` into other profiles; `[__settings__]`
//! names the default profile; written back by appending a profile, keeping every
//! other byte (comments, order, line endings) as it was.

use std::path::{Path, PathBuf};

use crate::base::platform::write_atomically;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub entries: Vec<(String, String)>,
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, Default)]
pub struct CfgFile {
    pub sections: Vec<Section>,
    /// Lines that are neither a section, an entry nor a comment (1-based numbers).
    pub skipped_lines: Vec<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum CfgError {
    #[error("{path} could not be read: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not text (UTF-8): Lakegate leaves it untouched")]
    NotText { path: String },
    #[error("{path} already has a profile named [{name}]: pick another name")]
    Exists { path: String, name: String },
    #[error("{0:?} cannot be a profile name: use letters, digits, '-', '_' or '.'")]
    BadName(String),
    #[error("{0:?} cannot be written to a profile: values are one line")]
    BadValue(String),
    #[error("{path} could not be written: {reason}")]
    Write { path: String, reason: String },
}

pub fn parse(text: &str) -> CfgFile {
    let mut cfg = CfgFile::default();
    let mut current: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_string();
            current = Some(match cfg.sections.iter().position(|s| s.name == name) {
                Some(idx) => idx,
                None => {
                    cfg.sections.push(Section {
                        name,
                        entries: Vec::new(),
                    });
                    cfg.sections.len() - 1
                }
            });
            continue;
        }
        let Some((k, v)) = line.split_once('=').or_else(|| line.split_once(':')) else {
            cfg.skipped_lines.push(i + 1);
            continue;
        };
        let idx = match current {
            Some(idx) => idx,
            // Entries before any header belong to DEFAULT, as the Go SDK reads them.
            None => {
                let idx = match cfg.sections.iter().position(|s| s.name == "DEFAULT") {
                    Some(idx) => idx,
                    None => {
                        cfg.sections.push(Section {
                            name: "DEFAULT".into(),
                            entries: Vec::new(),
                        });
                        cfg.sections.len() - 1
                    }
                };
                current = Some(idx);
                idx
            }
        };
        let value = strip_inline_comment(v.trim());
        cfg.sections[idx]
            .entries
            .push((k.trim().to_string(), value.to_string()));
    }
    cfg
}

fn strip_inline_comment(v: &str) -> &str {
    // " ;" and " #" start a comment, as configparser's inline_comment_prefixes do.
    for marker in [" ;", " #", "\t;", "\t#"] {
        if let Some(idx) = v.find(marker) {
            return v[..idx].trim_end();
        }
    }
    v
}

impl CfgFile {
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// `[__settings__] default_profile`, else `DEFAULT`.
    pub fn default_profile(&self) -> String {
        self.section("__settings__")
            .and_then(|s| s.get("default_profile"))
            .unwrap_or("DEFAULT")
            .to_string()
    }

    /// The profiles (not `__settings__`), in file order.
    pub fn profiles(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| s.name != "__settings__")
    }
}

/// `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DATABRICKS_CONFIG_FILE").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        // The SDKs expand a leading ~ themselves.
        if let Ok(rest) = p.strip_prefix("~") {
            return dirs::home_dir().map(|h| h.join(rest));
        }
        return Some(p);
    }
    dirs::home_dir().map(|h| h.join(".databrickscfg"))
}

/// Reads the file; a missing file is an empty configuration.
pub fn read(path: &Path) -> Result<(String, CfgFile), CfgError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((String::new(), CfgFile::default()))
        }
        Err(e) => {
            return Err(CfgError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            })
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| CfgError::NotText {
        path: path.display().to_string(),
    })?;
    let cfg = parse(&text);
    Ok((text, cfg))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "__settings__"
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// `text` with a new `[name]` profile appended; every existing byte is kept.
pub fn append_profile(
    text: &str,
    name: &str,
    entries: &[(&str, &str)],
    path_label: &str,
) -> Result<String, CfgError> {
    if !valid_name(name) {
        return Err(CfgError::BadName(name.into()));
    }
    if parse(text).section(name).is_some() {
        return Err(CfgError::Exists {
            path: path_label.into(),
            name: name.into(),
        });
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(eol);
    }
    out.push_str(&format!("[{name}]{eol}"));
    for (k, v) in entries {
        if v.contains(['\n', '\r']) {
            return Err(CfgError::BadValue(v.to_string()));
        }
        out.push_str(&format!("{k} = {v}{eol}"));
    }
    Ok(out)
}

/// Appends a profile to the file atomically.
pub fn write_profile(path: &Path, name: &str, entries: &[(&str, &str)]) -> Result<(), CfgError> {
    let (text, _) = read(path)?;
    let new = append_profile(&text, name, entries, &path.display().to_string())?;
    write_atomically(path, new.as_bytes()).map_err(|e| CfgError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

impl crate::base::i18n::Localize for CfgError {
    fn say(&self, lang: &str) -> String {
        use crate::base::i18n::say;
        match self {
            CfgError::Read { path, reason } => {
                say!(lang, "file-read", path = path, reason = reason)
            }
            CfgError::NotText { path } => say!(lang, "cfg-not-text", path = path),
            CfgError::Exists { path, name } => say!(lang, "cfg-exists", path = path, name = name),
            CfgError::BadName(n) => say!(lang, "cfg-bad-name", name = format!("{n:?}")),
            CfgError::BadValue(v) => say!(lang, "cfg-bad-value", value = format!("{v:?}")),
            CfgError::Write { path, reason } => {
                say!(lang, "file-write", path = path, reason = reason)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "; my profiles\n[DEFAULT]\nhost = https://dflt.cloud.databricks.com\n\n[dev]\nhost = dev.cloud.databricks.com/ # trailing\ntoken = dapi123\n\n[sp]\nhost=https://sp.cloud.databricks.com\nclient_id = abc\nclient_secret = dose1\n\n[cli]\nhost = https://cli.cloud.databricks.com\nauth_type = databricks-cli\n\n[__settings__]\ndefault_profile = dev\n";

    #[test]
    fn profiles_are_read_without_merging_default() {
        let cfg = parse(SAMPLE);
        assert_eq!(cfg.default_profile(), "dev");
        let names: Vec<&str> = cfg.profiles().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["DEFAULT", "dev", "sp", "cli"]);
        assert_eq!(
            cfg.section("cli").unwrap().get("token"),
            None,
            "DEFAULT is not merged"
        );
        assert_eq!(
            cfg.section("dev").unwrap().get("host"),
            Some("dev.cloud.databricks.com/")
        );
    }

    #[test]
    fn appending_keeps_every_byte_and_the_line_endings() {
        let out = append_profile(SAMPLE, "new", &[("host", "https://n.example")], "cfg").unwrap();
        assert!(out.starts_with(SAMPLE));
        assert!(out.ends_with("\n[new]\nhost = https://n.example\n"));
        let crlf = SAMPLE.replace('\n', "\r\n");
        let out = append_profile(&crlf, "new", &[("host", "h")], "cfg").unwrap();
        assert!(out.starts_with(&crlf));
        assert!(out.ends_with("\r\n[new]\r\nhost = h\r\n"));
        assert!(
            !out.replace("\r\n", "").contains('\n'),
            "no bare LF in a CRLF file"
        );
        assert!(matches!(
            append_profile(SAMPLE, "dev", &[], "cfg"),
            Err(CfgError::Exists { .. })
        ));
        assert!(matches!(
            append_profile(SAMPLE, "a b", &[], "cfg"),
            Err(CfgError::BadName(_))
        ));
        assert!(matches!(
            append_profile("", "x", &[("host", "a\nb")], "cfg"),
            Err(CfgError::BadValue(_))
        ));
        assert_eq!(
            append_profile("", "x", &[("host", "h")], "cfg").unwrap(),
            "[x]\nhost = h\n"
        );
        assert_eq!(
            append_profile("[a]\nhost=h", "x", &[], "cfg").unwrap(),
            "[a]\nhost=h\n\n[x]\n"
        );
    }

    #[test]
    fn odd_files_do_not_panic() {
        let cfg = parse("host = https://orphan.example\ngarbage line\n[unclosed\n=\n[]\nk=v");
        assert_eq!(
            cfg.section("DEFAULT").unwrap().get("host"),
            Some("https://orphan.example")
        );
        assert_eq!(cfg.skipped_lines, vec![2, 3]);
    }
}
