//! The diagnostic log (`--log-file PATH`): what happened and how long it
//! took, for a person or support to read after a failure, with every secret
//! of the run masked.
//!
//! It is process-wide because the events come from everywhere (the client,
//! the OAuth listener, the commands), and off unless [`init`] was called;
//! every function here is then a no-op. Lines are plain text:
//! `+1.234s request GET /elements/api-v2/instances -> 200 (12 ms)`.
//!
//! Nothing is written unredacted: each line goes through [`redact`], which
//! masks every value registered with [`add_secret`] (the account secrets,
//! the API secret, passwords, OAuth states and codes, element tokens) and,
//! as a second line of defence, whatever follows `Authorization:`,
//! `apiSecret=`, `code=`, `token`, `secret`, `password` and `state=`.

use crate::secret::REDACTED;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;
use zeroize::Zeroizing;

struct Sink {
    file: File,
    started: Instant,
}

static LOG: OnceLock<Mutex<Sink>> = OnceLock::new();

/// Values to mask, longest first so that a secret containing another is
/// masked whole. Kept whether or not a log is open: terminal output is
/// masked with the same list ([`mask`]).
static SECRETS: Mutex<Vec<Zeroizing<String>>> = Mutex::new(Vec::new());

fn secrets() -> std::sync::MutexGuard<'static, Vec<Zeroizing<String>>> {
    SECRETS.lock().unwrap_or_else(|e| e.into_inner())
}

fn sink() -> Option<std::sync::MutexGuard<'static, Sink>> {
    LOG.get()
        .map(|m| m.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Whether a log file is open.
pub fn enabled() -> bool {
    LOG.get().is_some()
}

/// Opens (creates or truncates) the log file, readable by its owner only,
/// and starts logging. A second call is refused: one run, one log.
pub fn init(path: &Path) -> io::Result<()> {
    let file = crate::fsx::open_private_truncated(path)?;
    LOG.set(Mutex::new(Sink {
        file,
        started: Instant::now(),
    }))
    .map_err(|_| io::Error::other("the diagnostic log is already open"))?;
    event("start", format!("ce-wizard {}", env!("CARGO_PKG_VERSION")));
    Ok(())
}

/// Registers a value that must never appear in the log nor on the
/// terminal ([`mask`]); empty values are ignored.
pub fn add_secret(value: &str) {
    if value.trim().is_empty() {
        return;
    }
    let mut secrets = secrets();
    if !secrets.iter().any(|s| s.as_str() == value) {
        secrets.push(Zeroizing::new(value.to_string()));
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// The shortest registered value masked on the terminal ([`mask`]) and
/// kept out of children's environments ([`holds_secret`]). Shorter ones (a
/// test account's "u") would mangle every message containing the letter;
/// the log masks them all the same.
pub const MIN_TERMINAL_SECRET_LEN: usize = 6;

/// `text` with every registered secret and every value after a known
/// marker masked: for anything from outside that is shown on the terminal
/// (a platform's error message can echo the `Authorization` header).
/// Secrets shorter than [`MIN_TERMINAL_SECRET_LEN`] are left to the marker
/// rules.
pub fn mask(text: &str) -> String {
    let secrets = secrets();
    let list: Vec<&str> = secrets
        .iter()
        .map(|s| s.as_str())
        .filter(|s| s.chars().count() >= MIN_TERMINAL_SECRET_LEN)
        .collect();
    redact(text, &list)
}

/// Whether `value` holds a registered secret of at least
/// [`MIN_TERMINAL_SECRET_LEN`] characters.
pub fn holds_secret(value: &str) -> bool {
    secrets()
        .iter()
        .any(|s| s.chars().count() >= MIN_TERMINAL_SECRET_LEN && value.contains(s.as_str()))
}

/// Writes one line: the time since start, a kind (`request`, `retry`,
/// `oauth`, …) and the message, redacted.
pub fn event(kind: &str, message: impl AsRef<str>) {
    if let Some(mut sink) = sink() {
        let line = {
            let secrets = secrets();
            let list: Vec<&str> = secrets.iter().map(|s| s.as_str()).collect();
            redact(message.as_ref(), &list)
        };
        let line = format!(
            "+{:.3}s {kind} {}\n",
            sink.started.elapsed().as_secs_f64(),
            crate::sanitize::line(&line)
        );
        // A log that cannot be written must not stop the run.
        let _ = sink.file.write_all(line.as_bytes());
        let _ = sink.file.flush();
    }
}

/// Markers whose value is masked even when it was never registered.
/// `:`/`=`, quotes and spaces may follow the marker; the value runs to the
/// next delimiter. `Authorization` masks to the end of the line.
const VALUE_MARKERS: [&str; 7] = [
    "apisecret",
    "code",
    "token",
    "secret",
    "password",
    "state",
    "oauth_verifier",
];

/// Masks every registered secret and every value after a known marker.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    mask_markers(&out)
}

fn mask_markers(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    // `to_ascii_lowercase` keeps byte offsets, so positions found in `lower`
    // are valid in `text`.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    if let Some(at) = lower.find("authorization:") {
        let start = at + "authorization:".len();
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        cuts.push((start, end));
    }
    for marker in VALUE_MARKERS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(marker) {
            let begin = from + i;
            let after = begin + marker.len();
            from = after;
            if inside_word(text, begin) {
                continue;
            }
            if let Some((start, end)) = value_after(text, after) {
                cuts.push((start, end));
                from = end.max(after);
            }
        }
    }
    if cuts.is_empty() {
        return text.to_string();
    }
    cuts.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (start, end) in cuts {
        if start < pos {
            continue;
        }
        out.push_str(&text[pos..start]);
        out.push_str(REDACTED);
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Whether the marker starting at `begin` is the tail of a longer word
/// (`encode`, `nostate`). A camel-case start (`elementToken`) or a
/// separator before it (`api_token`, `oauth.api.secret`) makes it a word
/// of its own.
fn inside_word(text: &str, begin: usize) -> bool {
    let bytes = text.as_bytes();
    begin > 0
        && (bytes[begin - 1].is_ascii_lowercase() || bytes[begin - 1].is_ascii_digit())
        && !bytes[begin].is_ascii_uppercase()
}

/// The value after a marker ending at `at`: an optional closing quote, then
/// `=` or `:`, then optional spaces and an opening quote, then everything up
/// to a delimiter. `None` when no `=`/`:` follows or the value is empty or
/// already masked.
fn value_after(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = at;
    // A marker followed by more of a word (`statement:`) is not one.
    if i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        return None;
    }
    if i < bytes.len() && bytes[i] == b'"' {
        i += 1;
    }
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if i >= bytes.len() || !(bytes[i] == b'=' || bytes[i] == b':') {
        return None;
    }
    i += 1;
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'"') {
        i += 1;
    }
    let start = i;
    let end = text[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '&' | '"' | ',' | '}' | ';'))
        .map_or(text.len(), |n| start + n);
    if end == start || text[start..end].starts_with(REDACTED) {
        return None;
    }
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_masked_wherever_they_appear() {
        let line = redact(
            "sent abc123 and xabc123y and longer-abc123",
            &["longer-abc123", "abc123"],
        );
        assert_eq!(
            line,
            format!("sent {REDACTED} and x{REDACTED}y and {REDACTED}")
        );
    }

    #[test]
    fn values_after_markers_are_masked_even_unregistered() {
        for (text, hidden) in [
            ("Authorization: User u1, Organization o1", "u1"),
            ("GET /x?apiKey=k&apiSecret=s3cr3t&state=st4te", "s3cr3t"),
            ("GET /x?apiKey=k&apiSecret=s3cr3t&state=st4te", "st4te"),
            ("callback code=c0de&state=s", "c0de"),
            (r#"{"token": "t0ken", "id": 1}"#, "t0ken"),
            ("token=t0ken", "t0ken"),
            ("oauth.api.secret=shh", "shh"),
            ("password: hunter2", "hunter2"),
            ("elementToken=tk", "tk"),
            ("api_token=tk", "tk"),
        ] {
            let out = redact(text, &[]);
            assert!(!out.contains(hidden), "{text:?} -> {out:?}");
            assert!(out.contains(REDACTED), "{text:?} -> {out:?}");
        }
    }

    #[test]
    fn ordinary_words_are_left_alone() {
        for text in [
            "GET /elements/api-v2/instances -> 200 (12 ms)",
            "the server answered with status code 502",
            "encode=x statement: y",
            "retry 2 of 3 in 250 ms after 503",
        ] {
            assert_eq!(redact(text, &[]), text);
        }
    }

    #[test]
    fn terminal_masking_skips_only_very_short_secrets() {
        add_secret("q");
        add_secret("terminal-mask-secret");
        let shown = mask("q and terminal-mask-secret");
        assert_eq!(shown, format!("q and {REDACTED}"));
        assert!(holds_secret("x terminal-mask-secret y"));
        assert!(!holds_secret("q"));
    }

    #[test]
    fn masking_never_panics_on_odd_text() {
        for text in [
            "token",
            "token=",
            "code:",
            "Authorization:",
            "état=é",
            "token=é&x",
        ] {
            let _ = redact(text, &["é"]);
        }
    }
}
