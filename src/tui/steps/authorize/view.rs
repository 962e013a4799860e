//! Step 4 (OAuth elements): the browser round trip.

use crate::catalog::AuthKind;
use crate::tui::app::{App, AuthPhase, AuthProblem, BrowserStatus, ListenerStatus};
use crate::tui::clock::Reading;
use crate::tui::report::ListenerProblem;
use crate::tui::widgets::draw::{input_spans, text};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, time: &Reading, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let name = match &app.authorize.reauth {
        Some(t) => t.instance.element_name.as_str(),
        None => app.spec().map_or("the element", |s| s.name.as_str()),
    };
    let [body, paste] = Layout::vertical([Constraint::Min(4), Constraint::Length(3)]).areas(area);
    let mut lines = vec![
        Line::styled(format!("Authorize {name} in your browser"), t.title()),
        Line::raw(""),
    ];
    if let Some(url) = app.callback_url() {
        lines.push(Line::from(vec![
            Span::styled("Callback URL  ", t.dim()),
            Span::styled(url.to_string(), t.copyable()),
        ]));
        lines.push(Line::styled(
            "(it must be registered as a redirect URI of your app)",
            t.dim(),
        ));
        lines.push(Line::raw(""));
    }
    match &app.authorize.phase {
        AuthPhase::Idle => lines.push(Line::styled(
            match app.listener {
                ListenerStatus::Binding => {
                    format!("{} Starting the callback listener…", time.spinner())
                }
                _ => format!("{} Preparing…", time.spinner()),
            },
            t.accent(),
        )),
        AuthPhase::FetchingUrl => lines.push(Line::styled(
            match (oauth1(app), &app.authorize.request_token) {
                (true, None) => {
                    format!(
                        "{} Asking the platform for a request token…",
                        time.spinner()
                    )
                }
                _ => format!(
                    "{} Asking the platform for the sign-in link…",
                    time.spinner()
                ),
            },
            t.accent(),
        )),
        AuthPhase::Waiting {
            url,
            deadline,
            browser,
        } => {
            let left = deadline.saturating_duration_since(time.now()).as_secs();
            lines.push(Line::styled(
                format!(
                    "{} Waiting for you to allow access in the browser… {}:{:02} left",
                    time.spinner(),
                    left / 60,
                    left % 60
                ),
                t.accent(),
            ));
            lines.push(Line::styled(
                match browser {
                    BrowserStatus::Opening => "Opening your browser…".to_string(),
                    BrowserStatus::Opened => "Your browser was opened. If nothing appeared, press o again or open this link:".to_string(),
                    BrowserStatus::Failed(e) => format!("No browser opened: {}. Open this link yourself:", e.to_string().trim_end_matches('.')),
                    BrowserStatus::Skipped(why) => format!("Not opening a browser ({why}). Open this link where you can sign in:"),
                },
                t.help(),
            ));
            lines.push(Line::styled(url.clone(), t.copyable()));
            if matches!(browser, BrowserStatus::Skipped(_)) && app.settings.remote {
                lines.push(Line::styled(
                    crate::oauth::port_forward_hint(app.settings.callback_port),
                    t.warning(),
                ));
            }
        }
        AuthPhase::Failed(problem) => {
            for (i, text) in problem_text(app, problem).into_iter().enumerate() {
                lines.push(Line::styled(
                    text,
                    if i == 0 { t.error() } else { t.warning() },
                ));
            }
            lines.push(Line::styled(
                "Enter starts again with a new link; nothing you typed is lost.",
                t.help(),
            ));
        }
    }
    text(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        body,
    );

    let waiting = matches!(app.authorize.phase, AuthPhase::Waiting { .. });
    if waiting || !app.authorize.paste.is_empty() {
        let label = "Address after sign-in: ";
        let focused = app.authorize.paste_focused;
        let (spans, cursor) = input_spans(
            t,
            &app.authorize.paste,
            (paste.width as usize).saturating_sub(label.len()),
            false,
            Some(if focused {
                "paste the address here"
            } else {
                "press p, then paste the address your browser ended on"
            }),
            focused,
        );
        let mut line = vec![Span::styled(
            label,
            if focused { t.focused() } else { t.label() },
        )];
        line.extend(spans);
        let hint = Line::styled(
            "No redirect reaching this machine (SSH, container)? Paste the address from the browser's address bar.",
            t.dim(),
        );
        frame.render_widget(
            Paragraph::new(vec![Line::from(line), hint]).wrap(Wrap { trim: false }),
            paste,
        );
        if let Some(col) = cursor {
            frame.set_cursor_position((paste.x + label.len() as u16 + col, paste.y));
        }
    }
}

fn problem_text(app: &App, problem: &AuthProblem) -> Vec<String> {
    match problem {
        AuthProblem::Listener(ListenerProblem::PortInUse(port)) => vec![
            format!("✗ Port {port} is in use, so the browser's redirect cannot be caught here."),
            format!("Close what uses port {port}, or run again with --callback-port <another port> (and register that callback URL)."),
        ],
        AuthProblem::Listener(ListenerProblem::Failed(message)) => {
            vec![format!("✗ The callback listener could not start: {message}")]
        }
        AuthProblem::UrlFailed(report) => {
            let mut v = vec![format!("✗ The platform did not give a sign-in link: {}", report.message)];
            if let Some(id) = &report.request_id {
                v.push(format!("requestId {id}"));
            }
            v.push(report.advice.clone());
            v
        }
        AuthProblem::RequestTokenFailed(report) => {
            let mut v = vec![format!("✗ The platform did not give a request token: {}", report.message)];
            if let Some(id) = &report.request_id {
                v.push(format!("requestId {id}"));
            }
            v.push(report.advice.clone());
            v
        }
        AuthProblem::Denied { error, description } => vec![
            format!("✗ Access was not granted: the provider answered \"{error}\"{}.", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()),
            "If that was a mistake, start again and choose Allow.".into(),
        ],
        AuthProblem::TimedOut => vec![
            format!(
                "✗ No answer from the browser within {}.",
                spoken_duration(app.settings.oauth_timeout)
            ),
            "Each sign-in link is good for one try: a new one is needed.".into(),
        ],
        AuthProblem::CreateFailed(report) => {
            let mut v = vec![format!("✗ Creating the instance failed: {}", report.message)];
            if let Some(id) = &report.request_id {
                v.push(format!("requestId {id}"));
            }
            v.push(report.advice.clone());
            v.push(if oauth1(app) {
                "The request token can be used only once, so a new sign-in is needed.".into()
            } else {
                "The authorization code can be used only once, so a new sign-in is needed.".into()
            });
            v
        }
    }
}

fn oauth1(app: &App) -> bool {
    super::auth_kind(app) == Some(AuthKind::Oauth1)
}

/// "5 seconds", "1 minute", "2 minutes 30 seconds": how long, in words.
pub fn spoken_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let unit = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    match (secs / 60, secs % 60) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

#[cfg(test)]
mod tests {
    use super::spoken_duration;
    use std::time::Duration;

    #[test]
    fn durations_in_words() {
        let w = |s| spoken_duration(Duration::from_secs(s));
        assert_eq!(w(5), "5 seconds");
        assert_eq!(w(1), "1 second");
        assert_eq!(w(60), "1 minute");
        assert_eq!(w(300), "5 minutes");
        assert_eq!(w(150), "2 minutes 30 seconds");
    }
}
