//! Tokens from the `databricks` CLI: `databricks auth token --profile X` prints
//! `{"access_token": …, "token_type": "Bearer", "expiry": "<RFC 3339>"}`.

use secrecy::SecretString;
use serde::Deserialize;

use crate::base::host::{Host, HostError};
use crate::base::i18n::say;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(
        "the databricks CLI ({program}) is not installed or not on PATH. Install it \
         (https://docs.databricks.com/dev-tools/cli/install.html), or add this workspace as a \
         user sign-in connection instead"
    )]
    Missing { program: String },
    #[error(
        "this databricks CLI is too old for `auth token` ({detail}). Update it to version 0.200 or later"
    )]
    TooOld { detail: String },
    #[error("the databricks CLI could not give a token for profile {profile}: {detail}")]
    Failed { profile: String, detail: String },
    #[error("the databricks CLI printed something that is not its token JSON: {0}")]
    Unreadable(String),
    #[error("{0}")]
    Run(String),
}

#[derive(Deserialize)]
struct Output {
    access_token: String,
    #[serde(default)]
    expiry: Option<String>,
}

pub struct CliToken {
    pub token: SecretString,
    pub expires_at: Option<u64>,
}

/// The CLI's file name on this platform.
pub const CLI_NAME: &str = if cfg!(windows) {
    "databricks.exe"
} else {
    "databricks"
};

/// Where installers put the CLI when PATH does not say (a window started from the
/// desktop often has a shorter PATH than a terminal).
fn usual_places() -> Vec<std::path::PathBuf> {
    let mut places = Vec::new();
    let home = dirs::home_dir();
    if cfg!(target_os = "macos") {
        places.push("/opt/homebrew/bin".into()); // Homebrew on Apple silicon
        places.push("/usr/local/bin".into()); // Homebrew on Intel, the install script
    } else if cfg!(windows) {
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            places.push(
                std::path::PathBuf::from(local)
                    .join("Microsoft")
                    .join("WinGet")
                    .join("Links"),
            );
        }
    } else {
        places.push("/usr/local/bin".into());
    }
    if let Some(h) = home {
        places.push(h.join(".local").join("bin"));
        places.push(h.join("bin"));
    }
    places
}

/// Finds `name` in `path` (a PATH-style list), then in `extra`.
pub fn find_program(
    name: &str,
    path: Option<&std::ffi::OsStr>,
    extra: &[std::path::PathBuf],
) -> Option<std::path::PathBuf> {
    let from_path: Vec<std::path::PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    from_path
        .iter()
        .chain(extra)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The program to run: `LAKEGATE_DATABRICKS_CLI` when set, else `databricks` from PATH or
/// the places installers use (Homebrew's on macOS, WinGet's on Windows).
pub fn cli_program() -> String {
    if let Some(p) = std::env::var("LAKEGATE_DATABRICKS_CLI")
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        return p;
    }
    find_program(
        CLI_NAME,
        std::env::var_os("PATH").as_deref(),
        &usual_places(),
    )
    .map(|p| p.display().to_string())
    .unwrap_or_else(|| CLI_NAME.to_string())
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    line.chars().take(300).collect()
}

pub async fn token(host: &dyn Host, program: &str, profile: &str) -> Result<CliToken, CliError> {
    let args = vec![
        "auth".to_string(),
        "token".into(),
        "--profile".into(),
        profile.to_string(),
    ];
    let out = host.run(program, &args).await.map_err(|e| match e {
        HostError::NotFound { program } => CliError::Missing { program },
        other => CliError::Run(other.to_string()),
    })?;
    if out.status != Some(0) {
        let detail = excerpt(&out.stderr);
        let detail = if detail.is_empty() {
            excerpt(&out.stdout)
        } else {
            detail
        };
        let lower = detail.to_ascii_lowercase();
        if lower.contains("unknown command")
            || lower.contains("unknown flag")
            || lower.contains("no such option")
        {
            return Err(CliError::TooOld { detail });
        }
        return Err(CliError::Failed {
            profile: profile.to_string(),
            detail,
        });
    }
    let parsed: Output = serde_json::from_slice(&out.stdout).map_err(|_| {
        // Never echo the output: it may hold a token.
        CliError::Unreadable(format!(
            "{} bytes that are not the expected JSON",
            out.stdout.len()
        ))
    })?;
    let expires_at = match parsed.expiry.as_deref() {
        Some(text) => Some(parse_rfc3339(text).ok_or_else(|| {
            CliError::Unreadable(format!("expiry {text:?} is not an RFC 3339 time"))
        })?),
        None => None,
    };
    Ok(CliToken {
        token: SecretString::from(parsed.access_token),
        expires_at,
    })
}

/// Unix seconds of an RFC 3339 time such as `2026-11-29T10:04:05.123+01:00`.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let mut d = date.split('-');
    let (y, m, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let (time, offset) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0i64)
    } else {
        let idx = rest.rfind(['+', '-'])?;
        let (t, off) = rest.split_at(idx);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':')?;
        (
            t,
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60),
        )
    };
    let time = time.split('.').next()?;
    let mut t = time.split(':');
    let (h, mi, se): (i64, i64, i64) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
    );
    if t.next().is_some() || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset;
    u64::try_from(secs).ok()
}

impl crate::base::i18n::Localize for CliError {
    fn say(&self, lang: &str) -> String {
        match self {
            CliError::Missing { program } => say!(lang, "cli-missing", program = program),
            CliError::TooOld { detail } => say!(lang, "cli-too-old", detail = detail),
            CliError::Failed { profile, detail } => {
                say!(lang, "cli-failed", profile = profile, detail = detail)
            }
            CliError::Unreadable(m) => say!(lang, "cli-unreadable", detail = m),
            CliError::Run(m) => m.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{find_program, parse_rfc3339};

    #[test]
    fn the_cli_is_found_on_path_then_in_usual_places() {
        let base = std::env::temp_dir().join(format!("lakegate-find-{}", std::process::id()));
        let (a, b) = (base.join("a"), base.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("databricks"), "").unwrap();
        let path = std::env::join_paths([&a]).unwrap();
        assert_eq!(
            find_program("databricks", Some(&path), std::slice::from_ref(&b)),
            Some(b.join("databricks"))
        );
        let path = std::env::join_paths([&b, &a]).unwrap();
        assert_eq!(
            find_program("databricks", Some(&path), &[]),
            Some(b.join("databricks"))
        );
        assert_eq!(
            find_program("databricks", None, std::slice::from_ref(&a)),
            None
        );
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-29T10:00:00Z"), Some(1_795_946_400));
        assert_eq!(
            parse_rfc3339("2026-11-29T11:00:00.123456+01:00"),
            Some(1_795_946_400)
        );
        assert_eq!(
            parse_rfc3339("2026-11-29T05:00:00-05:00"),
            Some(1_795_946_400)
        );
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339(""), None);
    }
}
