//! The OAuth callback parser, on what a hostile page or a confused person
//! can send: the loopback listener's query strings and pasted addresses.
//! Beyond not panicking, a callback must never be accepted without this
//! attempt's state (a random 256-bit value the input cannot contain).
#![no_main]

use ce_wizard::oauth::{parse_callback_query, parse_pasted, CallbackRejection, OAuthState};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static STATE: OnceLock<OAuthState> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let state = STATE.get_or_init(OAuthState::generate);
    let text = String::from_utf8_lossy(data);
    if parse_callback_query(&text, state).is_ok() {
        panic!("a callback without this attempt's state was accepted");
    }
    match parse_pasted(&text, state) {
        // A bare code carries no state by design; anything with a query must.
        Ok(_) => assert!(!text.contains('?'), "a pasted query without the state was accepted"),
        Err(CallbackRejection::NotACallback(why)) => assert!(!why.is_empty()),
        Err(_) => {}
    }
});
