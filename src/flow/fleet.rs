//! Checking many instances at once (those a `flow::selection` takes): the
//! check of each (`flow::check`, the same as one instance's) run by a
//! bounded pool of workers. One instance's failure
//! never stops the others; a 429 the client's own retries could not ride
//! out pauses every worker for the `Retry-After` asked, then the instance
//! is tried again (a bounded number of times).
//!
//! The check starts from the listed instance (its `valid`, `disabled` and
//! token), so a working instance costs one call: an element found without
//! a ping goes straight to its one-row read for the rest of the run. An
//! instance that does not work is read again (`GET /instances/{id}`) and
//! checked anew before it is reported: it may have changed since the list
//! was read (disabled, or broken, while the batch ran), and what is
//! reported is how it is now.

use super::check::{self, NoPing, Outcome};
use crate::api::{ApiError, Client, Instance};
use crate::secret::Secret;
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The default number of checks in flight.
pub const DEFAULT_JOBS: usize = 8;
/// How many times one instance is tried again after the platform kept
/// answering 429 through the client's own retries.
pub const RATE_LIMIT_RETRIES: u32 = 5;
/// The pause after a 429 that named no wait.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause honoured; a longer `Retry-After` ends the instance as
/// not checked, with the wait the platform asked for.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// A listed instance as it waits for its check: only what the check reads
/// (no settings but the sign-in kind, no map per instance), so that
/// 10,000 waiting cost about a megabyte where the listed answers whole
/// cost tens. The token stays a [`Secret`].
pub struct Queued {
    id: i64,
    name: String,
    element_key: String,
    element_name: String,
    hub: Option<String>,
    /// The element's `authentication.type`, as listed.
    auth: Option<String>,
    /// The `authentication.type` setting, for elements with several kinds.
    auth_setting: Option<String>,
    token: Secret,
    valid: bool,
    disabled: bool,
}

impl From<&Instance> for Queued {
    fn from(i: &Instance) -> Queued {
        let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
        let element = i.raw.get("element");
        Queued {
            id: i.id,
            name: i.name.clone(),
            element_key: i.element_key.clone(),
            element_name: i.element_name.clone(),
            hub: i.hub().map(str::to_string),
            auth: text(
                element
                    .and_then(|e| e.get("authentication"))
                    .and_then(|a| a.get("type")),
            ),
            auth_setting: i
                .configuration_value(crate::catalog::AUTH_TYPE_KEY)
                .map(str::to_string),
            token: i.token.clone(),
            valid: i.valid(),
            disabled: i.disabled(),
        }
    }
}

impl Queued {
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The instance again, as far as its check reads it.
    fn instance(self) -> Instance {
        let mut configuration = serde_json::Map::new();
        if let Some(kind) = self.auth_setting {
            configuration.insert(crate::catalog::AUTH_TYPE_KEY.into(), kind.into());
        }
        let raw = serde_json::json!({
            "id": self.id,
            "token": self.token.expose(),
            "element": {
                "key": self.element_key,
                "hub": self.hub,
                "authentication": {"type": self.auth},
            },
            "valid": self.valid,
            "disabled": self.disabled,
            "configuration": configuration,
        });
        Instance {
            id: self.id,
            name: self.name,
            token: self.token,
            element_key: self.element_key,
            element_name: self.element_name,
            created_date: None,
            raw,
        }
    }
}

/// How one instance ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Works,
    /// The check through it was refused, the platform still calling it valid.
    Broken,
    Disabled,
    /// Broken, and the platform marks it `valid: false`.
    Invalid,
    /// No check could tell: the element has none, or the platform could
    /// not be asked.
    NotChecked,
}

impl Status {
    /// The word `--json` prints.
    pub fn word(self) -> &'static str {
        match self {
            Status::Works => "works",
            Status::Broken => "broken",
            Status::Disabled => "disabled",
            Status::Invalid => "invalid",
            Status::NotChecked => "not checked",
        }
    }

    /// Broken, invalid or disabled: what makes the batch exit 5.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Broken | Status::Disabled | Status::Invalid)
    }
}

/// One instance's end: the instance as last read, and its check's outcome,
/// or why the platform could not be asked.
#[derive(Debug)]
pub struct Ended {
    pub instance: Instance,
    pub result: Result<Outcome, ApiError>,
}

impl Ended {
    pub fn status(&self) -> Status {
        match &self.result {
            Ok(Outcome::Works { .. }) => Status::Works,
            Ok(Outcome::Disabled) => Status::Disabled,
            Ok(Outcome::Broken { .. }) if !self.instance.valid() => Status::Invalid,
            Ok(Outcome::Broken { .. }) => Status::Broken,
            Ok(Outcome::NotChecked { .. }) | Err(_) => Status::NotChecked,
        }
    }

    /// Why it ended so, in one line (the check's own words).
    pub fn reason(&self) -> String {
        match &self.result {
            Ok(Outcome::NotChecked { reason }) => reason.clone(),
            Ok(o) => o.summary(),
            Err(ApiError::NoSuchInstance { .. }) => {
                "the instance was deleted while the batch ran".into()
            }
            Err(e) => format!("the platform could not be asked: {e}"),
        }
    }
}

/// A lock that a panicking worker does not poison for the others.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The shared pause the workers keep after a 429.
#[derive(Default)]
struct Pause(Mutex<Option<Instant>>);

impl Pause {
    async fn wait(&self) {
        loop {
            let until = *lock(&self.0);
            match until {
                Some(at) if at > Instant::now() => {
                    tokio::time::sleep_until(at.into()).await;
                }
                _ => return,
            }
        }
    }

    fn extend(&self, by: Duration) {
        let mut until = lock(&self.0);
        let at = Instant::now() + by;
        if until.is_none_or(|u| u < at) {
            *until = Some(at);
        }
    }
}

/// The wait a 429 asks for, when it is one.
fn rate_limited(e: &ApiError) -> Option<Duration> {
    (e.status() == Some(429)).then(|| {
        e.retry_after_secs()
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_PAUSE)
    })
}

/// Runs `attempt` again after each 429 (all workers pausing), at most
/// [`RATE_LIMIT_RETRIES`] times.
async fn riding_out_429<T, F, Fut>(pause: &Pause, mut attempt: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut retries = 0;
    loop {
        pause.wait().await;
        match attempt().await {
            Err(e) => match rate_limited(&e) {
                Some(wait) if retries < RATE_LIMIT_RETRIES && wait <= MAX_PAUSE => {
                    retries += 1;
                    pause.extend(wait);
                }
                _ => return Err(e),
            },
            ok => return ok,
        }
    }
}

/// One instance, from its listed form to its end.
async fn check_one(client: &Client, pause: &Pause, no_ping: &NoPing, queued: Queued) -> Ended {
    let listed = queued.instance();
    let first = riding_out_429(pause, || {
        check::check_fetched_learning(client, &listed, Some(no_ping))
    })
    .await;
    if matches!(first, Ok(Outcome::Works { .. })) {
        return Ended {
            instance: listed,
            result: first,
        };
    }
    // Not working from the list's view: as it is now.
    let again = riding_out_429(pause, || async {
        let now = client.get_instance(listed.id).await?;
        let outcome = check::check_fetched_learning(client, &now, Some(no_ping)).await?;
        Ok((now, outcome))
    })
    .await;
    match again {
        Ok((instance, outcome)) => Ended {
            instance,
            result: Ok(outcome),
        },
        Err(e) => Ended {
            instance: listed,
            result: Err(e),
        },
    }
}

/// Checks every instance of `batch`, `jobs` at a time, and hands each end
/// to `on_end` as it comes (in the order they end). When `on_end` breaks,
/// no further check starts and those under way are dropped: the caller
/// stopped (Esc, or the reader of its output went away).
pub async fn check_all(
    client: &Client,
    batch: Vec<Queued>,
    jobs: usize,
    mut on_end: impl FnMut(Ended) -> ControlFlow<()>,
) {
    let queue = Arc::new(Mutex::new(VecDeque::from(batch)));
    let pause = Arc::new(Pause::default());
    let no_ping = Arc::new(NoPing::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..jobs.max(1) {
        let (queue, pause, tx, client) = (queue.clone(), pause.clone(), tx.clone(), client.clone());
        let no_ping = no_ping.clone();
        workers.spawn(async move {
            loop {
                let next = lock(&queue).pop_front();
                let Some(instance) = next else { return };
                if tx
                    .send(check_one(&client, &pause, &no_ping, instance).await)
                    .is_err()
                {
                    return;
                }
            }
        });
    }
    drop(tx);
    while let Some(ended) = rx.recv().await {
        if on_end(ended).is_break() {
            lock(&queue).clear();
            // Dropping the set aborts the checks under way.
            return;
        }
    }
    while workers.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests;
