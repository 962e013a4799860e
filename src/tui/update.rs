//! The state machine: `update` turns one action into changes of the model
//! and a list of effects for the runner. It does no I/O and reads no clock
//! (time arrives with `Action::Tick`), so every path is unit-testable.

use super::action::{Action, CallbackResult, Command, CopyTarget, FileSaveError};
use super::app::{
    App, AuthPhase, AuthProblem, BrowserStatus, CreatePhase, CreatingState, DoneState, Exit, Grant,
    ListenerStatus, Notice, NoticeKind, Overlay, Pending, ReviewView, SavePrompt, Step,
};
use super::connection::{CheckStatus, ConnField, EnvKind, Remember};
use super::effect::Effect;
use super::form_state::{FormItem, FormState};
use super::keymap;
use super::picker::Index;
use super::report::{
    CatalogProblem, CreatedCheck, ErrorReport, ListenerProblem, LostAnswer, LostCreate,
};
use super::widgets::{EditOp, TextField};
use crate::api::{CreateInstance, Credentials, ElementRef};
use crate::catalog::{
    form_fields, AuthKind, CachedCatalog, Catalog, CatalogEntry, ElementSpec, FieldKind, Lookup,
};
use crate::secret::{key_looks_secret, Secret};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(k) => {
            if let Some(cmd) = keymap::resolve(app, &k) {
                return command(app, cmd);
            }
            if keymap::text_focus(app) {
                if let Some(op) = keymap::edit_op(&k) {
                    edit(app, &op);
                }
            }
            vec![]
        }
        Action::Paste(text) => {
            paste(app, &text);
            vec![]
        }
        Action::Tick(now) => {
            app.clock.tick(now);
            if let AuthPhase::Waiting { deadline, .. } = &app.authorize.phase {
                if now >= *deadline {
                    app.authorize.phase = AuthPhase::Failed(AuthProblem::TimedOut);
                }
            }
            vec![]
        }
        Action::Resize => vec![],
        Action::ConnectionChecked { attempt, result } => connection_checked(app, attempt, result),
        Action::ConfigSaved(result) => {
            app.notice = Some(match result {
                Ok(path) => Notice::success(format!(
                    "Saved to {} (readable only by you)",
                    path.display()
                )),
                Err(e) => Notice::error(format!(
                    "Could not save the config file: {e}. The connection works for this run."
                )),
            });
            vec![]
        }
        Action::CachedCatalog {
            base_url,
            cached,
            now,
        } => {
            cached_catalog(app, &base_url, cached, now);
            vec![]
        }
        Action::CatalogRefreshed {
            attempt,
            base_url,
            result,
        } => {
            catalog_refreshed(app, attempt, &base_url, result);
            vec![]
        }
        Action::ElementLookedUp {
            attempt,
            key,
            result,
        } => element_looked_up(app, attempt, &key, result),
        Action::SpecLoaded { attempt, result } => {
            spec_loaded(app, attempt, result);
            vec![]
        }
        Action::ListenerBound(result) => listener_bound(app, result),
        Action::RequestTokenIssued { attempt, result } => {
            if attempt == app.authorize.attempt && app.authorize.phase == AuthPhase::FetchingUrl {
                match result {
                    Ok(token) => app.authorize.request_token = Some(token),
                    Err(report) => {
                        app.authorize.phase =
                            AuthPhase::Failed(AuthProblem::RequestTokenFailed(report))
                    }
                }
            }
            vec![]
        }
        Action::AuthUrlFetched { attempt, result } => auth_url_fetched(app, attempt, result),
        Action::BrowserOpened { attempt, result } => {
            if attempt == app.authorize.attempt {
                if let AuthPhase::Waiting { browser, .. } = &mut app.authorize.phase {
                    *browser = match result {
                        Ok(()) => BrowserStatus::Opened,
                        Err(e) => BrowserStatus::Failed(e),
                    };
                }
            }
            vec![]
        }
        Action::Callback {
            attempt,
            pasted,
            result,
        } => callback(app, attempt, pasted, result),
        Action::Created { attempt, result } => created(app, attempt, result),
        Action::CreateRecovered {
            attempt,
            instance,
            lost,
        } => {
            if sending(app, attempt) {
                app.authorize.grant = None;
                finish_create(app, instance, Some(lost));
            }
            vec![]
        }
        Action::NothingCreated { attempt, report } => {
            if sending(app, attempt) {
                app.authorize.grant = None;
                nothing_created(app, report);
            }
            vec![]
        }
        Action::CreateOutcomeUnknown { attempt, lost } => {
            if sending(app, attempt) {
                app.authorize.grant = None;
                if let Some(c) = app.creating.as_mut() {
                    c.phase = CreatePhase::Unknown(lost);
                }
                app.notice = None;
            }
            vec![]
        }
        Action::CreateChecked { attempt, result } => create_checked(app, attempt, result),
        Action::Copied { what, report } => {
            app.notice = Some(if report.succeeded() {
                Notice::success(format!("{} {}", what.label(), report.message()))
            } else {
                Notice::error(format!(
                    "{} could not be copied: {}",
                    what.label(),
                    report.message()
                ))
            });
            vec![]
        }
        Action::FileSaved { path, result } => file_saved(app, path, result),
    }
}

/// Effects to run when the wizard starts: the OAuth listener is bound early
/// so its callback URL can be shown while choosing and filling the form;
/// with a known connection the cached catalog is read and a fresh one
/// fetched (or `--element KEY` looked up first, which fetches it when the
/// cache lacks the key).
pub fn startup(app: &mut App) -> Vec<Effect> {
    let mut effects = vec![];
    let oauth = app.catalog.entries().iter().any(|e| e.auth.is_oauth());
    if oauth && app.listener == ListenerStatus::NotBound {
        app.listener = ListenerStatus::Binding;
        effects.push(Effect::BindListener {
            port: app.settings.callback_port,
        });
    }
    if app.connection.is_complete() {
        effects.push(Effect::LoadCachedCatalog {
            base_url: app.connection.base_url(),
        });
        match app.wanted_element.clone() {
            Some(key) if app.step == Step::Element => effects.extend(start_lookup(app, &key)),
            _ => effects.extend(start_refresh(app)),
        }
    }
    effects
}

fn command(app: &mut App, cmd: Command) -> Vec<Effect> {
    match app.overlay {
        Some(Overlay::Help) => {
            if cmd == Command::Back {
                app.overlay = None;
            }
            return vec![];
        }
        Some(Overlay::ConfirmQuit) => {
            match cmd {
                Command::Yes => return quit(app, Exit::Interrupted),
                Command::No => app.overlay = None,
                _ => {}
            }
            return vec![];
        }
        None => {}
    }
    match cmd {
        Command::Quit => return ask_quit(app),
        Command::Help => {
            app.overlay = Some(Overlay::Help);
            return vec![];
        }
        _ => {}
    }
    match app.step {
        Step::Connection => connection_command(app, cmd),
        Step::Element => element_command(app, cmd),
        Step::Configure => configure_command(app, cmd),
        Step::Authorize => authorize_command(app, cmd),
        Step::Review => review_command(app, cmd),
        Step::Creating => creating_command(app, cmd),
        Step::Done => done_command(app, cmd),
    }
}

fn ask_quit(app: &mut App) -> Vec<Effect> {
    if app.step == Step::Done {
        return quit(app, Exit::Finished);
    }
    if !app.typed {
        return quit(app, Exit::Interrupted);
    }
    app.overlay = Some(Overlay::ConfirmQuit);
    vec![]
}

fn quit(app: &mut App, exit: Exit) -> Vec<Effect> {
    app.overlay = None;
    app.exit = Some(exit);
    vec![]
}

fn edit(app: &mut App, op: &EditOp) {
    // A line break goes only into a multi-line field.
    if *op == EditOp::Insert('\n') && !focus_is_textarea(app) {
        return;
    }
    let ctx = app.derive_context();
    let changed = match app.step {
        Step::Connection => {
            let focus = app.connection.focus;
            let changed = app.connection.input_mut(focus).is_some_and(|i| i.apply(op));
            if changed {
                app.connection.changed(focus);
            }
            changed
        }
        Step::Element => {
            let changed = app.picker.filter.apply(op);
            if changed {
                refilter(app);
            }
            changed
        }
        Step::Configure => app.form_mut().is_some_and(|f| f.edit(op, &ctx)),
        Step::Authorize => app.authorize.paste.apply(op),
        Step::Done => app
            .done
            .as_mut()
            .and_then(|d| d.prompt.as_mut())
            .is_some_and(|p| p.path.apply(op)),
        Step::Review | Step::Creating => false,
    };
    if changed {
        typed(app);
    }
}

/// After the person changed a value: quitting asks first, and an error
/// about what was there before goes.
fn typed(app: &mut App) {
    app.typed = true;
    if app
        .notice
        .as_ref()
        .is_some_and(|n| n.kind == NoticeKind::Error)
    {
        app.notice = None;
    }
}

fn paste(app: &mut App, text: &str) {
    if app.overlay.is_some() || text.is_empty() {
        return;
    }
    let ctx = app.derive_context();
    let pasted = match app.step {
        Step::Connection => {
            let focus = app.connection.focus;
            match app.connection.input_mut(focus) {
                Some(input) => {
                    input.insert_str(text);
                    app.connection.changed(focus);
                    true
                }
                None => false,
            }
        }
        Step::Element if app.picker.pending.is_none() => {
            app.picker.filter.insert_str(text.trim());
            refilter(app);
            true
        }
        Step::Element => false,
        Step::Configure => app.form_mut().is_some_and(|f| f.paste(text, &ctx)),
        // A redirected URL can be pasted whatever has focus.
        Step::Authorize => {
            app.authorize.paste.insert_str(text.trim());
            app.authorize.paste_focused = true;
            true
        }
        Step::Done => match app.done.as_mut().and_then(|d| d.prompt.as_mut()) {
            Some(p) if !p.confirm_overwrite => {
                p.path.insert_str(text.trim());
                true
            }
            _ => false,
        },
        Step::Review | Step::Creating => false,
    };
    if pasted {
        typed(app);
    }
}

// ---- Connection -------------------------------------------------------

fn credentials(app: &App) -> Credentials {
    Credentials {
        user: Secret::new(app.connection.user.value().trim()),
        org: Secret::new(app.connection.org.value().trim()),
    }
}

fn connection_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let conn = &mut app.connection;
    let fields = conn.fields();
    let pos = fields.iter().position(|f| *f == conn.focus).unwrap_or(0);
    match cmd {
        Command::Next => {
            if let Some(e) = conn.check_field(conn.focus) {
                conn.errors.insert(conn.focus, e);
            } else if pos + 1 < fields.len() {
                conn.focus = fields[pos + 1];
            }
        }
        Command::Prev => {
            // Going back never blocks, and an untouched empty field is not
            // a mistake yet: only what was typed is checked on the way back.
            let typed = conn.input(conn.focus).is_some_and(|i| !i.is_empty());
            if let Some(e) = conn.check_field(conn.focus).filter(|_| typed) {
                conn.errors.insert(conn.focus, e);
            }
            conn.focus = fields[pos.saturating_sub(1)];
        }
        Command::ChoiceNext | Command::ChoicePrev => {
            let step = if cmd == Command::ChoiceNext { 1 } else { 2 };
            match conn.focus {
                ConnField::Environment => {
                    let i = EnvKind::ALL
                        .iter()
                        .position(|e| *e == conn.env)
                        .unwrap_or(0);
                    conn.env = EnvKind::ALL[(i + step) % 3];
                    conn.errors.remove(&ConnField::CustomUrl);
                    conn.check = CheckStatus::NotRun;
                }
                ConnField::Remember => {
                    let i = Remember::ALL
                        .iter()
                        .position(|e| *e == conn.remember)
                        .unwrap_or(0);
                    conn.remember = Remember::ALL[(i + step) % 3];
                }
                _ => {}
            }
        }
        Command::Reveal => conn.reveal = !conn.reveal,
        Command::TestConnection => return start_check(app, false),
        Command::Continue => return start_check(app, true),
        // Esc first stops a check in flight, and stays on the form.
        Command::Back => {
            if let CheckStatus::Running { attempt, .. } = conn.check {
                conn.check = CheckStatus::NotRun;
                app.notice = Some(Notice::info(
                    "Stopped testing the connection; Enter tests it again.",
                ));
                return vec![Effect::Cancel { attempt }];
            }
            return ask_quit(app);
        }
        _ => {}
    }
    vec![]
}

fn start_check(app: &mut App, proceed: bool) -> Vec<Effect> {
    let errors = app.connection.check_all();
    if let Some((first, msg)) = errors.first() {
        app.connection.focus = *first;
        app.notice = Some(Notice::error(msg.clone()));
        app.connection.errors = errors.into_iter().collect();
        return vec![];
    }
    let attempt = app.new_attempt();
    app.connection.check = CheckStatus::Running { attempt, proceed };
    app.notice = None;
    vec![Effect::CheckConnection {
        attempt,
        base_url: app.connection.base_url(),
        creds: credentials(app),
    }]
}

fn connection_checked(
    app: &mut App,
    attempt: u64,
    result: Result<usize, ErrorReport>,
) -> Vec<Effect> {
    let CheckStatus::Running {
        attempt: running,
        proceed,
    } = app.connection.check
    else {
        return vec![];
    };
    if running != attempt {
        return vec![];
    }
    match result {
        Err(report) => {
            app.notice = Some(Notice::error(format!(
                "The connection failed: {}",
                report.message
            )));
            app.connection.check = CheckStatus::Failed(report);
            vec![]
        }
        Ok(elements) => {
            app.connection.check = CheckStatus::Passed { elements };
            if !proceed {
                return vec![];
            }
            let mut effects = vec![];
            let conn = &app.connection;
            if conn.remember != Remember::Nothing {
                effects.push(Effect::SaveConfig {
                    environment: conn.environment(),
                    secrets: (conn.remember == Remember::EnvironmentAndSecrets)
                        .then(|| credentials(app)),
                });
            }
            match app.resume.take() {
                Some(Step::Authorize) => {
                    app.step = Step::Authorize;
                    effects.extend(start_authorization(app));
                }
                Some(step) => app.step = step,
                None => {
                    app.step = Step::Element;
                    if let Some(key) = app.wanted_element.clone() {
                        effects.extend(start_lookup(app, &key));
                    }
                }
            }
            effects
        }
    }
}

// ---- Catalog ----------------------------------------------------------

fn start_refresh(app: &mut App) -> Vec<Effect> {
    if app.catalog.refreshing.is_some() {
        return vec![];
    }
    let attempt = app.new_attempt();
    app.catalog.refreshing = Some(attempt);
    vec![Effect::RefreshCatalog {
        attempt,
        base_url: app.connection.base_url(),
        creds: credentials(app),
    }]
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

fn cached_catalog(
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

fn catalog_refreshed(
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

// ---- Element ----------------------------------------------------------

fn refilter(app: &mut App) {
    let picker = &mut app.picker;
    picker.index.search(picker.filter.value());
    picker.selected = 0;
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
    let last = app.picker.matches().len().saturating_sub(1);
    let page = app.picker.page.get().max(1);
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
        Command::FocusFilter => {}
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

/// Opens the form of a catalog element: at once when its spec is known,
/// otherwise after fetching its configuration metadata.
pub fn choose_entry(app: &mut App, entry: CatalogEntry) -> Vec<Effect> {
    if app.known_spec(&entry.key).is_some() {
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
        base_url: app.connection.base_url(),
        creds: credentials(app),
        entry,
    }]
}

fn spec_loaded(app: &mut App, attempt: u64, result: Result<Box<ElementSpec>, ErrorReport>) {
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

fn start_lookup(app: &mut App, key: &str) -> Vec<Effect> {
    let attempt = app.new_attempt();
    app.picker.pending = Some(Pending::Lookup {
        attempt,
        key: key.to_string(),
    });
    vec![Effect::LookupElement {
        attempt,
        base_url: app.connection.base_url(),
        creds: credentials(app),
        key: key.to_string(),
    }]
}

fn element_looked_up(
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
    let name = app.default_instance_name(&key);
    let ctx = app.derive_context();
    app.forms
        .entry(key.clone())
        .or_insert_with(|| FormState::new(&key, fields, &name, &ctx));
    app.element = Some(key);
    app.step = Step::Configure;
    app.notice = None;
}

// ---- Configure --------------------------------------------------------

fn configure_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let ctx = app.derive_context();
    let Some(form) = app.form_mut() else {
        return vec![];
    };
    let items = form.items();
    let pos = items.iter().position(|i| *i == form.focus).unwrap_or(0);
    match cmd {
        Command::Next => move_forward(form, &items, pos),
        Command::Prev => {
            let typed = form.input(&form.focus).is_some_and(|i| !i.is_empty());
            if let Some(e) = form.check_item(&form.focus).filter(|_| typed) {
                form.errors.insert(form.focus.clone(), e);
            }
            form.focus = items[pos.saturating_sub(1)].clone();
        }
        Command::Continue => {
            if form.focus == FormItem::Advanced {
                form.advanced_open = !form.advanced_open;
            } else if pos + 1 == items.len() {
                return submit_form(app);
            } else {
                move_forward(form, &items, pos);
            }
        }
        Command::Toggle | Command::ChoiceNext | Command::ChoicePrev => {
            if form.focus == FormItem::Advanced {
                form.advanced_open = !form.advanced_open;
            } else if let Some(f) = form.focused_field().cloned() {
                let current = form.value(&f.key).to_string();
                let next = match f.kind {
                    FieldKind::Boolean => {
                        Some(if current == "true" { "false" } else { "true" }.to_string())
                    }
                    FieldKind::Choice if !f.choices.is_empty() => {
                        let n = f.choices.len();
                        let i = f.choices.iter().position(|c| *c == current);
                        let j = match (i, cmd == Command::ChoicePrev) {
                            (None, _) => 0,
                            (Some(i), false) => (i + 1) % n,
                            (Some(i), true) => (i + n - 1) % n,
                        };
                        Some(f.choices[j].clone())
                    }
                    _ => None,
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
                .filter(|f| f.is_secret())
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
                .is_some_and(|f| f.kind == FieldKind::Textarea);
            let changed = textarea && form.edit(&EditOp::Insert('\n'), &ctx);
            app.typed |= changed;
        }
        Command::Back => {
            app.step = Step::Element;
            app.notice = None;
        }
        _ => {}
    }
    vec![]
}

/// Whether the focused input takes several lines.
fn focus_is_textarea(app: &App) -> bool {
    app.step == Step::Configure
        && app
            .form()
            .and_then(FormState::focused_field)
            .is_some_and(|f| f.kind == FieldKind::Textarea)
}

/// Forward moves are refused while the focused value is invalid; the error
/// shows beside the field and in the footer.
fn move_forward(form: &mut FormState, items: &[FormItem], pos: usize) {
    if let Some(e) = form.check_item(&form.focus) {
        form.errors.insert(form.focus.clone(), e);
        return;
    }
    if let Some(next) = items.get(pos + 1) {
        form.focus = next.clone();
    }
}

fn submit_form(app: &mut App) -> Vec<Effect> {
    let Some(form) = app.form_mut() else {
        return vec![];
    };
    let trimmed = form.trim();
    let errors = form.check_all();
    if let Some((first, msg)) = errors.first().cloned() {
        let n = errors.len();
        form.errors = errors.into_iter().collect();
        form.focus_item(first);
        let more = if n > 1 {
            format!(" ({} more below)", n - 1)
        } else {
            String::new()
        };
        app.notice = Some(Notice::error(format!("{msg}{more}")));
        return vec![];
    }
    app.notice = (!trimmed.is_empty())
        .then(|| Notice::info(format!("Removed spaces around: {}", trimmed.join(", "))));
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

fn go_review(app: &mut App) {
    app.step = Step::Review;
    app.review.scroll = 0;
}

// ---- Authorize --------------------------------------------------------

fn start_authorization(app: &mut App) -> Vec<Effect> {
    app.authorize.paste_focused = false;
    let callback_url = match &app.listener {
        ListenerStatus::Ready { callback_url } => callback_url.clone(),
        ListenerStatus::Binding => {
            app.authorize.phase = AuthPhase::Idle;
            return vec![];
        }
        ListenerStatus::NotBound | ListenerStatus::Failed { .. } => {
            app.listener = ListenerStatus::Binding;
            app.authorize.phase = AuthPhase::Idle;
            return vec![Effect::BindListener {
                port: app.settings.callback_port,
            }];
        }
    };
    let (Some(form), Some(spec)) = (app.form(), app.spec()) else {
        return vec![];
    };
    let api_key = form.value("oauth.api.key").to_string();
    let api_secret = Secret::new(form.value("oauth.api.secret"));
    let element_key = form.element_key.clone();
    let auth = spec.auth;
    let attempt = app.new_attempt();
    app.authorize.attempt = attempt;
    app.authorize.phase = AuthPhase::FetchingUrl;
    app.authorize.request_token = None;
    vec![Effect::StartAuthorization {
        attempt,
        base_url: app.connection.base_url(),
        creds: credentials(app),
        element_key,
        auth,
        api_key,
        api_secret,
        callback_url,
    }]
}

fn listener_bound(app: &mut App, result: Result<String, ListenerProblem>) -> Vec<Effect> {
    match result {
        Ok(callback_url) => {
            app.listener = ListenerStatus::Ready { callback_url };
            let ctx = app.derive_context();
            for form in app.forms.values_mut() {
                form.refresh_derived(&ctx);
            }
            if app.step == Step::Authorize && app.authorize.phase == AuthPhase::Idle {
                return start_authorization(app);
            }
        }
        Err(problem) => {
            app.listener = ListenerStatus::Failed(problem.clone());
            if app.step == Step::Authorize {
                app.authorize.phase = AuthPhase::Failed(AuthProblem::Listener(problem));
            }
        }
    }
    vec![]
}

fn auth_url_fetched(
    app: &mut App,
    attempt: u64,
    result: Result<String, ErrorReport>,
) -> Vec<Effect> {
    if attempt != app.authorize.attempt || app.authorize.phase != AuthPhase::FetchingUrl {
        return vec![];
    }
    match result {
        Err(report) => {
            app.authorize.phase = AuthPhase::Failed(AuthProblem::UrlFailed(report));
            vec![]
        }
        Ok(url) => {
            let deadline = app.clock.now() + app.settings.oauth_timeout;
            let skipped = if app.settings.no_browser {
                Some("--no-browser")
            } else if app.settings.remote {
                Some("this SSH session has no display")
            } else {
                None
            };
            let browser = skipped.map_or(BrowserStatus::Opening, BrowserStatus::Skipped);
            let effects = if skipped.is_none() {
                vec![Effect::OpenBrowser {
                    attempt,
                    url: url.clone(),
                }]
            } else {
                vec![]
            };
            app.authorize.phase = AuthPhase::Waiting {
                url,
                deadline,
                browser,
            };
            effects
        }
    }
}

fn callback(app: &mut App, attempt: u64, pasted: bool, result: CallbackResult) -> Vec<Effect> {
    if attempt != app.authorize.attempt || !matches!(app.authorize.phase, AuthPhase::Waiting { .. })
    {
        return vec![];
    }
    let oauth1 = app.spec().is_some_and(|s| s.auth == AuthKind::Oauth1);
    let grant = match result {
        CallbackResult::Code(code) if !oauth1 => Ok(Grant::Code(code)),
        CallbackResult::Code(_) => Err(
            "an OAuth 1 sign-in ends with oauth_token and oauth_verifier, not a code; use the whole address the browser landed on".to_string(),
        ),
        CallbackResult::Oauth1 { token, verifier } => match &app.authorize.request_token {
            Some(rt) if oauth1 && rt.token == token => Ok(Grant::Oauth1 {
                token,
                verifier,
                secret: rt.secret.clone(),
            }),
            // The provider echoes the request token it authorized; another
            // one belongs to another attempt.
            Some(_) if oauth1 => Err(
                "it names another request token than this attempt's; finish the sign-in in the browser tab opened for this attempt".to_string(),
            ),
            None if oauth1 => Err("this attempt has no request token yet".to_string()),
            _ => Err("the provider's answer carried no authorization code".to_string()),
        },
        CallbackResult::Rejected(reason) => Err(reason),
        CallbackResult::Denied { error, description } => {
            app.authorize.phase = AuthPhase::Failed(AuthProblem::Denied { error, description });
            return vec![];
        }
    };
    match grant {
        Ok(grant) => {
            let values = app.form().map(FormState::values).unwrap_or_default();
            app.authorize.grant = Some((grant, values));
            app.authorize.paste.set("");
            app.authorize.paste_focused = false;
            app.authorize.phase = AuthPhase::Idle;
            app.notice = Some(Notice::success(
                "Authorized. Check what will be created, then press Enter.",
            ));
            go_review(app);
        }
        // A stray or stale redirect does not end the attempt: the genuine
        // one may still come. Say why it was ignored.
        Err(reason) if pasted => {
            app.notice = Some(Notice::error(format!(
                "That address was not accepted: {reason}"
            )));
        }
        Err(reason) => {
            app.notice = Some(Notice::error(format!("A redirect was ignored: {reason}")));
        }
    }
    vec![]
}

fn authorize_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let auth = &mut app.authorize;
    match cmd {
        Command::Back if auth.paste_focused => auth.paste_focused = false,
        Command::Back => {
            app.step = Step::Configure;
            app.notice = None;
            // A sign-in link still on its way is not wanted any more.
            if auth.phase == AuthPhase::FetchingUrl {
                auth.phase = AuthPhase::Idle;
                return vec![Effect::Cancel {
                    attempt: auth.attempt,
                }];
            }
        }
        Command::Continue if auth.paste_focused => {
            let input = auth.paste.value().trim();
            if input.is_empty() {
                app.notice = Some(Notice::error(
                    "Paste the address the browser was sent to after you allowed access",
                ));
            } else if !matches!(auth.phase, AuthPhase::Waiting { .. }) {
                app.notice = Some(Notice::error(
                    "This attempt is over; press Esc, then Enter for a new link",
                ));
            } else {
                return vec![Effect::ParsePasted {
                    attempt: auth.attempt,
                    input: Secret::new(input),
                }];
            }
        }
        Command::PasteUrl => auth.paste_focused = true,
        Command::Retry => return start_authorization(app),
        Command::OpenBrowser => {
            if let AuthPhase::Waiting { url, browser, .. } = &mut auth.phase {
                *browser = BrowserStatus::Opening;
                return vec![Effect::OpenBrowser {
                    attempt: auth.attempt,
                    url: url.clone(),
                }];
            }
        }
        Command::CopyUrl => {
            if let AuthPhase::Waiting { url, .. } = &auth.phase {
                return vec![Effect::Copy {
                    what: CopyTarget::AuthUrl,
                    text: Secret::new(url.as_str()),
                }];
            }
        }
        _ => {}
    }
    vec![]
}

// ---- Review and creating ----------------------------------------------

/// Whether a configuration key holds a secret: the spec says so, or, for a
/// key it does not know, the name looks like one.
pub fn is_secret_key(form: &FormState, key: &str) -> bool {
    form.field(key)
        .map_or_else(|| key_looks_secret(key), |f| f.kind == FieldKind::Secret)
}

/// The request the Review step shows and Creating sends.
pub fn request(app: &App) -> Option<CreateInstance> {
    let form = app.form()?;
    let values = form.values();
    let provider_data = app
        .authorize
        .grant
        .as_ref()
        .map(|(grant, _)| grant.provider_data());
    Some(CreateInstance {
        element: ElementRef {
            key: form.element_key.clone(),
        },
        configuration: crate::form::configuration(&form.fields, &values),
        tags: form.tag_list(),
        name: form.name.value().trim().to_string(),
        provider_data: if app.is_oauth() { provider_data } else { None },
    })
}

fn review_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let review = &mut app.review;
    match cmd {
        Command::SwitchView => {
            review.view = match review.view {
                ReviewView::Body => ReviewView::Curl,
                ReviewView::Curl => ReviewView::Body,
            };
            review.scroll = 0;
        }
        Command::Reveal => review.reveal = !review.reveal,
        Command::PageDown => review.scroll = review.scroll.saturating_add(5),
        Command::PageUp => review.scroll = review.scroll.saturating_sub(5),
        Command::CopyCurl | Command::CopyBody => {
            let Some(req) = request(app) else {
                return vec![];
            };
            let Some(form) = app.form() else {
                return vec![];
            };
            let secret = |k: &str| is_secret_key(form, k);
            let reveal = app.review.reveal;
            let (what, text) = if cmd == Command::CopyCurl {
                (
                    CopyTarget::Curl,
                    req.curl_command(&app.connection.base_url(), reveal, &secret),
                )
            } else {
                (CopyTarget::Body, req.to_json(reveal, &secret))
            };
            return vec![Effect::Copy {
                what,
                text: Secret::new(text),
            }];
        }
        Command::Back => {
            app.step = Step::Configure;
            app.notice = None;
        }
        Command::Continue => match app.review.cancelled.take() {
            Some(check) => return check_cancelled_create(app, check),
            None => return start_create(app),
        },
        _ => {}
    }
    vec![]
}

/// Before a request is sent again after a cancelled create, the platform's
/// instances are read for the one it may have made: found, it is the
/// person's instance (sending again would make a second); not found, the
/// request can go again.
fn check_cancelled_create(app: &mut App, check: CreatedCheck) -> Vec<Effect> {
    let report = ErrorReport {
        status: None,
        message: format!(
            "the create of \"{}\" was cancelled before the platform answered",
            check.name
        ),
        request_id: None,
        provider_message: None,
        advice: String::new(),
        missing_keys: vec![],
    };
    look_for_created(
        app,
        LostCreate {
            report,
            check,
            lost: LostAnswer::Cancelled,
        },
    )
}

/// Reads the platform's instances for the one a create may have made; the
/// Creating step shows the look, and why, until the answer comes.
fn look_for_created(app: &mut App, lost: LostCreate) -> Vec<Effect> {
    let attempt = app.new_attempt();
    let check = lost.check.clone();
    app.creating = Some(CreatingState {
        attempt,
        started: app.clock.now(),
        sent: None,
        phase: CreatePhase::Checking(lost),
    });
    app.review.error = None;
    app.notice = None;
    app.step = Step::Creating;
    vec![Effect::CheckCreated {
        attempt,
        base_url: app.connection.base_url(),
        creds: credentials(app),
        check,
    }]
}

/// Sends the request the Review step shows.
fn start_create(app: &mut App) -> Vec<Effect> {
    let Some(body) = request(app) else {
        return vec![];
    };
    let attempt = app.new_attempt();
    let started = app.clock.now();
    let sent = CreatedCheck {
        element_key: body.element.key.clone(),
        name: body.name.trim().to_string(),
        since: app.settings.wall_time(started),
    };
    app.creating = Some(CreatingState {
        attempt,
        started,
        sent: Some(sent),
        phase: CreatePhase::Sending,
    });
    app.review.error = None;
    app.notice = None;
    app.step = Step::Creating;
    vec![Effect::Create {
        attempt,
        base_url: app.connection.base_url(),
        creds: credentials(app),
        body: Box::new(body),
    }]
}

/// Whether `attempt` is the create in flight (a late answer to a cancelled
/// one is ignored).
fn sending(app: &App, attempt: u64) -> bool {
    app.creating
        .as_ref()
        .is_some_and(|c| c.attempt == attempt && c.phase == CreatePhase::Sending)
}

/// Whether sending the request again needs a new OAuth code: the one sent
/// is spent, whatever became of the create.
fn needs_new_code(app: &App) -> bool {
    app.is_oauth() && app.authorize.grant.is_none()
}

fn creating_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Some(creating) = app.creating.as_mut() else {
        return vec![];
    };
    match (&creating.phase, cmd) {
        (CreatePhase::Sending, Command::Back) => {
            let attempt = creating.attempt;
            let sent = creating.sent.take();
            app.creating = None;
            app.step = Step::Review;
            // The request may have reached the platform with the code.
            app.authorize.grant = None;
            app.notice = Some(Notice::info(
                "Cancelled. The request may still have reached the platform: Enter looks among its instances for this one before sending anything again.",
            ));
            app.review.cancelled = sent;
            vec![Effect::Cancel { attempt }]
        }
        (CreatePhase::NothingCreated(_), Command::Retry | Command::Continue) => {
            if needs_new_code(app) {
                app.creating = None;
                app.step = Step::Authorize;
                return start_authorization(app);
            }
            start_create(app)
        }
        (CreatePhase::Unknown(lost), Command::Retry | Command::Continue) => {
            let lost = lost.clone();
            look_for_created(app, lost)
        }
        // Stop looking; back to the question.
        (CreatePhase::Checking(lost), Command::Back) => {
            let attempt = creating.attempt;
            creating.phase = CreatePhase::Unknown(lost.clone());
            app.notice = Some(Notice::info("Stopped checking; r checks again."));
            vec![Effect::Cancel { attempt }]
        }
        (CreatePhase::NothingCreated(report), Command::Back) => {
            let report = report.clone();
            app.creating = None;
            create_failed_back(app, report);
            vec![]
        }
        (CreatePhase::Unknown(LostCreate { report, check, .. }), Command::Back) => {
            let (report, name) = (report.clone(), check.name.clone());
            app.creating = None;
            create_failed_back(app, report);
            app.notice = Some(Notice::error(format!(
                "The instance \"{name}\" may exist: look for it among the platform's instances before creating it again."
            )));
            vec![]
        }
        _ => vec![],
    }
}

/// Back from a create that failed to the step it can be tried again from,
/// showing why: Review, or Authorize when a new code is needed.
fn create_failed_back(app: &mut App, report: ErrorReport) {
    if needs_new_code(app) {
        app.authorize.phase = AuthPhase::Failed(AuthProblem::CreateFailed(report));
        app.step = Step::Authorize;
        app.notice = None;
    } else {
        app.notice = Some(Notice::error(format!(
            "Creating failed: {}",
            report.message
        )));
        app.review.error = Some(report);
        app.step = Step::Review;
    }
}

/// What the wizard advises when nothing was created (the library's advice
/// speaks of running a command again).
const NOTHING_CREATED_ADVICE: &str = "Trying again is safe, and everything you typed is kept.";

fn nothing_created(app: &mut App, mut report: ErrorReport) {
    report.advice = NOTHING_CREATED_ADVICE.to_string();
    if needs_new_code(app) {
        // The code was spent: trying again starts with a new sign-in.
        app.creating = None;
        create_failed_back(app, report);
        return;
    }
    if let Some(c) = app.creating.as_mut() {
        c.phase = CreatePhase::NothingCreated(report);
    }
    app.notice = None;
}

fn create_checked(
    app: &mut App,
    attempt: u64,
    result: Result<Option<crate::api::Instance>, ErrorReport>,
) -> Vec<Effect> {
    let Some(creating) = app.creating.as_mut() else {
        return vec![];
    };
    let CreatePhase::Checking(lost) = &creating.phase else {
        return vec![];
    };
    if creating.attempt != attempt {
        return vec![];
    }
    let LostCreate {
        report,
        check,
        lost,
    } = lost.clone();
    match result {
        Ok(Some(instance)) => finish_create(app, instance, Some(lost)),
        Ok(None) => nothing_created(
            app,
            ErrorReport {
                message: format!(
                    "the platform's instances, read again, include no new instance named \"{}\", so nothing was created and it is safe to try again",
                    check.name
                ),
                ..report
            },
        ),
        Err(e) => {
            creating.phase = CreatePhase::Unknown(LostCreate {
                report,
                check,
                lost,
            });
            app.notice = Some(Notice::error(format!(
                "The instance list could not be read this time either: {}. r tries again.",
                e.message
            )));
        }
    }
    vec![]
}

/// Done: the instance exists (`recovered` when its answer was lost and it
/// was found in the instance list).
fn finish_create(app: &mut App, instance: crate::api::Instance, recovered: Option<LostAnswer>) {
    app.creating = None;
    app.created.push(instance.clone());
    app.done = Some(DoneState {
        instance,
        prompt: None,
        saved_to: None,
        recovered,
    });
    app.step = Step::Done;
    app.notice = None;
}

fn created(
    app: &mut App,
    attempt: u64,
    result: Result<crate::api::Instance, ErrorReport>,
) -> Vec<Effect> {
    if !sending(app, attempt) {
        return vec![];
    }
    app.creating = None;
    // Whatever happened, a grant sent with the request is spent.
    let used_code = app.authorize.grant.take().is_some();
    let report = match result {
        Ok(instance) => {
            finish_create(app, instance, None);
            return vec![];
        }
        Err(report) => report,
    };
    let oauth = app.is_oauth() && used_code;
    if matches!(report.status, Some(401)) {
        app.notice = Some(Notice::error(format!(
            "The platform refused the secrets: {}. Fix them and press Enter; everything else is kept.",
            report.message
        )));
        app.connection.check = CheckStatus::Failed(report);
        app.connection.focus = ConnField::UserSecret;
        app.resume = Some(if oauth { Step::Authorize } else { Step::Review });
        app.step = Step::Connection;
    } else if !report.missing_keys.is_empty() {
        let keys = report.missing_keys.clone();
        if let Some(form) = app.form_mut() {
            form.mark_missing(&keys);
        }
        app.notice = Some(Notice::error(format!(
            "The platform says these are missing: {}. Fill them in and continue.",
            keys.join(", ")
        )));
        app.review.error = Some(report);
        app.step = Step::Configure;
    } else if oauth {
        app.authorize.phase = AuthPhase::Failed(AuthProblem::CreateFailed(report));
        app.step = Step::Authorize;
    } else {
        app.notice = Some(Notice::error(format!(
            "Creating failed: {}",
            report.message
        )));
        app.review.error = Some(report);
        app.step = Step::Review;
    }
    vec![]
}

// ---- Done ---------------------------------------------------------------

/// `<name>.instance.json`, with characters that do not belong in a file
/// name replaced.
pub fn default_file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_matches('.');
    format!(
        "{}.instance.json",
        if safe.is_empty() { "instance" } else { safe }
    )
}

fn done_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let save_dir = app.settings.save_dir.clone();
    let Some(done) = app.done.as_mut() else {
        return vec![];
    };
    if let Some(prompt) = done.prompt.as_mut() {
        let path = PathBuf::from(prompt.path.value().trim());
        let contents = Secret::new(done.instance.to_pretty_json());
        match cmd {
            Command::Continue if prompt.path.value().trim().is_empty() => {
                app.notice = Some(Notice::error("Type a file name to save to"));
            }
            Command::Continue => {
                return vec![Effect::SaveFile {
                    path,
                    contents,
                    overwrite: false,
                }]
            }
            Command::Yes => {
                prompt.confirm_overwrite = false;
                return vec![Effect::SaveFile {
                    path,
                    contents,
                    overwrite: true,
                }];
            }
            Command::No => {
                prompt.confirm_overwrite = false;
                app.notice = Some(Notice::info("Kept the existing file; choose another name"));
            }
            Command::Back => {
                done.prompt = None;
                app.notice = None;
            }
            _ => {}
        }
        return vec![];
    }
    match cmd {
        Command::CopyToken => vec![Effect::Copy {
            what: CopyTarget::Token,
            text: done.instance.token.clone(),
        }],
        Command::CopyJson => vec![Effect::Copy {
            what: CopyTarget::InstanceJson,
            text: Secret::new(done.instance.to_pretty_json()),
        }],
        Command::SaveFile => {
            let path = save_dir.join(default_file_name(&done.instance.name));
            done.prompt = Some(SavePrompt {
                path: TextField::new(&path.to_string_lossy()),
                confirm_overwrite: false,
            });
            vec![]
        }
        Command::Another => {
            if let Some(key) = app.element.take() {
                app.forms.remove(&key);
            }
            app.done = None;
            app.authorize.phase = AuthPhase::Idle;
            app.picker.pending = None;
            app.review.reveal = false;
            app.review.error = None;
            app.picker.filter.set("");
            refilter(app);
            app.step = Step::Element;
            app.notice = Some(Notice::info(
                "Choose the element of the next instance; the connection is kept",
            ));
            vec![]
        }
        Command::Quit => quit(app, Exit::Finished),
        _ => vec![],
    }
}

fn file_saved(app: &mut App, path: PathBuf, result: Result<(), FileSaveError>) -> Vec<Effect> {
    let Some(done) = app.done.as_mut() else {
        return vec![];
    };
    match result {
        Ok(()) => {
            app.notice = Some(Notice::success(format!(
                "Saved to {} (readable only by you)",
                path.display()
            )));
            done.prompt = None;
            done.saved_to = Some(path.clone());
            app.saved_files.push(path);
        }
        Err(FileSaveError::Exists) => {
            if let Some(p) = done.prompt.as_mut() {
                p.confirm_overwrite = true;
            }
            app.notice = Some(Notice::info(format!(
                "{} already exists. Replace it?",
                path.display()
            )));
        }
        Err(FileSaveError::Other(e)) => {
            app.notice = Some(Notice::error(format!(
                "Could not save {}: {e}",
                path.display()
            )));
        }
    }
    vec![]
}
