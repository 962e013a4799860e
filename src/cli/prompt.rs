//! Line prompts for `create` when standard input is a terminal. Prompts go
//! to stderr so stdout stays clean for the instance JSON. [`yes_no`] is the
//! one reading of a yes or a no for every line front end.

use super::field_kinds::Ask;
use crate::catalog::FieldSpec;
use std::io::{BufRead, IsTerminal, Write};

/// Whether a person is here to answer: standard input and error are a
/// terminal (what the wizard needs to draw, and a question to be asked).
pub fn on_terminal() -> bool {
    std::io::stderr().is_terminal() && std::io::stdin().is_terminal()
}

/// Asks for one field's value; secrets are read without echo.
pub fn ask_field(field: &FieldSpec, problem: Option<&str>) -> std::io::Result<String> {
    let mut err = std::io::stderr();
    if let Some(p) = problem {
        writeln!(err, "  {p}")?;
    }
    if !field.help.is_empty() {
        writeln!(err, "  {}", field.help)?;
    }
    let mut prompt = field.label.clone();
    let ask = super::field_kinds::ask(field.kind);
    if let Some(e) = field.example.as_ref().filter(|_| ask != Ask::Hidden) {
        prompt.push_str(&format!(" (e.g. {e})"));
    }
    if !field.choices.is_empty() {
        prompt.push_str(&format!(" [{}]", field.choices.join("/")));
    }
    prompt.push_str(": ");
    match ask {
        Ask::Hidden => return rpassword::prompt_password(prompt),
        Ask::Text | Ask::YesNo | Ask::Numbered => {}
    }
    write!(err, "{prompt}")?;
    err.flush()?;
    read_line()
}

pub fn read_line() -> std::io::Result<String> {
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "standard input closed",
        ));
    }
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// A yes/no question; Enter takes the default.
pub fn confirm(question: &str, default_yes: bool) -> bool {
    loop {
        eprint!("{question} {} ", yes_no_hint(default_yes));
        let _ = std::io::stderr().flush();
        match read_line().map(|a| yes_no(&a, default_yes)) {
            Ok(Some(yes)) => return yes,
            Ok(None) => eprintln!("  {NOT_YES_OR_NO}"),
            Err(_) => return false,
        }
    }
}

/// Said when an answer to a yes/no question is neither: the question is
/// asked again rather than the answer taken as no.
pub const NOT_YES_OR_NO: &str = "Answer y (yes) or n (no); Enter takes the default.";

pub fn yes_no_hint(default_yes: bool) -> &'static str {
    if default_yes {
        "[Y/n]"
    } else {
        "[y/N]"
    }
}

/// An answer to a yes/no question, the one reading of yes and no for every
/// line front end (`create`, the accessible mode, `ACCESSIBLE`): an empty
/// line takes the default; `None` for an answer that is neither (a pasted
/// address, a typo), which is asked again rather than taken as no.
pub fn yes_no(answer: &str, default_yes: bool) -> Option<bool> {
    match answer.trim().to_ascii_lowercase().as_str() {
        "" => Some(default_yes),
        "y" | "yes" | "true" | "on" | "1" => Some(true),
        "n" | "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An address pasted where a yes/no was asked (the redirect came after
    /// the question) is neither: it is asked again, never taken as no.
    #[test]
    fn only_yes_or_no_answers_a_yes_no_question() {
        assert_eq!(yes_no("", true), Some(true));
        assert_eq!(yes_no(" Y ", false), Some(true));
        assert_eq!(yes_no("no", true), Some(false));
        assert_eq!(yes_no("n", true), Some(false));
        assert_eq!(
            yes_no("http://127.0.0.1:48213/callback?code=x&state=s", true),
            None
        );
        assert_eq!(yes_no("yse", false), None);
        assert_eq!(yes_no("maybe", true), None);
    }

    /// The words a checkbox in the accessible mode took (true, 1, off...)
    /// are yes and no everywhere: one parser, one set of words.
    #[test]
    fn every_front_end_takes_the_same_words() {
        for yes in ["y", "Yes", "TRUE", "on", "1"] {
            assert_eq!(yes_no(yes, false), Some(true), "{yes}");
        }
        for no in ["n", "NO", "false", "Off", "0"] {
            assert_eq!(yes_no(no, true), Some(false), "{no}");
        }
    }
}
