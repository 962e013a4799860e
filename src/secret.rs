//! A string that must never be shown: account secrets, API secrets, passwords,
//! element tokens and OAuth codes.
//!
//! `Debug` and `Display` print a fixed placeholder, so a secret that slips into
//! a log line, a panic message or `{:?}` of a larger struct stays hidden. The
//! memory is zeroed on drop. Reading the value takes an explicit `expose()`,
//! which makes every place that handles the real value easy to find.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::Zeroizing;

pub const REDACTED: &str = "••••••";

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The real value. Call it only where the value must leave the process
    /// (an HTTP request, the clipboard, a 0600 file) or be compared.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// Mutable access for editors that build a secret keystroke by keystroke;
    /// the buffer stays inside the zeroizing wrapper.
    pub fn as_mut_string(&mut self) -> &mut String {
        &mut self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Serialising writes the real value: it is how a secret reaches the wire.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

/// Whether a configuration key names something secret, for keys that come
/// without a spec (an `instance.json` of an element we know nothing about).
pub fn key_looks_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "secret",
        "password",
        "passwd",
        "token",
        "apikey",
        "api.key",
        "api_key",
        ".key",
        "credential",
    ]
    .iter()
    .any(|needle| k.contains(needle))
        || k.ends_with("key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("hunter2-very-secret");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn serialises_the_real_value_for_the_wire() {
        let s = Secret::new("abc");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"abc\"");
        let back: Secret = serde_json::from_str("\"xyz\"").unwrap();
        assert_eq!(back.expose(), "xyz");
    }

    #[test]
    fn secret_looking_keys() {
        for k in [
            "oauth.api.secret",
            "password",
            "oauth.api.key",
            "ecwid.order.key",
            "apiToken",
        ] {
            assert!(key_looks_secret(k), "{k}");
        }
        for k in ["store.url", "username", "site", "name", "document.tagging"] {
            assert!(!key_looks_secret(k), "{k}");
        }
    }
}
