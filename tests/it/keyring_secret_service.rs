//! Remembered secrets in a real Secret Service: gnome-keyring-daemon on a
//! private D-Bus session bus, started here for each test and stopped after.
//! No mock: the secrets go over D-Bus into the keyring and back.

use crate::common;

use common::cli::*;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str = "the keyring tests need a Secret Service: install gnome-keyring and the D-Bus daemon (Debian: apt-get install gnome-keyring dbus-daemon dbus-bin; ./scripts/test does)";

/// A session bus with an unlocked gnome-keyring on it, both killed on drop.
pub(crate) struct PrivateKeyring {
    bus: Child,
    keyring: Child,
    pub(crate) address: String,
    _home: tempfile::TempDir,
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn tool(name: &str) -> PathBuf {
    ["/usr/bin", "/usr/local/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{name} is missing: {INSTALL}"))
}

pub(crate) fn start_keyring() -> PrivateKeyring {
    let home = tempfile::tempdir().unwrap();
    let mut bus = Command::new(tool("dbus-daemon"))
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("dbus-daemon does not start ({e}): {INSTALL}"));
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_string();
    assert!(
        !address.is_empty(),
        "dbus-daemon gave no address: {INSTALL}"
    );
    let runtime = home.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    let mut keyring = Command::new(tool("gnome-keyring-daemon"))
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("gnome-keyring-daemon does not start ({e}): {INSTALL}"));
    // The login keyring's password, then end of input: it unlocks (creating
    // it on first use) with that.
    let mut stdin = keyring.stdin.take().unwrap();
    stdin.write_all(b"test-keyring-password").unwrap();
    drop(stdin);
    let started = Instant::now();
    loop {
        let owned = Command::new(tool("dbus-send"))
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
            break;
        }
        if let Ok(Some(status)) = keyring.try_wait() {
            panic!("gnome-keyring-daemon exited ({status}): {INSTALL}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "gnome-keyring-daemon never took org.freedesktop.secrets on the bus: {INSTALL}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    PrivateKeyring {
        bus,
        keyring,
        address,
        _home: home,
    }
}

/// The binary against the sandbox with no secrets in its environment, only
/// the config file at `dir/config.toml`, and `bus` as its session bus.
fn with_config_only(sb_url: &str, dir: &Path, bus: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("HOME", dir)
        .env("XDG_RUNTIME_DIR", dir)
        .env("CE_WIZARD_CONFIG", dir.join("config.toml"))
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .args(["--base-url", sb_url]);
    c
}

/// An older config file: the secrets in plain text, for the platform at
/// `url` (they are sent nowhere else).
fn write_plain_config(dir: &Path, url: &str, user: &str, org: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!("environment = \"{url}\"\nuser_secret = \"{user}\"\norg_secret = \"{org}\"\n"),
    )
    .unwrap();
    path
}

const NO_BUS: &str = "unix:path=/nonexistent/ce-wizard-test-bus";

#[test]
fn secrets_move_into_the_keyring_and_are_read_back_from_it() {
    let keyring = start_keyring();
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = write_plain_config(
        dir.path(),
        &sb.base_url(),
        sb.user_secret(),
        sb.org_secret(),
    );

    // The plain file works, and the command offers the move.
    let mut list = with_config_only(&sb.base_url(), dir.path(), &keyring.address);
    list.args(["instances", "list"]);
    let out = run(list, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("ce-wizard secrets move"),
        "{}",
        out.stderr
    );

    let mut mv = with_config_only(&sb.base_url(), dir.path(), &keyring.address);
    mv.args(["secrets", "move"]);
    let out = run(mv, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("OS keyring"), "{}", out.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(sb.user_secret()), "{text}");
    assert!(!text.contains(sb.org_secret()), "{text}");
    assert!(text.contains("secrets = \"keyring\""), "{text}");

    // Read back from the keyring: the platform accepts them.
    let mut list = with_config_only(&sb.base_url(), dir.path(), &keyring.address);
    list.args(["instances", "list"]);
    let out = run(list, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("secrets move"), "{}", out.stderr);

    // Without the keyring, they are nowhere to be found, and it says so:
    // a failure of the machine (exit 1), not of the input.
    let mut list = with_config_only(&sb.base_url(), dir.path(), NO_BUS);
    list.args(["instances", "list"]);
    let out = run(list, "");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("OS keyring"), "{}", out.stderr);
    assert!(!out.stderr.contains(sb.user_secret()), "{}", out.stderr);
}

#[test]
fn without_a_keyring_the_secrets_stay_in_the_file_and_it_says_why() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = write_plain_config(
        dir.path(),
        &sb.base_url(),
        sb.user_secret(),
        sb.org_secret(),
    );
    let before = std::fs::read_to_string(&path).unwrap();
    let mut mv = with_config_only(&sb.base_url(), dir.path(), NO_BUS);
    mv.args(["secrets", "move"]);
    let out = run(mv, "");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("no OS keyring answered"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("stay in the config file"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}
