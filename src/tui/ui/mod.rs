//! Drawing: a pure function of the model. The frame is a header with the
//! step indicator and where the wizard is connected, the current step's body, a message line and the key
//! hints, which come from the keymap.

#[cfg(test)]
mod notice_tests;
mod overlay;

use super::app::{App, NoticeKind};
use super::clock::{Clock, Reading};
use super::step::Step;
use super::steps::{screen, Drawn};
use super::update;
use super::widgets::draw as widgets;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Smaller than this, the screens cannot show a form and its help.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Draws the model; returns what the frame measured (see `Drawn`).
pub fn render(app: &App, frame: &mut Frame) -> Drawn {
    render_at(app, &app.clock, frame)
}

/// Draws the model as it looks at `clock`'s time.
pub fn render_at(app: &App, clock: &Clock, frame: &mut Frame) -> Drawn {
    let time = Reading::new(clock);
    let drawn = draw(app, &time, frame);
    Drawn {
        moves: time.moves(),
        ..drawn
    }
}

fn draw(app: &App, time: &Reading, frame: &mut Frame) -> Drawn {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(app, frame, area);
        return Drawn::default();
    }
    let message_lines = message_lines(app, area.width as usize, area.height as usize);
    let [header, _, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message_lines.len() as u16),
        Constraint::Length(1),
    ])
    .areas(area);
    let body = Rect {
        x: body.x + 1,
        width: body.width.saturating_sub(2),
        ..body
    };
    render_header(app, frame, header);
    let drawn = screen(app.step).render(app, time, frame, body);
    frame.render_widget(Paragraph::new(message_lines), message);
    render_footer(app, frame, footer);
    Drawn {
        help_max_scroll: overlay::render(app, frame, area),
        ..drawn
    }
}

fn too_small(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let lines = vec![
        Line::styled("Make the terminal larger", t.title()),
        Line::raw(""),
        Line::raw(format!(
            "ce-wizard needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}.",
            area.width, area.height
        )),
        Line::raw("Everything you typed is kept."),
        Line::styled("Ctrl-C quits.", t.dim()),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        Rect {
            y,
            height: h,
            ..area
        },
    );
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    if let Some(trip) = side_trip(app) {
        return render_side_trip_header(app, trip, frame, area);
    }
    let (pos, total) = app.step_position();
    let current = if app.step == Step::Creating {
        Step::Done
    } else {
        app.step
    };
    let title = if app.step == Step::Creating {
        "Creating"
    } else {
        current.title()
    };
    // The counter always names the step ("2/5 Element") and the sandbox
    // marker always shows (nothing there is real); the breadcrumb and then
    // the program's name give way when the line is too narrow.
    let counter = format!("{pos}/{total} {title} ");
    let sandbox = if app.settings.sandbox {
        " sandbox "
    } else {
        ""
    };
    let brand = " ce-wizard ";
    let steps = app.visible_steps();
    let width = area.width as usize;
    // Where the wizard is connected shows on every step, cut before the
    // counter is; the breadcrumb gives way to it.
    let place = widgets::truncate(
        &whereabouts(app),
        width.saturating_sub(counter.len() + sandbox.len() + 4),
    );
    let place_len = match place.chars().count() {
        0 => 0,
        n => n + 2,
    };
    let crumbs_with = |sep: usize| -> usize {
        steps.iter().map(|s| s.title().len()).sum::<usize>() + sep * (steps.len() - 1) + 1
    };
    // Three columns at least between the breadcrumb and the counter, so
    // the last step's name never runs into it.
    let fixed = counter.len() + sandbox.len() + place_len + 3;
    let wide = crumbs_with(3);
    // Before giving up the breadcrumb, its separators lose their spaces.
    let (show_brand, sep) = if fixed + brand.len() + wide <= width {
        (true, Some(" › "))
    } else if fixed + wide <= width {
        (false, Some(" › "))
    } else if fixed + crumbs_with(1) <= width {
        (false, Some("›"))
    } else {
        (fixed + brand.len() <= width, None)
    };
    let mut spans = vec![];
    if show_brand {
        spans.push(Span::styled(brand, t.title()));
    } else {
        spans.push(Span::raw(" "));
    }
    if !sandbox.is_empty() {
        spans.push(Span::styled(sandbox, t.focused()));
        spans.push(Span::raw(" "));
    }
    if let Some(sep) = sep {
        for (i, s) in steps.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(sep, t.dim()));
            }
            let style = if *s == current {
                t.step_current()
            } else if (i + 1) < pos {
                t.step_done()
            } else {
                t.step_todo()
            };
            spans.push(Span::styled(s.title(), style));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(place, t.dim()),
            Span::raw(if place_len > 0 { "  " } else { "" }),
            Span::styled(counter, t.title()),
        ]))
        .right_aligned(),
        area,
    );
}

/// Where the wizard is connected: the saved profile picked and the
/// platform's host, so two accounts are never mistaken for each other.
/// Nothing under `--sandbox`: its badge says where, and its loopback port
/// means nothing to anyone.
fn whereabouts(app: &App) -> String {
    let c = &app.connection;
    if app.settings.sandbox {
        return String::new();
    }
    let url = c.base_url();
    let host = url::Url::parse(&url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or(url);
    let host = crate::sanitize::line(&host);
    match c.picked() {
        Some(p) => format!("{} @ {host}", crate::sanitize::line(&p.name)),
        _ => host,
    }
}

/// The Instances view and a re-authorization started there are not steps
/// of creating an instance: their header names them instead of counting
/// them among the steps.
fn side_trip(app: &App) -> Option<&'static str> {
    match app.step {
        Step::Instances => Some("Instances"),
        Step::Authorize
            if app
                .authorize
                .reauth
                .as_ref()
                .is_some_and(|r| r.back_to == Step::Instances) =>
        {
            Some("Instances › Re-authorize")
        }
        _ => None,
    }
}

fn render_side_trip_header(app: &App, trip: &'static str, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" ce-wizard ", t.title())];
    if app.settings.sandbox {
        spans.push(Span::styled(" sandbox ", t.focused()));
    }
    spans.push(Span::raw(" "));
    spans.push(Span::styled(trip, t.step_current()));
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let place = widgets::truncate(
        &whereabouts(app),
        (area.width as usize).saturating_sub(used + 3),
    );
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(place, t.dim()),
            Span::raw(" "),
        ]))
        .right_aligned(),
        area,
    );
}

/// The message line: a notice, or the focused field's error. It grows by
/// whole rows rather than cut a message (a notice names what to do, often
/// at its end), up to a quarter of the screen; only a longer one ends
/// with `…`.
fn message_lines(app: &App, width: usize, height: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let field_error = screen(app.step).field_error(app);
    let (text, style) = match (&app.notice, field_error) {
        (Some(n), _) => {
            let (mark, style) = match n.kind {
                NoticeKind::Info => ("", t.accent()),
                NoticeKind::Success => ("✓ ", t.success()),
                NoticeKind::Warning => ("! ", t.warning()),
                NoticeKind::Error => ("✗ ", t.error()),
            };
            (format!("{mark}{}", n.text), style)
        }
        (None, Some(e)) => (format!("✗ {e}"), t.error()),
        (None, None) => return vec![Line::raw("")],
    };
    let mut lines = widgets::wrap(&text, width.saturating_sub(2));
    let most = (height / 4).max(2);
    if lines.len() > most {
        lines.truncate(most);
        let last = &mut lines[most - 1];
        *last = widgets::truncate(&format!("{last} …"), width.saturating_sub(2));
    }
    lines
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), style))
        .collect()
}

fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let hints: Vec<(&str, &str)> = update::bindings(app)
        .into_iter()
        .filter(|b| b.footer)
        .map(|b| (b.label, b.description))
        .collect();
    // Each hint is drawn as "key description   ".
    let width = |h: &[(&str, &str)]| {
        h.iter()
            .map(|(k, d)| k.chars().count() + d.chars().count() + 4)
            .sum::<usize>()
            .saturating_sub(2)
    };
    // Drop hints from the middle (the last two are help and quit, which
    // lead to everything else) until the line fits.
    let mut shown = hints.clone();
    while width(&shown) > area.width as usize && shown.len() > 2 {
        shown.remove(shown.len() - 3);
    }
    let mut spans = vec![Span::raw(" ")];
    for (k, d) in shown {
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::styled(format!(" {d}   "), t.help()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
