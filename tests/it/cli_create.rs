//! `ce-wizard create` end to end: the built binary against the sandbox on
//! loopback, for each of the five seed elements, and every way it can fail.

use crate::common;

use common::browser::consent;
use common::cli::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const INSTANCES: &str = "/elements/api-v2/instances";

fn stored_config(instance: &Value) -> BTreeMap<String, String> {
    instance["configuration"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect()
}

fn expect_created(out: &Output, sandbox: &ce_wizard::sandbox::Sandbox) -> Value {
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    let printed: Value = serde_json::from_str(&out.stdout).expect("stdout is the instance JSON");
    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1, "exactly one instance");
    assert_eq!(
        printed["token"], stored[0]["token"],
        "stdout's token is the one the sandbox issued"
    );
    assert!(printed["token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(out.stderr.contains("Created instance"), "{}", out.stderr);
    assert!(
        !out.stderr.contains(printed["token"].as_str().unwrap()),
        "the token stays off stderr"
    );
    stored[0].clone()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn bigcommerce_from_flags_with_the_token_from_a_file() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token.txt");
    std::fs::write(&token_file, "bc-api-token\n").unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args([
        "create",
        "--element",
        "bigcommerce",
        "--name",
        "shop",
        "--tag",
        "docs",
        "--tag",
        "eu",
    ])
    .args([
        "--set",
        "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        "--set",
        "username=u",
    ])
    .arg("--set")
    .arg(format!("password=@{}", token_file.display()));
    let out = run(cmd, "");
    let inst = expect_created(&out, &sb);
    assert_eq!(inst["element"]["key"], "bigcommerce");
    assert_eq!(inst["name"], "shop");
    assert_eq!(inst["tags"], json!(["docs", "eu"]));
    assert_eq!(
        stored_config(&inst),
        map(&[
            ("store.url", "https://store-abc.mybigcommerce.com/api/v2/"),
            ("username", "u"),
            ("password", "bc-api-token")
        ])
    );
}

#[test]
fn woocommerce_derives_the_api_base_url() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.env("WC_SECRET", "cs_secret")
        .args([
            "create",
            "--element",
            "woocommerce",
            "--name",
            "wc",
            "--tag",
            "t",
        ])
        .args([
            "--set",
            "store.url=https://shop.example.com/",
            "--set",
            "oauth.api.key=ck_key",
        ])
        .args(["--set", "oauth.api.secret=env:WC_SECRET"]);
    let inst = expect_created(&run(cmd, ""), &sb);
    assert_eq!(
        stored_config(&inst),
        map(&[
            ("store.url", "https://shop.example.com/"),
            ("base.url", "https://shop.example.com/wc-api/v2"),
            ("oauth.api.key", "ck_key"),
            ("oauth.api.secret", "cs_secret"),
        ])
    );
    assert_eq!(inst["tags"], json!(["t"]));
}

#[test]
fn ecwid_from_an_instance_json_on_stdin() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let body = json!({
        "element": {"key": "ecwid"},
        "configuration": {"ecwid.order.key": "ok", "ecwid.product.key": "pk", "ecwid.store.id": "1003"},
        "name": "my ecwid"
    });
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--from", "-"]);
    let inst = expect_created(&run(cmd, &body.to_string()), &sb);
    assert_eq!(inst["name"], "my ecwid");
    assert_eq!(
        stored_config(&inst),
        map(&[
            // The documented body names no kind: the default one is said.
            ("authentication.type", "custom"),
            ("ecwid.order.key", "ok"),
            ("ecwid.product.key", "pk"),
            ("ecwid.store.id", "1003")
        ])
    );
    assert_eq!(inst["tags"], json!([]));
}

#[test]
fn magento_from_a_file_with_the_user_flag_defaulted() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("instance.json");
    std::fs::write(
        &file,
        json!({
            "element": {"key": "magentov20"},
            "configuration": {"userName": "admin", "password": "pw", "site": "https://m.example.com"},
            "tags": ["m2"],
            "name": "magento"
        })
        .to_string(),
    )
    .unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--from"]).arg(&file);
    let inst = expect_created(&run(cmd, ""), &sb);
    assert_eq!(
        stored_config(&inst),
        map(&[
            ("userName", "admin"),
            ("password", "pw"),
            ("site", "https://m.example.com"),
            ("user", "true")
        ])
    );
    assert_eq!(inst["tags"], json!(["m2"]));
}

fn infusionsoft_cmd(
    sb: &ce_wizard::sandbox::Sandbox,
    dir: &std::path::Path,
) -> std::process::Command {
    let mut cmd = command(sb, dir);
    cmd.args([
        "create",
        "--element",
        "infusionsoftecommerce",
        "--name",
        "keap",
        "--tag",
        "crm",
    ])
    .args([
        "--callback-port",
        "0",
        "--no-browser",
        "--oauth-timeout",
        "60",
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

#[tokio::test(flavor = "multi_thread")]
async fn infusionsoft_through_consent_and_the_real_listener() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(infusionsoft_cmd(&sb, dir.path()));
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    let resp = browser_get(&redirect).await;
    assert_eq!(
        resp.status(),
        302,
        "the listener moves the code out of the address bar"
    );
    let out = running.finish();
    let inst = expect_created(&out, &sb);
    let cfg = stored_config(&inst);
    let callback = cfg["oauth.callback.url"].clone();
    assert!(
        redirect.starts_with(&callback),
        "{redirect} goes to {callback}"
    );
    assert_eq!(
        cfg,
        map(&[
            ("oauth.api.key", "client-id"),
            ("oauth.api.secret", "client-secret"),
            ("oauth.callback.url", &callback),
            ("document.tagging", "false"),
        ])
    );
    assert_eq!(inst["name"], "keap");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_with_the_wrong_state_is_refused_and_the_right_one_still_works() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(infusionsoft_cmd(&sb, dir.path()));
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    let mut forged = url::Url::parse(&redirect).unwrap();
    let pairs: Vec<(String, String)> = forged.query_pairs().into_owned().collect();
    forged.query_pairs_mut().clear();
    for (k, v) in &pairs {
        let v = if k == "state" {
            "forged-state".to_string()
        } else {
            v.clone()
        };
        forged.query_pairs_mut().append_pair(k, &v);
    }
    let resp = browser_get(forged.as_str()).await;
    assert_eq!(resp.status(), 400);
    running.line_containing("ignored a request");
    assert_eq!(
        sb.count("POST", INSTANCES),
        0,
        "a forged callback creates nothing"
    );
    assert_eq!(browser_get(&redirect).await.status(), 302);
    expect_created(&running.finish(), &sb);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_redirect_address_works_like_the_listener() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(infusionsoft_cmd(&sb, dir.path()));
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    running.paste("not an address");
    running.line_containing("That is not the redirected address");
    running.paste(&redirect);
    expect_created(&running.finish(), &sb);
}

#[tokio::test(flavor = "multi_thread")]
async fn denied_consent_exits_4_and_creates_nothing() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(infusionsoft_cmd(&sb, dir.path()));
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "deny").await;
    assert!(redirect.contains("error=access_denied"));
    browser_get(&redirect).await;
    let out = running.finish();
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("denied"), "{}", out.stderr);
    assert_eq!(sb.count("POST", INSTANCES), 0);
}

#[test]
fn no_redirect_in_time_exits_4() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = infusionsoft_cmd(&sb, dir.path());
    cmd.args(["--oauth-timeout", "1"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("no authorization arrived within 1s"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("POST", INSTANCES), 0);
}

#[test]
fn a_taken_callback_port_is_named_with_the_flag_to_change_it() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut cmd = infusionsoft_cmd(&sb, dir.path());
    cmd.args(["--callback-port", &port]);
    let out = run(cmd, "");
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(&port) && out.stderr.contains("--callback-port"),
        "{}",
        out.stderr
    );
    assert!(
        sb.requests().is_empty(),
        "nothing was asked of the platform"
    );
}

/// Every required field of every non-OAuth seed, left out one at a time.
#[test]
fn each_missing_required_field_exits_2_naming_it_and_sends_nothing() {
    let full: &[(&str, &[(&str, &str)])] = &[
        (
            "bigcommerce",
            &[
                ("store.url", "https://s.example.com/api/v2/"),
                ("username", "u"),
                ("password", "p"),
            ],
        ),
        (
            "ecwid",
            &[
                ("ecwid.store.id", "1"),
                ("ecwid.order.key", "o"),
                ("ecwid.product.key", "p"),
            ],
        ),
        (
            "magentov20",
            &[
                ("site", "https://m.example.com"),
                ("userName", "u"),
                ("password", "p"),
            ],
        ),
        (
            "woocommerce",
            &[
                ("store.url", "https://w.example.com"),
                ("oauth.api.key", "k"),
                ("oauth.api.secret", "s"),
            ],
        ),
        (
            "infusionsoftecommerce",
            &[("oauth.api.key", "k"), ("oauth.api.secret", "s")],
        ),
    ];
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    for (element, settings) in full {
        let spec = ce_wizard::catalog::bundled_spec(element).unwrap();
        for (left_out, _) in settings.iter() {
            let mut cmd = command(&sb, dir.path());
            cmd.args(["create", "--element", element, "--callback-port", "0"]);
            for (k, v) in settings.iter().filter(|(k, _)| k != left_out) {
                cmd.arg("--set").arg(format!("{k}={v}"));
            }
            let out = run(cmd, "");
            let label = &spec.field(left_out).unwrap().label;
            assert_eq!(out.code, 2, "{element} without {left_out}: {}", out.stderr);
            assert!(
                out.stderr.contains(&format!("{label} is required")),
                "{element}: {}",
                out.stderr
            );
            assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
            assert!(out.stdout.is_empty());
        }
    }
    assert!(
        sb.requests().is_empty(),
        "no request reached the platform: {:?}",
        sb.requests()
    );
}

#[test]
fn all_problems_are_listed_at_once() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args([
        "create",
        "--element",
        "bigcommerce",
        "--set",
        "store.url=shop.example.com",
    ]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2);
    for needle in [
        "Store API URL must be an https:// or http:// URL",
        "API username is required",
        "API token is required",
    ] {
        assert!(out.stderr.contains(needle), "{needle} in {}", out.stderr);
    }
}

#[test]
fn wrong_secrets_exit_3_with_the_platform_message_and_request_id() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.env("CE_ORG_SECRET", "not-the-org-secret-4711")
        .args([
            "create",
            "--element",
            "bigcommerce",
            "--set",
            "store.url=https://s.example.com/api/v2/",
        ])
        .args(["--set", "username=u", "--set", "password=p"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("HTTP 401"), "{}", out.stderr);
    assert!(out.stderr.contains("request ID:"), "{}", out.stderr);
    assert!(out.stderr.contains("Organization secret"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("4711"),
        "secrets stay off stderr: {}",
        out.stderr
    );
    assert!(sb.instances().is_empty());
}

#[test]
fn unknown_elements_and_bad_files_exit_2() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", "shopifyy"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown element 'shopifyy'"),
        "{}",
        out.stderr
    );
    // A key that is not bundled is looked up in the platform's catalog: one
    // GET /elements, nothing else.
    let asked: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(asked, ["GET /elements/api-v2/elements"]);

    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--from", "-"]);
    let out = run(
        cmd,
        "{\"element\": {\"key\": \"ecwid\"}, \"configuration\": {\"ecwid.order.key\": \"s3cr3t\"",
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not valid JSON"), "{}", out.stderr);
    assert!(!out.stderr.contains("s3cr3t"));
    assert_eq!(sb.requests().len(), 1, "the broken file sent nothing");
}

#[test]
fn doc_placeholders_are_caught_before_sending() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--from", "-"]);
    let body = json!({
        "element": {"key": "bigcommerce"},
        "configuration": {"store.url": "https://store-{INSERT_STORE_HASH}.mybigcommerce.com/api/v2/", "username": "<INSERT_BIGCOMMERCE_USERNAME>", "password": "<INSERT_BIGCOMMERCE_API_KEY>"},
        "tags": ["<INSERT_TAGS>"],
        "name": "<INSERT_INSTANCE_NAME>"
    });
    let out = run(cmd, &body.to_string());
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.matches("placeholder").count() >= 4,
        "{}",
        out.stderr
    );
    assert!(sb.requests().is_empty());
}

#[test]
fn missing_account_secrets_are_explained() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.env_remove("CE_USER_SECRET")
        .args([
            "create",
            "--element",
            "ecwid",
            "--set",
            "ecwid.store.id=1",
            "--set",
            "ecwid.order.key=o",
        ])
        .args(["--set", "ecwid.product.key=p"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("CE_USER_SECRET"), "{}", out.stderr);
}

#[test]
fn the_built_in_sandbox_needs_no_account() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    cmd.env_clear()
        .env("HOME", dir.path())
        .env("CE_WIZARD_CONFIG", dir.path().join("c.toml"))
        .args([
            "create",
            "--sandbox",
            "--element",
            "ecwid",
            "--set",
            "ecwid.store.id=7",
        ])
        .args(["--set", "ecwid.order.key=o", "--set", "ecwid.product.key=p"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["element"]["key"], "ecwid");
    assert!(out.stderr.contains("built-in sandbox"));
}

#[test]
fn elements_lists_the_catalog() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    cmd.args(["elements", "--json"])
        .env_clear()
        .env("HOME", "/nonexistent");
    let out = run(cmd, "");
    assert_eq!(out.code, 0);
    let v: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let keys: Vec<&str> = v.iter().map(|e| e["key"].as_str().unwrap()).collect();
    for k in [
        "bigcommerce",
        "ecwid",
        "infusionsoftecommerce",
        "magentov20",
        "woocommerce",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
}

/// The platform refuses the create after a good authorization (here: wrong
/// account secrets, which the OAuth URL call does not need). The code is
/// spent, so it is not sent again; the person is told to authorize anew.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_create_after_oauth_never_resends_the_code() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = infusionsoft_cmd(&sb, dir.path());
    cmd.env("CE_ORG_SECRET", "not-the-org-secret-0815");
    let mut running = Running::spawn(cmd);
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    browser_get(&redirect).await;
    let out = running.finish();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("can be used only once"),
        "{}",
        out.stderr
    );
    assert_eq!(
        sb.count("POST", INSTANCES),
        1,
        "the code went to the platform once"
    );
    assert!(sb.instances().is_empty());
}

/// The authorization links `create` has printed so far, in order.
fn printed_authorize_urls(pty: &common::pty::Pty) -> Vec<String> {
    String::from_utf8_lossy(&pty.raw_output())
        .split_whitespace()
        .filter(|w| w.starts_with("http") && w.contains("/provider/oauth/authorize"))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_the_answer_to_authorize_again_is_not_taken_for_a_paste() {
    use ce_wizard::sandbox::{Fault, FaultKind, Faults};
    use common::wizard::{Home, Wizard};
    let sb = sandbox();
    // The platform refuses the first create: the grant is spent, and
    // `create` asks whether to sign in again.
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(400))
            .on("POST", "/instances")
            .times(1),
    ));
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .size(400, 40)
        .args(&[
            "create",
            "--element",
            "infusionsoftecommerce",
            "--name",
            "keap",
        ])
        .args(&["--set", "oauth.api.key=client-id"])
        .args(&["--set", "oauth.api.secret=@@client-secret"])
        .spawn();
    pty.wait_for("/provider/oauth/authorize");
    let first = printed_authorize_urls(&pty).remove(0);
    let redirect = consent(&first, "allow").await;
    assert_eq!(browser_get(&redirect).await.status(), 302);
    pty.wait_for("Authorize again in the browser?");
    pty.send("y\r");
    let second = pty.wait_value("a second authorization link", |_| {
        printed_authorize_urls(&pty).get(1).cloned()
    });
    let redirect = consent(&second, "allow").await;
    assert_eq!(browser_get(&redirect).await.status(), 302);
    assert_eq!(pty.finish(), 0, "{}", pty.screen());
    assert_eq!(sb.count("POST", INSTANCES), 2, "one refused, one made");
    assert_eq!(sb.instances().len(), 1);
    assert!(!pty.screen().contains("not the redirected address"));
}

/// Ecwid's other sign-in kind (devportal
/// `docs/elements/ecwid/ecwid-create-instance.md`): `--set
/// authentication.type=oauth2` runs the OAuth 2 flow through the real
/// listener, and the create carries the kind, the app's keys and the code;
/// the legacy keys are not asked for.
#[tokio::test(flavor = "multi_thread")]
async fn ecwid_signs_in_with_oauth2_when_the_kind_is_chosen() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", "ecwid", "--name", "ecwid-oauth"])
        .args([
            "--callback-port",
            "0",
            "--no-browser",
            "--oauth-timeout",
            "60",
        ])
        .args([
            "--set",
            "authentication.type=oauth2",
            "--set",
            "oauth.api.key=ecwid-app",
            "--set",
            "oauth.api.secret=env:APP_SECRET",
        ])
        .env("APP_SECRET", "ecwid-app-secret");
    let mut running = Running::spawn(cmd);
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    assert!(url.contains("client_id=ecwid-app"), "{url}");
    let redirect = consent(&url, "allow").await;
    assert_eq!(browser_get(&redirect).await.status(), 302);
    let inst = expect_created(&running.finish(), &sb);
    let cfg = stored_config(&inst);
    let callback = cfg["oauth.callback.url"].clone();
    assert!(
        redirect.starts_with(&callback),
        "{redirect} goes to {callback}"
    );
    assert_eq!(
        cfg,
        map(&[
            ("authentication.type", "oauth2"),
            ("oauth.api.key", "ecwid-app"),
            ("oauth.api.secret", "ecwid-app-secret"),
            ("oauth.callback.url", &callback),
        ])
    );
}

/// Without a choice the legacy keys are the default kind, as before; a
/// kind Ecwid does not offer is refused before anything is sent.
#[test]
fn ecwid_keeps_its_legacy_keys_by_default_and_refuses_an_unknown_kind() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", "ecwid", "--name", "legacy"])
        .args([
            "--set",
            "ecwid.store.id=1003",
            "--set",
            "ecwid.order.key=env:ORDER",
            "--set",
            "ecwid.product.key=env:PRODUCT",
        ]);
    cmd.env("ORDER", "ok").env("PRODUCT", "pk");
    let inst = expect_created(&run(cmd, ""), &sb);
    assert_eq!(
        stored_config(&inst),
        map(&[
            ("authentication.type", "custom"),
            ("ecwid.order.key", "ok"),
            ("ecwid.product.key", "pk"),
            ("ecwid.store.id", "1003")
        ])
    );

    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", "ecwid", "--name", "wrong"])
        .args(["--set", "authentication.type=oauth1"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("Sign-in kind") && out.stderr.contains("oauth2"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.instances().len(), 1, "nothing more was sent");
}

/// The platform is the judge of how an element signs in: when the cached
/// catalog says the legacy WooCommerce signs in with OAuth 2, `create`
/// follows the platform's form (fetched), says why, and plans the OAuth
/// sign-in; the bundled form alone would have sent the custom keys.
#[test]
fn create_follows_the_cached_catalogs_kind_over_the_bundled_form() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let mut cmd = command(&sb, dir.path());
    cmd.env("CE_WIZARD_CACHE", &cache).arg("elements");
    assert_eq!(run(cmd, "").code, 0);
    let file = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("the catalog is cached");
    let mut cached: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let woo = cached["elements"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["key"] == "woocommerce")
        .unwrap();
    woo["auth"] = json!("oauth2");
    std::fs::write(&file, cached.to_string()).unwrap();

    let mut cmd = command(&sb, dir.path());
    cmd.env("CE_WIZARD_CACHE", &cache)
        .args(["create", "--element", "woocommerce", "--dry-run"])
        .args(["--set", "store.url=https://shop.example.com"])
        .args(["--set", "base.url=https://shop.example.com/wc-api/v2"])
        .args([
            "--set",
            "oauth.api.key=ck_1",
            "--set",
            "oauth.api.secret=env:S",
        ])
        .env("S", "cs_1");
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("signs in with oauth2, but the form bundled with ce-wizard says custom; this form follows the platform"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("signs in with OAuth"), "{}", out.stderr);
    assert!(sb.instances().is_empty());
}

/// A body as the devportal writes them, taken whole: the element by id
/// (`varunpal72/churros:src/test/platform/elements/instances.js` names an
/// element by id), an object `event.poller.configuration` (devportal
/// `docs/elements/gotowebinar/events.md`), a boolean, top-level
/// `externalAuthentication` (`docs/elements/quickbooksonline/
/// authenticate.md`) and `retrieveObjectsAfterInstantiation`
/// (`_posts/2018-07-02-ReleaseNotes-2.176.md`).
fn documented_body(element_id: u64) -> Value {
    json!({
        "element": {"id": element_id},
        "configuration": {
            "store.url": "https://store-abc.mybigcommerce.com/api/v2/",
            "username": "admin",
            "password": "pw-from-the-docs-7f3a",
            "filter.response.nulls": false,
            "event.poller.configuration": {
                "orders": {"url": "/hubs/ecommerce/orders", "idField": "id"}
            }
        },
        "tags": ["docs"],
        "name": "from the docs",
        "externalAuthentication": "none",
        "retrieveObjectsAfterInstantiation": true,
        "providerData": {"code": "Code on Return the URL"}
    })
}

fn element_id(sb: &ce_wizard::sandbox::Sandbox, key: &str) -> u64 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let answer = common::platform::get(sb, &format!("/elements/{key}")).await;
        answer.json::<Value>().await.unwrap()["id"]
            .as_u64()
            .unwrap()
    })
}

#[test]
fn a_documented_body_is_sent_as_it_is() {
    let sb = sandbox();
    let id = element_id(&sb, "bigcommerce");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("instance.json");
    std::fs::write(&file, documented_body(id).to_string()).unwrap();

    // The dry run shows the body as it will go: nothing reshaped.
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--dry-run", "--from"]).arg(&file);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = out.stdout.lines().skip(1).take_while(|l| !l.is_empty());
    let shown: Value = serde_json::from_str(&shown.collect::<Vec<_>>().join("\n")).unwrap();
    assert_eq!(shown["element"], json!({"id": id}));
    assert_eq!(shown["configuration"]["filter.response.nulls"], false);
    assert_eq!(
        shown["configuration"]["event.poller.configuration"],
        json!({"orders": {"url": "/hubs/ecommerce/orders", "idField": "id"}})
    );
    assert_eq!(shown["externalAuthentication"], "none");
    assert_eq!(shown["retrieveObjectsAfterInstantiation"], true);
    assert!(shown.get("providerData").is_none(), "{shown}");
    assert!(!out.stdout.contains("pw-from-the-docs-7f3a"));
    assert!(sb.instances().is_empty());

    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--from"]).arg(&file);
    let out = run(cmd, "");
    let inst = expect_created(&out, &sb);
    assert_eq!(inst["element"]["key"], "bigcommerce");
    assert_eq!(inst["name"], "from the docs");
    assert_eq!(
        inst["configuration"]["event.poller.configuration"],
        json!({"orders": {"url": "/hubs/ecommerce/orders", "idField": "id"}})
    );
    assert_eq!(inst["configuration"]["filter.response.nulls"], "false");
    assert!(
        out.stderr
            .contains("event.poller.configuration is not among the settings"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("sending externalAuthentication, retrieveObjectsAfterInstantiation as given"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("providerData is left out"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("pw-from-the-docs-7f3a"));
}

#[test]
fn a_documented_body_is_refused_only_for_what_cannot_be_right() {
    let sb = sandbox();
    let id = element_id(&sb, "bigcommerce");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("instance.json");
    let try_body = |body: &Value| {
        std::fs::write(&file, body.to_string()).unwrap();
        let mut cmd = command(&sb, dir.path());
        cmd.args(["create", "--from"]).arg(&file);
        run(cmd, "")
    };
    let mut yes_no_object = documented_body(id);
    yes_no_object["configuration"]["filter.response.nulls"] = json!({"yes": true});
    let out = try_body(&yes_no_object);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("\"filter.response.nulls\"")
            && out.stderr.contains("takes true or false, not an object"),
        "{}",
        out.stderr
    );
    let mut placeholder = documented_body(id);
    placeholder["configuration"]["event.poller.configuration"]["orders"]["url"] =
        json!("<INSERT_POLLING_URL>");
    let out = try_body(&placeholder);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("still holds a placeholder"),
        "{}",
        out.stderr
    );
    let mut unknown_id = documented_body(id);
    unknown_id["element"] = json!({"id": 987654});
    let out = try_body(&unknown_id);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no element with id 987654"),
        "{}",
        out.stderr
    );
    assert!(sb.instances().is_empty());
    assert_eq!(sb.count("POST", INSTANCES), 0);
}

/// Tokens obtained elsewhere (`"externalAuthentication": "initial"`,
/// devportal `docs/elements/quickbooksonline/authenticate.md`): an OAuth
/// element's instance is made from them, with no sign-in in a browser.
#[test]
fn tokens_obtained_elsewhere_need_no_sign_in() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("instance.json");
    std::fs::write(
        &file,
        json!({
            "element": {"key": "infusionsoftecommerce"},
            "configuration": {
                "oauth.api.key": "client-id",
                "oauth.api.secret": "client-secret-9e1d",
                "oauth.callback.url": "https://app.example.com/auth",
                "oauth.user.token": "token-from-elsewhere-3b7c",
                "oauth.user.refresh_token": "refresh-from-elsewhere-44aa"
            },
            "name": "keap from tokens",
            "externalAuthentication": "initial"
        })
        .to_string(),
    )
    .unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--no-browser", "--from"]).arg(&file);
    let out = run(cmd, "");
    let inst = expect_created(&out, &sb);
    assert_eq!(
        inst["configuration"]["oauth.user.token"],
        "token-from-elsewhere-3b7c"
    );
    assert!(
        out.stderr.contains("without a sign-in in the browser"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("/provider/oauth/authorize"),
        "{}",
        out.stderr
    );
    for secret in [
        "client-secret-9e1d",
        "token-from-elsewhere-3b7c",
        "refresh-from-elsewhere-44aa",
    ] {
        assert!(!out.stderr.contains(secret), "{secret}: {}", out.stderr);
    }
}
