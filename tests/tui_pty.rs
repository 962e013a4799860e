//! The wizard end to end in a real pseudo-terminal: the built binary
//! against a sandbox on loopback, driven by keystrokes, the screen read
//! back through a terminal emulator.

mod common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::pty::{keys, value_after, Pty, Spawn};
use serde_json::json;
use std::collections::BTreeMap;

fn wizard(sandbox: &Sandbox, dir: &std::path::Path, extra: &[&str]) -> Pty {
    wizard_sized(sandbox, dir, extra, 80, 24)
}

fn wizard_sized(
    sandbox: &Sandbox,
    dir: &std::path::Path,
    extra: &[&str],
    cols: u16,
    rows: u16,
) -> Pty {
    let mut args = vec![
        "--base-url".to_string(),
        sandbox.base_url(),
        // Port 0: a free port, so parallel runs never collide.
        "--callback-port".into(),
        "0".into(),
        "--no-browser".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    Pty::spawn(Spawn {
        program: env!("CARGO_BIN_EXE_ce-wizard"),
        args,
        env: vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), dir.display().to_string()),
            (
                "CE_WIZARD_CONFIG".into(),
                dir.join("config.toml").display().to_string(),
            ),
            ("CE_USER_SECRET".into(), sandbox.user_secret().into()),
            ("CE_ORG_SECRET".into(), sandbox.org_secret().into()),
            ("TERM".into(), "xterm-256color".into()),
        ],
        cwd: dir,
        cols,
        rows,
    })
}

#[test]
fn bigcommerce_by_keystrokes() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let mut pty = wizard(&sandbox, dir.path(), &[]);

    // The secrets come from the environment, so the wizard opens on Element.
    pty.wait_for("Choose an element");
    // The platform's catalog replaces the bundled list once fetched.
    pty.wait_for("live catalog");
    pty.type_text("bigc");
    pty.wait_for("› BigCommerce");
    pty.send(keys::ENTER);
    pty.wait_for("BigCommerce: configuration");

    // A bad URL is refused on the spot and kept for fixing.
    pty.type_text("store-abc123.mybigcommerce.com");
    pty.send(keys::TAB);
    pty.wait_for("must be an https:// or http:// URL");
    pty.send(&keys::ctrl('a'));
    pty.type_text("https://");
    pty.send(keys::ENTER);
    pty.wait_until("the error to clear", |s| !s.contains("must be an https://"));
    pty.type_text("integration");
    pty.send(keys::ENTER);
    pty.send(&keys::paste("bc-api-token-123"));
    pty.send(keys::ENTER);
    pty.send(keys::TAB);
    // The instance name: replace the default.
    pty.send(&keys::ctrl('u'));
    pty.type_text("pty-shop");
    pty.send(keys::ENTER);
    pty.type_text("docs, e2e ");
    pty.send(keys::ENTER);

    let review = pty.wait_for("Review: a new BigCommerce instance");
    assert!(
        !review.contains("bc-api-token-123"),
        "the secret is masked on review"
    );
    pty.send(keys::ENTER);
    let token = pty.wait_value("the token on the Done screen", |s| {
        s.contains("Copy it (c) or save it (s) now")
            .then(|| value_after(s, "Token"))
            .flatten()
    });

    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1, "exactly one instance");
    let instance = &stored[0];
    assert_eq!(
        instance["token"],
        json!(token),
        "the screen shows the token the platform issued"
    );
    assert_eq!(instance["name"], json!("pty-shop"));
    assert_eq!(instance["tags"], json!(["docs", "e2e"]));
    let config: BTreeMap<String, String> = instance["configuration"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let expected: BTreeMap<String, String> = [
        ("store.url", "https://store-abc123.mybigcommerce.com"),
        ("username", "integration"),
        ("password", "bc-api-token-123"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(config, expected);

    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    let after = pty.wait_for("Created instance");
    assert!(
        !after.contains(&token),
        "the token is not printed without --print-token"
    );
}

/// The sign-in link on the screen (the terminal is wide enough for it to
/// sit on one line).
fn sign_in_link(screen: &str) -> Option<String> {
    screen
        .split_whitespace()
        .find(|w| w.contains("/provider/oauth/authorize") && w.contains("&state="))
        .map(str::to_string)
}

#[test]
fn infusionsoft_oauth_denied_then_allowed() {
    let sandbox = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = wizard_sized(
        &sandbox,
        dir.path(),
        &["--element", "infusionsoftecommerce", "--print-token"],
        300,
        30,
    );

    let form = pty.wait_for("Infusionsoft eCommerce: configuration");
    assert!(form.contains("Callback URL"), "{form}");
    pty.type_text("keap-client-id");
    pty.send(keys::ENTER);
    pty.type_text("keap-client-secret");
    pty.send(&keys::ctrl('s'));

    let first = pty.wait_value("a sign-in link", sign_in_link);
    let callback = value_after(&pty.screen(), "Callback URL").expect("the callback URL on screen");
    assert!(first.contains("client_id=keap-client-id"), "{first}");
    assert_eq!(
        rt.block_on(common::browser::consent_and_return(&first, "deny")),
        200
    );
    pty.wait_for("Access was not granted");

    // Trying again: a new link with a new state; nothing is retyped.
    pty.send(keys::ENTER);
    let second = pty.wait_value("a new sign-in link", |s| {
        sign_in_link(s).filter(|l| *l != first)
    });
    assert_eq!(
        rt.block_on(common::browser::consent_and_return(&second, "allow")),
        200
    );
    pty.wait_for("Review: a new Infusionsoft eCommerce instance");
    pty.send(keys::ENTER);
    let token = pty.wait_value("the token on the Done screen", |s| {
        s.contains("Copy it (c) or save it (s) now")
            .then(|| value_after(s, "Token"))
            .flatten()
    });

    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["token"], json!(token));
    let config = &stored[0]["configuration"];
    assert_eq!(config["oauth.api.key"], json!("keap-client-id"));
    assert_eq!(config["oauth.api.secret"], json!("keap-client-secret"));
    assert_eq!(config["oauth.callback.url"], json!(callback));

    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    // --print-token: the token alone on its own line after the wizard ends.
    let after = pty.wait_for("Created instance");
    assert!(after.lines().any(|l| l.trim() == token), "{after}");
}
