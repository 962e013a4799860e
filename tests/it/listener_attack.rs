//! The OAuth loopback listener (and the sandbox, which is just as reachable)
//! under hostile or broken clients. After each attack the genuine callback
//! must still complete the attempt, and nothing but it may complete it.
//! Every loop here is bounded in count, and every wait has a deadline.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ce_wizard::oauth::{
    CallbackOutcome, Listener, ListenerEvent, ListenerHandle, OAuthState, CALLBACK_PATH,
};
use ce_wizard::sandbox::{Sandbox, SandboxOptions};

/// Only so that a broken server fails a test instead of hanging it.
const DEADLINE: Duration = Duration::from_secs(30);

fn start() -> (ListenerHandle, OAuthState) {
    let state = OAuthState::generate();
    let handle = Listener::bind(0).unwrap().start(state.clone());
    (handle, state)
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connects");
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.set_write_timeout(Some(DEADLINE)).unwrap();
    s
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// Reads one HTTP answer (head, then `Content-Length` bytes of body).
fn read_reply(stream: &mut TcpStream) -> Option<Reply> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    let body = String::from_utf8_lossy(&data[head_end..]).to_string();
    Some(Reply { status, head, body })
}

/// Sends raw bytes on a new connection and reads the answer, if any.
fn raw(port: u16, request: &[u8]) -> Option<Reply> {
    let mut s = connect(port);
    s.write_all(request).ok()?;
    read_reply(&mut s)
}

fn get(port: u16, target: &str) -> Reply {
    raw(
        port,
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    // The path only: the query may carry a state.
    .unwrap_or_else(|| {
        panic!(
            "no answer to GET {}",
            target.split('?').next().unwrap_or("")
        )
    })
}

/// Waits for the next event, with a deadline.
fn next_event(rt: &tokio::runtime::Runtime, handle: &mut ListenerHandle) -> ListenerEvent {
    rt.block_on(async {
        tokio::time::timeout(DEADLINE, handle.next_event())
            .await
            .expect("an event within the deadline")
            .expect("the listener is still running")
    })
}

/// Sends the genuine callback and checks that it, and only it, completes the
/// attempt: every event before it must be a rejection.
fn genuine_callback_completes(
    rt: &tokio::runtime::Runtime,
    handle: &mut ListenerHandle,
    state: &OAuthState,
) {
    let port = handle.port();
    let reply = get(
        port,
        &format!(
            "{CALLBACK_PATH}?code=the-genuine-code&state={}",
            state.expose()
        ),
    );
    assert_eq!(reply.status, 302, "{}", reply.head);
    let done = get(port, "/done?result=ok");
    assert_eq!(done.status, 200);
    assert!(done.body.contains("ce-wizard received the authorization"));
    loop {
        match next_event(rt, handle) {
            ListenerEvent::Rejected { .. } => continue,
            ListenerEvent::Completed(CallbackOutcome::Authorized(grant)) => {
                assert_eq!(grant.code.unwrap().expose(), "the-genuine-code");
                return;
            }
            other => panic!("only the genuine callback may complete: {other:?}"),
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn is_page(reply: &Reply) -> bool {
    reply.body.starts_with("<!doctype html>") && reply.head.contains("text/html")
}

#[test]
fn only_127_0_0_1_is_served() {
    let (handle, _state) = start();
    let port = handle.port();
    for other in [
        SocketAddr::from((Ipv4Addr::new(127, 0, 0, 2), port)),
        SocketAddr::from((Ipv4Addr::new(127, 1, 2, 3), port)),
        SocketAddr::from((Ipv6Addr::LOCALHOST, port)),
    ] {
        assert!(
            TcpStream::connect_timeout(&other, Duration::from_secs(5)).is_err(),
            "{other} must not be served"
        );
    }
}

#[test]
fn stray_callbacks_get_a_page_and_leave_the_attempt_open() {
    let rt = runtime();
    let (mut handle, state) = start();
    let port = handle.port();
    let stranger = OAuthState::generate();
    for (target, status, says) in [
        (
            format!("{CALLBACK_PATH}?code=c&state={}", stranger.expose()),
            400,
            "doesn&#39;t belong to the current attempt",
        ),
        (format!("{CALLBACK_PATH}?code=c"), 400, "carries no state"),
        (CALLBACK_PATH.to_string(), 400, "carries no state"),
        (
            format!("{CALLBACK_PATH}?state={}", state.expose()),
            400,
            "The callback is incomplete",
        ),
        (
            format!("{CALLBACK_PATH}?code=a&code=b&state={}", state.expose()),
            400,
            "The callback is malformed",
        ),
        (
            format!("{CALLBACK_PATH}?code=%ZZ%00%ff&state=%zz"),
            400,
            "doesn&#39;t belong to the current attempt",
        ),
        ("/".to_string(), 404, "Not found"),
        ("/admin/../../etc/passwd".to_string(), 404, "Not found"),
        ("/done".to_string(), 404, "Not found"),
        ("/callbackx?code=c".to_string(), 404, "Not found"),
    ] {
        let reply = get(port, &target);
        assert_eq!(reply.status, status, "{target}");
        assert!(is_page(&reply), "{target}: {}", reply.head);
        assert!(reply.body.contains(says), "{target}: {}", reply.body);
        assert!(
            !reply.body.contains(state.expose()),
            "the page never echoes the state"
        );
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let reply = raw(
            port,
            format!("{method} {CALLBACK_PATH}?code=c&state={} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", state.expose())
                .as_bytes(),
        )
        .expect("an answer");
        assert_eq!(reply.status, 405, "{method}");
        assert!(reply.head.contains("Allow: GET"), "{method}");
    }
    genuine_callback_completes(&rt, &mut handle, &state);
}

#[test]
fn a_callback_is_accepted_once() {
    let rt = runtime();
    let (mut handle, state) = start();
    let port = handle.port();
    genuine_callback_completes(&rt, &mut handle, &state);
    let replay = get(
        port,
        &format!(
            "{CALLBACK_PATH}?code=the-genuine-code&state={}",
            state.expose()
        ),
    );
    assert_eq!(replay.status, 400);
    assert!(replay.body.contains("already received"), "{}", replay.body);
    assert!(matches!(
        next_event(&rt, &mut handle),
        ListenerEvent::Rejected { .. }
    ));

    // A new attempt on the same listener takes only its own state.
    let next = OAuthState::generate();
    handle.rearm(next.clone());
    let old = get(
        port,
        &format!("{CALLBACK_PATH}?code=x&state={}", state.expose()),
    );
    assert_eq!(old.status, 400);
    genuine_callback_completes(&rt, &mut handle, &next);
}

#[test]
fn nothing_is_served_after_shutdown() {
    let (handle, state) = start();
    let port = handle.port();
    handle.shutdown();
    let late = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).and_then(|mut s| {
        s.set_read_timeout(Some(DEADLINE))?;
        s.write_all(
            format!(
                "GET {CALLBACK_PATH}?code=c&state={} HTTP/1.1\r\n\r\n",
                state.expose()
            )
            .as_bytes(),
        )?;
        let mut buf = [0u8; 16];
        s.read(&mut buf)
    });
    assert!(
        !matches!(late, Ok(n) if n > 0),
        "a callback after shutdown must find nobody"
    );
}

#[test]
fn malformed_and_oversized_requests_do_not_hurt() {
    let rt = runtime();
    let (mut handle, state) = start();
    let port = handle.port();
    let long_query = format!("{CALLBACK_PATH}?code={}&state=x", "A".repeat(60 * 1024));
    let reply = get(port, &long_query);
    assert_eq!(
        reply.status, 400,
        "a long but bounded request line is answered"
    );
    assert!(is_page(&reply));

    let mut many_headers = format!("GET {CALLBACK_PATH} HTTP/1.1\r\n");
    for i in 0..300 {
        many_headers.push_str(&format!("X-Junk-{i}: {i}\r\n"));
    }
    many_headers.push_str("\r\n");
    let garbage: Vec<Vec<u8>> = vec![
        // An endless request line: the connection is dropped after 64 KiB.
        format!("GET /{} HTTP/1.1\r\n\r\n", "x".repeat(200 * 1024)).into_bytes(),
        // An endless header value.
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "y".repeat(200 * 1024)).into_bytes(),
        many_headers.into_bytes(),
        b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nExpect: something-odd\r\n\r\n".to_vec(),
        "GET /callback?state=é HTTP/1.1\r\n\r\n".as_bytes().to_vec(),
        b"\r\n\r\n\r\n".to_vec(),
    ];
    for request in &garbage {
        // Whatever comes back (a bare 400, or a closed connection), the
        // listener must live on.
        let _ = raw(port, request);
    }
    genuine_callback_completes(&rt, &mut handle, &state);
}

/// A request that announces a body it never sends in full, byte by byte.
fn trickle(port: u16, head: String, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::Ordering;
    let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return;
    };
    let bytes = head.into_bytes();
    let started = Instant::now();
    for b in bytes.iter().chain(std::iter::repeat(&b'z')) {
        if stop.load(Ordering::SeqCst) || started.elapsed() > DEADLINE {
            return;
        }
        if s.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn slow_clients_do_not_block_the_listener() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let rt = runtime();
    let (mut handle, state) = start();
    let port = handle.port();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    // Slow heads: tiny_http reads them on threads of its own.
    for _ in 0..3 {
        let stop = stop.clone();
        let head = format!("GET {CALLBACK_PATH}?code=c&state=s HTTP/1.1\r\nHost: x\r\n\r\n");
        clients.push(std::thread::spawn(move || trickle(port, head, stop)));
    }
    // Complete heads whose bodies trickle in: more of them than the
    // listener has handler threads.
    let mut idle = Vec::new();
    for _ in 0..4 {
        let mut s = connect(port);
        s.write_all(
            format!("POST {CALLBACK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
        idle.push(s);
    }
    for _ in 0..2 {
        let stop = stop.clone();
        let head =
            format!("PUT {CALLBACK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
        clients.push(std::thread::spawn(move || trickle(port, head, stop)));
    }
    std::thread::sleep(Duration::from_secs(2));
    genuine_callback_completes(&rt, &mut handle, &state);
    stop.store(true, Ordering::SeqCst);
    drop(idle);
    for c in clients {
        c.join().unwrap();
    }
}

#[test]
fn a_burst_of_garbage_neither_crashes_nor_completes_the_listener() {
    let rt = runtime();
    let (mut handle, state) = start();
    let port = handle.port();
    const TOTAL: usize = 1000;
    const THREADS: usize = 8;
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                let mut answered = 0;
                for i in (t..TOTAL).step_by(THREADS) {
                    if started.elapsed() > DEADLINE * 2 {
                        break;
                    }
                    let request: Vec<u8> = match i % 5 {
                        0 => {
                            format!("GET {CALLBACK_PATH}?code=c{i}&state=guess{i} HTTP/1.1\r\n\r\n")
                                .into_bytes()
                        }
                        1 => format!("GET /random/{i} HTTP/1.1\r\n\r\n").into_bytes(),
                        2 => (0..64).map(|j| ((i * 31 + j * 7) % 256) as u8).collect(),
                        3 => format!(
                            "POST {CALLBACK_PATH} HTTP/1.1\r\nContent-Length: 2000\r\n\r\nshort"
                        )
                        .into_bytes(),
                        _ => format!("GET {CALLBACK_PATH}?state=&code=&code= HTTP/1.1\r\n\r\n")
                            .into_bytes(),
                    };
                    if let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) {
                        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                        let _ = s.write_all(&request);
                        // Hang up without waiting for the body to be read.
                        let _ = s.shutdown(std::net::Shutdown::Write);
                        let mut sink = Vec::new();
                        let _ = s.read_to_end(&mut sink);
                        if !sink.is_empty() {
                            answered += 1;
                        }
                    }
                }
                answered
            })
        })
        .collect();
    let answered: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(answered > TOTAL / 2, "most got an answer: {answered}");
    genuine_callback_completes(&rt, &mut handle, &state);
}

/// Declares a body of 10^15 bytes, sends a few, and hangs up. tiny_http 0.12
/// as published sized its drain buffer by the declared length, and the failed
/// allocation aborted the whole process (this test binary with it).
fn claim_a_petabyte_and_hang_up(port: u16, method_and_path: &str) {
    let mut s = connect(port);
    s.write_all(
        format!(
            "{method_and_path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000000\r\n\r\n{{\"a\":"
        )
        .as_bytes(),
    )
    .unwrap();
    // Whatever answer comes (413 from the sandbox, 405 from the listener),
    // the client is gone before the body is.
    drop(s);
}

#[test]
fn a_body_claiming_a_petabyte_crashes_neither_server() {
    let rt = runtime();
    let (mut handle, state) = start();
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    for _ in 0..3 {
        claim_a_petabyte_and_hang_up(handle.port(), &format!("POST {CALLBACK_PATH}"));
        claim_a_petabyte_and_hang_up(sandbox.port(), "POST /elements/api-v2/instances");
    }
    // The same claim from a client that stays connected and answers nothing.
    let mut stays = connect(handle.port());
    stays
        .write_all(
            format!("POST {CALLBACK_PATH} HTTP/1.1\r\nContent-Length: 1000000000000000\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut stays_sb = connect(sandbox.port());
    stays_sb
        .write_all(
            b"POST /elements/api-v2/instances HTTP/1.1\r\nContent-Length: 1000000000000000\r\n\r\n",
        )
        .unwrap();
    let refused = read_reply(&mut stays_sb).expect("the sandbox refuses at once");
    assert_eq!(refused.status, 413);
    assert!(refused.body.contains("larger than the sandbox accepts"));

    // Both still answer.
    genuine_callback_completes(&rt, &mut handle, &state);
    let listed = get(sandbox.port(), "/elements/api-v2/elements");
    assert_eq!(
        listed.status, 401,
        "the sandbox answers (it wants its secrets)"
    );
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/elements", sandbox.base_url()))
            .header(
                "Authorization",
                format!(
                    "User {}, Organization {}",
                    sandbox.user_secret(),
                    sandbox.org_secret()
                ),
            )
            .timeout(DEADLINE)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    drop(stays);
}

#[test]
fn the_state_is_long_random_and_single_use() {
    let a = OAuthState::generate();
    let b = OAuthState::generate();
    assert_ne!(a.expose(), b.expose());
    assert!(a.expose().len() * 6 >= 128, "at least 128 bits");
    assert!(!format!("{a:?}").contains(a.expose()));
}
