//! `lakegate guide`: the guide in the terminal — the page's requirements found on a
//! connection's workspace, and each step in the databricks CLI, Python and curl with that
//! workspace filled in (the token from the environment, never printed).

use std::process::ExitCode;

use clap::Args;

use super::auth::fail;
use crate::base::i18n::ENGLISH;
use crate::guide::{GuideView, Met};

#[derive(Debug, Args)]
pub struct GuideArgs {
    /// The connection whose workspace the steps use (default: the environment's, or the only one).
    #[arg(long, short)]
    connection: Option<String>,
    /// The app the steps call (default: the workspace's first running app).
    #[arg(long)]
    app: Option<String>,
    /// Only this step's lines (`person`, `service-principal`, `from-app`, `scopes`, `send`, …).
    #[arg(long)]
    step: Option<String>,
    /// Only these lines of it: `shell`, `python` or `curl` (with --step; ready to run).
    #[arg(long, requires = "step", value_parser = ["shell", "python", "curl"])]
    tool: Option<String>,
    /// Print the whole guide as JSON.
    #[arg(long, conflicts_with_all = ["step", "tool"])]
    json: bool,
}

pub fn guide(args: GuideArgs) -> ExitCode {
    if let Some(step) = &args.step {
        if !crate::guide::is_step(step) {
            eprintln!(
                "lakegate guide: there is no step {step:?}; the steps: {}",
                crate::guide::STEPS.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    let Ok((connection, app, rt)) = super::workbench::on_connection(args.connection.as_deref())
    else {
        return ExitCode::FAILURE;
    };
    let g = match rt.block_on(app.guide(&connection, args.app.as_deref())) {
        Ok(g) => g,
        Err(e) => return fail(e),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&g).unwrap_or_default());
    } else {
        print(&g, args.step.as_deref(), args.tool.as_deref());
    }
    // Unmet requirements are the guide's news, not a failure of the command.
    ExitCode::SUCCESS
}

fn print(g: &GuideView, only: Option<&str>, tool: Option<&str>) {
    if only.is_none() {
        println!(
            "The guide on {} ({}), app {}:",
            g.host,
            g.connection,
            g.app.as_deref().unwrap_or("—")
        );
        for r in &g.requirements {
            let mark = match r.state {
                Met::Yes => "ok",
                Met::No => "NO",
                Met::Unknown => "??",
            };
            println!("  [{mark}] {}", r.said.render(ENGLISH));
        }
    }
    for t in g.tools.iter().filter(|t| only.is_none_or(|s| s == t.step)) {
        let lines = [("shell", &t.cli), ("python", &t.python), ("curl", &t.curl)];
        if lines.iter().all(|(_, l)| l.is_none()) {
            continue;
        }
        if only.is_none() {
            println!("\n== {} ==", t.step);
        }
        for (what, text) in lines {
            if tool.is_some_and(|t| t != what) {
                continue;
            }
            if let Some(text) = text {
                if only.is_none() {
                    println!("-- {what}");
                }
                println!("{}", text.trim_end());
            }
        }
    }
}
