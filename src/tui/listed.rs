//! One instance as the list keeps it: the few fields the list, the detail
//! pane and the filter read, and the platform's whole answer as compact
//! JSON text. An account of 10,000 instances held as parsed JSON trees
//! costs several kilobytes each; as text, under one.
//!
//! The answer holds the token and the stored configuration, so the text
//! is a [`Secret`]: zeroed when dropped, never in `Debug` output.

use crate::api::Instance;
use crate::secret::Secret;
use std::fmt;

#[derive(Clone)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    pub element_key: String,
    pub element_name: String,
    pub created_date: Option<String>,
    pub token: Secret,
    tags: Vec<String>,
    valid: bool,
    disabled: bool,
    /// The platform's answer for this instance, as it came.
    json: Secret,
}

impl fmt::Debug for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listed")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("element_key", &self.element_key)
            .finish_non_exhaustive()
    }
}

impl From<Instance> for Listed {
    fn from(i: Instance) -> Listed {
        Listed::of(&i)
    }
}

impl Listed {
    pub fn of(i: &Instance) -> Listed {
        Listed {
            id: i.id,
            name: i.name.clone(),
            element_key: i.element_key.clone(),
            element_name: i.element_name.clone(),
            created_date: i.created_date.clone(),
            token: i.token.clone(),
            // Cleaned where they enter, as the instance's name is: the
            // list, the detail pane and the edit prompt show them.
            tags: i.tags(),
            valid: i.valid(),
            disabled: i.disabled(),
            json: Secret::new(serde_json::to_string(&i.raw).unwrap_or_default()),
        }
    }

    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    pub fn valid(&self) -> bool {
        self.valid
    }

    pub fn disabled(&self) -> bool {
        self.disabled
    }

    /// The instance again, whole, for what needs more than the list holds
    /// (its configuration, its JSON). `None` only if the text kept cannot
    /// be read back, which the platform's own answer always can.
    pub fn instance(&self) -> Option<Instance> {
        let raw = serde_json::from_str(self.json.expose()).ok()?;
        Instance::from_value(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_keeps_what_it_shows_and_gives_the_whole_instance_back() {
        let raw = serde_json::json!({
            "id": 5, "name": "shop", "token": "tok-5",
            "element": { "key": "ecwid", "name": "Ecwid", "hub": "ecommerce" },
            "configuration": { "ecwid.store.id": "1001" },
            "tags": ["eu", "bad\u{1b}[2Jtag"], "valid": false, "disabled": true,
            "createdDate": "2024-01-01T00:00:00Z", "extra": { "kept": [1, 2] },
        });
        let i = Instance::from_value(raw.clone()).unwrap();
        let l = Listed::from(i);
        assert_eq!(
            (l.id, l.name.as_str(), l.element_key.as_str()),
            (5, "shop", "ecwid")
        );
        assert_eq!(l.tags()[0], "eu");
        assert!(
            !l.tags()[1].contains('\u{1b}'),
            "a tag cannot drive the terminal: {:?}",
            l.tags()
        );
        assert!(!l.valid() && l.disabled());
        assert_eq!(l.token.expose(), "tok-5");
        let back = l.instance().unwrap();
        assert_eq!(back.raw, raw, "every field of the answer, in its order");
        assert_eq!(back.configuration_value("ecwid.store.id"), Some("1001"));
        assert!(!format!("{l:?}").contains("tok-5"));
    }
}
