//! The Doctor's report as Markdown and JSON, with anything token-shaped redacted.

use super::{Report, Verdict};

/// Replaces JWTs, PATs, refresh tokens and secrets by `[redacted]`, wherever they hide.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for (prefix, min) in [("eyJ", 20usize), ("dapi", 20), ("dose", 20), ("doau", 20)] {
            if rest.starts_with(prefix) {
                let len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
                    .count();
                if len >= min {
                    out.push_str("[redacted]");
                    rest = &rest[len..];
                    continue 'outer;
                }
            }
        }
        let ch = rest.chars().next().unwrap_or(' ');
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}

fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✔ pass",
        Verdict::Warn => "⚠ warn",
        Verdict::Fail => "✖ fail",
        Verdict::Unknown => "? unknown",
        Verdict::Skipped => "– skipped",
    }
}

pub fn to_markdown(r: &Report) -> String {
    let mut md = format!(
        "# Lakegate Doctor report\n\n- URL: `{}`\n- Method: {}\n- Connection: {}\n- When: {} (Unix time)\n\n| check | result | observed |\n| --- | --- | --- |\n",
        r.url,
        r.method,
        r.connection.as_deref().unwrap_or("none"),
        r.at
    );
    for f in &r.findings {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            f.title,
            icon(f.verdict),
            f.observed.replace('|', "\\|").replace('\n', " ")
        ));
    }
    md.push_str("\n## What to do\n\n");
    let mut any = false;
    for f in r
        .findings
        .iter()
        .filter(|f| matches!(f.verdict, Verdict::Fail | Verdict::Warn | Verdict::Unknown))
    {
        any = true;
        md.push_str(&format!(
            "### {} — {}\n\n- Observed: {}\n- Meaning: {}\n- Next step: {}\n\n",
            f.title,
            icon(f.verdict),
            f.observed,
            f.meaning,
            f.next_step
        ));
    }
    if !any {
        md.push_str("Every check passed.\n");
    }
    redact(&md)
}

pub fn to_json(r: &Report) -> String {
    redact(&serde_json::to_string_pretty(r).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn token_shapes_are_redacted() {
        let t = "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJl and dapi0123456789abcdef0123456789abcdef, dose00000000000000000000, doauAbCdEfGhIjKlMnOpQrStUv; eyJ short ok é";
        let r = redact(t);
        assert_eq!(
            r,
            "Bearer [redacted] and [redacted], [redacted], [redacted]; eyJ short ok é"
        );
    }
}
