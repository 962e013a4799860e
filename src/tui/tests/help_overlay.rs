//! The help window on a short terminal: it scrolls instead of being cut
//! where nothing says more follows.

use super::support::*;
use crate::tui::app::Overlay;
use crossterm::event::KeyCode;

#[test]
fn a_help_longer_than_the_terminal_says_so_and_scrolls_to_its_end() {
    let mut app = connected();
    key(&mut app, KeyCode::Char('?'));
    let top = draw(&mut app, 80, 24);
    assert!(top.contains("Keys on this screen (Element)"), "{top}");
    assert!(!top.contains("Esc closes this help"), "{top}");
    assert!(top.contains("↓ more below: ↑/↓ scroll"), "{top}");
    key(&mut app, KeyCode::Down);
    assert!(draw(&mut app, 80, 24).contains("↑↓ more: ↑/↓ scroll"));
    // However often ↓ is pressed, one ↑ moves back at once.
    for _ in 0..40 {
        key(&mut app, KeyCode::Down);
        draw(&mut app, 80, 24);
    }
    let end = draw(&mut app, 80, 24);
    assert!(end.contains("Esc closes this help"), "{end}");
    // What the words mean comes last, and is reached too.
    assert!(
        end.contains("through it.") && end.contains("↑ more above"),
        "{end}"
    );
    assert!(!end.contains("Keys on this screen"), "{end}");
    key(&mut app, KeyCode::Up);
    let up = draw(&mut app, 80, 24);
    assert_ne!(up, end);
    key(&mut app, KeyCode::PageUp);
    key(&mut app, KeyCode::PageUp);
    assert!(draw(&mut app, 80, 24).contains("Keys on this screen"));
    key(&mut app, KeyCode::End);
    assert_eq!(draw(&mut app, 80, 24), end, "End goes to the end");
    key(&mut app, KeyCode::Home);
    assert_eq!(app.help_scroll, 0, "Home to the top");
    // The keys scroll; they do not close the help.
    assert_eq!(app.overlay, Some(Overlay::Help));
}

#[test]
fn a_help_that_fits_neither_scrolls_nor_says_it_does() {
    let mut app = connected();
    key(&mut app, KeyCode::Char('?'));
    let screen = draw(&mut app, 120, 40);
    assert!(!screen.contains("scroll"), "{screen}");
    key(&mut app, KeyCode::Down);
    assert_eq!(draw(&mut app, 120, 40), screen);
}

#[test]
fn help_opens_at_its_top_again() {
    let mut app = connected();
    key(&mut app, KeyCode::Char('?'));
    draw(&mut app, 80, 24);
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    assert!(draw(&mut app, 80, 24).contains("Keys on this screen"));
}
