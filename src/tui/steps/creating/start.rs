//! Sending the create, or first looking for the instance a lost one may
//! have made: where the Creating step begins.

use super::super::review::start::request;
use crate::tui::app::{App, CreatePhase, CreatingState};
use crate::tui::effect::Effect;
use crate::tui::report::{CreatedCheck, ErrorReport, LostAnswer, LostCreate};
use crate::tui::step::Step;

/// Before a request is sent again after a cancelled create, the platform's
/// instances are read for the one it may have made: found, it is the
/// person's instance (sending again would make a second); not found, the
/// request can go again.
pub fn check_cancelled_create(app: &mut App, check: CreatedCheck) -> Vec<Effect> {
    let report = ErrorReport {
        status: None,
        message: format!(
            "the create of \"{}\" was cancelled before the platform answered",
            check.name
        ),
        request_id: None,
        provider_message: None,
        advice: String::new(),
        missing_keys: vec![],
    };
    look_for_created(
        app,
        LostCreate {
            report,
            check,
            lost: LostAnswer::Cancelled,
        },
    )
}

/// Reads the platform's instances for the one a create may have made; the
/// Creating step shows the look, and why, until the answer comes.
pub fn look_for_created(app: &mut App, lost: LostCreate) -> Vec<Effect> {
    let attempt = app.new_attempt();
    let check = lost.check.clone();
    app.creating = Some(CreatingState {
        attempt,
        started: app.clock.now(),
        sent: None,
        phase: CreatePhase::Checking(lost),
    });
    app.review.error = None;
    app.notice = None;
    app.step = Step::Creating;
    vec![Effect::CheckCreated {
        attempt,
        platform: app.platform(),
        check,
    }]
}

/// Sends the request the Review step shows.
pub fn start_create(app: &mut App) -> Vec<Effect> {
    let Some(body) = request(app) else {
        return vec![];
    };
    let attempt = app.new_attempt();
    let started = app.clock.now();
    let sent = CreatedCheck {
        element_key: body.element.key.clone(),
        name: body.name.trim().to_string(),
        since: app.settings.wall_time(started),
    };
    app.creating = Some(CreatingState {
        attempt,
        started,
        sent: Some(sent.clone()),
        phase: CreatePhase::Sending,
    });
    app.review.error = None;
    app.notice = None;
    app.step = Step::Creating;
    vec![Effect::Create {
        attempt,
        platform: app.platform(),
        body: Box::new(body),
        check: sent,
    }]
}

#[cfg(test)]
mod tests {
    use super::start_create;
    use crate::tui::effect::Effect;
    use crate::tui::step::Step;
    use crate::tui::tests::support::{connected, ctrl, fill, pick, type_text};

    /// A lost answer is looked for from the moment the Creating step shows
    /// as the start: the effect carries that stamp, not one of its own.
    #[test]
    fn the_create_carries_the_stamp_the_creating_step_shows() {
        let mut app = connected();
        pick(&mut app, "ecwid", "ecwid");
        fill(&mut app, "1003");
        fill(&mut app, "order-key");
        type_text(&mut app, "product-key");
        ctrl(&mut app, 's');
        assert_eq!(app.step, Step::Review);
        let effects = start_create(&mut app);
        let [Effect::Create { check, body, .. }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let creating = app.creating.as_ref().expect("creating");
        assert_eq!(creating.sent.as_ref(), Some(check));
        assert_eq!(check.since, app.settings.wall_time(creating.started));
        assert_eq!(check.name, body.name.trim());
    }
}
