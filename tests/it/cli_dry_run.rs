//! `create --dry-run`: everything checked, the request and its curl
//! printed with secrets as variables (named as the person named them),
//! and not one request sent; `--json` prints the body alone, and
//! `create --from` refuses a body that still holds the dry run's
//! placeholders.

use crate::common;

use common::cli::*;
use serde_json::Value;

const PASSWORD: &str = "bc-api-token-9f3a";
const APP_SECRET: &str = "client-secret-77e1";

fn bigcommerce(sb: &ce_wizard::sandbox::Sandbox, dir: &std::path::Path) -> std::process::Command {
    let mut cmd = command(sb, dir);
    cmd.args([
        "create",
        "--dry-run",
        "--element",
        "bigcommerce",
        "--name",
        "shop",
    ])
    .args([
        "--set",
        "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        "--set",
        "username=u",
        "--set",
        "password=env:BC_PASSWORD",
    ])
    .env("BC_PASSWORD", PASSWORD);
    cmd
}

fn assert_no_secret_values(out: &Output, sb: &ce_wizard::sandbox::Sandbox) {
    for secret in [PASSWORD, APP_SECRET, sb.user_secret(), sb.org_secret()] {
        assert!(
            !out.stdout.contains(secret),
            "stdout holds a secret:\n{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(secret),
            "stderr holds a secret:\n{}",
            out.stderr
        );
    }
}

#[test]
fn a_valid_create_prints_the_request_and_curl_and_sends_nothing() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let out = run(bigcommerce(&sb, dir.path()), "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(sb.requests().is_empty(), "a request reached the platform");
    assert!(sb.instances().is_empty());
    let url = format!("{}/instances", sb.base_url().trim_end_matches('/'));
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some(format!("POST {url}").as_str()));
    let body_text: String = out
        .stdout
        .split_once('\n')
        .unwrap()
        .1
        .split("\n\n")
        .next()
        .unwrap()
        .to_string();
    let body: Value = serde_json::from_str(&body_text).expect("the body is JSON");
    assert_eq!(body["element"]["key"], "bigcommerce");
    assert_eq!(body["name"], "shop");
    assert_eq!(body["configuration"]["username"], "u");
    // Read from the variable the person named, not one named after the key.
    assert_eq!(body["configuration"]["password"], "$BC_PASSWORD");
    assert!(out.stdout.contains("$CE_USER_SECRET") && out.stdout.contains("$CE_ORG_SECRET"));
    assert!(out.stdout.contains(&format!("'{url}'")), "{}", out.stdout);
    assert!(
        printed_command(&out.stdout).starts_with("jq -n --arg BC_PASSWORD \"$BC_PASSWORD\" "),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert_no_secret_values(&out, &sb);
}

fn need(tool: &str) {
    if std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("{tool} is needed for this test: install it (Debian: {tool})");
    }
}

/// What the dry run printed after the body: the command to run.
fn printed_command(stdout: &str) -> &str {
    stdout
        .split_once("\n\n")
        .expect("a command after the body")
        .1
}

#[test]
fn the_printed_curl_sends_the_same_request_when_run() {
    // The command, run by a shell with the variables set, reaches the
    // platform and creates the instance the dry run described, whatever
    // the secret holds. The dry run itself needs no variable set.
    need("curl");
    need("jq");
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bigcommerce(&sb, dir.path());
    cmd.env_remove("BC_PASSWORD");
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("BC_PASSWORD is not set"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("$BC_PASSWORD"), "{}", out.stderr);
    assert!(sb.requests().is_empty());
    let tricky = r#"pa"ss\word'$(x)`y`"#;
    let sent = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} -sS --fail-with-body",
            printed_command(&out.stdout).trim_end()
        ))
        .env("CE_USER_SECRET", sb.user_secret())
        .env("CE_ORG_SECRET", sb.org_secret())
        .env("BC_PASSWORD", tricky)
        .output()
        .unwrap();
    assert!(
        sent.status.success(),
        "{}{}",
        String::from_utf8_lossy(&sent.stdout),
        String::from_utf8_lossy(&sent.stderr)
    );
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["configuration"]["password"], tricky);
    assert_eq!(stored[0]["configuration"]["username"], "u");
    assert_eq!(stored[0]["name"], "shop");
}

#[test]
fn a_variable_named_after_a_key_never_shadows_the_shell() {
    // Unnamed, a secret's variable carries a prefix: a key the platform
    // spells `path` or `ce.user.secret` does not read $PATH or the
    // account's own secret.
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bigcommerce(&sb, dir.path());
    cmd.args(["--set", "password=hunter2-literal"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("\"password\": \"$CE_VALUE_PASSWORD\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("hunter2-literal"));
}

#[test]
fn dry_run_json_prints_the_body_alone() {
    need("jq");
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bigcommerce(&sb, dir.path());
    cmd.arg("--json");
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let body: Value = serde_json::from_str(&out.stdout).expect("stdout is the body alone");
    assert_eq!(body["element"]["key"], "bigcommerce");
    assert_eq!(body["configuration"]["password"], "$BC_PASSWORD");
    assert_no_secret_values(&out, &sb);
    // And jq takes it as it comes.
    let mut jq = std::process::Command::new("jq")
        .args(["-r", ".name"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    jq.stdin
        .take()
        .unwrap()
        .write_all(out.stdout.as_bytes())
        .unwrap();
    let name = jq.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&name.stdout).trim(), "shop");
}

#[test]
fn create_from_refuses_the_dry_runs_own_placeholders() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bigcommerce(&sb, dir.path());
    cmd.arg("--json");
    let saved = run(cmd, "");
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let file = dir.path().join("instance.json");
    std::fs::write(&file, &saved.stdout).unwrap();

    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--from"]).arg(&file);
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(sb.requests().is_empty(), "the placeholder was sent");
    assert!(
        out.stderr.contains("$BC_PASSWORD")
            && out.stderr.contains("placeholder")
            && out.stderr.contains("password=env:BC_PASSWORD"),
        "{}",
        out.stderr
    );

    // With the value given, the same file creates the instance.
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--no-verify", "--from"])
        .arg(&file)
        .args(["--set", "password=env:BC_PASSWORD"])
        .env("BC_PASSWORD", PASSWORD);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sb.instances()[0]["configuration"]["password"], PASSWORD);
}

#[test]
fn invalid_input_still_exits_2_and_sends_nothing() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args([
        "create",
        "--dry-run",
        "--element",
        "bigcommerce",
        "--set",
        "username=u",
    ]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("password"), "{}", out.stderr);
    assert!(sb.requests().is_empty());
}

#[test]
fn an_oauth_element_stops_before_the_sign_in_and_says_so() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args([
        "create",
        "--dry-run",
        "--element",
        "infusionsoftecommerce",
        "--name",
        "keap",
    ])
    .args(["--callback-port", "0", "--no-browser"])
    .args([
        "--set",
        "oauth.api.key=client-id",
        "--set",
        "oauth.api.secret=env:APP_SECRET",
    ])
    .env("APP_SECRET", APP_SECRET);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(sb.requests().is_empty());
    assert!(
        out.stderr.contains("stops before the sign-in"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("http://127.0.0.1"),
        "no authorization URL: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("\"oauth.api.secret\": \"$APP_SECRET\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("providerData"));
    assert_no_secret_values(&out, &sb);
}
