//! The Creating step's model: the create in flight, or one whose answer
//! was lost.

use crate::tui::report::{CreatedCheck, ErrorReport, LostCreate};
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatingState {
    /// The call in flight (the create, or a check of the instance list),
    /// or the last one.
    pub attempt: u64,
    /// When that call started.
    pub started: Instant,
    /// What identifies the instance the create may make (`None` while
    /// checking): kept for a cancel, which leaves the outcome unknown.
    pub sent: Option<CreatedCheck>,
    pub phase: CreatePhase,
}

/// Where a create stands. Only a create whose answer was lost stays on the
/// Creating step after it ends: a clear answer goes to Done or back to the
/// step that can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreatePhase {
    /// The create request is in flight.
    Sending,
    /// The answer was lost and the platform has no new instance: sending
    /// the request again is safe.
    NothingCreated(ErrorReport),
    /// The answer was lost and the instance list could not be read: the
    /// instance may exist, so it is looked for before anything is sent again.
    Unknown(LostCreate),
    /// Listing the platform's instances again to find out.
    Checking(LostCreate),
}
