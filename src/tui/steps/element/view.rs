//! Step 2: the catalog, filtered by typing, with where it comes from, the
//! highlighted element's details, and the fetching of a form the platform
//! describes.

use super::state::{ListWindow, Pending};
use crate::catalog::{CatalogEntry, Origin};
use crate::tui::app::{App, ListenerStatus};
use crate::tui::clock::Reading;
use crate::tui::widgets::draw::{input_spans, list_offset, pad, text, text_marked, truncate, wrap};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use std::time::Duration;

const BETA: &str = " beta";

/// Draws the step; returns the rows the list showed.
pub fn render(app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Option<ListWindow> {
    let t = &app.theme;
    let [top, note, panes] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled("Choose an element", t.title())),
        top,
    );
    let (origin, style) = origin_line(app, time);
    let room = (top.width as usize).saturating_sub("Choose an element".len() + 2);
    let note_text = note_line(app, time);
    // Too long beside the title on a narrow terminal, it takes the row
    // below when that is free, rather than being cut ("updated ju…").
    if origin.chars().count() > room && note_text.is_none() {
        frame.render_widget(
            Paragraph::new(Line::styled(truncate(&origin, note.width as usize), style)),
            note,
        );
    } else {
        frame.render_widget(
            Paragraph::new(Line::styled(truncate(&origin, room), style)).right_aligned(),
            top,
        );
    }
    if let Some(text) = &note_text {
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(text, note.width as usize),
                t.warning(),
            )),
            note,
        );
    }
    // The words every later step uses, explained before they are used,
    // on the row under the title when it is free (the help, `?`, says
    // them at every size).
    if note_text.is_none() && origin.chars().count() <= room {
        frame.render_widget(
            Paragraph::new(Line::styled(words(note.width as usize), t.dim())),
            note,
        );
    }

    let left_width = (panes.width * 2 / 5).clamp(24, 40);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)])
        .spacing(1)
        .areas(panes);
    let [filter, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(left);

    let label = "Filter: ";
    let typing = app.picker.pending.is_none();
    let (spans, cursor) = input_spans(
        t,
        &app.picker.filter,
        (filter.width as usize).saturating_sub(label.len()),
        false,
        Some("type to filter"),
        typing,
    );
    let mut line = vec![Span::styled(label, t.accent())];
    line.extend(spans);
    let count = Line::styled(
        format!(
            "{} of {} elements",
            app.picker.matches().len(),
            app.catalog.catalog.len()
        ),
        t.dim(),
    );
    frame.render_widget(Paragraph::new(vec![Line::from(line), count]), filter);
    if let Some(col) = cursor {
        frame.set_cursor_position((filter.x + label.len() as u16 + col, filter.y));
    }

    let window = render_list(app, frame, list);

    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(t.border());
    let inner = block.inner(right);
    // Only the left edge is drawn: styling the whole pane would cost more
    // than its text.
    frame.render_widget(block, Rect { width: 1, ..right });
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    let lines = match &app.picker.pending {
        Some(Pending::Lookup { key, .. }) => vec![Line::styled(
            format!(
                "{} Looking up \"{key}\" in the platform's catalog…",
                time.spinner()
            ),
            t.accent(),
        )],
        Some(Pending::Spec { entry, .. }) => details(app, time, entry, inner.width as usize),
        None => match app.highlighted() {
            Some(entry) => details(app, time, entry, inner.width as usize),
            None => vec![],
        },
    };
    text_marked(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        inner,
    );
    Some(window)
}

fn render_list(app: &App, frame: &mut Frame, area: Rect) -> ListWindow {
    let t = &app.theme;
    let matches = app.picker.matches();
    let entries = app.catalog.entries();
    let height = area.height as usize;
    // The renderer alone knows the list's height: it returns the page size
    // and where the list starts, for the next key (see `ElementPicker`).
    let start = list_offset(
        app.picker.window.offset,
        app.picker.selected,
        height,
        matches.len(),
    );
    let width = (area.width as usize).saturating_sub(2);
    let mut rows = vec![];
    for (pos, &i) in matches.iter().enumerate().skip(start).take(height) {
        let entry = &entries[i];
        let selected = pos == app.picker.selected;
        let marker = if selected { "› " } else { "  " };
        let style = if selected { t.focused() } else { t.label() };
        let mut spans = vec![Span::styled(marker, t.accent())];
        if entry.beta {
            let name = pad(&entry.name, width.saturating_sub(BETA.len()));
            spans.push(Span::styled(name, style));
            spans.push(Span::styled(BETA, t.warning()));
        } else {
            spans.push(Span::styled(pad(&entry.name, width), style));
        }
        rows.push(Line::from(spans));
    }
    if matches.is_empty() {
        rows.push(Line::styled("No match; Esc clears the filter", t.warning()));
    }
    text(frame, Paragraph::new(rows), area);
    ListWindow {
        offset: start,
        page: height.max(1),
    }
}

/// "3 min ago", "2 h ago", "5 days ago".
pub fn ago(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..172_800 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// Where the list comes from, for the top line.
fn origin_line(app: &App, time: &Reading) -> (String, Style) {
    let t = &app.theme;
    let view = &app.catalog;
    let n = view.catalog.len();
    let spinner = |what: &str| format!("{} {what}  ", time.spinner());
    match view.catalog.origin() {
        Origin::Live { .. } => {
            let age = view
                .age_at(time.now_for_minutes())
                .map_or_else(String::new, |a| format!(", updated {}", ago(a)));
            let busy = if view.refreshing.is_some() {
                spinner("refreshing…")
            } else {
                String::new()
            };
            let state = match &view.problem {
                Some(p) if p.offline => " (offline)",
                Some(_) => " (not refreshed)",
                None => "",
            };
            (
                format!("{busy}live catalog, {n} elements{age}{state}"),
                t.dim(),
            )
        }
        Origin::Bundled => {
            let busy = if view.refreshing.is_some() {
                spinner("fetching the catalog…")
            } else {
                String::new()
            };
            let state = match &view.problem {
                Some(p) if p.offline => " (offline)",
                Some(_) => " (the catalog could not be fetched)",
                None => "",
            };
            (format!("{busy}bundled elements{state}"), t.dim())
        }
    }
}

/// What "element", "provider" and "instance" mean, in the longest form
/// that fits `width` (the Hub row says what a hub is).
pub fn words(width: usize) -> &'static str {
    WORDS
        .iter()
        .copied()
        .find(|w| w.chars().count() <= width)
        .unwrap_or("")
}

const WORDS: [&str; 3] = [
    "An element is one provider's API (a service such as Shopify); an instance is your account connected through it.",
    "Element: one provider's API (e.g. Shopify). Instance: your account, connected.",
    "Element: a provider's API. Instance: your account on it.",
];

/// The quiet note after a failed refresh: the list stays as it was.
fn note_line(app: &App, time: &Reading) -> Option<String> {
    let view = &app.catalog;
    let problem = view.problem.as_ref()?;
    let n = view.catalog.len();
    let showing = match view.catalog.origin() {
        Origin::Bundled => format!("showing the {n} bundled elements"),
        Origin::Live { .. } => match view.age_at(time.now_for_minutes()) {
            Some(age) => format!("showing the catalog as of {}", ago(age)),
            None => "showing the catalog as cached".into(),
        },
    };
    Some(if problem.offline {
        format!("offline: {showing}; Ctrl-R tries again")
    } else {
        format!("Not refreshed: {}", problem.message)
    })
}

fn details(app: &App, time: &Reading, entry: &CatalogEntry, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut title = vec![Span::styled(entry.name.clone(), t.title())];
    if entry.beta {
        title.push(Span::styled("  beta", t.warning()));
    }
    let mut lines = vec![Line::from(title)];
    if !entry.description.trim().is_empty() {
        lines.push(Line::styled(entry.description.clone(), t.help()));
    }
    lines.push(Line::raw(""));
    if let Some(Pending::Spec {
        entry: e, failed, ..
    }) = &app.picker.pending
    {
        if e.key == entry.key {
            pending_lines(app, time, failed.as_deref(), &mut lines);
            lines.push(Line::raw(""));
        }
    }
    // A value too long for the pane goes on at its own column, not from
    // the pane's edge under its label.
    let kv = |k: &str, v: String| -> Vec<Line<'static>> {
        wrap(&v, width.saturating_sub(10).max(1))
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let label = if i == 0 { k } else { "" };
                Line::from(vec![
                    Span::styled(format!("{label:<10}"), t.dim()),
                    Span::raw(part),
                ])
            })
            .collect()
    };
    lines.extend(kv("Key", entry.key.clone()));
    // What a hub is, where that fits on the row: wrapped, it would push
    // the sign-in kinds off a short screen.
    let hub = format!("{} (its family of APIs)", entry.hub);
    let hub = if hub.chars().count() + 10 <= width {
        hub
    } else {
        entry.hub.clone()
    };
    lines.extend(kv("Hub", hub));
    // The kinds the person may choose among: the known form's, unless the
    // platform names one it lacks (then the platform's form is fetched).
    let kinds = match app.known_spec(&entry.key) {
        Some(s) if !crate::catalog::signin::disagrees(s, entry.auth) => s.kinds(),
        _ => vec![entry.auth],
    };
    let mut labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    labels.dedup();
    lines.extend(kv("Sign-in", labels.join(", or ")));
    if entry.beta {
        lines.extend(kv("Status", "beta, says the platform".into()));
    }
    let spec = app.known_spec(&entry.key);
    match spec {
        Some(spec) => {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Have these ready:", t.label()));
            for need in spec.needs() {
                lines.push(Line::raw(format!("  • {need}")));
            }
        }
        None => lines.extend(kv(
            "Form",
            "from the platform's settings of this element, fetched when you choose it".into(),
        )),
    }
    if kinds.iter().any(|k| k.is_oauth()) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Register this callback URL with the provider:",
            t.label(),
        ));
        lines.push(match &app.listener {
            ListenerStatus::Ready { callback_url } => {
                Line::styled(format!("  {callback_url}"), t.copyable())
            }
            ListenerStatus::Failed(problem) => Line::styled(
                format!(
                    "  ✗ {}: {}",
                    problem
                        .port()
                        .map_or("The listener".to_string(), |p| format!("Port {p}")),
                    problem.message()
                ),
                t.error(),
            ),
            _ => Line::styled("  (starting the listener…)", t.dim()),
        });
    }
    if let Some(url) = spec.and_then(|s| s.docs_url.as_ref()) {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("Docs  ", t.dim()),
            Span::raw(truncate(url, width.saturating_sub(6))),
        ]));
        // Only the highlighted element's page opens, not one being fetched.
        if app.picker.pending.is_none() {
            lines.push(Line::styled(
                "      Ctrl-O opens it in your browser",
                t.dim(),
            ));
        }
    }
    lines
}

/// The fetching of a form, or why it failed.
fn pending_lines(
    app: &App,
    time: &Reading,
    failed: Option<&crate::tui::report::ErrorReport>,
    lines: &mut Vec<Line<'static>>,
) {
    let t = &app.theme;
    match failed {
        None => lines.push(Line::styled(
            format!(
                "{} Fetching this element's settings from the platform…",
                time.spinner()
            ),
            t.accent(),
        )),
        Some(report) => {
            lines.push(Line::styled(
                format!("✗ Its settings could not be fetched: {}", report.message),
                t.error(),
            ));
            if let Some(id) = &report.request_id {
                lines.push(Line::styled(format!("requestId {id}"), t.warning()));
            }
            if !report.advice.is_empty() {
                lines.push(Line::styled(report.advice.clone(), t.warning()));
            }
            lines.push(Line::styled(
                "Enter tries again; Esc goes back to pick another element.",
                t.help(),
            ));
        }
    }
}
