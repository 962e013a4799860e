//! `ce-wizard secrets move`: the secrets an older config file holds, into
//! the OS keyring.

use super::connection::{chosen_profile, UnknownProfile};
use super::{Failure, GlobalArgs};
use crate::config::{self, ConfigError};
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub command: SecretsCommand,
}

#[derive(Subcommand, Debug)]
pub enum SecretsCommand {
    /// Move the secrets the config file holds for the profile (--profile, else the default one)
    /// into the OS keyring, and out of the file.
    Move,
}

pub fn run(g: &GlobalArgs, args: &SecretsArgs) -> Result<i32, Failure> {
    let all = config::load().map_err(|e| Failure::invalid(e.to_string()))?;
    let Some(profile) = chosen_profile(g, &all, UnknownProfile::Refuse)? else {
        eprintln!("The config file holds no profiles: nothing to move.");
        return Ok(0);
    };
    match args.command {
        SecretsCommand::Move => match config::move_secrets_to_keyring(&profile) {
            Ok(Some(path)) => {
                eprintln!(
                    "Moved the secrets of the profile '{profile}' from {} into the OS keyring.",
                    path.display()
                );
                Ok(0)
            }
            Ok(None) => {
                eprintln!(
                    "The config file holds no secrets for the profile '{profile}': nothing to move."
                );
                Ok(0)
            }
            Err(e @ ConfigError::Keyring(_)) => Err(Failure {
                code: crate::exit::FAILED,
                message: format!("{e}; the secrets stay in the config file"),
            }),
            Err(e) => Err(Failure::invalid(e.to_string())),
        },
    }
}
