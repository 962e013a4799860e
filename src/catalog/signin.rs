//! Elements with several sign-in kinds, and a bundled form that disagrees
//! with the platform about how an element signs in.
//!
//! One element may offer several kinds, chosen by its `authentication.type`
//! configuration value (devportal `docs/elements/ecwid/ecwid-create-instance.md`:
//! Ecwid OAuth 2 or its legacy custom keys; `docs/elements/quickbooksonline/authenticate.md`:
//! QuickBooks OAuth 2 passes `authentication.type=oauth2`). The platform is
//! the judge of how an element signs in: where the live catalog names a
//! kind the bundled form does not offer, the form follows the platform and
//! says so ([`follow_platform`]).
//!
//! What the evidence does not settle: how the configuration metadata lists
//! the kinds an `authentication.type` entry takes. Options in any shape
//! [`super::entry::selection_options`] reads are used; without them the
//! four kinds the wizard runs are offered, and the platform judges.

use super::entry::{label_and_help, selection_options};
use super::{AuthKind, CatalogEntry, ElementSpec, FieldKind, FieldSpec, AUTH_TYPE_KEY};
use crate::api::ConfigEntry;

const ALL_KINDS: [AuthKind; 4] = [
    AuthKind::Oauth2,
    AuthKind::Oauth1,
    AuthKind::Basic,
    AuthKind::Custom,
];

/// The choice of sign-in kinds made from an `authentication.type` entry of
/// the metadata: its options, its default and the catalog's kind.
pub fn auth_type_field(info: &CatalogEntry, entry: &ConfigEntry) -> FieldSpec {
    let default = entry
        .default_value
        .as_deref()
        .and_then(AuthKind::known)
        .unwrap_or(info.auth);
    let mut kinds = vec![default];
    let listed: Vec<AuthKind> = selection_options(entry)
        .iter()
        .filter_map(|o| AuthKind::known(o))
        .collect();
    kinds.extend(listed.iter().copied());
    kinds.push(info.auth);
    let mut unlisted = false;
    if listed.is_empty() {
        kinds.extend(ALL_KINDS);
        unlisted = true;
    }
    let mut seen = Vec::new();
    kinds.retain(|k| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
    let (label, help) = label_and_help(AUTH_TYPE_KEY, Some(entry));
    let label = if label == AUTH_TYPE_KEY {
        "Sign-in kind".to_string()
    } else {
        label
    };
    let mut help = if help.is_empty() {
        "How this instance signs in: oauth2 or oauth1 open the provider's page in your browser; basic and custom take keys or a password.".to_string()
    } else {
        help
    };
    if unlisted {
        help.push_str(" (The platform did not list the kinds this element takes; it refuses one it does not.)");
    }
    FieldSpec {
        help,
        required: true,
        default: Some(default.platform_name().to_string()),
        choices: kinds
            .iter()
            .map(|k| k.platform_name().to_string())
            .collect(),
        ..FieldSpec::new(AUTH_TYPE_KEY, &label, FieldKind::Choice)
    }
}

/// Whether a choice of kinds includes OAuth, and the `when` condition that
/// shows the OAuth app fields: the one OAuth kind, or none (always shown)
/// when it offers both.
pub fn oauth_condition(choice: &FieldSpec) -> (bool, Option<String>) {
    let oauth: Vec<AuthKind> = choice
        .choices
        .iter()
        .filter_map(|c| AuthKind::known(c))
        .filter(|k| k.is_oauth())
        .collect();
    match oauth[..] {
        [] => (false, None),
        [one] => (
            true,
            Some(format!("{AUTH_TYPE_KEY}={}", one.platform_name())),
        ),
        _ => (true, None),
    }
}

/// Whether the platform names a kind the bundled form does not offer.
pub fn disagrees(bundled: &ElementSpec, platform: AuthKind) -> bool {
    !bundled.kinds().contains(&platform)
}

/// The form of a bundled element whose platform form disagrees with it:
/// the platform's fields, kinds and authentication, with the bundled
/// element's curated name, description, links and check, and the curated
/// field wherever the platform asks for the same key. The note says why
/// the form is not the bundled one.
pub fn follow_platform(bundled: &ElementSpec, platform: &ElementSpec) -> ElementSpec {
    let mut spec = platform.clone();
    for f in spec.fields.iter_mut() {
        if let Some(curated) = bundled.field(&f.key) {
            let mut curated = curated.clone();
            curated.required = f.required;
            // A condition on a key the platform's form lacks would hide it.
            if curated
                .condition()
                .is_some_and(|(k, _)| platform.field(k).is_none())
            {
                curated.when = None;
            }
            if f.key != AUTH_TYPE_KEY {
                curated.when = curated.when.or(f.when.clone());
                *f = curated;
            }
        }
    }
    spec.name.clone_from(&bundled.name);
    spec.hub.clone_from(&bundled.hub);
    spec.description.clone_from(&bundled.description);
    spec.docs_url.clone_from(&bundled.docs_url);
    spec.check_read.clone_from(&bundled.check_read);
    spec.notes.push(disagreement_note(bundled, platform));
    spec
}

/// Said when the bundled form is set aside; names both sides' kinds.
pub fn disagreement_note(bundled: &ElementSpec, platform: &ElementSpec) -> String {
    let names = |kinds: Vec<AuthKind>| {
        kinds
            .iter()
            .map(|k| k.platform_name())
            .collect::<Vec<_>>()
            .join(" or ")
    };
    format!(
        "The platform says {} signs in with {}, but the form bundled with ce-wizard says {}; this form follows the platform.",
        bundled.name,
        names(platform.kinds()),
        names(bundled.kinds())
    )
}

/// The bundled form as it is, when the platform's could not be read: the
/// person is told the two disagree and what failed.
pub fn bundled_despite(bundled: &ElementSpec, platform: AuthKind, why: &str) -> ElementSpec {
    let why = crate::sanitize::line(why);
    let mut spec = bundled.clone();
    spec.notes.push(format!(
        "The platform says {} signs in with {}, but its form could not be read ({why}); this is the form bundled with ce-wizard, which says {}.",
        bundled.name,
        platform.platform_name(),
        bundled
            .kinds()
            .iter()
            .map(|k| k.platform_name())
            .collect::<Vec<_>>()
            .join(" or ")
    ));
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{bundled_spec, check_spec, spec_from_metadata};
    use serde_json::json;

    fn entry(auth: AuthKind) -> CatalogEntry {
        CatalogEntry {
            key: "ecwid".into(),
            name: "Ecwid".into(),
            hub: "ecommerce".into(),
            description: String::new(),
            auth,
            beta: false,
            bundled: false,
        }
    }

    fn metadata(v: serde_json::Value) -> Vec<ConfigEntry> {
        serde_json::from_value(v).unwrap()
    }

    /// devportal `docs/elements/ecwid/ecwid-create-instance.md`: OAuth 2
    /// or the legacy custom keys; the legacy keys stay the default.
    #[test]
    fn the_bundled_ecwid_offers_its_legacy_keys_and_oauth2() {
        let ecwid = bundled_spec("ecwid").unwrap();
        assert_eq!(ecwid.kinds(), [AuthKind::Custom, AuthKind::Oauth2]);
        assert!(ecwid.offers_oauth());
        assert_eq!(ecwid.auth_for(None), AuthKind::Custom);
        assert_eq!(ecwid.auth_for(Some("")), AuthKind::Custom);
        assert_eq!(ecwid.auth_for(Some(" OAuth2 ")), AuthKind::Oauth2);
        // A kind it does not offer is its default, never an OAuth guess.
        assert_eq!(ecwid.auth_for(Some("oauth1")), AuthKind::Custom);
        assert_eq!(
            ecwid.needs(),
            ["Store ID", "Order API key", "Product API key"]
        );
        let bc = bundled_spec("bigcommerce").unwrap();
        assert_eq!(bc.kinds(), [AuthKind::Basic]);
        assert_eq!(bc.auth_for(Some("oauth2")), AuthKind::Basic);
    }

    #[test]
    fn a_metadata_auth_type_entry_becomes_a_choice_that_gates_the_oauth_fields() {
        let form = spec_from_metadata(
            &entry(AuthKind::Custom),
            &metadata(json!([
                {"key": "ecwid.store.id", "name": "Store ID", "type": "TEXTFIELD_32", "required": true},
                {"key": "authentication.type", "name": "Authentication Type", "type": "TEXTFIELD_32",
                 "defaultValue": "custom", "options": ["custom", "oauth2"]},
            ])),
        );
        check_spec(&form).unwrap();
        let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "authentication.type",
                "oauth.api.key",
                "oauth.api.secret",
                "oauth.callback.url",
                "ecwid.store.id"
            ]
        );
        let choice = form.field(AUTH_TYPE_KEY).unwrap();
        assert_eq!(choice.kind, FieldKind::Choice);
        assert_eq!(choice.choices, ["custom", "oauth2"]);
        assert_eq!(choice.default.as_deref(), Some("custom"));
        for k in ["oauth.api.key", "oauth.api.secret", "oauth.callback.url"] {
            assert_eq!(
                form.field(k).unwrap().when.as_deref(),
                Some("authentication.type=oauth2"),
                "{k}"
            );
        }
        assert_eq!(form.auth_for(None), AuthKind::Custom);
        assert_eq!(form.auth_for(Some("oauth2")), AuthKind::Oauth2);
    }

    /// The platform's default kind may differ from its catalog's: the
    /// entry's default is the form's own kind, and the form stays valid.
    #[test]
    fn an_auth_type_default_other_than_the_catalogs_kind_is_the_forms_kind() {
        let form = spec_from_metadata(
            &entry(AuthKind::Custom),
            &metadata(
                json!([{"key": "authentication.type", "defaultValue": "oauth2",
                              "options": ["custom", "oauth2"]}]),
            ),
        );
        check_spec(&form).unwrap();
        assert_eq!(form.auth, AuthKind::Oauth2);
        assert_eq!(form.auth_for(None), AuthKind::Oauth2);
        assert_eq!(form.kinds(), [AuthKind::Oauth2, AuthKind::Custom]);
    }

    /// The evidence does not say how the metadata lists the kinds: without
    /// options, the four kinds the wizard runs are offered, and it says so.
    #[test]
    fn an_auth_type_entry_without_options_offers_every_kind_and_says_so() {
        let form = spec_from_metadata(
            &entry(AuthKind::Oauth2),
            &metadata(json!([{"key": "authentication.type", "type": "TEXTFIELD_32"}])),
        );
        let choice = form.field(AUTH_TYPE_KEY).unwrap();
        assert_eq!(choice.choices, ["oauth2", "oauth1", "basic", "custom"]);
        assert_eq!(choice.default.as_deref(), Some("oauth2"));
        assert!(choice.help.contains("did not list"), "{}", choice.help);
        // Two OAuth kinds: the app fields are always shown.
        assert!(form.field("oauth.api.key").unwrap().when.is_none());
    }

    #[test]
    fn a_platform_that_signs_in_another_way_wins_over_the_bundled_form() {
        let bundled = bundled_spec("woocommerce").unwrap();
        assert!(disagrees(bundled, AuthKind::Oauth2));
        assert!(!disagrees(bundled, AuthKind::Custom));
        let platform = spec_from_metadata(
            &CatalogEntry {
                key: "woocommerce".into(),
                ..entry(AuthKind::Oauth2)
            },
            &metadata(json!([
                {"key": "store.url", "name": "Store", "type": "TEXTFIELD_1000", "required": true},
                {"key": "oauth.api.key", "name": "Key", "type": "TEXTFIELD_128", "required": true},
            ])),
        );
        let merged = follow_platform(bundled, &platform);
        check_spec(&merged).unwrap();
        assert_eq!(merged.auth, AuthKind::Oauth2);
        assert_eq!(merged.name, bundled.name);
        // The curated field where both know the key; the platform's list.
        assert_eq!(
            merged.field("store.url").unwrap().label,
            bundled.field("store.url").unwrap().label
        );
        assert!(merged.field("base.url").is_none());
        assert!(merged.field("oauth.callback.url").is_some());
        let note = merged.notes.join(" ");
        assert!(
            note.contains("oauth2")
                && note.contains("custom")
                && note.contains("follows the platform"),
            "{note}"
        );
    }

    #[test]
    fn a_platform_form_that_cannot_be_read_keeps_the_bundled_one_with_a_note() {
        let bundled = bundled_spec("woocommerce").unwrap();
        let kept = bundled_despite(bundled, AuthKind::Oauth2, "HTTP 500\u{1b}[2J");
        assert_eq!(kept.fields, bundled.fields);
        let note = kept.notes.join(" ");
        assert!(note.contains("could not be read"), "{note}");
        assert!(!crate::sanitize::has_unsafe(&note), "{note:?}");
    }
}
