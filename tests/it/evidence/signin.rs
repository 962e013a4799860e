//! Evidence tests for the `signin` rules (see `evidence/mod.rs`): elements
//! with several sign-in kinds, the live catalog's authentication type, and
//! the bundled WooCommerce REST spec. Each test reads a fixture written from
//! its evidence with the client's own code, then makes the same call to
//! the sandbox.

use crate::common;

use ce_wizard::api::Instance;
use ce_wizard::catalog::{
    bundled_spec, form_fields, parse_elements, signin, AuthKind, Catalog, AUTH_TYPE_KEY,
};
use ce_wizard::form::{self, DeriveContext, FormValues};
use ce_wizard::sandbox::Sandbox;
use common::browser::consent;
use common::platform::{auth, client, get, start};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::SystemTime;

const CALLBACK: &str = "http://127.0.0.1:48213/callback";

async fn post_instance(sb: &Sandbox, body: &Value) -> (u16, Value) {
    let resp = client()
        .post(format!("{}/instances", sb.base_url()))
        .header("Authorization", auth(sb))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The keys a bundled form sends for `values` (defaults and derived
/// values filled in as the wizard does), and whether they pass its checks.
fn sent_keys(key: &str, values: &[(&str, &str)]) -> (BTreeSet<String>, bool) {
    let spec = bundled_spec(key).unwrap();
    let fields = form_fields(spec);
    let mut v = FormValues::new();
    for (k, val) in values {
        v.set(k.to_string(), *val);
    }
    let ctx = DeriveContext {
        callback_url: Some(CALLBACK.into()),
    };
    form::apply_defaults_and_derived(&fields, &mut v, &|_| false, &ctx);
    let ok = form::validate(&fields, &v).is_empty();
    (form::configuration(&fields, &v).into_keys().collect(), ok)
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// devportal `docs/elements/ecwid/ecwid-create-instance.md`: "Ecwid now has
/// two types of authentication- Oauth2 or custom". Its OAuth 2 section asks
/// `GET /elements/ecwid/oauth/url?apiKey&apiSecret&callbackUrl`, then
/// creates with `providerData.code` and `oauth.api.key`, `oauth.api.secret`,
/// `oauth.callback.url`, and no legacy keys.
#[tokio::test(flavor = "multi_thread")]
async fn ecwid_signs_in_with_oauth2_beside_its_legacy_keys() {
    // The page's OAuth 2 body, as written there.
    let page_configuration = json!({
        "oauth.api.key": "Rand0MAP1-key",
        "oauth.api.secret": "fak3AP1-s3Cr3t",
        "oauth.callback.url": CALLBACK,
    });

    // The client: choosing oauth2 runs the OAuth flow and sends the page's
    // keys, with the kind; the legacy keys are neither asked nor sent.
    let ecwid = bundled_spec("ecwid").unwrap();
    assert_eq!(ecwid.kinds(), [AuthKind::Custom, AuthKind::Oauth2]);
    assert_eq!(ecwid.auth_for(Some("oauth2")), AuthKind::Oauth2);
    let (sent, ok) = sent_keys(
        "ecwid",
        &[
            (AUTH_TYPE_KEY, "oauth2"),
            ("oauth.api.key", "Rand0MAP1-key"),
            ("oauth.api.secret", "fak3AP1-s3Cr3t"),
        ],
    );
    assert!(ok, "the OAuth 2 form is complete without the legacy keys");
    let mut expected = keys(&page_configuration);
    expected.insert(AUTH_TYPE_KEY.into());
    assert_eq!(sent, expected);

    // The sandbox: the page's oauth/url call answers a sign-in link for
    // Ecwid, and the page's body with the code creates the instance.
    let sb = start();
    let resp = get(
        &sb,
        &format!("/elements/ecwid/oauth/url?apiKey=Rand0MAP1-key&apiSecret=fak3AP1-s3Cr3t&callbackUrl={CALLBACK}&state=ecwid"),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["element"], "ecwid");
    let redirect = consent(answer["oauthUrl"].as_str().unwrap(), "allow").await;
    let code = url::Url::parse(&redirect)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("the redirect carries a code");
    let (status, instance) = post_instance(
        &sb,
        &json!({
            "element": {"key": "ecwid"},
            "providerData": {"code": code},
            "configuration": page_configuration,
            "name": "API Instance",
        }),
    )
    .await;
    assert_eq!(status, 200, "{instance}");
    assert_eq!(instance["configuration"][AUTH_TYPE_KEY], "oauth2");

    // And the client reads that instance as an OAuth 2 one.
    let read = Instance::from_value(instance).unwrap();
    assert_eq!(
        ce_wizard::flow::check::auth_of(&read),
        Some(AuthKind::Oauth2)
    );
}

/// devportal `docs/elements/ecwid/ecwid-create-instance.md`, "Custom
/// Authentication": the legacy store ID, Order and Product API keys, which
/// only that kind requires; "If the user does not specify a required
/// config entry, an error will result notifying her of which entries she
/// is missing".
#[tokio::test(flavor = "multi_thread")]
async fn the_legacy_keys_are_required_only_for_the_custom_kind() {
    let legacy = json!({
        "ecwid.order.key": "order-secret",
        "ecwid.product.key": "product-secret",
        "ecwid.store.id": "1003",
    });
    // The client: the default kind is the legacy one, and its form asks
    // for the three keys.
    let (sent, ok) = sent_keys("ecwid", &[]);
    assert!(!ok, "the legacy keys are required by default");
    assert_eq!(sent, BTreeSet::from([AUTH_TYPE_KEY.to_string()]));
    let (sent, ok) = sent_keys(
        "ecwid",
        &[
            ("ecwid.store.id", "1003"),
            ("ecwid.order.key", "order-secret"),
            ("ecwid.product.key", "product-secret"),
        ],
    );
    assert!(ok);
    let mut expected = keys(&legacy);
    expected.insert(AUTH_TYPE_KEY.into());
    assert_eq!(sent, expected);

    // The sandbox: the page's custom body creates; the same call without
    // the keys names them; an OAuth 2 body is not asked for them.
    let sb = start();
    let (status, instance) = post_instance(
        &sb,
        &json!({"element": {"key": "ecwid"}, "configuration": legacy, "name": "legacy"}),
    )
    .await;
    assert_eq!(status, 200, "{instance}");
    assert_eq!(instance["configuration"][AUTH_TYPE_KEY], "custom");
    let (status, refused) = post_instance(
        &sb,
        &json!({"element": {"key": "ecwid"}, "configuration": {"authentication.type": "custom"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["message"],
        "The following required configuration entries are missing: ecwid.store.id, ecwid.order.key, ecwid.product.key"
    );
    let (status, refused) = post_instance(
        &sb,
        &json!({"element": {"key": "ecwid"}, "configuration": {"authentication.type": "oauth2"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["message"],
        "The following required configuration entries are missing: oauth.api.key, oauth.api.secret, oauth.callback.url"
    );
}

/// The kind goes in the configuration as `authentication.type`, as the
/// devportal pages of elements with several kinds send it
/// (`docs/elements/zuora/authenticate.md`, `docs/elements/dynamicscrm/authenticate.md`,
/// `docs/elements/quickbooksonline/authenticate.md`). A kind the element
/// does not offer is refused by the client before sending, and by the
/// sandbox naming the kinds it takes.
#[tokio::test(flavor = "multi_thread")]
async fn a_kind_the_element_does_not_offer_is_refused_on_both_sides() {
    let ecwid = bundled_spec("ecwid").unwrap();
    let fields = form_fields(ecwid);
    let mut v = FormValues::new();
    v.set(AUTH_TYPE_KEY, "oauth1");
    let errors = form::validate(&fields, &v);
    let kind_error = errors.iter().find(|e| e.key == AUTH_TYPE_KEY).unwrap();
    assert_eq!(
        kind_error.message,
        "Sign-in kind must be one of: custom, oauth2"
    );

    let sb = start();
    let (status, refused) = post_instance(
        &sb,
        &json!({"element": {"key": "ecwid"}, "configuration": {"authentication.type": "oauth1"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["message"],
        "'ecwid' cannot sign in with authentication.type 'oauth1': it takes custom or oauth2"
    );
    assert!(sb.instances().is_empty());
}

/// `GET /elements` says how each element authenticates
/// (`varunpal72/churros:src/test/platform/elements/assets/element.schema.json`:
/// `authentication.type`; the devportal's WooCommerce REST answer,
/// `docs/elements/woocommerce-rest/authenticate.md`, `"authentication":
/// {"type": "custom"}`). The merged catalog keeps the platform's kind for a
/// bundled element, and a bundled form that lacks it gives way.
#[tokio::test(flavor = "multi_thread")]
async fn the_live_catalogs_authentication_type_is_kept_for_bundled_elements() {
    // A fixture in the shape of the evidence: a platform that signs the
    // legacy WooCommerce in with OAuth 2.
    let fixture = json!([
        {"id": 2881, "key": "woocommercerest", "name": "WooCommerce", "hub": "ecommerce",
         "active": true, "deleted": false, "authentication": {"type": "custom"}, "typeOauth": false},
        {"id": 188, "key": "woocommerce", "name": "WooCommerce", "hub": "ecommerce",
         "active": true, "deleted": false, "authentication": {"type": "oauth2"}, "typeOauth": true},
    ]);
    let parsed = parse_elements(&fixture.to_string()).unwrap();
    let catalog = Catalog::live("http://platform", SystemTime::UNIX_EPOCH, parsed);
    let woo = catalog.find("woocommerce").unwrap();
    assert!(woo.bundled);
    assert_eq!(
        woo.auth,
        AuthKind::Oauth2,
        "the platform's kind, not the bundled one"
    );
    assert!(signin::disagrees(
        bundled_spec("woocommerce").unwrap(),
        woo.auth
    ));
    let rest = catalog.find("woocommercerest").unwrap();
    assert_eq!(
        (rest.auth, rest.name.as_str()),
        (AuthKind::Custom, "WooCommerce REST")
    );

    // The sandbox's catalog, read by the client: each bundled element's
    // kind is one its bundled form offers, so the curated form is used.
    let sb = start();
    let resp = get(&sb, "/elements").await;
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    let live = Catalog::live(
        &sb.base_url(),
        SystemTime::now(),
        parse_elements(&text).unwrap(),
    );
    for spec in ce_wizard::catalog::bundled() {
        let entry = live.find(&spec.key).unwrap();
        assert!(!signin::disagrees(spec, entry.auth), "{}", spec.key);
    }
    assert_eq!(live.find("ecwid").unwrap().auth, AuthKind::Custom);
}

/// devportal `docs/elements/woocommerce-rest/authenticate.md`: element key
/// `woocommercerest`, id 2881, authentication type custom; the
/// `/instances` body carries `store.url`, `oauth.api.key` and
/// `oauth.api.secret`.
#[tokio::test(flavor = "multi_thread")]
async fn woocommerce_rest_takes_the_store_url_and_the_consumer_keys() {
    let page_body = json!({
        "element": {"key": "woocommercerest"},
        "configuration": {
            "store.url": "https://mycoolstore.example.com",
            "oauth.api.key": "ck_xxxxxxxxxxxxxxxxxx",
            "oauth.api.secret": "cs_xxxxxxxxxxxxxxxxxxxxxxxx"
        },
        "tags": ["Docs"],
        "name": "API Instance"
    });
    // The client: the bundled spec asks for exactly the page's keys.
    let spec = bundled_spec("woocommercerest").unwrap();
    assert_eq!(spec.auth, AuthKind::Custom);
    assert!(spec
        .docs_url
        .as_deref()
        .is_some_and(|u| u.contains("woocommerce-rest/authenticate")));
    let (sent, ok) = sent_keys(
        "woocommercerest",
        &[
            ("store.url", "https://mycoolstore.example.com"),
            ("oauth.api.key", "ck_xxxxxxxxxxxxxxxxxx"),
            ("oauth.api.secret", "cs_xxxxxxxxxxxxxxxxxxxxxxxx"),
        ],
    );
    assert!(ok);
    assert_eq!(sent, keys(&page_body["configuration"]));
    // The legacy element points to it.
    let legacy = bundled_spec("woocommerce").unwrap();
    assert_eq!(legacy.name, "WooCommerce (legacy)");
    assert!(legacy.description.contains("woocommercerest"));

    // The sandbox: the element as the page shows it, the page's body
    // creates, and a body without the keys is told which are missing.
    let sb = start();
    let element: Value = get(&sb, "/elements/woocommercerest")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(element["id"], 2881);
    assert_eq!(element["authentication"]["type"], "custom");
    let (status, instance) = post_instance(&sb, &page_body).await;
    assert_eq!(status, 200, "{instance}");
    assert_eq!(instance["element"]["key"], "woocommercerest");
    let (status, refused) = post_instance(
        &sb,
        &json!({"element": {"key": "woocommercerest"}, "configuration": {}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["message"],
        "The following required configuration entries are missing: store.url, oauth.api.key, oauth.api.secret"
    );
}
