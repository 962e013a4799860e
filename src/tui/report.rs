//! What the wizard's actions, effects and model say about work done
//! outside `update`: failures in the terms the screens show, and what
//! identifies a create whose answer was lost. Shared by every part of the
//! wizard, it depends on none of them.

use std::fmt;
use std::time::SystemTime;

/// What a failed platform call said, in the terms the screens show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    pub status: Option<u16>,
    pub message: String,
    pub request_id: Option<String>,
    pub provider_message: Option<String>,
    pub advice: String,
    pub missing_keys: Vec<String>,
}

impl From<&crate::api::ApiError> for ErrorReport {
    fn from(e: &crate::api::ApiError) -> Self {
        let provider_message = match e {
            crate::api::ApiError::Status {
                provider_message, ..
            } => provider_message.clone(),
            _ => None,
        };
        ErrorReport {
            status: e.status(),
            message: e.to_string(),
            request_id: e.request_id().map(str::to_string),
            provider_message,
            advice: e.advice(),
            missing_keys: e.missing_keys().to_vec(),
        }
    }
}

/// Why the last catalog refresh failed: the list on screen stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem {
    /// The platform could not be reached at all (as opposed to refusing).
    pub offline: bool,
    pub message: String,
}

/// Why the OAuth callback listener could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerProblem {
    PortInUse(u16),
    Failed(String),
}

impl ListenerProblem {
    pub fn of(e: &crate::oauth::ListenerError) -> ListenerProblem {
        match e {
            crate::oauth::ListenerError::PortInUse { port } => ListenerProblem::PortInUse(*port),
            e => ListenerProblem::Failed(e.to_string()),
        }
    }

    pub fn port(&self) -> Option<u16> {
        match self {
            ListenerProblem::PortInUse(port) => Some(*port),
            ListenerProblem::Failed(_) => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ListenerProblem::PortInUse(port) => format!("port {port} is already in use"),
            ListenerProblem::Failed(message) => message.clone(),
        }
    }
}

/// Why the browser could not be opened (never the command line, which
/// holds the sign-in link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserFailure(pub String);

impl fmt::Display for BrowserFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A create whose answer was lost: why, what identifies the instance it
/// may have made, and how the answer got lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostCreate {
    pub report: ErrorReport,
    pub check: CreatedCheck,
    pub lost: LostAnswer,
}

/// What identifies the instance a create may have made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCheck {
    pub element_key: String,
    pub name: String,
    /// When the create was sent (by this machine's clock).
    pub since: SystemTime,
}

/// How the answer to a create got lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostAnswer {
    ConnectionDropped,
    TimedOut,
    /// A gateway's 502 or 504.
    Gateway(u16),
    /// A 2xx that was a web page or broken JSON.
    Unreadable,
    /// The person stopped waiting (Esc) before the answer came.
    Cancelled,
}

impl LostAnswer {
    pub fn of(e: &crate::api::ApiError) -> LostAnswer {
        use crate::api::ApiError;
        match e {
            ApiError::ConnectionClosed { .. } => LostAnswer::ConnectionDropped,
            ApiError::Timeout => LostAnswer::TimedOut,
            ApiError::Status { status, .. } => LostAnswer::Gateway(*status),
            ApiError::NothingCreated { cause, .. } | ApiError::OutcomeUnknown { cause, .. } => {
                LostAnswer::of(cause)
            }
            _ => LostAnswer::Unreadable,
        }
    }

    /// What the Done screen says about an instance found after its answer
    /// was lost.
    pub fn recovered_note(self) -> String {
        let what = match self {
            LostAnswer::ConnectionDropped => {
                "The connection dropped after the platform created the instance".to_string()
            }
            LostAnswer::TimedOut => {
                "The platform did not answer in time, but it had created the instance".to_string()
            }
            LostAnswer::Gateway(status) => {
                format!("A gateway failed (HTTP {status}) after the platform created the instance")
            }
            LostAnswer::Unreadable => {
                "The platform's answer could not be read, but it had created the instance"
                    .to_string()
            }
            LostAnswer::Cancelled => {
                "You stopped waiting, but the create had reached the platform".to_string()
            }
        };
        format!("{what}; ce-wizard found it, so nothing was created twice.")
    }
}
