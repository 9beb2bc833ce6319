//! Running a check file against a connection: the same core for `lakegate check` and
//! the window's Checks board.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::Semaphore;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::error::UiError;
use crate::base::i18n::wsay;
use crate::checks::{self, Check, CheckFile, CheckOutcome, CheckRun, DoctorNote};
use crate::doctor::Verdict;
use crate::engine::files::{expand_home, write_text_file};
use crate::engine::Engine;
use crate::request::full_url_of;

/// How much of an answer the board shows beside a check.
const ANSWER_EXCERPT: usize = 2_000;

/// Told of each check as it ends: the outcome, how many have ended, how many there are.
pub type OnOutcome<'a> = &'a (dyn Fn(&CheckOutcome, usize, usize) + Send + Sync);

/// A check file as the board lists it before a run.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckFileView {
    /// The file, as read (`~/` expanded).
    pub path: String,
    pub name: String,
    pub concurrency: u32,
    pub checks: Vec<CheckLine>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckLine {
    pub name: String,
    pub method: String,
    /// `app /path` or the URL.
    pub target: String,
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Junit,
    Markdown,
    Json,
}

/// Reads and checks a check file: its name (the file's own, else the file name's stem).
fn read_check_file(path: &str) -> Result<(std::path::PathBuf, String, CheckFile), UiError> {
    let path = expand_home(path.trim())?;
    let shown = path.display().to_string();
    let bad = |message: String| UiError::InvalidInput {
        message,
        field: "checkFile".into(),
    };
    let meta = std::fs::metadata(&path).map_err(|e| bad(format!("{shown}: {e}")))?;
    if meta.len() > checks::MAX_FILE_BYTES as u64 {
        return Err(bad(wsay!(
            "checkfile-too-big",
            path = &shown,
            bytes = meta.len()
        )));
    }
    let text = std::fs::read(&path).map_err(|e| bad(format!("{shown}: {e}")))?;
    let text =
        String::from_utf8(text).map_err(|_| bad(wsay!("checkfile-not-utf8", path = &shown)))?;
    let file = checks::parse(&text).map_err(|problems| {
        bad(wsay!(
            "checkfile-unusable",
            path = &shown,
            problems = problems.join("\n")
        ))
    })?;
    let name = file.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map_or("checks".into(), |s| s.to_string_lossy().into_owned())
    });
    Ok((path, name, file))
}

impl Engine {
    /// A check file, read and checked, as the board lists it.
    pub fn open_check_file(&self, path: &str) -> Result<CheckFileView, UiError> {
        let (path, name, file) = read_check_file(path)?;
        Ok(CheckFileView {
            path: path.display().to_string(),
            name,
            concurrency: file.concurrency() as u32,
            checks: file
                .checks
                .iter()
                .map(|c| CheckLine {
                    name: c.name.clone(),
                    method: c.method.trim().to_ascii_uppercase(),
                    target: match (&c.url, &c.app, &c.path) {
                        (Some(u), _, _) => u.clone(),
                        (None, Some(a), Some(p)) => format!("{a} {p}"),
                        _ => String::new(),
                    },
                })
                .collect(),
        })
    }

    /// Runs a check file (read again: what is run is what is on disk now) for the board,
    /// which keeps the run for its reports.
    pub async fn run_check_file(
        &self,
        path: &str,
        connection: &str,
        on_outcome: OnOutcome<'_>,
    ) -> Result<CheckRun, UiError> {
        let (_, name, file) = read_check_file(path)?;
        let run = self
            .run_checks(connection, &name, &file, on_outcome)
            .await?;
        *crate::base::platform::lock(&self.last_checks) = Some(run.clone());
        Ok(run)
    }

    /// Writes a check file made of the saved requests of `collection` (apps recognised in
    /// `connection`'s workspace become app and path) to `path`, and opens it.
    pub async fn check_file_from_saved(
        &self,
        collection: &str,
        connection: Option<&str>,
        path: &str,
        replace: bool,
    ) -> Result<CheckFileView, UiError> {
        let requests: Vec<_> = self
            .saved_requests()?
            .into_iter()
            .filter(|s| s.collection == collection)
            .map(|s| (s.name, s.request))
            .collect();
        if requests.is_empty() {
            return Err(UiError::invalid(
                "collection",
                wsay!("checks-no-saved", collection = format!("{collection:?}")),
            ));
        }
        let apps = match connection {
            Some(c) => self.list_apps(c).await.unwrap_or_default(),
            None => vec![],
        };
        let text = checks::from_requests(collection, &requests, &apps).map_err(|problems| {
            UiError::invalid(
                "collection",
                wsay!("checks-saved-unusable", problems = problems.join("\n")),
            )
        })?;
        let written = write_text_file(path, replace, &text)?;
        self.open_check_file(&written)
    }

    /// Writes the board's last run as a report to `path`; an existing file is only
    /// replaced when `replace` says so. Returns the path written.
    pub fn save_check_report(
        &self,
        format: ReportFormat,
        path: &str,
        replace: bool,
    ) -> Result<String, UiError> {
        let render = |run: &CheckRun| match format {
            ReportFormat::Junit => checks::to_junit(run),
            ReportFormat::Markdown => checks::to_markdown(run),
            ReportFormat::Json => checks::to_json(run),
        };
        let missing = wsay!("checks-none-run");
        crate::engine::files::save_last(&self.last_checks, missing, render, path, replace)
    }

    /// Runs every check of `file` as `connection`, at most the file's concurrency at once;
    /// outcomes in the file's order. Each request is sent once; a refused or failed one
    /// gets the Doctor's short form, from the answer it already got.
    pub async fn run_checks(
        &self,
        connection: &str,
        name: &str,
        file: &CheckFile,
        on_outcome: OnOutcome<'_>,
    ) -> Result<CheckRun, UiError> {
        let conn = self.find(connection).await?;
        let started_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let t0 = Instant::now();
        // Apps named by the file are looked up once, in this connection's workspace.
        let apps = if file.checks.iter().any(|c| c.app.is_some()) {
            Some(self.list_apps(connection).await?)
        } else {
            None
        };
        let gate = Semaphore::new(file.concurrency());
        let ended = AtomicUsize::new(0);
        let total = file.checks.len();
        let runs = file.checks.iter().enumerate().map(|(i, check)| {
            let gate = &gate;
            let ended = &ended;
            let apps = apps.as_deref();
            async move {
                let _permit = gate.acquire().await;
                let outcome = self.run_check(connection, i, check, apps).await;
                on_outcome(&outcome, ended.fetch_add(1, Ordering::SeqCst) + 1, total);
                outcome
            }
        });
        let outcomes = futures_util::future::join_all(runs).await;
        let passed = outcomes.iter().filter(|o| o.passed).count();
        Ok(CheckRun {
            name: name.to_string(),
            connection: connection.to_string(),
            host: conn.host.clone(),
            started_at,
            total_ms: t0.elapsed().as_secs_f64() * 1000.0,
            passed,
            failed: outcomes.len() - passed,
            outcomes,
        })
    }

    async fn run_check(
        &self,
        connection: &str,
        index: usize,
        check: &Check,
        apps: Option<&[crate::bridge::AppView]>,
    ) -> CheckOutcome {
        let method = check.method.trim().to_ascii_uppercase();
        let mut outcome = CheckOutcome {
            name: check.name.clone(),
            method: method.clone(),
            url: check.url.clone().unwrap_or_default(),
            passed: false,
            status: None,
            ms: 0.0,
            problems: vec![],
            error: None,
            doctor: vec![],
            answer: None,
        };
        let url = match (&check.url, &check.app, &check.path) {
            (Some(u), _, _) => u.clone(),
            (None, Some(app), Some(path)) => {
                let found = apps.and_then(|a| a.iter().find(|x| &x.name == app));
                match found {
                    Some(a) => match &a.url {
                        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
                        None => {
                            outcome.url = format!("{app}{path}");
                            outcome.error =
                                Some(wsay!("check-app-never-deployed", app = format!("{app:?}")));
                            return outcome;
                        }
                    },
                    None => {
                        outcome.url = format!("{app}{path}");
                        let names: Vec<&str> = apps
                            .unwrap_or_default()
                            .iter()
                            .map(|a| a.name.as_str())
                            .collect();
                        outcome.error = Some(wsay!(
                            "check-no-such-app",
                            app = format!("{app:?}"),
                            connection = connection,
                            count = names.len(),
                            apps = names.join(", ")
                        ));
                        return outcome;
                    }
                }
            }
            // checks::parse lets no such check through; a file built by hand may.
            _ => {
                outcome.error = Some("the check names neither a URL nor an app and path".into());
                return outcome;
            }
        };
        let request = check.request(connection, url);
        outcome.url = full_url_of(&request).map_or(request.url.clone(), |u| u.to_string());
        let id = format!("check-{}-{index}-{}", std::process::id(), nonce());
        let t0 = Instant::now();
        let sent = self.send_unrecorded(&id, request).await;
        outcome.ms = t0.elapsed().as_secs_f64() * 1000.0;
        let refused = match sent {
            Ok(answer) => {
                outcome.ms = answer.timings.total_ms;
                outcome.status = Some(answer.status);
                outcome.problems =
                    check.judge(answer.status, &answer.body, answer.timings.total_ms);
                outcome.passed = outcome.problems.is_empty();
                let text =
                    String::from_utf8_lossy(&answer.body[..answer.body.len().min(ANSWER_EXCERPT)]);
                outcome.answer = Some(text.into_owned());
                // A redirect is a refusal too (an app's domain sends a token it did not
                // accept to sign in): the Doctor says why.
                crate::http::refused(answer.status)
            }
            Err(e) => {
                outcome.error = Some(e.to_string());
                true
            }
        };
        if !outcome.passed && refused {
            let report = self
                .diagnose(Some(connection), &outcome.url, &method, Some(&id), &|_| {})
                .await;
            if let Ok(report) = report {
                outcome.doctor = report
                    .findings
                    .iter()
                    .filter(|f| {
                        matches!(f.verdict, Verdict::Fail | Verdict::Warn | Verdict::Unknown)
                    })
                    .map(|f| DoctorNote {
                        title: f.check.name(self.language()),
                        observed: f.observed.render(self.language()),
                        next_step: f.next_step.render(self.language()),
                    })
                    .collect();
            }
        }
        outcome
    }
}

fn nonce() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}
