//! One module per step of the wizard. Each owns its model (`state`), its key
//! bindings and handlers (`mod.rs`) and its drawing (`view`); `screen` is
//! the one place that ties a step to its module, so a new step or view is a
//! new folder and one line there.

pub mod authorize;
pub mod configure;
pub mod connection;
pub mod creating;
pub mod done;
pub mod element;
pub mod instances;
pub mod review;

use super::app::App;
use super::clock::{Moves, Reading};
use super::effect::Effect;
use super::keymap::{Binding, Command};
use super::step::Step;
use super::widgets::EditOp;
use element::ListWindow;
use ratatui::layout::Rect;
use ratatui::Frame;

/// The kind of text input that has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One line.
    Line,
    /// Several lines: a line break (Alt-Enter) goes in.
    Lines,
    /// The element filter: `?` is never part of a name, so it stays help,
    /// and Home and End move through the list.
    Filter,
}

/// What drawing a frame measured, for the model to keep: render borrows
/// the model and returns this, the run loop stores it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub element_list: Option<ListWindow>,
    /// How far the Review box can scroll.
    pub review_max_scroll: Option<u16>,
    /// How far the help overlay can scroll, when it is open.
    pub help_max_scroll: Option<u16>,
    /// How often the frame can change with time alone (what it read).
    pub moves: Moves,
}

impl Drawn {
    /// Keeps what the frame measured in the model, for the keys that
    /// depend on it (a page of the element list).
    pub fn keep(self, app: &mut App) {
        if let Some(window) = self.element_list {
            app.picker.window = window;
        }
        if let Some(max) = self.review_max_scroll {
            app.review.max_scroll = max;
            app.review.scroll = app.review.scroll.min(max);
        }
        if let Some(max) = self.help_max_scroll {
            app.help_max_scroll = max;
            app.help_scroll = app.help_scroll.min(max);
        }
    }
}

/// A step as the router and the frame see it.
pub trait Screen: Sync {
    /// The keys of the step, most important first (help and quit are
    /// added by the router).
    fn bindings(&self, app: &App) -> Vec<Binding>;
    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect>;
    /// The text input that has focus, ignoring any overlay.
    fn input(&self, _app: &App) -> Option<Input> {
        None
    }
    /// Applies an edit to the focused input; whether the value changed.
    fn edit(&self, _app: &mut App, _op: &EditOp) -> bool {
        false
    }
    /// Inserts pasted text; whether anything changed.
    fn paste(&self, _app: &mut App, _text: &str) -> bool {
        false
    }
    /// The focused field's error, for the message line.
    fn field_error<'a>(&self, _app: &'a App) -> Option<&'a str> {
        None
    }
    /// Draws the step; time is read through `time`, never `app.clock`.
    fn render(&self, app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Drawn;
}

/// The module of a step.
pub fn screen(step: Step) -> &'static dyn Screen {
    match step {
        Step::Connection => &connection::Connection,
        Step::Element => &element::Element,
        Step::Configure => &configure::Configure,
        Step::Authorize => &authorize::Authorize,
        Step::Review => &review::Review,
        Step::Creating => &creating::Creating,
        Step::Done => &done::Done,
        Step::Instances => &instances::Instances,
    }
}

/// Which text input has focus on the current step (under any overlay):
/// keys, pastes, the footer and the help all ask here.
pub fn focused_input(app: &App) -> Option<Input> {
    screen(app.step).input(app)
}
