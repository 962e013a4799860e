//! OAuth in the browser: a fresh state per attempt, the loopback listener
//! that catches the provider's redirect, the parser for a pasted redirect
//! address (for SSH sessions, containers and redirect URIs that are not the
//! loopback one), and opening the browser.
//!
//! The caller binds a [`Listener`] (to learn the callback URL), asks the
//! platform for the authorization URL with that callback and a new
//! [`OAuthState`], starts the listener, opens the browser (or prints the URL
//! and [`port_forward_hint`] when [`ssh_session_without_display`]), and races
//! [`ListenerHandle::next_event`] against a pasted address read with
//! [`parse_pasted`].

mod browser;
mod browser_choice;
mod callback;
mod listener;
mod pages;
pub mod params;
mod response;
mod state;
mod url_check;

pub use browser::{open_browser, open_docs, port_forward_hint, ssh_session_without_display};
pub use browser_choice::NoBrowser;
pub use callback::{
    parse_callback_query, parse_pasted, CallbackOutcome, CallbackRejection, ProviderGrant,
};
pub use listener::{
    callback_url, check_port, Listener, ListenerError, ListenerEvent, ListenerHandle,
    CALLBACK_PATH, DEFAULT_CALLBACK_PORT,
};
pub use pages::Purpose;
pub use state::OAuthState;
pub use url_check::{check_authorization_url, RefusedUrl};
