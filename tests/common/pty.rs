//! Driving the built binary in a real pseudo-terminal and reading its
//! screen back through a terminal emulator (vt100), as a person would see
//! it. Every wait has a deadline, and a failed wait prints the screen.

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(30);

/// Keys as a terminal sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    pub const ESC: &str = "\x1b";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const BACKSPACE: &str = "\x7f";
    pub const F1: &str = "\x1bOP";

    /// Ctrl plus a letter.
    pub fn ctrl(c: char) -> String {
        ((c.to_ascii_lowercase() as u8 - b'a' + 1) as char).to_string()
    }

    /// Text as a bracketed paste.
    pub fn paste(text: &str) -> String {
        format!("\x1b[200~{text}\x1b[201~")
    }
}

pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

pub struct Spawn<'a> {
    pub program: &'a str,
    pub args: Vec<String>,
    /// The whole environment: nothing of the test runner's leaks in but
    /// what is listed here.
    pub env: Vec<(String, String)>,
    pub cwd: &'a Path,
    pub cols: u16,
    pub rows: u16,
}

impl Pty {
    pub fn spawn(s: Spawn<'_>) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: s.rows,
                cols: s.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(s.program);
        cmd.env_clear();
        for (k, v) in &s.env {
            cmd.env(k, v);
        }
        cmd.args(&s.args);
        cmd.cwd(s.cwd);
        let child = pty
            .slave
            .spawn_command(cmd)
            .expect("spawn in the pseudo-terminal");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(s.rows, s.cols, 0)));
        let feed = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            parser,
            writer,
            child,
            _master: pty.master,
        }
    }

    pub fn send(&mut self, input: &str) {
        self.writer
            .write_all(input.as_bytes())
            .expect("write to the pty");
        self.writer.flush().unwrap();
    }

    /// Types text one key at a time, as a person would.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("the screen to show {text:?}"), |s| {
            s.contains(text)
        })
    }

    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for {what}; the screen:\n{}",
                    frame(&screen)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `extract` finds a value on the screen and finds the same
    /// value again a moment later, so a value is never read off a
    /// half-drawn frame (spinners keep the rest of the screen moving).
    pub fn wait_value(&self, what: &str, extract: impl Fn(&str) -> Option<String>) -> String {
        let start = Instant::now();
        let mut last: Option<String> = None;
        loop {
            let screen = self.screen();
            let now = extract(&screen);
            if let Some(value) = now.as_ref().filter(|v| last.as_ref() == Some(*v)) {
                return value.clone();
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out after {DEADLINE:?} waiting for {what}; the screen:\n{}",
                    frame(&screen)
                );
            }
            last = now;
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the process to end; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return status.exit_code();
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!(
                    "the program did not exit within {DEADLINE:?}; the screen:\n{}",
                    frame(&self.screen())
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// A screen dump with a border, so trailing spaces and empty lines show.
pub fn frame(screen: &str) -> String {
    screen.lines().map(|l| format!("|{l}\n")).collect()
}

/// The value after `label` on the screen line that starts with it.
pub fn value_after(screen: &str, label: &str) -> Option<String> {
    screen
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(label))
        .map(|rest| rest.trim().to_string())
}
