//! A first-time user in a real terminal: Enter alone walks every seed
//! element's form, and Done keeps the token until it is copied or saved.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::browser::consent_and_return;
use common::pty::{keys, Pty};
use common::wizard::{pick_element, sign_in_link, token_on_done, Home, Wizard};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// Each focused row in turn, what is typed there (nothing: Enter keeps the
/// value shown), then Enter.
fn enter_through(pty: &mut Pty, rows: &[(&str, &str)]) {
    for (label, value) in rows {
        pty.wait_for(&format!("› {label}"));
        pty.type_text(value);
        pty.send(keys::ENTER);
    }
}

/// The rows every form ends with: the fold (Enter opens it and moves in),
/// the common advanced settings left as they are, the name and the tags.
const TAIL: [(&str, &str); 5] = [
    ("▸ Advanced settings", ""),
    ("Receive events", ""),
    ("Drop null fields", ""),
    ("Instance name", ""),
    ("Tags", "first"),
];

/// An element's filter, its name, and the rows of its own form.
type Form<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

#[test]
fn every_seed_form_reaches_review_with_enter_alone() {
    let sb = sandbox();
    let forms: [Form; 4] = [
        (
            "woo",
            "WooCommerce (legacy)",
            &[
                ("Store URL", "https://shop.example.com"),
                ("API base URL", ""),
                ("Consumer key", "ck_live_1"),
                ("Consumer secret", "cs_live_1"),
            ],
        ),
        (
            "ecw",
            "Ecwid",
            &[
                ("Store ID", "1003"),
                ("Order API key", "order-key"),
                ("Product API key", "product-key"),
            ],
        ),
        (
            "bigc",
            "BigCommerce",
            &[
                ("Store API URL", "https://store-a.mybigcommerce.com/api/v2/"),
                ("API username", "integration"),
                ("API token", "api-token"),
            ],
        ),
        (
            "magen",
            "Magento 2.0",
            &[
                ("Store URL", "https://magento.example.com"),
                ("Admin username", "admin"),
                ("Admin password", "admin-pass"),
                ("Sign in as an admin user", ""),
            ],
        ),
    ];
    for (filter, name, rows) in forms {
        let home = Home::new();
        let mut pty = Wizard::new(&sb, &home).spawn();
        pick_element(&mut pty, filter, name);
        enter_through(&mut pty, rows);
        enter_through(&mut pty, &TAIL);
        pty.wait_for(&format!("Review: a new {name} instance"));
        pty.send(&keys::ctrl('c'));
        pty.wait_for("Quit ce-wizard?");
        pty.send("y");
        assert_eq!(pty.finish(), 130, "{name}");
    }

    // The OAuth element: Enter alone reaches the sign-in, and after the
    // consent the review.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).size(300, 30).spawn();
    pick_element(&mut pty, "infus", "Infusionsoft eCommerce");
    enter_through(
        &mut pty,
        &[
            ("Client ID", "keap-client-id"),
            ("Client secret", "keap-client-secret"),
            ("Callback URL", ""),
            ("Document tagging", ""),
        ],
    );
    enter_through(&mut pty, &TAIL);
    let link = pty.wait_value("a sign-in link", sign_in_link);
    assert_eq!(rt.block_on(consent_and_return(&link, "allow")), 200);
    pty.wait_for("Review: a new Infusionsoft eCommerce instance");
}

#[test]
fn done_keeps_the_token_until_it_is_saved_and_names_the_file_in_full() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "ecwid"])
        .spawn();
    pty.wait_for("Ecwid: configuration");
    enter_through(
        &mut pty,
        &[
            ("Store ID", "1003"),
            ("Order API key", "ok"),
            ("Product API key", "pk"),
        ],
    );
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Review: a new Ecwid instance");
    pty.send(keys::ENTER);
    let token = token_on_done(&pty);

    // Esc stays; q and Ctrl-C ask while the token is kept nowhere.
    pty.send(keys::ESC);
    pty.wait_for("Esc does not quit here");
    pty.send("q");
    pty.wait_for("neither copied nor saved");
    pty.send("n");
    pty.wait_until("the question gone", |s| !s.contains("neither copied"));
    pty.send(&keys::ctrl('c'));
    pty.wait_for("neither copied nor saved");
    pty.send(keys::ESC);
    pty.wait_until("the question gone", |s| !s.contains("neither copied"));
    assert!(pty.screen().contains(&token), "the token still on screen");

    // Saved: q quits at once, and stderr names the file by its full path.
    pty.send("s");
    pty.wait_for("Save to:");
    pty.send(&keys::ctrl('u'));
    pty.type_text("shop.json");
    pty.send(keys::ENTER);
    pty.wait_for("(readable only by you)");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
    let full = home.join("shop.json");
    assert!(full.exists());
    let after = common::pty::flat(&pty.screen());
    assert!(
        after.contains(&format!("Saved {}", full.display())),
        "{after}"
    );
}

#[test]
fn the_sandbox_address_is_never_saved_as_the_environment() {
    let sb = sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    let mut pty = Wizard::new(&sb, &home).built_in_sandbox().spawn();
    pty.wait_for("Choose an element");
    pty.send(keys::ESC);
    let screen = pty.wait_for("Connect to Cloud Elements");
    assert!(
        !screen.contains("--sandbox tries everything"),
        "no need to suggest the sandbox inside it:\n{screen}"
    );
    // Every field in turn; → on the last (Remember, were it offered) and
    // Enter goes on to the test.
    for _ in 0..4 {
        pty.send(keys::TAB);
    }
    pty.send(keys::RIGHT);
    let screen = pty.screen();
    assert!(!screen.contains("Remember"), "{screen}");
    assert!(!screen.contains("Saved in"), "{screen}");
    pty.send(keys::ENTER);
    pty.wait_for("Choose an element");
    pty.send(&keys::ctrl('c'));
    pty.finish();
    let saved = std::fs::read_to_string(&config).unwrap_or_default();
    assert!(!saved.contains("127.0.0.1"), "{saved}");
}

#[test]
fn the_connection_says_where_the_secrets_are_and_enter_moves_on_until_all_is_filled() {
    let sb = sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .spawn();
    let screen = pty.wait_for("Connect to Cloud Elements");
    let flat = common::pty::flat(&screen);
    assert!(flat.contains("profile → Settings → Account"), "{screen}");
    assert!(
        flat.contains("ce-wizard --sandbox tries everything"),
        "{screen}"
    );
    pty.type_text(sb.user_secret());
    pty.send(keys::ENTER);
    pty.wait_for("› Organization secret");
    pty.type_text(sb.org_secret());
    pty.send(keys::TAB);
    let screen = pty.wait_for("› Remember");
    assert!(
        !screen.contains("Saved in"),
        "nothing will be saved:\n{screen}"
    );
    pty.send(keys::RIGHT);
    pty.wait_for("Saved in");
    pty.send(keys::LEFT);
    pty.wait_until("no save promised", |s| !s.contains("Saved in"));
    pty.send(keys::ENTER);
    pty.wait_for("Choose an element");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.finish();
    assert!(!config.exists(), "nothing chosen, nothing saved");
}
