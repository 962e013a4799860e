//! Windows drawn over a step: the key help and the quit confirmation.

use crate::tui::app::{App, CreatePhase, Overlay};
use crate::tui::step::Step;
use crate::tui::steps::focused_input;
use crate::tui::update;
use crate::tui::widgets::draw::{centered, pad, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// What the words on these screens mean, for someone new to the platform.
const WORDS: &str = "An element is Cloud Elements' connector to one service (a store, a CRM). \
An instance is your account at that service, connected through the element. \
Its token, with your user and organization secrets, authorizes calls through it.";

/// Draws the open overlay; for the help, returns how far it can scroll.
pub fn render(app: &App, frame: &mut Frame, area: Rect) -> Option<u16> {
    match app.overlay {
        Some(Overlay::Help) => Some(help(app, frame, area)),
        Some(Overlay::ConfirmQuit) => {
            confirm_quit(app, frame, area);
            None
        }
        None => None,
    }
}

fn help(app: &App, frame: &mut Frame, area: Rect) -> u16 {
    let t = &app.theme;
    // The keys of the step under the overlay, not of the overlay itself.
    let under = update::step_bindings(app);
    let text_focus = focused_input(app).is_some();
    let width = 76.min(area.width);
    let inner = (width as usize).saturating_sub(2);
    const KEYS: usize = 16;
    // The key in its column, the description wrapped beside it.
    let row = |k: &str, d: &str| -> Vec<Line<'static>> {
        wrap(d, inner.saturating_sub(KEYS))
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let key = if i == 0 {
                    pad(k, KEYS)
                } else {
                    " ".repeat(KEYS)
                };
                Line::from(vec![Span::styled(key, t.key()), Span::raw(part)])
            })
            .collect()
    };
    let mut lines = vec![Line::styled(
        format!("Keys on this screen ({})", app.step.title()),
        t.title(),
    )];
    let mut seen = std::collections::HashSet::new();
    for b in under {
        if seen.insert((b.label, b.help_text())) {
            lines.extend(row(b.label, b.help_text()));
        }
    }
    if text_focus {
        lines.push(Line::raw(""));
        lines.push(Line::styled("In a text field", t.title()));
        for (k, d) in update::editing_keys(app) {
            lines.extend(row(k, d));
        }
    }
    lines.push(Line::raw(""));
    let closing = if app.step == Step::Done {
        "Esc closes this help."
    } else {
        "Nothing you type is lost by going back. Esc closes this help."
    };
    lines.extend(
        wrap(closing, inner)
            .into_iter()
            .map(|l| Line::styled(l, t.dim())),
    );
    // What the words mean comes last: the keys matter more on a short
    // screen, where the help scrolls to it.
    lines.push(Line::raw(""));
    lines.extend(
        wrap(WORDS, inner)
            .into_iter()
            .map(|l| Line::styled(l, t.help())),
    );
    let height = (lines.len() as u16 + 2).min(area.height);
    let shown = height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(shown);
    let scroll = app.help_scroll.min(max_scroll);
    let rect = centered(area, width, height);
    // The columns beside the window are cleared too: a glyph of the screen
    // under it, cut at the window's edge, reads as part of the help.
    let margin = Rect {
        x: rect.x.saturating_sub(2).max(area.x),
        width: (rect.width + 4).min(area.width),
        ..rect
    };
    frame.render_widget(Clear, margin);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.accent())
        .title(" Help ");
    // A cut list must say so, or a missing key reads as no key.
    if max_scroll > 0 {
        let more = match (scroll > 0, scroll < max_scroll) {
            (false, _) => " ↓ more below: ↑/↓ scroll ",
            (true, true) => " ↑↓ more: ↑/↓ scroll ",
            (true, false) => " ↑ more above ",
        };
        block = block.title_bottom(Line::styled(more, t.accent()).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), rect);
    max_scroll
}

fn confirm_quit(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut lines = vec![Line::styled("Quit ce-wizard?", t.title())];
    let creating = app.step == Step::Creating
        && app
            .creating
            .as_ref()
            .is_some_and(|c| c.phase == CreatePhase::Sending);
    if app.step == Step::Done {
        lines.extend(
            wrap(
                "The token was neither copied nor saved, and it is not shown again. Press n, then c to copy it or s to save it.",
                42,
            )
            .into_iter()
            .map(|l| Line::styled(l, t.warning())),
        );
    } else if creating {
        // Quitting cannot call back a request the platform may have.
        lines.extend(
            wrap(
                "The create is on its way: quitting stops waiting, but the platform may still create the instance.",
                42,
            )
            .into_iter()
            .map(|l| Line::styled(l, t.warning())),
        );
    } else {
        lines.push(Line::raw("What you typed is not saved anywhere."));
    }
    lines.extend([
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", t.key()),
            Span::raw(" quit   "),
            Span::styled("n", t.key()),
            Span::raw("/"),
            Span::styled("Esc", t.key()),
            Span::raw(" keep going"),
        ]),
    ]);
    let rect = centered(area, 44, lines.len() as u16 + 2);
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
