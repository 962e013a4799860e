//! Evidence tests for the `oauth` rules (see `evidence/mod.rs`): where
//! OAuth 1's state goes, what the provider's redirect gives `providerData`,
//! and the element's own parameters on the OAuth calls. Each test plays the
//! platform from a fixture written from its evidence to see what the client
//! sends or reads, and asks the sandbox the same call.

use crate::common::browser::consent;
use crate::common::platform::{auth, client, start};
use ce_wizard::api::{Client, Credentials, OAuthUrlRequest, RequestToken};
use ce_wizard::catalog::{bundled_spec, AuthKind};
use ce_wizard::flow::oauth::{self as attempt, OAuthApp};
use ce_wizard::form::FormValues;
use ce_wizard::oauth::OAuthState;
use ce_wizard::sandbox::{Sandbox, SHOWCASE_OAUTH1};
use ce_wizard::secret::Secret;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A platform of a few lines: answers each request with the next of
/// `replies` (JSON, 200) and records the request targets (path and query).
struct Recorder {
    base_url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start(replies: Vec<Value>) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/elements/api-v2", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(vec![]));
        let log = seen.clone();
        std::thread::spawn(move || {
            for reply in replies {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let target = line.split_whitespace().nth(1).unwrap_or_default();
                log.lock().unwrap().push(target.to_string());
                // The rest of the head; these calls have no body.
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let body = reply.to_string();
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Recorder { base_url, seen }
    }

    fn client(&self) -> Client {
        Client::new(
            &self.base_url,
            Credentials {
                user: Secret::new("user"),
                org: Secret::new("org"),
            },
        )
        .unwrap()
    }

    /// The requests seen: each path with its query, decoded.
    fn seen(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|target| {
                let url = url::Url::parse(&format!("http://x{target}")).unwrap();
                (
                    url.path().to_string(),
                    url.query_pairs().into_owned().collect(),
                )
            })
            .collect()
    }
}

fn value_of<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn app() -> OAuthApp {
    OAuthApp {
        api_key: "insert_fake_api_key".into(),
        api_secret: Secret::new("insert_fake_api_secret"),
        params: vec![],
    }
}

fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// `GET` on the sandbox's API with a query; the status and the JSON.
async fn sandbox_get(sb: &Sandbox, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let resp = client()
        .get(format!("{}{path}", sb.base_url()))
        .query(query)
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

async fn sandbox_create(sb: &Sandbox, body: &Value) -> (u16, Value) {
    let resp = client()
        .post(format!("{}/instances", sb.base_url()))
        .header("Authorization", auth(sb))
        .json(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

const CALLBACK: &str = "https://www.mycoolapp.com/oauth";

/// An OAuth 1 request token from the sandbox, asked with `state`; then the
/// authorization URL asked with another state, and the person's consent.
/// Returns the token's secret and the provider's redirect.
async fn sandbox_oauth1(sb: &Sandbox, key: &str, state: Option<&str>) -> (String, url::Url) {
    let mut query = vec![
        ("apiKey", "app-key"),
        ("apiSecret", "app-secret"),
        ("callbackUrl", CALLBACK),
    ];
    if let Some(s) = state {
        query.push(("state", s));
    }
    let (status, token) = sandbox_get(sb, &format!("/elements/{key}/oauth/token"), &query).await;
    assert_eq!(status, 200, "{token}");
    let request_token = token["token"].as_str().unwrap().to_string();
    let (status, url) = sandbox_get(
        sb,
        &format!("/elements/{key}/oauth/url"),
        &[
            ("apiKey", "app-key"),
            ("apiSecret", "app-secret"),
            ("callbackUrl", CALLBACK),
            ("requestToken", &request_token),
            ("state", "given-after-the-token"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{url}");
    let redirect = consent(url["oauthUrl"].as_str().unwrap(), "allow").await;
    (
        token["secret"].as_str().unwrap().to_string(),
        url::Url::parse(&redirect).unwrap(),
    )
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// OAuth 1.0a fixes the callback, state included, when the request token
/// is made: the state goes to `GET /elements/{key}/oauth/token`, and one
/// given later to `/oauth/url` never comes back.
///
/// Evidence: `cloud-elements/devportal:docs/elements/twitter/twitter-create-instance.md`
/// (step 1 is called with `&state=twitter`; step 2's `oauthUrl` carries
/// `oauth_callback=http%3A%2F%2Fwww.cloud-elements.com%3Fstate%3Dtwitter`;
/// the callback is `?state=twitter&oauth_token=…&oauth_verifier=…`), and
/// `varunpal72/churros:src/core/provisioner.js` (its `oauth1` step sends the
/// same query to `/oauth/token` as to `/oauth/url`).
#[tokio::test(flavor = "multi_thread")]
async fn oauth1_fixes_its_state_with_the_request_token() {
    // The client, against the page's answers.
    let platform = Recorder::start(vec![
        json!({"token": "qyprd1Twij60MH06lKGUZTJwx7tbzpPQx6aZnvKe0xI7",
               "secret": "KKSbL0J2wLGMqhMXTEh1ERkSx9tsIbAHUevF"}),
        json!({"element": "twitter",
               "oauthUrl": "https://appcenter.intuit.com/Connect/Begin?oauth_token=qyprdJHtIbwm3sGOoOCvXuv2Cs8fsQrZFjJWe4HEZAyb0&oauth_callback=http%3A%2F%2Fwww.cloud-elements.com%3Fstate%3Dtwitter"}),
    ]);
    let state = OAuthState::generate();
    let request: OAuthUrlRequest = app().url_request(CALLBACK, &state);
    let started = attempt::authorization(&platform.client(), "twitter", AuthKind::Oauth1, &request)
        .await
        .unwrap();
    let seen = platform.seen();
    assert_eq!(seen[0].0, "/elements/api-v2/elements/twitter/oauth/token");
    assert_eq!(value_of(&seen[0].1, "state"), Some(state.expose()));
    assert_eq!(value_of(&seen[0].1, "callbackUrl"), Some(CALLBACK));
    assert_eq!(seen[1].0, "/elements/api-v2/elements/twitter/oauth/url");
    assert_eq!(
        value_of(&seen[1].1, "requestToken"),
        Some("qyprd1Twij60MH06lKGUZTJwx7tbzpPQx6aZnvKe0xI7")
    );
    let token: RequestToken = started.request_token.unwrap();
    assert_eq!(
        token.secret.expose(),
        "KKSbL0J2wLGMqhMXTEh1ERkSx9tsIbAHUevF"
    );

    // The sandbox: the state of the token call comes back, not the later one.
    let sb = start();
    let (_, redirect) = sandbox_oauth1(&sb, SHOWCASE_OAUTH1, Some("fixed-early")).await;
    assert_eq!(param(&redirect, "state").as_deref(), Some("fixed-early"));
    // Without one, the element key, as the page's `state=twitter` shows.
    let (_, redirect) = sandbox_oauth1(&sb, SHOWCASE_OAUTH1, None).await;
    assert_eq!(param(&redirect, "state").as_deref(), Some(SHOWCASE_OAUTH1));
}

/// `providerData` carries every parameter of the provider's redirect but a
/// refusal's, the `state` among them, and OAuth 1 adds the request token's
/// `secret`. QuickBooks' OAuth 1 redirect adds `realmId` and `dataSource`,
/// which the platform needs.
///
/// Evidence: `cloud-elements/elements-connect:src/main/webapp/scripts/picker/Picker.js`
/// (`onOauthResponse` hands every page parameter to `createInstance` as
/// `providerData`), `varunpal72/churros:src/core/provisioner.js`
/// (`providerData` from the callback query: `code`, `state`, `oauth_token`,
/// `oauth_verifier`, `realmId`, `dataSource`, plus the token's `secret`),
/// and `cloud-elements/devportal:docs/elements/quickbooksonline/authenticate.md`
/// (the OAuth 1 `providerData`: `oauth_token`, `realmId`, `oauth_verifier`,
/// `secret`, `state`, `dataSource`).
#[tokio::test(flavor = "multi_thread")]
async fn provider_data_carries_the_whole_redirect() {
    // The client reads the page's callback, with this attempt's state.
    let state = OAuthState::generate();
    let rt = RequestToken {
        token: "qyprdlGChtClXwBpAw1vm1fJSC3mQqS3dGX0PPphEzNEUI9s".into(),
        secret: Secret::new("KKSbL0J2wLGMqhMXTEh1ERkSx9tsIbAHUevF"),
    };
    let callback = format!(
        "https://www.mycoolapp.com/auth?oauth_token={}&oauth_verifier=br6qctk&realmId=123145&dataSource=QBO&state={}",
        rt.token,
        state.expose()
    );
    let grant = attempt::pasted_grant(&callback, &state, AuthKind::Oauth1, Some(&rt)).unwrap();
    let data = grant.provider_data();
    let keys: Vec<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "dataSource",
            "oauth_token",
            "oauth_verifier",
            "realmId",
            "secret",
            "state"
        ],
        "the page's providerData, key for key"
    );
    assert_eq!(data["realmId"].expose(), "123145");
    assert_eq!(
        data["secret"].expose(),
        "KKSbL0J2wLGMqhMXTEh1ERkSx9tsIbAHUevF"
    );
    // OAuth 2 (the page's other flow): the code, realmId and state.
    let callback = format!(
        "https://www.mycoolapp.com/auth?code=Q011xx&realmId=1231xx&state={}",
        state.expose()
    );
    let data = attempt::pasted_grant(&callback, &state, AuthKind::Oauth2, None)
        .unwrap()
        .provider_data();
    assert_eq!(
        data.keys().map(String::as_str).collect::<Vec<_>>(),
        ["code", "realmId", "state"]
    );
    // A refusal's parameters are not forwarded: a refusal is no grant.
    let denied = format!(
        "https://www.mycoolapp.com/auth?error=access_denied&realmId=1&state={}",
        state.expose()
    );
    assert!(attempt::pasted_grant(&denied, &state, AuthKind::Oauth2, None).is_err());

    // The sandbox: QuickBooks' redirect adds both, and the create needs them.
    let sb = start();
    let body = |redirect: &url::Url, secret: &str, with_realm: bool| {
        let mut provider: serde_json::Map<String, Value> = redirect
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), json!(v)))
            .collect();
        provider.insert("secret".into(), json!(secret));
        if !with_realm {
            provider.remove("realmId");
        }
        json!({
            "element": {"key": "quickbooks"},
            "configuration": {
                "oauth.api.key": "app-key",
                "oauth.api.secret": "app-secret",
                "oauth.callback.url": CALLBACK,
            },
            "providerData": provider,
            "name": "QBO_Instance",
        })
    };
    let (secret, redirect) = sandbox_oauth1(&sb, "quickbooks", Some("qb-state")).await;
    assert_eq!(param(&redirect, "dataSource").as_deref(), Some("QBO"));
    assert!(param(&redirect, "realmId").is_some_and(|r| !r.is_empty()));
    let (status, refusal) = sandbox_create(&sb, &body(&redirect, &secret, false)).await;
    assert_eq!(status, 400, "{refusal}");
    assert!(
        refusal["message"]
            .as_str()
            .unwrap()
            .contains("providerData.realmId"),
        "{refusal}"
    );
    let (secret, redirect) = sandbox_oauth1(&sb, "quickbooks", Some("qb-state")).await;
    let (status, created) = sandbox_create(&sb, &body(&redirect, &secret, true)).await;
    assert_eq!(status, 200, "{created}");
}

/// The OAuth URL request carries the element's own parameters: Shopify's
/// shop as `siteAddress` (from `shopify.site.address`) and `scope` (from
/// `oauth.scope`); for an element the client has no spec of, the values
/// typed for it.
///
/// Evidence: `cloud-elements/devportal:docs/elements/shopify/authenticate.md`
/// (`GET /elements/{keyOrId}/oauth/url?apiKey=…&apiSecret=…&callbackUrl=…&siteAddress=<url>`;
/// the `oauthUrl` goes to the shop with the scope of the body's
/// `oauth.scope`), `cloud-elements/elements-connect:src/main/webapp/scripts/services/ElementsService.js`
/// (`getOAuthUrl` adds every `elementConfig.other` value as a query
/// parameter), and `varunpal72/churros:src/core/provisioner.js` (its query
/// sends `scope`, `siteAddress` and `subdomain`).
#[tokio::test(flavor = "multi_thread")]
async fn the_oauth_url_request_carries_the_elements_parameters() {
    // The client, with the values of the page's instance body.
    let shopify = bundled_spec("shopify").expect("the shopify spec is bundled");
    let mut values = FormValues::new();
    values.set("oauth.api.key", "fake_api_key");
    values.set("oauth.api.secret", "fake_api_secret");
    values.set("shopify.site.address", "SHOPIFYSHOPNAME");
    values.set("oauth.scope", "write_orders,write_products,write_customers");
    let platform = Recorder::start(vec![json!({
        "element": "shopify",
        "oauthUrl": "https://SHOPIFYSHOPNAME.myshopify.com/admin/oauth/authorize?client_id=fake_client_id&scope=write_orders,write_products,write_customers&redirect_uri=https://www.mycoolapp.com/auth&state=shopify"
    })]);
    let state = OAuthState::generate();
    let request = OAuthApp::for_element(shopify, &values).url_request(CALLBACK, &state);
    platform
        .client()
        .oauth_url("shopify", &request)
        .await
        .unwrap();
    let seen = platform.seen();
    assert_eq!(seen[0].0, "/elements/api-v2/elements/shopify/oauth/url");
    assert_eq!(value_of(&seen[0].1, "siteAddress"), Some("SHOPIFYSHOPNAME"));
    assert_eq!(
        value_of(&seen[0].1, "scope"),
        Some("write_orders,write_products,write_customers")
    );
    assert_eq!(value_of(&seen[0].1, "apiKey"), Some("fake_api_key"));

    // A catalog element: what was typed for it, no secret.
    let mut catalog = shopify.clone();
    catalog.bundled = false;
    catalog.oauth_params.clear();
    let params = attempt::element_params(&catalog, &values);
    assert!(params.contains(&("siteAddress".into(), "SHOPIFYSHOPNAME".into())));
    assert!(params.contains(&("shopify.site.address".into(), "SHOPIFYSHOPNAME".into())));
    assert!(params.iter().all(|(_, v)| v != "fake_api_secret"));

    // The sandbox: no shop, no authorization URL; with one, the browser goes
    // to that shop with that scope.
    let sb = start();
    let base = [
        ("apiKey", "fake_api_key"),
        ("apiSecret", "fake_api_secret"),
        ("callbackUrl", CALLBACK),
        ("state", "shopify"),
    ];
    let (status, refusal) = sandbox_get(&sb, "/elements/shopify/oauth/url", &base).await;
    assert_eq!(status, 400, "{refusal}");
    assert!(
        refusal["message"].as_str().unwrap().contains("siteAddress"),
        "{refusal}"
    );
    let mut with_shop = base.to_vec();
    with_shop.extend([
        ("siteAddress", "SHOPIFYSHOPNAME"),
        ("scope", "write_orders,write_products,write_customers"),
    ]);
    let (status, answer) = sandbox_get(&sb, "/elements/shopify/oauth/url", &with_shop).await;
    assert_eq!(status, 200, "{answer}");
    let authorize = query_of(answer["oauthUrl"].as_str().unwrap());
    assert_eq!(value_of(&authorize, "shop"), Some("SHOPIFYSHOPNAME"));
    assert_eq!(
        value_of(&authorize, "scope"),
        Some("write_orders,write_products,write_customers")
    );
    // The code opens that shop only.
    let redirect = consent(answer["oauthUrl"].as_str().unwrap(), "allow").await;
    let code = param(&url::Url::parse(&redirect).unwrap(), "code").unwrap();
    let (status, refusal) = sandbox_create(
        &sb,
        &json!({
            "element": {"key": "shopify"},
            "providerData": {"code": code},
            "configuration": {
                "oauth.api.key": "fake_api_key",
                "oauth.api.secret": "fake_api_secret",
                "oauth.callback.url": CALLBACK,
                "shopify.site.address": "another-shop",
                "oauth.scope": "write_orders,write_products,write_customers"
            },
            "name": "ShopifyInstance"
        }),
    )
    .await;
    assert_eq!(status, 400, "{refusal}");
    assert!(
        refusal["message"]
            .as_str()
            .unwrap()
            .contains("another-shop"),
        "{refusal}"
    );
}
