//! `lakegate check FILE`: a check file's requests, run as one connection (in CI, the
//! service principal from DATABRICKS_HOST / DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET),
//! with a progress bar on a terminal, plain lines otherwise, and JUnit, Markdown or JSON
//! reports. Exit 0 when every check passes, 1 when one fails, 2 when the file or the
//! connection cannot be used.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use clap::Args;

use crate::checks::{self, CheckOutcome, CheckRun};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The check file (JSON; see docs/user-guide.md, "Checks that run by themselves").
    file: PathBuf,
    /// The connection whose identity runs the checks (default: the environment's, or the only one).
    #[arg(long, short)]
    connection: Option<String>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a Markdown report here.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Print the whole run as JSON on standard output (progress still goes to standard error).
    #[arg(long)]
    json: bool,
    /// Run at most this many checks at once (default: the file's, else 4).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=checks::MAX_CONCURRENCY as u64))]
    concurrency: Option<u64>,
}

const UNUSABLE: u8 = 2;

fn unusable(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("lakegate: {msg}");
    ExitCode::from(UNUSABLE)
}

pub fn check(args: CheckArgs) -> ExitCode {
    let text = match std::fs::read(&args.file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return unusable(format!("{}: not UTF-8 text", args.file.display())),
        },
        Err(e) => return unusable(format!("{}: {e}", args.file.display())),
    };
    let mut file = match checks::parse(&text) {
        Ok(f) => f,
        Err(problems) => {
            eprintln!(
                "lakegate: {} is not a usable check file:",
                args.file.display()
            );
            for p in problems {
                eprintln!("  - {p}");
            }
            return ExitCode::from(UNUSABLE);
        }
    };
    if let Some(c) = args.concurrency {
        file.concurrency = Some(c as usize);
    }
    let name = file.name.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .map_or("checks".into(), |s| s.to_string_lossy().into_owned())
    });
    let Ok((connection, app, rt)) = super::workbench::on_connection(args.connection.as_deref())
    else {
        return ExitCode::from(UNUSABLE);
    };
    let progress = Progress::new(std::io::stderr().is_terminal());
    eprintln!(
        "Running {} check{} from {} as {connection}…",
        file.checks.len(),
        if file.checks.len() == 1 { "" } else { "s" },
        args.file.display()
    );
    let run = rt.block_on(
        app.run_checks(&connection, &name, &file, &|o, done, total| {
            progress.ended(o, done, total)
        }),
    );
    progress.finish();
    let run = match run {
        Ok(r) => r,
        Err(e) => return unusable(e),
    };
    for (path, text) in [
        (&args.junit, checks::to_junit as fn(&CheckRun) -> String),
        (&args.markdown, checks::to_markdown),
    ] {
        if let Some(path) = path {
            if let Err(e) = write(path, &text(&run)) {
                return unusable(e);
            }
        }
    }
    if args.json {
        println!("{}", checks::to_json(&run));
    } else {
        summary(&run);
    }
    if run.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Writes a report (its folder made if missing), as every file Lakegate writes: atomically.
pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
    crate::base::platform::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("Wrote {}", path.display());
    Ok(())
}

fn summary(run: &CheckRun) {
    let mut out = std::io::stdout().lock();
    for o in run.outcomes.iter().filter(|o| !o.passed) {
        let _ = writeln!(out, "FAIL {}  {} {}", o.name, o.method, o.url);
        if let Some(e) = &o.error {
            let _ = writeln!(out, "     no answer: {e}");
        }
        for p in &o.problems {
            let _ = writeln!(out, "     {p}");
        }
        for d in &o.doctor {
            let _ = writeln!(
                out,
                "     Doctor: {}: {} Next: {}",
                d.title, d.observed, d.next_step
            );
        }
    }
    let _ = writeln!(
        out,
        "{} of {} checks passed ({} failed) in {:.1} s against {}",
        run.passed,
        run.outcomes.len(),
        run.failed,
        run.total_ms / 1000.0,
        run.host
    );
}

/// A bar redrawn in place on a terminal; one line per check otherwise (CI logs).
struct Progress {
    bar: bool,
    failed: Mutex<usize>,
}

const BAR_WIDTH: usize = 30;

impl Progress {
    fn new(bar: bool) -> Progress {
        Progress {
            bar,
            failed: Mutex::new(0),
        }
    }

    fn ended(&self, o: &CheckOutcome, done: usize, total: usize) {
        let mut failed = crate::base::platform::lock(&self.failed);
        if !o.passed {
            *failed += 1;
        }
        let mut err = std::io::stderr().lock();
        let status = o.status.map_or("no answer".to_string(), |s| s.to_string());
        if self.bar {
            let filled = done * BAR_WIDTH / total.max(1);
            if !o.passed {
                // A failure stays on screen above the bar.
                let _ = writeln!(err, "\r\x1b[2K✘ {} ({status})", o.name);
            }
            let _ = write!(
                err,
                "\r\x1b[2K[{}{}] {done}/{total}  ✔ {}  ✘ {}",
                "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled),
                done - *failed,
                *failed
            );
        } else {
            let _ = writeln!(
                err,
                "[{done}/{total}] {} {}  {status}  {} ms",
                if o.passed { "PASS" } else { "FAIL" },
                o.name,
                o.ms.round()
            );
        }
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.bar {
            eprintln!();
        }
    }
}
