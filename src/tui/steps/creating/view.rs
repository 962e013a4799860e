//! Step 6: waiting for the platform to create the instance, and what to do
//! when its answer got lost: send again (nothing was created) or look
//! again (the instance may exist).

use crate::tui::app::{App, CreatePhase};
use crate::tui::clock::Reading;
use crate::tui::report::{ErrorReport, LostCreate};
use crate::tui::theme::Theme;
use crate::tui::widgets::draw::text;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, time: &Reading, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let name = app
        .form()
        .map_or(String::new(), |f| f.name.value().trim().to_string());
    let element = app.spec().map_or("", |s| s.name.as_str());
    let Some(creating) = &app.creating else {
        return;
    };
    let waited = time
        .now()
        .saturating_duration_since(creating.started)
        .as_secs();
    let deadline = humantime::format_duration(app.settings.request_timeout);
    let lines = match &creating.phase {
        CreatePhase::Sending => vec![
            Line::styled(format!("Creating the {element} instance \"{name}\""), t.title()),
            Line::raw(""),
            Line::styled(
                format!(
                    "{} Waiting for {} … {waited}s (each call gives up after {deadline})",
                    time.spinner(),
                    app.connection.base_url()
                ),
                t.accent(),
            ),
            Line::raw(""),
            Line::styled(
                "The platform checks the configuration with the provider, which can take a few seconds. If the answer gets lost, ce-wizard looks for the instance before anything else, so it is never created twice. Esc stops waiting and returns to the review.",
                t.help(),
            ),
        ],
        CreatePhase::NothingCreated(report) => {
            let mut lines = vec![
                Line::styled("✗ The answer was lost, and nothing was created", t.error()),
                Line::raw(""),
            ];
            lines.extend(report_lines(t, report));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("Everything you typed is kept. Enter sends the request for \"{name}\" again; Esc returns to the review."),
                t.help(),
            ));
            lines
        }
        CreatePhase::Unknown(LostCreate { report, .. })
        | CreatePhase::Checking(LostCreate { report, .. }) => {
            let mut lines = vec![
                Line::styled(
                    format!("? The {element} instance \"{name}\" may have been created"),
                    t.warning(),
                ),
                Line::raw(""),
            ];
            lines.push(Line::styled(
                format!("✗ {}", report.message),
                t.error(),
            ));
            if let Some(id) = &report.request_id {
                lines.push(Line::styled(format!("requestId {id}"), t.dim()));
            }
            lines.push(Line::raw(""));
            if let CreatePhase::Checking(_) = creating.phase {
                lines.push(Line::styled(
                    format!(
                        "{} Looking for \"{name}\" among the platform's instances … {waited}s",
                        time.spinner()
                    ),
                    t.accent(),
                ));
                lines.push(Line::styled("Esc stops looking.", t.help()));
            } else {
                lines.push(Line::styled(
                    "Check the platform before creating it again: if the instance exists, creating it now would make a second one.",
                    t.warning(),
                ));
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "r looks among the platform's instances again (it creates nothing). Or look yourself (Instances, in the Cloud Elements console) for one named as above, created just now.",
                    t.help(),
                ));
            }
            lines
        }
    };
    text(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        area,
    );
}

/// The failure, with its status and request ID (the advice, that trying
/// again is safe, is the screen's own last line).
fn report_lines(t: &Theme, report: &ErrorReport) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(format!("✗ {}", report.message), t.error())];
    let mut detail = report
        .status
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_default();
    if let Some(id) = &report.request_id {
        if !detail.is_empty() {
            detail.push_str(" · ");
        }
        detail.push_str(&format!("requestId {id}"));
    }
    if !detail.is_empty() {
        lines.push(Line::styled(detail, t.dim()));
    }
    lines
}
