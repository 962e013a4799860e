//! The Authorize step's model: the OAuth attempt, its sign-in link, the
//! pasted redirect and the grant it came to.

use crate::api::RequestToken;
use crate::tui::report::{BrowserFailure, ErrorReport, ListenerProblem};
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
    /// OAuth 1: the request token of the current attempt.
    pub request_token: Option<RequestToken>,
    /// The single-use grant, and the form values it was obtained for: it
    /// is reused only while the form is unchanged.
    pub grant: Option<(Grant, crate::form::FormValues)>,
}
