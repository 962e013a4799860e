//! `create --dry-run`: everything checked, the request and its curl
//! printed with secrets as variables, and not one request sent.

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
        .split("\n\ncurl ")
        .next()
        .unwrap()
        .to_string();
    let body: Value = serde_json::from_str(&body_text).expect("the body is JSON");
    assert_eq!(body["element"]["key"], "bigcommerce");
    assert_eq!(body["name"], "shop");
    assert_eq!(body["configuration"]["username"], "u");
    assert_eq!(body["configuration"]["password"], "$PASSWORD");
    assert!(out.stdout.contains("$CE_USER_SECRET") && out.stdout.contains("$CE_ORG_SECRET"));
    assert!(out.stdout.contains(&format!("'{url}'")), "{}", out.stdout);
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert_no_secret_values(&out, &sb);
}

#[test]
fn the_printed_curl_sends_the_same_request_when_run() {
    // The command, run by a shell with the variables set, reaches the
    // platform and creates the instance the dry run described.
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("curl is needed for this test: install it (Debian: curl)");
    }
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let out = run(bigcommerce(&sb, dir.path()), "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let curl = &out.stdout[out.stdout.find("curl ").unwrap()..];
    let sent = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} -sS --fail-with-body", curl.trim_end()))
        .env("CE_USER_SECRET", sb.user_secret())
        .env("CE_ORG_SECRET", sb.org_secret())
        .env("PASSWORD", PASSWORD)
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
    assert_eq!(stored[0]["configuration"]["password"], PASSWORD);
    assert_eq!(stored[0]["name"], "shop");
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
        out.stdout
            .contains("\"oauth.api.secret\": \"$OAUTH_API_SECRET\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("providerData"));
    assert_no_secret_values(&out, &sb);
}
