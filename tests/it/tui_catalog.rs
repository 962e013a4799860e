//! The wizard with the platform's whole catalog, end to end in a real
//! pseudo-terminal: an element with no bundled spec provisioned from its
//! configuration metadata by keystrokes, OAuth 1 elements through the
//! sandbox's provider (this test plays the browser; QuickBooks' redirect
//! adds values the create needs), Shopify's shop and scope on the OAuth URL
//! request, and the cached catalog shown when the platform cannot be
//! reached.

use crate::common;

use ce_wizard::sandbox::{
    Sandbox, SandboxOptions, DEMO_ORG_SECRET, DEMO_USER_SECRET, SHOWCASE_CUSTOM, SHOWCASE_OAUTH1,
};
use common::pty::{keys, value_after, Pty, Spawn};
use common::wizard::quit_keeping_nothing;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// The wizard on `base_url` with the sandbox's secrets in the environment
/// (so it opens on the Element step).
fn wizard(base_url: &str, dir: &Path, extra: &[&str], size: (u16, u16)) -> Pty {
    let mut args = vec![
        "--base-url".to_string(),
        base_url.to_string(),
        // Port 0: a free port, so parallel runs never collide.
        "--callback-port".into(),
        "0".into(),
        "--no-browser".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    Pty::spawn(Spawn {
        program: env!("CARGO_BIN_EXE_ce-wizard"),
        args,
        env: vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), dir.display().to_string()),
            (
                "CE_WIZARD_CONFIG".into(),
                dir.join("config.toml").display().to_string(),
            ),
            (
                "CE_WIZARD_CACHE".into(),
                dir.join("cache").display().to_string(),
            ),
            ("CE_USER_SECRET".into(), DEMO_USER_SECRET.into()),
            ("CE_ORG_SECRET".into(), DEMO_ORG_SECRET.into()),
            ("TERM".into(), "xterm-256color".into()),
        ],
        cwd: dir,
        cols: size.0,
        rows: size.1,
    })
}

/// Esc is also the first byte of Alt-key sequences: the terminal must see
/// it alone before the next key.
fn esc(pty: &mut Pty) {
    pty.send(keys::ESC);
    std::thread::sleep(Duration::from_millis(150));
}

fn done_token(pty: &Pty) -> String {
    pty.wait_value("the token on the Done screen", |s| {
        // With --print-token, Done says where the token goes instead.
        (s.contains("Copy it (c) or save it (s) now")
            || s.contains("It is printed on standard output when you quit"))
        .then(|| value_after(s, "Token"))
        .flatten()
    })
}

fn configuration(instance: &Value) -> &serde_json::Map<String, Value> {
    instance["configuration"].as_object().unwrap()
}

#[test]
fn a_metadata_element_by_keystrokes() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let mut pty = wizard(&sandbox.base_url(), dir.path(), &[], (100, 40));

    // The platform's list replaces the bundled one; beta elements are
    // marked in it.
    pty.wait_until("the live catalog with a beta element", |s| {
        s.contains("live catalog, ") && s.contains(" beta")
    });
    pty.type_text("nimbus desk");
    pty.wait_for("› Nimbus Desk");
    pty.send(keys::ENTER);
    // Built from GET /elements/nimbusdesk/configuration: the hidden entry
    // that is required without a default comes first (display order 1).
    let form = pty.wait_until("the form", |s| {
        s.contains("Nimbus Desk: configuration") && s.contains("Instance name")
    });
    assert!(form.contains("› Account ID"), "{form}");
    assert!(form.contains("‹ us ›"), "the default region is prefilled");
    assert!(!form.contains("Internal ID") && !form.contains("Legacy Mode"));

    pty.type_text("acct-7");
    pty.send(keys::ENTER);
    // Longer than TEXTFIELD_32 allows: refused on the spot.
    pty.type_text("a-subdomain-far-too-long-for-32-characters");
    pty.send(keys::ENTER);
    pty.wait_for("at most 32");
    pty.send(&keys::ctrl('u'));
    pty.type_text("acme");
    pty.send(keys::ENTER);
    pty.send(&keys::paste("nk-secret-123"));
    pty.send(keys::ENTER);
    pty.send("\x1b[C"); // Right: the next region.
    pty.wait_for("‹ eu ›");
    pty.send(keys::ENTER);
    pty.type_text("agent@acme.example");
    pty.send(keys::ENTER);
    pty.send(" ");
    pty.wait_for("[x] yes");
    pty.send(keys::ENTER);
    // Several lines in the signature.
    pty.type_text("Thanks,");
    pty.send(&keys::ctrl('j'));
    pty.type_text("The Acme team");
    let screen = pty.wait_for("The Acme team");
    assert!(
        screen.lines().any(|l| l.trim() == "The Acme team"),
        "the second line on its own row:\n{screen}"
    );
    pty.send(keys::ENTER);
    pty.type_text("https://help.acme.example");
    pty.send(keys::ENTER);
    pty.send(keys::ENTER); // Page Size keeps its default.
    pty.send(keys::TAB); // Past the Advanced fold to the name.
    pty.send(&keys::ctrl('u'));
    pty.type_text("pty-nimbus");
    pty.send(keys::ENTER);
    pty.type_text("helpdesk");
    pty.send(keys::ENTER);

    let review = pty.wait_for("Review: a new Nimbus Desk instance");
    assert!(!review.contains("nk-secret-123"), "the secret is masked");
    pty.send(keys::ENTER);
    let token = done_token(&pty);

    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1, "exactly one instance");
    let instance = &stored[0];
    assert_eq!(instance["token"], json!(token));
    assert_eq!(instance["element"]["key"], json!(SHOWCASE_CUSTOM));
    assert_eq!(instance["name"], json!("pty-nimbus"));
    assert_eq!(instance["tags"], json!(["helpdesk"]));
    let config = configuration(instance);
    for (k, v) in [
        ("nimbus.account.id", "acct-7"),
        ("nimbus.subdomain", "acme"),
        ("nimbus.api.key", "nk-secret-123"),
        ("nimbus.region", "eu"),
        ("nimbus.agent.email", "agent@acme.example"),
        ("nimbus.sandbox", "true"),
        ("nimbus.signature", "Thanks,\nThe Acme team"),
        ("nimbus.portal.url", "https://help.acme.example"),
        ("nimbus.page.size", "50"),
    ] {
        assert_eq!(config.get(k), Some(&json!(v)), "{k} in {config:?}");
    }
    assert!(!config.contains_key("nimbus.internal.id"));

    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.wait_exit(), 0);
    // The catalog was cached for the next start.
    let cached = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("catalog-"));
    assert!(cached, "a catalog file in the cache directory");
}

/// The sign-in link on the screen (the terminal is wide enough for it to
/// sit on one line). It names the request token alone: the state was fixed
/// with the token, as OAuth 1.0a does.
fn sign_in_link(screen: &str) -> Option<String> {
    screen
        .split_whitespace()
        .find(|w| w.contains("/provider/oauth1/authorize") && w.contains("oauth_token="))
        .map(str::to_string)
}

/// Plays the person's browser through the sandbox's OAuth 1 consent:
/// loads the page, presses `decision` ("allow" or "deny") and follows the
/// provider's redirect into the wizard's listener. Returns the status of
/// the page the browser ends on.
async fn consent_oauth1(authorize_url: &str, decision: &str) -> u16 {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let page = http.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the consent page loads");
    let url = url::Url::parse(authorize_url).unwrap();
    let get = |k: &str| {
        url.query_pairs()
            .find(|(a, _)| a == k)
            .map(|(_, b)| b.into_owned())
            .unwrap_or_else(|| panic!("{k} in {authorize_url}"))
    };
    let mut decide = url.clone();
    decide.set_path("/provider/oauth1/decision");
    decide
        .query_pairs_mut()
        .clear()
        .append_pair("oauth_token", &get("oauth_token"))
        .append_pair("decision", decision);
    let resp = http.get(decide).send().await.unwrap();
    assert_eq!(resp.status(), 302, "the provider redirects");
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let browser = reqwest::Client::builder().no_proxy().build().unwrap();
    browser
        .get(&location)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn an_oauth1_element_denied_then_allowed() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Not bundled: --element looks it up in the platform's catalog.
    let mut pty = wizard(
        &sandbox.base_url(),
        dir.path(),
        &["--element", SHOWCASE_OAUTH1, "--print-token"],
        (300, 30),
    );

    let form = pty.wait_until("the form", |s| {
        s.contains("Kestrel Social: configuration") && s.contains("Instance name")
    });
    assert!(
        form.contains("3/6 Configure"),
        "OAuth adds the Authorize step:\n{form}"
    );
    pty.type_text("kestrel-app-key");
    pty.send(keys::ENTER);
    pty.type_text("kestrel-app-secret");
    pty.send(&keys::ctrl('s'));

    let first = pty.wait_value("a sign-in link", sign_in_link);
    let callback = value_after(&pty.screen(), "Callback URL").expect("the callback URL on screen");
    assert!(first.contains("oauth_token="), "{first}");
    assert_eq!(rt.block_on(consent_oauth1(&first, "deny")), 200);
    pty.wait_for("Access was not granted");

    // Trying again: a new request token and state; nothing is retyped.
    pty.send(keys::ENTER);
    let second = pty.wait_value("a new sign-in link", |s| {
        sign_in_link(s).filter(|l| *l != first)
    });
    assert_eq!(rt.block_on(consent_oauth1(&second, "allow")), 200);
    pty.wait_for("Review: a new Kestrel Social instance");
    pty.send(keys::ENTER);
    let token = done_token(&pty);

    // The sandbox creates an OAuth 1 instance only when providerData holds
    // the authorized request token, its verifier and the token's secret.
    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1);
    let instance = &stored[0];
    assert_eq!(instance["token"], json!(token));
    assert_eq!(instance["element"]["key"], json!(SHOWCASE_OAUTH1));
    let config = configuration(instance);
    assert_eq!(config["oauth.api.key"], json!("kestrel-app-key"));
    assert_eq!(config["oauth.api.secret"], json!("kestrel-app-secret"));
    assert_eq!(config["oauth.callback.url"], json!(callback));
    let token_path = format!("/elements/api-v2/elements/{SHOWCASE_OAUTH1}/oauth/token");
    assert_eq!(
        sandbox.count("GET", &token_path),
        2,
        "one request token per attempt"
    );

    // With --print-token the token goes to stdout at exit: q quits at once.
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    let after = pty.wait_for("Created instance");
    assert!(after.lines().any(|l| l.trim() == token), "{after}");
}

#[test]
fn the_cached_catalog_is_shown_when_the_platform_is_unreachable() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let base_url = sandbox.base_url();
    let dir = tempfile::tempdir().unwrap();

    // A first run fetches the catalog and caches it.
    let mut pty = wizard(&base_url, dir.path(), &[], (100, 30));
    let count: usize = pty
        .wait_value("the number of elements on the top line", |s| {
            let (_, after) = s.split_once("live catalog, ")?;
            let n = after.split_whitespace().next()?;
            n.parse::<usize>().ok().map(|n| n.to_string())
        })
        .parse()
        .unwrap();
    assert!(count > 300, "{count}");
    pty.send(&keys::ctrl('c'));
    pty.wait_exit();

    // The platform is gone; the same connection starts again.
    sandbox.shutdown();
    let mut pty = wizard(&base_url, dir.path(), &[], (100, 30));
    let screen = pty.wait_for("offline: showing the catalog as of");
    assert!(
        screen.contains(&format!("live catalog, {count} elements")),
        "the cached list, not the bundled one:\n{screen}"
    );
    // Its elements are there to pick, but their forms need the platform.
    pty.type_text("nimbus desk");
    pty.wait_for("› Nimbus Desk");
    pty.send(keys::ENTER);
    let failed = pty.wait_until("the error and its keys", |s| {
        s.contains("Its settings could not be fetched") && s.contains("Enter try again")
    });
    assert!(failed.contains("Connection refused"), "{failed}");
    esc(&mut pty);
    pty.wait_until("the list again", |s| s.contains("Enter choose"));
    // Something was typed: quitting asks first.
    pty.send(&keys::ctrl('c'));
    pty.wait_for("quit");
    pty.send("y");
    pty.wait_exit();
}

/// Plays the browser through any of the sandbox's consent pages (its form
/// submitted as a browser would) and into the wizard's listener; returns the
/// provider's redirect.
async fn consent_into_listener(authorize_url: &str) -> url::Url {
    let location = common::browser::consent(authorize_url, "allow").await;
    let browser = reqwest::Client::builder().no_proxy().build().unwrap();
    let status = browser.get(&location).send().await.unwrap().status();
    assert_eq!(status, 200, "the listener's result page");
    url::Url::parse(&location).unwrap()
}

fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// QuickBooks Online's OAuth 1 flow in the wizard (devportal
/// `docs/elements/quickbooksonline/authenticate.md`): the redirect comes
/// back with the state the wizard gave with the request token, and with
/// `realmId` and `dataSource`, which reach `providerData` (the sandbox
/// refuses the create without them).
#[test]
fn quickbooks_in_the_wizard_forwards_its_realm_and_data_source() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = wizard(
        &sandbox.base_url(),
        dir.path(),
        &["--element", "quickbooks"],
        (300, 30),
    );
    pty.wait_until("the form", |s| {
        s.contains("QuickBooks Online: configuration") && s.contains("Instance name")
    });
    pty.type_text("qb-consumer-key");
    pty.send(keys::ENTER);
    pty.type_text("qb-consumer-secret");
    pty.send(&keys::ctrl('s'));

    let link = pty.wait_value("a sign-in link", sign_in_link);
    let redirect = rt.block_on(consent_into_listener(&link));
    let state = query(&redirect, "state").expect("the callback's state");
    assert_ne!(
        state, "quickbooks",
        "the wizard's own state, fixed with the token"
    );
    assert_eq!(query(&redirect, "dataSource").as_deref(), Some("QBO"));
    assert!(query(&redirect, "realmId").is_some(), "{redirect}");
    pty.wait_for("Review: a new QuickBooks Online instance");
    pty.send(keys::ENTER);
    done_token(&pty);

    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["element"]["key"], json!("quickbooks"));
    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.wait_exit(), 0);
}

/// Shopify in the wizard (devportal `docs/elements/shopify/authenticate.md`):
/// the OAuth URL request carries the shop (`siteAddress`) and the scope, as
/// the bundled spec says; the sandbox refuses it without the shop, and the
/// code it grants opens only that shop.
#[test]
fn shopify_in_the_wizard_sends_its_shop_and_scope() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = wizard(
        &sandbox.base_url(),
        dir.path(),
        &["--element", "shopify"],
        (300, 30),
    );
    pty.wait_until("the form", |s| {
        s.contains("Shopify: configuration") && s.contains("Instance name")
    });
    pty.type_text("shop-app-key");
    pty.send(keys::ENTER);
    pty.type_text("shop-app-secret");
    pty.send(keys::ENTER);
    // The callback URL is filled in already.
    pty.send(keys::ENTER);
    pty.type_text("my-shop");
    pty.send(&keys::ctrl('s'));

    let link = pty.wait_value("a sign-in link", |s| {
        s.split_whitespace()
            .find(|w| w.contains("/provider/oauth/authorize"))
            .map(str::to_string)
    });
    let authorize = url::Url::parse(&link).unwrap();
    assert_eq!(query(&authorize, "shop").as_deref(), Some("my-shop"));
    assert_eq!(
        query(&authorize, "scope").as_deref(),
        Some("write_orders,write_products,write_customers")
    );
    rt.block_on(consent_into_listener(&link));
    pty.wait_for("Review: a new Shopify instance");
    pty.send(keys::ENTER);
    done_token(&pty);

    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        configuration(&stored[0])["shopify.site.address"],
        json!("my-shop")
    );
    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.wait_exit(), 0);
}
