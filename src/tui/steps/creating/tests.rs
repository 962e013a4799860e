//! A create whose answer gets lost, and calls that Esc cancels: the
//! instance is never sent twice blindly, and nothing typed is lost.

use crate::tui::action::Action;
use crate::tui::app::{App, AuthPhase, AuthProblem, CreatePhase, Exit, Overlay, Step};
use crate::tui::effect::Effect;
use crate::tui::report::{CreatedCheck, ErrorReport, LostAnswer, LostCreate};
use crate::tui::steps::connection::CheckStatus;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;
use std::time::{Duration, UNIX_EPOCH};

const NAME: &str = "ecwid-20250102-0304";

fn check() -> CreatedCheck {
    CreatedCheck {
        element_key: "ecwid".into(),
        name: NAME.into(),
        since: UNIX_EPOCH + Duration::from_secs(1_735_787_045),
    }
}

fn nothing_created_report() -> ErrorReport {
    let mut r = report(504, "");
    r.message = format!("the server did not answer in time; the platform has no new instance named \"{NAME}\", so nothing was created and it is safe to try again");
    r
}

fn unknown_report() -> ErrorReport {
    let mut r = report(503, "");
    r.message = "the connection closed before the server's answer was complete (x), and checking whether the instance was created failed too (HTTP 503)".into();
    r
}

/// The answer to create `attempt` lost as `lost`, and the look for the
/// instance failed too: whether it was made is unknown.
fn outcome_unknown(app: &mut App, attempt: u64, lost: LostAnswer) {
    update(
        app,
        Action::CreateOutcomeUnknown {
            attempt,
            lost: LostCreate {
                report: unknown_report(),
                check: check(),
                lost,
            },
        },
    );
}

fn phase(app: &App) -> &CreatePhase {
    &app.creating.as_ref().expect("creating").phase
}

#[test]
fn a_recovered_create_ends_on_done_and_says_it_was_not_made_twice() {
    let mut app = ecwid_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::CreateRecovered {
            attempt,
            instance: instance(77, NAME, "ecwid", "Ecwid", "tok"),
            lost: LostAnswer::ConnectionDropped,
        },
    );
    assert_eq!(app.step, Step::Done);
    assert_eq!(app.created.len(), 1);
    let done = app.done.as_ref().unwrap();
    assert_eq!(done.recovered, Some(LostAnswer::ConnectionDropped));
    assert_eq!(
        LostAnswer::ConnectionDropped.recovered_note(),
        "The connection dropped after the platform created the instance; ce-wizard found it, so nothing was created twice."
    );
}

#[test]
fn nothing_created_offers_a_safe_retry_of_the_same_request() {
    let mut app = ecwid_at_review();
    let first = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::NothingCreated {
            attempt: first.0,
            report: nothing_created_report(),
        },
    );
    assert_eq!(app.step, Step::Creating);
    let CreatePhase::NothingCreated(r) = phase(&app) else {
        panic!("{:?}", app.creating)
    };
    assert!(r.message.contains("nothing was created"), "{}", r.message);
    assert!(r.advice.contains("safe"), "{}", r.advice);
    assert!(
        !r.advice.contains("command"),
        "the wizard's words: {}",
        r.advice
    );

    let second = created_config(&key(&mut app, KeyCode::Char('r')));
    assert!(second.0 > first.0, "a new attempt");
    assert_eq!(
        (&second.1, &second.2, &second.3),
        (&first.1, &first.2, &first.3),
        "the same request, nothing retyped"
    );
    assert_eq!(*phase(&app), CreatePhase::Sending);
    // An answer to the first attempt, should one still come, is ignored.
    update(
        &mut app,
        Action::Created {
            attempt: first.0,
            result: Ok(instance(1, NAME, "ecwid", "Ecwid", "t")),
        },
    );
    assert_eq!(app.step, Step::Creating);
    assert!(app.created.is_empty());
}

#[test]
fn esc_from_nothing_created_goes_back_to_review_with_the_reason() {
    let mut app = ecwid_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::NothingCreated {
            attempt,
            report: nothing_created_report(),
        },
    );
    assert!(esc(&mut app).is_empty());
    assert_eq!(app.step, Step::Review);
    assert!(app
        .review
        .error
        .as_ref()
        .unwrap()
        .message
        .contains("nothing was created"));
    esc(&mut app);
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.form().unwrap().value("ecwid.order.key"), "order-key");
}

#[test]
fn an_unknown_outcome_is_looked_up_again_never_resent() {
    let mut app = ecwid_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    outcome_unknown(&mut app, attempt, LostAnswer::ConnectionDropped);
    assert_eq!(app.step, Step::Creating);
    assert!(matches!(phase(&app), CreatePhase::Unknown(_)));

    // Enter and r both look again; neither sends the create.
    for k in [KeyCode::Enter, KeyCode::Char('r')] {
        let effects = key(&mut app, k);
        let [Effect::CheckCreated {
            attempt: looking,
            check: c,
            ..
        }] = effects.as_slice()
        else {
            panic!("{effects:?}")
        };
        assert_eq!(*c, check());
        assert!(matches!(phase(&app), CreatePhase::Checking(_)));
        update(
            &mut app,
            Action::CreateChecked {
                attempt: *looking,
                result: Err(report(503, "Service unavailable")),
            },
        );
        assert!(matches!(phase(&app), CreatePhase::Unknown(_)));
        assert!(app
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("could not be read this time either"));
    }

    let effects = key(&mut app, KeyCode::Char('r'));
    answer_look(&mut app, &effects, Ok(None));
    let CreatePhase::NothingCreated(r) = phase(&app) else {
        panic!("{:?}", app.creating)
    };
    assert!(r.message.contains("nothing was created"), "{}", r.message);
    // Only now is sending again offered.
    let (_, _, _, name, _) = created_config(&enter(&mut app));
    assert_eq!(name, NAME);
}

#[test]
fn a_look_that_finds_the_instance_ends_on_done() {
    let mut app = ecwid_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    outcome_unknown(&mut app, attempt, LostAnswer::Gateway(502));
    let effects = key(&mut app, KeyCode::Char('r'));
    answer_look(
        &mut app,
        &effects,
        Ok(Some(instance(9, NAME, "ecwid", "Ecwid", "tok"))),
    );
    assert_eq!(app.step, Step::Done);
    assert_eq!(app.created.len(), 1);
    assert_eq!(
        app.done.as_ref().unwrap().recovered,
        Some(LostAnswer::Gateway(502))
    );
}

#[test]
fn esc_while_looking_stops_and_returns_to_the_question() {
    let mut app = ecwid_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    outcome_unknown(&mut app, attempt, LostAnswer::TimedOut);
    let effects = key(&mut app, KeyCode::Char('r'));
    let [Effect::CheckCreated {
        attempt: looking, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    let looking = *looking;
    let effects = esc(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt }] if *attempt == looking),
        "{effects:?}"
    );
    assert!(matches!(phase(&app), CreatePhase::Unknown(_)));
    update(
        &mut app,
        Action::CreateChecked {
            attempt: looking,
            result: Ok(Some(instance(9, NAME, "ecwid", "Ecwid", "tok"))),
        },
    );
    assert_eq!(app.step, Step::Creating, "a cancelled look is ignored");
    // Esc again leaves for the review, saying to check first.
    esc(&mut app);
    assert_eq!(app.step, Step::Review);
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("may exist: look for it"));
}

fn infusionsoft_created_with_code() -> (App, u64) {
    let (mut app, attempt) = infusionsoft_waiting();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("code-1"),
        },
    );
    let (create, _, _, _, sent) = created_config(&enter(&mut app));
    assert_eq!(sent.as_deref(), Some("code-1"));
    (app, create)
}

#[test]
fn after_oauth_nothing_created_goes_back_through_authorize() {
    let (mut app, create) = infusionsoft_created_with_code();
    update(
        &mut app,
        Action::NothingCreated {
            attempt: create,
            report: nothing_created_report(),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    assert!(matches!(
        &app.authorize.phase,
        AuthPhase::Failed(AuthProblem::CreateFailed(r)) if r.message.contains("nothing was created")
    ));
    assert!(app.authorize.grant.is_none(), "the spent code is dropped");
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::StartAuthorization { .. }]),
        "{effects:?}"
    );
}

#[test]
fn after_oauth_an_unknown_outcome_is_looked_up_before_a_new_sign_in() {
    let (mut app, create) = infusionsoft_created_with_code();
    outcome_unknown(&mut app, create, LostAnswer::TimedOut);
    assert_eq!(app.step, Step::Creating);
    assert!(app.authorize.grant.is_none());
    let effects = enter(&mut app);
    answer_look(&mut app, &effects, Ok(None));
    assert_eq!(app.step, Step::Authorize, "a new code is needed");
    assert!(matches!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::CreateFailed(_))
    ));
}

#[test]
fn esc_stops_a_connection_test_in_flight_and_stays_on_the_form() {
    let mut app = fresh();
    type_text(&mut app, USER);
    tab(&mut app);
    type_text(&mut app, ORG);
    let effects = enter(&mut app);
    let [Effect::CheckConnection { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let attempt = *attempt;
    let effects = esc(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt: a }] if *a == attempt),
        "{effects:?}"
    );
    assert_eq!((app.step, app.exit), (Step::Connection, None));
    assert_eq!(app.connection.check, CheckStatus::NotRun);
    assert_eq!(app.connection.org.value(), ORG, "nothing typed is lost");
    update(
        &mut app,
        Action::ConnectionChecked {
            attempt,
            result: Ok(3),
        },
    );
    assert_eq!(
        app.step,
        Step::Connection,
        "a cancelled test never moves on"
    );
    // With nothing in flight, Esc is the Connection step's quit again.
    esc(&mut app);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
}

#[test]
fn esc_while_fetching_the_sign_in_link_cancels_it() {
    let mut app = connected();
    let attempt = infusionsoft_authorizing(&mut app);
    let effects = esc(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt: a }] if *a == attempt),
        "{effects:?}"
    );
    assert_eq!(app.step, Step::Configure);
    let effects = update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://signin.example/late".into()),
        },
    );
    assert!(effects.is_empty(), "no browser opens for a cancelled link");
    assert_eq!(app.authorize.phase, AuthPhase::Idle);
}

#[test]
fn a_second_ctrl_c_while_creating_quits() {
    let mut app = ecwid_at_review();
    created_config(&enter(&mut app));
    assert!(ctrl(&mut app, 'c').is_empty());
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    assert!(ctrl(&mut app, 'c').is_empty());
    assert_eq!(app.exit, Some(Exit::Interrupted));
}

/// Answers the look at the platform's instances that `effects` started.
fn answer_look(
    app: &mut App,
    effects: &[Effect],
    result: Result<Option<crate::api::Instance>, ErrorReport>,
) {
    let [Effect::CheckCreated { attempt, .. }] = effects else {
        panic!("no look started: {effects:?}")
    };
    update(
        app,
        Action::CreateChecked {
            attempt: *attempt,
            result,
        },
    );
}

/// Esc while the create is in flight, back on Review; then Enter.
fn cancel_then_enter(app: &mut App) -> (CreatedCheck, Vec<Effect>) {
    let (create, ..) = created_config(&enter(app));
    let effects = esc(app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt }] if *attempt == create),
        "{effects:?}"
    );
    assert_eq!(app.step, Step::Review);
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("Enter looks among its instances"));
    let effects = enter(app);
    let [Effect::CheckCreated { check, .. }] = effects.as_slice() else {
        panic!("Enter after a cancel sent something before looking: {effects:?}")
    };
    (check.clone(), effects)
}

#[test]
fn after_a_cancelled_create_enter_looks_for_it_before_sending_again() {
    let mut app = ecwid_at_review();
    let (check, effects) = cancel_then_enter(&mut app);
    assert_eq!(
        (check.element_key.as_str(), check.name.as_str()),
        ("ecwid", NAME)
    );
    // Sent a moment after the start (`settings().started`).
    let after_start = check
        .since
        .duration_since(check_since_start())
        .expect("since is after the start");
    assert!(after_start < Duration::from_secs(5), "{after_start:?}");
    assert_eq!(app.step, Step::Creating);
    assert!(matches!(
        phase(&app),
        CreatePhase::Checking(LostCreate {
            lost: LostAnswer::Cancelled,
            ..
        })
    ));

    // The cancelled create had arrived: that instance is the person's.
    answer_look(
        &mut app,
        &effects,
        Ok(Some(instance(5, NAME, "ecwid", "Ecwid", "tok"))),
    );
    assert_eq!(app.step, Step::Done);
    assert_eq!(app.created.len(), 1);
    assert_eq!(
        app.done.as_ref().unwrap().recovered,
        Some(LostAnswer::Cancelled)
    );
    assert_eq!(
        LostAnswer::Cancelled.recovered_note(),
        "You stopped waiting, but the create had reached the platform; ce-wizard found it, so nothing was created twice."
    );
}

fn check_since_start() -> std::time::SystemTime {
    settings().started.0
}

#[test]
fn after_a_cancelled_create_that_made_nothing_the_same_request_goes_again() {
    let mut app = ecwid_at_review();
    let first_name = NAME.to_string();
    let (_, effects) = cancel_then_enter(&mut app);
    answer_look(&mut app, &effects, Ok(None));
    assert!(
        matches!(phase(&app), CreatePhase::NothingCreated(r) if r.message.contains("nothing was created"))
    );
    let (_, _, _, name, _) = created_config(&enter(&mut app));
    assert_eq!(name, first_name);
    // Looked up once, the cancel is settled.
    assert!(app.review.cancelled.is_none());
}

#[test]
fn a_cancelled_create_whose_check_fails_is_never_resent_blindly() {
    let mut app = ecwid_at_review();
    let (_, effects) = cancel_then_enter(&mut app);
    answer_look(&mut app, &effects, Err(report(503, "unavailable")));
    assert!(matches!(phase(&app), CreatePhase::Unknown(_)));
    // Enter looks again; it does not send.
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::CheckCreated { .. }]),
        "{effects:?}"
    );
}

#[test]
fn a_cancelled_oauth_create_never_sends_its_code_again() {
    let (mut app, create) = infusionsoft_created_with_code();
    esc(&mut app);
    assert!(app.authorize.grant.is_none(), "the code may be spent");
    let effects = enter(&mut app);
    let [Effect::CheckCreated { attempt, check, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_ne!(*attempt, create);
    assert_eq!(check.element_key, "infusionsoftecommerce");
    answer_look(&mut app, &effects, Ok(None));
    // Nothing was made, and the code is gone: a new sign-in comes first.
    assert_eq!(app.step, Step::Authorize);
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::StartAuthorization { .. }]),
        "{effects:?}"
    );
}
