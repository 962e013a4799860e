//! Driving the built binary in a real pseudo-terminal and reading its
//! screen back through a terminal emulator (vt100), as a person would see
//! it. Every wait has a deadline, and a failed wait prints the screen.
//!
//! Besides the screen, the raw byte stream the program wrote is kept (for
//! escape sequences a screen does not show: OSC 52, the alternate screen,
//! the cursor), and the terminal's settings can be read from this side of
//! the pty after the program has exited.

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(30);

/// Keys as a terminal sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    /// A lone Esc: wait for the screen to change before sending the next
    /// key, or the terminal reads both as one Alt chord.
    pub const ESC: &str = "\x1b";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const BACKSPACE: &str = "\x7f";
    pub const F1: &str = "\x1bOP";
    pub const F2: &str = "\x1bOQ";
    pub const CTRL_C: &str = "\x03";

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
    /// Everything the program wrote to the terminal, byte for byte.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Set when reading hit the end: every holder of the terminal is gone.
    ended: Arc<AtomicBool>,
    /// The terminal's settings before the program started.
    initial: libc::termios,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
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
        let initial = tcgetattr(pty.master.as_ref());
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
        let raw = Arc::new(Mutex::new(Vec::new()));
        let ended = Arc::new(AtomicBool::new(false));
        let (feed, record, end) = (Arc::clone(&parser), Arc::clone(&raw), Arc::clone(&ended));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // On Linux the read fails (EIO) once the last process holding
            // the terminal has closed it and everything written was read.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                record.lock().unwrap().extend_from_slice(&buf[..n]);
                feed.lock().unwrap().process(&buf[..n]);
            }
            end.store(true, Ordering::SeqCst);
        });
        Pty {
            parser,
            raw,
            ended,
            initial,
            writer,
            child,
            master: pty.master,
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

    /// Whether the emulator is showing the alternate screen, and whether
    /// the cursor is hidden.
    pub fn alternate_screen_and_hidden_cursor(&self) -> (bool, bool) {
        let p = self.parser.lock().unwrap();
        (p.screen().alternate_screen(), p.screen().hide_cursor())
    }

    /// Everything written to the terminal so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen shows `text`, wherever the terminal's width
    /// wrapped it; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_all(&[text])
    }

    /// Waits for one screen showing every one of `texts`, wherever they
    /// wrap (a frame can be read half drawn, so a screen that shows one
    /// need not show the rest yet); returns the screen.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        let texts: Vec<String> = texts.iter().map(|t| flat(t)).collect();
        let what = match texts.as_slice() {
            [one] => format!("the screen to show {one:?}"),
            all => format!("the screen to show all of {all:?}"),
        };
        self.wait_until(&what, |s| {
            let s = flat(s);
            texts.iter().all(|t| s.contains(t))
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

    /// Waits for the process to end and for everything it wrote to be
    /// read; returns its exit code.
    pub fn finish(&mut self) -> u32 {
        let code = self.wait_exit();
        let start = Instant::now();
        while !self.ended.load(Ordering::SeqCst) {
            assert!(
                start.elapsed() < DEADLINE,
                "the terminal stayed open {DEADLINE:?} after the program exited \
                 (a process it started still holds it); the screen:\n{}",
                frame(&self.screen())
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        code
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the program's pid")
    }

    /// Sends the program a signal by name (`TERM`, `HUP`, …).
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Whether the terminal is in raw mode now: no echo, no line editing
    /// (what the wizard sets while it runs).
    pub fn is_raw(&self) -> bool {
        self.termios().c_lflag & (libc::ECHO | libc::ICANON) == 0
    }

    /// The terminal's settings now, read through the pty's master side
    /// (on Linux the master's termios calls act on the terminal itself).
    pub fn termios(&self) -> libc::termios {
        tcgetattr(self.master.as_ref())
    }

    /// What a program left wrong with the terminal, in words: settings that
    /// differ from before it started (echo, canonical mode, …), and modes
    /// it switched on in the output stream and never off (the alternate
    /// screen, a hidden cursor, bracketed paste). Call after `finish`.
    pub fn restore_problems(&self) -> Vec<String> {
        let mut problems = vec![];
        let now = self.termios();
        for (flag, name) in [
            (libc::ECHO, "echo"),
            (libc::ICANON, "canonical mode (icanon)"),
            (libc::ISIG, "signal keys (isig)"),
            (libc::IEXTEN, "extended input (iexten)"),
        ] {
            if self.initial.c_lflag & flag != 0 && now.c_lflag & flag == 0 {
                problems.push(format!("{name} is off"));
            }
        }
        if self.initial.c_iflag & libc::ICRNL != 0 && now.c_iflag & libc::ICRNL == 0 {
            problems.push("Enter no longer sends a newline (icrnl is off)".into());
        }
        if self.initial.c_oflag & libc::OPOST != 0 && now.c_oflag & libc::OPOST == 0 {
            problems.push("output processing (opost) is off".into());
        }
        let flags = |t: &libc::termios| (t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
        if flags(&now) != flags(&self.initial) {
            problems.push(format!(
                "the terminal's settings (iflag, oflag, cflag, lflag) changed from {:x?} to {:x?}",
                flags(&self.initial),
                flags(&now)
            ));
        }
        let raw = self.raw_output();
        for (on, off, what) in [
            (
                "\x1b[?1049h",
                "\x1b[?1049l",
                "the alternate screen was never left",
            ),
            ("\x1b[?25l", "\x1b[?25h", "the cursor was left hidden"),
            ("\x1b[?2004h", "\x1b[?2004l", "bracketed paste was left on"),
        ] {
            if let Some(set) = rfind(&raw, on.as_bytes()) {
                if rfind(&raw, off.as_bytes()).is_none_or(|reset| reset < set) {
                    problems.push(what.into());
                }
            }
        }
        let (alternate, hidden) = self.alternate_screen_and_hidden_cursor();
        if alternate {
            problems.push("the terminal emulator still shows the alternate screen".into());
        }
        if hidden {
            problems.push("the terminal emulator still hides the cursor".into());
        }
        problems
    }

    /// The texts sent with OSC 52 (set the clipboard), decoded.
    pub fn osc52_texts(&self) -> Vec<String> {
        osc52_texts(&self.raw_output())
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

fn tcgetattr(master: &dyn MasterPty) -> libc::termios {
    let fd = master
        .as_raw_fd()
        .expect("the pty master has a file descriptor");
    // SAFETY: `termios` is plain data; tcgetattr fills it and only reads
    // the descriptor, which `master` keeps open for the duration.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(
            libc::tcgetattr(fd, &mut t),
            0,
            "tcgetattr on the pty: {}",
            std::io::Error::last_os_error()
        );
        t
    }
}

pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Decodes every `ESC ] 52 ; <selection> ; <base64> (BEL | ESC \)` in a
/// byte stream.
pub fn osc52_texts(raw: &[u8]) -> Vec<String> {
    use base64::Engine;
    let start = b"\x1b]52;";
    let mut out = vec![];
    let mut rest = raw;
    while let Some(i) = rest.windows(start.len()).position(|w| w == start) {
        rest = &rest[i + start.len()..];
        let end = rest
            .iter()
            .position(|&b| b == 0x07 || b == 0x1b)
            .expect("an OSC 52 sequence is terminated");
        let body = std::str::from_utf8(&rest[..end]).expect("OSC 52 is ASCII");
        let (_selection, payload) = body.split_once(';').expect("OSC 52 names a selection");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .expect("OSC 52 carries base64");
        out.push(String::from_utf8(bytes).expect("the copied text is UTF-8"));
        rest = &rest[end..];
    }
    out
}

/// The screen's words with one space between them, so that a sentence is
/// found however the terminal's width wrapped it.
pub fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
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
