//! An answer that is an HTML page (the Apps proxy's error pages, a sign-in page, a company
//! proxy's block page) read for its words, wherever Lakegate quotes an answer: its title,
//! then its visible text, without markup, scripts or styles.

/// Whether `body` is an HTML page rather than JSON or text.
pub fn is_html(body: &str) -> bool {
    let start: String = body
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.starts_with("<head")
        || start.starts_with("<body")
        || (start.starts_with('<') && body.to_ascii_lowercase().contains("</html>"))
}

/// `body` as a person reads it: an HTML page as "title — text" (at most `max` characters),
/// anything else as it is (cut at `max`).
pub fn words(body: &str, max: usize) -> String {
    // The words that identify an answer are at its start: never read more than this.
    let body = head(body, MAX_READ);
    let text = if is_html(body) {
        page_words(body)
    } else {
        body.trim().to_string()
    };
    cut(&text, max)
}

/// The most of an answer read for its words.
const MAX_READ: usize = 64 * 1024;

/// The first `max` bytes of `s`, on a character boundary.
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// What a server said in an error answer, as a person reads it: a JSON error's `message`
/// (or `error_description`, `detail`, `error`, `error_code`), an HTML page's words, or the
/// text (at most `max` characters).
pub fn said(body: &str, max: usize) -> String {
    if let Ok(serde_json::Value::Object(v)) = serde_json::from_str::<serde_json::Value>(body) {
        let found = [
            "message",
            "error_description",
            "detail",
            "error",
            "error_code",
        ]
        .iter()
        .find_map(|k| v.get(*k).and_then(|m| m.as_str()).filter(|m| !m.is_empty()));
        if let Some(m) = found {
            return one_line(m).chars().take(max).collect();
        }
    }
    one_line(&words(body, max))
}

/// Whitespace runs (line breaks too) as one space: a quote that fits on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The title and the visible text of an HTML page, whitespace collapsed. Linear: a tag
/// whose closing tag is missing is looked for once.
pub fn page_words(html: &str) -> String {
    let html = head(html, MAX_READ);
    let lower = html.to_ascii_lowercase();
    let title = lower
        .find("<title")
        .and_then(|i| lower[i..].find('>').map(|j| i + j + 1))
        .and_then(|start| {
            lower[start..]
                .find("</title")
                .map(|end| (start, start + end))
        })
        .map(|(s, e)| collapse(&decode(&html[s..e])))
        .unwrap_or_default();
    // The body's text: tags dropped, script, style and head contents skipped.
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    let mut rest_lower = lower.as_str();
    const SKIPPED: [&str; 5] = ["script", "style", "head", "title", "noscript"];
    let mut unclosed = [false; SKIPPED.len()];
    while let Some(open) = rest_lower.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let skip_to = SKIPPED
            .iter()
            .position(|t| {
                rest_lower[open + 1..].starts_with(*t)
                    && rest_lower[open + 1 + t.len()..]
                        .starts_with(|c: char| c == '>' || c.is_whitespace())
            })
            .filter(|i| !unclosed[*i])
            .and_then(|i| {
                let found = rest_lower[open..]
                    .find(&format!("</{}", SKIPPED[i]))
                    .map(|e| open + e);
                unclosed[i] = found.is_none();
                found
            });
        let from = skip_to.unwrap_or(open);
        match rest_lower[from..].find('>') {
            Some(close) => {
                rest = &rest[from + close + 1..];
                rest_lower = &rest_lower[from + close + 1..];
            }
            None => {
                rest = "";
                rest_lower = "";
            }
        }
    }
    text.push_str(rest);
    let body = collapse(&decode(&text));
    let body = body
        .strip_prefix(title.as_str())
        .map(str::trim_start)
        .unwrap_or(&body)
        .to_string();
    match (title.is_empty(), body.is_empty()) {
        (true, _) => body,
        (false, true) => title,
        (false, false) => format!("{title} — {body}"),
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The few entities error pages use.
fn decode(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_read_as_words() {
        let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>App Not Available</title>\
                    <style>body{color:red}</style><script>var x = '<p>';</script></head>\
                    <body><h1>App Not Available</h1><p>The app &quot;sales&quot; is not running.&nbsp;Start it.</p></body></html>";
        assert!(is_html(page));
        assert_eq!(
            words(page, 300),
            "App Not Available — The app \"sales\" is not running. Start it."
        );
        assert_eq!(words("{\"error_code\":403}", 300), "{\"error_code\":403}");
        assert!(!is_html("Forbidden: no <b>"));
        assert_eq!(words(&"x".repeat(10), 4), "xxxx…");
        assert_eq!(
            words("<html><body>Sign in to continue</body></html>", 300),
            "Sign in to continue"
        );
        // Broken markup never panics.
        for bad in ["<html><title>x", "<html><script>", "<html><p", "<html>é<"] {
            let _ = words(bad, 50);
        }
        // Unclosed scripts by the thousand are read in one pass (each closer looked for once).
        let hostile = format!("<html>{}", "<script>é".repeat(200_000));
        assert!(words(&hostile, 50).chars().count() <= 51);
    }
}
