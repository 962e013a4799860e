//! An element instance as the sandbox keeps it, and its JSON as the
//! platform shows it.

use serde_json::{json, Map, Value};
use std::fmt;

/// What a masked configuration value reads as.
pub const MASK: &str = "********";

#[derive(Clone)]
pub struct Instance {
    pub id: u64,
    pub name: String,
    /// The element token: what calls through the instance carry.
    pub token: String,
    pub element_key: String,
    /// Every value a string or `null`, as the platform stores them.
    pub configuration: Map<String, Value>,
    pub tags: Vec<String>,
    /// False once the provider refused the instance's credentials.
    pub valid: bool,
    pub disabled: bool,
    /// RFC 3339, UTC.
    pub created: String,
}

/// The token and the configuration's values stay out of `{:?}`: they are
/// the account's secrets.
impl fmt::Debug for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("element_key", &self.element_key)
            .field(
                "configuration_keys",
                &self.configuration.keys().collect::<Vec<_>>(),
            )
            .field("tags", &self.tags)
            .field("valid", &self.valid)
            .field("disabled", &self.disabled)
            .field("created", &self.created)
            .finish()
    }
}

impl Instance {
    /// The platform's JSON. `element` is the element block; `is_secret`
    /// says which configuration values to mask (none for the create answer
    /// and the listing, the secret ones for `GET /instances/{id}`).
    pub fn to_json(&self, element: Value, is_secret: &dyn Fn(&str) -> bool) -> Value {
        let configuration: Map<String, Value> = self
            .configuration
            .iter()
            .map(|(k, v)| {
                let shown = match v {
                    Value::String(s) if !s.is_empty() && is_secret(k) => json!(MASK),
                    other => other.clone(),
                };
                (k.clone(), shown)
            })
            .collect();
        json!({
            "id": self.id,
            "name": self.name,
            "token": self.token,
            "element": element,
            "configuration": configuration,
            "tags": self.tags,
            "provisionInteractions": [],
            "valid": self.valid,
            "disabled": self.disabled,
            "maxCacheSize": 0,
            "cacheTimeToLive": 0,
            "eventsEnabled": self.events_enabled(),
            "cachingEnabled": false,
            "createdDate": self.created,
        })
    }

    fn events_enabled(&self) -> bool {
        self.configuration
            .get("event.notification.enabled")
            .and_then(Value::as_str)
            == Some("true")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_only_when_asked() {
        let instance = Instance {
            id: 1000,
            name: "n".into(),
            token: "tok".into(),
            element_key: "bigcommerce".into(),
            configuration: json!({"username": "u", "password": "p", "empty": "", "none": null})
                .as_object()
                .unwrap()
                .clone(),
            tags: vec!["a".into()],
            valid: true,
            disabled: false,
            created: "2024-01-01T00:00:00Z".into(),
        };
        let plain = instance.to_json(json!({"key": "bigcommerce"}), &|_| false);
        assert_eq!(plain["configuration"]["password"], "p");
        assert_eq!(plain["eventsEnabled"], false);
        let masked = instance.to_json(json!({}), &|k| k != "username");
        assert_eq!(masked["configuration"]["password"], MASK);
        assert_eq!(masked["configuration"]["username"], "u");
        // Nothing to hide in an empty or missing value.
        assert_eq!(masked["configuration"]["empty"], "");
        assert_eq!(masked["configuration"]["none"], Value::Null);
        assert_eq!(masked["token"], "tok");
        let shown = format!("{instance:?}");
        assert!(
            !shown.contains("tok") && !shown.contains("\"p\""),
            "{shown}"
        );
        assert!(shown.contains("password"), "{shown}");
    }
}
