//! How the line front ends (`create`'s prompts and accessible mode) ask
//! for, read and show back a field of each kind. One exhaustive match
//! (`ask`): a new field kind fails to compile here until the line front
//! ends know how to ask for it.

use crate::catalog::{FieldKind, FieldSpec};

/// How a field is asked for on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Typed and echoed; an example helps.
    Text,
    /// Typed without echo, and never shown back.
    Hidden,
    /// Answered y or n.
    YesNo,
    /// One of the field's choices, by its number or its name.
    Numbered,
}

pub fn ask(kind: FieldKind) -> Ask {
    match kind {
        FieldKind::Text | FieldKind::Textarea | FieldKind::Url | FieldKind::Integer => Ask::Text,
        FieldKind::Secret => Ask::Hidden,
        FieldKind::Boolean => Ask::YesNo,
        FieldKind::Choice => Ask::Numbered,
    }
}

/// What a question says of its answer's form: "y or n", the numbered
/// choices, that it is not shown, or an example.
pub fn answer_hint(f: &FieldSpec) -> Option<String> {
    match ask(f.kind) {
        Ask::YesNo => Some("y or n".into()),
        Ask::Numbered => Some(
            f.choices
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} {c}", i + 1))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Ask::Hidden => Some("not shown as you type".into()),
        Ask::Text => f.example.as_ref().map(|e| format!("e.g. {e}")),
    }
}

/// What Enter keeps when the field holds `current` already.
pub fn enter_keeps(f: &FieldSpec, current: &str) -> String {
    match ask(f.kind) {
        Ask::Hidden => "Enter keeps the one given".into(),
        Ask::YesNo => format!("Enter keeps {}", yes_or_no(current)),
        Ask::Text | Ask::Numbered => format!("Enter keeps {current}"),
    }
}

/// A value as a review lists it: a secret hidden, a checkbox as yes or no.
pub fn shown(f: &FieldSpec, value: &str) -> String {
    match ask(f.kind) {
        Ask::Hidden => "(hidden)".into(),
        Ask::YesNo => yes_or_no(value).into(),
        Ask::Text | Ask::Numbered => value.to_string(),
    }
}

fn yes_or_no(value: &str) -> &'static str {
    if value == "true" {
        "yes"
    } else {
        "no"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> FieldSpec {
        FieldSpec {
            example: Some("https://shop.example.com".into()),
            choices: vec!["webhook".into(), "polling".into()],
            ..FieldSpec::new("k", "K", kind)
        }
    }

    #[test]
    fn each_kind_is_asked_hinted_kept_and_shown_its_way() {
        use FieldKind::*;
        let seen: Vec<(FieldKind, Ask, Option<String>, String, String)> =
            [Text, Textarea, Url, Secret, Boolean, Choice, Integer]
                .into_iter()
                .map(|k| {
                    let f = field(k);
                    (
                        k,
                        ask(k),
                        answer_hint(&f),
                        enter_keeps(&f, "true"),
                        shown(&f, "true"),
                    )
                })
                .collect();
        let eg = || Some("e.g. https://shop.example.com".to_string());
        let keeps = || "Enter keeps true".to_string();
        assert_eq!(
            seen,
            [
                (Text, Ask::Text, eg(), keeps(), "true".into()),
                (Textarea, Ask::Text, eg(), keeps(), "true".into()),
                (Url, Ask::Text, eg(), keeps(), "true".into()),
                (
                    Secret,
                    Ask::Hidden,
                    Some("not shown as you type".into()),
                    "Enter keeps the one given".into(),
                    "(hidden)".into()
                ),
                (
                    Boolean,
                    Ask::YesNo,
                    Some("y or n".into()),
                    "Enter keeps yes".into(),
                    "yes".into()
                ),
                (
                    Choice,
                    Ask::Numbered,
                    Some("1 webhook, 2 polling".into()),
                    keeps(),
                    "true".into()
                ),
                (Integer, Ask::Text, eg(), keeps(), "true".into()),
            ]
        );
        assert_eq!(shown(&field(Boolean), "false"), "no");
        assert_eq!(answer_hint(&FieldSpec::new("k", "K", Text)), None);
    }

    #[test]
    fn asking_agrees_with_the_kinds_facts() {
        use crate::catalog::Entry;
        use FieldKind::*;
        for k in [Text, Textarea, Url, Secret, Boolean, Choice, Integer] {
            assert_eq!(ask(k) == Ask::Hidden, k.is_hidden(), "{k:?}");
            assert_eq!(ask(k) == Ask::YesNo, k.entry() == Entry::Toggle, "{k:?}");
            assert_eq!(ask(k) == Ask::Numbered, k.entry() == Entry::Pick, "{k:?}");
        }
    }
}
