//! What a child process (the browser launcher, the clipboard helpers) must
//! not inherit: the account secrets and every variable a secret was read
//! from. Those children are detached and outlive ce-wizard; a browser
//! started by them would carry the secrets for its whole life.

use crate::config::{ORG_SECRET_ENV, USER_SECRET_ENV};
use std::process::Command;
use std::sync::Mutex;

/// Names of variables read for values (`--set key=env:NAME`).
static HIDDEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Keeps the variable `name` out of every child's environment.
pub fn hide_var(name: &str) {
    let mut hidden = HIDDEN.lock().unwrap_or_else(|e| e.into_inner());
    if !hidden.iter().any(|n| n == name) {
        hidden.push(name.to_string());
    }
}

/// Removes from `command`'s environment the account secrets, every hidden
/// variable, and any variable whose value holds a registered secret.
pub fn scrub(command: &mut Command) {
    command.env_remove(USER_SECRET_ENV);
    command.env_remove(ORG_SECRET_ENV);
    for name in HIDDEN.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        command.env_remove(name);
    }
    for (name, value) in std::env::vars_os() {
        if value.to_str().is_some_and(crate::log::holds_secret) {
            command.env_remove(name);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn children_lose_the_secret_variables() {
        const NAME: &str = "CE_WIZARD_TEST_HIDDEN_VAR";
        hide_var(NAME);
        let mut command = Command::new("/usr/bin/env");
        command
            .env(USER_SECRET_ENV, "u-secret")
            .env(ORG_SECRET_ENV, "o-secret")
            .env(NAME, "from-set")
            .env("CE_WIZARD_TEST_KEPT_VAR", "kept");
        scrub(&mut command);
        let out = command.output().unwrap();
        let env = String::from_utf8_lossy(&out.stdout);
        assert!(
            !env.contains("u-secret") && !env.contains("o-secret"),
            "{env}"
        );
        assert!(!env.contains("from-set"), "{env}");
        assert!(env.contains("CE_WIZARD_TEST_KEPT_VAR=kept"), "{env}");
    }
}
