//! The Creating step: the create in flight, and what happens when its
//! answer is lost (the instance is looked for before anything is sent
//! again).

#[cfg(test)]
mod screen_tests;
pub mod start;
pub mod state;
#[cfg(test)]
mod tests;
mod view;

pub use state::{CreatePhase, CreatingState};

use self::start::{look_for_created, start_create};
use super::authorize::start::start_authorization;
use super::{Drawn, Screen};
use crate::api::Instance;
use crate::tui::app::{App, AuthPhase, AuthProblem, DoneState, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{b, ch, Binding, Command, ENTER, ESC};
use crate::tui::report::{ErrorReport, LostAnswer, LostCreate};
use crate::tui::step::Step;
use crate::tui::steps::connection::state::{CheckStatus, ConnField};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Creating;

impl Screen for Creating {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        creating_command(app, cmd)
    }

    fn render(&self, app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        view::render(app, time, frame, area);
        Drawn::default()
    }
}

/// The create's answer was lost, but the platform's instance list shows
/// the instance it made.
pub fn recovered(app: &mut App, attempt: u64, instance: Instance, lost: LostAnswer) {
    if sending(app, attempt) {
        app.authorize.grant = None;
        finish_create(app, instance, Some(lost));
    }
}

/// The create's answer was lost and the platform has no new instance.
pub fn nothing_created_answer(app: &mut App, attempt: u64, report: ErrorReport) {
    if sending(app, attempt) {
        app.authorize.grant = None;
        nothing_created(app, report);
    }
}

/// The create's answer was lost and the instance list could not be read
/// either.
pub fn outcome_unknown(app: &mut App, attempt: u64, lost: LostCreate) {
    if sending(app, attempt) {
        app.authorize.grant = None;
        if let Some(c) = app.creating.as_mut() {
            c.phase = CreatePhase::Unknown(lost);
        }
        app.notice = None;
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    match app.creating.as_ref().map(|c| &c.phase) {
        Some(CreatePhase::NothingCreated(_)) => vec![
            b(&[ENTER, ch('r')], "Enter", "create again", Command::Retry)
                .with_detail("send the same request again: nothing was created, so it is safe"),
            b(&[ESC], "Esc", "back to review", Command::Back),
        ],
        Some(CreatePhase::Unknown(_)) => vec![
            b(&[ch('r'), ENTER], "r", "check again", Command::Retry).with_detail(
                "look among the platform's instances again for the one this create may have made",
            ),
            b(&[ESC], "Esc", "back to review", Command::Back),
        ],
        Some(CreatePhase::Checking(_)) => {
            vec![b(&[ESC], "Esc", "stop looking", Command::Back)]
        }
        Some(CreatePhase::Sending) | None => vec![b(
            &[ESC],
            "Esc",
            "cancel and return to review",
            Command::Back,
        )],
    }
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

pub fn create_checked(
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
        copied: false,
        recovered,
        check: None,
    });
    app.step = Step::Done;
    app.notice = None;
}

pub fn created(
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
