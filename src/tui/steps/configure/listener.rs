//! The Callback URL field when the OAuth listener could not start: the
//! field is empty because its port is taken, and "Callback URL is
//! required" would not say so. Beside the field: what happened and what to
//! do (close the other program and try again, or `--callback-port N`);
//! under the sandbox, where any port works, Enter takes a free one at once.

use super::FormItem;
use crate::tui::app::{App, ListenerStatus};
use crate::tui::effect::Effect;
use crate::tui::report::ListenerProblem;

/// What the Callback URL field says about the listener.
pub enum Note {
    /// It could not start: why, and what to do.
    Problem(String),
    /// Starting again, after Enter.
    Starting,
}

/// Whether `item` is the field filled from the listener's address.
fn is_callback_field(app: &App, item: &FormItem) -> bool {
    let FormItem::Field(k) = item else {
        return false;
    };
    app.form()
        .and_then(|f| f.field(k))
        .and_then(|f| f.derive.as_deref())
        == Some("{callback_url}")
}

/// The note for `item`: only the callback field, only while it is empty
/// (a person who typed an address of their own needs no listener note).
pub fn note(app: &App, item: &FormItem) -> Option<Note> {
    if !is_callback_field(app, item) {
        return None;
    }
    let FormItem::Field(k) = item else {
        return None;
    };
    if !app.form()?.value(k).trim().is_empty() {
        return None;
    }
    match &app.listener {
        ListenerStatus::Failed(problem) => {
            Some(Note::Problem(explain(problem, app.settings.sandbox)))
        }
        ListenerStatus::Binding => Some(Note::Starting),
        _ => None,
    }
}

fn explain(problem: &ListenerProblem, sandbox: bool) -> String {
    match (problem, sandbox) {
        (ListenerProblem::PortInUse(port), true) => format!(
            "Port {port} is taken by another program, so the wizard cannot catch the sign-in there. The sandbox takes any port: press Enter to use a free one."
        ),
        (ListenerProblem::PortInUse(port), false) => format!(
            "Port {port} is taken by another program, so the wizard cannot catch the sign-in there. Close that program and press Enter to try again, or quit and run ce-wizard --callback-port N with another port N registered with your app."
        ),
        (ListenerProblem::Failed(why), _) => format!(
            "The wizard cannot listen for the sign-in's redirect ({why}). Press Enter to try again, or run ce-wizard --callback-port N with another port."
        ),
    }
}

/// Whether Enter on the focused row starts the listener again.
pub fn retry_on_enter(app: &App) -> bool {
    app.form()
        .is_some_and(|f| matches!(note(app, &f.focus), Some(Note::Problem(_))))
}

/// What Enter does there, for the footer.
pub fn enter_label(app: &App, item: &FormItem) -> Option<&'static str> {
    match note(app, item)? {
        Note::Problem(_) if app.settings.sandbox => Some("use a free port"),
        Note::Problem(_) => Some("try again"),
        Note::Starting => None,
    }
}

/// Starts the listener again: on the same port (the other program may be
/// gone), or under the sandbox on any free one. Its address fills the
/// field when it is bound.
pub fn retry(app: &mut App) -> Vec<Effect> {
    let port = if app.settings.sandbox {
        0
    } else {
        app.settings.callback_port
    };
    app.listener = ListenerStatus::Binding;
    if let Some(form) = app.form_mut() {
        let focus = form.focus.clone();
        form.errors.remove(&focus);
    }
    vec![Effect::CheckCallbackPort { port }]
}

/// Puts the listener's note in place of the callback field's "is required"
/// error, for the footer and the notice.
pub fn explain_errors(app: &mut App) {
    let Some(items) = app
        .form()
        .map(|f| f.errors.keys().cloned().collect::<Vec<_>>())
    else {
        return;
    };
    for item in items {
        if let Some(Note::Problem(text)) = note(app, &item) {
            if let Some(form) = app.form_mut() {
                form.errors.insert(item, text);
            }
        }
    }
}
