//! Facts about the machine Lakegate runs on: where its files live and whether a
//! window can be shown at all.

use std::path::PathBuf;

/// The home directory is not known, so Lakegate has nowhere to keep its files.
#[derive(Debug, thiserror::Error)]
#[error(
    "Lakegate cannot find this system's {what} folder because the home directory is not \
     known. Set HOME (or your platform's equivalent) and start Lakegate again."
)]
pub struct NoHome {
    pub what: &'static str,
}

/// The folder name under the platform's config and data directories.
pub const APP_DIR: &str = "lakegate";

/// Where settings and connections (never secrets) are kept.
pub fn config_dir() -> Result<PathBuf, NoHome> {
    dirs::config_dir().map(|d| d.join(APP_DIR)).ok_or(NoHome {
        what: "configuration",
    })
}

/// Where history and saved requests are kept.
pub fn data_dir() -> Result<PathBuf, NoHome> {
    dirs::data_dir()
        .map(|d| d.join(APP_DIR))
        .ok_or(NoHome { what: "data" })
}

/// Why no window can be opened here, or `None` when one can.
pub fn no_display_reason() -> Option<&'static str> {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return None;
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        None
    } else {
        Some(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so the Lakegate window cannot \
             open here (run it in a desktop session, under xvfb-run, or use a subcommand: lakegate --help)",
        )
    }
}

/// WebKitGTK composites the page with OpenGL. Without a GPU (a virtual machine, a remote
/// desktop, Xvfb) that is Mesa's software rasteriser, llvmpipe: measured here, it made
/// every changed frame take 100–330 ms and held 120 MB more in the page's process, while
/// WebKit's own painting without compositing drew the same frames in under 25 ms. So where
/// there is no GPU render node, or software GL is asked for, the window paints without
/// compositing. A WEBKIT_DISABLE_* variable the user set wins. Returns the variable to set.
pub fn software_painting(
    env: impl Fn(&str) -> Option<String>,
    has_render_node: bool,
) -> Option<(&'static str, &'static str)> {
    const CHOICES: [&str; 2] = [
        "WEBKIT_DISABLE_COMPOSITING_MODE",
        "WEBKIT_DISABLE_DMABUF_RENDERER",
    ];
    if !cfg!(target_os = "linux") || CHOICES.iter().any(|v| env(v).is_some()) {
        return None;
    }
    let software_gl = env("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| !v.is_empty() && v != "0");
    (software_gl || !has_render_node).then_some((CHOICES[0], "1"))
}

/// The page's JavaScript runs without JavaScriptCore's JIT (as in Safari's Lockdown Mode):
/// the page draws a screenful of rows and leaves the work to the Rust core, so it loses no
/// measurable speed (the same 19 ms per request in the window), while the JIT's compiled
/// code and its warm-up held ~9 MB more after 1,000 requests, and a JIT is attack surface a
/// window that shows other people's answers does not need. A JSC_useJIT the user set wins.
pub fn without_jit(env: impl Fn(&str) -> Option<String>) -> Option<(&'static str, &'static str)> {
    env("JSC_useJIT").is_none().then_some(("JSC_useJIT", "0"))
}

/// Every variable the window sets for WebKit before it starts.
pub fn webview_environment(
    env: impl Fn(&str) -> Option<String>,
    has_render_node: bool,
) -> Vec<(&'static str, &'static str)> {
    software_painting(&env, has_render_node)
        .into_iter()
        .chain(without_jit(&env))
        .collect()
}

/// Whether this machine has a GPU that can render (a `/dev/dri/renderD*` node).
pub fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Creates `dir` (and any missing parent) readable by this user only (`0700` on Unix).
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Opens `path` for appending, creating it readable by this user only (`0600` on Unix).
pub fn open_private_append(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never
/// half of either (the `atomic-write-file` crate: a temporary file beside it, flushed,
/// then renamed over it). A new file is `0600` in a `0700` folder; a file that exists
/// keeps its permissions; a symbolic link is written through to its target, never
/// replaced by a regular file.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let target = match std::fs::symlink_metadata(path) {
        // Follows the whole chain; a dangling link is an error, not a new file in its place.
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !dir.exists() {
            create_private_dir(dir)?;
        }
    }
    #[cfg(unix)]
    let options = {
        use atomic_write_file::unix::OpenOptionsExt as _;
        let mut options = atomic_write_file::AtomicWriteFile::options();
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.preserve_mode(true).try_preserve_owner(true);
        options
    };
    #[cfg(not(unix))]
    let options = atomic_write_file::AtomicWriteFile::options();
    let mut file = options.open(&target)?;
    file.write_all(bytes)?;
    file.commit()
}

/// `secs` as the local time with its offset and microseconds, as the databricks CLI prints a
/// token's `expiry` (`2026-12-07T11:00:00.000000+01:00`): the Python SDK keeps the part before
/// the `.` as a local time, the Go SDK reads it as RFC 3339. UTC (`+00:00`) where the local
/// offset cannot be read.
pub fn local_rfc3339(secs: u64) -> String {
    let offset = local_offset(secs);
    let shifted = (secs as i64 + offset).max(0) as u64;
    let base = rfc3339(shifted);
    let base = base.trim_end_matches('Z');
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    format!(
        "{base}.000000{sign}{:02}:{:02}",
        abs / 3600,
        (abs % 3600) / 60
    )
}

/// The local time's offset from UTC at `secs`, in seconds.
#[cfg(unix)]
fn local_offset(secs: u64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: localtime_r writes only into `tm`, which lives for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok {
        tm.tm_gmtoff
    } else {
        0
    }
}

#[cfg(not(unix))]
fn local_offset(_secs: u64) -> i64 {
    0
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `2026-11-29T10:00:00Z` from Unix seconds.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A mutex's guard even after a thread panicked holding it: what it guards is whole values
/// (set in one assignment), so what a panic left is still consistent, and one failed
/// request must not take the rest of Lakegate down with it.
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod time_tests {
    /// The CLI's form of a token's expiry, which the Python SDK cuts at the `.` and the Go
    /// SDK reads as RFC 3339: the same instant whatever the local offset.
    #[test]
    fn expiry_is_local_time_with_its_offset() {
        let t = 1_796_000_000;
        let s = super::local_rfc3339(t);
        assert_eq!(s.len(), "2026-12-07T11:00:00.000000+01:00".len(), "{s}");
        assert_eq!(&s[19..26], ".000000", "{s}");
        let sign = if &s[26..27] == "-" { -1 } else { 1 };
        let offset = sign
            * (s[27..29].parse::<i64>().unwrap() * 3600 + s[30..32].parse::<i64>().unwrap() * 60);
        let local = crate::connections::parse_rfc3339(&format!("{}Z", &s[..19])).unwrap() as i64;
        assert_eq!(local - offset, t as i64, "{s}");
    }
}

#[cfg(test)]
mod painting_tests {
    use super::software_painting;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn without_a_gpu_the_window_paints_without_compositing() {
        let off = Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"));
        assert_eq!(software_painting(env(&[]), false), off);
        assert_eq!(software_painting(env(&[]), true), None);
        assert_eq!(
            software_painting(env(&[("LIBGL_ALWAYS_SOFTWARE", "1")]), true),
            off
        );
        assert_eq!(
            software_painting(env(&[("LIBGL_ALWAYS_SOFTWARE", "0")]), true),
            None
        );
        // The user's own choice stands, whichever it is.
        for v in [
            "WEBKIT_DISABLE_COMPOSITING_MODE",
            "WEBKIT_DISABLE_DMABUF_RENDERER",
        ] {
            assert_eq!(software_painting(env(&[(v, "0")]), false), None);
        }
    }

    #[test]
    fn the_page_runs_without_a_jit_unless_the_user_says() {
        use super::{webview_environment, without_jit};
        assert_eq!(without_jit(env(&[])), Some(("JSC_useJIT", "0")));
        assert_eq!(without_jit(env(&[("JSC_useJIT", "1")])), None);
        let all = webview_environment(env(&[]), true);
        assert!(all.contains(&("JSC_useJIT", "0")));
    }

    #[test]
    #[cfg(not(target_os = "linux"))]
    fn other_systems_paint_as_they_do() {
        assert_eq!(software_painting(env(&[]), false), None);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("lakegate-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn new_files_are_private_in_private_folders() {
        let dir = scratch("new");
        let file = dir.join("a/b/settings.json");
        write_atomically(&file, b"{}").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir.join("a/b")), 0o700);
        assert_eq!(mode(&dir.join("a")), 0o700);
        let log = dir.join("a/history.jsonl");
        open_private_append(&log).unwrap();
        assert_eq!(mode(&log), 0o600);
    }

    #[test]
    fn a_rewrite_keeps_the_files_mode() {
        let dir = scratch("keep");
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = dir.join(".databrickscfg");
        std::fs::write(&cfg, "[DEFAULT]\n").unwrap();
        for m in [0o600, 0o640] {
            std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(m)).unwrap();
            write_atomically(&cfg, b"[DEFAULT]\nhost = x\n").unwrap();
            assert_eq!(mode(&cfg), m);
        }
    }

    #[test]
    fn a_symlink_is_written_through_to_its_target() {
        let dir = scratch("link");
        std::fs::create_dir_all(dir.join("dotfiles")).unwrap();
        let real = dir.join("dotfiles/databrickscfg");
        std::fs::write(&real, "[DEFAULT]\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.join(".databrickscfg");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"[DEFAULT]\nhost = y\n").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "[DEFAULT]\nhost = y\n"
        );
        assert_eq!(mode(&real), 0o600);
        // A dangling link is an error, never a regular file in its place.
        let dangling = dir.join("dangling");
        std::os::unix::fs::symlink(dir.join("missing/x"), &dangling).unwrap();
        assert!(write_atomically(&dangling, b"x").is_err());
        assert!(std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

/// The language the system's locale asks for (`pt_BR.UTF-8`), from `LC_ALL`,
/// `LC_MESSAGES` and `LANG` as POSIX orders them; none where they say nothing (or `C`).
/// Elsewhere the window asks its webview (`navigator.languages`).
pub fn system_locale() -> Option<String> {
    locale_from(|k| std::env::var(k).ok())
}

fn locale_from(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| var(k))
        .find(|v| !v.is_empty())
        .filter(|v| !matches!(v.as_str(), "C" | "POSIX") && !v.starts_with("C."))
}

#[cfg(test)]
mod locale_tests {
    use super::locale_from;

    #[test]
    fn the_first_locale_variable_set_wins_and_c_says_nothing() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_string())
        };
        assert_eq!(
            locale_from(env(&[("LANG", "pt_BR.UTF-8")])).as_deref(),
            Some("pt_BR.UTF-8")
        );
        assert_eq!(
            locale_from(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "pt_BR.UTF-8")])).as_deref(),
            Some("en_US.UTF-8")
        );
        assert_eq!(
            locale_from(env(&[("LC_ALL", ""), ("LANG", "pt_BR")])).as_deref(),
            Some("pt_BR")
        );
        assert_eq!(locale_from(env(&[("LANG", "C.UTF-8")])), None);
        assert_eq!(locale_from(env(&[])), None);
    }
}

/// The window's binary, next to this one: `lakegate-window` (`.exe` on Windows).
pub fn window_binary() -> Option<std::path::PathBuf> {
    let me = std::env::current_exe().ok()?;
    let name = format!("lakegate-window{}", std::env::consts::EXE_SUFFIX);
    Some(me.with_file_name(name)).filter(|p| p.is_file())
}
