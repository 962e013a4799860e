//! Plain `http://` goes only to this machine: a base URL to another host
//! (flag, variable or profile) is refused unless `--allow-http` is given,
//! and then a warning is printed on every run. The sandbox on loopback
//! stays allowed without a word. A proxy that keeps what it is sent stands
//! for the network between (HTTP_PROXY), so the test sees what would have
//! travelled in clear.

use crate::common;
use crate::keyring_bound::Collector;

use common::cli::*;
use std::process::Command;

const FAR: &str = "http://ce.example.test/elements/api-v2";

fn bare(dir: &std::path::Path, proxy: &Collector) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("HOME", dir)
        .env("CE_WIZARD_CONFIG", dir.join("config.toml"))
        .env("CE_USER_SECRET", "clear-user-secret")
        .env("CE_ORG_SECRET", "clear-org-secret")
        .env("HTTP_PROXY", proxy.url.trim_end_matches("/elements/api-v2"))
        .args(["--request-timeout", "5s"]);
    c
}

#[test]
fn http_to_another_host_is_refused_unless_allowed_and_then_warned_of_every_run() {
    let proxy = Collector::start();
    let dir = tempfile::tempdir().unwrap();
    // The flag, the variable and a profile's environment alike.
    std::fs::write(
        dir.path().join("config.toml"),
        format!("[profiles.far]\nenvironment = \"{FAR}\"\n"),
    )
    .unwrap();
    let ways = [
        (vec!["--base-url", FAR], None),
        (vec![], Some(FAR)),
        (vec!["--profile", "far"], None),
    ];
    for (args, var) in ways {
        let mut c = bare(dir.path(), &proxy);
        if let Some(url) = var {
            c.env("CE_BASE_URL", url);
        }
        c.args(&args).args(["instances", "list"]);
        let out = run(c, "");
        assert_eq!(out.code, 2, "{args:?} {var:?}: {}", out.stderr);
        for named in [FAR, "--allow-http", "unencrypted"] {
            assert!(out.stderr.contains(named), "{named}: {}", out.stderr);
        }
    }
    assert!(!proxy.got("clear-user-secret"), "sent in clear");

    for _ in 0..2 {
        let mut c = bare(dir.path(), &proxy);
        c.args(["--base-url", FAR, "--allow-http", "instances", "list"]);
        let out = run(c, "");
        assert_eq!(out.code, 3, "the proxy answers 401: {}", out.stderr);
        assert_eq!(
            out.stderr.matches("warning:").count(),
            1,
            "once a run: {}",
            out.stderr
        );
        assert!(out.stderr.contains("plain http"), "{}", out.stderr);
        assert!(out.stderr.contains(FAR), "{}", out.stderr);
    }
    assert!(proxy.got("clear-user-secret"), "allowed, it went");
}

#[test]
fn http_to_this_machine_needs_no_flag_and_says_nothing() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    for url in [
        sb.base_url(),
        sb.base_url().replace("127.0.0.1", "localhost"),
    ] {
        let mut c = command(&sb, dir.path());
        c.args(["--base-url", &url, "instances", "list"]);
        let out = run(c, "");
        assert_eq!(out.code, 0, "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("plain http"), "{}", out.stderr);
        assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    }
}
