//! The interactive wizard's entry from the command line.

use super::connection::{resolve, UnknownProfile};
use super::{Failure, GlobalArgs};
use crate::exit;
use crate::tui::steps::connection::{ProfileOffer, SavedProfile};
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
    // A profile not saved yet is the name the Connection step offers to
    // save it under.
    let conn = if instances {
        resolve(g, UnknownProfile::Refuse)?
    } else {
        resolve(g, UnknownProfile::Allow)?
    };
    let profiles = if conn.sandbox.is_some() {
        ProfileOffer::default()
    } else {
        profile_offer(g, conn.profile.clone())
    };
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
        profiles,
        print_token,
    };
    let outcome = crate::tui::run(opts).await.map_err(|e| Failure {
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

/// The saved profiles with their secrets, read from the keyring at once
/// (one wait at most when it does not answer).
pub fn profile_offer(g: &GlobalArgs, in_use: Option<String>) -> ProfileOffer {
    let all = crate::config::load().unwrap_or_default();
    let names: Vec<String> = all
        .profiles
        .iter()
        .filter(|(_, p)| p.secrets_in_keyring)
        .map(|(n, _)| n.clone())
        .collect();
    let mut from_keyring: std::collections::BTreeMap<String, _> = if names.is_empty() {
        Default::default()
    } else {
        names
            .iter()
            .cloned()
            .zip(crate::secret_store::load_each(&names))
            .collect()
    };
    let saved = all
        .profiles
        .into_iter()
        .map(|(name, p)| {
            let (secrets, problem) = match from_keyring.remove(&name) {
                Some(Ok(both)) => (Some(both), None),
                Some(Err(e)) => (None, Some(e.to_string())),
                None => (p.user_secret.clone().zip(p.org_secret.clone()), None),
            };
            SavedProfile {
                name,
                environment: p
                    .environment
                    .unwrap_or(crate::config::Environment::Production),
                secrets,
                problem,
            }
        })
        .collect();
    ProfileOffer {
        saved,
        save_as: match &in_use {
            Some(_) => String::new(),
            None => g.profile.clone().unwrap_or_default(),
        },
        in_use,
    }
}
