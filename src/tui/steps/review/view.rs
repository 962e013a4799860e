//! Step 5: what will be created, as a summary, the request body and the
//! equivalent curl command.

use super::{is_secret_key, request};
use crate::tui::app::{App, ReviewView};
use crate::tui::widgets::draw::{indented, kv, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the step; returns how far its box can scroll.
pub fn render(app: &App, frame: &mut Frame, area: Rect) -> Option<u16> {
    let (Some(form), Some(spec), Some(req)) = (app.form(), app.spec(), request(app)) else {
        return None;
    };
    let t = &app.theme;
    let w = area.width as usize;
    let secrets = req
        .configuration
        .keys()
        .filter(|k| is_secret_key(form, k))
        .count();
    let mut summary = vec![
        Line::styled(format!("Review: a new {} instance", spec.name), t.title()),
        kv(
            t,
            "Name",
            14,
            vec![Span::styled(req.name.clone(), t.value())],
        ),
        kv(
            t,
            "Element",
            14,
            vec![Span::raw(format!("{} ({})", spec.name, spec.key))],
        ),
        kv(
            t,
            "Environment",
            14,
            vec![Span::raw(truncate(
                &app.connection.place(),
                w.saturating_sub(14),
            ))],
        ),
        kv(
            t,
            "Tags",
            14,
            vec![Span::raw(if req.tags.is_empty() {
                "none".to_string()
            } else {
                req.tags.join(", ")
            })],
        ),
        kv(
            t,
            "Configuration",
            14,
            vec![Span::raw(format!(
                "{} values, {secrets} secret{} ({})",
                req.configuration.len(),
                if secrets == 1 { "" } else { "s" },
                if app.review.reveal {
                    "shown: r hides them"
                } else {
                    "hidden: r shows them"
                }
            ))],
        ),
    ];
    if app.is_oauth() {
        summary.push(kv(
            t,
            "Authorization",
            14,
            vec![Span::styled(
                "✓ code received (used once, when creating)",
                t.success(),
            )],
        ));
    }
    let mut error_lines = vec![];
    if let Some(e) = &app.review.error {
        error_lines.extend(indented(
            &format!("✗ The last attempt failed: {}", e.message),
            0,
            w,
            t.error(),
        ));
        let mut detail = e.status.map(|s| format!("HTTP {s}")).unwrap_or_default();
        if let Some(id) = &e.request_id {
            detail.push_str(&format!(
                "{}requestId {id}",
                if detail.is_empty() { "" } else { " · " }
            ));
        }
        if let Some(p) = &e.provider_message {
            detail.push_str(&format!(" · provider: {p}"));
        }
        if !detail.is_empty() {
            error_lines.extend(indented(&detail, 2, w, t.dim()));
        }
        error_lines.extend(indented(&e.advice, 2, w, t.warning()));
    }
    let [top, errors, code] = Layout::vertical([
        Constraint::Length(summary.len() as u16),
        Constraint::Length(error_lines.len() as u16),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(summary), top);
    frame.render_widget(
        Paragraph::new(error_lines).wrap(Wrap { trim: false }),
        errors,
    );

    let secret = |k: &str| is_secret_key(form, k);
    let (title, text) = match app.review.view {
        ReviewView::Body => (
            " Request body · POST /instances ",
            req.to_json(app.review.reveal, &secret),
        ),
        ReviewView::Curl => (
            " Equivalent curl command ",
            // What `c` copies: hidden secrets as the variables to set.
            super::curl::copied_curl(&req, &app.connection.base_url(), app.review.reveal, &secret)
                .text,
        ),
    };
    let other = match app.review.view {
        ReviewView::Body => " Tab: curl ",
        ReviewView::Curl => " Tab: body ",
    };
    let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    let inner_height = code.height.saturating_sub(2) as usize;
    // Never scroll past the end, however often PgDn is pressed.
    let max_scroll = lines.len().saturating_sub(inner_height) as u16;
    let scroll = app.review.scroll.min(max_scroll);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::styled(title, t.accent()))
        .title(Line::styled(other, t.dim()).right_aligned());
    // A box cut at its bottom edge looks complete: say that it scrolls.
    if max_scroll > 0 {
        let first = scroll as usize + 1;
        let last = (scroll as usize + inner_height).min(lines.len());
        block = block.title_bottom(
            Line::styled(
                format!(" ↑/↓ scroll · lines {first}–{last} of {} ", lines.len()),
                t.dim(),
            )
            .right_aligned(),
        );
    }
    // The box and its text apart, so the text is drawn in the rows it
    // fills (see `text`).
    let inner = block.inner(code);
    frame.render_widget(block, code);
    crate::tui::widgets::draw::text(
        frame,
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
    Some(max_scroll)
}
