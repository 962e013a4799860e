//! `completions` and `man`: both are generated from the clap definition
//! itself, so they name exactly the commands and options `--help` does.

use super::Cli;
use clap::{Args, CommandFactory, ValueEnum};
use std::io::Write;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The command's own name, as the shell sees it.
const BIN: &str = "ce-wizard";

/// Writes the completion script for `shell`. The script is generated
/// whole first: clap_complete panics on a failed write (a closed pipe).
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    out.write_all(&script)?;
    out.flush()
}

/// Writes the roff man page (section 1).
pub fn man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()
}

/// Every shell `completions` knows, for the help text and the tests.
pub fn shells() -> impl Iterator<Item = clap_complete::Shell> {
    clap_complete::Shell::value_variants().iter().copied()
}
