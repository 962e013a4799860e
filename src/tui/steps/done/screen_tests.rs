//! The Done step's screens: every seed element's instance, copied, saved,
//! drawn at 80x24 and, where it shows more, 120x40.

use crate::tui::action::Action;
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

#[test]
fn done_screens() {
    for key in ELEMENTS {
        snap_narrow!(&format!("done_{key}"), &at_done(key));
    }
    let mut app = at_done("bigcommerce");
    update(
        &mut app,
        Action::Copied {
            what: crate::tui::action::CopyTarget::Token,
            report: crate::clipboard::CopyReport {
                native: Ok("xclip"),
                osc52: true,
                tmux: false,
            },
        },
    );
    snap_narrow!("done_copied", &app);
    key(&mut app, KeyCode::Char('s'));
    snap_narrow!("done_save_prompt", &app);
    let path = std::path::PathBuf::from("bigcommerce-20250102-0304.instance.json");
    update(
        &mut app,
        Action::FileSaved {
            path: path.clone(),
            result: Err(crate::tui::action::FileSaveError::Exists),
        },
    );
    snap_narrow!("done_overwrite_confirm", &app);
    key(&mut app, KeyCode::Char('y'));
    update(
        &mut app,
        Action::FileSaved {
            path,
            result: Ok(()),
        },
    );
    snap_narrow!("done_saved", &app);
    key(&mut app, KeyCode::Char('?'));
    snap!("done_help", &app);
}
