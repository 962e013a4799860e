//! The Instances view: the account's instances, listed while their pages
//! arrive, filtered as the person types, with a detail pane and actions on
//! the selected one (check it, re-authorize it, edit its name and tags,
//! start a new one like it, copy its token or JSON, turn it off or on,
//! delete it), and the check of every instance shown at once (`batch`).
//!
//! The filter takes every letter, so the actions are on keys typing never
//! makes: Ctrl chords and function keys, written `Ctrl-T` as on every
//! other screen. Typing a status word (`broken`, `invalid`…) filters by
//! status, and F3 sorts troubled instances first.

mod batch;
mod delete;
mod edit;
pub mod filter;
pub mod new_from;
mod reauth;
pub mod start;
pub mod state;
mod switch;
mod view;

pub use crate::tui::instance_ops::{check_effect, checked, copy_token, reauthorized};
pub use crate::tui::listed::Listed;
pub use delete::deleted;
pub use edit::updated;
pub use start::open;
use start::start_listing;
pub use state::{
    Batch, Check, DeletePrompt, EditPrompt, FormLoad, InstancesState, Loading, ReauthPrompt, Status,
};
pub use switch::switched;

use super::{Drawn, Input, Screen};
use crate::secret::Secret;
use crate::tui::action::CopyTarget;
use crate::tui::app::{App, Exit, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{
    b, ctrl, extra, hint, key, Binding, Command, BACKTAB, DOWN, ENTER, ESC, TAB, UP,
};
use crate::tui::report::ErrorReport;
use crate::tui::step::Step;
use crate::tui::widgets::EditOp;
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Instances;

impl Screen for Instances {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        instances_command(app, cmd)
    }

    fn input(&self, app: &App) -> Option<Input> {
        let view = app.instances.as_ref()?;
        if let Some(e) = &view.edit {
            return e.sent.is_none().then_some(Input::Line);
        }
        if view.reauth.is_some() {
            return Some(Input::Line);
        }
        Some(match &view.delete {
            Some(d) if d.sent.is_none() => Input::Line,
            Some(_) => return None,
            None => Input::Filter,
        })
    }

    fn edit(&self, app: &mut App, op: &EditOp) -> bool {
        let Some(view) = app.instances.as_mut() else {
            return false;
        };
        if let Some(e) = view.edit.as_mut() {
            let changed = e.sent.is_none() && e.focused_mut().apply(op);
            if changed {
                e.refused = None;
            }
            return changed;
        }
        if let Some(r) = view.reauth.as_mut() {
            return r.focused_mut().apply(op);
        }
        if let Some(d) = view.delete.as_mut() {
            return d.sent.is_none() && d.typed.apply(op);
        }
        let changed = view.filter.apply(op);
        if changed {
            view.refilter();
        }
        changed
    }

    fn paste(&self, app: &mut App, text: &str) -> bool {
        let Some(view) = app.instances.as_mut() else {
            return false;
        };
        if let Some(e) = view.edit.as_mut() {
            if e.sent.is_some() {
                return false;
            }
            e.focused_mut().insert_str(text.trim());
            e.refused = None;
            return true;
        }
        if let Some(r) = view.reauth.as_mut() {
            r.focused_mut().insert_str(text.trim());
            return true;
        }
        match view.delete.as_mut() {
            Some(d) if d.sent.is_none() => d.typed.insert_str(text.trim()),
            Some(_) => return false,
            None => {
                view.filter.insert_str(text.trim());
                view.refilter();
            }
        }
        true
    }

    fn render(&self, app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        view::render(app, time, frame, area);
        Drawn::default()
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    let Some(view) = app.instances.as_ref() else {
        return vec![];
    };
    if let Some(e) = &view.edit {
        if e.sent.is_some() {
            return vec![];
        }
        return vec![
            b(&[ENTER], "Enter", "save", Command::Continue)
                .with_detail("send the new name and tags (the tags given replace the old ones)"),
            b(&[TAB, BACKTAB, DOWN, UP], "Tab", "name/tags", Command::Next),
            b(&[ESC], "Esc", "cancel", Command::Back)
                .with_detail("close without saving; F4 brings back what you typed"),
        ];
    }
    if view.reauth.is_some() {
        return vec![
            b(&[ENTER], "Enter", "sign in", Command::Continue).with_detail(
                "open the provider's sign-in for this instance (the next field first)",
            ),
            // Before Tab: at 80 columns the footer has room for one of
            // them, and Enter already moves to the next field.
            b(&[ESC], "Esc", "cancel", Command::Back),
            b(
                &[TAB, BACKTAB, DOWN, UP],
                "Tab",
                "key/secret",
                Command::Next,
            ),
        ];
    }
    if let Some(d) = &view.delete {
        if d.sent.is_some() {
            return vec![];
        }
        // The way out first: a narrow footer keeps it, and the prompt
        // itself says what Enter does.
        return vec![
            b(&[ESC], "Esc", "keep it", Command::Back),
            b(&[ENTER], "Enter", "delete", Command::Continue)
                .with_detail("delete the instance once its exact name (or its ID, where the name cannot be typed) is typed"),
        ];
    }
    if let Some(l) = &view.new_from {
        // The list still moves and filters; the actions wait for the form.
        let mut list = if l.failed.is_some() {
            vec![
                b(&[ENTER], "Enter", "try again", Command::Retry)
                    .with_detail("ask the platform for the element's settings again"),
                b(&[ESC], "Esc", "cancel", Command::Back)
                    .with_detail("give up on the new instance; the list stays as it is"),
            ]
        } else {
            vec![b(&[ESC], "Esc", "cancel", Command::Back)
                .with_detail("stop loading the form; the list stays as it is")]
        };
        list.extend(moves());
        return list;
    }
    // With no instance highlighted (a filter that matches nothing, an
    // empty account) the actions would do nothing: only leaving, the
    // filter and reloading are offered, so "Esc clear" is not
    // pushed out of the footer by keys that do nothing.
    if view.selected().is_none() {
        let mut list = vec![esc_binding(view)];
        list.extend(moves().into_iter().take(1));
        list.push(reload());
        return list;
    }
    // Most important first: at 80 columns the footer keeps the first
    // ones (then help and quit); the rest are under `?`. Re-authorizing
    // or editing, whichever fits the instance (an element that signs in
    // through the browser, or not), so that Esc keeps its place.
    let oauth = view
        .selected()
        .and_then(Listed::instance)
        .is_some_and(|whole| crate::flow::reauth::oauth_kind(&whole).is_ok());
    let mut list = vec![
        // Enter too: on a list it is the key that goes forward, and the
        // check is the one action that changes nothing.
        b(&[ctrl('t'), ENTER], "Ctrl-T", "test", Command::TestInstance).with_detail(
            "check that the instance works: a read through it to the provider (Enter too)",
        ),
        Binding {
            footer: oauth,
            ..b(
                &[ctrl('g')],
                "Ctrl-G",
                "re-auth",
                Command::ReauthorizeInstance,
            )
            .with_detail(
                "re-authorize the instance: sign in to the provider again (OAuth elements)",
            )
        },
        Binding {
            footer: !oauth,
            ..b(&[key(KeyCode::F(4))], "F4", "edit", Command::EditInstance)
                .with_detail("change the instance's name and tags")
        },
        b(&[ctrl('d')], "Ctrl-D", "delete", Command::DeleteInstance)
            .with_detail("delete the instance, after its name is typed to confirm"),
    ];
    list.push(esc_binding(view));
    list.extend([
        b(
            &[ctrl('b')],
            "Ctrl-B",
            "new from this",
            Command::NewFromInstance,
        )
        .with_detail("a new instance like this one: its settings filled in, secrets left empty"),
        b(&[ctrl('y')], "Ctrl-Y", "copy token", Command::CopyToken)
            .with_detail("copy the instance's token to the clipboard"),
    ]);
    let mut moves = moves();
    let paging = moves.split_off(3);
    list.extend(moves);
    list.extend([
        // Not Ctrl-O: on the Element step that opens the documentation.
        extra(
            &[key(KeyCode::F(6))],
            "F6",
            "copy the instance as JSON",
            Command::CopyJson,
        ),
        switch::binding(view),
        extra(
            &[key(KeyCode::F(7))],
            "F7",
            "test every instance shown",
            Command::TestShown,
        )
        .with_detail("check every instance the filter shows, several at once; Esc stops"),
        extra(
            &[key(KeyCode::F(3))],
            "F3",
            "sort: oldest first / troubled first",
            Command::SortByStatus,
        )
        .with_detail("sort by status: broken, invalid and disabled first (F3 again: oldest first)"),
        reload(),
    ]);
    list.extend(paging);
    list
}

/// What Esc does on the list: clears the filter first, then goes back
/// (or quits, when the view is the whole run).
fn esc_binding(view: &InstancesState) -> Binding {
    if view.batch.is_some() {
        b(&[ESC], "Esc", "stop", Command::Back)
            .with_detail("stop checking; the instances checked keep their result")
    } else if view.filter.is_empty() && view.back_to.is_none() {
        // Opened as the whole run (`ce-wizard instances`): nothing to go
        // back to, and nothing typed here is lost by leaving.
        b(&[ESC], "Esc", "quit", Command::Back).with_detail("leave ce-wizard")
    } else if view.filter.is_empty() {
        b(&[ESC], "Esc", "back", Command::Back)
            .with_detail("leave the list (it is kept for when you come back)")
    } else {
        // Short, so it keeps its place in an 80-column footer beside the
        // four actions.
        b(&[ESC], "Esc", "clear", Command::ClearFilter)
            .with_detail("clear the filter (Esc again leaves the list)")
    }
}

fn reload() -> Binding {
    b(
        &[ctrl('r'), key(KeyCode::F(5))],
        "Ctrl-R",
        "reload",
        Command::Refresh,
    )
    .with_detail("read the account's instances again (F5 too)")
}

/// Typing in the filter and moving through the list: the first three
/// shown in the footer, then the paging keys.
fn moves() -> Vec<Binding> {
    vec![
        hint("type", "filter"),
        b(&[DOWN, ctrl('n')], "↑/↓", "move", Command::Next)
            .with_detail("move; ↓ and Ctrl-N go to the next instance"),
        extra(
            &[UP, ctrl('p')],
            "↑/Ctrl-P",
            "previous instance",
            Command::Prev,
        ),
        extra(
            &[key(KeyCode::PageDown)],
            "PgDn",
            "page down",
            Command::PageDown,
        ),
        extra(&[key(KeyCode::PageUp)], "PgUp", "page up", Command::PageUp),
        extra(
            &[key(KeyCode::Home)],
            "Home",
            "first instance",
            Command::First,
        ),
        extra(&[key(KeyCode::End)], "End", "last instance", Command::Last),
    ]
}

/// The highlighted instance, whole (its configuration and JSON too).
pub fn selected_instance(app: &App) -> Option<crate::api::Instance> {
    app.instances
        .as_ref()
        .and_then(|v| v.selected())
        .and_then(Listed::instance)
}

fn instances_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    if view.new_from.is_some() {
        match cmd {
            Command::Back => return new_from::cancel(app),
            Command::Retry => return new_from::retry(app),
            // Moving goes on below; the form stays that of the instance
            // Ctrl-B was pressed on.
            Command::Next
            | Command::Prev
            | Command::PageDown
            | Command::PageUp
            | Command::First
            | Command::Last => {}
            _ => return vec![],
        }
    }
    if let Some(e) = view.edit.as_mut() {
        match cmd {
            Command::Continue => return edit::save(app),
            Command::Next | Command::Prev => e.on_tags = !e.on_tags,
            Command::Back => edit::leave(app),
            _ => {}
        }
        return vec![];
    }
    if let Some(r) = view.reauth.as_mut() {
        match cmd {
            Command::Continue => return reauth::confirm(app),
            Command::Next | Command::Prev => r.on_secret = !r.on_secret,
            Command::Back => {
                view.typed_app = view.reauth.take().map(|p| p.typed());
                app.notice = None;
            }
            _ => {}
        }
        return vec![];
    }
    if view.delete.is_some() {
        return match cmd {
            Command::Continue => delete::confirm(app),
            Command::Back => {
                delete::cancel(app);
                vec![]
            }
            _ => vec![],
        };
    }
    let len = view.matches().len();
    let page = 10;
    match cmd {
        Command::Back if view.batch.is_some() => return batch::stop(app),
        Command::TestShown => return batch::start(app),
        Command::SwitchInstance => return switch::start(app),
        Command::Back => match view.back_to {
            Some(step) => {
                app.step = step;
                app.notice = None;
                if let Loading::Pages { attempt } = view.loading {
                    view.loading = Loading::Done;
                    return vec![Effect::Cancel { attempt }];
                }
            }
            // The view is the whole run: nothing typed here is lost.
            None => app.quit(Exit::Finished),
        },
        Command::ClearFilter => {
            view.filter.set("");
            view.refilter();
        }
        Command::Next => view.selected = (view.selected + 1).min(len.saturating_sub(1)),
        Command::Prev => view.selected = view.selected.saturating_sub(1),
        Command::PageDown => view.selected = (view.selected + page).min(len.saturating_sub(1)),
        Command::PageUp => view.selected = view.selected.saturating_sub(page),
        Command::First => view.selected = 0,
        Command::Last => view.selected = len.saturating_sub(1),
        Command::Refresh => return start_listing(app),
        Command::SortByStatus => view.toggle_sort(),
        Command::TestInstance => {
            let Some(id) = view.selected().map(|i| i.id) else {
                return vec![];
            };
            let (attempt, effect) = check_effect(app, id);
            if let Some(view) = app.instances.as_mut() {
                view.checks.insert(id, Check::Running { attempt });
            }
            app.notice = Some(Notice::info(format!("Checking instance {id}…")));
            return vec![effect];
        }
        Command::ReauthorizeInstance => reauth::ask(app),
        Command::EditInstance => edit::open(app),
        Command::NewFromInstance => return new_from::open(app),
        Command::DeleteInstance => delete::open(app),
        Command::CopyToken => {
            if let Some(i) = view.selected() {
                let (id, token) = (i.id, i.token.clone());
                return copy_token(app, id, token);
            }
        }
        Command::CopyJson => {
            if let Some(i) = view.selected().and_then(Listed::instance) {
                return vec![Effect::Copy {
                    what: CopyTarget::InstanceJson,
                    text: Secret::new(i.to_pretty_json()),
                }];
            }
        }
        _ => {}
    }
    vec![]
}

/// A copy from this view that went only to the terminal (OSC 52), which
/// cannot be confirmed: the token is masked and the JSON not shown here,
/// so "select it on the screen" would not do; the command that prints it
/// does.
pub fn copy_notice(
    app: &App,
    what: CopyTarget,
    report: &crate::clipboard::CopyReport,
) -> Option<Notice> {
    if app.step != Step::Instances || report.native.is_ok() || !report.osc52 {
        return None;
    }
    let id = app.instances.as_ref()?.selected()?.id;
    Some(Notice::info(format!(
        "{}: {}; if nothing pastes, `ce-wizard instances show {id} --json` prints it",
        what.label(),
        crate::clipboard::sent_to_terminal(report.tmux)
    )))
}

/// A page of the list arrived.
pub fn page(app: &mut App, attempt: u64, instances: Vec<Listed>) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    if view.loading == (Loading::Pages { attempt }) {
        view.add_page(instances);
    }
}

/// The listing ended: every page read, or one failed.
pub fn listed(app: &mut App, attempt: u64, result: Result<(), ErrorReport>) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    if view.loading != (Loading::Pages { attempt }) {
        return;
    }
    view.loading = match result {
        Ok(()) => Loading::Done,
        Err(e) => {
            app.notice = Some(Notice::error(format!(
                "The instances could not all be read: {}. Ctrl-R tries again.",
                e.message
            )));
            Loading::Failed(e.message)
        }
    };
}

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod bounded_tests;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod new_from_tests;
#[cfg(test)]
mod sandbox_tests;
#[cfg(test)]
mod status_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
