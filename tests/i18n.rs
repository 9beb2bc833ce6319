//! Errors the window shows come from the catalogue: every variant says, in English, exactly
//! what its `Display` (the command line's text) says, and says something else in Portuguese
//! with the same values in it.

use lakegate::base::i18n::Localize;
use lakegate::base::secrets::SecretsError;
use lakegate::base::settings::SettingsError;
use lakegate::connections::destinations::{TokenRefused, Why};
use lakegate::connections::{CliError, StoreError, TokenError};
use lakegate::curl::CurlError;
use lakegate::history::HistoryError;
use lakegate::http::call::{CallError, Phase};
use lakegate::http::HttpError;
use lakegate::links::LinkError;
use lakegate::oauth::jwt::JwtError;
use lakegate::oauth::{AddressError, DiscoveryError, GrantError, LoginError};
use lakegate::workspace::openapi::OpenApiError;
use lakegate::workspace::WorkspaceError;

fn s(x: &str) -> String {
    x.to_string()
}

/// Each error: English is its Display; Portuguese differs and keeps every value.
fn check(errors: Vec<(Box<dyn Localize>, &[&str])>) {
    for (e, values) in errors {
        let en = e.say("en");
        assert_eq!(
            en,
            e.to_string(),
            "the catalogue's English differs from Display"
        );
        let pt = e.say("pt-BR");
        assert_ne!(pt, en, "no Portuguese for: {en}");
        for v in values {
            assert!(pt.contains(v), "{v:?} is missing from the Portuguese: {pt}");
        }
    }
}

#[test]
fn network_and_token_errors_speak_both_languages() {
    check(vec![
        (
            Box::new(CallError::TokenElsewhere {
                cleared: s("a.example"),
                host: s("b.example"),
            }),
            &["a.example", "b.example"],
        ),
        (
            Box::new(CallError::Dns {
                host: s("x.invalid"),
                reason: s("no such host"),
            }),
            &["x.invalid", "no such host"],
        ),
        (
            Box::new(CallError::Connect {
                addr: s("10.0.0.1:443"),
                reason: s("refused"),
            }),
            &["10.0.0.1:443"],
        ),
        (
            Box::new(CallError::ProxyAuth {
                proxy: s("proxy:3128"),
            }),
            &["proxy:3128"],
        ),
        (
            Box::new(CallError::ProxyRefused {
                proxy: s("p:1"),
                target: s("t:443"),
                status: s("403"),
            }),
            &["p:1", "t:443", "403"],
        ),
        (
            Box::new(CallError::TlsUntrusted {
                reason: s("unknown issuer"),
            }),
            &["unknown issuer", "SSL_CERT_FILE"],
        ),
        (Box::new(CallError::Tls { reason: s("alert") }), &["alert"]),
        (
            Box::new(CallError::Timeout {
                phase: Phase::Waiting,
                secs: 120,
            }),
            &["120 s"],
        ),
        (Box::new(CallError::Cancelled), &[]),
        (
            Box::new(CallError::Broken {
                phase: Phase::Body,
                reason: s("reset"),
            }),
            &["reset"],
        ),
        (
            Box::new(CallError::Setup(HttpError::CaBundle {
                path: s("/ca.pem"),
                reason: s("gone"),
            })),
            &["/ca.pem"],
        ),
        (Box::new(HttpError::Setup(s("x"))), &[]),
        (
            Box::new(TokenError::SignInNeeded(s("prod"))),
            &["prod", "lakegate login prod"],
        ),
        (
            Box::new(TokenError::SignInAgain {
                connection: s("prod"),
                reason: s("expired"),
            }),
            &["prod", "expired"],
        ),
        (
            Box::new(TokenError::NoSecret {
                connection: s("sp"),
                what: "client secret",
            }),
            &["sp"],
        ),
        (Box::new(TokenError::NotUserLogin(s("sp"))), &["sp"]),
        (Box::new(TokenError::Join(s("panic"))), &["panic"]),
        (
            Box::new(TokenError::Grant(GrantError::RefreshTokenInvalid(s(
                "invalid_grant",
            )))),
            &["invalid_grant"],
        ),
        (Box::new(GrantError::AccessDenied(s("sql"))), &["sql"]),
        (
            Box::new(GrantError::InvalidClient(s("invalid_client"))),
            &["invalid_client"],
        ),
        (
            Box::new(GrantError::Refused {
                error: s("e"),
                description: Some(s("d")),
            }),
            &["e (d)"],
        ),
        (
            Box::new(GrantError::Refused {
                error: s("e"),
                description: None,
            }),
            &[],
        ),
        (Box::new(GrantError::Network(s("down"))), &["down"]),
        (Box::new(GrantError::BadResponse(s("html"))), &["html"]),
        (
            Box::new(LoginError::PortBusy {
                port: 8020,
                secs: 45,
            }),
            &["8020", "45 s", "databricks auth login"],
        ),
        (
            Box::new(LoginError::Bind {
                addr: s("127.0.0.1:1"),
                reason: s("busy"),
            }),
            &["127.0.0.1:1"],
        ),
        (
            Box::new(LoginError::BadRedirect(s("http://x"))),
            &["\"http://x\""],
        ),
        (Box::new(LoginError::Cancelled), &[]),
        (Box::new(LoginError::TimedOut(5)), &["5 minutos"]),
        (
            Box::new(LoginError::Provider {
                error: s("access_denied"),
                description: Some(s("no")),
            }),
            &["access_denied: no"],
        ),
        (
            Box::new(LoginError::Provider {
                error: s("access_denied"),
                description: None,
            }),
            &["access_denied"],
        ),
        (
            Box::new(LoginError::IssuerMismatch {
                expected: s("https://w/oidc"),
                got: s("https://evil/oidc"),
            }),
            &["https://evil/oidc"],
        ),
        (
            Box::new(LoginError::IssuerMissing {
                expected: s("https://w/oidc"),
            }),
            &["https://w/oidc", "RFC 9207"],
        ),
        (
            Box::new(LoginError::Exchange(GrantError::Network(s("down")))),
            &["down"],
        ),
        (
            Box::new(DiscoveryError::NotDatabricks {
                host: s("h"),
                url: s("u"),
                status: s("404"),
                excerpt: s(": x"),
            }),
            &["404: x"],
        ),
        (
            Box::new(DiscoveryError::Unreachable {
                host: s("h.example"),
                reason: s("r"),
            }),
            &["h.example"],
        ),
        (
            Box::new(DiscoveryError::NotHttps {
                document: s("d"),
                what: "token endpoint",
                url: s("http://x"),
            }),
            &["http://x"],
        ),
        (Box::new(WorkspaceError::Network(s("down"))), &["down"]),
        (
            Box::new(WorkspaceError::Unauthorized {
                status: 401,
                message: s("no"),
            }),
            &["401"],
        ),
        (
            Box::new(WorkspaceError::Api {
                status: 500,
                message: s("boom"),
            }),
            &["500", "boom"],
        ),
        (Box::new(WorkspaceError::BadAnswer(s("eof"))), &["eof"]),
        (Box::new(WorkspaceError::Looping(s("t"))), &["\"t\""]),
        (
            Box::new(TokenRefused {
                connection: s("prod"),
                host: s("evil.example"),
                workspace: s("https://w"),
                why: Why::ForeignHost,
            }),
            &["evil.example", "prod", "*.databricksapps.com"],
        ),
        (
            Box::new(TokenRefused {
                connection: s("prod"),
                host: s("x.example"),
                workspace: s("https://w"),
                why: Why::NotHttps { scheme: s("http") },
            }),
            &["http", "x.example"],
        ),
        (
            Box::new(TokenRefused {
                connection: s("prod"),
                host: s("hello-2.aws.databricksapps.com"),
                workspace: s("https://w"),
                why: Why::OtherWorkspace {
                    app_workspace: s("2"),
                    ours: s("1"),
                },
            }),
            &["hello-2.aws.databricksapps.com", "prod", " 2,", " 1,"],
        ),
        (
            Box::new(TokenRefused {
                connection: s("prod"),
                host: s("hello-2.aws.databricksapps.com"),
                workspace: s("https://w"),
                why: Why::WorkspaceIdUnknown,
            }),
            &["hello-2.aws.databricksapps.com", "prod", "https://w"],
        ),
        (
            Box::new(CliError::Missing {
                program: s("databricks"),
            }),
            &["databricks"],
        ),
        (
            Box::new(CliError::TooOld { detail: s("v0.18") }),
            &["v0.18", "0.200"],
        ),
        (
            Box::new(CliError::Failed {
                profile: s("dev"),
                detail: s("x"),
            }),
            &["dev"],
        ),
        (Box::new(CliError::Unreadable(s("garbage"))), &["garbage"]),
        (
            Box::new(SecretsError::Unavailable { cause: s("no bus") }),
            &["no bus"],
        ),
        (
            Box::new(SecretsError::Refused {
                account: s("acct"),
                cause: s("locked"),
            }),
            &["\"acct\"", "locked"],
        ),
        (Box::new(SecretsError::TimedOut { secs: 20.0 }), &["20 s"]),
    ]);
}

#[test]
fn input_and_file_errors_speak_both_languages() {
    check(vec![
        (
            Box::new(AddressError::Empty),
            &["https://adb-1234567890123456.7.azuredatabricks.net"],
        ),
        (Box::new(AddressError::NotAUrl(s("foo"))), &["\"foo\""]),
        (
            Box::new(AddressError::NotHttps(s("http://w"), s("http"))),
            &["\"http://w\""],
        ),
        (
            Box::new(StoreError::Read {
                path: s("/c.json"),
                reason: s("denied"),
            }),
            &["/c.json", "denied"],
        ),
        (
            Box::new(StoreError::Write {
                path: s("/c.json"),
                reason: s("full"),
            }),
            &["/c.json", "full"],
        ),
        (Box::new(StoreError::Duplicate(s("prod"))), &["\"prod\""]),
        (Box::new(StoreError::Unknown(s("prod"))), &["\"prod\""]),
        (
            Box::new(HistoryError::Write {
                path: s("/h"),
                reason: s("full"),
            }),
            &["/h"],
        ),
        (
            Box::new(HistoryError::Read {
                path: s("/h"),
                reason: s("bad"),
            }),
            &["/h"],
        ),
        (
            Box::new(HistoryError::Exists(s("a"), s("b"))),
            &["\"a\"", "\"b\""],
        ),
        (
            Box::new(SettingsError::Invalid {
                path: s("/s.json"),
                reason: s("eof"),
            }),
            &["/s.json", "eof"],
        ),
        (
            Box::new(SettingsError::Write {
                path: s("/s.json"),
                reason: s("full"),
            }),
            &["/s.json"],
        ),
        (Box::new(CurlError::NotCurl), &["`curl`"]),
        (Box::new(CurlError::Unbalanced), &[]),
        (Box::new(CurlError::NoUrl), &[]),
        (
            Box::new(CurlError::TwoUrls(s("https://a"), s("https://b"))),
            &["https://a", "https://b"],
        ),
        (Box::new(CurlError::MissingValue(s("-H"))), &["-H"]),
        (Box::new(CurlError::Unknown(s("--foo"))), &["--foo"]),
        (
            Box::new(CurlError::ReadsFile(s("-d"), s("@body.json"))),
            &["@body.json"],
        ),
        (Box::new(LinkError::NotALink), &["lakegate://open?…"]),
        (Box::new(LinkError::TooLong), &["32768"]),
        (
            Box::new(LinkError::CarriesSecret(s("a token"))),
            &["a token"],
        ),
        (
            Box::new(LinkError::WouldCarrySecret(s("Authorization"))),
            &["Authorization"],
        ),
        (Box::new(LinkError::NoUrl), &["https"]),
        (Box::new(LinkError::Invalid("method", s("bad"))), &["bad"]),
        (Box::new(OpenApiError::TooLarge(9_000_000)), &["9000000"]),
        (Box::new(OpenApiError::NotJson(s("eof"))), &["eof"]),
        (Box::new(OpenApiError::NotOpenApi), &["`paths`"]),
        (Box::new(JwtError::Parts(2)), &["2"]),
        (Box::new(JwtError::Base64("payload")), &["payload"]),
        (Box::new(JwtError::Json("header")), &["header"]),
        (
            Box::new(lakegate::base::host::HostError::NoBrowser),
            &["BROWSER=none"],
        ),
        (
            Box::new(lakegate::base::host::HostError::Open(s("x"))),
            &["x"],
        ),
        (
            Box::new(lakegate::base::host::HostError::NotFound {
                program: s("databricks"),
            }),
            &["databricks"],
        ),
        (
            Box::new(lakegate::base::host::HostError::Run {
                program: s("databricks"),
                reason: s("r"),
            }),
            &["databricks"],
        ),
    ]);
}

/// The command line stays English, as the Databricks CLI does: whatever the locale, and
/// whatever language the window was given in settings.json.
#[test]
fn the_command_line_speaks_english_whatever_the_locale() {
    let home = std::env::temp_dir().join(format!("lakegate-i18n-cli-{}", std::process::id()));
    let config = home.join("config");
    std::fs::create_dir_all(config.join("lakegate")).unwrap();
    std::fs::write(
        config.join("lakegate").join("settings.json"),
        r#"{"language":"pt-BR"}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lakegate"))
        .args(["doctor", "--no-auth", "https://x.invalid/api/hello"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("LANG", "pt_BR.UTF-8")
        .env("LC_ALL", "pt_BR.UTF-8")
        .env("LC_MESSAGES", "pt_BR.UTF-8")
        .env_remove("DATABRICKS_HOST")
        .env("DATABRICKS_CONFIG_FILE", home.join("none.cfg"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("✖ DNS: x.invalid does not resolve"), "{said}");
    assert!(
        said.contains("URL shape") && !said.contains("Formato da URL"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&home);
}
