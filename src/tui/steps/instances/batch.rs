//! F7 on the Instances view: every instance the filter shows checked at
//! once (`flow::fleet`, the same as `instances test --all`). Each row
//! turns from "checking" to its result as its check ends, the header
//! counts them, and Esc stops what has not ended.

use super::state::{Batch, Check};
use crate::flow::fleet::Queued;
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;

pub fn start(app: &mut App) -> Vec<Effect> {
    let Some(view) = app.instances.as_ref() else {
        return vec![];
    };
    if view.batch.is_some() {
        return vec![];
    }
    let batch: Vec<Queued> = view
        .matches()
        .iter()
        .filter_map(|&i| view.items[i].instance())
        .map(|whole| Queued::from(&whole))
        .collect();
    if batch.is_empty() {
        app.notice = Some(Notice::info("No instance is shown to check"));
        return vec![];
    }
    let ids: Vec<i64> = batch.iter().map(Queued::id).collect();
    let attempt = app.new_attempt();
    let platform = app.platform();
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    for id in &ids {
        view.checks.insert(*id, Check::Running { attempt });
    }
    view.batch = Some(Batch {
        attempt,
        total: ids.len(),
        done: 0,
        failing: 0,
    });
    app.notice = Some(Notice::info(format!(
        "Checking {} instances, several at once (Esc stops)…",
        ids.len()
    )));
    vec![Effect::CheckMany {
        attempt,
        platform,
        batch,
    }]
}

/// Esc: the checks not yet ended are dropped, their rows as unchecked.
pub fn stop(app: &mut App) -> Vec<Effect> {
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    let Some(batch) = view.batch.take() else {
        return vec![];
    };
    let running = Check::Running {
        attempt: batch.attempt,
    };
    view.checks.retain(|_, c| *c != running);
    app.notice = Some(Notice::info(format!(
        "Stopped: {} of {} checked, {} broken or disabled",
        batch.done, batch.total, batch.failing
    )));
    vec![Effect::Cancel {
        attempt: batch.attempt,
    }]
}

/// The header's count while a batch runs.
pub fn progress(view: &super::InstancesState) -> Option<String> {
    let b = view.batch.as_ref()?;
    Some(format!("checking {}/{}", b.done, b.total))
}
