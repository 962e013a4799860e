//! The Done step: the created instance and its token, to copy or save.

#[cfg(test)]
mod sandbox_tests;
#[cfg(test)]
mod screen_tests;
pub mod state;
mod view;

pub use state::{DoneState, SavePrompt};

use super::element::start::refilter;
use super::{Drawn, Input, Screen};
use crate::clipboard::CopyReport;
use crate::secret::Secret;
use crate::tui::action::{CopyTarget, FileSaveError};
use crate::tui::app::{App, AuthPhase, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::instance_ops::{self, reauth, Check};
use crate::tui::keymap::{b, ch, extra, Binding, Command, ENTER, ESC};
use crate::tui::step::Step;
use crate::tui::widgets::{EditOp, TextField};
use ratatui::layout::Rect;
use ratatui::Frame;
use std::path::PathBuf;

pub struct Done;

impl Screen for Done {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        done_command(app, cmd)
    }

    fn input(&self, app: &App) -> Option<Input> {
        let prompt = app.done.as_ref()?.prompt.as_ref()?;
        (!prompt.confirm_overwrite).then_some(Input::Line)
    }

    fn edit(&self, app: &mut App, op: &EditOp) -> bool {
        app.done
            .as_mut()
            .and_then(|d| d.prompt.as_mut())
            .is_some_and(|p| p.path.apply(op))
    }

    fn paste(&self, app: &mut App, text: &str) -> bool {
        match app.done.as_mut().and_then(|d| d.prompt.as_mut()) {
            Some(p) if !p.confirm_overwrite => {
                p.path.insert_str(text.trim());
                true
            }
            _ => false,
        }
    }

    fn render(&self, app: &App, _time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        view::render(app, frame, area);
        Drawn::default()
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    if let Some(p) = app.done.as_ref().and_then(|d| d.prompt.as_ref()) {
        if p.confirm_overwrite {
            return vec![
                b(&[ch('y')], "y", "replace the file", Command::Yes),
                b(&[ch('n'), ESC], "n/Esc", "keep it", Command::No),
            ];
        }
        return vec![
            b(&[ENTER], "Enter", "save", Command::Continue),
            b(&[ESC], "Esc", "cancel", Command::Back),
        ];
    }
    let mut list = vec![];
    if app.done.as_ref().is_some_and(|d| refused(d.check.as_ref())) {
        list.push(
            b(
                &[ch(reauth::DONE_KEY.chars().next().unwrap_or('r'))],
                reauth::DONE_KEY,
                "re-authorize",
                Command::ReauthorizeInstance,
            )
            .with_detail("sign in to the provider again for this instance, then check it"),
        );
    }
    list.extend([
        b(&[ch('c')], "c", "copy token", Command::CopyToken)
            .with_detail("copy the token to the clipboard"),
        b(&[ch('j')], "j", "copy JSON", Command::CopyJson)
            .with_detail("copy the whole instance as JSON"),
        b(&[ch('s')], "s", "save", Command::SaveFile)
            .with_detail("save the instance JSON to a file readable only by you"),
        b(&[ch('n')], "n", "another", Command::Another)
            .with_detail("create another instance with the same connection"),
        b(&[ch('i')], "i", "instances", Command::OpenInstances)
            .with_detail("open the account's instances, on this one (Esc comes back here)"),
        b(&[ch('q')], "q", "quit", Command::Quit),
        // Esc goes back everywhere else; here there is nothing to go back
        // to, and quitting would clear the token from the screen.
        extra(&[ESC], "Esc", "stays here (q quits)", Command::Back),
    ]);
    list
}

/// Whether the check found the instance refused in a way a new sign-in
/// fixes.
pub fn refused(check: Option<&Check>) -> bool {
    matches!(
        check,
        Some(Check::Found(crate::flow::check::Outcome::Broken {
            remedy: crate::flow::check::Remedy::Reauthorize,
            ..
        }))
    )
}

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
        // Named in full from here on, so that what the screen and, after
        // the wizard ends, stderr say is where the file is.
        let typed = PathBuf::from(prompt.path.value().trim());
        let path = std::path::absolute(&typed).unwrap_or(typed);
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
        Command::ReauthorizeInstance if refused(done.check.as_ref()) => reauth::from_done(app),
        Command::CopyToken => {
            let (id, token) = (done.instance.id, done.instance.token.clone());
            instance_ops::copy_token(app, id, token)
        }
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
        Command::OpenInstances => {
            let id = done.instance.id;
            super::instances::start::open_on(app, Step::Done, id)
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
        Command::Back => {
            app.notice = Some(Notice::info(
                "Esc does not quit here: press q when you are done with the token",
            ));
            vec![]
        }
        // q quits through the router, as Ctrl-C does (see `App::ask_quit`).
        _ => vec![],
    }
}

/// A clipboard took the token (alone or in the JSON): it is kept, and
/// quitting no longer asks first.
pub fn copied(app: &mut App, what: CopyTarget, report: &CopyReport) {
    if report.succeeded() && matches!(what, CopyTarget::Token | CopyTarget::InstanceJson) {
        if let Some(done) = app.done.as_mut() {
            done.copied = true;
        }
    }
}

/// Checks the new instance as soon as Done opens: "created" is not yet
/// "works".
pub fn start_check(app: &mut App) -> Vec<Effect> {
    if app.step != Step::Done || app.done.as_ref().is_none_or(|d| d.check.is_some()) {
        return vec![];
    }
    let Some(id) = app.done.as_ref().map(|d| d.instance.id) else {
        return vec![];
    };
    let (attempt, effect) = instance_ops::check_effect(app, id);
    if let Some(done) = app.done.as_mut() {
        done.check = Some(Check::Running { attempt });
    }
    vec![effect]
}

pub fn file_saved(app: &mut App, path: PathBuf, result: Result<(), FileSaveError>) -> Vec<Effect> {
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
            // The prompt stays open with the path in it: say so.
            app.notice = Some(Notice::error(format!(
                "Could not save {}: {e}. Change the path and press Enter, or Esc to cancel",
                path.display()
            )));
        }
    }
    vec![]
}
