//! `POST /instances`: checks a create request the way the platform does and
//! stores the instance it answers with.

use crate::catalog::Element;
use crate::element::Auth;
use crate::http::secrets_match;
use crate::http::{is_json_content_type, random_bytes, Request, Response};
use crate::instance::Instance;
use crate::state::State;
use crate::store::{rfc3339, Granted, IssuedCode, RequestToken};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};
use std::time::{Instant, SystemTime};

/// How the message of a 400 for missing configuration starts; the missing
/// keys follow, joined by ", ", in the order of the element's metadata.
pub const MISSING_CONFIG_PREFIX: &str =
    "The following required configuration entries are missing: ";

pub fn create(state: &State, req: &Request) -> Response {
    match try_create(state, req) {
        Ok(instance) => Response::json(200, &instance),
        Err(refusal) => refusal,
    }
}

fn try_create(state: &State, req: &Request) -> Result<Value, Response> {
    let body = json_object(req, "POST /instances")?;
    let element = find_element(state, &body)?;
    if !element.active {
        return Err(bad(format!(
            "Element '{}' is not active: instances of it cannot be created",
            element.facts.key
        )));
    }

    // Tokens obtained elsewhere: no grant to redeem, the tokens are in
    // the configuration.
    if external_initial(&body) {
        let configuration = configuration(&body)?;
        check_types(element, &configuration)?;
        check_required(element, &configuration)?;
        check_external_tokens(element, &configuration)?;
        return store_instance(state, element, &body, configuration);
    }

    // The code is spent as soon as it is presented, whatever goes wrong
    // below, as a provider's token endpoint would spend it.
    let presented = present_code(state, element, &body)?;
    // So is an OAuth 1 request token.
    let oauth1 = match element.offers(Auth::Oauth1) {
        true => oauth1_grant(state, &body)?,
        false => None,
    };

    let mut configuration = configuration(&body)?;
    // An element with several sign-in kinds: the one chosen decides what is
    // required and checked (crate::signin).
    let kind = element
        .settle_kind(&mut configuration, !matches!(presented, Code::Absent))
        .map_err(bad)?;
    check_types(element, &configuration)?;
    check_required(element, &configuration)?;

    match kind {
        Auth::Oauth2 => check_code(&element.facts.key, presented, &configuration)?,
        Auth::Oauth1 => check_oauth1(&element.facts.key, oauth1, &configuration)?,
        Auth::Basic | Auth::Custom => {}
    }
    store_instance(state, element, &body, configuration)
}

/// The instance a create made, stored, and its answer.
fn store_instance(
    state: &State,
    element: &Element,
    body: &Map<String, Value>,
    configuration: Map<String, Value>,
) -> Result<Value, Response> {
    let name = name(body)?.unwrap_or_else(|| element.facts.name.clone());
    let tags = tags(body)?.unwrap_or_default();
    let created = rfc3339(SystemTime::now());
    let mut store = state.store();
    let instance = store.add_instance(|id| Instance {
        id,
        name,
        token: new_element_token(),
        element_key: element.facts.key.clone(),
        configuration,
        tags,
        valid: true,
        disabled: false,
        created,
    });
    let mut answer = instance.to_json(element.instance_block(), &|_| false);
    if body.get("retrieveObjectsAfterInstantiation") == Some(&Value::Bool(true)) {
        answer["objects"] = objects(element);
    }
    Ok(answer)
}

/// The data objects the element offers, with their source, for a create
/// that asks `"retrieveObjectsAfterInstantiation": true` (devportal
/// `_posts/2018-07-02-ReleaseNotes-2.176.md`: an `objects` array of
/// `name`, `vendorName`, `type`). The sandbox's providers hold the
/// ecommerce hub's resources; other hubs have none to list.
fn objects(element: &Element) -> Value {
    let names: &[&str] = if element.facts.hub == "ecommerce" {
        crate::hubs::ECOMMERCE
    } else {
        &[]
    };
    Value::Array(
        names
            .iter()
            .map(|n| serde_json::json!({"name": n, "vendorName": n, "type": "ceCanonical"}))
            .collect(),
    )
}

/// `"externalAuthentication": "initial"`: the instance is made from OAuth
/// tokens obtained elsewhere, with no grant in `providerData` (devportal
/// `docs/elements/quickbooksonline/authenticate.md`, "Token Based
/// Authentication"). Any other value (`"none"` in most answers) is the
/// usual create.
fn external_initial(body: &Map<String, Value>) -> bool {
    body.get("externalAuthentication").and_then(Value::as_str) == Some("initial")
}

/// With tokens obtained elsewhere, an OAuth element needs the tokens
/// themselves: `oauth.user.token`, and for OAuth 1 its secret too.
fn check_external_tokens(
    element: &Element,
    configuration: &Map<String, Value>,
) -> Result<(), Response> {
    let needed: &[&str] = match element.facts.auth {
        Auth::Oauth1 => &["oauth.user.token", "oauth.user.token.secret"],
        Auth::Oauth2 => &["oauth.user.token"],
        Auth::Basic | Auth::Custom => &[],
    };
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|k| is_blank(configuration.get(*k)))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(bad(format!(
            "{MISSING_CONFIG_PREFIX}{} (externalAuthentication 'initial' creates the instance from tokens obtained elsewhere)",
            missing.join(", ")
        )))
    }
}

/// A fresh element token: 32 random bytes, as the platform's are long.
pub fn new_element_token() -> String {
    STANDARD.encode(random_bytes::<32>())
}

/// The body of a call that takes a JSON object.
pub fn json_object(req: &Request, call: &str) -> Result<Map<String, Value>, Response> {
    if !is_json_content_type(req.header("content-type")) {
        return Err(Response::error(
            415,
            format!("{call} takes a JSON body: send it with Content-Type: application/json"),
        ));
    }
    let body: Value = serde_json::from_slice(&req.body)
        .map_err(|e| Response::error(400, format!("The request body is not valid JSON: {e}")))?;
    match body {
        Value::Object(body) => Ok(body),
        _ => Err(bad("The request body must be a JSON object")),
    }
}

/// `name`, when given.
pub fn name(body: &Map<String, Value>) -> Result<Option<String>, Response> {
    match body.get("name") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(bad("name must be a non-empty string")),
    }
}

/// `tags`, when given: the whole new list.
pub fn tags(body: &Map<String, Value>) -> Result<Option<Vec<String>>, Response> {
    match body.get("tags") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| bad("tags must be an array of strings")),
        Some(_) => Err(bad("tags must be an array of strings")),
    }
}

/// Refuses a configuration without every entry the element requires,
/// naming all that are missing.
pub fn check_required(
    element: &Element,
    configuration: &Map<String, Value>,
) -> Result<(), Response> {
    let required = element.required_keys_for(configuration);
    let missing: Vec<&str> = required
        .iter()
        .filter(|k| is_blank(configuration.get(k.as_str())))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(bad(format!(
            "{MISSING_CONFIG_PREFIX}{}",
            missing.join(", ")
        )))
    }
}

/// Spends the OAuth 2 code a body presents, for an OAuth 2 element.
pub fn present_code(
    state: &State,
    element: &Element,
    body: &Map<String, Value>,
) -> Result<Code, Response> {
    Ok(match provider_code(body)? {
        Some(code) if element.offers(Auth::Oauth2) => {
            match state.store().redeem_code(code, Instant::now()) {
                Some(issued) => Code::Issued {
                    issued,
                    given: provider_strings(body),
                },
                None => Code::Refused,
            }
        }
        _ => Code::Absent,
    })
}

/// The OAuth code of a create request, after the provider has seen it.
pub enum Code {
    Absent,
    /// Never issued, already used or expired.
    Refused,
    /// With the other `providerData` values the request gave.
    Issued {
        issued: IssuedCode,
        given: Map<String, Value>,
    },
}

/// The `providerData` object of a body (empty when there is none).
fn provider_strings(body: &Map<String, Value>) -> Map<String, Value> {
    body.get("providerData")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// What the platform checks of a provider's extra grant when it exchanges a
/// code or request token: every value the provider added to its redirect
/// comes back in `providerData` as it was, and the instance's setting names
/// the site the person signed in to.
fn check_granted(
    key: &str,
    granted: &Granted,
    given: &Map<String, Value>,
    configuration: &Map<String, Value>,
) -> Result<(), Response> {
    let refuse = |message: String| Response::provider_error(400, message, "invalid_grant");
    let missing: Vec<&str> = granted
        .redirect_values
        .iter()
        .filter(|(name, _)| given.get(name).and_then(Value::as_str).is_none())
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(refuse(format!(
            "'{key}' cannot exchange the grant without {}: the provider's redirect carried {}, and providerData must carry every value of that redirect",
            missing
                .iter()
                .map(|m| format!("providerData.{m}"))
                .collect::<Vec<_>>()
                .join(" and "),
            if missing.len() == 1 { "it" } else { "them" }
        )));
    }
    for (name, value) in &granted.redirect_values {
        if given.get(name).and_then(Value::as_str) != Some(value.as_str()) {
            return Err(refuse(format!(
                "providerData.{name} is not the value the provider's redirect carried"
            )));
        }
    }
    if let Some((_, setting)) = crate::provider_needs::of(key).site {
        let named = configuration
            .get(setting)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("");
        if granted.site.as_deref() != Some(named) {
            return Err(refuse(format!(
                "The grant is for the site '{}', but {setting} is '{named}': sign in to the site the instance names",
                granted.site.as_deref().unwrap_or("")
            )));
        }
    }
    Ok(())
}

pub fn bad(message: impl Into<String>) -> Response {
    Response::error(400, message)
}

/// The element a body names, by `element.key` or by `element.id` (a
/// number, or its digits in a string), as the platform takes either.
fn find_element<'s>(state: &'s State, body: &Map<String, Value>) -> Result<&'s Element, Response> {
    let element = body.get("element");
    let key = match element.and_then(|e| e.get("key")) {
        Some(Value::String(k)) if !k.trim().is_empty() => k.clone(),
        None | Some(Value::Null) => match element.and_then(|e| e.get("id")) {
            Some(Value::Number(n)) if n.as_u64().is_some() => n.to_string(),
            Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.clone()
            }
            None | Some(Value::Null) => return Err(bad(
                "element.key or element.id is required: name the element, e.g. {\"element\": {\"key\": \"bigcommerce\"}}",
            )),
            Some(_) => return Err(bad("element.id must be the element's numeric id")),
        },
        Some(_) => return Err(bad("element.key must be a non-empty string")),
    };
    state.element(&key)
}

/// Refuses a JSON object or list where the element's metadata types the
/// entry as text, a password or a yes/no (`TEXTFIELD_*`, `PASSWORD`,
/// `BOOLEAN`): the platform stores those as text. Entries the metadata
/// does not type, such as `event.poller.configuration`, take an object.
pub fn check_types(element: &Element, configuration: &Map<String, Value>) -> Result<(), Response> {
    let metadata = element.configuration();
    for entry in metadata.as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let (Some(key), Some(kind)) = (entry["key"].as_str(), entry["type"].as_str()) else {
            continue;
        };
        let scalar = kind == "PASSWORD" || kind == "BOOLEAN" || kind.starts_with("TEXTFIELD");
        if scalar && matches!(configuration.get(key), Some(Value::Object(_))) {
            return Err(bad(format!(
                "configuration entry '{key}' must be a string, number or boolean"
            )));
        }
    }
    Ok(())
}

/// What an OAuth 1 create request presents: the request token as the
/// provider knows it (already spent), and the verifier and secret given.
pub struct Oauth1Grant {
    issued: Option<RequestToken>,
    verifier: String,
    secret: String,
    given: Map<String, Value>,
}

/// Reads `providerData.oauth_token`, `oauth_verifier` and `secret`, and
/// spends the request token when one is presented. `None` when any of the
/// three is missing: that is reported after the configuration.
pub fn oauth1_grant(
    state: &State,
    body: &Map<String, Value>,
) -> Result<Option<Oauth1Grant>, Response> {
    let field = |name: &str| -> Result<Option<String>, Response> {
        match body.get("providerData").and_then(|p| p.get(name)) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            None | Some(Value::Null) | Some(Value::String(_)) => Ok(None),
            Some(_) => Err(bad(format!("providerData.{name} must be a string"))),
        }
    };
    let token = field("oauth_token")?;
    let (verifier, secret) = (field("oauth_verifier")?, field("secret")?);
    let issued = token
        .as_deref()
        .and_then(|t| state.store().redeem_request_token(t, Instant::now()));
    Ok(match (token, verifier, secret) {
        (Some(_), Some(verifier), Some(secret)) => Some(Oauth1Grant {
            issued,
            verifier,
            secret,
            given: provider_strings(body),
        }),
        _ => None,
    })
}

/// What the provider's access-token endpoint would check when the platform
/// exchanges the request token.
pub fn check_oauth1(
    key: &str,
    grant: Option<Oauth1Grant>,
    configuration: &Map<String, Value>,
) -> Result<(), Response> {
    let refuse = |message: &str| Response::provider_error(400, message, "token_rejected");
    let Some(grant) = grant else {
        return Err(bad(format!(
            "providerData.oauth_token, providerData.oauth_verifier and providerData.secret are required for '{key}', an OAuth 1 element: pass the token and verifier from the OAuth callback and the request token's secret"
        )));
    };
    let Some(issued) = grant.issued.filter(|t| t.element == key) else {
        return Err(refuse(
            "Invalid, expired or already used OAuth request token",
        ));
    };
    // Both are compared before deciding, as for the account secrets.
    let verifier_ok = issued
        .verifier
        .as_ref()
        .is_some_and(|v| secrets_match(&grant.verifier, v.expose()));
    let secret_ok = secrets_match(&grant.secret, issued.secret.expose());
    if !(verifier_ok & secret_ok) {
        return Err(refuse(
            "The OAuth verifier or the request token secret does not match the request token",
        ));
    }
    let setting = |k: &str| configuration.get(k).and_then(Value::as_str).unwrap_or("");
    if setting("oauth.callback.url") != issued.callback {
        return Err(refuse(&format!(
            "The request token was issued for the callback URL '{}', but oauth.callback.url is '{}'",
            issued.callback,
            setting("oauth.callback.url")
        )));
    }
    if setting("oauth.api.key") != issued.client_id {
        return Err(refuse(
            "The request token was issued to a different app: oauth.api.key does not match",
        ));
    }
    check_granted(key, &issued.granted, &grant.given, configuration)
}

/// `providerData.code`, if any; refuses a code that is not a string.
pub fn provider_code(body: &Map<String, Value>) -> Result<Option<&str>, Response> {
    match body.get("providerData").and_then(|p| p.get("code")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(code)) if code.trim().is_empty() => Ok(None),
        Some(Value::String(code)) => Ok(Some(code)),
        Some(_) => Err(bad("providerData.code must be a string")),
    }
}

/// The configuration as sent, every value as a string: the platform stores
/// `true` and `15` as `"true"` and `"15"`. `null` stays `null`, and an
/// object (the documented `event.poller.configuration`, devportal
/// `docs/elements/gotowebinar/events.md`) stays the object it is.
pub fn configuration(body: &Map<String, Value>) -> Result<Map<String, Value>, Response> {
    let entries = match body.get("configuration") {
        None | Some(Value::Null) => return Ok(Map::new()),
        Some(Value::Object(entries)) => entries,
        Some(_) => {
            return Err(bad(
                "configuration must be a JSON object of key/value pairs",
            ))
        }
    };
    entries
        .iter()
        .map(|(key, value)| {
            let stored = match value {
                Value::String(_) | Value::Null | Value::Object(_) => value.clone(),
                Value::Bool(b) => Value::String(b.to_string()),
                Value::Number(n) => Value::String(n.to_string()),
                Value::Array(_) => {
                    return Err(bad(format!(
                        "configuration entry '{key}' must be a string, number, boolean or object"
                    )))
                }
            };
            Ok((key.clone(), stored))
        })
        .collect()
}

fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

/// What the provider's token endpoint would check when the platform
/// exchanges the code.
pub fn check_code(
    key: &str,
    presented: Code,
    configuration: &Map<String, Value>,
) -> Result<(), Response> {
    let refuse = |message: String| Response::provider_error(400, message, "invalid_grant");
    let issued = match presented {
        Code::Absent => {
            return Err(bad(format!(
                "providerData.code is required for '{key}', an OAuth 2 element: pass the code from the OAuth callback"
            )))
        }
        Code::Refused => return Err(refuse("Invalid, expired or already used OAuth code".into())),
        Code::Issued { issued, given } => (issued, given),
    };
    let (issued, given) = issued;
    let setting = |k: &str| configuration.get(k).and_then(Value::as_str).unwrap_or("");
    let callback = setting("oauth.callback.url");
    if callback != issued.redirect_uri {
        return Err(refuse(format!(
            "The OAuth code was issued for the redirect URI '{}', but oauth.callback.url is '{callback}'",
            issued.redirect_uri
        )));
    }
    // The client id is not echoed back: people treat it as half a secret.
    if setting("oauth.api.key") != issued.client_id {
        return Err(refuse(
            "The OAuth code was issued to a different app: oauth.api.key does not match its client_id"
                .into(),
        ));
    }
    check_granted(key, &issued.granted, &given, configuration)
}
