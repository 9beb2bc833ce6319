//! The command line. With no subcommand the binary opens the window; every
//! subcommand runs headless on the same core the window uses.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::bridge;
use crate::error::UiError;

#[derive(Debug, Parser)]
#[command(
    name = "lakegate",
    version,
    about = "Call Databricks Apps APIs with OAuth tokens: sign in, send requests, diagnose failures.",
    long_about = "Lakegate opens its window when started without a subcommand.\n\
                  Each subcommand runs without a window; add --json for machine-readable output."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version and where Lakegate keeps its files.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => open_window(),
        Some(Command::Info { json }) => report(bridge::app_info(), json, |info| {
            format!(
                "{} {}\nplatform: {}\nsettings: {}\ndata:     {}",
                info.name, info.version, info.platform, info.config_dir, info.data_dir
            )
        }),
    }
}

/// Prints a command's answer as text or JSON, or its error on stderr.
fn report<T: serde::Serialize>(
    result: Result<T, UiError>,
    json: bool,
    text: impl FnOnce(&T) -> String,
) -> ExitCode {
    match result {
        Ok(value) if json => match serde_json::to_string_pretty(&value) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("lakegate: could not write JSON: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(value) => {
            println!("{}", text(&value));
            ExitCode::SUCCESS
        }
        Err(err) => {
            if json {
                if let Ok(s) = serde_json::to_string_pretty(&err) {
                    println!("{s}");
                }
            }
            eprintln!("lakegate: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn open_window() -> ExitCode {
    if let Some(reason) = crate::platform::no_display_reason() {
        eprintln!("lakegate: {reason}");
        return ExitCode::from(3);
    }
    match crate::gui::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lakegate: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window() -> ExitCode {
    eprintln!(
        "lakegate: this build has no window (built without the `gui` feature); \
         see lakegate --help for the headless commands"
    );
    ExitCode::from(3)
}
