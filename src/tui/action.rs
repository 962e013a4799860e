//! Everything that can happen to the wizard: a key, a paste, a tick, or the
//! result of work done outside `update`.

use super::report::{
    BrowserFailure, CatalogProblem, ErrorReport, ListenerProblem, LostAnswer, LostCreate,
};
use crate::api::{Instance, RequestToken};
use crate::catalog::{CachedCatalog, Catalog, ElementSpec, Lookup};
use crate::clipboard::CopyReport;
use crate::config::ConfigError;
use crate::flow::check::Outcome;
use crate::oauth::CallbackOutcome;
use crossterm::event::KeyEvent;
use std::fmt;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

/// What a callback (from the listener or pasted by hand) came to.
pub enum CallbackResult {
    /// The provider's answer to this attempt; `update` turns it into a
    /// grant (or a refusal) with [`crate::flow::oauth::grant`].
    Answered(CallbackOutcome),
    /// Not this attempt's redirect, and why.
    Rejected(String),
}

impl fmt::Debug for CallbackResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackResult::Answered(CallbackOutcome::Authorized(g)) => match &g.oauth_token {
                Some(token) => write!(f, "Authorized({token}, ••••••)"),
                None => f.write_str("Authorized(••••••)"),
            },
            CallbackResult::Answered(CallbackOutcome::Denied { error, .. }) => {
                write!(f, "Denied({error})")
            }
            CallbackResult::Rejected(r) => write!(f, "Rejected({r})"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTarget {
    Token,
    InstanceJson,
    AuthUrl,
    Curl,
    Body,
}

impl CopyTarget {
    pub fn label(self) -> &'static str {
        match self {
            CopyTarget::Token => "Token",
            CopyTarget::InstanceJson => "Instance JSON",
            CopyTarget::AuthUrl => "Authorization URL",
            CopyTarget::Curl => "curl command",
            CopyTarget::Body => "Request body",
        }
    }
}

pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Tick(Instant),
    Resize,
    ConnectionChecked {
        attempt: u64,
        result: Result<usize, ErrorReport>,
    },
    ConfigSaved(Result<crate::config::Saved, ConfigError>),
    /// The catalog cached on disk for `base_url`, if there is a usable one;
    /// `now` is the wall clock when it was read, to tell its age.
    CachedCatalog {
        base_url: String,
        cached: Option<Box<CachedCatalog>>,
        now: SystemTime,
    },
    /// A refresh of the catalog (or a connection check, which fetches it)
    /// came back.
    CatalogRefreshed {
        attempt: u64,
        base_url: String,
        result: Result<Box<Catalog>, CatalogProblem>,
    },
    /// `--element KEY` looked up in the platform's catalog.
    ElementLookedUp {
        attempt: u64,
        key: String,
        result: Result<Lookup, ErrorReport>,
    },
    /// The form of a chosen element, built from its metadata.
    SpecLoaded {
        attempt: u64,
        result: Result<Box<ElementSpec>, ErrorReport>,
    },
    /// The callback port was free (the callback URL it gives), or why it
    /// is not; it is not held after the check.
    CallbackPortChecked(Result<String, ListenerProblem>),
    /// The listener of a sign-in attempt could not take its port.
    SignInListenerFailed {
        attempt: u64,
        problem: ListenerProblem,
    },
    /// OAuth 1: step one, the request token (its secret goes back to the
    /// platform with the verifier).
    RequestTokenIssued {
        attempt: u64,
        result: Result<RequestToken, ErrorReport>,
    },
    AuthUrlFetched {
        attempt: u64,
        result: Result<String, ErrorReport>,
    },
    BrowserOpened {
        attempt: u64,
        result: Result<(), BrowserFailure>,
    },
    /// An element's documentation page was handed to the browser, or why not.
    DocsOpened {
        url: String,
        result: Result<(), BrowserFailure>,
    },
    /// `pasted`: typed or pasted by hand rather than caught by the listener.
    Callback {
        attempt: u64,
        pasted: bool,
        result: CallbackResult,
    },
    /// The platform answered the create: the instance, or a clear refusal
    /// (nothing was created).
    Created {
        attempt: u64,
        result: Result<Instance, ErrorReport>,
    },
    /// The create's answer was lost, but the platform's instance list shows
    /// the instance it made: created once.
    CreateRecovered {
        attempt: u64,
        instance: Instance,
        lost: LostAnswer,
    },
    /// The create's answer was lost and the platform has no new instance:
    /// sending it again is safe.
    NothingCreated {
        attempt: u64,
        report: ErrorReport,
    },
    /// The create's answer was lost and the instance list could not be read
    /// either: the instance may exist.
    CreateOutcomeUnknown {
        attempt: u64,
        lost: LostCreate,
    },
    /// The instance list read again after an unknown outcome: the instance
    /// the create made, if any.
    CreateChecked {
        attempt: u64,
        result: Result<Option<Instance>, ErrorReport>,
    },
    Copied {
        what: CopyTarget,
        report: CopyReport,
    },
    FileSaved {
        path: PathBuf,
        result: Result<(), FileSaveError>,
    },
    /// One page of the account's instances, as it arrived.
    InstancesPage {
        attempt: u64,
        instances: Vec<crate::tui::listed::Listed>,
    },
    /// The listing ended: every page read, or one failed.
    InstancesListed {
        attempt: u64,
        result: Result<(), ErrorReport>,
    },
    InstanceChecked {
        attempt: u64,
        id: i64,
        result: Result<Outcome, ErrorReport>,
    },
    /// An instance turned on (`on`) or off, and read again; `Err` when the
    /// switch (or the read after it) failed.
    InstanceSwitched {
        attempt: u64,
        id: i64,
        on: bool,
        result: Result<Instance, ErrorReport>,
    },
    InstanceDeleted {
        attempt: u64,
        id: i64,
        result: Result<DeleteAnswer, ErrorReport>,
    },
    /// The name or tags changed (`PATCH`): the instance as it is now.
    InstanceUpdated {
        attempt: u64,
        id: i64,
        result: Result<Instance, ErrorReport>,
    },
    /// The re-authorizing `PATCH` answered; `Err` when it failed (the grant
    /// is spent).
    InstanceReauthorized {
        attempt: u64,
        id: i64,
        result: Result<Box<Reauthorized>, ErrorReport>,
    },
}

/// What became of a delete that was sent: when its answer was lost, the
/// instance was read again to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteAnswer {
    Deleted,
    /// The answer was lost (why), but the instance is gone.
    LostButGone(String),
    /// The answer was lost (why), and the instance is still there.
    LostStillThere(String),
    /// The answer was lost (why), and reading it again failed too (why).
    Unknown(String, String),
}

/// An instance signed in again, and what checking it found.
pub struct Reauthorized {
    pub instance: Instance,
    /// `Err` when the check could not ask the platform.
    pub check: Result<Outcome, ErrorReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSaveError {
    Exists,
    Other(String),
}

/// Names the variant only: results carry tokens and codes.
impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Action::Key(k) => return write!(f, "Key({:?} {:?})", k.code, k.modifiers),
            Action::Paste(_) => "Paste",
            Action::Tick(_) => "Tick",
            Action::Resize => "Resize",
            Action::ConnectionChecked { .. } => "ConnectionChecked",
            Action::ConfigSaved(_) => "ConfigSaved",
            Action::CachedCatalog { .. } => "CachedCatalog",
            Action::CatalogRefreshed { .. } => "CatalogRefreshed",
            Action::ElementLookedUp { .. } => "ElementLookedUp",
            Action::SpecLoaded { .. } => "SpecLoaded",
            Action::RequestTokenIssued { .. } => "RequestTokenIssued",
            Action::CallbackPortChecked(_) => "CallbackPortChecked",
            Action::SignInListenerFailed { .. } => "SignInListenerFailed",
            Action::AuthUrlFetched { .. } => "AuthUrlFetched",
            Action::BrowserOpened { .. } => "BrowserOpened",
            Action::DocsOpened { .. } => "DocsOpened",
            Action::Callback { result, .. } => return write!(f, "Callback({result:?})"),
            Action::Created { .. } => "Created",
            Action::CreateRecovered { .. } => "CreateRecovered",
            Action::NothingCreated { .. } => "NothingCreated",
            Action::CreateOutcomeUnknown { .. } => "CreateOutcomeUnknown",
            Action::CreateChecked { .. } => "CreateChecked",
            Action::Copied { .. } => "Copied",
            Action::FileSaved { .. } => "FileSaved",
            Action::InstancesPage { .. } => "InstancesPage",
            Action::InstancesListed { .. } => "InstancesListed",
            Action::InstanceChecked { .. } => "InstanceChecked",
            Action::InstanceDeleted { .. } => "InstanceDeleted",
            Action::InstanceUpdated { .. } => "InstanceUpdated",
            Action::InstanceSwitched { .. } => "InstanceSwitched",
            Action::InstanceReauthorized { .. } => "InstanceReauthorized",
        };
        f.write_str(name)
    }
}
