//! The built binary listing a hostile platform's instances: pages holding
//! more than asked for, pages without end, next-page cursors that cannot be
//! sent back, and names and settings written to act on a terminal or to
//! leak. Every command that reads the list ends "incomplete" (never with a
//! shorter list taken for the whole), in bounded memory; every `--json`
//! output is escaped by one writer and masks the secrets.

use crate::hostile;

use hostile::*;
use serde_json::{json, Value};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NEXT: &str = "elements-next-page-token";

/// The page a request asks for: 1, or the `c-N` of its cursor.
fn page_of(r: &Request) -> usize {
    r.query
        .split('&')
        .find_map(|p| p.strip_prefix("nextPage=c-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

fn instance(id: usize) -> Value {
    json!({
        "id": id, "name": format!("shop {id}"), "token": format!("tok-{id}"),
        "element": {"key": "bigcommerce", "hub": "ecommerce"},
        "createdDate": "2020-01-01T00:00:00Z", "valid": true, "disabled": false,
        "configuration": {"store.url": "https://s.example/", "notes": ""},
    })
}

/// `GET /instances` with `per_page` instances of about `pad` bytes a page,
/// each pointing at the next, for ever; a create's answer is lost (504).
fn endless(per_page: usize, pad: usize) -> Server {
    Server::start(move |r| {
        if r.method == "POST" {
            return Reply::Json(504, r#"{"message":"gateway timeout"}"#.into());
        }
        if r.path != format!("{API}/instances") {
            return Reply::Json(404, r#"{"message":"Not found","requestId":"r"}"#.into());
        }
        let n = page_of(r);
        Reply::Page(
            padded_page(per_page, n, pad),
            vec![(NEXT, format!("c-{}", n + 1).into_bytes())],
        )
    })
}

/// Page `n` as JSON: `instance`s whose notes are `pad` bytes. The padding
/// is spliced in as text, not serialized: escaping megabytes of it byte by
/// byte in a debug build made this server, not the client, most of the
/// run.
fn padded_page(per_page: usize, n: usize, pad: usize) -> String {
    let notes = format!(r#""notes":"{}""#, "n".repeat(pad));
    let items: Vec<String> = (0..per_page)
        .map(|k| {
            instance(n * 1000 + k)
                .to_string()
                .replacen(r#""notes":"""#, &notes, 1)
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// A run, and the most memory its process held (KiB), read from the
/// kernel's account of that one child. The child is reaped by `wait4`,
/// which `Child::wait` would do without the account.
#[allow(clippy::zombie_processes)]
fn run_measured(mut cmd: Command) -> (Output, i64) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ce-wizard");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: plain out-parameters for wait4 on our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let got = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if got == pid {
            break (status, usage);
        }
        assert!(got == 0, "wait4 failed");
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            child.wait().ok();
            panic!("ce-wizard did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let output = Output {
        code,
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    };
    (output, usage.ru_maxrss)
}

fn instances(base_url: &str, dir: &Path, args: &[&str]) -> Command {
    let mut c = command(base_url, dir);
    c.arg("instances").args(args);
    c
}

/// The most a listing may hold: its 32 MiB of answers, parsed, and the
/// program around it (a debug build measured 28 MiB for the text list,
/// 59 MiB for `list --json`, which keeps its output until the list is
/// whole, and 66 MiB for a name looked up in the list). An unbounded one
/// reached gigabytes.
const MAX_RSS_KIB: i64 = 160 * 1024;

#[test]
fn every_command_that_lists_stops_an_endless_list_as_incomplete_in_bounded_memory() {
    // Full pages of 200 instances of about 16 KB: 3.2 MB a page, so the
    // 32 MiB bound stops the listing after ten pages.
    let server = endless(200, 16_000);
    let dir = tempfile::tempdir().unwrap();
    let commands = [
        &["list", "--json"][..],
        &["list"],
        &["show", "ghost"],
        &["test", "ghost"],
        &["test", "--all", "--json"],
    ];
    // All five at once: each is its own process with its own account of
    // memory, and together they take the time of one.
    let runs: Vec<_> = std::thread::scope(|s| {
        let started: Vec<_> = commands
            .iter()
            .map(|args| {
                let cmd = instances(&server.base_url(), dir.path(), args);
                s.spawn(move || run_measured(cmd))
            })
            .collect();
        started.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut held = vec![];
    for (args, (out, rss)) in commands.iter().zip(runs) {
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("the instance list is incomplete")
                && out.stderr.contains("10000 instances or 32 MiB"),
            "{args:?}: {}",
            out.stderr
        );
        held.push(format!("{args:?} held {} MiB", rss / 1024));
        assert!(rss < MAX_RSS_KIB, "{held:?}");
        if *args == ["list", "--json"] {
            assert_eq!(out.stdout, "", "whole or nothing");
        }
    }
    // No more than the bound was asked for.
    let lists = server
        .paths()
        .iter()
        .filter(|p| p.ends_with("/instances"))
        .count();
    assert!(lists <= 5 * 12, "{lists} pages read");
    // Nothing is checked from a part of the list.
    assert!(!server.paths().iter().any(|p| p.contains("/hubs/")));
}

#[test]
fn small_instances_without_end_stop_at_ten_thousand() {
    let server = endless(200, 0);
    let dir = tempfile::tempdir().unwrap();
    let (out, rss) = run_measured(instances(
        &server.base_url(),
        dir.path(),
        &["list", "--json"],
    ));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("incomplete"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(server.paths().len(), 51, "10,000 instances, then no more");
    assert!(rss < MAX_RSS_KIB, "held {} MiB", rss / 1024);
}

#[test]
fn a_page_holding_more_than_was_asked_for_is_refused() {
    let server = Server::start(|_| {
        let page: Vec<Value> = (0..500).map(instance).collect();
        Reply::Page(Value::Array(page).to_string(), vec![])
    });
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["list", "--json"][..],
        &["show", "shop 1"],
        &["test", "shop 1"],
        &["test", "--all"],
    ] {
        let out = run(instances(&server.base_url(), dir.path(), args));
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("incomplete: page 1 holds 500 instances where 200 were asked for"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}");
    }
}

/// Two pages of 200, the first pointing at the second with `cursor`.
fn two_pages(cursor: Vec<u8>) -> Server {
    Server::start(move |r| {
        if r.method == "POST" {
            return Reply::Json(504, r#"{"message":"gateway timeout"}"#.into());
        }
        let n = page_of(r);
        let page: Vec<Value> = (0..200).map(|k| instance(n * 1000 + k)).collect();
        let headers = if n == 1 {
            vec![(NEXT, cursor.clone())]
        } else {
            vec![]
        };
        Reply::Page(Value::Array(page).to_string(), headers)
    })
}

#[test]
fn a_cursor_that_is_not_visible_ascii_is_an_incomplete_list_not_its_end() {
    // Latin-1 bytes: no header parser refuses them, no client can send
    // them back as they came.
    let server = two_pages(b"c-2\xe9\xff".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let out = run(instances(
        &server.base_url(),
        dir.path(),
        &["list", "--json"],
    ));
    assert_ne!(out.code, 0, "200 of 400 is not the list: {}", out.stderr);
    assert!(
        out.stderr.contains("incomplete") && out.stderr.contains("visible ASCII"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    assert_eq!(server.paths().len(), 1, "the cursor was not sent back");
}

fn lost_create(base_url: &str, dir: &Path) -> Command {
    let mut c = command(base_url, dir);
    c.args([
        "create",
        "--element",
        "bigcommerce",
        "--name",
        "shop 1001",
        "--set",
        "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        "--set",
        "username=u",
        "--set",
        "password=p",
    ]);
    c
}

#[test]
fn a_lost_create_whose_list_cannot_be_read_whole_says_check_first() {
    for server in [two_pages(b"c-2\xe9".to_vec()), endless(200, 0)] {
        let dir = tempfile::tempdir().unwrap();
        let out = run(lost_create(&server.base_url(), dir.path()));
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert!(out.stderr.contains("Check first"), "{}", out.stderr);
        assert!(
            !out.stderr.contains("safe to try again")
                && !out.stderr.contains("nothing was created"),
            "{}",
            out.stderr
        );
        let posts = server
            .paths()
            .iter()
            .filter(|p| p.starts_with("POST"))
            .count();
        assert_eq!(posts, 1, "sent once");
    }
}

/// A terminal's title, a C1 CSI, DEL, bidi overrides and a line separator.
const NASTY: &str = "\u{1b}]0;pwned\u{7}\u{9b}2J\u{7f}\u{202e}gnp\u{2066}x\u{2069}\u{2028}";

fn hostile_instance() -> Value {
    json!({
        "id": 7, "name": format!("shop{NASTY}"), "token": "element-token-7",
        "element": {"key": "shopify", "name": format!("Shopify{NASTY}"), "hub": "ecommerce"},
        "tags": [format!("eu{NASTY}")],
        "valid": true, "disabled": false,
        "configuration": {
            "shopify.site.address": format!("my-shop{NASTY}"),
            "oauth.api.key": "app-id",
            "oauth.api.secret": "app-secret-in-clear",
            "oauth.user.token": "provider-access-token",
            "oauth.user.token.secret": "provider-token-secret",
            "oauth.user.refresh_token": "provider-refresh-token",
            format!("k{NASTY}"): "v",
        },
    })
}

fn hostile_platform() -> Server {
    Server::start(|r| match r.path.strip_prefix(API) {
        Some("/instances") => Reply::Json(200, json!([hostile_instance()]).to_string()),
        Some("/instances/7") => Reply::Json(200, hostile_instance().to_string()),
        Some("/elements") => Reply::Json(
            200,
            json!([{"key": "shopify", "name": format!("Shopify{NASTY}"),
                    "description": format!("d{NASTY}"), "hub": "ecommerce"}])
            .to_string(),
        ),
        _ => Reply::Json(404, r#"{"message":"Not found","requestId":"r"}"#.into()),
    })
}

/// Raw bytes: nothing a terminal acts on, not even in JSON strings.
fn assert_raw_clean(what: &str, stdout: &str) {
    for c in stdout.chars().filter(|&c| c != '\n') {
        assert!(
            !(c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{what} writes U+{:04X} raw:\n{stdout:?}",
            u32::from(c)
        );
    }
}

/// Leaked provider secrets anywhere in the text.
fn leaked(text: &str) -> Vec<&'static str> {
    [
        "app-secret-in-clear",
        "provider-access-token",
        "provider-token-secret",
        "provider-refresh-token",
    ]
    .into_iter()
    .filter(|s| text.contains(s))
    .collect()
}

#[test]
fn every_json_output_escapes_the_same_way_and_lists_mask_secrets() {
    let server = hostile_platform();
    let dir = tempfile::tempdir().unwrap();
    let base = server.base_url();
    let mut printed = vec![];
    for (what, args) in [
        ("instances list --json", vec!["instances", "list", "--json"]),
        (
            "instances show --json",
            vec!["instances", "show", "7", "--json"],
        ),
        ("elements --json", vec!["elements", "--json", "--refresh"]),
    ] {
        let mut c = command(&base, dir.path());
        c.args(&args);
        let out = run(c);
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_raw_clean(what, &out.stdout);
        assert_terminal_safe(what, &out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        printed.push((what, v, out.stdout));
    }
    // The same values, escaped, not cleaned away.
    let (_, list, list_text) = &printed[0];
    assert_eq!(list[0]["name"], format!("shop{NASTY}"));
    assert_eq!(list[0]["tags"][0], format!("eu{NASTY}"));
    assert!(list[0].get("token").is_none(), "lists carry no token");
    assert_eq!(leaked(list_text), Vec::<&str>::new(), "{list_text}");
    let config = &list[0]["configuration"];
    for k in [
        "oauth.api.secret",
        "oauth.user.token",
        "oauth.user.token.secret",
        "oauth.user.refresh_token",
    ] {
        assert_eq!(config[k], "********", "{k}");
    }
    assert_eq!(config["oauth.api.key"], "app-id");
    assert_eq!(config["shopify.site.address"], format!("my-shop{NASTY}"));

    let (_, one, one_text) = &printed[1];
    assert_eq!(
        one["token"], "element-token-7",
        "show --json keeps the token"
    );
    assert_eq!(one["name"], format!("shop{NASTY}"));
    assert_eq!(leaked(one_text), Vec::<&str>::new(), "{one_text}");
    assert_eq!(printed[2].1[0]["key"], "shopify");

    // The text list and show mask them too.
    for args in [vec!["instances", "list"], vec!["instances", "show", "7"]] {
        let mut c = command(&base, dir.path());
        c.args(&args);
        let out = run(c);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_terminal_safe("text", &out.both());
        assert_eq!(leaked(&out.both()), Vec::<&str>::new(), "{}", out.stdout);
    }

    // --reveal shows them, escaped as ever.
    let mut c = command(&base, dir.path());
    c.args(["instances", "show", "7", "--json", "--reveal"]);
    let out = run(c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_raw_clean("show --json --reveal", &out.stdout);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["configuration"]["oauth.user.refresh_token"],
        "provider-refresh-token"
    );
}
