//! The instance's life on the sandbox, over real HTTP: the paged listing,
//! one instance, its changes, its re-authorization, its removal, calls
//! through it, and instances that go invalid or disabled.

mod support;

use ce_sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::collections::HashSet;
use support::*;

const CALLBACK: &str = "http://127.0.0.1:8765/ce-wizard/callback";

fn seeded(n: usize) -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: n,
        ..SandboxOptions::default()
    })
    .unwrap()
}

fn ids(page: &Value) -> Vec<u64> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

/// Every instance, page by page, and how many pages it took.
fn list_all(sb: &Sandbox, query: &str) -> (Vec<u64>, usize) {
    let (mut all, mut pages) = (Vec::new(), 0);
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(token) => format!("/instances?{query}&nextPage={token}"),
            None => format!("/instances?{query}"),
        };
        let answer = get(sb, &path);
        assert_eq!(answer.status, 200, "{}", answer.message());
        all.extend(ids(&answer.json()));
        pages += 1;
        match answer.header("elements-next-page-token") {
            Some(token) => next = Some(token.to_string()),
            None => return (all, pages),
        }
    }
}

#[test]
fn the_listing_is_paged_with_a_token_in_the_header() {
    let sb = seeded(450);
    let first = get(&sb, "/instances");
    assert_eq!(first.status, 200);
    assert_eq!(ids(&first.json()).len(), 200, "200 a page by default");
    assert!(first.header("elements-next-page-token").is_some());

    let (all, pages) = list_all(&sb, "pageSize=200");
    assert_eq!(pages, 3);
    assert_eq!(all.len(), 450);
    assert_eq!(
        all,
        (1000..1450).collect::<Vec<u64>>(),
        "oldest first, none twice"
    );

    let (all, pages) = list_all(&sb, "pageSize=7");
    assert_eq!((all.len(), pages), (450, 65));

    // An account that fills its last page exactly has no token on it.
    let exact = seeded(200);
    let answer = get(&exact, "/instances");
    assert_eq!(ids(&answer.json()).len(), 200);
    assert_eq!(answer.header("elements-next-page-token"), None);
    // An empty account answers as the platform does, 404 "No ... found"
    // (`CloudElementsOpenLabs/the-doctor:src/util/get.js` reads it as an
    // empty list).
    let empty = seeded(0);
    let answer = get(&empty, "/instances");
    assert_eq!(answer.status, 404);
    assert_eq!(answer.message(), "No instances found");
    assert!(answer.json()["requestId"].is_string());
    assert_eq!(answer.header("elements-next-page-token"), None);
}

#[test]
fn bad_page_sizes_and_unknown_tokens_are_refused() {
    let sb = seeded(30);
    for size in ["0", "201", "-1", "abc", "1.5", "99999999999999999999999"] {
        let answer = get(&sb, &format!("/instances?pageSize={size}"));
        assert_eq!(answer.status, 400, "pageSize={size}");
        assert!(
            answer.message().contains("pageSize"),
            "{}",
            answer.message()
        );
    }
    let answer = get(&sb, "/instances?nextPage=not-a-token");
    assert_eq!(answer.status, 400);
    assert!(
        answer.message().contains("nextPage"),
        "{}",
        answer.message()
    );
    // Tokens are opaque: nothing of the cursor shows in them.
    let first = get(&sb, "/instances?pageSize=10");
    let token = first
        .header("elements-next-page-token")
        .unwrap()
        .to_string();
    assert!(!token.contains("1009") && token.len() >= 16, "{token}");
    // The same token gives the same page again (a retried call).
    let again = |t: &str| ids(&get(&sb, &format!("/instances?pageSize=10&nextPage={t}")).json());
    assert_eq!(again(&token), again(&token));
    assert_eq!(again(&token)[0], 1010);
}

/// 10,000 instances page by page: each page costs the same, whatever its
/// place (the listing keeps the instances by id and starts each page with
/// one lookup, so walking them all is linear).
#[test]
fn ten_thousand_instances_list_to_the_end() {
    let sb = seeded(10_000);
    let (all, pages) = list_all(&sb, "pageSize=200");
    assert_eq!(pages, 50);
    assert_eq!(all.len(), 10_000);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 10_000);
}

/// `searchText` and `tags[]` narrow the listing on the platform's side.
/// Evidence: the swagger's parameters of `GET /instances`
/// (`cloud-elements/ce-sdkifier:src/core/platformSDK.ts`), and "should
/// support search tags" in `varunpal72/churros:src/test/platform/elements/instances.js`,
/// which checks that a `tags[]` search answers only instances carrying the
/// tag. What `searchText` matches is not in the evidence: the search
/// is loose (any case, anywhere in the name or the element's key), holds
/// on every page, and a search that finds nothing is the platform's 404.
#[test]
fn the_listing_searches_by_text_and_tags() {
    let sb = seeded(450);
    let listed = |query: &str| -> Vec<Value> {
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let path = match &next {
                Some(t) => format!("/instances?{query}&nextPage={t}"),
                None => format!("/instances?{query}"),
            };
            let answer = get(&sb, &path);
            assert_eq!(answer.status, 200, "{query}: {}", answer.message());
            all.extend(answer.json().as_array().unwrap().clone());
            match answer.header("elements-next-page-token") {
                Some(t) => next = Some(t.to_string()),
                None => return all,
            }
        }
    };
    let names = |found: &[Value]| -> Vec<String> {
        found
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };

    let one = listed("searchText=store%2000042");
    assert_eq!(names(&one), ["Ecwid store 00042"]);
    assert_eq!(one[0]["id"], 1041);
    assert_eq!(
        names(&listed("searchText=eCwId+STORE+00042")),
        ["Ecwid store 00042"],
        "any case"
    );
    // Loose: a part of the name finds every name that holds it.
    let loose = names(&listed("searchText=store+0004"));
    assert_eq!(loose.len(), 10, "{loose:?}");
    assert!(loose.iter().all(|n| n.contains("store 0004")));
    // The element's key is searched too: no seeded name holds "magentov20".
    let magento = listed("searchText=magentov20&pageSize=7");
    assert_eq!(magento.len(), 90);
    assert!(magento.iter().all(|i| i["element"]["key"] == "magentov20"
        && i["name"].as_str().unwrap().starts_with("Magento store")));

    // tags[]: every instance answered carries the tag, and none is left out.
    let staging = listed("tags%5B%5D=staging&pageSize=50");
    assert_eq!(staging.len(), 90);
    assert!(staging
        .iter()
        .all(|i| i["tags"].as_array().unwrap().iter().any(|t| t == "staging")));
    assert_eq!(listed("tags[]=staging&tags[]=eu").len(), 180, "any of them");
    assert_eq!(
        names(&listed("tags[]=staging&searchText=store+0004")),
        ["Ecwid store 00042", "Ecwid store 00047"],
        "both at once"
    );
    // Tags are matched whole and as written.
    for query in ["tags[]=stag", "tags[]=STAGING", "searchText=no+such+store"] {
        let answer = get(&sb, &format!("/instances?{query}"));
        assert_eq!(answer.status, 404, "{query}");
        assert_eq!(answer.message(), "No instances found");
    }
    // A blank search is no search.
    assert_eq!(listed("searchText=&tags[]=").len(), 450);
}

/// A list masks what the answer for one instance masks: the platform
/// hides account-level secrets in every answer (contract "Creating an
/// instance").
#[test]
fn the_list_masks_secrets_as_one_instance_does() {
    let sb = seeded(5);
    let list = get(&sb, "/instances").json();
    for listed in list.as_array().unwrap() {
        let id = listed["id"].as_u64().unwrap();
        let one = get(&sb, &format!("/instances/{id}")).json();
        assert_eq!(listed["configuration"], one["configuration"], "{id}");
    }
    assert_eq!(list[0]["configuration"]["password"], "********");
    assert_eq!(list[0]["configuration"]["username"], "integration");
    // The store keeps the real value.
    assert_ne!(sb.instances()[0]["configuration"]["password"], "********");
}

#[test]
fn one_instance_shows_its_secrets_masked() {
    let sb = seeded(5);
    let answer = get(&sb, "/instances/1000");
    assert_eq!(answer.status, 200);
    let one = answer.json();
    assert_eq!(one["element"]["key"], "bigcommerce");
    assert_eq!(one["configuration"]["password"], "********");
    assert_eq!(one["configuration"]["username"], "integration");
    assert_eq!(one["valid"], true);
    assert!(one["token"].as_str().is_some_and(|t| !t.is_empty()));
    // The seeded account's broken ones say so.
    assert_eq!(get(&sb, "/instances/1002").json()["valid"], false);
    assert_eq!(get(&sb, "/instances/1004").json()["disabled"], true);
    for unknown in ["/instances/4242", "/instances/abc", "/instances/-1"] {
        let answer = get(&sb, unknown);
        assert_eq!(answer.status, 404, "{unknown}");
        assert!(answer.message().starts_with("No instance found with id"));
    }
}

#[test]
fn patch_changes_name_tags_and_configuration() {
    let sb = seeded(3);
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1001",
        &json!({ "name": "Renamed", "tags": ["only"], "configuration": { "ecwid.store.id": "777", "event.notification.enabled": true } }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    let changed = answer.json();
    assert_eq!(changed["name"], "Renamed");
    assert_eq!(changed["tags"], json!(["only"]), "tags are replaced whole");
    assert_eq!(changed["configuration"]["ecwid.store.id"], "777");
    assert_eq!(
        changed["configuration"]["ecwid.order.key"], "********",
        "kept, masked"
    );
    assert_eq!(changed["eventsEnabled"], true);
    let stored = &sb.instances()[1];
    assert_eq!(
        stored["configuration"]["ecwid.order.key"],
        "order-key-00002"
    );
    assert_eq!(
        stored["configuration"]["event.notification.enabled"],
        "true"
    );

    let empty_tags = send(&sb, "PATCH", "/instances/1001", &json!({ "tags": [] }));
    assert_eq!(empty_tags.json()["tags"], json!([]));

    // A required entry cannot be blanked; nothing changes.
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1001",
        &json!({ "name": "Not taken", "configuration": { "ecwid.order.key": "" } }),
    );
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.message(),
        format!("{}ecwid.order.key", ce_sandbox::MISSING_CONFIG_PREFIX)
    );
    assert_eq!(sb.instances()[1]["name"], "Renamed");

    for (body, field) in [
        (json!({ "element": { "key": "bigcommerce" } }), "element"),
        (json!({ "token": "mine" }), "token"),
        (json!({ "tags": "a,b" }), "tags"),
        (json!({ "name": "" }), "name"),
        (json!({ "configuration": ["x"] }), "configuration"),
    ] {
        let answer = send(&sb, "PATCH", "/instances/1001", &body);
        assert_eq!(answer.status, 400, "{body}");
        assert!(answer.message().contains(field), "{}", answer.message());
    }
    assert_eq!(
        send(&sb, "PATCH", "/instances/4242", &json!({ "name": "x" })).status,
        404
    );
}

#[test]
fn delete_removes_one_instance() {
    let sb = seeded(3);
    let token = sb.instances()[1]["token"].as_str().unwrap().to_string();
    let answer = call(
        &sb,
        "DELETE",
        &format!("{API}/instances/1001"),
        Some(&account(&sb)),
        None,
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["id"], 1001);
    assert_eq!(get(&sb, "/instances/1001").status, 404);
    assert_eq!(ids(&get(&sb, "/instances").json()), [1000, 1002]);
    // Its token is gone with it.
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/orders").status,
        401
    );
    let again = call(
        &sb,
        "DELETE",
        &format!("{API}/instances/1001"),
        Some(&account(&sb)),
        None,
    );
    assert_eq!(again.status, 404);
}

#[test]
fn reads_through_an_instance_check_its_token_and_state() {
    let sb = seeded(5);
    let token = |i: usize| sb.instances()[i]["token"].as_str().unwrap().to_string();

    let answer = read_through(&sb, &token(0), "/hubs/ecommerce/orders?pageSize=1");
    assert_eq!(answer.status, 200, "{}", answer.message());
    let orders = answer.json();
    assert_eq!(orders.as_array().unwrap().len(), 1);
    assert_eq!(orders[0]["id"], 100_001);
    for resource in ["orders", "products", "customers"] {
        let answer = read_through(&sb, &token(3), &format!("/hubs/ecommerce/{resource}"));
        assert_eq!(answer.status, 200, "{resource}");
        assert!(!answer.json().as_array().unwrap().is_empty());
    }

    // No element token, a wrong one, wrong account secrets.
    let missing = get(&sb, "/hubs/ecommerce/orders");
    assert_eq!(missing.status, 401);
    assert!(
        missing.message().contains("Element <token>"),
        "{}",
        missing.message()
    );
    let wrong = read_through(&sb, "not-a-token", "/hubs/ecommerce/orders");
    assert_eq!(wrong.status, 401);
    assert!(wrong.message().contains("Invalid Element token"));
    let bad_account = call(
        &sb,
        "GET",
        &format!("{API}/hubs/ecommerce/orders"),
        Some(&format!(
            "User nope, Organization nope, Element {}",
            token(0)
        )),
        None,
    );
    assert_eq!(bad_account.status, 401);

    // The seeded account's invalid instance: the provider refuses it.
    let refused = read_through(&sb, &token(2), "/hubs/ecommerce/orders?pageSize=1");
    assert_eq!(refused.status, 401);
    let body = refused.json();
    assert!(body["providerMessage"]
        .as_str()
        .unwrap()
        .contains("invalid_grant"));
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("refused the credentials"));
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("PATCH /instances/1002 with providerData"));

    // The disabled one says so.
    let disabled = read_through(&sb, &token(4), "/hubs/ecommerce/orders");
    assert_eq!(disabled.status, 403);
    assert!(
        disabled.message().contains("is disabled"),
        "{}",
        disabled.message()
    );

    // Unknown resources, bad page sizes. The hub segment is not checked.
    assert_eq!(
        read_through(&sb, &token(0), "/hubs/ecommerce/invoices").status,
        404
    );
    assert_eq!(
        read_through(&sb, &token(0), "/hubs/crm/contacts").status,
        404
    );
    let (right, other) = (
        read_through(&sb, &token(0), "/hubs/ecommerce/orders?pageSize=2"),
        read_through(&sb, &token(0), "/hubs/crap/orders?pageSize=2"),
    );
    assert_eq!((right.status, other.status), (200, 200));
    assert_eq!(right.json(), other.json());
    assert_eq!(
        read_through(&sb, &token(0), "/hubs/ecommerce/orders?pageSize=0").status,
        400
    );
}

#[test]
fn instances_are_disabled_and_enabled_by_their_token() {
    let sb = seeded(1);
    let token = sb.instances()[0]["token"].as_str().unwrap().to_string();
    let enabled = format!("{API}/instances/enabled");
    let off = call(&sb, "DELETE", &enabled, Some(&through(&sb, &token)), None);
    assert_eq!(off.status, 200);
    assert_eq!(off.json()["disabled"], true);
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/orders").status,
        403
    );
    let on = call(&sb, "PUT", &enabled, Some(&through(&sb, &token)), None);
    assert_eq!(on.json()["disabled"], false);
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/orders").status,
        200
    );
    assert_eq!(
        call(&sb, "PUT", &enabled, Some(&account(&sb)), None).status,
        401
    );
}

#[test]
fn instances_are_disabled_and_enabled_by_their_id() {
    let sb = seeded(2);
    let token = sb.instances()[0]["token"].as_str().unwrap().to_string();
    let enabled = format!("{API}/instances/1000/enabled");
    let off = call(&sb, "DELETE", &enabled, Some(&account(&sb)), None);
    assert_eq!(off.status, 200, "{}", off.message());
    assert_eq!(off.json()["disabled"], true);
    assert_eq!(get(&sb, "/instances/1000").json()["disabled"], true);
    let refused = read_through(&sb, &token, "/hubs/ecommerce/ping");
    assert_eq!(refused.status, 403);
    assert!(refused.message().contains("PUT /instances/1000/enabled"));
    let on = call(&sb, "PUT", &enabled, Some(&account(&sb)), None);
    assert_eq!(on.json()["disabled"], false);
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/ping").status,
        200
    );
    // The other instance was not touched; unknown ids and bad secrets.
    assert_eq!(get(&sb, "/instances/1001").json()["disabled"], false);
    let unknown = format!("{API}/instances/4242/enabled");
    assert_eq!(
        call(&sb, "PUT", &unknown, Some(&account(&sb)), None).status,
        404
    );
    assert_eq!(
        call(
            &sb,
            "DELETE",
            &enabled,
            Some("User x, Organization y"),
            None
        )
        .status,
        401
    );
    assert_eq!(
        call(&sb, "GET", &enabled, Some(&account(&sb)), None).status,
        405
    );
}

#[test]
fn the_ping_answers_for_elements_that_have_it_on_any_hub() {
    let sb = seeded(5);
    let token = |i: usize| sb.instances()[i]["token"].as_str().unwrap().to_string();
    // 1000 bigcommerce, 1001 ecwid, 1003 magentov20: churros pings them.
    for (i, hub) in [(0, "ecommerce"), (1, "crm"), (3, "anything")] {
        let answer = read_through(&sb, &token(i), &format!("/hubs/{hub}/ping"));
        assert_eq!(answer.status, 200, "{i}: {}", answer.message());
    }
    // 1004 is disabled, 1002 invalid (its provider refuses it).
    assert_eq!(
        read_through(&sb, &token(4), "/hubs/ecommerce/ping").status,
        403
    );
    let refused = read_through(&sb, &token(2), "/hubs/ecommerce/ping");
    assert_eq!(refused.status, 401);
    assert!(refused.json()["providerMessage"]
        .as_str()
        .unwrap()
        .contains("invalid_grant"));
    assert_eq!(
        read_through(&sb, "not-a-token", "/hubs/ecommerce/ping").status,
        401
    );
    let no_element = call(
        &sb,
        "GET",
        &format!("{API}/hubs/ecommerce/ping"),
        Some(&account(&sb)),
        None,
    );
    assert_eq!(no_element.status, 401);
}

#[test]
fn seeds_churros_never_pings_have_no_ping_but_a_read() {
    let sb = seeded(0);
    let created = send(
        &sb,
        "POST",
        "/instances",
        &json!({
            "element": { "key": "woocommerce" },
            "configuration": {
                "store.url": "https://shop.example.com",
                "base.url": "https://shop.example.com/wc-api/v2",
                "oauth.api.key": "ck", "oauth.api.secret": "cs",
            },
        }),
    );
    assert_eq!(created.status, 200, "{}", created.message());
    let token = created.json()["token"].as_str().unwrap().to_string();
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/ping").status,
        404
    );
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/orders?pageSize=1").status,
        200
    );
}

/// `PATCH /instances/{id}` with `providerData` re-provisions (churros
/// `updateInstanceWithReprovision`,
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js).
#[test]
fn a_patch_with_provider_data_reprovisions_with_a_fresh_code_once() {
    let sb = seeded(5);
    // Seeded instance 1002 is an Infusionsoft one whose grant was refused.
    let before = sb.instances()[2].clone();
    assert_eq!(
        (before["element"]["key"].as_str(), before["valid"].as_bool()),
        (Some("infusionsoftecommerce"), Some(false))
    );
    let old_token = before["token"].as_str().unwrap().to_string();
    let client_id = before["configuration"]["oauth.api.key"]
        .as_str()
        .unwrap()
        .to_string();
    let path = "/instances/1002";

    let code = fresh_code(&sb, &client_id, CALLBACK);
    let answer = send(
        &sb,
        "PATCH",
        path,
        &json!({ "providerData": { "code": code } }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    let after = answer.json();
    assert_eq!(after["valid"], true);
    assert_eq!(after.get("providerData"), None);
    assert_eq!(after["configuration"]["oauth.api.secret"], "********");
    assert_eq!(after["name"], before["name"], "what is not sent stays");
    assert_eq!(after["tags"], before["tags"]);
    let new_token = after["token"].as_str().unwrap().to_string();
    assert_ne!(new_token, old_token, "a re-provision gives a new token");
    assert_eq!(
        read_through(&sb, &new_token, "/hubs/ecommerce/orders").status,
        200
    );
    assert_eq!(
        read_through(&sb, &old_token, "/hubs/ecommerce/orders").status,
        401
    );

    // The same code again, one never issued, one for another app.
    for code in [code.clone(), "made-up".to_string()] {
        let answer = send(
            &sb,
            "PATCH",
            path,
            &json!({ "providerData": { "code": code } }),
        );
        assert_eq!(answer.status, 400);
        assert!(
            answer.message().contains("already used"),
            "{}",
            answer.message()
        );
    }
    let foreign = fresh_code(&sb, "someone-else", CALLBACK);
    let answer = send(
        &sb,
        "PATCH",
        path,
        &json!({ "providerData": { "code": foreign } }),
    );
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["providerMessage"], "invalid_grant");
    // A new app and callback in the same PATCH: the code is checked
    // against them.
    let moved = "http://127.0.0.1:9999/callback";
    let code = fresh_code(&sb, "client-new", moved);
    let answer = send(
        &sb,
        "PATCH",
        path,
        &json!({ "providerData": { "code": code },
                 "configuration": { "oauth.api.key": "client-new", "oauth.callback.url": moved } }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    assert_eq!(
        answer.json()["configuration"]["oauth.api.key"],
        "client-new"
    );

    // A non-OAuth element has nothing to re-provision; unknown ids.
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1000",
        &json!({ "providerData": { "code": "c" } }),
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer.message().contains("does not use OAuth"),
        "{}",
        answer.message()
    );
    assert_eq!(
        send(&sb, "PATCH", "/instances/4242", &json!({})).status,
        404
    );
}

/// No `reAuthenticate` parameter exists in the evidence: the platform
/// ignores query parameters it does not know, so a `PUT` that relied on it
/// with a partial body is judged as the whole-body replacement it is.
#[test]
fn re_authenticate_is_no_parameter_and_a_partial_put_is_refused() {
    let sb = seeded(5);
    let client_id = sb.instances()[2]["configuration"]["oauth.api.key"]
        .as_str()
        .unwrap()
        .to_string();
    let code = fresh_code(&sb, &client_id, CALLBACK);
    let answer = send(
        &sb,
        "PUT",
        "/instances/1002?reAuthenticate=true",
        &json!({ "providerData": { "code": code } }),
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer.message().contains("replaces the whole instance"),
        "{}",
        answer.message()
    );
    assert_eq!(get(&sb, "/instances/1002").json()["valid"], false);
    // Any value is as good as none: a PATCH with it is an ordinary PATCH.
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1002?reAuthenticate=maybe",
        &json!({ "name": "n" }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    assert_eq!(answer.json()["valid"], false, "nothing re-provisioned");
}

/// Whole-body `PUT` with `providerData` (churros `genInstance`: element,
/// name, every configuration entry, the grant).
#[test]
fn a_whole_put_with_provider_data_reprovisions() {
    let sb = seeded(5);
    let stored = sb.instances()[2]["configuration"].clone();
    let client_id = stored["oauth.api.key"].as_str().unwrap().to_string();
    let code = fresh_code(&sb, &client_id, CALLBACK);
    let answer = send(
        &sb,
        "PUT",
        "/instances/1002",
        &json!({ "element": { "key": "infusionsoftecommerce" }, "name": "updated-instance",
                 "configuration": stored, "providerData": { "code": code } }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    let after = answer.json();
    assert_eq!(
        (after["valid"].as_bool(), after["name"].as_str()),
        (Some(true), Some("updated-instance"))
    );
    assert_eq!(
        after["tags"],
        json!([]),
        "a whole replacement: tags not given are gone"
    );
}

/// A masked value sent back is stored as sent: the provider is then shown
/// `********`. A derived setting given another value likewise.
#[test]
fn masked_and_derived_values_sent_back_break_the_instance() {
    let sb = seeded(5);
    let masked = get(&sb, "/instances/1000").json();
    assert_eq!(masked["configuration"]["password"], "********");
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1000",
        &json!({ "configuration": masked["configuration"] }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    assert_eq!(answer.json()["valid"], false);
    assert_eq!(sb.instances()[0]["configuration"]["password"], "********");
    let token = sb.instances()[0]["token"].as_str().unwrap().to_string();
    assert_eq!(
        read_through(&sb, &token, "/hubs/ecommerce/ping").status,
        401
    );

    // The same values in clear change nothing.
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1001",
        &json!({ "configuration": sb.instances()[1]["configuration"] }),
    );
    assert_eq!(answer.json()["valid"], true);

    // A re-provision whose app secret is the mask fails its exchange.
    let client_id = sb.instances()[2]["configuration"]["oauth.api.key"]
        .as_str()
        .unwrap()
        .to_string();
    let code = fresh_code(&sb, &client_id, CALLBACK);
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1002",
        &json!({ "providerData": { "code": code },
                 "configuration": { "oauth.api.secret": "********" } }),
    );
    assert_eq!(answer.status, 401, "{}", answer.message());
    assert_eq!(answer.json()["providerMessage"], "invalid_client");
    assert_eq!(
        sb.instances()[2]["configuration"]["oauth.api.secret"],
        "client-secret-00003"
    );

    // A provider token the platform derived, overwritten by a client.
    let answer = send(
        &sb,
        "PATCH",
        "/instances/1001",
        &json!({ "configuration": { "oauth.user.token": "stale" } }),
    );
    assert_eq!(answer.json()["valid"], false);
}

#[test]
fn put_replaces_the_whole_instance_and_keeps_the_element() {
    let sb = seeded(1);
    let full = json!({
        "element": { "key": "bigcommerce" },
        "name": "Replaced",
        "tags": ["kept"],
        "configuration": {
            "store.url": "https://store-new.mybigcommerce.com/api/v2/",
            "username": "other",
            "password": "new-token",
        },
    });
    let answer = send(&sb, "PUT", "/instances/1000", &full);
    assert_eq!(answer.status, 200, "{}", answer.message());
    assert_eq!(answer.json()["name"], "Replaced");
    assert_eq!(answer.json()["tags"], json!(["kept"]));
    assert_eq!(answer.json()["valid"], true);
    assert_eq!(sb.instances()[0]["configuration"]["password"], "new-token");

    let partial = json!({ "element": { "key": "bigcommerce" }, "configuration": { "username": "only-this" } });
    let answer = send(&sb, "PUT", "/instances/1000", &partial);
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.message(),
        format!("{}store.url, password", ce_sandbox::MISSING_CONFIG_PREFIX)
    );
    let other = json!({ "element": { "key": "ecwid" } });
    let answer = send(&sb, "PUT", "/instances/1000", &other);
    assert_eq!(answer.status, 400);
    assert!(answer.message().contains("keeps its element"));
    let answer = send(
        &sb,
        "PUT",
        "/instances/1000",
        &json!({ "configuration": full["configuration"] }),
    );
    assert_eq!(answer.status, 400);
    assert!(answer.message().contains("replaces the whole instance"));
}

#[test]
fn instances_go_invalid_and_disabled_as_faults() {
    let sb = seeded(2);
    let token = |i: usize| sb.instances()[i]["token"].as_str().unwrap().to_string();
    sb.set_faults(Faults::one(Fault::new(FaultKind::Invalidate).times(1)));
    // Calls that do not go through an instance leave the fault alone.
    assert_eq!(get(&sb, "/instances").status, 200);
    let refused = read_through(&sb, &token(0), "/hubs/ecommerce/orders");
    assert_eq!(refused.status, 401);
    assert_eq!(get(&sb, "/instances/1000").json()["valid"], false);
    // The grant stays refused after the fault is spent.
    assert_eq!(
        read_through(&sb, &token(0), "/hubs/ecommerce/orders").status,
        401
    );
    assert_eq!(
        read_through(&sb, &token(1), "/hubs/ecommerce/orders").status,
        200
    );

    sb.set_faults(Faults::one("disable,times=1".parse().unwrap()));
    assert_eq!(
        read_through(&sb, &token(1), "/hubs/ecommerce/orders").status,
        403
    );
    assert_eq!(get(&sb, "/instances/1001").json()["disabled"], true);
}

/// An OAuth 1 grant, as `create` gets one: a request token, the person's
/// consent, the verifier on the redirect.
fn oauth1_grant(sb: &Sandbox, client_id: &str) -> Value {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("apiKey", client_id)
        .append_pair("apiSecret", "app-secret")
        .append_pair("callbackUrl", CALLBACK)
        .finish();
    let issued = get(sb, &format!("/elements/kestrelsocial/oauth/token?{query}")).json();
    let token = issued["token"].as_str().unwrap().to_string();
    let decision = call(
        sb,
        "GET",
        &format!("/provider/oauth1/decision?oauth_token={token}&decision=allow"),
        None,
        None,
    );
    assert_eq!(decision.status, 302);
    let location = url::Url::parse(decision.header("location").unwrap()).unwrap();
    let verifier = location
        .query_pairs()
        .find(|(k, _)| k == "oauth_verifier")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    json!({ "oauth_token": token, "oauth_verifier": verifier, "secret": issued["secret"] })
}

#[test]
fn oauth1_instances_reauthenticate_with_a_fresh_grant() {
    let sb = seeded(0);
    let configuration = json!({
        "oauth.api.key": "kestrel-app",
        "oauth.api.secret": "app-secret",
        "oauth.callback.url": CALLBACK,
    });
    let created = send(
        &sb,
        "POST",
        "/instances",
        &json!({
            "element": { "key": "kestrelsocial" },
            "configuration": configuration,
            "providerData": oauth1_grant(&sb, "kestrel-app"),
        }),
    );
    assert_eq!(created.status, 200, "{}", created.message());
    let id = created.json()["id"].as_u64().unwrap();
    let old_token = created.json()["token"].as_str().unwrap().to_string();
    let path = format!("/instances/{id}");

    let grant = oauth1_grant(&sb, "kestrel-app");
    let answer = send(&sb, "PATCH", &path, &json!({ "providerData": grant }));
    assert_eq!(answer.status, 200, "{}", answer.message());
    assert_ne!(answer.json()["token"].as_str().unwrap(), old_token);
    // A request token is spent once; one for another app is refused.
    let again = send(&sb, "PATCH", &path, &json!({ "providerData": grant }));
    assert_eq!(again.status, 400);
    assert!(
        again.message().contains("already used"),
        "{}",
        again.message()
    );
    let foreign = send(
        &sb,
        "PATCH",
        &path,
        &json!({ "providerData": oauth1_grant(&sb, "other-app") }),
    );
    assert_eq!(foreign.status, 400);
    assert!(
        foreign.message().contains("different app"),
        "{}",
        foreign.message()
    );
}

/// An element with several sign-in kinds re-provisions the kind its
/// instance chose: an Ecwid instance made with OAuth 2 takes a fresh code
/// (devportal `docs/elements/ecwid/ecwid-create-instance.md`: OAuth 2 beside
/// the legacy keys), while one made with the legacy keys has nothing to
/// re-provision.
#[test]
fn a_multi_kind_instance_reprovisions_the_kind_it_chose() {
    let sb = seeded(0);
    let code = fresh_code(&sb, "ecwid-app", CALLBACK);
    let made = send(
        &sb,
        "POST",
        "/instances",
        &json!({
            "element": { "key": "ecwid" },
            "name": "ecwid by oauth",
            "configuration": {
                "authentication.type": "oauth2",
                "oauth.api.key": "ecwid-app",
                "oauth.api.secret": "ecwid-app-secret",
                "oauth.callback.url": CALLBACK
            },
            "providerData": { "code": code }
        }),
    );
    assert_eq!(made.status, 200, "{}", made.message());
    let id = made.json()["id"].as_u64().unwrap();

    let code = fresh_code(&sb, "ecwid-app", CALLBACK);
    let answer = send(
        &sb,
        "PATCH",
        &format!("/instances/{id}"),
        &json!({ "providerData": { "code": code } }),
    );
    assert_eq!(answer.status, 200, "{}", answer.message());
    assert_eq!(answer.json()["valid"], true);

    let legacy = send(
        &sb,
        "POST",
        "/instances",
        &json!({
            "element": { "key": "ecwid" },
            "name": "ecwid by keys",
            "configuration": {
                "ecwid.store.id": "1003",
                "ecwid.order.key": "secret_order",
                "ecwid.product.key": "secret_product"
            }
        }),
    );
    assert_eq!(legacy.status, 200, "{}", legacy.message());
    let id = legacy.json()["id"].as_u64().unwrap();
    let answer = send(
        &sb,
        "PATCH",
        &format!("/instances/{id}"),
        &json!({ "providerData": { "code": "c" } }),
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer.message().contains("does not use OAuth"),
        "{}",
        answer.message()
    );
}
