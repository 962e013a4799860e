//! Elements with several sign-in kinds, chosen by the instance's
//! `authentication.type` configuration value (devportal
//! `docs/elements/ecwid/ecwid-create-instance.md`: Ecwid takes OAuth 2, its
//! app's key, secret and callback with the provider's code, or the legacy
//! custom keys; `docs/elements/quickbooksonline/authenticate.md`,
//! `docs/elements/zuora/authenticate.md` send `authentication.type` in the
//! configuration). Each kind requires its own keys: the legacy keys only
//! for the custom kind.
//!
//! The Ecwid page's OAuth 2 body carries no `authentication.type`, only the
//! code: the sandbox takes a code presented to such an element as choosing
//! its OAuth 2 kind, and stores the kind it settled on in the instance's
//! configuration, as a platform default.

use crate::catalog::Element;
use crate::element::Auth;
use serde_json::{Map, Value};
use std::borrow::Cow;

pub const AUTH_TYPE_KEY: &str = "authentication.type";

impl Element {
    /// Whether instances of it may sign in with `kind`.
    pub fn offers(&self, kind: Auth) -> bool {
        self.facts.auth == kind || self.sign_in.iter().any(|(k, _)| *k == kind)
    }

    /// The OAuth kind its `oauth/url` and `oauth/token` serve: its own when
    /// it is one, else the first OAuth kind it offers besides.
    pub fn oauth_kind(&self) -> Auth {
        if self.facts.auth.is_oauth() {
            return self.facts.auth;
        }
        self.sign_in
            .iter()
            .map(|(k, _)| *k)
            .find(|k| k.is_oauth())
            .unwrap_or(self.facts.auth)
    }

    /// The kind a configuration chooses: its `authentication.type` when the
    /// element offers several, else the element's own. `Err` names the
    /// kinds when it chooses one the element does not offer.
    pub fn kind_in(&self, configuration: &Map<String, Value>) -> Result<Auth, String> {
        if self.sign_in.is_empty() {
            return Ok(self.facts.auth);
        }
        let Some(chosen) = configuration.get(AUTH_TYPE_KEY).and_then(Value::as_str) else {
            return Ok(self.facts.auth);
        };
        Auth::from_platform(chosen.trim())
            .filter(|k| self.offers(*k))
            .ok_or_else(|| {
                let names: Vec<&str> = self
                    .sign_in
                    .iter()
                    .map(|(k, _)| k.platform_name())
                    .collect();
                format!(
                    "'{}' cannot sign in with authentication.type '{chosen}': it takes {}",
                    self.facts.key,
                    names.join(" or ")
                )
            })
    }

    /// What `POST /instances` insists on for the kind the configuration
    /// chooses.
    pub fn required_keys_for(&self, configuration: &Map<String, Value>) -> Cow<'_, [String]> {
        let kind = self.kind_in(configuration).unwrap_or(self.facts.auth);
        match self.sign_in.iter().find(|(k, _)| *k == kind) {
            Some((_, keys)) => Cow::Borrowed(keys),
            None => self.required_keys(),
        }
    }

    /// Settles the kind of a new instance and writes it into its
    /// configuration (an element with one kind is left as sent). `code`:
    /// whether the body presents an OAuth 2 code.
    pub fn settle_kind(
        &self,
        configuration: &mut Map<String, Value>,
        code: bool,
    ) -> Result<Auth, String> {
        if self.sign_in.is_empty() {
            return Ok(self.facts.auth);
        }
        if !configuration.contains_key(AUTH_TYPE_KEY) && code && self.offers(Auth::Oauth2) {
            configuration.insert(AUTH_TYPE_KEY.into(), Auth::Oauth2.platform_name().into());
        }
        let kind = self.kind_in(configuration)?;
        configuration.insert(AUTH_TYPE_KEY.into(), kind.platform_name().into());
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use serde_json::json;

    fn config(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    /// devportal `docs/elements/ecwid/ecwid-create-instance.md`: OAuth 2
    /// or the legacy custom keys, each with its own keys.
    #[test]
    fn ecwid_offers_oauth2_beside_its_legacy_keys() {
        let catalog = Catalog::sandbox();
        let ecwid = catalog.find("ecwid").unwrap();
        assert_eq!(ecwid.facts.auth, Auth::Custom);
        assert!(ecwid.offers(Auth::Oauth2) && ecwid.offers(Auth::Custom));
        assert!(!ecwid.offers(Auth::Oauth1));
        assert_eq!(ecwid.oauth_kind(), Auth::Oauth2);
        let legacy = config(json!({}));
        assert_eq!(
            ecwid.required_keys_for(&legacy).as_ref(),
            ["ecwid.store.id", "ecwid.order.key", "ecwid.product.key"]
        );
        let oauth = config(json!({"authentication.type": "oauth2"}));
        assert_eq!(
            ecwid.required_keys_for(&oauth).as_ref(),
            ["oauth.api.key", "oauth.api.secret", "oauth.callback.url"]
        );
        let wrong = config(json!({"authentication.type": "oauth1"}));
        let why = ecwid.kind_in(&wrong).unwrap_err();
        assert!(why.contains("custom or oauth2"), "{why}");
    }

    #[test]
    fn a_presented_code_chooses_oauth2_and_the_kind_is_stored() {
        let catalog = Catalog::sandbox();
        let ecwid = catalog.find("ecwid").unwrap();
        let mut page_body = config(json!({"oauth.api.key": "k"}));
        assert_eq!(ecwid.settle_kind(&mut page_body, true), Ok(Auth::Oauth2));
        assert_eq!(page_body[AUTH_TYPE_KEY], "oauth2");
        let mut legacy = config(json!({"ecwid.store.id": "1"}));
        assert_eq!(ecwid.settle_kind(&mut legacy, false), Ok(Auth::Custom));
        assert_eq!(legacy[AUTH_TYPE_KEY], "custom");
        // One kind: the configuration is left as sent.
        let bc = catalog.find("bigcommerce").unwrap();
        let mut sent = config(json!({"store.url": "x"}));
        assert_eq!(bc.settle_kind(&mut sent, false), Ok(Auth::Basic));
        assert!(!sent.contains_key(AUTH_TYPE_KEY));
    }
}
