//! The wizard's model: everything the screens show and the keys act on.
//! It holds no handles, sockets or tasks, so tests build it, drive it with
//! actions and read it back without a terminal.

use super::connection::ConnectionForm;
use super::form_state::FormState;
use super::theme::Theme;
use super::widgets::TextField;
use crate::api::Instance;
use crate::catalog::ElementSpec;
use crate::form::DeriveContext;
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Connection,
    Element,
    Configure,
    Authorize,
    Review,
    Creating,
    Done,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::Connection => "Connection",
            Step::Element => "Element",
            Step::Configure => "Configure",
            Step::Authorize => "Authorize",
            Step::Review => "Review",
            Step::Creating => "Creating",
            Step::Done => "Done",
        }
    }
}

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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerStatus {
    NotBound,
    Binding,
    Ready { callback_url: String },
    Failed { port: Option<u16>, message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
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
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text: text.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementPicker {
    pub filter: TextField,
    /// Indices into `App::specs` that match the filter, best first.
    pub matches: Vec<usize>,
    /// Position in `matches`.
    pub selected: usize,
}

/// Why the authorization is not (or no longer) waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthProblem {
    Listener {
        port: Option<u16>,
        message: String,
    },
    UrlFailed(ErrorReport),
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
    Failed(String),
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
    /// The single-use code, and the form values it was obtained for: the
    /// code is reused only while the form is unchanged.
    pub code: Option<(Secret, crate::form::FormValues)>,
}

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
    /// The last failed creation, shown until the next attempt.
    pub error: Option<ErrorReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatingState {
    /// The call in flight (the create, or a check of the instance list),
    /// or the last one.
    pub attempt: u64,
    /// When that call started.
    pub started: Instant,
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
    Unknown {
        report: ErrorReport,
        check: CreatedCheck,
        lost: LostAnswer,
    },
    /// Listing the platform's instances again to find out.
    Checking {
        report: ErrorReport,
        check: CreatedCheck,
        lost: LostAnswer,
    },
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
        };
        format!("{what}; ce-wizard found it, so nothing was created twice.")
    }
}

pub struct SavePrompt {
    pub path: TextField,
    /// The file exists and the person is asked whether to replace it.
    pub confirm_overwrite: bool,
}

pub struct DoneState {
    pub instance: Instance,
    pub prompt: Option<SavePrompt>,
    pub saved_to: Option<PathBuf>,
    /// Set when the create's answer was lost and the instance was found in
    /// the platform's list instead.
    pub recovered: Option<LostAnswer>,
}

impl fmt::Debug for DoneState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoneState")
            .field("instance_id", &self.instance.id)
            .field("prompting", &self.prompt.is_some())
            .field("saved_to", &self.saved_to)
            .field("recovered", &self.recovered)
            .finish()
    }
}

pub struct App {
    pub step: Step,
    pub settings: Settings,
    pub theme: Theme,
    pub specs: Vec<ElementSpec>,
    pub connection: ConnectionForm,
    pub picker: ElementPicker,
    /// The chosen element's key.
    pub element: Option<String>,
    /// One form per element ever opened, so switching element and back
    /// loses nothing.
    pub forms: BTreeMap<String, FormState>,
    pub authorize: AuthorizeState,
    pub review: ReviewState,
    pub creating: Option<CreatingState>,
    pub done: Option<DoneState>,
    pub listener: ListenerStatus,
    pub overlay: Option<Overlay>,
    /// Where to return once the connection is fixed (after a 401 while
    /// creating), so nothing has to be done twice.
    pub resume: Option<Step>,
    pub notice: Option<Notice>,
    pub created: Vec<Instance>,
    pub saved_files: Vec<PathBuf>,
    pub now: Instant,
    pub ticks: u64,
    /// Whether the person typed anything (quitting then asks first).
    pub typed: bool,
    /// Set when the wizard should end; `true` means interrupted.
    pub exit: Option<bool>,
    pub(crate) next_attempt: u64,
}

/// A summary that names no value: the model holds secrets, and `Debug`
/// output ends up in panic messages and test failures.
impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("step", &self.step)
            .field("element", &self.element)
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
        specs: Vec<ElementSpec>,
        connection: ConnectionForm,
    ) -> Self {
        let matches = (0..specs.len()).collect();
        App {
            step: Step::Connection,
            settings,
            theme,
            specs,
            connection,
            picker: ElementPicker {
                filter: TextField::default(),
                matches,
                selected: 0,
            },
            element: None,
            forms: BTreeMap::new(),
            authorize: AuthorizeState {
                attempt: 0,
                phase: AuthPhase::Idle,
                paste: TextField::default(),
                paste_focused: false,
                code: None,
            },
            review: ReviewState {
                reveal: false,
                view: ReviewView::Body,
                scroll: 0,
                error: None,
            },
            creating: None,
            done: None,
            listener: ListenerStatus::NotBound,
            overlay: None,
            resume: None,
            notice: None,
            created: Vec::new(),
            saved_files: Vec::new(),
            now: Instant::now(),
            ticks: 0,
            typed: false,
            exit: None,
            next_attempt: 1,
        }
    }

    pub fn spec(&self) -> Option<&ElementSpec> {
        let key = self.element.as_deref()?;
        self.specs.iter().find(|s| s.key == key)
    }

    /// The element highlighted in the picker.
    pub fn highlighted(&self) -> Option<&ElementSpec> {
        self.picker
            .matches
            .get(self.picker.selected)
            .map(|&i| &self.specs[i])
    }

    pub fn form(&self) -> Option<&FormState> {
        self.forms.get(self.element.as_deref()?)
    }

    pub fn form_mut(&mut self) -> Option<&mut FormState> {
        let key = self.element.clone()?;
        self.forms.get_mut(&key)
    }

    pub fn is_oauth(&self) -> bool {
        self.spec().is_some_and(|s| s.auth.is_oauth())
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
        let current = if self.step == Step::Creating {
            Step::Done
        } else {
            self.step
        };
        let pos = steps
            .iter()
            .position(|s| *s == current)
            .map_or(1, |p| p + 1);
        (pos, steps.len())
    }

    pub(crate) fn new_attempt(&mut self) -> u64 {
        let a = self.next_attempt;
        self.next_attempt += 1;
        a
    }

    pub fn spinner(&self) -> char {
        const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        FRAMES[(self.ticks % FRAMES.len() as u64) as usize]
    }

    /// Default name of a new instance of this element.
    pub fn default_instance_name(&self, element_key: &str) -> String {
        format!("{element_key}-{}", self.settings.name_stamp)
    }
}

/// `yyyymmdd-hhmm` in UTC for a time since the Unix epoch; UTC keeps names
/// from one machine comparable whatever its time zone.
pub fn name_stamp(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_stamps() {
        assert_eq!(name_stamp(Duration::from_secs(0)), "19700101-0000");
        // 2024-02-29 13:37:59 UTC
        assert_eq!(
            name_stamp(Duration::from_secs(1_709_213_879)),
            "20240229-1337"
        );
    }
}
