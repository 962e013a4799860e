//! `l` on the Authorize step at 80 columns, where the screen can show the
//! sign-in link only cut in the middle: the wizard steps out of its
//! screen and prints the whole link on a line of its own (the terminal
//! wraps it softly, so it is selected whole), any key brings the screen
//! back as it was, and a sign-in finished meanwhile brings it back by
//! itself, on Review.

use crate::common;

use crate::tui_signin_late::get;
use common::pty::{keys, Pty};
use common::wizard::{Home, Wizard};

/// The line printed after the one that introduces the link, from the
/// terminal's raw output: what a selection of it copies.
fn printed_link(pty: &Pty) -> Option<String> {
    let raw = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    let intro = "select it whole, or open it in a browser.\r\n\r\n";
    let at = raw.rfind(intro)? + intro.len();
    let rest = &raw[at..];
    Some(rest[..rest.find("\r\n")?].to_string())
}

/// The screen's rows run together, as the terminal's selection of a
/// softly wrapped line reads them.
fn joined(screen: &str) -> String {
    screen.lines().map(str::trim_end).collect()
}

fn on_the_wizards_screen(pty: &Pty) -> bool {
    pty.alternate_screen_and_hidden_cursor().0
}

#[test]
fn l_prints_the_whole_sign_in_link_below_the_screen_and_any_key_comes_back() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--element", "infusionsoftecommerce"])
        .size(80, 24)
        .spawn();
    pty.wait_for("Infusionsoft eCommerce: configuration");
    pty.type_text("keap-link-app");
    pty.send(keys::ENTER);
    pty.type_text("keap-link-secret");
    pty.send(keys::ENTER);
    pty.wait_for("› Callback URL");
    pty.send(&keys::ctrl('s'));
    let screen = pty.wait_for("Waiting for you to allow access");
    assert!(
        screen.contains("l print link"),
        "the footer names the key:\n{screen}"
    );

    pty.send("l");
    let shown = pty.wait_until("the link printed on the terminal's own screen", |s| {
        s.contains("ce-wizard keeps waiting for the sign-in. Press any key to go back to it.")
    });
    assert!(!on_the_wizards_screen(&pty), "{shown}");
    let link = printed_link(&pty).expect("the link on a line of its own");
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    assert!(link.contains("/provider/oauth/authorize?"), "{link}");
    assert!(link.contains("&state="), "{link}");
    assert!(link.chars().count() > 80, "wider than the screen: {link}");
    assert!(!link.contains('\x1b'), "{link:?}");
    assert!(joined(&shown).contains(&link), "whole on screen:\n{shown}");

    // Any key: the Authorize step as it was, the wait still on.
    pty.send("x");
    pty.wait_until("the wizard's screen again", |s| {
        s.contains("Waiting for you to allow access") && s.contains("Address after sign-in")
    });
    assert!(on_the_wizards_screen(&pty));

    // Printed again, the sign-in finishes in the browser meanwhile: the
    // screen comes back by itself, on Review.
    pty.send("l");
    pty.wait_until("the link printed again", |_| !on_the_wizards_screen(&pty));
    let url = url::Url::parse(&link).unwrap();
    let param = |k: &str| {
        url.query_pairs()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("{k} in {link}"))
    };
    let (status, reply) = get(&format!(
        "{}?code=link-code&state={}",
        param("redirect_uri"),
        param("state")
    ));
    assert_eq!(status, 302, "{reply}");
    pty.wait_for("Review: a new Infusionsoft eCommerce instance");
    assert!(on_the_wizards_screen(&pty));
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}
