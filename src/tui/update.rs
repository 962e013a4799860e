//! The router: `update` turns one action into changes of the model and a
//! list of effects for the runner. Keys go first to the overlay and the
//! global keys (help, quit), then to the step on screen; results of work
//! go to the step that asked for it. It does no I/O and reads no clock
//! (time arrives with `Action::Tick`), so every path is unit-testable.

use super::action::{Action, CopyTarget};
use super::app::{App, ListenerStatus, Notice, NoticeKind, Overlay};
use super::effect::Effect;
use super::instance_ops;
use super::keymap::{self, b, ch, ctrl, extra, key, Binding, Command, DOWN, ENTER, ESC, UP};
use super::step::Step;
use super::steps::{
    authorize, connection, creating, done, element, focused_input, instances, review, screen, Input,
};
use super::widgets::EditOp;
use crate::clipboard::CopyReport;
use crossterm::event::{KeyCode, KeyEvent};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    // A redirect the listener took ends its attempt there already.
    let signing_in = authorize::signing_in(app)
        .filter(|_| !matches!(action, Action::Callback { pasted: false, .. }));
    let mut effects = route(app, action);
    effects.extend(authorize::attempt_ended(app, signing_in, &effects));
    effects
}

fn route(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(k) => on_key(app, &k),
        Action::Paste(text) => {
            paste(app, &text);
            vec![]
        }
        Action::Tick(now) => {
            app.clock.tick(now);
            authorize::tick(app, now);
            vec![]
        }
        Action::Resize => vec![],
        Action::ConnectionChecked { attempt, result } => {
            connection::connection_checked(app, attempt, result)
        }
        Action::ConfigSaved(result) => {
            connection::config_saved(app, result);
            vec![]
        }
        Action::CachedCatalog {
            base_url,
            cached,
            now,
        } => {
            element::cached_catalog(app, &base_url, cached, now);
            vec![]
        }
        Action::CatalogRefreshed {
            attempt,
            base_url,
            result,
        } => {
            element::catalog_refreshed(app, attempt, &base_url, result);
            vec![]
        }
        Action::ElementLookedUp {
            attempt,
            key,
            result,
        } => element::element_looked_up(app, attempt, &key, result),
        Action::SpecLoaded { attempt, result } => {
            // "New from this" in the Instances view asks for forms too.
            if instances::new_from::awaits(app, attempt) {
                instances::new_from::spec_loaded(app, attempt, result);
            } else {
                element::spec_loaded(app, attempt, result);
            }
            vec![]
        }
        Action::CallbackPortChecked(result) => authorize::callback_port_checked(app, result),
        Action::SignInListenerFailed { attempt, problem } => {
            authorize::sign_in_listener_failed(app, attempt, problem);
            vec![]
        }
        Action::RequestTokenIssued { attempt, result } => {
            authorize::request_token_issued(app, attempt, result);
            vec![]
        }
        Action::AuthUrlFetched { attempt, result } => {
            authorize::auth_url_fetched(app, attempt, result)
        }
        Action::BrowserOpened { attempt, result } => {
            authorize::browser_opened(app, attempt, result);
            vec![]
        }
        Action::DocsOpened { url, result } => {
            element::docs_opened(app, &url, result);
            vec![]
        }
        Action::Callback {
            attempt,
            pasted,
            result,
        } => match authorize::callback(app, attempt, pasted, result) {
            // A grant goes to whoever asked for the sign-in: the instance
            // being re-authorized, or Review for the one being created.
            Some(grant) if app.authorize.reauth.is_some() => {
                instance_ops::reauth::granted(app, grant)
            }
            Some(grant) => {
                authorize::keep_grant(app, grant);
                review::start::go_review(app);
                vec![]
            }
            None => vec![],
        },
        Action::Created { attempt, result } => {
            let mut effects = creating::created(app, attempt, result);
            effects.extend(done::start_check(app));
            effects
        }
        Action::CreateRecovered {
            attempt,
            instance,
            lost,
        } => {
            creating::recovered(app, attempt, instance, lost);
            done::start_check(app)
        }
        Action::NothingCreated { attempt, report } => {
            creating::nothing_created_answer(app, attempt, report);
            vec![]
        }
        Action::CreateOutcomeUnknown { attempt, lost } => {
            creating::outcome_unknown(app, attempt, lost);
            vec![]
        }
        Action::CreateChecked { attempt, result } => {
            let mut effects = creating::create_checked(app, attempt, result);
            effects.extend(done::start_check(app));
            effects
        }
        Action::Copied { what, report } => {
            done::copied(app, what, &report);
            let mut notice = instances::copy_notice(app, what, &report)
                .unwrap_or_else(|| copy_notice(app.step, what, &report));
            if what == CopyTarget::Curl {
                if let Some(note) = app.review.copy_note.take() {
                    notice.text = format!("{}; {note}", notice.text);
                }
            }
            app.notice = Some(notice);
            vec![]
        }
        Action::FileSaved { path, result } => done::file_saved(app, path, result),
        Action::InstancesPage { attempt, instances } => {
            instances::page(app, attempt, instances);
            vec![]
        }
        Action::InstancesListed { attempt, result } => {
            instances::listed(app, attempt, result);
            vec![]
        }
        Action::InstanceChecked {
            attempt,
            id,
            result,
        } => {
            instances::checked(app, attempt, id, result);
            vec![]
        }
        Action::InstanceSwitched {
            attempt,
            id,
            on,
            result,
        } => {
            instances::switched(app, attempt, id, on, result);
            vec![]
        }
        Action::InstanceDeleted {
            attempt,
            id,
            result,
        } => {
            instances::deleted(app, attempt, id, result);
            vec![]
        }
        Action::InstanceUpdated {
            attempt,
            id,
            result,
        } => {
            instances::updated(app, attempt, id, result);
            vec![]
        }
        Action::InstanceReauthorized {
            attempt,
            id,
            result,
        } => {
            instances::reauthorized(app, attempt, id, result);
            vec![]
        }
    }
}

/// What a copy's outcome says, in plain words: a ✓ only when a clipboard
/// took the value; what went only to the terminal (OSC 52) cannot be
/// confirmed, so it says "sent to the terminal" and what to do if nothing
/// pastes.
fn copy_notice(step: Step, what: CopyTarget, report: &CopyReport) -> Notice {
    let label = what.label();
    let if_nothing_pastes = if step == Step::Done {
        "press s to save"
    } else if what == CopyTarget::AuthUrl {
        // A narrow screen shows the link cut in the middle: selecting
        // that would copy a broken link.
        "press l to print it whole and select it there"
    } else {
        "select it on the screen"
    };
    match (&report.native, report.osc52) {
        (Ok(_), _) => Notice::success(format!("{label}: Copied to the clipboard")),
        (Err(_), true) => Notice::info(format!(
            "{label}: {}; if nothing pastes, {if_nothing_pastes}",
            crate::clipboard::sent_to_terminal(report.tmux)
        )),
        (Err(why), false) => Notice::error(format!("{label} could not be copied: {why}")),
    }
}

/// Effects to run when the wizard starts: the OAuth callback port is
/// checked early (not held) so its callback URL can be shown while
/// choosing and filling the form;
/// with a known connection the cached catalog is read and a fresh one
/// fetched (or `--element KEY` looked up first, which fetches it when the
/// cache lacks the key).
pub fn startup(app: &mut App) -> Vec<Effect> {
    let mut effects = vec![];
    let oauth = app.catalog.entries().iter().any(|e| e.auth.is_oauth());
    if oauth && app.listener == ListenerStatus::NotBound {
        app.listener = ListenerStatus::Binding;
        effects.push(Effect::CheckCallbackPort {
            port: app.settings.callback_port,
        });
    }
    if app.step == Step::Instances {
        effects.extend(instances::open(app, None));
        return effects;
    }
    if app.connection.is_complete() {
        effects.push(Effect::LoadCachedCatalog {
            base_url: app.connection.base_url(),
        });
        match app.wanted_element.clone() {
            Some(key) if app.step == Step::Element => {
                effects.extend(element::start::start_lookup(app, &key))
            }
            _ => effects.extend(element::start::start_refresh(app)),
        }
    }
    effects
}

/// Whether typed characters go into a text input now.
fn text_focus(app: &App) -> Option<Input> {
    focused_input(app).filter(|_| app.overlay.is_none())
}

fn on_key(app: &mut App, k: &KeyEvent) -> Vec<Effect> {
    if authorize::back_from_link(app) {
        return vec![];
    }
    if let Some(cmd) = keymap::resolve(&bindings(app), k) {
        return command(app, cmd);
    }
    if let (Some(input), Some(op)) = (text_focus(app), keymap::edit_op(k)) {
        // A line break goes only into a multi-line field.
        if op == EditOp::Insert('\n') && input != Input::Lines {
            return vec![];
        }
        if screen(app.step).edit(app, &op) {
            typed(app);
        }
    }
    vec![]
}

fn command(app: &mut App, cmd: Command) -> Vec<Effect> {
    match app.overlay {
        Some(Overlay::Help) => {
            const PAGE: u16 = 10;
            let max = app.help_max_scroll;
            let at = app.help_scroll;
            match cmd {
                Command::Back => app.overlay = None,
                Command::Prev => app.help_scroll = at.saturating_sub(1),
                Command::Next => app.help_scroll = (at + 1).min(max),
                Command::PageUp => app.help_scroll = at.saturating_sub(PAGE),
                Command::PageDown => app.help_scroll = (at + PAGE).min(max),
                Command::First => app.help_scroll = 0,
                Command::Last => app.help_scroll = max,
                _ => {}
            }
            return vec![];
        }
        Some(Overlay::ConfirmQuit) => {
            match cmd {
                Command::Yes => app.quit(app.quit_exit()),
                Command::No => app.overlay = None,
                _ => {}
            }
            return vec![];
        }
        None => {}
    }
    match cmd {
        Command::Quit => {
            app.ask_quit();
            vec![]
        }
        Command::Help => {
            app.overlay = Some(Overlay::Help);
            app.help_scroll = 0;
            vec![]
        }
        _ => screen(app.step).command(app, cmd),
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
    if screen(app.step).paste(app, text) {
        typed(app);
    }
}

/// The bindings in force right now, most important first.
pub fn bindings(app: &App) -> Vec<Binding> {
    match app.overlay {
        Some(Overlay::Help) => vec![
            b(
                &[ESC, ch('?'), key(KeyCode::F(1)), ch('q'), ENTER],
                "Esc",
                "close help",
                Command::Back,
            ),
            // The window's border says when there is more to scroll to.
            extra(&[UP], "↑", "scroll up", Command::Prev),
            extra(&[DOWN], "↓", "scroll down", Command::Next),
            extra(
                &[key(KeyCode::PageUp)],
                "PgUp",
                "a page up",
                Command::PageUp,
            ),
            extra(
                &[key(KeyCode::PageDown)],
                "PgDn",
                "a page down",
                Command::PageDown,
            ),
            extra(&[key(KeyCode::Home)], "Home", "the top", Command::First),
            extra(&[key(KeyCode::End)], "End", "the end", Command::Last),
        ],
        Some(Overlay::ConfirmQuit) => vec![
            b(
                &[ch('y'), ctrl('c')],
                "y",
                if app.step == Step::Done {
                    "quit; the token is not shown again"
                } else {
                    "quit, losing what was typed"
                },
                Command::Yes,
            ),
            b(&[ch('n'), ESC], "n/Esc", "keep going", Command::No),
        ],
        None => step_bindings(app),
    }
}

/// The bindings of the current step and the global ones, ignoring any
/// overlay (the help overlay lists these).
pub fn step_bindings(app: &App) -> Vec<Binding> {
    let mut list = screen(app.step).bindings(app);
    // In a text field `?` is typed; in the element filter it is never part
    // of a name, so it stays help.
    if matches!(focused_input(app), Some(Input::Line | Input::Lines)) {
        list.push(b(
            &[key(KeyCode::F(1))],
            "F1",
            "help (? is typed)",
            Command::Help,
        ));
    } else {
        list.push(b(
            &[ch('?'), key(KeyCode::F(1))],
            "?",
            "help",
            Command::Help,
        ));
    }
    // Where the step has its own quit key in the footer, Ctrl-C still works
    // but is only listed in the help.
    let own_quit = list
        .iter()
        .any(|b| b.footer && b.command == Some(Command::Quit));
    let quit = b(&[ctrl('c')], "Ctrl-C", "quit", Command::Quit);
    list.push(if own_quit {
        Binding {
            footer: false,
            ..quit
        }
    } else {
        quit
    });
    list
}

/// Keys of the focused text input, for the help overlay. In the element
/// filter Home and End move through the list instead.
pub fn editing_keys(app: &App) -> Vec<(&'static str, &'static str)> {
    let mut keys = keymap::EDITING_KEYS.to_vec();
    if focused_input(app) == Some(Input::Filter) {
        keys[0] = (
            "←/→ Ctrl-A/E",
            "move the cursor (Home/End move through the list)",
        );
    }
    keys
}
