//! The interactive wizard's entry from the command line.

use super::{resolve_connection, Failure, GlobalArgs};
use crate::exit;
use std::io::IsTerminal;

pub async fn run(
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
    run_with(g, print_token, element, false).await
}

/// Whether the wizard can draw here: standard input and error are a terminal.
pub fn on_terminal() -> bool {
    std::io::stderr().is_terminal() && std::io::stdin().is_terminal()
}

/// `ce-wizard instances` on a terminal: the wizard's Instances view alone.
pub async fn run_instances(g: &GlobalArgs) -> Result<i32, Failure> {
    run_with(g, false, None, true).await
}

async fn run_with(
    g: &GlobalArgs,
    print_token: bool,
    element: Option<String>,
    instances: bool,
) -> Result<i32, Failure> {
    let conn = resolve_connection(g)?;
    let opts = crate::tui::WizardOptions {
        environment: Some(conn.environment.clone()),
        user_secret: conn.user_secret.clone(),
        org_secret: conn.org_secret.clone(),
        sandbox: conn.sandbox.clone(),
        callback_port: g.callback_port,
        oauth_timeout: g.oauth_timeout,
        no_browser: g.no_browser,
        element,
        request_timeout: g.request_timeout,
        insecure_storage: g.insecure_storage,
        instances,
    };
    let outcome = crate::tui::run(opts).await.map_err(|e| Failure {
        code: exit::FAILED,
        message: format!("the wizard stopped: {e}"),
    })?;
    for instance in &outcome.created {
        eprintln!(
            "Created instance {} \"{}\" of {}.",
            instance.id, instance.name, instance.element_name
        );
        if print_token {
            match instance.printable_token() {
                Ok(token) => println!("{token}"),
                Err(why) => eprintln!("error: {why}"),
            }
        }
    }
    for path in &outcome.saved_files {
        eprintln!("Saved {} (readable only by you).", path.display());
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
