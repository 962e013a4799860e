//! OAuth in the browser: a fresh state per attempt, the loopback listener
//! that catches the provider's redirect, and the parser for a pasted redirect
//! address (for SSH sessions, containers and redirect URIs that are not the
//! loopback one).

mod callback;
mod listener;
mod pages;
mod response;
mod state;

pub use callback::{
    parse_callback_query, parse_pasted, CallbackOutcome, CallbackRejection, ProviderGrant,
};
pub use listener::{
    Listener, ListenerError, ListenerEvent, ListenerHandle, CALLBACK_PATH, DEFAULT_CALLBACK_PORT,
};
pub use state::OAuthState;
