//! An instance as the commands print it: which of its configuration values
//! are secrets, and its JSON with them masked.
//!
//! The platform masks the account-level secrets of an instance as
//! `********`, but the provider tokens it derives at sign-in
//! (`oauth.user.token`, `oauth.user.token.secret`,
//! `oauth.user.refresh_token`) come back in clear (the instance answers of
//! the platform's docs, e.g. ShareFile's and Zendesk's). Whatever the platform
//! sent, the client masks again: every key its element's spec marks
//! secret (a name that looks secret where the spec says nothing) and every
//! provider token. Lists never carry the element token either; one
//! instance shown as JSON keeps it (that is what `show --json` is for) and
//! shows the rest only when asked (`--reveal`).

use crate::api::Instance;
use crate::catalog::bundled_spec;
use crate::secret::key_looks_secret;
use serde_json::{Map, Value};

/// What a masked value reads as: the platform's own mask, which every
/// command already refuses to send back.
pub const MASK: &str = "********";

/// The provider's tokens: derived by the platform at sign-in, stored among
/// the instance's settings, and not masked by it.
pub const PROVIDER_TOKENS: [&str; 3] = [
    "oauth.user.token",
    "oauth.user.token.secret",
    "oauth.user.refresh_token",
];

/// Whether `key` is one of the provider's tokens: the three named, and any
/// other `oauth.user.` key whose name says token or secret.
pub fn is_provider_token(key: &str) -> bool {
    PROVIDER_TOKENS.contains(&key) || (key.starts_with("oauth.user.") && key_looks_secret(key))
}

/// Whether configuration `key` of an instance of `element_key` holds a
/// secret: a provider token, or what the element's spec says of the key
/// (its name, where the spec does not know it).
pub fn is_secret_setting(element_key: &str, key: &str) -> bool {
    if is_provider_token(key) {
        return true;
    }
    match bundled_spec(element_key).and_then(|s| s.field(key)) {
        Some(field) => field.is_secret(),
        None => key_looks_secret(key),
    }
}

/// The instance as a list shows it: without its token, every secret
/// setting masked.
pub fn listed(i: &Instance) -> Value {
    shown(i, false, &|k| is_secret_setting(&i.element_key, k))
}

/// One instance as `show --json` prints it: the token kept, the secret
/// settings masked unless `reveal`.
pub fn one(i: &Instance, reveal: bool) -> Value {
    shown(i, true, &|k| {
        !reveal && is_secret_setting(&i.element_key, k)
    })
}

fn shown(i: &Instance, token: bool, secret: &dyn Fn(&str) -> bool) -> Value {
    let Some(fields) = i.raw.as_object() else {
        return i.raw.clone();
    };
    let mut out = Map::with_capacity(fields.len());
    for (k, v) in fields {
        match k.as_str() {
            "token" if !token => {}
            "configuration" => {
                let masked = match v.as_object() {
                    Some(config) => Value::Object(
                        config
                            .iter()
                            .map(|(key, value)| (key.clone(), mask_if(secret(key), value)))
                            .collect(),
                    ),
                    None => v.clone(),
                };
                out.insert(k.clone(), masked);
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// Nothing to hide in `null` or `""`; anything else of a secret key is
/// masked, whatever its type.
fn mask_if(secret: bool, value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::String(s) if s.is_empty() => value.clone(),
        _ if secret => Value::String(MASK.into()),
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn oauth_instance() -> Instance {
        Instance::from_value(json!({
            "id": 7, "name": "shop", "token": "element-token",
            "element": {"key": "shopify"},
            "configuration": {
                "oauth.api.key": "app-id",
                "oauth.api.secret": "app-secret",
                "oauth.user.token": "access-token",
                "oauth.user.token.secret": "token-secret",
                "oauth.user.refresh_token": "refresh-token",
                "oauth.user.refresh_interval": "3600",
                "shopify.site.address": "my-shop",
                "password": "",
                "nothing": null
            }
        }))
        .unwrap()
    }

    #[test]
    fn lists_mask_every_secret_setting_and_drop_the_token() {
        let v = listed(&oauth_instance());
        let c = &v["configuration"];
        for k in [
            "oauth.api.secret",
            "oauth.user.token",
            "oauth.user.token.secret",
            "oauth.user.refresh_token",
        ] {
            assert_eq!(c[k], MASK, "{k}");
        }
        assert_eq!(c["oauth.api.key"], "app-id");
        assert_eq!(c["oauth.user.refresh_interval"], "3600");
        assert_eq!(c["shopify.site.address"], "my-shop");
        assert_eq!(c["password"], "");
        assert_eq!(c["nothing"], Value::Null);
        assert!(v.get("token").is_none());
    }

    #[test]
    fn one_instance_keeps_its_token_and_reveals_only_when_asked() {
        let i = oauth_instance();
        let v = one(&i, false);
        assert_eq!(v["token"], "element-token");
        assert_eq!(v["configuration"]["oauth.user.refresh_token"], MASK);
        let v = one(&i, true);
        assert_eq!(
            v["configuration"]["oauth.user.refresh_token"],
            "refresh-token"
        );
        assert_eq!(v["configuration"]["oauth.api.secret"], "app-secret");
    }

    #[test]
    fn an_element_without_a_spec_is_judged_by_its_key_names() {
        let i = Instance::from_value(json!({
            "id": 1, "token": "t", "element": {"key": "nimbus"},
            "configuration": {"nimbus.api.key": "k", "nimbus.region": "eu", "weird.secret": {"a": 1}}
        }))
        .unwrap();
        let c = listed(&i)["configuration"].clone();
        assert_eq!(c["nimbus.api.key"], MASK);
        assert_eq!(c["weird.secret"], MASK);
        assert_eq!(c["nimbus.region"], "eu");
    }
}
