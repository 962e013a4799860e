//! The environment in use (a row of `crate::environments` or any base URL)
//! and where credentials come from: the environment variables
//! `CE_USER_SECRET`/`CE_ORG_SECRET`, or what was remembered. The config file
//! under the XDG config directory (`$XDG_CONFIG_HOME/ce-wizard/config.toml`,
//! mode 0600) holds named accounts, profiles: one `[profiles.NAME]` table
//! each, naming the environment and saying whether the secrets are in the
//! OS keyring (`secrets = "keyring"`) or, by choice or when no keyring
//! answered, in the file itself (`secrets = "file"`). Saved secrets are
//! bound to the base URL they were saved for ([`SavedSecrets::bound_to`]):
//! the profile's environment for the file's, the one the keyring recorded
//! beside them for the keyring's. `default_profile`
//! names the one used when none is asked for. A file of the older
//! single-account layout reads as the profile `default`. The saved
//! profiles as the front ends offer them ([`saved_profiles`]) and the check
//! of a typed account secret live here too, so that no front end borrows
//! them from another.

use crate::environments::{Platform, PLATFORMS};
use crate::secret::Secret;
use crate::secret_store::{self, KeyringError, DEFAULT_ACCOUNT};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const USER_SECRET_ENV: &str = "CE_USER_SECRET";
pub const ORG_SECRET_ENV: &str = "CE_ORG_SECRET";
pub const BASE_URL_ENV: &str = "CE_BASE_URL";
/// Overrides the config file's location (tests, several accounts).
pub const CONFIG_PATH_ENV: &str = "CE_WIZARD_CONFIG";

/// Chooses the environment by name when no base URL is given.
pub const ENV_ENV: &str = "CE_ENV";
/// The names `--env` and `CE_ENV` take: the table's.
pub const ENV_NAMES: [&str; PLATFORMS.len()] = crate::environments::NAMES;
/// The EU production platform's base URL.
pub const EU_URL: &str = PLATFORMS[1].base_url;

/// A named environment (a row of [`PLATFORMS`]) or any other base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Named(&'static Platform),
    Custom(String),
}

// Shorthands for the rows that code and tests name; a new row needs none.
#[allow(non_upper_case_globals)]
impl Environment {
    pub const Production: Environment = Environment::Named(&PLATFORMS[0]);
    pub const Eu: Environment = Environment::Named(&PLATFORMS[1]);
    pub const Staging: Environment = Environment::Named(&PLATFORMS[2]);
}

impl Environment {
    pub fn base_url(&self) -> String {
        match self {
            Environment::Named(p) => p.base_url.into(),
            Environment::Custom(u) => u.trim_end_matches('/').to_string(),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Environment::Named(p) => p.label.into(),
            Environment::Custom(u) => format!("custom ({u})"),
        }
    }

    /// A row's name or alias (`production`, `eu`, `staging`), a row's
    /// base URL, or any other base URL.
    pub fn parse(s: &str) -> Environment {
        match crate::environments::find(s) {
            Some(p) => Environment::Named(p),
            None => Environment::Custom(s.trim().trim_end_matches('/').to_string()),
        }
    }

    /// `production`, `eu`, `staging`, or the base URL: as `--env` and the
    /// config file name it.
    pub fn config_name(&self) -> String {
        self.as_config_str()
    }

    fn as_config_str(&self) -> String {
        match self {
            Environment::Named(p) => p.name.into(),
            Environment::Custom(u) => u.clone(),
        }
    }
}

/// One saved account (a profile): its environment and its secrets, or
/// where they are.
#[derive(Debug, Default, Clone)]
pub struct StoredConfig {
    pub environment: Option<Environment>,
    pub user_secret: Option<Secret>,
    pub org_secret: Option<Secret>,
    /// The secrets are in the OS keyring, not in the file.
    pub secrets_in_keyring: bool,
}

/// The profile of a config file written before profiles existed, and the
/// name offered when saving the first one.
pub const DEFAULT_PROFILE: &str = DEFAULT_ACCOUNT;
/// Chooses the profile when `--profile` is not given.
pub const PROFILE_ENV: &str = "CE_PROFILE";
const MAX_PROFILE_NAME: usize = 64;

/// A profile name: it names a table of the config file and the keyring
/// entries `<name>/user_secret`, so it is kept to characters that are safe
/// in both and on a terminal.
pub fn check_profile_name(name: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let printable = crate::sanitize::escaped(name);
    if name.is_empty() {
        return Err("a profile name cannot be empty".into());
    }
    if name.chars().count() > MAX_PROFILE_NAME {
        return Err(format!(
            "the profile name \"{printable}\" is longer than {MAX_PROFILE_NAME} characters"
        ));
    }
    if !name.chars().all(ok_char) || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "\"{printable}\" is not a profile name: use letters, digits, '-', '_' and '.', starting with a letter or digit (e.g. acme-eu)"
        ));
    }
    Ok(())
}

/// What is wrong with a typed account secret (the user's or the
/// organization's, named by `label`), if anything: the one check of the
/// wizard's Connection step and the accessible mode.
pub fn check_account_secret(label: &str, value: &str) -> Option<String> {
    value.trim().is_empty().then(|| {
        format!("{label} is required: copy it from your profile in the Cloud Elements console")
    })
}

/// A saved profile, as the wizard and the accessible mode offer it to pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedProfile {
    pub name: String,
    pub environment: Environment,
    /// Its user and organization secrets, when it saved them and they
    /// could be read.
    pub secrets: Option<(Secret, Secret)>,
    /// Why saved secrets could not be read (the keyring did not answer).
    pub problem: Option<String>,
}

/// Whether two base URLs name the same platform: scheme, host, port and
/// path, as a URL parser reads them (`HTTPS://Host:443/x/` is
/// `https://host/x`).
pub fn same_platform(a: &str, b: &str) -> bool {
    fn normal(u: &str) -> String {
        let u = u.trim();
        match url::Url::parse(u) {
            Ok(p) => p.as_str().trim_end_matches('/').to_string(),
            Err(_) => u.trim_end_matches('/').to_string(),
        }
    }
    normal(a) == normal(b)
}

/// Saved secrets and the base URL they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSecrets {
    pub user: Secret,
    pub org: Secret,
    /// The base URL they were saved for: they are sent nowhere else
    /// without the person's leave.
    pub bound_to: String,
}

impl SavedSecrets {
    pub fn pair(self) -> (Secret, Secret) {
        (self.user, self.org)
    }
}

/// The saved profiles with their secrets, read from the keyring at once
/// (one wait at most when it does not answer). Keyring secrets bound to
/// another platform than the profile names (the config file was edited or
/// another one is used) are not offered: the problem says where they belong.
pub fn saved_profiles() -> Vec<SavedProfile> {
    let all = load().unwrap_or_default();
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
    all.profiles
        .into_iter()
        .map(|(name, p)| {
            let here = p.base_url();
            let (secrets, problem) = match from_keyring.remove(&name) {
                Some(Ok(stored)) => match stored.base_url {
                    Some(there) if !same_platform(&there, &here) => (
                        None,
                        Some(format!(
                            "its secrets in the OS keyring were saved for {there}, not {}",
                            crate::sanitize::line(&here)
                        )),
                    ),
                    _ => (Some((stored.user, stored.org)), None),
                },
                Some(Err(e)) => (None, Some(e.to_string())),
                None => (p.user_secret.clone().zip(p.org_secret.clone()), None),
            };
            SavedProfile {
                name,
                environment: p.environment.unwrap_or(Environment::Production),
                secrets,
                problem,
            }
        })
        .collect()
}

/// Every saved profile, and which one is used when none is named.
#[derive(Debug, Default, Clone)]
pub struct Profiles {
    /// The profile named as the default (`default_profile`).
    pub default: Option<String>,
    pub profiles: BTreeMap<String, StoredConfig>,
    /// Read from the single-account layout; written in the profile layout
    /// only when something is saved.
    pub legacy: bool,
    /// The file held secrets and others could read it: its mode before it
    /// was narrowed to 0600 on reading.
    pub narrowed_from: Option<u32>,
}

impl Profiles {
    /// The profile used without `--profile`: the one named as the default,
    /// else `default`, else the only one.
    pub fn default_name(&self) -> Option<&str> {
        if let Some(name) = self.default.as_deref() {
            if self.profiles.contains_key(name) {
                return Some(name);
            }
        }
        if self.profiles.contains_key(DEFAULT_PROFILE) {
            return Some(DEFAULT_PROFILE);
        }
        match self.profiles.keys().collect::<Vec<_>>().as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<&StoredConfig> {
        self.profiles.get(name)
    }

    /// Up to three saved names close to `wanted`, nearest first.
    pub fn closest(&self, wanted: &str) -> Vec<&str> {
        let w = wanted.to_lowercase();
        let budget = (w.chars().count() / 3).max(2);
        let mut scored: Vec<(usize, &str)> = self
            .profiles
            .keys()
            .filter_map(|name| {
                let n = name.to_lowercase();
                if n.contains(&w) || w.contains(&n) {
                    Some((n.len().abs_diff(w.len()).min(budget), name.as_str()))
                } else {
                    let d = crate::catalog::edit_distance(&n, &w);
                    (d <= budget).then_some((budget + d, name.as_str()))
                }
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }

    /// "no saved profile named X", with the closest names or the saved ones.
    pub fn unknown(&self, wanted: &str) -> String {
        let printable = crate::sanitize::escaped(wanted);
        let quote = |names: Vec<&str>| {
            names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let close = self.closest(wanted);
        if !close.is_empty() {
            format!(
                "no saved profile is named '{printable}'; did you mean {}?",
                quote(close)
            )
        } else if self.profiles.is_empty() {
            format!("no saved profile is named '{printable}', and none is saved yet: run `ce-wizard --profile {printable}` and choose Remember to save one")
        } else {
            format!(
                "no saved profile is named '{printable}'; the saved ones are {} (see `ce-wizard profiles list`)",
                quote(self.profiles.keys().map(String::as_str).collect())
            )
        }
    }

    /// Adds or replaces `name`; the first profile saved becomes the
    /// default, and a default that was only implied stays the default.
    fn put(&mut self, name: &str, profile: StoredConfig) {
        if self.default.is_none() {
            self.default = Some(self.default_name().unwrap_or(name).to_string());
        }
        self.profiles.insert(name.to_string(), profile);
    }
}

/// The longest environment (a base URL) a profile may name.
const MAX_ENVIRONMENT_CHARS: usize = 2048;

/// An environment as a profile may name it. It is shown (the profile in
/// use, the Connection step) and becomes the base URL every call goes to,
/// so nothing a terminal acts on or reorders, and no endless text.
fn check_environment(env: &str) -> Result<(), String> {
    if crate::sanitize::has_unsafe(env)
        || env.chars().any(crate::sanitize::is_invisible_format)
        || env.chars().count() > MAX_ENVIRONMENT_CHARS
    {
        return Err(format!(
            "environment = \"{}\" holds control or bidi characters or is too long: use production, eu, staging or a base URL",
            crate::sanitize::escaped(&env.chars().take(200).collect::<String>())
        ));
    }
    Ok(())
}

const IN_KEYRING: &str = "keyring";
const IN_FILE: &str = "file";

/// The config file: `default_profile` and one `[profiles.NAME]` table per
/// profile. The single-account layout (the profile's keys at the top) is
/// still read, as the profile `default`.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_profile: Option<String>,
    #[serde(default, skip_serializing)]
    environment: Option<String>,
    #[serde(default, skip_serializing)]
    secrets: Option<String>,
    #[serde(default, skip_serializing)]
    user_secret: Option<Secret>,
    #[serde(default, skip_serializing)]
    org_secret: Option<Secret>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    profiles: BTreeMap<String, ProfileTable>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProfileTable {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    /// `keyring` or `file`: where the secrets are; absent when none are
    /// remembered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secrets: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_secret: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org_secret: Option<Secret>,
}

impl ProfileTable {
    fn read(self) -> Result<StoredConfig, String> {
        let secrets_in_keyring = match self.secrets.as_deref() {
            Some(IN_KEYRING) => true,
            None | Some(IN_FILE) => false,
            Some(other) => {
                return Err(format!(
                    "secrets = \"{}\" must be \"keyring\" or \"file\"",
                    crate::sanitize::escaped(other)
                ))
            }
        };
        if let Some(env) = self.environment.as_deref() {
            check_environment(env)?;
        }
        Ok(StoredConfig {
            environment: self.environment.as_deref().map(Environment::parse),
            user_secret: self.user_secret.filter(|s| !s.is_empty()),
            org_secret: self.org_secret.filter(|s| !s.is_empty()),
            secrets_in_keyring,
        })
    }

    fn write(cfg: &StoredConfig) -> ProfileTable {
        let in_file = cfg.has_file_secrets() && !cfg.secrets_in_keyring;
        ProfileTable {
            environment: cfg.environment.as_ref().map(Environment::as_config_str),
            secrets: if cfg.secrets_in_keyring {
                Some(IN_KEYRING.into())
            } else if in_file {
                Some(IN_FILE.into())
            } else {
                None
            },
            user_secret: cfg.user_secret.clone().filter(|_| in_file),
            org_secret: cfg.org_secret.clone().filter(|_| in_file),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no config directory: set XDG_CONFIG_HOME or HOME, or CE_WIZARD_CONFIG")]
    NoConfigDir,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid config file: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Keyring(KeyringError),
    #[error("{0}")]
    ProfileName(String),
    #[error("{0}")]
    Environment(String),
}

/// Where remembered secrets went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretsKept {
    Keyring,
    /// In the 0600 file: on purpose (`--insecure-storage`) when `fallback`
    /// is `None`, else because no keyring answered.
    File {
        fallback: Option<KeyringError>,
    },
}

impl SecretsKept {
    /// What to tell the person, after "Saved to PATH".
    pub fn describe(&self) -> String {
        match self {
            SecretsKept::Keyring => "the secrets are in the OS keyring".into(),
            SecretsKept::File { fallback: None } => {
                "the secrets are in that file, as --insecure-storage asked".into()
            }
            // Where they went first: a message cut short on a small
            // screen loses only the reason.
            SecretsKept::File { fallback: Some(e) } => {
                format!("the secrets are in that file instead: {e}")
            }
        }
    }
}

/// What [`remember`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    /// The profile it was saved as.
    pub profile: String,
    pub secrets: Option<SecretsKept>,
}

impl Saved {
    /// What to tell the person: the profile, the file, where the secrets
    /// went.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "Saved the profile '{}' to {} (readable only by you)",
            self.profile,
            self.path.display()
        );
        if let Some(kept) = &self.secrets {
            text.push_str("; ");
            text.push_str(&kept.describe());
        }
        text
    }
}

pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(CONFIG_PATH_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "ce-wizard").map(|d| d.config_dir().join("config.toml"))
}

/// The config file's profiles; an absent file has none.
pub fn load() -> Result<Profiles, ConfigError> {
    let Some(path) = config_path() else {
        return Ok(Profiles::default());
    };
    load_from(&path)
}

/// The largest config file read: a few profiles take a few hundred bytes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

pub fn load_from(path: &Path) -> Result<Profiles, ConfigError> {
    // Bounded, and never a FIFO or device: `CE_WIZARD_CONFIG=/dev/zero`
    // or a FIFO in its place must neither hang nor fill the memory.
    let read =
        crate::fsx::read_regular_bounded_through_links(path, MAX_CONFIG_BYTES).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text")
            })
        });
    let text = match read {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Profiles::default()),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.into(),
                source,
            })
        }
    };
    let invalid = |message: String| ConfigError::Parse {
        path: path.into(),
        message,
    };
    // toml's error text quotes the offending line, which may hold a secret;
    // only its position is kept.
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        invalid(match e.span() {
            Some(span) => format!(
                "syntax error near line {}",
                text[..span.start].matches('\n').count() + 1
            ),
            None => "syntax error".into(),
        })
    })?;
    let legacy = ProfileTable {
        environment: file.environment,
        secrets: file.secrets,
        user_secret: file.user_secret,
        org_secret: file.org_secret,
    };
    let has_legacy = legacy.environment.is_some()
        || legacy.secrets.is_some()
        || legacy.user_secret.is_some()
        || legacy.org_secret.is_some();
    let mut profiles = BTreeMap::new();
    if has_legacy {
        if file.profiles.contains_key(DEFAULT_PROFILE) {
            return Err(invalid(format!(
                "it holds both top-level account keys and [profiles.{DEFAULT_PROFILE}]; keep one of them"
            )));
        }
        let cfg = legacy.read().map_err(invalid)?;
        profiles.insert(DEFAULT_PROFILE.to_string(), cfg);
    }
    for (name, table) in file.profiles {
        check_profile_name(&name).map_err(invalid)?;
        let cfg = table
            .read()
            .map_err(|e| invalid(format!("[profiles.{name}]: {e}")))?;
        profiles.insert(name, cfg);
    }
    if let Some(name) = &file.default_profile {
        check_profile_name(name).map_err(|e| invalid(format!("default_profile: {e}")))?;
    }
    let narrowed_from = if profiles.values().any(StoredConfig::has_file_secrets) {
        narrow_to_owner(path)
    } else {
        None
    };
    Ok(Profiles {
        default: file.default_profile,
        profiles,
        legacy: has_legacy,
        narrowed_from,
    })
}

/// A file holding secrets is readable by its owner only: one that others
/// can read (copied, restored from a backup, edited under another umask)
/// is narrowed to 0600. Its mode before, when it was narrowed.
#[cfg(unix)]
fn narrow_to_owner(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return None;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).ok()?;
    Some(mode)
}

#[cfg(not(unix))]
fn narrow_to_owner(_path: &Path) -> Option<u32> {
    None
}

impl StoredConfig {
    /// The base URL the profile names (production when it names none).
    pub fn base_url(&self) -> String {
        self.environment
            .clone()
            .unwrap_or(Environment::Production)
            .base_url()
    }

    /// The remembered secrets of the profile `name` and where they belong:
    /// from the keyring when the file says they are there, else from the
    /// file. `Ok(None)` when none were remembered. Keyring entries saved
    /// before secrets were bound to a platform belong to the one the
    /// profile names, and are recorded so now (when that fails, they are
    /// still taken as such, and recorded on a later use).
    pub fn secrets(&self, name: &str) -> Result<Option<SavedSecrets>, KeyringError> {
        if self.secrets_in_keyring {
            let stored = secret_store::load(name)?;
            let bound_to = match stored.base_url {
                Some(there) => there,
                None => {
                    let here = self.base_url();
                    if let Err(e) = secret_store::bind(name, &here) {
                        crate::log::event("keyring", format!("cannot record the base URL: {e}"));
                    }
                    here
                }
            };
            return Ok(Some(SavedSecrets {
                user: stored.user,
                org: stored.org,
                bound_to,
            }));
        }
        Ok(self
            .user_secret
            .clone()
            .zip(self.org_secret.clone())
            .map(|(user, org)| SavedSecrets {
                user,
                org,
                bound_to: self.base_url(),
            }))
    }

    /// Whether the file itself holds secrets (which the keyring could keep).
    pub fn has_file_secrets(&self) -> bool {
        self.user_secret.is_some() || self.org_secret.is_some()
    }

    /// Whether any secrets are remembered, in the file or the keyring.
    pub fn has_secrets(&self) -> bool {
        self.secrets_in_keyring || self.has_file_secrets()
    }

    /// `keyring`, `file` or `none`: where the secrets are.
    pub fn secrets_place(&self) -> &'static str {
        if self.secrets_in_keyring {
            IN_KEYRING
        } else if self.has_file_secrets() {
            IN_FILE
        } else {
            "none"
        }
    }

    /// Puts the secrets of the profile `name` in the keyring, or in the
    /// file when `insecure` or when no keyring answers. A keyring that
    /// answers with an error is an error: the file is no place to hide that.
    pub fn keep_secrets(
        &mut self,
        name: &str,
        user: Secret,
        org: Secret,
        insecure: bool,
    ) -> Result<SecretsKept, KeyringError> {
        let fallback = if insecure {
            None
        } else {
            match self.put_in_keyring(name, &user, &org) {
                Ok(()) => return Ok(SecretsKept::Keyring),
                Err(e @ KeyringError::Unavailable(_)) => Some(e),
                Err(e) => return Err(e),
            }
        };
        if self.secrets_in_keyring {
            // Stale keyring entries would outlive the choice of the file;
            // failing to delete them leaves them unused.
            let _ = secret_store::delete(name);
        }
        self.secrets_in_keyring = false;
        self.user_secret = Some(user);
        self.org_secret = Some(org);
        Ok(SecretsKept::File { fallback })
    }

    /// Stores the secrets of the profile `name` in the keyring and, once
    /// it took them, drops them from the file.
    fn put_in_keyring(
        &mut self,
        name: &str,
        user: &Secret,
        org: &Secret,
    ) -> Result<(), KeyringError> {
        secret_store::store(name, &self.base_url(), user, org)?;
        self.secrets_in_keyring = true;
        self.user_secret = None;
        self.org_secret = None;
        Ok(())
    }
}

/// Remembers the environment of the profile `profile` and, when given, its
/// secrets (see [`StoredConfig::keep_secrets`]), keeping what the file
/// holds otherwise.
pub fn remember(
    profile: &str,
    environment: Environment,
    secrets: Option<(Secret, Secret)>,
    insecure: bool,
) -> Result<Saved, ConfigError> {
    check_profile_name(profile).map_err(ConfigError::ProfileName)?;
    // Saved, it would make the whole file unreadable.
    check_environment(&environment.as_config_str()).map_err(ConfigError::Environment)?;
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    // A file that cannot be read is not overwritten: it may hold other
    // profiles.
    let mut all = load_from(&path)?;
    let mut cfg = all.profiles.get(profile).cloned().unwrap_or_default();
    cfg.environment = Some(environment);
    let kept = match secrets {
        Some((user, org)) => Some(
            cfg.keep_secrets(profile, user, org, insecure)
                .map_err(ConfigError::Keyring)?,
        ),
        None => None,
    };
    all.put(profile, cfg);
    write_to(&path, &all)?;
    Ok(Saved {
        path,
        profile: profile.to_string(),
        secrets: kept,
    })
}

/// Moves the secrets the config file holds for `profile` into the OS
/// keyring. `Ok(None)`: the file held none for it.
pub fn move_secrets_to_keyring(profile: &str) -> Result<Option<PathBuf>, ConfigError> {
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    let mut all = load_from(&path)?;
    let Some(cfg) = all.profiles.get_mut(profile) else {
        return Ok(None);
    };
    let (Some(user), Some(org)) = (cfg.user_secret.clone(), cfg.org_secret.clone()) else {
        return Ok(None);
    };
    cfg.put_in_keyring(profile, &user, &org)
        .map_err(ConfigError::Keyring)?;
    write_to(&path, &all)?;
    Ok(Some(path))
}

/// What [`remove_profile`] did.
#[derive(Debug)]
pub struct Removed {
    pub path: PathBuf,
    /// The keyring entries could not be deleted (they stay, unused).
    pub keyring: Option<KeyringError>,
    /// The keyring entries of that name belong to another platform than
    /// the profile named (this one): they were left as they were.
    pub kept_for: Option<String>,
}

/// Removes the profile `name` from the config file, and its keyring
/// entries when its secrets were there and belong to the platform the
/// profile names: entries of the same name saved for another platform
/// (from another config file) are not this profile's to delete.
/// `Ok(None)`: no such profile.
pub fn remove_profile(name: &str) -> Result<Option<Removed>, ConfigError> {
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    let mut all = load_from(&path)?;
    let Some(cfg) = all.profiles.remove(name) else {
        return Ok(None);
    };
    if all.default.as_deref() == Some(name) {
        all.default = None;
    }
    let mut kept_for = None;
    let keyring = if cfg.secrets_in_keyring {
        match secret_store::bound_to(name) {
            Ok(Some(there)) if !same_platform(&there, &cfg.base_url()) => {
                kept_for = Some(crate::sanitize::line(&there));
                None
            }
            Ok(_) => secret_store::delete(name).err(),
            Err(e) => Some(e),
        }
    } else {
        None
    };
    write_to(&path, &all)?;
    Ok(Some(Removed {
        path,
        keyring,
        kept_for,
    }))
}

/// Makes `name` the profile used when none is named. `Ok(None)`: no such
/// profile.
pub fn set_default_profile(name: &str) -> Result<Option<PathBuf>, ConfigError> {
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    let mut all = load_from(&path)?;
    if !all.profiles.contains_key(name) {
        return Ok(None);
    }
    all.default = Some(name.to_string());
    write_to(&path, &all)?;
    Ok(Some(path))
}

/// Writes a config file whose only profile is `cfg`, as `default`.
pub fn save_to(path: &Path, cfg: &StoredConfig) -> Result<(), ConfigError> {
    let mut all = Profiles::default();
    all.put(DEFAULT_PROFILE, cfg.clone());
    write_to(path, &all)
}

/// Writes every profile, in the profile layout, to a 0600 file.
pub fn write_to(path: &Path, all: &Profiles) -> Result<(), ConfigError> {
    let file = ConfigFile {
        default_profile: all.default.clone().filter(|d| all.profiles.contains_key(d)),
        profiles: all
            .profiles
            .iter()
            .map(|(name, cfg)| (name.clone(), ProfileTable::write(cfg)))
            .collect(),
        ..Default::default()
    };
    let text = toml::to_string(&file).map_err(|e| ConfigError::Write {
        path: path.into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsx::create_private_dir_all(dir).map_err(|source| ConfigError::Write {
            path: path.into(),
            source,
        })?;
    }
    write_private_file(path, text.as_bytes(), true).map_err(|source| ConfigError::Write {
        path: path.into(),
        source,
    })
}

/// Writes a file readable by its owner only (0600 from its creation, so it is
/// never briefly world-readable). Without `overwrite`, an existing file is an
/// `AlreadyExists` error. A symbolic link at `path` is refused, with an
/// error naming it, and never followed ([`crate::fsx::write_private`]).
pub fn write_private_file(path: &Path, contents: &[u8], overwrite: bool) -> std::io::Result<()> {
    crate::fsx::write_private(path, contents, overwrite)
}

/// A secret from the environment; empty counts as unset.
pub fn secret_from_env(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PRODUCTION_URL;

    #[test]
    fn the_same_platform_is_read_through_case_default_ports_and_slashes() {
        assert!(same_platform(
            "HTTPS://API.cloud-elements.com:443/elements/api-v2/",
            PRODUCTION_URL
        ));
        assert!(!same_platform(PRODUCTION_URL, EU_URL));
        assert!(!same_platform(
            "http://127.0.0.1:1/elements/api-v2",
            "http://127.0.0.1:2/elements/api-v2"
        ));
        assert!(!same_platform(
            PRODUCTION_URL,
            "https://api.cloud-elements.com.evil.example/elements/api-v2"
        ));
    }

    #[test]
    fn file_secrets_belong_to_the_platform_their_profile_names() {
        let cfg = StoredConfig {
            environment: Some(Environment::Staging),
            user_secret: Some("us".into()),
            org_secret: Some("os".into()),
            secrets_in_keyring: false,
        };
        let saved = cfg.secrets("acme").unwrap().unwrap();
        assert_eq!(saved.bound_to, Environment::Staging.base_url());
        let none = StoredConfig {
            environment: None,
            ..cfg
        };
        assert_eq!(
            none.secrets("acme").unwrap().unwrap().bound_to,
            PRODUCTION_URL
        );
    }

    #[test]
    fn environments_parse_and_give_base_urls() {
        assert_eq!(Environment::parse("staging"), Environment::Staging);
        assert_eq!(Environment::parse("EU").base_url(), EU_URL);
        assert_eq!(Environment::parse(&format!("{EU_URL}/")), Environment::Eu);
        for name in ENV_NAMES {
            assert_eq!(Environment::parse(name).as_config_str(), name);
        }
        assert_eq!(Environment::parse(PRODUCTION_URL), Environment::Production);
        assert_eq!(
            Environment::parse("http://127.0.0.1:9/elements/api-v2/").base_url(),
            "http://127.0.0.1:9/elements/api-v2"
        );
    }

    #[cfg(unix)]
    #[test]
    fn config_round_trips_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let cfg = StoredConfig {
            environment: Some(Environment::Staging),
            user_secret: Some("us".into()),
            org_secret: Some("os".into()),
            secrets_in_keyring: false,
        };
        save_to(&path, &cfg).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let all = load_from(&path).unwrap();
        assert_eq!(all.default_name(), Some(DEFAULT_PROFILE));
        let back = all.get(DEFAULT_PROFILE).unwrap().clone();
        assert_eq!(back.environment, Some(Environment::Staging));
        assert_eq!(back.user_secret.unwrap().expose(), "us");
        assert!(!back.secrets_in_keyring);
    }

    #[test]
    fn a_fallback_says_where_the_secrets_went_before_why() {
        let kept = SecretsKept::File {
            fallback: Some(crate::secret_store::KeyringError::Unavailable(
                "no dbus session found".into(),
            )),
        };
        let said = kept.describe();
        assert!(
            said.starts_with("the secrets are in that file instead"),
            "{said}"
        );
        assert!(
            said.ends_with("no OS keyring answered (no dbus session found)"),
            "{said}"
        );
    }

    #[test]
    fn insecure_storage_keeps_the_secrets_in_the_file_and_says_it_was_asked() {
        let mut cfg = StoredConfig::default();
        let kept = cfg
            .keep_secrets("acme", "us".into(), "os".into(), true)
            .unwrap();
        assert_eq!(kept, SecretsKept::File { fallback: None });
        assert!(kept.describe().contains("--insecure-storage"));
        let (u, o) = cfg.secrets("acme").unwrap().unwrap().pair();
        assert_eq!((u.expose(), o.expose()), ("us", "os"));
    }

    #[test]
    fn a_keyring_config_file_round_trips_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let cfg = StoredConfig {
            environment: Some(Environment::Eu),
            secrets_in_keyring: true,
            ..Default::default()
        };
        save_to(&path, &cfg).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("secrets = \"keyring\""), "{text}");
        assert!(!text.contains("user_secret"), "{text}");
        let back = load_from(&path).unwrap().profiles[DEFAULT_PROFILE].clone();
        assert!(back.secrets_in_keyring);
        assert_eq!(back.environment, Some(Environment::Eu));
    }

    #[cfg(unix)]
    #[test]
    fn private_files_refuse_to_overwrite_unless_asked_and_tighten_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = write_private_file(&p, b"new", false).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        write_private_file(&p, b"new", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_broken_config_file_is_named_without_quoting_its_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "user_secret = \"topsecret\"\norg_secret = topsecret2\n").unwrap();
        let e = load_from(&p).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains("topsecret"), "{e}");
    }

    #[test]
    fn profile_names_are_checked_with_a_clear_message() {
        for good in ["default", "acme", "acme-eu", "Team_2.prod"] {
            assert_eq!(check_profile_name(good), Ok(()), "{good}");
        }
        for bad in ["", "a/b", "-x", ".hidden", "white space", "é", "a\u{1b}[2J"] {
            let e = check_profile_name(bad).unwrap_err();
            assert!(e.contains("profile name"), "{bad:?}: {e}");
            assert!(!e.contains('\u{1b}'), "{e}");
        }
        assert!(check_profile_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn a_single_account_file_reads_as_the_default_profile_and_is_rewritten_only_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let old = "environment = \"eu\"\nuser_secret = \"us\"\norg_secret = \"os\"\n";
        std::fs::write(&path, old).unwrap();
        let all = load_from(&path).unwrap();
        assert!(all.legacy);
        assert_eq!(all.default_name(), Some(DEFAULT_PROFILE));
        let cfg = &all.profiles[DEFAULT_PROFILE];
        assert_eq!(cfg.environment, Some(Environment::Eu));
        let saved = cfg.secrets(DEFAULT_PROFILE).unwrap().unwrap();
        assert_eq!(saved.bound_to, EU_URL, "the profile's own platform");
        let (u, o) = saved.pair();
        assert_eq!((u.expose(), o.expose()), ("us", "os"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), old);

        let mut all = all;
        all.put(
            "acme",
            StoredConfig {
                environment: Some(Environment::Staging),
                ..Default::default()
            },
        );
        write_to(&path, &all).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("default_profile = \"default\""), "{text}");
        assert!(text.contains("[profiles.default]"), "{text}");
        assert!(text.contains("secrets = \"file\""), "{text}");
        assert!(text.contains("[profiles.acme]"), "{text}");
        let back = load_from(&path).unwrap();
        assert!(!back.legacy);
        assert_eq!(back.profiles.len(), 2);
        assert_eq!(back.default_name(), Some(DEFAULT_PROFILE));
        assert_eq!(back.profiles["acme"].secrets_place(), "none");
        assert_eq!(back.profiles[DEFAULT_PROFILE].secrets_place(), "file");
    }

    #[test]
    fn the_first_profile_saved_becomes_the_default() {
        let mut all = Profiles::default();
        assert_eq!(all.default_name(), None);
        all.put("acme", StoredConfig::default());
        all.put("beta", StoredConfig::default());
        assert_eq!(all.default_name(), Some("acme"));
        all.default = Some("beta".into());
        assert_eq!(all.default_name(), Some("beta"));
    }

    #[test]
    fn unknown_profiles_are_named_with_the_closest_saved_ones() {
        let mut all = Profiles::default();
        for n in ["acme", "acme-eu", "globex"] {
            all.put(n, StoredConfig::default());
        }
        assert_eq!(all.closest("acm"), vec!["acme", "acme-eu"]);
        assert_eq!(all.closest("globx"), vec!["globex"]);
        let e = all.unknown("initech");
        assert!(e.contains("'acme', 'acme-eu', 'globex'"), "{e}");
        assert!(all.unknown("acmee").contains("did you mean 'acme'"));
    }

    #[test]
    fn an_environment_with_escape_sequences_is_refused_and_shown_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        for text in [
            "[profiles.x]\nenvironment = \"https://a\\u001B]52;c;eA==\\u0007.example\"\n",
            "environment = \"https://a\\u202Eb.example\"\n",
        ] {
            std::fs::write(&p, text).unwrap();
            let e = load_from(&p).unwrap_err().to_string();
            assert!(e.contains("control or bidi"), "{e}");
            assert!(!crate::sanitize::has_unsafe(&e), "{e:?}");
        }
        std::fs::write(
            &p,
            format!(
                "[profiles.x]\nenvironment = \"https://{}\"\n",
                "a".repeat(5000)
            ),
        )
        .unwrap();
        assert!(load_from(&p).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_config_file_with_secrets_that_others_can_read_is_narrowed_to_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        std::fs::write(&p, "[profiles.x]\nenvironment = \"eu\"\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load_from(&p).unwrap().narrowed_from, None, "no secrets");
        assert_eq!(mode(&p), 0o644);
        std::fs::write(
            &p,
            "[profiles.x]\nsecrets = \"file\"\nuser_secret = \"u\"\norg_secret = \"o\"\n",
        )
        .unwrap();
        assert_eq!(load_from(&p).unwrap().narrowed_from, Some(0o644));
        assert_eq!(mode(&p), 0o600);
        assert_eq!(load_from(&p).unwrap().narrowed_from, None);
    }

    #[test]
    fn an_environment_the_file_would_refuse_is_never_saved() {
        // Refused before the file is looked for, let alone written.
        let bad = Environment::Custom("https://ce.example.com/elements/api-v2\u{200e}".into());
        let e = remember("acme", bad, None, true).unwrap_err();
        assert!(matches!(e, ConfigError::Environment(_)), "{e}");
        assert!(e.to_string().contains("control or bidi"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_huge_config_file_is_refused_and_a_linked_one_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        let mut text = "[profiles.x]\nenvironment = \"eu\"\n".to_string();
        text.push_str(&"# padding\n".repeat(200_000));
        std::fs::write(&p, &text).unwrap();
        let e = load_from(&p).unwrap_err().to_string();
        assert!(e.contains("larger than"), "{e}");
        let kept = dir.path().join("kept.toml");
        std::fs::write(&kept, "[profiles.x]\nenvironment = \"eu\"\n").unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&kept, &link).unwrap();
        assert_eq!(
            load_from(&link).unwrap().profiles["x"].environment,
            Some(Environment::Eu)
        );
    }

    #[test]
    fn a_file_with_a_bad_profile_table_is_refused_without_quoting_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[profiles.\"a/b\"]\nuser_secret = \"topsecret\"\n").unwrap();
        let e = load_from(&p).unwrap_err().to_string();
        assert!(e.contains("a/b"), "{e}");
        assert!(!e.contains("topsecret"), "{e}");
        std::fs::write(&p, "[profiles.x]\nsecrets = \"vault\"\n").unwrap();
        let e = load_from(&p).unwrap_err().to_string();
        assert!(e.contains("keyring"), "{e}");
        std::fs::write(
            &p,
            "environment = \"eu\"\n[profiles.default]\nenvironment = \"staging\"\n",
        )
        .unwrap();
        assert!(load_from(&p).is_err());
    }
}
