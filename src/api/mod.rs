//! The Cloud Elements platform client.
//!
//! Every call has a deadline ([`REQUEST_TIMEOUT`] unless the client is built
//! with others). Reads (`GET`) are retried on 429, 502, 503, 504, dropped
//! connections and timeouts, with jittered exponential backoff and the
//! server's `Retry-After` ([`RetryPolicy`]). `POST /instances` is never
//! retried: [`Client::create_instance_safely`] instead finds out, after an
//! answer that got lost, whether the instance was created, so a caller never
//! makes it twice.

mod answers;
mod catalog_calls;
mod element_by_id;
mod error;
#[cfg(test)]
pub(crate) mod fake_platform;
mod instances;
mod recover;
mod types;
mod verbatim;

pub use answers::ConfigEntries;
pub use catalog_calls::{Fetched, RequestToken};
pub use error::{parse_missing_keys, ApiError};
pub use instances::{
    InstanceChanges, Listed, Page, Paging, Reprovision, Search, MAX_LISTED_BYTES,
    MAX_LISTED_INSTANCES, NEXT_PAGE_HEADER,
};
pub use recover::{
    create_within, epoch_seconds, find_created, find_created_in, CreateStage, CLOCK_SKEW_ALLOWANCE,
};
pub use types::{
    shell_quote, Authentication, ConfigEntry, CreateInstance, ElementRef, ElementSummary, Instance,
    OAuthUrlRequest,
};
pub use verbatim::{strings_in as verbatim_strings, Verbatim};

use crate::secret::Secret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Base URLs of two rows of the environment table, for code and tests that
/// name them; the table (`crate::environments`) is where they are set.
pub const PRODUCTION_URL: &str = crate::environments::PLATFORMS[0].base_url;
pub const STAGING_URL: &str = crate::environments::PLATFORMS[2].base_url;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The deadline of one attempt of one call, from connecting to the last
/// byte of the answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest answer read from any call but the catalog's.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The largest catalog (`GET /elements`) read; the cache holds at most as
/// much.
pub const MAX_CATALOG_BYTES: usize = 32 * 1024 * 1024;

#[derive(Clone)]
pub struct Credentials {
    pub user: Secret,
    pub org: Secret,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(••••••)")
    }
}

/// Bytes whose memory is zeroed when the last user (reqwest, hyper) drops
/// them: for request bodies and headers that carry secrets.
fn zeroized_bytes(buffer: Vec<u8>) -> bytes::Bytes {
    bytes::Bytes::from_owner(zeroize::Zeroizing::new(buffer))
}

/// Serialises `value` into one buffer of exactly the right size, so no
/// copy of a secret is left behind by a growing buffer's reallocations.
fn to_json_zeroized(value: &impl serde::Serialize) -> Result<bytes::Bytes, serde_json::Error> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value)?;
    let mut buffer = Vec::with_capacity(count.0);
    serde_json::to_writer(&mut buffer, value)?;
    Ok(zeroized_bytes(buffer))
}

/// The built-in sandbox's account, for the library's in-process tests.
#[cfg(test)]
impl Credentials {
    pub(crate) fn of_sandbox(sb: &ce_sandbox::Sandbox) -> Credentials {
        Credentials {
            user: sb.user_secret().into(),
            org: sb.org_secret().into(),
        }
    }
}

#[cfg(test)]
impl Client {
    /// A client of the built-in sandbox with its account.
    pub(crate) fn of_sandbox(sb: &ce_sandbox::Sandbox) -> Client {
        Client::new(&sb.base_url(), Credentials::of_sandbox(sb)).expect("a client of the sandbox")
    }
}

impl Credentials {
    /// The `Authorization` header, marked sensitive (kept out of `Debug`,
    /// and out of header compression should HTTP/2 ever be used), in
    /// memory zeroed on drop.
    fn header_value(&self) -> reqwest::header::HeaderValue {
        let header = self.header();
        let bytes = zeroized_bytes(header.as_bytes().to_vec());
        // The secrets come from the environment or a config file and may in
        // principle hold bytes a header cannot; the request then goes out
        // without them and the platform answers 401, which names the fix.
        let mut value = reqwest::header::HeaderValue::from_maybe_shared(bytes)
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }

    /// The header value, in zeroizing memory like the secrets it holds.
    fn header(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!(
            "User {}, Organization {}",
            self.user.expose(),
            self.org.expose()
        ))
    }
}

/// How reads are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub tries: u32,
    /// The first backoff; each next one doubles, up to `cap`.
    pub base: Duration,
    pub cap: Duration,
    /// The longest `Retry-After` honoured by waiting; a server asking for
    /// more gets its 429 reported at once, with the wait it asked for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            tries: 3,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            tries: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before attempt `failed + 1`, after `failed` attempts ended
    /// in `error`; `None` when no retry should be made.
    pub fn wait_after(&self, failed: u32, error: &ApiError) -> Option<Duration> {
        if !retryable_read(error) {
            return None;
        }
        self.wait_before_try(failed, error)
    }

    /// The wait before attempt `failed + 1` of a call the caller has judged
    /// safe to send again after `error` (a create that made nothing, say):
    /// the `Retry-After` asked for, within bounds, else the backoff; `None`
    /// once the tries are spent.
    pub fn wait_before_try(&self, failed: u32, error: &ApiError) -> Option<Duration> {
        if failed >= self.tries {
            return None;
        }
        if let Some(secs) = error.retry_after_secs() {
            let asked = Duration::from_secs(secs);
            return (asked <= self.max_retry_after).then_some(asked);
        }
        Some(self.backoff(failed))
    }

    /// "Equal jitter": half the exponential step, plus a random part of
    /// the other half, so clients that failed together do not retry together.
    pub fn backoff(&self, failed: u32) -> Duration {
        let step = self
            .base
            .saturating_mul(1u32 << failed.saturating_sub(1).min(16))
            .min(self.cap);
        let half = step / 2;
        let mut r = [0u8; 4];
        // Without randomness the retry still happens, just unjittered.
        let _ = getrandom::fill(&mut r);
        let fraction = f64::from(u32::from_le_bytes(r)) / f64::from(u32::MAX);
        half + half.mul_f64(fraction)
    }
}

/// What a read retry is worth trying on: the platform or a gateway being
/// briefly unavailable, rate limiting, and transport failures.
fn retryable_read(error: &ApiError) -> bool {
    match error {
        ApiError::Status { status, .. } => matches!(status, 429 | 502 | 503 | 504),
        ApiError::RateLimited { .. }
        | ApiError::Network { .. }
        | ApiError::ConnectionClosed { .. }
        | ApiError::Timeout => true,
        _ => false,
    }
}

/// What [`Client::create_instance_safely`] made of one create.
#[derive(Debug, Clone)]
pub enum CreateOutcome {
    /// The platform answered with the new instance.
    Created(Instance),
    /// The answer was lost (a timeout, a dropped connection, a gateway
    /// error, an unreadable 2xx), but the instance list shows that this
    /// create made this instance. It was not created twice.
    Recovered {
        instance: Instance,
        /// What happened to the answer.
        cause: ApiError,
    },
}

impl CreateOutcome {
    pub fn instance(&self) -> &Instance {
        match self {
            CreateOutcome::Created(i) | CreateOutcome::Recovered { instance: i, .. } => i,
        }
    }

    pub fn into_instance(self) -> Instance {
        match self {
            CreateOutcome::Created(i) | CreateOutcome::Recovered { instance: i, .. } => i,
        }
    }

    /// The lost answer, when the instance was recovered.
    pub fn recovered_from(&self) -> Option<&ApiError> {
        match self {
            CreateOutcome::Recovered { cause, .. } => Some(cause),
            CreateOutcome::Created(_) => None,
        }
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    creds: Credentials,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Whether plain http may go to another machine than this one
/// (`--allow-http`, set at start by the command line).
static CLEAR_TEXT_ALLOWED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Lets clients send plain http to other machines, for the rest of the run.
pub fn allow_clear_text() {
    CLEAR_TEXT_ALLOWED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `url` is plain http to another machine than this one.
pub(crate) fn is_clear_text_elsewhere(url: &url::Url) -> bool {
    url.scheme() == "http" && !is_loopback(url)
}

/// Why plain http to another machine is refused, and the way through.
pub(crate) fn clear_text_refused(shown: &str) -> String {
    format!(
        "{shown} is plain http to another machine: the account secrets would travel unencrypted. Use https://, or pass --allow-http if this network is yours"
    )
}

pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// One answer as it came off the wire.
struct Answer {
    status: u16,
    retry_after_secs: Option<u64>,
    /// The cursor of the next page of a paged list (`GET /instances`).
    next_page: instances::Cursor,
    /// Zeroed on drop: an instance's answer carries its token and
    /// configuration.
    body: zeroize::Zeroizing<String>,
}

impl Client {
    pub fn new(base_url: &str, creds: Credentials) -> Result<Client, ApiError> {
        Self::with_timeouts(base_url, creds, CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    /// `request` is the deadline of each attempt of each call.
    pub fn with_timeouts(
        base_url: &str,
        creds: Credentials,
        connect: Duration,
        request: Duration,
    ) -> Result<Client, ApiError> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&base).map_err(|e| ApiError::BadBaseUrl {
            detail: format!("{base}: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(ApiError::BadBaseUrl {
                detail: format!("{base} is not an http(s) URL with a host"),
            });
        }
        // Every call, the wizard's typed base URLs included, goes through
        // here: plain http leaves this machine only when it was allowed.
        if is_clear_text_elsewhere(&parsed)
            && !CLEAR_TEXT_ALLOWED.load(std::sync::atomic::Ordering::Relaxed)
        {
            return Err(ApiError::BadBaseUrl {
                detail: clear_text_refused(&crate::sanitize::line(&base)),
            });
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("ce-wizard/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect)
            .timeout(request);
        // HTTPS_PROXY is honoured for the platform, but a loopback address
        // (the sandbox) must never be sent through a proxy.
        if is_loopback(&parsed) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ApiError::Network {
            detail: e.without_url().to_string(),
        })?;
        crate::log::add_secret(creds.user.expose());
        crate::log::add_secret(creds.org.expose());
        Ok(Client {
            http,
            base,
            creds,
            retry: RetryPolicy::default(),
        })
    }

    /// The same client with another retry policy for reads.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Client {
        self.retry = retry;
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends one request and reads the whole answer, whatever its status.
    /// `authorization` is the account's header, or the three-part one of a
    /// call through an instance.
    async fn attempt(
        &self,
        req: reqwest::RequestBuilder,
        authorization: reqwest::header::HeaderValue,
    ) -> Result<Answer, ApiError> {
        let resp = req
            .header(reqwest::header::AUTHORIZATION, authorization)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(map_send_error)?;
        let status = resp.status().as_u16();
        let retry_after_secs = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let next_page = instances::next_page_token(resp.headers());
        let body = read_bounded(resp, MAX_BODY_BYTES).await?;
        Ok(Answer {
            status,
            retry_after_secs,
            next_page,
            body,
        })
    }

    /// One attempt, logged, with its answer turned into `T` or an error.
    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<T, ApiError> {
        self.exchange(method, path, req, self.creds.header_value())
            .await
            .and_then(interpret)
    }

    /// One attempt, logged, its answer as it came.
    async fn exchange(
        &self,
        method: &str,
        path: &str,
        req: reqwest::RequestBuilder,
        authorization: reqwest::header::HeaderValue,
    ) -> Result<Answer, ApiError> {
        let started = Instant::now();
        let result = self.attempt(req, authorization).await;
        let ms = started.elapsed().as_millis();
        match &result {
            Ok(a) => crate::log::event(
                "request",
                format!("{method} {path} -> {} ({ms} ms)", a.status),
            ),
            Err(e) => crate::log::event(
                "request",
                format!("{method} {path} -> failed after {ms} ms: {e}"),
            ),
        }
        result
    }

    /// A `GET`, retried as [`RetryPolicy`] says.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        self.get_with(path, query, None).await.map(|(v, _)| v)
    }

    /// A `GET`, retried as [`RetryPolicy`] says, made through the instance
    /// whose token is `element` if one is given; with the answer's next-page
    /// cursor and size.
    async fn get_with<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        element: Option<&Secret>,
    ) -> Result<(T, instances::PageInfo), ApiError> {
        let mut failed = 0;
        loop {
            let req = self.http.get(self.url(path)).query(query);
            let authorization = match element {
                Some(token) => self.creds.element_header_value(token),
                None => self.creds.header_value(),
            };
            let answer = self.exchange("GET", path, req, authorization).await;
            let result = answer.and_then(|mut a| {
                let info = instances::PageInfo {
                    next: std::mem::take(&mut a.next_page),
                    bytes: a.body.len(),
                };
                interpret(a).map(|v| (v, info))
            });
            match result {
                Ok(v) => return Ok(v),
                Err(e) => {
                    failed += 1;
                    let Some(wait) = self.retry.wait_after(failed, &e) else {
                        return Err(e);
                    };
                    crate::log::event(
                        "retry",
                        format!(
                            "GET {path}: attempt {} of {} in {} ms, after: {e}",
                            failed + 1,
                            self.retry.tries,
                            wait.as_millis()
                        ),
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// `GET /elements`: the catalog, its texts cleaned; a 404 "No ...
    /// found" is an empty one ([`ApiError::is_empty_list`]).
    pub async fn list_elements(&self) -> Result<Vec<ElementSummary>, ApiError> {
        let mut list: Vec<ElementSummary> = match self.get("/elements", &[]).await {
            Err(e) if e.is_empty_list() => Vec::new(),
            answer => answer?,
        };
        list.iter_mut().for_each(ElementSummary::clean);
        Ok(list)
    }

    /// `GET /elements/{key}/configuration`: the element's configuration
    /// metadata, its texts cleaned; an entry whose key holds control
    /// characters or spaces is left out (a key is sent back as it is).
    /// The platform answers `{"configuration": [entries]}`; a bare array
    /// is taken too ([`ConfigEntries`]).
    pub async fn element_configuration(&self, key: &str) -> Result<Vec<ConfigEntry>, ApiError> {
        let path = format!("/elements/{}/configuration", encode_segment(key));
        let entries: ConfigEntries = self.get(&path, &[]).await?;
        Ok(entries
            .into_entries()
            .into_iter()
            .filter_map(ConfigEntry::cleaned)
            .collect())
    }

    /// `GET /elements/{key}/oauth/url`: where to send the person's browser.
    pub async fn oauth_url(
        &self,
        element_key: &str,
        req: &OAuthUrlRequest,
    ) -> Result<String, ApiError> {
        self.oauth_url_with(element_key, req, None).await
    }

    /// `GET /elements/{key}/oauth/url`, with OAuth 1's request token when
    /// there is one.
    pub(crate) async fn oauth_url_with(
        &self,
        element_key: &str,
        req: &OAuthUrlRequest,
        request_token: Option<&str>,
    ) -> Result<String, ApiError> {
        crate::log::add_secret(req.api_secret.expose());
        crate::log::add_secret(req.state.expose());
        let path = format!("/elements/{}/oauth/url", encode_segment(element_key));
        let mut query = vec![
            ("apiKey", req.api_key.as_str()),
            ("apiSecret", req.api_secret.expose()),
            ("callbackUrl", req.callback_url.as_str()),
        ];
        if let Some(token) = request_token {
            query.push(("requestToken", token));
        }
        query.push(("state", req.state.expose()));
        query.extend(req.params.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let v: Value = self.get(&path, &query).await?;
        let url = v
            .get("oauthUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::Decode {
                detail: "the answer has no oauthUrl".into(),
            })?;
        // Checked where it enters, so no caller prints, copies or opens a
        // URL a browser must not see.
        crate::oauth::check_authorization_url(url)
            .map(|_| url.to_string())
            .map_err(|refused| ApiError::UnsafeOAuthUrl { refused })
    }

    /// `POST /instances`, exactly once. A caller that may retry after a
    /// failure wants [`Client::create_instance_safely`], which never makes a
    /// second instance when the answer to the first got lost.
    pub async fn create_instance(&self, body: &CreateInstance) -> Result<Instance, ApiError> {
        register_body_secrets(body);
        let json = to_json_zeroized(body).map_err(|e| ApiError::Decode {
            detail: format!("the request could not be written as JSON: {e}"),
        })?;
        let req = self
            .http
            .post(self.url("/instances"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json);
        let v: Value = self.call("POST", "/instances", req).await?;
        let instance = Instance::from_value(v).map_err(|detail| ApiError::Decode { detail })?;
        crate::log::add_secret(instance.token.expose());
        Ok(instance)
    }

    /// `POST /instances`, sent once, with what it takes to know the outcome.
    ///
    /// When the create fails without a clear answer (a timeout, a dropped
    /// connection, a 502/504, an unreadable 2xx: see
    /// [`ApiError::create_outcome_unknown`]), this reads every page of
    /// `GET /instances` and looks for an instance of this element and name
    /// created since the attempt began ([`find_created`]):
    /// - found: `Ok(CreateOutcome::Recovered { .. })`, the instance it made;
    /// - not found: `Err(ApiError::NothingCreated { .. })`, for which
    ///   [`ApiError::is_retryable`] is true: trying again is safe;
    /// - the list cannot be read whole (any page failing):
    ///   `Err(ApiError::OutcomeUnknown { .. })`,
    ///   whose advice tells the person to check before trying again.
    ///
    /// A clear refusal (400, 401, 409, 500, 503, …) is returned as it came:
    /// nothing was created.
    pub async fn create_instance_safely(
        &self,
        body: &CreateInstance,
    ) -> Result<CreateOutcome, ApiError> {
        recover::create_within(self, body, None, |_| {}).await
    }
}

/// The values of a create body that must stay out of the log and off the
/// terminal (a platform may echo them in an error): every configuration
/// value that looks secret, and all provider data.
fn register_body_secrets(body: &CreateInstance) {
    for (k, v) in &body.configuration {
        if crate::secret::key_looks_secret(k) {
            crate::log::add_secret(v.expose());
        }
    }
    for v in body.provider_data.iter().flat_map(|p| p.values()) {
        crate::log::add_secret(v.expose());
    }
    let mut given = Vec::new();
    for (k, v) in &body.verbatim.configuration {
        if crate::secret::key_looks_secret(k) {
            verbatim::strings_in(v, &mut given);
        }
    }
    for (k, v) in body.verbatim.extra_fields() {
        if crate::secret::key_looks_secret(k) {
            verbatim::strings_in(v, &mut given);
        }
    }
    given.iter().for_each(|s| crate::log::add_secret(s));
}

/// Turns a complete answer into `T`, or into the error it means.
fn interpret<T: DeserializeOwned>(answer: Answer) -> Result<T, ApiError> {
    let Answer {
        status,
        retry_after_secs,
        body,
        ..
    } = answer;
    if status == 429 {
        let request_id = match ApiError::from_response(status, &body) {
            ApiError::Status { request_id, .. } => request_id,
            _ => None,
        };
        return Err(ApiError::RateLimited {
            retry_after_secs,
            request_id,
        });
    }
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, &body));
    }
    if body.trim_start().starts_with('<') {
        return Err(ApiError::Html { status });
    }
    // Whether the text is JSON at all, then whether it has the shape asked
    // for: the two failures mean different things to a person. Positions
    // only, never serde_json's messages: those quote values, which can be
    // secrets (an instance's token).
    let value: Value = serde_json::from_str(&body).map_err(|e| {
        let at = format!("line {}, column {}", e.line(), e.column());
        ApiError::MalformedJson {
            status,
            detail: if e.classify() == serde_json::error::Category::Eof {
                format!("it ends early, at {at}")
            } else {
                format!("syntax error at {at}")
            },
        }
    })?;
    // A page of instances is up to 4 MiB: its text goes (zeroed) before the
    // value is turned into `T`, so the two are not held at once for long.
    drop(body);
    serde_json::from_value(value).map_err(|_| ApiError::Decode {
        detail: "its JSON does not have the shape the API documents".into(),
    })
}

fn encode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Reads an answer's body as it streams in, up to `limit` bytes; past it,
/// [`ApiError::TooLarge`] (an endless body would otherwise grow until the
/// deadline). The buffer is zeroed when dropped, and on every growth the
/// old one is zeroed too: an instance's answer carries its token.
pub(crate) async fn read_bounded(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<zeroize::Zeroizing<String>, ApiError> {
    use zeroize::Zeroizing;
    let status = resp.status().as_u16();
    let too_large = || ApiError::TooLarge { status, limit };
    let announced = resp.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(
        announced.map_or(16 * 1024, |n| n as usize).min(limit),
    ));
    while let Some(chunk) = resp.chunk().await.map_err(map_body_error)? {
        let needed = body.len() + chunk.len();
        if needed > limit {
            return Err(too_large());
        }
        if needed > body.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                needed.max(body.capacity() * 2).min(limit),
            ));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk);
    }
    let bytes = std::mem::take(&mut *body);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            let bytes = Zeroizing::new(e.into_bytes());
            Ok(Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}

/// The whole chain of an error's causes, without its URL: the OAuth URL
/// request carries the API secret in its query string.
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    detail
}

/// A failure before any answer arrived. A connection that could not be made
/// means nothing was sent; one that broke later may have delivered the request.
fn map_send_error(e: reqwest::Error) -> ApiError {
    if e.is_connect() {
        ApiError::Network {
            detail: describe(e),
        }
    } else if e.is_timeout() {
        ApiError::Timeout
    } else {
        ApiError::ConnectionClosed {
            detail: describe(e),
        }
    }
}

/// A failure while reading the answer's body: the head arrived, the rest
/// did not.
fn map_body_error(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        ApiError::Timeout
    } else {
        ApiError::ConnectionClosed {
            detail: describe(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        let creds = Credentials {
            user: "u".into(),
            org: "o".into(),
        };
        assert!(Client::new("ftp://x", creds.clone()).is_err());
        assert!(Client::new("not a url", creds.clone()).is_err());
        // Plain http off this machine needs --allow-http (never given here).
        let far = Client::new("http://api.example.com/elements/api-v2", creds.clone());
        assert!(matches!(far, Err(ApiError::BadBaseUrl { .. })));
        assert!(Client::new("http://localhost:9/elements/api-v2", creds.clone()).is_ok());
        assert!(Client::new("http://[::1]:9/elements/api-v2", creds.clone()).is_ok());
        let c = Client::new(
            "https://api.cloud-elements.com/elements/api-v2/",
            creds.clone(),
        )
        .unwrap();
        assert_eq!(c.base_url(), PRODUCTION_URL);
        assert_eq!(format!("{creds:?}"), "Credentials(••••••)");
    }

    #[test]
    fn bodies_are_serialised_exactly_once_into_a_right_sized_buffer() {
        let v = serde_json::json!({"configuration": {"password": "pässwörd"}, "name": "x"});
        let bytes = to_json_zeroized(&v).unwrap();
        assert_eq!(&bytes[..], &serde_json::to_vec(&v).unwrap()[..]);
    }

    #[test]
    fn the_authorization_header_is_sensitive() {
        let creds = Credentials {
            user: "abc".into(),
            org: "def".into(),
        };
        let value = creds.header_value();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "User abc, Organization def");
        assert!(!format!("{value:?}").contains("abc"));
    }

    #[test]
    fn the_authorization_header_has_the_documented_form() {
        let creds = Credentials {
            user: "abc".into(),
            org: "def".into(),
        };
        assert_eq!(creds.header().as_str(), "User abc, Organization def");
        assert!(!format!("{creds:?}").contains("abc"));
    }
}
