//! How the Configure step shows and edits a field of each kind. One
//! exhaustive match (`control`): a new field kind fails to compile here
//! until the wizard has a control for it.

use crate::catalog::FieldKind;

/// What a field is on the form: its keys, how its value is drawn, and what
/// its help line adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// One line of typed text; `masked` shows it as dots until Ctrl-R.
    Line { masked: bool },
    /// Several lines of text: Ctrl-J (Alt-Enter) starts a new one.
    Lines,
    /// A checkbox: Space or ←/→ toggles it.
    Checkbox,
    /// One of the field's choices: ←/→ or Space moves through them.
    Choices,
}

pub fn control(kind: FieldKind) -> Control {
    match kind {
        FieldKind::Text | FieldKind::Url | FieldKind::Integer => Control::Line { masked: false },
        FieldKind::Secret => Control::Line { masked: true },
        FieldKind::Textarea => Control::Lines,
        FieldKind::Boolean => Control::Checkbox,
        FieldKind::Choice => Control::Choices,
    }
}

impl Control {
    /// Whether it takes typed text (and so a cursor, paste and editing keys).
    pub fn is_text(self) -> bool {
        match self {
            Control::Line { .. } | Control::Lines => true,
            Control::Checkbox | Control::Choices => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_a_control_that_agrees_with_its_facts() {
        use FieldKind::*;
        for kind in [Text, Textarea, Url, Secret, Boolean, Choice, Integer] {
            let c = control(kind);
            assert_eq!(
                c == Control::Line { masked: true },
                kind.is_hidden(),
                "{kind:?}"
            );
            assert_eq!(c == Control::Lines, kind.is_multiline(), "{kind:?}");
            assert_eq!(
                c.is_text(),
                kind.entry() == crate::catalog::Entry::Typed,
                "{kind:?}"
            );
            assert_eq!(
                c == Control::Checkbox,
                kind.entry() == crate::catalog::Entry::Toggle
            );
            assert_eq!(
                c == Control::Choices,
                kind.entry() == crate::catalog::Entry::Pick
            );
        }
    }
}
