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
use super::{bundled, bundled_spec, AuthKind, ElementSpec};
use crate::api::{ApiError, Client, Fetched};
use serde::{Deserialize, Serialize};
use std::time::SystemTime;

/// One element a person can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub hub: String,
    #[serde(default)]
    pub description: String,
    pub auth: AuthKind,
    /// The platform marks it beta: show it, flagged.
    #[serde(default)]
    pub beta: bool,
    /// A bundled spec exists: its curated form needs no metadata call.
    #[serde(default)]
    pub bundled: bool,
}

impl CatalogEntry {
    fn from_spec(spec: &ElementSpec) -> CatalogEntry {
        CatalogEntry {
            key: spec.key.clone(),
            name: spec.name.clone(),
            hub: spec.hub.clone(),
            description: spec.description.clone(),
            auth: spec.auth,
            beta: spec.beta,
            bundled: true,
        }
    }
}

/// Where a catalog's list comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The specs shipped in the binary.
    Bundled,
    /// The platform at `base_url`, as it answered at `fetched_at`.
    Live {
        base_url: String,
        fetched_at: SystemTime,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    origin: Origin,
}

impl Catalog {
    /// The bundled specs: the catalog offline or before secrets are given.
    pub fn bundled() -> Catalog {
        Catalog {
            entries: bundled().iter().map(CatalogEntry::from_spec).collect(),
            origin: Origin::Bundled,
        }
    }

    /// The platform's elements (already filtered to active, not deleted),
    /// merged with the bundled specs: where one exists its name, hub,
    /// description and authentication win. Sorted by name; a key listed
    /// twice is kept once.
    pub fn live(base_url: &str, fetched_at: SystemTime, elements: Vec<CatalogEntry>) -> Catalog {
        let mut seen = std::collections::HashSet::new();
        let mut entries: Vec<CatalogEntry> = elements
            .into_iter()
            .filter(|e| seen.insert(e.key.to_ascii_lowercase()))
            .map(|e| match bundled_spec(&e.key) {
                Some(spec) => CatalogEntry {
                    beta: e.beta,
                    ..CatalogEntry::from_spec(spec)
                },
                None => CatalogEntry {
                    bundled: false,
                    ..e
                },
            })
            .collect();
        entries.sort_by_cached_key(|e| (e.name.to_lowercase(), e.key.to_lowercase()));
        Catalog {
            entries,
            origin: Origin::Live {
                base_url: base_url.trim_end_matches('/').to_string(),
                fetched_at,
            },
        }
    }

    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn is_live(&self) -> bool {
        matches!(self.origin, Origin::Live { .. })
    }

    /// By key, ignoring case.
    pub fn find(&self, key: &str) -> Option<&CatalogEntry> {
        let key = key.trim();
        self.entries
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(key))
    }

    /// Up to five keys close to a mistyped one, closest first: keys and
    /// names containing it (or contained in it), and keys a few typos away.
    pub fn suggestions(&self, key: &str) -> Vec<&str> {
        let wanted = key.trim().to_lowercase();
        if wanted.is_empty() {
            return vec![];
        }
        let budget = (wanted.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, &str)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let k = e.key.to_lowercase();
                let contains = k.contains(&wanted)
                    || wanted.contains(&k)
                    || e.name.to_lowercase().contains(&wanted);
                let distance = edit_distance(&wanted, &k);
                if distance <= budget {
                    Some((distance, e.key.as_str()))
                } else if contains {
                    Some((budget + 1 + k.len().abs_diff(wanted.len()), e.key.as_str()))
                } else {
                    None
                }
            })
            .collect();
        scored.sort();
        scored.into_iter().take(5).map(|(_, k)| k).collect()
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

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
/// active, not deleted, with a key. Beta elements stay, marked.
pub fn parse_elements(text: &str) -> Result<Vec<CatalogEntry>, ApiError> {
    let wire: Vec<WireElement> = serde_json::from_str(text).map_err(|e| ApiError::Decode {
        detail: if text.trim_start().starts_with('<') {
            "an HTML page came back instead of the element list".into()
        } else {
            format!("the element list: {e}")
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
            Some(CatalogEntry {
                name: w
                    .name
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| key.clone()),
                key,
                hub: w.hub.unwrap_or_default(),
                description: w.description.unwrap_or_default(),
                auth,
                beta: w.beta.unwrap_or(false),
                bundled: false,
            })
        })
        .collect())
}

/// Fetches the catalog from the platform the client points at, with the
/// cached copy's ETag when there is one (a 304 keeps that copy and renews
/// its fetch time), and writes the result to the cache.
pub async fn refresh(client: &Client) -> Result<Catalog, ApiError> {
    let base_url = client.base_url();
    let cached = cache::read(base_url);
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
    let _ = cache::write(&CacheFile::new(
        base_url,
        fetched_at,
        etag,
        elements.clone(),
    ));
    Ok(Catalog::live(base_url, fetched_at, elements))
}

/// The form of a catalog element: its bundled spec when there is one (no
/// request), otherwise one built from `GET /elements/{key}/configuration`.
pub async fn element_spec(client: &Client, entry: &CatalogEntry) -> Result<ElementSpec, ApiError> {
    if let Some(spec) = bundled_spec(&entry.key) {
        return Ok(spec.clone());
    }
    let metadata = client.element_configuration(&entry.key).await?;
    Ok(spec_from_metadata(entry, &metadata))
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
    if let Some(cached) = super::load_cached(client.base_url()) {
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

    #[test]
    fn bundled_specs_win_in_the_merge() {
        let mut platform = entry("BigCommerce", "bigcommerce (platform name)");
        platform.beta = true;
        platform.auth = AuthKind::Custom;
        let catalog = Catalog::live(
            "http://h/x/",
            SystemTime::UNIX_EPOCH,
            vec![
                entry("zeta", "Zeta"),
                platform,
                entry("alpha", "alpha"),
                entry("ZETA", "dup"),
            ],
        );
        let keys: Vec<&str> = catalog.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["alpha", "bigcommerce", "zeta"]);
        let bc = catalog.find("BIGCOMMERCE").unwrap();
        assert_eq!(
            (bc.name.as_str(), bc.auth, bc.bundled, bc.beta),
            ("BigCommerce", AuthKind::Basic, true, true)
        );
        assert!(!catalog.find("zeta").unwrap().bundled);
        assert_eq!(
            catalog.origin(),
            &Origin::Live {
                base_url: "http://h/x".into(),
                fetched_at: SystemTime::UNIX_EPOCH
            }
        );
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

    #[test]
    fn the_bundled_catalog_is_the_bundled_specs() {
        let c = Catalog::bundled();
        assert_eq!(c.len(), bundled().len());
        assert!(!c.is_live());
        assert!(c.entries().iter().all(|e| e.bundled));
    }

    #[test]
    fn suggestions_rank_typos_and_substrings() {
        let catalog = Catalog::live(
            "http://h",
            SystemTime::UNIX_EPOCH,
            vec![
                entry("shopify", "Shopify"),
                entry("shopware", "Shopware"),
                entry("hubspotcrm", "HubSpot CRM"),
                entry("zendesk", "Zendesk"),
            ],
        );
        assert_eq!(catalog.suggestions("shopifyy"), ["shopify"]);
        assert_eq!(catalog.suggestions("shop"), ["shopify", "shopware"]);
        assert_eq!(catalog.suggestions("hubspot"), ["hubspotcrm"]);
        assert!(catalog.suggestions("qqqqqq").is_empty());
        assert!(catalog.suggestions(" ").is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
