//! The wizard's Authorize step with what the platform's apps send and
//! forward: Shopify's shop and scope on the authorization request (from
//! its bundled spec), and every value of the provider's redirect in the
//! create's `providerData`. Journeys through `update`, and one in-process
//! on the sandbox with the real runner and loopback listener; the OAuth 1
//! ones (QuickBooks, whose form comes from the platform's catalog) run the
//! binary in `tests/it/tui_catalog.rs`.

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

/// The wizard in-process on the sandbox, effects run by the real runner:
/// its loopback listener, its platform calls. File effects (the catalog
/// cache, saved settings) are left out: this journey is about the sign-in.
struct OnSandbox {
    app: crate::tui::app::App,
    runner: crate::tui::effect::Runner,
    actions: tokio::sync::mpsc::UnboundedReceiver<Action>,
}

impl OnSandbox {
    fn start(sb: std::sync::Arc<crate::sandbox::Sandbox>) -> OnSandbox {
        let mut opts = options(None, None, None);
        opts.sandbox = Some(sb);
        opts.callback_port = 0;
        opts.no_browser = true;
        let mut s = settings();
        s.callback_port = 0;
        s.no_browser = true;
        s.sandbox = true;
        s.config_path = None;
        let app = crate::tui::initial_app(&opts, s, crate::tui::theme::Theme::plain());
        let (tx, actions) = tokio::sync::mpsc::unbounded_channel();
        let mut on = OnSandbox {
            app,
            runner: crate::tui::effect::Runner::new(tx),
            actions,
        };
        let effects = crate::tui::update::startup(&mut on.app);
        on.run(effects);
        on
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for e in effects {
            if matches!(
                e,
                Effect::LoadCachedCatalog { .. }
                    | Effect::RefreshCatalog { .. }
                    | Effect::SaveConfig { .. }
                    | Effect::SaveFile { .. }
                    | Effect::Copy { .. }
            ) {
                continue;
            }
            self.runner.run(e, &mut std::io::sink());
        }
    }

    /// Feeds the runner's results to `update` until `done` holds.
    async fn until(&mut self, what: &str, done: impl Fn(&crate::tui::app::App) -> bool) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        while !done(&self.app) {
            let action = tokio::time::timeout_at(deadline, self.actions.recv())
                .await
                .unwrap_or_else(|_| panic!("waited 30 s for {what}"))
                .expect("the runner is alive");
            let effects = update(&mut self.app, action);
            self.run(effects);
        }
    }
}

/// Shopify end to end in-process: the shop and scope reach the sandbox's
/// provider (which refuses an authorization request without the shop),
/// the browser's redirect goes into the real listener, and the instance
/// is created for that shop.
#[tokio::test(flavor = "multi_thread")]
async fn shopify_on_the_sandbox_through_the_real_listener() {
    let sb = std::sync::Arc::new(
        crate::sandbox::Sandbox::start(crate::sandbox::SandboxOptions::default()).unwrap(),
    );
    let mut on = OnSandbox::start(sb.clone());
    on.until("the listener", |app| {
        matches!(app.listener, crate::tui::app::ListenerStatus::Ready { .. })
    })
    .await;
    let app = &mut on.app;
    pick(app, "shopify", "shopify");
    fill(app, "shop-app");
    fill(app, "shop-secret");
    fill(app, "");
    fill(app, "my-shop");
    let effects = ctrl(app, 's');
    on.run(effects);
    on.until("the sign-in link", |app| {
        matches!(
            app.authorize.phase,
            crate::tui::app::AuthPhase::Waiting { .. }
        )
    })
    .await;
    let crate::tui::app::AuthPhase::Waiting { url, .. } = &on.app.authorize.phase else {
        unreachable!()
    };
    let authorize = url::Url::parse(url).unwrap();
    let shop = authorize.query_pairs().find(|(k, _)| k == "shop");
    assert_eq!(
        shop.map(|(_, v)| v.into_owned()).as_deref(),
        Some("my-shop")
    );

    // The person's browser: the consent form, then the redirect into the
    // listener.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    assert_eq!(http.get(url).send().await.unwrap().status(), 200);
    let mut decide = authorize.clone();
    decide.set_path("/provider/oauth/decision");
    let kept: Vec<(String, String)> = authorize
        .query_pairs()
        .filter(|(k, _)| ["client_id", "redirect_uri", "state", "shop"].contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    decide
        .query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("decision", "allow");
    let redirect = http.get(decide).send().await.unwrap();
    let location = redirect.headers()["location"].to_str().unwrap().to_string();
    let landed = http.get(&location).send().await.unwrap().status();
    assert!(landed.is_redirection() || landed.is_success(), "{landed}");

    on.until("the review", |app| app.step == Step::Review).await;
    let effects = enter(&mut on.app);
    on.run(effects);
    on.until("the created instance", |app| !app.created.is_empty())
        .await;
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0]["configuration"]["shopify.site.address"],
        "my-shop"
    );
    on.runner.shutdown().await;
}
