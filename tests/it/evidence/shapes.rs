//! Evidence tests for the `shapes` rules (see `evidence/mod.rs`): the
//! configuration metadata as an object, an empty list as a 404 "No ...
//! found", create bodies as the docs write them, and secrets masked in
//! lists. Each fixture is written from the evidence its test names.

use crate::common::cli::{command, run, sandbox};
use crate::hostile::{Reply, Server, API};
use ce_wizard::api::{ApiError, Client, Credentials};
use ce_wizard::sandbox::{Sandbox, SHOWCASE_CUSTOM};
use serde_json::{json, Value};

fn client_of(base_url: &str, user: &str, org: &str) -> Client {
    Client::new(
        base_url,
        Credentials {
            user: user.into(),
            org: org.into(),
        },
    )
    .unwrap()
    .with_retry(ce_wizard::api::RetryPolicy::none())
}

fn sandbox_client(sb: &Sandbox) -> Client {
    client_of(&sb.base_url(), sb.user_secret(), sb.org_secret())
}

fn fake_client(server: &Server) -> Client {
    client_of(&server.base_url(), "u", "o")
}

/// A plain GET on the sandbox, status and JSON.
async fn sandbox_get(sb: &Sandbox, path: &str) -> (u16, Value) {
    let answer = crate::common::platform::get(sb, path).await;
    (answer.status().as_u16(), answer.json().await.unwrap())
}

/// `GET /elements/{key}/configuration` answers `{"configuration": [...]}`.
/// Evidence: `varunpal72/churros:src/test/platform/elements/configuration.js`
/// checks the answer against
/// `varunpal72/churros:src/test/platform/elements/assets/element.configurations.schema.json`
/// (an object whose `configuration` is an array of entries, each with
/// `name`, `key` and `description` required). A bare array, as an earlier
/// reading had it, is still taken: the evidence is from 2016-2019.
#[tokio::test]
async fn configuration_metadata_is_an_object_holding_the_entries() {
    let fixture = json!({"configuration": [
        {"id": 1, "key": "nimbus.api.key", "name": "API key", "description": "The key",
         "type": "PASSWORD", "required": true, "hideFromConsole": false, "internal": false,
         "displayOrder": 1, "active": true, "resellerConfig": false, "companyConfig": false,
         "groupControl": false},
        {"key": "nimbus.region", "name": "Region", "description": "Where", "type": "TEXTFIELD_32",
         "defaultValue": "us", "required": false}
    ]});
    let bare = fixture["configuration"].clone();
    let server = Server::start(move |r| match r.path.strip_prefix(API) {
        Some("/elements/nimbus/configuration") => Reply::Json(200, fixture.to_string()),
        Some("/elements/old/configuration") => Reply::Json(200, bare.to_string()),
        _ => Reply::Json(404, json!({"message": "No element found"}).to_string()),
    });
    let keys = |entries: Vec<ce_wizard::api::ConfigEntry>| -> Vec<String> {
        entries.into_iter().map(|e| e.key).collect()
    };
    let client = fake_client(&server);
    let from_object = client.element_configuration("nimbus").await.unwrap();
    assert_eq!(keys(from_object), ["nimbus.api.key", "nimbus.region"]);
    let from_array = client.element_configuration("old").await.unwrap();
    assert_eq!(keys(from_array), ["nimbus.api.key", "nimbus.region"]);

    // The sandbox, for an element no spec is bundled for: the schema's shape.
    let sb = sandbox();
    let (status, answer) =
        sandbox_get(&sb, &format!("/elements/{SHOWCASE_CUSTOM}/configuration")).await;
    assert_eq!(status, 200);
    let entries = answer["configuration"]
        .as_array()
        .expect("an object around the list");
    assert!(!entries.is_empty());
    for e in entries {
        for required in ["name", "key", "description"] {
            assert!(e[required].is_string(), "{required} in {e}");
        }
    }
    let read = sandbox_client(&sb)
        .element_configuration(SHOWCASE_CUSTOM)
        .await
        .unwrap();
    assert_eq!(read.len(), entries.len());
}

/// A list with nothing in it answers 404 "No ... found", and means empty.
/// Evidence: `CloudElementsOpenLabs/the-doctor:src/util/get.js` (the
/// official CLI turns a GET whose error message matches `^No (.*) found$`
/// into an empty answer); `varunpal72/churros:src/test/platform/usage/usage.js`
/// ("usage APIs should return 404 for future date": a search that matches
/// nothing is a 404). Not every list does so (churros
/// `src/test/platform/notifications/notifications.js` expects `[]` for a
/// topic with none), so a 200 `[]` stays an empty list too. A 404 for one
/// instance (`No instance found with id ...`) still means "not found".
#[tokio::test]
async fn an_empty_list_is_a_404_no_found_and_reads_as_empty() {
    let server = Server::start(|r| match r.path.strip_prefix(API) {
        Some("/instances") => Reply::Json(
            404,
            json!({"requestId": "5d0b7b1c", "message": "No instances found"}).to_string(),
        ),
        _ => Reply::Json(
            404,
            json!({"requestId": "5d0b7b1d", "message": "No instance found with id '5'"})
                .to_string(),
        ),
    });
    let client = fake_client(&server);
    assert!(client.list_instances().await.unwrap().is_empty());
    let e = client.get_instance(5).await.unwrap_err();
    assert!(matches!(e, ApiError::NoSuchInstance { id: 5, .. }), "{e:?}");

    // The sandbox: an empty account answers the list so, and the client
    // reads it as empty.
    let sb = sandbox();
    let (status, answer) = sandbox_get(&sb, "/instances").await;
    assert_eq!(status, 404);
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with("No ") && message.ends_with(" found"),
        "{message}"
    );
    assert!(answer["requestId"].is_string());
    assert!(sandbox_client(&sb)
        .list_instances()
        .await
        .unwrap()
        .is_empty());
    let (status, one) = sandbox_get(&sb, "/instances/5").await;
    assert_eq!(status, 404);
    assert!(!one["message"].as_str().unwrap().ends_with(" found"));
}

/// A create body as the docs write it, taken whole.
/// Evidence: `cloud-elements/devportal:docs/elements/gotowebinar/events.md`
/// (an object `event.poller.configuration`, `providerData` with a
/// placeholder code), `cloud-elements/devportal:docs/elements/quickbooksonline/authenticate.md`
/// (top-level `"externalAuthentication": "initial"`),
/// `cloud-elements/devportal:_posts/2018-07-02-ReleaseNotes-2.176.md`
/// (`"retrieveObjectsAfterInstantiation": true`),
/// `varunpal72/churros:src/test/platform/elements/instances.js` (an
/// element named by `{"id": ...}`). The client's reading is what
/// `create --from --dry-run` shows it would send.
#[test]
fn documented_create_bodies_go_out_and_are_taken_as_written() {
    let sb = sandbox();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_, element) = rt.block_on(sandbox_get(&sb, "/elements/bigcommerce"));
    let id = element["id"].as_u64().unwrap();
    let poller = json!({"orders": {
        "url": "/hubs/ecommerce/orders?where=updated_date>'${date:yyyy-MM-dd'T'HH:mm:ss'Z'}'",
        "idField": "id",
        "datesConfiguration": {"updatedDateField": "updated_date", "updatedDateTimezone": "GMT"}
    }});
    let fixture = json!({
        "element": {"id": id},
        "configuration": {
            "store.url": "https://store-abc.mybigcommerce.com/api/v2/",
            "username": "admin",
            "password": "evidence-secret-51c2",
            "filter.response.nulls": true,
            "event.poller.configuration": poller
        },
        "tags": ["docs"],
        "name": "as documented",
        "externalAuthentication": "initial",
        "retrieveObjectsAfterInstantiation": true
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("instance.json");
    std::fs::write(&file, fixture.to_string()).unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--dry-run", "--from"]).arg(&file);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let body: String = out
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut sent: Value = serde_json::from_str(&body).unwrap();
    // The one value the dry run shows as a variable, not as itself.
    assert_eq!(sent["configuration"]["password"], "$CE_VALUE_PASSWORD");
    sent["configuration"]["password"] = fixture["configuration"]["password"].clone();
    assert_eq!(sent, fixture, "sent exactly as written");

    // The sandbox takes the same body as the platform does.
    let answer = rt.block_on(async {
        crate::common::platform::client()
            .post(format!("{}/instances", sb.base_url()))
            .header("Authorization", crate::common::platform::auth(&sb))
            .json(&fixture)
            .send()
            .await
            .unwrap()
    });
    assert_eq!(answer.status().as_u16(), 200);
    let made: Value = rt.block_on(answer.json()).unwrap();
    assert_eq!(made["element"]["key"], "bigcommerce");
    assert_eq!(made["configuration"]["event.poller.configuration"], poller);
}

/// Account-level secrets come back masked as `"********"` in every answer,
/// lists included. Evidence: the contract's "Creating an instance" (from
/// the seed pages and devportal `docs/elements/bigcommerce/authenticate.md`,
/// whose answers show the platform's stored configuration); a list is the
/// same instances, so nothing unmasked may come back in it either. The
/// client takes the mask for what it is: text it never sends back as a
/// value.
#[tokio::test]
async fn lists_mask_secrets_as_single_answers_do() {
    let listed = json!([{"id": 7, "name": "shop", "token": "t0k", "element": {"key": "bigcommerce"},
        "configuration": {"username": "admin", "password": "********"}}]);
    let server = Server::start(move |r| match r.path.strip_prefix(API) {
        Some("/instances") => Reply::Json(200, listed.to_string()),
        _ => Reply::Json(
            404,
            json!({"message": "No instance found with id"}).to_string(),
        ),
    });
    let all = fake_client(&server).list_instances().await.unwrap();
    assert_eq!(all[0].configuration_value("password"), Some("********"));
    assert_eq!(all[0].configuration_value("username"), Some("admin"));

    let sb = ce_wizard::sandbox::Sandbox::start(ce_wizard::sandbox::SandboxOptions {
        instances: 3,
        ..Default::default()
    })
    .unwrap();
    let (_, list) = sandbox_get(&sb, "/instances").await;
    let (_, one) = sandbox_get(&sb, "/instances/1000").await;
    assert_eq!(list[0]["configuration"], one["configuration"]);
    assert_eq!(list[0]["configuration"]["password"], "********");
    let read = sandbox_client(&sb).list_instances().await.unwrap();
    assert_eq!(read[0].configuration_value("password"), Some("********"));
}
