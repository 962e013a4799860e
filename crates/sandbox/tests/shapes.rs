//! The shapes the platform takes and gives that its own code shows, over
//! real HTTP: a create body as the docs write it (the element by id, an
//! object `event.poller.configuration`, booleans, top-level fields), what
//! it still refuses, and the configuration metadata as an object.

mod support;

use ce_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use support::*;

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).unwrap()
}

fn bigcommerce(element: Value) -> Value {
    json!({
        "element": element,
        "configuration": {
            "store.url": "https://store-abc.mybigcommerce.com/api/v2/",
            "username": "u",
            "password": "p",
            "filter.response.nulls": false,
            "event.poller.configuration": {"orders": {"url": "/hubs/ecommerce/orders"}}
        },
        "name": "docs",
        "externalAuthentication": "none",
        "retrieveObjectsAfterInstantiation": true
    })
}

#[test]
fn a_documented_body_is_taken_with_the_element_by_id() {
    let sb = sandbox();
    let id = get(&sb, "/elements/bigcommerce").json()["id"].clone();
    for element in [json!({ "id": id }), json!({ "id": id.to_string() })] {
        let answer = send(&sb, "POST", "/instances", &bigcommerce(element.clone()));
        assert_eq!(answer.status, 200, "{element}: {}", answer.message());
        let made = answer.json();
        assert_eq!(made["element"]["key"], "bigcommerce");
        assert_eq!(
            made["configuration"]["event.poller.configuration"],
            json!({"orders": {"url": "/hubs/ecommerce/orders"}})
        );
        assert_eq!(made["configuration"]["filter.response.nulls"], "false");
        // devportal `_posts/2018-07-02-ReleaseNotes-2.176.md`.
        let objects = made["objects"].as_array().expect("the objects asked for");
        assert!(objects.iter().any(|o| o["name"] == "orders"), "{objects:?}");
        for o in objects {
            assert!(o["vendorName"].is_string() && o["type"].is_string(), "{o}");
        }
    }
    let mut plain = bigcommerce(json!({"key": "bigcommerce"}));
    plain
        .as_object_mut()
        .unwrap()
        .remove("retrieveObjectsAfterInstantiation");
    let made = send(&sb, "POST", "/instances", &plain).json();
    assert!(made.get("objects").is_none());
}

#[test]
fn what_cannot_be_right_is_still_refused() {
    let sb = sandbox();
    let cases = [
        (
            json!({"key": "bigcommerce"}),
            ("filter.response.nulls", json!({"yes": true})),
            "configuration entry 'filter.response.nulls' must be a string, number or boolean",
        ),
        (
            json!({"key": "bigcommerce"}),
            ("username", json!({"a": 1})),
            "configuration entry 'username' must be a string, number or boolean",
        ),
        (
            json!({"key": "bigcommerce"}),
            ("anything", json!([1])),
            "configuration entry 'anything' must be a string, number, boolean or object",
        ),
        (
            json!({"id": 987654}),
            ("username", json!("u")),
            "No element found with key or id '987654'",
        ),
        (
            json!({"id": true}),
            ("username", json!("u")),
            "element.id must be the element's numeric id",
        ),
    ];
    for (element, (key, value), says) in cases {
        let mut body = bigcommerce(element);
        body["configuration"][key] = value;
        let answer = send(&sb, "POST", "/instances", &body);
        assert!(
            answer.status == 400 || answer.status == 404,
            "{body}: {}",
            answer.status
        );
        assert_eq!(answer.message(), says);
    }
    assert!(sb.instances().is_empty());
}

#[test]
fn configuration_metadata_comes_inside_an_object() {
    let sb = sandbox();
    let alone = get(&sb, "/elements/bigcommerce/configuration").json();
    let detail = get(&sb, "/elements/bigcommerce").json();
    assert_eq!(alone, json!({ "configuration": detail["configuration"] }));
    assert!(alone["configuration"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
}

/// `"externalAuthentication": "initial"` (devportal
/// `docs/elements/quickbooksonline/authenticate.md`, "Token Based
/// Authentication"): an OAuth element's instance made from tokens obtained
/// elsewhere, with no grant to redeem; the tokens themselves are needed.
#[test]
fn tokens_obtained_elsewhere_make_an_oauth_instance_without_a_grant() {
    let sb = sandbox();
    let body = |token: Option<&str>| {
        let mut b = json!({
            "element": {"key": "infusionsoftecommerce"},
            "configuration": {
                "oauth.api.key": "client-id",
                "oauth.api.secret": "client-secret",
                "oauth.callback.url": "https://app.example.com/auth"
            },
            "name": "tokens",
            "externalAuthentication": "initial"
        });
        if let Some(t) = token {
            b["configuration"]["oauth.user.token"] = json!(t);
        }
        b
    };
    let refused = send(&sb, "POST", "/instances", &body(None));
    assert_eq!(refused.status, 400);
    assert!(
        refused.message().contains("oauth.user.token"),
        "{}",
        refused.message()
    );
    let made = send(
        &sb,
        "POST",
        "/instances",
        &body(Some("access-token-from-elsewhere")),
    );
    assert_eq!(made.status, 200, "{}", made.message());
    assert_eq!(made.json()["element"]["key"], "infusionsoftecommerce");
    // Without it, the usual create still wants the grant.
    let mut usual = body(Some("access-token-from-elsewhere"));
    usual["externalAuthentication"] = json!("none");
    let answer = send(&sb, "POST", "/instances", &usual);
    assert_eq!(answer.status, 400);
    assert!(answer.message().contains("providerData.code is required"));
    assert_eq!(sb.instances().len(), 1);
}
