//! OAuth in the wizard with a real browser: the wizard, in a pseudo-terminal
//! and without `--no-browser`, opens the sign-in link through `xdg-open`
//! (a stand-in starting headless Chromium); the test presses the consent
//! page's buttons over the DevTools Protocol, and Chromium follows the
//! provider's redirect into the wizard's loopback listener.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::browser::{get_status, Browser};
use common::pty::{keys, value_after, Pty};
use common::wizard::{
    assert_stored, form_value, quit_keeping_nothing, token_on_done, Expected, Home, Wizard,
};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// The wizard on Infusionsoft eCommerce's form, with the browser allowed;
/// fills the app's key and secret and asks to authorize. Returns the
/// callback URL the form shows.
fn start_authorizing(sb: &Sandbox, home: &Home, browser: &Browser) -> (Pty, String) {
    let mut pty = Wizard::new(sb, home)
        .browser(browser)
        .args(&["--element", "infusionsoftecommerce"])
        .size(120, 30)
        .spawn();
    pty.wait_for("Infusionsoft eCommerce: configuration");
    pty.type_text("keap-browser-app");
    pty.send(keys::ENTER);
    pty.type_text("keap-browser-secret");
    pty.send(keys::ENTER);
    let form = pty.wait_for("› Callback URL");
    let callback = form_value(&form, "Callback URL").expect("a callback URL on the form");
    pty.send(&keys::ctrl('s'));
    pty.wait_for("Your browser was opened");
    (pty, callback)
}

/// From the Review step: create, and check what the sandbox stored.
fn create_and_check(pty: &mut Pty, sb: &Sandbox, callback: &str) {
    pty.wait_for("Review: a new Infusionsoft eCommerce instance");
    pty.send(keys::ENTER);
    let token = token_on_done(pty);
    let name = value_after(&pty.screen(), "Name").expect("the name on Done");
    assert!(name.starts_with("infusionsoftecommerce-"), "{name}");
    // The sandbox creates an OAuth 2 instance only with a code its provider
    // issued to this app for this callback URL, and only once: the code the
    // browser carried to the listener.
    assert_stored(
        sb,
        &token,
        &Expected {
            element: "infusionsoftecommerce",
            name: &name,
            tags: &[],
            configuration: &[
                ("oauth.api.key", "keap-browser-app"),
                ("oauth.api.secret", "keap-browser-secret"),
                ("oauth.callback.url", callback),
                ("document.tagging", "false"),
            ],
        },
    );
    quit_keeping_nothing(pty);
    assert_eq!(pty.finish(), 0);
}

#[test]
fn allow_in_chromium_completes_the_wizard() {
    let sb = sandbox();
    let home = Home::new();
    let browser = Browser::new();
    let (mut pty, callback) = start_authorizing(&sb, &home, &browser);

    let mut page = browser.page();
    page.wait_for_text("Allow");
    assert!(
        page.url().contains("client_id=keap-browser-app"),
        "{}",
        page.url()
    );
    page.click("allow");
    let text = page.wait_for_text("Authorization received");
    assert!(text.contains("terminal"), "{text}");
    assert!(
        !page.url().contains("code="),
        "the code left the address bar: {}",
        page.url()
    );
    assert_eq!(browser.opened().len(), 1, "{:?}", browser.opened());
    assert!(browser.opened()[0].contains("/provider/oauth/authorize"));
    create_and_check(&mut pty, &sb, &callback);
}

#[test]
fn deny_is_explained_and_a_retry_with_allow_succeeds() {
    let sb = sandbox();
    let home = Home::new();
    let browser = Browser::new();
    let (mut pty, callback) = start_authorizing(&sb, &home, &browser);

    let mut first = browser.page_of_launch(1);
    first.click("deny");
    first.wait_for_text("Access was not granted");
    let screen = pty.wait_for("Access was not granted");
    assert!(
        screen.contains("Enter starts again with a new link"),
        "{screen}"
    );
    assert!(sb.instances().is_empty());

    // Enter: a new attempt, a new link, the browser opened again.
    pty.send(keys::ENTER);
    let mut second = browser.page_of_launch(2);
    let opened = browser.opened();
    assert_eq!(opened.len(), 2, "{opened:?}");
    let state = |url: &str| {
        url::Url::parse(url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
    };
    assert_ne!(state(&opened[0]), state(&opened[1]), "a fresh state");
    second.click("allow");
    second.wait_for_text("Authorization received");
    create_and_check(&mut pty, &sb, &callback);
}

#[test]
fn a_forged_callback_is_rejected_and_the_wizard_keeps_waiting() {
    let sb = sandbox();
    let home = Home::new();
    let browser = Browser::new();
    let (mut pty, callback) = start_authorizing(&sb, &home, &browser);
    let mut page = browser.page();
    page.wait_for_text("Allow");

    // Another tab, or another program, calls the listener with a state
    // that is not this attempt's.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let forged = rt.block_on(get_status(&format!(
        "{callback}?code=stolen-code&state=forged-state"
    )));
    assert_eq!(forged, 400, "the listener refuses the forged callback");
    let screen = pty.wait_for("A redirect was ignored");
    assert!(
        screen.contains("Waiting for you to allow access"),
        "the wizard keeps waiting:\n{screen}"
    );

    // The genuine redirect still completes the attempt.
    page.click("allow");
    page.wait_for_text("Authorization received");
    create_and_check(&mut pty, &sb, &callback);
}
