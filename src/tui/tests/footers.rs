//! The footer on narrow terminals: whatever it drops, the way back (Esc)
//! stays in view with the way on (Enter).

use super::support::*;
use crate::tui::app::App;
use crate::tui::steps::configure::FormItem;
use crate::tui::ui::render_at;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn footer(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            render_at(app, &app.clock, f);
        })
        .unwrap();
    let screen = terminal.backend().to_string();
    screen.lines().last().unwrap().to_string()
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
        f.contains("Space show advanced") && f.contains("Esc back"),
        "{f}"
    );
}
