//! The bodies the wizard sends and receives.

use super::verbatim::Verbatim;
use crate::secret::{Secret, REDACTED};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementRef {
    pub key: String,
}

/// The body of `POST /instances`: `element`, `configuration`, `tags` (left
/// out when empty), `name`, `providerData` (when some), and what a pasted
/// body carried beyond them ([`Verbatim`]), sent as it came.
#[derive(Clone)]
pub struct CreateInstance {
    /// The element's key, always known (a body naming the element by id has
    /// it looked up): the check after a lost answer compares it.
    pub element: ElementRef,
    pub configuration: BTreeMap<String, Secret>,
    pub tags: Vec<String>,
    pub name: String,
    pub provider_data: Option<BTreeMap<String, Secret>>,
    pub verbatim: Verbatim,
}

impl Serialize for CreateInstance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        match &self.verbatim.element {
            Some(given) => map.serialize_entry("element", given)?,
            None => map.serialize_entry("element", &self.element)?,
        }
        map.serialize_entry("configuration", &WireConfiguration(self))?;
        if !self.tags.is_empty() {
            map.serialize_entry("tags", &self.tags)?;
        }
        map.serialize_entry("name", &self.name)?;
        if let Some(pd) = &self.provider_data {
            map.serialize_entry("providerData", pd)?;
        }
        for (k, v) in self.verbatim.extra_fields() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The configuration on the wire: each value as the form holds it, or as
/// it was given when that was not a string.
struct WireConfiguration<'a>(&'a CreateInstance);

impl Serialize for WireConfiguration<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let body = self.0;
        let mut map = s.serialize_map(Some(body.configuration.len()))?;
        for (k, v) in &body.configuration {
            match body.verbatim.configuration.get(k) {
                Some(given) => map.serialize_entry(k, given)?,
                None => map.serialize_entry(k, v)?,
            }
        }
        map.end()
    }
}

impl fmt::Debug for CreateInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateInstance")
            .field("element", &self.element.key)
            .field(
                "configuration_keys",
                &self.configuration.keys().collect::<Vec<_>>(),
            )
            .field("tags", &self.tags)
            .field("name", &self.name)
            .field(
                "provider_data",
                &self
                    .provider_data
                    .as_ref()
                    .map(|p| p.keys().collect::<Vec<_>>()),
            )
            .field("verbatim", &self.verbatim)
            .finish()
    }
}

impl CreateInstance {
    /// The body as pretty JSON. Unless `reveal`, values of secret keys and
    /// all provider data (OAuth codes) are replaced by a placeholder.
    pub fn to_json(&self, reveal: bool, is_secret: &dyn Fn(&str) -> bool) -> String {
        let shown = |key: &str, v: &Secret, secret: bool| -> Value {
            if secret && !reveal {
                Value::String(REDACTED.into())
            } else {
                let _ = key;
                Value::String(v.expose().to_string())
            }
        };
        let configuration: Map<String, Value> = self
            .configuration
            .iter()
            .map(|(k, v)| {
                let value = match self.verbatim.configuration.get(k) {
                    Some(given) => super::verbatim::shown(given, is_secret(k) && !reveal),
                    None => shown(k, v, is_secret(k)),
                };
                (k.clone(), value)
            })
            .collect();
        let element = match &self.verbatim.element {
            Some(given) => Value::Object(given.clone()),
            None => json!({ "key": self.element.key }),
        };
        let mut body = json!({
            "element": element,
            "configuration": configuration,
        });
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        body["name"] = json!(self.name);
        if let Some(pd) = &self.provider_data {
            let pd: Map<String, Value> = pd
                .iter()
                .map(|(k, v)| (k.clone(), shown(k, v, true)))
                .collect();
            body["providerData"] = Value::Object(pd);
        }
        for (k, v) in self.verbatim.extra_fields() {
            body[k] = v.clone();
        }
        crate::sanitize::json_text(&body, true)
    }

    /// The `curl` command that does the same. The account secrets are read
    /// from environment variables so the command can be pasted as is.
    pub fn curl_command(
        &self,
        base_url: &str,
        reveal: bool,
        is_secret: &dyn Fn(&str) -> bool,
    ) -> String {
        let body = self.to_json(reveal, is_secret);
        format!(
            "curl -X POST \\\n  -H \"Authorization: User $CE_USER_SECRET, Organization $CE_ORG_SECRET\" \\\n  -H 'Content-Type: application/json' \\\n  -d {} \\\n  {}",
            shell_quote(&body),
            shell_quote(&format!("{}/instances", base_url.trim_end_matches('/')))
        )
    }
}

/// Single-quotes a string for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A created instance. `raw` keeps the whole answer, fields unknown to us
/// included, for printing and saving.
#[derive(Clone)]
pub struct Instance {
    pub id: i64,
    pub name: String,
    pub token: Secret,
    pub element_key: String,
    pub element_name: String,
    pub created_date: Option<String>,
    pub raw: Value,
}

impl fmt::Debug for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("element_key", &self.element_key)
            .finish_non_exhaustive()
    }
}

/// The raw answer holds the token and the stored configuration (passwords,
/// keys) as plain JSON strings; they are zeroed with the instance.
impl Drop for Instance {
    fn drop(&mut self) {
        use super::verbatim::wipe;
        if let Some(token) = self.raw.get_mut("token") {
            wipe(token);
        }
        if let Some(configuration) = self.raw.get_mut("configuration") {
            wipe(configuration);
        }
    }
}

impl Instance {
    pub fn from_value(raw: Value) -> Result<Instance, String> {
        let id = raw
            .get("id")
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .ok_or("the instance has no numeric id")?;
        // Cleaned here, where the platform's answer enters: these are
        // printed ("Created instance …") and shown in the wizard. `raw` is
        // printed only as JSON ([`Instance::to_pretty_json`]).
        let s = |v: Option<&Value>| {
            crate::sanitize::line(v.and_then(Value::as_str).unwrap_or_default())
        };
        let element = raw.get("element");
        Ok(Instance {
            id,
            name: s(raw.get("name")),
            token: Secret::new(
                raw.get("token")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            ),
            element_key: s(element.and_then(|e| e.get("key"))),
            element_name: s(element.and_then(|e| e.get("name"))),
            created_date: raw.get("createdDate").map(|v| match v {
                Value::String(s) => crate::sanitize::line(s),
                other => other.to_string(),
            }),
            raw,
        })
    }

    /// The whole answer as the platform gave it, token included: for the
    /// person's own stdout or a 0600 file, never a log. Every control and
    /// bidi character inside a string is written as a `\uXXXX` escape
    /// (serde_json escapes only C0 controls), so the text is safe on a
    /// terminal and means the same JSON.
    pub fn to_pretty_json(&self) -> String {
        crate::sanitize::json_text(&self.raw, true)
    }

    /// The token, when it can be printed or copied as it is: a token with
    /// control characters or spaces is refused, with a message.
    pub fn printable_token(&self) -> Result<&str, String> {
        let token = self.token.expose();
        if crate::sanitize::is_clean_token(token) {
            Ok(token)
        } else {
            Err(format!(
                "the platform's token for instance {} is empty or holds control characters or spaces, so it is not printed; read it from the platform",
                self.id
            ))
        }
    }
}

/// An entry of `GET /elements`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementSummary {
    #[serde(default)]
    pub id: Option<i64>,
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub hub: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub beta: bool,
    #[serde(default)]
    pub authentication: Option<Authentication>,
    #[serde(default)]
    pub type_oauth: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Authentication {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

impl ElementSummary {
    /// Its texts made safe to show.
    pub fn clean(&mut self) {
        use crate::sanitize;
        sanitize::clean_line(&mut self.name);
        sanitize::truncate_chars(&mut self.name, sanitize::MAX_NAME_CHARS);
        if let Some(d) = &mut self.description {
            sanitize::clean_text(d);
            sanitize::truncate_bytes(d, sanitize::MAX_DESCRIPTION_BYTES);
        }
        if let Some(h) = &mut self.hub {
            sanitize::clean_line(h);
        }
        if let Some(kind) = self.authentication.as_mut().and_then(|a| a.kind.as_mut()) {
            sanitize::clean_line(kind);
        }
        self.extra.values_mut().for_each(sanitize::clean_json);
    }

    pub fn auth_type(&self) -> &str {
        self.authentication
            .as_ref()
            .and_then(|a| a.kind.as_deref())
            .unwrap_or("custom")
    }
}

/// One entry of an element's configuration metadata.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigEntry {
    pub key: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default_value: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub hide_from_console: bool,
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub display_order: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConfigEntry {
    /// The entry made safe to show, or `None` when its key holds control
    /// characters or spaces (a key is sent back to the platform as it is,
    /// so it cannot be cleaned). Names and defaults keep one line,
    /// descriptions their line breaks; lengths are bounded when the form
    /// is built.
    pub fn cleaned(mut self) -> Option<ConfigEntry> {
        use crate::sanitize;
        if !sanitize::is_clean_token(&self.key) {
            return None;
        }
        for one_line in [&mut self.name, &mut self.default_value, &mut self.kind]
            .into_iter()
            .flatten()
        {
            sanitize::clean_line(one_line);
        }
        if let Some(d) = &mut self.description {
            sanitize::clean_text(d);
        }
        self.extra.values_mut().for_each(sanitize::clean_json);
        Some(self)
    }
}

/// The query of `GET /elements/{key}/oauth/url` (and of OAuth 1's
/// `/oauth/token`).
pub struct OAuthUrlRequest {
    pub api_key: String,
    pub api_secret: Secret,
    pub callback_url: String,
    pub state: Secret,
    /// The element's own parameters (`siteAddress`, `scope`, ...), already
    /// checked with [`crate::flow::oauth::check_param`].
    pub params: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> CreateInstance {
        CreateInstance {
            element: ElementRef {
                key: "bigcommerce".into(),
            },
            configuration: [
                ("store.url", "https://s.example.com"),
                ("password", "tok'en"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Secret::new(v)))
            .collect(),
            tags: vec!["docs".into()],
            name: "shop".into(),
            provider_data: Some([("code".to_string(), Secret::new("c0de"))].into()),
            verbatim: Verbatim::default(),
        }
    }

    #[test]
    fn wire_body_matches_the_documented_shape() {
        let v: Value = serde_json::to_value(body()).unwrap();
        assert_eq!(v["element"]["key"], "bigcommerce");
        assert_eq!(v["configuration"]["password"], "tok'en");
        assert_eq!(v["providerData"]["code"], "c0de");
        assert_eq!(v["tags"], json!(["docs"]));
    }

    /// A documented body goes out as it came: the element by id, an
    /// object and a boolean where the docs put them, its other top-level
    /// fields (devportal `docs/elements/gotowebinar/events.md`,
    /// `docs/elements/quickbooksonline/authenticate.md`).
    #[test]
    fn a_documented_body_goes_out_unreshaped() {
        let mut b = body();
        let poller =
            json!({"meetings": {"url": "/hubs/conferencing/meetings", "idField": "webinarKey"}});
        b.configuration.insert(
            "event.poller.configuration".into(),
            Secret::new(poller.to_string()),
        );
        b.configuration
            .insert("filter.response.nulls".into(), Secret::new("false"));
        b.verbatim.element = Some(json!({"id": 1234}).as_object().unwrap().clone());
        b.verbatim
            .configuration
            .insert("event.poller.configuration".into(), poller.clone());
        b.verbatim
            .configuration
            .insert("filter.response.nulls".into(), json!(false));
        // A value kept for a key the form no longer sends is not sent.
        b.verbatim.configuration.insert("gone".into(), json!(1));
        b.verbatim
            .fields
            .insert("externalAuthentication".into(), json!("initial"));
        b.verbatim
            .fields
            .insert("retrieveObjectsAfterInstantiation".into(), json!(true));
        b.verbatim.fields.insert("name".into(), json!("never"));
        let v: Value = serde_json::to_value(&b).unwrap();
        assert_eq!(v["element"], json!({"id": 1234}));
        assert_eq!(v["configuration"]["event.poller.configuration"], poller);
        assert_eq!(v["configuration"]["filter.response.nulls"], false);
        assert_eq!(v["configuration"]["password"], "tok'en");
        assert!(v["configuration"].get("gone").is_none());
        assert_eq!(v["externalAuthentication"], "initial");
        assert_eq!(v["retrieveObjectsAfterInstantiation"], true);
        assert_eq!(v["name"], "shop");
        // Shown the same way, secrets hidden.
        let shown: Value = serde_json::from_str(&b.to_json(false, &|k| k == "password")).unwrap();
        assert_eq!(shown["element"], json!({"id": 1234}));
        assert_eq!(shown["configuration"]["event.poller.configuration"], poller);
        assert_eq!(shown["externalAuthentication"], "initial");
        assert_eq!(shown["configuration"]["password"], REDACTED);
        let hidden: Value =
            serde_json::from_str(&b.to_json(false, &|k| k.starts_with("event.poller"))).unwrap();
        assert_eq!(
            hidden["configuration"]["event.poller.configuration"],
            REDACTED
        );
        assert!(!format!("{b:?}").contains("webinarKey"));
    }

    #[test]
    fn shown_body_redacts_secrets_unless_revealed() {
        let b = body();
        let hidden = b.to_json(false, &|k| k == "password");
        assert!(
            !hidden.contains("tok'en") && !hidden.contains("c0de"),
            "{hidden}"
        );
        assert!(hidden.contains("https://s.example.com"));
        assert!(b.to_json(true, &|k| k == "password").contains("tok'en"));
        assert!(!format!("{b:?}").contains("tok'en"));
    }

    #[test]
    fn curl_command_quotes_for_the_shell() {
        let c = body().curl_command("http://h/elements/api-v2/", true, &|_| false);
        assert!(c.contains(r"tok'\''en"), "{c}");
        assert!(c.ends_with("'http://h/elements/api-v2/instances'"));
        assert!(c.contains("$CE_USER_SECRET"));
    }

    #[test]
    fn instance_texts_are_cleaned_and_its_json_escaped() {
        let raw = json!({"id": 7, "name": "n\u{1b}]0;title\u{7}\u{9b}x\u{202e}",
            "token": "t\u{1b}[2J", "element": {"key": "e", "name": "E\u{2066}"},
            "createdDate": "2024\u{85}", "note": "\u{9d}52;c;x\u{9c}\u{202e}"});
        let i = Instance::from_value(raw).unwrap();
        assert_eq!(i.name, "n]0;titlex");
        assert_eq!(i.element_name, "E");
        assert_eq!(i.created_date.as_deref(), Some("2024 "));
        assert!(i.printable_token().unwrap_err().contains("instance 7"));
        let json = i.to_pretty_json();
        assert!(
            !crate::sanitize::has_unsafe(&json.replace('\n', "")),
            "{json:?}"
        );
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["note"], "\u{9d}52;c;x\u{9c}\u{202e}");
        let clean = Instance::from_value(json!({"id": 1, "token": "abc+/="})).unwrap();
        assert_eq!(clean.printable_token(), Ok("abc+/="));
    }

    #[test]
    fn instances_keep_unknown_fields() {
        let raw = json!({"id": 7, "name": "n", "token": "t", "element": {"key": "ecwid", "name": "Ecwid"}, "newField": 1});
        let i = Instance::from_value(raw).unwrap();
        assert_eq!(i.element_key, "ecwid");
        assert!(i.to_pretty_json().contains("newField"));
        assert!(!format!("{i:?}").contains("\"t\""));
        assert!(Instance::from_value(json!({"name": "x"})).is_err());
    }
}
