//! Every key binding, per screen. `update` resolves keys here and the footer
//! and the help overlay are drawn from the same lists, so the hints on
//! screen are always the keys that work.

use super::action::Command;
use super::app::{App, AuthPhase, CreatePhase, Overlay, Pending, Step};
use super::connection::ConnField;
use super::form_state::FormItem;
use super::widgets::EditOp;
use crate::catalog::FieldKind;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Chord {
    Chord { code, ctrl: false }
}

const fn ch(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn ctrl(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Chord {
    fn matches(&self, k: &KeyEvent) -> bool {
        let has_ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if has_ctrl != self.ctrl || k.modifiers.contains(KeyModifiers::ALT) {
            return false;
        }
        match (self.code, k.code) {
            // Letters arrive upper-case with Shift or Caps Lock; a binding
            // on `c` answers both.
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a == b || (self.ctrl || a.is_ascii_alphabetic()) && a.eq_ignore_ascii_case(&b)
            }
            (a, b) => a == b,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Chord>,
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub description: &'static str,
    /// A fuller description for the help overlay, where the footer's word
    /// is too terse.
    pub detail: Option<&'static str>,
    pub command: Command,
    /// Shown in the footer (everything is shown in the help overlay).
    pub footer: bool,
}

fn b(keys: &[Chord], label: &'static str, description: &'static str, command: Command) -> Binding {
    Binding {
        keys: keys.to_vec(),
        label,
        description,
        detail: None,
        command,
        footer: true,
    }
}

/// Like `b`, but only listed in the help overlay.
fn extra(
    keys: &[Chord],
    label: &'static str,
    description: &'static str,
    command: Command,
) -> Binding {
    Binding {
        footer: false,
        ..b(keys, label, description, command)
    }
}

impl Binding {
    fn with_detail(self, detail: &'static str) -> Binding {
        Binding {
            detail: Some(detail),
            ..self
        }
    }

    /// What the help overlay says it does.
    pub fn help_text(&self) -> &'static str {
        self.detail.unwrap_or(self.description)
    }
}

const UP: Chord = key(KeyCode::Up);
const DOWN: Chord = key(KeyCode::Down);
const TAB: Chord = key(KeyCode::Tab);
const BACKTAB: Chord = key(KeyCode::BackTab);
const ENTER: Chord = key(KeyCode::Enter);
const ESC: Chord = key(KeyCode::Esc);
const LEFT: Chord = key(KeyCode::Left);
const RIGHT: Chord = key(KeyCode::Right);
const SPACE: Chord = ch(' ');

/// Whether typed characters go into a text input on this screen.
pub fn text_focus(app: &App) -> bool {
    app.overlay.is_none() && step_text_focus(app)
}

/// Whether the step (under any overlay) has a text input focused.
pub fn step_text_focus(app: &App) -> bool {
    match app.step {
        Step::Connection => app.connection.focus.is_text(),
        Step::Element => app.picker.pending.is_none(),
        Step::Configure => app.form().is_some_and(|f| f.focus_is_text()),
        Step::Authorize => app.authorize.paste_focused,
        Step::Done => app
            .done
            .as_ref()
            .is_some_and(|d| d.prompt.as_ref().is_some_and(|p| !p.confirm_overwrite)),
        Step::Review | Step::Creating => false,
    }
}

/// The bindings in force right now, most important first.
pub fn bindings(app: &App) -> Vec<Binding> {
    match app.overlay {
        Some(Overlay::Help) => {
            return vec![b(
                &[ESC, ch('?'), key(KeyCode::F(1)), ch('q'), ENTER],
                "Esc",
                "close help",
                Command::Back,
            )]
        }
        Some(Overlay::ConfirmQuit) => {
            return vec![
                b(
                    &[ch('y'), ctrl('c')],
                    "y",
                    "quit, losing what was typed",
                    Command::Yes,
                ),
                b(&[ch('n'), ESC], "n/Esc", "keep going", Command::No),
            ]
        }
        None => {}
    }
    step_bindings(app)
}

/// The bindings of the current step, ignoring any overlay (the help
/// overlay lists these).
pub fn step_bindings(app: &App) -> Vec<Binding> {
    let mut list = match app.step {
        Step::Connection => connection(app),
        Step::Element => element(app),
        Step::Configure => configure(app),
        Step::Authorize => authorize(app),
        Step::Review => review(app),
        Step::Creating => creating(app),
        Step::Done => done(app),
    };
    // In an element filter `?` is never part of a name, so it stays help.
    if step_text_focus(app) && app.step != Step::Element {
        list.push(b(&[key(KeyCode::F(1))], "F1", "help", Command::Help));
    } else {
        list.push(b(
            &[ch('?'), key(KeyCode::F(1))],
            "?",
            "help",
            Command::Help,
        ));
    }
    // Where the step has its own quit key in the footer, Ctrl-C still works
    // but is only listed in the help.
    let own_quit = list.iter().any(|b| b.footer && b.command == Command::Quit);
    let quit = b(&[ctrl('c')], "Ctrl-C", "quit", Command::Quit);
    list.push(if own_quit {
        Binding {
            footer: false,
            ..quit
        }
    } else {
        quit
    });
    list
}

fn connection(app: &App) -> Vec<Binding> {
    let mut list = vec![
        b(&[ENTER], "Enter", "test and continue", Command::Continue)
            .with_detail("test the secrets (lists the catalog) and go on when they work"),
        b(&[ESC], "Esc", "quit", Command::Back),
    ];
    if matches!(
        app.connection.focus,
        ConnField::Environment | ConnField::Remember
    ) {
        list.push(b(&[RIGHT, SPACE], "←/→", "choose", Command::ChoiceNext));
        list.push(extra(&[LEFT], "←", "previous choice", Command::ChoicePrev));
    }
    list.push(b(
        &[ctrl('r')],
        "Ctrl-R",
        if app.connection.reveal {
            "hide secrets"
        } else {
            "show secrets"
        },
        Command::Reveal,
    ));
    list.push(extra(
        &[ctrl('t')],
        "Ctrl-T",
        "test the connection only",
        Command::TestConnection,
    ));
    list.extend(field_moves());
    list
}

/// Moving between the fields of a form (Connection, Configure).
fn field_moves() -> [Binding; 2] {
    [
        b(&[TAB, DOWN], "Tab/↓", "next", Command::Next),
        extra(&[BACKTAB, UP], "Shift-Tab/↑", "previous", Command::Prev),
    ]
}

fn element(app: &App) -> Vec<Binding> {
    match &app.picker.pending {
        Some(Pending::Spec {
            failed: Some(_), ..
        }) => {
            return vec![
                b(&[ENTER, ch('r')], "Enter", "try again", Command::Retry)
                    .with_detail("ask the platform for the element's settings again"),
                b(&[ESC], "Esc", "pick another", Command::Back)
                    .with_detail("back to the list, to pick another element"),
            ]
        }
        Some(Pending::Spec { .. }) => {
            return vec![b(&[ESC], "Esc", "cancel", Command::Back)
                .with_detail("stop loading the form and go back to the list")]
        }
        Some(Pending::Lookup { .. }) => {
            return vec![b(&[ESC], "Esc", "cancel", Command::Back)
                .with_detail("stop looking the element up and show the list")]
        }
        None => {}
    }
    let mut list = vec![b(&[ENTER], "Enter", "choose", Command::Continue)];
    if app.picker.filter.is_empty() {
        list.push(b(&[ESC], "Esc", "back", Command::Back));
    } else {
        list.push(b(&[ESC], "Esc", "clear filter", Command::ClearFilter));
    }
    list.extend([
        b(&[ch('/')], "type", "filter", Command::FocusFilter),
        b(&[DOWN, ctrl('n'), TAB], "↑/↓", "move", Command::Next),
        extra(
            &[UP, ctrl('p'), BACKTAB],
            "↑/Ctrl-P",
            "previous element",
            Command::Prev,
        ),
        b(
            &[ctrl('r'), key(KeyCode::F(5))],
            "Ctrl-R",
            "refresh",
            Command::Refresh,
        )
        .with_detail("fetch the platform's catalog again now (F5 too)"),
        extra(
            &[key(KeyCode::PageDown)],
            "PgDn",
            "page down",
            Command::PageDown,
        ),
        extra(&[key(KeyCode::PageUp)], "PgUp", "page up", Command::PageUp),
        extra(
            &[key(KeyCode::Home)],
            "Home",
            "first element (Ctrl-A moves the cursor in the filter)",
            Command::First,
        ),
        extra(
            &[key(KeyCode::End)],
            "End",
            "last element (Ctrl-E moves the cursor in the filter)",
            Command::Last,
        ),
    ]);
    list
}

fn configure(app: &App) -> Vec<Binding> {
    let Some(form) = app.form() else {
        return vec![];
    };
    let mut list = vec![];
    let kind = form.focused_field().map(|f| f.kind);
    match (&form.focus, kind) {
        (FormItem::Advanced, _) => {
            let verb = if form.advanced_open {
                "fold advanced"
            } else {
                "show advanced"
            };
            list.push(b(&[ENTER, SPACE], "Enter", verb, Command::Toggle));
        }
        (_, Some(FieldKind::Boolean)) => {
            list.push(b(&[SPACE], "Space", "toggle", Command::Toggle));
            list.push(extra(&[LEFT, RIGHT], "←/→", "toggle", Command::Toggle));
        }
        (_, Some(FieldKind::Choice)) => {
            list.push(b(&[RIGHT, SPACE], "←/→", "choose", Command::ChoiceNext));
            list.push(extra(&[LEFT], "←", "previous choice", Command::ChoicePrev));
        }
        _ => {}
    }
    let last = form.is_last(&form.focus);
    if form.focus != FormItem::Advanced {
        list.push(b(
            &[ENTER],
            "Enter",
            if last { "review" } else { "next" },
            Command::Continue,
        ));
    }
    list.push(
        b(&[ctrl('s')], "Ctrl-S", "done", Command::Submit)
            .with_detail("check every field and continue (from any field)"),
    );
    list.push(b(&[ESC], "Esc", "back", Command::Back));
    if kind == Some(FieldKind::Secret) {
        list.push(b(&[ctrl('r')], "Ctrl-R", "show/hide", Command::Reveal));
    }
    if kind == Some(FieldKind::Textarea) {
        list.push(
            b(&[ctrl('j')], "Ctrl-J", "new line", Command::NewLine)
                .with_detail("start a new line in this field (Alt-Enter too)"),
        );
    }
    list.extend(field_moves());
    list
}

fn authorize(app: &App) -> Vec<Binding> {
    if app.authorize.paste_focused {
        return vec![
            b(
                &[ENTER],
                "Enter",
                "use the pasted address",
                Command::Continue,
            ),
            b(&[ESC], "Esc", "leave the field", Command::Back),
        ];
    }
    let mut list = vec![];
    match &app.authorize.phase {
        AuthPhase::Failed(_) => {
            list.push(b(&[ENTER, ch('r')], "Enter", "try again", Command::Retry))
        }
        AuthPhase::Waiting { .. } => {
            list.push(b(&[ch('o')], "o", "open browser", Command::OpenBrowser));
            list.push(b(&[ch('c')], "c", "copy URL", Command::CopyUrl));
            list.push(
                b(&[ch('p')], "p", "paste redirect", Command::PasteUrl).with_detail(
                    "type or paste the address the browser ended on (a paste works anytime)",
                ),
            );
            list.push(extra(
                &[ch('r')],
                "r",
                "start over with a new link",
                Command::Retry,
            ));
        }
        AuthPhase::Idle | AuthPhase::FetchingUrl => {}
    }
    list.push(b(&[ESC], "Esc", "back to the form", Command::Back));
    list
}

fn review(app: &App) -> Vec<Binding> {
    // After a cancelled create, Enter first looks for the instance it may
    // have made.
    let enter = if app.review.cancelled.is_some() {
        "look for it, then create"
    } else {
        "create"
    };
    vec![
        b(&[ENTER], "Enter", enter, Command::Continue),
        b(&[ESC], "Esc", "back", Command::Back),
        b(&[ch('c')], "c", "copy curl", Command::CopyCurl),
        b(&[ctrl('r'), ch('r')], "r", "reveal", Command::Reveal)
            .with_detail("show or hide secret values in the body and the curl command"),
        b(&[TAB], "Tab", "body/curl", Command::SwitchView)
            .with_detail("switch between the request body and the curl command"),
        extra(&[ch('b')], "b", "copy the request body", Command::CopyBody),
        extra(
            &[DOWN, key(KeyCode::PageDown), ch('j')],
            "↓/PgDn",
            "scroll down",
            Command::PageDown,
        ),
        extra(
            &[UP, key(KeyCode::PageUp), ch('k')],
            "↑/PgUp",
            "scroll up",
            Command::PageUp,
        ),
    ]
}

fn creating(app: &App) -> Vec<Binding> {
    match app.creating.as_ref().map(|c| &c.phase) {
        Some(CreatePhase::NothingCreated(_)) => vec![
            b(&[ENTER, ch('r')], "Enter", "create again", Command::Retry)
                .with_detail("send the same request again: nothing was created, so it is safe"),
            b(&[ESC], "Esc", "back to review", Command::Back),
        ],
        Some(CreatePhase::Unknown(_)) => vec![
            b(&[ch('r'), ENTER], "r", "check again", Command::Retry).with_detail(
                "look among the platform's instances again for the one this create may have made",
            ),
            b(&[ESC], "Esc", "back to review", Command::Back),
        ],
        Some(CreatePhase::Checking(_)) => {
            vec![b(&[ESC], "Esc", "stop looking", Command::Back)]
        }
        Some(CreatePhase::Sending) | None => vec![b(
            &[ESC],
            "Esc",
            "cancel and return to review",
            Command::Back,
        )],
    }
}

fn done(app: &App) -> Vec<Binding> {
    if let Some(p) = app.done.as_ref().and_then(|d| d.prompt.as_ref()) {
        if p.confirm_overwrite {
            return vec![
                b(&[ch('y')], "y", "replace the file", Command::Yes),
                b(&[ch('n'), ESC], "n/Esc", "keep it", Command::No),
            ];
        }
        return vec![
            b(&[ENTER], "Enter", "save", Command::Continue),
            b(&[ESC], "Esc", "cancel", Command::Back),
        ];
    }
    vec![
        b(&[ch('c')], "c", "copy token", Command::CopyToken)
            .with_detail("copy the token (system clipboard and OSC 52)"),
        b(&[ch('j')], "j", "copy JSON", Command::CopyJson)
            .with_detail("copy the whole instance as JSON"),
        b(&[ch('s')], "s", "save", Command::SaveFile)
            .with_detail("save the instance JSON to a file readable only by you"),
        b(&[ch('n')], "n", "another", Command::Another)
            .with_detail("create another instance with the same connection"),
        b(&[ch('q'), ESC], "q", "quit", Command::Quit),
    ]
}

/// The command a key means right now, if any.
pub fn resolve(app: &App, k: &KeyEvent) -> Option<Command> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    bindings(app)
        .into_iter()
        .find(|bd| bd.keys.iter().any(|c| c.matches(k)))
        .map(|bd| bd.command)
}

/// The text edit a key means when a text input has focus.
pub fn edit_op(k: &KeyEvent) -> Option<EditOp> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    Some(match k.code {
        KeyCode::Char(c) if !ctrl && !alt => EditOp::Insert(c),
        // Only multi-line fields take it (see `update::edit`).
        KeyCode::Enter if alt => EditOp::Insert('\n'),
        KeyCode::Char('a') if ctrl => EditOp::Home,
        KeyCode::Char('e') if ctrl => EditOp::End,
        KeyCode::Char('w') if ctrl => EditOp::DeleteWordBack,
        KeyCode::Char('u') if ctrl => EditOp::DeleteToStart,
        KeyCode::Char('k') if ctrl => EditOp::DeleteToEnd,
        KeyCode::Char('b') if alt => EditOp::WordLeft,
        KeyCode::Char('f') if alt => EditOp::WordRight,
        KeyCode::Backspace if ctrl || alt => EditOp::DeleteWordBack,
        KeyCode::Backspace => EditOp::Backspace,
        KeyCode::Delete => EditOp::Delete,
        KeyCode::Left if ctrl || alt => EditOp::WordLeft,
        KeyCode::Right if ctrl || alt => EditOp::WordRight,
        KeyCode::Left => EditOp::Left,
        KeyCode::Right => EditOp::Right,
        KeyCode::Home => EditOp::Home,
        KeyCode::End => EditOp::End,
        _ => return None,
    })
}

/// Keys of the text input on this screen, for the help overlay. In the
/// element filter Home and End move through the list instead.
pub fn editing_keys(app: &App) -> Vec<(&'static str, &'static str)> {
    let mut keys = EDITING_KEYS.to_vec();
    if app.step == Step::Element {
        keys[0] = (
            "←/→ Ctrl-A/E",
            "move the cursor (Home/End move through the list)",
        );
    }
    keys
}

/// Keys of text inputs, for the help overlay.
pub const EDITING_KEYS: &[(&str, &str)] = &[
    ("←/→ Home/End", "move the cursor (Ctrl-A/Ctrl-E too)"),
    ("Ctrl-←/→", "move by word"),
    ("Ctrl-W", "delete the word before the cursor"),
    ("Ctrl-U / Ctrl-K", "delete to the start / to the end"),
    ("paste", "pastes into the field (bracketed paste)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_match_either_case_but_not_with_alt() {
        let c = ch('c');
        assert!(c.matches(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE)));
        assert!(c.matches(&KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT)));
        assert!(!c.matches(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!c.matches(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::ALT)));
        assert!(ctrl('c').matches(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(ch('?').matches(&KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)));
        assert!(!ch('/').matches(&KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)));
    }

    #[test]
    fn edit_ops_for_common_keys() {
        let k = |code, m| edit_op(&KeyEvent::new(code, m));
        assert_eq!(
            k(KeyCode::Char('x'), KeyModifiers::SHIFT),
            Some(EditOp::Insert('x'))
        );
        assert_eq!(
            k(KeyCode::Char('w'), KeyModifiers::CONTROL),
            Some(EditOp::DeleteWordBack)
        );
        assert_eq!(k(KeyCode::Char('r'), KeyModifiers::CONTROL), None);
        assert_eq!(
            k(KeyCode::Left, KeyModifiers::CONTROL),
            Some(EditOp::WordLeft)
        );
    }
}
