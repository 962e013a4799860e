//! `create` on a terminal asks for what is missing instead of failing, and
//! reads secrets without echoing them.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::{keys, Pty, Spawn};

#[test]
fn missing_settings_are_asked_for_and_secrets_are_not_echoed() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("instance.json");
    // Stdout goes to a file so the screen holds only what a person reads.
    let script = format!(
        "'{}' create --base-url '{}' --element bigcommerce --name prompted > '{}'",
        env!("CARGO_BIN_EXE_ce-wizard"),
        sb.base_url(),
        out.display()
    );
    let mut pty = Pty::spawn(Spawn {
        program: "/bin/sh",
        args: vec!["-c".into(), script],
        env: vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), dir.path().display().to_string()),
            (
                "CE_WIZARD_CONFIG".into(),
                dir.path().join("c.toml").display().to_string(),
            ),
            ("CE_USER_SECRET".into(), sb.user_secret().into()),
            ("CE_ORG_SECRET".into(), sb.org_secret().into()),
        ],
        cwd: dir.path(),
        cols: 100,
        rows: 30,
    });
    pty.wait_for("Store API URL (e.g. https://store-abc123.mybigcommerce.com/api/v2/):");
    pty.send("not a url");
    pty.send(keys::ENTER);
    pty.wait_for("Store API URL must be an https:// or http:// URL");
    pty.send("https://store-abc.mybigcommerce.com/api/v2/");
    pty.send(keys::ENTER);
    pty.wait_for("API username (e.g. integration):");
    pty.send("api-user");
    pty.send(keys::ENTER);
    pty.wait_for("API token:");
    pty.send("typed-token-8d1f");
    pty.send(keys::ENTER);
    let screen = pty.wait_for("Created instance");
    assert_eq!(pty.wait_exit(), 0, "{screen}");
    assert!(
        !screen.contains("typed-token-8d1f"),
        "the secret was echoed:\n{screen}"
    );

    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    let cfg = &stored[0]["configuration"];
    assert_eq!(
        cfg["store.url"],
        "https://store-abc.mybigcommerce.com/api/v2/"
    );
    assert_eq!(cfg["username"], "api-user");
    assert_eq!(cfg["password"], "typed-token-8d1f");
    let printed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(printed["token"], stored[0]["token"]);
}
