//! `--env` and `CE_ENV` choose the platform's host. Nothing leaves the
//! machine: HTTPS_PROXY points at a loopback listener that records the host
//! of the CONNECT it is asked for and refuses it, so no real host is ever
//! resolved or reached.

use crate::common;

use common::cli::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;

/// Runs `ce-wizard elements --refresh` with `args` and `env` through a
/// recording proxy; returns the CONNECT target and the run's stderr.
fn connect_target(args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let seen = std::thread::spawn(move || {
        let (stream, _) = proxy.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        let mut s = stream;
        let _ = write!(
            s,
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        request_line
    });
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    cmd.env_clear()
        .env("HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("CE_WIZARD_CONFIG", dir.path().join("c.toml"))
        .env("CE_USER_SECRET", "u")
        .env("CE_ORG_SECRET", "o")
        .env("HTTPS_PROXY", &proxy_url)
        .args(["elements", "--refresh"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(cmd, "");
    let line = seen.join().unwrap();
    let target = line
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("not a CONNECT: {line:?}"))
        .to_string();
    (target, out.stderr)
}

#[test]
fn env_eu_goes_to_the_eu_host() {
    let (target, stderr) = connect_target(&["--env", "eu"], &[]);
    assert_eq!(target, "api.cloud-elements.co.uk:443");
    assert!(
        stderr.contains("https://api.cloud-elements.co.uk/elements/api-v2"),
        "{stderr}"
    );
}

#[test]
fn ce_env_chooses_the_host_and_the_flag_wins_over_it() {
    let (target, _) = connect_target(&[], &[("CE_ENV", "staging")]);
    assert_eq!(target, "staging.cloud-elements.com:443");
    let (target, _) = connect_target(&["--env", "eu"], &[("CE_ENV", "staging")]);
    assert_eq!(target, "api.cloud-elements.co.uk:443");
}

#[test]
fn production_is_the_default_and_a_base_url_wins_over_env() {
    let (target, _) = connect_target(&[], &[]);
    assert_eq!(target, "api.cloud-elements.com:443");
    let tenant = "https://api.openconnectors.eu10.ext.hana.ondemand.com/elements/api-v2";
    let (target, _) = connect_target(&["--base-url", tenant], &[("CE_ENV", "eu")]);
    assert_eq!(target, "api.openconnectors.eu10.ext.hana.ondemand.com:443");
}

#[test]
fn an_unknown_environment_is_refused_with_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    cmd.env_clear()
        .env("HOME", dir.path())
        .args(["elements", "--env", "mars"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    for name in ["production", "eu", "staging"] {
        assert!(out.stderr.contains(name), "{}", out.stderr);
    }
}
