//! Where the check of one instance stands, as both views keep it. A leaf:
//! the views' models hold it without importing the operations.

use crate::flow::check::Outcome;

/// The check of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Running {
        attempt: u64,
    },
    /// Signed in again, the `PATCH` (then a check) under way; what was known
    /// before comes back if it fails.
    Reauthorizing {
        attempt: u64,
        before: Option<Box<Check>>,
    },
    Found(Outcome),
    /// The platform could not be asked.
    Failed(String),
}
