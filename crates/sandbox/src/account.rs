//! A seeded account: `ce-wizard sandbox --instances N` starts with N
//! instances spread over the seed elements, so listing, paging, filtering
//! and checking can be tried at scale. Everything but the tokens is the
//! same on every start, including which instances are broken.

use crate::instance::Instance;
use crate::instances::new_element_token;
use crate::store::{rfc3339, Store};
use serde_json::{Map, Value};
use std::time::{Duration, UNIX_EPOCH};

/// Instance `i` (counting from 0) is invalid, its provider refusing its
/// credentials, when `i % SEEDED_INVALID_EVERY == 2`...
pub const SEEDED_INVALID_EVERY: usize = 25;
/// ...and disabled when `i % SEEDED_DISABLED_EVERY == 4`.
pub const SEEDED_DISABLED_EVERY: usize = 25;

/// 2024-01-01T00:00:00Z: the first seeded instance's `createdDate`; each
/// next one is 17 minutes younger.
const FIRST_CREATED: u64 = 1_704_067_200;

const ELEMENTS: &[(&str, &str)] = &[
    ("bigcommerce", "BigCommerce"),
    ("ecwid", "Ecwid"),
    ("infusionsoftecommerce", "Infusionsoft"),
    ("magentov20", "Magento"),
    ("woocommerce", "WooCommerce"),
];

const TAGS: &[&str] = &["production", "staging", "test", "eu", "us"];

/// A store holding `n` seeded instances (none for 0).
pub fn seeded(n: usize) -> Store {
    let mut store = Store::default();
    for i in 0..n {
        store.add_instance(|id| seeded_instance(id, i));
    }
    store
}

fn seeded_instance(id: u64, i: usize) -> Instance {
    let (key, label) = ELEMENTS[i % ELEMENTS.len()];
    let mut tags = vec!["seeded".to_string(), TAGS[i % TAGS.len()].to_string()];
    tags.dedup();
    Instance {
        id,
        name: format!("{label} store {:05}", i + 1),
        token: new_element_token(),
        element_key: key.to_string(),
        configuration: configuration(key, i),
        tags,
        valid: i % SEEDED_INVALID_EVERY != 2,
        disabled: i % SEEDED_DISABLED_EVERY == 4,
        created: rfc3339(UNIX_EPOCH + Duration::from_secs(FIRST_CREATED + 17 * 60 * i as u64)),
    }
}

/// Plausible values for the keys of each seed page's create body.
fn configuration(key: &str, i: usize) -> Map<String, Value> {
    let n = i + 1;
    let entries: Vec<(&str, String)> = match key {
        "bigcommerce" => vec![
            (
                "store.url",
                format!("https://store-s{n:05}.mybigcommerce.com/api/v2/"),
            ),
            ("username", "integration".into()),
            ("password", format!("bc-token-{n:05}")),
        ],
        "ecwid" => vec![
            ("ecwid.store.id", format!("{}", 1000 + n)),
            ("ecwid.order.key", format!("order-key-{n:05}")),
            ("ecwid.product.key", format!("product-key-{n:05}")),
        ],
        "infusionsoftecommerce" => vec![
            ("oauth.api.key", format!("client-{n:05}")),
            ("oauth.api.secret", format!("client-secret-{n:05}")),
            (
                "oauth.callback.url",
                "http://127.0.0.1:8765/ce-wizard/callback".into(),
            ),
        ],
        "magentov20" => vec![
            ("site", format!("https://magento{n:05}.example.com")),
            ("userName", "api-admin".into()),
            ("password", format!("magento-password-{n:05}")),
            ("user", "true".into()),
        ],
        _ => vec![
            ("store.url", format!("https://shop{n:05}.example.com")),
            (
                "base.url",
                format!("https://shop{n:05}.example.com/wc-api/v2"),
            ),
            ("oauth.api.key", format!("ck_{n:05}")),
            ("oauth.api.secret", format!("cs_{n:05}")),
        ],
    };
    entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_account_every_time_with_a_few_broken() {
        let (a, b) = (seeded(100), seeded(100));
        let facts = |s: &Store| -> Vec<(u64, String, String, bool, bool, String)> {
            s.instances()
                .map(|i| {
                    let (id, name, key) = (i.id, i.name.clone(), i.element_key.clone());
                    (id, name, key, i.valid, i.disabled, i.created.clone())
                })
                .collect()
        };
        assert_eq!(facts(&a), facts(&b));
        let all: Vec<&Instance> = a.instances().collect();
        assert_eq!(all.len(), 100);
        assert_eq!(all[0].id, crate::store::FIRST_INSTANCE_ID);
        assert_eq!(all[0].name, "BigCommerce store 00001");
        assert_eq!(all[0].created, "2024-01-01T00:00:00Z");
        assert_eq!(all.iter().filter(|i| !i.valid).count(), 4);
        assert_eq!(all.iter().filter(|i| i.disabled).count(), 4);
        assert!(!all[2].valid && all[4].disabled);
        for key in [
            "bigcommerce",
            "ecwid",
            "infusionsoftecommerce",
            "magentov20",
            "woocommerce",
        ] {
            assert_eq!(
                all.iter().filter(|i| i.element_key == key).count(),
                20,
                "{key}"
            );
        }
        // Even a small account has one of each.
        let small: Vec<Instance> = seeded(5).instances().cloned().collect();
        assert!(small.iter().any(|i| !i.valid) && small.iter().any(|i| i.disabled));
        assert_eq!(seeded(0).instances().count(), 0);
    }

    /// Each seeded instance carries what its element requires.
    #[test]
    fn seeded_configurations_are_complete() {
        let catalog = crate::catalog::Catalog::sandbox();
        for instance in seeded(10).instances() {
            let element = catalog.find(&instance.element_key).unwrap();
            for key in element.required_keys().iter() {
                assert!(
                    instance
                        .configuration
                        .get(key)
                        .and_then(Value::as_str)
                        .is_some(),
                    "{} lacks {key}",
                    instance.name
                );
            }
        }
    }
}
