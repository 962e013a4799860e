//! The Connection step's form: which platform, and the account secrets.

use crate::config::{check_profile_name, Environment, DEFAULT_PROFILE};
use crate::environments::{Platform, PLATFORMS};
use crate::form::is_http_url;
use crate::tui::report::ErrorReport;
use crate::tui::widgets::TextField;
use std::collections::BTreeMap;

/// The environment choice: a row of the environment table, or any base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvKind {
    Named(&'static Platform),
    Custom,
}

// Shorthands for the rows that tests name; a new row needs none.
#[allow(non_upper_case_globals)]
impl EnvKind {
    pub const Production: EnvKind = EnvKind::Named(&PLATFORMS[0]);
    pub const Eu: EnvKind = EnvKind::Named(&PLATFORMS[1]);
    pub const Staging: EnvKind = EnvKind::Named(&PLATFORMS[2]);
}

impl EnvKind {
    /// The choices, in the table's order (the order `--env` lists them),
    /// then any base URL (an SAP Open Connectors tenant, a proxy, a sandbox).
    pub fn all() -> impl Iterator<Item = EnvKind> {
        PLATFORMS
            .iter()
            .map(EnvKind::Named)
            .chain([EnvKind::Custom])
    }

    pub fn label(self) -> &'static str {
        match self {
            EnvKind::Named(p) => p.choice_label,
            EnvKind::Custom => "other (base URL)",
        }
    }
}

/// What to keep in the config file after a successful connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remember {
    Nothing,
    Environment,
    EnvironmentAndSecrets,
}

impl Remember {
    pub const ALL: [Remember; 3] = [
        Remember::Nothing,
        Remember::Environment,
        Remember::EnvironmentAndSecrets,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Remember::Nothing => "nothing",
            Remember::Environment => "the environment",
            Remember::EnvironmentAndSecrets => "the environment and both secrets",
        }
    }
}

/// A saved profile the step offers to pick.
pub use crate::config::SavedProfile;

/// What the Connection step offers of the saved profiles.
#[derive(Debug, Clone, Default)]
pub struct ProfileOffer {
    pub saved: Vec<SavedProfile>,
    /// The profile in use (`--profile`, else the default one).
    pub in_use: Option<String>,
    /// The name a new profile is offered to be saved under (empty: `default`).
    pub save_as: String,
}

/// What the form holds for one choice of profile, kept when another is
/// picked so that nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Draft {
    env: EnvKind,
    custom_url: TextField,
    user: TextField,
    org: TextField,
    profile_name: TextField,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConnField {
    Profile,
    Environment,
    CustomUrl,
    UserSecret,
    OrgSecret,
    Remember,
    /// The name to save under, when something is remembered.
    ProfileName,
}

impl ConnField {
    pub fn label(self) -> &'static str {
        match self {
            ConnField::Profile => "Profile",
            ConnField::ProfileName => "Save as profile",
            ConnField::Environment => "Environment",
            ConnField::CustomUrl => "Base URL",
            ConnField::UserSecret => "User secret",
            ConnField::OrgSecret => "Organization secret",
            ConnField::Remember => "Remember",
        }
    }

    pub fn is_text(self) -> bool {
        matches!(
            self,
            ConnField::CustomUrl
                | ConnField::UserSecret
                | ConnField::OrgSecret
                | ConnField::ProfileName
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckStatus {
    NotRun,
    /// `proceed`: continue to the next step when it succeeds.
    Running {
        attempt: u64,
        proceed: bool,
    },
    Passed {
        elements: usize,
    },
    Failed(ErrorReport),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionForm {
    pub env: EnvKind,
    pub custom_url: TextField,
    pub user: TextField,
    pub org: TextField,
    pub reveal: bool,
    pub remember: Remember,
    pub focus: ConnField,
    pub errors: BTreeMap<ConnField, String>,
    pub check: CheckStatus,
    /// Connected to the built-in sandbox: nothing of it is offered for
    /// saving.
    pub sandbox: bool,
    /// The saved profiles to pick from.
    pub profiles: Vec<SavedProfile>,
    /// The picked one (an index into `profiles`); `None`: typed here.
    pub profile: Option<usize>,
    /// The name to save under when Remember is on.
    pub profile_name: TextField,
    /// What each other choice of profile held when it was left.
    drafts: BTreeMap<Option<usize>, Draft>,
}

impl ConnectionForm {
    pub fn new(env: Option<&Environment>, user: Option<&str>, org: Option<&str>) -> Self {
        let (kind, custom) = kind_of(env);
        ConnectionForm {
            env: kind,
            custom_url: TextField::new(custom),
            user: TextField::new(user.unwrap_or("")),
            org: TextField::new(org.unwrap_or("")),
            reveal: false,
            remember: Remember::Nothing,
            focus: ConnField::Environment,
            errors: BTreeMap::new(),
            check: CheckStatus::NotRun,
            sandbox: false,
            profiles: Vec::new(),
            profile: None,
            profile_name: TextField::new(DEFAULT_PROFILE),
            drafts: BTreeMap::new(),
        }
    }

    /// Offers `profiles`, with `in_use` (a name among them) as the current
    /// choice; `save_as` is the name a new profile is offered to be saved
    /// under.
    pub fn offer_profiles(
        &mut self,
        profiles: Vec<SavedProfile>,
        in_use: Option<&str>,
        save_as: &str,
    ) {
        self.profile = in_use.and_then(|n| profiles.iter().position(|p| p.name == n));
        self.profile_name = TextField::new(match self.profile {
            Some(i) => &profiles[i].name,
            None => save_as,
        });
        self.profiles = profiles;
        if self.profile.is_some() {
            // What a new profile starts from: the name it would be saved as.
            let mut fresh = self.draft();
            fresh.profile_name = TextField::new(save_as);
            self.drafts.insert(None, fresh);
        }
    }

    /// The choices of the Profile field: each saved profile, then a new one.
    pub fn profile_choices(&self) -> Vec<Option<usize>> {
        (0..self.profiles.len()).map(Some).chain([None]).collect()
    }

    /// The profile picked, if it is a saved one.
    pub fn picked(&self) -> Option<&SavedProfile> {
        self.profile.and_then(|i| self.profiles.get(i))
    }

    fn draft(&self) -> Draft {
        Draft {
            env: self.env,
            custom_url: self.custom_url.clone(),
            user: self.user.clone(),
            org: self.org.clone(),
            profile_name: self.profile_name.clone(),
        }
    }

    fn restore(&mut self, d: Draft) {
        self.env = d.env;
        self.custom_url = d.custom_url;
        self.user = d.user;
        self.org = d.org;
        self.profile_name = d.profile_name;
    }

    /// Picks another profile: what the form held is kept for when the
    /// previous choice is picked again, and the new one fills the form with
    /// what it was left with, else with its saved environment and secrets
    /// (secrets it did not save stay as typed).
    pub fn pick_profile(&mut self, to: Option<usize>) {
        if to == self.profile {
            return;
        }
        self.drafts.insert(self.profile, self.draft());
        self.profile = to;
        if let Some(d) = self.drafts.get(&to).cloned() {
            self.restore(d);
        } else if let Some(saved) = to.and_then(|i| self.profiles.get(i)).cloned() {
            let (env, url) = kind_of(Some(&saved.environment));
            self.env = env;
            self.custom_url = TextField::new(url);
            if let Some((user, org)) = &saved.secrets {
                self.user = TextField::new(user.expose());
                self.org = TextField::new(org.expose());
            }
            self.profile_name = TextField::new(&saved.name);
        }
        self.errors.clear();
        self.check = CheckStatus::NotRun;
    }

    /// After the form was saved as the profile `name`: it is offered from
    /// now on (or refreshed), and picked, so going back shows it.
    pub fn saved_as(&mut self, name: &str, with_secrets: bool) {
        let entry = SavedProfile {
            name: name.to_string(),
            environment: self.environment(),
            secrets: with_secrets.then(|| (self.user.secret(), self.org.secret())),
            problem: None,
        };
        let i = match self.profiles.iter().position(|p| p.name == name) {
            Some(i) => {
                self.profiles[i] = entry;
                i
            }
            None => {
                self.profiles.push(entry);
                self.profiles.len() - 1
            }
        };
        if self.profile != Some(i) {
            self.drafts.insert(self.profile, self.draft());
            self.drafts.remove(&Some(i));
            self.profile = Some(i);
        }
    }

    /// Whether saving under the name would replace a saved profile other
    /// than the one picked.
    pub fn name_replaces_another(&self) -> bool {
        let name = self.profile_name.value().trim();
        self.profiles
            .iter()
            .enumerate()
            .any(|(i, p)| p.name == name && Some(i) != self.profile)
    }

    pub fn environment(&self) -> Environment {
        match self.env {
            EnvKind::Named(p) => Environment::Named(p),
            EnvKind::Custom => Environment::Custom(self.custom_url.value().trim().to_string()),
        }
    }

    pub fn base_url(&self) -> String {
        self.environment().base_url()
    }

    /// Where the instance goes, in the Connection step's words: the
    /// built-in sandbox is "sandbox" (not "custom"), any other base URL is
    /// named bare.
    pub fn place(&self) -> String {
        match self.env {
            EnvKind::Custom if self.sandbox => format!("sandbox ({})", self.base_url()),
            EnvKind::Custom => crate::sanitize::line(&self.base_url()),
            other => other.label().to_string(),
        }
    }

    /// The fields on screen, in order: the profile choice when profiles
    /// are saved, the base URL only for a custom one, the name to save
    /// under only when something is remembered.
    pub fn fields(&self) -> Vec<ConnField> {
        let mut f = vec![];
        if !self.profiles.is_empty() && !self.sandbox {
            f.push(ConnField::Profile);
        }
        f.push(ConnField::Environment);
        // The built-in sandbox's address is not to be edited: under
        // --sandbox nothing goes anywhere else.
        if self.env == EnvKind::Custom && !self.sandbox {
            f.push(ConnField::CustomUrl);
        }
        f.extend([ConnField::UserSecret, ConnField::OrgSecret]);
        if !self.sandbox {
            f.push(ConnField::Remember);
            if self.remember != Remember::Nothing {
                f.push(ConnField::ProfileName);
            }
        }
        f
    }

    pub fn input(&self, field: ConnField) -> Option<&TextField> {
        match field {
            ConnField::CustomUrl => Some(&self.custom_url),
            ConnField::UserSecret => Some(&self.user),
            ConnField::OrgSecret => Some(&self.org),
            ConnField::ProfileName => Some(&self.profile_name),
            _ => None,
        }
    }

    pub fn input_mut(&mut self, field: ConnField) -> Option<&mut TextField> {
        match field {
            ConnField::CustomUrl => Some(&mut self.custom_url),
            ConnField::UserSecret => Some(&mut self.user),
            ConnField::OrgSecret => Some(&mut self.org),
            ConnField::ProfileName => Some(&mut self.profile_name),
            _ => None,
        }
    }

    pub fn check_field(&self, field: ConnField) -> Option<String> {
        match field {
            ConnField::CustomUrl if self.env == EnvKind::Custom => {
                let v = self.custom_url.value().trim();
                // An address typed without its scheme is named with one,
                // as in the element's form.
                let url_field = crate::catalog::FieldSpec::new(
                    "base_url",
                    "Base URL",
                    crate::catalog::FieldKind::Url,
                );
                if v.is_empty() {
                    Some("Base URL is required for another environment, e.g. https://ce.example.com/elements/api-v2".into())
                } else if crate::sanitize::has_unsafe(v)
                    || v.chars().any(crate::sanitize::is_invisible_format)
                {
                    Some("Base URL contains control or invisible characters (often copied along from web pages); retype it".into())
                } else if let Some(s) = (!is_http_url(v))
                    .then(|| crate::form::suggested_url(&url_field, v))
                    .flatten()
                {
                    Some(format!(
                        "Base URL must start with https:// or http://; with its scheme: {s}"
                    ))
                } else if !is_http_url(v) {
                    Some("Base URL must be an https:// or http:// URL, e.g. https://ce.example.com/elements/api-v2".into())
                } else {
                    None
                }
            }
            ConnField::UserSecret => {
                crate::config::check_account_secret(field.label(), self.user.value())
            }
            ConnField::OrgSecret => {
                crate::config::check_account_secret(field.label(), self.org.value())
            }
            ConnField::ProfileName if self.remember != Remember::Nothing => {
                check_profile_name(self.profile_name.value().trim())
                    .err()
                    .map(|e| format!("Save as profile: {e}"))
            }
            _ => None,
        }
    }

    /// After a field's value changed, by typing or a paste: its error and
    /// the last check's verdict were about the old value.
    pub fn changed(&mut self, field: ConnField) {
        self.errors.remove(&field);
        if !matches!(self.check, CheckStatus::Running { .. }) {
            self.check = CheckStatus::NotRun;
        }
    }

    /// Every error of the form, in field order.
    pub fn check_all(&self) -> Vec<(ConnField, String)> {
        self.fields()
            .into_iter()
            .filter_map(|f| self.check_field(f).map(|e| (f, e)))
            .collect()
    }

    /// Whether it can be used as is, so the step can be skipped.
    /// The address offered for a base URL typed without its scheme, while
    /// the field has the focus: Enter takes it, as in Configure.
    pub fn url_offer(&self) -> Option<String> {
        let v = self.custom_url.value().trim();
        if self.env != EnvKind::Custom
            || self.focus != ConnField::CustomUrl
            || is_http_url(v)
            || v.chars().any(crate::sanitize::is_invisible_format)
        {
            return None;
        }
        let url_field =
            crate::catalog::FieldSpec::new("base_url", "Base URL", crate::catalog::FieldKind::Url);
        crate::form::suggested_url(&url_field, v)
    }

    pub fn is_complete(&self) -> bool {
        self.check_all().is_empty()
    }
}

/// The environment choice and the base URL for an environment.
fn kind_of(env: Option<&Environment>) -> (EnvKind, &str) {
    match env {
        None => (EnvKind::Named(crate::environments::DEFAULT), ""),
        Some(Environment::Named(p)) => (EnvKind::Named(p), ""),
        Some(Environment::Custom(url)) => (EnvKind::Custom, url.as_str()),
    }
}
