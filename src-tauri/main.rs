// A GUI-subsystem binary on Windows: no console window opens behind the app. The command
// line still writes to the console it was started from (see `attach_console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // Like other command-line tools, end quietly when the reader of our output goes away
    // (`lakegate token | head -c 10`) instead of failing on a broken pipe.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    #[cfg(windows)]
    attach_console();
    lakegate::cli::main_with(lakegate::launcher::launch_window)
}

/// A GUI-subsystem program starts without a console; when it was started from one
/// (`lakegate.exe --help` in PowerShell or cmd), print there. Started from the Start menu
/// there is no parent console and this does nothing.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};
    // SAFETY: AttachConsole takes a process id and only fails (returns 0) when there is no
    // console to attach to or one is already attached; both leave us as we were.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}
