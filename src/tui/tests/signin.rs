//! Elements with several sign-in kinds in the wizard: the choice on the
//! Configure step decides whether Authorize runs and what the create
//! carries; a live catalog that names another kind than the bundled form
//! wins, and the Configure step says so. One journey runs the real effect
//! runner against the sandbox: Ecwid's OAuth 2 through the real loopback
//! listener (devportal `docs/elements/ecwid/ecwid-create-instance.md`).

use super::support::*;
use crate::api::ConfigEntry;
use crate::catalog::{bundled_spec, signin, spec_from_metadata, AuthKind, Catalog};
use crate::config::Environment;
use crate::tui::action::Action;
use crate::tui::app::{App, Step};
use crate::tui::effect::{Effect, Runner};
use crate::tui::steps::configure::FormItem;
use crate::tui::update::{startup, update};
use crossterm::event::KeyCode;
use std::time::Duration;

fn shown_keys(app: &App) -> Vec<String> {
    app.form()
        .unwrap()
        .items()
        .into_iter()
        .filter_map(|i| match i {
            FormItem::Field(k) => Some(k),
            _ => None,
        })
        .collect()
}

/// From the Advanced fold: Tab to the name (its default kept), Enter to
/// the tags, Enter again to finish.
fn finish(app: &mut App) -> Vec<Effect> {
    assert_eq!(app.form().unwrap().focus, FormItem::Advanced);
    tab(app);
    enter(app);
    enter(app)
}

#[test]
fn ecwid_offers_its_legacy_keys_first_and_oauth2_on_the_choice() {
    let mut app = connected();
    pick(&mut app, "ecw", "ecwid");
    // The legacy keys are the default kind: typing starts there, the
    // choice is one row up.
    assert_eq!(
        app.form().unwrap().focus,
        FormItem::Field("ecwid.store.id".into())
    );
    assert_eq!(app.auth_kind(), Some(AuthKind::Custom));
    assert!(!app.visible_steps().contains(&Step::Authorize));
    assert_eq!(
        shown_keys(&app)[..4],
        [
            "authentication.type",
            "ecwid.store.id",
            "ecwid.order.key",
            "ecwid.product.key"
        ]
    );

    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Right);
    assert_eq!(app.form().unwrap().value("authentication.type"), "oauth2");
    assert_eq!(app.auth_kind(), Some(AuthKind::Oauth2));
    assert!(app.visible_steps().contains(&Step::Authorize));
    assert_eq!(
        shown_keys(&app)[..4],
        [
            "authentication.type",
            "oauth.api.key",
            "oauth.api.secret",
            "oauth.callback.url"
        ]
    );
    assert_eq!(app.form().unwrap().value("oauth.callback.url"), CALLBACK);

    // Back to the legacy keys: Ctrl-S with them filled goes to the review,
    // no sign-in, and the kind goes along.
    key(&mut app, KeyCode::Left);
    enter(&mut app);
    fill(&mut app, "1003");
    fill(&mut app, "order-key");
    fill(&mut app, "product-key");
    let effects = finish(&mut app);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.step, Step::Review);
    let (_, config, ..) = created_config(&enter(&mut app));
    let sent = |k: &str| {
        config
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(sent("authentication.type"), Some("custom"));
    assert_eq!(sent("oauth.api.key"), None);
}

#[test]
fn ecwid_oauth2_goes_through_authorize_with_the_app_keys() {
    let mut app = connected();
    pick(&mut app, "ecw", "ecwid");
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Right);
    enter(&mut app);
    fill(&mut app, "ecwid-app");
    fill(&mut app, "ecwid-secret");
    fill(&mut app, "");
    let effects = finish(&mut app);
    assert_eq!(app.step, Step::Authorize);
    match effects.as_slice() {
        [Effect::StartAuthorization {
            element_key, auth, ..
        }] => assert_eq!((element_key.as_str(), *auth), ("ecwid", AuthKind::Oauth2)),
        other => panic!("{other:?}"),
    }
}

/// The live catalog names a kind the bundled form lacks: the form is
/// fetched from the platform, followed, and the Configure step says why.
#[test]
fn a_live_catalog_that_signs_in_another_way_wins_and_is_said() {
    let mut app = connected();
    let attempt = startup_refresh(&app);
    let mut elements = platform_elements(0);
    let woo = elements
        .iter_mut()
        .find(|e| e.key == "woocommerce")
        .unwrap();
    woo.auth = AuthKind::Oauth2;
    let live = Catalog::live(crate::api::PRODUCTION_URL, fetched_at(), elements);
    refreshed(&mut app, attempt, Ok(live));
    let entry = app.catalog.catalog.find("woocommerce").unwrap().clone();
    assert_eq!(entry.auth, AuthKind::Oauth2, "the platform's kind is kept");
    type_text(&mut app, "woocommerce (");
    assert_eq!(
        app.highlighted().map(|e| e.key.as_str()),
        Some("woocommerce")
    );
    let attempt = match enter(&mut app).as_slice() {
        [Effect::LoadSpec { attempt, entry, .. }] => {
            assert_eq!(entry.auth, AuthKind::Oauth2);
            *attempt
        }
        other => panic!("the bundled form opened at once: {other:?}"),
    };
    let metadata: Vec<ConfigEntry> = serde_json::from_value(serde_json::json!([
        {"key": "store.url", "name": "Store", "type": "TEXTFIELD_1000", "required": true}
    ]))
    .unwrap();
    let bundled = bundled_spec("woocommerce").unwrap();
    let followed = signin::follow_platform(bundled, &spec_from_metadata(&entry, &metadata));
    update(
        &mut app,
        Action::SpecLoaded {
            attempt,
            result: Ok(Box::new(followed)),
        },
    );
    assert_eq!(app.step, Step::Configure);
    assert!(app.is_oauth());
    let shown = screen(&app, 100, 30);
    assert!(
        shown.contains("Note: The platform says WooCommerce (legacy) signs in with oauth2"),
        "{shown}"
    );
}

/// Ecwid's OAuth 2 end to end in process: the wizard's own effect runner
/// against the sandbox, the consent given over HTTP and the provider's
/// redirect followed into the runner's real loopback listener; the
/// sandbox stores an OAuth 2 Ecwid instance.
#[test]
fn ecwid_oauth2_end_to_end_on_the_sandbox() {
    let sb = crate::sandbox::Sandbox::start(Default::default()).unwrap();
    let mut opts = options(
        Some(Environment::Custom(sb.base_url())),
        Some(sb.user_secret()),
        Some(sb.org_secret()),
    );
    opts.callback_port = 0;
    let mut set = settings();
    set.callback_port = 0;
    let mut app = crate::tui::initial_app(&opts, set, crate::tui::theme::Theme::plain());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(tx);
    // Runs an effect and waits for the action it reports that `wanted`
    // accepts, as the wizard's loop would deliver them.
    let run = |runner: &mut Runner,
               rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>,
               effect: Option<Effect>,
               wanted: &dyn Fn(&Action) -> bool|
     -> Action {
        rt.block_on(async {
            if let Some(effect) = effect {
                runner.run(effect, &mut std::io::sink());
            }
            loop {
                let action = tokio::time::timeout(Duration::from_secs(20), rx.recv())
                    .await
                    .expect("an answer in time")
                    .expect("the runner is alive");
                if wanted(&action) {
                    return action;
                }
            }
        })
    };

    let bind = startup(&mut app)
        .into_iter()
        .find(|e| matches!(e, Effect::CheckCallbackPort { .. }))
        .expect("the listener is bound at startup");
    let bound = run(&mut runner, &mut rx, Some(bind), &|a| {
        matches!(a, Action::CallbackPortChecked(_))
    });
    update(&mut app, bound);
    let callback = app.callback_url().expect("listening").to_string();

    pick(&mut app, "ecw", "ecwid");
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Right);
    enter(&mut app);
    fill(&mut app, "ecwid-app");
    fill(&mut app, "ecwid-app-secret");
    fill(&mut app, "");
    let start = finish(&mut app).pop().expect("StartAuthorization");
    let fetched = run(&mut runner, &mut rx, Some(start), &|a| {
        matches!(a, Action::AuthUrlFetched { .. })
    });
    let Action::AuthUrlFetched {
        result: Ok(link), ..
    } = &fetched
    else {
        panic!("{fetched:?}")
    };
    let link = link.clone();
    // Opening a browser is the person's side: played over HTTP below.
    let _ = update(&mut app, fetched);

    let followed = rt.spawn(async move {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let page = http.get(&link).send().await.unwrap();
        assert_eq!(page.status(), 200, "the consent page");
        let q = url::Url::parse(&link).unwrap();
        let get = |k: &str| {
            q.query_pairs()
                .find(|(a, _)| a == k)
                .map(|(_, b)| b.into_owned())
                .unwrap()
        };
        let mut decision = q.clone();
        decision.set_path("/provider/oauth/decision");
        decision
            .query_pairs_mut()
            .clear()
            .append_pair("client_id", &get("client_id"))
            .append_pair("redirect_uri", &get("redirect_uri"))
            .append_pair("state", &get("state"))
            .append_pair("decision", "allow");
        let redirect = http.get(decision).send().await.unwrap();
        let location = redirect.headers()["location"].to_str().unwrap().to_string();
        let back = http.get(&location).send().await.unwrap();
        (location, back.status().as_u16())
    });
    let callback_action = run(&mut runner, &mut rx, None, &|a| {
        matches!(a, Action::Callback { .. })
    });
    let (location, status) = rt.block_on(followed).unwrap();
    assert!(location.starts_with(&callback), "{location}");
    assert_eq!(status, 302, "the listener takes the redirect");
    assert!(
        matches!(callback_action, Action::Callback { .. }),
        "{callback_action:?}"
    );
    update(&mut app, callback_action);
    assert_eq!(app.step, Step::Review);

    let create = enter(&mut app).pop().expect("Create");
    assert!(matches!(create, Effect::Create { .. }), "{create:?}");
    let created = run(&mut runner, &mut rx, Some(create), &|a| {
        matches!(
            a,
            Action::Created { .. }
                | Action::NothingCreated { .. }
                | Action::CreateOutcomeUnknown { .. }
        )
    });
    assert!(
        matches!(created, Action::Created { result: Ok(_), .. }),
        "{created:?}"
    );
    update(&mut app, created);
    assert_eq!(app.step, Step::Done);

    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    let cfg = &stored[0]["configuration"];
    assert_eq!(stored[0]["element"]["key"], "ecwid");
    assert_eq!(cfg["authentication.type"], "oauth2");
    assert_eq!(cfg["oauth.api.key"], "ecwid-app");
    assert_eq!(cfg["oauth.callback.url"], callback.as_str());
    assert!(cfg.get("ecwid.store.id").is_none());
    rt.block_on(runner.shutdown());
}
