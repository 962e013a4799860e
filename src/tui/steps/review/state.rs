//! The Review step's model: what is shown of the request.

use crate::tui::report::{CreatedCheck, ErrorReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewView {
    Body,
    Curl,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewState {
    pub reveal: bool,
    pub view: ReviewView,
    pub scroll: u16,
    /// The most `scroll` can be, kept from the last frame, so PgUp moves
    /// at once however often PgDn was pressed at the end.
    pub max_scroll: u16,
    /// The last failed creation, shown until the next attempt.
    pub error: Option<ErrorReport>,
    /// A create cancelled while in flight: it may still have reached the
    /// platform, so the next Enter looks for its instance before anything
    /// is sent again.
    pub cancelled: Option<CreatedCheck>,
    /// What to know about the curl command just copied (the variables to
    /// set, or that it holds the secrets), said with the copy's outcome.
    pub copy_note: Option<String>,
}
