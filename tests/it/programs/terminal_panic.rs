//! A panic inside the wizard's terminal mode, to show that the terminal
//! comes back first and the panic message is readable on the normal screen.
//!
//! It sets the terminal up exactly as the wizard does
//! (`ce_wizard::tui::terminal::setup`: the panic hook, raw mode, the
//! alternate screen, bracketed paste, a hidden cursor, and the guard that
//! restores them), draws one frame, waits for a key and panics.
//! `tests/it/tui_reliability.rs` runs it in a pseudo-terminal and checks the
//! terminal's modes and output before and after.
//!
//! ```sh
//! cargo run --example terminal_panic
//! ```

use ratatui::widgets::Paragraph;

fn main() -> std::io::Result<()> {
    let (mut terminal, _guard) = ce_wizard::tui::terminal::setup()?;
    terminal.draw(|frame| {
        frame.render_widget(
            Paragraph::new("In the wizard's terminal mode. Press a key to panic."),
            frame.area(),
        )
    })?;
    crossterm::event::read()?;
    panic!("terminal_panic: a deliberate panic inside the wizard's terminal mode");
}
