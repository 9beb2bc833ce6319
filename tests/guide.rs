//! The guide, live, against the sandbox: the page's requirements found on a real
//! workspace (every answer in words, in both languages), each step in the person's tools
//! with this workspace filled in, and which steps are done kept in settings.json.

mod common;

use lakegate::base::error::UiError;
use lakegate::guide::{Met, STEPS};
use lakegate::sandbox::SandboxConfig;

#[tokio::test]
async fn the_requirements_are_found_on_the_workspace_and_said_in_words() {
    let b = common::workbench(SandboxConfig::default()).await;
    let g = b.app.guide("bot", Some("hello")).await.unwrap();
    assert_eq!(g.host, b.sb.info.host);
    assert_eq!(g.app.as_deref(), Some("hello"));
    assert!(g.path.starts_with("/api/"), "{}", g.path);
    let state = |id: &str| g.requirements.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state("token"), Met::Yes);
    assert_eq!(state("api-endpoint"), Met::Yes);
    for r in &g.requirements {
        for lang in ["en", "pt-BR"] {
            let words = r.said.render(lang);
            assert!(
                !words.starts_with("guide-req-"),
                "{} has no words in {lang}: {words}",
                r.id
            );
            assert!(!words.contains("{"), "{words}");
        }
    }
    // An app the service principal may not read the permissions of, or may not use: never
    // a yes it does not know.
    let finance = b.app.guide("bot", Some("finance")).await.unwrap();
    let can_use = finance
        .requirements
        .iter()
        .find(|r| r.id == "can-use")
        .unwrap();
    assert_ne!(can_use.state, Met::Yes, "{:?}", can_use.said.render("en"));
    // A workspace without that app: no endpoint to call, said so.
    let none = b.app.guide("bot", Some("no-such-app")).await.unwrap();
    let endpoint = none
        .requirements
        .iter()
        .find(|r| r.id == "api-endpoint")
        .unwrap();
    assert_eq!(endpoint.state, Met::No);

    // Every step in the person's tools, on this workspace and app, with no secret in it.
    assert_eq!(g.tools.len(), STEPS.len());
    let send = g.tools.iter().find(|t| t.step == "send").unwrap();
    let url = format!(
        "{}{}",
        g.app_url.clone().unwrap().trim_end_matches('/'),
        g.path
    );
    assert!(send.curl.as_deref().unwrap().contains(&url));
    let person = g.tools.iter().find(|t| t.step == "person").unwrap();
    assert!(person
        .cli
        .as_deref()
        .unwrap()
        .contains(&format!("--host {}", b.sb.info.host)));
    let secret = &b.sb.info.service_principals[0].client_secret;
    let text = format!("{g:?}");
    assert!(!text.contains(secret.as_str()), "a secret in the guide");
    assert!(!text.contains("eyJ"), "a token in the guide");
}

#[tokio::test]
async fn steps_done_are_kept_in_settings_and_can_be_reset() {
    let b = common::workbench(SandboxConfig::default()).await;
    assert_eq!(b.app.mark_guide_step("send", true).unwrap(), vec!["send"]);
    // Kept in the page's order, once each.
    assert_eq!(
        b.app.mark_guide_step("person", true).unwrap(),
        vec!["person", "send"]
    );
    assert_eq!(
        b.app.mark_guide_step("person", true).unwrap(),
        vec!["person", "send"]
    );
    let settings = std::fs::read_to_string(b.dir.join("config").join("settings.json")).unwrap();
    assert!(settings.contains("\"guide_done\""), "{settings}");
    let g = b.app.guide("bot", None).await.unwrap();
    assert_eq!(g.done, vec!["person", "send"]);
    assert_eq!(
        b.app.mark_guide_step("send", false).unwrap(),
        vec!["person"]
    );
    assert!(matches!(
        b.app.mark_guide_step("nope", true),
        Err(UiError::InvalidInput { .. })
    ));
    assert_eq!(b.app.reset_guide().unwrap(), Vec::<String>::new());
    // An unreadable settings.json is reported, never replaced.
    std::fs::write(b.dir.join("config").join("settings.json"), "{not json").unwrap();
    assert!(b.app.mark_guide_step("person", true).is_err());
    assert_eq!(
        std::fs::read_to_string(b.dir.join("config").join("settings.json")).unwrap(),
        "{not json"
    );
}

#[tokio::test]
async fn further_reading_opens_only_pages_on_record() {
    let b = common::workbench(SandboxConfig::default()).await;
    assert!(matches!(
        b.app.open_guide_reading("https://evil.example"),
        Err(UiError::InvalidInput { .. })
    ));
    assert!(lakegate::guide::reading_url("page", "pt-BR")
        .unwrap()
        .contains("/aws/pt/"));
    assert!(lakegate::guide::reading_url("page", "en")
        .unwrap()
        .contains("/aws/en/"));
}
