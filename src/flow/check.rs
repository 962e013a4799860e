//! Whether an instance works. The platform answers "created" before anything
//! has called the provider, so the proof is a call through the instance:
//! first `GET /instances/{id}` (is it `valid`, is it `disabled`), then, with
//! its element token, the platform's own health check `GET /hubs/{hub}/ping`.
//! No list says which elements answer it (the platform's test suite pings
//! 57 of them, the seeds' bigcommerce, ecwid and magentov20 among them), so
//! it is tried: a 404 or 405 means this element has none, and one cheap
//! read takes its place, the one its element's spec names (`check_read`)
//! or its hub's default.
//!
//! The element token goes out in one header and nowhere else: whatever the
//! platform echoes back is scrubbed of it before it can reach a message.

use crate::api::{ApiError, Client, Instance};
use crate::catalog::{bundled_spec, AuthKind, ElementSpec};
use crate::secret::REDACTED;

/// The reads a hub is known to answer cheaply, for elements whose spec
/// names none. Only what the platform documents: the ecommerce hub's orders.
const HUB_DEFAULTS: &[(&str, &str)] = &[("ecommerce", "/hubs/ecommerce/orders?pageSize=1")];

/// A `GET` under the base URL: path and query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRead {
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl CheckRead {
    /// A path under the base URL, with an optional query: `/hubs/x/y?a=1`.
    /// Nothing that could leave the platform (a scheme, `//`, `..`) or
    /// smuggle anything into the request line.
    pub fn parse(text: &str) -> Result<CheckRead, String> {
        let t = text.trim();
        let (path, query) = t.split_once('?').unwrap_or((t, ""));
        let bad = |why: &str| Err(format!("the check read \"{}\" {why}", t.escape_debug()));
        if !path.starts_with('/') || path.starts_with("//") {
            return bad("must be a path starting with one /");
        }
        if t.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '#')
            || path.contains("://")
        {
            return bad("must be a plain path and query");
        }
        if path.split('/').any(|s| s == ".." || s == ".") {
            return bad("must not contain . or .. segments");
        }
        let query = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Ok(CheckRead {
            path: path.to_string(),
            query,
        })
    }

    /// `GET /hubs/ecommerce/orders?pageSize=1`, for people.
    pub fn shown(&self) -> String {
        let mut s = format!("GET {}", self.path);
        if !self.query.is_empty() {
            let q: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.query.iter())
                .finish();
            s.push('?');
            s.push_str(&q);
        }
        s
    }
}

/// The platform's health check through an instance of an element of `hub`.
/// The platform does not check the hub segment; the element's own is sent.
pub fn ping(hub: &str) -> CheckRead {
    CheckRead {
        path: format!("/hubs/{}/ping", hub.trim()),
        query: vec![],
    }
}

/// The one-row read that checks an instance of this element when it
/// answers no ping: the spec's own, else its hub's default; or why there is
/// none.
pub fn check_read_for(spec: Option<&ElementSpec>, hub: Option<&str>) -> Result<CheckRead, String> {
    if let Some(text) = spec.and_then(|s| s.check_read.as_deref()) {
        return CheckRead::parse(text);
    }
    let hub = hub
        .or_else(|| spec.map(|s| s.hub.as_str()))
        .map(str::trim)
        .filter(|h| !h.is_empty());
    let Some(hub) = hub else {
        return Err("the platform does not say which hub its element belongs to, so ce-wizard knows no read to try through it".into());
    };
    match HUB_DEFAULTS.iter().find(|(h, _)| h.eq_ignore_ascii_case(hub)) {
        Some((_, read)) => CheckRead::parse(read),
        None => Err(format!(
            "ce-wizard knows no cheap read for the {} hub yet, so it cannot call the provider through this instance",
            hub.escape_debug()
        )),
    }
}

/// What fixes a broken instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// A new sign-in (OAuth): the grant was revoked or expired.
    Reauthorize,
    /// New credentials or settings (API keys, a store URL).
    Update,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The read through the instance answered.
    Works { read: String },
    /// The provider (or the platform, for it) refused the instance.
    Broken {
        problem: String,
        provider_message: Option<String>,
        request_id: Option<String>,
        remedy: Remedy,
    },
    /// Turned off: nothing goes through it until it is enabled again.
    Disabled,
    /// No read was tried or could tell: the instance may work or not.
    NotChecked { reason: String },
}

impl Outcome {
    /// Broken or disabled: what `instances test` exits 5 for.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Broken { .. } | Outcome::Disabled)
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Works { read } => format!("works: the provider answered {read}"),
            Outcome::Broken {
                problem,
                provider_message,
                ..
            } => match provider_message {
                Some(p) => format!("broken: {problem}; the provider said: {p}"),
                None => format!("broken: {problem}"),
            },
            Outcome::Disabled => {
                "disabled: the instance is turned off, so nothing goes through it".into()
            }
            Outcome::NotChecked { reason } => format!("not checked: {reason}"),
        }
    }
}

/// An instance as the platform shows it now, and whether it works.
#[derive(Debug)]
pub struct Checked {
    pub instance: Instance,
    pub outcome: Outcome,
}

/// How the instance's element authenticates, from its bundled spec (the
/// kind its `authentication.type` setting chose, for an element with
/// several) or the instance's own `element.authentication.type`.
pub fn auth_of(instance: &Instance) -> Option<AuthKind> {
    if let Some(spec) = bundled_spec(&instance.element_key) {
        return Some(spec.auth_for(instance.configuration_value(crate::catalog::AUTH_TYPE_KEY)));
    }
    instance
        .raw
        .get("element")
        .and_then(|e| e.get("authentication"))
        .and_then(|a| a.get("type"))
        .and_then(serde_json::Value::as_str)
        .map(AuthKind::from_platform)
}

fn remedy_for(instance: &Instance) -> Remedy {
    if auth_of(instance).is_some_and(AuthKind::is_oauth) {
        Remedy::Reauthorize
    } else {
        Remedy::Update
    }
}

/// Checks instance `id`. `Err` only when the platform could not be asked
/// (the instance read failed, or the check read failed in a way that says
/// nothing about the instance: a network failure, a 5xx without the
/// provider's words, rate limiting).
pub async fn check_instance(client: &Client, id: i64) -> Result<Checked, ApiError> {
    let instance = client.get_instance(id).await?;
    let outcome = check_fetched(client, &instance).await?;
    Ok(Checked { instance, outcome })
}

/// The check of an instance just read with `GET /instances/{id}`: its
/// ping, else its one-row read.
pub async fn check_fetched(client: &Client, instance: &Instance) -> Result<Outcome, ApiError> {
    check_fetched_learning(client, instance, None).await
}

/// The elements a run over many instances found without a ping (a 404 or
/// 405), and why: their other instances go straight to the one-row read,
/// one call instead of two.
#[derive(Debug, Default)]
pub struct NoPing(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl NoPing {
    fn get(&self, key: &str) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    fn learn(&self, key: &str, why: &str) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_string(), why.to_string());
    }
}

/// [`check_fetched`], skipping the ping of elements `learned` knows have
/// none, and teaching it those found so.
pub async fn check_fetched_learning(
    client: &Client,
    instance: &Instance,
    learned: Option<&NoPing>,
) -> Result<Outcome, ApiError> {
    if instance.disabled() {
        return Ok(Outcome::Disabled);
    }
    let remedy = remedy_for(instance);
    let invalid = !instance.valid();
    let spec = bundled_spec(&instance.element_key);
    let hub = instance
        .hub()
        .or_else(|| spec.map(|s| s.hub.as_str()))
        .map(str::trim)
        .filter(|h| plain_hub(h));
    let Some(hub) = hub else {
        return Ok(if invalid {
            marked_invalid(None, None, remedy)
        } else {
            Outcome::NotChecked {
                reason: "the platform does not say which hub its element belongs to, so ce-wizard knows no call to make through it".into(),
            }
        });
    };
    if instance.token.is_empty() {
        return Ok(if invalid {
            marked_invalid(None, None, remedy)
        } else {
            Outcome::NotChecked {
                reason: "the platform did not give this instance's token, so nothing can be read through it".into(),
            }
        });
    }
    let known = learned.and_then(|l| l.get(&instance.element_key));
    let no_ping = match known {
        Some(why) => why,
        None => match call(client, instance, &ping(hub), invalid, remedy).await {
            Tried::Answered(outcome) => return outcome,
            Tried::Absent(why) => {
                if let Some(l) = learned {
                    l.learn(&instance.element_key, &why);
                }
                why
            }
        },
    };
    let read = match check_read_for(spec, Some(hub)) {
        Ok(read) => read,
        Err(_) if invalid => return Ok(marked_invalid(None, None, remedy)),
        Err(reason) => {
            return Ok(Outcome::NotChecked {
                reason: format!("this element has no health check ({no_ping}), and {reason}"),
            })
        }
    };
    match call(client, instance, &read, invalid, remedy).await {
        Tried::Answered(outcome) => outcome,
        Tried::Absent(why) => Ok(Outcome::NotChecked {
            reason: format!(
                "this element has no health check ({no_ping}) and does not answer {} ({why})",
                read.shown()
            ),
        }),
    }
}

/// A hub name that can stand as one path segment: it came from the
/// platform, and goes into a request line.
fn plain_hub(h: &str) -> bool {
    !h.is_empty()
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What one call through the instance told.
enum Tried {
    Answered(Result<Outcome, ApiError>),
    /// A 404 or 405: the element does not have this call. Why, for people.
    Absent(String),
}

async fn call(
    client: &Client,
    instance: &Instance,
    read: &CheckRead,
    invalid: bool,
    remedy: Remedy,
) -> Tried {
    let query: Vec<(&str, &str)> = read
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let result = client
        .read_through(&instance.token, &read.path, &query)
        .await
        .map_err(|e| scrub(e, instance.token.expose()));
    let shown = read.shown();
    let e = match result {
        Ok(_) if invalid => return Tried::Answered(Ok(marked_invalid(None, None, remedy))),
        Ok(_) => return Tried::Answered(Ok(Outcome::Works { read: shown })),
        Err(e) => e,
    };
    let provider_message = e.provider_message().map(str::to_string);
    let request_id = e.request_id().map(str::to_string);
    if invalid {
        return Tried::Answered(Ok(marked_invalid(provider_message, request_id, remedy)));
    }
    Tried::Answered(match e.status() {
        Some(401 | 403) => Ok(Outcome::Broken {
            problem: format!("the provider refused the instance's credentials ({e})"),
            provider_message,
            request_id,
            remedy,
        }),
        Some(404 | 405) => return Tried::Absent(format!("{shown}: {e}")),
        Some(s) if (400..500).contains(&s) && s != 429 => Ok(Outcome::Broken {
            problem: format!("the call through the instance was refused ({e})"),
            provider_message,
            request_id,
            remedy: Remedy::Update,
        }),
        Some(s) if s >= 500 && provider_message.is_some() => Ok(Outcome::Broken {
            problem: format!("the provider failed the call through the instance ({e})"),
            provider_message,
            request_id,
            remedy,
        }),
        _ => Err(e),
    })
}

fn marked_invalid(
    provider_message: Option<String>,
    request_id: Option<String>,
    remedy: Remedy,
) -> Outcome {
    Outcome::Broken {
        problem:
            "the platform marks this instance invalid: its provider credentials stopped working"
                .into(),
        provider_message,
        request_id,
        remedy,
    }
}

/// The error without the token, wherever the platform may have echoed it.
fn scrub(e: ApiError, token: &str) -> ApiError {
    if token.is_empty() {
        return e;
    }
    let clean = |s: String| s.replace(token, REDACTED);
    match e {
        ApiError::Status {
            status,
            message,
            request_id,
            provider_message,
            missing_keys,
        } => ApiError::Status {
            status,
            message: clean(message),
            request_id: request_id.map(clean),
            provider_message: provider_message.map(clean),
            missing_keys,
        },
        ApiError::MalformedJson { status, detail } => ApiError::MalformedJson {
            status,
            detail: clean(detail),
        },
        ApiError::Decode { detail } => ApiError::Decode {
            detail: clean(detail),
        },
        ApiError::Network { detail } => ApiError::Network {
            detail: clean(detail),
        },
        ApiError::ConnectionClosed { detail } => ApiError::ConnectionClosed {
            detail: clean(detail),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests;
