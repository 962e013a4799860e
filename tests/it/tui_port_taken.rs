//! The OAuth listener's port already taken by another program, for real
//! (a socket bound on loopback first): Configure says so beside the
//! Callback URL with what to do, and under `--sandbox` Enter takes a free
//! port and the Callback URL follows (held from the sign-in's start).

use crate::common;

use common::pty::keys;
use common::wizard::{form_value, pick_element, Home, Wizard};
use std::net::TcpListener;

/// The rows of the screen joined, so a wrapped note reads as one line.
fn flat(screen: &str) -> String {
    screen.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

#[test]
fn under_the_sandbox_enter_moves_the_callback_to_a_free_port() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .built_in_sandbox()
        .callback_port(port)
        .spawn();
    pick_element(&mut pty, "infus", "Infusionsoft eCommerce");
    for value in ["keap-client-id", "keap-client-secret"] {
        pty.type_text(value);
        pty.send(keys::ENTER);
    }
    let note = format!("Port {port} is taken by another program");
    let screen = pty.wait_until("the taken port named beside the Callback URL", |s| {
        s.contains("› Callback URL") && flat(s).contains(&note)
    });
    assert!(
        flat(&screen).contains("The sandbox takes any port: press Enter to use a free one."),
        "{screen}"
    );
    assert!(!screen.contains("Callback URL is required"), "{screen}");
    pty.send(keys::ENTER);
    let screen = pty.wait_until("the Callback URL on a free port", |s| {
        form_value(s, "› Callback URL")
            .or_else(|| form_value(s, "Callback URL"))
            .is_some_and(|v| v.starts_with("http://127.0.0.1:"))
    });
    let url = form_value(&screen, "Callback URL").unwrap();
    assert!(!url.contains(&format!(":{port}/")), "{url}");
    assert!(!flat(&screen).contains(&note), "{screen}");
    // The port was free, and is left free until a sign-in starts; then
    // it is really listened on: the redirect can come back there.
    let new_port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    drop(TcpListener::bind(("127.0.0.1", new_port)).expect("not held before a sign-in"));
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Waiting for you to allow access");
    assert!(std::net::TcpStream::connect(("127.0.0.1", new_port)).is_ok());
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
    drop(taken);
}

#[test]
fn on_a_real_platform_it_says_to_close_the_program_or_pick_a_port() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).callback_port(port).spawn();
    pick_element(&mut pty, "infus", "Infusionsoft eCommerce");
    for value in ["keap-client-id", "keap-client-secret"] {
        pty.type_text(value);
        pty.send(keys::ENTER);
    }
    let screen = pty.wait_until("the taken port named beside the Callback URL", |s| {
        flat(s).contains(&format!("Port {port} is taken by another program"))
    });
    let text = flat(&screen);
    assert!(
        text.contains("Close that program and press Enter to try again"),
        "{screen}"
    );
    assert!(text.contains("--callback-port N"), "{screen}");
    // Once the other program is gone, Enter binds the same port.
    drop(taken);
    pty.send(keys::ENTER);
    let want = format!("http://127.0.0.1:{port}/callback");
    pty.wait_until("the Callback URL on the freed port", |s| {
        form_value(s, "› Callback URL")
            .or_else(|| form_value(s, "Callback URL"))
            .is_some_and(|v| v == want)
    });
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

#[test]
fn the_accessible_mode_under_the_sandbox_says_it_uses_a_free_port() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .built_in_sandbox()
        .callback_port(port)
        .args(&["--accessible", "--element", "infusionsoftecommerce"])
        .size(400, 100)
        .spawn();
    let screen = pty.wait_for(&format!(
        "Port {port} is taken by another program; the sandbox takes any port, so the wizard listens on free port"
    ));
    pty.wait_for("Client ID (required");
    let free: u16 = screen
        .split("listens on free port ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(free, port);
    assert!(std::net::TcpStream::connect(("127.0.0.1", free)).is_ok());
    pty.send(&keys::ctrl('c'));
    pty.wait_exit();
    drop(taken);
}
