//! F8 on the Instances view: the selected instance turned off, or back on
//! (`PUT`/`DELETE /instances/{id}/enabled`, as `instances enable|disable`),
//! then read again so that its row shows what the platform now says, and
//! the notice what that means for calls through it.

use super::state::InstancesState;
use crate::api::Instance;
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;
use crate::tui::keymap::{extra, key, Binding, Command};
use crate::tui::report::ErrorReport;
use crossterm::event::KeyCode;

/// F8, named for what it would do to the selected instance.
pub fn binding(view: &InstancesState) -> Binding {
    let off = view.selected().is_some_and(|i| i.disabled());
    let (what, detail) = if off {
        (
            "enable the instance",
            "turn the instance back on: calls go through it again",
        )
    } else {
        (
            "disable the instance",
            "turn the instance off: calls through it are refused (403) until it is enabled",
        )
    };
    extra(&[key(KeyCode::F(8))], "F8", what, Command::SwitchInstance).with_detail(detail)
}

pub fn start(app: &mut App) -> Vec<Effect> {
    let Some(view) = app.instances.as_ref() else {
        return vec![];
    };
    if view.switching.is_some() {
        return vec![];
    }
    let Some((id, on)) = view.selected().map(|i| (i.id, i.disabled())) else {
        return vec![];
    };
    let attempt = app.new_attempt();
    let platform = app.platform();
    if let Some(view) = app.instances.as_mut() {
        view.switching = Some((attempt, id, on));
    }
    app.notice = Some(Notice::info(format!(
        "{} instance {id}…",
        if on { "Enabling" } else { "Disabling" }
    )));
    vec![Effect::SwitchInstance {
        attempt,
        platform,
        id,
        on,
    }]
}

pub fn switched(
    app: &mut App,
    attempt: u64,
    id: i64,
    on: bool,
    result: Result<Instance, ErrorReport>,
) {
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    if view.switching != Some((attempt, id, on)) {
        return;
    }
    view.switching = None;
    app.notice = Some(match result {
        Ok(instance) => {
            let name = instance.name.clone();
            let now_off = instance.disabled();
            // What a check found before says nothing of it now.
            view.checks.remove(&id);
            view.replace(instance);
            match (on, now_off) {
                (true, false) => Notice::success(format!(
                    "Enabled instance {id} \"{name}\": calls go through it again (Ctrl-T checks it)"
                )),
                (false, true) => Notice::success(format!(
                    "Disabled instance {id} \"{name}\": calls through it are refused (403) until F8 enables it"
                )),
                (_, off) => Notice::error(format!(
                    "Instance {id} \"{name}\" is still {} after the platform accepted the switch",
                    if off { "disabled" } else { "enabled" }
                )),
            }
        }
        Err(e) => Notice::error(format!(
            "Instance {id} was not {}: {}",
            if on { "enabled" } else { "disabled" },
            e.message
        )),
    });
}
