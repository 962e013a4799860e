//! The Authorize step's model: the OAuth attempt, its sign-in link, the
//! pasted redirect and the grant it came to.

use crate::api::{Instance, RequestToken};
use crate::catalog::AuthKind;
use crate::form::FormValues;
use crate::tui::report::{BrowserFailure, ErrorReport, ListenerProblem};
use crate::tui::step::Step;
use crate::tui::widgets::TextField;
use std::time::Instant;

pub use crate::flow::oauth::Grant;

/// Why the authorization is not (or no longer) waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthProblem {
    Listener(ListenerProblem),
    UrlFailed(ErrorReport),
    /// OAuth 1: the platform gave no request token.
    RequestTokenFailed(ErrorReport),
    Denied {
        error: String,
        description: Option<String>,
    },
    TimedOut,
    /// Creating the instance failed after the code was used; codes are
    /// single-use, so a new one is needed.
    CreateFailed(ErrorReport),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserStatus {
    Opening,
    Opened,
    Failed(BrowserFailure),
    /// Not opened on purpose (`--no-browser`, or SSH without a display).
    Skipped(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthPhase {
    /// Nothing started yet (or the listener is still binding).
    Idle,
    FetchingUrl,
    Waiting {
        url: String,
        deadline: Instant,
        browser: BrowserStatus,
    },
    Failed(AuthProblem),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeState {
    pub attempt: u64,
    pub phase: AuthPhase,
    /// Where a redirected URL can be pasted by hand.
    pub paste: TextField,
    pub paste_focused: bool,
    /// The wizard stepped out of its screen to print the whole sign-in
    /// link (`l`); any key, or the wait ending, brings it back.
    pub link_printed: bool,
    /// OAuth 1: the request token of the current attempt.
    pub request_token: Option<RequestToken>,
    /// The single-use grant, and the form values it was obtained for: it
    /// is reused only while the form is unchanged.
    pub grant: Option<(Grant, crate::form::FormValues)>,
    /// Set while an existing instance is signed in again: the attempt is
    /// for its element and app, and its grant goes to that instance.
    pub reauth: Option<ReauthTarget>,
}

/// An existing instance being re-authorized, and where to return.
#[derive(Debug, Clone)]
pub struct ReauthTarget {
    pub instance: Instance,
    pub auth: AuthKind,
    /// Its settings as sent back with the grant: what the platform stored
    /// (as far as it can be sent again) and the app's key and secret.
    pub values: FormValues,
    pub back_to: Step,
}

impl PartialEq for ReauthTarget {
    fn eq(&self, other: &Self) -> bool {
        self.instance.id == other.instance.id
            && self.auth == other.auth
            && self.values == other.values
            && self.back_to == other.back_to
    }
}

impl Eq for ReauthTarget {}
