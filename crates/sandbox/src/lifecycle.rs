//! The instance's life after its create: the paged listing, one instance,
//! its changes, its re-authorization, its removal, and switching it off
//! and on (`/instances/{id}/enabled`, and `/instances/enabled` by token).
//!
//! The listing searches on the platform's side with `searchText` and
//! `tags[]`, the query parameters the platform's swagger gives
//! `GET /instances` (`cloud-elements/ce-sdkifier:src/core/platformSDK.ts`,
//! `getInstancesParameters`). `tags[]` keeps the instances that carry the
//! tag, as the platform's own suite checks it (churros `should support
//! search tags`, `varunpal72/churros:src/test/platform/elements/instances.js`,
//! and its `getBackup` in `src/core/provisioner.js`); given several times,
//! an instance carrying any of them. The evidence says nothing of what
//! `searchText` matches: here it is a loose search, the text anywhere in
//! the instance's name or its element's key, in any case, as a console's
//! search box finds things. Both hold on every page (`nextPage` continues
//! the same search).
//!
//! Re-authorization is no call of its own: a `PATCH` (or a whole `PUT`)
//! that carries `providerData` re-provisions the instance, as the platform's
//! test suite does (churros `updateInstanceWithReprovision`). No query
//! parameter is special: the platform ignores those it does not know.
//!
//! Whatever a `PATCH` or `PUT` sends is stored as sent, as the platform
//! stores configuration: a masked value (`********`) sent back becomes the
//! value, and a setting the platform derives itself (`oauth.user.*`, the
//! element's internal entries) overwritten with another value is what the
//! provider is then called with. Neither is refused; both leave the
//! instance broken (`valid: false`), which is what a provider shown a
//! literal `********` or a token it never issued would make of it. A
//! re-provision presenting a masked app secret fails its token exchange.

use crate::catalog::Element;
use crate::element::Auth;
use crate::http::{page_size, random_bytes, Request, Response};
use crate::instance::{Instance, MASK};
use crate::instances::{
    bad, check_code, check_oauth1, check_required, configuration, json_object, name,
    new_element_token, oauth1_grant, present_code, tags,
};
use crate::state::State;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// The response header that carries the next page's token.
pub const NEXT_PAGE_HEADER: &str = "elements-next-page-token";

/// `GET /instances`: one page, oldest first, secrets masked;
/// `elements-next-page-token` names the next one when there is more; an
/// empty page is a 404 "No instances found".
pub fn list(state: &State, req: &Request) -> Response {
    let size = match page_size(req) {
        Ok(size) => size,
        Err(refusal) => return refusal,
    };
    let mut store = state.store();
    let after = match req.param("nextPage") {
        None => None,
        Some(token) => match store.page_cursor(token) {
            Some(cursor) => Some(cursor),
            None => {
                return bad(
                    "nextPage is not a page token this platform gave out (or it is too old): list again from the first page, without nextPage",
                )
            }
        },
    };
    let search = Search::of(req);
    let (page, more) = store.page_where(after, size, |i| search.takes(i));
    // A list with nothing in it is a 404 "No ... found" on the platform:
    // the official CLI reads it so
    // (`CloudElementsOpenLabs/the-doctor:src/util/get.js`).
    if page.is_empty() {
        return Response::error(404, "No instances found");
    }
    let last = page.last().map(|i| i.id);
    // Secrets masked as in the answer for one instance.
    let body = Value::Array(page.into_iter().map(|i| state.render(i, true)).collect());
    let response = Response::json(200, &body);
    match (more, last) {
        (true, Some(last)) => {
            let token = URL_SAFE_NO_PAD.encode(random_bytes::<18>());
            store.issue_page_token(token.clone(), last);
            response.with_header(NEXT_PAGE_HEADER, token)
        }
        _ => response,
    }
}

/// What `searchText` and `tags[]` ask of a listing.
struct Search {
    /// Lowercased.
    text: Option<String>,
    tags: Vec<String>,
}

impl Search {
    fn of(req: &Request) -> Search {
        Search {
            text: req.param("searchText").map(|t| t.trim().to_lowercase()),
            tags: req
                .query
                .iter()
                .filter(|(k, v)| k == "tags[]" && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    fn takes(&self, i: &Instance) -> bool {
        let text_ok = self.text.as_deref().is_none_or(|t| {
            i.name.to_lowercase().contains(t) || i.element_key.to_lowercase().contains(t)
        });
        let tags_ok = self.tags.is_empty() || self.tags.iter().any(|t| i.tags.contains(t));
        text_ok && tags_ok
    }
}

fn no_such_instance(id: &str) -> Response {
    Response::error(404, format!("No instance found with id '{id}'"))
}

fn parse_id(id: &str) -> Result<u64, Response> {
    id.parse::<u64>().map_err(|_| no_such_instance(id))
}

/// `GET /instances/{id}`, its secrets masked.
pub fn get(state: &State, id: &str) -> Response {
    let Ok(n) = parse_id(id) else {
        return no_such_instance(id);
    };
    match state.store().instance(n) {
        Some(instance) => Response::json(200, &state.render(instance, true)),
        None => no_such_instance(id),
    }
}

/// `DELETE /instances/{id}`: answers the instance as it was.
pub fn delete(state: &State, id: &str) -> Response {
    let removed = parse_id(id)
        .ok()
        .and_then(|n| state.store().remove_instance(n));
    match removed {
        Some(instance) => Response::json(200, &state.render(&instance, false)),
        None => no_such_instance(id),
    }
}

/// The fields of a PATCH body the sandbox takes: `id` (churros sends the
/// instance's own) and `providerData` (a re-provision) besides the changes.
const PATCHABLE: &[&str] = &["id", "name", "tags", "configuration", "providerData"];

/// `PATCH /instances/{id}`: a new name, a new tag list (it replaces the old
/// one whole), configuration entries (merged into the stored ones); with
/// `providerData`, a re-provision.
pub fn patch(state: &State, id: &str, req: &Request) -> Response {
    match try_patch(state, id, req) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_patch(state: &State, id: &str, req: &Request) -> Result<Response, Response> {
    let n = parse_id(id)?;
    let body = json_object(req, "PATCH /instances/{id}")?;
    if let Some(other) = body.keys().find(|k| !PATCHABLE.contains(&k.as_str())) {
        return Err(bad(format!(
            "PATCH /instances/{{id}} changes name, tags and configuration, or re-provisions with providerData; '{other}' cannot be changed this way"
        )));
    }
    match body.get("id") {
        None | Some(Value::Null) => {}
        Some(v) if v.as_u64() == Some(n) || v.as_str() == Some(id) => {}
        Some(_) => {
            return Err(bad(format!(
                "The body's id does not match instance {n} of the path"
            )))
        }
    }
    let (new_name, new_tags, entries) = (name(&body)?, tags(&body)?, configuration(&body)?);
    let (element_key, stored) = {
        let store = state.store();
        let instance = store.instance(n).ok_or_else(|| no_such_instance(id))?;
        (instance.element_key.clone(), instance.configuration.clone())
    };
    let element = state.element(&element_key)?;
    let mut merged = stored.clone();
    merged.extend(entries.clone());
    check_required(element, &merged)?;
    let reprovision = reprovision(state, element, &body, &merged)?;
    let broken = breaks(element, &stored, &entries, reprovision);
    store_change(
        state,
        n,
        id,
        Change {
            configuration: merged,
            name: new_name,
            tags: new_tags,
            reprovision,
            broken,
        },
    )
}

/// Checks the grant a body's `providerData` presents, as a create would,
/// against the configuration the instance will have. `Ok(false)` when the
/// body carries none.
fn reprovision(
    state: &State,
    element: &Element,
    body: &Map<String, Value>,
    configuration: &Map<String, Value>,
) -> Result<bool, Response> {
    match body.get("providerData") {
        None | Some(Value::Null) => return Ok(false),
        Some(Value::Object(_)) => {}
        Some(_) => return Err(bad("providerData must be a JSON object")),
    }
    let key = &element.facts.key;
    // An element with several sign-in kinds re-provisions the kind its
    // instance chose (Ecwid's OAuth 2 beside its legacy keys).
    let kind = element.kind_in(configuration).map_err(bad)?;
    match kind {
        Auth::Oauth2 => {
            let presented = present_code(state, element, body)?;
            check_code(key, presented, configuration)?;
        }
        Auth::Oauth1 => {
            let grant = oauth1_grant(state, body)?;
            check_oauth1(key, grant, configuration)?;
        }
        Auth::Basic | Auth::Custom => {
            return Err(bad(format!(
                "'{key}' does not use OAuth, so providerData has nothing to re-provision: change its configuration with PATCH /instances/{{id}} instead"
            )))
        }
    }
    // The exchange authenticates the app with its secret: a masked one is
    // not the app's.
    if configuration.get(APP_SECRET).and_then(Value::as_str) == Some(MASK) {
        return Err(Response::provider_error(
            401,
            format!("The provider refused the app's credentials while exchanging the grant: {APP_SECRET} is '{MASK}', not the app's secret"),
            "invalid_client",
        ));
    }
    Ok(true)
}

/// The app secret the OAuth exchange is made with.
const APP_SECRET: &str = "oauth.api.secret";

/// A setting the platform derives itself: the provider's tokens and the
/// element's internal entries.
fn derived(element: &Element, key: &str) -> bool {
    key.starts_with("oauth.user.")
        || element.configuration().as_array().is_some_and(|entries| {
            entries
                .iter()
                .any(|e| e["key"] == key && e["internal"] == true)
        })
}

/// Whether what a call sends leaves the instance's credentials unusable: a
/// secret sent back masked, or a derived setting given another value (a
/// re-provision renews the provider's tokens, so those are its own).
fn breaks(
    element: &Element,
    stored: &Map<String, Value>,
    sent: &Map<String, Value>,
    reprovision: bool,
) -> bool {
    let secrets = element.secret_keys();
    sent.iter().any(|(k, v)| {
        let masked_secret =
            v.as_str() == Some(MASK) && (k == APP_SECRET || secrets.iter().any(|s| s == k));
        let changed_derived = derived(element, k)
            && stored.get(k) != Some(v)
            && !(reprovision && k.starts_with("oauth.user."));
        masked_secret || changed_derived
    })
}

/// What a `PATCH` or `PUT` leaves the instance as.
struct Change {
    configuration: Map<String, Value>,
    name: Option<String>,
    tags: Option<Vec<String>>,
    reprovision: bool,
    broken: bool,
}

fn store_change(state: &State, n: u64, id: &str, change: Change) -> Result<Response, Response> {
    let mut store = state.store();
    let instance = store.instance_mut(n).ok_or_else(|| no_such_instance(id))?;
    instance.configuration = change.configuration;
    if let Some(name) = change.name {
        instance.name = name;
    }
    if let Some(tags) = change.tags {
        instance.tags = tags;
    }
    if change.reprovision {
        instance.valid = true;
        store.rotate_token(n, new_element_token());
    }
    let instance = store.instance_mut(n).ok_or_else(|| no_such_instance(id))?;
    if change.broken {
        instance.valid = false;
    }
    Ok(Response::json(200, &state.render(instance, true)))
}

/// `PUT /instances/{id}`: the whole instance again, as a create's body
/// (churros sends its element, name and every configuration entry):
/// `element` names the instance's own element, `configuration` replaces
/// the stored one and must hold every required entry, and what is left out
/// is reset as a create would set it (no tags, the element's name). With
/// `providerData` it re-provisions, the grant checked as a create's.
pub fn put(state: &State, id: &str, req: &Request) -> Response {
    match try_put(state, id, req) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_put(state: &State, id: &str, req: &Request) -> Result<Response, Response> {
    let n = parse_id(id)?;
    let body = json_object(req, "PUT /instances/{id}")?;
    let (element_key, stored) = {
        let store = state.store();
        let instance = store.instance(n).ok_or_else(|| no_such_instance(id))?;
        (instance.element_key.clone(), instance.configuration.clone())
    };
    let element = state.element(&element_key)?;
    let key = &element.facts.key;
    let named = body.get("element").filter(|e| !e.is_null());
    let Some(named) = named else {
        return Err(bad(format!(
            "PUT /instances/{{id}} replaces the whole instance: send its element ({{\"element\": {{\"key\": \"{key}\"}}}}), its configuration and its name, or change single fields with PATCH /instances/{{id}}"
        )));
    };
    let same = match (named.get("key"), named.get("id")) {
        (Some(Value::String(k)), _) => k.eq_ignore_ascii_case(key),
        (_, Some(v)) => {
            v.as_u64() == Some(element.id) || v.as_str() == Some(&element.id.to_string())
        }
        _ => false,
    };
    if !same {
        return Err(bad(format!(
            "Instance {n} is an instance of '{key}': an instance keeps its element; create a new one for another element"
        )));
    }
    let (new_name, new_tags, entries) = (name(&body)?, tags(&body)?, configuration(&body)?);
    check_required(element, &entries)?;
    let reprovision = reprovision(state, element, &body, &entries)?;
    let broken = breaks(element, &stored, &entries, reprovision);
    store_change(
        state,
        n,
        id,
        Change {
            configuration: entries,
            name: Some(new_name.unwrap_or_else(|| element.facts.name.clone())),
            tags: Some(new_tags.unwrap_or_default()),
            reprovision,
            broken,
        },
    )
}

/// `PUT /instances/{id}/enabled` (enable) and `DELETE
/// /instances/{id}/enabled` (disable), with the account's header (churros
/// `instances.js`). Answers the instance as it now is.
pub fn set_enabled_by_id(state: &State, id: &str, enabled: bool) -> Response {
    let Ok(n) = parse_id(id) else {
        return no_such_instance(id);
    };
    let mut store = state.store();
    match store.instance_mut(n) {
        Some(instance) => {
            instance.disabled = !enabled;
            Response::json(200, &state.render(instance, true))
        }
        None => no_such_instance(id),
    }
}

/// `PUT /instances/enabled` (enable) and `DELETE /instances/enabled`
/// (disable): the instance is the one whose token the call carries.
pub fn set_enabled(state: &State, req: &Request, enabled: bool) -> Response {
    let token = match crate::hubs::element_token(req) {
        Ok(token) => token,
        Err(refusal) => return refusal,
    };
    let mut store = state.store();
    match store.by_token(token) {
        Some(instance) => {
            instance.disabled = !enabled;
            Response::json(200, &state.render(instance, true))
        }
        None => crate::hubs::unknown_token(),
    }
}
