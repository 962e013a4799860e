//! Which platform to talk to and with which secrets, from the flags, the
//! environment and the config file, in that order.

use super::{Failure, GlobalArgs};
use crate::api::{Client, Credentials};
use crate::config::{self, Environment, ORG_SECRET_ENV, USER_SECRET_ENV};
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::secret::Secret;
use std::sync::Arc;
use std::time::Duration;

pub struct Connection {
    pub environment: Environment,
    pub user_secret: Option<Secret>,
    pub org_secret: Option<Secret>,
    /// The in-process sandbox, kept alive as long as the connection.
    pub sandbox: Option<Arc<Sandbox>>,
    /// The deadline of each call (`--request-timeout`).
    pub request_timeout: Duration,
}

impl Connection {
    pub fn base_url(&self) -> String {
        self.environment.base_url()
    }

    pub fn credentials(&self) -> Option<Credentials> {
        Some(Credentials {
            user: self.user_secret.clone()?,
            org: self.org_secret.clone()?,
        })
    }

    pub fn client(&self) -> Result<Client, Failure> {
        let creds = self.credentials().ok_or_else(|| {
            Failure::invalid(format!(
                "no Cloud Elements secrets: set {USER_SECRET_ENV} and {ORG_SECRET_ENV} (from your Cloud Elements profile), or run `ce-wizard` once and let it remember them"
            ))
        })?;
        Client::with_timeouts(
            &self.base_url(),
            creds,
            crate::api::CONNECT_TIMEOUT.min(self.request_timeout),
            self.request_timeout,
        )
        .map_err(|e| Failure::invalid(format!("{e}. {}", e.advice())))
    }
}

pub fn resolve_connection(g: &GlobalArgs) -> Result<Connection, Failure> {
    if g.sandbox {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .map_err(|e| Failure::invalid(format!("cannot start the built-in sandbox: {e}")))?;
        return Ok(Connection {
            environment: Environment::Custom(sandbox.base_url()),
            user_secret: Some(Secret::new(sandbox.user_secret())),
            org_secret: Some(Secret::new(sandbox.org_secret())),
            sandbox: Some(Arc::new(sandbox)),
            request_timeout: g.request_timeout,
        });
    }
    // A broken config file must not stop someone who passes everything in
    // the environment; it is reported when it would have been used.
    let stored = config::load();
    let stored_ok = stored.as_ref().ok().cloned().unwrap_or_default();
    let environment = if let Some(url) = &g.base_url {
        Environment::parse(url)
    } else if let Some(env) = &g.env {
        Environment::parse(env)
    } else {
        stored_ok
            .environment
            .clone()
            .unwrap_or(Environment::Production)
    };
    let mut user_secret = config::secret_from_env(USER_SECRET_ENV);
    let mut org_secret = config::secret_from_env(ORG_SECRET_ENV);
    if user_secret.is_none() || org_secret.is_none() {
        match stored_ok.secrets() {
            Ok(Some((user, org))) => {
                if !stored_ok.secrets_in_keyring {
                    eprintln!(
                        "note: your secrets are in the plain config file; `ce-wizard secrets move` puts them in the OS keyring"
                    );
                }
                user_secret = user_secret.or(Some(user));
                org_secret = org_secret.or(Some(org));
            }
            Ok(None) => {}
            Err(e) => {
                return Err(Failure::invalid(format!(
                    "the config file says the secrets are in the OS keyring, but {e}; set {USER_SECRET_ENV} and {ORG_SECRET_ENV}, or run the wizard again to remember them"
                )))
            }
        }
    }
    if user_secret.is_none() || org_secret.is_none() {
        if let Err(e) = stored {
            return Err(Failure::invalid(format!(
                "{e}; fix or delete it, or set {USER_SECRET_ENV} and {ORG_SECRET_ENV}"
            )));
        }
    }
    Ok(Connection {
        environment,
        user_secret,
        org_secret,
        sandbox: None,
        request_timeout: g.request_timeout,
    })
}
