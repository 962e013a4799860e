//! Named accounts on the command line: `--profile` and `CE_PROFILE` choose
//! a saved profile for `instances`, `create` and `elements`; `profiles
//! list|default|remove`; the single-account config file read as the profile
//! `default` and rewritten only on a save; and secrets from the environment
//! winning over a profile, said on stderr. Secrets are kept in the file
//! here (the keyring has its own module); no session bus is reachable.

use crate::common;

use ce_wizard::sandbox::Sandbox;
use common::cli::*;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const NO_BUS: &str = "unix:path=/nonexistent/ce-wizard-test-bus";
/// A port nothing listens on: a profile pointing there must not be used.
const CLOSED: &str = "http://127.0.0.1:9/elements/api-v2";

/// The binary with no secrets, base URL or profile in its environment:
/// only the config file at `dir/config.toml`.
fn bare(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("CE_WIZARD_CONFIG", dir.join("config.toml"))
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);
    c
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Two profiles: `acme` on the sandbox with its secrets, `globex` (the
/// default) on a closed port with wrong ones.
fn two_profiles(dir: &Path, sb: &Sandbox) -> PathBuf {
    write_config(
        dir,
        &format!(
            "default_profile = \"globex\"\n\n\
             [profiles.acme]\nenvironment = \"{}\"\nsecrets = \"file\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n\n\
             [profiles.globex]\nenvironment = \"{CLOSED}\"\nsecrets = \"file\"\nuser_secret = \"wrong-user\"\norg_secret = \"wrong-org\"\n",
            sb.base_url(),
            sb.user_secret(),
            sb.org_secret()
        ),
    )
}

fn list_json(dir: &Path) -> Vec<Value> {
    let mut c = bare(dir);
    c.args(["profiles", "list", "--json"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn profile_flag_and_ce_profile_choose_the_account_and_the_flag_wins() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    two_profiles(dir.path(), &sb);

    // The default (globex) is on a closed port: without a choice it fails.
    let mut c = bare(dir.path());
    c.args(["instances", "list", "--json"]);
    let out = run(c, "");
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Using profile 'globex'"),
        "{}",
        out.stderr
    );

    let mut c = bare(dir.path());
    c.args(["--profile", "acme", "instances", "list", "--json"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "[]");
    assert!(
        out.stderr
            .contains(&format!("Using profile 'acme' ({}).", sb.base_url())),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(sb.user_secret()), "{}", out.stderr);
    assert!(!out.stderr.contains(sb.org_secret()), "{}", out.stderr);

    let mut c = bare(dir.path());
    c.env("CE_PROFILE", "acme")
        .args(["instances", "list", "--json"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);

    // The flag wins over CE_PROFILE.
    let mut c = bare(dir.path());
    c.env("CE_PROFILE", "globex")
        .args(["instances", "list", "--json", "--profile", "acme"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);

    // `create` sends to the profile's platform with its secrets.
    let mut c = bare(dir.path());
    c.env("CE_PROFILE", "acme").args([
        "create",
        "--element",
        "bigcommerce",
        "--name",
        "shop",
        "--no-verify",
        "--set",
        "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        "--set",
        "username=u",
        "--set",
        "password=p",
    ]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sb.instances().len(), 1);

    // `elements` lists the profile's catalog.
    let mut c = bare(dir.path());
    c.args(["elements", "--refresh", "--profile", "acme"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("catalog of {}", sb.base_url())),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_or_malformed_profile_is_exit_2_with_the_closest_names() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = two_profiles(dir.path(), &sb);
    let before = std::fs::read_to_string(&path).unwrap();

    let mut c = bare(dir.path());
    c.args(["--profile", "acmee", "instances", "list"]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("did you mean 'acme'"), "{}", out.stderr);

    let mut c = bare(dir.path());
    c.env("CE_PROFILE", "initech").args(["instances", "list"]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the saved ones are 'acme', 'globex'"),
        "{}",
        out.stderr
    );

    for bad in ["a/b", "-x", "two words"] {
        let mut c = bare(dir.path());
        c.args(["instances", "list", &format!("--profile={bad}")]);
        let out = run(c, "");
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains("not a profile name"), "{}", out.stderr);
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn secrets_from_the_environment_win_over_the_profile_and_stderr_says_so() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    // The profile's own secrets are wrong; the environment's are right.
    write_config(
        dir.path(),
        &format!(
            "[profiles.acme]\nenvironment = \"{}\"\nsecrets = \"file\"\nuser_secret = \"saved-user-secret\"\norg_secret = \"saved-org-secret\"\n",
            sb.base_url()
        ),
    );
    let mut c = bare(dir.path());
    c.env("CE_USER_SECRET", sb.user_secret())
        .env("CE_ORG_SECRET", sb.org_secret())
        .args(["--profile", "acme", "instances", "list", "--json"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stderr
        .lines()
        .find(|l| l.starts_with("Using profile 'acme'"))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    assert!(
        line.contains(
            "CE_USER_SECRET and CE_ORG_SECRET from the environment override its saved secrets"
        ),
        "{line}"
    );
    for secret in [
        sb.user_secret(),
        sb.org_secret(),
        "saved-user-secret",
        "saved-org-secret",
    ] {
        assert!(!out.stderr.contains(secret), "{}", out.stderr);
    }

    // Flags win over the profile's environment too, and the line says so.
    let mut c = bare(dir.path());
    c.env("CE_USER_SECRET", sb.user_secret())
        .env("CE_ORG_SECRET", sb.org_secret())
        .args(["--profile", "acme", "--env", "eu", "--request-timeout", "1"])
        .args(["instances", "list"])
        .env("HTTPS_PROXY", "http://127.0.0.1:9");
    let out = run(c, "");
    assert!(
        out.stderr.contains("Using profile 'acme' (EU production)")
            && out
                .stderr
                .contains("--env (or CE_ENV) overrides its environment"),
        "{}",
        out.stderr
    );

    // Without the environment's secrets, the saved ones are used (and fail).
    let mut c = bare(dir.path());
    c.args(["--profile", "acme", "instances", "list"]);
    let out = run(c, "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(!out.stderr.contains("override"), "{}", out.stderr);
}

#[test]
fn an_old_single_account_file_reads_as_default_and_is_rewritten_only_on_a_save() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let old = format!(
        "environment = \"{}\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n",
        sb.base_url(),
        sb.user_secret(),
        sb.org_secret()
    );
    let path = write_config(dir.path(), &old);

    let rows = list_json(dir.path());
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["name"], "default");
    assert_eq!(rows[0]["environment"], sb.base_url());
    assert_eq!(rows[0]["base_url"], sb.base_url());
    assert_eq!(rows[0]["secrets"], "file");
    assert_eq!(rows[0]["default"], true);

    let mut c = bare(dir.path());
    c.args(["instances", "list", "--json"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Using profile 'default'"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("secrets move"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        old,
        "reading never rewrites"
    );
    assert_eq!(mode(&path), 0o600);

    // A save writes the profile layout, still 0600, still working.
    let mut c = bare(dir.path());
    c.args(["profiles", "default", "default"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("default_profile = \"default\""), "{text}");
    assert!(text.contains("[profiles.default]"), "{text}");
    assert!(text.contains("secrets = \"file\""), "{text}");
    assert!(!text.starts_with("environment"), "{text}");
    assert_eq!(mode(&path), 0o600);
    let mut c = bare(dir.path());
    c.args(["instances", "list", "--json"]);
    assert_eq!(run(c, "").code, 0);
}

#[test]
fn profiles_list_shows_every_profile_and_marks_the_default() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();

    // None saved: an empty list, and how to save one.
    let rows = list_json(dir.path());
    assert!(rows.is_empty());
    let mut c = bare(dir.path());
    c.args(["profiles", "list"]);
    let out = run(c, "");
    assert_eq!(out.code, 0);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("No saved profiles"), "{}", out.stderr);

    two_profiles(dir.path(), &sb);
    std::fs::write(
        dir.path().join("config.toml"),
        std::fs::read_to_string(dir.path().join("config.toml")).unwrap()
            + "\n[profiles.eu-team]\nenvironment = \"eu\"\nsecrets = \"keyring\"\n",
    )
    .unwrap();
    let rows = list_json(dir.path());
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["acme", "eu-team", "globex"]);
    assert_eq!(rows[1]["environment"], "eu");
    assert_eq!(
        rows[1]["base_url"],
        "https://api.cloud-elements.co.uk/elements/api-v2"
    );
    assert_eq!(rows[1]["secrets"], "keyring");
    let defaults: Vec<bool> = rows
        .iter()
        .map(|r| r["default"].as_bool().unwrap())
        .collect();
    assert_eq!(defaults, [false, false, true]);
    let text = serde_json::to_string(&rows).unwrap();
    assert!(!text.contains(sb.user_secret()), "{text}");

    let mut c = bare(dir.path());
    c.args(["profiles", "list"]);
    let out = run(c, "");
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].contains("NAME") && lines[0].contains("SECRETS"),
        "{}",
        out.stdout
    );
    assert!(
        lines[2].starts_with("  eu-team") && lines[2].ends_with("keyring"),
        "{}",
        out.stdout
    );
    assert!(
        lines[3].starts_with("* globex") && lines[3].ends_with("file"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(sb.user_secret()), "{}", out.stdout);

    // `profiles default` moves the mark; an unknown name is exit 2.
    let mut c = bare(dir.path());
    c.args(["profiles", "default", "acme"]);
    assert_eq!(run(c, "").code, 0);
    assert_eq!(list_json(dir.path())[0]["default"], true);
    let mut c = bare(dir.path());
    c.args(["profiles", "default", "globx"]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("did you mean 'globex'"),
        "{}",
        out.stderr
    );
}

#[test]
fn profiles_remove_asks_for_yes_off_a_terminal_and_names_the_closest() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = two_profiles(dir.path(), &sb);
    let before = std::fs::read_to_string(&path).unwrap();

    let mut c = bare(dir.path());
    c.args(["profiles", "remove", "globex"]);
    let out = run(c, "y\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    let mut c = bare(dir.path());
    c.args(["profiles", "remove", "globexx", "--yes"]);
    let out = run(c, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("did you mean 'globex'"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    let mut c = bare(dir.path());
    c.args(["profiles", "remove", "globex", "--yes"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Removed the profile 'globex'"),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("globex") && !text.contains("wrong-user"),
        "{text}"
    );
    assert_eq!(mode(&path), 0o600);
    // The default went with it: the only one left is used.
    let rows = list_json(dir.path());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["name"], "acme");
    assert_eq!(rows[0]["default"], true);
    let mut c = bare(dir.path());
    c.args(["instances", "list", "--json"]);
    assert_eq!(run(c, "").code, 0);
}

/// A profile saved to the file by this version (on purpose, or because no
/// keyring answered) was said to be so when saved: the commands do not
/// offer `secrets move` on every run, which fails where no keyring is.
#[test]
fn a_profile_saved_to_the_file_is_not_nagged_about_the_keyring() {
    let sb = common::cli::sandbox();
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "default_profile = \"acme\"\n\n[profiles.acme]\nenvironment = \"{}\"\nsecrets = \"file\"\nuser_secret = \"{}\"\norg_secret = \"{}\"\n",
            sb.base_url(),
            sb.user_secret(),
            sb.org_secret()
        ),
    );
    let mut c = bare(dir.path());
    c.args(["instances", "list"]);
    let out = run(c, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Using profile 'acme'"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("secrets move"), "{}", out.stderr);
}
