//! Which platform to talk to and with which secrets, from the flags, the
//! environment and the config file, in that order. Two guards stand here,
//! where every command and the wizard get their connection: a profile's
//! saved secrets go only to the platform they were saved for (elsewhere a
//! terminal asks, anything else is refused unless `--trust-host`), and
//! plain `http://` goes only to this machine (elsewhere refused unless
//! `--allow-http`, then warned of on every run).

use super::{Failure, GlobalArgs};
use crate::api::{Client, Credentials};
use crate::config::{self, Environment, ORG_SECRET_ENV, USER_SECRET_ENV};
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::secret::Secret;
use crate::secret_store::KeyringError;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Connection {
    pub environment: Environment,
    pub user_secret: Option<Secret>,
    pub org_secret: Option<Secret>,
    /// The in-process sandbox, kept alive as long as the connection.
    pub sandbox: Option<Arc<Sandbox>>,
    /// The deadline of each call (`--request-timeout`).
    pub request_timeout: Duration,
    /// The saved profile in use, if any.
    pub profile: Option<String>,
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

/// What to do with a `--profile` that names no saved profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownProfile {
    /// A command: exit 2, naming the closest saved profiles. Secrets the
    /// keyring cannot give are an error too.
    Refuse,
    /// The wizard: it connects as usual and offers the name when saving.
    /// Secrets the keyring cannot give are left out, to be typed.
    Allow,
}

/// The connection of a command: an unknown `--profile` is an error.
pub fn resolve_connection(g: &GlobalArgs) -> Result<Connection, Failure> {
    resolve(g, UnknownProfile::Refuse)
}

/// The profile to use: `--profile`/`CE_PROFILE`, else the default one.
/// `Ok(None)` when none is saved (or, with `Allow`, the named one is not).
pub fn chosen_profile(
    g: &GlobalArgs,
    all: &config::Profiles,
    unknown: UnknownProfile,
) -> Result<Option<String>, Failure> {
    match &g.profile {
        Some(name) if all.get(name).is_some() => Ok(Some(name.clone())),
        Some(name) if unknown == UnknownProfile::Refuse => Err(Failure::invalid(all.unknown(name))),
        Some(_) => Ok(None),
        None => Ok(all.default_name().map(str::to_string)),
    }
}

pub fn resolve(g: &GlobalArgs, unknown: UnknownProfile) -> Result<Connection, Failure> {
    if g.sandbox {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .map_err(|e| Failure::invalid(format!("cannot start the built-in sandbox: {e}")))?;
        return Ok(Connection {
            environment: Environment::Custom(sandbox.base_url()),
            user_secret: Some(Secret::new(sandbox.user_secret())),
            org_secret: Some(Secret::new(sandbox.org_secret())),
            sandbox: Some(Arc::new(sandbox)),
            request_timeout: g.request_timeout,
            profile: None,
        });
    }
    // A broken config file must not stop someone who passes everything in
    // the environment; it is reported when it would have been used.
    let stored = config::load();
    let all = stored.as_ref().ok().cloned().unwrap_or_default();
    if let (Some(_), Err(e)) = (&g.profile, &stored) {
        return Err(Failure::invalid(format!(
            "{e}; fix or delete it to use --profile"
        )));
    }
    if let (Some(mode), Some(path)) = (all.narrowed_from, config::config_path()) {
        eprintln!(
            "note: {} holds secrets and was readable by others (mode {mode:o}); it is now readable only by you (0600)",
            crate::sanitize::line(&path.display().to_string())
        );
    }
    let name = chosen_profile(g, &all, unknown)?;
    let profile = name
        .as_deref()
        .and_then(|n| all.get(n))
        .cloned()
        .unwrap_or_default();
    let environment = if let Some(url) = &g.base_url {
        Environment::parse(url)
    } else if let Some(env) = &g.env {
        Environment::parse(env)
    } else {
        profile
            .environment
            .clone()
            .unwrap_or(Environment::Production)
    };
    check_clear_text(&environment.base_url(), g.allow_http)?;
    let from_env = (
        config::secret_from_env(USER_SECRET_ENV),
        config::secret_from_env(ORG_SECRET_ENV),
    );
    let mut user_secret = from_env.0.clone();
    let mut org_secret = from_env.1.clone();
    if let Some(name) = &name {
        say_profile_once(&in_use(name, &profile, &environment, g, &from_env));
    }
    if user_secret.is_none() || org_secret.is_none() {
        let name = name.as_deref().unwrap_or(config::DEFAULT_PROFILE);
        match profile.secrets(name) {
            // Not sent elsewhere without leave; refused, the wizard opens
            // with the fields empty, to be typed.
            Ok(Some(saved))
                if !leave_to_send(name, &saved.bound_to, &environment.base_url(), g, unknown)? => {}
            Ok(Some(saved)) => {
                // Only a file from before the keyring: a profile saved to
                // the file since was said to be so when saved (on purpose,
                // or because no keyring answered, where the move would
                // fail too).
                if !profile.secrets_in_keyring && all.legacy {
                    let flag = if g.profile.is_some() {
                        format!(" --profile {name}")
                    } else {
                        String::new()
                    };
                    say_note_once(&format!(
                        "note: your secrets are in the plain config file; `ce-wizard{flag} secrets move` puts them in the OS keyring"
                    ));
                }
                let (user, org) = saved.pair();
                user_secret = user_secret.or(Some(user));
                org_secret = org_secret.or(Some(org));
            }
            Ok(None) => {}
            // The wizard opens with the fields empty and says why (its
            // Connection step reads the keyring again for each profile):
            // the secrets can be typed there.
            Err(_) if unknown == UnknownProfile::Allow => {}
            // No keyring answered: not the input's fault, and running the
            // wizard would meet the same silence.
            Err(e @ KeyringError::Unavailable(_)) => {
                return Err(Failure {
                    code: crate::exit::FAILED,
                    message: format!(
                        "the profile '{name}' keeps its secrets in the OS keyring, but {e}; start the keyring (a Secret Service such as gnome-keyring, unlocked, on this session's D-Bus) or set {USER_SECRET_ENV} and {ORG_SECRET_ENV} for this run"
                    ),
                })
            }
            Err(e) => {
                return Err(Failure::invalid(format!(
                    "the profile '{name}' keeps its secrets in the OS keyring, but {e}; set {USER_SECRET_ENV} and {ORG_SECRET_ENV}, or run `ce-wizard` and type them to remember them again"
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
        profile: name,
    })
}

/// The flag that sends saved secrets elsewhere than they were saved for.
pub const TRUST_HOST_FLAG: &str = "--trust-host";
/// The flag that allows plain http to another host.
pub const ALLOW_HTTP_FLAG: &str = "--allow-http";

/// Whether the secrets of the profile `name`, saved for `bound_to`, may go
/// to `target`: yes when it is the same platform or `--trust-host` was
/// given; else a terminal asks, naming both; else a command is refused
/// (exit 2) and the wizard leaves them out (`Ok(false)`) with a note.
fn leave_to_send(
    name: &str,
    bound_to: &str,
    target: &str,
    g: &GlobalArgs,
    unknown: UnknownProfile,
) -> Result<bool, Failure> {
    if config::same_platform(bound_to, target) {
        return Ok(true);
    }
    let (there, here) = (
        crate::sanitize::line(bound_to),
        crate::sanitize::line(target),
    );
    if g.trust_host {
        say_once(
            &TRUSTED,
            &format!(
                "note: sending the secrets of the profile '{name}', saved for {there}, to {here} ({TRUST_HOST_FLAG})"
            ),
        );
        return Ok(true);
    }
    if super::prompt::on_terminal() {
        return Ok(asked_once(&format!(
            "The profile '{name}' saved its secrets for {there},
but this run would send them to {here}.
Send them to {here}?"
        )));
    }
    let why = format!(
        "the profile '{name}' saved its secrets for {there}, but this run points it at {here} (a config file, --base-url, CE_BASE_URL or --env); nothing was sent"
    );
    if unknown == UnknownProfile::Allow {
        eprintln!("note: {why}; type the secrets for {here}");
        return Ok(false);
    }
    Err(Failure::invalid(format!(
        "{why}. If {here} is yours, pass {TRUST_HOST_FLAG} to send them there, or set {USER_SECRET_ENV} and {ORG_SECRET_ENV} for it"
    )))
}

/// The person's answer, asked once a run however often the connection is
/// resolved; "no" (the default, and a closed input) keeps the secrets.
fn asked_once(question: &str) -> bool {
    static ANSWER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANSWER.get_or_init(|| {
        let yes = super::prompt::confirm(question, false);
        if !yes {
            eprintln!("The secrets were not sent.");
        }
        yes
    })
}

/// Plain http goes only to this machine (the sandbox): to another host it
/// would carry the account secrets in clear text, so it needs
/// `--allow-http`, and is then warned of on every run.
fn check_clear_text(base_url: &str, allow: bool) -> Result<(), Failure> {
    let Ok(url) = url::Url::parse(base_url) else {
        return Ok(()); // the client names what is wrong with it
    };
    if !crate::api::is_clear_text_elsewhere(&url) {
        return Ok(());
    }
    let shown = crate::sanitize::line(base_url);
    if !allow {
        return Err(Failure::invalid(crate::api::clear_text_refused(&shown)));
    }
    say_once(
        &WARNED_HTTP,
        &format!(
            "warning: {shown} is plain http ({ALLOW_HTTP_FLAG}): the account secrets and everything sent travel unencrypted"
        ),
    );
    Ok(())
}

static TRUSTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static WARNED_HTTP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Said once a run: the connection may be resolved twice.
fn say_once(said: &std::sync::atomic::AtomicBool, line: &str) {
    if !said.swap(true, std::sync::atomic::Ordering::Relaxed) {
        eprintln!("{line}");
    }
}

/// The line saying which profile is in use and what overrides it. Names
/// the variables, never their values.
fn in_use(
    name: &str,
    profile: &config::StoredConfig,
    environment: &Environment,
    g: &GlobalArgs,
    from_env: &(Option<Secret>, Option<Secret>),
) -> String {
    // A base URL reads better bare than as "custom (URL)" in parentheses.
    let place = |env: &Environment| match env {
        Environment::Custom(url) => crate::sanitize::line(url),
        other => other.label(),
    };
    let mut line = format!("Using profile '{name}' ({})", place(environment));
    let overriders: Vec<&str> = [
        from_env.0.as_ref().map(|_| USER_SECRET_ENV),
        from_env.1.as_ref().map(|_| ORG_SECRET_ENV),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !overriders.is_empty() {
        let (names, verb) = match overriders.as_slice() {
            [one] => (one.to_string(), "overrides"),
            _ => (overriders.join(" and "), "override"),
        };
        let what = if profile.has_secrets() {
            "its saved secrets"
        } else {
            "its secrets (it saves none)"
        };
        line.push_str(&format!(" — {names} from the environment {verb} {what}"));
    }
    let flag = if g.base_url.is_some() {
        Some("--base-url (or CE_BASE_URL)")
    } else if g.env.is_some() {
        Some("--env (or CE_ENV)")
    } else {
        None
    };
    if let (Some(flag), Some(saved)) = (flag, &profile.environment) {
        if saved != environment {
            line.push_str(&format!(
                "; {flag} overrides its environment, {}",
                place(saved)
            ));
        }
    }
    line.push('.');
    line
}

/// The note about secrets in the plain file, said once a run however
/// often the connection is resolved (`ce-wizard instances` does twice).
fn say_note_once(line: &str) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
        eprintln!("{line}");
    }
}

/// Commands may resolve the connection twice (a check, then the run); the
/// person is told once.
fn say_profile_once(line: &str) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
        eprintln!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_off_this_machine_unless_allowed() {
        for near in [
            "http://127.0.0.1:8080/elements/api-v2",
            "http://localhost/x",
            "http://[::1]:9/x",
            "https://api.example.com/elements/api-v2",
        ] {
            assert!(check_clear_text(near, false).is_ok(), "{near}");
        }
        for far in [
            "http://api.example.com/elements/api-v2",
            "http://10.0.0.5/x",
        ] {
            let e = check_clear_text(far, false).unwrap_err();
            assert_eq!(e.code, crate::exit::INVALID_INPUT);
            assert!(e.message.contains(ALLOW_HTTP_FLAG), "{}", e.message);
            assert!(check_clear_text(far, true).is_ok(), "{far}");
        }
    }
}
