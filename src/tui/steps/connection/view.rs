//! Step 1: where to connect and with which account secrets.

use super::state::{CheckStatus, ConnField, EnvKind, Remember};
use crate::tui::app::App;
use crate::tui::clock::Reading;
use crate::tui::widgets::draw::{indented, input_spans, pad, text, text_marked, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

const LABEL: usize = 22;
const WHERE_THE_SECRETS_ARE: &str =
    "Your user and organization secrets are in the Cloud Elements console: \
     your profile → Settings → Account. They stay on this machine.";
const NO_ACCOUNT: &str = "No account yet? ce-wizard --sandbox tries everything without one.";

pub fn render(app: &App, time: &Reading, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let c = &app.connection;
    let [intro, rows] = Layout::vertical([Constraint::Length(5), Constraint::Min(1)]).areas(area);
    let mut intro_lines = vec![
        Line::styled("Connect to Cloud Elements", t.title()),
        Line::styled(WHERE_THE_SECRETS_ARE, t.help()),
    ];
    if !c.sandbox {
        intro_lines.push(Line::styled(NO_ACCOUNT, t.help()));
    }
    text(
        frame,
        Paragraph::new(intro_lines).wrap(Wrap { trim: false }),
        intro,
    );
    let area = rows;
    let mut lines: Vec<Line> = vec![];
    let value_width = (area.width as usize).saturating_sub(LABEL + 3);
    let mut cursor = None;
    for field in c.fields() {
        let focused = c.focus == field;
        let marker = if focused { "› " } else { "  " };
        let required = if field.is_text() { " *" } else { "" };
        let mut spans = vec![
            Span::styled(marker, t.accent()),
            Span::styled(
                pad(&format!("{}{required}", field.label()), LABEL),
                if focused { t.focused() } else { t.label() },
            ),
            Span::raw(" "),
        ];
        match field {
            ConnField::Profile => {
                let (name, about) = match c.picked() {
                    Some(p) => (
                        p.name.clone(),
                        vec![
                            // A base URL reads better bare than as "custom (URL)".
                            crate::sanitize::line(&match &p.environment {
                                crate::config::Environment::Custom(url) => url.clone(),
                                other => other.label(),
                            }),
                            match (&p.secrets, &p.problem) {
                                (Some(_), _) => "secrets saved",
                                (None, Some(_)) => "secrets unreadable",
                                (None, None) => "no secrets saved",
                            }
                            .to_string(),
                        ],
                    ),
                    None => ("new".to_string(), vec!["typed below".to_string()]),
                };
                let choice = format!("‹ {name} ›");
                // Beside the choice when it fits, else on lines below at the
                // value's column: wrapped, it would start at the edge.
                let room = value_width.saturating_sub(choice.chars().count() + 2);
                spans.push(Span::styled(choice, t.value()));
                let joined = about.join(", ");
                if joined.chars().count() <= room {
                    spans.push(Span::styled(format!("  {joined}"), t.dim()));
                } else {
                    let below = if joined.chars().count() <= value_width {
                        vec![joined]
                    } else {
                        about
                    };
                    for part in below {
                        lines.push(Line::from(spans));
                        spans = vec![
                            Span::raw(" ".repeat(LABEL + 3)),
                            Span::styled(truncate(&part, value_width), t.dim()),
                        ];
                    }
                }
            }
            ConnField::Environment => {
                let url = match c.env {
                    EnvKind::Custom if !c.sandbox => String::new(),
                    _ => c.base_url(),
                };
                // The built-in sandbox is a custom address to the model,
                // but not to the person who asked for --sandbox.
                let env = if c.sandbox && c.env == EnvKind::Custom {
                    "sandbox"
                } else {
                    c.env.label()
                };
                // No arrows where there is nothing to choose.
                let shown = if c.sandbox {
                    format!("  {env}  ")
                } else {
                    format!("‹ {env} ›")
                };
                spans.push(Span::styled(shown, t.value()));
                // Shown whole beside the choice when it fits, else whole on
                // the line below: a cut address reads as a wrong one.
                let room = value_width.saturating_sub(env.len() + 6);
                if url.chars().count() <= room {
                    spans.push(Span::styled(format!("  {url}"), t.dim()));
                } else {
                    lines.push(Line::from(spans));
                    spans = vec![Span::raw(" ".repeat(LABEL + 3)), Span::styled(url, t.dim())];
                }
            }
            ConnField::Remember => {
                spans.push(Span::styled(
                    format!("‹ {} ›", c.remember.label()),
                    t.value(),
                ));
            }
            _ => {
                let input = c.input(field).expect("text fields have inputs");
                let masked =
                    matches!(field, ConnField::UserSecret | ConnField::OrgSecret) && !c.reveal;
                let placeholder = match field {
                    ConnField::CustomUrl => Some("e.g. https://ce.example.com/elements/api-v2"),
                    ConnField::ProfileName => Some("e.g. acme-eu"),
                    _ => Some("paste it here"),
                };
                let (s, cur) = input_spans(t, input, value_width, masked, placeholder, focused);
                if let Some(col) = cur {
                    cursor = Some((
                        area.x + (LABEL + 3) as u16 + col,
                        area.y + lines.len() as u16,
                    ));
                }
                spans.extend(s);
            }
        }
        lines.push(Line::from(spans));
        let offer = (field == ConnField::CustomUrl)
            .then(|| c.url_offer())
            .flatten();
        if let Some(s) = offer {
            lines.extend(indented(
                &format!("→ {}", crate::form::url_offer(&s)),
                LABEL + 3,
                area.width as usize,
                t.accent(),
            ));
        } else if let Some(e) = c.errors.get(&field) {
            lines.extend(indented(
                &format!("✗ {e}"),
                LABEL + 3,
                area.width as usize,
                t.error(),
            ));
        }
    }
    lines.push(Line::raw(""));
    // A profile whose keyring did not answer opens with its secrets empty:
    // say why, and that typing them is the way on.
    if let Some(problem) = c.picked().and_then(|p| p.problem.as_deref()) {
        if c.user.value().is_empty() || c.org.value().is_empty() {
            lines.extend(indented(
                &format!(
                    "! {}: type the secrets below, or start the keyring and run ce-wizard again.",
                    crate::sanitize::line(problem)
                ),
                0,
                area.width as usize,
                t.warning(),
            ));
        }
    }
    if c.sandbox && c.focus == ConnField::Environment {
        lines.push(Line::styled(super::SANDBOX_STAYS, t.help()));
    }
    if c.focus == ConnField::Profile {
        lines.push(Line::styled(
            "←/→ picks a saved profile: its environment and secrets fill the fields below.",
            t.help(),
        ));
    }
    if matches!(c.focus, ConnField::Remember | ConnField::ProfileName)
        && c.remember != Remember::Nothing
    {
        let path = app
            .settings
            .config_path
            .as_ref()
            .map_or("the config file".to_string(), |p| p.display().to_string());
        // Says where each thing goes for the choice made, not in general.
        let said = if c.remember == Remember::EnvironmentAndSecrets {
            format!(
                "Saved in {path}, readable only by you; the secrets go to the OS keyring (or that file when no keyring answers)."
            )
        } else {
            format!("Saved in {path}, readable only by you; the secrets are not saved.")
        };
        lines.push(Line::styled(said, t.help()));
        if c.name_replaces_another() {
            lines.push(Line::styled(
                format!(
                    "This replaces the saved profile '{}'.",
                    c.profile_name.value().trim()
                ),
                t.warning(),
            ));
        }
    }
    match &c.check {
        CheckStatus::NotRun => lines.push(Line::styled(
            "Enter tests the connection (it lists the catalog) and continues.",
            t.help(),
        )),
        CheckStatus::Running { .. } => lines.push(Line::styled(
            format!(
                "{} Testing the connection to {}…",
                time.spinner(),
                c.base_url()
            ),
            t.accent(),
        )),
        CheckStatus::Passed { elements } => lines.push(Line::styled(
            format!("✓ Connected: the platform lists {elements} elements."),
            t.success(),
        )),
        // The failure itself is the message line under the step, which
        // a short terminal never cuts; here, what to do about it.
        CheckStatus::Failed(report) => {
            lines.push(Line::styled(format!("✗ {}", report.advice), t.warning()));
            if let Some(id) = &report.request_id {
                lines.push(Line::styled(format!("  requestId {id}"), t.dim()));
            }
        }
    }
    text_marked(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        area,
    );
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
}
