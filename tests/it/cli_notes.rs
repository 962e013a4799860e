//! What the commands say on stderr before their work: each note once.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::keys;
use common::wizard::{Home, Wizard};

/// `ce-wizard instances` on a terminal resolves the account twice (to know
/// it can open the view, then for the view): the note about secrets in the
/// plain config file is still said once.
#[test]
fn the_plain_file_note_is_said_once_by_the_instances_view() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let home = Home::new();
    std::fs::create_dir_all(home.join("config")).unwrap();
    let config = home.join("config/ce-wizard.toml");
    std::fs::write(
        &config,
        format!(
            "environment = \"{}\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n",
            sb.base_url(),
            sb.user_secret(),
            sb.org_secret()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut pty = Wizard::new(&sb, &home)
        .without_env("CE_USER_SECRET")
        .without_env("CE_ORG_SECRET")
        .without_env("CE_BASE_URL")
        .arg("instances")
        .size(100, 30)
        .spawn();
    pty.wait_for("0 instances");
    pty.send(keys::ESC);
    pty.finish();
    let raw = String::from_utf8_lossy(&pty.raw_output()).to_string();
    assert_eq!(
        raw.matches("your secrets are in the plain config file")
            .count(),
        1,
        "{raw}"
    );
}
