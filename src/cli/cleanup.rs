//! `ce-wizard instances delete --tag T | --element KEY | --status
//! invalid|disabled`: deleting the instances a selection takes. The
//! matching list and its count come first; on a terminal the person types
//! the count to confirm, elsewhere `--yes` is required. Each delete then
//! reports one line on stdout, and an answer lost on one is read back as a
//! single delete's is (`flow::delete`).
//!
//! The deletes go one at a time, in the order of the list the person
//! confirmed: a delete is sent once and not retried (a 429 or a refusal
//! ends that instance as not deleted), so running several at once would
//! only meet the platform's rate limit sooner, and a cleanup is rare and
//! short next to checking. A run that leaves some is simply run again: it
//! lists only what is still there.
//!
//! [`SelectionArgs`] are the flags any command over many instances takes.

use super::console::Console;
use super::{report, Failure};
use crate::api::{ApiError, Client, Instance, Paging, Search};
use crate::exit;
use crate::flow::delete::{self, Deleted};
use crate::flow::selection::{status_word, ListedStatus, Selection};
use crate::form;
use crate::sanitize::printable;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::ops::ControlFlow;

/// `--tag`, `--element` and `--status`: which instances a command over
/// many takes (all three narrow together).
#[derive(Args, Debug, Default, Clone)]
#[group(id = "selection", multiple = true)]
pub struct SelectionArgs {
    /// Only instances with this tag (exact).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only instances of this element (its key, e.g. bigcommerce).
    #[arg(long, value_name = "KEY")]
    pub element: Option<String>,
    /// Only instances the platform lists as invalid (their sign-in stopped working) or disabled.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusArg>,
}

/// The values `--status` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Invalid,
    Disabled,
}

impl SelectionArgs {
    /// The selection, its tag and element checked before anything is sent.
    pub fn selection(&self) -> Result<Selection, Failure> {
        let tag = self.tag.as_deref().map(str::trim);
        if let Some(t) = tag {
            if t.is_empty() {
                return Err(Failure::invalid("--tag: a tag cannot be empty"));
            }
            if let Some(problem) = form::validate_tags(&[t.to_string()]) {
                return Err(Failure::invalid(format!("--tag: {problem}")));
            }
        }
        let element = self.element.as_deref().map(str::trim);
        if element.is_some_and(|k| k.is_empty() || k.chars().any(char::is_control)) {
            return Err(Failure::invalid(
                "--element: give an element's key, e.g. bigcommerce (`ce-wizard elements` lists them)",
            ));
        }
        Ok(Selection {
            tag: tag.map(str::to_string),
            element: element.map(str::to_string),
            status: self.status.map(|s| match s {
                StatusArg::Invalid => ListedStatus::Invalid,
                StatusArg::Disabled => ListedStatus::Disabled,
            }),
        })
    }
}

/// The flags as typed, for the messages: `--tag staging --status invalid`.
fn described(s: &Selection) -> String {
    let mut parts = vec![];
    if let Some(t) = &s.tag {
        parts.push(format!("--tag {}", printable(t)));
    }
    if let Some(e) = &s.element {
        parts.push(format!("--element {}", printable(e)));
    }
    match s.status {
        Some(ListedStatus::Invalid) => parts.push("--status invalid".into()),
        Some(ListedStatus::Disabled) => parts.push("--status disabled".into()),
        None => {}
    }
    parts.join(" ")
}

/// Deletes the instances `selection` takes, after the list, its count and
/// the confirmation. Exit 0 when every one is gone (or none matched), 2
/// when the confirmation is missing or wrong, 130 when declined, 3 when
/// any was not deleted.
pub async fn run(
    console: &mut Console,
    client: &Client,
    selection: &Selection,
    yes: bool,
) -> Result<i32, Failure> {
    let flags = described(selection);
    let matched = matching(client, selection).await.map_err(|e| Failure {
        code: exit::API_FAILED,
        message: format!(
            "cannot list the instances to find those {flags} takes: {}; nothing was deleted",
            report::api_error(&e, None)
        ),
    })?;
    if matched.is_empty() {
        console.say(format!("No instance matches {flags}; nothing to delete."));
        return Ok(exit::CREATED);
    }
    let count = matched.len();
    let noun = if count == 1 { "instance" } else { "instances" };
    console.say(format!("{count} {noun} match {flags}:"));
    for i in &matched {
        console.say(format!(
            "  {}  \"{}\"  {}  {}",
            i.id,
            printable(&i.name),
            printable(&i.element_key),
            status_word(i)
        ));
    }
    if !yes {
        if !console.input_is_terminal {
            return Err(Failure::invalid(format!(
                "deleting {count} {noun} needs a confirmation: add --yes (standard input is not a terminal to ask on); nothing was deleted"
            )));
        }
        // One answer: a wrong count means the list is not what the person
        // expected, and asking again would only invite copying the number.
        let typed = console
            .prompter
            .ask_line(&format!(
                "Type {count} to delete these {count} {noun} for good, or press Enter to keep them: "
            ))
            .map_err(|e| {
                Failure::invalid(format!("cannot read the answer: {e}; nothing was deleted"))
            })?;
        let typed = typed.trim();
        if typed.is_empty() {
            console.say("Kept them; nothing was deleted.");
            return Ok(exit::INTERRUPTED);
        }
        if typed != count.to_string() {
            return Err(Failure::invalid(format!(
                "\"{}\" is not {count}, the number of instances listed; nothing was deleted",
                printable(typed)
            )));
        }
    }
    let mut gone = 0;
    for i in &matched {
        let (line, deleted) = delete_one(client, i).await;
        gone += usize::from(deleted);
        let _ = writeln!(console.output, "{line}");
        let _ = console.output.flush();
    }
    if gone == count {
        console.say(format!("Deleted {count} {noun}."));
        return Ok(exit::CREATED);
    }
    Err(Failure {
        code: exit::API_FAILED,
        message: format!(
            "{} of {count} {noun} were not deleted (each line above says why); run the same command again to retry them",
            count - gone
        ),
    })
}

/// The instances `selection` takes. A tag is asked of the platform
/// (`tags[]`, which answers the instances carrying it) and every answer is
/// checked here too; when no instance it answers carries the tag (it
/// ignored the parameter, or reads it otherwise), the whole list is read.
async fn matching(client: &Client, selection: &Selection) -> Result<Vec<Instance>, ApiError> {
    if let Some(tag) = &selection.tag {
        let by_tag = Selection {
            tag: Some(tag.clone()),
            ..Selection::default()
        };
        let search = Search {
            text: None,
            tag: Some(tag.clone()),
        };
        let (mut tagged, mut taken) = (false, Vec::new());
        client
            .for_each_instance_page_searching(Paging::default(), &search, |page| {
                tagged |= page.instances.iter().any(|i| by_tag.takes(i));
                taken.extend(page.instances.into_iter().filter(|i| selection.takes(i)));
                ControlFlow::Continue(())
            })
            .await?;
        if tagged {
            return Ok(taken);
        }
    }
    let mut taken = Vec::new();
    client
        .for_each_instance_page(Paging::default(), |page| {
            taken.extend(page.instances.into_iter().filter(|i| selection.takes(i)));
            ControlFlow::Continue(())
        })
        .await?;
    Ok(taken)
}

/// One delete and its line; whether the instance is gone.
async fn delete_one(client: &Client, i: &Instance) -> (String, bool) {
    let who = format!("{} \"{}\"", i.id, printable(&i.name));
    match delete::delete(client, i.id).await {
        Ok(Deleted::Yes) => (format!("deleted {who}"), true),
        Ok(Deleted::AnswerLostButGone { cause }) => (
            format!("deleted {who} (the answer was lost: {cause}; read back, it is gone)"),
            true,
        ),
        Ok(Deleted::AnswerLostStillThere { cause }) => (
            format!("not deleted {who}: the answer was lost ({cause}) and it still exists"),
            false,
        ),
        Ok(Deleted::Unknown { cause, reread }) => (
            format!(
                "unknown {who}: the answer was lost ({cause}) and reading it again failed ({reread}); `ce-wizard instances show {}` tells",
                i.id
            ),
            false,
        ),
        // Gone before this delete reached it: what was asked is done.
        Err(ApiError::NoSuchInstance { .. }) => (format!("deleted {who} (it was already gone)"), true),
        Err(e) => (
            format!("not deleted {who}: {}", report::api_error(&e, None)),
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(tag: Option<&str>, element: Option<&str>, status: Option<StatusArg>) -> SelectionArgs {
        SelectionArgs {
            tag: tag.map(str::to_string),
            element: element.map(str::to_string),
            status,
        }
    }

    #[test]
    fn flags_become_a_selection_checked_before_anything_is_sent() {
        let s = args(Some(" staging "), Some("Ecwid"), Some(StatusArg::Invalid))
            .selection()
            .unwrap();
        assert_eq!(s.tag.as_deref(), Some("staging"));
        assert_eq!(s.status, Some(ListedStatus::Invalid));
        assert_eq!(
            described(&s),
            "--tag staging --element Ecwid --status invalid"
        );
        for bad in [
            args(Some("  "), None, None),
            args(Some("a\u{1b}[2Jb"), None, None),
            args(None, Some(""), None),
            args(None, Some("eco\nwid"), None),
        ] {
            let e = bad.selection().unwrap_err();
            assert_eq!(e.code, exit::INVALID_INPUT);
            assert!(e.message.starts_with("--"), "{}", e.message);
        }
        assert_eq!(printable("a\u{202e}b\u{7}"), "a\u{FFFD}b\u{FFFD}");
    }
}
