//! `ce-wizard create --batch` and `--batch-csv` end to end: the built
//! binary against the sandbox on loopback, with its faults (failing and
//! lost creates, 429 with `Retry-After`, a list that cannot be read): rows
//! checked before anything is sent, a batch that fails half-way resumed
//! without a duplicate, OAuth rows signed in one at a time.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox};
use common::browser::consent;
use common::cli::*;
use serde_json::Value;
use std::time::{Duration, Instant};

const INSTANCES: &str = "/elements/api-v2/instances";

fn bigcommerce(name: &str, store: &str) -> String {
    format!(
        r#"{{"element": {{"key": "bigcommerce"}}, "name": "{name}", "tags": ["batch"], "configuration": {{"store.url": "https://store-{store}.mybigcommerce.com/api/v2/", "username": "u", "password": "bc-secret-{store}"}}}}"#
    )
}

fn ecwid(name: &str) -> String {
    format!(
        r#"{{"element": {{"key": "ecwid"}}, "name": "{name}", "configuration": {{"ecwid.store.id": "1003", "ecwid.order.key": "ok", "ecwid.product.key": "pk"}}}}"#
    )
}

/// `create` with these arguments, the batch file in a temporary directory.
fn batch(sb: &Sandbox, file_name: &str, contents: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(file_name);
    std::fs::write(&file, contents).unwrap();
    let flag = if file_name.ends_with(".csv") {
        "--batch-csv"
    } else {
        "--batch"
    };
    let mut cmd = command(sb, dir.path());
    // A create the sandbox leaves unread under many clients is checked
    // for and sent again after this deadline, not a minute.
    cmd.args(["--request-timeout", "5s", "create", flag])
        .arg(&file)
        .args(args);
    run(cmd, "")
}

/// The JSON lines on stdout, by the row's line.
fn rows(out: &Output) -> Vec<Value> {
    let mut rows: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    rows.sort_by_key(|r| r["line"].as_u64());
    rows
}

fn statuses(out: &Output) -> Vec<(String, String)> {
    rows(out)
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The names on the account, sorted, each as often as it is there.
fn names(sb: &Sandbox) -> Vec<String> {
    let mut n: Vec<String> = sb
        .instances()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

#[test]
fn a_json_lines_batch_creates_every_row_with_one_line_each() {
    let sb = sandbox();
    let file = [
        bigcommerce("shop one", "one"),
        String::new(),
        ecwid("shop two"),
        bigcommerce("shop three", "three"),
    ]
    .join("\n");
    let out = batch(&sb, "rows.jsonl", &file, &["--jobs", "2"]);
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert_eq!(
        statuses(&out),
        pairs(&[
            ("shop one", "created"),
            ("shop two", "created"),
            ("shop three", "created")
        ])
    );
    let printed = rows(&out);
    assert_eq!(
        printed
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 3, 4],
        "each row keeps its line in the file"
    );
    let stored = sb.instances();
    assert_eq!(stored.len(), 3);
    for r in &printed {
        let id = r["id"].as_i64().unwrap();
        let s = stored
            .iter()
            .find(|i| i["id"].as_i64() == Some(id))
            .unwrap();
        assert_eq!(s["name"], r["name"]);
        assert_eq!(r["reason"], Value::Null);
    }
    let one = stored.iter().find(|i| i["name"] == "shop one").unwrap();
    assert_eq!(one["tags"], serde_json::json!(["batch"]));
    assert!(
        out.stderr
            .contains("Batch: 3 created, 0 skipped (already on the account), 0 failed"),
        "{}",
        out.stderr
    );
    // Off a terminal, no progress line.
    assert!(!out.stderr.contains("rows: "), "{}", out.stderr);
    assert!(!out.stdout.contains("bc-secret"), "{}", out.stdout);
}

#[test]
fn a_csv_batch_reads_quoted_fields_and_tags() {
    let sb = sandbox();
    let csv = "element,name,tags,store.url,username,password\r\n\
               bigcommerce,\"shop, one\",eu;prod,https://store-a.mybigcommerce.com/api/v2/,u,\"p\"\"1\"\r\n\
               bigcommerce,shop two,,https://store-b.mybigcommerce.com/api/v2/,u,p2\r\n";
    let out = batch(&sb, "rows.csv", csv, &[]);
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert_eq!(
        statuses(&out),
        pairs(&[("shop, one", "created"), ("shop two", "created")])
    );
    let stored = sb.instances();
    let one = stored.iter().find(|i| i["name"] == "shop, one").unwrap();
    assert_eq!(one["tags"], serde_json::json!(["eu", "prod"]));
    assert_eq!(
        one["configuration"]["store.url"],
        "https://store-a.mybigcommerce.com/api/v2/"
    );
    let two = stored.iter().find(|i| i["name"] == "shop two").unwrap();
    assert_eq!(two["tags"], serde_json::json!([]));
}

#[test]
fn an_invalid_row_stops_the_whole_batch_before_anything_is_sent() {
    let sb = sandbox();
    let file = [
        bigcommerce("shop one", "one"),
        // No password.
        r#"{"element": {"key": "bigcommerce"}, "name": "shop two", "configuration": {"store.url": "https://store-b.mybigcommerce.com/api/v2/", "username": "u"}}"#.to_string(),
        r#"{"elemnt": {"key": "ecwid"}, "name": "shop three"}"#.to_string(),
        bigcommerce("shop one", "again"),
        r#"{"element": {"key": "bigcommerce"}, "configuration": {}}"#.to_string(),
    ]
    .join("\n");
    let out = batch(&sb, "rows.jsonl", &file, &[]);
    assert_eq!(out.code, 2, "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "");
    for said in [
        "line 2 (\"shop two\"): API token is required (password=…)",
        "line 3: the row has a field \"elemnt\": did you mean \"element\"?",
        "line 4 (\"shop one\"): line 1 has the same name; give each row its own",
        "line 5: the row has no name",
        "4 of 5 rows cannot be sent (listed above), so nothing was sent",
    ] {
        assert!(out.stderr.contains(said), "{said:?} in:\n{}", out.stderr);
    }
    assert_eq!(sb.count("POST", INSTANCES), 0);
    assert!(sb.instances().is_empty());

    // --skip-invalid: the valid row is made, the others are reported.
    let out = batch(&sb, "rows.jsonl", &file, &["--skip-invalid"]);
    assert_eq!(out.code, 2, "stderr:\n{}", out.stderr);
    let printed = rows(&out);
    assert_eq!(printed.len(), 5);
    assert_eq!(printed[0]["status"], "created");
    assert!(printed[1..].iter().all(|r| r["status"] == "failed"));
    assert_eq!(printed[1]["reason"], "API token is required (password=…)");
    assert_eq!(names(&sb), ["shop one"]);
}

/// The issue's case: a batch that fails half-way (a lost answer on the
/// way, then the platform refusing every create) is run again and ends
/// with each row made once.
#[test]
fn a_batch_that_fails_half_way_is_resumed_without_a_duplicate() {
    let sb = sandbox();
    let post = |kind| Fault {
        method: Some("POST".into()),
        path: Some("/instances".into()),
        ..Fault::new(kind)
    };
    sb.set_faults(Faults(vec![
        // The first create is made but its answer lost: recovered.
        post(FaultKind::DropAfterHandling).times(1),
        // The second is answered normally.
        post(FaultKind::Delay(Duration::ZERO)).times(1),
        // Every later one is refused.
        post(FaultKind::Status(500)),
    ]));
    let file: String = (1..=5)
        .map(|n| bigcommerce(&format!("store {n}"), &n.to_string()) + "\n")
        .collect();
    let out = batch(&sb, "rows.jsonl", &file, &["--jobs", "1"]);
    assert_eq!(out.code, 3, "stderr:\n{}", out.stderr);
    assert_eq!(
        statuses(&out),
        pairs(&[
            ("store 1", "created"),
            ("store 2", "created"),
            ("store 3", "failed"),
            ("store 4", "failed"),
            ("store 5", "failed"),
        ])
    );
    let first = rows(&out);
    assert!(
        first[0]["reason"]
            .as_str()
            .unwrap()
            .contains("recovered, not created twice"),
        "{}",
        first[0]
    );
    assert!(
        out.stderr.contains("run the same command again"),
        "{}",
        out.stderr
    );
    assert_eq!(names(&sb), ["store 1", "store 2"]);

    sb.set_faults(Faults::none());
    let again = batch(&sb, "rows.jsonl", &file, &[]);
    assert_eq!(again.code, 0, "stderr:\n{}", again.stderr);
    assert_eq!(
        statuses(&again),
        pairs(&[
            ("store 1", "skipped"),
            ("store 2", "skipped"),
            ("store 3", "created"),
            ("store 4", "created"),
            ("store 5", "created"),
        ])
    );
    let second = rows(&again);
    assert_eq!(
        second[0]["id"], first[0]["id"],
        "the skipped row names what is there"
    );
    assert_eq!(
        names(&sb),
        ["store 1", "store 2", "store 3", "store 4", "store 5"],
        "each row made exactly once"
    );
    // A third run has nothing to do.
    let third = batch(&sb, "rows.jsonl", &file, &[]);
    assert_eq!(third.code, 0);
    assert!(rows(&third).iter().all(|r| r["status"] == "skipped"));
    assert_eq!(sb.instances().len(), 5);
}

#[test]
fn rate_limited_creates_wait_for_retry_after_and_go_through() {
    let sb = sandbox();
    sb.set_faults(Faults(vec![Fault {
        method: Some("POST".into()),
        path: Some("/instances".into()),
        ..Fault::new(FaultKind::RateLimited {
            retry_after_secs: 1,
        })
        .times(2)
    }]));
    let file = [bigcommerce("a", "a"), bigcommerce("b", "b")].join("\n");
    let started = Instant::now();
    let out = batch(&sb, "rows.jsonl", &file, &[]);
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(sb.count("POST", INSTANCES), 4, "two refused, two made");
    assert_eq!(names(&sb), ["a", "b"]);
}

#[test]
fn a_list_that_cannot_be_read_whole_refuses_to_start() {
    let sb = sandbox();
    sb.set_faults(Faults(vec![Fault {
        method: Some("GET".into()),
        path: Some("/instances".into()),
        ..Fault::new(FaultKind::Status(500))
    }]));
    let out = batch(&sb, "rows.jsonl", &bigcommerce("a", "a"), &[]);
    assert_eq!(out.code, 3, "stderr:\n{}", out.stderr);
    assert!(
        out.stderr
            .contains("cannot read the account's whole instance list")
            && out.stderr.contains("nothing was sent")
            && out
                .stderr
                .contains("Check first with: ce-wizard instances list"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("POST", INSTANCES), 0);
}

#[test]
fn a_dry_run_prints_each_request_and_sends_nothing() {
    let sb = sandbox();
    let file = [bigcommerce("a", "a"), ecwid("b")].join("\n");
    let out = batch(&sb, "rows.jsonl", &file, &["--dry-run"]);
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    let printed = rows(&out);
    assert_eq!(printed.len(), 2);
    assert_eq!(printed[0]["status"], "dry-run");
    assert_eq!(printed[0]["request"]["name"], "a");
    assert_eq!(
        printed[0]["request"]["configuration"]["password"],
        "$CE_VALUE_PASSWORD"
    );
    assert!(!out.stdout.contains("bc-secret"), "{}", out.stdout);
    assert!(
        out.stderr.contains("Dry run: nothing was sent"),
        "{}",
        out.stderr
    );
    assert!(sb.requests().is_empty(), "{:?}", sb.requests());
}

#[test]
fn a_dash_reads_the_batch_from_standard_input() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--batch", "-"]);
    let out = run(cmd, &[bigcommerce("x", "x"), ecwid("y")].join("\n"));
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert_eq!(statuses(&out), pairs(&[("x", "created"), ("y", "created")]));
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--batch-csv", "-"]);
    let out = run(
        cmd,
        "element,name,ecwid.store.id,ecwid.order.key,ecwid.product.key\necwid,z,1003,ok,pk\n",
    );
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert_eq!(names(&sb), ["x", "y", "z"]);
}

fn keap(name: &str) -> String {
    format!(
        r#"{{"element": {{"key": "infusionsoftecommerce"}}, "name": "{name}", "configuration": {{"oauth.api.key": "client-id", "oauth.api.secret": "client-secret"}}}}"#
    )
}

/// OAuth rows: one sign-in at a time, each saying whose it is; the rows
/// without one are made first.
#[tokio::test(flavor = "multi_thread")]
async fn oauth_rows_sign_in_one_at_a_time_and_say_whose_sign_in_it_is() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.jsonl");
    std::fs::write(
        &file,
        [keap("keap one"), bigcommerce("big", "b"), keap("keap two")].join("\n"),
    )
    .unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--batch"]).arg(&file).args([
        "--callback-port",
        "0",
        "--no-browser",
        "--oauth-timeout",
        "60",
    ]);
    let mut running = Running::spawn(cmd);
    for (n, name) in [(1, "keap one"), (2, "keap two")] {
        let whose = running.line_containing(&format!("Sign-in {n} of 2"));
        assert!(
            whose.contains(&format!("line {}, instance \"{name}\"", 2 * n - 1)),
            "{whose}"
        );
        let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
        if n == 1 {
            // One at a time: the second sign-in has not started.
            assert!(!running.seen.iter().any(|l| l.contains("Sign-in 2 of 2")));
            assert_eq!(sb.instances().len(), 1, "the plain row is made first");
        }
        let redirect = consent(&url, "allow").await;
        assert_eq!(browser_get(&redirect).await.status(), 302);
        // The next URL looked for is the next sign-in's.
        running.seen.clear();
    }
    let out = running.finish();
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert_eq!(names(&sb), ["big", "keap one", "keap two"]);
}
