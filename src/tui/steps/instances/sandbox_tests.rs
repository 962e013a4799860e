//! The Instances view against the sandbox, in process: `update` driven by
//! keys, each effect carried out with the same flow functions the runner
//! calls, on a seeded sandbox. Ctrl-G re-authorizes an invalid instance by
//! `PATCH /instances/{id}` with the fresh grant, and the check after it
//! runs through the instance.

use super::test_support::{listed_in, view};
use super::*;
use crate::api::Client;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::tui::action::{Action, Reauthorized};
use crate::tui::report::ErrorReport;
use crate::tui::tests::support::{code, connected, ctrl, enter, screen, type_text};
use crate::tui::update::update;
use serde_json::Value;

/// A code from the sandbox's provider for this app and redirect, as a
/// person pressing Allow would get it.
async fn provider_code(sb: &Sandbox, client_id: &str, redirect_uri: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("decision", "allow")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "s")
        .finish();
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
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
        .expect("a code on the redirect")
}

/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js
/// (`updateInstanceWithReprovision`): the platform re-provisions on a
/// `PATCH` carrying `providerData`.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_g_on_the_sandbox_patches_only_the_grant_and_the_instance_works() {
    let sb = Sandbox::start(SandboxOptions {
        instances: 5,
        ..SandboxOptions::default()
    })
    .unwrap();
    let client = Client::of_sandbox(&sb);
    let listing = client.list_instances().await.unwrap();
    let target = listing
        .iter()
        .find(|i| i.name == "Infusionsoft store 00003")
        .unwrap();
    let id = target.id;
    // What the platform shows of it, the app's secret masked.
    let shown = client.get_instance(id).await.unwrap().raw.clone();
    assert_eq!(shown["valid"], false);
    let mut app = listed_in(connected(), listing);
    type_text(&mut app, "store 00003");
    assert!(ctrl(&mut app, 'g').is_empty());
    type_text(&mut app, "keap-app-secret");
    let start = enter(&mut app);
    let [Effect::StartAuthorization {
        attempt,
        app: oauth_app,
        callback_url,
        ..
    }] = start.as_slice()
    else {
        panic!("{start:?}");
    };
    assert_eq!(oauth_app.api_key, "client-00003", "the stored key");
    let attempt = *attempt;
    let code_value = provider_code(&sb, &oauth_app.api_key, callback_url).await;
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(format!(
                "http://127.0.0.1:{}/provider/oauth/authorize",
                sb.port()
            )),
        },
    );
    let effects = update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code(&code_value),
        },
    );
    let [Effect::ReauthorizeInstance {
        attempt,
        id: sent_id,
        body,
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(*sent_id, id);
    // As the runner does it.
    let result = crate::flow::reauth::reauthorize(&client, id, body)
        .await
        .map(|r| {
            Box::new(Reauthorized {
                instance: r.instance,
                check: r.check.map_err(|e| ErrorReport::from(&e)),
            })
        })
        .map_err(|e| ErrorReport::from(&e));
    update(
        &mut app,
        Action::InstanceReauthorized {
            attempt: *attempt,
            id,
            result,
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("Re-authorized instance {id}")), "{s}");
    assert!(s.contains("works"), "{s}");
    assert_eq!(
        view(&app).status(view(&app).selected().unwrap()),
        Status::Works
    );

    // On the wire: one PATCH, no PUT, nothing but the grant and the app
    // settings that differ from what the platform showed.
    let requests = sb.requests();
    let path = format!("/elements/api-v2/instances/{id}");
    assert!(!requests.iter().any(|r| r.method == "PUT"), "{requests:?}");
    let patches: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "PATCH" && r.path == path)
        .collect();
    assert_eq!(patches.len(), 1, "{requests:?}");
    let patch = patches[0];
    assert!(patch.query.is_empty(), "{patch:?}");
    let body = patch.body.as_ref().and_then(Value::as_object).unwrap();
    let mut top: Vec<&str> = body.keys().map(String::as_str).collect();
    top.sort_unstable();
    assert_eq!(top, ["configuration", "providerData"]);
    assert_eq!(body["providerData"]["code"], code_value.as_str());
    let sent = body["configuration"].as_object().unwrap();
    assert_eq!(sent["oauth.api.secret"], "keap-app-secret", "stored masked");
    assert!(!sent.contains_key("oauth.api.key"), "unchanged: {sent:?}");
    for (k, v) in sent {
        assert_ne!(v, "********", "{k}");
        assert_ne!(Some(v), shown["configuration"].get(k), "{k} unchanged");
    }
    // The check after it went through the instance: Infusionsoft has no
    // ping on the sandbox, so its one-row read answered.
    assert!(requests
        .iter()
        .any(|r| r.path == "/elements/api-v2/hubs/ecommerce/ping" && r.status == 404));
    assert!(requests
        .iter()
        .any(|r| r.path == "/elements/api-v2/hubs/ecommerce/orders" && r.status == 200));
    let after = sb
        .instances()
        .into_iter()
        .find(|i| i["id"].as_i64() == Some(id))
        .unwrap();
    assert_eq!(after["valid"], true);
    assert_eq!(
        after["configuration"]["oauth.api.secret"],
        "keap-app-secret"
    );
}
