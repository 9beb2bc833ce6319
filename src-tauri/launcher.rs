//! Starting the window: `lakegate` with no command runs `lakegate-window` (so headless
//! commands never load GTK or WebKit), which runs the window in its own process. The
//! top of the house: it may use the GUI; nothing in the core uses it.

use std::process::ExitCode;

/// Runs the window in this process (`lakegate-window`).
#[cfg(feature = "gui")]
pub fn run_window() -> ExitCode {
    if let Some(code) = no_display() {
        return code;
    }
    let env = |name: &str| std::env::var(name).ok();
    for (name, value) in
        crate::base::platform::webview_environment(env, crate::base::platform::has_render_node())
    {
        // Before WebKit starts (it reads them) and before any thread exists.
        std::env::set_var(name, value);
    }
    match crate::gui::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lakegate: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Without a display there is no window: say so in one line (exit 3).
fn no_display() -> Option<ExitCode> {
    let reason = crate::base::platform::no_display_reason()?;
    eprintln!("lakegate: {reason}");
    Some(ExitCode::from(3))
}

fn no_window() -> ExitCode {
    eprintln!(
        "lakegate: this build has no window (built without the `gui` feature); \
         see lakegate --help for the headless commands"
    );
    ExitCode::from(3)
}

/// Without the `gui` feature there is no window to run.
#[cfg(not(feature = "gui"))]
pub fn run_window() -> ExitCode {
    no_window()
}

/// Opens the window by running `lakegate-window` in this process's place (Unix) or as a
/// child it waits for (Windows).
pub fn launch_window() -> ExitCode {
    if !cfg!(feature = "gui") {
        return no_window();
    }
    if let Some(code) = no_display() {
        return code;
    }
    let Some(window) = crate::base::platform::window_binary() else {
        eprintln!(
            "lakegate: the window's program (lakegate-window) is not installed next to lakegate; \
             reinstall Lakegate, or run cargo build"
        );
        return ExitCode::FAILURE;
    };
    let mut command = std::process::Command::new(&window);
    // A lakegate:// link the window was asked to open goes with it.
    command.args(
        std::env::args()
            .skip(1)
            .filter(|a| a.starts_with("lakegate://")),
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = command.exec();
        eprintln!("lakegate: {} could not start: {e}", window.display());
        ExitCode::FAILURE
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("lakegate: {} could not start: {e}", window.display());
            ExitCode::FAILURE
        }
    }
}
