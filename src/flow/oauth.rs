//! One OAuth attempt, the same in `create` and the wizard: the callback
//! address, the authorization URL the platform hands out for a fresh state
//! (after a request token, for OAuth 1), and the provider's answer (caught
//! by the loopback listener or pasted by hand) turned into the grant that
//! `POST /instances` carries as `providerData`: every value of the
//! provider's redirect but a refusal's, and OAuth 1's request-token secret.
//! Both calls that start an attempt carry the element's own parameters
//! ([`element_params`]); OAuth 1's request-token call carries the state too,
//! since OAuth 1.0a fixes the callback, state and all, at that call.
//!
//! How the front end waits (a listener task, a paste prompt, a deadline) and
//! what it does with a refusal is its own business.

use crate::api::{ApiError, Client, OAuthUrlRequest, RequestToken};
use crate::catalog::{AuthKind, ElementSpec};
use crate::form::FormValues;
use crate::oauth::{self, CallbackOutcome, CallbackRejection, OAuthState};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;

/// The callback URL a listener on `port` will have (port 0: one to be picked).
pub fn predicted_callback_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}{}", oauth::CALLBACK_PATH)
}

/// The loopback port a callback URL points at, when the listener can serve it.
pub fn loopback_port(callback_url: &str) -> Option<u16> {
    let u = url::Url::parse(callback_url).ok()?;
    let loopback = matches!(u.host_str(), Some("127.0.0.1") | Some("localhost"));
    (u.scheme() == "http" && loopback && u.path() == oauth::CALLBACK_PATH)
        .then(|| u.port_or_known_default())?
}

/// The app registered at the provider, as the form names it: its client
/// key and secret, and the element's own parameters for the platform's
/// OAuth calls (`siteAddress`, `scope`, ...; see [`element_params`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthApp {
    pub api_key: String,
    pub api_secret: Secret,
    pub params: Vec<(String, String)>,
}

impl OAuthApp {
    /// The app alone, without element parameters.
    pub fn from_values(values: &FormValues) -> OAuthApp {
        OAuthApp {
            api_key: values.get("oauth.api.key").to_string(),
            api_secret: Secret::new(values.get("oauth.api.secret")),
            params: vec![],
        }
    }

    /// The app and the parameters `spec` says its OAuth calls take, from
    /// `values`.
    pub fn for_element(spec: &ElementSpec, values: &FormValues) -> OAuthApp {
        OAuthApp {
            params: element_params(spec, values),
            ..OAuthApp::from_values(values)
        }
    }

    /// Adds parameters given by hand (`create --oauth-param`); one of the
    /// same name replaces the element's own.
    pub fn with_params(mut self, given: &[(String, String)]) -> OAuthApp {
        for (name, value) in given {
            self.params.retain(|(n, _)| n != name);
            self.params.push((name.clone(), value.clone()));
        }
        self
    }

    /// What the platform needs to hand out an authorization URL: this app,
    /// the callback and the attempt's state.
    pub fn url_request(&self, callback_url: &str, state: &OAuthState) -> OAuthUrlRequest {
        OAuthUrlRequest {
            api_key: self.api_key.clone(),
            api_secret: self.api_secret.clone(),
            callback_url: callback_url.to_string(),
            state: Secret::new(state.expose()),
            params: self.params.clone(),
        }
    }
}

// The element parameters' rules are the catalog's too (a spec's
// `oauth_params`): they live in `oauth::params`, which imports neither.
pub use crate::oauth::params::{check_param, MAX_PARAM_VALUE_BYTES, RESERVED_PARAMS};

/// Settings of a catalog element (no bundled spec) that never go on the
/// OAuth calls: the app's own (sent as `apiKey`, `apiSecret`,
/// `callbackUrl`) and the event settings, which concern the instance.
fn never_a_param(key: &str) -> bool {
    matches!(
        key,
        "oauth.api.key" | "oauth.api.secret" | "oauth.callback.url"
    ) || key.starts_with("event.")
}

/// The element's own parameters for `GET /elements/{key}/oauth/url` (and
/// OAuth 1's `/oauth/token`), from the form's values.
///
/// A bundled spec names them (`oauth_params`: parameter name to setting,
/// e.g. Shopify's `siteAddress` from `shopify.site.address`). A catalog
/// element has no such table, so, as the platform's own web app does, the
/// values typed for the element go along under their setting names, except
/// secrets, the app's own settings and the event settings; where the
/// platform's test suite names a parameter for a setting (`scope` for
/// `oauth.scope`, `siteAddress` for a `*site.address`, `subdomain`), it goes
/// under that name too. Empty values and values that cannot be sent
/// ([`check_param`]) are left out.
pub fn element_params(spec: &ElementSpec, values: &FormValues) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty()
            && check_param(name, value).is_ok()
            && !params.iter().any(|(n, _)| n == name)
        {
            params.push((name.to_string(), value.to_string()));
        }
    };
    if spec.bundled {
        for (name, key) in &spec.oauth_params {
            add(name, values.get(key));
        }
        return params;
    }
    for f in &spec.fields {
        if f.kind.is_hidden() || crate::secret::key_looks_secret(&f.key) || never_a_param(&f.key) {
            continue;
        }
        let value = values.get(&f.key);
        let known = match f.key.as_str() {
            "oauth.scope" => Some("scope"),
            "subdomain" => Some("subdomain"),
            k if k == "site.address" || k.ends_with(".site.address") => Some("siteAddress"),
            _ => None,
        };
        if let Some(name) = known {
            add(name, value);
        }
        add(&f.key, value);
    }
    params
}

/// Where to send the person for one attempt.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    /// OAuth 1: the request token the URL names; its secret goes back with
    /// the verifier.
    pub request_token: Option<RequestToken>,
}

/// Which call of [`authorization`] failed.
#[derive(Debug)]
pub enum StartError {
    /// OAuth 1's first step: the request token.
    RequestToken(ApiError),
    /// The authorization URL.
    Url(ApiError),
}

impl StartError {
    pub fn api_error(&self) -> &ApiError {
        match self {
            StartError::RequestToken(e) | StartError::Url(e) => e,
        }
    }
}

/// Asks the platform for the provider's authorization URL; for OAuth 1, a
/// request token first, which the URL then names.
pub async fn authorization(
    client: &Client,
    element_key: &str,
    auth: AuthKind,
    request: &OAuthUrlRequest,
) -> Result<Authorization, StartError> {
    crate::log::event(
        "oauth",
        format!(
            "asking for the authorization URL of {element_key} with callback {}",
            request.callback_url
        ),
    );
    if auth != AuthKind::Oauth1 {
        let url = client
            .oauth_url(element_key, request)
            .await
            .map_err(StartError::Url)?;
        return Ok(Authorization {
            url,
            request_token: None,
        });
    }
    let token = client
        .oauth_request_token(element_key, request)
        .await
        .map_err(StartError::RequestToken)?;
    crate::log::add_secret(token.secret.expose());
    let url = client
        .oauth1_url(element_key, request, &token.token)
        .await
        .map_err(StartError::Url)?;
    Ok(Authorization {
        url,
        request_token: Some(token),
    })
}

/// What an approved authorization gives `POST /instances`.
#[derive(Clone, PartialEq, Eq)]
pub enum Grant {
    /// OAuth 2: the authorization code alone (a bare code pasted by hand).
    Code(Secret),
    /// OAuth 2: the code and the redirect's other values (its `state`,
    /// QuickBooks' `realmId`, ...).
    Redirect {
        code: Secret,
        values: BTreeMap<String, Secret>,
    },
    /// OAuth 1: the authorized request token, its verifier, the request
    /// token's secret from step one, and the redirect's other values.
    Oauth1 {
        token: String,
        verifier: Secret,
        secret: Secret,
        values: BTreeMap<String, Secret>,
    },
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The names of the other values, never the values.
        let names = |values: &BTreeMap<String, Secret>| {
            values.keys().map(|k| format!(", {k}")).collect::<String>()
        };
        match self {
            Grant::Code(_) => f.write_str("Code(••••••)"),
            Grant::Redirect { values, .. } => write!(f, "Redirect(••••••{})", names(values)),
            Grant::Oauth1 { token, values, .. } => {
                write!(f, "Oauth1({token}, ••••••{})", names(values))
            }
        }
    }
}

impl Grant {
    /// The request's `providerData`: every value of the redirect (a
    /// refusal's aside), and OAuth 1's request-token `secret`.
    pub fn provider_data(&self) -> BTreeMap<String, Secret> {
        match self {
            Grant::Code(code) => BTreeMap::from([("code".to_string(), code.clone())]),
            Grant::Redirect { code, values } => {
                let mut data = values.clone();
                data.insert("code".to_string(), code.clone());
                data
            }
            Grant::Oauth1 {
                token,
                verifier,
                secret,
                values,
            } => {
                let mut data = values.clone();
                data.extend([
                    ("oauth_token".to_string(), Secret::new(token.as_str())),
                    ("oauth_verifier".to_string(), verifier.clone()),
                    ("secret".to_string(), secret.clone()),
                ]);
                data
            }
        }
    }
}

/// Why an answer did not become a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The person (or the provider) said no. Both texts come from the
    /// provider, already cleaned by the callback parser.
    Denied {
        error: String,
        description: Option<String>,
    },
    /// A pasted text that is not this attempt's redirect.
    NotTheRedirect(CallbackRejection),
    /// OAuth 2 without a code.
    NoCode,
    /// OAuth 1 answered with a code only.
    CodeForOauth1,
    /// OAuth 1 without `oauth_token` and `oauth_verifier`.
    NoOauth1Answer,
    /// OAuth 1 before this attempt's request token arrived.
    NoRequestToken,
    /// OAuth 1 naming another request token: another attempt's answer.
    OtherRequestToken,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Denied { error, description } => write!(
                f,
                "authorization was denied at the provider ({error}{})",
                description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ),
            Refusal::NotTheRedirect(r) => write!(f, "{r}"),
            Refusal::NoCode => f.write_str("the provider's answer carried no authorization code"),
            Refusal::CodeForOauth1 => f.write_str(
                "an OAuth 1 sign-in ends with oauth_token and oauth_verifier, not a code; use the whole address the browser landed on",
            ),
            Refusal::NoOauth1Answer => f.write_str(
                "the provider's answer carried no oauth_token and oauth_verifier (an OAuth 1 element)",
            ),
            Refusal::NoRequestToken => f.write_str("this attempt has no request token yet"),
            Refusal::OtherRequestToken => f.write_str(
                "it names another request token than this attempt's; finish the sign-in in the browser tab opened for this attempt",
            ),
        }
    }
}

/// Tells the diagnostic log that an answer came (masking what it carries
/// from then on). Called where the answer arrives, so [`grant`] stays free
/// of side effects for the wizard's `update`.
pub fn log_answer(outcome: &CallbackOutcome) {
    match outcome {
        CallbackOutcome::Authorized(g) => {
            for s in g
                .code
                .iter()
                .chain(&g.oauth_verifier)
                .chain(g.extra.values())
            {
                crate::log::add_secret(s.expose());
            }
            crate::log::event("oauth", "authorization received");
        }
        CallbackOutcome::Denied { error, .. } => {
            crate::log::event("oauth", format!("authorization denied: {error}"));
        }
    }
}

/// The grant in the provider's answer to this attempt. OAuth 2 takes the
/// code; OAuth 1 the token and verifier, with the secret of the request
/// token it must name.
pub fn grant(
    outcome: CallbackOutcome,
    auth: AuthKind,
    request_token: Option<&RequestToken>,
) -> Result<Grant, Refusal> {
    let g = match outcome {
        CallbackOutcome::Authorized(g) => g,
        CallbackOutcome::Denied { error, description } => {
            return Err(Refusal::Denied { error, description });
        }
    };
    if auth != AuthKind::Oauth1 {
        let code = g.code.ok_or(Refusal::NoCode)?;
        Ok(if g.extra.is_empty() {
            Grant::Code(code)
        } else {
            Grant::Redirect {
                code,
                values: g.extra,
            }
        })
    } else {
        let (Some(token), Some(verifier)) = (g.oauth_token, g.oauth_verifier) else {
            return Err(if g.code.is_some() {
                Refusal::CodeForOauth1
            } else {
                Refusal::NoOauth1Answer
            });
        };
        // The provider echoes the request token it authorized; another one
        // belongs to another attempt.
        match request_token {
            None => Err(Refusal::NoRequestToken),
            Some(rt) if rt.token != token => Err(Refusal::OtherRequestToken),
            Some(rt) => Ok(Grant::Oauth1 {
                token,
                verifier,
                secret: rt.secret.clone(),
                values: g.extra,
            }),
        }
    }
}

/// The grant in a redirected address (or bare code) pasted by hand.
pub fn pasted_grant(
    input: &str,
    state: &OAuthState,
    auth: AuthKind,
    request_token: Option<&RequestToken>,
) -> Result<Grant, Refusal> {
    let outcome = oauth::parse_pasted(input, state).map_err(Refusal::NotTheRedirect)?;
    log_answer(&outcome);
    grant(outcome, auth, request_token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::FieldKind;
    use crate::oauth::ProviderGrant;

    #[test]
    fn only_loopback_callbacks_get_a_listener() {
        assert_eq!(
            loopback_port("http://127.0.0.1:48213/callback"),
            Some(48213)
        );
        assert_eq!(loopback_port("http://localhost:9000/callback"), Some(9000));
        assert_eq!(loopback_port("https://app.example.com/callback"), None);
        assert_eq!(loopback_port("http://127.0.0.1:9000/other"), None);
        assert_eq!(predicted_callback_url(0), "http://127.0.0.1:0/callback");
    }

    fn answer(code: Option<&str>, token: Option<&str>, verifier: Option<&str>) -> CallbackOutcome {
        CallbackOutcome::Authorized(ProviderGrant {
            code: code.map(Secret::new),
            oauth_token: token.map(str::to_string),
            oauth_verifier: verifier.map(Secret::new),
            extra: BTreeMap::new(),
        })
    }

    fn request_token() -> RequestToken {
        RequestToken {
            token: "rt".into(),
            secret: Secret::new("rt-secret"),
        }
    }

    fn shown(m: BTreeMap<String, Secret>) -> Vec<(String, String)> {
        m.into_iter()
            .map(|(k, v)| (k, v.expose().to_string()))
            .collect()
    }

    #[test]
    fn grants_become_provider_data() {
        let rt = request_token();
        let oauth2 = grant(answer(Some("c0de"), None, None), AuthKind::Oauth2, None).unwrap();
        assert_eq!(
            shown(oauth2.provider_data()),
            [("code".to_string(), "c0de".to_string())]
        );
        let oauth1 = grant(
            answer(None, Some("rt"), Some("v")),
            AuthKind::Oauth1,
            Some(&rt),
        )
        .unwrap();
        assert_eq!(
            shown(oauth1.provider_data()),
            [
                ("oauth_token".to_string(), "rt".to_string()),
                ("oauth_verifier".to_string(), "v".to_string()),
                ("secret".to_string(), "rt-secret".to_string()),
            ]
        );
        assert_eq!(format!("{oauth1:?}"), "Oauth1(rt, ••••••)");
    }

    fn with_extra(mut a: CallbackOutcome, extra: &[(&str, &str)]) -> CallbackOutcome {
        if let CallbackOutcome::Authorized(g) = &mut a {
            g.extra = extra
                .iter()
                .map(|(k, v)| (k.to_string(), Secret::new(*v)))
                .collect();
        }
        a
    }

    /// Every other value of the redirect goes along: QuickBooks' `realmId`
    /// and `dataSource`, the `state`; the values never show in Debug.
    #[test]
    fn the_redirects_other_values_join_the_provider_data() {
        let rt = request_token();
        let extra = [
            ("realmId", "4620816365"),
            ("dataSource", "QBO"),
            ("state", "st"),
        ];
        let oauth1 = grant(
            with_extra(answer(None, Some("rt"), Some("v")), &extra),
            AuthKind::Oauth1,
            Some(&rt),
        )
        .unwrap();
        assert_eq!(
            shown(oauth1.provider_data()),
            [
                ("dataSource", "QBO"),
                ("oauth_token", "rt"),
                ("oauth_verifier", "v"),
                ("realmId", "4620816365"),
                ("secret", "rt-secret"),
                ("state", "st"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        let shown_debug = format!("{oauth1:?}");
        assert!(!shown_debug.contains("4620816365") && !shown_debug.contains("rt-secret"));
        assert!(shown_debug.contains("realmId"), "{shown_debug}");
        let oauth2 = grant(
            with_extra(
                answer(Some("c0de"), None, None),
                &[("realmId", "9"), ("state", "st")],
            ),
            AuthKind::Oauth2,
            None,
        )
        .unwrap();
        assert_eq!(
            shown(oauth2.provider_data()),
            [("code", "c0de"), ("realmId", "9"), ("state", "st")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(!format!("{oauth2:?}").contains("c0de"));
    }

    /// A bundled spec names its parameters; a catalog element sends what
    /// was typed for it, but no secret, app setting or event setting.
    #[test]
    fn element_parameters_come_from_the_spec_or_the_typed_values() {
        let shopify = crate::catalog::bundled_spec("shopify").expect("shopify is bundled");
        let mut values = FormValues::new();
        values.set("oauth.api.key", "k");
        values.set("oauth.api.secret", "s");
        values.set("shopify.site.address", "my-shop");
        values.set("oauth.scope", "read_orders");
        assert_eq!(
            element_params(shopify, &values),
            [("scope", "read_orders"), ("siteAddress", "my-shop")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        let app = OAuthApp::for_element(shopify, &values)
            .with_params(&[("scope".to_string(), "write_orders".to_string())]);
        assert_eq!(
            app.params,
            [("siteAddress", "my-shop"), ("scope", "write_orders")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );

        let mut catalog = shopify.clone();
        catalog.bundled = false;
        catalog.oauth_params.clear();
        catalog.fields.push(crate::catalog::FieldSpec::new(
            "acme.region",
            "Region",
            FieldKind::Text,
        ));
        catalog.fields.push(crate::catalog::FieldSpec::new(
            "event.vendor.type",
            "Events",
            FieldKind::Text,
        ));
        values.set("acme.region", "eu");
        values.set("event.vendor.type", "polling");
        assert_eq!(
            element_params(&catalog, &values),
            [
                ("siteAddress", "my-shop"),
                ("shopify.site.address", "my-shop"),
                ("scope", "read_orders"),
                ("oauth.scope", "read_orders"),
                ("acme.region", "eu"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn parameters_that_cannot_be_sent_are_named() {
        assert!(check_param("siteAddress", "my-shop").is_ok());
        assert!(check_param("state", "x")
            .unwrap_err()
            .contains("set by ce-wizard"));
        assert!(check_param("a b", "x").is_err());
        assert!(check_param("", "x").is_err());
        assert!(check_param("scope", "a\u{1b}[2J").is_err());
        assert!(check_param("scope", &"x".repeat(MAX_PARAM_VALUE_BYTES + 1)).is_err());
    }

    #[test]
    fn answers_that_do_not_fit_the_attempt_are_refused() {
        let rt = request_token();
        let oauth1 = |a| grant(a, AuthKind::Oauth1, Some(&rt));
        assert_eq!(
            oauth1(answer(None, Some("other"), Some("v"))),
            Err(Refusal::OtherRequestToken)
        );
        assert_eq!(
            oauth1(answer(Some("c"), None, None)),
            Err(Refusal::CodeForOauth1)
        );
        assert_eq!(
            oauth1(answer(None, None, None)),
            Err(Refusal::NoOauth1Answer)
        );
        // OAuth 1 is judged by its token and verifier alone (the platform's
        // contract names no code): a code beside them changes nothing.
        assert_eq!(
            oauth1(answer(Some("c"), Some("rt"), Some("v"))),
            oauth1(answer(None, Some("rt"), Some("v")))
        );
        assert!(oauth1(answer(Some("c"), Some("rt"), Some("v"))).is_ok());
        assert_eq!(
            grant(answer(None, Some("rt"), Some("v")), AuthKind::Oauth1, None),
            Err(Refusal::NoRequestToken)
        );
        assert_eq!(
            grant(answer(None, Some("rt"), Some("v")), AuthKind::Oauth2, None),
            Err(Refusal::NoCode)
        );
        let denied = grant(
            CallbackOutcome::Denied {
                error: "access_denied".into(),
                description: Some("no".into()),
            },
            AuthKind::Oauth2,
            None,
        )
        .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "authorization was denied at the provider (access_denied: no)"
        );
    }

    #[test]
    fn the_url_request_carries_the_app_the_callback_and_the_state() {
        let mut values = FormValues::new();
        values.set("oauth.api.key", "client-id");
        values.set("oauth.api.secret", "client-secret");
        let app = OAuthApp::from_values(&values);
        assert!(!format!("{app:?}").contains("client-secret"));
        let state = OAuthState::generate();
        let req = app.url_request("http://127.0.0.1:5/callback", &state);
        assert_eq!(req.api_key, "client-id");
        assert_eq!(req.api_secret.expose(), "client-secret");
        assert_eq!(req.callback_url, "http://127.0.0.1:5/callback");
        assert_eq!(req.state.expose(), state.expose());
    }

    #[test]
    fn a_pasted_address_must_carry_this_attempts_state() {
        let state = OAuthState::generate();
        let good = format!(
            "http://127.0.0.1:1/callback?code=abc&state={}",
            state.expose()
        );
        // The state is among the redirect's values, so it goes along.
        assert_eq!(
            pasted_grant(&good, &state, AuthKind::Oauth2, None),
            Ok(Grant::Redirect {
                code: Secret::new("abc"),
                values: BTreeMap::from([("state".to_string(), Secret::new(state.expose()))]),
            })
        );
        assert_eq!(
            pasted_grant("abc", &state, AuthKind::Oauth2, None),
            Ok(Grant::Code(Secret::new("abc")))
        );
        let stale = "http://127.0.0.1:1/callback?code=abc&state=other";
        assert!(matches!(
            pasted_grant(stale, &state, AuthKind::Oauth2, None),
            Err(Refusal::NotTheRedirect(CallbackRejection::WrongState))
        ));
    }
}
