//! Key bindings: what a chord means, and the lists each step declares of
//! them. `update` resolves keys in those lists, and the footer and the help
//! overlay are drawn from the same lists, so the hints on screen are always
//! the keys that work.

use super::widgets::EditOp;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key means on the current screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    Next,
    Prev,
    Continue,
    Back,
    /// Validate the whole form and go on, from any field.
    Submit,
    Toggle,
    ChoiceNext,
    ChoicePrev,
    Reveal,
    TestConnection,
    ClearFilter,
    PageDown,
    PageUp,
    First,
    Last,
    /// Fetch the catalog again now.
    Refresh,
    /// A line break in a multi-line field.
    NewLine,
    OpenBrowser,
    /// Open the highlighted element's documentation in the browser.
    OpenDocs,
    CopyUrl,
    /// Print the whole sign-in link below the wizard's screen.
    ShowUrl,
    PasteUrl,
    Retry,
    SwitchView,
    CopyCurl,
    CopyBody,
    CopyToken,
    CopyJson,
    SaveFile,
    Another,
    Yes,
    No,
    /// Open the account's instances.
    OpenInstances,
    /// Check that the selected instance works.
    TestInstance,
    /// Check every instance the filter shows, several at once.
    TestShown,
    /// Turn the selected instance off, or back on.
    SwitchInstance,
    DeleteInstance,
    /// Sign the instance in again (OAuth), through the Authorize step.
    ReauthorizeInstance,
    /// Change the instance's name and tags.
    EditInstance,
    /// Open Configure with a new form prefilled from the instance.
    NewFromInstance,
    /// Switch the list between the platform's order and troubled first.
    SortByStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
}

pub const fn key(code: KeyCode) -> Chord {
    Chord { code, ctrl: false }
}

pub const fn ch(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

pub const fn ctrl(c: char) -> Chord {
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
    /// `None` for a hint that names no key of its own ("type" to filter).
    pub command: Option<Command>,
    /// Shown in the footer (everything is shown in the help overlay).
    pub footer: bool,
}

pub fn b(
    keys: &[Chord],
    label: &'static str,
    description: &'static str,
    command: Command,
) -> Binding {
    Binding {
        keys: keys.to_vec(),
        label,
        description,
        detail: None,
        command: Some(command),
        footer: true,
    }
}

/// A hint with no key of its own: what typing does, say.
pub fn hint(label: &'static str, description: &'static str) -> Binding {
    Binding {
        keys: vec![],
        label,
        description,
        detail: None,
        command: None,
        footer: true,
    }
}

/// Like `b`, but only listed in the help overlay.
pub fn extra(
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
    pub fn with_detail(self, detail: &'static str) -> Binding {
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

pub const UP: Chord = key(KeyCode::Up);
pub const DOWN: Chord = key(KeyCode::Down);
pub const TAB: Chord = key(KeyCode::Tab);
pub const BACKTAB: Chord = key(KeyCode::BackTab);
pub const ENTER: Chord = key(KeyCode::Enter);
pub const ESC: Chord = key(KeyCode::Esc);
pub const LEFT: Chord = key(KeyCode::Left);
pub const RIGHT: Chord = key(KeyCode::Right);
pub const SPACE: Chord = ch(' ');

/// Moving between the fields of a form (Connection, Configure).
pub fn field_moves() -> [Binding; 2] {
    [
        b(&[TAB, DOWN], "Tab/↓", "next", Command::Next),
        extra(&[BACKTAB, UP], "Shift-Tab/↑", "previous", Command::Prev),
    ]
}

/// The command a key means among these bindings, if any.
pub fn resolve(bindings: &[Binding], k: &KeyEvent) -> Option<Command> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    bindings
        .iter()
        .find(|bd| bd.keys.iter().any(|c| c.matches(k)))
        .and_then(|bd| bd.command)
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
    fn a_hint_is_shown_but_never_answers_a_key() {
        let list = [
            hint("type", "filter"),
            b(&[ch('x')], "x", "x", Command::Next),
        ];
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(resolve(&list, &k('/')), None);
        assert_eq!(resolve(&list, &k('t')), None);
        assert_eq!(resolve(&list, &k('x')), Some(Command::Next));
        assert!(list[0].footer && list[0].keys.is_empty());
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
