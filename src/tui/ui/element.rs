//! Step 2: the catalog, filtered by typing, with the highlighted element's
//! details.

use super::widgets::{input_spans, pad, scroll_start, text, truncate};
use crate::catalog::ElementSpec;
use crate::tui::app::{App, ListenerStatus};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let left_width = (area.width * 2 / 5).clamp(24, 40);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)])
        .spacing(1)
        .areas(area);
    let [title, filter, list] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(1),
    ])
    .areas(left);

    frame.render_widget(
        Paragraph::new(Line::styled("Choose an element", t.title())),
        title,
    );

    let label = "Filter: ";
    let (spans, cursor) = input_spans(
        t,
        &app.picker.filter,
        (filter.width as usize).saturating_sub(label.len()),
        false,
        Some("type to filter"),
        true,
    );
    let mut line = vec![Span::styled(label, t.accent())];
    line.extend(spans);
    let count = Line::styled(
        format!(
            "{} of {} elements",
            app.picker.matches.len(),
            app.specs.len()
        ),
        t.dim(),
    );
    frame.render_widget(Paragraph::new(vec![Line::from(line), count]), filter);
    if let Some(col) = cursor {
        frame.set_cursor_position((filter.x + label.len() as u16 + col, filter.y));
    }

    let height = list.height as usize;
    let start = scroll_start(app.picker.matches.len(), height, app.picker.selected, 0);
    let width = list.width as usize;
    let mut rows = vec![];
    for (pos, &i) in app
        .picker
        .matches
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
    {
        let spec = &app.specs[i];
        let selected = pos == app.picker.selected;
        let marker = if selected { "› " } else { "  " };
        let text = pad(&spec.name, width.saturating_sub(2));
        rows.push(Line::from(vec![
            Span::styled(marker, t.accent()),
            Span::styled(text, if selected { t.focused() } else { t.label() }),
        ]));
    }
    if app.picker.matches.is_empty() {
        rows.push(Line::styled("No match; Esc clears the filter", t.warning()));
    }
    text(frame, Paragraph::new(rows), list);

    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(t.border());
    let inner = block.inner(right);
    // Only the left edge is drawn: styling the whole pane would cost more
    // than its text.
    frame.render_widget(block, Rect { width: 1, ..right });
    if let Some(spec) = app.highlighted() {
        text(
            frame,
            Paragraph::new(details(app, spec, inner.width as usize)).wrap(Wrap { trim: false }),
            Rect {
                x: inner.x + 1,
                width: inner.width.saturating_sub(1),
                ..inner
            },
        );
    }
}

fn details(app: &App, spec: &ElementSpec, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = vec![
        Line::styled(spec.name.clone(), t.title()),
        Line::styled(spec.description.clone(), t.help()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Key       ", t.dim()),
            Span::raw(spec.key.clone()),
        ]),
        Line::from(vec![
            Span::styled("Hub       ", t.dim()),
            Span::raw(spec.hub.clone()),
        ]),
        Line::from(vec![
            Span::styled("Sign-in   ", t.dim()),
            Span::raw(spec.auth.label()),
        ]),
        Line::raw(""),
        Line::styled("Have these ready:", t.label()),
    ];
    for need in spec.needs() {
        lines.push(Line::raw(format!("  • {need}")));
    }
    if spec.auth.is_oauth() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Register this callback URL with the provider:",
            t.label(),
        ));
        lines.push(match &app.listener {
            ListenerStatus::Ready { callback_url } => {
                Line::styled(format!("  {callback_url}"), t.copyable())
            }
            ListenerStatus::Failed { port, message } => Line::styled(
                format!(
                    "  ✗ {}: {message}",
                    port.map_or("The listener".to_string(), |p| format!("Port {p}"))
                ),
                t.error(),
            ),
            _ => Line::styled("  (starting the listener…)", t.dim()),
        });
    }
    if let Some(url) = &spec.docs_url {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("Docs  ", t.dim()),
            Span::raw(truncate(url, width.saturating_sub(7))),
        ]));
    }
    lines
}
