//! The Element step's model: the catalog on screen, its filter and
//! selection, and a chosen element whose form is on its way.

use crate::catalog::picker::Index;
use crate::catalog::{Catalog, CatalogEntry};
use crate::tui::report::{CatalogProblem, ErrorReport};
use crate::tui::widgets::TextField;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct ElementPicker {
    pub filter: TextField,
    /// The catalog's searchable texts; its matches are indices into the
    /// catalog's entries, best first.
    pub index: Index,
    /// Position in the matches.
    pub selected: usize,
    /// The list as the last frame drew it: measured by the renderer, which
    /// alone knows the list's height, and kept here by the run loop.
    pub window: ListWindow,
    /// A chosen element whose form is still being fetched or looked up.
    pub pending: Option<Pending>,
}

impl ElementPicker {
    pub fn matches(&self) -> &[usize] {
        self.index.matches()
    }
}

/// Work between choosing an element and its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// `--element KEY` names no bundled element: looking it up in the
    /// platform's catalog.
    Lookup { attempt: u64, key: String },
    /// Building the form from the element's configuration metadata;
    /// `failed` once the platform refused or could not be reached.
    Spec {
        attempt: u64,
        entry: CatalogEntry,
        failed: Option<Box<ErrorReport>>,
    },
}

/// The list of elements to pick from, where it came from, and its refresh.
#[derive(Debug, Clone)]
pub struct CatalogView {
    pub catalog: Catalog,
    /// How old the list was when it arrived, and when (in `App::now`) it
    /// arrived; its age on screen grows from there with the ticks.
    pub age: Option<(Duration, Instant)>,
    /// The attempt of the refresh running now.
    pub refreshing: Option<u64>,
    pub problem: Option<CatalogProblem>,
}

impl CatalogView {
    pub fn entries(&self) -> &[CatalogEntry] {
        self.catalog.entries()
    }

    /// The list's age at `now`.
    pub fn age_at(&self, now: Instant) -> Option<Duration> {
        self.age
            .map(|(age, at)| age + now.saturating_duration_since(at))
    }
}

/// The rows of the element list in the last frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListWindow {
    /// The first row shown, so the list moves only when the selection
    /// would leave it.
    pub offset: usize,
    /// How many rows it showed: the size of a page.
    pub page: usize,
}

impl Default for ListWindow {
    fn default() -> Self {
        ListWindow {
            offset: 0,
            page: 10,
        }
    }
}
