//! What the wizard says when it has no terminal to work with.

use crate::common;

use common::wizard::{Home, BIN};
use std::io::Write;
use std::process::{Command, Stdio};

/// `echo | ce-wizard --sandbox`: standard input is a pipe, and the message
/// says so (not stderr, which here is a pipe too) and points to `create`.
#[test]
fn a_piped_standard_input_is_named_and_create_is_offered() {
    let home = Home::new();
    let mut child = Command::new(BIN)
        .arg("--sandbox")
        .env_clear()
        .env("HOME", home.path())
        .env("TERM", "xterm-256color")
        .env("CE_WIZARD_CONFIG", home.join("config.toml"))
        .env("CE_WIZARD_CACHE", home.join("cache"))
        .current_dir(home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The wizard never reads a piped standard input and may have exited
    // already, so the pipe can be closed (EPIPE): that is not a failure.
    if let Err(e) = child.stdin.take().unwrap().write_all(b"\n") {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("standard input is not a terminal"),
        "{stderr}"
    );
    assert!(stderr.contains("ce-wizard create"), "{stderr}");
    assert!(!stderr.contains("stderr"), "{stderr}");
    assert!(out.stdout.is_empty());
}
