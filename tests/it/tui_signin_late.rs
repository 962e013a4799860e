//! A redirect that reaches the wizard's listener after its sign-in ended,
//! sent as a browser would (a plain HTTP GET to the callback address, with
//! the state of the link the screen showed): after Esc it gets the page
//! saying the wizard stopped waiting, never "received"; after the wait timed
//! out the wizard takes it and moves on, so the page and the screen agree.
//! And the port: held only while a sign-in waits, so another program (an
//! OAuth `create` in another terminal) can bind it meanwhile.

use crate::common;

use common::pty::{keys, Pty};
use common::wizard::{form_value, sign_in_link, Home, Wizard};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The wizard on Infusionsoft eCommerce's Authorize step, waiting, with no
/// browser; returns the callback URL and the state of the sign-in link.
fn waiting(pty: &mut Pty) -> (String, String) {
    pty.wait_for("Infusionsoft eCommerce: configuration");
    pty.type_text("keap-late-app");
    pty.send(keys::ENTER);
    pty.type_text("keap-late-secret");
    pty.send(keys::ENTER);
    let form = pty.wait_for("› Callback URL");
    let callback = form_value(&form, "Callback URL").expect("a callback URL on the form");
    pty.send(&keys::ctrl('s'));
    let screen = pty.wait_until("the sign-in link", |s| sign_in_link(s).is_some());
    let link = sign_in_link(&screen).unwrap();
    let state = link
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("state="))
        .expect("a state in the link")
        .to_string();
    (callback, state)
}

/// A GET as a browser sends it; the status and the body.
pub(crate) fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, target) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).expect("the listener takes the connection");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {reply}"));
    (status, reply)
}

#[test]
fn after_esc_a_late_redirect_is_told_the_wizard_stopped_waiting() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "infusionsoftecommerce"])
        .size(400, 30)
        .spawn();
    let (callback, state) = waiting(&mut pty);
    pty.send(keys::ESC);
    pty.wait_for("› Callback URL");
    // The runner hears of the Esc right after the screen changes.
    std::thread::sleep(Duration::from_millis(300));

    let (status, page) = get(&format!("{callback}?code=late-code&state={state}"));
    assert_eq!(status, 409, "{page}");
    assert!(
        page.contains("ce-wizard stopped waiting: go back to the terminal"),
        "{page}"
    );
    assert!(!page.contains("received"), "{page}");
    // The wizard did not take the code: it is still on the form.
    std::thread::sleep(Duration::from_millis(300));
    let screen = pty.screen();
    assert!(screen.contains("› Callback URL"), "{screen}");
    assert!(!screen.contains("Authorized"), "{screen}");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

#[test]
fn after_a_timeout_a_late_redirect_is_taken_and_the_screen_says_so() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "infusionsoftecommerce", "--oauth-timeout", "2"])
        .size(400, 30)
        .spawn();
    let (callback, state) = waiting(&mut pty);
    pty.wait_for("No answer came from the browser within");

    let (status, reply) = get(&format!("{callback}?code=late-code&state={state}"));
    assert_eq!(status, 302, "{reply}");
    let base = callback.trim_end_matches("/callback");
    let (status, page) = get(&format!("{base}/done?result=ok"));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Authorization received"), "{page}");
    // The page said received, and the screen agrees: it moved on.
    pty.wait_for("Authorized. Check what will be created");
    pty.wait_for("Review: a new Infusionsoft eCommerce instance");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

/// Whether another program could bind 127.0.0.1 `port` now.
fn port_is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

#[test]
fn the_callback_port_is_held_only_while_a_sign_in_waits() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .callback_port(port)
        .args(&["--element", "infusionsoftecommerce"])
        .size(400, 30)
        .spawn();
    pty.wait_for("Infusionsoft eCommerce: configuration");
    // The form already shows the callback URL, and the port is free for
    // another program: an OAuth `create` elsewhere binds it as this does.
    let screen = pty.wait_for(&format!("http://127.0.0.1:{port}/callback"));
    assert!(port_is_free(port), "held on the form:\n{screen}");

    let (callback, state) = waiting(&mut pty);
    assert_eq!(callback, format!("http://127.0.0.1:{port}/callback"));
    assert!(!port_is_free(port), "not held while the sign-in waits");
    let (status, reply) = get(&format!("{callback}?code=port-code&state={state}"));
    assert_eq!(status, 302, "{reply}");
    let (status, page) = get(&format!("http://127.0.0.1:{port}/done?result=ok"));
    assert_eq!(status, 200, "{page}");
    pty.wait_for("Authorized. Check what will be created");
    // The attempt is over: the port is let go.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !port_is_free(port) {
        assert!(
            std::time::Instant::now() < deadline,
            "still held after the sign-in"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}
