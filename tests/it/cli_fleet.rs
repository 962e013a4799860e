//! The commands that act on many instances, or switch one on and off, end
//! to end: the built binary against the sandbox on loopback, including the
//! sandbox's latency, rate limits and instances that break mid-run.

use crate::common;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use common::cli::*;
use serde_json::Value;

const API: &str = "/elements/api-v2";

fn seeded(n: usize) -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: n,
        ..SandboxOptions::default()
    })
    .unwrap()
}

fn instances(sb: &Sandbox, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(sb, dir.path());
    cmd.arg("instances").args(args);
    run(cmd, "")
}

fn stored(sb: &Sandbox, id: i64) -> Value {
    sb.instances()
        .into_iter()
        .find(|i| i["id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("no instance {id}"))
}

fn id_named(sb: &Sandbox, name: &str) -> i64 {
    sb.instances()
        .into_iter()
        .find(|i| i["name"] == name)
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("no instance {name}"))
}

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
    assert_eq!(stored(&sb, id)["disabled"], true);

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
    let token = stored(&sb, id)["token"].as_str().unwrap().to_string();
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
    assert_eq!(stored(&sb, id)["disabled"], false);
    let out = instances(&sb, &["test", &id.to_string()]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("works"), "{}", out.stdout);

    // The seeded disabled one, by name.
    let off = id_named(&sb, "WooCommerce store 00005");
    assert_eq!(stored(&sb, off)["disabled"], true);
    let out = instances(&sb, &["enable", "WooCommerce store 00005"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(stored(&sb, off)["disabled"], false);
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
    assert_eq!(stored(&sb, id)["disabled"], false);
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
