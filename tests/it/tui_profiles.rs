//! The Connection step with saved profiles, in a real terminal against the
//! test's sandbox: picking one fills the environment and the secrets and
//! reaches the Element step; Remember saves a new one under a name.

use crate::common;

use common::pty::keys;
use common::wizard::{Home, Wizard};
use std::os::unix::fs::PermissionsExt;

/// A port nothing listens on: connecting there would fail.
const CLOSED: &str = "http://127.0.0.1:9/elements/api-v2";

#[test]
fn the_connection_step_picks_a_saved_profile_and_reaches_the_element_step() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    let text = format!(
        "default_profile = \"globex\"\n\n\
         [profiles.acme]\nenvironment = \"{}\"\nsecrets = \"file\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n\n\
         [profiles.globex]\nenvironment = \"{CLOSED}\"\n",
        sb.base_url(),
        sb.user_secret(),
        sb.org_secret()
    );
    std::fs::write(&config, &text).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();

    // The default profile (globex) saves no secrets: the step asks.
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .base_url(CLOSED)
        .spawn();
    let screen = pty.wait_for("Connect to Cloud Elements");
    assert!(screen.contains("‹ globex ›"), "{screen}");
    assert!(screen.contains("› User secret"), "{screen}");
    pty.type_text("typed-by-hand");
    // Up to the Profile choice: Base URL, Environment, Profile.
    for _ in 0..3 {
        pty.send(keys::BACKTAB);
    }
    let screen = pty.wait_for("› Profile");
    assert!(screen.contains("picks a saved profile"), "{screen}");
    pty.send(keys::LEFT);
    let screen = pty.wait_for("‹ acme ›");
    assert!(screen.contains("secrets saved"), "{screen}");
    assert!(
        !screen.contains(sb.user_secret()),
        "secrets stay masked:\n{screen}"
    );
    // Enter: the form is complete, so it tests acme's secrets against
    // acme's platform and goes on.
    pty.send(keys::ENTER);
    let screen = pty.wait_for("Choose an element");
    // The header names the account in use and its host.
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("acme @ 127.0.0.1:"), "{screen}");
    // Back on the Connection step, globex keeps what was typed for it.
    pty.send(keys::ESC);
    pty.wait_for("Connect to Cloud Elements");
    pty.send(keys::RIGHT);
    pty.wait_for("‹ globex ›");
    pty.send(&keys::ctrl('r'));
    pty.wait_for("typed-by-hand");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.finish();
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        text,
        "picking a profile saves nothing"
    );
}

#[test]
fn remember_saves_a_new_profile_under_the_name_given() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .args(&["--profile", "acme-eu", "--insecure-storage"])
        .spawn();
    pty.wait_for("Connect to Cloud Elements");
    pty.type_text(sb.user_secret());
    pty.send(keys::TAB);
    pty.type_text(sb.org_secret());
    pty.send(keys::TAB);
    pty.wait_for("› Remember");
    pty.send(keys::RIGHT);
    pty.send(keys::RIGHT);
    pty.wait_for("the environment and both secrets");
    pty.send(keys::TAB);
    let screen = pty.wait_for("› Save as profile");
    assert!(screen.contains("acme-eu"), "--profile names it:\n{screen}");
    pty.send(keys::ENTER);
    pty.wait_for("Choose an element");
    pty.wait_for("Saved the profile 'acme-eu'");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.finish();
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[profiles.acme-eu]"), "{text}");
    assert!(text.contains(&sb.base_url()), "{text}");
    assert!(text.contains("secrets = \"file\""), "{text}");
    assert!(text.contains("default_profile = \"acme-eu\""), "{text}");
    assert_eq!(
        std::fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn profiles_remove_asks_on_a_terminal_and_no_keeps_the_profile() {
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    let text =
        "[profiles.acme]\nenvironment = \"eu\"\n\n[profiles.globex]\nenvironment = \"staging\"\n";
    std::fs::write(&config, text).unwrap();
    let remove = || {
        common::pty::Pty::spawn(common::pty::Spawn {
            program: common::wizard::BIN,
            args: vec!["profiles".into(), "remove".into(), "acme".into()],
            env: vec![
                ("HOME".into(), home.path().display().to_string()),
                ("CE_WIZARD_CONFIG".into(), config.display().to_string()),
            ],
            cwd: home.path(),
            cols: 120,
            rows: 10,
        })
    };
    let mut pty = remove();
    pty.wait_for("Remove the profile 'acme' (EU production)? [y/N]");
    pty.send("\r");
    pty.wait_for("Nothing was removed.");
    assert_eq!(pty.finish(), 130);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);

    let mut pty = remove();
    pty.wait_for("[y/N]");
    pty.send("y\r");
    pty.wait_for("Removed the profile 'acme'");
    assert_eq!(pty.finish(), 0);
    let after = std::fs::read_to_string(&config).unwrap();
    assert!(
        !after.contains("acme") && after.contains("[profiles.globex]"),
        "{after}"
    );
}

/// Under --sandbox the Connection step keeps the sandbox: Esc back to it,
/// → on the environment and Enter test the sandbox again (the demo
/// secrets never go to another host), and the screen says why.
#[test]
fn under_the_sandbox_the_connection_step_stays_in_the_sandbox() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home).built_in_sandbox().spawn();
    pty.wait_for("Choose an element");
    pty.send(keys::ESC);
    let screen = pty.wait_for("Connect to Cloud Elements");
    assert!(screen.contains("› Environment"), "{screen}");
    pty.send(keys::RIGHT);
    let screen = pty.wait_for("stays in the built-in sandbox");
    assert!(!screen.contains("api.cloud-elements.com"), "{screen}");
    assert!(!screen.contains("production"), "{screen}");
    pty.send(keys::ENTER);
    let screen = pty.wait_for("Choose an element");
    assert!(
        screen.lines().next().unwrap_or("").contains("sandbox"),
        "{screen}"
    );
    pty.send(&keys::ctrl('c'));
    assert_eq!(pty.finish(), 130);
}
