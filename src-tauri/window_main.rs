// The window's own binary, `lakegate-window`: everything `lakegate` does, with the window
// run in this process. `lakegate` with no command starts this binary, so the headless
// commands never load the GUI libraries (GTK and WebKit take ~60 ms to load).
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    lakegate::cli::main_with(lakegate::launcher::run_window)
}
