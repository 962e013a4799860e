//! What can go wrong talking to the platform, with the details a person (and
//! support) needs: status, message, requestId, and the provider's own words.

use serde::Deserialize;

/// Each variant says what went wrong in words a person can act on;
/// [`ApiError::advice`] says what to do. None carries a secret: transport
/// details are taken from errors whose URL (which may carry the API secret
/// in its query) was dropped first.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// A complete HTTP answer outside 2xx (other than a 429 that came with
    /// its headers, which is [`ApiError::RateLimited`]).
    #[error("{}", status_line(*status, message))]
    Status {
        status: u16,
        message: String,
        request_id: Option<String>,
        provider_message: Option<String>,
        /// Configuration keys the platform said are missing (from a 400).
        missing_keys: Vec<String>,
    },
    /// 429: the platform asks to slow down, for `retry_after` if it said.
    #[error("{}", rate_limited_line(*retry_after_secs))]
    RateLimited {
        retry_after_secs: Option<u64>,
        request_id: Option<String>,
    },
    /// No connection could be made: nothing reached the server.
    #[error("could not reach the server: {detail}")]
    Network { detail: String },
    /// The connection broke after the request was sent, before the whole
    /// answer arrived: the server may or may not have acted on it.
    #[error("the connection closed before the server's answer was complete ({detail})")]
    ConnectionClosed { detail: String },
    /// No complete answer within the call's deadline.
    #[error("the server did not answer in time")]
    Timeout,
    /// A web page came back where the API answers JSON.
    #[error("the server answered {status} with a web page instead of the API's JSON")]
    Html { status: u16 },
    /// The answer claims to be JSON but does not parse.
    #[error("the server's answer ({status}) is not valid JSON: {detail}")]
    MalformedJson { status: u16, detail: String },
    /// JSON of an unexpected shape.
    #[error("the server's answer could not be read: {detail}")]
    Decode { detail: String },
    #[error("the base URL is not usable: {detail}")]
    BadBaseUrl { detail: String },
    /// The answer's body went past the cap for its call; the rest was not
    /// read.
    #[error("the server's answer ({status}) is larger than {} MiB; ce-wizard stopped reading it", limit / (1024 * 1024))]
    TooLarge { status: u16, limit: usize },
    /// The platform gave an authorization URL no browser is sent to.
    #[error("{refused}")]
    UnsafeOAuthUrl { refused: crate::oauth::RefusedUrl },
    /// `create_instance_safely`: the create failed without a clear answer,
    /// and the instance list shows it was not created.
    #[error("{cause}; the platform has no new instance named \"{name}\", so nothing was created and it is safe to try again")]
    NothingCreated { cause: Box<ApiError>, name: String },
    /// `create_instance_safely`: the create failed without a clear answer,
    /// and the instance list could not be read to find out whether it was.
    #[error("{cause}, and checking whether the instance was created failed too ({check})")]
    OutcomeUnknown {
        cause: Box<ApiError>,
        check: Box<ApiError>,
        name: String,
    },
    /// A paged list failed after its first page: what was read is only part
    /// of it.
    #[error("{cause} (reading page {page} of the instance list, after {listed} instances; the list is incomplete)")]
    ListIncomplete {
        page: usize,
        listed: usize,
        cause: Box<ApiError>,
    },
    /// A paged list did not end: more pages than the bound, or a cursor
    /// handed out twice.
    #[error("{}", too_many_pages_line(*pages, *listed, *repeated))]
    TooManyPages {
        pages: usize,
        listed: usize,
        repeated: bool,
    },
    /// A list the client stopped reading itself: a page holding more than
    /// was asked for, a next-page cursor that cannot be sent back, or more
    /// instances or bytes than it reads in all ([`crate::api::Paging`]).
    /// What was read is only part of the list.
    #[error("the instance list is incomplete: {reason} (stopped at page {page}, after {listed} instances)")]
    ListRefused {
        page: usize,
        listed: usize,
        reason: String,
    },
    /// A 404 on `/instances/{id}`.
    #[error("no instance {id} exists in this account (HTTP 404)")]
    NoSuchInstance { id: i64, request_id: Option<String> },
}

fn too_many_pages_line(pages: usize, listed: usize, repeated: bool) -> String {
    if repeated {
        format!("the instance list went round in a circle: page {} pointed back to an earlier page, after {listed} instances; the list is incomplete", pages + 1)
    } else {
        format!("the instance list did not end after {pages} pages ({listed} instances); stopped reading, so the list is incomplete")
    }
}

fn rate_limited_line(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(s) => format!("the platform is limiting requests (HTTP 429) and asks to wait {s} s"),
        None => "the platform is limiting requests (HTTP 429)".to_string(),
    }
}

fn status_line(status: u16, message: &str) -> String {
    if message.is_empty() {
        format!("the server answered {status}")
    } else {
        format!("{message} (HTTP {status})")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    provider_message: Option<String>,
}

/// The longest message, request ID or provider message kept.
const MAX_FIELD_CHARS: usize = 1000;

/// A platform string as it may be shown: one line, no control or bidi
/// characters, bounded, and with every registered secret (and whatever
/// follows `Authorization:`, `token=` and the like) masked: a platform
/// can echo the request's `Authorization` header into its error.
fn shown(text: &str) -> String {
    let mut line = crate::sanitize::line(text);
    crate::sanitize::truncate_chars(&mut line, MAX_FIELD_CHARS);
    crate::log::mask(&line)
}

impl ApiError {
    /// Builds the error for a non-2xx answer from its status and body. A body
    /// that is not the platform's JSON (a proxy's HTML page, say) still gives
    /// a readable message. Every text from the body is cleaned and masked
    /// here, where it enters ([`shown`]).
    pub fn from_response(status: u16, body: &str) -> ApiError {
        let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
        let (message, request_id, provider_message) = match parsed {
            Some(b) => (
                b.message.unwrap_or_default(),
                b.request_id,
                b.provider_message,
            ),
            None => (summarise_non_json(body), None, None),
        };
        let message = crate::sanitize::line(&message);
        let missing_keys = if status == 400 {
            parse_missing_keys(&message)
                .into_iter()
                .filter(|k| !crate::log::holds_secret(k) && crate::log::mask(k) == *k)
                .collect()
        } else {
            vec![]
        };
        let message = shown(&message);
        let request_id = request_id.map(|r| shown(&r));
        let provider_message = provider_message.map(|p| shown(&p));
        ApiError::Status {
            status,
            message,
            request_id,
            provider_message,
            missing_keys,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. }
            | ApiError::Html { status }
            | ApiError::MalformedJson { status, .. }
            | ApiError::TooLarge { status, .. } => Some(*status),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::NothingCreated { cause, .. }
            | ApiError::OutcomeUnknown { cause, .. }
            | ApiError::ListIncomplete { cause, .. } => cause.status(),
            ApiError::NoSuchInstance { .. } => Some(404),
            _ => None,
        }
    }

    /// Whether the same request may simply be sent again: nothing was done
    /// by the failed one, or (for reads) doing it twice does no harm. A
    /// refusal (4xx other than 429) is not: it would be refused again.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => matches!(status, 429 | 502..=504),
            ApiError::RateLimited { .. }
            | ApiError::Network { .. }
            | ApiError::ConnectionClosed { .. }
            | ApiError::Timeout
            | ApiError::NothingCreated { .. } => true,
            ApiError::ListIncomplete { cause, .. } => cause.is_retryable(),
            _ => false,
        }
    }

    /// Whether this is the platform's way of saying a list or search holds
    /// nothing: a 404 whose message reads "No … found" (the official CLI
    /// reads such answers as empty, `CloudElementsOpenLabs/the-doctor:
    /// src/util/get.js`). Only a caller reading a list may take it so: on
    /// one resource (`GET /instances/{id}`) a 404 still means "not found".
    /// It must be the platform's own JSON error, with its `requestId`: a
    /// 404 from a wrong base URL or a proxy ("No route found" in plain
    /// text) read as empty would tell a person their account is empty, or
    /// that a lost create made nothing and may be sent again.
    pub fn is_empty_list(&self) -> bool {
        let ApiError::Status {
            status: 404,
            message,
            request_id: Some(_),
            ..
        } = self
        else {
            return false;
        };
        message
            .trim()
            .strip_prefix("No ")
            .and_then(|rest| rest.strip_suffix(" found"))
            .is_some_and(|what| !what.trim().is_empty())
    }

    /// Whether a create that failed this way may have created the instance
    /// all the same: the request went out and no clear refusal came back
    /// (a timeout, a dropped connection, a gateway error, or a 2xx whose
    /// body could not be read).
    pub fn create_outcome_unknown(&self) -> bool {
        match self {
            ApiError::Timeout | ApiError::ConnectionClosed { .. } => true,
            ApiError::Status { status, .. } => matches!(status, 502 | 504),
            ApiError::Html { status }
            | ApiError::MalformedJson { status, .. }
            | ApiError::TooLarge { status, .. } => (200..300).contains(status),
            _ => false,
        }
    }

    /// The wait a 429 asked for, in seconds.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    pub fn missing_keys(&self) -> &[String] {
        match self {
            ApiError::Status { missing_keys, .. } => missing_keys,
            _ => &[],
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Status { request_id, .. } | ApiError::RateLimited { request_id, .. } => {
                request_id.as_deref()
            }
            ApiError::NothingCreated { cause, .. }
            | ApiError::OutcomeUnknown { cause, .. }
            | ApiError::ListIncomplete { cause, .. } => cause.request_id(),
            ApiError::NoSuchInstance { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn provider_message(&self) -> Option<&str> {
        match self {
            ApiError::Status {
                provider_message, ..
            } => provider_message.as_deref(),
            _ => None,
        }
    }

    /// Plain-language advice on what to do next.
    pub fn advice(&self) -> String {
        match self {
            ApiError::Status { status, missing_keys, .. } => match status {
                400 if !missing_keys.is_empty() => format!(
                    "Fill in the missing settings ({}) and try again.",
                    missing_keys.join(", ")
                ),
                400 => "The platform refused the request as given. Check the values it names and try again.".into(),
                401 => "The User or Organization secret is wrong or expired. Copy both again from your Cloud Elements profile (Settings > Account) and check the environment (production or staging).".into(),
                403 => "Your account is not allowed to do this. Ask your Cloud Elements organization admin for access to this element.".into(),
                404 => "The platform does not know this element or address. Check the element key and the environment's base URL.".into(),
                405 | 415 => "The server did not accept this kind of request: check that the base URL points at the Cloud Elements API (it ends in /elements/api-v2).".into(),
                409 => "An instance like this one exists already. Pick another name, or use the existing instance.".into(),
                429 => "Too many requests for now. Wait a minute and try again.".into(),
                502 | 504 => "A gateway between you and the platform failed. Nothing is wrong with what you typed: try again in a minute. If you were creating an instance, check the platform for it first.".into(),
                s if *s >= 500 => "The platform or the provider behind the element failed. Nothing is wrong with what you typed: try again in a minute, and quote the request ID to support if it keeps failing.".into(),
                _ => "Check the values and try again.".into(),
            },
            ApiError::RateLimited { retry_after_secs, .. } => match retry_after_secs {
                Some(s) => format!("Wait {s} seconds, then try again; ce-wizard already retried what it safely could."),
                None => "Wait a minute, then try again; ce-wizard already retried what it safely could.".into(),
            },
            ApiError::Network { .. } => "Check your internet connection, the base URL, and any proxy (HTTPS_PROXY), then try again.".into(),
            ApiError::ConnectionClosed { .. } => "The network or a proxy cut the answer off. Try again; if you were creating an instance, check the platform for it before creating another.".into(),
            ApiError::Timeout => "The server is slow or unreachable. Try again; if you were creating an instance, check the platform for it before creating another.".into(),
            ApiError::Html { .. } => "Something other than the Cloud Elements API answered: check the base URL (it ends in /elements/api-v2), and sign in to any proxy, VPN or Wi-Fi portal that asks for it.".into(),
            ApiError::MalformedJson { .. } => "The answer was cut short or garbled on its way. Try again; if it keeps happening, check the base URL and any proxy.".into(),
            ApiError::Decode { .. } => "The answer did not look like the Cloud Elements API: check the base URL.".into(),
            ApiError::NothingCreated { .. } => "Run the same command again: it is safe, no instance was created.".into(),
            ApiError::OutcomeUnknown { name, .. } => format!("Check first, before trying again: look in the platform (`ce-wizard instances list`, or Instances in the console) for an instance named \"{name}\" created just now: it may exist. Delete or use it, then try again if it is not there."),
            ApiError::BadBaseUrl { .. } => "Give a base URL such as https://api.cloud-elements.com/elements/api-v2.".into(),
            ApiError::TooLarge { .. } => "Something other than the Cloud Elements API may be answering, or a proxy is looping: check the base URL and any proxy.".into(),
            ApiError::UnsafeOAuthUrl { .. } => "Nothing was opened or created. The platform (or something posing as it) answered with an address a browser must not be sent to: check the base URL, and tell your Cloud Elements admin.".into(),
            ApiError::ListIncomplete { cause, .. } => cause.advice(),
            ApiError::ListRefused { .. } => "Nothing was concluded from the part read. Check the base URL and any proxy in between; if the platform itself answers so, quote this to Cloud Elements support.".into(),
            ApiError::TooManyPages { .. } => "The platform (or a proxy in between) kept handing out more pages. Try again later; if it keeps happening, quote this to Cloud Elements support.".into(),
            ApiError::NoSuchInstance { .. } => "Check the ID (`ce-wizard instances list` shows them): it may have been deleted, or belong to another account or environment.".into(),
        }
    }
}

fn summarise_non_json(body: &str) -> String {
    let text = body.trim();
    if text.is_empty() {
        return String::new();
    }
    if text.starts_with('<') {
        return "the server answered with a web page instead of the API's JSON".into();
    }
    crate::sanitize::line(text).chars().take(200).collect()
}

/// Reads the keys out of a "missing configuration" message. The platform's
/// wording varies, so this takes what follows the last colon and keeps the
/// tokens that look like configuration keys.
pub fn parse_missing_keys(message: &str) -> Vec<String> {
    let lower = message.to_ascii_lowercase();
    if !lower.contains("missing") && !lower.contains("required") {
        return vec![];
    }
    let Some((_, tail)) = message.rsplit_once(':') else {
        return vec![];
    };
    tail.split(|c: char| {
        c == ',' || c.is_whitespace() || c == '[' || c == ']' || c == '"' || c == '\''
    })
    .map(|t| t.trim_end_matches('.'))
    .filter(|t| !t.is_empty())
    .filter(|t| {
        t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    })
    .filter(|t| !matches!(*t, "and" | "or"))
    .map(str::to_string)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CloudElementsOpenLabs/the-doctor:src/util/get.js`: `^No (.*) found$`.
    #[test]
    fn only_the_platforms_no_found_404_is_an_empty_list() {
        let empty = |status: u16, body: &str| ApiError::from_response(status, body).is_empty_list();
        assert!(empty(
            404,
            r#"{"requestId":"r1","message":"No instances found"}"#
        ));
        assert!(empty(
            404,
            r#"{"requestId":"r1","message":"No element instances found"}"#
        ));
        // One resource, another status, another message, or not the
        // platform's JSON: not an empty list.
        assert!(!empty(
            404,
            r#"{"requestId":"r1","message":"No instance found with id '5'"}"#
        ));
        assert!(!empty(
            400,
            r#"{"requestId":"r1","message":"No instances found"}"#
        ));
        assert!(!empty(404, r#"{"requestId":"r1","message":"Not Found"}"#));
        assert!(!empty(404, r#"{"requestId":"r1","message":"No  found"}"#));
        assert!(!empty(404, r#"{"message":"No route found"}"#));
        assert!(!empty(404, "No route found"));
    }

    #[test]
    fn platform_error_bodies_keep_every_detail() {
        let e = ApiError::from_response(
            401,
            r#"{"requestId":"5a1b","message":"Invalid Organization or User secret, or invalid Element token provided.","providerMessage":"nope"}"#,
        );
        assert_eq!(e.status(), Some(401));
        assert_eq!(e.request_id(), Some("5a1b"));
        assert_eq!(e.provider_message(), Some("nope"));
        assert!(e.to_string().contains("Invalid Organization"));
        assert!(e.advice().contains("secret"));
    }

    #[test]
    fn missing_configuration_is_parsed_into_keys() {
        let e = ApiError::from_response(
            400,
            r#"{"requestId":"r","message":"The following required configuration entries are missing: store.url, username, password"}"#,
        );
        assert_eq!(e.missing_keys(), ["store.url", "username", "password"]);
        assert_eq!(
            parse_missing_keys("Missing required configuration entries: [oauth.api.key]"),
            ["oauth.api.key"]
        );
        assert!(parse_missing_keys("Invalid JSON: line 1").is_empty());
    }

    #[test]
    fn hostile_error_fields_are_cleaned_and_echoed_secrets_masked() {
        crate::log::add_secret("error-test-user-secret");
        let body = serde_json::json!({
            "message": "bad \u{1b}]52;c;ZWNobw==\u{7}request\u{202e} from User error-test-user-secret",
            "requestId": "r\u{9b}2J-1",
            "providerMessage": "Authorization: User error-test-user-secret, Organization o\nnext",
        })
        .to_string();
        let e = ApiError::from_response(400, &body);
        for shown in [
            e.to_string(),
            e.request_id().unwrap().to_string(),
            e.provider_message().unwrap().to_string(),
        ] {
            assert!(!crate::sanitize::has_unsafe(&shown), "{shown:?}");
            assert!(!shown.contains("error-test-user-secret"), "{shown:?}");
        }
        assert_eq!(e.request_id(), Some("r2J-1"));
        let e = ApiError::from_response(
            400,
            r#"{"message":"missing required entries: error-test-user-secret, store.url"}"#,
        );
        assert_eq!(e.missing_keys(), ["store.url"]);
    }

    #[test]
    fn html_and_garbage_bodies_still_give_a_message() {
        let e = ApiError::from_response(502, "<html><body>Bad gateway</body></html>");
        assert!(e.to_string().contains("web page"));
        assert!(e.advice().contains("try again"));
        let e = ApiError::from_response(500, "");
        assert_eq!(e.to_string(), "the server answered 500");
    }
}
