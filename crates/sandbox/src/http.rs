//! The sandbox's own view of HTTP: a request read in full (within a bound),
//! a response built as plain data, and the helpers every handler shares.
//!
//! Handlers work on these types rather than on `tiny_http` ones so that the
//! routing can be unit-tested without a socket, and so that the one place
//! that turns a socket request into a response (`crate::serve`) is the only
//! place that knows about `tiny_http`.

use serde_json::{json, Value};
use std::io::Read;
use std::time::Duration;
use subtle::ConstantTimeEq;
use url::form_urlencoded;

/// Where the platform API lives on the sandbox's port.
pub const BASE_PATH: &str = "/elements/api-v2";

/// Largest request body accepted. The biggest legitimate body (an instance
/// with a few dozen configuration entries) is a few KiB; the bound keeps a
/// runaway client from exhausting memory.
pub const MAX_BODY_BYTES: usize = 1 << 20;

pub struct Request {
    pub method: String,
    /// The path as sent, without the query string.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Builds a request from a raw request target such as `/a/b?x=1`.
    pub fn new(method: &str, target: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        let (path, query) = split_target(target);
        Request {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query: form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter, `None` when absent or blank.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn html(status: u16, page: String) -> Response {
        Response {
            status,
            content_type: "text/html; charset=utf-8",
            // Consent pages and redirects carry per-request state; a cached
            // copy would replay a stale one.
            headers: vec![("Cache-Control", "no-store".to_string())],
            body: page.into_bytes(),
        }
    }

    pub fn redirect(location: String) -> Response {
        Response {
            status: 302,
            content_type: "text/plain; charset=utf-8",
            headers: vec![
                ("Location", location),
                ("Cache-Control", "no-store".to_string()),
            ],
            body: Vec::new(),
        }
    }

    /// The platform's error shape: `{requestId, message}`.
    pub fn error(status: u16, message: impl Into<String>) -> Response {
        Response::json(
            status,
            &json!({ "requestId": request_id(), "message": message.into() }),
        )
    }

    /// An error that also carries what the provider behind the element said.
    pub fn provider_error(
        status: u16,
        message: impl Into<String>,
        provider_message: impl Into<String>,
    ) -> Response {
        Response::json(
            status,
            &json!({
                "requestId": request_id(),
                "message": message.into(),
                "providerMessage": provider_message.into(),
            }),
        )
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Response {
        self.headers.push((name, value));
        self
    }
}

/// Why a request could not be read off the socket.
pub enum ReadError {
    TooLarge,
    Io(std::io::Error),
}

/// Reads a body of at most `MAX_BODY_BYTES`, refusing early when the client
/// announces a larger one. The rest of a refused body is drained by
/// tiny_http when the request is dropped, through a fixed buffer (the
/// vendored patch in `vendor/tiny_http/PATCHED.md`), whatever length the
/// client declared.
pub fn read_body(declared: Option<usize>, reader: &mut dyn Read) -> Result<Vec<u8>, ReadError> {
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(ReadError::TooLarge);
    }
    let mut body = Vec::new();
    reader
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(ReadError::Io)?;
    if body.len() > MAX_BODY_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(body)
}

/// The reason phrase of a status line, for answers written byte by byte.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Splits a request target into its path and query string.
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    }
}

/// The stderr line for one request. It takes the raw target and keeps only
/// the path: the query of `/oauth/url` carries the app's API secret.
pub fn log_line(method: &str, target: &str, status: u16, elapsed: Duration) -> String {
    let (path, _) = split_target(target);
    format!(
        "sandbox: {method} {path} -> {status} ({} ms)",
        elapsed.as_millis()
    )
}

/// Whether a `Content-Type` value names JSON (parameters such as
/// `charset=utf-8` allowed).
pub fn is_json_content_type(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        v.split(';')
            .next()
            .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// Decodes `%XX` escapes of one path segment; a malformed escape is kept as
/// written, so the value still shows up recognisably in a 404 message.
pub fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The account secrets an `Authorization` header carries, and the element
/// token of a call through an instance.
pub struct Credentials<'a> {
    pub user: &'a str,
    pub organization: &'a str,
    pub element: Option<&'a str>,
}

/// Parses `User <secret>, Organization <secret>[, Element <token>]`, spaces
/// tolerated around every part. `None` when the header does not have that
/// shape (a part missing, repeated or unknown).
pub fn parse_authorization(value: &str) -> Option<Credentials<'_>> {
    let (mut user, mut organization, mut element) = (None, None, None);
    for part in value.split(',') {
        let part = part.trim();
        let (name, secret) = part.split_once(char::is_whitespace)?;
        let secret = secret.trim();
        if secret.is_empty() {
            return None;
        }
        let slot = match name.to_ascii_lowercase().as_str() {
            "user" => &mut user,
            "organization" => &mut organization,
            "element" => &mut element,
            _ => return None,
        };
        if slot.replace(secret).is_some() {
            return None;
        }
    }
    Some(Credentials {
        user: user?,
        organization: organization?,
        element,
    })
}

/// Compares two secrets without an early exit on the first differing byte.
pub fn secrets_match(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // Without the OS random source there is no safe way to mint tokens or
    // codes; nothing sensible can continue.
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh id for an error body, shaped like the platform's (24 hex digits).
pub fn request_id() -> String {
    hex(&random_bytes::<12>())
}

// Paging is read by the listing and the hub reads alike: here, where
// neither imports the other.

/// The most instances one page of `GET /instances` holds, and its default.
pub const MAX_PAGE_SIZE: usize = 200;

/// `pageSize`: 1 to 200, 200 when absent.
pub fn page_size(req: &Request) -> Result<usize, Response> {
    match req.param("pageSize") {
        None => Ok(MAX_PAGE_SIZE),
        Some(text) => text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                Response::error(
                    400,
                    format!(
                        "pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}, not '{text}'"
                    ),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_line_keeps_the_path_and_drops_the_query() {
        let line = log_line(
            "GET",
            "/elements/api-v2/elements/infusionsoftecommerce/oauth/url?apiKey=k&apiSecret=TOPSECRET&callbackUrl=x",
            200,
            Duration::from_millis(3),
        );
        assert_eq!(
            line,
            "sandbox: GET /elements/api-v2/elements/infusionsoftecommerce/oauth/url -> 200 (3 ms)"
        );
        assert!(!line.contains("TOPSECRET"));
        assert_eq!(
            log_line(
                "POST",
                "/elements/api-v2/instances",
                400,
                Duration::from_micros(1500)
            ),
            "sandbox: POST /elements/api-v2/instances -> 400 (1 ms)"
        );
    }

    #[test]
    fn authorization_header_shapes() {
        let c = parse_authorization("User abc, Organization def").unwrap();
        assert_eq!((c.user, c.organization), ("abc", "def"));
        assert_eq!(c.element, None);
        let c = parse_authorization("  User   abc ,Organization  def ,  Element tok ").unwrap();
        assert_eq!(
            (c.user, c.organization, c.element),
            ("abc", "def", Some("tok"))
        );
        let c = parse_authorization("organization def, user abc").unwrap();
        assert_eq!((c.user, c.organization), ("abc", "def"));
        for bad in [
            "",
            "User abc",
            "Organization def",
            "User abc, Organization",
            "User abc, Organization def, User xyz",
            "User abc, Organization def, Bearer x",
            "User abc, Organization def, Element a, Element b",
            "User abc, Organization def, Element",
            "Bearer abc",
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(secrets_match("abc", "abc"));
        assert!(!secrets_match("abc", "abd"));
        assert!(!secrets_match("abc", "abcd"));
        assert!(!secrets_match("", "abc"));
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type(Some("application/json")));
        assert!(is_json_content_type(Some(
            "Application/JSON; charset=utf-8"
        )));
        assert!(!is_json_content_type(Some("text/plain")));
        assert!(!is_json_content_type(Some("application/jsonx")));
        assert!(!is_json_content_type(None));
    }

    #[test]
    fn requests_split_and_decode_their_target() {
        let r = Request::new(
            "get",
            "/a/b?x=1&y=a%20b+c&empty=",
            vec![("Content-Type".into(), "text/plain".into())],
            vec![],
        );
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/a/b");
        assert_eq!(r.param("x"), Some("1"));
        assert_eq!(r.param("y"), Some("a b c"));
        assert_eq!(r.param("empty"), None);
        assert_eq!(r.header("content-type"), Some("text/plain"));
    }

    #[test]
    fn percent_decoding_of_path_segments() {
        assert_eq!(percent_decode("big%20commerce"), "big commerce");
        assert_eq!(percent_decode("plain"), "plain");
        assert_eq!(percent_decode("bad%2"), "bad%2");
        assert_eq!(percent_decode("bad%zz"), "bad%zz");
        assert_eq!(percent_decode("%41"), "A");
    }

    #[test]
    fn bodies_are_bounded() {
        let small = vec![b'a'; 10];
        assert_eq!(read_body(Some(10), &mut &small[..]).ok().unwrap(), small);
        let big = vec![b'a'; MAX_BODY_BYTES + 1];
        assert!(matches!(
            read_body(None, &mut &big[..]),
            Err(ReadError::TooLarge)
        ));
        assert!(matches!(
            read_body(Some(MAX_BODY_BYTES + 1), &mut &small[..]),
            Err(ReadError::TooLarge)
        ));
        let exact = vec![b'a'; MAX_BODY_BYTES];
        assert_eq!(
            read_body(None, &mut &exact[..]).ok().unwrap().len(),
            MAX_BODY_BYTES
        );
    }
}
