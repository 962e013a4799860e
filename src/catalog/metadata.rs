//! Forms for elements without a bundled spec, built from the platform's
//! configuration metadata (`GET /elements/{key}/configuration`).
//!
//! The rules, in the order they apply to each entry:
//! - `internal` entries (and entries marked `active: false`) are never asked:
//!   the platform sets them itself.
//! - `hideFromConsole` entries are left out too, unless they are required and
//!   have no default, in which case nobody else can fill them in.
//! - Keys of the settings common to every element (`common_fields()`) are
//!   left to the curated common fields, unless required without a default.
//! - OAuth elements always ask for the app's key and secret and derive the
//!   callback URL from the run, whatever the metadata says about them: the
//!   wizard cannot run the flow without them.
//! - Types: `TEXTFIELD_N` is text of at most N characters, `TEXTAREA` several
//!   lines, `PASSWORD` a secret, `BOOLEAN` true/false, `SELECTION` a choice
//!   (plain text when no options come with it), anything else text. A text
//!   key containing `url` must be an http(s) URL; one naming a secret,
//!   password or token is masked.
//! - Fields are ordered by `displayOrder`; entries without one keep their
//!   place after the ordered ones.
//! - An `authentication.type` entry (an element with several sign-in kinds)
//!   becomes a choice of kinds, whatever its type or visibility: the choice
//!   decides the flow. The OAuth app fields then apply only to the OAuth
//!   kind chosen ([`super::signin`]).

use super::entry::{label_and_help, selection_options};
use super::{common_fields, CatalogEntry, ElementSpec, FieldKind, FieldSpec, AUTH_TYPE_KEY};
use crate::api::ConfigEntry;
use serde_json::Value;
use std::collections::HashSet;

pub const API_KEY: &str = "oauth.api.key";
pub const API_SECRET: &str = "oauth.api.secret";
pub const CALLBACK_URL: &str = "oauth.callback.url";

/// Builds the element's spec from its configuration metadata. The result
/// always passes [`super::check_spec`].
pub fn spec_from_metadata(info: &CatalogEntry, entries: &[ConfigEntry]) -> ElementSpec {
    let mut ordered: Vec<(usize, &ConfigEntry)> = entries.iter().enumerate().collect();
    // Stable: ties and entries without an order keep the platform's order.
    ordered.sort_by_key(|(i, e)| (e.display_order.is_none(), e.display_order, *i));

    let kind_field = entries
        .iter()
        .find(|e| e.key.trim() == AUTH_TYPE_KEY)
        .map(|e| super::signin::auth_type_field(info, e));
    // The OAuth kind the app fields serve, and the condition that shows them.
    let (oauth, oauth_when) = match &kind_field {
        Some(f) => super::signin::oauth_condition(f),
        None => (info.auth.is_oauth(), None),
    };
    let mut seen = HashSet::new();
    let mut fields = Vec::new();
    let mut unasked = Vec::new();
    for (_, entry) in ordered {
        let key = entry.key.trim();
        if key.is_empty() || !seen.insert(key.to_string()) {
            continue;
        }
        if key == AUTH_TYPE_KEY {
            fields.extend(kind_field.clone());
        } else if oauth && is_oauth_app_key(key) {
            fields.push(oauth_field(key, Some(entry)));
        } else if !asks_a_person(entry) {
            if !is_common_key(key) || leaves_to_platform(entry) {
                unasked.push(key.to_string());
            }
        } else {
            fields.push(field_from_entry(key, entry));
        }
    }
    if oauth {
        // Missing from the metadata, still needed by the flow: asked first.
        let missing: Vec<FieldSpec> = [API_KEY, API_SECRET, CALLBACK_URL]
            .into_iter()
            .filter(|k| !fields.iter().any(|f| f.key == *k))
            .map(|k| oauth_field(k, None))
            .collect();
        fields.splice(0..0, missing);
        for f in fields.iter_mut().filter(|f| is_oauth_app_key(&f.key)) {
            f.when.clone_from(&oauth_when);
        }
        // The choice comes before the fields it shows or hides.
        if let Some(at) = fields.iter().position(|f| f.key == AUTH_TYPE_KEY) {
            let choice = fields.remove(at);
            fields.insert(0, choice);
        }
    }
    let cut = bound_fields(&mut fields);
    let mut description = info.description.clone();
    if let Some(note) = cut {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(FORM_CUT_NOTE);
        description.push(' ');
        description.push_str(&note);
    }
    ElementSpec {
        key: info.key.clone(),
        name: if info.name.trim().is_empty() {
            info.key.clone()
        } else {
            info.name.trim().to_string()
        },
        hub: info.hub.clone(),
        // With a choice of kinds, its default is the element's own.
        auth: kind_field
            .as_ref()
            .and_then(|f| f.default.as_deref())
            .and_then(super::AuthKind::known)
            .unwrap_or(info.auth),
        description,
        docs_url: None,
        beta: info.beta,
        fields,
        check_read: None,
        bundled: false,
        unasked,
        notes: vec![],
        oauth_params: Default::default(),
    }
}

/// The most fields a form built from metadata holds; a real element has a
/// few dozen, and every keypress walks them all.
pub const MAX_FIELDS: usize = 500;
/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = super::MAX_NAME_CHARS;
/// The longest help text or default value, in bytes.
pub const MAX_HELP_BYTES: usize = super::MAX_DESCRIPTION_BYTES;
/// The most choices of one field.
pub const MAX_CHOICES: usize = 500;
/// Starts the sentence appended to a spec's description when its form was
/// cut ([`ElementSpec::cut_note`](super::ElementSpec::cut_note)).
pub const FORM_CUT_NOTE: &str = "Note from ce-wizard:";

/// Cuts a form of absurd size down to [`MAX_FIELDS`] fields and each text
/// to its bound; says what was cut, for the person to see.
fn bound_fields(fields: &mut Vec<FieldSpec>) -> Option<String> {
    use crate::sanitize::{truncate_bytes, truncate_chars};
    let mut said = Vec::new();
    if fields.len() > MAX_FIELDS {
        said.push(format!(
            "the platform describes {} settings; only the first {MAX_FIELDS} are shown",
            fields.len()
        ));
        fields.truncate(MAX_FIELDS);
    }
    let mut texts_cut = false;
    for f in fields.iter_mut() {
        texts_cut |= truncate_chars(&mut f.label, MAX_LABEL_CHARS);
        texts_cut |= truncate_bytes(&mut f.help, MAX_HELP_BYTES);
        if let Some(d) = &mut f.default {
            texts_cut |= truncate_bytes(d, MAX_HELP_BYTES);
        }
        if f.choices.len() > MAX_CHOICES {
            f.choices.truncate(MAX_CHOICES);
            texts_cut = true;
        }
        for c in &mut f.choices {
            texts_cut |= truncate_chars(c, MAX_LABEL_CHARS);
        }
    }
    if texts_cut {
        said.push(format!(
            "labels longer than {MAX_LABEL_CHARS} characters and descriptions longer than {} KiB were cut",
            MAX_HELP_BYTES / 1024
        ));
    }
    (!said.is_empty()).then(|| format!("{}.", said.join("; ")))
}

/// A bundled spec completed by the metadata: the bundled fields as they are
/// (labels, help, validation and derived values are curated), then whatever
/// the metadata asks for that the bundled spec does not know.
pub fn merge_with_bundled(bundled: &ElementSpec, from_metadata: &ElementSpec) -> ElementSpec {
    let mut spec = bundled.clone();
    for f in &from_metadata.fields {
        if spec.field(&f.key).is_none() {
            spec.fields.push(f.clone());
        }
    }
    for k in &from_metadata.unasked {
        if spec.field(k).is_none() && !spec.unasked.contains(k) {
            spec.unasked.push(k.clone());
        }
    }
    spec
}

fn is_oauth_app_key(key: &str) -> bool {
    matches!(key, API_KEY | API_SECRET | CALLBACK_URL)
}

fn is_common_key(key: &str) -> bool {
    common_fields().iter().any(|f| f.key == key)
}

fn default_of(entry: &ConfigEntry) -> Option<&str> {
    entry.default_value.as_deref().filter(|d| !d.is_empty())
}

/// Internal, switched off, or hidden with nothing missing: the platform
/// looks after it.
fn leaves_to_platform(entry: &ConfigEntry) -> bool {
    let inactive = entry.extra.get("active").and_then(Value::as_bool) == Some(false);
    let nobody_else_can = entry.required && default_of(entry).is_none();
    entry.internal || inactive || (entry.hide_from_console && !nobody_else_can)
}

/// Whether a person is asked for this entry at all. A common key that is
/// not left to the platform is asked through the curated common field
/// instead, unless it is required without a default.
fn asks_a_person(entry: &ConfigEntry) -> bool {
    if leaves_to_platform(entry) {
        return false;
    }
    let nobody_else_can = entry.required && default_of(entry).is_none();
    !is_common_key(entry.key.trim()) || nobody_else_can
}

/// The app credentials and callback of an OAuth element. Their metadata
/// defaults are dropped: the platform's examples carry placeholders such as
/// `TWITTER_API_KEY` there, and the callback must be the wizard's listener.
fn oauth_field(key: &str, entry: Option<&ConfigEntry>) -> FieldSpec {
    let (label, help) = label_and_help(key, entry);
    let (default_label, kind, max_length, derive) = match key {
        API_KEY => ("OAuth app key", FieldKind::Text, max_from(entry), None),
        API_SECRET => ("OAuth app secret", FieldKind::Secret, max_from(entry), None),
        _ => (
            "Callback URL",
            FieldKind::Url,
            Some(1000),
            Some("{callback_url}".to_string()),
        ),
    };
    let label = if label == key {
        default_label.to_string()
    } else {
        label
    };
    let help = if key == CALLBACK_URL {
        "The redirect URI registered with your app. The wizard listens on this loopback address to catch the redirect; register it as is.".to_string()
    } else {
        help
    };
    FieldSpec {
        help,
        required: true,
        max_length,
        derive,
        ..FieldSpec::new(key, &label, kind)
    }
}

fn max_from(entry: Option<&ConfigEntry>) -> Option<usize> {
    entry.and_then(|e| e.kind.as_deref()).and_then(text_limit)
}

/// `TEXTFIELD_128` → 128.
fn text_limit(kind: &str) -> Option<usize> {
    kind.trim()
        .to_ascii_uppercase()
        .strip_prefix("TEXTFIELD_")
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
}

fn field_from_entry(key: &str, entry: &ConfigEntry) -> FieldSpec {
    let (label, help) = label_and_help(key, Some(entry));
    let kind_name = entry
        .kind
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let mut field = FieldSpec {
        help,
        required: entry.required,
        default: default_of(entry).map(str::to_string),
        ..FieldSpec::new(key, &label, FieldKind::Text)
    };
    field.kind = match kind_name.as_str() {
        "TEXTAREA" => FieldKind::Textarea,
        "PASSWORD" => FieldKind::Secret,
        "BOOLEAN" => FieldKind::Boolean,
        "SELECTION" => {
            field.choices = selection_options(entry);
            if field.choices.is_empty() {
                FieldKind::Text
            } else {
                FieldKind::Choice
            }
        }
        _ => {
            field.max_length = text_limit(&kind_name);
            FieldKind::Text
        }
    };
    refine_kind(&mut field);
    field
}

/// What the platform's type leaves open, per kind: plain text named like
/// an address or a secret is one, a checkbox's default is `true` or
/// `false` (the platform writes "True" at times; anything else is no
/// default), and a choice's default is among its choices.
fn refine_kind(field: &mut FieldSpec) {
    match field.kind {
        FieldKind::Text => {
            let lower = field.key.to_ascii_lowercase();
            if lower.contains("url") {
                field.kind = FieldKind::Url;
            } else if ["secret", "password", "token"]
                .iter()
                .any(|n| lower.contains(n))
            {
                field.kind = FieldKind::Secret;
            }
        }
        FieldKind::Boolean => {
            field.default = field
                .default
                .take()
                .map(|d| d.trim().to_ascii_lowercase())
                .filter(|d| d == "true" || d == "false");
        }
        FieldKind::Choice => {
            if let Some(d) = &field.default {
                if !field.choices.contains(d) {
                    field.choices.push(d.clone());
                }
            }
        }
        FieldKind::Textarea | FieldKind::Url | FieldKind::Secret | FieldKind::Integer => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{bundled_spec, check_spec, form_fields, AuthKind};
    use serde_json::json;

    fn info(auth: AuthKind) -> CatalogEntry {
        CatalogEntry {
            key: "acmedesk".into(),
            name: "Acme Desk".into(),
            hub: "helpdesk".into(),
            description: "Tickets".into(),
            auth,
            beta: false,
            bundled: false,
        }
    }

    fn entries(v: Value) -> Vec<ConfigEntry> {
        serde_json::from_value(v).unwrap()
    }

    fn entry(key: &str, kind: &str) -> Value {
        json!({"key": key, "name": format!("{key} label"), "type": kind, "required": false})
    }

    #[test]
    fn each_type_maps_to_its_kind() {
        let e = entries(json!([
            entry("a32", "TEXTFIELD_32"),
            entry("a64", "TEXTFIELD_64"),
            entry("a128", "TEXTFIELD_128"),
            entry("a1000", "TEXTFIELD_1000"),
            entry("notes", "TEXTAREA"),
            entry("pw", "PASSWORD"),
            entry("flag", "BOOLEAN"),
            {"key": "region", "name": "Region", "type": "SELECTION", "options": ["us", "eu"]},
            entry("odd", "DATETIME"),
            entry("site.url", "TEXTFIELD_1000"),
            entry("siteUrl", "DATETIME"),
            entry("api.token", "TEXTFIELD_64"),
            entry("bare", "SELECTION"),
            {"key": "untyped"},
        ]));
        let spec = spec_from_metadata(&info(AuthKind::Custom), &e);
        check_spec(&spec).unwrap();
        let kinds: Vec<(&str, FieldKind, Option<usize>)> = spec
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.kind, f.max_length))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a32", FieldKind::Text, Some(32)),
                ("a64", FieldKind::Text, Some(64)),
                ("a128", FieldKind::Text, Some(128)),
                ("a1000", FieldKind::Text, Some(1000)),
                ("notes", FieldKind::Textarea, None),
                ("pw", FieldKind::Secret, None),
                ("flag", FieldKind::Boolean, None),
                ("region", FieldKind::Choice, None),
                ("odd", FieldKind::Text, None),
                ("site.url", FieldKind::Url, Some(1000)),
                ("siteUrl", FieldKind::Url, None),
                ("api.token", FieldKind::Secret, Some(64)),
                ("bare", FieldKind::Text, None),
                ("untyped", FieldKind::Text, None),
            ]
        );
        assert_eq!(spec.field("region").unwrap().choices, ["us", "eu"]);
        assert!(!spec.bundled);
    }

    #[test]
    fn internal_and_hidden_entries_are_left_out_unless_nobody_else_can_fill_them() {
        let e = entries(json!([
            {"key": "internal.req", "type": "TEXTFIELD_32", "required": true, "internal": true},
            {"key": "hidden.opt", "type": "TEXTFIELD_32", "hideFromConsole": true},
            {"key": "hidden.defaulted", "type": "TEXTFIELD_32", "required": true, "hideFromConsole": true, "defaultValue": "x"},
            {"key": "hidden.needed", "type": "TEXTFIELD_32", "required": true, "hideFromConsole": true},
            {"key": "hidden.blank.default", "type": "TEXTFIELD_32", "required": true, "hideFromConsole": true, "defaultValue": ""},
            {"key": "switched.off", "type": "TEXTFIELD_32", "active": false},
            {"key": "shown", "type": "TEXTFIELD_32"},
        ]));
        let spec = spec_from_metadata(&info(AuthKind::Custom), &e);
        let keys: Vec<&str> = spec.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["hidden.needed", "hidden.blank.default", "shown"]);
        assert!(spec.field("hidden.needed").unwrap().required);
    }

    #[test]
    fn order_follows_display_order_then_the_platform_order() {
        let e = entries(json!([
            {"key": "c", "displayOrder": 3},
            {"key": "none1"},
            {"key": "a", "displayOrder": 1},
            {"key": "b", "displayOrder": 2},
            {"key": "none2"},
            {"key": "a", "displayOrder": 9},
        ]));
        let spec = spec_from_metadata(&info(AuthKind::Custom), &e);
        let keys: Vec<&str> = spec.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "none1", "none2"]);
    }

    #[test]
    fn defaults_are_prefilled_and_cleaned() {
        let e = entries(json!([
            {"key": "flag", "type": "BOOLEAN", "defaultValue": "True"},
            {"key": "bad.flag", "type": "BOOLEAN", "defaultValue": "yes"},
            {"key": "mode", "type": "SELECTION", "options": ["a", "b"], "defaultValue": "c"},
            {"key": "page", "type": "TEXTFIELD_32", "defaultValue": "100", "required": true},
        ]));
        let spec = spec_from_metadata(&info(AuthKind::Custom), &e);
        check_spec(&spec).unwrap();
        assert_eq!(spec.field("flag").unwrap().default.as_deref(), Some("true"));
        assert_eq!(spec.field("bad.flag").unwrap().default, None);
        assert_eq!(spec.field("mode").unwrap().choices, ["a", "b", "c"]);
        let page = spec.field("page").unwrap();
        assert_eq!(
            (page.default.as_deref(), page.required),
            (Some("100"), true)
        );
        assert!(spec.needs().is_empty(), "a default satisfies a requirement");
    }

    #[test]
    fn selection_options_in_every_accepted_shape() {
        let shapes = [
            json!(["us", "eu", 3]),
            json!([{"value": "us", "label": "United States"}, {"value": "eu"}, {"value": 3}]),
            json!([{"name": "us"}, {"key": "eu"}, {"id": 3}]),
            json!({"us": "United States", "eu": "Europe", "3": "Three"}),
            json!("us, eu ,3"),
            json!("us|eu|3"),
            json!("[\"us\",\"eu\",\"3\"]"),
        ];
        for (i, shape) in shapes.into_iter().enumerate() {
            for field in ["options", "selectionOptions", "values", "choices"] {
                let e: ConfigEntry = serde_json::from_value(
                    json!({"key": "r", "type": "SELECTION", field: shape.clone()}),
                )
                .unwrap();
                assert_eq!(
                    selection_options(&e),
                    ["us", "eu", "3"],
                    "shape {i} in {field}"
                );
            }
        }
        let e: ConfigEntry =
            serde_json::from_value(json!({"key": "r", "options": [null, {}, "", "a", "a"]}))
                .unwrap();
        assert_eq!(selection_options(&e), ["a"]);
    }

    #[test]
    fn common_keys_are_not_asked_twice() {
        let e = entries(json!([
            {"key": "event.notification.enabled", "type": "BOOLEAN", "defaultValue": "false"},
            {"key": "filter.response.nulls", "type": "BOOLEAN"},
            {"key": "event.poller.refresh_interval", "type": "TEXTFIELD_32", "required": true},
            {"key": "own", "type": "TEXTFIELD_32"},
        ]));
        let spec = spec_from_metadata(&info(AuthKind::Custom), &e);
        let own: Vec<&str> = spec.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(own, ["event.poller.refresh_interval", "own"]);
        let form = form_fields(&spec);
        let mut keys: Vec<&str> = form.iter().map(|f| f.key.as_str()).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "no key twice in the form");
        assert!(form
            .iter()
            .any(|f| f.key == "event.notification.enabled" && f.advanced));

        // A common key the platform sets itself is not offered either.
        let e = entries(json!([
            {"key": "event.vendor.type", "type": "TEXTFIELD_32", "internal": true},
            {"key": "filter.response.nulls", "type": "BOOLEAN", "hideFromConsole": true},
            {"key": "own.internal", "type": "TEXTFIELD_32", "internal": true},
        ]));
        let spec = spec_from_metadata(&info(AuthKind::Custom), &e);
        assert_eq!(
            spec.unasked,
            ["event.vendor.type", "filter.response.nulls", "own.internal"]
        );
        let form: Vec<String> = form_fields(&spec).into_iter().map(|f| f.key).collect();
        assert_eq!(
            form,
            [
                "event.notification.enabled",
                "event.notification.callback.url",
                "event.poller.refresh_interval"
            ]
        );
    }

    #[test]
    fn oauth_elements_always_ask_for_the_app_and_derive_the_callback() {
        // Shaped like the platform's Twitter example: every OAuth entry hidden
        // and defaulted to a placeholder.
        let e = entries(json!([
            {"key": "base.url", "type": "TEXTFIELD_1000", "hideFromConsole": true, "defaultValue": "https://api.example.com/1.1"},
            {"key": "oauth.user.token.secret", "type": "TEXTFIELD_128", "internal": true, "required": true, "hideFromConsole": true},
            {"key": "oauth.callback.url", "name": "OAuth Callback URL", "type": "TEXTFIELD_1000", "hideFromConsole": true, "required": true, "defaultValue": "https://example.com/home"},
            {"key": "oauth.api.secret", "name": "OAuth API Secret", "type": "TEXTFIELD_128", "hideFromConsole": true, "required": true, "defaultValue": "API_SECRET"},
        ]));
        for auth in [AuthKind::Oauth1, AuthKind::Oauth2] {
            let spec = spec_from_metadata(&info(auth), &e);
            check_spec(&spec).unwrap();
            let keys: Vec<&str> = spec.fields.iter().map(|f| f.key.as_str()).collect();
            assert_eq!(keys, [API_KEY, CALLBACK_URL, API_SECRET]);
            let secret = spec.field(API_SECRET).unwrap();
            assert_eq!(
                (secret.kind, secret.required, secret.default.as_deref()),
                (FieldKind::Secret, true, None)
            );
            assert_eq!(secret.label, "OAuth API Secret");
            let cb = spec.field(CALLBACK_URL).unwrap();
            assert_eq!(cb.derive.as_deref(), Some("{callback_url}"));
            assert_eq!((cb.kind, cb.default.as_deref()), (FieldKind::Url, None));
            assert_eq!(spec.field(API_KEY).unwrap().label, "OAuth app key");
            assert_eq!(spec.needs(), ["OAuth app key", "OAuth API Secret"]);
        }
        // A basic element's entries of the same keys follow the plain rules.
        let spec = spec_from_metadata(&info(AuthKind::Basic), &e);
        assert!(spec.fields.is_empty());
    }

    #[test]
    fn the_bundled_spec_wins_and_the_metadata_completes_it() {
        let bundled = bundled_spec("bigcommerce").unwrap();
        let e = entries(json!([
            {"key": "store.url", "name": "Platform label", "type": "TEXTFIELD_32", "required": true},
            {"key": "extra.thing", "name": "Extra", "type": "TEXTFIELD_32", "required": true},
        ]));
        let live = spec_from_metadata(
            &CatalogEntry {
                key: "bigcommerce".into(),
                name: "BigCommerce".into(),
                hub: "ecommerce".into(),
                description: String::new(),
                auth: AuthKind::Basic,
                beta: false,
                bundled: false,
            },
            &e,
        );
        let merged = merge_with_bundled(bundled, &live);
        assert_eq!(merged.field("store.url"), bundled.field("store.url"));
        assert_eq!(merged.field("extra.thing").unwrap().label, "Extra");
        assert_eq!(merged.fields.len(), bundled.fields.len() + 1);
        assert!(merged.bundled);
    }

    #[test]
    fn absurd_forms_are_cut_with_a_note() {
        let many: Vec<Value> = (0..100_000)
            .map(|i| json!({"key": format!("k{i}"), "name": "L".repeat(if i == 0 { 100_000 } else { 3 }),
                "description": "d".repeat(if i == 1 { 1_000_000 } else { 3 }), "type": "TEXTFIELD_32"}))
            .collect();
        let spec = spec_from_metadata(&info(AuthKind::Basic), &entries(Value::Array(many)));
        assert_eq!(spec.fields.len(), MAX_FIELDS);
        assert!(spec
            .fields
            .iter()
            .all(|f| f.label.chars().count() <= MAX_LABEL_CHARS));
        assert!(spec.fields.iter().all(|f| f.help.len() <= MAX_HELP_BYTES));
        let note = spec.cut_note().unwrap();
        assert!(
            note.contains("100000 settings") && note.contains("cut"),
            "{note}"
        );
        assert!(crate::catalog::check_spec(&spec).is_ok());

        let small = spec_from_metadata(
            &info(AuthKind::Basic),
            &entries(json!([entry("a", "TEXTFIELD_32")])),
        );
        assert_eq!(small.cut_note(), None);
        assert_eq!(small.description, "Tickets");
    }

    #[test]
    fn labels_fall_back_to_the_key_and_names_to_the_element_key() {
        let e = entries(json!([{"key": "  spaced.key  ", "name": "  "}]));
        let mut i = info(AuthKind::Custom);
        i.name = " ".into();
        let spec = spec_from_metadata(&i, &e);
        assert_eq!(spec.name, "acmedesk");
        assert_eq!(spec.fields[0].key, "spaced.key");
        assert_eq!(spec.fields[0].label, "spaced.key");
    }
}
