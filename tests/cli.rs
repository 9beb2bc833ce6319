//! The binary's command line works without a display.

use std::process::Command;

fn lakegate() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lakegate"));
    cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    cmd
}

#[test]
fn help_and_version_work_without_a_display() {
    let out = lakegate().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Usage: lakegate"), "{help}");
    assert!(help.contains("info"), "{help}");

    let out = lakegate().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("lakegate {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn info_json_names_the_version_and_folders() {
    let home = std::env::temp_dir().join("lakegate-cli-home");
    let out = lakegate()
        .args(["info", "--json"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("cfg"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    if cfg!(target_os = "linux") {
        assert_eq!(
            v["configDir"],
            home.join("cfg/lakegate").display().to_string()
        );
        assert_eq!(
            v["dataDir"],
            home.join("data/lakegate").display().to_string()
        );
    }
}

#[test]
fn without_a_display_the_window_says_why_in_one_line_and_fails() {
    let out = lakegate().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    if cfg!(feature = "gui") {
        assert!(err.contains("no display"), "{err}");
    } else {
        assert!(err.contains("no window"), "{err}");
    }
}

#[test]
fn unknown_arguments_are_a_usage_error_not_a_panic() {
    let out = lakegate().arg("--no-such-flag").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
}

#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_quietly_not_with_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = lakegate()
        .args(["info", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
}

/// The headless commands start fast because `lakegate` does not link GTK or WebKit: the
/// window lives in `lakegate-window`, which `lakegate` starts when asked for the window.
#[cfg(target_os = "linux")]
#[test]
fn the_headless_binary_does_not_load_the_gui_libraries() {
    let needed = |bin: &str| {
        let out = std::process::Command::new("readelf")
            .args(["-d", bin])
            .output()
            .expect("readelf (binutils) is installed");
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("(NEEDED)"))
            .map(str::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let headless = needed(env!("CARGO_BIN_EXE_lakegate"));
    for lib in ["libgtk", "libwebkit2gtk", "libjavascriptcoregtk", "libsoup"] {
        assert!(!headless.contains(lib), "lakegate links {lib}:\n{headless}");
    }
    // Built without the gui feature, lakegate-window has no window either.
    if cfg!(feature = "gui") {
        assert!(needed(env!("CARGO_BIN_EXE_lakegate-window")).contains("libwebkit2gtk"));
    }
}
