//! What the commands print on standard output for scripts. Rust's
//! `println!` panics when the reader has gone (`ce-wizard … | head`); these
//! return the error instead, and a reader that stopped early is not one.

use std::io::Write;

/// Writes `text` to standard output and flushes it.
pub fn print_out(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The exit code after printing `what`: 0 when it was written or the
/// reader stopped early, else 1 with the error on stderr.
pub fn printed(result: std::io::Result<()>, what: &str) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write the {what}: {e}");
            crate::exit::FAILED
        }
    }
}
