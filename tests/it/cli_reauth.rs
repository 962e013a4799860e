//! `ce-wizard instances reauth` and where the new grant is sent back: the
//! `--callback-port` given wins over the callback the instance stored, a
//! stored callback off this machine is refused with what to do, and the
//! re-authorization never touches the instance's name or tags, however
//! they would be cleaned for display.

use crate::common;

use ce_wizard::sandbox::Sandbox;
use common::browser::consent;
use common::cli::*;
use serde_json::{json, Value};

const INFUSIONSOFT: &str = "Infusionsoft store 00003";

/// Changes the instance as another tool (or a hostile platform) would.
async fn patch(sb: &Sandbox, id: i64, body: Value) {
    let status = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .patch(format!("{}/instances/{id}", sb.base_url()))
        .header(
            "Authorization",
            format!(
                "User {}, Organization {}",
                sb.user_secret(),
                sb.org_secret()
            ),
        )
        .json(&body)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
}

fn reauth(sb: &Sandbox, dir: &std::path::Path, id: i64, extra: &[&str]) -> Running {
    let mut cmd = command(sb, dir);
    cmd.args(["instances", "reauth", &id.to_string()])
        .args(["--no-browser", "--oauth-timeout", "60"])
        .args(["--set", "oauth.api.secret=env:APP_SECRET"])
        .args(extra)
        .env("APP_SECRET", "client-secret-00003");
    Running::spawn(cmd)
}

/// Allows the sign-in the command printed and follows the redirect into
/// its listener; the redirect's address.
async fn allow(running: &mut Running) -> String {
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    browser_get(&redirect).await;
    redirect
}

#[tokio::test(flavor = "multi_thread")]
async fn the_callback_port_given_wins_over_the_stored_one() {
    let sb = seeded(5);
    let id = id_named(&sb, INFUSIONSOFT);
    // The stored callback's port is taken by another program.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let stored_callback = format!("http://127.0.0.1:{taken_port}/callback");
    patch(
        &sb,
        id,
        json!({"configuration": {"oauth.callback.url": stored_callback}}),
    )
    .await;
    assert_eq!(
        stored_instance(&sb, id)["configuration"]["oauth.callback.url"],
        stored_callback.as_str()
    );
    let dir = tempfile::tempdir().unwrap();

    let mut running = reauth(&sb, dir.path(), id, &["--callback-port", "0"]);
    let redirect = allow(&mut running).await;
    let out = running.finish();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    assert!(
        !redirect.starts_with(&format!("http://127.0.0.1:{taken_port}/")),
        "{redirect}"
    );
    let now = stored_instance(&sb, id)["configuration"]["oauth.callback.url"].clone();
    assert_ne!(now, stored_callback.as_str(), "the new callback is stored");
    assert_eq!(stored_instance(&sb, id)["valid"], true);
    drop(taken);
}

#[test]
fn a_stored_callback_off_this_machine_is_refused_with_what_to_do() {
    let sb = seeded(5);
    let id = id_named(&sb, INFUSIONSOFT);
    let far = "https://collector.example/callback";
    tokio::runtime::Runtime::new().unwrap().block_on(patch(
        &sb,
        id,
        json!({"configuration": {"oauth.callback.url": far}}),
    ));
    assert_eq!(
        stored_instance(&sb, id)["configuration"]["oauth.callback.url"],
        far
    );
    let calls = sb.requests().len();
    let dir = tempfile::tempdir().unwrap();
    let out = reauth(&sb, dir.path(), id, &[]).finish();
    assert_eq!(out.code, 2, "{}", out.stderr);
    for named in [far, "--callback-port", "nothing was sent"] {
        assert!(out.stderr.contains(named), "{named}: {}", out.stderr);
    }
    let after: Vec<_> = sb.requests().into_iter().skip(calls).collect();
    assert!(
        after
            .iter()
            .all(|r| r.method == "GET" && r.path.contains("/instances")),
        "only the instance was read: {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reauth_never_rewrites_the_name_or_the_tags() {
    let sb = seeded(5);
    let id = id_named(&sb, INFUSIONSOFT);
    // What display cleaning would change: a bidi override, an escape
    // sequence, a zero-width space, spaces around.
    let name = " shop\u{202e}lanigiro\u{1b}[31m\u{200b} ";
    let tags = json!(["eu\u{1b}]0;x\u{7}", " padded ", "zw\u{200b}"]);
    patch(&sb, id, json!({"name": name, "tags": tags})).await;
    let before = stored_instance(&sb, id);
    assert_eq!(before["name"], name, "the platform keeps what it was sent");
    let dir = tempfile::tempdir().unwrap();
    let mut running = reauth(
        &sb,
        dir.path(),
        id,
        &["--set", "oauth.callback.url=http://127.0.0.1:0/callback"],
    );
    allow(&mut running).await;
    let out = running.finish();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = stored_instance(&sb, id);
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["tags"], before["tags"]);
    let sent = sb
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "PATCH")
        .unwrap();
    let body = sent.body.as_ref().and_then(Value::as_object).unwrap();
    let mut keys: Vec<&str> = body.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["configuration", "providerData"], "{sent:?}");
}
