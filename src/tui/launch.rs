//! Starts the full-screen wizard for the command line, which hands its
//! connection and options over through [`FullScreen`] without importing
//! the TUI: they become the wizard's options, with the saved profiles its
//! Connection step offers.

use super::steps::connection::ProfileOffer;
use crate::cli::wizard::{FullScreen, Outcome, Start};
use crate::cli::GlobalArgs;
use futures::future::BoxFuture;

/// The full-screen wizard, as `main` hands it to the command line.
pub struct Wizard;

impl FullScreen for Wizard {
    fn run<'a>(
        &'a self,
        g: &'a GlobalArgs,
        start: Start,
    ) -> BoxFuture<'a, Result<Outcome, String>> {
        Box::pin(async move {
            let conn = start.connection;
            let profiles = if conn.sandbox.is_some() {
                ProfileOffer::default()
            } else {
                profile_offer(g, conn.profile.clone())
            };
            let opts = super::WizardOptions {
                environment: Some(conn.environment.clone()),
                user_secret: conn.user_secret.clone(),
                org_secret: conn.org_secret.clone(),
                sandbox: conn.sandbox.clone(),
                callback_port: g.callback_port,
                oauth_timeout: g.oauth_timeout,
                no_browser: g.no_browser,
                element: start.element,
                request_timeout: g.request_timeout,
                insecure_storage: g.insecure_storage,
                instances: start.instances,
                profiles,
                print_token: start.print_token,
            };
            let outcome = super::run(opts).await.map_err(|e| e.to_string())?;
            Ok(Outcome {
                created: outcome.created,
                saved_files: outcome.saved_files,
                interrupted: outcome.interrupted,
            })
        })
    }
}

/// The saved profiles with their secrets, and the names in use and
/// offered to save under.
fn profile_offer(g: &GlobalArgs, in_use: Option<String>) -> ProfileOffer {
    ProfileOffer {
        saved: crate::config::saved_profiles(),
        save_as: match &in_use {
            Some(_) => String::new(),
            None => g.profile.clone().unwrap_or_default(),
        },
        in_use,
    }
}
