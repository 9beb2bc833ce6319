//! `lakegate access`: who can call which app of a workspace — every connection of it
//! against every app — and, with `--path`, what a real call as each got.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::auth::fail;
use crate::access;

#[derive(Debug, Args)]
pub struct AccessArgs {
    /// A connection of the workspace to look at (default: the environment's, or the only one);
    /// every connection of that workspace becomes a column.
    #[arg(long, short)]
    connection: Option<String>,
    /// Call this path (e.g. /api/health) on every app as every identity: GET, sent once each.
    #[arg(long, value_name = "/api/…")]
    path: Option<String>,
    /// Print the whole view as JSON.
    #[arg(long, conflicts_with_all = ["markdown", "csv"])]
    json: bool,
    /// Write it as a Markdown table here.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write it as CSV here (one line per app and identity).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

pub fn access(args: AccessArgs) -> ExitCode {
    let Ok((connection, app, rt)) = super::workbench::on_connection(args.connection.as_deref())
    else {
        return ExitCode::FAILURE;
    };
    let m = match rt.block_on(app.access_matrix(&connection, args.path.as_deref())) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    for (path, text) in [
        (&args.markdown, access::to_markdown(&m)),
        (&args.csv, access::to_csv(&m)),
    ] {
        if let Some(path) = path {
            if let Err(e) = super::check::write(path, &text) {
                return fail(e);
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&m).unwrap_or_default());
    } else if args.markdown.is_none() && args.csv.is_none() {
        print(&m);
    }
    ExitCode::SUCCESS
}

fn print(m: &access::AccessMatrix) {
    println!("Who can call which app at {}", m.host);
    for id in &m.identities {
        let who = id.who.as_deref().unwrap_or("?");
        match &id.problem {
            Some(p) => println!("  {} ({}, {who}): {p}", id.connection, id.kind),
            None => println!("  {} ({}, {who})", id.connection, id.kind),
        }
    }
    for a in &m.apps {
        println!(
            "\n{}{}",
            a.app,
            if a.scopes.is_empty() {
                String::new()
            } else {
                format!("  (scopes: {})", a.scopes.join(" "))
            }
        );
        for c in &a.cells {
            println!("  {:<24} {}", c.connection, c.words());
        }
    }
}
