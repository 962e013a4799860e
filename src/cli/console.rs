//! What the line front ends (`create`, `instances reauth` and the
//! accessible mode) talk through: standard input, output and error, the
//! prompter that asks for missing settings and secrets, and the browser
//! launcher. The command line passes the real ones ([`Console::system`]);
//! tests pass fakes and run them in-process. [`Lines`] reads standard
//! input a line at a time for the waits that race it against the browser;
//! [`FieldWalk`] is the walk over an element's fields they all ask along.

use super::prompt;
use crate::catalog::FieldSpec;
use crate::form::{self, DeriveContext, FormValues};
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Asks the person for what is missing.
pub trait Prompter: Send {
    /// One field's value; secrets without echo. `problem` says what was
    /// wrong with the value it has.
    fn ask_field(&mut self, field: &FieldSpec, problem: Option<&str>) -> std::io::Result<String>;
    /// A line of free text after `prompt`.
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<String>;
    /// A yes/no question; Enter takes the default.
    fn confirm(&mut self, question: &str, default_yes: bool) -> bool;
    /// A secret after `prompt`, read without echo.
    fn ask_secret(&mut self, prompt: &str) -> std::io::Result<String>;
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
            input: Box::new(PastesTogether(std::io::stdin())),
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

    /// Standard input from now on as [`Lines`]; the console keeps none.
    /// From a terminal, the lines pasted after the first one answer
    /// nothing (see [`Lines::next_answer`]); a pipe's lines are answers
    /// each.
    pub fn take_lines(&mut self) -> Lines {
        let input = std::mem::replace(&mut self.input, Box::new(std::io::empty()));
        Lines::read_from(input, self.input_is_terminal)
    }
}

/// Standard input read one line per request, each on a thread of its own:
/// a blocked read cannot be cancelled, so when a wait ends another way (the
/// browser came back through the listener) the read it started stays
/// pending and answers the next question instead of being lost. Nothing is
/// read ahead of a question, so a secret asked without echo in between is
/// not taken by a reader that was already waiting.
#[derive(Clone)]
pub struct Lines(Arc<tokio::sync::Mutex<LinesState>>);

struct LinesState {
    input: Arc<std::sync::Mutex<BufReader<Box<dyn Read + Send>>>>,
    pending: Option<oneshot::Receiver<std::io::Result<Answer>>>,
    typed: bool,
}

/// One line read, and how many more lines came in the same burst (a
/// paste) and were dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub line: String,
    pub dropped: usize,
}

impl Lines {
    pub fn new(input: Box<dyn Read + Send>) -> Lines {
        Lines::read_from(input, false)
    }

    /// `typed`: the input is typed by a person (a terminal), so lines
    /// that arrive together with the one read, as a multi-line paste
    /// does, are dropped rather than kept to answer the questions after.
    fn read_from(input: Box<dyn Read + Send>, typed: bool) -> Lines {
        Lines(Arc::new(tokio::sync::Mutex::new(LinesState {
            input: Arc::new(std::sync::Mutex::new(BufReader::new(input))),
            pending: None,
            typed,
        })))
    }

    /// Whether a read was started and not answered yet: what is typed now
    /// goes to it, already echoed.
    pub fn is_pending(&self) -> bool {
        self.0.try_lock().map_or(true, |s| s.pending.is_some())
    }

    /// The next line, without its line ending; a read started earlier is
    /// used first. Dropping the future keeps that read for the next call.
    pub async fn next(&self) -> std::io::Result<String> {
        self.next_answer().await.map(|a| a.line)
    }

    /// [`Lines::next`], saying how many lines pasted with it were dropped.
    pub async fn next_answer(&self) -> std::io::Result<Answer> {
        let mut state = self.0.lock().await;
        let input = state.input.clone();
        let typed = state.typed;
        let rx = state.pending.get_or_insert_with(|| read_one(input, typed));
        let result = rx.await.unwrap_or_else(|_| Err(closed()));
        state.pending = None;
        result
    }
}

fn closed() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "standard input closed")
}

fn read_one(
    input: Arc<std::sync::Mutex<BufReader<Box<dyn Read + Send>>>>,
    typed: bool,
) -> oneshot::Receiver<std::io::Result<Answer>> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let result = match input.lock() {
            Err(_) => Err(closed()),
            Ok(mut input) => match input.read_line(&mut line) {
                Ok(0) => Err(closed()),
                Ok(_) => Ok(Answer {
                    line: line.trim_end_matches(['\n', '\r']).to_string(),
                    dropped: if typed { drop_the_rest(&mut input) } else { 0 },
                }),
                Err(e) => Err(e),
            },
        };
        let _ = tx.send(result);
    });
    rx
}

/// Drops what arrived together with the line just read, which no one
/// typed after reading a question: the rest of a paste. Returns how many
/// lines (a last one without its line ending included) that was.
fn drop_the_rest(input: &mut BufReader<Box<dyn Read + Send>>) -> usize {
    let rest = input.buffer();
    if rest.is_empty() {
        return 0;
    }
    let text = String::from_utf8_lossy(rest).into_owned();
    let n = text.len();
    input.consume(n);
    text.lines().filter(|l| !l.trim().is_empty()).count()
}

/// Standard input that hands a paste over in one piece: a terminal gives
/// one line per read, so after a line the lines that follow within a
/// moment (no one types that fast) are read with it, and [`Lines`] can
/// tell a multi-line paste from answers typed one by one.
struct PastesTogether(std::io::Stdin);

/// How long after a line the rest of a paste may still arrive.
const PASTE_BURST: Duration = Duration::from_millis(30);

impl Read for PastesTogether {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = self.0.read(buf)?;
        if !self.0.is_terminal() {
            return Ok(n);
        }
        while n > 0 && n < buf.len() && buf[n - 1] == b'\n' && more_within(PASTE_BURST) {
            match self.0.read(&mut buf[n..])? {
                0 => break,
                more => n += more,
            }
        }
        Ok(n)
    }
}

/// Whether standard input has more to read within `wait`.
#[cfg(unix)]
fn more_within(wait: Duration) -> bool {
    let mut fd = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, for the length given.
    let ready = unsafe { libc::poll(&mut fd, 1, wait.as_millis() as libc::c_int) };
    ready > 0 && fd.revents & libc::POLLIN != 0
}

#[cfg(not(unix))]
fn more_within(_: Duration) -> bool {
    false
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

    fn ask_secret(&mut self, question: &str) -> std::io::Result<String> {
        eprint!("{question}");
        let _ = std::io::stderr().flush();
        rpassword::read_password()
    }
}

/// The desktop's browser (`xdg-open` and its fallbacks).
pub struct SystemBrowser;

impl BrowserLauncher for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        crate::oauth::open_browser(url)
    }
}

/// The walk over an element's fields that every line front end asks
/// along: before each question the defaults and derived values are brought
/// up to date (an answer can switch a condition on, or change what a
/// derived field follows), and the fields answered are remembered, which
/// derived values then no longer follow.
#[derive(Debug, Clone, Default)]
pub struct FieldWalk {
    edited: Vec<String>,
}

impl FieldWalk {
    /// Fields given before the walk (`--set`, a file) count as answered.
    pub fn given(keys: &[String]) -> FieldWalk {
        FieldWalk {
            edited: keys.to_vec(),
        }
    }

    /// Brings `values` up to date; whether `f` is in force, and so asked.
    pub fn in_force(
        &self,
        fields: &[FieldSpec],
        values: &mut FormValues,
        ctx: &DeriveContext,
        f: &FieldSpec,
    ) -> bool {
        form::apply_defaults_and_derived(
            fields,
            values,
            &|k| self.edited.iter().any(|e| e == k),
            ctx,
        );
        form::is_active(f, values)
    }

    /// An answer given to `f`.
    pub fn answer(&mut self, f: &FieldSpec, values: &mut FormValues, value: impl Into<String>) {
        values.set(f.key.clone(), value.into());
        self.edited.push(f.key.clone());
    }
}

/// What is wrong with `value` for `f`: a placeholder copied from the docs,
/// or what the form's validation says.
pub fn field_problem(f: &FieldSpec, value: &str) -> Option<String> {
    if super::inputs::looks_like_placeholder(value) {
        return Some(format!(
            "{} still holds a placeholder from the docs; put your real value",
            f.label
        ));
    }
    form::validate_field(f, value)
}
