//! The Authorize step's model: the OAuth attempt, its sign-in link, the
//! pasted redirect and the grant it came to.

use crate::secret::Secret;
use crate::tui::report::{BrowserFailure, ErrorReport, ListenerProblem, RequestTokenGrant};
use crate::tui::widgets::TextField;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Instant;

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
    pub request_token: Option<RequestTokenGrant>,
    /// The single-use grant, and the form values it was obtained for: it
    /// is reused only while the form is unchanged.
    pub grant: Option<(Grant, crate::form::FormValues)>,
}

/// What an approved authorization gives `POST /instances`.
#[derive(Clone, PartialEq, Eq)]
pub enum Grant {
    /// OAuth 2: the authorization code.
    Code(Secret),
    /// OAuth 1: the authorized request token, its verifier, and the request
    /// token's secret from step one.
    Oauth1 {
        token: String,
        verifier: Secret,
        secret: Secret,
    },
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Code(_) => f.write_str("Code(••••••)"),
            Grant::Oauth1 { token, .. } => write!(f, "Oauth1({token}, ••••••)"),
        }
    }
}

impl Grant {
    /// The request's `providerData`.
    pub fn provider_data(&self) -> BTreeMap<String, Secret> {
        match self {
            Grant::Code(code) => BTreeMap::from([("code".to_string(), code.clone())]),
            Grant::Oauth1 {
                token,
                verifier,
                secret,
            } => BTreeMap::from([
                ("oauth_token".to_string(), Secret::new(token.as_str())),
                ("oauth_verifier".to_string(), verifier.clone()),
                ("secret".to_string(), secret.clone()),
            ]),
        }
    }
}
