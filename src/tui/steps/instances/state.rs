//! The Instances view's model: the account's instances as their pages
//! arrive, the filter over them, what checking each one found, and a delete
//! waiting for its name to be typed.

use super::filter::InstanceFilter;
use crate::api::Instance;
use crate::catalog::CatalogEntry;
use crate::flow::check::Outcome;
pub use crate::tui::instance_ops::check::Check;
use crate::tui::listed::Listed;
use crate::tui::report::ErrorReport;
use crate::tui::step::Step;
use crate::tui::widgets::TextField;
use std::collections::HashMap;
use std::fmt;

/// Where the list stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loading {
    /// Pages are arriving for this attempt.
    Pages { attempt: u64 },
    /// Every page arrived.
    Done,
    /// A page failed: the list on screen is only part of the account's.
    Failed(String),
}

/// A delete that waits for the instance's name, or for the platform.
pub struct DeletePrompt {
    pub id: i64,
    pub name: String,
    pub typed: TextField,
    /// Sent, waiting for the answer.
    pub sent: Option<u64>,
}

/// The name and tags being edited, checked as they are typed.
pub struct EditPrompt {
    pub id: i64,
    pub name: TextField,
    /// Comma separated, as the Configure step takes them.
    pub tags: TextField,
    /// Which field has the cursor.
    pub on_tags: bool,
    /// Sent, waiting for the answer.
    pub sent: Option<u64>,
    /// What the platform said to the last attempt, until the next edit.
    pub refused: Option<String>,
    /// The name as listed: kept, it is not judged as a new name would be
    /// (an instance named "1000" elsewhere can still have its tags edited).
    pub listed_name: String,
}

impl EditPrompt {
    pub fn new(i: &Listed) -> EditPrompt {
        EditPrompt {
            id: i.id,
            name: TextField::new(&i.name),
            tags: TextField::new(&i.tags().join(", ")),
            on_tags: false,
            sent: None,
            refused: None,
            listed_name: i.name.clone(),
        }
    }

    pub fn focused_mut(&mut self) -> &mut TextField {
        if self.on_tags {
            &mut self.tags
        } else {
            &mut self.name
        }
    }

    pub fn tag_list(&self) -> Vec<String> {
        crate::flow::request::tag_list(self.tags.value())
    }

    /// What is wrong with the name or the tags as typed now.
    pub fn problem(&self) -> Option<String> {
        let name = self.name.value();
        if name.trim() == self.listed_name.trim() {
            crate::form::validate_found_name(name)
        } else {
            crate::form::validate_name(name)
        }
        .or_else(|| crate::form::validate_tags(&self.tag_list()))
    }
}

/// The app's key and secret asked before signing an instance in again:
/// the platform never gives the secret back.
pub struct ReauthPrompt {
    pub instance: Instance,
    pub auth: crate::catalog::AuthKind,
    pub key: TextField,
    pub secret: TextField,
    pub on_secret: bool,
}

impl ReauthPrompt {
    /// What is typed, to be given back when the prompt opens again.
    pub fn typed(&self) -> TypedApp {
        TypedApp {
            id: self.instance.id,
            key: self.key.value().to_string(),
            secret: crate::secret::Secret::new(self.secret.value()),
        }
    }

    pub fn focused_mut(&mut self) -> &mut TextField {
        if self.on_secret {
            &mut self.secret
        } else {
            &mut self.key
        }
    }
}

/// "New from this" for an element whose form this run does not know yet:
/// its configuration metadata on the way. The instance it copies is kept
/// here, so the form is that instance's whatever the list does meanwhile.
pub struct FormLoad {
    pub attempt: u64,
    pub instance: Instance,
    pub entry: CatalogEntry,
    /// What the platform said, until Enter tries again.
    pub failed: Option<Box<ErrorReport>>,
}

/// What was typed into the re-authorize prompt for one instance.
pub struct TypedApp {
    pub id: i64,
    pub key: String,
    pub secret: crate::secret::Secret,
}

/// Many instances checked at once: each row turns from "checking" to its
/// result as it ends, and the header counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub attempt: u64,
    pub total: usize,
    pub done: usize,
    /// Broken, invalid or disabled so far.
    pub failing: usize,
}

pub struct InstancesState {
    pub items: Vec<Listed>,
    /// The searchable text of each item (name, element, tags), in the
    /// items' order; its matches index `items`.
    pub index: InstanceFilter,
    pub filter: TextField,
    /// Position in the matches.
    pub selected: usize,
    pub loading: Loading,
    pub checks: HashMap<i64, Check>,
    pub delete: Option<DeletePrompt>,
    pub edit: Option<EditPrompt>,
    pub reauth: Option<ReauthPrompt>,
    /// The app's key and secret last typed into the re-authorize prompt,
    /// given back when it opens again for the same instance: Esc there, or
    /// on the sign-in it led to, loses nothing typed.
    pub typed_app: Option<TypedApp>,
    /// An edit left with Esc before it was saved: F4 on the same instance
    /// brings it back, so nothing typed is lost by going back.
    pub edit_draft: Option<EditPrompt>,
    pub new_from: Option<FormLoad>,
    /// The check of every instance shown (F7), while it runs.
    pub batch: Option<Batch>,
    /// An instance being turned on or off (F8): the attempt, its ID and
    /// which way.
    pub switching: Option<(u64, i64, bool)>,
    /// Where Esc returns to; `None` when the view is the whole run
    /// (`ce-wizard instances`), where Esc quits.
    pub back_to: Option<Step>,
    /// The rows shown, as positions in `items`: the filter's matches,
    /// kept to the statuses named in the filter, in the order chosen.
    shown: Vec<usize>,
    /// Troubled instances first (broken, invalid, disabled) instead of the
    /// platform's order (oldest first).
    pub by_status: bool,
    /// The instance the cursor goes to once its page arrives (the one
    /// just created, when the view is opened from Done).
    pub select_on_arrival: Option<i64>,
}

impl fmt::Debug for InstancesState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstancesState")
            .field("items", &self.items.len())
            .field("matches", &self.shown.len())
            .field("selected", &self.selected)
            .field("loading", &self.loading)
            .field("checks", &self.checks.len())
            .field("deleting", &self.delete.as_ref().map(|d| d.id))
            .field("new_from", &self.new_from.as_ref().map(|l| l.instance.id))
            .finish_non_exhaustive()
    }
}

/// What typing in the filter finds an instance by: its name, element and
/// tags.
pub fn haystack(i: &Listed) -> Vec<&str> {
    let mut parts = vec![i.name.as_str(), &i.element_key, &i.element_name];
    parts.extend(i.tags().iter().map(String::as_str));
    parts
}

impl InstancesState {
    pub fn new(back_to: Option<Step>) -> InstancesState {
        InstancesState {
            items: Vec::new(),
            index: InstanceFilter::new(),
            filter: TextField::default(),
            selected: 0,
            loading: Loading::Done,
            checks: HashMap::new(),
            delete: None,
            edit: None,
            reauth: None,
            typed_app: None,
            edit_draft: None,
            new_from: None,
            batch: None,
            switching: None,
            back_to,
            shown: Vec::new(),
            by_status: false,
            select_on_arrival: None,
        }
    }

    /// The rows shown, in order, as positions in `items`.
    pub fn matches(&self) -> &[usize] {
        &self.shown
    }

    /// Recomputes the rows shown from the filter's matches: the status
    /// words typed keep only those statuses, and the sort is applied.
    fn reshow(&mut self) {
        let (_, statuses) = split_query(self.filter.value());
        let mut shown: Vec<usize> = self.index.matches().to_vec();
        if !statuses.is_empty() {
            shown.retain(|&i| {
                let status = self.status(&self.items[i]);
                let unchecked =
                    !matches!(self.checks.get(&self.items[i].id), Some(Check::Found(_)));
                statuses.iter().any(|w| w.admits(status, unchecked))
            });
        }
        if self.by_status {
            // Stable: within a status, the platform's order stays.
            shown.sort_by_key(|&i| self.status(&self.items[i]).trouble_rank());
        }
        self.shown = shown;
    }

    /// Switches between the platform's order and troubled ones first;
    /// the cursor stays on the instance it was on.
    pub fn toggle_sort(&mut self) {
        let on = self.selected().map(|i| i.id);
        self.by_status = !self.by_status;
        self.reshow();
        self.select_id(on);
    }

    /// Puts the cursor on the instance with this id, if it is shown.
    pub fn select_id(&mut self, id: Option<i64>) {
        let Some(id) = id else { return };
        if let Some(at) = self.shown.iter().position(|&i| self.items[i].id == id) {
            self.selected = at;
        }
    }

    /// The instance under the cursor.
    pub fn selected(&self) -> Option<&Listed> {
        self.matches()
            .get(self.selected)
            .and_then(|&i| self.items.get(i))
    }

    /// Appends a page that arrived.
    pub fn add_page(&mut self, page: Vec<Listed>) {
        self.index.extend(page.iter().map(haystack));
        self.items.extend(page);
        self.reshow();
        if let Some(id) = self.select_on_arrival {
            if self.shown.iter().any(|&i| self.items[i].id == id) {
                self.select_id(Some(id));
                self.select_on_arrival = None;
            }
        }
    }

    /// Applies the filter as typed now; the cursor goes back to the best match.
    pub fn refilter(&mut self) {
        let (words, _) = split_query(self.filter.value());
        self.index.search(&words);
        self.reshow();
        self.selected = 0;
        // Typing takes the cursor from here on.
        self.select_on_arrival = None;
    }

    /// Starts again with an empty list (a fresh listing).
    pub fn clear(&mut self) {
        self.items.clear();
        self.index = InstanceFilter::new();
        let (words, _) = split_query(self.filter.value());
        self.index.search(&words);
        self.reshow();
        self.selected = 0;
    }

    /// Puts the instance as the platform now has it in place of its old
    /// self (after an edit or a re-authorization); the cursor stays on it.
    pub fn replace(&mut self, instance: Instance) {
        let Some(pos) = self.items.iter().position(|i| i.id == instance.id) else {
            return;
        };
        self.items[pos] = Listed::from(instance);
        let items = std::mem::take(&mut self.items);
        self.clear();
        self.add_page(items);
        if let Some(at) = self.matches().iter().position(|&i| i == pos) {
            self.selected = at;
        }
    }

    /// Whether a prompt (delete, edit, re-authorize) has the keys.
    pub fn prompting(&self) -> bool {
        self.delete.is_some() || self.edit.is_some() || self.reauth.is_some()
    }

    /// Takes an instance off the list (after its delete).
    pub fn remove(&mut self, id: i64) {
        let keep: Vec<Listed> = std::mem::take(&mut self.items)
            .into_iter()
            .filter(|i| i.id != id)
            .collect();
        let selected = self.selected;
        self.clear();
        self.add_page(keep);
        self.selected = selected.min(self.matches().len().saturating_sub(1));
        self.checks.remove(&id);
    }

    /// The status shown in the list: what a check found, else what the
    /// platform's flags say.
    pub fn status(&self, i: &Listed) -> Status {
        match self.checks.get(&i.id) {
            Some(Check::Running { .. }) => Status::Checking,
            Some(Check::Reauthorizing { .. }) => Status::Reauthorizing,
            Some(Check::Found(Outcome::Works { .. })) => Status::Works,
            Some(Check::Found(Outcome::Broken { .. })) => Status::Broken,
            Some(Check::Found(Outcome::Disabled)) => Status::Disabled,
            Some(Check::Found(Outcome::NotChecked { .. })) | Some(Check::Failed(_)) | None => {
                if i.disabled() {
                    Status::Disabled
                } else if !i.valid() {
                    Status::Invalid
                } else {
                    Status::Valid
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not checked; the platform does not mark it invalid.
    Valid,
    Invalid,
    Disabled,
    Checking,
    Reauthorizing,
    Works,
    Broken,
}

/// A status named in the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusWord {
    Invalid,
    Disabled,
    Broken,
    Works,
    Valid,
    /// No check has found anything about it yet.
    Unchecked,
}

impl StatusWord {
    pub const ALL: [(&'static str, StatusWord); 6] = [
        ("invalid", StatusWord::Invalid),
        ("disabled", StatusWord::Disabled),
        ("broken", StatusWord::Broken),
        ("works", StatusWord::Works),
        ("valid", StatusWord::Valid),
        ("unchecked", StatusWord::Unchecked),
    ];

    fn admits(self, s: Status, unchecked: bool) -> bool {
        match self {
            StatusWord::Invalid => s == Status::Invalid,
            StatusWord::Disabled => s == Status::Disabled,
            StatusWord::Broken => s == Status::Broken,
            StatusWord::Works => s == Status::Works,
            StatusWord::Valid => s == Status::Valid,
            StatusWord::Unchecked => unchecked,
        }
    }
}

/// A filter as typed, split into the words looked for in the instances'
/// text and the status words (which match a status, not text). Several
/// status words widen each other ("invalid disabled": either); the text
/// words narrow as always.
pub fn split_query(query: &str) -> (String, Vec<StatusWord>) {
    let mut words = Vec::new();
    let mut statuses = Vec::new();
    for w in query.split_whitespace() {
        let lower = w.to_lowercase();
        match StatusWord::ALL.iter().find(|(name, _)| *name == lower) {
            Some((_, s)) if !statuses.contains(s) => statuses.push(*s),
            Some(_) => {}
            None => words.push(w),
        }
    }
    (words.join(" "), statuses)
}

impl Status {
    /// Troubled first when sorting by status.
    pub fn trouble_rank(self) -> u8 {
        match self {
            Status::Broken => 0,
            Status::Invalid => 1,
            Status::Disabled => 2,
            Status::Checking | Status::Reauthorizing => 3,
            Status::Valid => 4,
            Status::Works => 5,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Disabled => "disabled",
            Status::Checking => "checking…",
            Status::Reauthorizing => "signing in…",
            Status::Works => "works",
            Status::Broken => "broken",
        }
    }
}
