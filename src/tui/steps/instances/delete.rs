//! Deleting an instance from the Instances view: its exact name typed to
//! confirm (its ID where the name cannot be typed), one `DELETE` sent, and the answer (or, the answer lost, a read
//! of the instance) told in plain words.

use super::state::DeletePrompt;
use crate::flow::delete::Confirmation;
use crate::tui::action::DeleteAnswer;
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::widgets::TextField;

/// Ctrl-D: the prompt for the selected instance's name.
pub fn open(app: &mut App) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    if let Some(i) = view.selected() {
        view.delete = Some(DeletePrompt {
            id: i.id,
            name: i.name.clone(),
            typed: TextField::default(),
            sent: None,
        });
        app.notice = None;
    }
}

/// Enter: sends the delete once the name (or the ID) typed matches;
/// nothing typed never does.
pub fn confirm(app: &mut App) -> Vec<Effect> {
    let matches = app
        .instances
        .as_ref()
        .and_then(|v| v.delete.as_ref())
        .map(|d| {
            let confirm = Confirmation::for_instance(d.id, &d.name);
            (d.id, confirm.confirmed_by(d.typed.value()))
        });
    match matches {
        Some((id, true)) => {
            let attempt = app.new_attempt();
            if let Some(d) = app.instances.as_mut().and_then(|v| v.delete.as_mut()) {
                d.sent = Some(attempt);
            }
            app.notice = Some(Notice::info(format!("Deleting instance {id}…")));
            vec![Effect::DeleteInstance {
                attempt,
                platform: app.platform(),
                id,
            }]
        }
        Some((id, false)) => {
            let name = app
                .instances
                .as_ref()
                .and_then(|v| v.delete.as_ref())
                .map(|d| d.name.clone())
                .unwrap_or_default();
            app.notice = Some(Notice::error(match Confirmation::for_instance(id, &name) {
                Confirmation::Name(_) => {
                    "Type the instance's name exactly as shown to delete it".to_string()
                }
                Confirmation::Id { id, .. } => {
                    format!("Type the instance's ID, {id}, to delete it")
                }
            }));
            vec![]
        }
        None => vec![],
    }
}

/// Esc: the instance stays.
pub fn cancel(app: &mut App) {
    if let Some(view) = app.instances.as_mut() {
        view.delete = None;
    }
    app.notice = Some(Notice::info("Nothing was deleted"));
}

/// The platform answered a delete (or, its answer lost, a read of the
/// instance told what became of it).
pub fn deleted(app: &mut App, attempt: u64, id: i64, result: Result<DeleteAnswer, ErrorReport>) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    let Some(d) = &view.delete else { return };
    if d.sent != Some(attempt) || d.id != id {
        return;
    }
    let name = d.name.clone();
    view.delete = None;
    app.notice = Some(match result {
        Ok(DeleteAnswer::Deleted) => {
            view.remove(id);
            Notice::success(format!("Deleted instance {id} \"{name}\""))
        }
        Ok(DeleteAnswer::LostButGone(cause)) => {
            view.remove(id);
            Notice::success(format!(
                "Deleted instance {id} \"{name}\": reading it again found it gone (the answer to the delete was lost: {cause})"
            ))
        }
        Ok(DeleteAnswer::LostStillThere(cause)) => Notice::error(format!(
            "Instance {id} was not deleted: reading it again found it still there (the answer to the delete was lost: {cause}). Ctrl-D tries again."
        )),
        Ok(DeleteAnswer::Unknown(cause, reread)) => Notice::error(format!(
            "Instance {id} may or may not be deleted: reading it again failed ({reread}) after the answer to the delete was lost ({cause}). Ctrl-R reloads the list to see."
        )),
        Err(e) => Notice::error(format!("Instance {id} was not deleted: {}", e.message)),
    });
}
