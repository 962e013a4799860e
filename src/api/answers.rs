//! Answers the platform is known to give in more than one shape, read
//! tolerantly: each type here takes every shape the evidence shows and
//! hands the caller one.

use super::ConfigEntry;
use serde::Deserialize;

/// The answer of `GET /elements/{key}/configuration`. The platform sends
/// an object `{"configuration": [entries]}` (its own test suite's schema,
/// `varunpal72/churros:src/test/platform/elements/assets/
/// element.configurations.schema.json`, and the swagger's `ElementConfigs`);
/// a bare array of entries, as older readings had it, is taken too.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ConfigEntries {
    Wrapped { configuration: Vec<ConfigEntry> },
    Bare(Vec<ConfigEntry>),
}

impl ConfigEntries {
    pub fn into_entries(self) -> Vec<ConfigEntry> {
        match self {
            ConfigEntries::Wrapped { configuration } | ConfigEntries::Bare(configuration) => {
                configuration
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(v: serde_json::Value) -> Vec<String> {
        serde_json::from_value::<ConfigEntries>(v)
            .unwrap()
            .into_entries()
            .into_iter()
            .map(|e| e.key)
            .collect()
    }

    #[test]
    fn the_object_and_the_bare_array_give_the_same_entries() {
        let entries = json!([{"key": "store.url", "type": "TEXTFIELD_128", "required": true}]);
        assert_eq!(keys(json!({"configuration": entries})), ["store.url"]);
        assert_eq!(keys(entries), ["store.url"]);
        // An object without its list is not a form with no fields.
        assert!(serde_json::from_value::<ConfigEntries>(json!({})).is_err());
        assert!(serde_json::from_value::<ConfigEntries>(json!("nope")).is_err());
        assert!(serde_json::from_value::<ConfigEntries>(json!({"configuration": 3})).is_err());
    }
}
