//! Re-authorizing an existing instance, the same in `ce-wizard instances
//! reauth` and the wizard: which instances can be, the settings sent back
//! (what the platform stored, as far as it can be sent again, then the new
//! app keys and callback), and the call itself, `PUT
//! /instances/{id}?reAuthenticate=true` with the fresh grant, followed by a
//! check that the instance now works.
//!
//! The sign-in in between is the ordinary OAuth attempt (`flow::oauth`).

use crate::api::{ApiError, Client, CreateInstance, ElementRef, Instance};
use crate::catalog::{bundled_spec, AuthKind, ElementSpec};
use crate::flow::check::{self, Outcome};
#[cfg(doc)]
use crate::flow::oauth::Grant;
use crate::form::FormValues;
use crate::secret::Secret;
use std::collections::BTreeMap;

/// The configuration keys of the app registered at the provider.
pub const APP_KEY: &str = "oauth.api.key";
pub const APP_SECRET: &str = "oauth.api.secret";
pub const CALLBACK: &str = "oauth.callback.url";

/// How the instance signs in, when it is through the browser; else why
/// it cannot be re-authorized (to be said as it is, then "nothing was
/// sent").
pub fn oauth_kind(instance: &Instance) -> Result<AuthKind, String> {
    match check::auth_of(instance) {
        Some(auth) if auth.is_oauth() => Ok(auth),
        _ => Err(format!(
            "{} does not sign in through the browser: change its credentials with `ce-wizard instances update {} --set KEY=VALUE`",
            crate::sanitize::line(&instance.element_key),
            instance.id
        )),
    }
}

/// A stored value the platform masked (`********`), which cannot be sent back.
pub fn looks_masked(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| matches!(c, '*' | '•' | 'x' | 'X'))
}

/// The instance's stored settings that can be sent back: text values the
/// platform did not mask. The app's secret never comes back usable, so it
/// is left out even when it looks plain.
pub fn stored_values(instance: &Instance) -> FormValues {
    let mut values = FormValues::new();
    if let Some(config) = instance
        .raw
        .get("configuration")
        .and_then(|c| c.as_object())
    {
        for (k, v) in config {
            if let Some(s) = v.as_str().filter(|s| !looks_masked(s)) {
                values.set(k.clone(), s);
            }
        }
    }
    values.remove(APP_SECRET);
    values
}

/// The spec the OAuth flow needs: the bundled one, else the least that
/// describes the element (its key, name and OAuth kind).
pub fn spec_for(i: &Instance, auth: AuthKind) -> ElementSpec {
    if let Some(s) = bundled_spec(&i.element_key) {
        return s.clone();
    }
    ElementSpec {
        key: i.element_key.clone(),
        name: if i.element_name.is_empty() {
            i.element_key.clone()
        } else {
            i.element_name.clone()
        },
        hub: i.hub().unwrap_or_default().to_string(),
        auth,
        description: String::new(),
        docs_url: None,
        beta: false,
        fields: vec![],
        check_read: None,
        bundled: false,
        unasked: vec![],
    }
}

/// The body of the re-authorizing `PUT`: the instance's element, name and
/// tags unchanged, `values` as its configuration, the grant's
/// `providerData` ([`Grant::provider_data`]).
pub fn body(
    instance: &Instance,
    values: &FormValues,
    provider_data: BTreeMap<String, Secret>,
) -> CreateInstance {
    let configuration: BTreeMap<String, Secret> = values
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    CreateInstance {
        element: ElementRef {
            key: instance.element_key.clone(),
        },
        configuration,
        tags: instance.tags(),
        name: instance.name.clone(),
        provider_data: Some(provider_data),
        verbatim: Default::default(),
    }
}

/// The instance after its re-authorization, and whether it works now.
#[derive(Debug)]
pub struct Reauthorized {
    pub instance: Instance,
    /// `Err` when the check could not ask the platform: the
    /// re-authorization itself succeeded.
    pub check: Result<Outcome, ApiError>,
}

/// `PUT /instances/{id}?reAuthenticate=true`, then the check of the
/// instance it answers. `Err` only when the `PUT` failed (then the grant is
/// spent: a new sign-in is needed).
pub async fn reauthorize(
    client: &Client,
    id: i64,
    body: &CreateInstance,
) -> Result<Reauthorized, ApiError> {
    let instance = client.reauthenticate_instance(id, body).await?;
    let check = check::check_fetched(client, &instance).await;
    Ok(Reauthorized { instance, check })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::oauth::Grant;
    use serde_json::json;

    fn instance(key: &str, config: serde_json::Value) -> Instance {
        Instance::from_value(json!({
            "id": 7, "name": "shop", "token": "t",
            "element": { "key": key, "name": key },
            "configuration": config, "tags": ["a", "b"],
        }))
        .unwrap()
    }

    #[test]
    fn stored_values_leave_out_masked_values_and_the_apps_secret() {
        let i = instance(
            "infusionsoftecommerce",
            json!({
                "oauth.api.key": "client-1",
                "oauth.api.secret": "plain-looking",
                "oauth.callback.url": "http://127.0.0.1:1/callback",
                "password": "********",
                "count": 3,
            }),
        );
        let v = stored_values(&i);
        assert_eq!(v.get(APP_KEY), "client-1");
        assert_eq!(v.get(CALLBACK), "http://127.0.0.1:1/callback");
        assert!(!v.contains(APP_SECRET));
        assert!(!v.contains("password"));
        assert!(!v.contains("count"));
    }

    #[test]
    fn only_oauth_instances_can_be_reauthorized() {
        assert_eq!(
            oauth_kind(&instance("infusionsoftecommerce", json!({}))),
            Ok(AuthKind::Oauth2)
        );
        let refused = oauth_kind(&instance("bigcommerce", json!({}))).unwrap_err();
        assert!(refused.contains("instances update 7"), "{refused}");
    }

    #[test]
    fn the_body_keeps_name_and_tags_and_carries_the_grant() {
        let i = instance("infusionsoftecommerce", json!({}));
        let mut values = FormValues::new();
        values.set(APP_KEY, "k");
        values.set(APP_SECRET, "s");
        let b = body(
            &i,
            &values,
            Grant::Code(Secret::new("c0de")).provider_data(),
        );
        assert_eq!(b.name, "shop");
        assert_eq!(b.tags, ["a", "b"]);
        assert_eq!(b.element.key, "infusionsoftecommerce");
        assert_eq!(b.configuration[APP_SECRET].expose(), "s");
        assert_eq!(
            b.provider_data.unwrap()["code"].expose(),
            "c0de",
            "the fresh grant"
        );
    }
}
