//! A pasted `curl` command read as a request: method, URL, query, headers and body. The
//! words are split by `shlex` (POSIX shell quoting, `\` line continuations). Credentials
//! in the command (any header `redaction` counts as one, `-u`, `--oauth2-bearer`, cookies,
//! a URL's user-info) are never kept: the connection's own token is used instead, and the
//! caller names what was left out.

mod ops;

use serde::Serialize;
use ts_rs::TS;

/// A curl command as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub method: String,
    /// The URL without its query.
    pub url: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub timeout_secs: Option<u64>,
    /// The command carried a credential, left out.
    pub carried_token: bool,
    /// What was left out, by name (`Authorization`, `X-Api-Key`, `-u`, `user-info`, …).
    pub left_out: Vec<String>,
    /// What was read differently from curl, in words (a redirect not followed, …).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, TS)]
#[serde(tag = "kind", content = "detail")]
pub enum CurlError {
    #[error("this is not a curl command: it should start with `curl`")]
    NotCurl,
    #[error("the command's quotes are not closed: copy the whole command")]
    Unbalanced,
    #[error("the command has no URL")]
    NoUrl,
    #[error("the command has two URLs ({0} and {1}): Lakegate sends one request at a time")]
    TwoUrls(String, String),
    #[error("{0} needs a value after it")]
    MissingValue(String),
    #[error("curl's {0} is not understood here: remove it and paste again")]
    Unknown(String),
    #[error("{0} reads a file ({1}): paste the body itself")]
    ReadsFile(String, String),
    #[error("{0}")]
    Invalid(String),
}

/// Options that take no value and change nothing Lakegate does (or are said in a note).
const FLAGS: &[(&str, &str)] = &[
    ("-s", ""),
    ("--silent", ""),
    ("-S", ""),
    ("--show-error", ""),
    ("-v", ""),
    ("--verbose", ""),
    ("-i", ""),
    ("--include", ""),
    ("-f", ""),
    ("--fail", ""),
    ("--fail-with-body", ""),
    ("--compressed", ""),
    ("-#", ""),
    ("--progress-bar", ""),
    ("-N", ""),
    ("--no-buffer", ""),
    ("-L", "curl-note-redirects"),
    ("--location", "curl-note-redirects"),
    ("-k", "curl-note-insecure-k"),
    ("--insecure", "curl-note-insecure"),
    ("-G", ""),
    ("--get", ""),
];

/// Options whose value Lakegate does not use, said in a note.
const IGNORED_WITH_VALUE: &[(&str, &str)] = &[
    ("-o", "curl-note-output-o"),
    ("--output", "curl-note-output"),
    ("-x", "curl-note-proxy-x"),
    ("--proxy", "curl-note-proxy"),
    ("-w", ""),
    ("--write-out", ""),
    ("--connect-timeout", ""),
    ("--retry", "curl-note-retry"),
    (
        "--cacert",
        "curl's --cacert is not used: a connection's CA bundle is set on the connection",
    ),
];

/// Options that carry a credential: their value is dropped.
const CREDENTIALS: &[&str] = &["-u", "--user", "--oauth2-bearer", "-b", "--cookie"];

use crate::base::redaction::is_secret_header;

/// A header value that is a variable (`$DATABRICKS_TOKEN`), not a token itself.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let v = v.split_once(' ').map_or(v, |(_, rest)| rest.trim());
    v.starts_with('$') || v.is_empty()
}

pub fn parse(text: &str) -> Result<Parsed, CurlError> {
    let mut words = words_of(text)?.into_iter();
    let mut read = Reading::default();
    // Short flags written together (`-sSL`) come back as more words.
    let mut pending: Vec<String> = Vec::new();
    while let Some(word) = pending.pop().or_else(|| words.next()) {
        // `-XPOST`, `-HName: v`, `-sSL`: short options written together.
        let (opt, attached) = split_option(&word);
        let Some(opt) = opt else {
            read.set_url(word)?;
            continue;
        };
        let value = |name: &str, words: &mut std::vec::IntoIter<String>| match &attached {
            Some(v) => Ok(v.clone()),
            None => words
                .next()
                .ok_or_else(|| CurlError::MissingValue(name.to_string())),
        };
        if takes_value(&opt) {
            let v = value(&opt, &mut words)?;
            read.option_with_value(&opt, v)?;
        } else if FLAGS.iter().any(|(f, _)| *f == opt) {
            if let Some(rest) = &attached {
                // `-sSL`: the rest are more short flags.
                pending.push(format!("-{rest}"));
            }
            read.flag(&opt);
        } else {
            return Err(CurlError::Unknown(opt));
        }
    }
    read.finish()
}

/// The command's words as a POSIX shell splits them, after `curl`: a `$ ` prompt and lines
/// continued with a backslash (as the guide writes them) are taken off first.
fn words_of(text: &str) -> Result<Vec<String>, CurlError> {
    // A command copied from a terminal or a page may carry a `$ ` prompt.
    let text = text.trim().trim_start_matches("$ ").trim_start();
    if !text.starts_with("curl") {
        return Err(CurlError::NotCurl);
    }
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut words = shlex::split(&joined).ok_or(CurlError::Unbalanced)?;
    if words.first().map(String::as_str) != Some("curl") {
        return Err(CurlError::NotCurl);
    }
    words.remove(0);
    Ok(words)
}

/// Whether `opt` is one Lakegate reads a value for.
fn takes_value(opt: &str) -> bool {
    [
        "-X",
        "--request",
        "--url",
        "-H",
        "--header",
        "-d",
        "--data",
        "--data-ascii",
        "--data-binary",
        "--data-raw",
        "--json",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-m",
        "--max-time",
    ]
    .contains(&opt)
        || CREDENTIALS.contains(&opt)
        || IGNORED_WITH_VALUE.iter().any(|(f, _)| *f == opt)
}

/// What the command says so far, option by option.
#[derive(Default)]
struct Reading {
    method: Option<String>,
    url: Option<String>,
    headers: Vec<(String, String)>,
    data: Vec<String>,
    json: bool,
    get: bool,
    timeout_secs: Option<u64>,
    carried_token: bool,
    left_out: Vec<String>,
    notes: Vec<String>,
}

impl Reading {
    fn set_url(&mut self, u: String) -> Result<(), CurlError> {
        match &self.url {
            Some(first) => Err(CurlError::TwoUrls(first.clone(), u)),
            None => {
                self.url = Some(u);
                Ok(())
            }
        }
    }

    /// A note is a catalogue message id (empty: nothing to say), said in the window's
    /// language, once.
    fn note(&mut self, id: &str) {
        if id.is_empty() {
            return;
        }
        let n = crate::base::i18n::Msg::new(id).render(crate::base::i18n::window_language());
        if !self.notes.iter().any(|x| x == &n) {
            self.notes.push(n);
        }
    }

    /// A credential Lakegate leaves out (the connection's own token is used), named once.
    fn leave_out(&mut self, name: &str, carried: bool) {
        self.carried_token |= carried;
        if !self.left_out.iter().any(|l| l.eq_ignore_ascii_case(name)) {
            self.left_out.push(name.to_string());
        }
    }

    fn option_with_value(&mut self, opt: &str, v: String) -> Result<(), CurlError> {
        match opt {
            "-X" | "--request" => self.method = Some(v.to_ascii_uppercase()),
            "--url" => self.set_url(v)?,
            "-H" | "--header" => {
                let (name, value) = v.split_once(':').ok_or_else(|| {
                    CurlError::Invalid(format!(
                        "the header {v:?} has no `:` between its name and value"
                    ))
                })?;
                let (name, value) = (name.trim(), value.trim());
                if is_secret_header(name) {
                    self.leave_out(name, !is_placeholder(value));
                } else if !name.is_empty() {
                    self.headers.push((name.to_string(), value.to_string()));
                }
            }
            "-d" | "--data" | "--data-ascii" | "--data-binary" | "--data-raw" | "--json" => {
                if opt != "--data-raw" && v.starts_with('@') {
                    return Err(CurlError::ReadsFile(opt.to_string(), v));
                }
                // curl drops newlines from -d/--data files only; typed text is sent as it is.
                self.data.push(v);
                self.json |= opt == "--json";
            }
            "-A" | "--user-agent" => self.headers.push(("User-Agent".into(), v)),
            "-e" | "--referer" => self.headers.push(("Referer".into(), v)),
            "-m" | "--max-time" => {
                let secs: f64 = v.parse().map_err(|_| {
                    CurlError::Invalid(format!("{opt} {v:?} is not a number of seconds"))
                })?;
                self.timeout_secs = Some((secs.ceil() as u64).max(1));
            }
            o if CREDENTIALS.contains(&o) => self.leave_out(o, true),
            o => {
                let (_, n) = IGNORED_WITH_VALUE
                    .iter()
                    .find(|(f, _)| *f == o)
                    .copied()
                    .unwrap_or((o, ""));
                self.note(n);
            }
        }
        Ok(())
    }

    fn flag(&mut self, opt: &str) {
        self.get |= opt == "-G" || opt == "--get";
        let n = FLAGS
            .iter()
            .find(|(f, _)| *f == opt)
            .map_or("", |(_, n)| *n);
        self.note(n);
    }

    /// The request the command makes: its URL without user-info (a credential) or query,
    /// the query (with `-G`'s data), the body and the type curl would give it, the method.
    fn finish(mut self) -> Result<Parsed, CurlError> {
        let url = self.url.take().ok_or(CurlError::NoUrl)?;
        let mut parsed = url::Url::parse(&url).map_err(|e| {
            CurlError::Invalid(format!(
                "{url:?} is not a URL: {e} (write it with https://)"
            ))
        })?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            // `https://me:pw@host`: reqwest would send it as Basic credentials.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            self.carried_token = true;
            self.left_out.push("user-info".into());
        }
        let mut query: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        parsed.set_query(None);
        parsed.set_fragment(None);
        let mut body = (!self.data.is_empty()).then(|| self.data.join("&"));
        if self.get {
            if let Some(b) = body.take() {
                query.extend(url::form_urlencoded::parse(b.as_bytes()).into_owned());
            }
        }
        let mut headers = self.headers;
        let has = |headers: &[(String, String)], name: &str| {
            headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
        };
        if body.is_some() {
            if self.json {
                if !has(&headers, "content-type") {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                if !has(&headers, "accept") {
                    headers.push(("Accept".into(), "application/json".into()));
                }
            } else if !has(&headers, "content-type") {
                // What curl sends with -d when no type is given.
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
        }
        let method = self.method.unwrap_or_else(|| {
            if body.is_some() {
                "POST".into()
            } else {
                "GET".into()
            }
        });
        Ok(Parsed {
            method,
            url: parsed.to_string(),
            query,
            headers,
            body,
            timeout_secs: self.timeout_secs,
            carried_token: self.carried_token,
            left_out: self.left_out,
            notes: self.notes,
        })
    }
}

/// `--name=value` stays whole (curl has no `=` form); `-Xvalue` is `-X` with `value`.
fn split_option(word: &str) -> (Option<String>, Option<String>) {
    if word.starts_with("--") && word.len() > 2 {
        return (Some(word.to_string()), None);
    }
    if word.starts_with('-') && word.len() > 1 {
        let mut chars = word.chars();
        chars.next();
        let letter = chars.next().expect("len > 1");
        let rest: String = chars.collect();
        return (
            Some(format!("-{letter}")),
            (!rest.is_empty()).then_some(rest),
        );
    }
    (None, None)
}

impl crate::base::i18n::Localize for CurlError {
    fn say(&self, lang: &str) -> String {
        use crate::base::i18n::say;
        match self {
            CurlError::NotCurl => say!(lang, "curl-not-curl"),
            CurlError::Unbalanced => say!(lang, "curl-unbalanced"),
            CurlError::NoUrl => say!(lang, "curl-no-url"),
            CurlError::TwoUrls(a, b) => say!(lang, "curl-two-urls", first = a, second = b),
            CurlError::MissingValue(o) => say!(lang, "curl-missing-value", option = o),
            CurlError::Unknown(o) => say!(lang, "curl-unknown", option = o),
            CurlError::ReadsFile(o, f) => say!(lang, "curl-reads-file", option = o, file = f),
            CurlError::Invalid(m) => m.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_command_reads_as_a_get_with_the_token_left_out() {
        let p = parse(
            "curl -X GET \\\n  -H \"Authorization: Bearer dapi0123456789abcdef\" \\\n  'https://hello-123.aws.databricksapps.com/api/items?limit=5&q=a%20b'",
        )
        .unwrap();
        assert_eq!(p.method, "GET");
        assert_eq!(p.url, "https://hello-123.aws.databricksapps.com/api/items");
        assert_eq!(
            p.query,
            [("limit".into(), "5".into()), ("q".into(), "a b".into())]
        );
        assert!(p.headers.is_empty());
        assert!(p.carried_token);
    }

    #[test]
    fn data_options_make_a_post_with_curls_content_type() {
        let p = parse("curl https://h.example/api/x -d 'a=1' --data-raw '@b'").unwrap();
        assert_eq!(p.method, "POST");
        assert_eq!(p.body.as_deref(), Some("a=1&@b"));
        assert_eq!(
            p.headers,
            [(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into()
            )]
        );
        let p = parse("curl --json '{\"name\": \"x\"}' --url https://h.example/api/x").unwrap();
        assert_eq!(p.body.as_deref(), Some("{\"name\": \"x\"}"));
        assert_eq!(p.headers[0].1, "application/json");
        assert_eq!(p.headers[1].0, "Accept");
        let p = parse("curl -G https://h.example/api/x -d q=hi -d limit=2").unwrap();
        assert_eq!(p.method, "GET");
        assert_eq!(p.body, None);
        assert_eq!(
            p.query,
            [("q".into(), "hi".into()), ("limit".into(), "2".into())]
        );
    }

    #[test]
    fn short_options_written_together_and_notes_for_what_differs() {
        let p = parse("curl -sSLk -XDELETE -HX-Trace:1 https://h.example/api/x -m 2.5").unwrap();
        assert_eq!(p.method, "DELETE");
        assert_eq!(p.headers, [("X-Trace".into(), "1".into())]);
        assert_eq!(p.timeout_secs, Some(3));
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert!(!p.carried_token);
    }

    #[test]
    fn every_credential_is_left_out_and_placeholders_are_not_tokens() {
        for cmd in [
            "curl -u me:secret https://h.example/api",
            "curl --oauth2-bearer abc https://h.example/api",
            "curl -b session=abc https://h.example/api",
            "curl -H 'Cookie: s=1' https://h.example/api",
            "curl -H 'authorization: Basic Zm9vOmJhcg==' https://h.example/api",
            "curl -H 'X-Api-Key: k3y' https://h.example/api",
            "curl -H 'X-Forwarded-Access-Token: eyJx' https://h.example/api",
            "curl -H 'X-Auth-Token: t' https://h.example/api",
            "curl https://me:pw@h.example/api",
        ] {
            let p = parse(cmd).unwrap();
            assert!(p.carried_token, "{cmd}");
            assert!(p.headers.is_empty(), "{cmd}");
        }
        let p = parse("curl -H \"Authorization: Bearer $DATABRICKS_TOKEN\" https://h.example/api")
            .unwrap();
        assert!(!p.carried_token);
        let p = parse(
            "curl -H 'X-Api-Key: k3y' -H 'X-Trace: 1' -u me:pw 'https://u:p@h.example/api?access_token=a&q=1'",
        )
        .unwrap();
        assert_eq!(p.left_out, ["X-Api-Key", "-u", "user-info"]);
        assert_eq!(p.headers, [("X-Trace".to_string(), "1".to_string())]);
        assert_eq!(p.url, "https://h.example/api");
        assert!(!format!("{p:?}").contains("k3y") && !format!("{p:?}").contains("u:p@"));
    }

    #[test]
    fn bad_commands_say_what_is_wrong() {
        assert_eq!(parse("wget https://x"), Err(CurlError::NotCurl));
        assert_eq!(parse("curl 'https://x"), Err(CurlError::Unbalanced));
        assert_eq!(parse("curl -s"), Err(CurlError::NoUrl));
        assert_eq!(
            parse("curl https://x -H"),
            Err(CurlError::MissingValue("-H".into()))
        );
        assert_eq!(
            parse("curl --frobnicate https://x"),
            Err(CurlError::Unknown("--frobnicate".into()))
        );
        assert_eq!(
            parse("curl -d @body.json https://x"),
            Err(CurlError::ReadsFile("-d".into(), "@body.json".into()))
        );
        assert!(matches!(
            parse("curl https://a https://b"),
            Err(CurlError::TwoUrls(..))
        ));
        assert!(matches!(
            parse("curl -H nocolon https://a"),
            Err(CurlError::Invalid(_))
        ));
        assert!(matches!(parse("curl hello"), Err(CurlError::Invalid(_))));
        assert_eq!(parse("$ curl https://x/api").unwrap().url, "https://x/api");
    }
}
