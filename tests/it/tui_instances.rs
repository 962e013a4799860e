//! The wizard's Instances view end to end: the built binary in a real
//! pseudo-terminal against a sandbox seeded with instances, some of them
//! invalid. A person finds a broken one by typing, tests it, deletes one
//! after typing its name, and the list says so.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::keys;
use common::wizard::{pick_element, quit_keeping_nothing, token_on_done, Home, Wizard};

/// 60 seeded instances; the third, "Infusionsoft store 00003", is invalid.
fn seeded() -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: 60,
        ..Default::default()
    })
    .expect("sandbox starts")
}

#[test]
fn find_a_broken_instance_by_typing_test_it_and_delete_it() {
    let sb = seeded();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .arg("instances")
        .size(120, 40)
        .spawn();
    let id = sb
        .instances()
        .iter()
        .find(|i| i["name"] == "Infusionsoft store 00003")
        .and_then(|i| i["id"].as_i64())
        .unwrap();
    let s = pty.wait_for("60 instances");
    assert!(s.contains("BigCommerce store 00001"), "{s}");

    pty.type_text("store 00003");
    let s = pty.wait_until("the invalid instance alone under the filter", |s| {
        s.contains("1 of 60 instances") && s.contains("› Infusionsoft store 00003")
    });
    assert!(s.contains("invalid"), "{s}");

    pty.send(&keys::ctrl('t'));
    let s = pty.wait_for(&format!("Instance {id} is broken"));
    assert!(s.contains("marks this instance invalid"), "{s}");

    pty.send(&keys::ctrl('d'));
    pty.wait_for("Type its name");
    pty.type_text("Infusionsoft store");
    pty.send(keys::ENTER);
    pty.wait_for("Type the instance's name exactly");
    assert_eq!(
        sb.instances().len(),
        60,
        "a part of the name deletes nothing"
    );
    pty.type_text(" 00003");
    pty.send(keys::ENTER);
    let s = pty.wait_for(&format!("Deleted instance {id}"));
    assert!(s.contains("0 of 59 instances"), "{s}");
    assert_eq!(sb.instances().len(), 59);
    assert!(sb.instances().iter().all(|i| i["id"].as_i64() != Some(id)));

    // Esc clears the filter, then ends the run.
    pty.send(keys::ESC);
    // "0 of 59 instances" holds "59 instances" too: wait for the cleared
    // filter itself, or the second Esc follows the first so closely that
    // the terminal reads the two as one sequence.
    pty.wait_until("the filter cleared", |s| {
        s.contains("59 instances") && !s.contains("of 59")
    });
    pty.send(keys::ESC);
    assert_eq!(pty.finish(), 0);
}

#[test]
fn f2_opens_the_list_from_the_element_step_and_esc_returns() {
    let sb = seeded();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).size(120, 40).spawn();
    pty.wait_for("F2 instances");
    pty.send(keys::F2);
    pty.wait_for("60 instances");
    pty.send(keys::ESC);
    pty.wait_for("F2 instances");
    pty.send(&keys::ctrl('c'));
    pty.finish();
}

/// A status word filters by status, F3 puts troubled instances first, and
/// from Done `i` opens the list on the instance just created.
#[test]
fn status_words_filter_and_done_opens_the_list_on_the_new_instance() {
    let sb = seeded();
    let home = Home::new();
    let listed = sb.instances();
    let status = |i: &serde_json::Value| {
        if i["disabled"] == true {
            "disabled"
        } else if i["valid"] == false {
            "invalid"
        } else {
            "valid"
        }
    };
    let invalid = listed.iter().filter(|i| status(i) == "invalid").count();
    let disabled = listed.iter().filter(|i| status(i) == "disabled").count();
    assert!(invalid > 0 && disabled > 0, "the seed has both");

    let mut pty = Wizard::new(&sb, &home).size(120, 40).spawn();
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
    pty.type_text("zz-new-ecwid");
    pty.send(keys::ENTER);
    pty.send(keys::ENTER);
    pty.wait_for("Review: a new Ecwid instance");
    pty.send(keys::ENTER);
    token_on_done(&pty);
    let s = pty.wait_for("i instances");
    assert!(s.contains("zz-new-ecwid"), "{s}");

    pty.send("i");
    let s = pty.wait_until("the list on the new instance", |s| {
        s.contains("61 instances") && s.contains("› zz-new-ecwid")
    });
    assert!(!s.contains("of 61"), "no filter hides it: {s}");

    pty.type_text("invalid");
    let s = pty.wait_for(&format!("{invalid} of 61 instances"));
    assert!(!s.contains("  valid "), "{s}");
    pty.type_text(" disabled");
    pty.wait_for(&format!("{} of 61 instances", invalid + disabled));
    pty.send(&keys::ctrl('u'));
    pty.wait_until("the filter cleared", |s| {
        s.contains("61 instances") && !s.contains("of 61")
    });
    pty.send("\x1bOR"); // F3
    let s = pty.wait_for("61 instances · troubled first");
    let first = s
        .lines()
        .skip_while(|l| !l.contains("NAME"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        first.contains("invalid") || first.contains("disabled"),
        "a troubled one first: {first}\n{s}"
    );

    // Esc goes back to Done, the token still there.
    pty.send(keys::ESC);
    pty.wait_for("i instances");
    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.finish(), 0);
}
