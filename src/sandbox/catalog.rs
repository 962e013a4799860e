//! The sandbox's element catalog: elements indexed by key and id, and their
//! JSON as the platform shows it (`GET /elements`, the configuration
//! metadata, the `element` block of an instance).
//!
//! It holds the bundled specs (their metadata derived from their fields) and
//! the generated elements of [`super::generate`] (their metadata as
//! generated); lookups are by hash map, not scans.

use super::generate::{Generated, Recipe};
use crate::catalog::{bundled, form_fields, ElementSpec, FieldKind, FieldSpec};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The ids the platform gave the seed elements; clients may have them
/// written down, so they must not move.
const KNOWN_IDS: &[(&str, u64)] = &[
    ("woocommerce", 188),
    ("ecwid", 42),
    ("bigcommerce", 274),
    ("magentov20", 815),
    ("infusionsoftecommerce", 321),
];

/// Ids of other elements come from a hash of the key, in a range apart from
/// the known ones, so they stay the same from one run to the next.
const HASHED_ID_BASE: u64 = 10_000;
const HASHED_ID_SPAN: u64 = 900_000;

pub struct Element {
    pub id: u64,
    /// For generated elements only the element's own facts; their fields
    /// live in `configuration`.
    pub spec: ElementSpec,
    pub active: bool,
    pub deleted: bool,
    metadata: Metadata,
}

enum Metadata {
    /// A bundled spec's, derived once: there are only a handful.
    Built {
        /// The metadata array of `GET /elements/{k}/configuration`.
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
    fn bundled(id: u64, spec: ElementSpec) -> Element {
        let configuration = Value::Array(
            form_fields(&spec)
                .iter()
                .enumerate()
                .map(|(i, f)| field_metadata(f, i + 1))
                .collect(),
        );
        let required = spec
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key.clone())
            .collect();
        Element {
            id,
            spec,
            active: true,
            deleted: false,
            metadata: Metadata::Built {
                configuration,
                required,
            },
        }
    }

    fn generated(id: u64, g: Generated) -> Element {
        Element {
            id,
            spec: g.spec,
            active: g.active,
            deleted: g.deleted,
            metadata: Metadata::Generated(g.recipe),
        }
    }

    /// The configuration keys `POST /instances` refuses to go without. The
    /// platform fills in defaults and sets internal entries itself, so only
    /// required entries without either must come with the request.
    pub fn required_keys(&self) -> Cow<'_, [String]> {
        match &self.metadata {
            Metadata::Built { required, .. } => Cow::Borrowed(required),
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
    /// Indexes the specs in the order given. A later spec with the key of an
    /// earlier one is left out; a hashed id that collides moves to the next
    /// free one.
    #[cfg(test)]
    pub fn new(specs: impl IntoIterator<Item = ElementSpec>) -> Catalog {
        Self::with_generated(specs, Vec::new())
    }

    /// What the sandbox serves: the bundled specs and the generated elements.
    pub fn sandbox() -> Catalog {
        let keys: Vec<&str> = bundled().iter().map(|s| s.key.as_str()).collect();
        Self::with_generated(bundled().iter().cloned(), super::generate::generate(&keys))
    }

    /// The specs, then the generated elements (whose keys must differ).
    pub fn with_generated(
        specs: impl IntoIterator<Item = ElementSpec>,
        generated: Vec<Generated>,
    ) -> Catalog {
        let mut catalog = Catalog {
            elements: Vec::new(),
            by_key: HashMap::new(),
            by_id: HashMap::new(),
            listing: OnceLock::new(),
        };
        let mut seen = std::collections::HashSet::new();
        let mut pending = Vec::new();
        // Known ids are claimed first so a hashed one can never take them.
        for spec in specs {
            let key = spec.key.to_ascii_lowercase();
            if !seen.insert(key.clone()) {
                continue;
            }
            match KNOWN_IDS.iter().find(|(k, _)| *k == key) {
                Some(&(_, id)) => catalog.insert(id, spec),
                None => pending.push(spec),
            }
        }
        for spec in pending {
            let id = catalog.free_id(hashed_id(&spec.key));
            catalog.insert(id, spec);
        }
        for g in generated {
            if !seen.insert(g.spec.key.to_ascii_lowercase()) {
                continue;
            }
            let id = catalog.free_id(hashed_id(&g.spec.key));
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

    fn insert(&mut self, id: u64, spec: ElementSpec) {
        self.push(Element::bundled(id, spec));
    }

    fn push(&mut self, element: Element) {
        let index = self.elements.len();
        self.by_key
            .insert(element.spec.key.to_ascii_lowercase(), index);
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
        let s = &self.spec;
        json!({
            "id": self.id,
            "key": s.key,
            "name": s.name,
            "description": s.description,
            "hub": s.hub,
            "active": self.active,
            "deleted": self.deleted,
            "beta": s.beta,
            "authentication": { "type": s.auth.platform_name() },
            "typeOauth": s.auth.is_oauth(),
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

    /// The metadata array. For a bundled spec: its own fields, then the
    /// common ones it does not redeclare, numbered in that order.
    pub fn configuration(&self) -> Cow<'_, Value> {
        match &self.metadata {
            Metadata::Built { configuration, .. } => Cow::Borrowed(configuration),
            Metadata::Generated(recipe) => {
                Cow::Owned(Value::Array(recipe.configuration(&self.spec.key)))
            }
        }
    }

    /// The `element` block stored inside an instance.
    pub fn instance_block(&self) -> Value {
        let s = &self.spec;
        json!({
            "id": self.id,
            "key": s.key,
            "name": s.name,
            "hub": s.hub,
            "description": s.description,
            "authentication": { "type": s.auth.platform_name() },
            "typeOauth": s.auth.is_oauth(),
        })
    }
}

fn field_metadata(field: &FieldSpec, display_order: usize) -> Value {
    let mut entry = Map::new();
    entry.insert("key".into(), json!(field.key));
    entry.insert("name".into(), json!(field.label));
    entry.insert("description".into(), json!(field.help));
    if let Some(default) = &field.default {
        entry.insert("defaultValue".into(), json!(default));
    }
    entry.insert("type".into(), json!(platform_type(field)));
    entry.insert("required".into(), json!(field.required));
    // The bundled specs list only what a person gives; none of it is hidden
    // from the console or internal to the platform.
    entry.insert("hideFromConsole".into(), json!(false));
    entry.insert("internal".into(), json!(false));
    entry.insert("displayOrder".into(), json!(display_order));
    Value::Object(entry)
}

/// The platform's field type. Text sizes round up to the next size the
/// platform has; text without a bound (or longer than 1000) is the largest.
pub fn platform_type(field: &FieldSpec) -> &'static str {
    match field.kind {
        FieldKind::Secret => "PASSWORD",
        FieldKind::Boolean => "BOOLEAN",
        FieldKind::Choice => "SELECTION",
        FieldKind::Textarea => "TEXTAREA",
        FieldKind::Text | FieldKind::Url | FieldKind::Integer => match field.max_length {
            Some(n) if n <= 32 => "TEXTFIELD_32",
            Some(n) if n <= 64 => "TEXTFIELD_64",
            Some(n) if n <= 128 => "TEXTFIELD_128",
            _ => "TEXTFIELD_1000",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{bundled, AuthKind};

    fn spec(key: &str) -> ElementSpec {
        ElementSpec {
            key: key.into(),
            name: key.to_uppercase(),
            hub: "crm".into(),
            auth: AuthKind::Custom,
            description: String::new(),
            docs_url: None,
            beta: false,
            fields: vec![],
            bundled: false,
            unasked: vec![],
        }
    }

    fn text(max_length: Option<usize>) -> FieldSpec {
        FieldSpec {
            max_length,
            ..FieldSpec::new("k", "K", FieldKind::Text)
        }
    }

    #[test]
    fn seed_elements_keep_their_platform_ids() {
        let catalog = Catalog::new(bundled().iter().cloned());
        for (key, id) in KNOWN_IDS {
            assert_eq!(catalog.find(key).unwrap().id, *id, "{key}");
            assert_eq!(catalog.find(&id.to_string()).unwrap().spec.key, *key);
        }
        assert_eq!(catalog.find("BigCommerce").unwrap().id, 274);
        assert!(catalog.find("nope").is_none());
        assert!(catalog.find("999").is_none());
    }

    #[test]
    fn generated_elements_get_stable_distinct_ids() {
        let specs: Vec<_> = (0..500).map(|i| spec(&format!("generated{i}"))).collect();
        let a = Catalog::new(specs.clone());
        let b = Catalog::new(specs);
        let mut ids: Vec<u64> = a.elements().iter().map(|e| e.id).collect();
        assert_eq!(ids, b.elements().iter().map(|e| e.id).collect::<Vec<_>>());
        assert!(ids.iter().all(|id| *id >= HASHED_ID_BASE));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 500);
        assert_eq!(a.find("generated7").unwrap().spec.key, "generated7");
    }

    #[test]
    fn colliding_hashes_move_to_a_free_id() {
        let catalog = Catalog::new([spec("first")]);
        let taken = catalog.find("first").unwrap().id;
        let moved = catalog.free_id(taken);
        assert_ne!(moved, taken);
        assert!((HASHED_ID_BASE..HASHED_ID_BASE + HASHED_ID_SPAN).contains(&moved));
        // The last id of the range wraps to the first.
        let last = HASHED_ID_BASE + HASHED_ID_SPAN - 1;
        let mut full = Catalog::new([]);
        full.insert(last, spec("last"));
        assert_eq!(full.free_id(last), HASHED_ID_BASE);
        assert_eq!(full.free_id(HASHED_ID_BASE + 5), HASHED_ID_BASE + 5);
    }

    #[test]
    fn duplicate_keys_keep_the_first_spec() {
        let mut again = spec("dup");
        again.name = "Second".into();
        let catalog = Catalog::new([spec("dup"), again]);
        assert_eq!(catalog.elements().len(), 1);
        assert_eq!(catalog.find("dup").unwrap().spec.name, "DUP");
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
            ("\"e62854741e6154da\"", "480980bc34fd9b66".to_string()),
            "the sandbox catalog changed; if that is meant (a bundled spec changed), pin the new values"
        );
    }

    #[test]
    fn text_sizes_round_up() {
        let cases = [
            (Some(1), "TEXTFIELD_32"),
            (Some(32), "TEXTFIELD_32"),
            (Some(33), "TEXTFIELD_64"),
            (Some(64), "TEXTFIELD_64"),
            (Some(100), "TEXTFIELD_128"),
            (Some(128), "TEXTFIELD_128"),
            (Some(129), "TEXTFIELD_1000"),
            (Some(5000), "TEXTFIELD_1000"),
            (None, "TEXTFIELD_1000"),
        ];
        for (max, expected) in cases {
            assert_eq!(platform_type(&text(max)), expected, "{max:?}");
        }
        let mut secret = text(Some(10));
        secret.kind = FieldKind::Secret;
        assert_eq!(platform_type(&secret), "PASSWORD");
    }
}
