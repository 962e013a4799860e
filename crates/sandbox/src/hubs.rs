//! Calls through an instance: `GET /hubs/{hub}/{resource}` with the
//! three-part header `User …, Organization …, Element <token>`. The
//! instance's own state decides the answer, as the provider behind it
//! would: a refused grant is a 401 with the provider's word, a disabled
//! instance a 403.

use crate::http::{parse_authorization, Request, Response};
use crate::lifecycle::page_size;
use crate::state::State;
use serde_json::{json, Value};

/// What the ecommerce hub reads (the BigCommerce seed's poller names them).
pub const ECOMMERCE: &[&str] = &["orders", "products", "customers"];
/// Records each instance's provider holds of each resource.
const RECORDS: u64 = 5;

/// The `Element` part of the Authorization header; the account secrets
/// were checked before.
pub fn element_token(req: &Request) -> Result<&str, Response> {
    req.header("authorization")
        .and_then(parse_authorization)
        .and_then(|c| c.element)
        .ok_or_else(|| {
            Response::error(
                401,
                "This call goes through an instance: send its token too, as `Authorization: User <user secret>, Organization <organization secret>, Element <token>`",
            )
        })
}

pub fn unknown_token() -> Response {
    Response::error(
        401,
        "Invalid Element token: no instance has it (it was deleted, or a re-authorization gave it a new token)",
    )
}

/// `GET /hubs/{hub}/{resource}`.
pub fn read(state: &State, req: &Request, hub: &str, resource: &str) -> Response {
    match try_read(state, req, hub, resource) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_read(state: &State, req: &Request, hub: &str, resource: &str) -> Result<Response, Response> {
    let token = element_token(req)?;
    let (id, name, key, valid, disabled) = {
        let mut store = state.store();
        let i = store.by_token(token).ok_or_else(unknown_token)?;
        (
            i.id,
            i.name.clone(),
            i.element_key.clone(),
            i.valid,
            i.disabled,
        )
    };
    if disabled {
        return Err(Response::error(
            403,
            format!(
                "Instance {id} ('{name}') is disabled: enable it (PUT /instances/enabled with its token) before calling through it"
            ),
        ));
    }
    let element = state.element(&key)?;
    if !valid {
        let provider = if element.facts.auth.is_oauth() {
            "invalid_grant: the access token was revoked or has expired"
        } else {
            "401 Unauthorized: the API credentials were rejected"
        };
        return Err(Response::provider_error(
            401,
            format!(
                "The provider refused the credentials of instance {id} ('{name}'): re-authorize it (PUT /instances/{id}?reAuthenticate=true) or update its configuration (PATCH /instances/{id})"
            ),
            provider,
        ));
    }
    if !element.facts.hub.eq_ignore_ascii_case(hub) {
        return Err(Response::error(
            404,
            format!(
                "'{key}' belongs to the {} hub, not to {hub}",
                element.facts.hub
            ),
        ));
    }
    if !(hub == "ecommerce" && ECOMMERCE.contains(&resource)) {
        return Err(Response::error(
            404,
            format!(
                "No resource '{resource}' in the {hub} hub here; the sandbox serves GET /hubs/ecommerce/{}",
                ECOMMERCE.join("|")
            ),
        ));
    }
    let size = page_size(req)? as u64;
    let records: Vec<Value> = (1..=RECORDS.min(size))
        .map(|n| record(resource, id, n))
        .collect();
    Ok(Response::json(200, &Value::Array(records)))
}

/// A made-up record, the same for the same instance every time.
fn record(resource: &str, instance: u64, n: u64) -> Value {
    let id = instance * 100 + n;
    let status = ["pending", "shipped", "completed"][(n % 3) as usize];
    match resource {
        "orders" => json!({
            "id": id,
            "status": status,
            "total": format!("{}.{:02}", 10 + n * 7, n * 13 % 100),
            "currency": "USD",
        }),
        "products" => {
            json!({ "id": id, "name": format!("Sample product {n}"), "price": format!("{}.99", n * 5) })
        }
        _ => {
            json!({ "id": id, "email": format!("customer{n}@example.com"), "firstName": format!("Customer {n}") })
        }
    }
}
