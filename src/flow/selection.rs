//! Which of the account's instances a command about many takes (`instances
//! delete --tag T`, `--element KEY`, `--status invalid|disabled`): a leaf,
//! so every command over many instances reads a selection the same way.

use crate::api::Instance;

/// Which listed status `--status` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListedStatus {
    /// The platform marks it `valid: false`.
    Invalid,
    /// Turned off.
    Disabled,
}

/// The status word the lists print: `disabled`, `invalid` (the platform
/// marks it `valid: false`) or `valid`, as `--status` reads them.
pub fn status_word(i: &Instance) -> &'static str {
    if i.disabled() {
        "disabled"
    } else if !i.valid() {
        "invalid"
    } else {
        "valid"
    }
}

/// Which of the account's instances a batch takes: all of them, or those
/// with this tag (exact), of this element (its key, any case) and in this
/// listed status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub tag: Option<String>,
    pub element: Option<String>,
    pub status: Option<ListedStatus>,
}

impl Selection {
    pub fn takes(&self, i: &Instance) -> bool {
        self.element
            .as_deref()
            .is_none_or(|k| i.element_key.eq_ignore_ascii_case(k.trim()))
            && self
                .tag
                .as_deref()
                .is_none_or(|t| i.tags().iter().any(|have| have == t.trim()))
            && match self.status {
                None => true,
                Some(ListedStatus::Invalid) => !i.valid() && !i.disabled(),
                Some(ListedStatus::Disabled) => i.disabled(),
            }
    }

    /// Whether it takes only some instances: a command that acts on many
    /// never takes the whole account by default.
    pub fn narrows(&self) -> bool {
        self.tag.is_some() || self.element.is_some() || self.status.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inst(key: &str, tags: &[&str], valid: bool, disabled: bool) -> Instance {
        Instance::from_value(
            json!({"id": 1, "name": "n", "token": "t", "element": {"key": key},
            "tags": tags, "valid": valid, "disabled": disabled}),
        )
        .unwrap()
    }

    #[test]
    fn a_selection_takes_by_tag_element_and_listed_status() {
        let all = Selection::default();
        let ok = inst("ecwid", &["eu", "prod"], true, false);
        let invalid = inst("Ecwid", &[], false, false);
        let off = inst("bigcommerce", &["eu"], false, true);
        assert!(!all.narrows());
        assert!(all.takes(&ok) && all.takes(&invalid) && all.takes(&off));
        let eu = Selection {
            tag: Some("eu".into()),
            ..Selection::default()
        };
        assert!(eu.narrows());
        assert!(eu.takes(&ok) && !eu.takes(&invalid) && eu.takes(&off));
        let e = Selection {
            tag: Some("e".into()),
            ..Selection::default()
        };
        assert!(!e.takes(&ok), "a tag is matched whole");
        let ecwid = Selection {
            element: Some("ecwid".into()),
            ..Selection::default()
        };
        assert!(ecwid.takes(&ok) && ecwid.takes(&invalid) && !ecwid.takes(&off));
        let status = |s| Selection {
            status: Some(s),
            ..Selection::default()
        };
        assert!(!status(ListedStatus::Invalid).takes(&ok));
        assert!(status(ListedStatus::Invalid).takes(&invalid));
        assert!(!status(ListedStatus::Invalid).takes(&off));
        assert!(status(ListedStatus::Disabled).takes(&off));
        assert!(!status(ListedStatus::Disabled).takes(&invalid));
        let both = Selection {
            tag: Some("eu".into()),
            element: Some("bigcommerce".into()),
            status: Some(ListedStatus::Disabled),
        };
        assert!(both.takes(&off) && !both.takes(&ok));
    }
}
