//! The Configure step: the chosen element's form, walked field by field.

mod control;
pub mod form;
mod listener;
#[cfg(test)]
mod screen_tests;
#[cfg(test)]
mod tests;
mod view;

pub use form::{FormItem, FormState};

use super::authorize::start::start_authorization;
use super::review::start::go_review;
use super::{Drawn, Input, Screen};
use crate::flow::fields;
use crate::tui::app::{App, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{
    b, ctrl, extra, field_moves, Binding, Command, ENTER, ESC, LEFT, RIGHT, SPACE,
};
use crate::tui::step::Step;
use crate::tui::widgets::EditOp;
use control::{control, Control};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Configure;

impl Screen for Configure {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        configure_command(app, cmd)
    }

    fn input(&self, app: &App) -> Option<Input> {
        let form = app.form().filter(|f| f.focus_is_text())?;
        Some(match form.focused_field().map(|f| control(f.kind)) {
            Some(Control::Lines) => Input::Lines,
            Some(Control::Line { .. } | Control::Checkbox | Control::Choices) | None => Input::Line,
        })
    }

    fn edit(&self, app: &mut App, op: &EditOp) -> bool {
        let ctx = app.derive_context();
        app.form_mut().is_some_and(|f| f.edit(op, &ctx))
    }

    fn paste(&self, app: &mut App, text: &str) -> bool {
        let ctx = app.derive_context();
        app.form_mut().is_some_and(|f| f.paste(text, &ctx))
    }

    fn field_error<'a>(&self, app: &'a App) -> Option<&'a str> {
        let f = app.form()?;
        f.errors.get(&f.focus).map(String::as_str)
    }

    fn render(&self, app: &App, _time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        view::render(app, frame, area);
        Drawn::default()
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    let Some(form) = app.form() else {
        return vec![];
    };
    let mut list = vec![];
    // None on the Advanced fold: its own key comes after the ways on and
    // back (below).
    let control = form.focused_field().map(|f| control(f.kind));
    match control {
        Some(Control::Checkbox) => {
            list.push(b(&[SPACE], "Space", "toggle", Command::Toggle));
            list.push(extra(&[LEFT, RIGHT], "←/→", "toggle", Command::Toggle));
        }
        Some(Control::Choices) => {
            list.push(b(&[RIGHT, SPACE], "←/→", "choose", Command::ChoiceNext));
            list.push(extra(&[LEFT], "←", "previous choice", Command::ChoicePrev));
        }
        Some(Control::Line { .. } | Control::Lines) | None => {}
    }
    let last = form.is_last(&form.focus);
    let enter = if form.suggestion().is_some() {
        "accept"
    } else if form.focus == FormItem::Advanced && !form.advanced_open {
        "show advanced"
    } else if let Some(label) = listener::enter_label(app, &form.focus) {
        label
    } else if last {
        "review"
    } else {
        "next"
    };
    // A narrow footer drops hints from its middle: the way back stays
    // longer than Ctrl-S, which Enter reaches too.
    list.push(b(&[ENTER], "Enter", enter, Command::Continue));
    list.push(b(&[ESC], "Esc", "back", Command::Back));
    list.push(
        b(&[ctrl('s')], "Ctrl-S", "done", Command::Submit)
            .with_detail("check every field and continue (from any field)"),
    );
    if form.focus == FormItem::Advanced {
        // Enter unfolds and moves in; Space (←/→) toggles the fold in place.
        let space = if form.advanced_open {
            b(
                &[SPACE, LEFT, RIGHT],
                "Space",
                "fold advanced",
                Command::Toggle,
            )
        } else {
            extra(
                &[SPACE, LEFT, RIGHT],
                "Space",
                "show advanced, staying on this row",
                Command::Toggle,
            )
        };
        list.push(space);
    }
    match control {
        Some(Control::Line { masked: true }) => {
            list.push(b(&[ctrl('r')], "Ctrl-R", "show/hide", Command::Reveal));
        }
        Some(Control::Lines) => list.push(
            b(&[ctrl('j')], "Ctrl-J", "new line", Command::NewLine)
                .with_detail("start a new line in this field (Alt-Enter too)"),
        ),
        Some(Control::Line { masked: false } | Control::Checkbox | Control::Choices) | None => {}
    }
    list.extend(field_moves());
    list
}

fn configure_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    if cmd == Command::Continue && listener::retry_on_enter(app) {
        return listener::retry(app);
    }
    let effects = form_command(app, cmd);
    listener::explain_errors(app);
    effects
}

fn form_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let ctx = app.derive_context();
    let Some(form) = app.form_mut() else {
        return vec![];
    };
    let items = form.items();
    match cmd {
        Command::Next => move_forward(form, &items),
        Command::Prev => {
            let typed = form.input(&form.focus).is_some_and(|i| !i.is_empty());
            if let Some(e) = form.check_item(&form.focus).filter(|_| typed) {
                form.errors.insert(form.focus.clone(), e);
            }
            form.note_warning(&form.focus.clone());
            form.focus = fields::previous(&items, &form.focus).clone();
        }
        Command::Continue => {
            // A URL typed without its scheme: Enter takes the address
            // offered beside it, then goes on as Enter always does.
            if form.accept_suggestion(&ctx) {
                app.typed = true;
            }
            let Some(form) = app.form_mut() else {
                return vec![];
            };
            if form.focus == FormItem::Advanced {
                // A person pressing Enter to go on goes on: into the
                // settings it unfolds, the first of them focused.
                form.advanced_open = true;
                let items = form.items();
                move_forward(form, &items);
            } else if fields::is_last(&items, &form.focus) {
                return submit_form(app);
            } else {
                move_forward(form, &items);
            }
        }
        Command::Toggle | Command::ChoiceNext | Command::ChoicePrev => {
            if form.focus == FormItem::Advanced {
                form.advanced_open = !form.advanced_open;
            } else if let Some(f) = form.focused_field().cloned() {
                let current = form.value(&f.key).to_string();
                let next = match control(f.kind) {
                    Control::Checkbox => {
                        Some(if current == "true" { "false" } else { "true" }.to_string())
                    }
                    Control::Choices if !f.choices.is_empty() => {
                        let n = f.choices.len();
                        let i = f.choices.iter().position(|c| *c == current);
                        let j = match (i, cmd == Command::ChoicePrev) {
                            (None, _) => 0,
                            (Some(i), false) => (i + 1) % n,
                            (Some(i), true) => (i + n - 1) % n,
                        };
                        Some(f.choices[j].clone())
                    }
                    Control::Choices | Control::Line { .. } | Control::Lines => None,
                };
                if let Some(v) = next {
                    form.set_choice(&f.key, &v, &ctx);
                    form.settle_focus();
                    app.typed = true;
                }
            }
        }
        Command::Reveal => {
            if let Some(key) = form
                .focused_field()
                .filter(|f| control(f.kind) == Control::Line { masked: true })
                .map(|f| f.key.clone())
            {
                if !form.revealed.remove(&key) {
                    form.revealed.insert(key);
                }
            }
        }
        Command::Submit => return submit_form(app),
        Command::NewLine => {
            let textarea = form
                .focused_field()
                .is_some_and(|f| control(f.kind) == Control::Lines);
            let changed = textarea && form.edit(&EditOp::Insert('\n'), &ctx);
            app.typed |= changed;
        }
        Command::Back => {
            app.step = form.back_to;
            app.notice = None;
        }
        _ => {}
    }
    vec![]
}

/// Forward moves are refused while the focused value is invalid; the error
/// shows beside the field and in the footer.
fn move_forward(form: &mut FormState, items: &[FormItem]) {
    if let Some(e) = form.check_item(&form.focus) {
        form.errors.insert(form.focus.clone(), e);
        return;
    }
    form.note_warning(&form.focus.clone());
    if let Some(next) = fields::next(items, &form.focus) {
        form.focus = next.clone();
    }
}

fn submit_form(app: &mut App) -> Vec<Effect> {
    let Some(form) = app.form_mut() else {
        return vec![];
    };
    let trimmed = form.trim();
    let errors = form.check_all();
    if let Some((first, _)) = errors.first().cloned() {
        let n = errors.len();
        form.errors = errors.into_iter().collect();
        form.focus_item(first.clone());
        listener::explain_errors(app);
        let Some(form) = app.form() else {
            return vec![];
        };
        let msg = form.errors.get(&first).cloned().unwrap_or_default();
        let more = if n > 1 {
            format!(" ({} more below)", n - 1)
        } else {
            String::new()
        };
        app.notice = Some(Notice::error(format!("{msg}{more}")));
        return vec![];
    }
    let warnings = form.note_all_warnings();
    // Warnings never block: they go along to the review, where the notice
    // line still shows the first one.
    app.notice = match warnings.first() {
        Some(w) if warnings.len() > 1 => Some(Notice::warning(format!(
            "{w} ({} more warnings on the form)",
            warnings.len() - 1
        ))),
        Some(w) => Some(Notice::warning(w.clone())),
        None => (!trimmed.is_empty())
            .then(|| Notice::info(format!("Removed spaces around: {}", trimmed.join(", ")))),
    };
    if app.is_oauth() {
        let values = app.form().map(FormState::values);
        if app
            .authorize
            .grant
            .as_ref()
            .is_some_and(|(_, v)| Some(v) == values.as_ref())
        {
            go_review(app);
            return vec![];
        }
        app.authorize.grant = None;
        app.step = Step::Authorize;
        return start_authorization(app);
    }
    go_review(app);
    vec![]
}
