//! Check files against the sandbox over real HTTPS: the core's runner (concurrency, app
//! lookup, what must hold, the Doctor's short form on a refusal) and `lakegate check` as
//! CI runs it: a service principal from DATABRICKS_*, reports, exit codes.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use lakegate::checks;
use lakegate::sandbox::SandboxConfig;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checks")
        .join(name)
}

fn smoke() -> checks::CheckFile {
    checks::parse(&std::fs::read_to_string(fixture("smoke.json")).unwrap()).unwrap()
}

#[tokio::test]
async fn a_check_file_runs_as_a_service_principal_and_explains_its_failures() {
    let b = common::workbench(SandboxConfig::default()).await;
    let heard = Mutex::new(Vec::new());
    let run = b
        .app
        .run_checks("bot", "smoke", &smoke(), &|o, done, total| {
            heard.lock().unwrap().push((o.name.clone(), done, total));
        })
        .await
        .unwrap();
    let by_name = |n: &str| run.outcomes.iter().find(|o| o.name == n).unwrap();
    // In the file's order, whatever order they ended in; each heard once as it ended.
    let names: Vec<&str> = run.outcomes.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names[0], "hello greets its caller");
    assert_eq!(names[4], "finance month-end");
    let heard = heard.into_inner().unwrap();
    assert_eq!(heard.len(), 5);
    assert_eq!(
        heard.iter().map(|h| h.1).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert!(heard.iter().all(|h| h.2 == 5));

    let hello = by_name("hello greets its caller");
    assert!(hello.passed, "{hello:?}");
    assert_eq!(hello.status, Some(200));
    assert_eq!(
        hello.url,
        format!("{}/api/hello", common::app_url(&b.sb, "hello"))
    );
    assert!(hello.answer.as_deref().unwrap().contains("reporting-bot"));
    let items = by_name("items list pages");
    assert!(items.passed, "{items:?}");
    assert!(items.url.ends_with("/api/items?limit=3"), "{}", items.url);
    let created = by_name("an item is created");
    assert!(created.passed, "{created:?}");
    // An expected refusal passes, and needs no Doctor: outside /api/ an app is for
    // browsers, and the Apps proxy sends a token to sign in (databricks/cli#6605).
    let pages = by_name("pages outside /api/ send a token to sign in");
    assert!(
        pages.passed && pages.status == Some(302) && pages.doctor.is_empty(),
        "{pages:?}"
    );

    // The bot has no permission on finance (a group grant it is not in): the answer is
    // judged, and the Doctor says why from that answer. A service principal without CAN
    // USE is answered 401 (apps-sp-without-can-use-401; it was an invented 403).
    let finance = by_name("finance month-end");
    assert!(!finance.passed);
    assert_eq!(finance.status, Some(401));
    assert_eq!(finance.problems, ["status 401, expected 200"]);
    assert!(!finance.doctor.is_empty(), "{finance:?}");
    let said: String = finance
        .doctor
        .iter()
        .map(|d| format!("{} {} {}", d.title, d.observed, d.next_step))
        .collect();
    assert!(said.contains("finance"), "{said}");
    assert_eq!(
        run.failed,
        run.outcomes.iter().filter(|o| !o.passed).count()
    );
    assert_eq!(run.passed + run.failed, 5);
    assert_eq!(run.connection, "bot");
    assert_eq!(run.host, b.sb.info.host);
    // A check run reports on its own: its calls are not written into the history.
    assert!(b.app.history(None, "").unwrap().is_empty());
    // A request sent by hand still is.
    b.app
        .send("by-hand", common::request(hello.url.clone()))
        .await
        .unwrap();
    assert_eq!(b.app.history(None, "").unwrap().len(), 1);
}

#[tokio::test]
async fn a_missing_app_a_broken_expectation_and_a_time_limit_fail_in_words() {
    let b = common::workbench(SandboxConfig::default()).await;
    let hello = common::app_url(&b.sb, "hello");
    let file = checks::parse(&format!(
        r#"{{ "checks": [
            {{ "name": "gone", "app": "no-such-app", "path": "/api/hello" }},
            {{ "name": "wrong value", "url": "{hello}/api/hello", "expect": {{ "json": [{{ "pointer": "/app", "equals": "sales" }}] }} }},
            {{ "name": "too slow", "url": "{hello}/api/slow", "query": {{ "seconds": "1" }}, "expect": {{ "within_ms": 100 }} }},
            {{ "name": "not there", "url": "{hello}/api/nothing-here", "expect": {{ "status": 200 }} }} ] }}"#
    ))
    .unwrap();
    let run = b
        .app
        .run_checks("bot", "edge", &file, &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(run.failed, 4);
    let gone = &run.outcomes[0];
    assert_eq!(gone.status, None);
    let e = gone.error.as_deref().unwrap();
    assert!(
        e.contains("no app named \"no-such-app\"") && e.contains("hello"),
        "{e}"
    );
    assert_eq!(
        run.outcomes[1].problems,
        ["/app: not \"sales\" (the answer has a string there)"]
    );
    assert!(
        run.outcomes[1].doctor.is_empty(),
        "a 200 with the wrong value needs no Doctor"
    );
    let slow = &run.outcomes[2];
    assert_eq!(slow.status, Some(200));
    assert!(
        slow.problems[0].starts_with("took ") && slow.problems[0].ends_with("the limit is 100 ms"),
        "{:?}",
        slow.problems
    );
    assert_eq!(run.outcomes[3].status, Some(404));
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// Multi-threaded: the sandbox serves on the runtime's workers while this thread waits
// for the command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lakegate_check_runs_in_ci_and_writes_reports_without_secrets() {
    let b = common::workbench(SandboxConfig::default()).await;
    let out_dir = b.dir.join("reports");
    let junit = out_dir.join("checks.xml");
    let md = out_dir.join("checks.md");
    let out = common::cli(&b, &b.sb.info.ca_file)
        .arg("check")
        .arg(fixture("smoke.json"))
        .arg("--junit")
        .arg(&junit)
        .arg("--markdown")
        .arg(&md)
        .arg("--json")
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failing check fails the run\n{stderr}"
    );
    // Not a terminal: one plain line per check, for CI logs.
    assert!(stderr.contains("Running 5 checks from"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with('[')).count(),
        5,
        "{stderr}"
    );
    assert!(stderr.contains("FAIL finance month-end  401"), "{stderr}");
    let run: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(run["name"], "Sandbox smoke checks");
    assert_eq!(run["passed"], 4);
    assert_eq!(run["failed"], 1);
    assert!(
        run["outcomes"][0].get("answer").is_none(),
        "answers stay out of reports"
    );
    let junit_text = std::fs::read_to_string(&junit).unwrap();
    assert!(
        junit_text.contains("tests=\"5\" failures=\"1\" errors=\"0\""),
        "{junit_text}"
    );
    let md_text = std::fs::read_to_string(&md).unwrap();
    assert!(md_text.contains("4 of 5 passed"), "{md_text}");
    let sp = &b.sb.info.service_principals[0];
    for t in [&stdout, &stderr, &junit_text, &md_text] {
        assert!(!t.contains(&sp.client_secret), "the secret never appears");
        assert!(!t.contains("Bearer "), "no token appears");
    }

    // Every check passing: exit 0, and a summary line.
    let passing = b.dir.join("passing.json");
    std::fs::write(
        &passing,
        r#"{"checks":[{"name":"hello","app":"hello","path":"/api/hello"}]}"#,
    )
    .unwrap();
    let out = common::cli(&b, &b.sb.info.ca_file)
        .arg("check")
        .arg(&passing)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 of 1 checks passed (0 failed)"));

    // A file that is not usable: exit 2, every problem named, nothing sent.
    let bad = b.dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"checks":[{"name":"x","app":"hello","path":"/api/hello","headers":{"Authorization":"Bearer abc"}}]}"#,
    )
    .unwrap();
    let out = common::cli(&b, &b.sb.info.ca_file)
        .arg("check")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("the Authorization header carries a credential"),
        "{err}"
    );
    assert!(!err.contains("Bearer abc"));
    let out = common::cli(&b, &b.sb.info.ca_file)
        .arg("check")
        .arg(b.dir.join("absent.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
