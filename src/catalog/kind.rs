//! Field kinds, and what each kind is whatever draws it: how its value is
//! given, whether it is hidden, whether it keeps several lines, whether it
//! is a web address. Every answer here is an exhaustive `match`, and so is
//! each front end's per-kind code, so a new kind fails to compile until
//! each of them handles it:
//!
//! - here: [`FieldKind::entry`], [`FieldKind::is_hidden`],
//!   [`FieldKind::is_multiline`], [`FieldKind::is_url`];
//! - the value check: `form::validate_field`;
//! - the platform's metadata: `catalog::metadata` (`refine_kind`);
//! - the wizard's Configure step: `tui::steps::configure::control`;
//! - the line prompts of `create` and accessible mode: `cli::field_kinds`;
//! - the JSON of `create --set`/`--from`: `cli::inputs` (`json_wanted`).
//!
//! The test `no_catch_all_over_field_kinds` below reads `src/` and fails on
//! a `_ =>` arm, a `matches!` or an `==` over field kinds, the ways a new
//! kind would silently be treated as another.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    /// Several lines of text.
    Textarea,
    Url,
    Secret,
    Boolean,
    Choice,
    Integer,
}

/// How a person gives a value of a kind, in any front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Typed as text.
    Typed,
    /// Turned on or off: the value is `true` or `false`.
    Toggle,
    /// Picked from the field's `choices`.
    Pick,
}

impl FieldKind {
    pub fn entry(self) -> Entry {
        match self {
            FieldKind::Text
            | FieldKind::Textarea
            | FieldKind::Url
            | FieldKind::Secret
            | FieldKind::Integer => Entry::Typed,
            FieldKind::Boolean => Entry::Toggle,
            FieldKind::Choice => Entry::Pick,
        }
    }

    /// Not shown as typed, masked wherever a value is printed, and never
    /// put in a URL or a log.
    pub fn is_hidden(self) -> bool {
        match self {
            FieldKind::Secret => true,
            FieldKind::Text
            | FieldKind::Textarea
            | FieldKind::Url
            | FieldKind::Boolean
            | FieldKind::Choice
            | FieldKind::Integer => false,
        }
    }

    /// Takes several lines: its line breaks and surrounding white space
    /// are part of the value, never trimmed or refused.
    pub fn is_multiline(self) -> bool {
        match self {
            FieldKind::Textarea => true,
            FieldKind::Text
            | FieldKind::Url
            | FieldKind::Secret
            | FieldKind::Boolean
            | FieldKind::Choice
            | FieldKind::Integer => false,
        }
    }

    /// A web address: checked as one, and offered a scheme when typed
    /// without one.
    pub fn is_url(self) -> bool {
        match self {
            FieldKind::Url => true,
            FieldKind::Text
            | FieldKind::Textarea
            | FieldKind::Secret
            | FieldKind::Boolean
            | FieldKind::Choice
            | FieldKind::Integer => false,
        }
    }
}

#[cfg(test)]
mod tests;
