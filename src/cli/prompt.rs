//! Line prompts for `create` when standard input is a terminal. Prompts go
//! to stderr so stdout stays clean for the instance JSON.

use crate::catalog::FieldSpec;
use std::io::{BufRead, Write};

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
    if let Some(e) = field.example.as_ref().filter(|_| !field.is_secret()) {
        prompt.push_str(&format!(" (e.g. {e})"));
    }
    if !field.choices.is_empty() {
        prompt.push_str(&format!(" [{}]", field.choices.join("/")));
    }
    prompt.push_str(": ");
    if field.is_secret() {
        return rpassword::prompt_password(prompt);
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
    eprint!("{question} {} ", yes_no_hint(default_yes));
    let _ = std::io::stderr().flush();
    match read_line() {
        Ok(a) => yes_no(&a, default_yes),
        Err(_) => false,
    }
}

pub fn yes_no_hint(default_yes: bool) -> &'static str {
    if default_yes {
        "[Y/n]"
    } else {
        "[y/N]"
    }
}

/// An answer to a yes/no question: an empty line takes the default,
/// anything but yes is no.
pub fn yes_no(answer: &str, default_yes: bool) -> bool {
    match answer.trim().to_ascii_lowercase().as_str() {
        "" => default_yes,
        "y" | "yes" => true,
        _ => false,
    }
}
