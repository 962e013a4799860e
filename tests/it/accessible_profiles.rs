//! The accessible mode's Connection step with profiles, in a real terminal
//! against the test's sandbox: a saved profile picked by name, and typed
//! secrets remembered under a profile name with the wizard's save code.

use crate::common;

use common::pty::{keys, Pty};
use common::wizard::{Home, Wizard};
use std::os::unix::fs::PermissionsExt;

const CLOSED: &str = "http://127.0.0.1:9/elements/api-v2";

fn quit(pty: &mut Pty) {
    pty.send(keys::CTRL_C);
    pty.finish();
}

#[test]
fn a_saved_profile_is_picked_by_name_and_its_secrets_connect() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"globex\"\n\n\
             [profiles.acme]\nenvironment = \"{}\"\nsecrets = \"file\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n\n\
             [profiles.globex]\nenvironment = \"eu\"\n",
            sb.base_url(),
            sb.user_secret(),
            sb.org_secret()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .base_url(CLOSED)
        .arg("--accessible")
        .size(400, 100)
        .spawn();
    let screen = pty.wait_for("Profile (number or name");
    assert!(screen.contains("2 saved profiles:"), "{screen}");
    assert!(
        screen.contains(&format!(
            "1. acme: custom ({}), secrets saved",
            sb.base_url()
        )),
        "{screen}"
    );
    assert!(
        screen.contains("2. globex: EU production, no secrets saved"),
        "{screen}"
    );
    pty.type_text("acmee");
    pty.send(keys::ENTER);
    pty.wait_for("Error: Profile: no saved profile is named \"acmee\"");
    pty.type_text("ACME");
    pty.send(keys::ENTER);
    pty.wait_for("Profile: acme.");
    let screen = pty.wait_for("Element (number, key or part of a name):");
    assert!(screen.contains("Connected: "), "{screen}");
    assert!(
        !screen.contains("Remember the environment"),
        "nothing was typed, nothing to remember:\n{screen}"
    );
    quit(&mut pty);
}

#[test]
fn typed_secrets_are_remembered_under_a_profile_name() {
    let sb = common::cli::sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .args(&["--accessible", "--insecure-storage"])
        .size(400, 100)
        .spawn();
    let screen = pty.wait_for("User secret (required");
    assert!(!screen.contains("saved profiles"), "none saved:\n{screen}");
    pty.type_text(sb.user_secret());
    pty.send(keys::ENTER);
    pty.wait_for("Organization secret (required");
    pty.type_text(sb.org_secret());
    pty.send(keys::ENTER);
    pty.wait_for("under a profile name? [y/N]:");
    pty.type_text("y");
    pty.send(keys::ENTER);
    pty.wait_for("Profile name (Enter for default):");
    pty.type_text("team/a");
    pty.send(keys::ENTER);
    pty.wait_for("Error: Profile name: \"team/a\" is not a profile name");
    pty.type_text("team-a");
    pty.send(keys::ENTER);
    let screen = pty.wait_for("Saved the profile 'team-a'");
    assert!(
        screen.contains("the secrets are in that file, as --insecure-storage asked"),
        "{screen}"
    );
    pty.wait_for("Element (number, key or part of a name):");
    quit(&mut pty);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[profiles.team-a]"), "{text}");
    assert!(text.contains(&sb.base_url()), "{text}");
    assert_eq!(
        std::fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let raw = String::from_utf8_lossy(&pty.raw_output()).to_string();
    assert!(!raw.contains(sb.user_secret()), "typed without echo");
}
