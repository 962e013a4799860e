//! What `create` talks through: standard input, output and error, the
//! prompter that asks for missing settings, and the browser launcher. The
//! command line passes the real ones ([`Console::system`]); tests pass
//! fakes and run `create` in-process.

use super::prompt;
use crate::catalog::FieldSpec;
use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

/// Asks the person for what is missing.
pub trait Prompter: Send {
    /// One field's value; secrets without echo. `problem` says what was
    /// wrong with the value it has.
    fn ask_field(&mut self, field: &FieldSpec, problem: Option<&str>) -> std::io::Result<String>;
    /// A line of free text after `prompt`.
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<String>;
    /// A yes/no question; Enter takes the default.
    fn confirm(&mut self, question: &str, default_yes: bool) -> bool;
}

/// Opens an address in the person's browser.
pub trait BrowserLauncher: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

pub struct Console {
    /// Standard input: `--from -`, `--set key=@-`, or pasted redirect
    /// addresses.
    pub input: Box<dyn Read + Send>,
    /// Standard output: the instance JSON only.
    pub output: Box<dyn Write + Send>,
    /// Standard error: everything said to the person.
    pub errors: Box<dyn Write + Send>,
    /// Standard input is a terminal: missing settings can be asked for.
    pub input_is_terminal: bool,
    /// Standard error is a terminal: a person is watching the waits.
    pub errors_is_terminal: bool,
    /// An SSH session without a display: no browser is started, the port
    /// forward to use is said instead.
    pub remote: bool,
    /// How long a wait on the platform goes unexplained on a terminal.
    pub quiet_wait: Duration,
    pub prompter: Box<dyn Prompter>,
    pub browser: Box<dyn BrowserLauncher>,
}

impl Console {
    /// The process's own standard streams, the terminal prompter and the
    /// system's browser.
    pub fn system() -> Console {
        Console {
            input: Box::new(std::io::stdin()),
            output: Box::new(std::io::stdout()),
            errors: Box::new(std::io::stderr()),
            input_is_terminal: std::io::stdin().is_terminal(),
            errors_is_terminal: std::io::stderr().is_terminal(),
            remote: crate::oauth::ssh_session_without_display(),
            quiet_wait: Duration::from_secs(5),
            prompter: Box::new(TerminalPrompter),
            browser: Box::new(SystemBrowser),
        }
    }

    /// One line to the person; a closed stderr is no reason to stop.
    pub fn say(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.errors, "{line}");
        let _ = self.errors.flush();
    }
}

/// Line prompts on the terminal (stderr), secrets read without echo.
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn ask_field(&mut self, field: &FieldSpec, problem: Option<&str>) -> std::io::Result<String> {
        prompt::ask_field(field, problem)
    }

    fn ask_line(&mut self, question: &str) -> std::io::Result<String> {
        eprint!("{question}");
        let _ = std::io::stderr().flush();
        prompt::read_line()
    }

    fn confirm(&mut self, question: &str, default_yes: bool) -> bool {
        prompt::confirm(question, default_yes)
    }
}

/// The desktop's browser (`xdg-open` and its fallbacks).
pub struct SystemBrowser;

impl BrowserLauncher for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        crate::oauth::open_browser(url)
    }
}
