//! A profile's saved secrets go only to the platform they were saved for,
//! in a real Secret Service (gnome-keyring on a private session bus, the
//! harness of `keyring_secret_service`). The three ways another place could
//! collect them: another config file (`CE_WIZARD_CONFIG`) naming the same
//! profile elsewhere, `CE_BASE_URL`, and `profiles remove` run from that
//! other file. Entries saved before the binding still work for the
//! platform their profile names, and are bound to it on first use.

use crate::common;
use crate::keyring_secret_service::{start_keyring, PrivateKeyring};

use common::cli::*;
use common::pty::{keys, Pty, Spawn};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A loopback server that keeps every request it receives and answers 401:
/// the place the secrets must not reach.
pub(crate) struct Collector {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Collector {
    pub(crate) fn start() -> Collector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://127.0.0.1:{}/elements/api-v2",
            listener.local_addr().unwrap().port()
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                let mut buf = vec![0u8; 16 * 1024];
                let n = s.read(&mut buf).unwrap_or(0);
                kept.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                let _ = s.write_all(
                    b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                );
            }
        });
        Collector { url, seen }
    }

    /// Whether any request carried `secret`.
    pub(crate) fn got(&self, secret: &str) -> bool {
        self.seen.lock().unwrap().iter().any(|r| r.contains(secret))
    }
}

fn with_bus(dir: &Path, config: &Path, bus: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("HOME", dir)
        .env("XDG_RUNTIME_DIR", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("CE_WIZARD_CONFIG", config)
        .env("DBUS_SESSION_BUS_ADDRESS", bus);
    c
}

/// The person's own config file: the profile `default` on the sandbox,
/// its secrets moved into the keyring (bound to the sandbox).
fn saved_on(dir: &Path, sb_url: &str, user: &str, org: &str, bus: &str) -> PathBuf {
    let path = dir.join("mine.toml");
    std::fs::write(
        &path,
        format!(
            "[profiles.default]\nenvironment = \"{sb_url}\"\nsecrets = \"file\"\nuser_secret = \"{user}\"\norg_secret = \"{org}\"\n"
        ),
    )
    .unwrap();
    let mut mv = with_bus(dir, &path, bus);
    mv.args(["secrets", "move"]);
    let out = run(mv, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!std::fs::read_to_string(&path).unwrap().contains(user));
    path
}

/// What every test here starts from: a private keyring, the sandbox, a
/// collector standing for another host, and the person's own config file
/// whose secrets the keyring holds for the sandbox.
struct Scene {
    keyring: PrivateKeyring,
    sb: ce_wizard::sandbox::Sandbox,
    thief: Collector,
    dir: tempfile::TempDir,
    mine: PathBuf,
}

fn scene() -> Scene {
    let keyring = start_keyring();
    let sb = sandbox();
    let thief = Collector::start();
    let dir = tempfile::tempdir().unwrap();
    let mine = saved_on(
        dir.path(),
        &sb.base_url(),
        sb.user_secret(),
        sb.org_secret(),
        keyring.address.as_str(),
    );
    Scene {
        keyring,
        sb,
        thief,
        dir,
        mine,
    }
}

/// Another config file whose profile `default` points at `url`, its
/// secrets "in the keyring".
fn other_file(dir: &Path, url: &str) -> PathBuf {
    let path = dir.join("other.toml");
    std::fs::write(
        &path,
        format!("[profiles.default]\nenvironment = \"{url}\"\nsecrets = \"keyring\"\n"),
    )
    .unwrap();
    path
}

fn list(dir: &Path, config: &Path, bus: &str, extra: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = with_bus(dir, config, bus);
    for (k, v) in extra {
        c.env(k, v);
    }
    c.args(args).args(["instances", "list"]);
    run(c, "")
}

#[test]
fn another_config_file_naming_the_profile_elsewhere_gets_no_secrets() {
    let Scene {
        keyring,
        sb,
        thief,
        dir,
        mine,
    } = scene();
    let bus = keyring.address.as_str();
    let other = other_file(dir.path(), &thief.url);

    let out = list(dir.path(), &other, bus, &[], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for named in [sb.base_url().as_str(), thief.url.as_str(), "--trust-host"] {
        assert!(out.stderr.contains(named), "{named}: {}", out.stderr);
    }
    assert!(!thief.got(sb.user_secret()), "the secrets were sent");
    assert!(!out.stderr.contains(sb.user_secret()), "{}", out.stderr);

    // The person's own file still works.
    let out = list(dir.path(), &mine, bus, &[], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // The flag is the person's leave: then, and only then, they go.
    let out = list(dir.path(), &other, bus, &[], &["--trust-host"]);
    assert!(out.stderr.contains("--trust-host"), "{}", out.stderr);
    assert!(thief.got(sb.user_secret()), "{}", out.stderr);
}

#[test]
fn ce_base_url_pointing_the_profile_elsewhere_gets_no_secrets() {
    let Scene {
        keyring,
        sb,
        thief,
        dir,
        mine,
    } = scene();
    let bus = keyring.address.as_str();

    for how in [vec![("CE_BASE_URL", thief.url.as_str())], vec![]] {
        let flag: &[&str] = if how.is_empty() {
            &["--base-url", &thief.url]
        } else {
            &[]
        };
        let out = list(dir.path(), &mine, bus, &how, flag);
        assert_eq!(out.code, 2, "{how:?} {flag:?}: {}", out.stderr);
        for named in [sb.base_url().as_str(), thief.url.as_str(), "--trust-host"] {
            assert!(out.stderr.contains(named), "{named}: {}", out.stderr);
        }
    }
    assert!(!thief.got(sb.user_secret()), "the secrets were sent");
    // Secrets given for this run are the person's to send anywhere.
    let out = list(
        dir.path(),
        &mine,
        bus,
        &[
            ("CE_BASE_URL", thief.url.as_str()),
            ("CE_USER_SECRET", "typed-user"),
            ("CE_ORG_SECRET", "typed-org"),
        ],
        &[],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(thief.got("typed-user"));
    assert!(!thief.got(sb.user_secret()));
}

#[test]
fn on_a_terminal_the_person_is_asked_naming_both_hosts() {
    let Scene {
        keyring,
        sb,
        thief,
        dir,
        mine,
    } = scene();
    let bus = keyring.address.as_str();
    let ask = |answer: &str| {
        let script = format!(
            "'{}' instances list > '{}'",
            env!("CARGO_BIN_EXE_ce-wizard"),
            dir.path().join("out.txt").display()
        );
        let mut pty = Pty::spawn(Spawn {
            program: "/bin/sh",
            args: vec!["-c".into(), script],
            env: vec![
                ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
                ("HOME".into(), dir.path().display().to_string()),
                ("CE_WIZARD_CONFIG".into(), mine.display().to_string()),
                ("DBUS_SESSION_BUS_ADDRESS".into(), bus.into()),
                ("CE_BASE_URL".into(), thief.url.clone()),
            ],
            cwd: dir.path(),
            cols: 200,
            rows: 30,
        });
        let screen = pty.wait_for("[y/N]");
        for named in [sb.base_url(), thief.url.clone()] {
            assert!(screen.contains(&named), "{named}: {screen}");
        }
        pty.send(answer);
        pty.send(keys::ENTER);
        let code = pty.finish();
        (code, pty.screen())
    };
    let (code, screen) = ask("n");
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("not sent"), "{screen}");
    assert!(!thief.got(sb.user_secret()), "sent after a no");
    let (code, screen) = ask("y");
    assert_eq!(code, 3, "the collector refuses them: {screen}");
    assert!(thief.got(sb.user_secret()), "not sent after a yes");
}

#[test]
fn profiles_remove_from_another_file_leaves_the_real_entries() {
    let Scene {
        keyring,
        sb,
        thief,
        dir,
        mine,
    } = scene();
    let bus = keyring.address.as_str();
    let other = other_file(dir.path(), &thief.url);

    let mut rm = with_bus(dir.path(), &other, bus);
    rm.args(["profiles", "remove", "default", "--yes"]);
    let out = run(rm, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("left as they were"), "{}", out.stderr);
    assert!(out.stderr.contains(&sb.base_url()), "{}", out.stderr);
    assert!(!std::fs::read_to_string(&other)
        .unwrap()
        .contains("[profiles.default]"));

    // The real profile still reads its secrets.
    let out = list(dir.path(), &mine, bus, &[], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Removed from its own file, its entries go.
    let mut rm = with_bus(dir.path(), &mine, bus);
    rm.args(["profiles", "remove", "default", "--yes"]);
    let out = run(rm, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("and its secrets in the OS keyring"),
        "{}",
        out.stderr
    );
    assert!(entry_paths(bus, "default/user_secret").is_empty());
    assert!(entry_paths(bus, "default/base_url").is_empty());
}

/// The Secret Service items of the service `ce-wizard` with this account
/// name, searched over D-Bus with `dbus-send`.
fn entry_paths(bus: &str, username: &str) -> Vec<String> {
    let out = dbus_send(bus, "/org/freedesktop/secrets")
        .arg("org.freedesktop.Secret.Service.SearchItems")
        .arg(format!(
            "dict:string:string:service,ce-wizard,username,{username}"
        ))
        .output()
        .expect("dbus-send (Debian: dbus-bin) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("object path \""))
        .map(|p| p.trim_end_matches('"').to_string())
        .filter(|p| p.starts_with("/org/freedesktop/secrets/collection/"))
        .collect()
}

fn dbus_send(bus: &str, object: &str) -> Command {
    let mut c = Command::new("dbus-send");
    c.arg(format!("--bus={bus}"))
        .args(["--print-reply", "--dest=org.freedesktop.secrets", object]);
    c
}

#[test]
fn entries_saved_before_the_binding_work_for_their_profiles_host_and_are_bound_on_first_use() {
    let Scene {
        keyring,
        sb,
        thief,
        dir,
        mine,
    } = scene();
    let bus = keyring.address.as_str();
    // As an older ce-wizard left them: the secrets, no base URL.
    for item in entry_paths(bus, "default/base_url") {
        let out = dbus_send(bus, &item)
            .arg("org.freedesktop.Secret.Item.Delete")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(entry_paths(bus, "default/base_url").is_empty());

    let out = list(dir.path(), &mine, bus, &[], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        entry_paths(bus, "default/base_url").len(),
        1,
        "bound on first use"
    );
    let out = list(
        dir.path(),
        &mine,
        bus,
        &[("CE_BASE_URL", thief.url.as_str())],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!thief.got(sb.user_secret()));
}
