//! `ce-wizard instances` end to end: the built binary against the sandbox on
//! loopback, every command, exit code and refusal, and `create`'s check of
//! what it made.

use crate::common;

use ce_wizard::api::{CreateInstance, ElementRef};
use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox};
use ce_wizard::secret::Secret;
use common::browser::consent;
use common::cli::*;
use serde_json::Value;
use std::collections::BTreeMap;

const INSTANCES: &str = "/elements/api-v2/instances";

/// An instance made directly through the API, as another tool would.
fn seed(sb: &Sandbox, key: &str, name: &str, tags: &[&str]) -> i64 {
    let configuration: BTreeMap<String, Secret> = match key {
        "ecwid" => [
            ("ecwid.store.id", "1003"),
            ("ecwid.order.key", "ok"),
            ("ecwid.product.key", "pk"),
        ]
        .as_slice(),
        "bigcommerce" => [
            ("store.url", "https://store-abc.mybigcommerce.com/api/v2/"),
            ("username", "u"),
            ("password", "bc-secret-password"),
        ]
        .as_slice(),
        other => panic!("no seed for {other}"),
    }
    .iter()
    .map(|(k, v)| (k.to_string(), Secret::new(*v)))
    .collect();
    let body = CreateInstance {
        element: ElementRef { key: key.into() },
        configuration,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        name: name.into(),
        provider_data: None,
        verbatim: Default::default(),
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(client(sb).create_instance(&body)).unwrap().id
}

#[test]
fn list_prints_every_instance_and_filters_by_element_and_tag() {
    let sb = sandbox();
    let a = seed(&sb, "ecwid", "shop one", &["eu"]);
    let b = seed(&sb, "ecwid", "shop two", &[]);
    let c = seed(&sb, "bigcommerce", "big", &["eu", "prod"]);

    let out = instances(&sb, &["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{}", out.stdout);
    for (id, name) in [(a, "shop one"), (b, "shop two"), (c, "big")] {
        assert!(
            rows.iter()
                .any(|r| r.contains(&id.to_string()) && r.contains(name)),
            "{id} {name}: {}",
            out.stdout
        );
    }
    assert!(out.stderr.contains("3 instances."), "{}", out.stderr);

    let out = instances(&sb, &["list", "--element", "bigcommerce"]);
    assert_eq!(out.stdout.lines().skip(1).count(), 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("1 of 3 instances match"),
        "{}",
        out.stderr
    );

    let out = instances(&sb, &["list", "--tag", "eu", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<i64> = listed.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [a, c]);
    assert!(
        listed.iter().all(|i| i.get("token").is_none()),
        "a list carries no tokens"
    );
}

#[test]
fn instances_alone_prints_the_list() {
    let sb = sandbox();
    seed(&sb, "ecwid", "lonely", &[]);
    let out = instances(&sb, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("lonely"), "{}", out.stdout);
}

#[test]
fn show_by_id_or_name_masks_secrets_unless_json() {
    let sb = sandbox();
    let id = seed(&sb, "bigcommerce", "big shop", &["docs"]);
    let token = stored(&sb, id).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();

    let out = instances(&sb, &["show", "big shop"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&format!("Instance {id} \"big shop\"")));
    assert!(out.stdout.contains("docs"));
    assert!(!out.stdout.contains("bc-secret-password"), "{}", out.stdout);
    assert!(!out.stdout.contains(&token), "no token without --json");

    let out = instances(&sb, &["show", &id.to_string(), "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["id"].as_i64(), Some(id));
    assert_eq!(v["token"].as_str(), Some(token.as_str()));
}

#[test]
fn a_shared_name_lists_the_candidates_and_an_unknown_one_the_closest() {
    let sb = sandbox();
    let a = seed(&sb, "ecwid", "twin", &[]);
    let b = seed(&sb, "ecwid", "twin", &[]);
    seed(&sb, "ecwid", "winter sale", &[]);

    let out = instances(&sb, &["delete", "twin", "--yes"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("2 instances are named \"twin\""),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(&a.to_string()) && out.stderr.contains(&b.to_string()));
    assert_eq!(sb.instances().len(), 3, "nothing was deleted");
    assert_eq!(sb.count("DELETE", &format!("{INSTANCES}/{a}")), 0);

    let out = instances(&sb, &["show", "winter sael"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("did you mean \"winter sale\""),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_id_says_no_such_instance_exists() {
    let sb = sandbox();
    for args in [
        vec!["show", "999"],
        vec!["test", "999"],
        vec!["delete", "999", "--yes"],
    ] {
        let out = instances(&sb, &args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("no instance 999 exists"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn bad_input_is_refused_with_the_field_named_and_nothing_sent() {
    let sb = sandbox();
    let cases: [(&[&str], &str); 7] = [
        (&["show", "shop\u{1b}[2J"], "ID|NAME"),
        (&["show", "   "], "ID|NAME"),
        (&["show", "0"], "ID"),
        (&["update", "7", "--tag", "a,b"], "--tag"),
        (&["update", "7", "--tag", "a\u{7}"], "--tag"),
        (&["update", "7", "--name", "two\nlines"], "--name"),
        (&["update", "7"], "nothing to change"),
    ];
    for (args, named) in cases {
        let out = instances(&sb, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(named), "{args:?}: {}", out.stderr);
        assert!(
            !out.stderr.contains('\u{1b}'),
            "the input is not echoed raw: {args:?}"
        );
    }
    assert!(sb.requests().is_empty(), "nothing was sent");
}

#[test]
fn delete_asks_for_yes_off_a_terminal_and_removes_exactly_one() {
    let sb = sandbox();
    let keep = seed(&sb, "ecwid", "keep me", &[]);
    let gone = seed(&sb, "ecwid", "remove me", &[]);
    let seeded = sb.requests().len();

    let out = instances(&sb, &["delete", "remove me"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(
        sb.requests().len(),
        seeded,
        "asked before anything was sent"
    );

    let out = instances(&sb, &["delete", "remove me", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains(&format!("Deleted instance {gone}")));
    assert!(stored(&sb, gone).is_none());
    assert!(stored(&sb, keep).is_some(), "only the one named");
    assert_eq!(sb.count("DELETE", &format!("{INSTANCES}/{gone}")), 1);
}

#[test]
fn a_delete_whose_answer_is_lost_reads_the_instance_again() {
    let sb = sandbox();
    let id = seed(&sb, "ecwid", "flaky", &[]);
    let path = format!("{INSTANCES}/{id}");
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::DropAfterHandling)
            .on("DELETE", &path)
            .times(1),
    ));
    let out = instances(&sb, &["delete", &id.to_string(), "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("was lost"), "{}", out.stderr);
    assert!(out.stderr.contains("it was deleted"), "{}", out.stderr);
    assert!(stored(&sb, id).is_none());
    // Read once to resolve the ID, once more after the lost answer.
    assert_eq!(sb.count("GET", &path), 2);
    assert_eq!(sb.count("DELETE", &path), 1, "never sent twice");
}

#[test]
fn a_delete_refused_by_the_platform_is_exit_3_and_leaves_the_instance() {
    let sb = sandbox();
    let id = seed(&sb, "ecwid", "stays", &[]);
    let path = format!("{INSTANCES}/{id}");
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(500)).on("DELETE", &path),
    ));
    let out = instances(&sb, &["delete", "stays", "--yes"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(stored(&sb, id).is_some());
}

#[test]
fn a_non_oauth_instance_is_not_reauthorized_but_pointed_at_update() {
    let sb = sandbox();
    let id = seed(&sb, "ecwid", "plain", &[]);
    let out = instances(&sb, &["reauth", &id.to_string()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("instances update"), "{}", out.stderr);
}

#[test]
fn create_checks_what_it_made_unless_told_not_to() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let create = |extra: &[&str]| {
        let mut cmd = command(&sb, dir.path());
        cmd.args(["create", "--element", "ecwid"])
            .args(extra)
            .args([
                "--set",
                "ecwid.store.id=1003",
                "--set",
                "ecwid.order.key=ok",
            ])
            .args(["--set", "ecwid.product.key=pk"]);
        run(cmd, "")
    };
    let out = create(&["--name", "unchecked", "--no-verify"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = serde_json::from_str::<Value>(&out.stdout).unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(sb.count("GET", &format!("{INSTANCES}/{id}")), 0, "no check");

    let out = create(&["--name", "checked"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = serde_json::from_str::<Value>(&out.stdout).unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(sb.count("GET", &format!("{INSTANCES}/{id}")), 1, "checked");
    assert!(
        out.stderr.contains(&format!("Instance {id} \"checked\"")),
        "{}",
        out.stderr
    );
}

#[test]
fn help_lists_exit_code_5() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.arg("--help");
    let out = run(cmd, "");
    assert!(out.stdout.contains("  5 "), "{}", out.stdout);
    let mut cmd = command(&sb, dir.path());
    cmd.args(["instances", "--help"]);
    let out = run(cmd, "");
    for sub in ["list", "show", "test", "update", "reauth", "delete"] {
        assert!(out.stdout.contains(sub), "{sub}: {}", out.stdout);
    }
    // `--no-verify` does not read as if it were what exits 5.
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--help"]);
    let out = run(cmd, "");
    let flat = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("(without this flag, a failed check exits 5)"),
        "{flat}"
    );
}

/// A new account's first list: the platform answers 404 "No instances
/// found" (`CloudElementsOpenLabs/the-doctor:src/util/get.js` reads it as
/// empty); both forms say there are none and exit 0.
#[test]
fn a_new_accounts_first_list_says_there_are_none() {
    let sb = sandbox();
    let out = instances(&sb, &["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().count(),
        1,
        "the header only: {}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("0 instances: this account has none yet."),
        "{}",
        out.stderr
    );
    let out = instances(&sb, &["list", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    assert!(out.stderr.contains("none yet"), "{}", out.stderr);
    // A name on an empty account is not found, not an error of the list.
    let out = instances(&sb, &["show", "nothing here"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no instance is named \"nothing here\""),
        "{}",
        out.stderr
    );
}

#[test]
fn every_page_is_listed_and_a_name_is_found_on_the_last() {
    let sb = seeded(450);
    let out = instances(&sb, &["list", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(listed.len(), 450);
    assert_eq!(sb.count("GET", INSTANCES), 3, "three pages of 200");
    assert!(out.stderr.contains("450 instances."), "{}", out.stderr);

    let out = instances(&sb, &["show", "WooCommerce store 00450"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("WooCommerce store 00450"));
}

#[test]
fn test_says_works_broken_or_disabled_with_what_to_do() {
    let sb = seeded(5);
    let works = id_named(&sb, "Ecwid store 00002");
    let out = instances(&sb, &["test", &works.to_string()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("works: the provider answered GET /hubs/ecommerce/ping"),
        "the platform's health check: {}",
        out.stdout
    );
    assert_eq!(sb.count("GET", "/elements/api-v2/hubs/ecommerce/ping"), 1);
    assert_eq!(sb.count("GET", "/elements/api-v2/hubs/ecommerce/orders"), 0);

    let broken = id_named(&sb, "Infusionsoft store 00003");
    let token = stored(&sb, broken).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = instances(&sb, &["test", "Infusionsoft store 00003"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stdout.contains("broken"), "{}", out.stdout);
    assert!(
        out.stdout.contains("invalid_grant"),
        "the provider's words: {}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("ce-wizard instances reauth {broken}")),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(&token) && !out.stderr.contains(&token));

    let out = instances(&sb, &["test", "WooCommerce store 00005"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stdout.contains("disabled"), "{}", out.stdout);
}

#[test]
fn create_exits_5_when_the_new_instance_is_refused_and_says_what_to_do() {
    let sb = sandbox();
    // The provider refuses the instance from its first call on.
    sb.set_faults(Faults::one(Fault::new(FaultKind::Invalidate)));
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", "ecwid", "--name", "refused"])
        .args([
            "--set",
            "ecwid.store.id=1003",
            "--set",
            "ecwid.order.key=ok",
        ])
        .args(["--set", "ecwid.product.key=pk"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 5, "{}", out.stderr);
    let printed: Value = serde_json::from_str(&out.stdout).expect("the instance JSON, still");
    let id = printed["id"].as_i64().unwrap();
    assert!(out.stderr.contains("broken"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("ce-wizard instances update {id}")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(printed["token"].as_str().unwrap()));
}

#[test]
fn update_replaces_the_name_and_the_whole_tag_list_and_settings() {
    let sb = sandbox();
    let id = seed(&sb, "ecwid", "shop", &["old", "older"]);
    let out = instances(
        &sb,
        &[
            "update", "shop", "--name", "shop eu", "--tag", "eu", "--tag", "prod",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s = stored(&sb, id).unwrap();
    assert_eq!(s["name"], "shop eu");
    assert_eq!(s["tags"], serde_json::json!(["eu", "prod"]));

    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "new-order-key\n").unwrap();
    let out = instances(
        &sb,
        &[
            "update",
            &id.to_string(),
            "--no-tags",
            "--set",
            &format!("ecwid.order.key=@{}", key_file.display()),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s = stored(&sb, id).unwrap();
    assert_eq!(s["tags"], serde_json::json!([]));
    assert_eq!(s["configuration"]["ecwid.order.key"], "new-order-key");
    assert!(!out.stderr.contains("new-order-key"), "{}", out.stderr);

    let out = instances(
        &sb,
        &["update", &id.to_string(), "--set", "ecwid.ordr.key=x"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("not a setting of Ecwid"),
        "{}",
        out.stderr
    );
    assert_eq!(
        sb.count("PATCH", &format!("{INSTANCES}/{id}")),
        2,
        "the typo was not sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reauth_signs_in_again_through_the_listener_and_the_instance_works() {
    let sb = seeded(5);
    let id = id_named(&sb, "Infusionsoft store 00003");
    let before = stored(&sb, id).unwrap();
    assert_eq!(before["valid"], false);
    // As the platform shows it: the app's secret masked.
    let shown = client(&sb).get_instance(id).await.unwrap().raw.clone();
    assert_eq!(shown["configuration"]["oauth.api.secret"], "********");
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["instances", "reauth", &id.to_string()])
        .args(["--no-browser", "--oauth-timeout", "60"])
        .args(["--set", "oauth.api.secret=env:APP_SECRET"])
        .args(["--set", "oauth.callback.url=http://127.0.0.1:0/callback"])
        .env("APP_SECRET", "client-secret-00003");
    let mut running = Running::spawn(cmd);
    let url = authorize_url(&running.line_containing("/provider/oauth/authorize"));
    let redirect = consent(&url, "allow").await;
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    browser_get(&redirect).await;
    let out = running.finish();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("Re-authorized instance {id}")),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("works"), "{}", out.stdout);
    let after = stored(&sb, id).unwrap();
    assert_eq!(after["valid"], true);
    assert_ne!(after["token"], before["token"], "a new token");
    assert_eq!(sb.count("PUT", &format!("{INSTANCES}/{id}")), 0);
    assert_eq!(sb.count("PATCH", &format!("{INSTANCES}/{id}")), 1);
    assert!(!out.stderr.contains("client-secret-00003"));
    let patch = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert_only_the_grant_and_changed_app_settings(&patch, &shown);
    // What was stored and not sent stays as it was.
    assert_eq!(
        after["configuration"]["oauth.api.key"],
        before["configuration"]["oauth.api.key"]
    );
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["tags"], before["tags"]);
}

/// A re-authorizing `PATCH` as the sandbox recorded it: no query
/// parameter, `providerData` with the fresh code, and in `configuration`
/// only the app's key, secret or callback where they differ from what the
/// platform showed (`shown`); never a masked value, never a derived setting.
pub fn assert_only_the_grant_and_changed_app_settings(
    patch: &ce_wizard::sandbox::RequestRecord,
    shown: &Value,
) {
    assert!(patch.query.is_empty(), "{patch:?}");
    let body = patch.body.as_ref().and_then(Value::as_object).unwrap();
    assert!(
        body.keys()
            .all(|k| k == "providerData" || k == "configuration"),
        "{patch:?}"
    );
    assert!(body["providerData"]["code"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));
    let sent = body
        .get("configuration")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in &sent {
        assert!(
            ["oauth.api.key", "oauth.api.secret", "oauth.callback.url"].contains(&k.as_str()),
            "{k} was sent"
        );
        assert_ne!(v, "********", "{k} sent masked");
        assert_ne!(Some(v), shown["configuration"].get(k), "{k} sent unchanged");
    }
}

#[test]
fn reauth_off_a_terminal_without_the_apps_secret_names_the_flag() {
    let sb = seeded(5);
    let id = id_named(&sb, "Infusionsoft store 00003");
    let out = instances(&sb, &["reauth", &id.to_string(), "--no-browser"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--set oauth.api.secret="),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("PUT", &format!("{INSTANCES}/{id}")), 0);
    assert_eq!(sb.count("PATCH", &format!("{INSTANCES}/{id}")), 0);

    // Only the app's settings: anything else would not be kept.
    let calls = sb.requests().len();
    let out = instances(
        &sb,
        &["reauth", &id.to_string(), "--set", "document.tagging=true"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("not document.tagging")
            && out.stderr.contains(&format!("instances update {id}"))
            && out.stderr.contains("nothing was sent"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.requests().len(), calls, "asked nothing");
}

/// An instance of a catalog element created through the API, its required
/// entries filled from its metadata.
fn seed_catalog(sb: &Sandbox, key: &str) -> i64 {
    let c = client(sb);
    let spec = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let metadata: Value = reqwest::Client::new()
            .get(format!("{}/elements/{key}/configuration", sb.base_url()))
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
        let entries = metadata.get("configuration").cloned().unwrap_or(metadata);
        let configuration: BTreeMap<String, Secret> = entries
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["required"] == true && e["internal"] != true)
            .filter_map(|e| e["key"].as_str())
            .map(|k| (k.to_string(), Secret::new("https://x.example.com")))
            .collect();
        c.create_instance(&CreateInstance {
            element: ElementRef { key: key.into() },
            configuration,
            tags: vec![],
            name: format!("{key} one"),
            provider_data: None,
            verbatim: Default::default(),
        })
        .await
    });
    spec.unwrap().id
}

/// varunpal72/churros pings elements of every hub
/// (`src/test/elements/<element>/ping.js`): a catalog element of the
/// helpdesk hub is checked by its ping, where before it was "not checked";
/// one without a ping nor a known read says why.
#[test]
fn test_pings_catalog_elements_of_any_hub_and_says_why_when_it_cannot() {
    let sb = sandbox();
    let desk = seed_catalog(&sb, ce_wizard::sandbox::SHOWCASE_CUSTOM);
    let out = instances(&sb, &["test", &desk.to_string()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("works: the provider answered GET /hubs/helpdesk/ping"),
        "{}",
        out.stdout
    );
    assert_eq!(sb.count("GET", "/elements/api-v2/hubs/helpdesk/ping"), 1);

    // A generated element of another hub that has no ping.
    let listing: Vec<Value> = sb_elements(&sb);
    let pingless = listing
        .iter()
        .find(|e| {
            let key = e["key"].as_str().unwrap_or("");
            e["hub"] != "ecommerce"
                && e["active"] != false
                && matches!(
                    e["authentication"]["type"].as_str(),
                    Some("basic" | "custom")
                )
                && !ce_wizard::sandbox::has_ping(key)
        })
        .expect("a generated element without a ping")
        .clone();
    let key = pingless["key"].as_str().unwrap();
    let hub = pingless["hub"].as_str().unwrap();
    let id = seed_catalog(&sb, key);
    let out = instances(&sb, &["test", &id.to_string()]);
    assert_eq!(out.code, 0, "not a failure: {}", out.stderr);
    assert!(
        out.stdout
            .contains("not checked: this element has no health check"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("GET /hubs/{hub}/ping")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("no cheap read for the {hub} hub")),
        "{}",
        out.stdout
    );
}

fn sb_elements(sb: &Sandbox) -> Vec<Value> {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let v: Value = reqwest::Client::new()
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
        v.as_array().unwrap().clone()
    })
}

/// `update --set` reads values as `create` does: a URL without its scheme,
/// a docs placeholder or an invalid value is refused with the fix, and
/// nothing is sent.
#[test]
fn update_checks_the_values_it_sends_as_create_does() {
    let sb = sandbox();
    let id = seed(&sb, "bigcommerce", "big", &[]);
    let before = stored(&sb, id).unwrap();
    for (set, said) in [
        (
            "store.url=shop.example.com",
            "(--set store.url=https://shop.example.com)",
        ),
        (
            "store.url=<INSERT_STORE_URL>",
            "still holds a placeholder from the docs",
        ),
        ("username=", "API username is required"),
    ] {
        let out = instances(&sb, &["update", &id.to_string(), "--set", set]);
        assert_eq!(out.code, 2, "{set}: {}", out.stderr);
        assert!(out.stderr.contains(said), "{set}: {}", out.stderr);
        assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    }
    assert_eq!(sb.count("PATCH", &format!("{INSTANCES}/{id}")), 0);
    assert_eq!(
        stored(&sb, id).unwrap()["configuration"],
        before["configuration"]
    );
    // A value of an unusual shape is sent, with a warning.
    let out = instances(
        &sb,
        &[
            "update",
            &id.to_string(),
            "--set",
            "store.url=https://x.example.com/api",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: Store API URL usually ends in /api/v2/"),
        "{}",
        out.stderr
    );
}

/// `list --element` with a key none of the account's instances has says
/// so, and which elements they are of, instead of only "0 of N match".
#[test]
fn list_by_an_element_no_instance_has_names_the_ones_there_are() {
    let sb = sandbox();
    seed(&sb, "ecwid", "shop one", &[]);
    seed(&sb, "bigcommerce", "big", &[]);
    let out = instances(&sb, &["list", "--element", "shopify"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "0 of 2 instances match: none is of the element \"shopify\"; the account's are of bigcommerce, ecwid."
        ),
        "{}",
        out.stderr
    );
    let out = instances(&sb, &["list", "--element", "ecwid"]);
    assert!(
        out.stderr.contains("1 of 2 instances match."),
        "{}",
        out.stderr
    );
}

/// A re-authorize whose sign-in never comes back is exit 4, and says the
/// instance was left as it was: `create`'s "nothing was created" would be
/// wrong for an instance that exists.
#[test]
fn a_reauth_that_times_out_says_the_instance_was_not_changed() {
    let sb = seeded(5);
    let id = id_named(&sb, "Infusionsoft store 00003");
    let out = instances(
        &sb,
        &[
            "reauth",
            &id.to_string(),
            "--no-browser",
            "--callback-port",
            "0",
            "--oauth-timeout",
            "1s",
            "--set",
            "oauth.api.secret=shh",
        ],
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("the instance was not changed"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("nothing was created"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("PUT", &format!("{INSTANCES}/{id}")), 0);
}

/// `list --tag` with a tag no instance has says so and names the tags
/// there are (matching is exact, case included), as `--element` does.
#[test]
fn list_by_a_tag_no_instance_has_names_the_ones_there_are() {
    let sb = sandbox();
    seed(&sb, "ecwid", "shop one", &["eu"]);
    seed(&sb, "bigcommerce", "big", &["eu", "prod"]);
    let out = instances(&sb, &["list", "--tag", "EU"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "0 of 2 instances match: none is tagged \"EU\"; the account's tags are eu, prod (exact, case included)."
        ),
        "{}",
        out.stderr
    );
    let out = instances(&sb, &["list", "--tag", "prod"]);
    assert!(
        out.stderr.contains("1 of 2 instances match."),
        "{}",
        out.stderr
    );
}

/// `… | head` closes the pipe before the result is written: the command
/// still ends with its own exit code, never a panic (exit 101).
#[test]
fn test_and_show_with_a_reader_that_stopped_early_keep_their_exit_codes() {
    let sb = sandbox();
    let id = seed(&sb, "ecwid", "piped", &[]);
    for args in [
        vec!["test".to_string(), "piped".to_string()],
        vec!["show".to_string(), id.to_string()],
        vec!["list".to_string(), "--json".to_string()],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = command(&sb, dir.path());
        cmd.arg("instances")
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// On a terminal, `delete` asks for the name: a typo is asked again,
/// the right name deletes, and an empty answer keeps the instance (130).
#[test]
fn delete_on_a_terminal_asks_again_after_a_typo_and_enter_keeps_it() {
    use common::pty::keys::ENTER;
    use common::wizard::{Home, Wizard};
    let sb = sandbox();
    let gone = seed(&sb, "ecwid", "old shop", &[]);
    let kept = seed(&sb, "ecwid", "main shop", &[]);
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["instances", "delete", "old shop"])
        .spawn();
    pty.wait_for("or press Enter to keep it:");
    pty.type_text("old shp");
    pty.send(ENTER);
    pty.wait_for("That is not its name");
    assert!(stored(&sb, gone).is_some(), "a typo deletes nothing");
    pty.type_text("old shop");
    pty.send(ENTER);
    assert_eq!(pty.finish(), 0, "{}", pty.screen());
    assert!(pty.screen().contains("Deleted instance"));
    assert!(stored(&sb, gone).is_none());

    let mut pty = Wizard::new(&sb, &home)
        .args(&["instances", "delete", "main shop"])
        .spawn();
    pty.wait_for("or press Enter to keep it:");
    pty.send(ENTER);
    assert_eq!(pty.finish(), 130, "{}", pty.screen());
    assert!(pty.screen().contains("nothing was deleted"));
    assert!(stored(&sb, kept).is_some());
}
