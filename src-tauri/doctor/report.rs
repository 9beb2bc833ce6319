//! The Doctor's report as Markdown and JSON, with anything token-shaped redacted.

use serde::Serialize;

use super::{Facts, Report, StepId, Verdict};
use crate::base::i18n::Msg;

pub use crate::base::redaction::redact_text as redact;

fn icon(v: Verdict, language: &str) -> String {
    v.marked().render(language)
}

/// The report as Markdown, in `language` (the window's; English for the command line).
pub fn to_markdown(r: &Report, language: &str) -> String {
    let t = |id: &str| Msg::new(id).render(language);
    let none = t("report-none");
    let mut md = format!(
        "# {}\n\n- URL: `{}`\n- {}: {}\n- {}: {}\n- {}: {}\n\n| {} | {} | {} |\n| --- | --- | --- |\n",
        t("report-title"),
        crate::base::redaction::redact_url(&r.url),
        t("report-method"),
        r.method,
        t("report-connection"),
        r.connection.as_deref().unwrap_or(&none),
        t("report-when"),
        crate::checks::iso_utc(r.at),
        t("report-column-check"),
        t("report-column-result"),
        t("report-column-observed"),
    );
    for f in &r.findings {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            f.check.name(language),
            icon(f.verdict, language),
            f.observed
                .render(language)
                .replace('|', "\\|")
                .replace('\n', " ")
        ));
    }
    md.push_str(&format!("\n## {}\n\n", t("report-what-to-do")));
    let mut any = false;
    for f in r
        .findings
        .iter()
        .filter(|f| matches!(f.verdict, Verdict::Fail | Verdict::Warn | Verdict::Unknown))
    {
        any = true;
        md.push_str(&format!(
            "### {} — {}\n\n- {}: {}\n- {}: {}\n- {}: {}\n\n",
            f.check.name(language),
            icon(f.verdict, language),
            t("report-observed"),
            f.observed.render(language),
            t("report-meaning"),
            f.meaning.render(language),
            t("report-next-step"),
            f.next_step.render(language)
        ));
    }
    if !any {
        md.push_str(&format!("{}\n", t("report-all-passed")));
    }
    redact(&md)
}

/// A finding with its sentences in one language, for JSON files.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RenderedFinding<'a> {
    check: StepId,
    title: String,
    verdict: Verdict,
    observed: String,
    meaning: String,
    next_step: String,
    facts: &'a Facts,
}

#[derive(Serialize)]
struct RenderedReport<'a> {
    url: String,
    method: &'a str,
    connection: Option<&'a str>,
    at: u64,
    language: &'a str,
    findings: Vec<RenderedFinding<'a>>,
}

/// The report as JSON, its sentences in `language`; the facts as the Doctor found them.
pub fn to_json(r: &Report, language: &str) -> String {
    let rendered = RenderedReport {
        url: crate::base::redaction::redact_url(&r.url),
        method: &r.method,
        connection: r.connection.as_deref(),
        at: r.at,
        language: crate::base::i18n::negotiate(language),
        findings: r
            .findings
            .iter()
            .map(|f| RenderedFinding {
                check: f.check,
                title: f.check.name(language),
                verdict: f.verdict,
                observed: f.observed.render(language),
                meaning: f.meaning.render(language),
                next_step: f.next_step.render(language),
                facts: &f.facts,
            })
            .collect(),
    };
    redact(&serde_json::to_string_pretty(&rendered).unwrap_or_default())
}
