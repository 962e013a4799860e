//! The declarative description of an element: what it is, how it
//! authenticates, and which configuration a person must give.

use super::kind::FieldKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    Basic,
    Custom,
    Oauth2,
    Oauth1,
}

impl AuthKind {
    pub fn is_oauth(self) -> bool {
        matches!(self, AuthKind::Oauth2 | AuthKind::Oauth1)
    }

    /// How it signs in, in the words of someone who has never heard
    /// "basic" or "custom" used of authentication.
    pub fn label(self) -> &'static str {
        match self {
            AuthKind::Basic => "a username and a password or key",
            AuthKind::Custom => "keys or a password",
            AuthKind::Oauth2 | AuthKind::Oauth1 => "you allow access in your browser",
        }
    }

    /// The platform's name for it, as in `authentication.type`.
    pub fn platform_name(self) -> &'static str {
        match self {
            AuthKind::Basic => "basic",
            AuthKind::Custom => "custom",
            AuthKind::Oauth2 => "oauth2",
            AuthKind::Oauth1 => "oauth1",
        }
    }

    /// The kind a platform name means, when it is one of the four the
    /// wizard runs (`apiKey`, `oauth` and unknown names are not).
    pub fn known(name: &str) -> Option<AuthKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "oauth2" => Some(AuthKind::Oauth2),
            "oauth1" => Some(AuthKind::Oauth1),
            "basic" => Some(AuthKind::Basic),
            "custom" => Some(AuthKind::Custom),
            _ => None,
        }
    }

    pub fn from_platform(name: &str) -> AuthKind {
        match name.to_ascii_lowercase().as_str() {
            "oauth2" => AuthKind::Oauth2,
            "oauth1" => AuthKind::Oauth1,
            "basic" => AuthKind::Basic,
            _ => AuthKind::Custom,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The configuration key sent in `POST /instances`.
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub help: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub choices: Vec<String>,
    /// A template filled from other fields (`{store.url}/wc-api/v2`) or from
    /// the run's context (`{callback_url}`); the person may still edit it.
    #[serde(default)]
    pub derive: Option<String>,
    /// Regular-expression-free shape check for text: `^[0-9]+$` is the only
    /// form the bundled specs need, so only digit-only patterns are honoured.
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub pattern_hint: Option<String>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// Only relevant (shown, validated and sent) when this condition holds:
    /// `other.key` (that boolean is true) or `other.key=value`.
    #[serde(default)]
    pub when: Option<String>,
    /// Part of the folded "Advanced" group; sent only when changed.
    #[serde(default)]
    pub advanced: bool,
    /// The documented shape of a well-formed value: what it starts with
    /// (WooCommerce's `ck_`) and ends with (BigCommerce's `/api/v2/`). A
    /// value of another shape gets a warning, never an error: the docs
    /// describe the usual case, and the platform is the judge.
    #[serde(default)]
    pub usual_prefix: Option<String>,
    #[serde(default)]
    pub usual_suffix: Option<String>,
}

impl FieldSpec {
    /// An optional field of this kind with nothing else set; the other
    /// parts are filled in with struct update syntax.
    pub fn new(key: &str, label: &str, kind: FieldKind) -> FieldSpec {
        FieldSpec {
            key: key.to_string(),
            label: label.to_string(),
            help: String::new(),
            kind,
            required: false,
            default: None,
            example: None,
            max_length: None,
            choices: vec![],
            derive: None,
            pattern: None,
            pattern_hint: None,
            min: None,
            max: None,
            when: None,
            advanced: false,
            usual_prefix: None,
            usual_suffix: None,
        }
    }

    /// Whether its value is hidden: see [`FieldKind::is_hidden`].
    pub fn is_secret(&self) -> bool {
        self.kind.is_hidden()
    }

    /// The condition of `when`, split into the key and the value it must have.
    pub fn condition(&self) -> Option<(&str, &str)> {
        let when = self.when.as_deref()?;
        Some(match when.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (when.trim(), "true"),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElementSpec {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub hub: String,
    pub auth: AuthKind,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub docs_url: Option<String>,
    #[serde(default)]
    pub beta: bool,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// The one-row read that shows an instance works when its element
    /// answers no ping (`GET /hubs/{hub}/ping` is tried first): a `GET`
    /// through it, path and query under the base URL
    /// (`/hubs/ecommerce/orders?pageSize=1`). None: the hub's default, if
    /// it has one.
    #[serde(default)]
    pub check_read: Option<String>,
    /// True for specs that ship with the binary; false for ones built from
    /// the live catalog's metadata.
    #[serde(skip, default)]
    pub bundled: bool,
    /// Keys the platform sets itself for this element (internal or hidden in
    /// its metadata): never asked, not even among the common settings.
    #[serde(skip, default)]
    pub unasked: Vec<String>,
    /// Said on the Configure screen: where the form follows the platform
    /// rather than the bundled spec (their sign-in kinds disagree).
    #[serde(skip, default)]
    pub notes: Vec<String>,
    /// The element's own parameters of the platform's OAuth calls
    /// (`GET /elements/{key}/oauth/url`, OAuth 1's `/oauth/token`): query
    /// parameter name to the setting whose value it carries, e.g.
    /// `siteAddress = "shopify.site.address"`.
    #[serde(default)]
    pub oauth_params: std::collections::BTreeMap<String, String>,
}

/// The configuration entry by which an element that offers several sign-in
/// kinds is told which one an instance uses (devportal
/// `docs/elements/ecwid/ecwid-create-instance.md`,
/// `docs/elements/quickbooksonline/authenticate.md`).
pub const AUTH_TYPE_KEY: &str = "authentication.type";

impl ElementSpec {
    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// What ce-wizard cut from a form built from metadata of absurd size
    /// (too many fields, too long labels or descriptions), for the screen
    /// to show; it also ends the description.
    pub fn cut_note(&self) -> Option<&str> {
        let marker = super::metadata::FORM_CUT_NOTE;
        let at = self.description.rfind(marker)?;
        Some(self.description[at + marker.len()..].trim())
    }

    /// The sign-in kinds the element offers: the choices of its
    /// `authentication.type` field when it has one, else its one kind.
    pub fn kinds(&self) -> Vec<AuthKind> {
        let mut kinds: Vec<AuthKind> = self
            .field(AUTH_TYPE_KEY)
            .map(|f| {
                f.choices
                    .iter()
                    .filter_map(|c| AuthKind::known(c))
                    .collect()
            })
            .unwrap_or_default();
        if kinds.is_empty() {
            kinds.push(self.auth);
        }
        kinds.dedup();
        kinds
    }

    /// The kind an instance signs in with, given the value of its
    /// `authentication.type` setting (`chosen`, empty or absent for the
    /// field's default). This decides whether the Authorize step runs and
    /// what the create carries; `auth` is the element's default kind.
    pub fn auth_for(&self, chosen: Option<&str>) -> AuthKind {
        let Some(field) = self.field(AUTH_TYPE_KEY) else {
            return self.auth;
        };
        let value = chosen
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .or(field.default.as_deref());
        value
            .and_then(AuthKind::known)
            .filter(|k| self.kinds().contains(k))
            .unwrap_or(self.auth)
    }

    /// Whether any of its kinds signs in through the browser.
    pub fn offers_oauth(&self) -> bool {
        self.kinds().into_iter().any(AuthKind::is_oauth)
    }

    /// Labels of what a person must have ready before starting: for an
    /// element with several sign-in kinds, what its default kind needs.
    pub fn needs(&self) -> Vec<&str> {
        let default_kind = self.auth_for(None).platform_name();
        self.fields
            .iter()
            .filter(|f| match f.condition() {
                Some((AUTH_TYPE_KEY, kind)) => kind.eq_ignore_ascii_case(default_kind),
                _ => true,
            })
            .filter(|f| f.required && f.derive.is_none() && f.default.is_none())
            .map(|f| f.label.as_str())
            .collect()
    }
}
