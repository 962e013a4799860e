//! What every handler shares: the account secrets, the catalog, the store
//! the request log and the load conditions. A leaf below the handlers, so that they depend on it
//! and never on one another.

use crate::catalog::{Catalog, Element};
use crate::faults::Injector;
use crate::http::Response;
use crate::instance::Instance;
use crate::load::{Admission, Conditions};
use crate::secret::Secret;
use crate::store::Store;
use crate::sync::lock;
use serde_json::{json, Value};
use std::sync::{Mutex, MutexGuard, OnceLock};

#[derive(Clone)]
pub struct RequestRecord {
    pub method: String,
    /// Without the query string.
    pub path: String,
    pub status: u16,
    /// The decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The body, when it was JSON: what a test checks a client sent.
    pub body: Option<Value>,
}

/// Names only: query values and bodies carry codes and secrets.
impl std::fmt::Debug for RequestRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestRecord")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field(
                "query_names",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field(
                "body_keys",
                &self
                    .body
                    .as_ref()
                    .and_then(Value::as_object)
                    .map(|o| o.keys().collect::<Vec<_>>()),
            )
            .finish()
    }
}

pub struct State {
    pub port: u16,
    pub user_secret: Secret,
    pub org_secret: Secret,
    /// Built by the first request that needs it, on a sandbox worker: the
    /// few hundred generated elements cost a `--sandbox` wizard nothing
    /// before its first frame.
    catalog: OnceLock<Catalog>,
    store: Mutex<Store>,
    pub records: Mutex<Vec<RequestRecord>>,
    pub log_requests: bool,
    pub faults: Injector,
    /// Latency, rate limit and breakage (`load.rs`).
    pub conditions: Conditions,
}

impl State {
    pub fn new(
        port: u16,
        user_secret: Secret,
        org_secret: Secret,
        store: Store,
        log_requests: bool,
        faults: Injector,
        conditions: Conditions,
    ) -> State {
        State {
            port,
            user_secret,
            org_secret,
            catalog: OnceLock::new(),
            store: Mutex::new(store),
            records: Mutex::new(Vec::new()),
            log_requests,
            faults,
            conditions,
        }
    }

    /// What the account's load conditions make of one more request.
    pub fn admit(&self) -> Admission {
        self.conditions
            .admit(&self.store, std::time::Instant::now())
    }

    pub fn catalog(&self) -> &Catalog {
        self.catalog.get_or_init(Catalog::sandbox)
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// An element that can be found (not deleted), or the platform's 404.
    pub fn element(&self, key_or_id: &str) -> Result<&Element, Response> {
        self.catalog().find(key_or_id).ok_or_else(|| {
            Response::error(
                404,
                format!("No element found with key or id '{key_or_id}'"),
            )
        })
    }

    /// An instance's JSON, with its element's block; with `masked`, the
    /// values of the element's `PASSWORD` entries are hidden.
    pub fn render(&self, instance: &Instance, masked: bool) -> Value {
        match self.catalog().find(&instance.element_key) {
            Some(element) => {
                let secret = if masked {
                    element.secret_keys()
                } else {
                    Vec::new()
                };
                instance.to_json(element.instance_block(), &|k| secret.iter().any(|s| s == k))
            }
            None => instance.to_json(json!({ "key": instance.element_key }), &|_| masked),
        }
    }
}
