//! The commands that act on many instances, or switch one on and off, end
//! to end: the built binary against the sandbox on loopback, including the
//! sandbox's latency, rate limits and instances that break mid-run.
//!
//! Evidence: enable and disable are `PUT` and `DELETE
//! /instances/{id}/enabled`, and a disabled instance's calls are refused
//! ("should allow disabling and enabling an instance" in
//! `varunpal72/churros:src/test/platform/elements/instances.js`). No
//! evidence describes the platform's rate limit: a 429 with `Retry-After`
//! is the sandbox's fault for testing the client's tolerance, not a rule.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use common::cli::*;
use serde_json::Value;

const API: &str = "/elements/api-v2";

/// `disable` sends `DELETE /instances/{id}/enabled` and `enable` `PUT` on
/// the same path, with the account's header; in between, a call through
/// the instance is refused with 403, and the check says "disabled" and
/// names the command that turns it back on. Evidence: "should allow
/// disabling and enabling an instance" in
/// PriyaKachhawal-GSLab/churros:src/test/platform/elements/instances.js
/// (`cloud.delete(instances/${id}/enabled)`, then a hub call expects 403,
/// then `cloud.put(instances/${id}/enabled)` and the hub call answers).
#[test]
fn disable_and_enable_switch_an_instance_off_and_on_again() {
    let sb = seeded(5);
    let id = id_named(&sb, "Ecwid store 00002");
    let enabled = format!("{API}/instances/{id}/enabled");

    let out = instances(&sb, &["disable", "Ecwid store 00002"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("Disabled instance {id} \"Ecwid store 00002\"")),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains(&format!("ce-wizard instances enable {id}")));
    assert_eq!(sb.count("DELETE", &enabled), 1);
    assert_eq!(stored_instance(&sb, id)["disabled"], true);

    // A disabled instance answers the check as the platform does: 403
    // through the hubs, and the check names the way back.
    let out = instances(&sb, &["test", &id.to_string()]);
    assert_eq!(out.code, 5, "{}", out.stdout);
    assert!(out.stdout.contains("disabled"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(&format!("ce-wizard instances enable {id}")),
        "{}",
        out.stdout
    );
    let token = stored_instance(&sb, id)["token"]
        .as_str()
        .unwrap()
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/hubs/ecommerce/ping", sb.base_url()))
            .header(
                "Authorization",
                format!(
                    "User {}, Organization {}, Element {token}",
                    sb.user_secret(),
                    sb.org_secret()
                ),
            )
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status.as_u16(), 403);

    let out = instances(&sb, &["enable", &id.to_string()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("Enabled instance {id}")),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("PUT", &enabled), 1);
    assert_eq!(stored_instance(&sb, id)["disabled"], false);
    let out = instances(&sb, &["test", &id.to_string()]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("works"), "{}", out.stdout);

    // The seeded disabled one, by name.
    let off = id_named(&sb, "WooCommerce store 00005");
    assert_eq!(stored_instance(&sb, off)["disabled"], true);
    let out = instances(&sb, &["enable", "WooCommerce store 00005"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(stored_instance(&sb, off)["disabled"], false);
}

/// The exit codes are the other instance commands': a mistyped instance is
/// the person's (2), the platform's refusal its own (3), and nothing is
/// switched then.
#[test]
fn enable_and_disable_exit_as_the_other_instance_commands_do() {
    let sb = seeded(5);
    let out = instances(&sb, &["enable", "999"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = instances(&sb, &["disable", "no such shop"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no instance is named"),
        "{}",
        out.stderr
    );
    let out = instances(&sb, &["disable"]);
    assert_eq!(out.code, 2, "{}", out.stderr);

    let id = id_named(&sb, "Ecwid store 00002");
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(500)).on("DELETE", &format!("/instances/{id}/enabled")),
    ));
    let out = instances(&sb, &["disable", &id.to_string()]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("cannot disable instance {id}")),
        "{}",
        out.stderr
    );
    assert_eq!(stored_instance(&sb, id)["disabled"], false);
}

/// `ce-wizard sandbox` takes the account's load on the command line: every
/// answer's latency, a rate limit and instances that break mid-run.
#[test]
fn the_sandbox_command_takes_latency_a_rate_limit_and_breakage() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ce-wizard"))
        .args(["sandbox", "--port", "0", "--instances", "20"])
        .args([
            "--latency",
            "150",
            "--rate-limit",
            "4",
            "--break-after",
            "3:1",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut banner = vec![];
    let base = loop {
        let line = lines.next().expect("the banner").unwrap();
        banner.push(line.clone());
        if let Some(url) = line.strip_prefix("Cloud Elements sandbox listening on ") {
            break url.trim().to_string();
        }
    };
    let mut rest = vec![];
    while rest.len() < 3 {
        let line = lines.next().expect("the load lines").unwrap();
        if line.starts_with("Latency")
            || line.starts_with("Rate limit")
            || line.starts_with("Breakage")
        {
            rest.push(line);
        }
    }
    assert!(rest[0].contains("150 ms"), "{rest:?}");
    assert!(rest[1].contains("4 calls a second"), "{rest:?}");
    assert!(rest[2].contains("after 3 calls"), "{rest:?}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (slowest, statuses, valid) = rt.block_on(async {
        let http = reqwest::Client::new();
        let get = move |http: reqwest::Client, base: String| async move {
            http.get(format!("{base}/instances?pageSize=200"))
                .header(
                    "Authorization",
                    "User sandbox-user-secret, Organization sandbox-org-secret",
                )
                .send()
                .await
                .unwrap()
        };
        let started = Instant::now();
        let first = get(http.clone(), base.clone()).await;
        let slowest = started.elapsed();
        let mut statuses = vec![first.status().as_u16()];
        // Eight at once: more than the limit lets through in one second.
        let at_once: Vec<_> = (0..8)
            .map(|_| tokio::spawn(get(http.clone(), base.clone())))
            .collect();
        let mut valid = vec![];
        for answer in at_once {
            let answer = answer.await.unwrap();
            statuses.push(answer.status().as_u16());
            if answer.status() == 429 {
                assert_eq!(answer.headers()["retry-after"], "1");
            } else {
                let list: Vec<Value> = answer.json().await.unwrap();
                valid = list.iter().map(|i| i["valid"] == true).collect();
            }
        }
        (slowest, statuses, valid)
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(slowest >= Duration::from_millis(150), "{slowest:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    // Past the third call, every instance (one in every one) is invalid.
    assert!(!valid.is_empty() && valid.iter().all(|v| !v), "{valid:?}");

    for bad in [["--rate-limit", "0"], ["--break-after", "5"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_ce-wizard"))
            .args(["sandbox", "--port", "0"])
            .args(bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

/// What the sandbox says of each instance now: the status `test --json`
/// should report.
fn truth(sb: &Sandbox) -> std::collections::BTreeMap<i64, String> {
    sb.instances()
        .iter()
        .map(|i| {
            let status = if i["disabled"] == true {
                "disabled"
            } else if i["valid"] == false {
                "invalid"
            } else {
                "works"
            };
            (i["id"].as_i64().unwrap(), status.to_string())
        })
        .collect()
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `test --all --json` on an account behind latency and a rate limit:
/// one line per instance, each with its id, name, element, status and
/// reason, every status the sandbox's own; the 429s were waited out, and
/// the exit is 5 because some are invalid or disabled.
#[test]
fn test_all_checks_every_instance_through_latency_and_a_rate_limit() {
    let sb = Sandbox::start(SandboxOptions {
        instances: 60,
        latency: std::time::Duration::from_millis(20),
        rate_limit: Some(ce_wizard::sandbox::RateLimit { per_second: 40 }),
        workers: 16,
        ..SandboxOptions::default()
    })
    .unwrap();
    let out = instances(&sb, &["test", "--all", "--json"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 60, "{}", out.stdout);
    let got: std::collections::BTreeMap<i64, String> = lines
        .iter()
        .map(|l| {
            (
                l["id"].as_i64().unwrap(),
                l["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, truth(&sb));
    assert!(
        sb.requests().iter().any(|r| r.status == 429),
        "the limit was met"
    );
    for l in &lines {
        assert!(l["name"].as_str().unwrap().contains(" store "), "{l}");
        assert!(!l["element"].as_str().unwrap().is_empty(), "{l}");
        assert!(!l["reason"].as_str().unwrap().is_empty(), "{l}");
        assert!(l.get("token").is_none());
    }
    let invalid = lines.iter().find(|l| l["status"] == "invalid").unwrap();
    let id = invalid["id"].as_i64().unwrap();
    assert!(
        invalid["fix"].as_str().unwrap().contains(&format!("{id}")),
        "{invalid}"
    );
    let count = |s: &str| got.values().filter(|v| *v == s).count();
    let counts = format!(
        "{} work, {} broken, {} disabled, 0 not checked.",
        count("works"),
        count("invalid"),
        count("disabled")
    );
    assert!(
        out.stderr.contains("Checked 60 instances in") && out.stderr.contains(&counts),
        "{counts}: {}",
        out.stderr
    );
}

/// `--tag`, `--element` and `--status` choose as `list` does; the summary
/// counts them and names the fix of each that does not work; all working
/// exits 0; a tag nobody has checks nothing and says so.
#[test]
fn test_many_chooses_by_tag_element_and_status_and_summarises() {
    let sb = seeded(30);
    let all = truth(&sb);
    let listed = sb.instances();

    let out = instances(&sb, &["test", "--status", "disabled"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    let disabled: Vec<i64> = all
        .iter()
        .filter(|(_, s)| *s == "disabled")
        .map(|(id, _)| *id)
        .collect();
    assert!(
        out.stdout
            .starts_with(&format!("Checked {} instances in", disabled.len())),
        "{}",
        out.stdout
    );
    for id in &disabled {
        assert!(
            out.stdout
                .contains(&format!("enable it again: ce-wizard instances enable {id}")),
            "{}",
            out.stdout
        );
    }

    let out = instances(&sb, &["test", "--status", "invalid", "--json"]);
    let ids: Vec<i64> = json_lines(&out.stdout)
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    let invalid: Vec<i64> = all
        .iter()
        .filter(|(_, s)| *s == "invalid")
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(ids.len(), invalid.len());
    assert!(ids.iter().all(|id| invalid.contains(id)));
    assert_eq!(out.code, 5);

    // Ecwid's working instances only: all work, exit 0.
    let out = instances(
        &sb,
        &["test", "--element", "ECWID", "--tag", "staging", "--json"],
    );
    let lines = json_lines(&out.stdout);
    let expected = listed
        .iter()
        .filter(|i| {
            i["element"]["key"] == "ecwid"
                && i["tags"].as_array().unwrap().iter().any(|t| t == "staging")
        })
        .count();
    assert!(expected > 0);
    assert_eq!(lines.len(), expected, "{}", out.stdout);
    assert!(lines
        .iter()
        .all(|l| l["element"] == "ecwid" && l["status"] == "works"));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let out = instances(&sb, &["test", "--tag", "nobody-has-this"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("0 of 30 instances match: nothing to check"),
        "{}",
        out.stderr
    );
}

/// One instance's check failing at the platform (500 twice) does not stop
/// the others: it is "not checked", the rest are checked, and with nothing
/// broken the exit is 3, the platform's failure. Wrong arguments are
/// refused before anything is sent.
#[test]
fn test_many_goes_on_past_a_failing_check_and_refuses_bad_arguments() {
    let sb = seeded(10);
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(500))
            .on("GET", "/hubs/ecommerce/ping")
            .times(2),
    ));
    let out = instances(&sb, &["test", "--element", "ecwid", "--jobs", "1"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("1 work, 0 broken, 0 disabled, 1 not checked"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("not checked: the platform could not be asked"),
        "{}",
        out.stdout
    );

    let before = sb.requests().len();
    for bad in [
        vec!["test"],
        vec!["test", "--all", "12"],
        vec!["test", "--all", "--jobs", "0"],
        vec!["test", "--all", "--jobs", "65"],
        vec!["test", "--status", "broken"],
        vec!["test", "--tag", "a,b"],
    ] {
        let out = instances(&sb, &bad);
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
    }
    assert_eq!(sb.requests().len(), before, "nothing was sent");

    // One instance with --json: its one line.
    let out = instances(&sb, &["test", "Ecwid store 00002", "--json"]);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["name"], "Ecwid store 00002");
}

/// On a terminal, a progress line (done, left, rate, time left) is redrawn
/// in place while the checks run, at most ten times a second, then erased
/// for the summary.
#[test]
fn test_many_on_a_terminal_shows_progress_then_the_summary() {
    use common::wizard::{Home, Wizard};
    let sb = Sandbox::start(SandboxOptions {
        instances: 40,
        latency: std::time::Duration::from_millis(40),
        workers: 8,
        ..SandboxOptions::default()
    })
    .unwrap();
    let home = Home::new();
    let started = std::time::Instant::now();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["instances", "test", "--all", "--jobs", "2"])
        .size(100, 40)
        .spawn();
    assert_eq!(pty.finish(), 5, "{}", pty.screen());
    let took = started.elapsed();
    let raw = String::from_utf8_lossy(&pty.raw_output()).to_string();
    let drawings: Vec<&str> = raw
        .split("\r\u{1b}[2K")
        .filter(|s| s.starts_with('['))
        .collect();
    assert!(drawings.len() >= 3, "{raw:?}");
    assert!(
        drawings
            .iter()
            .any(|d| d.contains("/40 checked,") && d.contains("/s, about")),
        "{drawings:?}"
    );
    assert!(
        drawings.len() as f64 <= took.as_secs_f64() * 10.0 + 3.0,
        "{} drawings in {took:?}",
        drawings.len()
    );
    let screen = pty.screen();
    assert!(screen.contains("Checked 40 instances in"), "{screen}");
    assert!(screen.contains("Broken or disabled:"), "{screen}");
    assert!(
        !screen.contains("checked, "),
        "the line was erased: {screen}"
    );
}

/// `--json | head -1`: once the reader has gone, no further check is made
/// and the exit is 0, as for any command whose reader stopped early.
#[test]
fn test_many_json_stops_when_its_reader_goes() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let sb = Sandbox::start(SandboxOptions {
        instances: 60,
        latency: std::time::Duration::from_millis(30),
        ..SandboxOptions::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["instances", "test", "--all", "--json", "--jobs", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the pipe closes.
    let status = child.wait().unwrap();
    assert!(first.contains("\"status\""), "{first}");
    assert_eq!(status.code(), Some(0));
    let checks = sb
        .requests()
        .iter()
        .filter(|r| r.path.contains("/hubs/"))
        .count();
    assert!(checks < 10, "{checks} checks after the reader went");
}
