//! What a create body pasted from the docs carries beyond what the wizard
//! builds itself, kept so it is sent as it came: the `element` object as
//! given (`{"id": 123}`), configuration values that are not strings (a
//! boolean, a number, the object `event.poller.configuration`), and
//! top-level fields such as `externalAuthentication` and
//! `retrieveObjectsAfterInstantiation`. The platform takes all of these
//! (devportal `docs/elements/gotowebinar/events.md`,
//! `docs/elements/quickbooksonline/authenticate.md`); reshaping them (an
//! object turned into text, `true` into `"true"`) would change what it is
//! asked to do.

use crate::secret::REDACTED;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The top-level fields [`super::CreateInstance`] writes itself; a
/// [`Verbatim::fields`] entry of one of these names is never sent.
pub const BUILT_FIELDS: [&str; 5] = ["element", "configuration", "tags", "name", "providerData"];

#[derive(Clone, Default, PartialEq)]
pub struct Verbatim {
    /// The `element` object as given, sent in place of `{"key": …}`.
    pub element: Option<Map<String, Value>>,
    /// Configuration values that are not strings, by key. One is sent in
    /// place of the text the form checked, and only while the body's
    /// configuration holds its key.
    pub configuration: BTreeMap<String, Value>,
    /// Top-level fields other than [`BUILT_FIELDS`], sent as given.
    pub fields: Map<String, Value>,
}

impl fmt::Debug for Verbatim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verbatim")
            .field(
                "element_fields",
                &self.element.as_ref().map(|e| e.keys().collect::<Vec<_>>()),
            )
            .field(
                "configuration_keys",
                &self.configuration.keys().collect::<Vec<_>>(),
            )
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Verbatim {
    /// The top-level fields to send besides the built ones.
    pub fn extra_fields(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.fields
            .iter()
            .filter(|(k, _)| !BUILT_FIELDS.contains(&k.as_str()))
    }
}

/// A value of a secret key may sit inside an object: it is zeroed with the
/// body, like every other configuration value.
impl Drop for Verbatim {
    fn drop(&mut self) {
        self.configuration.values_mut().for_each(wipe);
        self.fields.values_mut().for_each(wipe);
    }
}

/// Zeroes every string inside `v`, however deep.
pub(super) fn wipe(v: &mut Value) {
    use zeroize::Zeroize;
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

/// Every string inside `v`, for the log's redactor.
pub fn strings_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| strings_in(i, out)),
        Value::Object(map) => map.values().for_each(|i| strings_in(i, out)),
        _ => {}
    }
}

/// `v` as shown: the whole value replaced by the placeholder when `hide`.
pub fn shown(v: &Value, hide: bool) -> Value {
    if hide {
        Value::String(REDACTED.into())
    } else {
        v.clone()
    }
}
