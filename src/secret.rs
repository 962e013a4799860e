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

    /// Replaces the value, in place while it fits.
    pub fn set(&mut self, value: &str) {
        self.0.clear();
        self.reserve(value.len());
        self.0.push_str(value);
    }

    /// Inserts text at byte index `at`, for editors that build a secret
    /// keystroke by keystroke.
    pub fn insert_str(&mut self, at: usize, text: &str) {
        self.reserve(text.len());
        self.0.insert_str(at, text);
    }

    pub fn insert(&mut self, at: usize, c: char) {
        self.reserve(c.len_utf8());
        self.0.insert(at, c);
    }

    /// Removes the bytes in `range` (removing never moves the buffer).
    pub fn remove_range(&mut self, range: std::ops::Range<usize>) {
        self.0.replace_range(range, "");
    }

    /// Makes room for `more` bytes. A `String` that outgrows its buffer
    /// reallocates and frees the old one with the secret still in it; here
    /// the value is copied into a new buffer and the old one is zeroed as
    /// it drops.
    fn reserve(&mut self, more: usize) {
        let needed = self.0.len() + more;
        if needed <= self.0.capacity() {
            return;
        }
        let capacity = needed.max(2 * self.0.capacity()).max(16);
        let mut grown = Zeroizing::new(String::with_capacity(capacity));
        grown.push_str(&self.0);
        self.0 = grown;
        #[cfg(test)]
        WIPED_GROWTHS.with(|n| n.set(n.get() + 1));
    }
}

#[cfg(test)]
thread_local! {
    static WIPED_GROWTHS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many times a secret's buffer moved through the wiping path on this
/// thread.
#[cfg(test)]
fn wiped_growths() -> usize {
    WIPED_GROWTHS.with(std::cell::Cell::get)
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

    /// Every move of the buffer to a larger one goes through the path that
    /// wipes the old one: a `String` growing by itself frees it unwiped.
    #[test]
    fn growing_moves_into_a_new_buffer_through_the_wiping_path() {
        let mut s = Secret::default();
        let wiped_before = wiped_growths();
        let (mut moves, mut at) = (0, s.expose().as_ptr());
        for _ in 0..1000 {
            s.insert(s.expose().len(), 'x');
            if s.expose().as_ptr() != at {
                moves += 1;
                at = s.expose().as_ptr();
            }
        }
        assert!(moves > 1, "the buffer grew {moves} times");
        assert_eq!(wiped_growths() - wiped_before, moves);
        assert_eq!(s.expose(), "x".repeat(1000));
        s.insert_str(0, &"y".repeat(5000));
        assert_eq!(wiped_growths() - wiped_before, moves + 1);
        s.set(&"z".repeat(10_000));
        assert_eq!(wiped_growths() - wiped_before, moves + 2);
        s.remove_range(0..9_999);
        assert_eq!(s.expose(), "z");
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
