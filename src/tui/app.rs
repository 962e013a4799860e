//! The wizard's model: everything the screens show and the keys act on.
//! It holds no handles, sockets or tasks, so tests build it, drive it with
//! actions and read it back without a terminal.

use super::clock::Clock;
use super::effect::Platform;
use super::report::ListenerProblem;
use super::theme::Theme;
use super::widgets::TextField;
use crate::api::{Credentials, Instance};
use crate::catalog::picker::Index;
use crate::catalog::{bundled_spec, AuthKind, Catalog, CatalogEntry, ElementSpec, AUTH_TYPE_KEY};
use crate::form::DeriveContext;
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

// The model's parts, each defined by the step that owns it (in its
// `state` module, which knows nothing of `App`).
pub use super::step::Step;
pub use super::steps::authorize::state::{
    AuthPhase, AuthProblem, AuthorizeState, BrowserStatus, Grant,
};
pub use super::steps::configure::form::FormState;
pub use super::steps::connection::state::ConnectionForm;
pub use super::steps::creating::state::{CreatePhase, CreatingState};
pub use super::steps::done::state::{DoneState, SavePrompt};
pub use super::steps::element::state::{CatalogView, ElementPicker, ListWindow, Pending};
pub use super::steps::instances::state::InstancesState;
pub use super::steps::review::state::{ReviewState, ReviewView};

/// Fixed facts of this run, from the options and the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub callback_port: u16,
    pub oauth_timeout: Duration,
    /// Show the authorization URL instead of opening a browser.
    pub no_browser: bool,
    /// An SSH session without a display: the browser is elsewhere.
    pub remote: bool,
    /// `yyyymmdd-hhmm`, the suffix of default instance names.
    pub name_stamp: String,
    /// The default directory of saved instance files.
    pub save_dir: PathBuf,
    pub sandbox: bool,
    pub config_path: Option<PathBuf>,
    /// The deadline of each call to the platform (`--request-timeout`).
    pub request_timeout: Duration,
    /// One moment by the wall clock and by the monotonic one (the start),
    /// so that the model, which keeps time as `Instant`s, can say when
    /// something happened by the platform's clock.
    pub started: (SystemTime, Instant),
    /// `--print-token`: each token is printed on standard output at exit,
    /// so quitting Done loses none.
    pub print_token: bool,
}

impl Settings {
    /// `at` by the wall clock.
    pub fn wall_time(&self, at: Instant) -> SystemTime {
        let (wall, instant) = self.started;
        match at.checked_duration_since(instant) {
            Some(after) => wall + after,
            None => wall - instant.duration_since(at),
        }
    }
}

/// The OAuth callback port, as last checked: the port is held only while
/// a sign-in waits (see `Effect::StartAuthorization`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerStatus {
    NotBound,
    /// Being checked.
    Binding,
    /// Free when checked; the callback URL it gives.
    Ready {
        callback_url: String,
    },
    Failed(ListenerProblem),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    /// Worth checking, never blocking.
    Warning,
    Error,
}

/// The one-line message above the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Info,
            text: text.into(),
        }
    }
    pub fn success(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Success,
            text: text.into(),
        }
    }
    pub fn warning(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Warning,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text: text.into(),
        }
    }
}

/// How the wizard ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// From the Done step: the run did what it was for.
    Finished,
    /// Quit before finishing, or ended by a signal or a lost terminal.
    Interrupted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
}

pub struct App {
    pub step: Step,
    pub settings: Settings,
    pub theme: Theme,
    pub catalog: CatalogView,
    /// Forms known so far, by element key: bundled ones when chosen, and
    /// those built from the platform's metadata once fetched.
    pub specs: BTreeMap<String, ElementSpec>,
    pub connection: ConnectionForm,
    pub picker: ElementPicker,
    /// `--element KEY` for an element that is not bundled: looked up once
    /// the connection is known.
    pub wanted_element: Option<String>,
    /// The chosen element's key.
    pub element: Option<String>,
    /// One form per element ever opened, so switching element and back
    /// loses nothing.
    pub forms: BTreeMap<String, FormState>,
    pub authorize: AuthorizeState,
    pub review: ReviewState,
    pub creating: Option<CreatingState>,
    pub done: Option<DoneState>,
    /// The Instances view, once opened (kept when left, so coming back
    /// loses nothing).
    pub instances: Option<InstancesState>,
    pub listener: ListenerStatus,
    pub overlay: Option<Overlay>,
    /// The help overlay's first shown line, and the most it can be (as the
    /// last frame measured): on a short terminal the help scrolls.
    pub help_scroll: u16,
    pub help_max_scroll: u16,
    /// Where to return once the connection is fixed (after a 401 while
    /// creating), so nothing has to be done twice.
    pub resume: Option<Step>,
    pub notice: Option<Notice>,
    pub created: Vec<Instance>,
    pub saved_files: Vec<PathBuf>,
    pub clock: Clock,
    /// Whether the person typed anything (quitting then asks first).
    pub typed: bool,
    /// Set when the wizard should end.
    pub exit: Option<Exit>,
    pub(crate) next_attempt: u64,
}

/// A summary that names no value: the model holds secrets, and `Debug`
/// output ends up in panic messages and test failures.
impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("step", &self.step)
            .field("element", &self.element)
            .field(
                "catalog",
                &(self.catalog.catalog.len(), self.catalog.catalog.origin()),
            )
            .field("pending", &self.picker.pending)
            .field("connection", &self.connection)
            .field("forms", &self.forms)
            .field("authorize", &self.authorize)
            .field("review", &self.review)
            .field("creating", &self.creating)
            .field("done", &self.done)
            .field("listener", &self.listener)
            .field("overlay", &self.overlay)
            .field("notice", &self.notice)
            .field("created", &self.created.len())
            .finish_non_exhaustive()
    }
}

impl App {
    pub fn new(
        settings: Settings,
        theme: Theme,
        catalog: Catalog,
        connection: ConnectionForm,
    ) -> Self {
        let index = Index::for_entries(catalog.entries());
        App {
            step: Step::Connection,
            settings,
            theme,
            catalog: CatalogView {
                catalog,
                age: None,
                refreshing: None,
                problem: None,
            },
            specs: BTreeMap::new(),
            connection,
            picker: ElementPicker {
                filter: TextField::default(),
                index,
                selected: 0,
                window: ListWindow::default(),
                pending: None,
            },
            wanted_element: None,
            element: None,
            forms: BTreeMap::new(),
            authorize: AuthorizeState {
                link_printed: false,
                attempt: 0,
                phase: AuthPhase::Idle,
                paste: TextField::default(),
                paste_focused: false,
                request_token: None,
                grant: None,
                reauth: None,
            },
            review: ReviewState {
                reveal: false,
                view: ReviewView::Body,
                scroll: 0,
                max_scroll: 0,
                error: None,
                cancelled: None,
                copy_note: None,
            },
            creating: None,
            done: None,
            instances: None,
            listener: ListenerStatus::NotBound,
            overlay: None,
            help_scroll: 0,
            help_max_scroll: 0,
            resume: None,
            notice: None,
            created: Vec::new(),
            saved_files: Vec::new(),
            clock: Clock::new(Instant::now()),
            typed: false,
            exit: None,
            next_attempt: 1,
        }
    }

    /// The account secrets as typed on the Connection step.
    /// The connection every platform effect goes to.
    pub fn platform(&self) -> Platform {
        Platform {
            base_url: self.connection.base_url(),
            creds: self.credentials(),
        }
    }

    pub fn credentials(&self) -> Credentials {
        Credentials {
            user: Secret::new(self.connection.user.value().trim()),
            org: Secret::new(self.connection.org.value().trim()),
        }
    }

    pub fn spec(&self) -> Option<&ElementSpec> {
        self.specs.get(self.element.as_deref()?)
    }

    /// The form of a catalog element, when known without asking the
    /// platform: bundled, or built from its metadata earlier in this run.
    pub fn known_spec(&self, key: &str) -> Option<&ElementSpec> {
        self.specs.get(key).or_else(|| bundled_spec(key))
    }

    /// The element highlighted in the picker.
    pub fn highlighted(&self) -> Option<&CatalogEntry> {
        self.picker
            .matches()
            .get(self.picker.selected)
            .and_then(|&i| self.catalog.entries().get(i))
    }

    pub fn form(&self) -> Option<&FormState> {
        self.forms.get(self.element.as_deref()?)
    }

    pub fn form_mut(&mut self) -> Option<&mut FormState> {
        let key = self.element.clone()?;
        self.forms.get_mut(&key)
    }

    pub fn is_oauth(&self) -> bool {
        self.auth_kind().is_some_and(AuthKind::is_oauth)
    }

    /// How the chosen element signs in with the form's values: the kind
    /// its `authentication.type` choice names, where it offers several.
    pub fn auth_kind(&self) -> Option<AuthKind> {
        let spec = self.spec()?;
        let chosen = self.form().map(|f| f.value(AUTH_TYPE_KEY).to_string());
        Some(spec.auth_for(chosen.as_deref()))
    }

    pub fn callback_url(&self) -> Option<&str> {
        match &self.listener {
            ListenerStatus::Ready { callback_url } => Some(callback_url),
            _ => None,
        }
    }

    pub fn derive_context(&self) -> DeriveContext {
        DeriveContext {
            callback_url: self.callback_url().map(str::to_string),
        }
    }

    /// The steps shown in the indicator: Authorize only for OAuth elements;
    /// Creating shares Done's place.
    pub fn visible_steps(&self) -> Vec<Step> {
        let mut steps = vec![Step::Connection, Step::Element, Step::Configure];
        if self.is_oauth() {
            steps.push(Step::Authorize);
        }
        steps.extend([Step::Review, Step::Done]);
        steps
    }

    /// 1-based position of the current step and the number of steps.
    pub fn step_position(&self) -> (usize, usize) {
        let steps = self.visible_steps();
        let current = match self.step {
            Step::Creating => Step::Done,
            // A side trip from the Element step, counted there.
            Step::Instances => Step::Element,
            // Re-authorizing an instance counts where it was started from.
            Step::Authorize => match self.authorize.reauth.as_ref().map(|t| t.back_to) {
                Some(Step::Instances) => Step::Element,
                Some(step) => step,
                None => Step::Authorize,
            },
            step => step,
        };
        let pos = steps
            .iter()
            .position(|s| *s == current)
            .map_or(1, |p| p + 1);
        (pos, steps.len())
    }

    /// Ctrl-C or Esc where there is nothing to go back to: asks first
    /// when something typed would be lost, or on Done while the token is
    /// kept nowhere but on the screen that quitting clears.
    pub fn ask_quit(&mut self) {
        if self.step == Step::Done {
            if !self.settings.print_token && self.done.as_ref().is_some_and(|d| !d.token_kept()) {
                self.overlay = Some(Overlay::ConfirmQuit);
            } else {
                self.quit(Exit::Finished);
            }
        } else if !self.typed {
            self.quit(Exit::Interrupted);
        } else {
            self.overlay = Some(Overlay::ConfirmQuit);
        }
    }

    /// How quitting now ends the run: from Done it did what it was for.
    pub fn quit_exit(&self) -> Exit {
        if self.step == Step::Done {
            Exit::Finished
        } else {
            Exit::Interrupted
        }
    }

    pub fn quit(&mut self, exit: Exit) {
        self.overlay = None;
        self.exit = Some(exit);
    }

    pub(crate) fn new_attempt(&mut self) -> u64 {
        let a = self.next_attempt;
        self.next_attempt += 1;
        a
    }
}
