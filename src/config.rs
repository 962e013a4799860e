//! Environments and where credentials come from: the environment variables
//! `CE_USER_SECRET`/`CE_ORG_SECRET`, or what was remembered: the config file
//! under the XDG config directory (`$XDG_CONFIG_HOME/ce-wizard/config.toml`,
//! mode 0600) names the environment and says whether the secrets are in the
//! OS keyring (`secrets = "keyring"`) or, by choice or when no keyring
//! answered, in the file itself.

use crate::api::{PRODUCTION_URL, STAGING_URL};
use crate::secret::Secret;
use crate::secret_store::{self, KeyringError, DEFAULT_ACCOUNT};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const USER_SECRET_ENV: &str = "CE_USER_SECRET";
pub const ORG_SECRET_ENV: &str = "CE_ORG_SECRET";
pub const BASE_URL_ENV: &str = "CE_BASE_URL";
/// Overrides the config file's location (tests, several accounts).
pub const CONFIG_PATH_ENV: &str = "CE_WIZARD_CONFIG";

/// The EU production platform (console at my.cloudelements.co.uk).
pub const EU_URL: &str = "https://api.cloud-elements.co.uk/elements/api-v2";
/// Chooses the environment by name when no base URL is given.
pub const ENV_ENV: &str = "CE_ENV";
/// The names `--env` and `CE_ENV` take.
pub const ENV_NAMES: [&str; 3] = ["production", "eu", "staging"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Production,
    Eu,
    Staging,
    Custom(String),
}

impl Environment {
    pub fn base_url(&self) -> String {
        match self {
            Environment::Production => PRODUCTION_URL.into(),
            Environment::Eu => EU_URL.into(),
            Environment::Staging => STAGING_URL.into(),
            Environment::Custom(u) => u.trim_end_matches('/').to_string(),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Environment::Production => "production".into(),
            Environment::Eu => "EU production".into(),
            Environment::Staging => "staging".into(),
            Environment::Custom(u) => format!("custom ({u})"),
        }
    }

    /// `production`, `eu`, `staging`, or a base URL.
    pub fn parse(s: &str) -> Environment {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "production" | "prod" | "" => Environment::Production,
            "eu" => Environment::Eu,
            "staging" => Environment::Staging,
            _ if t.trim_end_matches('/') == PRODUCTION_URL => Environment::Production,
            _ if t.trim_end_matches('/') == EU_URL => Environment::Eu,
            _ if t.trim_end_matches('/') == STAGING_URL => Environment::Staging,
            _ => Environment::Custom(t.trim_end_matches('/').to_string()),
        }
    }

    fn as_config_str(&self) -> String {
        match self {
            Environment::Production => "production".into(),
            Environment::Eu => "eu".into(),
            Environment::Staging => "staging".into(),
            Environment::Custom(u) => u.clone(),
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct StoredConfig {
    pub environment: Option<Environment>,
    pub user_secret: Option<Secret>,
    pub org_secret: Option<Secret>,
    /// The secrets are in the OS keyring, not in the file.
    pub secrets_in_keyring: bool,
}

const IN_KEYRING: &str = "keyring";

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    /// `keyring` when the secrets are in the OS keyring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secrets: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_secret: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org_secret: Option<Secret>,
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
            SecretsKept::File { fallback: Some(e) } => {
                format!("{e}, so the secrets are in that file instead")
            }
        }
    }
}

/// What [`remember`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    pub secrets: Option<SecretsKept>,
}

pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(CONFIG_PATH_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "ce-wizard").map(|d| d.config_dir().join("config.toml"))
}

/// The config file's contents; an absent file is an empty config.
pub fn load() -> Result<StoredConfig, ConfigError> {
    let Some(path) = config_path() else {
        return Ok(StoredConfig::default());
    };
    load_from(&path)
}

pub fn load_from(path: &Path) -> Result<StoredConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(StoredConfig::default()),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.into(),
                source,
            })
        }
    };
    // toml's error text quotes the offending line, which may hold a secret;
    // only its position is kept.
    let file: ConfigFile = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.into(),
        message: match e.span() {
            Some(span) => format!(
                "syntax error near line {}",
                text[..span.start].matches('\n').count() + 1
            ),
            None => "syntax error".into(),
        },
    })?;
    Ok(StoredConfig {
        environment: file.environment.as_deref().map(Environment::parse),
        user_secret: file.user_secret.filter(|s| !s.is_empty()),
        org_secret: file.org_secret.filter(|s| !s.is_empty()),
        secrets_in_keyring: file.secrets.as_deref() == Some(IN_KEYRING),
    })
}

impl StoredConfig {
    /// The remembered secrets: from the keyring when the file says they are
    /// there, else from the file. `Ok(None)` when none were remembered.
    pub fn secrets(&self) -> Result<Option<(Secret, Secret)>, KeyringError> {
        if self.secrets_in_keyring {
            return secret_store::load(DEFAULT_ACCOUNT).map(Some);
        }
        Ok(self.user_secret.clone().zip(self.org_secret.clone()))
    }

    /// Whether the file itself holds secrets (which the keyring could keep).
    pub fn has_file_secrets(&self) -> bool {
        self.user_secret.is_some() || self.org_secret.is_some()
    }

    /// Puts the secrets in the keyring, or in the file when `insecure` or
    /// when no keyring answers. A keyring that answers with an error is an
    /// error: the file is no place to hide that.
    pub fn keep_secrets(
        &mut self,
        user: Secret,
        org: Secret,
        insecure: bool,
    ) -> Result<SecretsKept, KeyringError> {
        let fallback = if insecure {
            None
        } else {
            match secret_store::store(DEFAULT_ACCOUNT, &user, &org) {
                Ok(()) => {
                    self.secrets_in_keyring = true;
                    self.user_secret = None;
                    self.org_secret = None;
                    return Ok(SecretsKept::Keyring);
                }
                Err(e @ KeyringError::Unavailable(_)) => Some(e),
                Err(e) => return Err(e),
            }
        };
        if self.secrets_in_keyring {
            // Stale keyring entries would outlive the choice of the file;
            // failing to delete them leaves them unused.
            let _ = secret_store::delete(DEFAULT_ACCOUNT);
        }
        self.secrets_in_keyring = false;
        self.user_secret = Some(user);
        self.org_secret = Some(org);
        Ok(SecretsKept::File { fallback })
    }
}

/// Remembers the environment and, when given, the secrets (see
/// [`StoredConfig::keep_secrets`]), keeping what the file holds otherwise.
pub fn remember(
    environment: Environment,
    secrets: Option<(Secret, Secret)>,
    insecure: bool,
) -> Result<Saved, ConfigError> {
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    let mut cfg = load_from(&path).unwrap_or_default();
    cfg.environment = Some(environment);
    let kept = match secrets {
        Some((user, org)) => Some(
            cfg.keep_secrets(user, org, insecure)
                .map_err(ConfigError::Keyring)?,
        ),
        None => None,
    };
    save_to(&path, &cfg)?;
    Ok(Saved {
        path,
        secrets: kept,
    })
}

/// Moves the secrets a config file holds into the OS keyring. `Ok(None)`:
/// the file held none.
pub fn move_secrets_to_keyring() -> Result<Option<PathBuf>, ConfigError> {
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    let mut cfg = load_from(&path)?;
    let (Some(user), Some(org)) = (cfg.user_secret.clone(), cfg.org_secret.clone()) else {
        return Ok(None);
    };
    secret_store::store(DEFAULT_ACCOUNT, &user, &org).map_err(ConfigError::Keyring)?;
    cfg.secrets_in_keyring = true;
    cfg.user_secret = None;
    cfg.org_secret = None;
    save_to(&path, &cfg)?;
    Ok(Some(path))
}

pub fn save(cfg: &StoredConfig) -> Result<PathBuf, ConfigError> {
    let path = config_path().ok_or(ConfigError::NoConfigDir)?;
    save_to(&path, cfg)?;
    Ok(path)
}

pub fn save_to(path: &Path, cfg: &StoredConfig) -> Result<(), ConfigError> {
    let file = ConfigFile {
        environment: cfg.environment.as_ref().map(Environment::as_config_str),
        secrets: cfg.secrets_in_keyring.then(|| IN_KEYRING.to_string()),
        user_secret: cfg.user_secret.clone(),
        org_secret: cfg.org_secret.clone(),
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
        let back = load_from(&path).unwrap();
        assert_eq!(back.environment, Some(Environment::Staging));
        assert_eq!(back.user_secret.unwrap().expose(), "us");
        assert!(!back.secrets_in_keyring);
    }

    #[test]
    fn insecure_storage_keeps_the_secrets_in_the_file_and_says_it_was_asked() {
        let mut cfg = StoredConfig::default();
        let kept = cfg.keep_secrets("us".into(), "os".into(), true).unwrap();
        assert_eq!(kept, SecretsKept::File { fallback: None });
        assert!(kept.describe().contains("--insecure-storage"));
        let (u, o) = cfg.secrets().unwrap().unwrap();
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
        let back = load_from(&path).unwrap();
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
}
