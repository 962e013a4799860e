//! The screens across steps: the quit confirmation over a form, a
//! terminal too small, tiny sizes that must not panic, and NO_COLOR. Each
//! step's own screens are snapshotted in its folder (`screen_tests.rs`).

use super::screens::*;
use super::support::*;
use crate::tui::app::Overlay;
use crate::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;

#[test]
fn overlays_and_small_terminals() {
    let mut app = filled("bigcommerce");
    app.typed = true;
    ctrl(&mut app, 'c');
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    snap!("confirm_quit", &app);
    insta::assert_snapshot!("too_small_59x15", screen(&app, 59, 15));
    // Tiny sizes never panic.
    for (w, h) in [(1, 1), (10, 3), (60, 16), (61, 17)] {
        for step_app in [
            fresh(),
            connected(),
            filled("woocommerce"),
            at_review("infusionsoftecommerce"),
            at_done("ecwid"),
        ] {
            screen(&step_app, w, h);
        }
    }
}

fn cells_with_colour(terminal: &Terminal<TestBackend>) -> usize {
    terminal
        .backend()
        .buffer()
        .content
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count()
}

#[test]
fn no_color_means_no_colour_at_all() {
    let mut app = filled("bigcommerce");
    app.form_mut()
        .unwrap()
        .inputs
        .get_mut("store.url")
        .unwrap()
        .set("nope");
    tab(&mut app);
    app.theme = Theme::plain();
    assert_eq!(cells_with_colour(&terminal(&app, 80, 24)), 0);
    app.theme = Theme { color: true };
    let terminal = terminal(&app, 80, 24);
    assert!(cells_with_colour(&terminal) > 0);
    // The error line is red when colours are on.
    let buf = terminal.backend().buffer();
    let error_cell = (0..24)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "✗")
        .expect("an error mark on screen");
    assert_eq!(buf[error_cell].fg, Color::Red);
}
