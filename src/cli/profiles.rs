//! `ce-wizard profiles list|remove|default`: the saved accounts of the
//! config file, each with its environment and its secrets' place.

use super::{prompt, Failure};
use crate::config::{self, Environment, Profiles, StoredConfig};
use crate::exit;
use clap::{Args, Subcommand};
use serde::Serialize;

#[derive(Args, Debug)]
#[command(
    after_help = "A profile is saved by the wizard: set Remember on its Connection step\n(ce-wizard --profile NAME proposes NAME). Use one with --profile NAME or\nCE_PROFILE=NAME; flags and CE_USER_SECRET/CE_ORG_SECRET win over it.\n\nExamples:\n  ce-wizard profiles list --json\n  ce-wizard profiles default acme\n  ce-wizard profiles remove old-client --yes"
)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: ProfilesCommand,
}

#[derive(Subcommand, Debug)]
pub enum ProfilesCommand {
    /// List the saved profiles: name, environment, where the secrets are, the default.
    List {
        /// Print the profiles as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a saved profile and its secrets in the OS keyring.
    Remove {
        #[arg(value_name = "NAME", value_parser = super::parse_profile_name)]
        name: String,
        /// Remove without asking (needed when standard input is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Use this profile when neither --profile nor CE_PROFILE names one.
    Default {
        #[arg(value_name = "NAME", value_parser = super::parse_profile_name)]
        name: String,
    },
}

pub fn run(args: &ProfilesArgs) -> Result<i32, Failure> {
    let all = config::load().map_err(|e| Failure::invalid(e.to_string()))?;
    match &args.command {
        ProfilesCommand::List { json } => list(&all, *json),
        ProfilesCommand::Remove { name, yes } => remove(&all, name, *yes),
        ProfilesCommand::Default { name } => {
            if all.get(name).is_none() {
                return Err(Failure::invalid(all.unknown(name)));
            }
            let path = config::set_default_profile(name)
                .map_err(|e| Failure::invalid(e.to_string()))?
                .ok_or_else(|| Failure::invalid(all.unknown(name)))?;
            eprintln!(
                "'{name}' is now the default profile (saved in {}).",
                path.display()
            );
            Ok(0)
        }
    }
}

/// One line of `profiles list --json`.
#[derive(Serialize)]
struct Row {
    name: String,
    /// `production`, `eu`, `staging`, or the base URL.
    environment: String,
    base_url: String,
    /// `keyring`, `file` or `none`.
    secrets: &'static str,
    default: bool,
}

fn rows(all: &Profiles) -> Vec<Row> {
    let default = all.default_name();
    all.profiles
        .iter()
        .map(|(name, cfg): (&String, &StoredConfig)| {
            let env = cfg.environment.clone().unwrap_or(Environment::Production);
            Row {
                name: name.clone(),
                environment: crate::sanitize::line(&env.config_name()),
                base_url: crate::sanitize::line(&env.base_url()),
                secrets: cfg.secrets_place(),
                default: default == Some(name.as_str()),
            }
        })
        .collect()
}

fn list(all: &Profiles, json: bool) -> Result<i32, Failure> {
    let rows = rows(all);
    if json {
        let text = crate::sanitize::json_text(&rows, true);
        let code = super::output::printed(super::output::print_out(&format!("{text}\n")), "list");
        if code != exit::CREATED {
            return Ok(code);
        }
    } else if !rows.is_empty() {
        let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
        let env_width = rows
            .iter()
            .map(|r| r.environment.chars().count())
            .max()
            .unwrap_or(0)
            .max(11);
        let mut text = format!(
            "  {:width$}  {:env_width$}  SECRETS\n",
            "NAME", "ENVIRONMENT"
        );
        for r in &rows {
            text.push_str(&format!(
                "{} {:width$}  {:env_width$}  {}\n",
                if r.default { "*" } else { " " },
                r.name,
                r.environment,
                r.secrets
            ));
        }
        let code = super::output::printed(super::output::print_out(&text), "list");
        if code != exit::CREATED {
            return Ok(code);
        }
    }
    if rows.is_empty() {
        eprintln!(
            "No saved profiles. Run ce-wizard (or ce-wizard --profile NAME) and choose Remember on the Connection step to save one."
        );
    } else if !json {
        eprintln!("* is the default profile; --profile NAME or CE_PROFILE=NAME uses another.");
    }
    Ok(0)
}

fn remove(all: &Profiles, name: &str, yes: bool) -> Result<i32, Failure> {
    let Some(cfg) = all.get(name) else {
        return Err(Failure::invalid(all.unknown(name)));
    };
    let in_keyring = if cfg.secrets_in_keyring {
        " and its secrets in the OS keyring"
    } else {
        ""
    };
    if !yes {
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(Failure::invalid(format!(
                "removing a profile asks first, and standard input is not a terminal to ask on: pass --yes to remove '{name}'; nothing was removed"
            )));
        }
        let env = cfg.environment.clone().unwrap_or(Environment::Production);
        let question = format!(
            "Remove the profile '{name}' ({}){in_keyring}?",
            crate::sanitize::line(&env.label())
        );
        if !prompt::confirm(&question, false) {
            eprintln!("Nothing was removed.");
            return Ok(exit::INTERRUPTED);
        }
    }
    let removed = config::remove_profile(name)
        .map_err(|e| Failure::invalid(e.to_string()))?
        .ok_or_else(|| Failure::invalid(all.unknown(name)))?;
    if let Some(there) = &removed.kept_for {
        // Another config file's profile of the same name owns them.
        eprintln!(
            "Removed the profile '{name}' from {}. Its name's entries in the OS keyring were saved for {there}, not {}: they belong to a profile of that name elsewhere and were left as they were.",
            removed.path.display(),
            crate::sanitize::line(&cfg.base_url())
        );
        return Ok(0);
    }
    eprintln!(
        "Removed the profile '{name}'{in_keyring} from {}.",
        removed.path.display()
    );
    if let Some(e) = removed.keyring {
        return Err(Failure {
            code: exit::FAILED,
            message: format!(
                "its secrets stay in the OS keyring ({e}): delete the entries {name}/user_secret, {name}/org_secret and {name}/base_url of the service ce-wizard in the keyring's manager"
            ),
        });
    }
    Ok(0)
}
