//! The listener's HTTP responses, written byte for byte.
//!
//! tiny_http's `Response` silently drops a `Connection` header, and every
//! answer here must say `Connection: close` (the browser has no reason to keep
//! a socket to the wizard open), so responses are composed here and written
//! through `Request::into_writer`.

use super::pages::Page;

/// Headers on every response: nothing is cached (a page or address may have
/// carried a code), the page may not be framed or load anything, and no
/// referrer leaves it.
const COMMON_HEADERS: &[(&str, &str)] = &[
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
    ("Connection", "close"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    status: u16,
    extra_headers: Vec<(&'static str, String)>,
    body: String,
}

impl Response {
    pub(crate) fn page(status: u16, page: &Page) -> Response {
        Response {
            status,
            extra_headers: vec![("Content-Type", "text/html; charset=utf-8".to_owned())],
            body: page.render(),
        }
    }

    /// A 302 to a path on this listener. The browser replaces the callback
    /// address (which carries the code) with `location` in its address bar.
    pub(crate) fn redirect(location: &str) -> Response {
        Response {
            status: 302,
            extra_headers: vec![("Location", location.to_owned())],
            body: String::new(),
        }
    }

    pub(crate) fn method_not_allowed(allow: &'static str) -> Response {
        let mut response = Response::page(405, &Page::NotFound);
        response.extra_headers.push(("Allow", allow.to_owned()));
        response
    }

    #[cfg(test)]
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// The bytes on the wire; `head_only` for a `HEAD` request, which gets the
    /// headers (with the body's length) and no body.
    pub(crate) fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in COMMON_HEADERS {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        for (name, value) in &self.extra_headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(self.body.as_bytes());
        }
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn every_response_closes_the_connection_and_forbids_caching() {
        for response in [
            Response::page(200, &Page::Success(crate::oauth::Purpose::Create)),
            Response::page(404, &Page::NotFound),
            Response::redirect("/done?result=ok"),
            Response::method_not_allowed("GET"),
        ] {
            let wire = text(response.to_bytes(false));
            assert!(wire.contains("\r\nConnection: close\r\n"), "{wire}");
            assert!(wire.contains("\r\nCache-Control: no-store\r\n"), "{wire}");
        }
    }

    #[test]
    fn content_length_matches_the_body_and_head_has_no_body() {
        let response = Response::page(200, &Page::Success(crate::oauth::Purpose::Create));
        let full = text(response.to_bytes(false));
        let (head, body) = full.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        assert!(body.contains("ce-wizard received the authorization"));

        let head_only = text(response.to_bytes(true));
        assert!(head_only.ends_with("\r\n\r\n"));
        assert!(head_only.contains(&format!("Content-Length: {}", body.len())));
    }

    #[test]
    fn redirect_names_the_location() {
        let wire = text(Response::redirect("/done?result=denied").to_bytes(false));
        assert!(wire.starts_with("HTTP/1.1 302 Found\r\n"));
        assert!(wire.contains("\r\nLocation: /done?result=denied\r\n"));
        assert!(wire.ends_with("Content-Length: 0\r\n\r\n"));
    }
}
