//! The sandbox over real HTTP, as the wizard and `create` will use it: each
//! test starts its own sandbox on a free loopback port and checks both the
//! answers and what the sandbox stored.

use crate::common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ce_wizard::catalog::{bundled, bundled_spec, form_fields, ElementSpec, AUTH_TYPE_KEY};
use ce_wizard::sandbox::{Sandbox, SandboxOptions, MISSING_CONFIG_PREFIX};
use common::platform::{auth, client, get, start};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use url::Url;

const INSTANCES: &str = "/elements/api-v2/instances";
const CALLBACK: &str = "http://127.0.0.1:9/ce-wizard/callback";

async fn create(sb: &Sandbox, body: &Value) -> Response {
    client()
        .post(format!("{}/instances", sb.base_url()))
        .header("Authorization", auth(sb))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Status and JSON body; every error must be `{requestId, message}`.
async fn answer(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    if !status.is_success() {
        let id = body["requestId"]
            .as_str()
            .expect("errors carry a requestId");
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    (status, body)
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

fn spec(key: &str) -> &'static ElementSpec {
    bundled_spec(key).unwrap()
}

/// The configuration keys of each seed page, with plausible values.
fn seed_configuration(key: &str) -> Value {
    match key {
        "woocommerce" => json!({
            "base.url": "https://shop.example.com/wc-api/v2",
            "oauth.api.key": "ck_0123456789abcdef",
            "oauth.api.secret": "cs_0123456789abcdef",
            "store.url": "https://shop.example.com",
        }),
        "ecwid" => json!({
            "authentication.type": "custom",
            "ecwid.order.key": "order-secret",
            "ecwid.product.key": "product-secret",
            "ecwid.store.id": "1003",
        }),
        "bigcommerce" => json!({
            "store.url": "https://store-abc123.mybigcommerce.com/api/v2/",
            "username": "integration",
            "password": "bc-api-token",
        }),
        "magentov20" => json!({
            "userName": "api-admin",
            "password": "magento-password",
            "site": "https://magento.example.com",
            "user": "true",
        }),
        "infusionsoftecommerce" => json!({
            "oauth.callback.url": CALLBACK,
            "oauth.api.key": "infusionsoft-client-id",
            "oauth.api.secret": "infusionsoft-client-secret",
            "document.tagging": false,
        }),
        other => panic!("no seed for {other}"),
    }
}

/// The keys a spec requires for its default sign-in kind: the choice of
/// kind has a default, and the fields of the other kinds do not apply.
fn required_keys(spec: &ElementSpec) -> Vec<&str> {
    spec.fields
        .iter()
        .filter(|f| f.required && !kind_dependent(f))
        .chain(spec.fields.iter().filter(|f| {
            f.required
                && f.condition()
                    .is_some_and(|(k, v)| k == AUTH_TYPE_KEY && v == spec.auth.platform_name())
        }))
        .map(|f| f.key.as_str())
        .collect()
}

/// The sign-in choice and the fields only one kind asks for: what the
/// platform requires of them depends on the kind chosen.
fn kind_dependent(f: &ce_wizard::catalog::FieldSpec) -> bool {
    f.key == AUTH_TYPE_KEY || f.condition().is_some_and(|(k, _)| k == AUTH_TYPE_KEY)
}

/// The value of a hidden input of the consent form, HTML entities decoded.
fn hidden_input(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name}"))
        + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn oauth_url(sb: &Sandbox, key: &str, params: &[(&str, &str)]) -> Response {
    let mut url = Url::parse(&format!("{}/elements/{key}/oauth/url", sb.base_url())).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    client().get(url).send().await.unwrap()
}

/// Walks the provider's consent page like a browser would and returns the
/// `Location` the chosen button leads to.
async fn consent(
    sb: &Sandbox,
    client_id: &str,
    callback: &str,
    state: &str,
    decision: &str,
) -> Url {
    let (status, body) = answer(
        oauth_url(
            sb,
            "infusionsoftecommerce",
            &[
                ("apiKey", client_id),
                ("apiSecret", "infusionsoft-client-secret"),
                ("callbackUrl", callback),
                ("state", state),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let authorize = Url::parse(body["oauthUrl"].as_str().unwrap()).unwrap();

    let page_response = client().get(authorize.clone()).send().await.unwrap();
    assert_eq!(page_response.status(), 200);
    assert!(page_response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = page_response.text().await.unwrap();
    assert!(page.contains(r#"<button id="allow" name="decision" value="allow">Allow</button>"#));
    assert!(page.contains(r#"<button id="deny" name="decision" value="deny">Deny</button>"#));
    assert!(page.contains(r#"method="get""#));

    let action = {
        let marker = r#"<form action=""#;
        let start = page.find(marker).unwrap() + marker.len();
        page[start..start + page[start..].find('"').unwrap()].to_string()
    };
    let mut decision_url = authorize.join(&action).unwrap();
    decision_url
        .query_pairs_mut()
        .append_pair("client_id", &hidden_input(&page, "client_id"))
        .append_pair("redirect_uri", &hidden_input(&page, "redirect_uri"))
        .append_pair("state", &hidden_input(&page, "state"))
        .append_pair("decision", decision);
    let redirect = client().get(decision_url).send().await.unwrap();
    assert_eq!(redirect.status(), StatusCode::FOUND);
    location(redirect.headers())
}

fn location(headers: &HeaderMap) -> Url {
    Url::parse(headers[LOCATION].to_str().unwrap()).unwrap()
}

async fn allowed_code(sb: &Sandbox, client_id: &str, callback: &str) -> String {
    let back = consent(sb, client_id, callback, "st", "allow").await;
    query_param(&back, "code").expect("Allow gives a code")
}

fn infusionsoft_body(code: &str, callback: &str, client_id: &str) -> Value {
    let mut configuration = seed_configuration("infusionsoftecommerce");
    configuration["oauth.callback.url"] = json!(callback);
    configuration["oauth.api.key"] = json!(client_id);
    json!({
        "element": { "key": "infusionsoftecommerce" },
        "providerData": { "code": code },
        "configuration": configuration,
        "tags": ["sandbox"],
        "name": "infusionsoft test",
    })
}

fn assert_is_rfc3339_utc(date: &str) {
    let b = date.as_bytes();
    assert_eq!(b.len(), 20, "{date}");
    for (i, c) in b.iter().enumerate() {
        match i {
            4 | 7 => assert_eq!(*c, b'-', "{date}"),
            10 => assert_eq!(*c, b'T', "{date}"),
            13 | 16 => assert_eq!(*c, b':', "{date}"),
            19 => assert_eq!(*c, b'Z', "{date}"),
            _ => assert!(c.is_ascii_digit(), "{date}"),
        }
    }
}

#[tokio::test]
async fn catalog_lists_the_bundled_elements() {
    let sb = start();
    let (status, body) = answer(get(&sb, "/elements").await).await;
    assert_eq!(status, 200);
    let list = body.as_array().unwrap();
    // Each bundled element once, among the generated catalog that
    // tests/catalog_sandbox.rs covers.
    for spec in bundled() {
        let listed = list.iter().filter(|e| e["key"] == spec.key.as_str());
        assert_eq!(listed.count(), 1, "{}", spec.key);
    }
    let expected_ids = [
        ("woocommerce", 188),
        ("ecwid", 42),
        ("bigcommerce", 274),
        ("magentov20", 815),
        ("infusionsoftecommerce", 321),
    ];
    for (key, id) in expected_ids {
        let element = list.iter().find(|e| e["key"] == key).expect(key);
        let spec = spec(key);
        assert_eq!(element["id"], id, "{key}");
        if key == "woocommerce" {
            // The bundled spec labels the legacy element and points to
            // WooCommerce REST; the platform's own name comes first.
            let name = element["name"].as_str().unwrap();
            assert_eq!(spec.name, format!("{name} (legacy)"));
            assert!(spec.description.contains("woocommercerest"));
        } else {
            assert_eq!(element["name"], spec.name.as_str());
            assert_eq!(element["description"], spec.description.as_str());
        }
        assert_eq!(element["hub"], "ecommerce");
        assert_eq!(element["active"], true);
        assert_eq!(element["deleted"], false);
        assert_eq!(element["beta"], spec.beta);
        assert_eq!(element["authentication"]["type"], spec.auth.platform_name());
        assert_eq!(element["typeOauth"], spec.auth.is_oauth());
    }
    let infusionsoft = list
        .iter()
        .find(|e| e["key"] == "infusionsoftecommerce")
        .unwrap();
    assert_eq!(infusionsoft["authentication"]["type"], "oauth2");
    assert_eq!(infusionsoft["typeOauth"], true);
    let bigcommerce = list.iter().find(|e| e["key"] == "bigcommerce").unwrap();
    assert_eq!(bigcommerce["authentication"]["type"], "basic");
}

#[tokio::test]
async fn element_detail_and_configuration_metadata() {
    let sb = start();
    for spec in bundled() {
        let (status, by_key) = answer(get(&sb, &format!("/elements/{}", spec.key)).await).await;
        assert_eq!(status, 200, "{}", spec.key);
        let id = by_key["id"].as_u64().unwrap();
        let (_, by_id) = answer(get(&sb, &format!("/elements/{id}")).await).await;
        assert_eq!(by_key, by_id, "{}: by key and by id differ", spec.key);
        let (status, alone) =
            answer(get(&sb, &format!("/elements/{}/configuration", spec.key)).await).await;
        assert_eq!(status, 200);
        // The list comes inside an object, the same as the detail's.
        assert_eq!(alone["configuration"], by_key["configuration"]);

        let entries = alone["configuration"].as_array().unwrap();
        let fields = form_fields(spec);
        let keys: Vec<&str> = entries.iter().map(|e| e["key"].as_str().unwrap()).collect();
        let expected: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, expected, "{}", spec.key);
        for (i, (entry, field)) in entries.iter().zip(&fields).enumerate() {
            assert_eq!(entry["name"], field.label.as_str());
            // The help is the wizard's own wording for a newcomer (why a
            // setting is required, where to find it), not the platform's
            // description: only what the platform judges must agree.
            assert!(entry["description"].as_str().is_some_and(|d| !d.is_empty()));
            if !kind_dependent(field) {
                assert_eq!(entry["required"], field.required, "{}", field.key);
            }
            assert_eq!(entry["hideFromConsole"], false);
            assert_eq!(entry["internal"], false);
            assert_eq!(entry["displayOrder"], i + 1);
            match &field.default {
                Some(d) => assert_eq!(entry["defaultValue"], d.as_str()),
                None => assert!(entry.get("defaultValue").is_none()),
            }
            assert!(entry["type"].is_string());
        }
    }
    let type_of = |answer: &Value, key: &str| {
        answer["configuration"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .map(|e| e["type"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (_, bc) = answer(get(&sb, "/elements/bigcommerce/configuration").await).await;
    assert_eq!(type_of(&bc, "store.url"), "TEXTFIELD_1000");
    assert_eq!(type_of(&bc, "username"), "TEXTFIELD_128");
    assert_eq!(type_of(&bc, "password"), "PASSWORD");
    assert_eq!(type_of(&bc, "event.vendor.type"), "SELECTION");
    assert_eq!(type_of(&bc, "filter.response.nulls"), "BOOLEAN");
    assert_eq!(
        type_of(&bc, "event.poller.refresh_interval"),
        "TEXTFIELD_1000"
    );
    let (_, ecwid) = answer(get(&sb, "/elements/ecwid/configuration").await).await;
    assert_eq!(type_of(&ecwid, "ecwid.store.id"), "TEXTFIELD_32");
    let (_, magento) = answer(get(&sb, "/elements/815").await).await;
    let user = magento["configuration"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "user")
        .unwrap();
    assert_eq!(user["type"], "BOOLEAN");
    assert_eq!(user["defaultValue"], "true");
    assert_eq!(user["required"], true);
}

#[tokio::test]
async fn unknown_elements_paths_and_methods() {
    let sb = start();
    for path in ["/elements/nosuch", "/elements/99999/configuration"] {
        let (status, body) = answer(get(&sb, path).await).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            message(&body).starts_with("No element found with key or id '"),
            "{body}"
        );
    }
    let (_, body) = answer(get(&sb, "/elements/nosuch").await).await;
    assert_eq!(message(&body), "No element found with key or id 'nosuch'");

    let (status, body) = answer(
        create(
            &sb,
            &json!({ "element": { "key": "nosuch" }, "configuration": {} }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(message(&body), "No element found with key or id 'nosuch'");

    // A hub call goes through an instance: without its Element token the
    // account secrets alone are not enough.
    let (status, _) = answer(get(&sb, "/hubs/ecommerce/orders").await).await;
    assert_eq!(status, 401);
    let (status, _) = answer(get(&sb, "/instances/424242").await).await;
    assert_eq!(status, 404);

    let response = client()
        .put(format!("{}/instances", sb.base_url()))
        .header("Authorization", auth(&sb))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    let (status, _) = answer(response).await;
    assert_eq!(status, 405);
    let response = client()
        .delete(format!("{}/elements/ecwid", sb.base_url()))
        .header("Authorization", auth(&sb))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn platform_calls_need_both_secrets() {
    let sb = start();
    let url = format!("{}/elements", sb.base_url());
    let headers = [
        None,
        Some(format!("User wrong, Organization {}", sb.org_secret())),
        Some(format!("User {}, Organization wrong", sb.user_secret())),
        Some(format!("User {}", sb.user_secret())),
        Some(format!("Bearer {}", sb.user_secret())),
        Some(format!("Organization {}, Element x", sb.org_secret())),
    ];
    for header in headers {
        let mut request = client().get(&url);
        if let Some(h) = &header {
            request = request.header("Authorization", h);
        }
        let (status, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(status, 401, "{header:?}");
        let text = message(&body);
        assert!(
            text.contains("User") && text.contains("Organization"),
            "{text}"
        );
        assert!(text.contains("secret"), "{text}");
        assert!(!text.contains(sb.user_secret()) && !text.contains(sb.org_secret()));
        // Shown on a terminal, the words survive the masking of values
        // after "secret:" (which read "secret: •••••• the secrets of…").
        if header.as_deref().is_some_and(|h| h.contains("wrong")) {
            assert_eq!(ce_wizard::log::mask(text), text);
        }
    }
    // POST /instances is refused before its body is looked at.
    let response = client()
        .post(format!("{}/instances", sb.base_url()))
        .json(&json!({ "element": { "key": "bigcommerce" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(sb.instances().is_empty());

    // Extra spaces and an Element part are tolerated.
    let loose = format!(
        "  User   {} ,   Organization  {} , Element some-token ",
        sb.user_secret(),
        sb.org_secret()
    );
    let response = client()
        .get(&url)
        .header("Authorization", loose)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // Secrets other than the demo ones are honoured.
    let custom = Sandbox::start(SandboxOptions {
        user_secret: "u-1".into(),
        org_secret: "o-1".into(),
        ..SandboxOptions::default()
    })
    .unwrap();
    let ok = client()
        .get(format!("{}/elements", custom.base_url()))
        .header("Authorization", "User u-1, Organization o-1")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let demo = client()
        .get(format!("{}/elements", custom.base_url()))
        .header("Authorization", auth(&sb))
        .send()
        .await
        .unwrap();
    assert_eq!(demo.status(), 401);
}

#[tokio::test]
async fn create_needs_a_json_body() {
    let sb = start();
    let url = format!("{}/instances", sb.base_url());
    let body = json!({ "element": { "key": "bigcommerce" }, "configuration": seed_configuration("bigcommerce") })
        .to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = client()
            .post(&url)
            .header("Authorization", auth(&sb))
            .body(body.clone());
        if let Some(ct) = content_type {
            request = request.header("Content-Type", ct);
        }
        let (status, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert!(message(&body).contains("application/json"), "{body}");
    }

    let (status, body) = answer(
        client()
            .post(&url)
            .header("Authorization", auth(&sb))
            .header("Content-Type", "application/json")
            .body(r#"{"element": {"key": "bigcommerce"}, "configuration": "#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("not valid JSON"), "{body}");

    let (status, body) = answer(create(&sb, &json!({ "configuration": {} })).await).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("element.key"), "{body}");

    let response = client()
        .post(&url)
        .header("Authorization", auth(&sb))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(body_with_seed("bigcommerce").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(sb.instances().len(), 1);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let sb = start();
    let huge = format!(r#"{{"name": "{}"}}"#, "x".repeat(1 << 20));
    let response = client()
        .post(format!("{}/instances", sb.base_url()))
        .header("Authorization", auth(&sb))
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 413);
    assert!(message(&body).contains("larger"), "{body}");
    assert!(sb.instances().is_empty());
}

fn body_with_seed(key: &str) -> Value {
    json!({
        "element": { "key": key },
        "configuration": seed_configuration(key),
        "tags": ["sandbox", key],
        "name": format!("{key} test"),
    })
}

#[tokio::test]
async fn missing_required_configuration_is_listed_in_spec_order() {
    let sb = start();
    for spec in bundled() {
        let (status, body) = answer(
            create(
                &sb,
                &json!({ "element": { "key": spec.key }, "configuration": {} }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 400, "{}", spec.key);
        let expected = format!("{MISSING_CONFIG_PREFIX}{}", required_keys(spec).join(", "));
        assert_eq!(message(&body), expected, "{}", spec.key);

        // No configuration at all reads the same.
        let (_, body) = answer(create(&sb, &json!({ "element": { "key": spec.key } })).await).await;
        assert_eq!(message(&body), expected, "{}", spec.key);
    }
    let (_, body) = answer(
        create(
            &sb,
            &json!({ "element": { "key": "bigcommerce" }, "configuration": {} }),
        )
        .await,
    )
    .await;
    assert_eq!(
        message(&body),
        "The following required configuration entries are missing: store.url, username, password"
    );

    // Empty and blank values count as missing; the rest is not listed.
    let (status, body) = answer(
        create(
            &sb,
            &json!({
                "element": { "key": "bigcommerce" },
                "configuration": { "store.url": "https://s.example/api/v2/", "username": "  ", "password": null },
            }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        format!("{MISSING_CONFIG_PREFIX}username, password")
    );
    assert!(sb.instances().is_empty());
}

#[tokio::test]
async fn instances_of_the_non_oauth_elements_are_created_and_stored() {
    let sb = start();
    let keys = ["woocommerce", "ecwid", "bigcommerce", "magentov20"];
    let mut created = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let sent = body_with_seed(key);
        let (status, instance) = answer(create(&sb, &sent).await).await;
        assert_eq!(status, 200, "{key}: {instance}");
        let spec = spec(key);
        assert_eq!(instance["id"], 1000 + i as u64);
        assert_eq!(instance["name"], format!("{key} test"));
        let token = STANDARD
            .decode(instance["token"].as_str().unwrap())
            .unwrap();
        assert_eq!(token.len(), 32);
        assert_eq!(instance["element"]["key"], *key);
        // The bundled legacy WooCommerce carries its own label and hint.
        let platform_name = instance["element"]["name"].as_str().unwrap();
        assert!(spec.name.starts_with(platform_name), "{key}");
        assert_eq!(instance["element"]["hub"], "ecommerce");
        if *key != "woocommerce" {
            assert_eq!(
                instance["element"]["description"],
                spec.description.as_str()
            );
        }
        assert_eq!(
            instance["element"]["authentication"]["type"],
            spec.auth.platform_name()
        );
        assert_eq!(instance["element"]["typeOauth"], false);
        assert_eq!(instance["configuration"], sent["configuration"]);
        assert_eq!(instance["tags"], json!(["sandbox", key]));
        assert_eq!(instance["valid"], true);
        assert_eq!(instance["disabled"], false);
        assert_eq!(instance["provisionInteractions"], json!([]));
        assert_eq!(instance["maxCacheSize"], 0);
        assert_eq!(instance["cacheTimeToLive"], 0);
        assert_eq!(instance["eventsEnabled"], false);
        assert_eq!(instance["cachingEnabled"], false);
        assert_is_rfc3339_utc(instance["createdDate"].as_str().unwrap());
        created.push(instance);
    }
    let element_ids: Vec<u64> = created
        .iter()
        .map(|i| i["element"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(element_ids, [188, 42, 274, 815]);
    let tokens: std::collections::HashSet<&str> = created
        .iter()
        .map(|i| i["token"].as_str().unwrap())
        .collect();
    assert_eq!(tokens.len(), created.len(), "tokens are distinct");

    assert_eq!(sb.instances(), created);
    // The same instance, its API token masked: in the list as in the
    // answer for it alone.
    let mut masked = created[2].clone();
    masked["configuration"]["password"] = json!("********");
    let (status, listed) = answer(get(&sb, "/instances").await).await;
    assert_eq!(status, 200);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), created.len());
    for (l, c) in listed.iter().zip(&created) {
        assert_eq!(
            (&l["id"], &l["name"], &l["token"]),
            (&c["id"], &c["name"], &c["token"])
        );
    }
    assert_eq!(listed[2], masked);
    let (status, one) = answer(get(&sb, "/instances/1002").await).await;
    assert_eq!(status, 200);
    assert_eq!(one, masked);
    assert_eq!(sb.count("POST", INSTANCES), keys.len());
    assert_eq!(sb.count("GET", INSTANCES), 1);
    assert_eq!(sb.count("GET", "/elements/api-v2/instances/1002"), 1);

    let deleted = client()
        .delete(format!("{}/instances/1001", sb.base_url()))
        .header("Authorization", auth(&sb))
        .send()
        .await
        .unwrap();
    let (status, gone) = answer(deleted).await;
    assert_eq!(status, 200);
    assert_eq!(gone, created[1]);
    let (status, _) = answer(get(&sb, "/instances/1001").await).await;
    assert_eq!(status, 404);
    let keys_left: Vec<String> = sb
        .instances()
        .iter()
        .map(|i| i["element"]["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys_left, ["woocommerce", "bigcommerce", "magentov20"]);
}

#[tokio::test]
async fn configuration_values_are_stored_as_strings() {
    let sb = start();
    let (status, instance) = answer(
        create(
            &sb,
            &json!({
                "element": { "key": "magentov20" },
                "configuration": {
                    "site": "https://m.example.com",
                    "userName": "admin",
                    "password": "pw",
                    "user": true,
                    "event.notification.enabled": true,
                    "event.poller.refresh_interval": 15,
                    "event.notification.callback.url": null,
                },
            }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{instance}");
    assert_eq!(
        instance["configuration"],
        json!({
            "site": "https://m.example.com",
            "userName": "admin",
            "password": "pw",
            "user": "true",
            "event.notification.enabled": "true",
            "event.poller.refresh_interval": "15",
            "event.notification.callback.url": null,
        })
    );
    assert_eq!(instance["eventsEnabled"], true);
    assert_eq!(instance["tags"], json!([]), "tags default to []");
    assert_eq!(
        instance["name"], "Magento 2.0",
        "the name defaults to the element's"
    );
}

#[tokio::test]
async fn oauth_url_for_infusionsoft() {
    let sb = start();
    // No Authorization header, as in the seed's example.
    let response = oauth_url(
        &sb,
        "infusionsoftecommerce",
        &[
            ("apiKey", "my client"),
            ("apiSecret", "app-secret"),
            ("callbackUrl", "http://127.0.0.1:9/cb?x=1&y=2"),
            ("state", "a b&c"),
        ],
    )
    .await;
    let (status, body) = answer(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["element"], "infusionsoftecommerce");
    let url = Url::parse(body["oauthUrl"].as_str().unwrap()).unwrap();
    assert_eq!(url.host_str(), Some("127.0.0.1"));
    assert_eq!(url.port(), Some(sb.port()));
    assert_eq!(url.path(), "/provider/oauth/authorize");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let expected: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", "my client"),
        ("redirect_uri", "http://127.0.0.1:9/cb?x=1&y=2"),
        ("scope", "full"),
        ("state", "a b&c"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(pairs, expected);
    assert!(!body["oauthUrl"].as_str().unwrap().contains("app-secret"));

    // The id works as well as the key, and a sent Authorization is fine.
    let response = client()
        .get(format!(
            "{}/elements/321/oauth/url?apiKey=k&apiSecret=s&callbackUrl=http://127.0.0.1:9/cb&state=z",
            sb.base_url()
        ))
        .header("Authorization", auth(&sb))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let (status, body) = answer(
        oauth_url(
            &sb,
            "infusionsoftecommerce",
            &[("apiKey", "k"), ("state", "s")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("apiSecret, callbackUrl"), "{body}");
    let (status, body) = answer(
        oauth_url(
            &sb,
            "infusionsoftecommerce",
            &[
                ("apiKey", "k"),
                ("apiSecret", "s"),
                ("callbackUrl", "not a url"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("callbackUrl"), "{body}");

    let (status, body) = answer(
        oauth_url(
            &sb,
            "bigcommerce",
            &[
                ("apiKey", "k"),
                ("apiSecret", "s"),
                ("callbackUrl", CALLBACK),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("does not use OAuth"), "{body}");
    let (status, _) = answer(oauth_url(&sb, "nosuch", &[]).await).await;
    assert_eq!(status, 404);

    // The log path never holds the query, where apiSecret travels.
    let path = "/elements/api-v2/elements/infusionsoftecommerce/oauth/url";
    assert_eq!(sb.count("GET", path), 3);
    assert!(sb.requests().iter().all(|r| !r.path.contains('?')));
}

#[tokio::test]
async fn infusionsoft_instance_through_the_oauth_flow() {
    let sb = start();
    let client_id = "infusionsoft-client-id";
    let back = consent(&sb, client_id, CALLBACK, "infusionsoftecommerce", "allow").await;
    assert_eq!(
        back.as_str().split('?').next().unwrap(),
        CALLBACK,
        "the browser goes back to the callback"
    );
    assert_eq!(
        query_param(&back, "state").as_deref(),
        Some("infusionsoftecommerce")
    );
    let code = query_param(&back, "code").expect("a code");
    assert!(query_param(&back, "error").is_none());

    let body = infusionsoft_body(&code, CALLBACK, client_id);
    let (status, instance) = answer(create(&sb, &body).await).await;
    assert_eq!(status, 200, "{instance}");
    assert_eq!(instance["element"]["key"], "infusionsoftecommerce");
    assert_eq!(instance["element"]["id"], 321);
    assert_eq!(instance["element"]["authentication"]["type"], "oauth2");
    assert_eq!(instance["element"]["typeOauth"], true);
    assert_eq!(instance["configuration"]["document.tagging"], "false");
    assert_eq!(instance["configuration"]["oauth.callback.url"], CALLBACK);
    assert_eq!(instance["tags"], json!(["sandbox"]));
    assert_eq!(
        STANDARD
            .decode(instance["token"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    assert_eq!(sb.instances(), vec![instance.clone()]);

    // A code is good once.
    let (status, again) = answer(create(&sb, &body).await).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&again),
        "Invalid, expired or already used OAuth code"
    );
    assert_eq!(sb.instances().len(), 1);

    // A code the provider never issued.
    let (status, forged) =
        answer(create(&sb, &infusionsoft_body("forged", CALLBACK, client_id)).await).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&forged),
        "Invalid, expired or already used OAuth code"
    );

    // No code at all.
    let mut without = infusionsoft_body("x", CALLBACK, client_id);
    without.as_object_mut().unwrap().remove("providerData");
    let (status, body) = answer(create(&sb, &without).await).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("providerData.code"), "{body}");

    // The wrong callback URL is refused, and the code is spent all the same.
    let code = allowed_code(&sb, client_id, CALLBACK).await;
    let wrong = "http://127.0.0.1:9/somewhere-else";
    let (status, body) =
        answer(create(&sb, &infusionsoft_body(&code, wrong, client_id)).await).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("oauth.callback.url"), "{body}");
    assert_eq!(body["providerMessage"], "invalid_grant");
    let (status, body) =
        answer(create(&sb, &infusionsoft_body(&code, CALLBACK, client_id)).await).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        "Invalid, expired or already used OAuth code"
    );

    // A create refused for missing configuration spends the code too.
    let code = allowed_code(&sb, client_id, CALLBACK).await;
    let mut incomplete = infusionsoft_body(&code, CALLBACK, client_id);
    incomplete["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("oauth.api.secret");
    let (status, body) = answer(create(&sb, &incomplete).await).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        format!("{MISSING_CONFIG_PREFIX}oauth.api.secret")
    );
    let (status, body) =
        answer(create(&sb, &infusionsoft_body(&code, CALLBACK, client_id)).await).await;
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        "Invalid, expired or already used OAuth code"
    );

    // A code issued to another app.
    let code = allowed_code(&sb, "another-client", CALLBACK).await;
    let (status, body) =
        answer(create(&sb, &infusionsoft_body(&code, CALLBACK, client_id)).await).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("oauth.api.key"), "{body}");
    assert!(!message(&body).contains("another-client"));

    assert_eq!(sb.instances().len(), 1);
    assert_eq!(sb.count("POST", INSTANCES), 9);
}

#[tokio::test]
async fn denying_access_redirects_with_an_error() {
    let sb = start();
    let back = consent(&sb, "infusionsoft-client-id", CALLBACK, "st-1", "deny").await;
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_param(&back, "error_description").as_deref(),
        Some("The user denied access")
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("st-1"));
    assert!(query_param(&back, "code").is_none());
    assert!(back
        .as_str()
        .contains("error=access_denied&error_description=The+user+denied+access"));

    // A callback that already has a query keeps it and gets `&`.
    let with_query = "http://127.0.0.1:9/cb?flow=7";
    let back = consent(&sb, "c", with_query, "s<&>", "allow").await;
    assert!(
        back.as_str()
            .starts_with("http://127.0.0.1:9/cb?flow=7&code="),
        "{back}"
    );
    assert_eq!(query_param(&back, "flow").as_deref(), Some("7"));
    assert_eq!(query_param(&back, "state").as_deref(), Some("s<&>"));
    assert!(sb.instances().is_empty());
}

#[tokio::test]
async fn the_provider_refuses_bad_requests_with_a_page() {
    let sb = start();
    let provider = format!("http://127.0.0.1:{}/provider/oauth", sb.port());
    let cases = [
        format!("{provider}/authorize?response_type=token&client_id=c&redirect_uri={CALLBACK}"),
        format!("{provider}/authorize?response_type=code&redirect_uri={CALLBACK}"),
        format!("{provider}/authorize?response_type=code&client_id=c"),
        format!(
            "{provider}/authorize?response_type=code&client_id=c&redirect_uri=javascript:alert(1)"
        ),
        format!("{provider}/decision?client_id=c&redirect_uri={CALLBACK}&decision=maybe"),
        format!("{provider}/decision?client_id=c&decision=allow"),
    ];
    for url in cases {
        let response = client().get(&url).send().await.unwrap();
        assert_eq!(response.status(), 400, "{url}");
        assert!(response.headers().get(LOCATION).is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains("<html"), "{url}");
    }
    // Interpolated values are escaped.
    let response = client()
        .get(format!(
            "{provider}/authorize?response_type=code&client_id=%3Cscript%3Ealert(1)%3C/script%3E&redirect_uri={CALLBACK}"
        ))
        .send()
        .await
        .unwrap();
    let page = response.text().await.unwrap();
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn requests_are_recorded_in_order_without_queries() {
    let sb = start();
    let _ = get(&sb, "/elements").await;
    let _ = get(&sb, "/elements/ecwid?verbose=true").await;
    let _ = client()
        .get(format!("{}/elements", sb.base_url()))
        .send()
        .await
        .unwrap();
    let seen: Vec<(String, String, u16)> = sb
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path, r.status))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "GET".to_string(),
                "/elements/api-v2/elements".to_string(),
                200
            ),
            (
                "GET".to_string(),
                "/elements/api-v2/elements/ecwid".to_string(),
                200
            ),
            (
                "GET".to_string(),
                "/elements/api-v2/elements".to_string(),
                401
            ),
        ]
    );
    assert_eq!(sb.count("GET", "/elements/api-v2/elements"), 2);
    assert_eq!(sb.count("POST", "/elements/api-v2/elements"), 0);
}

#[tokio::test]
async fn a_port_in_use_is_named_in_the_error() {
    let first = start();
    let port = first.port();
    let err = Sandbox::start(SandboxOptions {
        port,
        ..SandboxOptions::default()
    })
    .err()
    .expect("the second sandbox cannot bind the same port");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    // The first one is unaffected.
    assert_eq!(get(&first, "/elements").await.status(), 200);
}

#[tokio::test]
async fn base_url_and_port_agree() {
    let sb = start();
    assert_ne!(sb.port(), 0);
    assert_eq!(
        sb.base_url(),
        format!("http://127.0.0.1:{}/elements/api-v2", sb.port())
    );
    assert_eq!(sb.user_secret(), ce_wizard::sandbox::DEMO_USER_SECRET);
    assert_eq!(sb.org_secret(), ce_wizard::sandbox::DEMO_ORG_SECRET);
}
