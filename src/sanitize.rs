//! Text from outside (the platform, the cache, files) made safe to show.
//!
//! A terminal acts on what it is sent: an escape sequence in an element's
//! name can set the clipboard (OSC 52), retitle the window or move the
//! cursor, and a right-to-left override can make a line read other than it
//! is. Every platform string is cleaned once, where it enters: no C0 or C1
//! control characters (ESC among them), no DEL, no bidirectional overrides,
//! isolates or marks. Names keep one line; descriptions may keep their
//! line breaks.
//!
//! Values that are used as they are (tokens, URLs) are not cleaned, which
//! would change them, but checked: [`is_clean_token`], [`has_unsafe`].

use serde_json::Value;

/// Bidirectional formatting: the marks (U+061C, U+200E, U+200F), the
/// embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What a terminal may act on or reorder: C0 and C1 controls, DEL, the
/// line and paragraph separators, and bidirectional formatting.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

/// Characters that change how text is shown without being seen themselves:
/// bidirectional controls (which can make a value read differently from
/// what it is), zero-width characters and the byte-order mark. Letters of
/// right-to-left scripts are not among them.
pub fn is_invisible_format(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Whether `text` holds anything [`is_unsafe`].
pub fn has_unsafe(text: &str) -> bool {
    text.chars().any(is_unsafe)
}

/// A platform string made safe to print where a person should see that
/// something was there: control characters, the line and paragraph
/// separators and invisible formatting (which could rewrite the terminal
/// or reorder the line) become U+FFFD.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if is_unsafe(c) || is_invisible_format(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// One line: line breaks and tabs become spaces, every other unsafe
/// character is dropped. For names, keys, identifiers and messages.
pub fn line(text: &str) -> String {
    if !has_unsafe(text) {
        return text.to_string();
    }
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' | '\u{85}' => Some(' '),
            c if is_unsafe(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Text that may run over several lines (descriptions): line breaks are
/// kept (`\r\n` and a lone `\r` become `\n`), tabs become spaces, every
/// other unsafe character is dropped.
pub fn text(text: &str) -> String {
    if !has_unsafe(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\t' => out.push(' '),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// [`line`], in place.
pub fn clean_line(value: &mut String) {
    if has_unsafe(value) {
        *value = line(value);
    }
}

/// [`text`], in place.
pub fn clean_text(value: &mut String) {
    if has_unsafe(value) {
        *value = text(value);
    }
}

/// Every string inside a JSON value, object keys included, cleaned to one
/// line.
pub fn clean_json(value: &mut Value) {
    match value {
        Value::String(s) => clean_line(s),
        Value::Array(items) => items.iter_mut().for_each(clean_json),
        Value::Object(map) => {
            if map.keys().any(|k| has_unsafe(k)) {
                let old = std::mem::take(map);
                for (k, v) in old {
                    map.insert(line(&k), v);
                }
            }
            map.values_mut().for_each(clean_json);
        }
        _ => {}
    }
}

/// The one way JSON is written for people and scripts (every `--json`
/// output, the created instance, the copies the wizard makes): compact or
/// pretty, with every unsafe character that serde_json leaves as it is (C1
/// controls, DEL, the line separators, bidi formatting) written as a
/// `\uXXXX` escape. Such characters can only stand inside strings (the rest
/// of JSON is ASCII), where the escape means the same character, so the
/// text is safe on a terminal and reads back as the same value.
pub fn write_json<W, T>(out: W, value: &T, pretty: bool) -> serde_json::Result<()>
where
    W: std::io::Write,
    T: serde::Serialize + ?Sized,
{
    value.serialize(&mut json_serializer(out, pretty))
}

/// [`write_json`] into a string.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only for a value that is not JSON (a map
    // with non-string keys), which no caller has.
    let _ = write_json(&mut out, value, pretty);
    String::from_utf8(out).unwrap_or_default()
}

/// The serializer behind [`write_json`], for a caller that writes a value
/// piece by piece (a list as it streams in).
pub fn json_serializer<W: std::io::Write>(
    out: W,
    pretty: bool,
) -> serde_json::Serializer<W, SafeJson> {
    serde_json::Serializer::with_formatter(
        out,
        SafeJson {
            pretty: pretty.then(serde_json::ser::PrettyFormatter::new),
        },
    )
}

/// serde_json's compact or pretty formatter, escaping what [`is_unsafe`]
/// and serde_json leaves (see [`write_json`]).
pub struct SafeJson {
    pretty: Option<serde_json::ser::PrettyFormatter<'static>>,
}

macro_rules! layout {
    ($($name:ident),* $(,)?) => {$(
        fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
            match &mut self.pretty {
                Some(p) => p.$name(w),
                None => serde_json::ser::CompactFormatter.$name(w),
            }
        }
    )*};
}

macro_rules! layout_first {
    ($($name:ident),* $(,)?) => {$(
        fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
            match &mut self.pretty {
                Some(p) => p.$name(w, first),
                None => serde_json::ser::CompactFormatter.$name(w, first),
            }
        }
    )*};
}

impl serde_json::ser::Formatter for SafeJson {
    layout!(
        begin_array,
        end_array,
        end_array_value,
        begin_object,
        end_object,
        begin_object_value,
        end_object_value,
    );
    layout_first!(begin_array_value, begin_object_key);

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Below DEL, serde_json has escaped every control already.
        let needs_escape = |c: char| u32::from(c) >= 0x7f && is_unsafe(c);
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| needs_escape(*c)) {
            w.write_all(&rest.as_bytes()[..at])?;
            // Every such character is in the Basic Multilingual Plane.
            write!(w, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}

/// Whether a token (an element token, a key) can be printed or copied as it
/// is: not empty, and nothing unsafe and no white space in it.
pub fn is_clean_token(token: &str) -> bool {
    !token.is_empty() && !token.chars().any(|c| is_unsafe(c) || c.is_whitespace())
}

/// `text` with every unsafe character written as `\u{…}`, for showing a
/// refused value without letting the terminal act on it.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The longest name or label shown; longer ones are cut (a 10 MB name
/// would make every keypress in the picker slow).
pub const MAX_NAME_CHARS: usize = 200;
/// The longest description shown, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 4096;

/// `text` cut to at most `max` characters, the last of them `…` when it
/// was cut; whether it was.
pub fn truncate_chars(text: &mut String, max: usize) -> bool {
    if text.char_indices().nth(max).is_none() {
        return false;
    }
    let at = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    text.truncate(at);
    text.push('…');
    true
}

/// `text` cut to at most `max` bytes, on a character boundary; whether it
/// was cut.
pub fn truncate_bytes(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut at = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text.truncate(at);
    text.push('…');
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}]52;c;ZWNobyBoaQ==\u{7}b\u{9b}2Jc\u{202e}d\u{2067}e\u{0}f\u{7f}g";

    #[test]
    fn lines_lose_every_control_and_bidi_character() {
        assert_eq!(line(HOSTILE), "a]52;c;ZWNobyBoaQ==b2Jcdefg");
        assert_eq!(line("two\nlines\r\tand tab"), "two lines  and tab");
        assert_eq!(line("plain ünïcode 名前"), "plain ünïcode 名前");
        assert!(!has_unsafe(&line(HOSTILE)));
    }

    #[test]
    fn texts_keep_their_line_breaks_only() {
        assert_eq!(
            text("one\r\ntwo\rthree\n\u{1b}[2Jfour\t5"),
            "one\ntwo\nthree\n[2Jfour 5"
        );
        assert!(!has_unsafe(&text(HOSTILE).replace('\n', "")));
    }

    #[test]
    fn json_strings_and_keys_are_cleaned() {
        let mut v = serde_json::json!({"k\u{1b}": ["x\u{9b}y", {"z": "\u{202e}w"}], "n": 1});
        clean_json(&mut v);
        assert_eq!(v, serde_json::json!({"k": ["xy", {"z": "w"}], "n": 1}));
    }

    #[test]
    fn json_escapes_what_a_terminal_acts_on_compact_and_pretty_alike() {
        let v = serde_json::json!({"n\u{9b}": [HOSTILE, "plain \u{7f}\u{2028}\u{200f}ünï"]});
        for pretty in [false, true] {
            let text = json_text(&v, pretty);
            assert!(!has_unsafe(&text.replace('\n', "")), "{text:?}");
            assert!(
                text.contains("\\u009b") && text.contains("\\u007f"),
                "{text}"
            );
            assert!(text.contains("ünï"), "other text stays as it is: {text}");
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v, "the same JSON");
            assert_eq!(text.contains('\n'), pretty);
        }
        assert_eq!(
            json_text(&serde_json::json!([1, {"a": null}]), true),
            serde_json::to_string_pretty(&serde_json::json!([1, {"a": null}])).unwrap()
        );
    }

    #[test]
    fn tokens_with_controls_or_spaces_are_not_clean() {
        assert!(is_clean_token("abcDEF123+/=_-.~"));
        for bad in ["", "a b", "a\nb", "a\u{1b}b", "a\u{202e}b", "a\u{85}b"] {
            assert!(!is_clean_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn escaped_text_shows_controls_as_codes() {
        assert_eq!(escaped("java\u{1b}script:\\x"), "java\\u{1b}script:\\\\x");
        assert!(!has_unsafe(&escaped(HOSTILE)));
    }

    #[test]
    fn every_bidi_control_counts_as_invisible_formatting() {
        // One list of bidi controls for both checks: a value the form or
        // the config refuses as invisible formatting covers every one the
        // terminal cleaning drops, the Arabic letter mark included.
        for c in ('\u{0}'..='\u{FFFF}').filter(|c| is_bidi_control(*c)) {
            assert!(is_invisible_format(c), "U+{:04X}", u32::from(c));
        }
        for c in ['\u{200B}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{AD}'] {
            assert!(is_invisible_format(c), "U+{:04X}", u32::from(c));
        }
        for c in ['a', '\u{5D0}', '\u{627}', ' '] {
            assert!(!is_invisible_format(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn truncation_keeps_character_boundaries() {
        let mut s = "ééééé".to_string();
        assert!(truncate_chars(&mut s, 3));
        assert_eq!(s, "éé…");
        let mut s = "ééééé".to_string();
        assert!(truncate_bytes(&mut s, 6));
        assert!(s.len() <= 6 && s.ends_with('…'), "{s}");
        let mut s = "short".to_string();
        assert!(!truncate_bytes(&mut s, 10) && !truncate_chars(&mut s, 5));
    }
}
