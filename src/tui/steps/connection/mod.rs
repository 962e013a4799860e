//! The Connection step: which platform, and the account secrets, tested by
//! listing the platform's catalog.

#[cfg(test)]
mod screen_tests;
pub mod state;
#[cfg(test)]
mod tests;
mod view;

pub use state::{
    CheckStatus, ConnField, ConnectionForm, EnvKind, ProfileOffer, Remember, SavedProfile,
};

use super::authorize::start::start_authorization;
use super::element::start::start_lookup;
use super::{Drawn, Input, Screen};
use crate::config::{ConfigError, Saved, SecretsKept};
use crate::tui::app::{App, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{
    b, ctrl, extra, field_moves, Binding, Command, ENTER, ESC, LEFT, RIGHT, SPACE,
};
use crate::tui::report::ErrorReport;
use crate::tui::step::Step;
use crate::tui::widgets::EditOp;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Connection;

impl Screen for Connection {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        connection_command(app, cmd)
    }

    fn input(&self, app: &App) -> Option<Input> {
        app.connection.focus.is_text().then_some(Input::Line)
    }

    fn edit(&self, app: &mut App, op: &EditOp) -> bool {
        let focus = app.connection.focus;
        let changed = app.connection.input_mut(focus).is_some_and(|i| i.apply(op));
        if changed {
            app.connection.changed(focus);
        }
        changed
    }

    fn paste(&self, app: &mut App, text: &str) -> bool {
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

    fn field_error<'a>(&self, app: &'a App) -> Option<&'a str> {
        app.connection
            .errors
            .get(&app.connection.focus)
            .map(String::as_str)
    }

    fn render(&self, app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        view::render(app, time, frame, area);
        Drawn::default()
    }
}

/// The config file was written (or not) after a connection that worked.
pub fn config_saved(app: &mut App, result: Result<Saved, ConfigError>) {
    app.notice = Some(match result {
        Ok(saved) => {
            let text = saved.describe();
            app.connection
                .saved_as(&saved.profile, saved.secrets.is_some());
            // A fallback to the file is worth a second look, not a ✓.
            match saved.secrets {
                Some(SecretsKept::File { fallback: Some(_) }) => Notice::info(text),
                _ => Notice::success(text),
            }
        }
        Err(e) => Notice::error(format!(
            "Could not save the config file: {e}. The connection works for this run."
        )),
    });
}

/// Why the environment does not change under `--sandbox`, and how to
/// reach another one.
pub const SANDBOX_STAYS: &str = "--sandbox stays in the built-in sandbox: nothing leaves your machine. Run ce-wizard without --sandbox to connect elsewhere.";

fn bindings(app: &App) -> Vec<Binding> {
    let mut list = vec![
        if app.connection.url_offer().is_some() {
            b(&[ENTER], "Enter", "accept the address", Command::Continue)
        } else if app.connection.is_complete() {
            b(&[ENTER], "Enter", "test and continue", Command::Continue)
                .with_detail("test the secrets (lists the catalog) and go on when they work")
        } else {
            b(&[ENTER], "Enter", "next", Command::Continue)
        },
        extra(
            &[ctrl('s')],
            "Ctrl-S",
            "test the secrets and go on, from any field",
            Command::Submit,
        ),
        b(&[ESC], "Esc", "quit", Command::Back),
    ];
    // Under --sandbox the environment is not a choice (see SANDBOX_STAYS).
    let env_fixed = app.connection.sandbox && app.connection.focus == ConnField::Environment;
    if matches!(
        app.connection.focus,
        ConnField::Profile | ConnField::Environment | ConnField::Remember
    ) && !env_fixed
    {
        list.push(b(&[RIGHT, SPACE], "←/→", "choose", Command::ChoiceNext));
        list.push(extra(&[LEFT], "←", "previous choice", Command::ChoicePrev));
    }
    list.push(b(
        &[ctrl('r')],
        "Ctrl-R",
        if app.connection.reveal {
            "hide secrets"
        } else {
            "show secrets"
        },
        Command::Reveal,
    ));
    list.push(extra(
        &[ctrl('t')],
        "Ctrl-T",
        "test the connection only",
        Command::TestConnection,
    ));
    list.extend(field_moves());
    list
}

fn connection_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    // Enter takes the address offered for a base URL typed without its
    // scheme, then goes on as Enter does.
    if cmd == Command::Continue {
        if let Some(offer) = app.connection.url_offer() {
            app.connection.custom_url.set(&offer);
            app.connection.changed(ConnField::CustomUrl);
        }
    }
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
            let forward = cmd == Command::ChoiceNext;
            // One step back is n-1 steps forward.
            let step = |n: usize| if forward { 1 } else { n - 1 };
            match conn.focus {
                ConnField::Profile => {
                    let choices = conn.profile_choices();
                    let i = choices.iter().position(|c| *c == conn.profile).unwrap_or(0);
                    conn.pick_profile(choices[(i + step(choices.len())) % choices.len()]);
                    if let Some(problem) = conn.picked().and_then(|p| p.problem.clone()) {
                        app.notice = Some(Notice::info(format!(
                            "The secrets of this profile could not be read ({problem}); type them."
                        )));
                    }
                }
                // Another environment would get the demo secrets, and a
                // request would leave the machine: --sandbox stays there.
                ConnField::Environment if conn.sandbox => {
                    app.notice = Some(Notice::info(SANDBOX_STAYS));
                }
                ConnField::Environment => {
                    let all: Vec<EnvKind> = EnvKind::all().collect();
                    let i = all.iter().position(|e| *e == conn.env).unwrap_or(0);
                    conn.env = all[(i + step(all.len())) % all.len()];
                    conn.errors.remove(&ConnField::CustomUrl);
                    conn.check = CheckStatus::NotRun;
                }
                ConnField::Remember => {
                    let i = Remember::ALL
                        .iter()
                        .position(|e| *e == conn.remember)
                        .unwrap_or(0);
                    conn.remember =
                        Remember::ALL[(i + step(Remember::ALL.len())) % Remember::ALL.len()];
                }
                _ => {}
            }
        }
        Command::Reveal => conn.reveal = !conn.reveal,
        Command::TestConnection => return start_check(app, false),
        // Enter goes on field by field, as in Configure, until every field
        // is filled; then (or with Ctrl-S from any field) it tests them.
        Command::Continue if !conn.is_complete() => {
            if let Some(e) = conn.check_field(conn.focus) {
                conn.errors.insert(conn.focus, e);
            } else {
                conn.focus = fields[pos + 1];
            }
        }
        Command::Continue | Command::Submit => return start_check(app, true),
        // Esc first stops a check in flight, and stays on the form.
        Command::Back => {
            if let CheckStatus::Running { attempt, .. } = conn.check {
                conn.check = CheckStatus::NotRun;
                app.notice = Some(Notice::info(
                    "Stopped testing the connection; Enter tests it again.",
                ));
                return vec![Effect::Cancel { attempt }];
            }
            app.ask_quit();
            return vec![];
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
        platform: app.platform(),
    }]
}

pub fn connection_checked(
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
            // The sandbox's address lives only as long as this run: saved,
            // it would send the next normal run to a closed port.
            if conn.remember != Remember::Nothing && !app.settings.sandbox {
                effects.push(Effect::SaveConfig {
                    profile: conn.profile_name.value().trim().to_string(),
                    environment: conn.environment(),
                    secrets: (conn.remember == Remember::EnvironmentAndSecrets)
                        .then(|| app.credentials()),
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
