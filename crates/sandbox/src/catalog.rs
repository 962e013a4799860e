//! The sandbox's element catalog: elements indexed by key and id, and their
//! JSON as the platform shows it (`GET /elements`, the configuration
//! metadata, the `element` block of an instance).
//!
//! It holds the seed elements (their metadata as the platform defines it,
//! [`crate::seeds`]) and the generated elements of [`crate::generate`] (their
//! metadata as generated); lookups are by hash map, not scans.

use crate::element::Facts;
use crate::generate::{Generated, Recipe};
use crate::seeds::Seed;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Ids of other elements come from a hash of the key, in a range apart from
/// the seeds' own, so they stay the same from one run to the next.
const HASHED_ID_BASE: u64 = 10_000;
const HASHED_ID_SPAN: u64 = 900_000;

pub struct Element {
    pub id: u64,
    pub facts: Facts,
    pub active: bool,
    pub deleted: bool,
    metadata: Metadata,
    /// The sign-in kinds of an element that offers several, each with the
    /// keys it requires ([`crate::signin`]); empty for one kind.
    pub sign_in: Vec<(crate::element::Auth, Vec<String>)>,
}

enum Metadata {
    /// A seed element's, as written: there are only a handful.
    Seed {
        /// The metadata entries (`GET /elements/{k}/configuration` answers
        /// them inside `{"configuration": [...]}`).
        configuration: Value,
        /// What `POST /instances` insists on, in metadata order.
        required: Vec<String>,
    },
    /// A generated element's, built from its recipe each time it is asked
    /// for: a few microseconds, against holding hundreds of arrays nobody
    /// opens.
    Generated(Recipe),
}

impl Element {
    /// A seed element insists on every entry its definition marks required,
    /// as the seed pages' "an error will result notifying her of which
    /// entries she is missing" says, defaults or not.
    fn seed(seed: Seed) -> Element {
        let required = seed
            .configuration
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|e| e["required"] == true && e["internal"] != true)
            .filter_map(|e| e["key"].as_str().map(str::to_string))
            .collect();
        Element {
            id: seed.id,
            facts: seed.facts,
            active: true,
            deleted: false,
            metadata: Metadata::Seed {
                configuration: seed.configuration,
                required,
            },
            sign_in: seed.sign_in,
        }
    }

    fn generated(id: u64, g: Generated) -> Element {
        Element {
            id,
            facts: g.facts,
            active: g.active,
            deleted: g.deleted,
            metadata: Metadata::Generated(g.recipe),
            sign_in: vec![],
        }
    }

    /// One of the five elements of the platform's seed pages.
    pub fn is_seed(&self) -> bool {
        matches!(self.metadata, Metadata::Seed { .. })
    }

    /// The configuration keys `POST /instances` refuses to go without. For
    /// a generated element the platform fills in defaults and sets internal
    /// entries itself, so only required entries without either must come
    /// with the request.
    pub fn required_keys(&self) -> Cow<'_, [String]> {
        match &self.metadata {
            Metadata::Seed { required, .. } => Cow::Borrowed(required),
            Metadata::Generated(_) => {
                let configuration = self.configuration();
                let entries = configuration.as_array().map(Vec::as_slice).unwrap_or(&[]);
                entries
                    .iter()
                    .filter(|e| e["required"] == true && e["internal"] != true)
                    .filter(|e| e["defaultValue"].as_str().is_none_or(str::is_empty))
                    .filter_map(|e| e["key"].as_str().map(str::to_string))
                    .collect()
            }
        }
    }
}

pub struct Catalog {
    elements: Vec<Element>,
    by_key: HashMap<String, usize>,
    by_id: HashMap<u64, usize>,
    /// `GET /elements` as sent, and its ETag; built on first use.
    listing: OnceLock<(Vec<u8>, String)>,
}

impl Catalog {
    /// What the sandbox serves: the seed elements and the generated ones.
    pub fn sandbox() -> Catalog {
        let taken: Vec<&str> = crate::seeds::keys().collect();
        Self::new(crate::seeds::all(), crate::generate::generate(&taken))
    }

    /// The seeds, then the generated elements. A generated element with the
    /// key of an earlier one is left out; a hashed id that collides moves to
    /// the next free one.
    pub fn new(seeds: Vec<Seed>, generated: Vec<Generated>) -> Catalog {
        let mut catalog = Catalog {
            elements: Vec::new(),
            by_key: HashMap::new(),
            by_id: HashMap::new(),
            listing: OnceLock::new(),
        };
        let mut seen = HashSet::new();
        // The seeds' ids are claimed first so a hashed one can never take them.
        for seed in seeds {
            if seen.insert(seed.facts.key.to_ascii_lowercase()) {
                catalog.push(Element::seed(seed));
            }
        }
        for g in generated {
            if !seen.insert(g.facts.key.to_ascii_lowercase()) {
                continue;
            }
            let id = catalog.free_id(hashed_id(&g.facts.key));
            catalog.push(Element::generated(id, g));
        }
        catalog
    }

    /// `wanted`, or the next hashed-range id after it that nobody holds.
    fn free_id(&self, wanted: u64) -> u64 {
        let mut id = wanted;
        while self.by_id.contains_key(&id) {
            id = HASHED_ID_BASE + (id - HASHED_ID_BASE + 1) % HASHED_ID_SPAN;
        }
        id
    }

    fn push(&mut self, element: Element) {
        let index = self.elements.len();
        self.by_key
            .insert(element.facts.key.to_ascii_lowercase(), index);
        self.by_id.insert(element.id, index);
        self.elements.push(element);
    }

    /// The body of `GET /elements` and its ETag (a hash of that body, so it
    /// changes exactly when the list does).
    pub fn listing(&self) -> (&[u8], &str) {
        let (body, etag) = self.listing.get_or_init(|| {
            let list = Value::Array(self.elements.iter().map(Element::summary).collect());
            let body = serde_json::to_vec(&list).unwrap_or_default();
            let etag = format!("\"{:016x}\"", fnv1a(&body));
            (body, etag)
        });
        (body, etag)
    }

    /// By key (case-insensitive) or, for an all-digit value, by id. A
    /// deleted element is only listed, never found.
    pub fn find(&self, key_or_id: &str) -> Option<&Element> {
        let index = match key_or_id.parse::<u64>() {
            Ok(id) if key_or_id.bytes().all(|b| b.is_ascii_digit()) => self.by_id.get(&id),
            _ => self.by_key.get(&key_or_id.to_ascii_lowercase()),
        }?;
        self.elements.get(*index).filter(|e| !e.deleted)
    }

    /// Elements in the order the catalog was built from.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }
}

fn hashed_id(key: &str) -> u64 {
    HASHED_ID_BASE + fnv1a(key.to_ascii_lowercase().as_bytes()) % HASHED_ID_SPAN
}

/// FNV-1a: tiny, and unlike std's hasher its output is fixed forever.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl Element {
    /// The entry of `GET /elements`.
    pub fn summary(&self) -> Value {
        let f = &self.facts;
        json!({
            "id": self.id,
            "key": f.key,
            "name": f.name,
            "description": f.description,
            "hub": f.hub,
            "active": self.active,
            "deleted": self.deleted,
            "beta": f.beta,
            "authentication": { "type": f.auth.platform_name() },
            "typeOauth": f.auth.is_oauth(),
        })
    }

    /// `GET /elements/{keyOrId}`: the summary plus the configuration metadata.
    pub fn detail(&self) -> Value {
        let mut value = self.summary();
        if let Value::Object(map) = &mut value {
            map.insert("configuration".into(), self.configuration().into_owned());
        }
        value
    }

    /// The metadata entries, as an array (the configuration route wraps
    /// them in an object).
    pub fn configuration(&self) -> Cow<'_, Value> {
        match &self.metadata {
            Metadata::Seed { configuration, .. } => Cow::Borrowed(configuration),
            Metadata::Generated(recipe) => {
                Cow::Owned(Value::Array(recipe.configuration(&self.facts.key)))
            }
        }
    }

    /// The keys of its secret (`PASSWORD`) entries.
    pub fn secret_keys(&self) -> Vec<String> {
        let configuration = self.configuration();
        configuration
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|e| e["type"] == "PASSWORD")
            .filter_map(|e| e["key"].as_str().map(str::to_string))
            .collect()
    }

    /// The `element` block stored inside an instance.
    pub fn instance_block(&self) -> Value {
        let f = &self.facts;
        json!({
            "id": self.id,
            "key": f.key,
            "name": f.name,
            "hub": f.hub,
            "description": f.description,
            "authentication": { "type": f.auth.platform_name() },
            "typeOauth": f.auth.is_oauth(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Auth;
    use crate::generate::Showcase;

    fn generated(key: &str) -> Generated {
        Generated {
            facts: Facts {
                key: key.into(),
                name: key.to_uppercase(),
                hub: "crm".into(),
                auth: Auth::Custom,
                description: String::new(),
                beta: false,
            },
            active: true,
            deleted: false,
            recipe: Recipe::Showcase(Showcase::Custom),
        }
    }

    #[test]
    fn seed_elements_keep_their_platform_ids() {
        let catalog = Catalog::sandbox();
        for (key, id) in [
            ("woocommerce", 188),
            ("ecwid", 42),
            ("bigcommerce", 274),
            ("magentov20", 815),
            ("infusionsoftecommerce", 321),
            ("woocommercerest", 2881),
            ("shopify", 48),
            ("quickbooks", 39),
        ] {
            assert_eq!(catalog.find(key).unwrap().id, id, "{key}");
            assert_eq!(catalog.find(&id.to_string()).unwrap().facts.key, key);
            assert!(catalog.find(key).unwrap().is_seed());
        }
        assert_eq!(catalog.find("BigCommerce").unwrap().id, 274);
        assert!(catalog.find("nope").is_none());
        assert!(catalog.find("999").is_none());
        assert_eq!(catalog.elements().iter().filter(|e| e.is_seed()).count(), 8);
    }

    #[test]
    fn generated_elements_get_stable_distinct_ids() {
        let make = || {
            (0..500)
                .map(|i| generated(&format!("generated{i}")))
                .collect()
        };
        let a = Catalog::new(vec![], make());
        let b = Catalog::new(vec![], make());
        let mut ids: Vec<u64> = a.elements().iter().map(|e| e.id).collect();
        assert_eq!(ids, b.elements().iter().map(|e| e.id).collect::<Vec<_>>());
        assert!(ids.iter().all(|id| *id >= HASHED_ID_BASE));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 500);
        assert_eq!(a.find("generated7").unwrap().facts.key, "generated7");
    }

    #[test]
    fn colliding_hashes_move_to_a_free_id() {
        let catalog = Catalog::new(vec![], vec![generated("first")]);
        let taken = catalog.find("first").unwrap().id;
        let moved = catalog.free_id(taken);
        assert_ne!(moved, taken);
        assert!((HASHED_ID_BASE..HASHED_ID_BASE + HASHED_ID_SPAN).contains(&moved));
        // The last id of the range wraps to the first.
        let last = HASHED_ID_BASE + HASHED_ID_SPAN - 1;
        let mut full = Catalog::new(vec![], vec![]);
        full.push(Element::generated(last, generated("last")));
        assert_eq!(full.free_id(last), HASHED_ID_BASE);
        assert_eq!(full.free_id(HASHED_ID_BASE + 5), HASHED_ID_BASE + 5);
    }

    #[test]
    fn duplicate_keys_keep_the_first_element() {
        let mut again = generated("dup");
        again.facts.name = "Second".into();
        let catalog = Catalog::new(vec![], vec![generated("dup"), again]);
        assert_eq!(catalog.elements().len(), 1);
        assert_eq!(catalog.find("dup").unwrap().facts.name, "DUP");
        let seeds = Catalog::new(crate::seeds::all(), vec![generated("Ecwid")]);
        assert_eq!(seeds.elements().len(), crate::seeds::keys().count());
        assert!(seeds.find("ecwid").unwrap().is_seed());
    }

    /// Clients cache the listing by its ETag and tests name generated
    /// elements, so the sandbox's catalog must not drift between versions:
    /// this digest covers the listing and every element's metadata and
    /// required keys.
    #[test]
    fn the_sandbox_catalog_is_the_same_in_every_version() {
        let catalog = Catalog::sandbox();
        let (listing, etag) = catalog.listing();
        let mut all = listing.to_vec();
        for element in catalog.elements() {
            all.extend(serde_json::to_vec(&element.configuration()).unwrap());
            all.extend(element.required_keys().join(",").bytes());
        }
        assert_eq!(
            (etag, format!("{:016x}", fnv1a(&all))),
            ("\"c866d2596ce55efe\"", "17da606f679d90e5".to_string()),
            "the sandbox catalog changed; if that is meant (a seed definition changed), pin the new values"
        );
    }
}
