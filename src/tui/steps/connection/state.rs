//! The Connection step's form: which platform, and the account secrets.

use crate::config::Environment;
use crate::form::is_http_url;
use crate::tui::report::ErrorReport;
use crate::tui::widgets::TextField;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvKind {
    Production,
    Eu,
    Staging,
    Custom,
}

impl EnvKind {
    /// The choices, in the order `--env` lists them, then any base URL
    /// (an SAP Open Connectors tenant, a proxy, a sandbox).
    pub const ALL: [EnvKind; 4] = [
        EnvKind::Production,
        EnvKind::Eu,
        EnvKind::Staging,
        EnvKind::Custom,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EnvKind::Production => "production (US)",
            EnvKind::Eu => "EU production",
            EnvKind::Staging => "staging",
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConnField {
    Environment,
    CustomUrl,
    UserSecret,
    OrgSecret,
    Remember,
}

impl ConnField {
    pub fn label(self) -> &'static str {
        match self {
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
            ConnField::CustomUrl | ConnField::UserSecret | ConnField::OrgSecret
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
}

impl ConnectionForm {
    pub fn new(env: Option<&Environment>, user: Option<&str>, org: Option<&str>) -> Self {
        let (kind, custom) = match env {
            None | Some(Environment::Production) => (EnvKind::Production, ""),
            Some(Environment::Eu) => (EnvKind::Eu, ""),
            Some(Environment::Staging) => (EnvKind::Staging, ""),
            Some(Environment::Custom(url)) => (EnvKind::Custom, url.as_str()),
        };
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
        }
    }

    pub fn environment(&self) -> Environment {
        match self.env {
            EnvKind::Production => Environment::Production,
            EnvKind::Eu => Environment::Eu,
            EnvKind::Staging => Environment::Staging,
            EnvKind::Custom => Environment::Custom(self.custom_url.value().trim().to_string()),
        }
    }

    pub fn base_url(&self) -> String {
        self.environment().base_url()
    }

    /// The fields on screen, in order: the base URL only for a custom one.
    pub fn fields(&self) -> Vec<ConnField> {
        let mut f = vec![ConnField::Environment];
        if self.env == EnvKind::Custom {
            f.push(ConnField::CustomUrl);
        }
        f.extend([ConnField::UserSecret, ConnField::OrgSecret]);
        if !self.sandbox {
            f.push(ConnField::Remember);
        }
        f
    }

    pub fn input(&self, field: ConnField) -> Option<&TextField> {
        match field {
            ConnField::CustomUrl => Some(&self.custom_url),
            ConnField::UserSecret => Some(&self.user),
            ConnField::OrgSecret => Some(&self.org),
            _ => None,
        }
    }

    pub fn input_mut(&mut self, field: ConnField) -> Option<&mut TextField> {
        match field {
            ConnField::CustomUrl => Some(&mut self.custom_url),
            ConnField::UserSecret => Some(&mut self.user),
            ConnField::OrgSecret => Some(&mut self.org),
            _ => None,
        }
    }

    pub fn check_field(&self, field: ConnField) -> Option<String> {
        match field {
            ConnField::CustomUrl if self.env == EnvKind::Custom => {
                let v = self.custom_url.value().trim();
                if v.is_empty() {
                    Some("Base URL is required for a custom environment, e.g. https://ce.example.com/elements/api-v2".into())
                } else if !is_http_url(v) {
                    Some("Base URL must be an https:// or http:// URL, e.g. https://ce.example.com/elements/api-v2".into())
                } else {
                    None
                }
            }
            ConnField::UserSecret if self.user.value().trim().is_empty() => {
                Some("User secret is required: copy it from your profile in the Cloud Elements console".into())
            }
            ConnField::OrgSecret if self.org.value().trim().is_empty() => {
                Some("Organization secret is required: copy it from your profile in the Cloud Elements console".into())
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
    pub fn is_complete(&self) -> bool {
        self.check_all().is_empty()
    }
}
