//! The message line at 80x24: the notices the wizard shows, produced by
//! the handlers that show them (the copy outcomes of every step, inside
//! tmux and not, the Review's note on what a copied curl needs, a
//! cancelled create), are drawn whole, wrapped over rows, never cut.

use crate::clipboard::CopyReport;
use crate::tui::action::{Action, CopyTarget};
use crate::tui::app::{App, Notice};
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

/// Whether the notice on screen shows whole at `w`x`h`: every word of it,
/// in order, on the rows above the footer, and no `…` there.
fn shown_whole(app: &App, w: u16, h: u16) -> Result<(), String> {
    let notice = app.notice.as_ref().expect("a notice").text.clone();
    let rows = rows(app, w, h);
    // The message rows sit right above the footer; a notice of n rows
    // takes the n rows before it.
    let above_footer = &rows[..rows.len() - 1];
    let wanted = words(&notice);
    for n in 1..=above_footer.len() {
        let shown = words(&above_footer[above_footer.len() - n..].join("\n"));
        if shown.contains(&wanted) {
            return if shown.contains('…') {
                Err(format!("cut: {shown}"))
            } else {
                Ok(())
            };
        }
    }
    Err(format!(
        "not shown whole at {w}x{h}: {notice}\n{}",
        rows.join("\n")
    ))
}

/// Only OSC 52 reached the terminal, inside tmux: the longest copy notice.
fn copied_only_to_the_terminal(app: &mut App, what: CopyTarget) {
    update(
        app,
        Action::Copied {
            what,
            report: CopyReport {
                native: Err("no clipboard helper (wl-copy, xclip or xsel) was found".into()),
                osc52: true,
                tmux: true,
            },
        },
    );
}

/// Each notice, and the screen it shows on.
fn notices() -> Vec<(&'static str, App)> {
    let mut list = vec![];
    // Review: the curl, secrets hidden and shown, and the body.
    for reveal in [false, true] {
        let mut app = ecwid_at_review();
        if reveal {
            ctrl(&mut app, 'r');
        }
        key(&mut app, KeyCode::Char('c'));
        copied_only_to_the_terminal(&mut app, CopyTarget::Curl);
        list.push((if reveal { "curl shown" } else { "curl" }, app));
    }
    let mut app = ecwid_at_review();
    key(&mut app, KeyCode::Char('b'));
    copied_only_to_the_terminal(&mut app, CopyTarget::Body);
    list.push(("body", app));
    // Authorize: the sign-in link.
    let (mut app, _) = infusionsoft_waiting();
    key(&mut app, KeyCode::Char('c'));
    copied_only_to_the_terminal(&mut app, CopyTarget::AuthUrl);
    list.push(("sign-in link", app));
    // Done: the token, and a copy that failed outright.
    let mut app = connected();
    bigcommerce_done(
        &mut app,
        "pw",
        instance(7, "shop", "bigcommerce", "BigCommerce", "tok"),
    );
    copied_only_to_the_terminal(&mut app, CopyTarget::Token);
    list.push(("token", app));
    let mut app = connected();
    bigcommerce_done(
        &mut app,
        "pw",
        instance(7, "shop", "bigcommerce", "BigCommerce", "tok"),
    );
    update(
        &mut app,
        Action::Copied {
            what: CopyTarget::Token,
            report: CopyReport {
                native: Err("no clipboard helper (wl-copy, xclip or xsel) was found, and this terminal takes no escape sequences (TERM=dumb)".into()),
                osc52: false,
                tmux: false,
            },
        },
    );
    list.push(("token not copied", app));
    list
}

#[test]
fn every_notice_shows_whole_at_80x24() {
    let mut cut = vec![];
    for (name, app) in notices() {
        if let Err(why) = shown_whole(&app, 80, 24) {
            cut.push(format!("{name}: {why}"));
        }
    }
    assert!(cut.is_empty(), "{}", cut.join("\n\n"));
}

/// The longest notice the wizard builds (a delete whose answer was lost
/// and whose re-read failed, each with the error it met) is about 300
/// characters: four rows at 80 columns, shown whole.
#[test]
fn a_four_row_notice_shows_whole_at_80x24() {
    let mut app = connected();
    let text = "Instance 123456 may or may not be deleted: reading it again failed \
        (the platform did not answer within 30 seconds: https://api.cloud-elements.com) \
        after the answer to the delete was lost (the connection was reset before an answer \
        came back from the platform). Ctrl-R reloads the list to see.";
    assert!(text.chars().count() > 3 * 78, "{}", text.chars().count());
    app.notice = Some(Notice::error(text));
    shown_whole(&app, 80, 24).unwrap();
}
