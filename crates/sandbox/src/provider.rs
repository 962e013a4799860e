//! The fake OAuth provider behind every `oauth2` and `oauth1` element, and
//! the platform endpoints that point browsers at it (`/elements/{k}/oauth/url`
//! and, for OAuth 1, `/elements/{k}/oauth/token`).
//!
//! OAuth 2: `oauth/url` answers an authorize URL on this server; the browser
//! gets a consent page; Allow redirects to the app's callback with a fresh
//! code, recorded with its client and redirect URI so `POST /instances` can
//! check it; Deny redirects with `error=access_denied`.
//!
//! OAuth 1: `oauth/token` issues a request token and its secret, fixing the
//! callback and its `state` then, as OAuth 1.0a does (devportal
//! `docs/elements/twitter/twitter-create-instance.md`: the `oauthUrl`
//! carries `oauth_callback=...%3Fstate%3Dtwitter`); `oauth/url` (given that
//! token) answers an authorize URL, and a state given to it changes nothing;
//! Allow redirects to the callback with `oauth_token`, a fresh
//! `oauth_verifier` and the fixed state (the element key when none was
//! given), recorded on the token so `POST /instances` can check both and the
//! secret; Deny redirects with `denied=<token>`, as OAuth 1 providers do.
//!
//! Elements whose providers need more (a shop, values added to the
//! redirect) are described in [`crate::provider_needs`].

use crate::catalog::Element;
use crate::element::Auth;
use crate::html::fill_escaped;
use crate::http::{random_bytes, Request, Response};
use crate::provider_needs;
use crate::state::State;
use crate::store::{Granted, RequestToken};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use std::time::Instant;
use url::form_urlencoded;

const CONSENT_PAGE: &str = include_str!("../assets/consent.html");
const CONSENT_OAUTH1_PAGE: &str = include_str!("../assets/consent_oauth1.html");
const ERROR_PAGE: &str = include_str!("../assets/error.html");

pub const AUTHORIZE_PATH: &str = "/provider/oauth/authorize";
pub const AUTHORIZE_OAUTH1_PATH: &str = "/provider/oauth1/authorize";

/// An element that can start an OAuth flow of the given kind; otherwise the
/// refusal the platform would give.
fn oauth_element<'s>(
    state: &'s State,
    key_or_id: &str,
    endpoint: &str,
) -> Result<&'s Element, Response> {
    let element = state.element(key_or_id)?;
    let facts = &element.facts;
    if !element.active {
        return Err(Response::error(
            400,
            format!("Element '{}' is not active", facts.key),
        ));
    }
    match (element.oauth_kind(), endpoint) {
        (Auth::Oauth2, "url") | (Auth::Oauth1, "url" | "token") => Ok(element),
        (Auth::Oauth2, _) => Err(Response::error(
            400,
            format!(
                "Element '{}' uses OAuth 2, which has no request token: ask GET /elements/{}/oauth/url directly",
                facts.key, facts.key
            ),
        )),
        (other, _) => Err(Response::error(
            400,
            format!(
                "Element '{}' does not use OAuth (its authentication type is {}): create its instance with its configuration alone",
                facts.key,
                other.platform_name()
            ),
        )),
    }
}

/// Refuses a request that lacks any of `names`, naming them all.
fn require_params(req: &Request, names: &[&str], usage: String) -> Result<(), Response> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|p| req.param(p).is_none())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Response::error(
            400,
            format!(
                "Missing query parameter(s): {}. {usage}",
                missing.join(", ")
            ),
        ))
    }
}

/// `GET /elements/{keyOrId}/oauth/token`: an OAuth 1 request token.
pub fn oauth_token(state: &State, key_or_id: &str, req: &Request) -> Response {
    let element = match oauth_element(state, key_or_id, "token") {
        Ok(e) => e,
        Err(refusal) => return refusal,
    };
    let key = &element.facts.key;
    if let Err(refusal) = require_params(
        req,
        &["apiKey", "apiSecret", "callbackUrl"],
        format!("GET /elements/{key}/oauth/token needs apiKey, apiSecret and callbackUrl"),
    ) {
        return refusal;
    }
    let callback = req.param("callbackUrl").unwrap_or_default();
    if let Err(why) = check_redirect_uri(callback) {
        return Response::error(400, format!("callbackUrl {why}"));
    }
    let site = match provider_needs::of(key).site_of(key, req) {
        Ok(site) => site,
        Err(refusal) => return refusal,
    };
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<18>());
    let secret = URL_SAFE_NO_PAD.encode(random_bytes::<24>());
    let issued = RequestToken::new(
        key,
        req.param("apiKey").unwrap_or_default(),
        callback,
        secret.as_str().into(),
        Instant::now(),
    )
    .with_state(req.param("state"))
    .with_site(site);
    state.store().issue_request_token(token.clone(), issued);
    Response::json(200, &json!({ "token": token, "secret": secret }))
}

/// `GET /elements/{keyOrId}/oauth/url`.
pub fn oauth_url(state: &State, key_or_id: &str, req: &Request) -> Response {
    let element = match oauth_element(state, key_or_id, "url") {
        Ok(e) => e,
        Err(refusal) => return refusal,
    };
    let facts = &element.facts;
    if element.oauth_kind() == Auth::Oauth1 {
        return oauth1_url(state, &facts.key, req);
    }
    if let Err(refusal) = require_params(
        req,
        &["apiKey", "apiSecret", "callbackUrl"],
        format!(
            "GET /elements/{}/oauth/url needs apiKey, apiSecret and callbackUrl (state is optional)",
            facts.key
        ),
    ) {
        return refusal;
    }
    let (client_id, callback) = (
        req.param("apiKey").unwrap_or_default(),
        req.param("callbackUrl").unwrap_or_default(),
    );
    if let Err(why) = check_redirect_uri(callback) {
        return Response::error(400, format!("callbackUrl {why}"));
    }
    let site = match provider_needs::of(&facts.key).site_of(&facts.key, req) {
        Ok(site) => site,
        Err(refusal) => return refusal,
    };
    // The scope asked for goes to the provider, as the platform's pages show
    // (Shopify's oauthUrl carries the instance's `oauth.scope`).
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", callback)
        .append_pair("scope", req.param("scope").unwrap_or("full"));
    if let Some(s) = req.param("state") {
        query.append_pair("state", s);
    }
    if let Some(shop) = &site {
        query.append_pair("shop", shop);
    }
    let oauth_url = format!(
        "http://127.0.0.1:{}{AUTHORIZE_PATH}?{}",
        state.port,
        query.finish()
    );
    Response::json(200, &json!({ "element": facts.key, "oauthUrl": oauth_url }))
}

/// `oauth/url` of an OAuth 1 element: the request token must be one issued
/// for this element, app and callback, not yet used.
fn oauth1_url(state: &State, key: &str, req: &Request) -> Response {
    if let Err(refusal) = require_params(
        req,
        &["apiKey", "apiSecret", "callbackUrl", "requestToken"],
        format!(
            "GET /elements/{key}/oauth/url of an OAuth 1 element needs apiKey, apiSecret, callbackUrl and the requestToken from GET /elements/{key}/oauth/token (state is optional)"
        ),
    ) {
        return refusal;
    }
    let token = req.param("requestToken").unwrap_or_default();
    let matches = state
        .store()
        .pending_request_token(token, Instant::now())
        .is_some_and(|t| {
            t.element == key
                && Some(t.client_id.as_str()) == req.param("apiKey")
                && Some(t.callback.as_str()) == req.param("callbackUrl")
        });
    if !matches {
        return Response::error(
            400,
            format!(
                "requestToken is unknown, expired, already used, or was issued for another app or callback URL: get a fresh one from GET /elements/{key}/oauth/token"
            ),
        );
    }
    // The state was fixed with the token; one given now is not the
    // callback's.
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("oauth_token", token);
    let oauth_url = format!(
        "http://127.0.0.1:{}{AUTHORIZE_OAUTH1_PATH}?{}",
        state.port,
        query.finish()
    );
    Response::json(200, &json!({ "element": key, "oauthUrl": oauth_url }))
}

/// `GET /provider/oauth1/authorize`: the OAuth 1 consent page.
pub fn authorize_oauth1(state: &State, req: &Request) -> Response {
    let Some(token) = req.param("oauth_token") else {
        return error_page("The request has no oauth_token.".into());
    };
    let Some(issued) = state
        .store()
        .pending_request_token(token, Instant::now())
        .cloned()
    else {
        return error_page(
            "This request token is unknown, expired or already used. Start the authorization again from the app.".into(),
        );
    };
    Response::html(
        200,
        fill_escaped(
            CONSENT_OAUTH1_PAGE,
            &[
                ("client_id", &issued.client_id),
                ("redirect_uri", &issued.callback),
                ("oauth_token", token),
            ],
        ),
    )
}

/// `GET /provider/oauth1/decision`: where the OAuth 1 consent form goes.
pub fn decision_oauth1(state: &State, req: &Request) -> Response {
    let Some(token) = req.param("oauth_token") else {
        return error_page("The request has no oauth_token.".into());
    };
    let now = Instant::now();
    let Some((callback, element, fixed_state)) = state
        .store()
        .pending_request_token(token, now)
        .map(|t| (t.callback.clone(), t.element.clone(), t.state.clone()))
    else {
        return error_page(
            "This request token is unknown, expired or already used. Start the authorization again from the app.".into(),
        );
    };
    let mut params = form_urlencoded::Serializer::new(String::new());
    match req.param("decision") {
        Some("allow") => {
            let verifier = URL_SAFE_NO_PAD.encode(random_bytes::<18>());
            let values = provider_needs::of(&element).fresh_redirect_values();
            if !state.store().authorize_request_token(
                token,
                verifier.as_str().into(),
                values.clone(),
                now,
            ) {
                return error_page("This request token was authorized already.".into());
            }
            params
                .append_pair("oauth_token", token)
                .append_pair("oauth_verifier", &verifier);
            for (name, value) in &values {
                params.append_pair(name, value);
            }
        }
        Some("deny") => {
            params.append_pair("denied", token);
        }
        _ => return error_page("The decision must be allow or deny.".into()),
    }
    // The callback as fixed with the request token: its state, or the
    // element key when none was given then.
    params.append_pair("state", fixed_state.as_deref().unwrap_or(&element));
    let separator = if callback.contains('?') { '&' } else { '?' };
    Response::redirect(format!("{callback}{separator}{}", params.finish()))
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
        fill_escaped(
            CONSENT_PAGE,
            &[
                ("client_id", client_id),
                ("redirect_uri", redirect_uri),
                ("state", req.param("state").unwrap_or("")),
                ("scope", req.param("scope").unwrap_or("full")),
                ("shop", req.param("shop").unwrap_or("")),
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
            let granted = Granted {
                site: req.param("shop").map(str::to_string),
                ..Granted::default()
            };
            state.store().issue_code(
                code.clone(),
                client_id,
                redirect_uri,
                granted,
                Instant::now(),
            );
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
    Response::html(400, fill_escaped(ERROR_PAGE, &[("message", &message)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_use_only_known_placeholders() {
        let consent = fill_escaped(
            CONSENT_PAGE,
            &[
                ("client_id", "c"),
                ("redirect_uri", "r"),
                ("state", "s"),
                ("scope", "full"),
                ("shop", "h"),
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
            r#"name="shop" value="h""#,
        ] {
            assert!(consent.contains(needle), "consent.html lacks {needle}");
        }
        assert!(!fill_escaped(ERROR_PAGE, &[("message", "m")]).contains("{{"));
        let consent1 = fill_escaped(
            CONSENT_OAUTH1_PAGE,
            &[
                ("client_id", "c"),
                ("redirect_uri", "r"),
                ("oauth_token", "t"),
            ],
        );
        assert!(
            !consent1.contains("{{"),
            "unfilled placeholder in consent_oauth1.html"
        );
        for needle in [
            r#"<button id="allow" name="decision" value="allow">Allow</button>"#,
            r#"<button id="deny" name="decision" value="deny">Deny</button>"#,
            r#"action="/provider/oauth1/decision""#,
            r#"name="oauth_token" value="t""#,
        ] {
            assert!(
                consent1.contains(needle),
                "consent_oauth1.html lacks {needle}"
            );
        }
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
