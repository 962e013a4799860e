//! The account secrets in the OS keyring: the Secret Service on Linux and
//! the BSDs, the Keychain on macOS, the Credential Manager on Windows.
//!
//! Each account (profile) keeps three entries under the service `ce-wizard`:
//! `<profile>/user_secret`, `<profile>/org_secret` and `<profile>/base_url`,
//! the platform the secrets were saved for: they are bound to it, and the
//! caller sends them nowhere else without asking. Entries written before
//! the binding have no `base_url` ([`Stored::base_url`] is `None`): the
//! caller records one on first use ([`bind`]). A keyring that does
//! not answer within [`TIMEOUT`] (no session bus, a locked collection
//! waiting on a prompt nobody sees) counts as absent, so the caller can fall
//! back to the 0600 file and say so.

use crate::secret::Secret;
use std::time::Duration;

pub const SERVICE: &str = "ce-wizard";
/// The account (profile) of a config file written before profiles existed.
pub const DEFAULT_ACCOUNT: &str = "default";
/// How long a keyring call may take before it counts as no keyring.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    /// No keyring answered: the caller may fall back to the file.
    #[error("no OS keyring answered ({0})")]
    Unavailable(String),
    /// The keyring answered but holds no secrets for this account.
    #[error("the OS keyring holds no secrets for the account \"{0}\"")]
    Missing(String),
    #[error("the OS keyring failed: {0}")]
    Failed(String),
}

/// One account's entries: its secrets and the platform they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub user: Secret,
    pub org: Secret,
    /// The base URL the secrets were saved for; `None` for entries saved
    /// before secrets were bound to one.
    pub base_url: Option<String>,
}

const BASE_URL: &str = "base_url";

/// Both secrets of `account`, written to the keyring, bound to `base_url`.
pub fn store(
    account: &str,
    base_url: &str,
    user: &Secret,
    org: &Secret,
) -> Result<(), KeyringError> {
    let account = account.to_string();
    let base_url = base_url.to_string();
    let (user, org) = (user.clone(), org.clone());
    with_timeout(move || {
        // The binding first: a write cut short leaves the old secrets bound
        // to the new place at worst, never new secrets bound to the old one.
        entry(&account, BASE_URL)?
            .set_password(&base_url)
            .map_err(describe)?;
        entry(&account, "user_secret")?
            .set_password(user.expose())
            .map_err(describe)?;
        entry(&account, "org_secret")?
            .set_password(org.expose())
            .map_err(describe)
    })
}

/// Records the base URL that the secrets of `account`, saved before they
/// were bound to one, belong to.
pub fn bind(account: &str, base_url: &str) -> Result<(), KeyringError> {
    let account = account.to_string();
    let base_url = base_url.to_string();
    with_timeout(move || {
        entry(&account, BASE_URL)?
            .set_password(&base_url)
            .map_err(describe)
    })
}

/// The entries of `account`, read from the keyring.
pub fn load(account: &str) -> Result<Stored, KeyringError> {
    let account = account.to_string();
    with_timeout(move || read_all(&account))
}

/// The entries of each account, read on one thread within one [`TIMEOUT`]:
/// a keyring that hangs costs the wait once, not once per account.
pub fn load_each(accounts: &[String]) -> Vec<Result<Stored, KeyringError>> {
    let owned = accounts.to_vec();
    match with_timeout(move || Ok(owned.iter().map(|a| read_all(a)).collect::<Vec<_>>())) {
        Ok(all) => all,
        Err(e) => accounts.iter().map(|_| Err(e.clone())).collect(),
    }
}

/// The base URL `account`'s secrets are bound to: `Ok(None)` when they
/// are not bound (or not there).
pub fn bound_to(account: &str) -> Result<Option<String>, KeyringError> {
    let account = account.to_string();
    with_timeout(move || read_one(&account, BASE_URL))
}

fn read_one(account: &str, name: &str) -> Result<Option<String>, KeyringError> {
    match entry(account, name)?.get_password() {
        Ok(v) => Ok(Some(v)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(describe(e)),
    }
}

fn read_all(account: &str) -> Result<Stored, KeyringError> {
    let read = |name: &str| -> Result<Secret, KeyringError> {
        read_one(account, name)?
            .map(Secret::new)
            .ok_or_else(|| KeyringError::Missing(account.to_string()))
    };
    Ok(Stored {
        user: read("user_secret")?,
        org: read("org_secret")?,
        // Shown on the terminal when it differs: one safe line.
        base_url: read_one(account, BASE_URL)?.map(|u| crate::sanitize::line(&u)),
    })
}

/// Forgets `account`'s secrets and their binding; absent ones are not an
/// error.
pub fn delete(account: &str) -> Result<(), KeyringError> {
    let account = account.to_string();
    with_timeout(move || {
        for name in ["user_secret", "org_secret", BASE_URL] {
            match entry(&account, name)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(describe(e)),
            }
        }
        Ok(())
    })
}

fn entry(account: &str, name: &str) -> Result<keyring::Entry, KeyringError> {
    if !HAS_KEYRING {
        return Err(KeyringError::Unavailable(
            "this system has no keyring ce-wizard can use".into(),
        ));
    }
    keyring::Entry::new(SERVICE, &format!("{account}/{name}")).map_err(describe)
}

/// Elsewhere the crate would keep secrets in memory only, which is no
/// keyring at all.
const HAS_KEYRING: bool = cfg!(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    windows
));

/// The keyring's errors, named without their payloads: `BadEncoding` holds
/// the stored bytes, which may be a secret. The platform's own text comes
/// from another program (the Secret Service, a D-Bus daemon) and is shown
/// on the terminal, so it is made one safe line here, once for every caller.
fn describe(e: keyring::Error) -> KeyringError {
    let platform = |inner: &dyn std::fmt::Display| crate::sanitize::line(&inner.to_string());
    match e {
        keyring::Error::NoStorageAccess(inner) => KeyringError::Unavailable(platform(&inner)),
        keyring::Error::PlatformFailure(inner) => KeyringError::Unavailable(platform(&inner)),
        keyring::Error::BadEncoding(_) => {
            KeyringError::Failed("a stored secret is not valid UTF-8".into())
        }
        keyring::Error::Ambiguous(_) => KeyringError::Failed(
            "several keyring entries match; remove the extra ones in the keyring's manager".into(),
        ),
        keyring::Error::NoEntry => KeyringError::Failed("no such entry".into()),
        keyring::Error::TooLong(what, limit) => {
            KeyringError::Failed(format!("the {what} is longer than {limit}"))
        }
        keyring::Error::Invalid(what, why) => {
            KeyringError::Failed(crate::sanitize::line(&format!("{what}: {why}")))
        }
        _ => KeyringError::Failed("an unknown keyring error".into()),
    }
}

/// Runs a keyring call on its own thread and gives up after [`TIMEOUT`]: a
/// keyring waiting on an unlock prompt must not hang the wizard.
fn with_timeout<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
) -> Result<T, KeyringError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| KeyringError::Unavailable(format!("cannot start a thread: {e}")))?;
    rx.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
        Err(KeyringError::Unavailable(format!(
            "it did not answer within {} seconds",
            TIMEOUT.as_secs()
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platforms_error_text_reaches_the_terminal_as_one_safe_line() {
        let e = describe(keyring::Error::PlatformFailure(
            "dbus: \u{1b}]0;owned\u{7}\u{202e}gone\nnext".into(),
        ));
        let shown = e.to_string();
        assert!(!crate::sanitize::has_unsafe(&shown), "{shown:?}");
        assert!(shown.contains("dbus:"), "{shown}");
        let e = describe(keyring::Error::Invalid(
            "service".into(),
            "bad\u{1b}[2J".into(),
        ));
        assert!(!crate::sanitize::has_unsafe(&e.to_string()), "{e}");
    }
}
