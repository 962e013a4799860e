//! The last step: the created instance and its token.

use crate::api::Instance;
use crate::flow::check::{Outcome, Remedy};
use crate::tui::app::App;
use crate::tui::instance_ops::check::Check;
use crate::tui::theme::Theme;
use crate::tui::widgets::draw::{input_spans, kv, text_marked};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

const COPY_NOW: &str = "Copy it (c) or save it (s) now: the screen is cleared when you quit.";
/// With `--print-token` the token is not lost when the screen is cleared.
const PRINTED_AT_EXIT: &str = "It is printed on standard output when you quit (--print-token).";
const WHAT_THE_TOKEN_DOES: &str = "The element token, with your user and organization secrets, \
     authorizes calls through this instance.";
const HEADER: &str =
    "Authorization: User <user secret>, Organization <org secret>, Element <token>";

/// The token as it is, or why it is not shown: one from the platform with
/// control or bidi characters would act on the terminal.
fn token(t: &Theme, i: &Instance) -> Span<'static> {
    match i.printable_token() {
        Ok(token) => Span::styled(token.to_string(), t.copyable()),
        Err(why) => Span::styled(why, t.error()),
    }
}

/// What checking the new instance found, and what to do when it failed
/// (on a line of its own, so the key is never lost in a wrapped message).
fn check_lines(t: &Theme, check: Option<&Check>, id: i64) -> Vec<Line<'static>> {
    let Some(check) = check else { return vec![] };
    vec![match check {
        Check::Running { .. } => Line::styled("… checking that it works", t.dim()),
        Check::Reauthorizing { .. } => {
            Line::styled("… re-authorizing it, then checking it again", t.dim())
        }
        Check::Found(Outcome::Works { read }) => Line::styled(
            format!("✓ works: the provider answered {read}"),
            t.success(),
        ),
        Check::Found(o @ Outcome::Broken { remedy, .. }) => {
            let fix = match remedy {
                Remedy::Reauthorize => format!(
                    "Press {} to re-authorize it (or run: ce-wizard instances reauth {id})",
                    crate::tui::instance_ops::reauth::DONE_KEY
                ),
                Remedy::Update => format!("Update it: ce-wizard instances update {id} --set …"),
            };
            return vec![
                Line::styled(format!("✗ {}", o.summary()), t.error()),
                Line::styled(fix, t.focused()),
            ];
        }
        Check::Found(o @ Outcome::Disabled) => {
            return vec![
                Line::styled(format!("✗ {}", o.summary()), t.error()),
                Line::styled(
                    format!(
                        "Enable it in the Cloud Elements console (Instances), or delete it: ce-wizard instances delete {id}"
                    ),
                    t.focused(),
                ),
            ];
        }
        Check::Found(o) => Line::styled(format!("! {}", o.summary()), t.warning()),
        Check::Failed(e) => Line::styled(format!("! could not check it: {e}"), t.warning()),
    }]
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(done) = &app.done else { return };
    let t = &app.theme;
    let i = &done.instance;
    let mut lines = vec![
        Line::styled(format!("✓ Instance {} created", i.id), t.success()),
        Line::raw(""),
    ];
    let check = check_lines(t, done.check.as_ref(), i.id);
    if !check.is_empty() {
        lines.extend(check);
        lines.push(Line::raw(""));
    }
    if let Some(lost) = done.recovered {
        lines.push(Line::styled(lost.recovered_note(), t.warning()));
        lines.push(Line::raw(""));
    }
    let created = i.created_date.clone().unwrap_or_else(|| "just now".into());
    let element = format!("{} ({})", i.element_name, i.element_key);
    lines.extend([
        kv(t, "Name", 10, vec![Span::styled(i.name.clone(), t.value())]),
        kv(t, "ID", 10, vec![Span::raw(i.id.to_string())]),
        kv(t, "Element", 10, vec![Span::raw(element)]),
        kv(t, "Created", 10, vec![Span::raw(created)]),
        // The token is the one value this whole run is for: shown in full,
        // once, with nothing after it on the line so a double-click or a
        // triple-click selects exactly it.
        kv(t, "Token", 10, vec![token(t, i)]),
        Line::raw(""),
        if app.settings.print_token {
            Line::styled(PRINTED_AT_EXIT, t.help())
        } else {
            Line::styled(COPY_NOW, t.warning())
        },
        Line::styled(WHAT_THE_TOKEN_DOES, t.help()),
        Line::styled("Calls through the instance send the header", t.dim()),
        Line::styled(HEADER, t.dim()),
    ]);
    if let Some(path) = &done.saved_to {
        lines.push(Line::styled(
            format!("Saved to {}", path.display()),
            t.success(),
        ));
    }
    if app.created.len() > 1 {
        lines.push(Line::styled(
            format!("{} instances created in this run.", app.created.len()),
            t.dim(),
        ));
    }
    let prompt_height = if done.prompt.is_some() { 3 } else { 0 };
    let [body, prompt_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(prompt_height)]).areas(area);
    text_marked(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        body,
    );

    if let Some(p) = &done.prompt {
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(t.border());
        let inner = block.inner(prompt_area);
        frame.render_widget(block, prompt_area);
        let label = "Save to: ";
        if p.confirm_overwrite {
            let line = Line::from(vec![
                Span::styled(format!("{} exists. ", p.path.value()), t.warning()),
                Span::styled("Replace it? y/n", t.focused()),
            ]);
            frame.render_widget(Paragraph::new(line), inner);
        } else {
            let (spans, cursor) = input_spans(
                t,
                &p.path,
                (inner.width as usize).saturating_sub(label.len()),
                false,
                None,
                true,
            );
            let mut line = vec![Span::styled(label, t.focused())];
            line.extend(spans);
            let hint = Line::styled(
                "The file holds the token; it is created readable only by you.",
                t.dim(),
            );
            frame.render_widget(Paragraph::new(vec![Line::from(line), hint]), inner);
            if let Some(col) = cursor {
                frame.set_cursor_position((inner.x + label.len() as u16 + col, inner.y));
            }
        }
    }
}
