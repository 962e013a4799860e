//! The full-screen wizard's entry from the command line. The wizard lives
//! in the TUI, which the command line never imports (a test below holds it
//! to that): `main` hands in a [`FullScreen`] that starts it, and this file
//! keeps the command line's part of the run: the terminal checks, the
//! connection, and what is printed after.

use super::connection::{resolve, Connection, UnknownProfile};
use super::{Failure, GlobalArgs};
use crate::api::Instance;
use crate::exit;
use futures::future::BoxFuture;
use std::io::IsTerminal;
use std::path::PathBuf;

/// What a run of the full-screen wizard asks of it.
pub struct Start {
    pub connection: Connection,
    pub print_token: bool,
    /// Start with this element selected.
    pub element: Option<String>,
    /// Open on the Instances view, which is then the whole run.
    pub instances: bool,
}

/// What a run of the full-screen wizard left.
pub struct Outcome {
    pub created: Vec<Instance>,
    pub saved_files: Vec<PathBuf>,
    /// The person quit (or a signal ended the wizard) before finishing.
    pub interrupted: bool,
}

/// Starts the full-screen wizard; an error says why it stopped.
pub trait FullScreen: Send + Sync {
    fn run<'a>(&'a self, g: &'a GlobalArgs, start: Start)
        -> BoxFuture<'a, Result<Outcome, String>>;
}

pub async fn run(
    full_screen: &dyn FullScreen,
    g: &GlobalArgs,
    print_token: bool,
    element: Option<String>,
) -> Result<i32, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::invalid(
            "standard input is not a terminal, and the wizard reads your keys from it; in scripts use `ce-wizard create` (see `ce-wizard create --help`)",
        ));
    }
    if !std::io::stderr().is_terminal() {
        return Err(Failure::invalid(
            "the wizard needs a terminal (it draws on stderr); in scripts use `ce-wizard create`",
        ));
    }
    run_with(full_screen, g, print_token, element, false).await
}

/// `ce-wizard instances` on a terminal: the wizard's Instances view alone.
pub async fn run_instances(full_screen: &dyn FullScreen, g: &GlobalArgs) -> Result<i32, Failure> {
    run_with(full_screen, g, false, None, true).await
}

async fn run_with(
    full_screen: &dyn FullScreen,
    g: &GlobalArgs,
    print_token: bool,
    element: Option<String>,
    instances: bool,
) -> Result<i32, Failure> {
    // A profile not saved yet is the name the Connection step offers to
    // save it under.
    let connection = if instances {
        resolve(g, UnknownProfile::Refuse)?
    } else {
        resolve(g, UnknownProfile::Allow)?
    };
    let start = Start {
        connection,
        print_token,
        element,
        instances,
    };
    let outcome = full_screen.run(g, start).await.map_err(|e| Failure {
        code: exit::FAILED,
        message: format!("the wizard stopped: {e}"),
    })?;
    // A token the script never got is a failure: the instance exists, and
    // the message says where its token can be read again.
    let mut token_lost = false;
    for instance in &outcome.created {
        eprintln!(
            "Created instance {} \"{}\" of {}.",
            instance.id, instance.name, instance.element_name
        );
        if print_token {
            match instance.printable_token() {
                Ok(token) => {
                    if let Err(e) = super::output::print_out(&format!("{token}\n")) {
                        token_lost = true;
                        eprintln!(
                            "error: cannot write the token to standard output ({e}); `ce-wizard instances show {} --json` prints it",
                            instance.id
                        );
                    }
                }
                Err(why) => eprintln!("error: {why}"),
            }
        }
    }
    for path in &outcome.saved_files {
        eprintln!("Saved {} (readable only by you).", path.display());
    }
    if token_lost {
        return Ok(exit::FAILED);
    }
    if instances {
        return Ok(exit::CREATED);
    }
    Ok(if outcome.created.is_empty() && outcome.interrupted {
        exit::INTERRUPTED
    } else {
        exit::CREATED
    })
}

#[cfg(test)]
mod tests {
    /// The line front ends share the model, the flows and the platform's
    /// client with the TUI, never the TUI itself: a `use` (or a path) that
    /// names `crate::tui` anywhere under src/cli fails here.
    #[test]
    fn the_command_line_never_imports_the_tui() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
        let mut stack = vec![root];
        let mut read = 0;
        let mut offenders = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    read += 1;
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let code = line.split("//").next().unwrap_or_default();
                        // Spelled in two halves, so this line does not name it.
                        let named = [
                            concat!("crate", "::tui"),
                            concat!("ce_wizard", "::tui"),
                            concat!("super::super", "::tui"),
                        ]
                        .iter()
                        .any(|p| code.contains(p));
                        if named {
                            offenders.push(format!("{}:{}: {line}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
        assert!(read > 10, "read only {read} files under src/cli");
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
