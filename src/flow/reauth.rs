//! Re-authorizing an existing instance, the same in `ce-wizard instances
//! reauth` and the wizard: which instances can be, the settings the sign-in
//! starts from (what the platform stored, as far as it is readable, then the
//! app's key, secret and callback), and the call itself, `PATCH
//! /instances/{id}` with the fresh grant's `providerData` and only the app
//! settings that changed, followed by a check that the instance now works.
//!
//! Nothing else goes back: the platform keeps every stored setting a
//! `PATCH` does not name, a masked value (`********`) sent back would be
//! stored as the value, and the settings the platform derives itself
//! (`oauth.user.*`, `base.url`, ...) are its own to renew.
//!
//! The sign-in in between is the ordinary OAuth attempt (`flow::oauth`).

use crate::api::{ApiError, Client, Instance, Reprovision};
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
/// The only settings a re-authorization sends, and only when changed: the
/// app the new grant was issued to, and where it was sent.
pub const APP_SETTINGS: [&str; 3] = [APP_KEY, APP_SECRET, CALLBACK];

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

/// Where the provider sends the new grant back, in this order: a callback
/// the person set for this run (`--set oauth.callback.url=`, their own
/// choice, wherever it points); `--callback-port` when it was given; the
/// callback the instance stored, when it points at this machine; else the
/// default port's. A stored callback off this machine is
/// refused: the provider would hand the new grant to that host (which the
/// platform's answer, not the person, named), and ce-wizard could not
/// catch it anyway. The error says what to do; nothing was sent.
pub fn callback_url(
    instance: &Instance,
    set: Option<&str>,
    port: u16,
    port_given: bool,
) -> Result<String, String> {
    let predicted = crate::flow::oauth::predicted_callback_url(port);
    if let Some(set) = set.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(set.to_string());
    }
    if port_given {
        return Ok(predicted);
    }
    let stored = stored_values(instance).get(CALLBACK).trim().to_string();
    if stored.is_empty() {
        return Ok(predicted);
    }
    // On this machine, the grant stays here (a listener elsewhere on it, or
    // the address pasted back).
    let here = url::Url::parse(&stored).is_ok_and(|u| crate::api::is_loopback(&u));
    if here {
        return Ok(stored);
    }
    Err(format!(
        "instance {} stores the callback URL {}, which is not this machine's loopback address: the provider would send the new authorization there. Register {predicted} with the provider's app and pass --callback-port {port} (or another port), or --set {CALLBACK}=URL to use an address of your own on purpose; nothing was sent",
        instance.id,
        crate::sanitize::line(&stored)
    ))
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
        notes: vec![],
        oauth_params: Default::default(),
    }
}

/// The body of the re-authorizing `PATCH`: the grant's `providerData`
/// ([`Grant::provider_data`]), and each of the app's key, secret and
/// callback the sign-in used that differs from what the platform shows for
/// it. A masked stored value cannot be shown equal, so the value typed for
/// it goes (the grant was issued to that app); a blank or masked value in
/// `values` never does.
pub fn body(
    instance: &Instance,
    values: &FormValues,
    provider_data: BTreeMap<String, Secret>,
) -> Reprovision {
    let stored = instance
        .raw
        .get("configuration")
        .and_then(|c| c.as_object());
    let configuration = APP_SETTINGS
        .iter()
        .filter_map(|&key| {
            let v = values.get(key);
            if v.trim().is_empty() || looks_masked(v.trim()) {
                return None;
            }
            let was = stored.and_then(|c| c.get(key)).and_then(|s| s.as_str());
            (was != Some(v)).then(|| (key.to_string(), Secret::new(v)))
        })
        .collect();
    Reprovision {
        provider_data,
        configuration,
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

/// `PATCH /instances/{id}` with the fresh grant, then the check of the
/// instance it answers. `Err` only when the `PATCH` failed (then the grant
/// is spent: a new sign-in is needed).
pub async fn reauthorize(
    client: &Client,
    id: i64,
    body: &Reprovision,
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
    fn the_callback_port_given_wins_and_a_stored_callback_elsewhere_is_refused() {
        let stored = |url: &str| instance("infusionsoftecommerce", json!({ CALLBACK: url }));
        let taken = stored("http://127.0.0.1:4100/callback");
        assert_eq!(
            callback_url(&taken, None, 4200, true).unwrap(),
            "http://127.0.0.1:4200/callback",
            "the flag wins"
        );
        assert_eq!(
            callback_url(&taken, None, 4200, false).unwrap(),
            "http://127.0.0.1:4100/callback",
            "the stored one, when no port was given"
        );
        let far = stored("https://collector.example/callback");
        let e = callback_url(&far, None, 4200, false).unwrap_err();
        for named in ["collector.example", "--callback-port", "nothing was sent"] {
            assert!(e.contains(named), "{named}: {e}");
        }
        assert!(callback_url(&far, None, 4200, true).is_ok());
        assert_eq!(
            callback_url(&far, Some("https://mine.example/cb"), 4200, false).unwrap(),
            "https://mine.example/cb",
            "set on purpose"
        );
        let none = instance("infusionsoftecommerce", json!({}));
        assert_eq!(
            callback_url(&none, None, 4200, false).unwrap(),
            "http://127.0.0.1:4200/callback"
        );
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
    fn the_body_carries_the_grant_and_only_the_app_settings_that_changed() {
        let i = instance(
            "infusionsoftecommerce",
            json!({
                "oauth.api.key": "client-1",
                "oauth.api.secret": "********",
                "oauth.callback.url": "http://127.0.0.1:1/callback",
                "oauth.user.token": "derived-token",
                "oauth.user.refresh_token": "derived-refresh",
                "base.url": "https://api.example.com",
                "document.tagging": "true",
            }),
        );
        let mut values = stored_values(&i);
        values.set(APP_SECRET, "typed-secret");
        let b = body(
            &i,
            &values,
            Grant::Code(Secret::new("c0de")).provider_data(),
        );
        assert_eq!(b.provider_data["code"].expose(), "c0de", "the fresh grant");
        let sent: Vec<&str> = b.configuration.keys().map(String::as_str).collect();
        // The key and callback are what the platform shows: unchanged. The
        // stored secret is masked, so the one the grant was issued for goes.
        assert_eq!(sent, [APP_SECRET]);
        assert_eq!(b.configuration[APP_SECRET].expose(), "typed-secret");

        values.set(APP_KEY, "client-2");
        values.set(CALLBACK, "http://127.0.0.1:2/callback");
        let b = body(&i, &values, Grant::Code(Secret::new("c")).provider_data());
        let sent: Vec<&str> = b.configuration.keys().map(String::as_str).collect();
        assert_eq!(sent, [APP_KEY, APP_SECRET, CALLBACK]);
        assert!(!format!("{b:?}").contains("typed-secret"));

        // A masked or blank value is never sent, nor anything else stored.
        values.set(APP_SECRET, "********");
        values.set(APP_KEY, " ");
        let b = body(&i, &values, Grant::Code(Secret::new("c")).provider_data());
        let sent: Vec<&str> = b.configuration.keys().map(String::as_str).collect();
        assert_eq!(sent, [CALLBACK]);
        let json = serde_json::to_value(&b).unwrap();
        let mut top: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        top.sort_unstable();
        assert_eq!(top, ["configuration", "providerData"]);
    }
}
