//! `ce-wizard instances delete --tag T | --element KEY | --status S`:
//! the matching list and its count first, the count typed to confirm on a
//! terminal (in-process, through the console and prompter the command line
//! uses), `--yes` required elsewhere, one line per result, and an answer
//! lost on one delete read back; a platform that ignores or misreads
//! `tags[]` still deletes only the tagged. The built binary and the in-process
//! command against a seeded sandbox on loopback.

use crate::common;

use ce_wizard::catalog::FieldSpec;
use ce_wizard::cli::cleanup;
use ce_wizard::cli::console::{BrowserLauncher, Console, Prompter};
use ce_wizard::flow::selection::{ListedStatus, Selection};
use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox};
use common::cli::{client, instances, seeded};
use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const INSTANCES: &str = "/elements/api-v2/instances";

fn tagged(sb: &Sandbox, tag: &str) -> usize {
    sb.instances()
        .iter()
        .filter(|i| i["tags"].as_array().unwrap().iter().any(|t| t == tag))
        .count()
}

#[test]
fn deleting_by_tag_deletes_those_and_leaves_the_others() {
    let sb = seeded(50);
    let out = instances(&sb, &["delete", "--tag", "staging", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("10 instances match --tag staging:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Deleted 10 instances."),
        "{}",
        out.stderr
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "one line each: {}", out.stdout);
    assert!(lines.iter().all(|l| l.starts_with("deleted ")), "{lines:?}");
    assert!(
        lines[0].starts_with("deleted 1001 \"Ecwid store 00002\""),
        "{lines:?}"
    );
    assert_eq!(tagged(&sb, "staging"), 0);
    assert_eq!(sb.instances().len(), 40);
    for other in ["production", "test", "eu", "us"] {
        assert_eq!(tagged(&sb, other), 10, "{other} left alone");
    }
    // The tag was asked of the platform: one page, not the whole list.
    let lists: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == INSTANCES)
        .collect();
    assert_eq!(lists.len(), 1);
    assert!(lists[0]
        .query
        .contains(&("tags[]".to_string(), "staging".to_string())));
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count(),
        10
    );

    // By status, and by element with status: only those.
    let out = instances(&sb, &["delete", "--status", "invalid", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(sb.instances().iter().all(|i| i["valid"] != false));
    let out = instances(
        &sb,
        &[
            "delete",
            "--element",
            "WooCommerce",
            "--status",
            "disabled",
            "--yes",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert_eq!(sb.instances().len(), 36);

    // Nothing matches: said, and nothing to do.
    let out = instances(&sb, &["delete", "--tag", "staging", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("No instance matches --tag staging"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn without_a_terminal_and_without_yes_nothing_is_deleted() {
    let sb = seeded(50);
    let out = instances(&sb, &["delete", "--tag", "eu"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("10 instances match --tag eu:"),
        "the list comes first: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("deleting 10 instances needs a confirmation: add --yes"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was deleted"), "{}", out.stderr);
    assert_eq!(sb.instances().len(), 50);
    assert!(sb.requests().iter().all(|r| r.method == "GET"));

    // An ID|NAME and a selection at once, or neither, is refused before
    // anything is sent.
    let before = sb.requests().len();
    for args in [
        &["delete", "1000", "--tag", "eu", "--yes"][..],
        &["delete", "--yes"],
        &["delete", "--tag", "eu", "--id", "--yes"],
        &["delete", "--status", "broken", "--yes"],
    ] {
        let out = instances(&sb, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    }
    assert_eq!(sb.requests().len(), before);
    assert_eq!(sb.instances().len(), 50);
}

/// Answers from a script; remembers the questions.
struct Scripted {
    answers: VecDeque<String>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Prompter for Scripted {
    fn ask_field(&mut self, _: &FieldSpec, _: Option<&str>) -> std::io::Result<String> {
        Err(std::io::Error::other("no field is asked"))
    }
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<String> {
        self.asked.lock().unwrap().push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| std::io::Error::other("no answer scripted"))
    }
    fn confirm(&mut self, _: &str, _: bool) -> bool {
        false
    }
    fn ask_secret(&mut self, _: &str) -> std::io::Result<String> {
        Err(std::io::Error::other("no secret is asked"))
    }
}

struct NoBrowser;

impl BrowserLauncher for NoBrowser {
    fn open(&self, _: &str) -> Result<(), String> {
        Err("no browser here".into())
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What an in-process run said and asked.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    asked: Vec<String>,
}

/// `instances delete` for `selection` in-process, on a terminal where the
/// person types `answers`.
async fn on_terminal(sb: &Sandbox, selection: &Selection, answers: &[&str]) -> Ran {
    let (out, err) = (Captured::default(), Captured::default());
    let asked = Arc::new(Mutex::new(vec![]));
    let mut console = Console {
        input: Box::new(std::io::empty()),
        output: Box::new(out.clone()),
        errors: Box::new(err.clone()),
        input_is_terminal: true,
        errors_is_terminal: true,
        remote: false,
        quiet_wait: Duration::from_secs(5),
        prompter: Box::new(Scripted {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            asked: asked.clone(),
        }),
        browser: Box::new(NoBrowser),
    };
    let client = client(sb);
    let code = match cleanup::run(&mut console, &client, selection, false).await {
        Ok(code) => code,
        Err(failure) => {
            console.say(&failure.message);
            failure.code
        }
    };
    let asked = asked.lock().unwrap().clone();
    Ran {
        code,
        stdout: out.text(),
        stderr: err.text(),
        asked,
    }
}

fn tag(t: &str) -> Selection {
    Selection {
        tag: Some(t.into()),
        ..Selection::default()
    }
}

#[tokio::test]
async fn on_a_terminal_the_count_typed_confirms_and_a_wrong_one_deletes_nothing() {
    let sb = seeded(50);
    let ran = on_terminal(&sb, &tag("test"), &["9"]).await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert_eq!(
        ran.asked,
        ["Type 10 to delete these 10 instances for good, or press Enter to keep them: "]
    );
    assert!(
        ran.stderr.contains("10 instances match --tag test:"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("\"9\" is not 10") && ran.stderr.contains("nothing was deleted"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
    assert_eq!(tagged(&sb, "test"), 10);

    // Enter keeps them.
    let ran = on_terminal(&sb, &tag("test"), &[""]).await;
    assert_eq!(ran.code, 130, "{}", ran.stderr);
    assert_eq!(tagged(&sb, "test"), 10);
    assert!(sb.requests().iter().all(|r| r.method == "GET"));

    let ran = on_terminal(&sb, &tag("test"), &[" 10 "]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout.lines().count(), 10, "{}", ran.stdout);
    assert_eq!(tagged(&sb, "test"), 0);
    assert_eq!(sb.instances().len(), 40);

    // None left: said so, and nothing asked.
    let ran = on_terminal(
        &sb,
        &Selection {
            status: Some(ListedStatus::Invalid),
            element: Some("infusionsoftecommerce".into()),
            tag: Some("production".into()),
        },
        &[],
    )
    .await;
    assert_eq!(ran.code, 0, "none left: {}", ran.stderr);
    assert!(ran.asked.is_empty());
}

/// The answer to one delete is lost after the platform deleted it, and to
/// another before: each is read back, the first reported deleted, the
/// second not (exit 3), and running again deletes what is left.
#[tokio::test]
async fn a_lost_answer_is_read_back_and_the_rest_go_on() {
    let sb = seeded(50);
    // --tag us: instances 1004, 1009, ... 1049.
    sb.set_faults(
        Faults::one(
            Fault::new(FaultKind::DropAfterHandling)
                .on("DELETE", "/instances/1009")
                .times(1),
        )
        .and(
            Fault::new(FaultKind::CloseMidResponse)
                .on("DELETE", "/instances/1014")
                .times(1),
        ),
    );
    let ran = on_terminal(&sb, &tag("us"), &["10"]).await;
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "{}", ran.stdout);
    assert!(
        lines[1].starts_with("deleted 1009 \"WooCommerce store 00010\" (the answer was lost")
            && lines[1].ends_with("read back, it is gone)"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("not deleted 1014 ") && lines[2].ends_with("and it still exists"),
        "{}",
        lines[2]
    );
    assert!(
        ran.stderr
            .contains("1 of 10 instances were not deleted (each line above says why); run the same command again"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        sb.count("GET", &format!("{INSTANCES}/1009")),
        1,
        "read back"
    );
    assert_eq!(
        sb.count("GET", &format!("{INSTANCES}/1014")),
        1,
        "read back"
    );
    assert_eq!(tagged(&sb, "us"), 1);

    let ran = on_terminal(&sb, &tag("us"), &["1"]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "deleted 1014 \"WooCommerce store 00015\"\n");
    assert_eq!(tagged(&sb, "us"), 0);
}

/// Three instances, one tagged "old", on a platform that answers `tags[]`
/// with `tag_answer` (`None`: it ignores the parameter).
fn platform(tag_answer: Option<&'static str>) -> crate::hostile::Server {
    use crate::hostile::{Reply, Server, API};
    let all = serde_json::json!([
        {"id": 7, "name": "keep a", "token": "t7", "element": {"key": "ecwid"}, "tags": ["new"]},
        {"id": 8, "name": "drop", "token": "t8", "element": {"key": "ecwid"}, "tags": ["old", "x"]},
        {"id": 9, "name": "keep b", "token": "t9", "element": {"key": "ecwid"}, "tags": ["older"]},
    ]);
    Server::start(move |r| {
        if r.method == "DELETE" && r.path == format!("{API}/instances/8") {
            return Reply::Json(200, "{}".into());
        }
        if r.path != format!("{API}/instances") {
            return Reply::Json(404, r#"{"message":"No such thing","requestId":"r"}"#.into());
        }
        match tag_answer {
            Some(answer) if r.query.contains("tags%5B%5D=old") => Reply::Json(404, answer.into()),
            _ => Reply::Json(200, all.to_string()),
        }
    })
}

/// A platform that ignores `tags[]` answers every instance: only the
/// tagged one is deleted. One whose tag search answers none carrying the
/// tag: the whole list is read, and the tagged one found there.
#[test]
fn a_tag_search_ignored_or_missed_still_deletes_only_the_tagged() {
    for (answer, lists) in [
        (None, vec![true]),
        (
            Some(r#"{"message":"No instances found","requestId":"r"}"#),
            vec![true, false],
        ),
    ] {
        let server = platform(answer);
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = crate::hostile::command(&server.base_url(), dir.path());
        cmd.args(["instances", "delete", "--tag", "old", "--yes"]);
        let out = crate::hostile::run(cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, "deleted 8 \"drop\"\n");
        let seen = server.requests.lock().unwrap().clone();
        let listed: Vec<bool> = seen
            .iter()
            .filter(|r| r.method == "GET")
            .map(|r| r.query.contains("tags%5B%5D=old"))
            .collect();
        assert_eq!(listed, lists);
        let deletes: Vec<&str> = seen
            .iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| r.path.as_str())
            .collect();
        assert_eq!(deletes, ["/elements/api-v2/instances/8"]);
    }
}
