//! Deleting one instance, the same in `ce-wizard instances delete` and the
//! wizard: `DELETE /instances/{id}` is sent once, and when its answer is
//! lost (a timeout, a dropped connection, a gateway error) the instance is
//! read again, so the person learns whether it is gone or still there
//! instead of a guess. Before it, what the person must type to confirm:
//! the name, or the ID when the name cannot be typed as shown.

use crate::api::{ApiError, Client};

/// What became of a delete that was sent.
#[derive(Debug)]
pub enum Deleted {
    /// The platform said so.
    Yes,
    /// The answer was lost (`cause`), but the instance is gone.
    AnswerLostButGone { cause: ApiError },
    /// The answer was lost, and the instance is still there: it was not
    /// deleted.
    AnswerLostStillThere { cause: ApiError },
    /// The answer was lost, and reading the instance again failed too: it
    /// may or may not be deleted.
    Unknown { cause: ApiError, reread: ApiError },
}

/// Sends the delete; `Err` is a clear refusal (nothing was deleted).
pub async fn delete(client: &Client, id: i64) -> Result<Deleted, ApiError> {
    let cause = match client.delete_instance(id).await {
        Ok(()) => return Ok(Deleted::Yes),
        Err(e) if e.create_outcome_unknown() => e,
        Err(e) => return Err(e),
    };
    Ok(match client.get_instance(id).await {
        Err(ApiError::NoSuchInstance { .. }) => Deleted::AnswerLostButGone { cause },
        Ok(_) => Deleted::AnswerLostStillThere { cause },
        Err(reread) => Deleted::Unknown { cause, reread },
    })
}

/// What a person types to confirm a delete: the instance's name when it
/// can be typed as it is shown, else its ID. Nothing typed never confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    Name(String),
    /// The ID, and why the name cannot be typed.
    Id {
        id: i64,
        why: &'static str,
    },
}

impl Confirmation {
    /// `name` is the instance's name as cleaned where it entered.
    pub fn for_instance(id: i64, name: &str) -> Confirmation {
        match untypable(name) {
            None => Confirmation::Name(name.to_string()),
            Some(why) => Confirmation::Id { id, why },
        }
    }

    /// Whether `typed` (surrounding spaces aside) confirms the delete.
    pub fn confirmed_by(&self, typed: &str) -> bool {
        let typed = typed.trim();
        !typed.is_empty()
            && match self {
                Confirmation::Name(name) => typed == name,
                Confirmation::Id { id, .. } => typed == id.to_string(),
            }
    }

    /// "name" or "ID": what the prompt asks for.
    pub fn asks_for(&self) -> &'static str {
        match self {
            Confirmation::Name(_) => "name",
            Confirmation::Id { .. } => "ID",
        }
    }

    /// What to type, as the prompt says it: the name quoted, or the ID.
    pub fn expected(&self) -> String {
        match self {
            Confirmation::Name(name) => format!("\"{name}\""),
            Confirmation::Id { id, .. } => id.to_string(),
        }
    }
}

/// Why a name cannot be typed to match it: empty (its every character was
/// unsafe and dropped where it entered), spaces at either end (not seen,
/// and trimmed from what is typed), or a character that is not seen or
/// not on a keyboard (zero-width, a control, an unusual space).
fn untypable(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("it has no name that can be shown")
    } else if name != name.trim() {
        Some("its name begins or ends with a space")
    } else if name.chars().any(|c| {
        c.is_control()
            || crate::sanitize::is_invisible_format(c)
            || (c.is_whitespace() && c != ' ')
            || c == '\u{FFFD}'
    }) {
        Some("its name holds characters that are not shown or cannot be typed")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_can_be_typed_confirms_and_nothing_typed_never_does() {
        let c = Confirmation::for_instance(7, "old shop");
        assert_eq!(c.asks_for(), "name");
        assert!(c.confirmed_by(" old shop "));
        assert!(!c.confirmed_by("old shp"));
        assert!(!c.confirmed_by("7"));
        assert!(!c.confirmed_by(""));
    }

    /// A name cleaned to nothing, with a space at an end, or with a
    /// zero-width or other unseen character is confirmed by the ID.
    #[test]
    fn a_name_that_cannot_be_typed_is_confirmed_by_the_id() {
        for name in [
            "",
            "   ",
            "shop ",
            " shop",
            "sh\u{200B}op",
            "shop\u{FEFF}",
            "a\u{00A0}b",
            "x\u{FFFD}",
        ] {
            let c = Confirmation::for_instance(1234, name);
            assert_eq!(c.asks_for(), "ID", "{name:?}");
            assert_eq!(c.expected(), "1234");
            assert!(c.confirmed_by("1234"), "{name:?}");
            assert!(!c.confirmed_by(""), "{name:?}: nothing typed");
            assert!(!c.confirmed_by("   "), "{name:?}");
            assert!(!c.confirmed_by(name), "{name:?}: the name itself");
            assert!(!c.confirmed_by("shop"), "{name:?}");
        }
    }
}
