//! The fake OAuth 2 provider behind every `oauth2` element, and the
//! platform endpoint that points browsers at it (`/elements/{k}/oauth/url`).
//!
//! Flow: `oauth/url` answers an authorize URL on this server; the browser
//! gets a consent page; Allow redirects to the app's callback with a fresh
//! code, recorded with its client and redirect URI so `POST /instances` can
//! check it; Deny redirects with `error=access_denied`.

use super::http::{random_bytes, Request, Response};
use super::State;
use crate::catalog::AuthKind;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use std::time::Instant;
use url::form_urlencoded;

const CONSENT_PAGE: &str = include_str!("../../assets/sandbox/consent.html");
const ERROR_PAGE: &str = include_str!("../../assets/sandbox/error.html");

pub const AUTHORIZE_PATH: &str = "/provider/oauth/authorize";

/// `GET /elements/{keyOrId}/oauth/url`.
pub fn oauth_url(state: &State, key_or_id: &str, req: &Request) -> Response {
    let Some(element) = state.catalog.find(key_or_id) else {
        return super::routes::no_such_element(key_or_id);
    };
    let spec = &element.spec;
    match spec.auth {
        AuthKind::Oauth2 => {}
        AuthKind::Oauth1 => {
            return Response::error(
                400,
                format!(
                    "Element '{}' uses OAuth 1, which this sandbox does not emulate",
                    spec.key
                ),
            )
        }
        other => {
            return Response::error(
                400,
                format!(
                    "Element '{}' does not use OAuth (its authentication type is {}): create its instance with its configuration alone",
                    spec.key,
                    other.platform_name()
                ),
            )
        }
    }
    let missing: Vec<&str> = ["apiKey", "apiSecret", "callbackUrl"]
        .into_iter()
        .filter(|p| req.param(p).is_none())
        .collect();
    if !missing.is_empty() {
        return Response::error(
            400,
            format!(
                "Missing query parameter(s): {}. GET /elements/{}/oauth/url needs apiKey, apiSecret and callbackUrl (state is optional)",
                missing.join(", "),
                spec.key
            ),
        );
    }
    let (client_id, callback) = (
        req.param("apiKey").unwrap_or_default(),
        req.param("callbackUrl").unwrap_or_default(),
    );
    if let Err(why) = check_redirect_uri(callback) {
        return Response::error(400, format!("callbackUrl {why}"));
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", callback)
        .append_pair("scope", "full");
    if let Some(s) = req.param("state") {
        query.append_pair("state", s);
    }
    let oauth_url = format!(
        "http://127.0.0.1:{}{AUTHORIZE_PATH}?{}",
        state.port,
        query.finish()
    );
    Response::json(200, &json!({ "element": spec.key, "oauthUrl": oauth_url }))
}

/// `GET /provider/oauth/authorize`: the consent page.
pub fn authorize(req: &Request) -> Response {
    match req.param("response_type") {
        Some("code") => {}
        Some(other) => {
            return error_page(format!(
                "response_type '{other}' is not supported: this provider only issues authorization codes (response_type=code)."
            ))
        }
        None => return error_page("The request has no response_type; it must be code.".into()),
    }
    let (client_id, redirect_uri) = match client_and_redirect(req) {
        Ok(pair) => pair,
        Err(page) => return page,
    };
    Response::html(
        200,
        render(
            CONSENT_PAGE,
            &[
                ("client_id", client_id),
                ("redirect_uri", redirect_uri),
                ("state", req.param("state").unwrap_or("")),
                ("scope", req.param("scope").unwrap_or("full")),
            ],
        ),
    )
}

/// `GET /provider/oauth/decision`: where the consent form goes.
pub fn decision(state: &State, req: &Request) -> Response {
    let (client_id, redirect_uri) = match client_and_redirect(req) {
        Ok(pair) => pair,
        Err(page) => return page,
    };
    let mut params = form_urlencoded::Serializer::new(String::new());
    match req.param("decision") {
        Some("allow") => {
            let code = URL_SAFE_NO_PAD.encode(random_bytes::<24>());
            state
                .store()
                .issue_code(code.clone(), client_id, redirect_uri, Instant::now());
            params.append_pair("code", &code);
        }
        Some("deny") => {
            params
                .append_pair("error", "access_denied")
                .append_pair("error_description", "The user denied access");
        }
        _ => return error_page("The decision must be allow or deny.".into()),
    }
    if let Some(s) = req.param("state") {
        params.append_pair("state", s);
    }
    // The redirect URI is kept exactly as registered (no normalisation), so
    // the app sees the address it asked for.
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    Response::redirect(format!("{redirect_uri}{separator}{}", params.finish()))
}

fn client_and_redirect(req: &Request) -> Result<(&str, &str), Response> {
    let client_id = req
        .param("client_id")
        .ok_or_else(|| error_page("The request has no client_id.".into()))?;
    let redirect_uri = req
        .param("redirect_uri")
        .ok_or_else(|| error_page("The request has no redirect_uri.".into()))?;
    check_redirect_uri(redirect_uri).map_err(|why| error_page(format!("redirect_uri {why}.")))?;
    Ok((client_id, redirect_uri))
}

/// A redirect target the provider can send a browser to: absolute http(s),
/// no fragment (RFC 6749 3.1.2), plain ASCII so it fits a `Location` header.
fn check_redirect_uri(uri: &str) -> Result<(), &'static str> {
    let parsed = url::Url::parse(uri).map_err(|_| "must be an absolute http(s) URL")?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("must be an absolute http(s) URL");
    }
    if parsed.fragment().is_some() {
        return Err("must not contain a fragment (#...)");
    }
    if !uri.is_ascii() || uri.chars().any(|c| c.is_ascii_control() || c == ' ') {
        return Err("must be written in plain ASCII, percent-encoded where needed");
    }
    Ok(())
}

fn error_page(message: String) -> Response {
    Response::html(400, render(ERROR_PAGE, &[("message", &message)]))
}

/// Fills `{{name}}` placeholders in one pass, HTML-escaping every value; a
/// value that itself contains `{{...}}` is never expanded again.
fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(&escape_html(value)),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_escapes_and_does_not_reexpand() {
        let page = render(
            "<p>{{a}}|{{b}}|{{unknown}}|{{open",
            &[("a", "<script>\"x\" & 'y'</script>"), ("b", "{{a}}")],
        );
        assert_eq!(
            page,
            "<p>&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;|{{a}}|{{unknown}}|{{open"
        );
    }

    #[test]
    fn templates_use_only_known_placeholders() {
        let consent = render(
            CONSENT_PAGE,
            &[
                ("client_id", "c"),
                ("redirect_uri", "r"),
                ("state", "s"),
                ("scope", "full"),
            ],
        );
        assert!(
            !consent.contains("{{"),
            "unfilled placeholder in consent.html"
        );
        for needle in [
            r#"<button id="allow" name="decision" value="allow">Allow</button>"#,
            r#"<button id="deny" name="decision" value="deny">Deny</button>"#,
            r#"action="/provider/oauth/decision""#,
            r#"method="get""#,
            r#"name="client_id" value="c""#,
            r#"name="redirect_uri" value="r""#,
            r#"name="state" value="s""#,
        ] {
            assert!(consent.contains(needle), "consent.html lacks {needle}");
        }
        assert!(!render(ERROR_PAGE, &[("message", "m")]).contains("{{"));
    }

    #[test]
    fn redirect_uris() {
        assert!(check_redirect_uri("http://127.0.0.1:8080/callback").is_ok());
        assert!(check_redirect_uri("https://app.example.com/cb?x=1").is_ok());
        for bad in [
            "/relative",
            "ftp://example.com/cb",
            "http://example.com/cb#frag",
            "http://example.com/caf\u{e9}",
            "not a url",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }
}
