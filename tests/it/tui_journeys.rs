//! The wizard end to end in a real pseudo-terminal, as a person uses it:
//! the built binary against a sandbox on loopback, driven by keystrokes
//! only, the screen read back through a terminal emulator. One journey per
//! seed element, each ending with the token on screen and the instance the
//! sandbox stored; then the ways a person goes wrong and recovers.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::browser::consent_and_return;
use common::pty::{keys, value_after, Pty};
use common::wizard::{
    assert_stored, form_value, pick_element, quit_keeping_nothing, sign_in_link, token_on_done,
    Expected, Home, Wizard,
};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// On Review: the secrets typed must not be on the screen; Enter creates.
fn review_and_create(pty: &mut Pty, element: &str, secrets: &[&str]) -> String {
    let review = pty.wait_for(&format!("Review: a new {element} instance"));
    for secret in secrets {
        assert!(
            !review.contains(secret),
            "a secret on the review:\n{review}"
        );
    }
    pty.send(keys::ENTER);
    token_on_done(pty)
}

/// Quits from Done with `q` and checks the wizard ended well.
fn quit_from_done(pty: &mut Pty, token: &str) {
    quit_keeping_nothing(pty);
    assert_eq!(pty.finish(), 0, "the wizard exits 0 after creating");
    let after = pty.screen();
    assert!(after.contains("Created instance"), "{after}");
    assert!(
        !after.contains(token),
        "the token is not printed without --print-token:\n{after}"
    );
}

#[test]
fn woocommerce_with_the_derived_api_url() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pick_element(&mut pty, "woo", "WooCommerce (legacy)");

    pty.type_text("https://shop.example.com");
    pty.send(keys::ENTER);
    // The API URL follows the store URL until edited; Enter keeps it.
    pty.wait_until("the focus on the API URL derived from the store URL", |s| {
        s.contains("› API base URL")
            && form_value(s, "API base URL").as_deref()
                == Some("https://shop.example.com/wc-api/v2")
    });
    pty.send(keys::ENTER);
    pty.type_text("ck_live_4f2a");
    pty.send(keys::ENTER);
    pty.type_text("cs_live_9b1c77");
    pty.send(keys::ENTER);
    // The Advanced fold is next: Tab passes it (Enter would open it and move in).
    pty.wait_until("the focus on the Advanced fold", |s| {
        s.contains("› ▸ Advanced settings")
    });
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.type_text("woo-shop");
    pty.send(keys::ENTER);
    pty.type_text("retail, eu");
    pty.send(keys::ENTER);

    let token = review_and_create(&mut pty, "WooCommerce (legacy)", &["cs_live_9b1c77"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "woocommerce",
            name: "woo-shop",
            tags: &["retail", "eu"],
            configuration: &[
                ("store.url", "https://shop.example.com"),
                ("base.url", "https://shop.example.com/wc-api/v2"),
                ("oauth.api.key", "ck_live_4f2a"),
                ("oauth.api.secret", "cs_live_9b1c77"),
            ],
        },
    );
    quit_from_done(&mut pty, &token);
}

#[test]
fn ecwid_with_pasted_keys_and_no_tags() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pick_element(&mut pty, "ecw", "Ecwid");

    pty.type_text("1003");
    pty.send(keys::ENTER);
    pty.send(&keys::paste("ecwid-order-key-51"));
    pty.send(keys::ENTER);
    pty.send(&keys::paste("ecwid-product-key-73"));
    pty.send(keys::ENTER);
    pty.wait_until("the focus on the Advanced fold", |s| {
        s.contains("› ▸ Advanced settings")
    });
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.type_text("ecwid-store");
    pty.send(keys::ENTER);
    // Enter on the empty Tags field, the last one, goes to the review.
    pty.send(keys::ENTER);

    let token = review_and_create(
        &mut pty,
        "Ecwid",
        &["ecwid-order-key-51", "ecwid-product-key-73"],
    );
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "ecwid",
            name: "ecwid-store",
            tags: &[],
            configuration: &[
                ("authentication.type", "custom"),
                ("ecwid.store.id", "1003"),
                ("ecwid.order.key", "ecwid-order-key-51"),
                ("ecwid.product.key", "ecwid-product-key-73"),
            ],
        },
    );
    quit_from_done(&mut pty, &token);
}

#[test]
fn bigcommerce_with_a_url_fixed_in_place() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pick_element(&mut pty, "bigc", "BigCommerce");

    // A URL without its scheme is refused on the spot and kept for fixing.
    pty.type_text("store-abc123.mybigcommerce.com");
    pty.send(keys::TAB);
    pty.wait_for("must be an https:// or http:// URL");
    pty.send(&keys::ctrl('a'));
    pty.type_text("https://");
    pty.send(keys::ENTER);
    pty.wait_until("the error to clear", |s| !s.contains("must be an https://"));
    pty.type_text("integration");
    pty.send(keys::ENTER);
    pty.send(&keys::paste("bc-api-token-123"));
    pty.send(keys::ENTER);
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.type_text("pty-shop");
    pty.send(keys::ENTER);
    pty.type_text("docs, e2e ");
    pty.send(keys::ENTER);

    let token = review_and_create(&mut pty, "BigCommerce", &["bc-api-token-123"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "bigcommerce",
            name: "pty-shop",
            tags: &["docs", "e2e"],
            configuration: &[
                ("store.url", "https://store-abc123.mybigcommerce.com"),
                ("username", "integration"),
                ("password", "bc-api-token-123"),
            ],
        },
    );
    quit_from_done(&mut pty, &token);
}

#[test]
fn magento_with_events_from_the_advanced_settings() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).size(80, 30).spawn();
    pick_element(&mut pty, "mag", "Magento 2.0");

    pty.type_text("https://magento.example.com");
    pty.send(keys::ENTER);
    pty.type_text("api-admin");
    pty.send(keys::ENTER);
    pty.type_text("m2-admin-pass");
    pty.send(keys::ENTER);
    // "Sign in as an admin user" is on by default: leave it.
    let form = pty.wait_for("› Sign in as an admin user");
    assert!(form.contains("[x] yes"), "{form}");
    pty.send(keys::ENTER);
    pty.wait_for("› ▸ Advanced settings");
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.type_text("magento-main");
    // Back up to the fold with Shift-Tab, open it, and turn events on.
    pty.send(keys::BACKTAB);
    pty.wait_for("› ▸ Advanced settings");
    pty.send(" ");
    pty.wait_for("› ▾ Advanced settings");
    pty.send(keys::DOWN);
    pty.wait_for("› Receive events");
    pty.send(" ");
    pty.wait_for("Event source");
    pty.send(keys::DOWN);
    pty.wait_for("‹ polling ›");
    pty.send(keys::RIGHT);
    pty.wait_for("‹ webhook ›");
    pty.send(keys::DOWN);
    pty.type_text("https://app.example.com/ce-events");
    // Ctrl-S checks every field and goes to the review from anywhere.
    pty.send(&keys::ctrl('s'));

    let token = review_and_create(&mut pty, "Magento 2.0", &["m2-admin-pass"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "magentov20",
            name: "magento-main",
            tags: &[],
            configuration: &[
                ("site", "https://magento.example.com"),
                ("userName", "api-admin"),
                ("password", "m2-admin-pass"),
                ("user", "true"),
                ("event.notification.enabled", "true"),
                ("event.vendor.type", "webhook"),
                (
                    "event.notification.callback.url",
                    "https://app.example.com/ce-events",
                ),
            ],
        },
    );
    quit_from_done(&mut pty, &token);
}

#[test]
fn infusionsoft_ecommerce_through_the_consent_page() {
    let sb = sandbox();
    let home = Home::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Wide enough for the sign-in link to sit on one line.
    let mut pty = Wizard::new(&sb, &home).size(300, 30).spawn();
    pick_element(&mut pty, "infus", "Infusionsoft eCommerce");

    pty.type_text("keap-client-id");
    pty.send(keys::ENTER);
    pty.type_text("keap-client-secret");
    pty.send(keys::ENTER);
    // The callback URL is the wizard's own listener, filled in.
    let form = pty.wait_for("› Callback URL");
    let callback = form_value(&form, "Callback URL").unwrap();
    assert!(
        callback.starts_with("http://127.0.0.1:") && callback.ends_with("/callback"),
        "{callback}"
    );
    pty.send(keys::ENTER);
    pty.wait_for("› Document tagging");
    pty.send(" ");
    pty.wait_for("[x] yes");
    pty.send(keys::ENTER);
    pty.wait_for("› ▸ Advanced settings");
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.type_text("keap-shop");
    pty.send(keys::ENTER);
    pty.type_text("crm");
    pty.send(keys::ENTER);

    let link = pty.wait_value("a sign-in link", sign_in_link);
    assert!(link.contains("client_id=keap-client-id"), "{link}");
    assert!(
        !pty.screen().contains("keap-client-secret"),
        "the client secret stays off the screen"
    );
    assert_eq!(rt.block_on(consent_and_return(&link, "allow")), 200);
    let token = review_and_create(&mut pty, "Infusionsoft eCommerce", &["keap-client-secret"]);
    // The sandbox creates an OAuth 2 instance only with a code it issued
    // for this client and callback URL: the one the redirect carried.
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "infusionsoftecommerce",
            name: "keap-shop",
            tags: &["crm"],
            configuration: &[
                ("oauth.api.key", "keap-client-id"),
                ("oauth.api.secret", "keap-client-secret"),
                ("oauth.callback.url", &callback),
                ("document.tagging", "true"),
            ],
        },
    );
    quit_from_done(&mut pty, &token);
}

#[test]
fn validation_errors_are_fixed_in_place() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pick_element(&mut pty, "ecw", "Ecwid");

    // A letter O for a zero: refused on Enter, the focus stays on the field.
    pty.type_text("10O3");
    pty.send(keys::ENTER);
    let screen = pty.wait_for("digits only");
    assert!(screen.contains("› Store ID"), "{screen}");
    assert_eq!(form_value(&screen, "Store ID").as_deref(), Some("10O3"));
    // Fixed in place: the next key clears the error, and the value moves on.
    pty.send(keys::BACKSPACE);
    pty.send(keys::BACKSPACE);
    pty.wait_until("the error to clear", |s| !s.contains("digits only"));
    pty.type_text("03");
    pty.send(keys::ENTER);
    pty.wait_for("› Order API key");

    // Ctrl-S with the two keys empty: every problem at once, the focus on
    // the first.
    pty.send(&keys::ctrl('s'));
    let screen = pty.wait_for("(1 more below)");
    assert!(screen.contains("› Order API key"), "{screen}");
    pty.type_text("order-key");
    pty.send(keys::ENTER);
    pty.type_text("product-key");
    pty.send(&keys::ctrl('s'));

    let token = review_and_create(&mut pty, "Ecwid", &["order-key", "product-key"]);
    let instance = sb.instances();
    assert_eq!(instance.len(), 1);
    assert_eq!(instance[0]["token"], token.as_str());
    assert_eq!(instance[0]["configuration"]["ecwid.store.id"], "1003");
    assert_eq!(instance[0]["configuration"]["ecwid.order.key"], "order-key");
    quit_from_done(&mut pty, &token);
}

#[test]
fn going_back_and_forth_keeps_every_value() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pick_element(&mut pty, "bigc", "BigCommerce");
    pty.type_text("https://store-k9.mybigcommerce.com/api/v2/");
    pty.send(keys::ENTER);
    pty.type_text("first-user");
    pty.send(keys::ENTER);
    pty.wait_for("› API token");

    // Esc to Element, into another element's form and out again…
    pty.send(keys::ESC);
    pty.wait_for("Choose an element");
    pty.send(keys::ESC); // clears the filter
    pty.wait_for("Filter: type to filter");
    pick_element(&mut pty, "ecw", "Ecwid");
    pty.type_text("77");
    pty.send(keys::ESC);
    pty.wait_for("Choose an element");
    pty.send(keys::ESC);
    pty.wait_for("Filter: type to filter");
    // …and back to BigCommerce: what was typed is still there.
    let form = pick_element(&mut pty, "bigc", "BigCommerce");
    assert_eq!(
        form_value(&form, "Store API URL").as_deref(),
        Some("https://store-k9.mybigcommerce.com/api/v2/"),
        "{form}"
    );
    assert_eq!(
        form_value(&form, "API username").as_deref(),
        Some("first-user")
    );
    assert!(
        form.contains("› API token"),
        "the focus is kept too:\n{form}"
    );

    pty.send(&keys::paste("bc-token-k9"));
    // Shift-Tab up to the username and change it.
    pty.send(keys::BACKTAB);
    pty.wait_for("› API username");
    pty.send(&keys::ctrl('u'));
    pty.type_text("second-user");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Review: a new BigCommerce instance");

    // Review → Esc → the form, unchanged → Review again.
    pty.send(keys::ESC);
    let form = pty.wait_for("BigCommerce: configuration");
    assert_eq!(
        form_value(&form, "API username").as_deref(),
        Some("second-user")
    );
    assert_eq!(
        form_value(&form, "API token").as_deref(),
        Some("•••••••••••"),
        "the token is kept, masked"
    );
    pty.send(&keys::ctrl('s'));
    let token = review_and_create(&mut pty, "BigCommerce", &["bc-token-k9"]);

    let stored = sb.instances();
    assert_eq!(
        stored.len(),
        1,
        "one instance: the Ecwid form was never sent"
    );
    let instance = &stored[0];
    assert_eq!(instance["token"], token.as_str());
    assert_eq!(instance["element"]["key"], "bigcommerce");
    assert_eq!(
        common::wizard::configuration(instance),
        [
            ("password", "bc-token-k9"),
            ("store.url", "https://store-k9.mybigcommerce.com/api/v2/"),
            ("username", "second-user"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    );
    quit_from_done(&mut pty, &token);
}

#[test]
fn wrong_secrets_are_fixed_on_the_connection_step() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .env("CE_ORG_SECRET", "not-the-org-secret")
        .spawn();
    // Secrets are set, so the wizard starts on Element; the platform only
    // says they are wrong when the instance is created.
    pick_element(&mut pty, "ecw", "Ecwid");
    pty.type_text("2024");
    pty.send(keys::ENTER);
    pty.type_text("order-key-401");
    pty.send(keys::ENTER);
    pty.type_text("product-key-401");
    pty.send(keys::TAB);
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.type_text("after-401");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Review: a new Ecwid instance");
    pty.send(keys::ENTER);

    let screen = pty.wait_for("The platform refused the secrets");
    assert!(screen.contains("Connect to Cloud Elements"), "{screen}");
    assert!(screen.contains("HTTP 401"), "{screen}");
    assert!(
        !screen.contains("not-the-org-secret"),
        "the secret stays masked:\n{screen}"
    );
    assert_eq!(sb.instances().len(), 0);

    // Fix the organization secret; Enter tests it and returns to Review.
    pty.send(keys::TAB);
    pty.wait_for("› Organization secret");
    pty.send(&keys::ctrl('u'));
    pty.type_text(sb.org_secret());
    pty.send(keys::ENTER);
    let token = review_and_create(&mut pty, "Ecwid", &["order-key-401", "product-key-401"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "ecwid",
            name: "after-401",
            tags: &[],
            configuration: &[
                ("authentication.type", "custom"),
                ("ecwid.store.id", "2024"),
                ("ecwid.order.key", "order-key-401"),
                ("ecwid.product.key", "product-key-401"),
            ],
        },
    );
    let refused = sb
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/instances") && r.status == 401)
        .count();
    assert_eq!(refused, 1, "one create refused before the fix");
    quit_from_done(&mut pty, &token);
}

#[test]
fn print_token_puts_only_the_token_on_stdout() {
    let sb = sandbox();
    let home = Home::new();
    let stdout = home.join("stdout.txt");
    // `ce-wizard --print-token … > stdout.txt`: the wizard draws on the
    // terminal (stderr) while stdout goes to the file.
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--print-token", "--element", "ecwid"])
        .spawn_with_stdout_to(&stdout);
    pty.wait_for("Ecwid: configuration");
    pty.type_text("42");
    pty.send(keys::ENTER);
    pty.type_text("ok");
    pty.send(keys::ENTER);
    pty.type_text("pk");
    pty.send(&keys::ctrl('s'));
    let token = review_and_create(&mut pty, "Ecwid", &[]);
    assert_eq!(
        std::fs::read_to_string(&stdout).unwrap(),
        "",
        "nothing on stdout while the wizard runs"
    );
    // The token goes to stdout at exit, so q quits without asking.
    pty.send("q");
    assert_eq!(pty.finish(), 0);
    assert_eq!(
        std::fs::read_to_string(&stdout).unwrap(),
        format!("{token}\n"),
        "stdout holds the token and a newline, nothing else"
    );
    let screen = pty.screen();
    assert!(screen.contains("Created instance"), "{screen}");
    assert!(
        !screen.contains(&token),
        "the token is not on the terminal after the wizard:\n{screen}"
    );
    assert_eq!(sb.instances()[0]["token"], token.as_str());
    // The summary names the instance; the token appears nowhere else.
    let summary = value_after(&screen, "Created instance").unwrap();
    assert!(summary.contains("of Ecwid"), "{summary}");
}

#[test]
fn create_on_a_terminal_puts_only_the_instance_json_on_stdout() {
    // `ce-wizard create … > instance.json` (or `| jq -r .token`) with the
    // terminal on stderr and stdin: the OAuth link, the waiting and the
    // summary go to the terminal; stdout gets the instance and nothing else.
    let sb = sandbox();
    let home = Home::new();
    let stdout = home.join("instance.json");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["create", "--element", "infusionsoftecommerce"])
        .args(&["--name", "scripted", "--set", "oauth.api.key=script-app"])
        .args(&["--set", "oauth.api.secret=env:APP_SECRET"])
        .env("APP_SECRET", "script-app-secret")
        .size(300, 30)
        .spawn_with_stdout_to(&stdout);
    let link = pty.wait_value("the sign-in link", sign_in_link);
    pty.wait_for("Waiting for the redirect to");
    assert_eq!(rt.block_on(consent_and_return(&link, "allow")), 200);
    assert_eq!(pty.finish(), 0, "{}", pty.screen());

    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    let token = stored[0]["token"].as_str().unwrap();
    let text = std::fs::read_to_string(&stdout).unwrap();
    assert!(
        text.starts_with('{') && text.ends_with("}\n"),
        "one JSON object and a newline:\n{text}"
    );
    let printed: serde_json::Value = serde_json::from_str(&text).expect("stdout is one JSON value");
    assert_eq!(printed["token"], token, "what `jq -r .token` would read");
    assert_eq!(printed["name"], "scripted");
    let screen = pty.screen();
    assert!(screen.contains("Created instance"), "{screen}");
    assert!(
        !screen.contains(token),
        "the token stays off the terminal:\n{screen}"
    );
    assert!(!screen.contains("script-app-secret"), "{screen}");
}
