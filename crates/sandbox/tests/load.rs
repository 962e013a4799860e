//! The account under load, over real HTTP: every answer's latency, the
//! rate limit's 429 with `Retry-After`, and instances that break while a
//! caller works through them.

mod support;

use ce_sandbox::{Break, Breakage, RateLimit, Sandbox, SandboxOptions};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::*;

fn seeded(n: usize, opts: SandboxOptions) -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: n,
        ..opts
    })
    .unwrap()
}

fn ping(sb: &Sandbox, token: &str) -> Answer {
    call(
        sb,
        "GET",
        &format!("{API}/hubs/ecommerce/ping"),
        Some(&through(sb, token)),
        None,
    )
}

#[test]
fn every_answer_takes_the_latency_set_at_start_or_later() {
    let sb = seeded(
        1,
        SandboxOptions {
            latency: Duration::from_millis(120),
            ..SandboxOptions::default()
        },
    );
    let started = Instant::now();
    assert_eq!(get(&sb, "/instances").status, 200);
    assert!(started.elapsed() >= Duration::from_millis(120));
    sb.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(&sb, "/instances").status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn past_the_rate_limit_calls_get_429_with_retry_after_then_room_again() {
    let sb = seeded(
        1,
        SandboxOptions {
            rate_limit: Some(RateLimit { per_second: 5 }),
            ..SandboxOptions::default()
        },
    );
    let answers: Vec<Answer> = (0..20).map(|_| get(&sb, "/instances")).collect();
    let refused: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert!(answers.iter().filter(|a| a.status == 200).count() >= 5);
    assert!(!refused.is_empty(), "20 calls in a row, 5 a second");
    for a in &refused {
        let wait: u64 = a.header("retry-after").unwrap().parse().unwrap();
        assert_eq!(wait, 1);
        assert!(a.message().contains("Rate limit"), "{}", a.message());
    }
    // After the wait it asked for, the next call is answered.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(get(&sb, "/instances").status, 200);
    // And without a limit, none is refused.
    sb.set_rate_limit(None);
    assert!((0..20).all(|_| get(&sb, "/instances").status == 200));
}

#[test]
fn instances_break_once_the_account_has_answered_so_many_calls() {
    let sb = seeded(30, SandboxOptions::default());
    let all: Vec<Value> = sb.instances();
    let ecwid: Vec<&Value> = all
        .iter()
        .filter(|i| i["element"]["key"] == "ecwid" && i["valid"] == true)
        .collect();
    let token = |i: &Value| i["token"].as_str().unwrap().to_string();
    sb.set_breakage(Some(Breakage {
        after_requests: 2,
        every: 1,
        how: Break::Invalid,
    }));
    // The first two calls find every instance as it was.
    assert_eq!(ping(&sb, &token(ecwid[0])).status, 200);
    assert_eq!(ping(&sb, &token(ecwid[1])).status, 200);
    // From the third on, all of them are broken (one in every one).
    let third = ping(&sb, &token(ecwid[0]));
    assert_eq!(third.status, 401, "{}", third.message());
    assert!(sb.instances().iter().all(|i| i["valid"] == false));

    // One in every ten, disabled: the 10th, 20th and 30th by ID.
    let sb = seeded(
        30,
        SandboxOptions {
            breakage: Some("0:10:disabled".parse().unwrap()),
            ..SandboxOptions::default()
        },
    );
    let before: Vec<bool> = all.iter().map(|i| i["disabled"] == true).collect();
    assert_eq!(get(&sb, "/instances?pageSize=200").status, 200);
    let after = sb.instances();
    for (n, i) in after.iter().enumerate() {
        let expect = before[n] || (n + 1) % 10 == 0;
        assert_eq!(i["disabled"] == true, expect, "instance #{}", n + 1);
    }
}

/// Callers working in parallel open their connections together and keep
/// them open (HTTP keep-alive), as a client's pool does: each one's first
/// request is answered at once, none waits for another connection to close.
#[test]
fn connections_opened_together_and_kept_open_are_each_answered() {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    use std::sync::{Arc, Barrier};
    const AT_ONCE: usize = 12;
    for round in 0..4 {
        let sb = seeded(1, SandboxOptions::default());
        let (port, auth) = (sb.port(), account(&sb));
        let start = Arc::new(Barrier::new(AT_ONCE));
        // Every connection stays open until each has had its answer or
        // given up, so no connection's end frees the server for another.
        let done = Arc::new(Barrier::new(AT_ONCE));
        let callers: Vec<_> = (0..AT_ONCE)
            .map(|_| {
                let (start, done, auth) = (start.clone(), done.clone(), auth.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                    let head = format!(
                        "GET {API}/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n\r\n"
                    );
                    stream.write_all(head.as_bytes()).unwrap();
                    let mut line = String::new();
                    let answered = BufReader::new(&stream).read_line(&mut line).is_ok()
                        && line.starts_with("HTTP/1.1 200");
                    done.wait();
                    answered
                })
            })
            .collect();
        let answered = callers
            .into_iter()
            .map(|c| c.join().unwrap())
            .filter(|a| *a)
            .count();
        assert_eq!(answered, AT_ONCE, "round {round}");
    }
}
