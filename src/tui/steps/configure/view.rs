//! Step 3: the element's configuration form, then name and tags.

use super::control::{control, Control};
use super::form::{FormItem, FormState};
use crate::catalog::FieldSpec;
use crate::tui::app::App;
use crate::tui::widgets::draw::{indented, input_spans, pad, scroll_start, text, truncate, wrap};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (Some(form), Some(spec)) = (app.form(), app.spec()) else {
        return;
    };
    let t = &app.theme;
    let cut_note = spec.cut_note();
    // Where the form follows the platform rather than the bundled spec.
    let platform_note = (!spec.notes.is_empty()).then(|| spec.notes.join(" "));
    // On a short terminal the form gets the rows: the title loses its blank
    // line and the help its third.
    let short = area.height < SHORT_BODY;
    let title_height = match (&platform_note, short, cut_note) {
        (Some(_), true, _) => 2,
        (Some(_), false, _) => 3,
        (None, true, None) => 1,
        (None, _, _) => 2,
    };
    // Wide enough, the help sits in a column beside the form, level with
    // the focused field, instead of under the whole form.
    let side = area.width >= SIDE_HELP_MIN_WIDTH;
    let help_height = if side {
        0
    } else if short {
        3
    } else {
        4
    };
    let [title, body, help_area] = Layout::vertical([
        Constraint::Length(title_height),
        Constraint::Min(3),
        Constraint::Length(help_height),
    ])
    .areas(area);
    let (rows_area, side_area) = if side {
        let help_width = (area.width / 3).min(SIDE_HELP_MAX_WIDTH);
        let [rows, _, help, _] = Layout::horizontal([
            Constraint::Max(SIDE_FORM_MAX_WIDTH),
            Constraint::Length(3),
            Constraint::Length(help_width),
            Constraint::Fill(1),
        ])
        .areas(body);
        (rows, Some(help))
    } else {
        (body, None)
    };

    let title_line = Line::from(vec![
        Span::styled(format!("{}: configuration", spec.name), t.title()),
        Span::styled("   * required", t.dim()),
    ]);
    // A form cut down from absurd metadata says so where the form starts.
    let mut title_lines = vec![title_line];
    if let Some(note) = cut_note {
        title_lines.push(Line::styled(format!("Note: {note}"), t.warning()));
    }
    // A form that follows the platform rather than the bundled spec says
    // so; that note is long, so it wraps under the title.
    let wrap = platform_note.is_some();
    if let Some(note) = platform_note {
        title_lines.push(Line::styled(format!("Note: {note}"), t.warning()));
    }
    let mut title_paragraph = Paragraph::new(title_lines);
    if wrap {
        title_paragraph = title_paragraph.wrap(ratatui::widgets::Wrap { trim: true });
    }
    frame.render_widget(title_paragraph, title);

    let label_width = form
        .fields
        .iter()
        .map(|f| f.label.width() + 2)
        .chain([16])
        .max()
        .unwrap_or(16)
        .min(28);
    let value_x = 2 + label_width + 1;
    let value_width = (rows_area.width as usize).saturating_sub(value_x);

    let mut rows: Vec<Line> = vec![];
    let mut focus_row = 0;
    // Rows below the focused one that belong to it (more lines of a
    // multi-line value, its error), kept in view with it.
    let mut focus_after = 0;
    let mut cursor: Option<(usize, u16)> = None;
    for item in form.items() {
        let focused = item == form.focus;
        if focused {
            focus_row = rows.len();
        }
        let marker = Span::styled(if focused { "› " } else { "  " }, t.accent());
        let label_style = if focused { t.focused() } else { t.label() };
        let line = match &item {
            FormItem::Advanced => {
                let arrow = if form.advanced_open { "▾" } else { "▸" };
                Line::from(vec![
                    marker,
                    Span::styled(format!("{arrow} Advanced settings (optional)"), label_style),
                ])
            }
            _ => {
                let (label, required) = match &item {
                    FormItem::Field(k) => {
                        let f = form.field(k).expect("items come from fields");
                        (f.label.as_str(), f.required)
                    }
                    FormItem::Name => ("Instance name", true),
                    _ => ("Tags", false),
                };
                let mut spans = vec![
                    marker,
                    Span::styled(pad(label, label_width - 2), label_style),
                ];
                spans.push(Span::styled(
                    if required { " * " } else { "   " },
                    t.required(),
                ));
                match textarea(app, form, &item, value_width, focused) {
                    Some((first, more, cur)) => {
                        spans.push(first);
                        let row = rows.len();
                        if let Some((r, col)) = cur {
                            cursor = Some((row + r, col));
                        }
                        rows.push(Line::from(spans));
                        for l in more {
                            rows.push(Line::from(vec![Span::raw(" ".repeat(value_x)), l]));
                        }
                        push_notes(app, form, &item, value_x, rows_area.width, &mut rows);
                        if focused {
                            focus_after = rows.len() - row - 1;
                        }
                        continue;
                    }
                    None => {
                        let (value, cur) = value_spans(app, form, &item, value_width, focused);
                        if let Some(col) = cur {
                            cursor = Some((rows.len(), col));
                        }
                        spans.extend(value);
                        Line::from(spans)
                    }
                }
            }
        };
        rows.push(line);
        push_notes(app, form, &item, value_x, rows_area.width, &mut rows);
        if focused {
            focus_after = rows.len() - focus_row - 1;
        }
    }

    let height = rows_area.height as usize;
    // The focused row and what belongs to it (its error, the offer, a
    // warning) stay in view together, as far as the height allows.
    let start = scroll_start(rows.len(), height, focus_row, focus_after);
    // A form cut at either end looks complete: the rule under it says so.
    let hidden = [
        (start > 0).then_some("↑ more above"),
        (start + height < rows.len()).then_some("↓ more below"),
    ];
    let shown: Vec<Line> = rows.into_iter().skip(start).take(height).collect();
    text(frame, Paragraph::new(shown), rows_area);
    if let Some((row, col)) = cursor.filter(|(row, _)| (start..start + height).contains(row)) {
        let y = rows_area.y + (row - start) as u16;
        frame.set_cursor_position((rows_area.x + value_x as u16 + col, y));
    }

    if let Some(side_area) = side_area {
        let lines = help_column(app, form, side_area.width as usize);
        // Level with the focused row, as far down as the column allows.
        let level = focus_row.saturating_sub(start) as u16;
        let height = (lines.len() as u16).min(side_area.height);
        let y = side_area.y + level.min(side_area.height - height);
        text(
            frame,
            Paragraph::new(lines),
            Rect {
                y,
                height,
                ..side_area
            },
        );
        return;
    }
    let mut block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border());
    let hidden: Vec<&str> = hidden.into_iter().flatten().collect();
    if !hidden.is_empty() {
        block =
            block.title(Line::styled(format!(" {} ", hidden.join(" · ")), t.dim()).right_aligned());
    }
    let inner = block.inner(help_area);
    // Only the top edge is drawn (see `text`).
    frame.render_widget(
        block,
        Rect {
            height: help_area.height.min(1),
            ..help_area
        },
    );
    let mut lines = help_lines(app, form, inner.width as usize);
    // Cut short (a short terminal): the last line shown says so.
    let room = inner.height as usize;
    if lines.len() > room && room > 0 {
        lines.truncate(room);
        if let Some(last) = lines.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let cut = truncate(&format!("{text} …"), inner.width as usize);
            *last = Line::styled(cut, t.help());
        }
    }
    text(frame, Paragraph::new(lines), inner);
}

/// Where a note too long to sit under the value starts.
const NOTE_INDENT: usize = 4;
/// Fewer columns than this under the value is narrow for a note.
const NARROW_NOTE: usize = 40;

/// Below this many rows, the title and the help give rows to the form.
const SHORT_BODY: u16 = 16;
/// From this many columns, the help is a column beside the form.
const SIDE_HELP_MIN_WIDTH: u16 = 140;
const SIDE_HELP_MAX_WIDTH: u16 = 60;
/// Beside the help, the form is no wider than this: the help stays near
/// the values it explains.
const SIDE_FORM_MAX_WIDTH: u16 = 100;

/// The help as a side column: a rule on its left, wrapped to its width
/// by words (a link is never split over lines).
fn help_column(app: &App, form: &FormState, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    help_text(form)
        .into_iter()
        .flat_map(|p| wrap(&p, width.saturating_sub(2)))
        .map(|l| {
            Line::from(vec![
                Span::styled("│ ", t.border()),
                Span::styled(l, t.help()),
            ])
        })
        .collect()
}

/// Most lines of a multi-line value shown at once.
const TEXTAREA_ROWS: usize = 4;

/// The lines under a row: for the focused URL typed without its scheme,
/// the address it most likely means (Enter takes it) in place of the
/// error that says so; else its error; then its warning, which looks
/// different from an error because it does not block.
fn push_notes(
    app: &App,
    form: &FormState,
    item: &FormItem,
    value_x: usize,
    width: u16,
    rows: &mut Vec<Line<'static>>,
) {
    let t = &app.theme;
    let width = width as usize;
    // Under the value; on a narrow terminal, a note of more than a line
    // starts near the left edge instead, so it is not stacked a word a line.
    let narrow = width.saturating_sub(value_x) < NARROW_NOTE;
    let indented = |text: &str, style| {
        let at = if narrow && wrap(text, width.saturating_sub(value_x)).len() > 1 {
            NOTE_INDENT
        } else {
            value_x
        };
        indented(text, at, width, style)
    };
    let offer = (*item == form.focus).then(|| form.suggestion()).flatten();
    if let Some(note) = super::listener::note(app, item) {
        match note {
            super::listener::Note::Problem(text) => {
                rows.extend(indented(&format!("✗ {text}"), t.error()));
            }
            super::listener::Note::Starting => {
                rows.extend(indented("Starting the listener…", t.dim()));
            }
        }
    } else if let Some(s) = offer {
        // The arrow only where it fits on the address's line: alone on a
        // line of its own it would point at nothing.
        let arrow = if s.width() + 3 <= width.saturating_sub(value_x) {
            "→ "
        } else {
            ""
        };
        rows.extend(indented(
            &format!("{arrow}{}", crate::form::url_offer(&s)),
            t.accent(),
        ));
    } else if let Some(e) = form.errors.get(item) {
        rows.extend(indented(&format!("✗ {e}"), t.error()));
    }
    if let Some(w) = form.warnings.get(item) {
        rows.extend(indented(&format!("! {w}"), t.warning()));
    }
}

/// A multi-line field's value: its first line, the lines below it, and
/// where the cursor is (row from the first line, column). `None` for any
/// other row.
#[allow(clippy::type_complexity)]
fn textarea(
    app: &App,
    form: &FormState,
    item: &FormItem,
    width: usize,
    focused: bool,
) -> Option<(Span<'static>, Vec<Span<'static>>, Option<(usize, u16)>)> {
    let t = &app.theme;
    let FormItem::Field(k) = item else {
        return None;
    };
    let f = form.field(k)?;
    let input = form.inputs.get(k)?;
    if control(f.kind) != Control::Lines || input.is_empty() {
        return None;
    }
    // Unfocused, it takes two rows at most: the form stays readable.
    let rows = if focused { TEXTAREA_ROWS } else { 2 };
    let view = input.lines_view(width, rows, focused);
    let mut lines = view.lines.into_iter();
    let first = lines.next().unwrap_or_default();
    let mut more: Vec<Span<'static>> = lines.map(|l| Span::styled(l, t.value())).collect();
    if view.hidden.1 > 0 {
        more.push(Span::styled(
            format!(
                "… {} more line{}",
                view.hidden.1,
                if view.hidden.1 == 1 { "" } else { "s" }
            ),
            t.dim(),
        ));
    }
    let cursor = focused.then_some((view.cursor.0, view.cursor.1 as u16));
    Some((Span::styled(first, t.value()), more, cursor))
}

fn value_spans(
    app: &App,
    form: &FormState,
    item: &FormItem,
    width: usize,
    focused: bool,
) -> (Vec<Span<'static>>, Option<u16>) {
    let t = &app.theme;
    match item {
        FormItem::Name => input_spans(t, &form.name, width, false, None, focused),
        FormItem::Tags => input_spans(
            t,
            &form.tags,
            width,
            false,
            Some("comma separated, e.g. production, eu"),
            focused,
        ),
        FormItem::Field(k) => {
            let f = form.field(k).expect("items come from fields");
            let value = form.value(k);
            match control(f.kind) {
                Control::Checkbox => {
                    let on = value == "true";
                    (
                        vec![Span::styled(
                            if on { "[x] yes" } else { "[ ] no" },
                            t.value(),
                        )],
                        None,
                    )
                }
                Control::Choices => (vec![Span::styled(format!("‹ {value} ›"), t.value())], None),
                c @ (Control::Line { .. } | Control::Lines) => {
                    let input = form.inputs.get(k).expect("every field has an input");
                    let hidden = c == Control::Line { masked: true };
                    let masked = hidden && !form.revealed.contains(k);
                    let placeholder = f.example.as_deref().map(|e| format!("e.g. {e}"));
                    input_spans(t, input, width, masked, placeholder.as_deref(), focused)
                }
            }
        }
        FormItem::Advanced => (vec![], None),
    }
}

fn help_lines(app: &App, form: &FormState, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    help_text(form)
        .into_iter()
        .flat_map(|p| wrap(&p, width))
        .map(|l| Line::styled(l, t.help()))
        .collect()
}

fn help_text(form: &FormState) -> Vec<String> {
    let text = match &form.focus {
        FormItem::Field(k) => {
            let f = form.field(k).expect("focus is on a field");
            field_help(form, f)
        }
        FormItem::Advanced => format!(
            "Optional settings every element accepts; each is sent only when changed from its default. {}",
            if form.advanced_open {
                "Enter goes into them; Space folds them."
            } else {
                "Enter shows them and goes into them."
            }
        ),
        FormItem::Name => "A name that tells this instance apart in the console and in `ce-wizard` output.".into(),
        FormItem::Tags => "Optional labels for finding the instance later, separated by commas. Enter on this last field goes to the review.".into(),
    };
    vec![text]
}

fn field_help(form: &FormState, f: &FieldSpec) -> String {
    let mut text = f.help.clone();
    if let Some(template) = &f.derive {
        let source = template
            .trim_start_matches('{')
            .split('}')
            .next()
            .unwrap_or("");
        let from = if source == "callback_url" {
            "the wizard's callback URL".to_string()
        } else {
            form.field(source)
                .map_or(source.to_string(), |s| s.label.clone())
        };
        if form.edited.contains(&f.key) {
            text.push_str(&format!(" Edited by you; clear it to follow {from} again."));
        } else {
            text.push_str(&format!(" Filled in from {from} until you edit it."));
        }
    }
    match control(f.kind) {
        Control::Line { masked: true } => text.push_str(" Hidden; Ctrl-R shows it."),
        Control::Lines => text.push_str(" Several lines: Ctrl-J (or Alt-Enter) starts a new one."),
        Control::Line { masked: false } | Control::Checkbox | Control::Choices => {}
    }
    text
}
