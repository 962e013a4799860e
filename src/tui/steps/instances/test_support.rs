//! What the view's tests share: the view opened from the Element step with
//! a whole listing, and its screen.

use super::*;
use crate::api::Instance;
use crate::tui::action::Action;
use crate::tui::tests::support::key;
use crate::tui::update::update;

/// The Instances view, opened from `app` by F2, listing `items` whole.
pub fn listed_in(mut app: App, items: Vec<Instance>) -> App {
    let effects = key(&mut app, KeyCode::F(2));
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: items.into_iter().map(Listed::from).collect(),
        },
    );
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Ok(()),
        },
    );
    app
}

pub fn view(app: &App) -> &InstancesState {
    app.instances.as_ref().unwrap()
}
