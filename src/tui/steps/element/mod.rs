//! The Element step: the platform's catalog (or the bundled one), a
//! filter, and fetching the chosen element's form.

#[cfg(test)]
mod screen_tests;
pub mod start;
pub mod state;
#[cfg(test)]
mod tests;
mod view;

pub use state::{CatalogView, ElementPicker, ListWindow, Pending};
pub use view::ago;

use self::start::{refilter, start_refresh};
use super::{Drawn, Input, Screen};
use crate::catalog::picker::Index;
use crate::catalog::{CachedCatalog, Catalog, CatalogEntry, ElementSpec, Lookup};
use crate::flow::fields::form_fields;
use crate::tui::app::{App, FormState, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{
    b, ch, ctrl, extra, hint, key, Binding, Command, BACKTAB, DOWN, ENTER, ESC, TAB, UP,
};
use crate::tui::report::{BrowserFailure, CatalogProblem, ErrorReport};
use crate::tui::step::Step;
use crate::tui::widgets::EditOp;
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::time::{Duration, SystemTime};

pub struct Element;

impl Screen for Element {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        element_command(app, cmd)
    }

    fn input(&self, app: &App) -> Option<Input> {
        app.picker.pending.is_none().then_some(Input::Filter)
    }

    fn edit(&self, app: &mut App, op: &EditOp) -> bool {
        let changed = app.picker.filter.apply(op);
        if changed {
            refilter(app);
        }
        changed
    }

    fn paste(&self, app: &mut App, text: &str) -> bool {
        if app.picker.pending.is_some() {
            return false;
        }
        app.picker.filter.insert_str(text.trim());
        refilter(app);
        true
    }

    fn render(&self, app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        Drawn {
            element_list: view::render(app, time, frame, area),
            ..Drawn::default()
        }
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    match &app.picker.pending {
        Some(Pending::Spec {
            failed: Some(_), ..
        }) => {
            return vec![
                b(&[ENTER, ch('r')], "Enter", "try again", Command::Retry)
                    .with_detail("ask the platform for the element's settings again"),
                b(&[ESC], "Esc", "pick another", Command::Back)
                    .with_detail("back to the list, to pick another element"),
            ]
        }
        Some(Pending::Spec { .. }) => {
            return vec![b(&[ESC], "Esc", "cancel", Command::Back)
                .with_detail("stop loading the form and go back to the list")]
        }
        Some(Pending::Lookup { .. }) => {
            return vec![b(&[ESC], "Esc", "cancel", Command::Back)
                .with_detail("stop looking the element up and show the list")]
        }
        None => {}
    }
    let mut list = vec![b(&[ENTER], "Enter", "choose", Command::Continue)];
    if app.picker.filter.is_empty() {
        list.push(b(&[ESC], "Esc", "back", Command::Back));
    } else {
        list.push(b(&[ESC], "Esc", "clear filter", Command::ClearFilter));
    }
    list.extend([
        b(&[DOWN, ctrl('n'), TAB], "↑/↓", "move", Command::Next)
            .with_detail("move; ↓, Ctrl-N and Tab go to the next element"),
        extra(
            &[UP, ctrl('p'), BACKTAB],
            "↑/Ctrl-P",
            "previous element (Shift-Tab too)",
            Command::Prev,
        ),
        // The way to a whole other view comes before keys the pane
        // already names (Ctrl-O) and typing, which the filter's
        // placeholder says.
        b(
            &[key(KeyCode::F(2))],
            "F2",
            "instances",
            Command::OpenInstances,
        )
        .with_detail("the account's instances: find, test, re-authorize, edit, delete"),
        Binding {
            footer: false,
            ..hint("type", "filter")
        },
    ]);
    if docs_url(app).is_some() {
        list.push(
            b(&[ctrl('o')], "Ctrl-O", "docs", Command::OpenDocs)
                .with_detail("open the highlighted element's documentation in your browser"),
        );
    }
    list.extend([
        b(
            &[ctrl('r'), key(KeyCode::F(5))],
            "Ctrl-R",
            "refresh",
            Command::Refresh,
        )
        .with_detail("fetch the platform's catalog again now (F5 too)"),
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
            "first element (Ctrl-A moves the cursor in the filter)",
            Command::First,
        ),
        extra(
            &[key(KeyCode::End)],
            "End",
            "last element (Ctrl-E moves the cursor in the filter)",
            Command::Last,
        ),
    ]);
    list
}

/// Shows another catalog, keeping the filter and the highlighted element.
fn set_catalog(app: &mut App, catalog: Catalog, age: Duration) {
    let keep = app.highlighted().map(|e| e.key.clone());
    let before = app.picker.selected;
    app.picker.index = Index::for_entries(catalog.entries());
    app.catalog.catalog = catalog;
    app.catalog.age = Some((age, app.clock.now()));
    let picker = &mut app.picker;
    picker.index.search(picker.filter.value());
    let entries = app.catalog.catalog.entries();
    let found = keep.and_then(|k| picker.matches().iter().position(|&i| entries[i].key == k));
    picker.selected = found.unwrap_or(before.min(picker.matches().len().saturating_sub(1)));
}

pub fn cached_catalog(
    app: &mut App,
    base_url: &str,
    cached: Option<Box<CachedCatalog>>,
    now: SystemTime,
) {
    // A list the platform gave in this run is newer than any cache.
    if base_url != app.connection.base_url() || app.catalog.catalog.is_live() {
        return;
    }
    if let Some(cached) = cached {
        let age = now.duration_since(cached.fetched_at).unwrap_or_default();
        set_catalog(app, cached.catalog, age);
    }
}

pub fn catalog_refreshed(
    app: &mut App,
    attempt: u64,
    base_url: &str,
    result: Result<Box<Catalog>, CatalogProblem>,
) {
    let mine = app.catalog.refreshing == Some(attempt);
    if mine {
        app.catalog.refreshing = None;
    }
    // The connection changed since: this list belongs to another platform.
    if base_url != app.connection.base_url() {
        return;
    }
    match result {
        Ok(catalog) => {
            app.catalog.problem = None;
            set_catalog(app, *catalog, Duration::ZERO);
        }
        // Only the refresh asked for speaks; the list on screen stays.
        Err(problem) if mine => app.catalog.problem = Some(problem),
        Err(_) => {}
    }
}

/// The documentation page of the highlighted element, when one is known
/// (the bundled elements name theirs).
pub fn docs_url(app: &App) -> Option<&str> {
    let entry = app.highlighted()?;
    app.known_spec(&entry.key)?.docs_url.as_deref()
}

/// The browser was asked to show an element's documentation, or could not
/// be: either way the address is on screen to open by hand.
pub fn docs_opened(app: &mut App, url: &str, result: Result<(), BrowserFailure>) {
    let shown = crate::sanitize::escaped(url);
    app.notice = Some(match result {
        Ok(()) => Notice::info(format!(
            "The documentation was sent to your browser: {shown}"
        )),
        Err(e) => Notice::error(format!(
            "No browser was opened: {e}. The documentation: {shown}"
        )),
    });
}

/// Highlights an element if the filter shows it.
fn select_key(app: &mut App, key: &str) {
    let entries = app.catalog.entries();
    if let Some(pos) = app
        .picker
        .matches()
        .iter()
        .position(|&i| entries[i].key.eq_ignore_ascii_case(key))
    {
        app.picker.selected = pos;
    }
}

fn element_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    if app.picker.pending.is_some() {
        return pending_command(app, cmd);
    }
    if cmd == Command::OpenInstances {
        return super::instances::start::open(app, Some(Step::Element));
    }
    if cmd == Command::OpenDocs {
        return match docs_url(app) {
            Some(url) => vec![Effect::OpenDocs {
                url: url.to_string(),
            }],
            None => vec![],
        };
    }
    let last = app.picker.matches().len().saturating_sub(1);
    let page = app.picker.window.page.max(1);
    let sel = &mut app.picker.selected;
    match cmd {
        Command::Next => *sel = (*sel + 1).min(last),
        Command::Prev => *sel = sel.saturating_sub(1),
        Command::PageDown => *sel = (*sel + page).min(last),
        Command::PageUp => *sel = sel.saturating_sub(page),
        Command::First => *sel = 0,
        Command::Last => *sel = last,
        Command::ClearFilter => {
            app.picker.filter.set("");
            refilter(app);
        }
        Command::Refresh => {
            let effects = start_refresh(app);
            if !effects.is_empty() {
                app.catalog.problem = None;
            }
            return effects;
        }
        Command::Back => app.step = Step::Connection,
        Command::Continue => match app.highlighted().cloned() {
            Some(entry) => return choose_entry(app, entry),
            None => {
                app.notice = Some(Notice::error(
                    "No element matches the filter; Esc clears it",
                ))
            }
        },
        _ => {}
    }
    vec![]
}

/// Keys while a chosen element's form is on its way: Esc gives up on it
/// (the list is as it was); after a failure Enter tries again.
fn pending_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    match (cmd, app.picker.pending.clone()) {
        (Command::Back, Some(Pending::Lookup { key, .. })) => {
            app.picker.pending = None;
            app.wanted_element = None;
            app.picker.filter.set(&key);
            refilter(app);
            app.notice = None;
            start_refresh(app)
        }
        (Command::Back, Some(Pending::Spec { .. })) => {
            app.picker.pending = None;
            app.notice = None;
            vec![]
        }
        (
            Command::Continue | Command::Retry,
            Some(Pending::Spec {
                entry,
                failed: Some(_),
                ..
            }),
        ) => load_spec(app, entry),
        _ => vec![],
    }
}

/// Opens the form of a catalog element: at once when its spec is known
/// (and offers the sign-in kind the catalog names), otherwise after
/// fetching its configuration metadata.
pub fn choose_entry(app: &mut App, entry: CatalogEntry) -> Vec<Effect> {
    let known = app.known_spec(&entry.key);
    if known.is_some_and(|s| !crate::catalog::signin::disagrees(s, entry.auth)) {
        choose_element(app, &entry.key);
        return vec![];
    }
    load_spec(app, entry)
}

fn load_spec(app: &mut App, entry: CatalogEntry) -> Vec<Effect> {
    let attempt = app.new_attempt();
    app.notice = None;
    app.picker.pending = Some(Pending::Spec {
        attempt,
        entry: entry.clone(),
        failed: None,
    });
    vec![Effect::LoadSpec {
        attempt,
        platform: app.platform(),
        entry,
    }]
}

pub fn spec_loaded(app: &mut App, attempt: u64, result: Result<Box<ElementSpec>, ErrorReport>) {
    let Some(Pending::Spec {
        attempt: waiting,
        failed,
        ..
    }) = &mut app.picker.pending
    else {
        return;
    };
    if *waiting != attempt || app.step != Step::Element {
        return;
    }
    match result {
        Ok(spec) => {
            app.picker.pending = None;
            let key = spec.key.clone();
            app.specs.insert(key.clone(), *spec);
            choose_element(app, &key);
        }
        Err(report) => *failed = Some(Box::new(report)),
    }
}

pub fn element_looked_up(
    app: &mut App,
    attempt: u64,
    key: &str,
    result: Result<Lookup, ErrorReport>,
) -> Vec<Effect> {
    match &app.picker.pending {
        Some(Pending::Lookup { attempt: a, .. }) if *a == attempt => {}
        _ => return vec![],
    }
    app.picker.pending = None;
    app.wanted_element = None;
    // The list itself, which the lookup may just have fetched (then this is
    // a cheap "not modified").
    let mut effects = start_refresh(app);
    let unknown = match result {
        Ok(Lookup::Found(entry)) => {
            select_key(app, &entry.key);
            effects.extend(choose_entry(app, entry));
            return effects;
        }
        Ok(Lookup::Unknown { suggestions }) if suggestions.is_empty() => {
            format!("The catalog has no element \"{key}\"; pick one from the list")
        }
        Ok(Lookup::Unknown { suggestions }) => format!(
            "The catalog has no element \"{key}\"; did you mean {}?",
            suggestions.join(", ")
        ),
        Err(report) => format!(
            "Could not look up \"{key}\" in the catalog: {}",
            report.message
        ),
    };
    app.picker.filter.set(key);
    refilter(app);
    app.notice = Some(Notice::error(unknown));
    effects
}

/// Opens the form of an element whose spec is known (bundled, or fetched
/// earlier), creating the form the first time.
pub fn choose_element(app: &mut App, key: &str) {
    let Some(spec) = app.known_spec(key).cloned() else {
        return;
    };
    let key = spec.key.clone();
    let fields = form_fields(&spec);
    app.specs.entry(key.clone()).or_insert(spec);
    let taken: Vec<&str> = app.created.iter().map(|i| i.name.as_str()).collect();
    let name = crate::flow::names::unused_name(
        &crate::flow::names::default_name(&key, &app.settings.name_stamp),
        &taken,
    );
    let ctx = app.derive_context();
    // Chosen here, the form goes back here, even one started as "new
    // from this" in the Instances view.
    app.forms
        .entry(key.clone())
        .or_insert_with(|| FormState::new(&key, fields, &name, &ctx))
        .back_to = Step::Element;
    app.element = Some(key);
    app.step = Step::Configure;
    app.notice = None;
}
