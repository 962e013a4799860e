//! What a person typed into a form, keyed by configuration key.
//!
//! Every value is held as a [`Secret`]: most are harmless, but holding them all
//! the same way means no value of a secret field can reach `Debug` output or
//! outlive the form in memory, whatever path it took.

use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct FormValues(BTreeMap<String, Secret>);

impl FormValues {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(Secret::expose).unwrap_or("")
    }

    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), Secret::new(value));
    }

    pub fn remove(&mut self, key: &str) {
        self.0.remove(key);
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Secret)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl fmt::Debug for FormValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for FormValues {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut v = FormValues::new();
        for (k, val) in iter {
            v.set(k, val);
        }
        v
    }
}
