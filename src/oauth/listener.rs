//! The loopback listener that catches the provider's redirect.
//!
//! It binds 127.0.0.1 only: the callback carries a code that must not be
//! reachable from another machine, and on Linux 0.0.0.0 would also answer on
//! every other loopback address and on the network. tiny_http reads each
//! connection's request head on a thread of its own, so a slow or malformed
//! client ties up only its own connection; the handler threads here see only
//! complete request heads, never read a body, and answer from memory.

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::callback::{carries_state, names_a_state, parse_callback_query};
use super::callback::{CallbackOutcome, CallbackRejection};
use super::pages::{Page, Purpose};
use super::response::Response;
use super::state::OAuthState;

/// The port the listener uses unless told otherwise. Providers compare the
/// redirect URI exactly, port included, so the app registered with the
/// provider names `http://127.0.0.1:48213/callback` once and it keeps working.
pub const DEFAULT_CALLBACK_PORT: u16 = 48213;

/// Where the provider redirects to.
pub const CALLBACK_PATH: &str = "/callback";

/// The clean page the callback redirects to, so the code leaves the address bar.
const RESULT_PATH: &str = "/done";

/// Handler threads. Handling is a lock, a parse and a small write, so two are
/// plenty; the second keeps serving if the first is stuck writing.
const HANDLER_THREADS: usize = 2;

/// How long shutdown waits for the browser to fetch the result page after the
/// redirect, so the person sees it instead of a connection error.
const RESULT_PAGE_GRACE: Duration = Duration::from_secs(1);

/// How long shutdown waits for the port to be released by tiny_http's accept
/// thread, which closes its socket shortly after the server is dropped.
const PORT_RELEASE_LIMIT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum ListenerError {
    #[error(
        "port {port} on 127.0.0.1 is already in use, so the OAuth callback listener cannot \
         start; pass `--callback-port` with another port (or 0 for any free one), and register \
         the same port in the provider's redirect URI"
    )]
    PortInUse { port: u16 },
    #[error(
        "the OAuth callback listener could not start on 127.0.0.1 ({0}); pass `--callback-port` \
         with another port (or 0 for any free one)"
    )]
    Io(#[from] std::io::Error),
}

/// What the listener reports while it waits.
#[derive(Debug)]
pub enum ListenerEvent {
    /// A request to the callback path that was not the current attempt's
    /// callback; it got an explanatory page. Informational: keep waiting.
    Rejected { reason: String },
    /// The current attempt's callback arrived; its state is now spent.
    Completed(CallbackOutcome),
}

/// Whether 127.0.0.1 `port` can be bound now, and which port that is (`0`
/// takes any free one); the port is let go at once. The wizard checks its
/// callback port this way and binds it only while a sign-in waits, so
/// another program may use it meanwhile.
pub fn check_port(port: u16) -> Result<u16, ListenerError> {
    Ok(bind_loopback(port)?.local_addr()?.port())
}

/// 127.0.0.1 `port` bound, a port another program holds told apart.
fn bind_loopback(port: u16) -> Result<TcpListener, ListenerError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            ListenerError::PortInUse { port }
        } else {
            ListenerError::Io(e)
        }
    })
}

/// A bound, not yet serving listener: binding first lets the caller learn the
/// port (and so the callback URL) before asking the platform for the
/// authorization URL.
pub struct Listener {
    server: Option<tiny_http::Server>,
    port: u16,
}

impl Listener {
    /// Binds 127.0.0.1 on `port`; `0` takes any free port.
    pub fn bind(port: u16) -> Result<Listener, ListenerError> {
        let socket = bind_loopback(port)?;
        let port = socket.local_addr()?.port();
        let server = tiny_http::Server::from_listener(socket, None)
            .map_err(|e| ListenerError::Io(std::io::Error::other(e.to_string())))?;
        Ok(Listener {
            server: Some(server),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn callback_url(&self) -> String {
        callback_url(self.port)
    }

    /// Starts serving on threads of its own; the genuine callback for `state`
    /// completes it. Requests that arrived since `bind` are served too.
    pub fn start(mut self, state: OAuthState) -> ListenerHandle {
        let server = Arc::new(self.server.take().expect("a listener is started once"));
        let (events, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            attempt: Mutex::new(Attempt {
                current: Some(state),
                completed: None,
                stopped: None,
                purpose: Purpose::default(),
                result: None,
                result_pending: false,
            }),
            result_fetched: Condvar::new(),
            events: Mutex::new(Some(events)),
            stopping: AtomicBool::new(false),
        });
        let handlers = (0..HANDLER_THREADS)
            .map(|i| {
                let server = Arc::clone(&server);
                let shared = Arc::clone(&shared);
                std::thread::Builder::new()
                    .name(format!("oauth-listener-{i}"))
                    .spawn(move || serve(&server, &shared))
                    .expect("cannot start a thread for the OAuth callback listener")
            })
            .collect();
        ListenerHandle {
            port: self.port,
            shared,
            receiver,
            server: Some(server),
            handlers,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            drop(server);
            wait_until_port_free(self.port);
        }
    }
}

/// The running listener. Dropping it shuts it down.
pub struct ListenerHandle {
    port: u16,
    shared: Arc<Shared>,
    receiver: mpsc::UnboundedReceiver<ListenerEvent>,
    server: Option<Arc<tiny_http::Server>>,
    handlers: Vec<JoinHandle<()>>,
}

impl ListenerHandle {
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn callback_url(&self) -> String {
        callback_url(self.port)
    }

    /// The next event; `None` once the listener can receive nothing more
    /// (the operating system stopped accepting connections): fall back to a
    /// pasted address then.
    pub async fn next_event(&mut self) -> Option<ListenerEvent> {
        self.receiver.recv().await
    }

    /// Starts a new attempt on the same listener (after a refusal or a failed
    /// create): from now on only `state` completes it; the previous state is
    /// rejected. The last result page stays available to a browser that has
    /// not fetched it yet.
    pub fn rearm(&self, state: OAuthState) {
        let mut attempt = self.shared.lock();
        attempt.current = Some(state);
        attempt.stopped = None;
    }

    /// What the attempts are for, so the pages speak of creating an
    /// instance or of signing one in again.
    pub fn set_purpose(&self, purpose: Purpose) {
        self.shared.lock().purpose = purpose;
    }

    /// The caller stopped waiting for the current attempt (its wait timed
    /// out, or the person went back): its redirect, should it still come,
    /// is not used and gets a page saying so instead of "received". The
    /// next `rearm` starts listening again.
    pub fn stop_waiting(&self) {
        let mut attempt = self.shared.lock();
        if let Some(state) = attempt.current.take() {
            attempt.stopped = Some(state);
        }
    }

    /// Stops the listener and frees the port. If a callback completed and the
    /// browser has not yet fetched the result page it was redirected to, this
    /// first waits up to about a second for that fetch. Blocks the calling
    /// thread for that long at most (plus joining the handler threads), so
    /// async code that cannot spare a runtime thread runs it (or the drop) in
    /// `spawn_blocking`.
    pub fn shutdown(mut self) {
        self.close();
    }

    fn close(&mut self) {
        let Some(server) = self.server.take() else {
            return;
        };
        self.shared.wait_for_result_page(RESULT_PAGE_GRACE);
        self.shared.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.handlers.len() {
            server.unblock();
        }
        for handler in self.handlers.drain(..) {
            // A handler that panicked has nothing left to clean up.
            let _ = handler.join();
        }
        self.shared.close_events();
        // The handlers held the other references: this drop closes the server.
        drop(server);
        wait_until_port_free(self.port);
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.close();
    }
}

/// The address the provider redirects to when the listener is on `port`.
pub fn callback_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}{CALLBACK_PATH}")
}

struct Shared {
    attempt: Mutex<Attempt>,
    /// Signalled when the result page has been fetched.
    result_fetched: Condvar,
    /// Taken away when the listener stops, which ends `next_event`.
    events: Mutex<Option<mpsc::UnboundedSender<ListenerEvent>>>,
    stopping: AtomicBool,
}

struct Attempt {
    /// The state whose callback completes the attempt; `None` between a
    /// completed callback and the next `rearm`.
    current: Option<OAuthState>,
    /// The state of the last completed callback, to recognise a replay.
    completed: Option<OAuthState>,
    /// The state of an attempt nobody waits for any more, to tell its late
    /// redirect that it came too late.
    stopped: Option<OAuthState>,
    purpose: Purpose,
    /// The page of the last completed callback.
    result: Option<Page>,
    /// A callback completed and its result page was not fetched yet.
    result_pending: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Attempt> {
        // A handler that panicked mid-request leaves the attempt consistent
        // (every update is a single assignment), so poisoning is ignored.
        self.attempt.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, event: ListenerEvent) {
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(events) = events.as_ref() {
            // The receiver may be gone (the handle is being dropped); nothing to tell.
            let _ = events.send(event);
        }
    }

    fn close_events(&self) {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Waits up to `limit` while a result page is pending; true when none is.
    fn wait_for_result_page(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut attempt = self.lock();
        while attempt.result_pending {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            attempt = self
                .result_fetched
                .wait_timeout(attempt, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn on_callback(&self, query: &str) -> Response {
        let mut attempt = self.lock();
        if attempt.current.is_none()
            && attempt
                .stopped
                .as_ref()
                .is_some_and(|late| carries_state(query, late))
        {
            crate::log::event(
                "oauth",
                "a redirect came after the wait had ended; not used",
            );
            return Response::page(409, &Page::Stopped(attempt.purpose));
        }
        let parsed = match &attempt.current {
            Some(state) => parse_callback_query(query, state),
            None if names_a_state(query) => Err(CallbackRejection::WrongState),
            None => Err(CallbackRejection::MissingState),
        };
        let parsed = match parsed {
            Err(CallbackRejection::WrongState)
                if attempt
                    .completed
                    .as_ref()
                    .is_some_and(|spent| carries_state(query, spent)) =>
            {
                Err(CallbackRejection::AlreadyUsed)
            }
            other => other,
        };
        match parsed {
            Ok(outcome) => {
                if let CallbackOutcome::Authorized(grant) = &outcome {
                    for secret in [&grant.code, &grant.oauth_verifier].into_iter().flatten() {
                        crate::log::add_secret(secret.expose());
                    }
                }
                let purpose = attempt.purpose;
                let (page, result) = match &outcome {
                    CallbackOutcome::Authorized(_) => (Page::Success(purpose), "ok"),
                    CallbackOutcome::Denied { error, description } => (
                        Page::Denied {
                            error: error.clone(),
                            description: description.clone(),
                            purpose,
                        },
                        "denied",
                    ),
                };
                attempt.completed = attempt.current.take();
                attempt.result = Some(page);
                attempt.result_pending = true;
                self.send(ListenerEvent::Completed(outcome));
                Response::redirect(&format!("{RESULT_PATH}?result={result}"))
            }
            Err(rejection) => {
                self.send(ListenerEvent::Rejected {
                    reason: rejection.to_string(),
                });
                Response::page(400, &rejection_page(&rejection, attempt.purpose))
            }
        }
    }

    fn result_page(&self, fetch: bool) -> Response {
        let mut attempt = self.lock();
        match attempt.result.clone() {
            Some(page) => {
                if fetch {
                    attempt.result_pending = false;
                    self.result_fetched.notify_all();
                }
                Response::page(200, &page)
            }
            None => Response::page(404, &Page::NotFound),
        }
    }
}

fn rejection_page(rejection: &CallbackRejection, purpose: Purpose) -> Page {
    let (heading, reason) = match rejection {
        CallbackRejection::WrongState => (
            "This callback doesn't belong to the current attempt",
            "Its state doesn't match the authorization ce-wizard is waiting for: it comes from \
             an earlier attempt or from another page."
                .to_owned(),
        ),
        CallbackRejection::MissingState => (
            "This callback doesn't belong to the current attempt",
            "It carries no state, so it cannot be tied to the authorization ce-wizard is \
             waiting for."
                .to_owned(),
        ),
        CallbackRejection::AlreadyUsed => (
            "This authorization was already received",
            "ce-wizard accepts each authorization only once, and this one has been used."
                .to_owned(),
        ),
        CallbackRejection::NoCodeOrError => (
            "The callback is incomplete",
            "It carries neither an authorization code nor an error from the provider.".to_owned(),
        ),
        CallbackRejection::RepeatedParameter(name) => (
            "The callback is malformed",
            format!("It repeats the “{name}” parameter."),
        ),
        CallbackRejection::NotACallback(why) => ("This is not a callback", why.clone()),
    };
    Page::Rejected {
        heading: heading.to_owned(),
        reason,
        purpose,
    }
}

fn serve(server: &tiny_http::Server, shared: &Shared) {
    loop {
        match server.recv() {
            Ok(request) => handle(request, shared),
            Err(_) if shared.stopping.load(Ordering::SeqCst) => return,
            // The accept loop failed (tiny_http stops accepting after an
            // accept error): no request will come any more, so end the event
            // stream and let the caller fall back to a pasted address.
            Err(_) => {
                shared.close_events();
                return;
            }
        }
    }
}

fn handle(request: tiny_http::Request, shared: &Shared) {
    use tiny_http::Method;

    let (path, query) = split_target(request.url());
    let method = request.method().clone();
    let response = match (path, &method) {
        (CALLBACK_PATH, Method::Get) => shared.on_callback(query),
        (CALLBACK_PATH, _) => Response::method_not_allowed("GET"),
        (RESULT_PATH, Method::Get) => shared.result_page(true),
        (RESULT_PATH, Method::Head) => shared.result_page(false),
        (RESULT_PATH, _) => Response::method_not_allowed("GET, HEAD"),
        _ => Response::page(404, &Page::NotFound),
    };
    let bytes = response.to_bytes(method == Method::Head);
    if has_unread_body(&request) {
        // Answering drops the request, and tiny_http then drains the body
        // the client announced, for as long as the client takes to send it
        // (or to hang up). That must not hold up the two handler threads,
        // which the genuine callback needs, so it runs on a thread of its
        // own. No real callback has a body.
        // Should no thread be had, the request is dropped unanswered (and
        // drained) here: the one case where a handler waits on a client.
        let _ = std::thread::Builder::new()
            .name("oauth-listener-drain".into())
            .spawn(move || answer(request, &bytes));
    } else {
        answer(request, &bytes);
    }
}

/// Whether tiny_http will read a body off the socket when this request is
/// dropped: it reads bodies of up to 1 KiB before handing the request over,
/// and leaves larger or chunked ones (or those behind `Expect`) for later.
fn has_unread_body(request: &tiny_http::Request) -> bool {
    let announced = |name: &str| {
        request
            .headers()
            .iter()
            .any(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
    };
    request.body_length().is_some_and(|n| n > 1024)
        || announced("transfer-encoding")
        || (announced("expect") && request.body_length().is_some_and(|n| n > 0))
}

fn answer(request: tiny_http::Request, bytes: &[u8]) {
    let mut writer = request.into_writer();
    // A client that went away has nothing left to receive.
    let _ = writer.write_all(bytes).and_then(|()| writer.flush());
}

/// Path and query of a request target, in origin form (`/callback?…`) or
/// absolute form (`http://127.0.0.1:48213/callback?…`).
fn split_target(target: &str) -> (&str, &str) {
    let target = target.split('#').next().unwrap_or_default();
    let target = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    target.split_once('?').unwrap_or((target, ""))
}

/// tiny_http closes its listening socket on its own accept thread after the
/// server is dropped; waiting here until the port can be bound again lets a
/// caller (or a retry) bind the same port the moment shutdown returns.
fn wait_until_port_free(port: u16) {
    let deadline = Instant::now() + PORT_RELEASE_LIMIT;
    loop {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            Ok(_probe) => return,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_origin_and_absolute_targets() {
        assert_eq!(
            split_target("/callback?code=a&state=b"),
            ("/callback", "code=a&state=b")
        );
        assert_eq!(split_target("/callback"), ("/callback", ""));
        assert_eq!(split_target("/done?result=ok#x"), ("/done", "result=ok"));
        assert_eq!(
            split_target("http://127.0.0.1:48213/callback?code=a"),
            ("/callback", "code=a")
        );
        assert_eq!(split_target("http://127.0.0.1:48213"), ("/", ""));
    }

    #[test]
    fn port_in_use_message_names_the_port_and_the_option() {
        let message = ListenerError::PortInUse { port: 48213 }.to_string();
        assert!(message.contains("48213"));
        assert!(message.contains("--callback-port"));
        assert!(message.contains("0 for any free one"));
    }

    fn shared_with_pending_result() -> Arc<Shared> {
        let (events, _receiver) = mpsc::unbounded_channel();
        Arc::new(Shared {
            attempt: Mutex::new(Attempt {
                current: None,
                completed: None,
                stopped: None,
                purpose: Purpose::default(),
                result: Some(Page::Success(Purpose::default())),
                result_pending: true,
            }),
            result_fetched: Condvar::new(),
            events: Mutex::new(Some(events)),
            stopping: AtomicBool::new(false),
        })
    }

    #[test]
    fn result_page_wait_ends_when_the_page_is_fetched() {
        let shared = shared_with_pending_result();
        let fetcher = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || shared.result_page(true).status())
        };
        // A deadline far beyond any fetch, only so a broken wake-up cannot hang.
        assert!(shared.wait_for_result_page(Duration::from_secs(30)));
        assert_eq!(fetcher.join().unwrap(), 200);
    }

    #[test]
    fn result_page_wait_gives_up_when_the_page_is_never_fetched() {
        let shared = shared_with_pending_result();
        assert!(!shared.wait_for_result_page(Duration::from_millis(20)));
        // A HEAD does not count as the browser showing the page.
        assert_eq!(shared.result_page(false).status(), 200);
        assert!(!shared.wait_for_result_page(Duration::ZERO));
    }
}
