//! The OAuth loopback listener over real sockets on 127.0.0.1. Every test
//! binds port 0 (any free port) so the tests can run side by side.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use ce_wizard::oauth::{
    CallbackOutcome, Listener, ListenerError, ListenerEvent, ListenerHandle, OAuthState, Purpose,
    CALLBACK_PATH, DEFAULT_CALLBACK_PORT,
};

/// Only so a broken listener fails a test instead of hanging it.
const DEADLINE: Duration = Duration::from_secs(20);

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

async fn get(port: u16, target: &str) -> Reply {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DEADLINE)
        .build()
        .unwrap();
    let response = client
        .get(format!("http://127.0.0.1:{port}{target}"))
        .send()
        .await
        .expect("the listener answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

async fn next_event(handle: &mut ListenerHandle) -> ListenerEvent {
    tokio::time::timeout(DEADLINE, handle.next_event())
        .await
        .expect("an event within the deadline")
        .expect("the listener is still running")
}

fn start() -> (ListenerHandle, OAuthState) {
    let state = OAuthState::generate();
    let handle = Listener::bind(0).unwrap().start(state.clone());
    (handle, state)
}

fn callback(state: &OAuthState, rest: &str) -> String {
    format!("{CALLBACK_PATH}?state={}&{rest}", state.expose())
}

fn assert_closes_and_forbids_caching(reply: &Reply) {
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(reply.header("connection"), "close");
}

fn expect_code(event: ListenerEvent) -> String {
    match event {
        ListenerEvent::Completed(CallbackOutcome::Authorized(grant)) => {
            grant.code.expect("a code").expose().to_owned()
        }
        other => panic!("expected Completed(Authorized), got {other:?}"),
    }
}

fn expect_rejected(event: ListenerEvent) -> String {
    match event {
        ListenerEvent::Rejected { reason } => reason,
        other => panic!("expected Rejected, got {other:?}"),
    }
}

#[test]
fn the_default_port_and_callback_url_are_the_documented_ones() {
    assert_eq!(DEFAULT_CALLBACK_PORT, 48213);
    let listener = Listener::bind(0).unwrap();
    let port = listener.port();
    assert_ne!(port, 0, "port 0 resolves to the port actually bound");
    assert_eq!(
        listener.callback_url(),
        format!("http://127.0.0.1:{port}/callback")
    );
    let handle = listener.start(OAuthState::generate());
    assert_eq!(handle.port(), port);
    assert_eq!(
        handle.callback_url(),
        format!("http://127.0.0.1:{port}/callback")
    );
}

#[test]
fn binds_127_0_0_1_only() {
    let (handle, _state) = start();
    let port = handle.port();
    TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("127.0.0.1 answers");
    // All of 127/8 is loopback on Linux: a socket bound to 0.0.0.0 would
    // accept this connection too.
    let other = SocketAddr::from((Ipv4Addr::new(127, 0, 0, 2), port));
    let refused = TcpStream::connect_timeout(&other, Duration::from_secs(5));
    assert!(refused.is_err(), "127.0.0.2:{port} must not be served");
}

#[tokio::test]
async fn a_stray_path_gets_404_and_the_listener_still_completes() {
    let (mut handle, state) = start();
    let stray = get(handle.port(), "/favicon.ico").await;
    assert_eq!(stray.status, 404);
    assert!(stray.body.contains("Nothing here"));
    assert_closes_and_forbids_caching(&stray);

    let reply = get(handle.port(), &callback(&state, "code=the-code")).await;
    assert_eq!(reply.status, 302);
    // The 404 raised no event: the first event is the completion.
    assert_eq!(expect_code(next_event(&mut handle).await), "the-code");
}

#[tokio::test]
async fn wrong_state_is_rejected_then_the_right_one_completes() {
    let (mut handle, state) = start();
    let port = handle.port();

    let wrong = get(port, &callback(&OAuthState::generate(), "code=stolen")).await;
    assert_eq!(wrong.status, 400);
    assert!(wrong
        .body
        .contains("doesn&#39;t belong to the current attempt"));
    assert!(wrong.body.contains("Nothing was created"));
    assert_closes_and_forbids_caching(&wrong);
    let reason = expect_rejected(next_event(&mut handle).await);
    assert!(reason.contains("state"), "{reason}");
    assert!(!reason.contains("stolen"));

    let missing = get(port, &format!("{CALLBACK_PATH}?code=stolen")).await;
    assert_eq!(missing.status, 400);
    expect_rejected(next_event(&mut handle).await);

    let right = get(port, &callback(&state, "code=c0de%2F1")).await;
    assert_eq!(right.status, 302);
    assert_closes_and_forbids_caching(&right);
    let location = right.header("location").to_owned();
    assert_eq!(location, "/done?result=ok");
    assert!(
        !location.contains("c0de"),
        "the code must leave the address"
    );
    assert!(right.body.is_empty());
    assert_eq!(expect_code(next_event(&mut handle).await), "c0de/1");

    let page = get(port, &location).await;
    assert_eq!(page.status, 200);
    assert_closes_and_forbids_caching(&page);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains(
        "ce-wizard received the authorization; you can close this tab and return to your terminal"
    ));
    assert!(!page.body.contains("c0de"));
}

#[tokio::test]
async fn oauth1_token_and_verifier_complete_the_attempt() {
    let (mut handle, state) = start();
    let reply = get(
        handle.port(),
        &callback(&state, "oauth_token=req-token&oauth_verifier=the-verifier"),
    )
    .await;
    assert_eq!(reply.status, 302);
    match next_event(&mut handle).await {
        ListenerEvent::Completed(CallbackOutcome::Authorized(grant)) => {
            assert_eq!(grant.oauth_token.as_deref(), Some("req-token"));
            assert_eq!(grant.oauth_verifier.unwrap().expose(), "the-verifier");
        }
        other => panic!("expected Completed(Authorized), got {other:?}"),
    }
}

#[tokio::test]
async fn replaying_the_callback_is_rejected() {
    let (mut handle, state) = start();
    let target = callback(&state, "code=once");
    assert_eq!(get(handle.port(), &target).await.status, 302);
    assert_eq!(expect_code(next_event(&mut handle).await), "once");

    let replay = get(handle.port(), &target).await;
    assert_eq!(replay.status, 400);
    assert!(replay.body.contains("already received"));
    let reason = expect_rejected(next_event(&mut handle).await);
    assert!(reason.contains("already used"), "{reason}");
}

#[tokio::test]
async fn a_refusal_is_reported_and_its_description_shown_escaped() {
    let (mut handle, state) = start();
    let target = callback(
        &state,
        "error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E+no+thanks",
    );
    let reply = get(handle.port(), &target).await;
    assert_eq!(reply.status, 302);
    assert_eq!(reply.header("location"), "/done?result=denied");
    match next_event(&mut handle).await {
        ListenerEvent::Completed(CallbackOutcome::Denied { error, description }) => {
            assert_eq!(error, "access_denied");
            assert_eq!(
                description.as_deref(),
                Some("<script>alert(1)</script> no thanks")
            );
        }
        other => panic!("expected Completed(Denied), got {other:?}"),
    }

    let page = get(handle.port(), "/done?result=denied").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>"));
    assert!(page
        .body
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; no thanks"));
    assert!(page.body.contains("access_denied"));
    assert!(page.body.contains("offers to try again"));
}

#[tokio::test]
async fn rearm_makes_the_old_state_fail_and_the_new_one_succeed() {
    let (mut handle, first) = start();
    let port = handle.port();

    // Re-armed before the first attempt completed.
    let second = OAuthState::generate();
    handle.rearm(second.clone());
    assert_eq!(get(port, &callback(&first, "code=old")).await.status, 400);
    expect_rejected(next_event(&mut handle).await);
    assert_eq!(
        get(port, &callback(&second, "error=access_denied"))
            .await
            .status,
        302
    );
    assert!(matches!(
        next_event(&mut handle).await,
        ListenerEvent::Completed(CallbackOutcome::Denied { .. })
    ));

    // Re-armed after a refusal: a new attempt on the same listener.
    let third = OAuthState::generate();
    handle.rearm(third.clone());
    assert_eq!(get(port, &callback(&second, "code=late")).await.status, 400);
    expect_rejected(next_event(&mut handle).await);
    assert_eq!(get(port, &callback(&third, "code=new")).await.status, 302);
    assert_eq!(expect_code(next_event(&mut handle).await), "new");
}

/// A redirect that comes after the caller stopped waiting (a timeout, Esc)
/// is not used, says so, and never claims "received"; the next attempt on
/// the same listener works as before.
#[tokio::test]
async fn a_redirect_after_the_wait_ended_is_told_so_and_not_used() {
    let (mut handle, first) = start();
    let port = handle.port();
    handle.stop_waiting();

    let late = get(port, &callback(&first, "code=late")).await;
    assert_eq!(late.status, 409);
    assert!(
        late.body
            .contains("ce-wizard stopped waiting: go back to the terminal"),
        "{}",
        late.body
    );
    assert!(!late.body.contains("received"), "{}", late.body);
    assert_closes_and_forbids_caching(&late);
    // Nothing reaches the caller: the code is not taken.
    assert!(
        tokio::time::timeout(Duration::from_millis(200), handle.next_event())
            .await
            .is_err(),
        "a late redirect produced an event"
    );

    let second = OAuthState::generate();
    handle.rearm(second.clone());
    assert_eq!(get(port, &callback(&first, "code=late")).await.status, 400);
    expect_rejected(next_event(&mut handle).await);
    assert_eq!(get(port, &callback(&second, "code=new")).await.status, 302);
    assert_eq!(expect_code(next_event(&mut handle).await), "new");
}

/// The pages speak of the action under way: a re-authorization never of
/// creating an instance.
#[tokio::test]
async fn the_pages_of_a_reauthorization_speak_of_signing_in_again() {
    let (mut handle, state) = start();
    let port = handle.port();
    handle.set_purpose(Purpose::Reauthorize);
    let redirect = get(port, &callback(&state, "code=c")).await;
    assert_eq!(redirect.status, 302);
    expect_code(next_event(&mut handle).await);
    let page = get(port, redirect.header("location")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Authorization received"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("signs the instance in again"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("creat"), "{}", page.body);

    let next = OAuthState::generate();
    handle.rearm(next.clone());
    handle.stop_waiting();
    let late = get(port, &callback(&next, "code=late")).await;
    assert!(
        late.body.contains("the instance was not changed"),
        "{}",
        late.body
    );
    assert!(!late.body.contains("creat"), "{}", late.body);
}

#[tokio::test]
async fn only_get_completes_a_callback() {
    let (mut handle, state) = start();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DEADLINE)
        .build()
        .unwrap();
    let url = format!(
        "http://127.0.0.1:{}{}",
        handle.port(),
        callback(&state, "code=posted")
    );
    let posted = client.post(&url).body("ignored").send().await.unwrap();
    assert_eq!(posted.status().as_u16(), 405);
    assert_eq!(posted.headers()["allow"], "GET");

    assert_eq!(
        get(handle.port(), &callback(&state, "code=got"))
            .await
            .status,
        302
    );
    assert_eq!(expect_code(next_event(&mut handle).await), "got");
}

#[tokio::test]
async fn slow_and_malformed_clients_do_not_block_the_callback() {
    let (mut handle, state) = start();
    let port = handle.port();

    // Connects and never finishes its request.
    let mut slow = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    slow.write_all(b"GET /callback?code=").unwrap();
    // Connects and sends nothing at all.
    let _silent = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    // Sends something that is not HTTP.
    let mut garbage = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    garbage
        .write_all(b"\x16\x03\x01 not http at all\r\n\r\n")
        .unwrap();

    let reply = get(port, &callback(&state, "code=through")).await;
    assert_eq!(reply.status, 302);
    assert_eq!(expect_code(next_event(&mut handle).await), "through");
}

#[test]
fn port_in_use_names_the_port_and_the_option() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let error = match Listener::bind(port) {
        Err(error) => error,
        Ok(_) => panic!("port {port} is taken, bind must fail"),
    };
    assert!(matches!(error, ListenerError::PortInUse { port: p } if p == port));
    let message = error.to_string();
    assert!(message.contains(&port.to_string()), "{message}");
    assert!(message.contains("--callback-port"), "{message}");
    assert!(message.contains("0 for any free one"), "{message}");
}

#[tokio::test]
async fn the_port_can_be_bound_again_right_after_shutdown() {
    let (mut handle, state) = start();
    let port = handle.port();
    assert_eq!(get(port, &callback(&state, "code=x")).await.status, 302);
    expect_code(next_event(&mut handle).await);
    assert_eq!(get(port, "/done?result=ok").await.status, 200);
    handle.shutdown();

    let again = Listener::bind(port).expect("the port is free once shutdown returns");
    assert_eq!(again.port(), port);
    // An unstarted listener frees its port when dropped, too.
    drop(again);
    let handle = Listener::bind(port)
        .expect("the port is free once the listener is dropped")
        .start(OAuthState::generate());
    // Dropping the handle shuts it down like `shutdown`.
    drop(handle);
    Listener::bind(port).expect("the port is free once the handle is dropped");
}

#[tokio::test]
async fn shutdown_right_after_the_redirect_still_serves_the_result_page() {
    let (mut handle, state) = start();
    let port = handle.port();
    assert_eq!(get(port, &callback(&state, "code=x")).await.status, 302);
    expect_code(next_event(&mut handle).await);

    // The browser's follow-up request is on its way when shutdown starts.
    let mut browser = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    browser.set_read_timeout(Some(DEADLINE)).unwrap();
    browser
        .write_all(b"GET /done?result=ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    handle.shutdown();

    let mut answer = String::new();
    browser.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("ce-wizard received the authorization"));
}
