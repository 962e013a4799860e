//! Leaving the wizard with Ctrl-C at every step gives the terminal back as
//! it was: echo and canonical mode on (read from this side of the pty after
//! the wizard has exited), the alternate screen left, the cursor shown and
//! bracketed paste off (read from the raw byte stream it wrote).

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::{keys, Pty, Spawn};
use common::wizard::{token_on_done, Home, SilentPlatform, Wizard};

const INTERRUPTED: u32 = 130;

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// Waits for the wizard to end, then for the terminal to be released, and
/// asserts it was given back as it was found.
fn assert_restored(pty: &mut Pty) -> u32 {
    let code = pty.finish();
    assert!(
        pty.raw_output().windows(8).any(|w| w == b"\x1b[?1049h"),
        "the wizard never entered the alternate screen, so this proves nothing"
    );
    let problems = pty.restore_problems();
    assert!(
        problems.is_empty(),
        "the terminal was not restored: {problems:#?}\nthe screen:\n{}",
        common::pty::frame(&pty.screen())
    );
    code
}

/// Ctrl-C, and Ctrl-C again to confirm when the wizard asks (it does once
/// something was typed).
fn ctrl_c(pty: &mut Pty, confirm: bool) {
    pty.send(keys::CTRL_C);
    if confirm {
        pty.wait_for("Quit ce-wizard?");
        pty.send(keys::CTRL_C);
    }
}

/// Fills BigCommerce's form (opened with `--element bigcommerce`).
fn fill_bigcommerce(pty: &mut Pty) {
    pty.wait_for("BigCommerce: configuration");
    pty.type_text("https://store-q.mybigcommerce.com");
    pty.send(keys::ENTER);
    pty.type_text("quitter");
    pty.send(keys::ENTER);
    pty.type_text("token");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Review: a new BigCommerce instance");
}

#[test]
fn the_check_notices_a_terminal_left_raw() {
    // A program that leaves everything wrong: the check must say so, or
    // the tests below could not fail.
    let dir = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(Spawn {
        program: "/bin/sh",
        args: vec![
            "-c".into(),
            r"stty raw -echo; printf '\033[?1049h\033[?25l\033[?2004hleft raw'".into(),
        ],
        env: vec![("PATH".into(), std::env::var("PATH").unwrap_or_default())],
        cwd: dir.path(),
        cols: 80,
        rows: 24,
    });
    pty.wait_for("left raw");
    assert_eq!(pty.finish(), 0);
    let problems = pty.restore_problems().join("\n");
    for expected in [
        "echo is off",
        "canonical mode (icanon) is off",
        "the alternate screen was never left",
        "the cursor was left hidden",
        "bracketed paste was left on",
        "the terminal emulator still shows the alternate screen",
    ] {
        assert!(problems.contains(expected), "{expected:?} in:\n{problems}");
    }
}

#[test]
fn ctrl_c_on_connection() {
    let sb = sandbox();
    let home = Home::new();
    // Without secrets the wizard opens on Connection.
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .spawn();
    pty.wait_for("Connect to Cloud Elements");
    ctrl_c(&mut pty, false);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
}

#[test]
fn ctrl_c_on_connection_after_typing() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .spawn();
    pty.wait_for("Connect to Cloud Elements");
    pty.type_text("half-a-secret");
    ctrl_c(&mut pty, true);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
    assert!(
        !String::from_utf8_lossy(&pty.raw_output()).contains("half-a-secret"),
        "the secret was never echoed"
    );
}

#[test]
fn ctrl_c_on_element() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).spawn();
    pty.wait_for("Choose an element");
    ctrl_c(&mut pty, false);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
}

#[test]
fn ctrl_c_on_configure() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "bigcommerce"])
        .spawn();
    pty.wait_for("BigCommerce: configuration");
    pty.type_text("https://store");
    ctrl_c(&mut pty, true);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
}

#[test]
fn ctrl_c_on_authorize() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "infusionsoftecommerce"])
        .size(120, 30)
        .spawn();
    pty.wait_for("Infusionsoft eCommerce: configuration");
    pty.type_text("client-id");
    pty.send(keys::ENTER);
    pty.type_text("client-secret");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Waiting for you to allow access");
    ctrl_c(&mut pty, true);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
    assert!(sb.instances().is_empty());
}

#[test]
fn ctrl_c_on_review() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "bigcommerce"])
        .spawn();
    fill_bigcommerce(&mut pty);
    ctrl_c(&mut pty, true);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
    assert!(sb.instances().is_empty());
}

#[test]
fn ctrl_c_while_creating() {
    // A platform that takes connections and never answers keeps the wizard
    // on Creating for as long as the test needs.
    let silent = SilentPlatform::start();
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .base_url(&silent.url)
        .args(&["--element", "bigcommerce"])
        .spawn();
    fill_bigcommerce(&mut pty);
    pty.send(keys::ENTER);
    pty.wait_for("Creating the BigCommerce instance");
    let start = std::time::Instant::now();
    while silent.connections() == 0 {
        assert!(
            start.elapsed() < common::pty::DEADLINE,
            "the create request never reached the silent platform"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    ctrl_c(&mut pty, true);
    assert_eq!(assert_restored(&mut pty), INTERRUPTED);
}

#[test]
fn ctrl_c_on_done() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "bigcommerce"])
        .spawn();
    fill_bigcommerce(&mut pty);
    pty.send(keys::ENTER);
    let token = token_on_done(&pty);
    // The token was neither copied nor saved: Ctrl-C asks first (a second
    // one quits), and the run counts as a success.
    ctrl_c(&mut pty, true);
    assert_eq!(assert_restored(&mut pty), 0);
    assert_eq!(sb.instances()[0]["token"], token.as_str());
    assert!(pty.screen().contains("Created instance"));
}
