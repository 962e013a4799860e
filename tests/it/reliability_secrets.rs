//! `--log-file`: the diagnostic log is written readable by its owner only,
//! says what happened, and never holds a secret of the run: the account
//! secrets, the app's API secret, passwords and keys, the OAuth state and
//! code, the element token. Checked for OAuth and plain elements, on success
//! and on failure, by searching the log for every secret used.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox};
use common::browser::consent;
use common::cli::*;
use serde_json::Value;
use std::path::Path;

const PASSWORD: &str = "bc-password-Zq81xw";

struct Logged {
    out: Output,
    log: String,
}

fn read_log(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the log is readable by its owner only");
    }
    std::fs::read_to_string(path).unwrap()
}

fn assert_hidden(log: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !log.contains(secret),
            "a secret ({} characters) is in the log:\n{log}",
            secret.len()
        );
    }
}

fn bigcommerce(sb: &Sandbox, dir: &Path, log: &Path) -> Logged {
    let pw = dir.join("pw.txt");
    std::fs::write(&pw, PASSWORD).unwrap();
    let mut cmd = command(sb, dir);
    cmd.arg("--log-file")
        .arg(log)
        .args(["create", "--element", "bigcommerce", "--name", "shop"])
        .args([
            "--set",
            "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        ])
        .args(["--set", "username=admin"])
        .arg("--set")
        .arg(format!("password=@{}", pw.display()));
    let out = run(cmd, "");
    Logged {
        log: read_log(log),
        out,
    }
}

fn token_of(out: &Output) -> String {
    let v: Value = serde_json::from_str(&out.stdout).expect("instance JSON on stdout");
    v["token"].as_str().unwrap().to_string()
}

#[test]
fn a_plain_create_logs_requests_but_no_secret() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let logged = bigcommerce(&sb, dir.path(), &dir.path().join("run.log"));
    assert_eq!(logged.out.code, 0, "{}", logged.out.stderr);
    let token = token_of(&logged.out);
    assert_hidden(
        &logged.log,
        &[sb.user_secret(), sb.org_secret(), PASSWORD, &token],
    );
    assert!(
        logged.log.contains("request POST /instances -> 200"),
        "{}",
        logged.log
    );
    assert!(logged.log.contains("exit exit code 0"), "{}", logged.log);
}

#[test]
fn a_failed_create_logs_the_failure_but_no_secret() {
    let sb = sandbox();
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(503)).on("POST", "/instances"),
    ));
    let dir = tempfile::tempdir().unwrap();
    let logged = bigcommerce(&sb, dir.path(), &dir.path().join("run.log"));
    assert_eq!(logged.out.code, 3, "{}", logged.out.stderr);
    assert_hidden(&logged.log, &[sb.user_secret(), sb.org_secret(), PASSWORD]);
    assert!(
        logged.log.contains("request POST /instances -> 503"),
        "{}",
        logged.log
    );
    assert!(logged.log.contains("exit exit code 3"), "{}", logged.log);
}

#[test]
fn a_recovered_create_logs_the_recovery_but_no_secret() {
    let sb = sandbox();
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::DropAfterHandling).on("POST", "/instances"),
    ));
    let dir = tempfile::tempdir().unwrap();
    let logged = bigcommerce(&sb, dir.path(), &dir.path().join("run.log"));
    assert_eq!(logged.out.code, 0, "{}", logged.out.stderr);
    let token = token_of(&logged.out);
    assert_hidden(
        &logged.log,
        &[sb.user_secret(), sb.org_secret(), PASSWORD, &token],
    );
    assert!(
        logged.log.contains("recover found instance"),
        "{}",
        logged.log
    );
}

#[test]
fn wrong_account_secrets_are_not_logged_either() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let mut cmd = command(&sb, dir.path());
    cmd.env("CE_ORG_SECRET", "a-wrong-org-secret-77")
        .arg("--log-file")
        .arg(&log)
        .args(["create", "--element", "ecwid", "--name", "e"])
        .args([
            "--set",
            "ecwid.store.id=1",
            "--set",
            "ecwid.order.key=ok-9a8b",
        ])
        .args(["--set", "ecwid.product.key=pk-7c6d"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    let log = read_log(&log);
    assert_hidden(
        &log,
        &[
            sb.user_secret(),
            "a-wrong-org-secret-77",
            "ok-9a8b",
            "pk-7c6d",
        ],
    );
    assert!(log.contains("-> 401"), "{log}");
}

#[test]
fn an_existing_log_file_is_narrowed_to_its_owner() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("open.log");
    std::fs::write(&log, "old content").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let logged = bigcommerce(&sb, dir.path(), &log);
    assert!(!logged.log.contains("old content"));
}

#[test]
fn an_unwritable_log_path_is_refused_before_anything_is_sent() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.arg("--log-file")
        .arg(dir.path().join("no/such/dir/run.log"))
        .args(["create", "--element", "ecwid"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot write the log file"),
        "{}",
        out.stderr
    );
    assert!(sb.requests().is_empty());
}

/// The code and state travel in the redirect; both must stay out of the log.
fn code_and_state(redirect: &str) -> (String, String) {
    let u = url::Url::parse(redirect).unwrap();
    let get = |k: &str| {
        u.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (get("code"), get("state"))
}

async fn oauth_run(sb: &Sandbox, dir: &Path, log: &Path) -> (Output, String, String) {
    let mut cmd = command(sb, dir);
    cmd.arg("--log-file")
        .arg(log)
        .args([
            "create",
            "--element",
            "infusionsoftecommerce",
            "--name",
            "k",
        ])
        .args(["--callback-port", "0", "--no-browser"])
        .args(["--set", "oauth.api.key=client-id-5521"])
        .args(["--set", "oauth.api.secret=env:APP_SECRET"])
        .env("APP_SECRET", "app-secret-Hy7Lq2");
    let mut running = Running::spawn(cmd);
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    let (code, state) = code_and_state(&redirect);
    browser_get(&redirect).await;
    (running.finish(), code, state)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oauth_create_logs_its_events_but_no_secret() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("oauth.log");
    let (out, code, state) = oauth_run(&sb, dir.path(), &log_path).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = token_of(&out);
    let log = read_log(&log_path);
    assert_hidden(
        &log,
        &[
            sb.user_secret(),
            sb.org_secret(),
            "app-secret-Hy7Lq2",
            &code,
            &state,
            &token,
        ],
    );
    assert!(log.contains("oauth authorization received"), "{log}");
    assert!(
        log.contains("request GET /elements/infusionsoftecommerce/oauth/url -> 200"),
        "{log}"
    );
    // stderr, where the person looks, holds none of them either.
    assert_hidden(
        &out.stderr,
        &[
            sb.user_secret(),
            sb.org_secret(),
            "app-secret-Hy7Lq2",
            &code,
            &token,
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_oauth_create_logs_no_secret() {
    let sb = sandbox();
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(500)).on("POST", "/instances"),
    ));
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("oauth.log");
    let (out, code, state) = oauth_run(&sb, dir.path(), &log_path).await;
    assert_eq!(out.code, 3, "{}", out.stderr);
    let log = read_log(&log_path);
    assert_hidden(
        &log,
        &[
            sb.user_secret(),
            sb.org_secret(),
            "app-secret-Hy7Lq2",
            &code,
            &state,
        ],
    );
    assert!(log.contains("request POST /instances -> 500"), "{log}");
}
