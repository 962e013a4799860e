//! Putting the terminal into the wizard's mode and, on every way out, back.
//!
//! The UI draws on stderr so stdout stays free for results (`--print-token`
//! pipes the token). Restoring is idempotent and happens from the guard's
//! `Drop`, from the panic hook (before the panic message is printed, so it
//! is readable), and on SIGTERM/SIGHUP through the event loop (SIGINT, which
//! a keyboard cannot send in raw mode, ends the command's future and so
//! drops the guard). `tests/it/programs/terminal_panic.rs` uses exactly this setup
//! to show, in a test, that a panic leaves a usable terminal.

use super::theme::{BasicColors, ColorDepth};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, BufWriter, Stderr, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

pub type Tui = Terminal<CrosstermBackend<BufWriter<BasicColors<Stderr>>>>;

/// Room for a whole frame of a large terminal, so one frame is one write.
const FRAME_BUFFER: usize = 64 * 1024;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Keeps the wizard's terminal mode while alive; dropping it restores.
pub struct TerminalGuard(());

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, the alternate screen, bracketed paste and a hidden cursor,
/// with the panic hook installed first so that no panic can leave them.
pub fn setup() -> io::Result<(Tui, TerminalGuard)> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = TerminalGuard(());
    execute!(
        io::stderr(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    // Stderr is unbuffered, and ratatui writes a frame as many small
    // commands (a cursor move, a colour, one cell): unbuffered, each is a
    // write(2) to the terminal, over a thousand for the first 80x24 frame.
    // Buffered, the frame leaves in one write when `draw` flushes.
    // Colours are cut down to the 16 basic codes where the terminal
    // promises no more (see `BasicColors`).
    let terminal = Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        FRAME_BUFFER,
        BasicColors::new(io::stderr(), ColorDepth::from_env()),
    )))?;
    Ok((terminal, guard))
}

/// Whether the wizard's terminal mode is on: false before `setup`, and
/// after anything (the guard, the panic hook) restored the terminal.
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

/// Leaves the wizard's terminal mode; does nothing if it is not active.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            io::stderr(),
            DisableBracketedPaste,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = disable_raw_mode();
    }
}

/// Steps out of the alternate screen to print `lines` on the terminal's
/// own screen, where a long line wraps softly and is selected whole
/// (the wizard's screen would cut it, or break it over rows of a frame).
/// Raw mode stays on, so the key that brings the screen back is read as
/// any other; hence the explicit carriage returns.
pub fn step_out(out: &mut impl Write, lines: &[String]) -> io::Result<()> {
    execute!(out, LeaveAlternateScreen, cursor::Show)?;
    for line in lines {
        write!(out, "{line}\r\n")?;
    }
    out.flush()
}

/// Back to the wizard's screen after [`step_out`], cleared; the next
/// frame is drawn whole. Not `Terminal::clear`: it asks the terminal
/// where the cursor is, and the answer would go to the event reader.
pub fn step_back(term: &mut Tui) -> io::Result<()> {
    execute!(
        term.backend_mut(),
        EnterAlternateScreen,
        Clear(ClearType::All),
        cursor::Hide
    )?;
    // Both buffers blank: nothing is taken to be on the screen already.
    term.swap_buffers();
    term.swap_buffers();
    Ok(())
}

/// Chains a hook that restores the terminal before the previous hook
/// prints the panic message, so the message lands on the normal screen.
/// Installed once, however often it is called.
///
/// The hook runs before unwinding starts, and also with `panic = "abort"`
/// (where no guard's `Drop` would ever run): the abort comes only after the
/// hooks, so the terminal is restored either way.
pub fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
