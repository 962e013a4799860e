//! The wizard under faults, signals and panics, end to end: the built
//! binary in a real pseudo-terminal against a sandbox on loopback whose
//! faults are switched on at the moment they matter. Each test asserts what
//! the person reads, how many instances the platform holds, and, for
//! signals and panics, the raw bytes the program wrote and the terminal's
//! modes once it is gone.

mod common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use common::pty::{frame, keys, value_after, DEADLINE};
use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INSTANCES: &str = "/elements/api-v2/instances";
const REVIEW: &str = "Review: a new Ecwid instance";
const DONE: &str = "Copy it (c) or save it (s) now";

/// A program in a pseudo-terminal: its screen through vt100, every byte
/// it wrote, its pid for signals, and the terminal's path for `stty`.
struct Term {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    tty: PathBuf,
    reader: Option<std::thread::JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Term {
    fn spawn(program: &Path, args: &[String], env: &[(String, String)], cwd: &Path) -> Term {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let tty = pty.master.tty_name().expect("the terminal's path");
        let mut cmd = CommandBuilder::new(program);
        cmd.env_clear();
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(args);
        cmd.cwd(cwd);
        let child = pty
            .slave
            .spawn_command(cmd)
            .expect("spawn in the pseudo-terminal");
        // Only the program holds the terminal now: the reader sees the end
        // of its output when it exits.
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (feed, record) = (Arc::clone(&parser), Arc::clone(&raw));
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                record.lock().unwrap().extend_from_slice(&buf[..n]);
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        Term {
            parser,
            raw,
            writer,
            child,
            tty,
            reader: Some(reader),
            _master: pty.master,
        }
    }

    fn send(&mut self, input: &str) {
        self.writer
            .write_all(input.as_bytes())
            .expect("write to the pty");
        self.writer.flush().unwrap();
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`, wherever its lines wrap;
    /// returns the screen with its lines joined (see `flat`).
    fn wait_for(&self, text: &str) -> String {
        let text = flat(text);
        flat(
            &self.wait_until(&format!("the screen to show {text:?}"), |s| {
                flat(s).contains(&text)
            }),
        )
    }

    /// Waits for one screen showing every one of `texts` (a frame can be
    /// read half drawn, so a screen that shows one need not show the rest
    /// yet).
    fn wait_for_all(&self, texts: &[&str]) -> String {
        let texts: Vec<String> = texts.iter().map(|t| flat(t)).collect();
        flat(
            &self.wait_until(&format!("the screen to show all of {texts:?}"), |s| {
                let s = flat(s);
                texts.iter().all(|t| s.contains(t))
            }),
        )
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for {what}; the screen:\n{}",
                    frame(&screen)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("the program's pid")
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Waits for the program to end and for the last of its output;
    /// returns its exit code.
    fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        let code = loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                break status.exit_code();
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!(
                    "the program did not exit within {DEADLINE:?}; the screen:\n{}",
                    frame(&self.screen())
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader ends when no process holds the terminal any more.
        let reader = self.reader.take().expect("waited once");
        while !reader.is_finished() {
            if start.elapsed() > DEADLINE {
                panic!("the program's output never ended");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        reader.join().unwrap();
        code
    }

    /// Everything the program wrote, escape sequences included.
    fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The terminal's local modes as `stty` reads them: whether it echoes
    /// and whether it edits lines (canonical mode).
    fn modes(&self) -> Modes {
        let tty = std::fs::File::open(&self.tty).expect("open the terminal");
        let out = Command::new("stty")
            .arg("-a")
            .stdin(tty)
            .output()
            .expect("run stty");
        assert!(out.status.success(), "stty -a failed: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let words: Vec<&str> = text.split_whitespace().collect();
        let flag = |name: &str| {
            if words.contains(&name) {
                true
            } else if words.contains(&format!("-{name}").as_str()) {
                false
            } else {
                panic!("stty -a does not mention {name}: {text}")
            }
        };
        Modes {
            echo: flag("echo"),
            icanon: flag("icanon"),
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// The screen's words with one space between them, so that a sentence is
/// found however the terminal's width wrapped it.
fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, PartialEq, Eq)]
struct Modes {
    echo: bool,
    icanon: bool,
}

const RAW: Modes = Modes {
    echo: false,
    icanon: false,
};
const COOKED: Modes = Modes {
    echo: true,
    icanon: true,
};

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find_after(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The terminal as the program left it: the last entry into the alternate
/// screen has its exit after it, the cursor is shown (and not hidden
/// again), and echo and line editing are back. Returns where the
/// alternate screen was left, in the raw output.
fn assert_restored(term: &Term) -> usize {
    let raw = term.raw();
    // The end of the output, where the restoring belongs, escaped.
    let shown = String::from_utf8_lossy(&raw[raw.len().saturating_sub(400)..])
        .escape_debug()
        .to_string();
    let entered = rfind(&raw, b"\x1b[?1049h").unwrap_or_else(|| {
        panic!("never entered the alternate screen: {shown}");
    });
    let left = find_after(&raw, entered, b"\x1b[?1049l").unwrap_or_else(|| {
        panic!("the alternate screen was not left: {shown}");
    });
    let cursor = rfind(&raw, b"\x1b[?25h").filter(|&c| c > entered);
    assert!(cursor.is_some(), "the cursor was not shown again: {shown}");
    assert!(
        rfind(&raw, b"\x1b[?25l").is_none_or(|hidden| hidden < cursor.unwrap()),
        "the cursor was hidden again: {shown}"
    );
    assert_eq!(term.modes(), COOKED, "echo and line editing are back");
    left
}

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

fn wizard(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> Term {
    let mut args = vec![
        "--base-url".to_string(),
        sandbox.base_url(),
        "--callback-port".into(),
        "0".into(),
        "--no-browser".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let env = vec![
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
        ("CE_USER_SECRET".into(), sandbox.user_secret().into()),
        ("CE_ORG_SECRET".into(), sandbox.org_secret().into()),
        ("TERM".into(), "xterm-256color".into()),
    ];
    Term::spawn(Path::new(env!("CARGO_BIN_EXE_ce-wizard")), &args, &env, dir)
}

/// The Ecwid form, filled in by keystrokes, on the Review step.
fn ecwid_at_review(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> Term {
    let mut args = vec!["--element", "ecwid"];
    args.extend_from_slice(extra);
    let mut term = wizard(sandbox, dir, &args);
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
fn create_succeeds(term: &mut Term) -> String {
    term.send(keys::ENTER);
    term.wait_for(DONE);
    token(term)
}

/// The token on the Done screen, read twice alike so that it is never taken
/// off a half-drawn line.
fn token(term: &Term) -> String {
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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &["--request-timeout", "2s"]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);

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
fn signal_restores(mut term: Term, signal: &str) {
    assert_eq!(term.modes(), RAW, "the wizard runs in raw mode");
    term.signal(signal);
    assert_eq!(term.wait_exit(), 130, "ended by {signal} as interrupted");
    assert_restored(&term);
}

#[test]
fn sigterm_on_the_element_step_restores_the_terminal() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let term = wizard(&sb, dir.path(), &[]);
    term.wait_for("Choose an element");
    signal_restores(term, "TERM");
}

#[test]
fn sighup_on_the_configure_step_restores_the_terminal() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut term = wizard(&sb, dir.path(), &["--element", "ecwid"]);
    term.wait_for("Ecwid: configuration");
    term.type_text("4242");
    term.wait_for("4242");
    signal_restores(term, "HUP");
}

#[test]
fn sigterm_while_a_create_hangs_restores_the_terminal() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut term = ecwid_at_review(&sb, dir.path(), &[]);
    sb.set_faults(Faults::one(on_create(FaultKind::Hang)));
    term.send(keys::ENTER);
    term.wait_for("Creating the Ecwid instance");
    signal_restores(term, "TERM");
    assert!(sb.instances().is_empty());
}

#[test]
fn a_second_ctrl_c_during_a_hung_create_exits_at_once() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    // A deadline far beyond the test's own: exiting cannot be the call
    // giving up.
    let mut term = ecwid_at_review(&sb, dir.path(), &["--request-timeout", "10m"]);
    sb.set_faults(Faults::one(on_create(FaultKind::Hang)));
    term.send(keys::ENTER);
    term.wait_for("Creating the Ecwid instance");

    term.send(&keys::ctrl('c'));
    term.wait_for_all(&["Quit ce-wizard?", "The create is on its way"]);
    term.send(&keys::ctrl('c'));
    assert_eq!(term.wait_exit(), 130);
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
        "{} is missing: `cargo test` builds the examples, `cargo test --test tui_reliability` alone does not; run `cargo build --example {name}` first",
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
    let mut term = Term::spawn(&example("terminal_panic"), &[], &env, dir.path());
    term.wait_for("Press a key to panic");
    assert_eq!(term.modes(), RAW, "the wizard's terminal mode is on");
    term.send("x");
    assert_eq!(term.wait_exit(), 101, "a panic's exit code");

    let left = assert_restored(&term);
    let raw = term.raw();
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
