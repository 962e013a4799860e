//! The built binary and the library on a hostile local machine: symbolic
//! links where files are written, `umask 000`, FIFOs and `/dev/zero` where
//! the cache is read, a person's own files beside the cache, core dumps.

use crate::hostile;

use hostile::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn victim(dir: &Path) -> std::path::PathBuf {
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "the person's own file").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    victim
}

fn assert_untouched(victim: &Path) {
    assert_eq!(
        std::fs::read_to_string(victim).unwrap(),
        "the person's own file"
    );
    let mode = std::fs::metadata(victim).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "the link's target was chmodded");
}

fn catalog_platform() -> Server {
    Server::start(|r| match r.path.as_str() {
        p if p == format!("{API}/elements") => Reply::Json(
            200,
            r#"[{"key":"zeta","name":"Zeta","authentication":{"type":"custom"}}]"#.into(),
        ),
        _ => Reply::Json(404, "{}".into()),
    })
}

#[test]
fn the_log_file_is_never_written_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let victim = victim(dir.path());
    let link = dir.path().join("run.log");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let server = catalog_platform();
    let mut c = command(&server.base_url(), dir.path());
    c.arg("--log-file").arg(&link).args(["elements"]);
    let out = run(c);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("run.log"), "{}", out.stderr);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_untouched(&victim);
}

#[test]
fn saved_instances_and_the_config_file_are_never_written_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let victim = victim(dir.path());
    let link = dir.path().join("instance.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    // The wizard's Done save, first without and then with "Replace it?".
    for overwrite in [false, true] {
        let e = ce_wizard::config::write_private_file(&link, b"{\"token\":\"t\"}", overwrite)
            .unwrap_err();
        assert!(e.to_string().contains("instance.json"), "{e}");
        assert!(e.to_string().contains("symbolic link"), "{e}");
    }
    let config = dir.path().join("config.toml");
    std::os::unix::fs::symlink(&victim, &config).unwrap();
    let cfg = ce_wizard::config::StoredConfig {
        environment: Some(ce_wizard::config::Environment::Staging),
        user_secret: Some("u".into()),
        org_secret: Some("o".into()),
        secrets_in_keyring: false,
    };
    let e = ce_wizard::config::save_to(&config, &cfg).unwrap_err();
    assert!(e.to_string().contains("config.toml"), "{e}");
    assert_untouched(&victim);
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn config_and_cache_directories_are_private_under_umask_000() {
    let dir = tempfile::tempdir().unwrap();
    // The cache, by the binary run under umask 000.
    let server = catalog_platform();
    let mut c = command(&server.base_url(), dir.path());
    c.env("CE_WIZARD_CACHE", dir.path().join("xdg/cache/ce-wizard"))
        .args(["elements", "--refresh"]);
    // SAFETY: umask is async-signal-safe and only affects the child.
    unsafe {
        c.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let out = run(c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mode(&dir.path().join("xdg/cache/ce-wizard")), 0o700);
    assert_eq!(mode(&dir.path().join("xdg/cache")), 0o700);

    // The config file, by the library in a child run under umask 000, so
    // this process's umask stays as it is.
    let config = dir.path().join("xdg/config/ce-wizard/config.toml");
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "hostile_machine::save_config_child",
            "--exact",
            "--quiet",
            "--test-threads=1",
        ])
        .env(CHILD, &config)
        .status()
        .unwrap();
    assert!(child.success());
    assert!(config.exists(), "the child test ran");
    assert_eq!(mode(&dir.path().join("xdg/config/ce-wizard")), 0o700);
    assert_eq!(mode(&dir.path().join("xdg/config")), 0o700);
    assert_eq!(mode(&config), 0o600);
}

const CHILD: &str = "CE_WIZARD_TEST_SAVE_CONFIG_TO";

/// Run by the test above as a child process; does nothing otherwise.
#[test]
fn save_config_child() {
    let Some(path) = std::env::var_os(CHILD) else {
        return;
    };
    unsafe {
        libc::umask(0);
    }
    ce_wizard::config::save_to(
        Path::new(&path),
        &ce_wizard::config::StoredConfig {
            environment: Some(ce_wizard::config::Environment::Staging),
            user_secret: Some("u".into()),
            org_secret: Some("o".into()),
            secrets_in_keyring: false,
        },
    )
    .unwrap();
}

/// Runs `elements` once to write the cache, and returns its file.
fn cached_file(server: &Server, dir: &Path) -> std::path::PathBuf {
    let out = run({
        let mut c = command(&server.base_url(), dir);
        c.args(["elements", "--refresh"]);
        c
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = std::fs::read_dir(dir.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("catalog-")
        })
        .unwrap();
    file
}

#[test]
fn a_fifo_or_a_link_to_dev_zero_in_place_of_the_cache_neither_hangs_nor_floods() {
    let server = catalog_platform();
    let dir = tempfile::tempdir().unwrap();
    let file = cached_file(&server, dir.path());

    std::fs::remove_file(&file).unwrap();
    let c = std::ffi::CString::new(file.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let started = Instant::now();
    let out = run({
        let mut c = command(&server.base_url(), dir.path());
        c.args(["elements"]);
        c
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("zeta"),
        "fetched instead: {}",
        out.stdout
    );
    assert!(started.elapsed() < DEADLINE);

    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
    let out = run({
        let mut c = command(&server.base_url(), dir.path());
        c.args(["elements"]);
        c
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("zeta"), "{}", out.stdout);
}

#[test]
fn pruning_the_cache_removes_only_its_own_files() {
    let server = catalog_platform();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    let mut own = vec![];
    for name in ["catalog-report-2026-11.json", "catalog-notes.json"] {
        let p = cache.join(name);
        std::fs::write(&p, "the person's report").unwrap();
        own.push(p);
    }
    for i in 0..20u64 {
        own.push(cache.join(format!("catalog-{i:016x}.json")));
        std::fs::write(own.last().unwrap(), "{}").unwrap();
    }
    for p in &own {
        let f = std::fs::File::options().write(true).open(p).unwrap();
        f.set_modified(old).unwrap();
    }
    let out = run({
        let mut c = command(&server.base_url(), dir.path());
        c.args(["elements", "--refresh"]);
        c
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    let left = std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(left, 18, "16 catalogs and the person's two files");
    for p in &own[..2] {
        assert_eq!(std::fs::read_to_string(p).unwrap(), "the person's report");
    }
}

#[test]
fn the_process_leaves_no_core_and_is_not_dumpable() {
    // A non-root user, so that the owner of /proc/PID/environ tells: the
    // kernel gives it to root when the process is not dumpable.
    let me = unsafe { libc::geteuid() };
    let uid = if me == 0 { 65534 } else { me };
    // That user may not enter the folders above the checkout (a fresh
    // clone in a 0700 temporary folder): it runs a copy, in a folder every
    // user can reach.
    let place = reachable_by_all_users();
    let binary = place.path().join("ce-wizard");
    std::fs::copy(env!("CARGO_BIN_EXE_ce-wizard"), &binary).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut c = Command::new(&binary);
    c.env_clear()
        .args(["sandbox", "--port", "0"])
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if me == 0 {
        c.uid(uid).gid(65534);
    }
    let mut child = c.spawn().unwrap();
    let pid = child.id();
    let proc = Path::new("/proc").join(pid.to_string());
    // Wait until the program runs (the status shows its own name).
    let started = Instant::now();
    while !std::fs::read_to_string(proc.join("status"))
        .is_ok_and(|s| s.lines().next().is_some_and(|l| l.contains("ce-wizard")))
    {
        assert!(started.elapsed() < DEADLINE, "ce-wizard did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let limits = std::fs::read_to_string(proc.join("limits")).unwrap();
    let environ_owner = std::fs::metadata(proc.join("environ")).unwrap().uid();
    let status = std::fs::read_to_string(proc.join("status")).unwrap();
    child.kill().ok();
    child.wait().ok();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("Uid:") && l.contains(&uid.to_string())),
        "{status}"
    );
    assert_eq!(
        environ_owner, 0,
        "/proc/{pid}/environ belongs to the process's own user: it is dumpable"
    );
}

/// A new folder (0755) whose every ancestor other users may pass through:
/// in the temporary folder when it is so, else in `/tmp`.
fn reachable_by_all_users() -> tempfile::TempDir {
    let passable = |dir: &Path| {
        dir.ancestors()
            .all(|d| std::fs::metadata(d).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
    };
    let tmp = std::env::temp_dir();
    let parent = if passable(&tmp) {
        tmp
    } else {
        std::path::PathBuf::from("/tmp")
    };
    assert!(
        passable(&parent),
        "no folder other users can reach: {} and /tmp are closed to them",
        parent.display()
    );
    let dir = tempfile::tempdir_in(&parent).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The binary with `config` as its config file and no base URL of its own:
/// the profile's environment is the one used.
fn with_config(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("CE_WIZARD_CONFIG", dir.join("config.toml"))
        .env("CE_WIZARD_CACHE", dir.join("cache"))
        .env("CE_USER_SECRET", USER_SECRET)
        .env("CE_ORG_SECRET", ORG_SECRET)
        .args(args);
    run(c)
}

#[test]
fn a_hostile_config_file_neither_hangs_nor_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");

    // A FIFO nobody writes to, then /dev/zero: refused at once, named.
    let c = std::ffi::CString::new(config.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = with_config(dir.path(), &["profiles", "list"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &config).unwrap();
    let out = with_config(dir.path(), &["profiles", "list"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    std::fs::remove_file(&config).unwrap();

    // A config file kept elsewhere and linked to is still read.
    let kept = dir.path().join("dotfiles.toml");
    std::fs::write(&kept, "[profiles.acme]\nenvironment = \"eu\"\n").unwrap();
    std::os::unix::fs::symlink(&kept, &config).unwrap();
    let out = with_config(dir.path(), &["profiles", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("acme"), "{}", out.stdout);
    std::fs::remove_file(&config).unwrap();

    // An environment (the base URL every call goes to) with escape
    // sequences: refused where the file is read, and shown escaped.
    let text = format!(
        "default_profile = \"acme\"\n[profiles.acme]\nenvironment = {}\n",
        toml_string(&format!("https://x{HOSTILE}.example/elements/api-v2"))
    );
    std::fs::write(&config, text).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    for args in [
        &["--profile", "acme", "instances", "list"][..],
        &["profiles", "list"][..],
    ] {
        let out = with_config(dir.path(), args);
        assert_ne!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_terminal_safe(&format!("{args:?}"), &out.both());
        assert!(
            out.stderr.contains("control or bidi characters"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// `text` as a TOML basic string, every control written as `\uXXXX`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn a_config_file_holding_secrets_that_others_can_read_is_narrowed_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.acme]\nenvironment = \"http://127.0.0.1:9/elements/api-v2\"\nsecrets = \"file\"\nuser_secret = \"u-file\"\norg_secret = \"o-file\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = with_config(dir.path(), &["--profile", "acme", "instances", "list"]);
    assert!(
        out.stderr.contains("was readable by others (mode 644)"),
        "{}",
        out.stderr
    );
    assert_eq!(mode(&config), 0o600);
    assert!(!out.both().contains("u-file"), "{}", out.both());
}
