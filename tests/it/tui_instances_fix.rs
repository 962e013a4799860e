//! Fixing instances from the wizard's Instances view, end to end: the
//! built binary in a real pseudo-terminal against a seeded sandbox.
//!
//! - A broken (invalid) instance is re-authorized: the view asks the app's
//!   secret, the Authorize step opens the sign-in in headless Chromium (the
//!   test presses Allow over the DevTools Protocol), the provider's redirect
//!   reaches the wizard's listener, the wizard sends the new code with
//!   `PATCH /instances/{id}` (the grant and the changed app settings only),
//!   checks the instance again, and the list shows it working.
//! - On a 500-instance account, F7 checks every instance, "broken" keeps
//!   the broken ones, and one of them is re-authorized the same way.
//! - An instance's name and tags are edited, and the sandbox then holds them.
//!
//! Every key waits for the screen state it acts on, so no two keys reach the
//! terminal close enough to be read as one escape sequence.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use common::browser::Browser;
use common::pty::{keys, Pty};
use common::wizard::{form_value, quit_keeping_nothing, token_on_done, Home, Wizard};
use serde_json::Value;

/// 60 seeded instances; "Infusionsoft store 00003" (OAuth 2) is invalid.
fn seeded() -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: 60,
        ..Default::default()
    })
    .expect("sandbox starts")
}

fn stored(sb: &Sandbox, name: &str) -> Value {
    sb.instances()
        .into_iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no instance named {name}"))
}

/// Types a filter that leaves `name` alone, selected.
fn find(pty: &mut Pty, filter: &str, name: &str) {
    pty.type_text(filter);
    pty.wait_until(&format!("{name} alone under the filter"), |s| {
        s.contains("1 of 60 instances") && s.contains(&format!("› {name}"))
    });
}

/// Ctrl-G on the selected "Infusionsoft store 00003": the app's secret
/// typed, Allow pressed in Chromium, and the wizard saying it works.
fn reauthorize_store_00003(pty: &mut Pty, browser: &Browser, id: i64) {
    pty.send(&keys::ctrl('g'));
    let s = pty.wait_for(&format!("Re-authorize instance {id}"));
    assert!(s.contains("client-00003"), "the stored app key: {s}");
    // The key is there, so the cursor waits in the secret.
    pty.type_text("keap-reauth-secret");
    let s = pty.wait_for("App secret  ••••••••••••••••••");
    assert!(!s.contains("keap-reauth-secret"), "{s}");
    pty.send(keys::ENTER);

    let mut page = browser.page();
    page.wait_for_text("Allow");
    assert!(
        page.url().contains("client_id=client-00003"),
        "{}",
        page.url()
    );
    page.click("allow");
    page.wait_for_text("Authorization received");

    let s = pty.wait_for(&format!("Re-authorized instance {id}"));
    assert!(s.contains("works"), "{s}");
}

/// A 500-instance account behind latency and a rate limit: F7 checks every
/// instance (the header counting), typing "broken" keeps the broken ones,
/// and one of them is re-authorized and then works.
#[test]
fn all_of_500_are_checked_then_the_broken_filtered_and_one_reauthorized() {
    let sb = Sandbox::start(SandboxOptions {
        instances: 500,
        latency: std::time::Duration::from_millis(5),
        rate_limit: Some(ce_wizard::sandbox::RateLimit { per_second: 400 }),
        workers: 16,
        ..Default::default()
    })
    .expect("sandbox starts");
    let home = Home::new();
    let browser = Browser::new();
    let invalid: Vec<i64> = sb
        .instances()
        .iter()
        .filter(|i| i["valid"] == false && i["disabled"] == false)
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let id = stored(&sb, "Infusionsoft store 00003")["id"]
        .as_i64()
        .unwrap();

    let mut pty = Wizard::new(&sb, &home)
        .browser(&browser)
        .arg("instances")
        .size(120, 40)
        .spawn();
    pty.wait_for("500 instances");
    // F7 as xterm sends it.
    pty.send("\x1b[18~");
    pty.wait_for("checking ");
    let s = pty.wait_for("Checked 500:");
    assert!(
        s.contains(&format!(
            "Checked 500: {} broken or disabled",
            invalid.len() + 20
        )),
        "{s}"
    );
    assert!(!s.contains("checking "), "{s}");
    let pings = sb
        .requests()
        .iter()
        .filter(|r| r.path.contains("/hubs/"))
        .count();
    assert!(pings >= 500, "{pings} calls through instances");

    pty.type_text("broken");
    pty.wait_until("only the broken ones", |s| {
        s.contains(&format!("{} of 500 instances", invalid.len()))
    });
    pty.type_text(" store 00003");
    pty.wait_until("store 00003 alone among the broken", |s| {
        s.contains("1 of 500 instances") && s.contains("› Infusionsoft store 00003")
    });
    reauthorize_store_00003(&mut pty, &browser, id);
    assert_eq!(stored(&sb, "Infusionsoft store 00003")["valid"], true);
    pty.send(keys::ESC);
    pty.wait_until("the filter cleared", |s| {
        s.contains("500 instances") && !s.contains("of 500")
    });
    pty.send(keys::ESC);
    assert_eq!(pty.finish(), 0);
}

#[test]
fn a_broken_instance_is_reauthorized_in_chromium_and_then_works() {
    let sb = seeded();
    let home = Home::new();
    let browser = Browser::new();
    let before = stored(&sb, "Infusionsoft store 00003");
    assert_eq!(before["valid"], false);
    let id = before["id"].as_i64().unwrap();

    let mut pty = Wizard::new(&sb, &home)
        .browser(&browser)
        .arg("instances")
        .size(120, 40)
        .spawn();
    pty.wait_for("60 instances");
    find(&mut pty, "store 00003", "Infusionsoft store 00003");
    let s = pty.wait_for("Ctrl-G re-auth");
    assert!(s.contains("invalid"), "{s}");

    reauthorize_store_00003(&mut pty, &browser, id);
    pty.wait_until("the list shows it working", |s| {
        s.contains("› Infusionsoft store 00003") && s.contains("works") && s.contains("1 of 60")
    });
    let after = stored(&sb, "Infusionsoft store 00003");
    assert_eq!(after["valid"], true, "the platform marks it valid again");
    assert_ne!(after["token"], before["token"], "a new element token");
    assert_eq!(
        after["configuration"]["oauth.api.secret"], "keap-reauth-secret",
        "the secret typed went with the grant"
    );
    assert_eq!(browser.opened().len(), 1, "{:?}", browser.opened());
    let patch = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("the re-authorizing PATCH");
    crate::cli_instances::assert_only_the_grant_and_changed_app_settings(&patch, &before);
    assert!(!sb.requests().iter().any(|r| r.method == "PUT"));

    pty.send(keys::ESC);
    pty.wait_until("the filter cleared", |s| {
        s.contains("60 instances") && !s.contains("of 60")
    });
    pty.send(keys::ESC);
    assert_eq!(pty.finish(), 0);
}

#[test]
fn name_and_tags_are_edited_in_place_and_the_platform_holds_them() {
    let sb = seeded();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .arg("instances")
        .size(80, 24)
        .spawn();
    pty.wait_for("60 instances");
    let id = stored(&sb, "Ecwid store 00002")["id"].as_i64().unwrap();
    find(&mut pty, "store 00002", "Ecwid store 00002");
    pty.wait_for("F4 edit");

    pty.send("\x1bOS"); // F4
    pty.wait_for(&format!("Edit instance {id}"));
    pty.send(&keys::ctrl('u'));
    pty.wait_for("Instance name is required");
    pty.type_text("Ecwid EU shop");
    pty.wait_until("the new name typed, valid", |s| {
        s.contains("Name  Ecwid EU shop") && !s.contains("is required")
    });
    pty.send(keys::TAB);
    pty.send(&keys::ctrl('u'));
    pty.wait_until("the tags cleared", |s| {
        s.lines().any(|l| l.trim_end().ends_with("Tags"))
    });
    pty.type_text("prod, eu-west");
    pty.wait_for("Tags  prod, eu-west");
    pty.send(keys::ENTER);

    let s = pty.wait_for(&format!("Updated instance {id}"));
    assert!(s.contains("Ecwid EU shop"), "{s}");
    let after = stored(&sb, "Ecwid EU shop");
    assert_eq!(after["id"].as_i64(), Some(id));
    assert_eq!(after["tags"], serde_json::json!(["prod", "eu-west"]));
    assert_eq!(sb.instances().len(), 60);

    // The filter finds it under its new tag.
    pty.send(&keys::ctrl('u'));
    pty.wait_until("the filter cleared", |s| {
        s.contains("60 instances") && !s.contains("of 60")
    });
    pty.type_text("eu-west");
    pty.wait_until("found by its new tag", |s| {
        s.contains("1 of 60 instances") && s.contains("› Ecwid EU shop")
    });
    pty.send(keys::ESC);
    pty.wait_until("the filter cleared", |s| {
        s.contains("60 instances") && !s.contains("of 60")
    });
    pty.send(keys::ESC);
    assert_eq!(pty.finish(), 0);
}

/// Deletes the selected instance once its name is typed.
fn delete_selected(pty: &mut Pty, name: &str) {
    pty.send(&keys::ctrl('d'));
    pty.wait_for("Type its name");
    pty.type_text(name);
    pty.wait_for(&format!("Type its name: {name}"));
    pty.send(keys::ENTER);
}

#[test]
fn a_delete_whose_answer_is_lost_is_told_by_reading_the_instance_again() {
    let sb = seeded();
    let home = Home::new();
    let name = "Magento store 00004";
    let id = stored(&sb, name)["id"].as_i64().unwrap();
    let path = format!("/elements/api-v2/instances/{id}");
    let mut pty = Wizard::new(&sb, &home)
        .arg("instances")
        .size(120, 40)
        .spawn();
    pty.wait_for("60 instances");
    find(&mut pty, "store 00004", name);

    // A gateway error, the delete never handled: reading it again finds it.
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(502))
            .on("DELETE", &path)
            .times(1),
    ));
    delete_selected(&mut pty, name);
    let s = pty.wait_for(&format!("Instance {id} was not deleted"));
    assert!(s.contains("still there"), "{s}");
    assert_eq!(sb.instances().len(), 60);

    // Handled, but the answer broken off: reading it again finds it gone.
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::DropAfterHandling)
            .on("DELETE", &path)
            .times(1),
    ));
    delete_selected(&mut pty, name);
    let s = pty.wait_for(&format!("Deleted instance {id}"));
    assert!(s.contains("found it gone"), "{s}");
    assert!(s.contains("0 of 59 instances"), "{s}");
    assert_eq!(sb.instances().len(), 59);
    assert_eq!(sb.count("DELETE", &path), 2, "each delete sent once");
    assert_eq!(sb.count("GET", &path), 2, "one read after each lost answer");

    pty.send(keys::ESC);
    pty.wait_until("the filter cleared", |s| {
        s.contains("59 instances") && !s.contains("of 59")
    });
    pty.send(keys::ESC);
    assert_eq!(pty.finish(), 0);
}

#[test]
fn new_from_this_opens_the_form_filled_but_for_the_secret_and_creates_a_second() {
    let sb = seeded();
    let home = Home::new();
    let model = stored(&sb, "BigCommerce store 00001");
    let mut pty = Wizard::new(&sb, &home)
        .arg("instances")
        .size(120, 40)
        .spawn();
    pty.wait_for("60 instances");
    find(&mut pty, "store 00001", "BigCommerce store 00001");
    pty.wait_for("Ctrl-B new from this");

    pty.send(&keys::ctrl('b'));
    // A frame can be read half drawn: wait for the notice below the form
    // too, not only the title above it.
    let form = pty.wait_for_all(&["BigCommerce: configuration", "secrets left empty"]);
    assert_eq!(
        form_value(&form, "Store API URL").as_deref(),
        Some("https://store-s00001.mybigcommerce.com/api/v2/"),
        "{form}"
    );
    assert_eq!(
        form_value(&form, "API username").as_deref(),
        Some("integration")
    );
    assert!(!form.contains("bc-token-00001"), "the secret is not copied");
    let name = form_value(&form, "Instance name").expect("a name on the form");
    assert!(name.starts_with("bigcommerce-"), "a fresh name: {name}");

    // The secret is the one thing left to give.
    pty.send(&keys::ctrl('s'));
    pty.wait_for("› API token");
    pty.type_text("bc-token-second");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Review: a new BigCommerce instance");
    pty.send(keys::ENTER);
    let token = token_on_done(&pty);

    assert_eq!(sb.instances().len(), 61);
    let made = sb
        .instances()
        .into_iter()
        .find(|i| i["token"] == token.as_str())
        .expect("the new instance");
    assert_eq!(made["name"], name.as_str());
    assert_eq!(made["tags"], model["tags"], "the tags come along");
    assert_eq!(
        made["configuration"]["store.url"],
        model["configuration"]["store.url"]
    );
    assert_eq!(made["configuration"]["username"], "integration");
    assert_eq!(made["configuration"]["password"], "bc-token-second");
    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.finish(), 0);
}
