//! `ce-wizard create` and `ce-wizard elements` for elements that are not
//! bundled: the built binary against the sandbox's generated catalog, the
//! form built from metadata, OAuth 1 and OAuth 2 through the real listener
//! (QuickBooks' OAuth 1 with the values its redirect adds), `--oauth-param`,
//! and the catalog cache.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SHOWCASE_CUSTOM, SHOWCASE_OAUTH1, SHOWCASE_OAUTH2};
use common::browser::consent;
use common::cli::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const INSTANCES: &str = "/elements/api-v2/instances";
const ELEMENTS: &str = "/elements/api-v2/elements";

/// The binary against this sandbox, with its own cache directory.
fn cmd(sb: &Sandbox, dir: &Path) -> Command {
    let mut c = command(sb, dir);
    c.env("CE_WIZARD_CACHE", dir.join("cache"));
    c
}

fn stored_config(instance: &Value) -> BTreeMap<String, String> {
    instance["configuration"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn created(out: &Output, sb: &Sandbox) -> Value {
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    let printed: Value = serde_json::from_str(&out.stdout).expect("stdout is the instance JSON");
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(printed["token"], stored[0]["token"]);
    stored[0].clone()
}

#[test]
fn a_metadata_only_element_is_validated_and_created() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.txt");
    std::fs::write(&key_file, "nimbus-api-key\n").unwrap();

    // A required entry left out: exit 2 naming its label, nothing created.
    let mut c = cmd(&sb, dir.path());
    c.args(["create", "--element", SHOWCASE_CUSTOM, "--name", "desk"])
        .args(["--set", "nimbus.subdomain=acme", "--set"])
        .arg(format!("nimbus.api.key=@{}", key_file.display()));
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Account ID is required (--set nimbus.account.id=…)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert_eq!(sb.count("POST", INSTANCES), 0);

    // A value the metadata's type refuses: a choice outside its options, a
    // text longer than TEXTFIELD_32, a URL without a scheme.
    let mut c = cmd(&sb, dir.path());
    c.args(["create", "--element", SHOWCASE_CUSTOM])
        .args(["--set", &format!("nimbus.subdomain={}", "x".repeat(33))])
        .args(["--set", "nimbus.api.key=k", "--set", "nimbus.account.id=7"])
        .args([
            "--set",
            "nimbus.region=mars",
            "--set",
            "nimbus.portal.url=help.acme.example",
        ]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    for needle in [
        "Subdomain must be at most 32 characters (it has 33)",
        "Data Region must be one of: us, eu, ap",
        "Help Portal URL must be an https:// or http:// URL",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
    assert_eq!(sb.count("POST", INSTANCES), 0);

    let mut c = cmd(&sb, dir.path());
    c.args(["create", "--element", SHOWCASE_CUSTOM, "--name", "desk"])
        .args([
            "--set",
            "nimbus.subdomain=acme",
            "--set",
            "nimbus.account.id=4711",
        ])
        .args([
            "--set",
            "nimbus.region=eu",
            "--set",
            "nimbus.signature=Thanks,\nAcme",
        ])
        .arg("--set")
        .arg(format!("nimbus.api.key=@{}", key_file.display()));
    let inst = created(&run(c, ""), &sb);
    assert_eq!(inst["element"]["key"], SHOWCASE_CUSTOM);
    assert_eq!(inst["name"], "desk");
    // Defaults from the metadata are sent; hidden and internal entries and
    // untouched common settings are not.
    assert_eq!(
        stored_config(&inst),
        map(&[
            ("nimbus.account.id", "4711"),
            ("nimbus.api.key", "nimbus-api-key"),
            ("nimbus.page.size", "50"),
            ("nimbus.region", "eu"),
            ("nimbus.sandbox", "false"),
            ("nimbus.signature", "Thanks,\nAcme"),
            ("nimbus.subdomain", "acme"),
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_elements_exit_2_with_close_keys_from_the_live_catalog() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(&sb, dir.path());
    c.args(["create", "--element", "auroracrmm"]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown element 'auroracrmm'")
            && out.stderr.contains("did you mean auroracrm"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("POST", INSTANCES), 0);

    // Deleted elements are listed by the platform but cannot be picked.
    let list: Vec<Value> = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/elements", sb.base_url()))
        .header(
            "Authorization",
            format!(
                "User {}, Organization {}",
                sb.user_secret(),
                sb.org_secret()
            ),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deleted = list.iter().find(|e| e["deleted"] == true).unwrap();
    let mut c = cmd(&sb, dir.path());
    c.args(["create", "--element", deleted["key"].as_str().unwrap()]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("unknown element"), "{}", out.stderr);
}

fn param(url: &url::Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

/// Plays the person at the OAuth 1 consent page; returns the redirect.
async fn consent_oauth1(authorize: &str, decision: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let page = http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"allow\""), "{html}");
    let url = url::Url::parse(authorize).unwrap();
    let mut decide = url.clone();
    decide.set_path("/provider/oauth1/decision");
    decide
        .query_pairs_mut()
        .clear()
        .append_pair("oauth_token", &param(&url, "oauth_token"))
        .append_pair("decision", decision);
    let resp = http.get(decide).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_string()
}

fn oauth_cmd(sb: &Sandbox, dir: &Path, element: &str) -> Command {
    let mut c = cmd(sb, dir);
    c.args(["create", "--element", element, "--name", "oauth"])
        .args([
            "--callback-port",
            "0",
            "--no-browser",
            "--oauth-timeout",
            "60",
        ])
        .args([
            "--set",
            "oauth.api.key=app-key",
            "--set",
            "oauth.api.secret=env:APP_SECRET",
        ])
        .env("APP_SECRET", "app-secret");
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oauth1_element_from_metadata_completes_its_flow() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(oauth_cmd(&sb, dir.path(), SHOWCASE_OAUTH1));
    let url = authorize_url(&running.line_containing("/provider/oauth1/authorize"));
    let redirect = consent_oauth1(&url, "allow").await;
    let parsed = url::Url::parse(&redirect).unwrap();
    assert!(!param(&parsed, "oauth_verifier").is_empty());
    assert_eq!(browser_get(&redirect).await.status(), 302);
    let out = running.finish();
    let inst = created(&out, &sb);
    let cfg = stored_config(&inst);
    let callback = cfg["oauth.callback.url"].clone();
    assert!(redirect.starts_with(&callback), "{redirect} vs {callback}");
    assert_eq!(
        cfg,
        map(&[
            ("oauth.api.key", "app-key"),
            ("oauth.api.secret", "app-secret"),
            ("oauth.callback.url", &callback),
            ("kestrel.include.replies", "true"),
        ])
    );
    assert_eq!(
        sb.count("GET", &format!("{ELEMENTS}/{SHOWCASE_OAUTH1}/oauth/token")),
        1
    );
    for secret in ["app-secret", &param(&parsed, "oauth_verifier")] {
        assert!(
            !out.stderr.contains(secret),
            "{secret} on stderr: {}",
            out.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_oauth1_consent_exits_4() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut running = Running::spawn(oauth_cmd(&sb, dir.path(), SHOWCASE_OAUTH1));
    let url = authorize_url(&running.line_containing("/provider/oauth1/authorize"));
    let redirect = consent_oauth1(&url, "deny").await;
    assert!(redirect.contains("denied="), "{redirect}");
    browser_get(&redirect).await;
    let out = running.finish();
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("denied"), "{}", out.stderr);
    assert_eq!(sb.count("POST", INSTANCES), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oauth2_element_from_metadata_completes_its_flow() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut c = oauth_cmd(&sb, dir.path(), SHOWCASE_OAUTH2);
    c.args(["--set", "aurora.instance.url=https://acme.aurora.example"]);
    let mut running = Running::spawn(c);
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    assert_eq!(browser_get(&redirect).await.status(), 302);
    let inst = created(&running.finish(), &sb);
    let cfg = stored_config(&inst);
    let callback = cfg["oauth.callback.url"].clone();
    assert!(redirect.starts_with(&callback));
    assert_eq!(
        cfg,
        map(&[
            ("oauth.api.key", "app-key"),
            ("oauth.api.secret", "app-secret"),
            ("oauth.callback.url", &callback),
            ("aurora.instance.url", "https://acme.aurora.example"),
            ("aurora.edition", "business"),
        ])
    );
}

#[test]
fn elements_lists_the_live_catalog_cached_first() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let list = |extra: &[&str]| {
        let mut c = cmd(&sb, dir.path());
        c.arg("elements").args(extra);
        run(c, "")
    };
    let out = list(&["--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("fetched now"), "{}", out.stderr);
    let entries: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert!(entries.len() >= 300, "{}", entries.len());
    let find = |k: &str| entries.iter().find(|e| e["key"] == k).unwrap().clone();
    assert_eq!(find("bigcommerce")["bundled"], true);
    assert_eq!(find(SHOWCASE_OAUTH1)["auth"], "oauth1");
    assert_eq!(find(SHOWCASE_OAUTH2)["beta"], true);
    assert_eq!(sb.count("GET", ELEMENTS), 1);

    let out = list(&[]);
    assert!(out.stderr.contains("as cached"), "{}", out.stderr);
    assert_eq!(sb.count("GET", ELEMENTS), 1, "the cache answered");
    assert!(out
        .stdout
        .lines()
        .any(|l| l.starts_with(SHOWCASE_OAUTH2) && l.contains("oauth2 beta")));

    let out = list(&["--refresh"]);
    assert!(out.stderr.contains("fetched now"), "{}", out.stderr);
    let requests = sb.requests();
    let last = requests.iter().rfind(|r| r.path == ELEMENTS).unwrap();
    assert_eq!(last.status, 304, "the cached ETag was presented");
}

#[test]
fn offline_the_bundled_specs_are_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1: nothing listens there, and unlike a port bound and released
    // here, no sandbox of a test running alongside can be handed it.
    let base = "http://127.0.0.1:1/elements/api-v2".to_string();
    let bin = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
        c.env_clear()
            .env("HOME", dir.path())
            .env("CE_WIZARD_CONFIG", dir.path().join("c.toml"))
            .env("CE_WIZARD_CACHE", dir.path().join("cache"))
            .env("CE_USER_SECRET", "u")
            .env("CE_ORG_SECRET", "o")
            .args(["--base-url", &base])
            .args(args);
        run(c, "")
    };
    let out = bin(&["elements", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("bundled elements only: could not fetch"),
        "{}",
        out.stderr
    );
    let entries: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(entries.len(), ce_wizard::catalog::bundled().len());

    // A bundled element is still checked offline; another one cannot be
    // looked up.
    let out = bin(&["create", "--element", "bigcommerce"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("API username is required"),
        "{}",
        out.stderr
    );
    let out = bin(&["create", "--element", SHOWCASE_CUSTOM]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot look up element 'nimbusdesk'"),
        "{}",
        out.stderr
    );
}

/// QuickBooks Online's OAuth 1 flow through `create` (devportal
/// `docs/elements/quickbooksonline/authenticate.md`): the state goes with
/// the request token and comes back on the redirect, and the redirect's
/// `realmId` and `dataSource` reach `providerData` (the sandbox refuses the
/// create without them). An `--oauth-param` rides along.
#[tokio::test(flavor = "multi_thread")]
async fn quickbooks_through_create_forwards_its_realm_and_data_source() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut c = oauth_cmd(&sb, dir.path(), "quickbooks");
    c.args(["--oauth-param", "locale=en_US"]);
    let mut running = Running::spawn(c);
    let url = authorize_url(&running.line_containing("/provider/oauth1/authorize"));
    let redirect = consent(&url, "allow").await;
    let parsed = url::Url::parse(&redirect).unwrap();
    assert_ne!(
        param(&parsed, "state"),
        "quickbooks",
        "the client's own state"
    );
    assert_eq!(param(&parsed, "dataSource"), "QBO");
    let realm = param(&parsed, "realmId");
    assert_eq!(browser_get(&redirect).await.status(), 302);
    let out = running.finish();
    let inst = created(&out, &sb);
    assert_eq!(inst["element"]["key"], "quickbooks");
    assert!(
        !out.stderr.contains(&realm),
        "provider values stay off stderr"
    );
}

#[test]
fn create_help_documents_oauth_param() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(&sb, dir.path());
    c.args(["create", "--help"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("--oauth-param <NAME=VALUE>") && out.stdout.contains("siteAddress"),
        "{}",
        out.stdout
    );
}
