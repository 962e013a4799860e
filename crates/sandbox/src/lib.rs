//! The Cloud Elements sandbox: a local emulator of the platform API
//! (`docs/cloud-elements-api.md`) with a fake OAuth provider, on 127.0.0.1
//! only. It knows the platform and nothing of any client: its five seed
//! elements are defined the way the platform defines them (`elements/`), so
//! its answers can judge a client's own element specs.
//!
//! It serves three uses: `ce-wizard sandbox` (a standalone server, see
//! [`serve_forever`]), `--sandbox` runs of the wizard (started in-process on
//! port 0), and integration tests, which read back what it stored through
//! [`Sandbox::instances`] and [`Sandbox::requests`].
//!
//! A few worker threads take requests from `tiny_http`; each request is
//! read in full (bounded), handed to `routes::handle` and answered. The
//! account's load (`load.rs`: latency, a rate limit, instances that break
//! mid-run) applies to every request, before any fault.

mod account;
mod catalog;
mod element;
mod faults;
mod generate;
mod html;
mod http;
mod hubs;
mod instance;
mod instances;
mod lifecycle;
mod load;
mod provider;
mod provider_needs;
mod routes;
mod secret;
mod seeds;
mod signin;
mod state;
mod store;
mod sync;

pub use account::{SEEDED_DISABLED_EVERY, SEEDED_INVALID_EVERY};
pub use faults::{Fault, FaultKind, Faults, SYNTAX as FAULT_SYNTAX};
pub use generate::{SHOWCASE_CUSTOM, SHOWCASE_OAUTH1, SHOWCASE_OAUTH2};
pub use hubs::has_ping;
pub use instances::MISSING_CONFIG_PREFIX;
pub use load::{Break, Breakage, RateLimit, BREAKAGE_SYNTAX};
pub use state::RequestRecord;

use http::{ReadError, Request, Response, MAX_BODY_BYTES};
use secret::Secret;
use state::State;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use sync::lock;

pub const DEMO_USER_SECRET: &str = "sandbox-user-secret";
pub const DEMO_ORG_SECRET: &str = "sandbox-org-secret";

/// Enough for a browser, the wizard and a test talking at once.
pub const WORKERS: usize = 4;

#[derive(Clone)]
pub struct SandboxOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub user_secret: String,
    pub org_secret: String,
    /// One stderr line per request (method, path, status, time; never the
    /// query, headers or body).
    pub log_requests: bool,
    /// Misbehaviour on purpose (see [`Fault`]); none by default.
    pub faults: Faults,
    /// Instances the account starts with, spread over the seed elements, a
    /// few of them invalid and a few disabled (see [`SEEDED_INVALID_EVERY`]);
    /// the same ones on every start.
    pub instances: usize,
    /// How long every answer takes (none by default); see `load.rs`.
    pub latency: Duration,
    /// At most this many calls answered a second, the rest 429 with
    /// `Retry-After`; none by default.
    pub rate_limit: Option<RateLimit>,
    /// Instances that break once the account has answered so many calls.
    pub breakage: Option<Breakage>,
    /// Requests answered at once. A platform serves many callers in
    /// parallel; with a latency, raise it so that callers working in
    /// parallel are not queued behind each other ([`WORKERS`] by default).
    pub workers: usize,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            user_secret: DEMO_USER_SECRET.to_string(),
            org_secret: DEMO_ORG_SECRET.to_string(),
            log_requests: false,
            faults: Faults::none(),
            instances: 0,
            latency: Duration::ZERO,
            rate_limit: None,
            breakage: None,
            workers: WORKERS,
        }
    }
}

/// The secrets stay hidden even when the options are printed with `{:?}`.
impl fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("port", &self.port)
            .field("user_secret", &secret::REDACTED)
            .field("org_secret", &secret::REDACTED)
            .field("log_requests", &self.log_requests)
            .field("faults", &self.faults)
            .field("instances", &self.instances)
            .field("latency", &self.latency)
            .field("rate_limit", &self.rate_limit)
            .field("breakage", &self.breakage)
            .field("workers", &self.workers)
            .finish()
    }
}

/// A running sandbox. Dropping it stops the server threads.
pub struct Sandbox {
    state: Arc<State>,
    server: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<Option<io::Error>>>,
    stopping: Arc<AtomicBool>,
}

impl Sandbox {
    /// Binds 127.0.0.1:`opts.port` and returns once it is listening.
    pub fn start(opts: SandboxOptions) -> io::Result<Sandbox> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port)).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("the sandbox cannot listen on 127.0.0.1:{}: {e}", opts.port),
            )
        })?;
        let port = listener.local_addr()?.port();
        let server = tiny_http::Server::from_listener(listener, None).map_err(|e| {
            io::Error::other(format!("the sandbox cannot start on port {port}: {e}"))
        })?;
        let state = Arc::new(State::new(
            port,
            Secret::new(opts.user_secret),
            Secret::new(opts.org_secret),
            account::seeded(opts.instances),
            opts.log_requests,
            faults::Injector::new(opts.faults),
            load::Conditions::new(opts.latency, opts.rate_limit, opts.breakage),
        ));
        let workers = opts.workers.max(1);
        let mut sandbox = Sandbox {
            state,
            server: Arc::new(server),
            workers: Vec::with_capacity(workers),
            stopping: Arc::new(AtomicBool::new(false)),
        };
        for i in 0..workers {
            let state = sandbox.state.clone();
            let server = sandbox.server.clone();
            let stopping = sandbox.stopping.clone();
            // On failure, dropping `sandbox` stops the workers already started.
            let worker = std::thread::Builder::new()
                .name(format!("sandbox-{i}"))
                .spawn(move || work(&state, &server, &stopping, workers))?;
            sandbox.workers.push(worker);
        }
        Ok(sandbox)
    }

    pub fn port(&self) -> u16 {
        self.state.port
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port(), http::BASE_PATH)
    }

    pub fn user_secret(&self) -> &str {
        self.state.user_secret.expose()
    }

    pub fn org_secret(&self) -> &str {
        self.state.org_secret.expose()
    }

    /// The stored instances, oldest first, exactly as `GET /instances`
    /// answers them.
    pub fn instances(&self) -> Vec<serde_json::Value> {
        let store = self.state.store();
        store
            .instances()
            .map(|i| self.state.render(i, false))
            .collect()
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.state.records).clone()
    }

    /// How many requests had this method and path (no query string).
    pub fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.state.records)
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .count()
    }

    /// Replaces the faults in force, effective from the next request.
    pub fn set_faults(&self, faults: Faults) {
        self.state.faults.set(faults);
    }

    /// Every answer from the next request on takes this long.
    pub fn set_latency(&self, latency: Duration) {
        self.state.conditions.set_latency(latency);
    }

    /// Replaces the rate limit (`None`: no limit) from the next request on.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.state.conditions.set_rate_limit(limit);
    }

    /// Arms a breakage, its calls counted from now (`None` disarms it).
    pub fn set_breakage(&self, breakage: Option<Breakage>) {
        self.state.conditions.set_breakage(breakage);
    }

    /// The faults in force, with what is left of their counts.
    pub fn faults(&self) -> Faults {
        self.state.faults.current()
    }

    pub fn shutdown(self) {
        drop(self);
    }

    /// Blocks until the workers end, which only happens when the listener
    /// fails.
    fn wait(mut self) -> io::Result<()> {
        let port = self.port();
        let mut failure = None;
        for worker in std::mem::take(&mut self.workers) {
            if let Ok(Some(e)) = worker.join() {
                failure.get_or_insert(e);
            }
        }
        match failure {
            Some(e) => Err(io::Error::new(
                e.kind(),
                format!("the sandbox on port {port} stopped accepting connections: {e}"),
            )),
            None => Ok(()),
        }
    }

    fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Requests held by a delay or hang fault end unanswered.
        self.state.faults.stop();
        // Each unblock wakes one worker, after the requests already queued.
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

fn work(
    state: &State,
    server: &tiny_http::Server,
    stopping: &AtomicBool,
    workers: usize,
) -> Option<io::Error> {
    loop {
        match server.recv() {
            Ok(request) => serve(state, request),
            Err(e) => {
                if stopping.swap(true, Ordering::SeqCst) {
                    return None;
                }
                // Not a shutdown: the accept loop died. Wake the other
                // workers so that they end too, and report why.
                for _ in 1..workers {
                    server.unblock();
                }
                return Some(e);
            }
        }
    }
}

/// Reads one request, answers it, records it. Everything between a request
/// and its response passes through here, so this is where the injected
/// faults (`faults.rs`) take effect.
fn serve(state: &State, mut raw: tiny_http::Request) {
    let started = Instant::now();
    let method = raw.method().as_str().to_ascii_uppercase();
    let target = raw.url().to_string();
    // The account's load first: the latency every answer takes, then the
    // rate limit, as a platform's gateway answers before its handlers.
    let admission = state.admit();
    if !admission.latency.is_zero() && !state.faults.hold(Some(admission.latency)) {
        return;
    }
    if let Some(refusal) = admission.refusal {
        record(
            state,
            &method,
            &target,
            (refusal.status, None),
            started.elapsed(),
        );
        let _ = respond(raw, refusal);
        return;
    }
    let (cut_after_handling, (response, body)) =
        match state.faults.plan(&method, http::split_target(&target).0) {
            faults::Plan::Handle => (false, handle(state, &method, &target, &mut raw)),
            faults::Plan::HandleThenCut => (true, handle(state, &method, &target, &mut raw)),
            faults::Plan::Answer(response) => (false, (response, None)),
            faults::Plan::Cut(response) => {
                let at = (response.status, None);
                record(state, &method, &target, at, started.elapsed());
                let half = response.body.len() / 2;
                faults::send_cut(raw, &response, half);
                return;
            }
            faults::Plan::Abandon => return,
            faults::Plan::Mark(mark) => {
                mark_caller(state, &raw, mark);
                (false, handle(state, &method, &target, &mut raw))
            }
        };
    // Recorded before answering: a client that has its answer must find
    // the request in `requests()`.
    record(
        state,
        &method,
        &target,
        (response.status, body),
        started.elapsed(),
    );
    if cut_after_handling {
        faults::send_cut(raw, &response, 0);
    } else {
        // A client that hung up needs no answer.
        let _ = respond(raw, response);
    }
}

/// Applies an instance fault to the instance whose `Element` token the
/// call carries; a call without one (or with an unknown one) is left alone
/// and answered as usual.
fn mark_caller(state: &State, raw: &tiny_http::Request, mark: faults::Mark) {
    let Some(header) = raw
        .headers()
        .iter()
        .find(|h| h.field.equiv("authorization"))
    else {
        return;
    };
    let Some(token) = http::parse_authorization(header.value.as_str()).and_then(|c| c.element)
    else {
        return;
    };
    if let Some(instance) = state.store().by_token(token) {
        match mark {
            faults::Mark::Invalid => instance.valid = false,
            faults::Mark::Disabled => instance.disabled = true,
        }
    }
}

/// Reads the body (bounded) and runs the route's handler; the body goes
/// into the request log when it is JSON.
fn handle(
    state: &State,
    method: &str,
    target: &str,
    raw: &mut tiny_http::Request,
) -> (Response, Option<serde_json::Value>) {
    let headers = raw
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_string(),
                h.value.as_str().to_string(),
            )
        })
        .collect();
    match http::read_body(raw.body_length(), raw.as_reader()) {
        Ok(body) => {
            let request = Request::new(method, target, headers, body);
            // A defect in one handler answers 500 instead of killing a worker
            // (four such panics would leave nobody to answer at all).
            let response =
                panic::catch_unwind(AssertUnwindSafe(|| routes::handle(state, &request)))
                    .unwrap_or_else(|_| {
                        Response::error(500, "The sandbox failed while handling this request")
                    });
            (response, serde_json::from_slice(&request.body).ok())
        }
        Err(ReadError::TooLarge) => (
            Response::error(
                413,
                format!(
                    "The request body is larger than the sandbox accepts ({MAX_BODY_BYTES} bytes)"
                ),
            ),
            None,
        ),
        Err(ReadError::Io(e)) => (
            Response::error(400, format!("The request body could not be read: {e}")),
            None,
        ),
    }
}

fn record(
    state: &State,
    method: &str,
    target: &str,
    (status, body): (u16, Option<serde_json::Value>),
    elapsed: Duration,
) {
    let (path, query) = http::split_target(target);
    lock(&state.records).push(RequestRecord {
        method: method.to_string(),
        path: path.to_string(),
        status,
        query: url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .into_owned()
            .collect(),
        body,
    });
    if state.log_requests {
        eprintln!("{}", http::log_line(method, target, status, elapsed));
    }
}

fn respond(raw: tiny_http::Request, response: Response) -> io::Result<()> {
    let headers: Result<Vec<tiny_http::Header>, ()> =
        std::iter::once(("Content-Type", response.content_type.to_string()))
            .chain(response.headers)
            .map(|(name, value)| tiny_http::Header::from_bytes(name, value))
            .collect();
    match headers {
        Ok(headers) => {
            let mut out =
                tiny_http::Response::from_data(response.body).with_status_code(response.status);
            for header in headers {
                out.add_header(header);
            }
            raw.respond(out)
        }
        // Only a header value that is not ASCII can fail; the handlers
        // never produce one, so this is a defect, not a client error.
        Err(()) => raw.respond(tiny_http::Response::empty(500)),
    }
}

/// What `ce-wizard sandbox` prints on start. Custom secrets are not
/// printed: whoever chose them knows them.
fn banner(sandbox: &Sandbox) -> String {
    let base = sandbox.base_url();
    let demo = sandbox.user_secret() == DEMO_USER_SECRET && sandbox.org_secret() == DEMO_ORG_SECRET;
    let (user, org) = if demo {
        (DEMO_USER_SECRET, DEMO_ORG_SECRET)
    } else {
        (
            "<the user secret you set>",
            "<the organization secret you set>",
        )
    };
    let all = sandbox.state.catalog().elements();
    let elements: Vec<&str> = all
        .iter()
        .filter(|e| e.is_seed())
        .map(|e| e.facts.key.as_str())
        .collect();
    let elements = format!(
        "{} and {} generated ones (ce-wizard elements lists them)",
        elements.join(", "),
        all.len() - elements.len()
    );
    let instances = match sandbox.state.store().instances().count() {
        0 => "none yet".to_string(),
        n => format!("{n} seeded, a few of them invalid or disabled (GET /instances lists them)"),
    };
    format!(
        "Cloud Elements sandbox listening on {base}\n\
         \x20 user secret:          {user}\n\
         \x20 organization secret:  {org}\n\
         \x20 elements:             {}\n\
         \x20 instances:            {}\n\
         \x20 fake OAuth provider:  http://127.0.0.1:{}{}\n\
         \n\
         Point ce-wizard at it from another terminal:\n\
         \x20 export CE_USER_SECRET={user} CE_ORG_SECRET={org}\n\
         \x20 ce-wizard --base-url {base}                  # the wizard\n\
         \x20 ce-wizard create --base-url {base} --element ecwid   # a script's create\n\
         \n\
         Requests are logged below. Press Ctrl-C to stop.",
        elements,
        instances,
        sandbox.port(),
        provider::AUTHORIZE_PATH,
    )
}

/// For `ce-wizard sandbox`: starts, prints a banner on stderr, logs every
/// request there (whatever `opts.log_requests` says) and blocks until the
/// process is ended (Ctrl-C, SIGTERM) or the listener fails.
pub fn serve_forever(opts: SandboxOptions) -> io::Result<()> {
    let load = load_lines(&opts);
    let sandbox = Sandbox::start(SandboxOptions {
        log_requests: true,
        ..opts
    })?;
    eprintln!("{}", banner(&sandbox));
    for fault in &sandbox.faults().0 {
        eprintln!("Injected fault: {fault}");
    }
    for line in load {
        eprintln!("{line}");
    }
    sandbox.wait()
}

/// The load conditions a standalone sandbox starts with, for its banner.
fn load_lines(opts: &SandboxOptions) -> Vec<String> {
    let mut lines = vec![];
    if !opts.latency.is_zero() {
        lines.push(format!(
            "Latency: every answer takes {} ms more",
            opts.latency.as_millis()
        ));
    }
    if let Some(limit) = opts.rate_limit {
        lines.push(format!(
            "Rate limit: {} calls a second, the others answered 429 with Retry-After",
            limit.per_second
        ));
    }
    if let Some(b) = opts.breakage {
        lines.push(format!(
            "Breakage: after {} calls, one instance in every {} turns {}",
            b.after_requests,
            b.every,
            match b.how {
                Break::Invalid => "invalid",
                Break::Disabled => "disabled",
            }
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_shows_demo_secrets_and_hides_custom_ones() {
        let demo = Sandbox::start(SandboxOptions::default()).unwrap();
        let text = banner(&demo);
        assert!(text.contains(&demo.base_url()));
        assert!(text.contains(&format!(
            "export CE_USER_SECRET={DEMO_USER_SECRET} CE_ORG_SECRET={DEMO_ORG_SECRET}"
        )));
        assert!(text.contains(&format!("ce-wizard create --base-url {}", demo.base_url())));
        // The wizard is offered first, and the create line runs as shown:
        // `create` without an element stops at "which element?".
        assert!(text.contains(&format!("ce-wizard --base-url {}", demo.base_url())));
        for line in text.lines().filter(|l| l.contains("ce-wizard create")) {
            assert!(line.contains("--element "), "{line}");
        }
        assert!(text.contains("infusionsoftecommerce"));
        assert!(text.contains("instances:            none yet"));
        let seeded = Sandbox::start(SandboxOptions {
            instances: 30,
            ..SandboxOptions::default()
        })
        .unwrap();
        assert!(banner(&seeded).contains("instances:            30 seeded"));

        let custom = Sandbox::start(SandboxOptions {
            user_secret: "my-own-user-secret".into(),
            org_secret: "my-own-org-secret".into(),
            ..SandboxOptions::default()
        })
        .unwrap();
        let text = banner(&custom);
        assert!(!text.contains("my-own-user-secret") && !text.contains("my-own-org-secret"));
        assert!(text.contains(&custom.base_url()));
    }

    #[test]
    fn options_debug_hides_the_secrets() {
        let opts = SandboxOptions {
            user_secret: "u-very-secret".into(),
            org_secret: "o-very-secret".into(),
            ..SandboxOptions::default()
        };
        let shown = format!("{opts:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("port: 0"));
    }

    #[test]
    fn stops_when_dropped() {
        let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
        let port = sandbox.port();
        drop(sandbox);
        // tiny_http closes its listener on its own thread just after the
        // drop; the deadline only keeps a broken shutdown from hanging.
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "port {port} still taken after the drop"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
