//! Drawing the Instances view: the filter and count, the list with its
//! columns, and the detail pane of the selected instance (beside the list
//! when the terminal is wide, below it otherwise). The token is only ever
//! shown masked.

use super::state::{Check, EditPrompt, FormLoad, InstancesState, Loading, ReauthPrompt, Status};
use crate::flow::check::{Outcome, Remedy};
use crate::tui::app::App;
use crate::tui::clock::Reading;
use crate::tui::listed::Listed;
use crate::tui::theme::Theme;
use crate::tui::widgets::draw::{
    input_spans, kv, pad, scroll_start, shorten_middle, text, truncate,
};
use crate::tui::widgets::TextField;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Wide enough for the detail pane beside the list.
const SIDE_BY_SIDE: u16 = 110;

pub fn render(app: &App, time: &Reading, frame: &mut Frame, area: Rect) {
    let Some(view) = &app.instances else { return };
    let t = &app.theme;
    let [top, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
    render_filter(t, view, frame, top);
    let (list, detail) = if area.width >= SIDE_BY_SIDE {
        let [l, d] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(rest);
        (l, d)
    } else {
        // A short terminal gives the list more rows than the detail pane.
        let detail = if rest.height < 16 { 5 } else { 9 };
        let [l, d] = Layout::vertical([Constraint::Min(3), Constraint::Length(detail)]).areas(rest);
        (l, d)
    };
    render_list(t, view, frame, list);
    render_detail(t, time, view, frame, detail);
}

fn count_text(view: &InstancesState) -> String {
    let n = view.items.len();
    let noun = if n == 1 { "instance" } else { "instances" };
    let total = match &view.loading {
        Loading::Pages { .. } => format!("{n} {noun} … loading"),
        Loading::Done => format!("{n} {noun}"),
        Loading::Failed(_) => format!("{n} {noun} (not all: the listing failed)"),
    };
    let counted = if view.filter.is_empty() {
        total
    } else {
        format!("{} of {total}", view.matches().len())
    };
    let counted = match super::batch::progress(view) {
        Some(p) => format!("{counted} · {p}"),
        None => counted,
    };
    if view.by_status {
        format!("{counted} · troubled first")
    } else {
        counted
    }
}

fn render_filter(t: &Theme, view: &InstancesState, frame: &mut Frame, area: Rect) {
    let label = "Filter: ";
    let count = count_text(view);
    let width = (area.width as usize).saturating_sub(label.len() + count.len() + 2);
    let focused = !view.prompting();
    let (spans, cursor) = input_spans(
        t,
        &view.filter,
        width,
        false,
        Some("name, element, tag or status"),
        focused,
    );
    let mut line = vec![Span::styled(label, t.label())];
    let typed: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    line.extend(spans);
    line.push(Span::raw(" ".repeat(width.saturating_sub(typed) + 2)));
    line.push(Span::styled(count, t.dim()));
    frame.render_widget(Paragraph::new(Line::from(line)), area);
    if let Some(col) = cursor {
        frame.set_cursor_position((area.x + label.len() as u16 + col, area.y));
    }
}

fn status_style(t: &Theme, s: Status) -> Style {
    match s {
        Status::Works => t.success(),
        Status::Invalid | Status::Broken => t.error(),
        Status::Disabled => t.warning(),
        Status::Valid | Status::Checking | Status::Reauthorizing => t.dim(),
    }
}

/// Below this width the created column gives its room to the name.
const WITH_CREATED: usize = 70;

/// Columns: name, element, created (when there is room), status; the name
/// takes what is left, and is cut in the middle, where numbered names
/// ("shop 00017") differ at their end.
fn render_list(t: &Theme, view: &InstancesState, frame: &mut Frame, area: Rect) {
    let width = area.width as usize;
    let status_w = 9;
    let created_w = if width >= WITH_CREATED { 10 } else { 0 };
    let matches = view.matches();
    let element_w = element_width(view, width);
    let gaps = if created_w > 0 { 3 } else { 2 };
    let name_w = width
        .saturating_sub(2 + element_w + created_w + status_w + gaps)
        .max(8);
    let created_head = if created_w > 0 {
        format!("{} ", pad("CREATED", created_w))
    } else {
        String::new()
    };
    let head = format!(
        "  {} {} {created_head}STATUS",
        pad("NAME", name_w),
        pad("ELEMENT", element_w),
    );
    let mut lines = vec![Line::styled(truncate(&head, width), t.dim())];
    let rows = (area.height as usize).saturating_sub(1);
    if matches.is_empty() {
        let why = match (&view.loading, view.items.is_empty()) {
            (Loading::Pages { .. }, true) => "Reading the account's instances…",
            // Not "no instances": nothing could be read.
            (Loading::Failed(_), true) => "The instances could not be read (Ctrl-R tries again).",
            // Where the first one comes from, as the view was opened.
            (_, true) if view.back_to.is_some() => {
                "No instances yet: Esc goes back to choose an element and create one."
            }
            (_, true) => "No instances yet: `ce-wizard` alone creates one.",
            (_, false) => "No instance matches the filter (Esc clears it).",
        };
        lines.push(Line::styled(format!("  {why}"), t.dim()));
    }
    let start = scroll_start(matches.len(), rows, view.selected, 0);
    for (pos, &i) in matches.iter().enumerate().skip(start).take(rows) {
        let inst = &view.items[i];
        let status = view.status(inst);
        let selected = pos == view.selected;
        let mark = if selected { "› " } else { "  " };
        let created = if created_w > 0 {
            format!("{} ", pad(&created(inst), created_w))
        } else {
            String::new()
        };
        let row = format!(
            "{mark}{} {} {created}",
            pad(&shorten_middle(&inst.name, name_w), name_w),
            pad(&truncate(&inst.element_key, element_w), element_w),
        );
        let style = if selected {
            t.focused()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(row, style),
            Span::styled(status.label(), status_style(t, status)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The element column: 14 wide, or as wide as the longest element key
/// listed when the names keep 40 columns beside it, so a wide terminal
/// does not cut "infusionsoftecommerce" to "infusionsofte…".
fn element_width(view: &InstancesState, width: usize) -> usize {
    const NARROW: usize = 14;
    const WIDEST: usize = 32;
    // Over every instance listed, not the matches: the columns stay put
    // while the filter changes.
    let longest = view
        .items
        .iter()
        .map(|i| i.element_key.chars().count())
        .max()
        .unwrap_or(0)
        .min(WIDEST);
    let room = width.saturating_sub(2 + 40 + 10 + 9 + 3);
    NARROW.max(longest.min(room))
}

/// The day it was created: the platform's timestamp up to its date.
fn created(i: &Listed) -> String {
    i.created_date
        .as_deref()
        .map(|d| d.chars().take(10).collect())
        .unwrap_or_else(|| "—".into())
}

fn render_detail(t: &Theme, time: &Reading, view: &InstancesState, frame: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::TOP | Borders::LEFT)
        .border_style(t.border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(e) = &view.edit {
        render_edit(t, view, e, frame, inner);
        return;
    }
    if let Some(r) = &view.reauth {
        render_reauth(t, r, frame, inner);
        return;
    }
    if let Some(d) = &view.delete {
        let confirm = crate::flow::delete::Confirmation::for_instance(d.id, &d.name);
        let label = match &confirm {
            crate::flow::delete::Confirmation::Name(_) => "Type its name: ",
            crate::flow::delete::Confirmation::Id { .. } => "Type its ID: ",
        };
        let mut lines = vec![
            Line::styled(
                format!("Delete instance {} \"{}\"?", d.id, d.name),
                t.warning(),
            ),
            Line::raw(match &confirm {
                crate::flow::delete::Confirmation::Name(_) => {
                    "Deleting cannot be undone. Enter deletes once the name matches.".to_string()
                }
                crate::flow::delete::Confirmation::Id { id, why } => format!(
                    "Deleting cannot be undone. Its name cannot be typed ({why}): type its ID, {id}, and Enter deletes."
                ),
            }),
        ];
        let (spans, cursor) = input_spans(
            t,
            &d.typed,
            (inner.width as usize).saturating_sub(label.len() + 1),
            false,
            None,
            d.sent.is_none(),
        );
        let mut input = vec![Span::styled(label, t.focused())];
        input.extend(spans);
        let input_row = row_of(&lines, lines.len(), inner.width);
        lines.push(Line::from(input));
        if d.sent.is_some() {
            lines.push(Line::styled("Deleting…", t.dim()));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        if let Some(col) = cursor {
            frame.set_cursor_position((inner.x + label.len() as u16 + col, inner.y + input_row));
        }
        return;
    }
    let mut lines = match &view.new_from {
        Some(l) => form_load_lines(t, time, l),
        None => vec![],
    };
    let Some(i) = view.selected() else {
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    };
    let w = 9;
    let tags = i.tags();
    let status = view.status(i);
    let mut status_spans = vec![Span::styled(status.label(), status_style(t, status))];
    if let Some(fix) = what_to_do(view, i, status) {
        // Beside the status, so the key survives a pane too short for the
        // wrapped message below.
        status_spans.push(Span::styled(format!(" — {fix}"), t.focused()));
    }
    // The status second, under the name: a short terminal keeps the pane's
    // first rows, and whether the instance works matters most.
    lines.extend([
        kv(t, "Name", w, vec![Span::styled(i.name.clone(), t.value())]),
        kv(t, "Status", w, status_spans),
        kv(t, "ID", w, vec![Span::raw(i.id.to_string())]),
        kv(
            t,
            "Element",
            w,
            vec![Span::raw(format!("{} ({})", i.element_name, i.element_key))],
        ),
        kv(
            t,
            "Created",
            w,
            vec![Span::raw(
                i.created_date.clone().unwrap_or_else(|| "—".into()),
            )],
        ),
        kv(
            t,
            "Tags",
            w,
            vec![Span::raw(if tags.is_empty() {
                "—".to_string()
            } else {
                tags.join(", ")
            })],
        ),
        kv(t, "Token", w, vec![Span::styled(masked(i), t.dim())]),
    ]);
    let check = match view.checks.get(&i.id) {
        // "Not checked" is neither: a ✓ would read as "works".
        Some(Check::Found(o @ Outcome::NotChecked { .. })) => {
            Some((format!("! {}", o.summary()), t.warning()))
        }
        Some(Check::Found(o)) => Some((
            format!("{} {}", if o.is_failure() { "✗" } else { "✓" }, o.summary()),
            if o.is_failure() {
                t.error()
            } else {
                t.success()
            },
        )),
        Some(Check::Failed(e)) => Some((format!("✗ could not check: {e}"), t.error())),
        Some(Check::Running { .. }) => Some(("checking…".to_string(), t.dim())),
        Some(Check::Reauthorizing { .. }) => {
            Some(("re-authorizing, then checking again…".to_string(), t.dim()))
        }
        None => None,
    };
    if let Some((text_, style)) = check {
        lines.push(Line::styled(text_, style));
    } else if view.new_from.is_none() {
        // While a form loads, these keys wait for it.
        // Ctrl-G only where it can work: an element that signs in through the
        // browser (one parse of the selected instance per frame).
        let oauth = i
            .instance()
            .is_some_and(|whole| crate::flow::reauth::oauth_kind(&whole).is_ok());
        lines.push(Line::styled(
            if oauth {
                "Ctrl-T tests it; Ctrl-G re-authorizes; F4 edits; Ctrl-B starts a new one like it."
            } else {
                "Ctrl-T tests it; F4 edits its name and tags; Ctrl-B starts a new one like it."
            },
            t.dim(),
        ));
    }
    text(
        frame,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        inner,
    );
}

/// What fixes an instance found broken or disabled: the
/// key that does it here, or the command when no key here can.
fn what_to_do(view: &InstancesState, i: &Listed, status: Status) -> Option<String> {
    let fix = match (view.checks.get(&i.id), status) {
        (
            Some(Check::Found(Outcome::Broken {
                remedy: Remedy::Reauthorize,
                ..
            })),
            _,
        ) => "Ctrl-G re-authorizes it, Ctrl-D deletes it".to_string(),
        (Some(Check::Found(Outcome::Broken { .. })), _) => format!(
            "new credentials: ce-wizard instances update {} --set …",
            i.id
        ),
        (_, Status::Disabled) => {
            "enable it in the Cloud Elements console, or Ctrl-D deletes it".into()
        }
        _ => return None,
    };
    Some(fix)
}

/// A "new from this" whose form is on its way, or could not be had: above
/// the selected instance's details, which may be another one by now.
fn form_load_lines(t: &Theme, time: &Reading, l: &FormLoad) -> Vec<Line<'static>> {
    let like = format!("for a new instance like \"{}\"", l.instance.name);
    match &l.failed {
        None => vec![
            Line::styled(
                format!("{} Loading {}'s form…", time.spinner(), l.entry.name),
                t.accent(),
            ),
            Line::styled(format!("{like}; Esc cancels."), t.dim()),
        ],
        Some(report) => {
            let mut lines = vec![Line::styled(
                format!(
                    "✗ {}'s form could not be loaded ({like}): {}",
                    l.entry.name, report.message
                ),
                t.error(),
            )];
            if let Some(id) = &report.request_id {
                lines.push(Line::styled(format!("requestId {id}"), t.warning()));
            }
            if !report.advice.is_empty() {
                lines.push(Line::styled(report.advice.clone(), t.warning()));
            }
            lines.push(Line::styled("Enter tries again; Esc cancels.", t.help()));
            lines
        }
    }
}

/// One labelled input; the cursor goes to it when it has the focus.
fn field_line(
    t: &Theme,
    label: &str,
    field: &TextField,
    masked: bool,
    focused: bool,
    width: u16,
) -> (Line<'static>, Option<u16>) {
    let (spans, cursor) = input_spans(
        t,
        field,
        (width as usize).saturating_sub(label.len() + 1),
        masked,
        None,
        focused,
    );
    let mut line = vec![Span::styled(
        label.to_string(),
        if focused { t.focused() } else { t.label() },
    )];
    line.extend(spans);
    (Line::from(line), cursor.map(|c| c + label.len() as u16))
}

fn render_edit(t: &Theme, view: &InstancesState, e: &EditPrompt, frame: &mut Frame, area: Rect) {
    let current = view.items.iter().find(|i| i.id == e.id);
    let title = format!(
        "Edit instance {} \"{}\"",
        e.id,
        current.map_or("", |i| i.name.as_str())
    );
    let typing = e.sent.is_none();
    let (name, name_cursor) = field_line(
        t,
        "Name  ",
        &e.name,
        false,
        typing && !e.on_tags,
        area.width,
    );
    let (tags, tags_cursor) =
        field_line(t, "Tags  ", &e.tags, false, typing && e.on_tags, area.width);
    let mut lines = vec![Line::styled(title, t.title()), name, tags];
    if let Some(problem) = e.problem() {
        lines.push(Line::styled(format!("✗ {problem}"), t.error()));
    } else if let Some(refused) = &e.refused {
        lines.push(Line::styled(
            format!("✗ The platform refused: {refused}"),
            t.error(),
        ));
    } else if e.sent.is_some() {
        lines.push(Line::styled("Saving…", t.dim()));
    } else {
        lines.push(Line::styled(
            "Tags are separated by commas; the list replaces the old one. Enter saves.",
            t.dim(),
        ));
    }
    let cursor = if e.on_tags {
        tags_cursor.map(|c| (c, row_of(&lines, 2, area.width)))
    } else {
        name_cursor.map(|c| (c, row_of(&lines, 1, area.width)))
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let (true, Some((col, row))) = (typing, cursor) {
        frame.set_cursor_position((area.x + col, area.y + row));
    }
}

fn render_reauth(t: &Theme, r: &ReauthPrompt, frame: &mut Frame, area: Rect) {
    let i = &r.instance;
    let (key, key_cursor) = field_line(t, "App key     ", &r.key, false, !r.on_secret, area.width);
    let (secret, secret_cursor) =
        field_line(t, "App secret  ", &r.secret, true, r.on_secret, area.width);
    let lines = vec![
        Line::styled(
            format!("Re-authorize instance {} \"{}\" of {}", i.id, i.name, i.element_key),
            t.title(),
        ),
        key,
        secret,
        Line::styled(
            "The app registered at the provider: the platform never gives its secret back. Enter signs in.",
            t.dim(),
        ),
    ];
    let cursor = if r.on_secret {
        secret_cursor.map(|c| (c, row_of(&lines, 2, area.width)))
    } else {
        key_cursor.map(|c| (c, row_of(&lines, 1, area.width)))
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let Some((col, row)) = cursor {
        frame.set_cursor_position((area.x + col, area.y + row));
    }
}

/// The screen row of `lines[index]` once the lines before it wrap at
/// `width`: a title with a long name takes two rows, and the cursor must
/// still land on its input.
fn row_of(lines: &[Line<'static>], index: usize, width: u16) -> u16 {
    let before = Paragraph::new(lines[..index].to_vec()).wrap(Wrap { trim: false });
    u16::try_from(before.line_count(width)).unwrap_or(u16::MAX)
}

/// The token as the list shows it: never its characters, only that there
/// is one.
fn masked(i: &Listed) -> String {
    if i.token.is_empty() {
        "—".into()
    } else {
        "•••••••• (Ctrl-Y copies it)".into()
    }
}
