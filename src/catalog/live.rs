//! The catalog a person picks from: the platform's `GET /elements` when the
//! account secrets are known, merged with the bundled specs; the bundled
//! specs alone offline or before secrets are given.
//!
//! For the terminal UI: show [`load_cached`](super::load_cached) (or
//! [`Catalog::bundled`]) at once, run [`refresh`] in a task, swap the
//! catalog when it returns, and build the chosen element's form with
//! [`element_spec`].

use super::cache::{self, CacheFile};
use super::metadata::spec_from_metadata;
use super::model::{Catalog, CatalogEntry};
use super::{bundled_spec, signin, AuthKind, ElementSpec};
use crate::api::{ApiError, Client, Fetched};
use serde::Deserialize;
use std::time::SystemTime;

/// The fields of `GET /elements` the catalog keeps; everything else in the
/// (large) answer is skipped while parsing.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireElement {
    key: Option<String>,
    name: Option<String>,
    description: Option<String>,
    hub: Option<String>,
    active: Option<bool>,
    deleted: Option<bool>,
    beta: Option<bool>,
    authentication: Option<WireAuthentication>,
    type_oauth: Option<bool>,
}

#[derive(Deserialize)]
struct WireAuthentication {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Parses a `GET /elements` answer into the entries a person may pick:
/// active, not deleted, with a key. Beta elements stay, marked. Every text
/// is cleaned and bounded ([`CatalogEntry::cleaned`]); an entry whose key
/// holds control characters or spaces is left out.
pub fn parse_elements(text: &str) -> Result<Vec<CatalogEntry>, ApiError> {
    // Positions only, never serde_json's message: it quotes the offending
    // value, which is the platform's and may hold escape sequences.
    let wire: Vec<WireElement> = serde_json::from_str(text).map_err(|e| ApiError::Decode {
        detail: if text.trim_start().starts_with('<') {
            "an HTML page came back instead of the element list".into()
        } else {
            format!(
                "the element list is not what the API documents (line {}, column {})",
                e.line(),
                e.column()
            )
        },
    })?;
    Ok(wire
        .into_iter()
        .filter(|w| w.active.unwrap_or(true) && !w.deleted.unwrap_or(false))
        .filter_map(|w| {
            let key = w.key?.trim().to_string();
            if key.is_empty() {
                return None;
            }
            let auth = match w.authentication.and_then(|a| a.kind) {
                Some(kind) => AuthKind::from_platform(&kind),
                None if w.type_oauth == Some(true) => AuthKind::Oauth2,
                None => AuthKind::Custom,
            };
            CatalogEntry {
                name: w
                    .name
                    .map(|n| crate::sanitize::line(&n).trim().to_string())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| key.clone()),
                key,
                hub: w.hub.unwrap_or_default(),
                description: w.description.unwrap_or_default(),
                auth,
                beta: w.beta.unwrap_or(false),
                bundled: false,
            }
            .cleaned()
        })
        .collect())
}

/// Fetches the catalog from the platform the client points at, with the
/// cached copy's ETag when there is one (a 304 keeps that copy and renews
/// its fetch time), and writes the result to the cache.
pub async fn refresh(client: &Client) -> Result<Catalog, ApiError> {
    let base_url = client.base_url();
    // The cache's file calls block: they run on tokio's blocking pool, not
    // on the worker that drives the UI's other tasks.
    let cached = off_the_runtime({
        let base_url = base_url.to_string();
        move || cache::read(&base_url)
    })
    .await
    .flatten();
    let etag = cached.as_ref().and_then(|c| c.etag.clone());
    let fetched_at = SystemTime::now();
    let (elements, etag) = match client.list_elements_if_changed(etag.as_deref()).await? {
        Fetched::Body { text, etag } => (parse_elements(&text)?, etag),
        Fetched::NotModified => match cached {
            Some(c) => (c.elements, c.etag),
            // Only possible when the server ignores our (absent) ETag.
            None => {
                return Err(ApiError::Decode {
                    detail: "the server answered 304 Not Modified to a plain request".into(),
                })
            }
        },
    };
    // A cache that cannot be written costs one fetch on the next start; it
    // must not cost this run its catalog.
    let file = CacheFile::new(base_url, fetched_at, etag, elements.clone());
    let _ = off_the_runtime(move || cache::write(&file)).await;
    Ok(Catalog::live(base_url, fetched_at, elements))
}

/// Fetches the catalog without reading or writing the cache: for the
/// in-process sandbox, whose address changes on every run, so that a copy
/// of its catalog would never be read again.
pub async fn fetch(client: &Client) -> Result<Catalog, ApiError> {
    match client.list_elements_if_changed(None).await? {
        Fetched::Body { text, .. } => Ok(Catalog::live(
            client.base_url(),
            SystemTime::now(),
            parse_elements(&text)?,
        )),
        Fetched::NotModified => Err(ApiError::Decode {
            detail: "the server answered 304 Not Modified to a plain request".into(),
        }),
    }
}

/// Runs blocking file work on tokio's blocking pool; `None` when it could
/// not run there (the runtime is shutting down).
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok()
}

/// The form of a catalog element: its bundled spec when there is one and
/// it offers the kind the catalog names (no request), otherwise one built
/// from `GET /elements/{key}/configuration`. A bundled element the
/// platform signs in another way gets the platform's form, curated where
/// the bundled one knows a field, with a note ([`signin::follow_platform`]);
/// when that form cannot be read, the bundled one with a note.
pub async fn element_spec(client: &Client, entry: &CatalogEntry) -> Result<ElementSpec, ApiError> {
    let bundled = bundled_spec(&entry.key);
    if let Some(spec) = bundled.filter(|s| !signin::disagrees(s, entry.auth)) {
        return Ok(spec.clone());
    }
    let metadata = client.element_configuration(&entry.key).await;
    Ok(match (bundled, metadata) {
        (None, metadata) => spec_from_metadata(entry, &metadata?),
        (Some(b), Ok(metadata)) => {
            signin::follow_platform(b, &spec_from_metadata(entry, &metadata))
        }
        (Some(b), Err(e)) => signin::bundled_despite(b, entry.auth, &e.to_string()),
    })
}

/// What looking a key up in the live catalog found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Found(CatalogEntry),
    /// Not in the platform's catalog either; the closest keys, best first.
    Unknown {
        suggestions: Vec<String>,
    },
}

/// Finds an element by key in the cached catalog, or, when the cache lacks
/// it (or there is none), in a freshly fetched one.
pub async fn lookup(client: &Client, key: &str) -> Result<Lookup, ApiError> {
    let base_url = client.base_url().to_string();
    if let Some(cached) = off_the_runtime(move || super::load_cached(&base_url))
        .await
        .flatten()
    {
        if let Some(entry) = cached.catalog.find(key) {
            return Ok(Lookup::Found(entry.clone()));
        }
    }
    let catalog = refresh(client).await?;
    Ok(match catalog.find(key) {
        Some(entry) => Lookup::Found(entry.clone()),
        None => Lookup::Unknown {
            suggestions: catalog
                .suggestions(key)
                .into_iter()
                .map(str::to_string)
                .collect(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(key: &str, name: &str) -> CatalogEntry {
        CatalogEntry {
            key: key.into(),
            name: name.into(),
            hub: "crm".into(),
            description: String::new(),
            auth: AuthKind::Custom,
            beta: false,
            bundled: false,
        }
    }

    #[test]
    fn the_list_keeps_active_undeleted_elements_and_marks_beta() {
        let text = json!([
            {"id": 1, "key": "a", "name": "A", "hub": "crm", "active": true, "deleted": false, "beta": true,
             "authentication": {"type": "oauth1"}, "configuration": [{"key": "x"}], "image": "i"},
            {"key": "inactive", "active": false},
            {"key": "deleted", "deleted": true},
            {"key": "  "},
            {"name": "no key"},
            {"key": "b", "typeOauth": true, "name": null, "hub": null},
            {"key": "c", "authentication": {}},
        ])
        .to_string();
        let entries = parse_elements(&text).unwrap();
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert!(entries[0].beta);
        assert_eq!(entries[0].auth, AuthKind::Oauth1);
        assert_eq!(
            (entries[1].auth, entries[1].name.as_str()),
            (AuthKind::Oauth2, "b")
        );
        assert_eq!(entries[2].auth, AuthKind::Custom);
        assert!(parse_elements("<html>")
            .unwrap_err()
            .to_string()
            .contains("HTML"));
        assert!(parse_elements("{}").is_err());
    }

    /// The UI runs these in tokio tasks, which need `Send` futures.
    #[test]
    fn the_async_calls_can_run_in_a_spawned_task() {
        fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}
        let client = Client::new(
            "http://127.0.0.1:9/elements/api-v2",
            crate::api::Credentials {
                user: "u".into(),
                org: "o".into(),
            },
        )
        .unwrap();
        let entry = entry("a", "A");
        let c = client.clone();
        spawnable(async move { refresh(&c).await });
        let c = client.clone();
        spawnable(async move { lookup(&c, "a").await });
        spawnable(async move { element_spec(&client, &entry).await });
    }
}
