//! The transcript's input and output: every line said goes to stderr as
//! plain text, and every answer is one line read from standard input.
//!
//! A line is read on a thread of its own, one line per request: a blocked
//! read of standard input cannot be cancelled, so when the OAuth wait ends
//! through the listener instead of a paste, the read it started stays
//! pending and answers the next question instead of being lost.

use std::io::{BufRead, Write};
use tokio::sync::oneshot;

pub struct Transcript {
    pending: Option<oneshot::Receiver<std::io::Result<String>>>,
}

impl Transcript {
    pub fn new() -> Transcript {
        Transcript { pending: None }
    }

    /// One line to the person; a closed stderr is no reason to stop.
    pub fn say(&mut self, line: impl std::fmt::Display) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
        let _ = err.flush();
    }

    /// The prompt, on the line the answer is typed on.
    fn prompt(&mut self, prompt: &str) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{prompt}");
        let _ = err.flush();
    }

    /// Asks and waits for the answer, without its line ending.
    pub async fn ask(&mut self, prompt: &str) -> std::io::Result<String> {
        self.prompt(prompt);
        self.next_line().await
    }

    /// Asks for a secret, read without echo from the terminal.
    pub async fn ask_secret(&mut self, prompt: &str) -> std::io::Result<String> {
        self.prompt(prompt);
        if self.pending.is_some() {
            // Typed before this question was asked, and so already echoed:
            // nothing can hide it any more.
            return self.next_line().await;
        }
        tokio::task::spawn_blocking(rpassword::read_password)
            .await
            .map_err(std::io::Error::other)?
    }

    /// The next line typed; a read started earlier is used first.
    pub async fn next_line(&mut self) -> std::io::Result<String> {
        let rx = self.pending.get_or_insert_with(spawn_read);
        let result = rx.await.unwrap_or_else(|_| {
            Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "standard input closed",
            ))
        });
        self.pending = None;
        result
    }
}

fn spawn_read() -> oneshot::Receiver<std::io::Result<String>> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let result = match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "standard input closed",
            )),
            Ok(_) => Ok(line.trim_end_matches(['\n', '\r']).to_string()),
            Err(e) => Err(e),
        };
        let _ = tx.send(result);
    });
    rx
}
