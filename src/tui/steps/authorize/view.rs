//! Step 4 (OAuth elements): the browser round trip.

use crate::catalog::AuthKind;
use crate::tui::app::{App, AuthPhase, AuthProblem, BrowserStatus, ListenerStatus};
use crate::tui::clock::Reading;
use crate::tui::report::ListenerProblem;
use crate::tui::widgets::draw::{input_spans, shorten_middle, text};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// How much a row of this screen matters when the terminal is short: the
/// rows that matter least go first, from the bottom up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The state, the link and the field to paste into: always shown.
    Always,
    Useful,
    Note,
    Spacing,
}

/// The screen's rows, in order, each with how many terminal rows it fills
/// at this width and how much it matters.
struct Rows {
    width: u16,
    rows: Vec<(Line<'static>, usize, Keep)>,
    /// Which row is the paste field, to put the cursor on it.
    paste_at: Option<usize>,
}

impl Rows {
    fn push(&mut self, line: Line<'static>, keep: Keep) {
        let height = Paragraph::new(line.clone())
            .wrap(Wrap { trim: false })
            .line_count(self.width)
            .max(1);
        self.rows.push((line, height, keep));
    }

    fn blank(&mut self) {
        self.push(Line::raw(""), Keep::Spacing);
    }

    fn height(&self) -> usize {
        self.rows.iter().map(|r| r.1).sum()
    }

    /// Drops the rows that matter least until the rest fit in `height`.
    fn fit(&mut self, height: usize) {
        for level in [Keep::Spacing, Keep::Note, Keep::Useful] {
            while self.height() > height {
                let Some(i) = self.rows.iter().rposition(|r| r.2 == level) else {
                    break;
                };
                self.rows.remove(i);
                if let Some(p) = self.paste_at.as_mut() {
                    if *p > i {
                        *p -= 1;
                    }
                }
            }
        }
    }
}

pub fn render(app: &App, time: &Reading, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let name = match &app.authorize.reauth {
        Some(t) => t.instance.element_name.as_str(),
        None => app.spec().map_or("the element", |s| s.name.as_str()),
    };
    let width = area.width as usize;
    let mut rows = Rows {
        width: area.width,
        rows: vec![],
        paste_at: None,
    };
    rows.push(
        Line::styled(format!("Authorize {name} in your browser"), t.title()),
        Keep::Useful,
    );
    rows.blank();
    match &app.authorize.phase {
        AuthPhase::Idle => rows.push(
            Line::styled(
                match app.listener {
                    ListenerStatus::Binding => {
                        format!("{} Starting the callback listener…", time.spinner())
                    }
                    _ => format!("{} Preparing…", time.spinner()),
                },
                t.accent(),
            ),
            Keep::Always,
        ),
        AuthPhase::FetchingUrl => rows.push(
            Line::styled(
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
            ),
            Keep::Always,
        ),
        AuthPhase::Waiting {
            url,
            deadline,
            browser,
        } => {
            let left = deadline.saturating_duration_since(time.now()).as_secs();
            rows.push(
                Line::styled(
                    format!(
                        "{} Waiting for you to allow access… {}:{:02} left",
                        time.spinner(),
                        left / 60,
                        left % 60
                    ),
                    t.accent(),
                ),
                Keep::Always,
            );
            rows.push(Line::styled(browser_text(browser), t.help()), Keep::Always);
            rows.push(link_line(app, url, width), Keep::Always);
            if matches!(browser, BrowserStatus::Skipped(_)) && app.settings.remote {
                rows.push(
                    Line::styled(
                        "So that the browser's redirect reaches this machine, run first:",
                        t.warning(),
                    ),
                    Keep::Useful,
                );
                // A command on a row of its own, never broken over two.
                rows.push(
                    Line::styled(
                        shorten_middle(
                            &crate::oauth::port_forward_hint(listening_port(app)),
                            width,
                        ),
                        t.copyable(),
                    ),
                    Keep::Always,
                );
            }
        }
        AuthPhase::Failed(problem) => {
            for (i, text) in problem_text(app, problem).into_iter().enumerate() {
                rows.push(
                    Line::styled(text, if i == 0 { t.error() } else { t.warning() }),
                    if i == 0 { Keep::Always } else { Keep::Useful },
                );
            }
            rows.push(
                Line::styled(
                    "Enter starts again with a new link; nothing you typed is lost.",
                    t.help(),
                ),
                Keep::Always,
            );
        }
    }

    if paste_shown(app) {
        rows.blank();
        rows.paste_at = Some(rows.rows.len());
        rows.push(paste_line(app, width), Keep::Always);
        rows.push(
            Line::styled(
                "No redirect reaching this machine (SSH, container)? Paste the address from the browser's address bar.",
                t.dim(),
            ),
            Keep::Note,
        );
    }

    if let Some(url) = app.callback_url() {
        rows.blank();
        rows.push(
            Line::from(vec![
                Span::styled(CALLBACK_LABEL, t.dim()),
                Span::styled(
                    shorten_middle(url, width.saturating_sub(CALLBACK_LABEL.len())),
                    t.copyable(),
                ),
            ]),
            Keep::Useful,
        );
        rows.push(
            Line::styled(
                "It must be registered as a redirect URI of your app.",
                t.dim(),
            ),
            Keep::Note,
        );
    }

    rows.fit(area.height as usize);
    let cursor_row = rows
        .paste_at
        .map(|p| rows.rows[..p].iter().map(|r| r.1).sum::<usize>());
    let lines: Vec<Line> = rows.rows.into_iter().map(|r| r.0).collect();
    text(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        area,
    );
    if let (Some(row), Some(col)) = (cursor_row, paste_cursor(app, width)) {
        if row < area.height as usize {
            frame.set_cursor_position((
                area.x + PASTE_LABEL.len() as u16 + col,
                area.y + row as u16,
            ));
        }
    }
}

/// The port the listener is bound to: the one asked for, unless that was 0
/// (any free port), when only the bound callback URL says which.
fn listening_port(app: &App) -> u16 {
    app.callback_url()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.port())
        .unwrap_or(app.settings.callback_port)
}

const CALLBACK_LABEL: &str = "Callback URL  ";
const PASTE_LABEL: &str = "Address after sign-in: ";

/// The paste field is there while an answer can still be taken: while
/// waiting, and after a timeout (the address the browser ended on may
/// still come late).
fn paste_shown(app: &App) -> bool {
    matches!(
        app.authorize.phase,
        AuthPhase::Waiting { .. } | AuthPhase::Failed(AuthProblem::TimedOut)
    ) || !app.authorize.paste.is_empty()
}

fn browser_text(browser: &BrowserStatus) -> String {
    match browser {
        BrowserStatus::Opening => "Opening your browser…".to_string(),
        BrowserStatus::Opened => {
            "Your browser was opened. If nothing appeared, press o again, or open this link:"
                .to_string()
        }
        BrowserStatus::Failed(e) => format!(
            "No browser was opened: {}. The link:",
            e.to_string().trim_end_matches('.')
        ),
        BrowserStatus::Skipped(why) => {
            format!("No browser was started: {why}. Open this link where you can sign in:")
        }
    }
}

/// The sign-in link on one row: whole when it fits, otherwise cut in the
/// middle, so its start (where it goes) and its end stay readable. `c`
/// copies it whole and `l` prints it whole below the screen; a link
/// wrapped over the screen's rows could not be selected whole.
fn link_line(app: &App, url: &str, width: usize) -> Line<'static> {
    let t = &app.theme;
    if url.width() <= width {
        return Line::styled(url.to_string(), t.copyable());
    }
    // The footer says what l does; here it is said only where it leaves
    // room enough for the link.
    let hint = "  l prints it whole";
    if width < hint.len() + 50 {
        return Line::styled(shorten_middle(url, width), t.copyable());
    }
    Line::from(vec![
        Span::styled(shorten_middle(url, width - hint.len()), t.copyable()),
        Span::styled(hint, t.dim()),
    ])
}

fn paste_line(app: &App, width: usize) -> Line<'static> {
    let t = &app.theme;
    let focused = app.authorize.paste_focused;
    let room = width.saturating_sub(PASTE_LABEL.len());
    let placeholder = if focused {
        "paste the address here"
    } else if room > PLACEHOLDER.len() {
        PLACEHOLDER
    } else {
        "press p, then paste it"
    };
    let (spans, _) = input_spans(
        t,
        &app.authorize.paste,
        room,
        false,
        Some(placeholder),
        focused,
    );
    let mut line = vec![Span::styled(
        PASTE_LABEL,
        if focused { t.focused() } else { t.label() },
    )];
    line.extend(spans);
    Line::from(line)
}

const PLACEHOLDER: &str = "press p, then paste the address your browser ended on";

fn paste_cursor(app: &App, width: usize) -> Option<u16> {
    let focused = app.authorize.paste_focused;
    input_spans(
        &app.theme,
        &app.authorize.paste,
        width.saturating_sub(PASTE_LABEL.len()),
        false,
        None,
        focused,
    )
    .1
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
                "✗ No answer came from the browser within {}.",
                spoken_duration(app.settings.oauth_timeout)
            ),
            "Allowed access after all? Press p and paste the address the browser ended on.".into(),
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
fn spoken_duration(d: std::time::Duration) -> String {
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
