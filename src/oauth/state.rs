//! The OAuth `state` value: one fresh, unguessable value per authorization
//! attempt, so a callback that some other page or attempt sends to the
//! loopback listener can be told apart from the one the provider sends back.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;
use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// Random bytes behind each state: 256 bits, well above the 128 bits that
/// make guessing hopeless.
const STATE_BYTES: usize = 32;

/// The state of one attempt. It travels in the authorization URL and comes
/// back on the callback; whoever knows it can complete the attempt, so it is
/// kept out of `Debug` output like any other secret.
#[derive(Clone)]
pub struct OAuthState(Secret);

impl OAuthState {
    /// A new state from the operating system's random source, base64url
    /// without padding (43 characters of `A-Z a-z 0-9 - _`), so it needs no
    /// escaping in a URL.
    ///
    /// # Panics
    /// When the operating system cannot supply random bytes. Nothing safe can
    /// be done without them, and the message names no secret.
    pub fn generate() -> OAuthState {
        let mut bytes = zeroize::Zeroizing::new([0u8; STATE_BYTES]);
        getrandom::fill(bytes.as_mut())
            .expect("the operating system's random source failed; cannot create an OAuth state");
        let state = OAuthState(Secret::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())));
        crate::log::add_secret(state.expose());
        state
    }

    /// The value to put in the authorization URL.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Whether `candidate` is this state. The comparison takes the same time
    /// wherever the first difference is, so the listener's timing does not
    /// reveal how much of a guess was right.
    pub fn matches(&self, candidate: &str) -> bool {
        self.expose().as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

impl fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OAuthState({})", crate::secret::REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn carries_at_least_128_bits_in_a_url_safe_alphabet() {
        let state = OAuthState::generate();
        let value = state.expose();
        // 43 base64 characters hold 258 bits, of which 256 are random.
        assert_eq!(value.len(), 43);
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "state is not base64url"
        );
        let decoded = URL_SAFE_NO_PAD.decode(value).expect("state decodes");
        assert!(decoded.len() * 8 >= 128);
    }

    #[test]
    fn every_call_gives_a_different_state() {
        let seen: HashSet<String> = (0..64)
            .map(|_| OAuthState::generate().expose().to_owned())
            .collect();
        assert_eq!(seen.len(), 64);
    }

    #[test]
    fn matches_only_the_exact_value() {
        let state = OAuthState::generate();
        let value = state.expose().to_owned();
        assert!(state.matches(&value));
        assert!(state.clone().matches(&value), "a clone is the same state");

        assert!(!state.matches(""));
        assert!(!state.matches(&value[..value.len() - 1]), "a prefix");
        assert!(!state.matches(&format!("{value}x")), "an extension");
        let mut flipped = value.clone().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        assert!(!state.matches(std::str::from_utf8(&flipped).unwrap()));
        assert!(!state.matches(OAuthState::generate().expose()));
    }

    #[test]
    fn debug_does_not_show_the_value() {
        let state = OAuthState::generate();
        let shown = format!("{state:?}");
        assert!(!shown.contains(state.expose()));
        assert!(shown.starts_with("OAuthState("));
    }
}
