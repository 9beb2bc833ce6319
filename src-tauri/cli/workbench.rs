//! `lakegate apps` and `lakegate call`: the workbench, headless.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use super::auth::{choose, fail, listing};
use super::{runtime, wait_for_shutdown};
use crate::base::host::HeadlessHost;
use crate::bridge::RequestInput;
use crate::connections::ConnectionStore;
use crate::engine::Engine;

#[derive(Debug, Args)]
pub struct AppsArgs {
    /// Show this app only.
    app: Option<String>,
    /// The connection (default: the environment's, or the only one).
    #[arg(long, short)]
    connection: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// GET, POST, PUT, PATCH, DELETE…
    #[arg(required_unless_present = "curl")]
    method: Option<String>,
    /// The full URL, e.g. an app's url plus /api/…
    #[arg(required_unless_present = "curl")]
    url: Option<String>,
    /// A curl command (as copied from a page or a colleague) to send instead: its method,
    /// URL, headers and body; its credentials are left out and the connection's token is
    /// used (the connection whose workspace owns the URL's host, unless -c names one).
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["method", "url", "headers", "data", "no_auth"])]
    curl: Option<String>,
    /// A header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The body (`@file` reads a file; `-` reads standard input).
    #[arg(short = 'd', long = "data", value_name = "BODY")]
    data: Option<String>,
    /// The connection whose token is sent (default: the environment's, or the only one).
    #[arg(long, short)]
    connection: Option<String>,
    /// Send no token at all.
    #[arg(long, conflicts_with = "connection")]
    no_auth: bool,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Print the status, headers, timings and body as JSON.
    #[arg(long)]
    json: bool,
    /// Print the status line and headers before the body.
    #[arg(long, short)]
    include: bool,
    /// Write the body to this file (its bytes, exactly) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    /// Indent a JSON body (keys in their order, numbers as sent).
    #[arg(long, conflicts_with = "json")]
    pretty: bool,
}

pub(super) fn app() -> Result<Engine, ExitCode> {
    Engine::new(Arc::new(HeadlessHost { no_browser: true })).map_err(fail)
}

/// What a command on one connection starts from: the connection's name (given, else the
/// environment's or the only one), the engine and a runtime; each failure already said.
pub(super) fn on_connection(
    name: Option<&str>,
) -> Result<(String, Engine, tokio::runtime::Runtime), ExitCode> {
    Ok((connection_name(name)?, app()?, super::runtime()?))
}

pub(super) fn connection_name(name: Option<&str>) -> Result<String, ExitCode> {
    let dir = crate::base::platform::config_dir().map_err(fail)?;
    let l = listing(&ConnectionStore::in_dir(&dir))?;
    Ok(choose(&l, name)?.name)
}

pub fn apps(args: AppsArgs) -> ExitCode {
    let Ok(name) = connection_name(args.connection.as_deref()) else {
        return ExitCode::FAILURE;
    };
    let Ok(app) = app() else {
        return ExitCode::FAILURE;
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    let apps = match rt.block_on(app.list_apps(&name)) {
        Ok(apps) => apps,
        Err(e) => return fail(e),
    };
    let apps: Vec<_> = match &args.app {
        Some(wanted) => match apps.into_iter().find(|a| &a.name == wanted) {
            Some(a) => vec![a],
            None => return fail(format!("{name}'s workspace has no app named {wanted:?}")),
        },
        None => apps,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&apps).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    if apps.is_empty() {
        println!("No apps in this workspace (or none this identity can see).");
    }
    for a in &apps {
        let state = format!(
            "{} / {}",
            a.app_state.as_deref().unwrap_or("?"),
            a.compute_state.as_deref().unwrap_or("?")
        );
        let scopes = if a.user_api_scopes.is_empty() {
            String::new()
        } else {
            format!("  scopes: {}", a.user_api_scopes.join(" "))
        };
        println!(
            "{}\t{}\t{}{}",
            a.name,
            state,
            a.url.as_deref().unwrap_or("(not deployed)"),
            scopes
        );
    }
    ExitCode::SUCCESS
}

fn read_body(data: &str) -> Result<String, String> {
    if data == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("standard input: {e}"))?;
        return Ok(s);
    }
    match data.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}")),
        None => Ok(data.to_string()),
    }
}

pub fn call(args: CallArgs) -> ExitCode {
    if let Some(text) = &args.curl {
        return call_curl(text, &args);
    }
    let (Some(method), Some(url)) = (args.method.clone(), args.url.clone()) else {
        return fail("give a METHOD and a URL, or --curl 'curl …'");
    };
    let mut headers = Vec::new();
    for h in &args.headers {
        match h.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => {
                headers.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => return fail(format!("-H {h:?}: write headers as `Name: value`")),
        }
    }
    let body = match args.data.as_deref().map(read_body).transpose() {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if body.is_some()
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        let json = body
            .as_deref()
            .is_some_and(|b| serde_json::from_str::<serde_json::Value>(b).is_ok());
        headers.push((
            "Content-Type".into(),
            if json {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            }
            .into(),
        ));
    }
    let connection = if args.no_auth {
        None
    } else {
        match connection_name(args.connection.as_deref()) {
            Ok(n) => Some(n),
            Err(code) => return code,
        }
    };
    if let Ok(u) = url::Url::parse(&url) {
        if connection.is_some()
            && !u.path().starts_with("/api/")
            && u.host_str()
                .is_some_and(|h| h.contains(".apps.") || h.contains("databricksapps"))
        {
            eprintln!("lakegate: note: apps accept tokens on /api/ routes only; {} will likely answer with a redirect to sign-in", u.path());
        }
    }
    let Ok(app) = app() else {
        return ExitCode::FAILURE;
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    let request = RequestInput {
        connection,
        method,
        url,
        query: vec![],
        headers,
        body,
        timeout_secs: args.timeout,
        without_token: None,
    };
    send_and_print(&app, &rt, request, &args)
}

/// `lakegate call --curl '…'`: the window's import, then the same sending and printing.
fn call_curl(text: &str, args: &CallArgs) -> ExitCode {
    let Ok(app) = app() else {
        return ExitCode::FAILURE;
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    let imported = match rt.block_on(app.import_curl(text, None)) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let mut request = imported.request;
    request.connection = match (&args.connection, request.connection.take()) {
        (Some(named), _) => Some(named.clone()),
        (None, Some(found)) => Some(found),
        (None, None) => match connection_name(None) {
            Ok(n) => Some(n),
            Err(code) => return code,
        },
    };
    for note in imported.notes.iter().filter(|n| {
        // "No connection's workspace lists …" is moot once one was chosen by name.
        args.connection.is_none() || imported.connection_found || !n.starts_with("No connection")
    }) {
        eprintln!("lakegate: note: {note}");
    }
    if args.timeout != 60 {
        request.timeout_secs = args.timeout;
    }
    send_and_print(&app, &rt, request, args)
}

fn send_and_print(
    app: &Engine,
    rt: &tokio::runtime::Runtime,
    request: RequestInput,
    args: &CallArgs,
) -> ExitCode {
    // Plain output is written as it arrives (a stream shows token by token).
    let live = !args.json && !args.pretty && !args.include && args.output.is_none();
    let raw_method = request.method.trim().to_ascii_uppercase();
    let result = rt.block_on(async {
        let send = async {
            if live {
                let out: crate::http::call::OnChunk = Arc::new(move |_, piece: &[u8]| {
                    let mut o = std::io::stdout().lock();
                    let _ = o.write_all(piece);
                    let _ = o.flush();
                });
                app.send_streaming("cli", request, out).await
            } else {
                app.send("cli", request).await
            }
        };
        tokio::select! {
            r = send => r,
            _ = wait_for_shutdown() => Err(crate::base::error::UiError::Cancelled { message: "the request was cancelled".into() }),
        }
    });
    let raw = match result {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    for secs in &raw.waited_secs {
        eprintln!("lakegate: the server asked to wait {secs} s (rate limit, Retry-After); Lakegate waited and sent the {method} again (safe to repeat)", method = raw_method);
    }
    let retry = raw
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.as_str());
    if crate::http::retry_after(raw.status, retry).is_some()
        && !crate::http::safe_to_repeat(&raw_method)
    {
        eprintln!(
            "lakegate: the server asks to wait {} s (Retry-After); a {raw_method} is not safe to send twice, so Lakegate did not send it again: send it yourself after the wait",
            retry.unwrap_or("?").trim()
        );
    }
    // The body's bytes, as the app sent them (and in --json, the same view the window gets).
    let body = raw.body.clone();
    let resp = crate::request::response_view(raw, crate::http::call::DEFAULT_BODY_CAP);
    // A redirect is not the answer either: it is shown, not followed (and an app's domain
    // sends a token it did not accept to sign in with one, databricks/cli#6605).
    let failed = crate::http::refused(resp.status);
    // What the server said, in words (an error page's title and text, not its markup).
    let said = if failed {
        let start = &body[..body.len().min(64 * 1024)];
        let w = crate::http::words::said(&String::from_utf8_lossy(start), 300);
        if w.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", w.trim())
        }
    } else {
        String::new()
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&resp).unwrap_or_default()
        );
    } else {
        let mut out = std::io::stdout().lock();
        if args.include {
            let _ = writeln!(out, "HTTP {} {}", resp.status, resp.reason);
            for (k, v) in &resp.headers {
                let _ = writeln!(out, "{k}: {v}");
            }
            let _ = writeln!(out);
        }
        let shown = match (&resp.body_text, args.pretty) {
            (Some(text), true) if resp.body_kind == crate::bridge::BodyKind::Json => {
                let mut t = crate::body::indent_json(text);
                t.push('\n');
                t.into_bytes()
            }
            _ => body,
        };
        match &args.output {
            Some(path) => {
                if let Err(e) = crate::base::platform::write_atomically(path, &shown) {
                    return fail(format!("{}: {e}", path.display()));
                }
                eprintln!(
                    "lakegate: wrote {} bytes to {}",
                    shown.len(),
                    path.display()
                );
            }
            // Written already, piece by piece, as it arrived.
            None if live => {}
            None => {
                let _ = out.write_all(&shown);
                let _ = out.flush();
            }
        }
    }
    if resp.truncated {
        eprintln!(
            "lakegate: the body was larger than {} MiB; only its beginning is shown",
            resp.cap / 1024 / 1024
        );
    }
    if (300..400).contains(&resp.status) {
        let location = resp
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("location"))
            .map_or("(no Location)", |(_, v)| v.as_str());
        eprintln!(
            "lakegate: HTTP {} {} → {location} (redirects are shown, not followed)",
            resp.status, resp.reason
        );
        if crate::doctor::to_oauth_sign_in(Some(location)) {
            eprintln!(
                "lakegate: {} Run `lakegate doctor` on this URL for why.",
                crate::base::i18n::Msg::new("doctor-request-302-sign-in")
                    .arg("location", location)
                    .render(crate::base::i18n::ENGLISH)
            );
        }
    }
    if failed {
        eprintln!(
            "lakegate: HTTP {} {} ({:.0} ms){said}",
            resp.status, resp.reason, resp.timings.total_ms
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The app URL that fails, with its path, e.g. https://…databricksapps.com/api/hello
    url: String,
    /// The method to check.
    #[arg(short = 'X', long, default_value = "GET")]
    method: String,
    /// The connection whose token is checked (default: the environment's, or the only one).
    #[arg(long, short)]
    connection: Option<String>,
    /// Check without a connection (network and URL only).
    #[arg(long, conflicts_with = "connection")]
    no_auth: bool,
    /// Print the report as JSON (secrets redacted).
    #[arg(long)]
    json: bool,
    /// Also write the report as Markdown to this file (secrets redacted).
    #[arg(long, value_name = "FILE")]
    markdown: Option<std::path::PathBuf>,
    /// When the app or workspace answered in a way no recorded Databricks answer matches,
    /// save that answer to FILE in the corpus's format (tests/fixtures/databricks/): no
    /// token, cookie or body beyond the words that identify the error.
    #[arg(long, value_name = "FILE")]
    save_recording: Option<std::path::PathBuf>,
}

pub fn doctor(args: DoctorArgs) -> ExitCode {
    let connection = if args.no_auth {
        None
    } else {
        match connection_name(args.connection.as_deref()) {
            Ok(n) => Some(n),
            Err(code) => return code,
        }
    };
    let Ok(app) = app() else {
        return ExitCode::FAILURE;
    };
    let Ok(rt) = runtime() else {
        return ExitCode::FAILURE;
    };
    let live = !args.json;
    let progress = move |f: &crate::doctor::Finding| {
        if live {
            let mark = &f.verdict.marked().mark;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{mark} {}: {}",
                f.title,
                crate::doctor::redact(&f.observed.to_string())
            );
            if matches!(
                f.verdict,
                crate::doctor::Verdict::Fail
                    | crate::doctor::Verdict::Warn
                    | crate::doctor::Verdict::Unknown
            ) {
                if !f.meaning.is_empty() {
                    let _ = writeln!(out, "    {}", f.meaning);
                }
                if !f.next_step.is_empty() {
                    let _ = writeln!(
                        out,
                        "    → {}",
                        crate::doctor::redact(&f.next_step.to_string())
                    );
                }
            }
        }
    };
    let report = match rt.block_on(app.diagnose(
        connection.as_deref(),
        &args.url,
        &args.method,
        None,
        &progress,
    )) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if args.json {
        println!(
            "{}",
            crate::doctor::to_json(&report, crate::base::i18n::ENGLISH)
        );
    }
    if let Some(path) = &args.markdown {
        if let Err(e) = crate::base::platform::write_atomically(
            path,
            crate::doctor::to_markdown(&report, crate::base::i18n::ENGLISH).as_bytes(),
        ) {
            return fail(format!("{}: {e}", path.display()));
        }
    }
    if let Some(path) = &args.save_recording {
        match &report.recording {
            Some(_) if path.exists() => {
                return fail(format!(
                    "{} is there already: nothing was written over it",
                    path.display()
                ))
            }
            Some(recording) => {
                if let Err(e) = crate::base::platform::write_atomically(path, recording.as_bytes()) {
                    return fail(format!("{}: {e}", path.display()));
                }
                eprintln!(
                    "lakegate: wrote a field recording to {} — fill in its source (where you send it) and send it to us",
                    path.display()
                );
            }
            None => eprintln!(
                "lakegate: nothing to record: the answer matches one Databricks is on record as giving (or there was no error answer)"
            ),
        }
    }
    if report.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
