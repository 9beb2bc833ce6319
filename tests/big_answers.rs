//! Big answers through the window's operations, against the sandbox over real HTTPS: a
//! 20 MiB JSON document from an app (through the Apps proxy, with a real token) stays in
//! the core, is read row by row, searched, saved byte for byte and let go.

mod common;

use lakegate::base::error::UiError;
use lakegate::bridge::BodyKind;
use lakegate::sandbox::{export_document, SandboxConfig};

const MIB: usize = 1024 * 1024;

fn export(b: &common::Bench, bytes: usize) -> lakegate::bridge::RequestInput {
    common::request(format!(
        "{}/api/export?bytes={bytes}",
        common::app_url(&b.sb, "hello")
    ))
}

#[tokio::test]
async fn a_20_mib_answer_is_read_row_by_row_searched_and_saved_exactly() {
    let b = common::workbench(SandboxConfig::default()).await;
    let r = b
        .app
        .send_request("big", export(&b, 20 * MIB))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        (r.body_kind, r.size, r.truncated),
        (BodyKind::Json, 20 * MIB as u64, false)
    );
    assert!(r.body_text.is_none(), "the body does not cross whole");
    let id = r.body_id.as_deref().unwrap();
    assert!(r.save_as.as_deref().unwrap().ends_with(".json"));

    // The tree: the root, `rows` (open) with its items (closed), `note`.
    let top = b.app.tree_rows(id, 0, 3).await.unwrap();
    assert_eq!(top.rows[1].key.as_deref(), Some("rows"));
    let items = top.rows[1].count;
    assert!(items > 90_000, "{items} rows");
    assert_eq!(top.total, items + 3);
    let last = b.app.tree_rows(id, top.total - 1, 10).await.unwrap();
    assert_eq!(last.rows.len(), 1);
    assert_eq!(last.rows[0].key.as_deref(), Some("note"));

    // The text view: the bytes as sent, wrapped at the width asked for.
    let text = b.app.text_rows(id, 100, 0, 2).await.unwrap();
    let sent = String::from_utf8(export_document(20 * MIB)).unwrap();
    assert_eq!(text.total as usize, sent.chars().count().div_ceil(100));
    assert!(text.rows[0].starts_with("{\"rows\":[{\"id\":1,\"name\":\"Widget 1\""));
    assert_eq!(text.rows[0].len(), 100);

    // Search opens the match's ancestors in the tree and says where it is in the text.
    let hit = b
        .app
        .search_body(id, "widget 54321\"".into(), 0, true, 100)
        .await
        .unwrap();
    assert_eq!((hit.total, hit.more, hit.index), (1, false, Some(0)));
    assert_eq!(hit.rows, top.total + 8, "one item opened");
    let row = b.app.tree_rows(id, hit.row.unwrap(), 1).await.unwrap();
    assert_eq!(row.rows[0].key.as_deref(), Some("name"));
    assert_eq!(row.rows[0].text, "\"Widget 54321\"");
    let hit = b
        .app
        .search_body(id, "widget 54321\"".into(), 0, false, 100)
        .await
        .unwrap();
    let line = b.app.text_rows(id, 100, hit.row.unwrap(), 1).await.unwrap();
    let at = hit.column.unwrap() as usize;
    assert_eq!(&line.rows[0][at..at + 13], "Widget 54321\"");

    // Closing the root leaves one row; opening everything shows every node.
    assert_eq!(b.app.toggle_node(id, 0, false, false).await.unwrap(), 1);
    let all = b.app.toggle_node(id, 0, true, true).await.unwrap();
    assert!(all > items * 12, "{all} rows with everything open");

    // Save to file: exactly the bytes the app sent; an existing file is not replaced
    // unless asked; a path that is not a file's is refused.
    let out = b.dir.join("saved").join("export.json");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let path = out.to_str().unwrap();
    let saved = b.app.save_body(id, path, false).await.unwrap();
    assert_eq!(saved.bytes, 20 * MIB as u64);
    assert!(std::fs::read(&out).unwrap() == sent.as_bytes());
    match b.app.save_body(id, path, false).await {
        Err(UiError::FileExists { path: p, message }) => {
            assert_eq!(p, path);
            assert!(message.contains("exists already"), "{message}");
        }
        other => panic!("expected FileExists, got {other:?}"),
    }
    assert!(b.app.save_body(id, path, true).await.is_ok());
    for bad in ["relative/answer.json", "", b.dir.to_str().unwrap()] {
        assert!(
            matches!(
                b.app.save_body(id, bad, false).await,
                Err(UiError::InvalidInput { .. })
            ),
            "{bad:?}"
        );
    }

    // Let go: the body is gone, and asking for it says so.
    b.app.release_body(id);
    match b.app.text_rows(id, 100, 0, 1).await {
        Err(UiError::NotFound { message }) => assert!(message.contains("send the request again")),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn small_answers_carry_their_text_and_only_the_last_two_bodies_are_kept() {
    let b = common::workbench(SandboxConfig::default()).await;
    let hello = common::request(format!("{}/api/hello", common::app_url(&b.sb, "hello")));
    let first = b.app.send_request("one", hello.clone()).await.unwrap();
    assert!(first.body_text.as_deref().unwrap().contains("Hello,"));
    assert_eq!(first.body_id.as_deref(), Some("one"));
    b.app.send_request("two", hello.clone()).await.unwrap();
    b.app
        .send_request("three", export(&b, 100_000))
        .await
        .unwrap();
    assert!(matches!(
        b.app.tree_rows("one", 0, 1).await,
        Err(UiError::NotFound { .. })
    ));
    assert!(b.app.tree_rows("two", 0, 1).await.is_ok());
    let three = b.app.tree_rows("three", 0, 1).await.unwrap();
    assert!(three.total > 100);
    // A body that is not JSON has no tree, and says so.
    let text = b
        .app
        .send_request(
            "four",
            common::request(format!(
                "{}/api/stress/malformed-json",
                common::app_url(&b.sb, "hello")
            )),
        )
        .await
        .unwrap();
    assert_eq!(text.body_kind, BodyKind::Text);
    assert!(matches!(
        b.app.tree_rows("four", 0, 1).await,
        Err(UiError::InvalidInput { .. })
    ));
}
