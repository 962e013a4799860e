//! Drawing helpers shared by the step screens.

use super::TextField;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// A text input as spans within `width` columns, and the cursor column when
/// it has focus. An empty input shows its placeholder dimmed.
pub fn input_spans(
    theme: &Theme,
    field: &TextField,
    width: usize,
    masked: bool,
    placeholder: Option<&str>,
    focused: bool,
) -> (Vec<Span<'static>>, Option<u16>) {
    if field.is_empty() {
        let spans = match placeholder {
            Some(p) => vec![Span::styled(
                truncate(p, width.saturating_sub(1)),
                theme.placeholder(),
            )],
            None => vec![],
        };
        return (spans, focused.then_some(0));
    }
    if !focused {
        let shown = field.view_from_start(width, masked);
        return (vec![Span::styled(shown, theme.value())], None);
    }
    let (shown, cursor) = field.view(width, masked);
    (
        vec![Span::styled(shown, theme.value())],
        Some(cursor as u16),
    )
}

/// Draws a paragraph in the rows of `area` it fills. ratatui styles every
/// cell of a paragraph's area, twice, blank rows included: on a 250x70
/// terminal that was a third of the instructions of a keystroke
/// (docs/performance.md). The rows below the text are blank either way.
pub fn text(frame: &mut Frame, paragraph: Paragraph, area: Rect) {
    let rows = paragraph
        .line_count(area.width)
        .min(usize::from(area.height));
    frame.render_widget(
        paragraph,
        Rect {
            height: rows as u16,
            ..area
        },
    );
}

/// Like [`text`], for a paragraph that does not scroll: cut by a short
/// area, its last row shown ends with `…`, so a sentence cut mid-way does
/// not read as complete.
pub fn text_marked(frame: &mut Frame, paragraph: Paragraph, area: Rect) {
    let cut = paragraph.line_count(area.width) > usize::from(area.height);
    text(frame, paragraph, area);
    if !cut || area.height == 0 || area.width == 0 {
        return;
    }
    let y = area.y + area.height - 1;
    let buf = frame.buffer_mut();
    let right = area.x + area.width;
    let end = (area.x..right)
        .rev()
        .find(|&x| buf[(x, y)].symbol() != " ")
        .map_or(area.x, |x| x + 1);
    // After the row's text, with a space; over its last column when full.
    let x = if end + 1 < right { end + 1 } else { right - 1 };
    buf[(x, y)].set_symbol("…");
}

/// Cuts a string to `width` columns, ending with `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Whether a word is a link a terminal would let someone click or copy:
/// split over two lines, neither half works.
pub fn is_link(word: &str) -> bool {
    word.contains("://") || word.starts_with("www.")
}

/// A string cut to `width` columns in its middle, `…` where it was cut,
/// so both ends (a link's host and its last path segment) stay readable.
/// The start gets the larger share: it says where a link goes.
pub fn shorten_middle(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width <= 1 {
        return "…".repeat(width);
    }
    let room = width - 1;
    let head_room = room - room * 2 / 5;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > head_room {
            break;
        }
        head.push(c);
        used += w;
    }
    let tail_room = room - used;
    let mut tail: Vec<char> = vec![];
    let mut used = 0;
    for c in s.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        tail.push(c);
        used += w;
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// Greedy word wrap to `width` columns; words longer than a line are cut,
/// except links, which are never split over lines: one longer than a line
/// is shortened in its middle instead.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = if is_link(word) {
            shorten_middle(word, width)
        } else {
            word.to_string()
        };
        loop {
            let sep = usize::from(!line.is_empty());
            if line.width() + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than the line: cut it.
            let mut head = String::new();
            let mut rest = String::new();
            for c in word.chars() {
                if rest.is_empty()
                    && head.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
                        <= width
                {
                    head.push(c);
                } else {
                    rest.push(c);
                }
            }
            if head.is_empty() {
                // Even one character does not fit; give up on this word.
                break;
            }
            lines.push(head);
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` wrapped to `width`, every line after an `indent` of spaces.
pub fn indented(
    text: &str,
    indent: usize,
    width: usize,
    style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    wrap(text, width.saturating_sub(indent))
        .into_iter()
        .map(|l| Line::styled(format!("{}{l}", " ".repeat(indent)), style))
        .collect()
}

/// Pads a label to a column width.
pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        truncate(s, width)
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A key–value line: `label` padded, then the value spans.
pub fn kv(theme: &Theme, label: &str, width: usize, value: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = vec![Span::styled(pad(label, width), theme.dim())];
    spans.extend(value);
    Line::from(spans)
}

/// Rows `start..start+height` of a list, scrolled so `focus` (and the
/// `after` rows following it) stay visible.
pub fn scroll_start(total: usize, height: usize, focus: usize, after: usize) -> usize {
    if total <= height || height == 0 {
        return 0;
    }
    let want_end = (focus + 1 + after).min(total);
    want_end.saturating_sub(height).min(focus)
}

/// The first row of a list of `total` rows shown `height` at a time, moved
/// from where it was (`previous`) only as far as needed to show `selected`,
/// so the selection walks through a still page and the list scrolls one
/// row at a time at its edges.
pub fn list_offset(previous: usize, selected: usize, height: usize, total: usize) -> usize {
    if total <= height || height == 0 {
        return 0;
    }
    let mut start = previous.min(total - height);
    if selected < start {
        start = selected;
    } else if selected >= start + height {
        start = selected + 1 - height;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_scrolls_only_when_the_selection_leaves_it() {
        // Everything fits.
        assert_eq!(list_offset(7, 3, 10, 8), 0);
        // Moving down inside the page keeps it; past the end scrolls by one.
        assert_eq!(list_offset(0, 9, 10, 100), 0);
        assert_eq!(list_offset(0, 10, 10, 100), 1);
        // Moving up inside the page keeps it; above it scrolls to it.
        assert_eq!(list_offset(40, 45, 10, 100), 40);
        assert_eq!(list_offset(40, 39, 10, 100), 39);
        // A jump (End, PgDn, a new filter) shows the selection.
        assert_eq!(list_offset(0, 99, 10, 100), 90);
        assert_eq!(list_offset(90, 0, 10, 100), 0);
        // A list that got shorter never leaves empty rows below it.
        assert_eq!(list_offset(90, 5, 10, 12), 2);
        assert_eq!(list_offset(3, 0, 0, 12), 0);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("日本語", 4), "日…");
    }

    #[test]
    fn wrapping_by_words_and_cutting_long_ones() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("日本語 テキスト", 6), ["日本語", "テキス", "ト"]);
        for w in 1..12 {
            assert!(wrap("a very long sentence, with commas", w)
                .iter()
                .all(|l| l.width() <= w));
        }
    }

    #[test]
    fn links_are_never_split_over_lines() {
        let link = "https://app.example.com/ce-events";
        let lines = wrap(&format!("Must be a URL, e.g. {link} or so"), 40);
        assert!(lines.iter().any(|l| l.contains(link)), "{lines:?}");
        // Longer than a line: shortened in the middle, on one line.
        let lines = wrap(&format!("e.g. {link}"), 20);
        assert_eq!(lines, ["e.g.", "https://app.…-events"]);
        assert!(lines.iter().all(|l| l.width() <= 20));
        assert_eq!(shorten_middle("abcdefgh", 5), "abc…h");
        assert_eq!(shorten_middle("abc", 5), "abc");
        // Other long words are still cut to fit.
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn scrolling_keeps_focus_and_its_error_in_view() {
        assert_eq!(scroll_start(5, 10, 4, 1), 0);
        assert_eq!(scroll_start(20, 10, 3, 1), 0);
        assert_eq!(scroll_start(20, 10, 15, 1), 7);
        assert_eq!(scroll_start(20, 10, 19, 1), 10);
    }

    #[test]
    fn shortened_in_the_middle_to_the_exact_width() {
        let url = "https://provider.example/authorize?client_id=abc&state=xyz";
        assert_eq!(shorten_middle(url, 200), url);
        assert_eq!(shorten_middle(url, url.len()), url);
        let cut = shorten_middle(url, 30);
        assert_eq!(cut.width(), 30);
        let (head, tail) = cut.split_once('…').unwrap();
        assert!(url.starts_with(head) && url.ends_with(tail), "{cut}");
        assert!(head.len() > tail.len(), "where it goes matters most: {cut}");
        assert_eq!(shorten_middle(url, 1), "…");
        assert_eq!(shorten_middle(url, 0), "");
        // Wide characters are counted by their columns.
        let wide = "https://例え.jp/認可?状態=ありがとう";
        for w in 5..wide.width() {
            assert!(shorten_middle(wide, w).width() <= w, "{w}");
        }
    }
}
