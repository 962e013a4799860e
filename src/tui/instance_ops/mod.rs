//! What can be done to one instance, whichever view shows it: check it,
//! copy its token, re-authorize it. Done (the instance just created) and
//! the Instances view (the account's) are two views of these operations;
//! each result is written to every view that waits for it, so neither
//! step writes the other's state.

pub mod check;
pub mod reauth;

pub use check::Check;
pub use reauth::reauthorized;

use crate::flow::check::Outcome;
use crate::secret::Secret;
use crate::tui::action::CopyTarget;
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::step::Step;

/// Starts checking instance `id`; its outcome comes back as
/// `Action::InstanceChecked`.
pub fn check_effect(app: &mut App, id: i64) -> (u64, Effect) {
    let attempt = app.new_attempt();
    let effect = Effect::CheckInstance {
        attempt,
        platform: app.platform(),
        id,
    };
    (attempt, effect)
}

/// The copy of an instance's token, when it can go to the clipboard as it
/// is: a token from the platform with control, bidi or space characters in
/// it would be pasted into a shell or a header as something else.
pub fn copy_token(app: &mut App, id: i64, token: Secret) -> Vec<Effect> {
    if token.is_empty() {
        app.notice = Some(Notice::error(
            "The platform gave no token for this instance",
        ));
        return vec![];
    }
    if !crate::sanitize::is_clean_token(token.expose()) {
        app.notice = Some(Notice::error(format!(
            "The platform's token for instance {id} holds control characters or spaces, so it is not copied; read it from the platform"
        )));
        return vec![];
    }
    vec![Effect::Copy {
        what: CopyTarget::Token,
        text: token,
    }]
}

/// A check came back: for the list, and for Done when it is its instance.
pub fn checked(app: &mut App, attempt: u64, id: i64, result: Result<Outcome, ErrorReport>) {
    let check = match result {
        Ok(outcome) => Check::Found(outcome),
        Err(e) => Check::Failed(e.message),
    };
    if let Some(done) = app.done.as_mut() {
        if done.instance.id == id && done.check == Some(Check::Running { attempt }) {
            done.check = Some(check.clone());
        }
    }
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    if view.checks.get(&id) != Some(&Check::Running { attempt }) {
        return;
    }
    if let Some(batch) = view.batch.as_mut().filter(|b| b.attempt == attempt) {
        // One of many: the row and the header say it, not the notice.
        batch.done += 1;
        if matches!(&check, Check::Found(o) if o.is_failure()) {
            batch.failing += 1;
        }
        let (done, total, failing) = (batch.done, batch.total, batch.failing);
        view.checks.insert(id, check);
        if done >= total {
            view.batch = None;
            app.notice = Some(if failing == 0 {
                Notice::success(format!("Checked {total}: none broken or disabled"))
            } else {
                Notice::error(format!(
                    "Checked {total}: {failing} broken or disabled (type \"broken\" or \"disabled\" to see them)"
                ))
            });
        }
        return;
    }
    if app.step == Step::Instances {
        app.notice = Some(match &check {
            Check::Found(o) if o.is_failure() => {
                Notice::error(format!("Instance {id} is {}", o.summary()))
            }
            Check::Found(o @ Outcome::NotChecked { .. }) => {
                Notice::info(format!("Instance {id} {}", o.summary()))
            }
            Check::Found(o) => Notice::success(format!("Instance {id} {}", o.summary())),
            Check::Failed(e) => Notice::error(format!("Instance {id} could not be checked: {e}")),
            Check::Running { .. } | Check::Reauthorizing { .. } => Notice::info(""),
        });
    }
    view.checks.insert(id, check);
}
