//! A one-line text editor whose buffer is a [`Secret`].
//!
//! Every input of the wizard uses it, secret or not: holding all typed text
//! the same way means no value can slip into `Debug` output of the model, and
//! the buffer is zeroed when the field is dropped. (tui-input keeps a plain
//! `String` and derives `Debug`, which is why it is not used here.)

use crate::secret::Secret;
use std::fmt;
use unicode_width::UnicodeWidthChar;

/// Mask shown for each character of a hidden value.
pub const MASK: char = '•';

/// One editing operation, from a key press or a paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOp {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    WordLeft,
    WordRight,
    DeleteWordBack,
    DeleteToStart,
    DeleteToEnd,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct TextField {
    value: Secret,
    /// Cursor position in characters (not bytes), 0..=len.
    cursor: usize,
}

impl fmt::Debug for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TextField({} chars)", self.value.len())
    }
}

fn byte_index(s: &str, char_idx: usize) -> usize {
    s.char_indices().nth(char_idx).map_or(s.len(), |(i, _)| i)
}

impl TextField {
    pub fn new(value: &str) -> Self {
        let mut f = TextField::default();
        f.set(value);
        f
    }

    pub fn value(&self) -> &str {
        self.value.expose()
    }

    pub fn secret(&self) -> Secret {
        self.value.clone()
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn len(&self) -> usize {
        self.value.len()
    }

    /// Replaces the value and puts the cursor at its end.
    pub fn set(&mut self, value: &str) {
        self.value.set(value);
        self.cursor = self.len();
    }

    /// Inserts text at the cursor, as a paste does. One trailing line break
    /// is dropped: copying a line from a terminal or browser usually carries
    /// it, and nobody means it as part of a one-line value.
    pub fn insert_str(&mut self, text: &str) {
        let text = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .or_else(|| text.strip_suffix('\r'))
            .unwrap_or(text);
        let at = byte_index(self.value.expose(), self.cursor);
        self.value.insert_str(at, text);
        self.cursor += text.chars().count();
    }

    /// Applies one operation; returns whether the value changed.
    pub fn apply(&mut self, op: &EditOp) -> bool {
        let len = self.len();
        match op {
            EditOp::Insert(c) => {
                let at = byte_index(self.value.expose(), self.cursor);
                self.value.insert(at, *c);
                self.cursor += 1;
                true
            }
            EditOp::Backspace => {
                if self.cursor == 0 {
                    return false;
                }
                self.remove_range(self.cursor - 1, self.cursor);
                self.cursor -= 1;
                true
            }
            EditOp::Delete => {
                if self.cursor >= len {
                    return false;
                }
                self.remove_range(self.cursor, self.cursor + 1);
                true
            }
            EditOp::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            EditOp::Right => {
                self.cursor = (self.cursor + 1).min(len);
                false
            }
            EditOp::Home => {
                self.cursor = 0;
                false
            }
            EditOp::End => {
                self.cursor = len;
                false
            }
            EditOp::WordLeft => {
                self.cursor = self.word_start_before(self.cursor);
                false
            }
            EditOp::WordRight => {
                self.cursor = self.word_end_after(self.cursor);
                false
            }
            EditOp::DeleteWordBack => {
                let start = self.word_start_before(self.cursor);
                if start == self.cursor {
                    return false;
                }
                self.remove_range(start, self.cursor);
                self.cursor = start;
                true
            }
            EditOp::DeleteToStart => {
                if self.cursor == 0 {
                    return false;
                }
                self.remove_range(0, self.cursor);
                self.cursor = 0;
                true
            }
            EditOp::DeleteToEnd => {
                if self.cursor >= len {
                    return false;
                }
                self.remove_range(self.cursor, len);
                true
            }
        }
    }

    fn remove_range(&mut self, from: usize, to: usize) {
        let s = self.value.expose();
        let (a, b) = (byte_index(s, from), byte_index(s, to));
        self.value.remove_range(a..b);
    }

    fn chars(&self) -> Vec<char> {
        self.value.expose().chars().collect()
    }

    fn word_start_before(&self, from: usize) -> usize {
        let chars = self.chars();
        let mut i = from.min(chars.len());
        while i > 0 && !is_word_char(chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && is_word_char(chars[i - 1]) {
            i -= 1;
        }
        i
    }

    fn word_end_after(&self, from: usize) -> usize {
        let chars = self.chars();
        let mut i = from.min(chars.len());
        while i < chars.len() && !is_word_char(chars[i]) {
            i += 1;
        }
        while i < chars.len() && is_word_char(chars[i]) {
            i += 1;
        }
        i
    }

    /// The part of the value that fits in `width` columns with the cursor in
    /// view, and the cursor's column within it. Masked values show one
    /// [`MASK`] per character; each line-break character (`\n`, `\r`) shows
    /// as [`LINE_BREAK`] and a tab as a space, so a pasted line break reads
    /// as one (the value keeps it, for validation to report); other control
    /// characters and bidirectional formatting show as `�` so a pasted
    /// escape sequence is never sent to the terminal, and a value never
    /// reads other than it is.
    pub fn view(&self, width: usize, masked: bool) -> (String, usize) {
        self.view_around(self.cursor, width, masked)
    }

    /// The value as an unfocused field shows it: from its start, where an
    /// address or a name is recognised, cut with … on the right.
    pub fn view_from_start(&self, width: usize, masked: bool) -> String {
        self.view_around(0, width, masked).0
    }

    fn view_around(&self, cursor: usize, width: usize, masked: bool) -> (String, usize) {
        let chars: Vec<char> = if masked {
            vec![MASK; self.len()]
        } else {
            self.value.expose().chars().map(one_line_glyph).collect()
        };
        view_window(&chars, cursor, width)
    }
}

/// What a multi-line value shows in a box `width` columns wide and at most
/// `rows` lines high: the lines in view (the cursor's line scrolled to show
/// the cursor, the others from their start) and the cursor's row and
/// column within them.
pub struct LinesView {
    pub lines: Vec<String>,
    pub cursor: (usize, usize),
    /// Lines of the value above and below the ones in view.
    pub hidden: (usize, usize),
}

impl TextField {
    /// A view of a multi-line value (see [`LinesView`]); the first lines
    /// unless `follow` asks for the cursor's.
    pub fn lines_view(&self, width: usize, rows: usize, follow: bool) -> LinesView {
        let rows = rows.max(1);
        let text = self.value.expose();
        let mut cursor = (0, 0);
        let mut seen = 0;
        let all: Vec<Vec<char>> = text
            .split('\n')
            .enumerate()
            .map(|(i, line)| {
                let chars: Vec<char> = line
                    .chars()
                    .map(|c| {
                        if crate::sanitize::is_unsafe(c) {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect();
                if (seen..=seen + chars.len()).contains(&self.cursor) {
                    cursor = (i, self.cursor - seen);
                }
                seen += chars.len() + 1;
                chars
            })
            .collect();
        let first = if follow {
            cursor.0.saturating_sub(rows - 1)
        } else {
            0
        };
        let last = (first + rows).min(all.len());
        let mut lines = vec![];
        let mut col = 0;
        for (i, chars) in all.iter().enumerate().take(last).skip(first) {
            let at = if follow && i == cursor.0 { cursor.1 } else { 0 };
            let (shown, c) = view_window(chars, at, width);
            if i == cursor.0 {
                col = c;
            }
            lines.push(shown);
        }
        LinesView {
            lines,
            cursor: (cursor.0.saturating_sub(first), col),
            hidden: (first, all.len() - last),
        }
    }
}

/// How a one-line view shows a line break inside the value.
pub const LINE_BREAK: char = '⏎';

fn one_line_glyph(c: char) -> char {
    match c {
        '\n' | '\r' => LINE_BREAK,
        '\t' => ' ',
        c if crate::sanitize::is_unsafe(c) => '\u{FFFD}',
        c => c,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn col_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Where a value is cut to fit, this stands for what is not shown.
pub const CUT: char = '…';

/// Scrolls horizontally so the cursor stays visible, leaving one column for
/// the cursor at the end of the text. A value cut on either side shows
/// [`CUT`] where it was cut, so `https://` scrolled off the left never
/// leaves an address that looks complete and wrong.
fn view_window(chars: &[char], cursor: usize, width: usize) -> (String, usize) {
    if width == 0 {
        return (String::new(), 0);
    }
    let cursor = cursor.min(chars.len());
    if let Some(col) = whole_fits(chars, cursor, width) {
        return (chars.iter().collect(), col);
    }
    if width < 4 {
        return bare_window(chars, cursor, width);
    }
    // Columns left of the cursor: the width less the cursor's own cell and,
    // with text after the cursor, the right-hand mark. The walk follows the
    // width, not the value's length, so a pasted 100 KB value draws as
    // fast as a short one.
    let right_mark = usize::from(cursor < chars.len());
    let cursor_cell = chars.get(cursor).map_or(1, |&c| col_width(c).max(1));
    let budget = width - right_mark - cursor_cell;
    let mut start = cursor;
    let mut col = 0;
    while start > 0 && col + col_width(chars[start - 1]) <= budget {
        col += col_width(chars[start - 1]);
        start -= 1;
    }
    if start > 0 {
        // Room for the left-hand mark.
        while col + 1 > budget && start < cursor {
            col -= col_width(chars[start]);
            start += 1;
        }
    }
    let left = usize::from(start > 0);
    let room = width - left;
    let mut end = start;
    let mut used = 0;
    while end < chars.len() && used + col_width(chars[end]) <= room {
        used += col_width(chars[end]);
        end += 1;
    }
    let cut_right = end < chars.len();
    if cut_right {
        while used + 1 > room && end > start {
            end -= 1;
            used -= col_width(chars[end]);
        }
    }
    let mut out = String::new();
    if left == 1 {
        out.push(CUT);
    }
    out.extend(&chars[start..end]);
    if cut_right {
        out.push(CUT);
    }
    (out, left + col)
}

/// The cursor's column when the whole value fits (with a column for the
/// cursor after it when it is at the end); `None` when it does not. Stops
/// as soon as the width is passed.
fn whole_fits(chars: &[char], cursor: usize, width: usize) -> Option<usize> {
    let mut used = 0;
    let mut col = 0;
    for (i, &c) in chars.iter().enumerate() {
        if i == cursor {
            col = used;
        }
        used += col_width(c);
        if used > width {
            return None;
        }
    }
    if cursor == chars.len() {
        col = used;
        if used + 1 > width {
            return None;
        }
    }
    Some(col)
}

/// Too narrow for marks: the plain window around the cursor.
fn bare_window(chars: &[char], cursor: usize, width: usize) -> (String, usize) {
    let mut start = cursor;
    let mut cursor_col = 0;
    while start > 0 {
        let w = col_width(chars[start - 1]);
        if cursor_col + w + 1 > width {
            break;
        }
        cursor_col += w;
        start -= 1;
    }
    let mut out = String::new();
    let mut used = 0;
    for &c in &chars[start..] {
        let w = col_width(c);
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    (out, cursor_col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_values_show_the_cursor_line() {
        let mut f = TextField::new("first\nsecond line\nthird");
        let v = f.lines_view(20, 5, true);
        assert_eq!(v.lines, ["first", "second line", "third"]);
        assert_eq!(v.cursor, (2, 5));
        assert_eq!(v.hidden, (0, 0));
        // The cursor right after a line break is at the next line's start.
        for _ in 0..5 {
            f.apply(&EditOp::Left);
        }
        assert_eq!(f.lines_view(20, 5, true).cursor, (2, 0));
        f.apply(&EditOp::Left);
        assert_eq!(f.lines_view(20, 5, true).cursor, (1, 11));
        // Two rows: the cursor's line is the last in view.
        let v = f.lines_view(20, 2, true);
        assert_eq!(v.lines, ["first", "second line"]);
        f.apply(&EditOp::End);
        let v = f.lines_view(4, 2, true);
        assert_eq!(v.lines, ["sec…", "…rd"], "lines cut where they were cut");
        assert_eq!(v.cursor, (1, 3));
        assert_eq!(v.hidden, (1, 0));
        // Not following the cursor: the first lines, from their start.
        let v = f.lines_view(4, 2, false);
        assert_eq!(
            (v.lines, v.hidden),
            (vec!["fir…".into(), "sec…".into()], (0, 1))
        );
        let empty = TextField::default().lines_view(10, 3, true);
        assert_eq!((empty.lines, empty.cursor), (vec![String::new()], (0, 0)));
    }

    fn typed(s: &str) -> TextField {
        let mut f = TextField::default();
        for c in s.chars() {
            f.apply(&EditOp::Insert(c));
        }
        f
    }

    #[test]
    fn editing_in_the_middle_of_multibyte_text() {
        let mut f = typed("héllo wörld");
        f.apply(&EditOp::WordLeft);
        assert_eq!(f.cursor(), 6);
        f.apply(&EditOp::Backspace);
        assert_eq!(f.value(), "héllowörld");
        f.apply(&EditOp::Home);
        f.apply(&EditOp::Delete);
        assert_eq!(f.value(), "éllowörld");
        f.apply(&EditOp::End);
        f.apply(&EditOp::DeleteWordBack);
        assert_eq!(f.value(), "");
        assert_eq!(f.cursor(), 0);
    }

    #[test]
    fn kill_to_start_and_end() {
        let mut f = typed("abcdef");
        f.apply(&EditOp::Left);
        f.apply(&EditOp::Left);
        f.apply(&EditOp::DeleteToEnd);
        assert_eq!(f.value(), "abcd");
        f.apply(&EditOp::Left);
        f.apply(&EditOp::DeleteToStart);
        assert_eq!((f.value(), f.cursor()), ("d", 0));
        assert!(!f.apply(&EditOp::Backspace));
    }

    #[test]
    fn paste_inserts_at_cursor_and_drops_one_trailing_newline() {
        let mut f = typed("ab");
        f.apply(&EditOp::Left);
        f.insert_str("XY\n");
        assert_eq!(f.value(), "aXYb");
        assert_eq!(f.cursor(), 3);
        f.insert_str("1\n2");
        assert_eq!(
            f.value(),
            "aXY1\n2b",
            "inner line breaks stay for validation to report"
        );
    }

    #[test]
    fn long_values_scroll_to_keep_the_cursor_visible() {
        let f = typed("abcdefghijklmnopqrstuvwxyz");
        let (shown, col) = f.view(10, false);
        assert_eq!(shown, "…stuvwxyz");
        assert_eq!(col, 9);
        let mut g = f.clone();
        g.apply(&EditOp::Home);
        assert_eq!(g.view(10, false), ("abcdefghi…".to_string(), 0));
    }

    #[test]
    fn a_cut_value_shows_where_it_was_cut_and_keeps_the_cursor_in_view() {
        let url = "https://store-abc123.mybigcommerce.com/api/v2/";
        let mut f = typed(url);
        // Typing at the end: cut on the left, marked there.
        let (shown, col) = f.view(20, false);
        assert_eq!((shown.as_str(), col), ("…mmerce.com/api/v2/", 19));
        // At the start: cut on the right.
        f.apply(&EditOp::Home);
        assert_eq!(f.view(20, false), ("https://store-abc12…".to_string(), 0));
        // In the middle: cut on both sides, the cursor's character shown.
        for _ in 0..25 {
            f.apply(&EditOp::Right);
        }
        let (shown, col) = f.view(20, false);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().nth(col), url.chars().nth(25), "{shown} {col}");
        // Every width and cursor: never wider than the box, the cursor
        // inside it, and a mark wherever something is hidden.
        for width in 4..50 {
            for at in 0..=url.chars().count() {
                let mut g = typed(url);
                g.apply(&EditOp::Home);
                for _ in 0..at {
                    g.apply(&EditOp::Right);
                }
                let (shown, col) = g.view(width, false);
                let cols: usize = shown.chars().map(col_width).sum();
                assert!(cols <= width && col < width, "{width} {at}: {shown}");
                let inner = shown.trim_matches(CUT);
                assert!(url.contains(inner), "{width} {at}: {shown}");
                assert_eq!(shown.starts_with(CUT), !url.starts_with(inner));
                assert_eq!(shown.ends_with(CUT), !url.ends_with(inner));
            }
        }
        // Unfocused, from the start.
        assert_eq!(
            typed(url).view_from_start(20, false),
            "https://store-abc12…"
        );
        // Whole when it fits: no mark.
        assert_eq!(typed("short").view(20, false).0, "short");
    }

    #[test]
    fn wide_characters_never_split_and_never_panic() {
        let f = typed("日本語のテキスト");
        for width in 0..20 {
            let (shown, col) = f.view(width, false);
            let cols: usize = shown.chars().map(col_width).sum();
            assert!(cols <= width, "{width}: {shown}");
            assert!(col <= width);
        }
        let (shown, col) = f.view(7, false);
        assert_eq!((shown.as_str(), col), ("…スト", 5));
    }

    #[test]
    fn right_to_left_and_combining_text_is_kept_intact() {
        let mut f = typed("שלום e\u{301}");
        f.apply(&EditOp::Home);
        f.apply(&EditOp::WordRight);
        assert_eq!(f.cursor(), 4);
        assert_eq!(f.value(), "שלום e\u{301}");
        let _ = f.view(3, false);
    }

    #[test]
    fn masked_view_hides_the_value_and_debug_never_shows_it() {
        let f = typed("hunter2");
        assert_eq!(f.view(20, true).0, "•••••••");
        assert!(!format!("{f:?}").contains("hunter2"));
    }

    #[test]
    fn a_pasted_line_break_shows_as_one_and_never_as_a_junk_glyph() {
        for (pasted, view) in [
            ("one\ntwo", "one⏎two"),
            ("one\r\ntwo", "one⏎⏎two"),
            ("one\rtwo", "one⏎two"),
        ] {
            let mut f = TextField::default();
            f.insert_str(pasted);
            assert_eq!(f.value(), pasted, "the value keeps what was pasted");
            let (shown, _) = f.view(20, false);
            assert_eq!(shown, view, "{pasted:?}");
            assert!(!shown.contains('\u{FFFD}'));
        }
        let mut f = TextField::default();
        f.insert_str("a\tb\r");
        assert_eq!((f.value(), f.view(20, false).0.as_str()), ("a\tb", "a b"));
    }

    #[test]
    fn control_characters_are_never_drawn_raw() {
        let mut f = TextField::default();
        f.insert_str("a\u{1b}[31mb");
        assert_eq!(f.view(20, false).0, "a\u{FFFD}[31mb");
    }

    #[test]
    fn bidi_overrides_are_never_drawn_raw() {
        let f = TextField::new("ab\u{202e}cd\u{2067}e\u{2028}f");
        assert_eq!(f.view(20, false).0, "ab\u{FFFD}cd\u{FFFD}e\u{FFFD}f");
        assert_eq!(
            f.lines_view(20, 3, false).lines,
            ["ab\u{FFFD}cd\u{FFFD}e\u{FFFD}f"]
        );
    }
}
