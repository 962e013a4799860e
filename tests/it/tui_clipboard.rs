//! Copying the token on Done (`c`) delivers it twice: to the terminal as
//! OSC 52 (read back from the raw byte stream the wizard wrote) and to the
//! system clipboard, which must still hold it after the wizard has exited
//! (an X display of the test's own, read with `xclip -o`). Inside a real
//! tmux (a server of the test's own, `set-clipboard on`) the token must
//! land in tmux's buffer, and the screen says what tmux needs.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::{keys, Pty};
use common::wizard::{token_on_done, Home, Wizard};
use common::x11::{require_program, Xvfb};
use std::process::Command;
use std::time::{Duration, Instant};

/// BigCommerce's form filled and the instance created; returns the token
/// on the Done screen, after checking it is the one the sandbox issued.
fn create_bigcommerce(pty: &mut Pty, sb: &Sandbox) -> String {
    pty.wait_for("BigCommerce: configuration");
    pty.type_text("https://store-clip.mybigcommerce.com");
    pty.send(keys::ENTER);
    pty.type_text("clipper");
    pty.send(keys::ENTER);
    pty.type_text("clip-token");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Review: a new BigCommerce instance");
    pty.send(keys::ENTER);
    let token = token_on_done(pty);
    assert_eq!(sb.instances()[0]["token"], token.as_str());
    token
}

#[test]
fn the_token_goes_to_the_terminal_through_osc52() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    // No DISPLAY: as over SSH, OSC 52 is the only way to a clipboard.
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "bigcommerce"])
        .spawn();
    let token = create_bigcommerce(&mut pty, &sb);
    assert!(pty.osc52_texts().is_empty(), "nothing copied before `c`");

    pty.send("c");
    let screen = pty.wait_for(
        "Token: Sent to the terminal (most terminals put it on the clipboard); if nothing pastes, press s to save",
    );
    assert!(!screen.contains("OSC 52"), "{screen}");
    assert!(
        !screen.lines().any(|l| l.contains("✓ Token")),
        "an unconfirmed copy gets no ✓:\n{screen}"
    );
    assert_eq!(pty.osc52_texts(), vec![token.clone()]);
    let raw = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    assert!(
        raw.contains("\x1b]52;c;"),
        "the clipboard selection (c) is named"
    );
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn the_token_stays_on_the_x_clipboard_after_the_wizard_exits() {
    require_program("xclip", "xclip");
    let x = Xvfb::start();
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .env("DISPLAY", x.display())
        .args(&["--element", "bigcommerce"])
        .spawn();
    let token = create_bigcommerce(&mut pty, &sb);

    pty.send("c");
    let screen = pty.wait_for("✓ Token: Copied to the clipboard");
    assert!(!screen.contains("OSC 52"), "{screen}");
    assert_eq!(pty.osc52_texts(), vec![token.clone()]);
    pty.send("q");
    assert_eq!(pty.finish(), 0);

    // The wizard is gone; the clipboard is served by the xclip it started.
    assert_eq!(x.clipboard(), token);
}

/// `tmux show-buffer` of the server on `socket`, once it holds something.
fn tmux_buffer(socket: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let out = Command::new("tmux")
            .args(["-S", socket, "show-buffer"])
            .output()
            .expect("run tmux show-buffer");
        if out.status.success() {
            return Some(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn inside_tmux_the_token_lands_in_tmux_and_the_screen_says_what_tmux_needs() {
    require_program("tmux", "tmux");
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    // A server of the test's own (a private socket, no user config) set as
    // tmux's documentation says for OSC 52; the passthrough stays at its
    // default (off in tmux 3.3 and later).
    let conf = home.join("tmux.conf");
    std::fs::write(&conf, "set -g set-clipboard on\nset -g status off\n").unwrap();
    let socket = home.join("tmux.sock").display().to_string();
    let conf = conf.display().to_string();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "bigcommerce"])
        .size(100, 30)
        .spawn_inside("tmux", &["-S", &socket, "-f", &conf, "new-session"]);
    let token = create_bigcommerce(&mut pty, &sb);
    assert_eq!(tmux_buffer(&socket), None, "nothing copied before `c`");

    pty.send("c");
    pty.wait_for("Token: Sent to the terminal; tmux needs `set -g set-clipboard on`");
    assert_eq!(tmux_buffer(&socket).as_deref(), Some(token.as_str()));
    pty.send("q");
    pty.finish();
}
