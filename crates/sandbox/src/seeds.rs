//! The seed elements as the platform defines them: each file in
//! `elements/` is the platform's answer to `GET /elements/{key}`, written
//! from the seed elements' "Create Instance" pages (keys, which of them are
//! required, their defaults), and from the developer portal's pages for
//! WooCommerce REST (`docs/elements/woocommerce-rest/authenticate.md`) and
//! the elements whose sign-in needs more than plain OAuth: QuickBooks
//! Online's OAuth 1 flow (`docs/elements/quickbooksonline/authenticate.md`)
//! and Shopify (`docs/elements/shopify/authenticate.md`); what their
//! providers need is in [`crate::provider_needs`]. They belong to the
//! platform, not to any client: a client's own element specs are checked
//! against them, never the other way round.
//!
//! One thing in a file is not part of the platform's answer and is never
//! served: `sandboxSignInKinds`, for an element with several sign-in kinds,
//! the keys each kind requires (Ecwid: devportal
//! `docs/elements/ecwid/ecwid-create-instance.md`).

use crate::element::{Auth, Facts};
use serde_json::Value;

/// In the order `GET /elements` lists them (by name).
const FILES: &[(&str, &str)] = &[
    ("bigcommerce", include_str!("../elements/bigcommerce.json")),
    ("ecwid", include_str!("../elements/ecwid.json")),
    (
        "infusionsoftecommerce",
        include_str!("../elements/infusionsoftecommerce.json"),
    ),
    ("magentov20", include_str!("../elements/magentov20.json")),
    ("quickbooks", include_str!("../elements/quickbooks.json")),
    ("shopify", include_str!("../elements/shopify.json")),
    ("woocommerce", include_str!("../elements/woocommerce.json")),
    (
        "woocommercerest",
        include_str!("../elements/woocommercerest.json"),
    ),
];

/// The keys of the seed elements, in the order the catalog lists them.
pub fn keys() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(key, _)| *key)
}

pub struct Seed {
    /// The id the platform gave it; clients may have it written down.
    pub id: u64,
    pub facts: Facts,
    /// The metadata entries of `GET /elements/{key}/configuration` (sent
    /// inside `{"configuration": [...]}`).
    pub configuration: Value,
    /// Its sign-in kinds and the keys each requires, when it offers
    /// several (`sandboxSignInKinds`, never served: [`crate::signin`]).
    pub sign_in: Vec<(Auth, Vec<String>)>,
}

/// Every seed element. The files are part of the sandbox's source, so one
/// that does not parse is a defect caught by the tests, not an input error.
pub fn all() -> Vec<Seed> {
    FILES
        .iter()
        .map(|(key, text)| {
            parse(text).unwrap_or_else(|why| panic!("elements/{key}.json is malformed: {why}"))
        })
        .collect()
}

fn parse(text: &str) -> Result<Seed, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let string = |field: &str| {
        value[field]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("{field} must be a string"))
    };
    let auth = value["authentication"]["type"]
        .as_str()
        .and_then(Auth::from_platform)
        .ok_or("authentication.type must be oauth2, oauth1, basic or custom")?;
    let configuration = value["configuration"].clone();
    let entries = configuration
        .as_array()
        .ok_or("configuration must be an array")?;
    for entry in entries {
        if !entry["key"].is_string() || !entry["required"].is_boolean() {
            return Err(format!(
                "every entry needs a key and a required flag: {entry}"
            ));
        }
    }
    Ok(Seed {
        id: value["id"].as_u64().ok_or("id must be a number")?,
        facts: Facts {
            key: string("key")?,
            name: string("name")?,
            hub: string("hub")?,
            auth,
            description: string("description")?,
            beta: value["beta"].as_bool().unwrap_or(false),
        },
        configuration,
        sign_in: parse_kinds(&value["sandboxSignInKinds"])?,
    })
}

// Read here, with the rest of a seed file: the sign-in module judges
// instances against the catalog these seeds make.
/// A seed's `sandboxSignInKinds`: each kind and the keys it requires.
pub fn parse_kinds(value: &Value) -> Result<Vec<(Auth, Vec<String>)>, String> {
    let Some(map) = value.as_object() else {
        return Ok(vec![]);
    };
    map.iter()
        .map(|(name, keys)| {
            let kind = Auth::from_platform(name).ok_or(format!("unknown sign-in kind {name}"))?;
            let keys = keys
                .as_array()
                .ok_or("each sign-in kind lists its required keys")?
                .iter()
                .map(|k| k.as_str().map(str::to_string).ok_or("a key is a string"))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((kind, keys))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(key: &str) -> Seed {
        all().into_iter().find(|s| s.facts.key == key).unwrap()
    }

    fn required(seed: &Seed) -> Vec<&str> {
        seed.configuration
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["required"] == true)
            .map(|e| e["key"].as_str().unwrap())
            .collect()
    }

    /// What each seed page's request body carries, and the contract's
    /// table of the five: every key of the bodies is required, except
    /// Infusionsoft's `document.tagging`. WooCommerce REST: devportal
    /// `docs/elements/woocommerce-rest/authenticate.md` (element id 2881).
    /// Shopify's and QuickBooks' (OAuth 1) come from their devportal
    /// `authenticate.md` bodies.
    #[test]
    fn the_seed_pages_required_keys() {
        let cases: [(&str, u64, Auth, &[&str]); 8] = [
            (
                "woocommercerest",
                2881,
                Auth::Custom,
                &["store.url", "oauth.api.key", "oauth.api.secret"],
            ),
            (
                "shopify",
                48,
                Auth::Oauth2,
                &[
                    "oauth.api.key",
                    "oauth.api.secret",
                    "oauth.callback.url",
                    "shopify.site.address",
                    "oauth.scope",
                ],
            ),
            (
                "quickbooks",
                39,
                Auth::Oauth1,
                &["oauth.api.key", "oauth.api.secret", "oauth.callback.url"],
            ),
            (
                "woocommerce",
                188,
                Auth::Custom,
                &["store.url", "base.url", "oauth.api.key", "oauth.api.secret"],
            ),
            (
                "ecwid",
                42,
                Auth::Custom,
                &["ecwid.store.id", "ecwid.order.key", "ecwid.product.key"],
            ),
            (
                "bigcommerce",
                274,
                Auth::Basic,
                &["store.url", "username", "password"],
            ),
            (
                "magentov20",
                815,
                Auth::Custom,
                &["site", "userName", "password", "user"],
            ),
            (
                "infusionsoftecommerce",
                321,
                Auth::Oauth2,
                &["oauth.api.key", "oauth.api.secret", "oauth.callback.url"],
            ),
        ];
        assert_eq!(keys().collect::<Vec<_>>().len(), cases.len());
        for (key, id, auth, keys) in cases {
            let s = seed(key);
            assert_eq!((s.id, s.facts.auth), (id, auth), "{key}");
            assert_eq!(required(&s), keys, "{key}");
        }
    }

    #[test]
    fn defaults_and_types_of_the_seed_pages() {
        let entry = |key: &str, field: &str| {
            seed(key)
                .configuration
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["key"] == field)
                .cloned()
                .unwrap_or_else(|| panic!("{key} has no {field}"))
        };
        let user = entry("magentov20", "user");
        assert_eq!(
            (&user["type"], &user["defaultValue"]),
            (&"BOOLEAN".into(), &"true".into())
        );
        let tagging = entry("infusionsoftecommerce", "document.tagging");
        assert_eq!(tagging["required"], false);
        assert_eq!(tagging["defaultValue"], "false");
        assert_eq!(entry("bigcommerce", "password")["type"], "PASSWORD");
        // The options every element accepts, none of them required.
        for s in all() {
            let entries = s.configuration.as_array().unwrap();
            for common in [
                "event.notification.enabled",
                "event.vendor.type",
                "event.notification.callback.url",
                "event.poller.refresh_interval",
                "filter.response.nulls",
            ] {
                let e = entries.iter().find(|e| e["key"] == common).unwrap();
                assert_eq!(e["required"], false, "{} {common}", s.facts.key);
            }
            let orders: Vec<u64> = entries
                .iter()
                .map(|e| e["displayOrder"].as_u64().unwrap())
                .collect();
            assert_eq!(orders, (1..=entries.len() as u64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn malformed_definitions_are_refused() {
        for bad in [
            "",
            "{}",
            r#"{"id": 1, "key": "k", "name": "n", "hub": "h", "description": "d", "authentication": {"type": "saml"}, "configuration": []}"#,
            r#"{"id": 1, "key": "k", "name": "n", "hub": "h", "description": "d", "authentication": {"type": "basic"}, "configuration": [{"key": "a"}]}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
