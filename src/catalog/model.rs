//! The catalog's data: the elements a person can pick and where the list
//! came from. A leaf module: the cache and the live refresh both build on
//! it, and it depends on neither.

use super::{bundled, bundled_spec, AuthKind, ElementSpec};
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

// Beside the truncation helpers, so that `api` cuts what it reads
// without importing the catalog.
pub use crate::sanitize::{MAX_DESCRIPTION_BYTES, MAX_NAME_CHARS};

impl CatalogEntry {
    /// The entry made safe to show, or `None` when its key holds
    /// characters no element key has (a key is sent back to the platform
    /// as it is, so it cannot be cleaned).
    pub fn cleaned(mut self) -> Option<CatalogEntry> {
        use crate::sanitize;
        if !sanitize::is_clean_token(&self.key) || self.key.len() > MAX_NAME_CHARS {
            return None;
        }
        sanitize::clean_line(&mut self.name);
        sanitize::truncate_chars(&mut self.name, MAX_NAME_CHARS);
        sanitize::clean_line(&mut self.hub);
        sanitize::truncate_chars(&mut self.hub, MAX_NAME_CHARS);
        sanitize::clean_text(&mut self.description);
        sanitize::truncate_bytes(&mut self.description, MAX_DESCRIPTION_BYTES);
        Some(self)
    }

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
    /// merged with the bundled specs: where one exists its name, hub and
    /// description win, but the authentication stays the platform's (the
    /// platform is the judge of how an element signs in; a disagreement is
    /// settled when the form is built, [`super::signin`]). Sorted by name;
    /// a key listed twice is kept once.
    pub fn live(base_url: &str, fetched_at: SystemTime, elements: Vec<CatalogEntry>) -> Catalog {
        let mut seen = std::collections::HashSet::new();
        let mut entries: Vec<CatalogEntry> = elements
            .into_iter()
            .filter(|e| seen.insert(e.key.to_ascii_lowercase()))
            .map(|e| match bundled_spec(&e.key) {
                Some(spec) => CatalogEntry {
                    beta: e.beta,
                    auth: e.auth,
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

/// Levenshtein distance over characters: how far a mistyped key or name
/// is from a real one.
pub fn edit_distance(a: &str, b: &str) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn bundled_specs_win_in_the_merge_but_not_on_authentication() {
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
            ("BigCommerce", AuthKind::Custom, true, true)
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
