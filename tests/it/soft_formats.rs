//! Formats that help instead of only refusing, in every front end: a URL
//! typed without its scheme is offered with one (the wizard and the
//! accessible mode take it on Enter; `create` refuses it and spells out the
//! fix), and the shapes the element docs describe (WooCommerce's ck_/cs_
//! keys, BigCommerce's /api/v2/ path) are warnings that never block.

use crate::common;

use common::cli::{command, run, sandbox};
use common::pty::{keys, Pty};
use common::wizard::{form_value, pick_element, Home, Wizard};

fn woocommerce(store_url: &str, key: &str) -> Vec<String> {
    [
        "create",
        "--element",
        "woocommerce",
        "--name",
        "shop",
        "--set",
        &format!("store.url={store_url}"),
        "--set",
        &format!("oauth.api.key={key}"),
        "--set",
        "oauth.api.secret=cs_1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn create_refuses_a_url_without_its_scheme_and_spells_out_the_fix() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(woocommerce("shop.example.com", "ck_1"));
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "stderr:\n{}", out.stderr);
    assert!(
        out.stderr.contains(
            "with its scheme: https://shop.example.com (--set store.url=https://shop.example.com)"
        ),
        "{}",
        out.stderr
    );
    assert!(sb.instances().is_empty(), "nothing was sent");
}

#[test]
fn create_warns_about_shapes_on_stderr_and_still_creates() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(woocommerce("https://shop.example.com", "1234abcd"));
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning: Consumer key usually starts with ck_, e.g. ck_0123456789abcdef; it will be sent as it is, so check it (--set oauth.api.key=…)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains("warning"),
        "stdout is the instance JSON only"
    );
    assert_eq!(sb.instances().len(), 1);

    // The BigCommerce path, and no warning for a value of the usual shape.
    let mut cmd = command(&sb, dir.path());
    cmd.args([
        "create",
        "--element",
        "bigcommerce",
        "--set",
        "store.url=https://store-a.mybigcommerce.com",
        "--set",
        "username=u",
        "--set",
        "password=p",
    ]);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: Store API URL usually ends in /api/v2/"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Consumer key"));
}

/// Answers the question `prompt` once it is the last line on screen.
fn answer(pty: &mut Pty, prompt: &str, text: &str) {
    pty.wait_until(&format!("the question {prompt:?}"), |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.contains(prompt) && l.trim_end().ends_with(':'))
    });
    pty.type_text(text);
    pty.send(keys::ENTER);
}

#[test]
fn the_accessible_mode_offers_the_scheme_and_says_warnings_as_lines() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--accessible", "--element", "woocommerce"])
        .size(400, 200)
        .spawn();
    answer(&mut pty, "Store URL (required", "shop.example.com");
    pty.wait_for("Error: Store URL must be an https:// or http:// URL with a host; with its scheme: https://shop.example.com");
    // Enter alone takes the offer; the derived API URL follows it.
    answer(
        &mut pty,
        "Store URL: https://shop.example.com — Enter accepts, or type the value again:",
        "",
    );
    answer(
        &mut pty,
        "API base URL (required; e.g. https://shop.example.com/wc-api/v2; Enter keeps https://shop.example.com/wc-api/v2):",
        "",
    );
    answer(&mut pty, "Consumer key (required", "1234abcd");
    pty.wait_for("Warning: Consumer key usually starts with ck_");
    // Not blocked: the next field is asked.
    answer(&mut pty, "Consumer secret (required", "cs_1");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "");
    answer(&mut pty, "Instance name (Enter keeps", "shop");
    answer(&mut pty, "Tags, separated by commas", "");
    let review = pty.wait_for("Create this instance now? [Y/n]:");
    assert!(
        review.contains("  Store URL: https://shop.example.com"),
        "{review}"
    );
    assert!(review.contains("  Consumer key: 1234abcd"), "{review}");
    pty.send(&keys::ctrl('c'));
    pty.wait_exit();
}

#[test]
fn the_wizard_takes_the_offered_scheme_on_enter() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pick_element(&mut pty, "woo", "WooCommerce (legacy)");
    pty.type_text("shop.example.com");
    pty.wait_for("https://shop.example.com — Enter accepts");
    pty.send(keys::ENTER);
    let screen = pty.wait_for("› API base URL");
    assert_eq!(
        form_value(&screen, "Store URL").as_deref(),
        Some("https://shop.example.com"),
        "{screen}"
    );
    pty.send(keys::ENTER);
    pty.wait_for("› Consumer key");
    pty.type_text("1234abcd");
    pty.send(keys::ENTER);
    pty.wait_for_all(&[
        "› Consumer secret",
        "! Consumer key usually starts with ck_",
    ]);
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

/// The Connection step's offer, in a real terminal: the sandbox's address
/// typed without its scheme is offered with `http://` (this machine), and
/// Enter alone takes it and moves on, so the secrets typed next reach the
/// Element step through it.
#[test]
fn the_connection_step_takes_the_offered_base_url_on_enter() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .base_url("http://127.0.0.1:9/elements/api-v2")
        .spawn();
    pty.wait_for("› User secret");
    pty.send(keys::BACKTAB);
    pty.wait_for("› Base URL");
    // Ctrl-E then Ctrl-U: the whole address goes.
    pty.send(&keys::ctrl('e'));
    pty.send(&keys::ctrl('u'));
    let schemeless = sb.base_url().trim_start_matches("http://").to_string();
    pty.type_text(&schemeless);
    pty.wait_for(&format!("{} — Enter accepts", sb.base_url()));
    pty.send(keys::ENTER);
    let screen = pty.wait_for("› User secret");
    assert_eq!(
        form_value(&screen, "Base URL").as_deref(),
        Some(sb.base_url().as_str()),
        "{screen}"
    );
    assert!(!screen.contains("Enter accepts"), "{screen}");
    pty.type_text(sb.user_secret());
    pty.send(keys::ENTER);
    pty.wait_for("› Organization secret");
    pty.type_text(sb.org_secret());
    pty.send(keys::ENTER);
    let screen = pty.wait_for("Choose an element");
    assert!(
        screen.contains("127.0.0.1:"),
        "the header names the host: {screen}"
    );
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}
