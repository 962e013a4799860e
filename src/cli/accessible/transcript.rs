//! The transcript's input and output, over the [`Console`] every line
//! front end uses: every line said goes to its standard error as plain
//! text, every answer is one line of its standard input ([`Lines`], which
//! the OAuth wait shares), and secrets come from its prompter, without
//! echo.

use crate::cli::console::{Console, Lines};
use std::io::Write;

pub struct Transcript {
    pub con: Console,
    /// Standard input, shared with the OAuth wait: a line typed while the
    /// browser came back answers the next question instead of being lost.
    pub lines: Lines,
}

impl Transcript {
    pub fn new(mut con: Console) -> Transcript {
        let lines = con.take_lines();
        Transcript { con, lines }
    }

    /// One line to the person; a closed stderr is no reason to stop.
    pub fn say(&mut self, line: impl std::fmt::Display) {
        self.con.say(line);
    }

    /// The prompt, on the line the answer is typed on.
    fn prompt(&mut self, prompt: &str) {
        let _ = write!(self.con.errors, "{prompt}");
        let _ = self.con.errors.flush();
    }

    /// Asks and waits for the answer, without its line ending. Of a
    /// paste of several lines only the first answers; the person is told
    /// the rest was dropped, so no later question is answered unseen.
    pub async fn ask(&mut self, prompt: &str) -> std::io::Result<String> {
        self.prompt(prompt);
        let answer = self.lines.next_answer().await?;
        if answer.dropped > 0 {
            let rest = match answer.dropped {
                1 => "the other line was".to_string(),
                n => format!("the {n} other lines were"),
            };
            self.say(format!(
                "Note: only the first line of what was pasted answers this question; {rest} dropped. Answer each question on its own line."
            ));
        }
        Ok(answer.line)
    }

    /// Asks for a secret, read without echo by the console's prompter.
    pub async fn ask_secret(&mut self, prompt: &str) -> std::io::Result<String> {
        if self.lines.is_pending() {
            // Typed before this question was asked, and so already echoed:
            // nothing can hide it any more.
            self.prompt(prompt);
            return self.lines.next().await;
        }
        self.con.prompter.ask_secret(prompt)
    }
}
