//! Copying to the clipboard, in two ways at once.
//!
//! 1. The system clipboard, through a helper process (`wl-copy`, `xclip`,
//!    `xsel`, `pbcopy`) that keeps serving the value after ce-wizard exits.
//!    On Linux a clipboard owned by our own process (arboard) is gone the
//!    moment we exit, which is exactly when a person pastes the token, so
//!    arboard is only the last resort. The value goes to the helper through
//!    its stdin, never its arguments, so `ps` cannot show it.
//! 2. OSC 52, an escape sequence asking the terminal itself to set the
//!    clipboard: it works over SSH and in containers where there is no
//!    system clipboard. It is sent to every terminal that can take an
//!    escape sequence (never under `TERM=dumb`), because we cannot tell
//!    whether the terminal honours it; so the screen says "sent to the
//!    terminal", never that the clipboard has it.

use base64::Engine;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The start of the message for a value that is not copied at all.
pub const REFUSED: &str = "refused";

/// `Ok` when `text` may go to a clipboard: a value pasted into a shell or
/// a form runs or hides what is in it, so control characters (other than
/// the line breaks and tabs of a multi-line value) and bidirectional
/// formatting are refused, never copied.
pub fn check_copyable(text: &str) -> Result<(), String> {
    let unsafe_char = text
        .chars()
        .any(|c| !matches!(c, '\n' | '\t') && crate::sanitize::is_unsafe(c));
    if text.is_empty() || unsafe_char {
        Err(format!(
            "{REFUSED}: the value is empty or holds control or invisible formatting characters, so it was not copied; check it with the platform"
        ))
    } else {
        Ok(())
    }
}

/// The OSC 52 sequence that sets the clipboard to `text`. Inside tmux it
/// goes twice: plain, which tmux itself takes with `set-clipboard on` (its
/// buffer, and on to the outer terminal), and wrapped in tmux's passthrough
/// (`ESC P tmux; … ESC \`, with every ESC inside doubled), which reaches the
/// outer terminal where `allow-passthrough` is on (tmux 3.3 and later drop
/// it by default, older ones pass it). Empty when `text` is refused
/// ([`check_copyable`]): nothing is sent.
pub fn osc52_sequence(text: &str, tmux: bool) -> String {
    if check_copyable(text).is_err() {
        return String::new();
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{encoded}\x07");
    if tmux {
        format!("{seq}\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    }
}

/// Whether the terminal is tmux (OSC 52 then goes in both forms).
pub fn inside_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

/// Whether this terminal can take an escape sequence at all: `TERM=dumb`
/// (or no `TERM`) prints one as raw characters.
pub fn terminal_takes_escapes() -> bool {
    std::env::var("TERM").is_ok_and(|t| !t.is_empty() && t != "dumb")
}

/// A value that went to the terminal only: whether it reached a clipboard
/// is the terminal's (and tmux's) business, so the words claim no more.
pub fn sent_to_terminal(tmux: bool) -> &'static str {
    if tmux {
        "Sent to the terminal; tmux needs `set -g set-clipboard on` to pass it to the clipboard"
    } else {
        "Sent to the terminal (most terminals put it on the clipboard)"
    }
}

/// What happened to one copy, for the screen to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// The helper that took the value (`xclip`, `arboard`, …), or why none did.
    pub native: Result<&'static str, String>,
    /// Whether the OSC 52 sequence was written to the terminal.
    pub osc52: bool,
    /// Whether the terminal is tmux, which passes OSC 52 on only with
    /// `set -g set-clipboard on`.
    pub tmux: bool,
}

impl CopyReport {
    pub fn message(&self) -> String {
        if self.refused() {
            if let Err(why) = &self.native {
                return format!("not copied: {why}");
            }
        }
        match (&self.native, self.osc52) {
            (Ok(tool), true) => {
                format!("copied to the clipboard ({tool}) and sent to the terminal (OSC 52)")
            }
            (Ok(tool), false) => format!("copied to the clipboard ({tool})"),
            (Err(why), true) if self.tmux => format!(
                "sent to the terminal (OSC 52) only, which tmux passes on only with `set -g set-clipboard on`: {why}"
            ),
            (Err(why), true) => format!("sent to the terminal (OSC 52) only: {why}"),
            (Err(why), false) => format!("not copied: {why}"),
        }
    }

    pub fn succeeded(&self) -> bool {
        !self.refused() && (self.native.is_ok() || self.osc52)
    }

    /// The value was refused ([`check_copyable`]): neither way copied it.
    fn refused(&self) -> bool {
        self.native
            .as_ref()
            .is_err_and(|why| why.starts_with(REFUSED))
    }
}

/// Helpers to try, in order, for this session.
fn helpers() -> Vec<(&'static str, &'static [&'static str])> {
    let mut list: Vec<(&'static str, &'static [&'static str])> = vec![];
    if cfg!(target_os = "macos") {
        list.push(("pbcopy", &[]));
    }
    if std::env::var_os("WAYLAND_DISPLAY").is_some() {
        list.push(("wl-copy", &[]));
    }
    if std::env::var_os("DISPLAY").is_some() {
        list.push(("xclip", &["-selection", "clipboard"]));
        list.push(("xsel", &["--clipboard", "--input"]));
    }
    list
}

/// Copies to the system clipboard; blocks for at most a few seconds, so
/// call it off the UI thread.
pub fn copy_native(text: &str) -> Result<&'static str, String> {
    check_copyable(text)?;
    let mut tried = vec![];
    for (program, args) in helpers() {
        match copy_with(program, args, text) {
            Ok(()) => return Ok(program),
            Err(e) => tried.push(format!("{program}: {e}")),
        }
    }
    let has_display = cfg!(any(target_os = "macos", windows))
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
        || std::env::var_os("DISPLAY").is_some();
    if has_display {
        match arboard::Clipboard::new().and_then(|mut c| c.set_text(text.to_string())) {
            Ok(()) => return Ok("arboard"),
            Err(e) => tried.push(format!("arboard: {e}")),
        }
    }
    if tried.is_empty() {
        Err("no system clipboard in this session".into())
    } else {
        Err(tried.join("; "))
    }
}

fn copy_with(program: &str, args: &[&str], text: &str) -> Result<(), String> {
    let mut command = Command::new(program);
    // A process group of its own: when the process leading the terminal's
    // session exits (ce-wizard itself in `tmux new-window ce-wizard` or
    // `xterm -e ce-wizard`, or the `sh -c` that ran it), the kernel sends
    // SIGHUP to the terminal's foreground process group. xclip, which
    // serves the selection from a forked child, would be in that group and
    // die with it, taking the copied token along.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // The helper serves the selection long after ce-wizard exits.
    crate::child_env::scrub(&mut command);
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    {
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    // xclip, xsel and wl-copy fork a server that keeps the selection and
    // let the first process exit; wait for that, briefly.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("exited with {status}")),
            Ok(None) if Instant::now() >= deadline => {
                // Still running in the foreground: it is serving the value.
                return Ok(());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_plain() {
        assert_eq!(osc52_sequence("hi", false), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn osc52_in_tmux_goes_plain_and_wrapped_with_inner_escapes_doubled() {
        let s = osc52_sequence("token+/=", true);
        let encoded = base64::engine::general_purpose::STANDARD.encode("token+/=");
        let plain = format!("\x1b]52;c;{encoded}\x07");
        assert_eq!(
            s,
            format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{encoded}\x07\x1b\\")
        );
        // The plain one's ESC; the passthrough's own opening and closing
        // ESC, and the inner one doubled.
        assert_eq!(s.matches('\x1b').count(), 5);
    }

    #[test]
    fn values_with_controls_are_refused_on_every_way() {
        for bad in [
            "tok\x1b]52;c;ZWNobw==\x07en",
            "tok\u{202e}en",
            "a\x00b",
            "a\u{9b}b",
            "",
        ] {
            assert_eq!(osc52_sequence(bad, false), "", "{bad:?}");
            assert_eq!(osc52_sequence(bad, true), "", "{bad:?}");
            let report = CopyReport {
                native: copy_native(bad).map(|_| "x"),
                osc52: true,
                tmux: false,
            };
            assert!(!report.succeeded(), "{bad:?}");
            assert!(
                report.message().starts_with("not copied: refused"),
                "{}",
                report.message()
            );
        }
        assert!(check_copyable("{\n\t\"a\": 1\n}").is_ok());
    }

    #[test]
    fn osc52_payload_is_pure_base64_whatever_the_text() {
        // Controls are refused before encoding (see above); what is let
        // through, shell metacharacters, quotes and line breaks included,
        // is carried as pure base64.
        let text = "a\tb]c\nü'$(x)\"";
        let s = osc52_sequence(text, false);
        let payload = s
            .strip_prefix("\x1b]52;c;")
            .unwrap()
            .strip_suffix('\x07')
            .unwrap();
        assert!(payload
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)));
        let back = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        assert_eq!(back, text.as_bytes());
    }

    #[test]
    fn report_messages_say_what_worked() {
        let both = CopyReport {
            native: Ok("xclip"),
            osc52: true,
            tmux: false,
        };
        assert_eq!(
            both.message(),
            "copied to the clipboard (xclip) and sent to the terminal (OSC 52)"
        );
        let osc = CopyReport {
            native: Err("no system clipboard in this session".into()),
            osc52: true,
            tmux: false,
        };
        assert_eq!(
            osc.message(),
            "sent to the terminal (OSC 52) only: no system clipboard in this session"
        );
        assert!(osc.succeeded());
        let in_tmux = CopyReport { tmux: true, ..osc };
        assert!(
            in_tmux.message().contains("`set -g set-clipboard on`"),
            "{}",
            in_tmux.message()
        );
        let none = CopyReport {
            native: Err("x".into()),
            osc52: false,
            tmux: false,
        };
        assert!(!none.succeeded());
    }

    #[test]
    fn a_helper_gets_the_value_through_stdin() {
        // `sh -c 'cat > file'` stands in for xclip: the value must arrive on
        // stdin and never in the arguments.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("clip");
        let script = format!("cat > '{}'", out.display());
        let args: Vec<&str> = vec!["-c", &script];
        copy_with("sh", &args, "the-token").unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "the-token");
        assert!(copy_with("definitely-not-a-program-xyz", &[], "x").is_err());
    }
}
