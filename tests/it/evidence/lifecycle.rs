//! Evidence tests for the `lifecycle` rules (see `evidence/mod.rs`):
//! re-authorization, what may be sent back, the health check, the hub
//! segment, switching an instance off and on.
//!
//! The client's side is checked against a platform written from the
//! evidence (`hostile::Server`, which records each request), or on the
//! request body it builds; the sandbox's side with the same call over HTTP.

use crate::hostile::{Reply, Request, Server, API, ORG_SECRET, USER_SECRET};
use ce_wizard::api::{Client, Credentials, Instance, Reprovision};
use ce_wizard::flow::check::{self, Outcome};
use ce_wizard::flow::oauth::Grant;
use ce_wizard::flow::reauth;
use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use ce_wizard::secret::Secret;
use serde_json::{json, Value};

const CALLBACK: &str = "http://127.0.0.1:8765/ce-wizard/callback";
const ELEMENT_TOKEN: &str = "churros-element-token";

fn client_of(server: &Server) -> Client {
    Client::new(
        &server.base_url(),
        Credentials {
            user: USER_SECRET.into(),
            org: ORG_SECRET.into(),
        },
    )
    .unwrap()
}

fn seeded(n: usize) -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: n,
        ..SandboxOptions::default()
    })
    .unwrap()
}

fn account(sb: &Sandbox) -> String {
    format!(
        "User {}, Organization {}",
        sb.user_secret(),
        sb.org_secret()
    )
}

/// One call to the sandbox: status and JSON body.
async fn call(
    sb: &Sandbox,
    method: &str,
    path: &str,
    auth: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .request(method.parse().unwrap(), format!("{}{path}", sb.base_url()))
        .header("Authorization", auth);
    if let Some(b) = body {
        req = req.json(b);
    }
    let answer = req.send().await.unwrap();
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn stored(sb: &Sandbox, id: u64) -> Value {
    sb.instances()
        .into_iter()
        .find(|i| i["id"].as_u64() == Some(id))
        .unwrap()
}

fn token_of(sb: &Sandbox, id: u64) -> String {
    stored(sb, id)["token"].as_str().unwrap().to_string()
}

fn through(sb: &Sandbox, token: &str) -> String {
    format!("{}, Element {token}", account(sb))
}

/// A fresh code from the sandbox's provider, as the person's Allow gives.
async fn fresh_code(sb: &Sandbox, client_id: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("decision", "allow")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("state", "s")
        .finish();
    let answer = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!(
            "http://127.0.0.1:{}/provider/oauth/decision?{query}",
            sb.port()
        ))
        .send()
        .await
        .unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// An OAuth instance as the platform's `GET /instances/{id}` shows it in
/// churros: `oauth.api.key` and `oauth.api.secret` masked (the sfdc test of
/// PriyaKachhawal-GSLab/churros' instances.js), provider tokens and the
/// element's own URLs in clear (seeds 004; the contract's derived settings).
fn churros_oauth_instance() -> Value {
    json!({
        "id": 7, "name": "churros-instance", "token": ELEMENT_TOKEN,
        "element": {"key": "infusionsoftecommerce", "hub": "ecommerce",
                    "authentication": {"type": "oauth2"}},
        "configuration": {
            "oauth.api.key": "********",
            "oauth.api.secret": "********",
            "oauth.callback.url": CALLBACK,
            "oauth.user.token": "derived-access-token",
            "oauth.user.refresh_token": "derived-refresh-token",
            "base.url": "https://api.infusionsoft.com/crm/rest/v1",
            "event.notification.enabled": "false",
        },
        "tags": ["churros-instance"], "valid": false, "disabled": false,
    })
}

/// The re-authorizing body the client builds for `instance` with the app
/// key and secret typed anew.
fn reprovision(instance: &Instance) -> Reprovision {
    let mut values = reauth::stored_values(instance);
    values.set(reauth::APP_KEY, "app-key");
    values.set(reauth::APP_SECRET, "app-secret");
    reauth::body(
        instance,
        &values,
        Grant::Code(Secret::new("fresh-code")).provider_data(),
    )
}

fn reprovision_body(instance: &Instance) -> Value {
    serde_json::to_value(reprovision(instance)).unwrap()
}

/// Re-authorization is `PATCH /instances/{id}` with `providerData` from a
/// new sign-in; the answer is the instance, without `providerData`.
/// Evidence: `updateInstanceWithReprovision` in
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js
/// (`cloud.patch(`${baseUrl}/${id}`, { name, providerData: { code } })`,
/// then `expect(r.body).to.not.have.key('providerData')`), and the same in
/// varunpal72/churros:src/test/platform/elements/instances.js.
#[tokio::test(flavor = "multi_thread")]
async fn reauthorization_is_a_patch_with_the_new_provider_data() {
    // The client: the call it makes, and its reading of churros' answer.
    let answer = json!({
        "id": 7, "name": "updated-instance", "token": "new-token",
        "element": {"key": "infusionsoftecommerce", "hub": "ecommerce"},
        "configuration": {"oauth.api.key": "********", "oauth.api.secret": "********",
                          "oauth.callback.url": CALLBACK},
        "valid": true, "disabled": false,
    });
    let server = Server::start(
        move |r: &Request| match (r.method.as_str(), r.path.as_str()) {
            ("PATCH", p) if p == format!("{API}/instances/7") => {
                Reply::Json(200, answer.to_string())
            }
            _ => Reply::Json(405, json!({"message": "not this call"}).to_string()),
        },
    );
    let instance = Instance::from_value(churros_oauth_instance()).unwrap();
    let body = reprovision(&instance);
    let read = client_of(&server)
        .reauthenticate_instance(7, &body)
        .await
        .unwrap();
    assert_eq!((read.id, read.valid()), (7, true));
    assert_eq!(read.token.expose(), "new-token");
    let seen = server.requests.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "one call: {seen:?}");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].query.as_str()),
        ("PATCH", ""),
        "no query parameter"
    );
    assert_eq!(
        reprovision_body(&instance)["providerData"],
        json!({"code": "fresh-code"})
    );

    // The sandbox: churros' PATCH re-provisions its invalid instance.
    let sb = seeded(5);
    let client_id = stored(&sb, 1002)["configuration"]["oauth.api.key"]
        .as_str()
        .unwrap()
        .to_string();
    let code = fresh_code(&sb, &client_id).await;
    let (status, after) = call(
        &sb,
        "PATCH",
        "/instances/1002",
        &account(&sb),
        Some(&json!({"name": "updated-instance", "providerData": {"code": code}})),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after.get("providerData"), None);
    assert!(!after["configuration"].as_object().unwrap().is_empty());
    assert_eq!(
        (after["valid"].as_bool(), after["name"].as_str()),
        (Some(true), Some("updated-instance"))
    );
}

/// No `reAuthenticate` parameter exists: a `PUT` is the whole instance
/// again, as churros' `genInstance` builds it (name, `element.key`, every
/// configuration entry, `providerData`), and the platform ignores query
/// parameters it does not know. Evidence: `genInstance` and
/// `updateInstanceWithReprovision` in
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js.
#[tokio::test(flavor = "multi_thread")]
async fn a_put_is_the_whole_instance_and_re_authenticate_is_no_parameter() {
    // The client sends no PUT and no parameter for a re-authorization.
    let server =
        Server::start(|_: &Request| Reply::Json(200, churros_oauth_instance().to_string()));
    let instance = Instance::from_value(churros_oauth_instance()).unwrap();
    let mut values = reauth::stored_values(&instance);
    values.set(reauth::APP_SECRET, "app-secret");
    let body = reauth::body(
        &instance,
        &values,
        Grant::Code(Secret::new("c")).provider_data(),
    );
    reauth::reauthorize(&client_of(&server), 7, &body)
        .await
        .unwrap();
    let seen = server.requests.lock().unwrap().clone();
    assert!(seen.iter().all(|r| r.method != "PUT"), "{seen:?}");
    assert!(
        seen.iter().all(|r| !r.query.contains("reAuthenticate")),
        "{seen:?}"
    );

    // The sandbox: a partial PUT relying on the parameter is refused and
    // changes nothing; churros' whole body re-provisions.
    let sb = seeded(5);
    let configuration = stored(&sb, 1002)["configuration"].clone();
    let client_id = configuration["oauth.api.key"].as_str().unwrap().to_string();
    let code = fresh_code(&sb, &client_id).await;
    let (status, refusal) = call(
        &sb,
        "PUT",
        "/instances/1002?reAuthenticate=true",
        &account(&sb),
        Some(&json!({"providerData": {"code": code}})),
    )
    .await;
    assert_eq!(status, 400, "{refusal}");
    assert_eq!(stored(&sb, 1002)["valid"], false);
    let code = fresh_code(&sb, &client_id).await;
    let whole = json!({
        "name": "updated-instance",
        "providerData": {"code": code},
        "element": {"key": "infusionsoftecommerce"},
        "configuration": configuration,
    });
    let (status, after) = call(&sb, "PUT", "/instances/1002", &account(&sb), Some(&whole)).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after.get("providerData"), None);
    assert_eq!(after["valid"], true);
}

/// Masked values (`********`) and the platform's derived settings are
/// never sent back. Evidence: churros' `crudsInstance` reads
/// `configuration.password` as `"********"` and its sfdc test reads
/// `oauth.api.key`/`oauth.api.secret` masked
/// (PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js);
/// what a masked value sent back does is not in the evidence: the sandbox
/// stores it as sent, which leaves the instance broken.
#[tokio::test(flavor = "multi_thread")]
async fn masked_and_derived_values_are_never_sent_back() {
    // The client, from churros' masked answer.
    let instance = Instance::from_value(churros_oauth_instance()).unwrap();
    let body = reprovision_body(&instance);
    let sent = body["configuration"].as_object().unwrap();
    let mut keys: Vec<&str> = sent.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["oauth.api.key", "oauth.api.secret"],
        "the app's key and secret, masked in the answer, go as typed; the callback is as shown"
    );
    assert!(sent.values().all(|v| v != "********"), "{body}");
    assert!(
        sent.keys()
            .all(|k| !k.starts_with("oauth.user.") && k != "base.url"),
        "{body}"
    );

    // The sandbox: the answer masks as churros reads it, and sending that
    // answer back breaks the instance.
    let sb = seeded(1);
    let (_, shown) = call(&sb, "GET", "/instances/1000", &account(&sb), None).await;
    assert_eq!(shown["configuration"]["password"], "********");
    assert_eq!(shown["configuration"]["username"], "integration");
    let (status, after) = call(
        &sb,
        "PATCH",
        "/instances/1000",
        &account(&sb),
        Some(&json!({"configuration": shown["configuration"]})),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["valid"], false);
    let (status, _) = call(
        &sb,
        "GET",
        "/hubs/ecommerce/ping",
        &through(&sb, &token_of(&sb, 1000)),
        None,
    )
    .await;
    assert_eq!(status, 401, "the provider is shown ********");
}

/// The health check is `GET /hubs/{hub}/ping` through the instance,
/// answered 200. Evidence: varunpal72/churros:src/test/elements/
/// bigcommerce/ping.js, ecwid/ping.js and magentov20/ping.js
/// (`suite.forElement('ecommerce', 'ping', ...)` with
/// `test.should.return200OnGet()`; `forElement` in src/core/suite.js builds
/// `/hubs/${hub}/${resource}`).
#[tokio::test(flavor = "multi_thread")]
async fn the_health_check_is_the_ping_through_the_instance() {
    // The client: a platform that answers the ping and nothing else.
    let instance = churros_oauth_instance();
    let server = Server::start(move |r: &Request| match r.path.as_str() {
        p if p == format!("{API}/instances/7") => {
            let mut i = instance.clone();
            i["valid"] = json!(true);
            Reply::Json(200, i.to_string())
        }
        p if p == format!("{API}/hubs/ecommerce/ping")
            && r.authorization
                .ends_with(&format!("Element {ELEMENT_TOKEN}")) =>
        {
            Reply::Json(200, "{}".into())
        }
        _ => Reply::Json(404, json!({"message": "no"}).to_string()),
    });
    let checked = check::check_instance(&client_of(&server), 7).await.unwrap();
    assert_eq!(
        checked.outcome,
        Outcome::Works {
            read: "GET /hubs/ecommerce/ping".into()
        }
    );
    assert!(server
        .paths()
        .iter()
        .all(|p| !p.contains("/hubs/ecommerce/orders")));

    // The sandbox: the three seeds churros pings answer it.
    let sb = seeded(5);
    for (id, key) in [(1000, "bigcommerce"), (1001, "ecwid"), (1003, "magentov20")] {
        assert_eq!(stored(&sb, id)["element"]["key"], key);
        let (status, body) = call(
            &sb,
            "GET",
            "/hubs/ecommerce/ping",
            &through(&sb, &token_of(&sb, id)),
            None,
        )
        .await;
        assert_eq!(status, 200, "{key}: {body}");
    }
}

/// The platform does not check the hub segment of a call through an
/// instance. Evidence: "should ignore any provided hub" in
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js
/// (`hubs/crm`, `hubs/documents` and `hubs/crap` answer alike). The client
/// pings with its element's own hub, whatever it is.
#[tokio::test(flavor = "multi_thread")]
async fn the_hub_segment_is_not_checked() {
    let server = Server::start(|r: &Request| match r.path.as_str() {
        p if p.ends_with("/instances/7") => Reply::Json(
            200,
            json!({"id": 7, "name": "crm", "token": ELEMENT_TOKEN,
                   "element": {"key": "closeio", "hub": "crm"}, "valid": true})
            .to_string(),
        ),
        p if p.starts_with(&format!("{API}/hubs/")) && p.ends_with("/ping") => {
            Reply::Json(200, "{}".into())
        }
        _ => Reply::Json(404, "{}".into()),
    });
    let checked = check::check_instance(&client_of(&server), 7).await.unwrap();
    assert_eq!(
        checked.outcome,
        Outcome::Works {
            read: "GET /hubs/crm/ping".into()
        }
    );

    let sb = seeded(1);
    let auth = through(&sb, &token_of(&sb, 1000));
    let mut answers = vec![];
    for hub in ["ecommerce", "crm", "crap"] {
        answers.push(
            call(
                &sb,
                "GET",
                &format!("/hubs/{hub}/orders?pageSize=1"),
                &auth,
                None,
            )
            .await,
        );
        assert_eq!(
            call(&sb, "GET", &format!("/hubs/{hub}/ping"), &auth, None)
                .await
                .0,
            200
        );
    }
    assert_eq!(answers[0].0, 200);
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
}

/// `DELETE /instances/{id}/enabled` disables, `PUT` enables, with the
/// account's header; calls through a disabled instance answer 403.
/// Evidence: "should allow disabling and enabling an instance" in
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js.
#[tokio::test(flavor = "multi_thread")]
async fn instances_are_disabled_and_enabled_by_id() {
    // The client: the calls it makes.
    let server = Server::start(|r: &Request| match (r.method.as_str(), r.path.as_str()) {
        ("PUT" | "DELETE", p) if p == format!("{API}/instances/7/enabled") => {
            Reply::Json(200, "{}".into())
        }
        _ => Reply::Json(405, "{}".into()),
    });
    let client = client_of(&server);
    client.disable_instance(7).await.unwrap();
    client.enable_instance(7).await.unwrap();
    let seen: Vec<(String, String)> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| (r.method.clone(), r.authorization.clone()))
        .collect();
    let header = format!("User {USER_SECRET}, Organization {ORG_SECRET}");
    assert_eq!(
        seen,
        [
            ("DELETE".to_string(), header.clone()),
            ("PUT".into(), header)
        ]
    );
    // And its reading of a disabled instance.
    let disabled = Server::start(|r: &Request| {
        if r.path.ends_with("/instances/7") {
            Reply::Json(
                200,
                json!({"id": 7, "name": "n", "token": ELEMENT_TOKEN,
                       "element": {"key": "jira", "hub": "helpdesk"}, "disabled": true})
                .to_string(),
            )
        } else {
            Reply::Json(403, json!({"message": "disabled"}).to_string())
        }
    });
    let checked = check::check_instance(&client_of(&disabled), 7)
        .await
        .unwrap();
    assert_eq!(checked.outcome, Outcome::Disabled);

    // The sandbox.
    let sb = seeded(1);
    let token = token_of(&sb, 1000);
    let (status, _) = call(
        &sb,
        "DELETE",
        "/instances/1000/enabled",
        &account(&sb),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &sb,
        "GET",
        "/hubs/ecommerce/ping",
        &through(&sb, &token),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(&sb, "PUT", "/instances/1000/enabled", &account(&sb), None).await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &sb,
        "GET",
        "/hubs/ecommerce/ping",
        &through(&sb, &token),
        None,
    )
    .await;
    assert_eq!(status, 200);
}

/// A call with a deleted instance's token answers 401. Evidence: "should
/// fail with 401 for deleted instance api call" in
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js.
/// The client's check reads such a refusal as broken.
#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_instances_token_is_refused_with_401() {
    let server = Server::start(|r: &Request| {
        if r.path.ends_with("/instances/7") {
            Reply::Json(200, {
                let mut i = churros_oauth_instance();
                i["valid"] = json!(true);
                i.to_string()
            })
        } else {
            Reply::Json(401, json!({"message": "Invalid Element token"}).to_string())
        }
    });
    let checked = check::check_instance(&client_of(&server), 7).await.unwrap();
    assert!(
        matches!(checked.outcome, Outcome::Broken { .. }),
        "{:?}",
        checked.outcome
    );

    let sb = seeded(1);
    let token = token_of(&sb, 1000);
    let (status, _) = call(&sb, "DELETE", "/instances/1000", &account(&sb), None).await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &sb,
        "GET",
        "/hubs/ecommerce/ping",
        &through(&sb, &token),
        None,
    )
    .await;
    assert_eq!(status, 401);
}
