//! The instance's life after its create: the paged listing, one instance,
//! its changes, its re-authorization, its removal, and switching it off
//! and on (`/instances/enabled`).

use crate::element::Auth;
use crate::http::{random_bytes, Request, Response};
use crate::instances::{
    bad, check_code, check_oauth1, check_required, configuration, json_object, name,
    new_element_token, oauth1_grant, present_code, tags,
};
use crate::state::State;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// The most instances one page of `GET /instances` holds, and its default.
pub const MAX_PAGE_SIZE: usize = 200;
/// The response header that carries the next page's token.
pub const NEXT_PAGE_HEADER: &str = "elements-next-page-token";

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
                bad(format!(
                    "pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}, not '{text}'"
                ))
            }),
    }
}

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
    let (page, more) = store.page(after, size);
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

/// The fields of a PATCH body the platform takes.
const PATCHABLE: &[&str] = &["name", "tags", "configuration"];

/// `PATCH /instances/{id}`: a new name, a new tag list (it replaces the old
/// one whole), or configuration entries (merged into the stored ones).
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
            "PATCH /instances/{{id}} changes name, tags and configuration only; '{other}' cannot be changed this way"
        )));
    }
    let (new_name, new_tags, entries) = (name(&body)?, tags(&body)?, configuration(&body)?);
    let (element_key, mut merged) = {
        let store = state.store();
        let instance = store.instance(n).ok_or_else(|| no_such_instance(id))?;
        (instance.element_key.clone(), instance.configuration.clone())
    };
    merged.extend(entries);
    let element = state.element(&element_key)?;
    check_required(element, &merged)?;
    let mut store = state.store();
    let instance = store.instance_mut(n).ok_or_else(|| no_such_instance(id))?;
    instance.configuration = merged;
    if let Some(name) = new_name {
        instance.name = name;
    }
    if let Some(tags) = new_tags {
        instance.tags = tags;
    }
    Ok(Response::json(200, &state.render(instance, true)))
}

/// `PUT /instances/{id}`: replaces the name, tags and configuration given.
/// With `?reAuthenticate=true` it signs the instance in again with a fresh
/// OAuth grant in `providerData`: the configuration entries given are
/// merged into the stored ones, the grant is checked as a create's would
/// be, and on success the instance is valid again with a new token.
pub fn put(state: &State, id: &str, req: &Request) -> Response {
    match try_put(state, id, req) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_put(state: &State, id: &str, req: &Request) -> Result<Response, Response> {
    let n = parse_id(id)?;
    let reauthenticate = match req.param("reAuthenticate") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(v) => {
            return Err(bad(format!(
                "reAuthenticate must be true or false, not '{v}'"
            )))
        }
    };
    let body = json_object(req, "PUT /instances/{id}")?;
    let (element_key, stored) = {
        let store = state.store();
        let instance = store.instance(n).ok_or_else(|| no_such_instance(id))?;
        (instance.element_key.clone(), instance.configuration.clone())
    };
    let element = state.element(&element_key)?;
    let key = &element.facts.key;
    match body.get("element").and_then(|e| e.get("key")) {
        None | Some(Value::Null) => {}
        Some(Value::String(k)) if k.eq_ignore_ascii_case(key) => {}
        Some(_) => {
            return Err(bad(format!(
                "Instance {n} is an instance of '{key}': an instance keeps its element; create a new one for another element"
            )))
        }
    }
    let (new_name, new_tags, entries) = (name(&body)?, tags(&body)?, configuration(&body)?);
    let configuration = if reauthenticate {
        let mut merged = stored;
        merged.extend(entries);
        match element.facts.auth {
            Auth::Oauth2 => {
                let presented = present_code(state, element, &body)?;
                check_code(key, presented, &merged)?;
            }
            Auth::Oauth1 => {
                let grant = oauth1_grant(state, &body)?;
                check_oauth1(key, grant, &merged)?;
            }
            Auth::Basic | Auth::Custom => {
                return Err(bad(format!(
                    "'{key}' does not use OAuth, so there is nothing to re-authenticate: change its configuration with PATCH /instances/{n} instead"
                )))
            }
        }
        merged
    } else if body.contains_key("configuration") {
        entries
    } else {
        stored
    };
    check_required(element, &configuration)?;

    let mut store = state.store();
    let instance = store.instance_mut(n).ok_or_else(|| no_such_instance(id))?;
    instance.configuration = configuration;
    if let Some(name) = new_name {
        instance.name = name;
    }
    if let Some(tags) = new_tags {
        instance.tags = tags;
    }
    if reauthenticate {
        instance.valid = true;
        store.rotate_token(n, new_element_token());
    }
    let instance = store.instance(n).ok_or_else(|| no_such_instance(id))?;
    Ok(Response::json(200, &state.render(instance, true)))
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
