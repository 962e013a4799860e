//! Windows drawn over a step: the key help and the quit confirmation.

use super::widgets::{centered, pad};
use crate::tui::app::{App, Overlay};
use crate::tui::keymap;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    match app.overlay {
        Some(Overlay::Help) => help(app, frame, area),
        Some(Overlay::ConfirmQuit) => confirm_quit(app, frame, area),
        None => {}
    }
}

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    // The keys of the step under the overlay, not of the overlay itself.
    let under = keymap::step_bindings(app);
    let text_focus = keymap::step_text_focus(app);
    let mut lines = vec![Line::styled(
        format!("Keys on this screen ({})", app.step.title()),
        t.title(),
    )];
    let mut seen = std::collections::HashSet::new();
    for b in under {
        if !seen.insert((b.label, b.description)) {
            continue;
        }
        lines.push(Line::from(vec![
            Span::styled(pad(b.label, 14), t.key()),
            Span::raw(b.description),
        ]));
    }
    if text_focus {
        lines.push(Line::raw(""));
        lines.push(Line::styled("In a text field", t.title()));
        for (k, d) in keymap::EDITING_KEYS {
            lines.push(Line::from(vec![
                Span::styled(pad(k, 16), t.key()),
                Span::raw(*d),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Nothing you type is lost by going back. Esc closes this help.",
        t.dim(),
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 64.min(area.width), height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.accent())
                .title(" Help "),
        ),
        rect,
    );
}

fn confirm_quit(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let lines = vec![
        Line::styled("Quit ce-wizard?", t.title()),
        Line::raw("What you typed is not saved anywhere."),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", t.key()),
            Span::raw(" quit   "),
            Span::styled("n", t.key()),
            Span::raw("/"),
            Span::styled("Esc", t.key()),
            Span::raw(" keep going"),
        ]),
    ];
    let rect = centered(area, 44, 6);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.error()),
        ),
        rect,
    );
}
