//! Step 6: waiting for the platform to create the instance.

use super::widgets::text;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let name = app
        .form()
        .map_or(String::new(), |f| f.name.value().trim().to_string());
    let element = app.spec().map_or("", |s| s.name.as_str());
    let waited = app.creating.as_ref().map_or(0, |c| {
        app.now.saturating_duration_since(c.started).as_secs()
    });
    let lines = vec![
        Line::styled(format!("Creating the {element} instance \"{name}\""), t.title()),
        Line::raw(""),
        Line::styled(
            format!("{} Waiting for {} … {waited}s", app.spinner(), app.connection.base_url()),
            t.accent(),
        ),
        Line::raw(""),
        Line::styled(
            "The platform checks the configuration with the provider, which can take a few seconds. Esc stops waiting and returns to the review.",
            t.help(),
        ),
    ];
    text(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        area,
    );
}
