//! The sandbox's generated catalog over real HTTP: its size and mix, the
//! ETag, the metadata of every element against the form built from it, and
//! the OAuth 1 provider played step by step.

use crate::common;

use ce_wizard::api::ConfigEntries;
use ce_wizard::catalog::{
    check_spec, form_fields, parse_elements, spec_from_metadata, AuthKind, CatalogEntry,
};
use ce_wizard::sandbox::{Sandbox, SHOWCASE_CUSTOM, SHOWCASE_OAUTH1};
use common::platform::{auth, client, get, start};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use url::Url;

const CALLBACK: &str = "http://127.0.0.1:9/callback";

async fn json_of(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

async fn create(sb: &Sandbox, body: &Value) -> (StatusCode, Value) {
    json_of(
        client()
            .post(format!("{}/instances", sb.base_url()))
            .header("Authorization", auth(sb))
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_catalog_is_large_mixed_and_filterable() {
    let sb = start();
    let resp = get(&sb, "/elements").await;
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    let raw: Vec<Value> = serde_json::from_str(&text).unwrap();
    let usable = parse_elements(&text).unwrap();
    assert!(usable.len() >= 300, "{} usable elements", usable.len());
    let hidden = raw.len() - usable.len();
    assert!(hidden > 0, "some elements are inactive or deleted");
    for e in &raw {
        let listed = usable.iter().any(|u| u.key == e["key"].as_str().unwrap());
        let should = e["active"] == true && e["deleted"] == false;
        assert_eq!(listed, should, "{e}");
    }
    assert!(usable.iter().any(|e| e.beta));
    for auth in [
        AuthKind::Oauth1,
        AuthKind::Oauth2,
        AuthKind::Basic,
        AuthKind::Custom,
    ] {
        assert!(usable.iter().any(|e| e.auth == auth), "{auth:?}");
    }
    let hubs: std::collections::HashSet<&str> = usable.iter().map(|e| e.hub.as_str()).collect();
    assert!(hubs.len() >= 10, "{hubs:?}");

    // A deleted element is listed but not found; an inactive one cannot be created.
    let deleted = raw.iter().find(|e| e["deleted"] == true).unwrap();
    let key = deleted["key"].as_str().unwrap();
    assert_eq!(get(&sb, &format!("/elements/{key}")).await.status(), 404);
    let inactive = raw
        .iter()
        .find(|e| e["active"] == false && e["deleted"] == false)
        .unwrap();
    let (status, body) = create(
        &sb,
        &json!({"element": {"key": inactive["key"]}, "configuration": {}}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("not active"),
        "{body}"
    );
}

#[tokio::test]
async fn the_list_carries_an_etag_and_answers_304_to_it() {
    let sb = start();
    let first = get(&sb, "/elements").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let body = first.text().await.unwrap();

    let again = client()
        .get(format!("{}/elements", sb.base_url()))
        .header("Authorization", auth(&sb))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.text().await.unwrap().is_empty());

    let other = client()
        .get(format!("{}/elements", sb.base_url()))
        .header("Authorization", auth(&sb))
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(other.text().await.unwrap(), body);

    // The catalog is generated from a fixed seed: another sandbox serves the
    // same list under the same tag.
    let second = start();
    let resp = get(&second, "/elements").await;
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
}

/// The configuration keys the platform demands of an element, read from its
/// 400 for an empty create request.
async fn demanded_keys(sb: &Sandbox, key: &str) -> Vec<String> {
    let (status, body) = create(sb, &json!({"element": {"key": key}, "configuration": {}})).await;
    assert_eq!(status, 400, "{key}: {body}");
    let message = body["message"].as_str().unwrap();
    match message.strip_prefix(ce_wizard::sandbox::MISSING_CONFIG_PREFIX) {
        Some(list) => list.split(", ").map(str::to_string).collect(),
        // Nothing missing: the refusal is about the OAuth grant instead.
        None => {
            assert!(message.contains("providerData"), "{key}: {message}");
            vec![]
        }
    }
}

/// For every element of the catalog, the form built from its metadata is a
/// valid spec and asks for everything the platform insists on.
#[tokio::test]
async fn every_form_built_from_metadata_covers_what_the_platform_requires() {
    let sb = start();
    let text = get(&sb, "/elements").await.text().await.unwrap();
    let usable: Vec<CatalogEntry> = parse_elements(&text).unwrap();
    for entry in &usable {
        let (status, metadata) =
            json_of(get(&sb, &format!("/elements/{}/configuration", entry.key)).await).await;
        assert_eq!(status, 200, "{}", entry.key);
        let metadata = serde_json::from_value::<ConfigEntries>(metadata)
            .unwrap()
            .into_entries();
        let spec = spec_from_metadata(entry, &metadata);
        check_spec(&spec).unwrap_or_else(|e| panic!("{}: {e}", entry.key));
        let form = form_fields(&spec);
        for key in demanded_keys(&sb, &entry.key).await {
            let field = form.iter().find(|f| f.key == key);
            assert!(
                field.is_some_and(|f| f.required),
                "{}: the form does not ask for {key}",
                entry.key
            );
        }
        for f in &form {
            let meta = metadata.iter().find(|m| m.key == f.key);
            assert!(
                meta.is_none_or(|m| !m.internal),
                "{}: internal {} asked",
                entry.key,
                f.key
            );
        }
    }
}

#[tokio::test]
async fn the_showcase_element_demands_exactly_its_metadata() {
    let sb = start();
    assert_eq!(
        demanded_keys(&sb, SHOWCASE_CUSTOM).await,
        ["nimbus.subdomain", "nimbus.api.key", "nimbus.account.id"],
        "required without a default, internal ones excepted"
    );
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Steps 1 to 3 of OAuth 1: a request token, the authorize URL, consent.
/// Returns the token's secret and where the provider redirected.
async fn oauth1_until_redirect(sb: &Sandbox, decision: &str) -> (String, Url) {
    let base = format!("{}/elements/{SHOWCASE_OAUTH1}/oauth", sb.base_url());
    let (status, token) = json_of(
        client()
            .get(format!("{base}/token"))
            .query(&[
                ("apiKey", "app-key"),
                ("apiSecret", "app-secret"),
                ("callbackUrl", CALLBACK),
                ("state", "st8"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let (request_token, secret) = (
        token["token"].as_str().unwrap().to_string(),
        token["secret"].as_str().unwrap().to_string(),
    );
    let (status, url) = json_of(
        client()
            .get(format!("{base}/url"))
            .query(&[
                ("apiKey", "app-key"),
                ("apiSecret", "app-secret"),
                ("callbackUrl", CALLBACK),
                ("requestToken", &request_token),
                // OAuth 1.0a fixed the callback with the token: a state
                // given now does not come back.
                ("state", "given-too-late"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{url}");
    assert_eq!(url["element"], SHOWCASE_OAUTH1);
    let authorize = Url::parse(url["oauthUrl"].as_str().unwrap()).unwrap();
    assert_eq!(
        param(&authorize, "oauth_token").as_deref(),
        Some(request_token.as_str())
    );
    let page = client()
        .get(authorize.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"id="allow""#) && page.contains(&request_token),
        "{page}"
    );
    let mut decide = authorize.clone();
    decide.set_path("/provider/oauth1/decision");
    decide
        .query_pairs_mut()
        .clear()
        .append_pair("oauth_token", &request_token)
        .append_pair("decision", decision);
    let resp = client().get(decide).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    assert_eq!(param(&location, "state").as_deref(), Some("st8"));
    (secret, location)
}

fn oauth1_body(token: &str, verifier: &str, secret: &str) -> Value {
    json!({
        "element": {"key": SHOWCASE_OAUTH1},
        "configuration": {
            "oauth.api.key": "app-key",
            "oauth.api.secret": "app-secret",
            "oauth.callback.url": CALLBACK,
        },
        "providerData": {"oauth_token": token, "oauth_verifier": verifier, "secret": secret},
        "name": "social",
    })
}

#[tokio::test]
async fn oauth1_instance_through_request_token_consent_and_verifier() {
    let sb = start();
    let (secret, redirect) = oauth1_until_redirect(&sb, "allow").await;
    let token = param(&redirect, "oauth_token").unwrap();
    let verifier = param(&redirect, "oauth_verifier").unwrap();

    // A wrong secret spends the token: it cannot be presented again.
    let (status, body) = create(&sb, &oauth1_body(&token, &verifier, "not-the-secret")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["providerMessage"], "token_rejected");
    let (status, body) = create(&sb, &oauth1_body(&token, &verifier, &secret)).await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("already used"),
        "{body}"
    );

    let (secret, redirect) = oauth1_until_redirect(&sb, "allow").await;
    let token = param(&redirect, "oauth_token").unwrap();
    let verifier = param(&redirect, "oauth_verifier").unwrap();
    let (status, body) = create(&sb, &oauth1_body(&token, "wrong-verifier", &secret)).await;
    assert_eq!(status, 400, "{body}");

    let (secret, redirect) = oauth1_until_redirect(&sb, "allow").await;
    let token = param(&redirect, "oauth_token").unwrap();
    let verifier2 = param(&redirect, "oauth_verifier").unwrap();
    assert_ne!(verifier, verifier2, "each consent mints a new verifier");
    let (status, instance) = create(&sb, &oauth1_body(&token, &verifier2, &secret)).await;
    assert_eq!(status, 200, "{instance}");
    assert_eq!(instance["element"]["key"], SHOWCASE_OAUTH1);
    assert_eq!(instance["element"]["authentication"]["type"], "oauth1");
    assert_eq!(instance["configuration"]["oauth.callback.url"], CALLBACK);
    assert_eq!(sb.instances().len(), 1);
}

#[tokio::test]
async fn oauth1_denial_and_bad_request_tokens() {
    let sb = start();
    let (_, redirect) = oauth1_until_redirect(&sb, "deny").await;
    assert!(param(&redirect, "denied").is_some(), "{redirect}");
    assert!(param(&redirect, "oauth_verifier").is_none());

    let base = format!("{}/elements/{SHOWCASE_OAUTH1}/oauth", sb.base_url());
    let (status, body) = json_of(
        client()
            .get(format!("{base}/url"))
            .query(&[
                ("apiKey", "k"),
                ("apiSecret", "s"),
                ("callbackUrl", CALLBACK),
                ("requestToken", "never-issued"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("requestToken"),
        "{body}"
    );
    let (status, body) = json_of(
        client()
            .get(format!("{base}/url"))
            .query(&[
                ("apiKey", "k"),
                ("apiSecret", "s"),
                ("callbackUrl", CALLBACK),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Missing query parameter(s): requestToken"),
        "{body}"
    );
    // OAuth 2 and non-OAuth elements have no request token.
    for key in ["infusionsoftecommerce", "bigcommerce"] {
        let resp = client()
            .get(format!("{}/elements/{key}/oauth/token", sb.base_url()))
            .query(&[
                ("apiKey", "k"),
                ("apiSecret", "s"),
                ("callbackUrl", CALLBACK),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{key}");
    }
    // Without providerData, the platform names what is missing.
    let mut body = oauth1_body("t", "v", "s");
    body.as_object_mut().unwrap().remove("providerData");
    let (status, body) = create(&sb, &body).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("providerData.oauth_token"),
        "{body}"
    );
}

/// A bundled element the platform signs in another way: the form is the
/// platform's, fetched, with the bundled curation and a note; when that
/// form cannot be read, the bundled one with a note saying why. Where the
/// two agree, nothing is fetched.
#[tokio::test(flavor = "multi_thread")]
async fn a_bundled_form_gives_way_to_the_platforms_kind() {
    use ce_wizard::catalog::{bundled_spec, element_spec};
    use ce_wizard::sandbox::{Fault, FaultKind, Faults};
    let sb = start();
    let client = ce_wizard::api::Client::new(
        &sb.base_url(),
        ce_wizard::api::Credentials {
            user: sb.user_secret().into(),
            org: sb.org_secret().into(),
        },
    )
    .unwrap();
    let entry = |auth| CatalogEntry {
        key: "woocommerce".into(),
        name: "WooCommerce (legacy)".into(),
        hub: "ecommerce".into(),
        description: String::new(),
        auth,
        beta: false,
        bundled: true,
    };
    let bundled = bundled_spec("woocommerce").unwrap();

    // Agreeing: the bundled form, with no call (a failing one would show).
    sb.set_faults(Faults::one(Fault::new(FaultKind::Status(500))));
    let same = element_spec(&client, &entry(AuthKind::Custom))
        .await
        .unwrap();
    assert_eq!(&same, bundled);

    // Disagreeing and unreadable: the bundled form, and why.
    let kept = element_spec(&client, &entry(AuthKind::Oauth2))
        .await
        .unwrap();
    assert_eq!(kept.fields, bundled.fields);
    assert!(
        kept.notes.join(" ").contains("could not be read"),
        "{:?}",
        kept.notes
    );

    // Disagreeing and readable: the platform's form with the OAuth app
    // fields the flow needs, curated where the bundled one knows a key.
    sb.set_faults(Faults::none());
    let followed = element_spec(&client, &entry(AuthKind::Oauth2))
        .await
        .unwrap();
    check_spec(&followed).unwrap();
    assert_eq!(followed.auth, AuthKind::Oauth2);
    assert!(followed.field("oauth.callback.url").is_some());
    assert_eq!(
        followed.field("store.url").unwrap().label,
        bundled.field("store.url").unwrap().label
    );
    assert!(
        followed.notes.join(" ").contains("follows the platform"),
        "{:?}",
        followed.notes
    );
}
