//! The Creating step's screens: the create in flight, and a lost answer
//! looked for, drawn at 80x24 and, where it shows more, 120x40.

use crate::tui::action::Action;
use crate::tui::report::LostCreate;
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

#[test]
fn creating_screens() {
    for key in ELEMENTS {
        let mut app = at_review(key);
        enter(&mut app);
        snap_narrow!(&format!("creating_{key}"), &app);
    }
}

#[test]
fn lost_create_answers_and_quitting_mid_create() {
    use crate::tui::report::{CreatedCheck, LostAnswer};
    let name = "ecwid-20250102-0304";

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    app.typed = true;
    ctrl(&mut app, 'c');
    snap!("confirm_quit_creating", &app);
    key(&mut app, KeyCode::Char('n'));
    let mut report = server_error();
    report.status = None;
    report.request_id = None;
    report.message = format!("the server did not answer in time; the platform has no new instance named \"{name}\", so nothing was created and it is safe to try again");
    update(&mut app, Action::NothingCreated { attempt, report });
    snap_narrow!("creating_nothing_created", &app);

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    let mut report = server_error();
    report.message = "the connection closed before the server's answer was complete (error decoding response body), and checking whether the instance was created failed too (The sandbox answers 503 here (HTTP 503))".into();
    update(
        &mut app,
        Action::CreateOutcomeUnknown {
            attempt,
            lost: LostCreate {
                report,
                check: CreatedCheck {
                    element_key: "ecwid".into(),
                    name: name.into(),
                    since: std::time::UNIX_EPOCH,
                },
                lost: LostAnswer::ConnectionDropped,
            },
        },
    );
    snap_narrow!("creating_outcome_unknown", &app);
    key(&mut app, KeyCode::Char('r'));
    snap_narrow!("creating_checking", &app);

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::CreateRecovered {
            attempt,
            instance: instance(1234, name, "ecwid", "Ecwid", TOKEN),
            lost: LostAnswer::ConnectionDropped,
        },
    );
    snap_narrow!("done_recovered", &app);

    // Esc while the create is in flight: Review says Enter looks first,
    // and Enter does.
    let mut app = at_review("ecwid");
    enter(&mut app);
    esc(&mut app);
    snap!("review_after_cancelled_create", &app);
    enter(&mut app);
    snap_narrow!("creating_checking_cancelled", &app);
}
