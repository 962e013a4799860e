//! OAuth in the browser: a fresh state per attempt and the parser for the
//! provider's redirect, whether it reaches the loopback listener or is pasted.

mod callback;
mod pages;
mod response;
mod state;

pub use callback::{
    parse_callback_query, parse_pasted, CallbackOutcome, CallbackRejection, ProviderGrant,
};
pub use state::OAuthState;
