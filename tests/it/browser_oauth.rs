//! OAuth with a real browser: `create` opens Debian's Chromium (headless)
//! on the sandbox's consent page; pressing Allow sends the browser through
//! the redirect into the loopback listener, and the instance is created
//! with the callback's code.

use crate::common;

use common::browser::Browser;
use common::cli::*;
use serde_json::Value;

fn infusionsoft(
    sb: &ce_wizard::sandbox::Sandbox,
    dir: &std::path::Path,
    browser: &Browser,
) -> std::process::Command {
    let mut cmd = command(sb, dir);
    cmd.env("PATH", browser.path_env())
        .env("DISPLAY", ":0")
        .args([
            "create",
            "--element",
            "infusionsoftecommerce",
            "--name",
            "browser",
            "--callback-port",
            "0",
        ])
        .args([
            "--set",
            "oauth.api.key=client-id",
            "--set",
            "oauth.api.secret=env:APP_SECRET",
        ])
        .env("APP_SECRET", "client-secret");
    cmd
}

#[test]
fn allow_in_the_browser_creates_the_instance() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::new();
    let running = Running::spawn(infusionsoft(&sb, dir.path(), &browser));
    let mut page = browser.page();
    page.click("allow");
    let text = page.wait_for_text("Authorization received");
    assert!(
        !page.url().contains("code="),
        "the code left the address bar: {}",
        page.url()
    );
    let out = running.finish();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(printed["token"], stored[0]["token"]);
    assert!(stored[0]["configuration"]["oauth.callback.url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    assert!(
        browser.opened()[0].contains("/provider/oauth/authorize"),
        "{:?}",
        browser.opened()
    );
    assert!(text.contains("terminal"), "{text}");
}

#[test]
fn deny_in_the_browser_is_explained_and_creates_nothing() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::new();
    let running = Running::spawn(infusionsoft(&sb, dir.path(), &browser));
    let mut page = browser.page();
    page.click("deny");
    let text = page.wait_for_text("Access was not granted");
    assert!(text.contains("The user denied access"), "{text}");
    let out = running.finish();
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("denied"), "{}", out.stderr);
    assert_eq!(sb.count("POST", "/elements/api-v2/instances"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_callback_is_rejected_before_the_real_one() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::new();
    let mut running = Running::spawn(infusionsoft(&sb, dir.path(), &browser));
    let mut page = browser.page();
    page.wait_for_text("Allow");
    let callback = running.line_containing("Waiting for the redirect to");
    let callback = callback
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let forged = browser_get(&format!("{callback}?code=stolen&state=forged")).await;
    assert_eq!(forged.status(), 400);
    running.line_containing("ignored a request");
    page.click("allow");
    page.wait_for_text("Authorization received");
    let out = running.finish();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sb.instances().len(), 1);
}
