//! While the person reads, the wizard leaves the terminal alone: a screen on
//! which nothing moves is not redrawn on the 100 ms tick (it used to be,
//! ten writes a second), while a spinner keeps turning.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::{frame, keys};
use common::wizard::{pick_element, Home, SilentPlatform, Wizard};
use std::time::Duration;

#[test]
fn a_still_screen_is_not_redrawn_while_the_person_reads() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let home = Home::new();
    let mut pty = Wizard::new(&sandbox, &home).spawn();
    // Everything the start set going (the catalog's refresh) has come back.
    pty.wait_until("the refreshed live catalog", |s| {
        s.contains("live catalog") && !s.contains("refreshing")
    });
    pick_element(&mut pty, "bigc", "BigCommerce");
    // The whole Configure frame is out (its footer is written last), so
    // what follows is only what the wizard writes while nothing happens.
    pty.wait_for("F1 help");

    let before = pty.raw_output().len();
    std::thread::sleep(Duration::from_millis(1500));
    let written = &pty.raw_output()[before..];
    assert!(
        written.is_empty(),
        "the wizard wrote {} bytes to a still screen in 1.5 s: {:?}\n{}",
        written.len(),
        String::from_utf8_lossy(&written[..written.len().min(200)]),
        frame(&pty.screen())
    );

    // Still awake: a key is answered at once.
    pty.type_text("https://store-idle.mybigcommerce.com");
    pty.wait_for("https://store-idle.mybigcommerce.com");
    pty.send(keys::CTRL_C);
    pty.wait_for("Quit ce-wizard?");
    pty.send(keys::CTRL_C);
    assert_eq!(pty.finish(), 130);
}

#[test]
fn a_spinner_keeps_turning_without_a_key() {
    // The catalog's fetch never ends: its spinner stays on screen.
    let silent = SilentPlatform::start();
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let home = Home::new();
    let mut pty = Wizard::new(&sandbox, &home).base_url(&silent.url).spawn();
    let first = pty.wait_for("fetching the catalog");
    let spinner_row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("fetching the catalog"))
            .unwrap_or_default()
            .to_string()
    };
    let turned_from = spinner_row(&first);
    pty.wait_until("the spinner to turn with no key pressed", |s| {
        let row = spinner_row(s);
        !row.is_empty() && row != turned_from
    });
    pty.send(keys::CTRL_C);
    assert_eq!(pty.finish(), 130);
}
