//! The languages the window speaks. Every sentence a person reads comes from a Fluent
//! catalogue in `locales/` (one file per language); the window reads the same files with
//! `@fluent/bundle`. Rust renders the texts it writes itself: the Doctor's findings, the
//! reports exported from the window, the sandbox's sign-in page and the page the browser
//! shows after sign-in. The command line stays English, as the Databricks CLI is.
//!
//! A new language is one catalogue file in `locales/` and one line in [`LANGUAGES`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;
use ts_rs::TS;

/// A language Lakegate speaks: its BCP 47 code and its catalogue.
pub struct Language {
    pub code: &'static str,
    source: &'static str,
}

/// Every language, English (the fallback) first.
pub const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        source: include_str!("../../locales/en.ftl"),
    },
    Language {
        code: "pt-BR",
        source: include_str!("../../locales/pt-BR.ftl"),
    },
];

/// The language of the command line and of anything no language was chosen for.
pub const ENGLISH: &str = "en";

struct Loaded {
    code: &'static str,
    bundle: FluentBundle<FluentResource>,
}

fn bundles() -> &'static [Loaded] {
    static BUNDLES: OnceLock<Vec<Loaded>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        LANGUAGES
            .iter()
            .map(|l| {
                // The catalogues are part of the program and tested to parse whole.
                let resource = FluentResource::try_new(l.source.to_string())
                    .unwrap_or_else(|(partial, _)| partial);
                let id: unic_langid::LanguageIdentifier = l.code.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Exports and pages are plain text: no Unicode isolation marks around values.
                bundle.set_use_isolating(false);
                let _ = bundle.add_resource(resource);
                Loaded {
                    code: l.code,
                    bundle,
                }
            })
            .collect()
    })
}

/// The language Lakegate speaks for `requested` (`pt_BR.UTF-8`, `pt-PT`, `en-US`, `pt`):
/// the same code, else the first language with the same primary subtag, else English.
pub fn negotiate(requested: &str) -> &'static str {
    speaks(requested).unwrap_or(ENGLISH)
}

/// The first of `requested` (locales or language tags, in order of preference) that
/// Lakegate speaks.
pub fn first_spoken(requested: &[String]) -> Option<&'static str> {
    requested.iter().find_map(|r| speaks(r))
}

/// The language Lakegate speaks for a locale or language tag, if it speaks one.
fn speaks(requested: &str) -> Option<&'static str> {
    let wanted = requested
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .trim()
        .replace('_', "-");
    let primary = |tag: &str| {
        tag.split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    LANGUAGES
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(&wanted))
        .or_else(|| {
            LANGUAGES
                .iter()
                .find(|l| !wanted.is_empty() && primary(l.code) == primary(&wanted))
        })
        .map(|l| l.code)
}

/// The language for a browser's `Accept-Language` header: the first range (by weight)
/// Lakegate speaks, else English.
pub fn from_accept_language(header: &str) -> &'static str {
    let mut ranges: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && weight > 0.0).then_some((weight, i, tag))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.iter().find_map(|r| speaks(r.2)).unwrap_or(ENGLISH)
}

/// The window's language, for what Rust words for it (its errors, its reports). One window
/// per process; the command line never sets it, so it stays English there.
static WINDOW_LANGUAGE: AtomicUsize = AtomicUsize::new(0);

/// The window now speaks `code` (negotiated to a language Lakegate has).
pub fn set_window_language(code: &str) {
    let code = negotiate(code);
    let index = LANGUAGES.iter().position(|l| l.code == code).unwrap_or(0);
    WINDOW_LANGUAGE.store(index, Ordering::Relaxed);
}

/// The language the window speaks (English until it says otherwise).
pub fn window_language() -> &'static str {
    LANGUAGES
        .get(WINDOW_LANGUAGE.load(Ordering::Relaxed))
        .map_or(ENGLISH, |l| l.code)
}

/// The message `id` in `lang` with values: `say!(lang, <message id>, name = value, …)`.
macro_rules! say {
    ($lang:expr, $id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        crate::base::i18n::Msg::new($id)$(.arg(stringify!($k), $v))*.render($lang)
    };
}
pub(crate) use say;

/// The message `id` in the window's language: `wsay!(<message id>, name = value, …)`.
macro_rules! wsay {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        crate::base::i18n::say!(crate::base::i18n::window_language(), $id $(, $k = $v)*)
    };
}
pub(crate) use wsay;

/// An error that can say itself in any language from the catalogue. Its `Display` is the
/// English text (the command line, logs); `say("en")` is the same text, which the tests
/// check for every variant.
pub trait Localize: std::fmt::Display {
    fn say(&self, language: &str) -> String;

    /// In the window's language.
    fn in_window(&self) -> String {
        self.say(window_language())
    }
}

/// A value a message is given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(u16, u32, u64, usize, i64, f64);

/// One message of a catalogue with its values: what crosses to the window, which puts it
/// into its own language, and what Rust renders for files and pages.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Msg {
    pub id: String,
    #[ts(type = "Record<string, string | number>")]
    pub args: BTreeMap<String, Arg>,
}

impl Msg {
    pub fn new(id: &str) -> Msg {
        Msg {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }

    /// The message with one more value.
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Msg {
        self.args.insert(name.into(), value.into());
        self
    }

    /// Text that has no message of its own (an error a lower layer wrote, a server's
    /// words): shown as it is, in every language.
    pub fn plain(text: impl Into<String>) -> Msg {
        Msg::new("plain").arg("text", text.into())
    }

    /// The message in `language` (English where that catalogue lacks it).
    pub fn render(&self, language: &str) -> String {
        let mut args = FluentArgs::new();
        for (k, v) in &self.args {
            match v {
                Arg::Text(s) => args.set(k.as_str(), FluentValue::from(s.as_str())),
                Arg::Number(n) => args.set(k.as_str(), FluentValue::from(*n)),
            }
        }
        let code = negotiate(language);
        let all = bundles();
        let ordered = all
            .iter()
            .filter(|l| l.code == code)
            .chain(all.iter().filter(|l| l.code == ENGLISH));
        for l in ordered {
            if let Some(pattern) = l.bundle.get_message(&self.id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return l
                    .bundle
                    .format_pattern(pattern, Some(&args), &mut errors)
                    .into_owned();
            }
        }
        self.id.clone()
    }
}

/// The message `id` in `language`, with `args`.
pub fn text(language: &str, id: &str, args: &[(&str, Arg)]) -> String {
    let mut m = Msg::new(id);
    for (k, v) in args {
        m = m.arg(k, v.clone());
    }
    m.render(language)
}

/// A sentence made of messages (a finding's observation, meaning or next step). Shown in
/// English where no language is given (the command line, tests).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(transparent)]
pub struct Text(pub Vec<Msg>);

impl Text {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn render(&self, language: &str) -> String {
        self.0
            .iter()
            .map(|m| m.render(language))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.to_string().contains(needle)
    }
}

/// An icon (never colour alone; empty when there is nothing to mark) and words: how the
/// core says a verdict or an access cell, which the window draws in its own language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Marked {
    pub mark: String,
    pub text: Text,
}

impl Marked {
    pub fn new(mark: &str, text: impl Into<Text>) -> Marked {
        Marked {
            mark: mark.into(),
            text: text.into(),
        }
    }

    pub fn render(&self, language: &str) -> String {
        let words = self.text.render(language);
        if self.mark.is_empty() {
            words
        } else {
            format!("{} {words}", self.mark)
        }
    }
}

impl From<Msg> for Text {
    fn from(m: Msg) -> Text {
        Text(vec![m])
    }
}

impl From<Vec<Msg>> for Text {
    fn from(m: Vec<Msg>) -> Text {
        Text(m)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(ENGLISH))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_spoken_is_picked() {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(first_spoken(&v(&["pt-BR"])), Some("pt-BR"));
        assert_eq!(first_spoken(&v(&["pt_PT.UTF-8"])), Some("pt-BR"));
        assert_eq!(first_spoken(&v(&["de-DE", "pt"])), Some("pt-BR"));
        assert_eq!(first_spoken(&v(&["de-DE"])), None);
        assert_eq!(first_spoken(&[]), None);
        assert_eq!(negotiate("de-DE"), ENGLISH);
    }

    #[test]
    fn every_catalogue_parses_whole() {
        for l in LANGUAGES {
            if let Err((_, errors)) = FluentResource::try_new(l.source.to_string()) {
                panic!("locales/{}.ftl: {errors:?}", l.code);
            }
        }
    }

    #[test]
    fn every_catalogue_file_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(code) = name.strip_suffix(".ftl") {
                assert!(
                    LANGUAGES.iter().any(|l| l.code == code),
                    "locales/{name} is not in i18n::LANGUAGES"
                );
            }
        }
    }

    #[test]
    fn languages_are_negotiated_from_locales_and_headers() {
        assert_eq!(negotiate("pt_BR.UTF-8"), "pt-BR");
        assert_eq!(negotiate("pt-PT"), "pt-BR");
        assert_eq!(negotiate("pt"), "pt-BR");
        assert_eq!(negotiate("en_GB.UTF-8"), "en");
        assert_eq!(negotiate("de-DE"), "en");
        assert_eq!(negotiate("C"), "en");
        assert_eq!(negotiate(""), "en");
        assert_eq!(from_accept_language("pt-BR,pt;q=0.9,en;q=0.8"), "pt-BR");
        assert_eq!(from_accept_language("de;q=0.9,pt;q=0.5"), "pt-BR");
        assert_eq!(from_accept_language("en-US,pt-BR;q=0.7"), "en");
        assert_eq!(from_accept_language("fr"), "en");
        assert_eq!(from_accept_language(""), "en");
    }

    #[test]
    fn every_doctor_check_has_a_name_in_every_language() {
        for l in LANGUAGES {
            for c in crate::doctor::StepId::ALL {
                let name = c.name(l.code);
                assert!(!name.starts_with("doctor-check-"), "{}: {name}", l.code);
            }
        }
    }

    #[test]
    fn page_sentences_hold_no_markup() {
        // The sandbox's and the sign-in listener's pages put these into HTML unescaped
        // (their values are escaped by the page).
        for l in LANGUAGES {
            for line in l.source.lines() {
                if line.starts_with("sandbox-") || line.starts_with("callback-") {
                    let text = line.split_once('=').map_or("", |p| p.1);
                    assert!(
                        !text.contains(['<', '>', '&', '"']),
                        "locales/{}.ftl: {line}",
                        l.code
                    );
                }
            }
        }
    }

    #[test]
    fn messages_render_in_each_language_with_english_behind() {
        let m = Msg::new("plain").arg("text", "as it is");
        assert_eq!(m.render("pt-BR"), "as it is");
        assert_eq!(
            Msg::new("no-such-message").render("pt-BR"),
            "no-such-message"
        );
        let en = text("en", "doctor-check-scopes", &[]);
        let pt = text("pt-BR", "doctor-check-scopes", &[]);
        assert_eq!((en.as_str(), pt.as_str()), ("Scopes", "Escopos"));
    }
}
