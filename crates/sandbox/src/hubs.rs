//! Calls through an instance: `GET /hubs/{hub}/{resource}` with the
//! three-part header `User …, Organization …, Element <token>`. The
//! instance's own state decides the answer, as the provider behind it
//! would: a refused grant is a 401 with the provider's word, a disabled
//! instance a 403.
//!
//! `GET /hubs/{hub}/ping` is the platform's health check (churros pings 57
//! elements, `src/test/elements/<element>/ping.js`); the platform ignores
//! the hub segment (churros "should ignore any provided hub"), so a ping
//! answers whatever hub it names. An element answers it when
//! [`has_ping`] says so.

use crate::http::{page_size, parse_authorization, Request, Response};
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

/// The elements the platform's test suite pings: each has a `ping.js`
/// under `src/test/elements/` in varunpal72/churros.
const PINGED_BY_CHURROS: &[&str] = &[
    "abbyy",
    "actoneb",
    "adobe-esign",
    "amazons3",
    "autotaskcrm",
    "autotaskfinance",
    "autotaskhelpdesk",
    "bigcommerce",
    "brandfolder",
    "chargify",
    "docusign",
    "dropbox",
    "ecwid",
    "egnyte",
    "eventmobiv1",
    "evernote",
    "expensify",
    "facebookleadads",
    "facebooksocial",
    "fieldawarev2",
    "freshbooks",
    "freshservice",
    "icontact",
    "infusionsoftmarketing",
    "intacct",
    "linkedin",
    "magentov20",
    "mailjet",
    "marketo",
    "netsuitefinancev2",
    "netsuitehcv2",
    "onedrive",
    "onedrivebusiness",
    "onedrivev2",
    "oraclesalescloud",
    "pardot",
    "postgresql",
    "quickbooks",
    "sagelivev1",
    "sageone",
    "sailthru",
    "salesforcemarketingcloud",
    "sendgrid",
    "servicecloud",
    "servicemax",
    "servicenow",
    "sfdclibraries",
    "sharefile",
    "shopify",
    "slack",
    "stripe",
    "twiliov2",
    "twitter",
    "volusion",
    "woocommercerest",
    "wrike",
    "zendesk",
];

/// Seeds the platform's test suite never pings (no `ping.js` of theirs):
/// the sandbox takes that as "has none", so a client meets elements
/// without a health check. Churros' silence is no proof; it is a choice.
const SEEDS_WITHOUT_PING: &[&str] = &["woocommerce", "infusionsoftecommerce"];

/// Whether the element answers `GET /hubs/{hub}/ping`: those churros pings,
/// none of [`SEEDS_WITHOUT_PING`], and of the others (the generated
/// elements) three in four, chosen by a hash of the key.
pub fn has_ping(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    if PINGED_BY_CHURROS.contains(&key.as_str()) {
        return true;
    }
    if SEEDS_WITHOUT_PING.contains(&key.as_str()) {
        return false;
    }
    // FNV-1a: the same answer on every run.
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % 4 != 0
}

/// `GET /hubs/{hub}/{resource}`; `ping` is the health check.
pub fn read(state: &State, req: &Request, resource: &str) -> Response {
    if resource == "ping" {
        return ping(state, req);
    }
    match try_read(state, req, resource) {
        Ok(answer) | Err(answer) => answer,
    }
}

/// The instance a call goes through, when it may: its id and element key.
fn through(state: &State, req: &Request) -> Result<(u64, String), Response> {
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
                "Instance {id} ('{name}') is disabled: enable it (PUT /instances/{id}/enabled) before calling through it"
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
                "The provider refused the credentials of instance {id} ('{name}'): re-authorize it (PATCH /instances/{id} with providerData from a new sign-in) or update its configuration (PATCH /instances/{id})"
            ),
            provider,
        ));
    }
    Ok((id, key))
}

/// `GET /hubs/{hub}/ping`: 200 for an element that has it, whatever the hub.
/// Churros checks only the status; the body is the sandbox's own, small,
/// and nothing a client should read.
pub fn ping(state: &State, req: &Request) -> Response {
    match through(state, req) {
        Ok((id, key)) if has_ping(&key) => Response::json(
            200,
            &json!({ "instanceId": id, "element": key, "status": "ok" }),
        ),
        Ok((_, key)) => Response::error(
            404,
            format!("No resource 'ping' for '{key}': this element has no health check; read one record instead"),
        ),
        Err(refusal) => refusal,
    }
}

/// The resource is the element's: the hub the path names is not checked
/// (churros "should ignore any provided hub").
fn try_read(state: &State, req: &Request, resource: &str) -> Result<Response, Response> {
    let (id, key) = through(state, req)?;
    let element = state.element(&key)?;
    let hub = &element.facts.hub;
    if !(hub == "ecommerce" && ECOMMERCE.contains(&resource)) {
        return Err(Response::error(
            404,
            format!(
                "No resource '{resource}' for '{key}' (of the {hub} hub); the sandbox serves {} for ecommerce elements",
                ECOMMERCE.join(", ")
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
