//! `create` against a platform that never answers: one deadline for the
//! whole command, and a message that says so and whether retrying is safe.

mod common;

use common::cli::run;
use common::wizard::SilentPlatform;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_silent_platform_ends_the_create_within_its_budget() {
    let silent = SilentPlatform::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("CE_WIZARD_CONFIG", dir.path().join("config.toml"))
        .env("CE_USER_SECRET", "user-secret")
        .env("CE_ORG_SECRET", "org-secret")
        .args(["--base-url", &silent.url, "--request-timeout", "1s"])
        .args(["create", "--element", "bigcommerce", "--name", "shop"])
        .args([
            "--set",
            "store.url=https://store-abc.mybigcommerce.com/api/v2/",
            "--set",
            "username=u",
            "--set",
            "password=@@p",
        ]);
    let started = Instant::now();
    let out = run(cmd, "");
    let took = started.elapsed();
    // 2.5 request timeouts, and a generous allowance for starting the
    // process; without the shared budget this takes over four seconds.
    assert!(
        took < Duration::from_millis(3700),
        "took {took:?}; stderr:\n{}",
        out.stderr
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: the platform did not answer within 2s 500ms")
            && out.stderr.contains("trying again is not known to be safe"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    // Standard error is no terminal here: no progress lines.
    assert!(!out.stderr.contains("Waiting for the platform"));
    assert!(silent.connections() >= 2, "the create and the check");
}
