//! Fetching or searching the catalog: what other steps start on the
//! Element step.

use crate::tui::app::{App, Pending};
use crate::tui::effect::Effect;

pub fn start_refresh(app: &mut App) -> Vec<Effect> {
    if app.catalog.refreshing.is_some() {
        return vec![];
    }
    let attempt = app.new_attempt();
    app.catalog.refreshing = Some(attempt);
    vec![Effect::RefreshCatalog {
        attempt,
        platform: app.platform(),
    }]
}

pub fn refilter(app: &mut App) {
    let picker = &mut app.picker;
    picker.index.search(picker.filter.value());
    picker.selected = 0;
}

pub fn start_lookup(app: &mut App, key: &str) -> Vec<Effect> {
    let attempt = app.new_attempt();
    app.picker.pending = Some(Pending::Lookup {
        attempt,
        key: key.to_string(),
    });
    vec![Effect::LookupElement {
        attempt,
        platform: app.platform(),
        key: key.to_string(),
    }]
}
