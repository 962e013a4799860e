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
    }
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
