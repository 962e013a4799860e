//! The platform under load, as a busy account meets it: every answer
//! takes a while (latency), too many calls in one second are refused with
//! 429 and `Retry-After` (a rate limit), and instances break while callers
//! are working through them (a provider revoking grants, an administrator
//! turning instances off). Unlike a [`crate::Fault`], which misbehaves on
//! chosen calls, these hold for the whole account; `crate::serve` asks
//! [`Conditions::admit`] about every request before anything else.

use crate::http::Response;
use crate::store::Store;
use crate::sync::lock;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `per_second` calls are answered in each one-second window; the
/// others get 429 with `Retry-After` (whole seconds, the next window's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<RateLimit, String> {
        match s.trim().parse::<u32>() {
            Ok(n) if n > 0 => Ok(RateLimit { per_second: n }),
            _ => Err(format!(
                "'{s}' is not a rate limit: give the calls answered per second, e.g. 100"
            )),
        }
    }
}

/// What happens to an instance that breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// Its provider refuses its credentials from now on (`valid: false`).
    Invalid,
    /// It is turned off (`disabled: true`): calls through it answer 403.
    Disabled,
}

/// Instances that break while the account is in use: once `after_requests`
/// calls have been answered, one instance in every `every` (the
/// `every`-th, the 2·`every`-th, … by ID, among those then stored) breaks
/// as `how` says. It happens once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakage {
    pub after_requests: u64,
    pub every: usize,
    pub how: Break,
}

/// The command-line form: `AFTER:EVERY[:invalid|disabled]`, e.g. `20:10`
/// (after 20 calls, every 10th instance turns invalid).
pub const BREAKAGE_SYNTAX: &str = "AFTER:EVERY[:invalid|disabled]: after AFTER calls, one instance in every EVERY breaks (invalid unless disabled is given)";

impl FromStr for Breakage {
    type Err = String;

    fn from_str(s: &str) -> Result<Breakage, String> {
        let bad = || format!("'{s}' is not a breakage; expected {BREAKAGE_SYNTAX}");
        let mut parts = s.trim().split(':');
        let after_requests = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let every = parts
            .next()
            .and_then(|p| p.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(bad)?;
        let how = match parts.next() {
            None | Some("invalid") => Break::Invalid,
            Some("disabled") => Break::Disabled,
            Some(_) => return Err(bad()),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Breakage {
            after_requests,
            every,
            how,
        })
    }
}

/// The account's load conditions, changeable while the sandbox runs.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    latency: Duration,
    rate_limit: Option<RateLimit>,
    /// The current one-second window and the calls answered in it.
    window: Option<(Instant, u32)>,
    breakage: Option<Breakage>,
    /// Calls seen so far, for the breakage.
    seen: u64,
}

/// What one request meets.
pub(crate) struct Admission {
    /// How long to hold it before anything else.
    pub latency: Duration,
    /// `Some`: answer this (429) instead of handling it.
    pub refusal: Option<Response>,
}

impl Conditions {
    pub fn new(
        latency: Duration,
        rate_limit: Option<RateLimit>,
        breakage: Option<Breakage>,
    ) -> Self {
        Conditions {
            inner: Mutex::new(Inner {
                latency,
                rate_limit,
                breakage,
                ..Inner::default()
            }),
        }
    }

    pub fn set_latency(&self, latency: Duration) {
        lock(&self.inner).latency = latency;
    }

    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        let mut inner = lock(&self.inner);
        inner.rate_limit = limit;
        inner.window = None;
    }

    /// Arms a breakage, counted from the calls seen from now on.
    pub fn set_breakage(&self, breakage: Option<Breakage>) {
        let mut inner = lock(&self.inner);
        inner.breakage = breakage;
        inner.seen = 0;
    }

    /// Counts the request, breaks the instances when their time has come,
    /// and says whether the rate limit lets it through.
    pub fn admit(&self, store: &Mutex<Store>, now: Instant) -> Admission {
        let mut inner = lock(&self.inner);
        inner.seen += 1;
        if let Some(b) = inner.breakage {
            if inner.seen > b.after_requests {
                inner.breakage = None;
                break_instances(&mut lock(store), b);
            }
        }
        let refusal = match inner.rate_limit {
            None => None,
            Some(limit) => {
                let (start, answered) = match inner.window {
                    Some((start, n)) if now.duration_since(start) < Duration::from_secs(1) => {
                        (start, n)
                    }
                    _ => (now, 0),
                };
                if answered >= limit.per_second {
                    inner.window = Some((start, answered));
                    let left = Duration::from_secs(1).saturating_sub(now.duration_since(start));
                    // Whole seconds, rounded up: never 0, which would mean
                    // "now" and start the same crowd again at once.
                    let secs = left.as_millis().div_ceil(1000).max(1);
                    Some(
                        Response::error(
                            429,
                            format!(
                                "Rate limit exceeded: at most {} calls a second; retry after {secs} s",
                                limit.per_second
                            ),
                        )
                        .with_header("Retry-After", secs.to_string()),
                    )
                } else {
                    inner.window = Some((start, answered + 1));
                    None
                }
            }
        };
        Admission {
            latency: inner.latency,
            refusal,
        }
    }
}

fn break_instances(store: &mut Store, b: Breakage) {
    let mut ids: Vec<u64> = store.instances().map(|i| i.id).collect();
    ids.sort_unstable();
    for id in ids.into_iter().skip(b.every - 1).step_by(b.every) {
        if let Some(i) = store.instance_mut(id) {
            match b.how {
                Break::Invalid => i.valid = false,
                Break::Disabled => i.disabled = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_forms() {
        assert_eq!("100".parse(), Ok(RateLimit { per_second: 100 }));
        assert!("0".parse::<RateLimit>().is_err());
        assert!("x".parse::<RateLimit>().is_err());
        assert_eq!(
            "20:10".parse(),
            Ok(Breakage {
                after_requests: 20,
                every: 10,
                how: Break::Invalid
            })
        );
        assert_eq!(
            "0:3:disabled".parse::<Breakage>().unwrap().how,
            Break::Disabled
        );
        for bad in ["", "5", "5:0", "a:1", "1:1:gone", "1:1:invalid:x"] {
            assert!(bad.parse::<Breakage>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_limit_refuses_the_rest_of_a_second_with_retry_after() {
        let c = Conditions::new(Duration::ZERO, Some(RateLimit { per_second: 3 }), None);
        let store = Mutex::new(crate::account::seeded(0));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(c.admit(&store, t0).refusal.is_none());
        }
        let refused = c
            .admit(&store, t0 + Duration::from_millis(200))
            .refusal
            .unwrap();
        assert_eq!(refused.status, 429);
        assert!(refused
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("retry-after") && v == "1"));
        // The next second has room again.
        assert!(c
            .admit(&store, t0 + Duration::from_millis(1001))
            .refusal
            .is_none());
    }
}
