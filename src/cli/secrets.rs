//! `ce-wizard secrets move`: the secrets an older config file holds, into
//! the OS keyring.

use super::Failure;
use crate::config::{self, ConfigError};
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub command: SecretsCommand,
}

#[derive(Subcommand, Debug)]
pub enum SecretsCommand {
    /// Move the secrets the config file holds into the OS keyring, and out of the file.
    Move,
}

pub fn run(args: &SecretsArgs) -> Result<i32, Failure> {
    match args.command {
        SecretsCommand::Move => match config::move_secrets_to_keyring() {
            Ok(Some(path)) => {
                eprintln!(
                    "Moved the secrets from {} into the OS keyring.",
                    path.display()
                );
                Ok(0)
            }
            Ok(None) => {
                eprintln!("The config file holds no secrets: nothing to move.");
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
