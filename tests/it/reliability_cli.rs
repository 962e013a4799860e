//! `ce-wizard create` when the platform misbehaves: the built binary against
//! a sandbox with injected faults. The person must end with exactly one
//! instance, or with a message that says whether trying again is safe.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults};
use common::browser::consent;
use common::cli::*;
use serde_json::Value;

const INSTANCES: &str = "/elements/api-v2/instances";

fn ecwid_cmd(sb: &ce_wizard::sandbox::Sandbox, dir: &std::path::Path) -> std::process::Command {
    let mut cmd = command(sb, dir);
    cmd.args(["create", "--element", "ecwid", "--name", "shop"])
        .args(["--set", "ecwid.store.id=1003"])
        .args(["--set", "ecwid.order.key=env:ORDER_KEY"])
        .args(["--set", "ecwid.product.key=env:PRODUCT_KEY"])
        .env("ORDER_KEY", "order-key-value")
        .env("PRODUCT_KEY", "product-key-value");
    cmd
}

fn oauth_cmd(sb: &ce_wizard::sandbox::Sandbox, dir: &std::path::Path) -> std::process::Command {
    let mut cmd = command(sb, dir);
    cmd.args([
        "create",
        "--element",
        "infusionsoftecommerce",
        "--name",
        "keap",
    ])
    .args([
        "--callback-port",
        "0",
        "--no-browser",
        "--oauth-timeout",
        "60",
    ])
    .args(["--set", "oauth.api.key=client-id"])
    .args(["--set", "oauth.api.secret=env:APP_SECRET"])
    .env("APP_SECRET", "client-secret");
    cmd
}

fn on_create(kind: FaultKind) -> Faults {
    Faults::one(Fault::new(kind).on("POST", "/instances"))
}

/// Exit 0, the one stored instance on stdout, and the word that it was
/// recovered rather than created twice.
fn expect_recovered(out: &Output, sb: &ce_wizard::sandbox::Sandbox) {
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    let stored = sb.instances();
    assert_eq!(stored.len(), 1, "exactly one instance");
    assert_eq!(sb.count("POST", INSTANCES), 1, "the create was sent once");
    let printed: Value = serde_json::from_str(&out.stdout).expect("the instance JSON");
    assert_eq!(printed["token"], stored[0]["token"]);
    assert_eq!(printed["id"], stored[0]["id"]);
    assert!(
        out.stderr.contains("it was recovered, not created twice"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Created instance"), "{}", out.stderr);
}

#[test]
fn a_lost_answer_to_the_create_is_recovered() {
    let sb = sandbox();
    sb.set_faults(on_create(FaultKind::DropAfterHandling));
    let dir = tempfile::tempdir().unwrap();
    let out = run(ecwid_cmd(&sb, dir.path()), "");
    expect_recovered(&out, &sb);
    assert!(
        out.stderr
            .contains("the connection closed before the server's answer was complete"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_after_oauth_is_recovered_too() {
    let sb = sandbox();
    sb.set_faults(on_create(FaultKind::DropAfterHandling));
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(oauth_cmd(&sb, dir.path()));
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    assert_eq!(browser_get(&redirect).await.status(), 302);
    expect_recovered(&running.finish(), &sb);
}

#[test]
fn a_cut_create_that_made_nothing_says_it_is_safe_to_run_again() {
    let sb = sandbox();
    sb.set_faults(on_create(FaultKind::CloseMidResponse));
    let dir = tempfile::tempdir().unwrap();
    let out = run(ecwid_cmd(&sb, dir.path()), "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("so nothing was created and it is safe to try again"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Run the same command again"),
        "{}",
        out.stderr
    );
    assert!(sb.instances().is_empty());
    assert!(out.stdout.is_empty());

    sb.set_faults(Faults::none());
    let again = run(ecwid_cmd(&sb, dir.path()), "");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(sb.instances().len(), 1);
}

#[test]
fn a_create_that_never_answers_ends_at_the_request_timeout() {
    let sb = sandbox();
    sb.set_faults(on_create(FaultKind::Hang));
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = ecwid_cmd(&sb, dir.path());
    cmd.args(["--request-timeout", "1s"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("the server did not answer in time")
            && out.stderr.contains("safe to try again"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flaky_oauth_url_call_is_retried() {
    let sb = sandbox();
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(503))
            .on("GET", "/elements/infusionsoftecommerce/oauth/url")
            .times(2),
    ));
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(oauth_cmd(&sb, dir.path()));
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    browser_get(&redirect).await;
    let out = running.finish();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        sb.count(
            "GET",
            "/elements/api-v2/elements/infusionsoftecommerce/oauth/url"
        ),
        3
    );
    assert_eq!(sb.instances().len(), 1);
}

#[test]
fn a_web_page_instead_of_json_is_named() {
    let sb = sandbox();
    sb.set_faults(on_create(FaultKind::Html(403)));
    let dir = tempfile::tempdir().unwrap();
    let out = run(ecwid_cmd(&sb, dir.path()), "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("web page instead of the API's JSON"),
        "{}",
        out.stderr
    );
    assert!(sb.instances().is_empty());
}

#[test]
fn the_sandbox_command_takes_faults() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ce-wizard"))
        .args(["sandbox", "--port", "0", "--fault", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown fault 'nonsense'"), "{stderr}");
}
