use super::*;
use ce_sandbox::{Break, Breakage, Fault, FaultKind, Faults, RateLimit, Sandbox, SandboxOptions};
use serde_json::json;
use std::collections::BTreeMap;

fn start(opts: SandboxOptions) -> Sandbox {
    Sandbox::start(SandboxOptions {
        workers: 16,
        ..opts
    })
    .unwrap()
}

/// Every instance of the account, queued for a check.
async fn queued(c: &Client) -> Vec<Queued> {
    c.list_instances()
        .await
        .unwrap()
        .iter()
        .map(Queued::from)
        .collect()
}

/// Every instance once, in the order they end.
async fn run(sb: &Sandbox, jobs: usize) -> Vec<Ended> {
    let c = Client::of_sandbox(sb);
    let all = queued(&c).await;
    let mut ended = vec![];
    check_all(&c, all, jobs, |e| {
        ended.push(e);
        ControlFlow::Continue(())
    })
    .await;
    ended
}

/// The status each instance has on the sandbox now.
fn truth(sb: &Sandbox) -> BTreeMap<i64, Status> {
    sb.instances()
        .iter()
        .map(|i| {
            let status = if i["disabled"] == true {
                Status::Disabled
            } else if i["valid"] == false {
                Status::Invalid
            } else {
                Status::Works
            };
            (i["id"].as_i64().unwrap(), status)
        })
        .collect()
}

/// With latency, and instances breaking (some invalid, some disabled) while
/// the batch runs, each instance ends once, reported as it was when its
/// check ran: those started after the breakage as they are now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_instance_ends_once_as_it_is_now_though_some_break_mid_run() {
    const JOBS: usize = 8;
    const BREAK_AFTER: u64 = 12;
    let sb = start(SandboxOptions {
        instances: 60,
        latency: Duration::from_millis(20),
        // Past the listing (one page) and a few checks.
        breakage: Some(Breakage {
            after_requests: BREAK_AFTER,
            every: 7,
            how: Break::Invalid,
        }),
        ..SandboxOptions::default()
    });
    let before = truth(&sb);
    let ended = run(&sb, JOBS).await;
    let after = truth(&sb);
    assert_ne!(before, after, "the breakage happened");
    let got: BTreeMap<i64, Status> = ended.iter().map(|e| (e.instance.id, e.status())).collect();
    assert_eq!(ended.len(), 60, "each once");
    // The k-th instance (in list order) starts once k - JOBS checks have
    // ended, each with at least one call, after the listing's: from
    // 1 + BREAK_AFTER + JOBS on, every one of its calls met the breakage.
    let first = *before.keys().next().unwrap();
    let surely_after = first + 1 + BREAK_AFTER as i64 + JOBS as i64;
    let broke_later: Vec<i64> = after
        .iter()
        .filter(|(id, s)| **id >= surely_after && before[id] != **s)
        .map(|(id, _)| *id)
        .collect();
    assert!(broke_later.len() >= 3, "{broke_later:?}");
    for (id, status) in &got {
        if *id >= surely_after {
            assert_eq!(*status, after[id], "instance {id}");
        } else {
            assert!(
                *status == before[id] || *status == after[id],
                "instance {id}"
            );
        }
    }
    for e in ended.iter().filter(|e| e.status() == Status::Invalid) {
        assert!(e.reason().contains("invalid"), "{}", e.reason());
    }

    // Disabled mid-run: reported disabled, not as refused credentials.
    let sb = start(SandboxOptions {
        instances: 30,
        breakage: Some(Breakage {
            after_requests: 3,
            every: 4,
            how: Break::Disabled,
        }),
        ..SandboxOptions::default()
    });
    let before = truth(&sb);
    let ended = run(&sb, 4).await;
    let after = truth(&sb);
    let got: BTreeMap<i64, Status> = ended.iter().map(|e| (e.instance.id, e.status())).collect();
    assert_eq!(got.len(), 30);
    let surely_after = first + 1 + 3 + 4;
    for (id, status) in &got {
        if *id >= surely_after {
            assert_eq!(*status, after[id], "instance {id}");
        } else {
            assert!(
                *status == before[id] || *status == after[id],
                "instance {id}"
            );
        }
    }
    assert!(got.values().filter(|s| **s == Status::Disabled).count() >= 6);
}

/// A platform limiting its callers: the 429s are waited out (its
/// `Retry-After`) and every instance is still checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_waited_out_and_every_instance_still_checked() {
    let sb = start(SandboxOptions {
        instances: 30,
        rate_limit: Some(RateLimit { per_second: 12 }),
        ..SandboxOptions::default()
    });
    let ended = run(&sb, 8).await;
    assert!(
        sb.requests().iter().any(|r| r.status == 429),
        "the limit was met"
    );
    let got: BTreeMap<i64, Status> = ended.iter().map(|e| (e.instance.id, e.status())).collect();
    assert_eq!(
        got,
        truth(&sb),
        "{:?}",
        ended.iter().map(Ended::reason).collect::<Vec<_>>()
    );
}

/// One instance the platform cannot check (a 500 on both of its tries) ends
/// "not checked" with the platform's error; the rest are checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_failing_does_not_stop_the_rest() {
    let sb = start(SandboxOptions {
        instances: 10,
        ..SandboxOptions::default()
    });
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(500))
            .on("GET", "/hubs/ecommerce/ping")
            .times(2),
    ));
    let ended = run(&sb, 1).await;
    assert_eq!(ended.len(), 10);
    let not_checked: Vec<&Ended> = ended
        .iter()
        .filter(|e| e.status() == Status::NotChecked)
        .collect();
    assert_eq!(
        not_checked.len(),
        1,
        "{:?}",
        ended.iter().map(Ended::reason).collect::<Vec<_>>()
    );
    assert!(
        not_checked[0].reason().contains("could not be asked"),
        "{}",
        not_checked[0].reason()
    );
    let truth = truth(&sb);
    for e in ended.iter().filter(|e| e.status() != Status::NotChecked) {
        assert_eq!(e.status(), truth[&e.instance.id]);
    }
}

/// A caller that stops (Esc, or its reader gone) starts no further check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_stops_starts_no_further_check() {
    let sb = start(SandboxOptions {
        instances: 40,
        latency: Duration::from_millis(30),
        ..SandboxOptions::default()
    });
    let c = Client::of_sandbox(&sb);
    let all = queued(&c).await;
    let mut seen = 0;
    check_all(&c, all, 2, |_| {
        seen += 1;
        if seen == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await;
    assert_eq!(seen, 3);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls = sb.requests().len();
    // The listing, the three ended and at most the two under way, each
    // with a re-read where it did not work.
    assert!(calls <= 1 + 2 * 5, "{calls} calls");
}

/// An element found without a ping (the platform's 404) is not pinged
/// again in the same run: its other instances go straight to the read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_element_without_a_ping_is_pinged_once_a_run() {
    let sb = start(SandboxOptions {
        instances: 50,
        ..SandboxOptions::default()
    });
    let ended = run(&sb, 1).await;
    assert_eq!(ended.len(), 50);
    let absent = sb
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/ping") && r.status == 404)
        .count();
    let without: std::collections::BTreeSet<String> = ended
        .iter()
        .filter(|e| e.status() == Status::Works)
        .filter_map(|e| match &e.result {
            Ok(Outcome::Works { read }) if !read.ends_with("/ping") => {
                Some(e.instance.element_key.clone())
            }
            _ => None,
        })
        .collect();
    assert!(!without.is_empty());
    assert_eq!(absent, without.len(), "{without:?}");
    assert_eq!(
        ended
            .iter()
            .map(|e| (e.instance.id, e.status()))
            .collect::<BTreeMap<_, _>>(),
        truth(&sb)
    );
}

/// What waits in the queue is small, yet the check reads from it what it
/// reads from the listed instance: state, hub, token and sign-in kind.
#[test]
fn a_queued_instance_keeps_what_its_check_reads() {
    let listed = Instance::from_value(json!({
        "id": 7, "name": "shop", "token": "tok-7", "createdDate": "2020-01-01",
        "element": {"key": "ecwid", "name": "Ecwid", "hub": "ecommerce",
            "authentication": {"type": "oauth2"}, "configuration": [{"key": "big"}]},
        "configuration": {"authentication.type": "oauth2", "store.password": "pw-secret"},
        "tags": ["eu"], "valid": false, "disabled": true,
    }))
    .unwrap();
    let back = Queued::from(&listed).instance();
    assert_eq!(back.id, 7);
    assert_eq!(back.name, "shop");
    assert_eq!(back.token.expose(), "tok-7");
    assert_eq!(back.element_key, "ecwid");
    assert_eq!(back.hub(), Some("ecommerce"));
    assert_eq!((back.valid(), back.disabled()), (false, true));
    assert_eq!(
        check::auth_of(&back).map(|a| a.is_oauth()),
        check::auth_of(&listed).map(|a| a.is_oauth())
    );
    assert_eq!(
        back.configuration_value("authentication.type"),
        Some("oauth2")
    );
    assert!(!back.raw.to_string().contains("pw-secret"));
}
