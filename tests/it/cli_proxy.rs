//! The platform is reached through the proxy the environment names, while a
//! loopback address (the sandbox) never is.

use crate::common;

use common::cli::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

#[test]
fn the_platform_is_reached_through_http_proxy() {
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
        let body = r#"{"requestId":"via-proxy","message":"Invalid Organization or User secret"}"#;
        let mut s = stream;
        write!(s, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
        request_line
    });
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    cmd.env_clear()
        .env("HOME", dir.path())
        .env("CE_WIZARD_CONFIG", dir.path().join("c.toml"))
        .env("CE_USER_SECRET", "u")
        .env("CE_ORG_SECRET", "o")
        .env("HTTP_PROXY", &proxy_url)
        .args([
            "create",
            "--base-url",
            "http://platform.ce-wizard.test/elements/api-v2",
            // Plain http keeps the proxy's view of the request readable;
            // off this machine it needs saying so.
            "--allow-http",
            "--element",
            "ecwid",
        ])
        .args([
            "--set",
            "ecwid.store.id=1",
            "--set",
            "ecwid.order.key=o",
            "--set",
            "ecwid.product.key=p",
        ]);
    let out = run(cmd, "");
    // Checked before the proxy's thread is joined: a run that never reached
    // the proxy fails here instead of leaving that thread waiting forever.
    assert_eq!(out.code, 3, "{}", out.stderr);
    let request_line = seen.join().unwrap();
    assert!(
        request_line.starts_with("POST http://platform.ce-wizard.test/elements/api-v2/instances"),
        "{request_line}"
    );
    assert!(out.stderr.contains("via-proxy"), "{}", out.stderr);
}

#[test]
fn loopback_never_goes_through_the_proxy() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on this proxy (port 1, which no test can be handed):
    // going through it would fail.
    let dead_url = "http://127.0.0.1:1".to_string();
    let mut cmd = command(&sb, dir.path());
    cmd.env("HTTP_PROXY", &dead_url)
        .env("HTTPS_PROXY", &dead_url)
        .env("ALL_PROXY", &dead_url)
        .args(["create", "--element", "ecwid", "--set", "ecwid.store.id=1"])
        .args(["--set", "ecwid.order.key=o", "--set", "ecwid.product.key=p"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sb.instances().len(), 1);
}
