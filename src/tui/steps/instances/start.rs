//! Opening the Instances view, and reading the account's list again: what
//! the Element step, Done (or the run itself) starts the view with.

use super::state::{InstancesState, Loading};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::step::Step;

/// Opens the view from `back_to` (or as the whole run, with `None`): the
/// list is read again each time it opens, the filter is kept.
pub fn open(app: &mut App, back_to: Option<Step>) -> Vec<Effect> {
    let view = app
        .instances
        .get_or_insert_with(|| InstancesState::new(back_to));
    view.back_to = back_to;
    app.step = Step::Instances;
    app.notice = None;
    start_listing(app)
}

/// Opens the view from Done on the instance just created: the filter is
/// cleared so that it shows, and the cursor goes to it when its page comes.
pub fn open_on(app: &mut App, back_to: Step, id: i64) -> Vec<Effect> {
    let effects = open(app, Some(back_to));
    if let Some(view) = app.instances.as_mut() {
        view.filter.set("");
        view.refilter();
        view.select_on_arrival = Some(id);
    }
    effects
}

pub(super) fn start_listing(app: &mut App) -> Vec<Effect> {
    let attempt = app.new_attempt();
    let platform = app.platform();
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    let mut effects = vec![];
    if let Loading::Pages { attempt } = view.loading {
        effects.push(Effect::Cancel { attempt });
    }
    view.clear();
    view.loading = Loading::Pages { attempt };
    effects.push(Effect::ListInstances { attempt, platform });
    effects
}
