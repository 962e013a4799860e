//! The wizard under faults, signals and panics, end to end: the built
//! binary in a real pseudo-terminal against a sandbox on loopback whose
//! faults are switched on at the moment they matter. Each test asserts what
//! the person reads, how many instances the platform holds, and, for
//! signals and panics, the raw bytes the program wrote and the terminal's
//! modes once it is gone.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use common::pty::{flat, frame, keys, rfind, value_after, Pty, Spawn, DEADLINE};
use common::wizard::{Home, Wizard};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const INSTANCES: &str = "/elements/api-v2/instances";
const REVIEW: &str = "Review: a new Ecwid instance";
const DONE: &str = "Copy it (c) or save it (s) now";

/// The terminal as the program left it (see `Pty::restore_problems`):
/// echo and line editing back, the alternate screen left, the cursor shown.
/// Returns where the alternate screen was left, in the raw output.
fn assert_restored(term: &Pty) -> usize {
    let raw = term.raw_output();
    assert!(
        rfind(&raw, b"\x1b[?1049h").is_some(),
        "the program never entered the alternate screen, so this proves nothing"
    );
    let problems = term.restore_problems();
    assert!(
        problems.is_empty(),
        "the terminal was not restored: {problems:#?}\nthe end of the output: {}",
        String::from_utf8_lossy(&raw[raw.len().saturating_sub(400)..]).escape_debug()
    );
    rfind(&raw, b"\x1b[?1049l").expect("left the alternate screen")
}

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

fn wizard(sandbox: &Sandbox, home: &Home, extra: &[&str]) -> Pty {
    Wizard::new(sandbox, home).args(extra).size(100, 30).spawn()
}

/// The Ecwid form, filled in by keystrokes, on the Review step.
fn ecwid_at_review(sandbox: &Sandbox, home: &Home, extra: &[&str]) -> Pty {
    let mut args = vec!["--element", "ecwid"];
    args.extend_from_slice(extra);
    let mut term = wizard(sandbox, home, &args);
    term.wait_for("Ecwid: configuration");
    term.type_text("4242");
    term.send(keys::ENTER);
    term.type_text("order-key");
    term.send(keys::ENTER);
    term.type_text("product-key");
    term.send(&keys::ctrl('s'));
    term.wait_for(REVIEW);
    term
}

fn on_create(kind: FaultKind) -> Fault {
    Fault::new(kind).on("POST", "/instances")
}

/// Creates from the Review step (or an error screen's Enter) and waits for
/// the Done screen; returns the token shown.
fn create_succeeds(term: &mut Pty) -> String {
    term.send(keys::ENTER);
    term.wait_for(DONE);
    token(term)
}

/// The token on the Done screen, read twice alike so that it is never taken
/// off a half-drawn line.
fn token(term: &Pty) -> String {
    let start = Instant::now();
    let mut last = None;
    loop {
        let now = value_after(&term.screen(), "Token");
        if let Some(token) = now.as_ref().filter(|_| now == last) {
            return token.clone();
        }
        assert!(
            start.elapsed() < DEADLINE,
            "no token on the screen:\n{}",
            frame(&term.screen())
        );
        last = now;
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn assert_one_instance(sandbox: &Sandbox, token: &str) {
    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1, "exactly one instance: {stored:?}");
    assert_eq!(stored[0]["token"], json!(token), "the one on the screen");
    assert_eq!(stored[0]["configuration"]["ecwid.store.id"], json!("4242"));
}

#[test]
fn server_errors_on_create_are_explained_and_a_retry_makes_one_instance() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    sb.set_faults(Faults::one(on_create(FaultKind::Status(500))));
    term.send(keys::ENTER);
    term.wait_for_all(&[
        "(HTTP 500)",
        REVIEW,
        "requestId",
        "Nothing is wrong with what you typed",
    ]);

    sb.set_faults(Faults::one(on_create(FaultKind::Status(503))));
    term.send(keys::ENTER);
    term.wait_for_all(&["(HTTP 503)", REVIEW]);
    assert!(sb.instances().is_empty());

    sb.set_faults(Faults::none());
    let token = create_succeeds(&mut term);
    assert_one_instance(&sb, &token);
    assert_eq!(sb.count("POST", INSTANCES), 3, "each create sent once");
}

#[test]
fn a_rate_limited_create_says_how_long_to_wait() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    sb.set_faults(Faults::one(on_create(FaultKind::RateLimited {
        retry_after_secs: 7,
    })));
    term.send(keys::ENTER);
    term.wait_for_all(&["asks to wait 7 s", "Wait 7 seconds, then try again", REVIEW]);
    assert!(sb.instances().is_empty());

    sb.set_faults(Faults::none());
    let token = create_succeeds(&mut term);
    assert_one_instance(&sb, &token);
}

#[test]
fn an_answer_dropped_after_the_create_is_recovered_not_created_twice() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    sb.set_faults(Faults::one(on_create(FaultKind::DropAfterHandling)));
    term.send(keys::ENTER);
    term.wait_for_all(&[DONE, "The connection dropped after the platform created the instance; ce-wizard found it, so nothing was created twice."]);
    let token = token(&term);
    assert_one_instance(&sb, &token);
    assert_eq!(sb.count("POST", INSTANCES), 1, "sent once");
    assert_eq!(sb.count("GET", INSTANCES), 1, "then looked up");
}

#[test]
fn web_pages_and_broken_json_say_nothing_was_created_and_retry_is_safe() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    sb.set_faults(Faults::one(on_create(FaultKind::Html(200)).times(1)));
    term.send(keys::ENTER);
    term.wait_for_all(&[
        "The answer was lost, and nothing was created",
        "web page instead of the API's JSON",
        "Enter create again",
    ]);
    assert!(sb.instances().is_empty());

    sb.set_faults(Faults::one(on_create(FaultKind::MalformedJson).times(1)));
    term.send(keys::ENTER);
    term.wait_for_all(&[
        "is not valid JSON",
        "The answer was lost, and nothing was created",
    ]);
    assert!(sb.instances().is_empty());

    // The faults are spent: Enter on the error screen creates it.
    let token = create_succeeds(&mut term);
    assert_one_instance(&sb, &token);
    assert_eq!(sb.count("POST", INSTANCES), 3);
}

#[test]
fn an_unreadable_instance_list_asks_to_check_first_and_a_new_look_finds_it() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    sb.set_faults(
        Faults::one(on_create(FaultKind::DropAfterHandling))
            .and(Fault::new(FaultKind::Status(503)).on("GET", "/instances")),
    );
    term.send(keys::ENTER);
    term.wait_for_all(&[
        "may have been created",
        "Check the platform before creating it again",
        "r check again",
    ]);
    assert_eq!(sb.instances().len(), 1, "the platform did create it");

    // Still unreadable: said so, and still nothing is resent.
    term.send("r");
    term.wait_for("could not be read this time either");
    assert_eq!(sb.count("POST", INSTANCES), 1);

    sb.set_faults(Faults::none());
    term.send("r");
    term.wait_for_all(&[DONE, "nothing was created twice"]);
    let token = token(&term);
    assert_one_instance(&sb, &token);
    assert_eq!(sb.count("POST", INSTANCES), 1, "never sent again");
}

#[test]
fn an_unknown_outcome_looked_up_and_not_found_is_then_created_once() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    // A proxy's error page for everything, the create and the list alike.
    sb.set_faults(Faults::one(Fault::new(FaultKind::Html(502))));
    term.send(keys::ENTER);
    term.wait_for("may have been created");
    assert!(sb.instances().is_empty());

    sb.set_faults(Faults::none());
    term.send("r");
    term.wait_for_all(&[
        "The answer was lost, and nothing was created",
        "read again, include no new instance",
    ]);
    let token = create_succeeds(&mut term);
    assert_one_instance(&sb, &token);
    assert_eq!(sb.count("POST", INSTANCES), 2);
}

#[test]
fn a_hung_create_gives_up_at_the_request_timeout_and_says_so() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &["--request-timeout", "2s"]);

    sb.set_faults(Faults::one(on_create(FaultKind::Hang).times(1)));
    term.send(keys::ENTER);
    term.wait_for("each call gives up after 2s");
    // Well within the wait's deadline: the wizard does not wait forever.
    term.wait_for_all(&[
        "did not answer in time",
        "The answer was lost, and nothing was created",
    ]);
    assert!(sb.instances().is_empty());

    let token = create_succeeds(&mut term);
    assert_one_instance(&sb, &token);
}

#[test]
fn esc_cancels_a_hung_create_keeps_the_form_and_a_retry_succeeds() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    sb.set_faults(Faults::one(on_create(FaultKind::Hang).times(1)));
    term.send(keys::ENTER);
    term.wait_for("Creating the Ecwid instance");
    term.send(keys::ESC);
    term.wait_for_all(&["may still have reached the platform", REVIEW]);

    term.send(keys::ESC);
    // The form as it was typed: the store ID in clear, the keys masked.
    term.wait_for_all(&["Ecwid: configuration", "4242"]);
    term.send(&keys::ctrl('s'));
    term.wait_for(REVIEW);
    // Enter looks for the cancelled create first; it made nothing.
    term.send(keys::ENTER);
    term.wait_for_all(&[
        "include no new instance",
        "The answer was lost, and nothing was created",
    ]);
    let token = create_succeeds(&mut term);
    assert_one_instance(&sb, &token);
}

#[test]
fn a_cancelled_create_that_arrived_is_found_not_made_twice() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);

    // The platform creates the instance, but only after the person has
    // stopped waiting for it.
    sb.set_faults(Faults::one(
        on_create(FaultKind::Delay(Duration::from_millis(1500))).times(1),
    ));
    term.send(keys::ENTER);
    term.wait_for("Creating the Ecwid instance");
    term.send(keys::ESC);
    term.wait_for_all(&["may still have reached the platform", REVIEW]);
    let start = Instant::now();
    while sb.instances().is_empty() {
        assert!(
            start.elapsed() < DEADLINE,
            "the delayed create never landed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    term.send(keys::ENTER);
    term.wait_for_all(&[
        DONE,
        "You stopped waiting, but the create had reached the platform",
    ]);
    let token = token(&term);
    assert_one_instance(&sb, &token);
    assert_eq!(
        sb.count("POST", "/elements/api-v2/instances"),
        1,
        "sent once"
    );
}

/// Sends `signal` and checks that the wizard ends as interrupted (it caught
/// the signal) and gave the terminal back.
fn signal_restores(mut term: Pty, signal: &str) {
    assert!(term.is_raw(), "the wizard runs in raw mode");
    term.signal(signal);
    assert_eq!(term.finish(), 130, "ended by {signal} as interrupted");
    assert_restored(&term);
}

#[test]
fn sigterm_on_the_element_step_restores_the_terminal() {
    let sb = sandbox();
    let home = Home::new();
    let term = wizard(&sb, &home, &[]);
    term.wait_for("Choose an element");
    signal_restores(term, "TERM");
}

#[test]
fn sighup_on_the_configure_step_restores_the_terminal() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = wizard(&sb, &home, &["--element", "ecwid"]);
    term.wait_for("Ecwid: configuration");
    term.type_text("4242");
    term.wait_for("4242");
    signal_restores(term, "HUP");
}

#[test]
fn sigterm_while_a_create_hangs_restores_the_terminal() {
    let sb = sandbox();
    let home = Home::new();
    let mut term = ecwid_at_review(&sb, &home, &[]);
    sb.set_faults(Faults::one(on_create(FaultKind::Hang)));
    term.send(keys::ENTER);
    term.wait_for("Creating the Ecwid instance");
    signal_restores(term, "TERM");
    assert!(sb.instances().is_empty());
}

#[test]
fn a_second_ctrl_c_during_a_hung_create_exits_at_once() {
    let sb = sandbox();
    let home = Home::new();
    // A deadline far beyond the test's own: exiting cannot be the call
    // giving up.
    let mut term = ecwid_at_review(&sb, &home, &["--request-timeout", "10m"]);
    sb.set_faults(Faults::one(on_create(FaultKind::Hang)));
    term.send(keys::ENTER);
    term.wait_for("Creating the Ecwid instance");

    term.send(&keys::ctrl('c'));
    term.wait_for_all(&["Quit ce-wizard?", "The create is on its way"]);
    term.send(&keys::ctrl('c'));
    assert_eq!(term.finish(), 130);
    assert_restored(&term);
    assert!(sb.instances().is_empty());
}

/// The example binary cargo builds next to the test executables.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let path = exe
        .parent()
        .and_then(Path::parent)
        .expect("the build directory")
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples, `cargo test --test it tui_reliability` alone does not; run `cargo build --example {name}` first",
        path.display()
    );
    path
}

#[test]
fn a_panic_restores_the_terminal_before_its_message_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let env = vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("TERM".into(), "xterm-256color".into()),
        ("RUST_BACKTRACE".into(), "0".into()),
    ];
    let program = example("terminal_panic");
    let mut term = Pty::spawn(Spawn {
        program: program.to_str().expect("a UTF-8 path"),
        args: vec![],
        env,
        cwd: dir.path(),
        cols: 100,
        rows: 30,
    });
    term.wait_for("Press a key to panic");
    assert!(term.is_raw(), "the wizard's terminal mode is on");
    term.send("x");
    assert_eq!(term.finish(), 101, "a panic's exit code");

    let left = assert_restored(&term);
    let raw = term.raw_output();
    let message = b"a deliberate panic inside the wizard's terminal mode";
    let printed = rfind(&raw, message).unwrap_or_else(|| {
        panic!(
            "no panic message: {}",
            String::from_utf8_lossy(&raw[raw.len().saturating_sub(400)..]).escape_debug()
        )
    });
    assert!(
        printed > left,
        "the message comes after the terminal is restored, on the normal screen"
    );
    let screen = flat(&term.screen());
    assert!(
        screen.contains("panicked at")
            && screen.contains("a deliberate panic inside the wizard's terminal mode"),
        "readable on the normal screen:\n{}",
        frame(&screen)
    );
}
