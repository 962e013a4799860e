//! The Review step's screens: every seed element's request, the curl
//! command, a failed create, drawn at 80x24 and, where it shows more,
//! 120x40.

use crate::tui::action::Action;
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

#[test]
fn review_screens() {
    for key in ELEMENTS {
        snap!(&format!("review_{key}"), &at_review(key));
    }
    let mut app = at_review("bigcommerce");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('r'));
    snap!("review_bigcommerce_curl_revealed", &app);
    // The run loop keeps how far the box can scroll from the frame drawn.
    draw(&mut app, 80, 24);
    key(&mut app, KeyCode::PageDown);
    snap!("review_bigcommerce_curl_scrolled", &app);

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(server_error()),
        },
    );
    snap!("review_ecwid_create_failed", &app);
    key(&mut app, KeyCode::Char('?'));
    snap!("review_help", &app);
}
