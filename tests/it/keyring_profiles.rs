//! Each profile's secrets in their own entries of a real Secret Service
//! (gnome-keyring on a private session bus, the harness of
//! `keyring_secret_service`): moved per profile, read per profile, and
//! removed with the profile.

use crate::common;
use crate::keyring_secret_service::start_keyring;

use common::cli::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn with_bus(dir: &Path, bus: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("HOME", dir)
        .env("XDG_RUNTIME_DIR", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("CE_WIZARD_CONFIG", dir.join("config.toml"))
        .env("DBUS_SESSION_BUS_ADDRESS", bus);
    c
}

fn code(dir: &Path, bus: &str, args: &[&str]) -> Output {
    let mut c = with_bus(dir, bus);
    c.args(args);
    run(c, "")
}

#[test]
fn each_profile_keeps_its_own_keyring_entries() {
    let keyring = start_keyring();
    let bus = keyring.address.as_str();
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    // Both on the sandbox: acme with its secrets, globex with wrong ones.
    std::fs::write(
        &path,
        format!(
            "[profiles.acme]\nenvironment = \"{url}\"\nsecrets = \"file\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n\n\
             [profiles.globex]\nenvironment = \"{url}\"\nsecrets = \"file\"\nuser_secret = \"globex-user\"\norg_secret = \"globex-org\"\n",
            sb.user_secret(),
            sb.org_secret(),
            url = sb.base_url()
        ),
    )
    .unwrap();

    for name in ["acme", "globex"] {
        let out = code(dir.path(), bus, &["--profile", name, "secrets", "move"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("profile '{name}'")),
            "{}",
            out.stderr
        );
    }
    let text = std::fs::read_to_string(&path).unwrap();
    for secret in [sb.user_secret(), sb.org_secret(), "globex-user"] {
        assert!(!text.contains(secret), "{text}");
    }
    let out = code(dir.path(), bus, &["profiles", "list", "--json"]);
    let rows: Value = serde_json::from_str(&out.stdout).unwrap();
    for row in rows.as_array().unwrap() {
        assert_eq!(row["secrets"], "keyring", "{row}");
    }

    // Each reads its own entries: acme's work, globex's are its own
    // (wrong) ones, refused by the platform.
    let out = code(dir.path(), bus, &["--profile", "acme", "instances", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = code(
        dir.path(),
        bus,
        &["--profile", "globex", "instances", "list"],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);

    // Removing acme deletes its entries, not globex's.
    let out = code(dir.path(), bus, &["profiles", "remove", "acme", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("OS keyring"), "{}", out.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!(
            "{text}\n[profiles.acme]\nenvironment = \"{}\"\nsecrets = \"keyring\"\n",
            sb.base_url()
        ),
    )
    .unwrap();
    let out = code(dir.path(), bus, &["--profile", "acme", "instances", "list"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the OS keyring holds no secrets for the account \"acme\""),
        "{}",
        out.stderr
    );
    let out = code(
        dir.path(),
        bus,
        &["--profile", "globex", "instances", "list"],
    );
    assert_eq!(
        out.code, 3,
        "globex's entries are still there: {}",
        out.stderr
    );
}

/// The wizard reads every profile's secrets from the keyring for its
/// Connection step: picking one whose secrets are only there connects.
#[test]
fn the_wizard_picks_a_profile_whose_secrets_are_in_the_keyring() {
    use common::pty::keys;
    use common::wizard::{Home, Wizard};
    let keyring = start_keyring();
    let bus = keyring.address.as_str();
    let sb = sandbox();
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
    let mut mv = with_bus(home.path(), bus);
    mv.env("CE_WIZARD_CONFIG", &config)
        .args(["--profile", "acme", "secrets", "move"]);
    let out = run(mv, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains(sb.user_secret()), "{text}");

    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .base_url("http://127.0.0.1:9/elements/api-v2")
        .spawn();
    pty.wait_for("‹ globex ›");
    for _ in 0..3 {
        pty.send(keys::BACKTAB);
    }
    pty.wait_for("› Profile");
    pty.send(keys::LEFT);
    let screen = pty.wait_for("‹ acme ›");
    assert!(screen.contains("secrets saved"), "{screen}");
    pty.send(keys::ENTER);
    pty.wait_for("Choose an element");
    // Nothing typed, nothing to lose: Ctrl-C quits at once.
    pty.send(&keys::ctrl('c'));
    assert_eq!(pty.finish(), 130);
}

/// No Secret Service answers (the bus names nothing): a profile whose
/// secrets are in the keyring locks nobody out. The wizard opens with it
/// chosen, its secret fields empty and a note saying the keyring did not
/// answer; typed secrets connect. A command exits 1 and names what to
/// start or set, not the wizard that would meet the same silence.
#[test]
fn without_a_secret_service_a_keyring_profile_opens_the_wizard_and_commands_say_what_to_do() {
    use common::pty::keys;
    use common::wizard::{form_value, Home, Wizard};
    const NO_BUS: &str = "unix:path=/nonexistent/ce-wizard-test-bus";
    let sb = sandbox();
    let home = Home::new();
    let config = home.join("config/ce-wizard.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"acme\"\n\n[profiles.acme]\nenvironment = \"{}\"\nsecrets = \"keyring\"\n",
            sb.base_url()
        ),
    )
    .unwrap();

    // `elements` still lists the bundled ones (exit 0), and says why.
    for (args, exit) in [
        (&["instances", "list"][..], 1),
        (&["create", "--element", "box", "--name", "x"][..], 1),
        (&["elements"][..], 0),
    ] {
        let mut c = with_bus(home.path(), NO_BUS);
        c.env("CE_WIZARD_CONFIG", &config).args(args);
        let out = run(c, "");
        assert_eq!(out.code, exit, "{args:?}: {}", out.stderr);
        for named in [
            "no OS keyring answered",
            "start the keyring",
            "CE_USER_SECRET",
            "CE_ORG_SECRET",
        ] {
            assert!(out.stderr.contains(named), "{args:?}: {}", out.stderr);
        }
        assert!(
            !out.stderr.contains("run the wizard again"),
            "{}",
            out.stderr
        );
    }

    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .spawn();
    let screen = pty.wait_for_all(&["‹ acme ›", "no OS keyring answered"]);
    assert!(screen.contains("secrets unreadable"), "{screen}");
    assert!(screen.contains("type the secrets below"), "{screen}");
    for field in ["User secret", "Organization secret"] {
        assert_eq!(
            form_value(&screen, field).as_deref(),
            Some("paste it here"),
            "{screen}"
        );
    }
    pty.type_text(sb.user_secret());
    pty.send(keys::TAB);
    pty.type_text(sb.org_secret());
    pty.send(keys::ENTER);
    pty.wait_for("Choose an element");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    assert_eq!(pty.finish(), 130);
}
