//! Footers and form edges on narrow and short terminals: the way back
//! (Esc) stays in view with the way on (Enter), keys say what they do
//! there, and a form cut short says so.

use super::support::*;
use crate::tui::app::App;
use crate::tui::steps::configure::FormItem;

fn footer(app: &App, w: u16, h: u16) -> String {
    screen(app, w, h).lines().last().unwrap().to_string()
}

#[test]
fn configure_keeps_enter_and_esc_at_60_columns_and_on_the_advanced_row() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    let f = footer(&app, 60, 16);
    assert!(f.contains("Enter next") && f.contains("Esc back"), "{f}");
    app.form_mut().unwrap().focus = FormItem::Advanced;
    let f = footer(&app, 80, 24);
    assert!(
        f.contains("Enter show advanced") && f.contains("Esc back"),
        "{f}"
    );
    let f = footer(&app, 60, 16);
    assert!(
        f.contains("Enter show advanced") && f.contains("Esc back"),
        "{f}"
    );
}

/// On the open fold, Enter goes into it (it never folds it): the footer
/// and the help say what Enter and Space do there.
#[test]
fn the_advanced_row_says_what_enter_does() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    app.form_mut().unwrap().focus = FormItem::Advanced;
    let s = words(&screen(&app, 120, 40));
    assert!(s.contains("Enter shows them and goes into them."), "{s}");
    enter(&mut app);
    assert!(app.form().unwrap().advanced_open);
    app.form_mut().unwrap().focus = FormItem::Advanced;
    let s = screen(&app, 120, 40);
    assert!(
        words(&s).contains("Enter goes into them; Space folds them."),
        "{s}"
    );
    assert!(!words(&s).contains("Enter folds"), "{s}");
    let f = s.lines().last().unwrap();
    assert!(
        f.contains("Enter next") && f.contains("Space fold advanced"),
        "{f}"
    );
    enter(&mut app);
    assert!(app.form().unwrap().advanced_open, "Enter never folds");
    assert_ne!(app.form().unwrap().focus, FormItem::Advanced);
}

/// A form taller than the terminal says where rows are hidden.
#[test]
fn a_cut_form_says_more_rows_are_above_or_below() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    let s = screen(&app, 80, 24);
    assert!(
        !s.contains("more below") && !s.contains("more above"),
        "{s}"
    );
    app.form_mut().unwrap().advanced_open = true;
    let top = screen(&app, 60, 16);
    assert!(top.contains("↓ more below"), "{top}");
    assert!(!top.contains("↑ more above"), "{top}");
    app.form_mut().unwrap().focus = FormItem::Tags;
    let bottom = screen(&app, 60, 16);
    assert!(bottom.contains("↑ more above"), "{bottom}");
}
