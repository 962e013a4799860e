//! The Connection step's screens, drawn at 80x24 and, where it shows more,
//! 120x40.

use crate::tui::action::Action;
use crate::tui::app::Overlay;
use crate::tui::effect::Effect;
use crate::tui::steps::connection::{CheckStatus, ConnField};
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

#[test]
fn connection_screens() {
    let mut app = fresh();
    snap!("connection_empty", &app);
    enter(&mut app);
    snap!("connection_errors", &app);
    type_text(&mut app, USER);
    tab(&mut app);
    type_text(&mut app, ORG);
    let effects = enter(&mut app);
    snap!("connection_checking", &app);
    let [Effect::CheckConnection { attempt, .. }] = effects.as_slice() else {
        panic!()
    };
    let mut r = report(
        401,
        "Invalid Organization or User secret, or invalid Element token provided.",
    );
    r.advice = "Check the user and organization secrets: copy them again from your Cloud Elements profile.".into();
    update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Err(r),
        },
    );
    snap!("connection_failed", &app);
    app.connection.check = CheckStatus::Passed { elements: 231 };
    app.notice = None;
    ctrl(&mut app, 'r');
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    snap!("connection_revealed_remember", &app);
    app.overlay = Some(Overlay::Help);
    snap!("connection_help", &app);
}

/// The environment choices `--env` knows, then "other" with its base URL field.
#[test]
fn connection_environment_choices() {
    let mut app = fresh();
    app.connection.focus = ConnField::Environment;
    key(&mut app, KeyCode::Right);
    snap!("connection_env_eu", &app);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    snap!("connection_env_other", &app);
}
