//! Fault injection: the sandbox misbehaving on purpose, the ways a real
//! platform, proxy or network does, so the client's handling of each can be
//! tested and tried by hand (`ce-wizard sandbox --fault …`).
//!
//! A [`Fault`] is a kind of misbehaviour, optionally scoped to a method and a
//! path, for the next N matching calls or for all of them. The first fault
//! that matches a request is used (and its count spent); requests no fault
//! matches are answered normally. `crate::serve` asks [`Injector::plan`] what
//! to do before handling a request and calls [`send_cut`] instead of
//! answering when the plan says so.

use crate::http::{self, Response};
use crate::sync::lock;
use serde_json::json;
use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the sandbox does instead of (or on top of) answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answers this status (500, 502, 503, 504, …) with the platform's error
    /// body, without handling the request.
    Status(u16),
    /// Answers 429 with `Retry-After: <seconds>`, without handling.
    RateLimited { retry_after_secs: u64 },
    /// Handles the request and answers normally, this much later.
    Delay(Duration),
    /// Never answers; the request is abandoned when the sandbox stops.
    Hang,
    /// Sends a 200 head and half a body, then breaks the answer off without
    /// handling the request (nothing is stored).
    CloseMidResponse,
    /// Answers 200 with JSON that stops half-way, without handling.
    MalformedJson,
    /// Answers this status with an HTML page (a proxy's or a login portal's),
    /// without handling.
    Html(u16),
    /// Handles the request (so `POST /instances` stores the instance), sends
    /// the head of its answer, and breaks the answer off before the body.
    DropAfterHandling,
    /// The instance the call goes through (by its `Element` token) turns
    /// invalid, its provider refusing its credentials from now on (a
    /// revoked or expired grant), then the call is handled.
    Invalidate,
    /// The instance the call goes through is disabled, then the call is
    /// handled.
    Disable,
}

impl FaultKind {
    /// Whether it changes the instance a call goes through rather than the
    /// answer; unscoped, such a fault applies to calls through an instance
    /// (`/hubs/...`) only.
    fn marks_instance(&self) -> bool {
        matches!(self, FaultKind::Invalidate | FaultKind::Disable)
    }
}

/// One fault and where it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    /// `None`: any method.
    pub method: Option<String>,
    /// `None`: any path. Either the full path (`/elements/api-v2/instances`)
    /// or the path below the API base (`/instances`).
    pub path: Option<String>,
    /// How many more matching calls get it; `None`: every one.
    pub times: Option<u32>,
}

impl Fault {
    /// The fault on every call, everywhere.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            method: None,
            path: None,
            times: None,
        }
    }

    /// Only for the next `n` matching calls.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }

    /// Only for this method and path (`"POST", "/instances"`).
    pub fn on(mut self, method: &str, path: &str) -> Fault {
        self.method = Some(method.to_ascii_uppercase());
        self.path = Some(path.to_string());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.as_deref() {
            Some(p) => {
                let p = p.trim_end_matches('/');
                let path = path.trim_end_matches('/');
                path == p || path.strip_prefix(http::BASE_PATH) == Some(p)
            }
            None => {
                !self.kind.marks_instance()
                    || path
                        .strip_prefix(http::BASE_PATH)
                        .is_some_and(|rest| rest.starts_with("/hubs/"))
            }
        };
        method_ok && path_ok && self.times != Some(0)
    }
}

/// The command-line form, e.g. `503,times=2`, `429:5`, `delay:1500`,
/// `hang,method=POST,path=/instances`, `drop-after-create`, `invalidate,times=1`.
pub const SYNTAX: &str = "KIND[,times=N][,method=M][,path=P] where KIND is 500, 502, 503, 504 \
     (any 5xx), 429[:RETRY_AFTER_SECS], delay:MS, hang, close, malformed, html[:STATUS], \
     drop-after-create (POST /instances unless a method or path is given), invalidate or \
     disable (the instance a call through it names by its token; calls under /hubs unless a \
     path is given)";

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Fault, String> {
        let mut parts = s.split(',').map(str::trim);
        let kind_text = parts.next().unwrap_or_default();
        let (name, arg) = match kind_text.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (kind_text, None),
        };
        let number = |what: &str| -> Result<u64, String> {
            let a = arg.ok_or_else(|| format!("'{name}' needs {what}, e.g. {name}:5"))?;
            a.parse()
                .map_err(|_| format!("'{a}' is not a whole number ({what})"))
        };
        let no_arg = |kind: FaultKind| match arg {
            None => Ok(kind),
            Some(_) => Err(format!("'{name}' takes no ':' value")),
        };
        let kind = match name {
            "429" => FaultKind::RateLimited {
                retry_after_secs: if arg.is_some() {
                    number("the Retry-After seconds")?
                } else {
                    1
                },
            },
            n if n.len() == 3 && n.starts_with('5') => match n.parse::<u16>() {
                Ok(code) => no_arg(FaultKind::Status(code))?,
                Err(_) => return Err(format!("unknown fault '{kind_text}'; expected {SYNTAX}")),
            },
            "delay" => FaultKind::Delay(Duration::from_millis(number("milliseconds")?)),
            "hang" => no_arg(FaultKind::Hang)?,
            "close" => no_arg(FaultKind::CloseMidResponse)?,
            "malformed" => no_arg(FaultKind::MalformedJson)?,
            "html" => FaultKind::Html(if arg.is_some() {
                u16::try_from(number("an HTTP status")?)
                    .ok()
                    .filter(|s| (200..600).contains(s))
                    .ok_or("the HTML page's status must be from 200 to 599")?
            } else {
                200
            }),
            "drop-after-create" => no_arg(FaultKind::DropAfterHandling)?,
            "invalidate" => no_arg(FaultKind::Invalidate)?,
            "disable" => no_arg(FaultKind::Disable)?,
            _ => return Err(format!("unknown fault '{kind_text}'; expected {SYNTAX}")),
        };
        let mut fault = Fault::new(kind);
        for option in parts {
            let (key, value) = option
                .split_once('=')
                .ok_or_else(|| format!("'{option}' should be times=N, method=M or path=P"))?;
            match key {
                "times" => {
                    fault.times = Some(
                        value
                            .parse()
                            .map_err(|_| format!("times={value}: give a whole number"))?,
                    )
                }
                "method" => fault.method = Some(value.to_ascii_uppercase()),
                "path" if value.starts_with('/') => fault.path = Some(value.to_string()),
                "path" => return Err(format!("path={value}: a path starts with /")),
                _ => return Err(format!("unknown fault option '{key}' in '{s}'")),
            }
        }
        if fault.kind == FaultKind::DropAfterHandling
            && fault.method.is_none()
            && fault.path.is_none()
        {
            fault = fault.on("POST", "/instances");
        }
        Ok(fault)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FaultKind::Status(s) => write!(f, "answer {s}")?,
            FaultKind::RateLimited { retry_after_secs } => {
                write!(f, "answer 429 with Retry-After: {retry_after_secs}")?
            }
            FaultKind::Delay(d) => write!(f, "delay {} ms", d.as_millis())?,
            FaultKind::Hang => f.write_str("never answer")?,
            FaultKind::CloseMidResponse => f.write_str("break the answer off mid-body")?,
            FaultKind::MalformedJson => f.write_str("answer malformed JSON")?,
            FaultKind::Html(s) => write!(f, "answer {s} with an HTML page")?,
            FaultKind::DropAfterHandling => {
                f.write_str("handle, then break the answer off before its body")?
            }
            FaultKind::Invalidate => f.write_str("make the calling instance invalid")?,
            FaultKind::Disable => f.write_str("disable the calling instance")?,
        }
        match (&self.method, &self.path) {
            (None, None) if self.kind.marks_instance() => {
                f.write_str(" on every call through an instance")?
            }
            (None, None) => f.write_str(" on every call")?,
            (m, p) => write!(
                f,
                " on {} {}",
                m.as_deref().unwrap_or("any method"),
                p.as_deref().unwrap_or("any path")
            )?,
        }
        match self.times {
            Some(n) => write!(f, ", {n} more time(s)"),
            None => Ok(()),
        }
    }
}

/// The faults a sandbox starts with or is given at run time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults(pub Vec<Fault>);

impl Faults {
    pub fn none() -> Faults {
        Faults::default()
    }

    pub fn one(fault: Fault) -> Faults {
        Faults(vec![fault])
    }

    pub fn and(mut self, fault: Fault) -> Faults {
        self.0.push(fault);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What `serve` does with one request.
pub(crate) enum Plan {
    /// Handle it and answer normally.
    Handle,
    /// Handle it, then send only the head of the answer and break it off.
    HandleThenCut,
    /// Answer this without handling.
    Answer(Response),
    /// Send this answer's head and half its body, then break it off.
    Cut(Response),
    /// Send nothing: the sandbox stopped while the fault held the request.
    Abandon,
    /// Change the instance the call goes through, then handle it.
    Mark(Mark),
}

/// What happens to the instance behind a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Invalid,
    Disabled,
}

/// The live faults of one sandbox, and the wake-up for requests held by a
/// delay or a hang when the sandbox stops.
#[derive(Default)]
pub(crate) struct Injector {
    faults: Mutex<Vec<Fault>>,
    stopping: Mutex<bool>,
    wake: Condvar,
}

impl Injector {
    pub fn new(faults: Faults) -> Injector {
        Injector {
            faults: Mutex::new(faults.0),
            ..Injector::default()
        }
    }

    pub fn set(&self, faults: Faults) {
        *lock(&self.faults) = faults.0;
    }

    pub fn current(&self) -> Faults {
        Faults(lock(&self.faults).clone())
    }

    /// Wakes every held request; from now on none is held.
    pub fn stop(&self) {
        *lock(&self.stopping) = true;
        self.wake.notify_all();
    }

    /// Spends the first matching fault and says what to do. May block (a
    /// delay, a hang) until the fault's time is up or the sandbox stops.
    pub fn plan(&self, method: &str, path: &str) -> Plan {
        let kind = {
            let mut faults = lock(&self.faults);
            let Some(fault) = faults.iter_mut().find(|f| f.matches(method, path)) else {
                return Plan::Handle;
            };
            if let Some(n) = fault.times.as_mut() {
                *n -= 1;
            }
            fault.kind.clone()
        };
        match kind {
            FaultKind::Status(status) => Plan::Answer(Response::error(
                status,
                format!("The sandbox answers {status} here (an injected fault)"),
            )),
            FaultKind::RateLimited { retry_after_secs } => Plan::Answer(
                Response::error(429, "Too many requests (an injected fault)")
                    .with_header("Retry-After", retry_after_secs.to_string()),
            ),
            FaultKind::Delay(d) => {
                if self.hold(Some(d)) {
                    Plan::Handle
                } else {
                    Plan::Abandon
                }
            }
            FaultKind::Hang => {
                self.hold(None);
                Plan::Abandon
            }
            FaultKind::CloseMidResponse => Plan::Cut(Response::json(
                200,
                &json!({ "message": "this answer is broken off by the sandbox's close fault" }),
            )),
            FaultKind::MalformedJson => Plan::Answer(Response {
                status: 200,
                content_type: "application/json",
                headers: Vec::new(),
                body: br#"{"id": 1000, "name": "half an answer", "token": "#.to_vec(),
            }),
            FaultKind::Html(status) => Plan::Answer(Response::html(
                status,
                "<!doctype html><html><head><title>Sign in</title></head><body>\
                 <h1>Please sign in to continue</h1><p>(a page from an injected fault)</p>\
                 </body></html>"
                    .to_string(),
            )),
            FaultKind::DropAfterHandling => Plan::HandleThenCut,
            FaultKind::Invalidate => Plan::Mark(Mark::Invalid),
            FaultKind::Disable => Plan::Mark(Mark::Disabled),
        }
    }

    /// Waits `limit` (forever when `None`) or until the sandbox stops; true
    /// when the wait ran its course.
    pub(crate) fn hold(&self, limit: Option<Duration>) -> bool {
        let deadline = limit.map(|d| Instant::now() + d);
        let mut stopping = lock(&self.stopping);
        while !*stopping {
            match deadline {
                Some(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return true;
                    }
                    stopping = self
                        .wake
                        .wait_timeout(stopping, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
                None => {
                    stopping = self.wake.wait(stopping).unwrap_or_else(|e| e.into_inner());
                }
            }
        }
        false
    }
}

/// Sends `response`'s head, then `body_part` of its body, then breaks the
/// answer off.
///
/// tiny_http gives no way to close a connection from the server side, so the
/// break is a chunked body whose next chunk header is not a chunk header:
/// the client has the head, reads what came of the body, and then fails the
/// read, exactly where a dropped connection would make it fail, and closes
/// the connection itself.
pub(crate) fn send_cut(raw: tiny_http::Request, response: &Response, body_part: usize) {
    let part = &response.body[..body_part.min(response.body.len())];
    let mut wire = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nTransfer-Encoding: chunked\r\n",
        response.status,
        http::reason(response.status),
        response.content_type
    );
    for (name, value) in &response.headers {
        wire.push_str(&format!("{name}: {value}\r\n"));
    }
    wire.push_str("\r\n");
    let mut bytes = wire.into_bytes();
    if !part.is_empty() {
        bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        bytes.extend_from_slice(part);
        bytes.extend_from_slice(b"\r\n");
    }
    // Starts with a letter that is not a hex digit, so every client fails
    // the read at once instead of taking it for a chunk size.
    bytes.extend_from_slice(b"lost connection\r\n\r\n");
    let mut writer = raw.into_writer();
    // A client that went away has nothing left to receive.
    let _ = writer.write_all(&bytes).and_then(|()| writer.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_faults_parse() {
        let f: Fault = "503,times=2".parse().unwrap();
        assert_eq!(f, Fault::new(FaultKind::Status(503)).times(2));
        let f: Fault = "429:7,method=get,path=/instances".parse().unwrap();
        assert_eq!(
            f,
            Fault::new(FaultKind::RateLimited {
                retry_after_secs: 7
            })
            .on("GET", "/instances")
        );
        assert_eq!(
            "delay:1500".parse::<Fault>().unwrap().kind,
            FaultKind::Delay(Duration::from_millis(1500))
        );
        assert_eq!(
            "html:502".parse::<Fault>().unwrap().kind,
            FaultKind::Html(502)
        );
        let f: Fault = "drop-after-create".parse().unwrap();
        assert_eq!(
            (f.method.as_deref(), f.path.as_deref()),
            (Some("POST"), Some("/instances"))
        );
        for bad in [
            "",
            "404",
            "delay",
            "delay:x",
            "hang:3",
            "503,times=x",
            "503,path=x",
            "503,color=red",
            "html:99",
            "invalidate:1",
            "disable:x",
        ] {
            assert!(bad.parse::<Fault>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn instance_faults_apply_to_calls_through_an_instance() {
        let f: Fault = "invalidate,times=1".parse().unwrap();
        assert_eq!(f, Fault::new(FaultKind::Invalidate).times(1));
        assert!(f.matches("GET", "/elements/api-v2/hubs/ecommerce/orders"));
        assert!(!f.matches("GET", "/elements/api-v2/instances"));
        assert!(!f.matches("POST", "/elements/api-v2/instances"));
        let g: Fault = "disable,path=/instances/enabled".parse().unwrap();
        assert!(g.matches("PUT", "/elements/api-v2/instances/enabled"));
        assert!(!g.matches("GET", "/elements/api-v2/hubs/ecommerce/orders"));
        assert_eq!(
            Fault::new(FaultKind::Invalidate).to_string(),
            "make the calling instance invalid on every call through an instance"
        );
        let injector = Injector::new(Faults::one(f));
        assert!(matches!(
            injector.plan("GET", "/elements/api-v2/hubs/ecommerce/orders"),
            Plan::Mark(Mark::Invalid)
        ));
        assert!(matches!(
            injector.plan("GET", "/elements/api-v2/hubs/ecommerce/orders"),
            Plan::Handle
        ));
    }

    #[test]
    fn scopes_match_full_and_base_relative_paths() {
        let f = Fault::new(FaultKind::Hang).on("POST", "/instances");
        assert!(f.matches("POST", "/elements/api-v2/instances"));
        assert!(f.matches("post", "/elements/api-v2/instances/"));
        assert!(!f.matches("GET", "/elements/api-v2/instances"));
        assert!(!f.matches("POST", "/elements/api-v2/instances/1000"));
        let g = Fault::new(FaultKind::Hang).on("GET", "/elements/api-v2/elements");
        assert!(g.matches("GET", "/elements/api-v2/elements"));
        assert!(Fault::new(FaultKind::Hang).matches("DELETE", "/anything"));
    }

    #[test]
    fn counted_faults_run_out_and_the_first_match_wins() {
        let injector = Injector::new(
            Faults::one(Fault::new(FaultKind::Status(502)).times(2))
                .and(Fault::new(FaultKind::Status(503))),
        );
        let status = |p: Plan| match p {
            Plan::Answer(r) => r.status,
            _ => panic!("expected an answer"),
        };
        assert_eq!(status(injector.plan("GET", "/x")), 502);
        assert_eq!(status(injector.plan("GET", "/x")), 502);
        assert_eq!(status(injector.plan("GET", "/x")), 503);
        injector.set(Faults::none());
        assert!(matches!(injector.plan("GET", "/x"), Plan::Handle));
    }

    #[test]
    fn a_hang_ends_when_the_sandbox_stops() {
        let injector = std::sync::Arc::new(Injector::new(Faults::one(Fault::new(FaultKind::Hang))));
        let held = {
            let injector = injector.clone();
            std::thread::spawn(move || matches!(injector.plan("GET", "/x"), Plan::Abandon))
        };
        injector.stop();
        assert!(held.join().unwrap());
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let injector = Injector::new(Faults::one(Fault::new(FaultKind::RateLimited {
            retry_after_secs: 3,
        })));
        match injector.plan("GET", "/x") {
            Plan::Answer(r) => {
                assert_eq!(r.status, 429);
                assert!(r.headers.contains(&("Retry-After", "3".to_string())));
            }
            _ => panic!("expected an answer"),
        }
    }
}
