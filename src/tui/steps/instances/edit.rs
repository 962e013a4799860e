//! Changing an instance's name and tags from the Instances view: checked
//! as they are typed, sent as one `PATCH` (the tags given replace the old
//! list whole), and a refusal shown where they were typed.

use super::state::EditPrompt;
use crate::api::{Instance, InstanceChanges};
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;
use crate::tui::listed::Listed;
use crate::tui::report::ErrorReport;

/// F4: the selected instance's name and tags, ready to edit.
pub fn open(app: &mut App) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    if let Some(fresh) = view.selected().map(EditPrompt::new) {
        let draft = view.edit_draft.take().filter(|d| d.id == fresh.id);
        view.edit = Some(draft.unwrap_or(fresh));
        app.notice = None;
    }
}

/// Esc: closes the prompt; what was typed and not saved is kept for F4.
pub fn leave(app: &mut App) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    let Some(mut p) = view.edit.take() else {
        return;
    };
    let typed = view
        .items
        .iter()
        .find(|i| i.id == p.id)
        .is_some_and(|current| !changes(&p, current).is_empty());
    app.notice = Some(Notice::info(if typed {
        "Nothing was changed; F4 brings back what you typed"
    } else {
        "Nothing was changed"
    }));
    if typed {
        p.refused = None;
        view.edit_draft = Some(p);
    }
}

/// What the prompt changes, compared with the instance as listed.
fn changes(p: &EditPrompt, current: &Listed) -> InstanceChanges {
    let name = p.name.value().trim();
    let tags = p.tag_list();
    InstanceChanges {
        name: (name != current.name).then(|| name.to_string()),
        tags: (tags != current.tags()).then_some(tags),
        configuration: Default::default(),
    }
}

/// Enter: sends the change once the name and tags are valid.
pub fn save(app: &mut App) -> Vec<Effect> {
    let attempt = app.next_attempt;
    let platform = app.platform();
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    let Some(p) = view.edit.as_ref() else {
        return vec![];
    };
    if p.sent.is_some() {
        return vec![];
    }
    if let Some(problem) = p.problem() {
        app.notice = Some(Notice::error(problem));
        return vec![];
    }
    let Some(current) = view.items.iter().find(|i| i.id == p.id) else {
        view.edit = None;
        return vec![];
    };
    let changes = changes(p, current);
    if changes.is_empty() {
        view.edit = None;
        app.notice = Some(Notice::info("Nothing changed"));
        return vec![];
    }
    let id = p.id;
    if let Some(p) = view.edit.as_mut() {
        p.sent = Some(attempt);
        p.refused = None;
    }
    app.next_attempt += 1;
    app.notice = Some(Notice::info(format!("Updating instance {id}…")));
    vec![Effect::UpdateInstance {
        attempt,
        platform,
        id,
        changes,
    }]
}

/// The platform answered the `PATCH`.
pub fn updated(app: &mut App, attempt: u64, id: i64, result: Result<Instance, ErrorReport>) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    let Some(p) = view.edit.as_mut() else { return };
    if p.sent != Some(attempt) || p.id != id {
        return;
    }
    match result {
        Ok(instance) => {
            view.edit = None;
            let tags: Vec<String> = instance
                .tags()
                .iter()
                .map(|t| crate::sanitize::line(t))
                .collect();
            app.notice = Some(Notice::success(format!(
                "Updated instance {id}: \"{}\", {}",
                instance.name,
                if tags.is_empty() {
                    "no tags".to_string()
                } else {
                    format!("tags {}", tags.join(", "))
                }
            )));
            view.replace(instance);
        }
        Err(e) => {
            p.sent = None;
            p.refused = Some(e.message.clone());
            app.notice = Some(Notice::error(format!(
                "Instance {id} was not changed: {}",
                e.message
            )));
        }
    }
}
