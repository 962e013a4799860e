//! Secrets the sandbox holds (the account secrets, OAuth request-token
//! secrets and verifiers): wiped when dropped, never shown by `Debug`.

use std::fmt;
use zeroize::Zeroizing;

pub const REDACTED: &str = "<redacted>";

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hush-hush");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(s.expose(), "hush-hush");
    }
}
