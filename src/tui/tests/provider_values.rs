//! The wizard's Authorize step with what the platform's apps send and
//! forward: Shopify's shop and scope on the authorization request (from
//! its bundled spec), and every value of the provider's redirect in the
//! create's `providerData`. Journeys through `update`; the same on the
//! sandbox, through the real listener, are in `tests/it/tui_catalog.rs`.

use super::support::*;
use crate::flow::oauth::OAuthApp;
use crate::oauth::{CallbackOutcome, ProviderGrant};
use crate::secret::Secret;
use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::Step;
use crate::tui::effect::Effect;
use crate::tui::update::update;

fn pairs_of(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn shopify_asks_for_its_shop_and_scope_and_forwards_the_whole_redirect() {
    let mut app = connected();
    pick(&mut app, "shopify", "shopify");
    fill(&mut app, "shop-app");
    fill(&mut app, "shop-secret");
    fill(&mut app, "");
    fill(&mut app, "my-shop");
    let effects = ctrl(&mut app, 's');
    assert_eq!(app.step, Step::Authorize);
    let attempt = match effects.as_slice() {
        [Effect::StartAuthorization {
            attempt,
            app: OAuthApp { params, .. },
            ..
        }] => {
            assert_eq!(
                params,
                &pairs_of(&[
                    ("scope", "write_orders,write_products,write_customers"),
                    ("siteAddress", "my-shop"),
                ])
            );
            *attempt
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://my-shop.example/admin/oauth/authorize?x=1".into()),
        },
    );
    let redirect = ProviderGrant {
        code: Some(Secret::new("the-code")),
        extra: [("state", "st"), ("hmac", "h1"), ("shop", "my-shop")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Secret::new(v)))
            .collect(),
        ..ProviderGrant::default()
    };
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: CallbackResult::Answered(CallbackOutcome::Authorized(redirect)),
        },
    );
    assert_eq!(app.step, Step::Review);
    match enter(&mut app).as_slice() {
        [Effect::Create { body, .. }] => {
            let sent: Vec<(String, String)> = body
                .provider_data
                .as_ref()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.expose().to_string()))
                .collect();
            assert_eq!(
                sent,
                pairs_of(&[
                    ("code", "the-code"),
                    ("hmac", "h1"),
                    ("shop", "my-shop"),
                    ("state", "st"),
                ])
            );
            assert_eq!(
                body.configuration
                    .get("shopify.site.address")
                    .map(|v| v.expose()),
                Some("my-shop")
            );
        }
        other => panic!("{other:?}"),
    }
}
