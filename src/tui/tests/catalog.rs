//! The live catalog in the Element step: the cache shown at once, the
//! refresh swapped in (or its failure noted), forms built from metadata,
//! `--element` for any catalog key, and a long list moved through.

use super::support::*;
use crate::api::RequestToken;
use crate::catalog::{AuthKind, CachedCatalog, Catalog, FieldKind, Lookup};
use crate::flow::oauth::OAuthApp;
use crate::oauth::{CallbackOutcome, ProviderGrant};
use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::{App, AuthPhase, AuthProblem, Grant, Pending, Step};
use crate::tui::effect::Effect;
use crate::tui::steps::configure::FormItem;
use crate::tui::update::{startup, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

const DAY: Duration = Duration::from_secs(86_400);

fn highlighted(app: &App) -> &str {
    app.highlighted().map(|e| e.key.as_str()).unwrap_or("")
}

fn cached(app: &mut App, catalog: Catalog, age: Duration) {
    update(
        app,
        Action::CachedCatalog {
            base_url: crate::api::PRODUCTION_URL.into(),
            cached: Some(Box::new(CachedCatalog {
                catalog,
                fetched_at: fetched_at(),
            })),
            now: fetched_at() + age,
        },
    );
}

#[test]
fn a_stale_cache_shows_at_once_and_the_refresh_replaces_it_keeping_filter_and_selection() {
    let mut app = connected();
    let refresh = startup_refresh(&app);
    assert!(!app.catalog.catalog.is_live());
    type_text(&mut app, "e");
    while highlighted(&app) != "magentov20" {
        key(&mut app, KeyCode::Down);
    }

    // The cache of three days ago: shown as it is, with its age.
    let mut old = platform_elements(40);
    old.push(entry(
        "retiredone",
        "Retired One",
        "crm",
        AuthKind::Custom,
        false,
    ));
    let stale = Catalog::live(crate::api::PRODUCTION_URL, fetched_at(), old);
    cached(&mut app, stale, 3 * DAY);
    assert!(app.catalog.catalog.is_live());
    assert_eq!(
        app.catalog.catalog.len(),
        44 + crate::catalog::bundled().len()
    );
    assert_eq!(app.catalog.age_at(app.clock.now()), Some(3 * DAY));
    assert_eq!(app.picker.filter.value(), "e", "the filter is kept");
    assert_eq!(highlighted(&app), "magentov20", "the selection is kept");
    assert!(app
        .picker
        .matches()
        .iter()
        .any(|&i| app.catalog.entries()[i].key == "retiredone"));

    // The refresh: another list, fresh.
    refreshed(&mut app, refresh, Ok(live_catalog(60)));
    assert_eq!(
        app.catalog.catalog.len(),
        63 + crate::catalog::bundled().len()
    );
    assert_eq!(app.catalog.age_at(app.clock.now()), Some(Duration::ZERO));
    assert_eq!(app.catalog.refreshing, None);
    assert_eq!(app.picker.filter.value(), "e");
    assert_eq!(highlighted(&app), "magentov20");
    assert!(app.catalog.catalog.find("retiredone").is_none());

    // A cache read late never replaces what the platform just said.
    let late = Catalog::live(
        crate::api::PRODUCTION_URL,
        fetched_at(),
        platform_elements(1),
    );
    cached(&mut app, late, DAY);
    assert_eq!(
        app.catalog.catalog.len(),
        63 + crate::catalog::bundled().len()
    );
}

#[test]
fn the_age_grows_with_the_ticks() {
    let mut app = connected_live(0);
    let later = app.clock.now() + Duration::from_secs(180);
    update(&mut app, Action::Tick(later));
    assert_eq!(
        app.catalog.age_at(app.clock.now()),
        Some(Duration::from_secs(180))
    );
}

#[test]
fn a_swap_that_drops_the_selected_element_keeps_the_position() {
    let mut app = connected_live(30);
    type_text(&mut app, "generated00");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let before = app.picker.selected;
    let attempt = match ctrl(&mut app, 'r').as_slice() {
        [Effect::RefreshCatalog { attempt, .. }] => *attempt,
        other => panic!("{other:?}"),
    };
    let mut fewer = platform_elements(30);
    fewer.retain(|e| e.key != "generated0002");
    let fewer = Catalog::live(crate::api::PRODUCTION_URL, fetched_at(), fewer);
    refreshed(&mut app, attempt, Ok(fewer));
    assert_eq!(app.picker.selected, before);
    assert_eq!(app.picker.filter.value(), "generated00");
}

#[test]
fn a_failed_refresh_keeps_the_list_and_notes_it_quietly() {
    // Never fetched: the bundled elements stay.
    let mut app = connected();
    let refresh = startup_refresh(&app);
    refreshed(&mut app, refresh, Err(offline()));
    assert!(!app.catalog.catalog.is_live());
    assert_eq!(app.catalog.catalog.len(), crate::catalog::bundled().len());
    assert_eq!(app.catalog.problem, Some(offline()));
    assert_eq!(app.notice, None, "a note in the pane, not an error line");
    assert_eq!(app.catalog.refreshing, None);

    // Fetched once, then offline: the live list stays.
    let mut app = connected_live(20);
    let attempt = match key(&mut app, KeyCode::F(5)).as_slice() {
        [Effect::RefreshCatalog { attempt, .. }] => *attempt,
        other => panic!("{other:?}"),
    };
    refreshed(&mut app, attempt, Err(offline()));
    assert!(app.catalog.catalog.is_live());
    assert_eq!(
        app.catalog.catalog.len(),
        23 + crate::catalog::bundled().len()
    );
    assert_eq!(app.catalog.problem, Some(offline()));

    // Trying again clears the note while it runs; success removes it.
    let attempt = match ctrl(&mut app, 'r').as_slice() {
        [Effect::RefreshCatalog { attempt, .. }] => *attempt,
        other => panic!("{other:?}"),
    };
    assert_eq!(app.catalog.problem, None);
    refreshed(&mut app, attempt, Ok(live_catalog(21)));
    assert_eq!(
        app.catalog.catalog.len(),
        24 + crate::catalog::bundled().len()
    );
}

#[test]
fn one_refresh_at_a_time_and_only_for_this_connection() {
    let mut app = connected();
    assert!(
        ctrl(&mut app, 'r').is_empty(),
        "the startup refresh is still running"
    );
    let refresh = startup_refresh(&app);
    // An answer for another platform (the connection changed) is dropped.
    update(
        &mut app,
        Action::CatalogRefreshed {
            attempt: refresh,
            base_url: crate::api::STAGING_URL.into(),
            result: Ok(Box::new(live_catalog(3))),
        },
    );
    assert!(!app.catalog.catalog.is_live());
    assert_eq!(app.catalog.refreshing, None);
    assert!(matches!(
        ctrl(&mut app, 'r').as_slice(),
        [Effect::RefreshCatalog { platform, .. }] if platform.base_url == crate::api::PRODUCTION_URL
    ));
}

#[test]
fn the_connection_check_brings_the_catalog_with_it() {
    let mut app = fresh();
    type_text(&mut app, USER);
    tab(&mut app);
    type_text(&mut app, ORG);
    let attempt = match enter(&mut app).as_slice() {
        [Effect::CheckConnection { attempt, .. }] => *attempt,
        other => panic!("{other:?}"),
    };
    // The check's fetch arrives first, then the verdict.
    refreshed(&mut app, attempt, Ok(live_catalog(10)));
    update(
        &mut app,
        Action::ConnectionChecked {
            attempt,
            result: Ok(18),
        },
    );
    assert_eq!(app.step, Step::Element);
    assert_eq!(
        app.catalog.catalog.len(),
        13 + crate::catalog::bundled().len()
    );
}

#[test]
fn a_metadata_element_loads_then_opens_its_form() {
    let mut app = connected_live(10);
    type_text(&mut app, "nimbus");
    let effects = enter(&mut app);
    let attempt = match effects.as_slice() {
        [Effect::LoadSpec {
            attempt,
            entry,
            platform: crate::tui::effect::Platform { base_url, creds },
        }] => {
            assert_eq!(entry, &nimbusdesk());
            assert_eq!(base_url, crate::api::PRODUCTION_URL);
            assert_eq!((creds.user.expose(), creds.org.expose()), (USER, ORG));
            *attempt
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(app.step, Step::Element);
    assert!(matches!(
        &app.picker.pending,
        Some(Pending::Spec { failed: None, .. })
    ));
    // While it loads, typing does not change the filter.
    type_text(&mut app, "x");
    assert_eq!(app.picker.filter.value(), "nimbus");

    update(
        &mut app,
        Action::SpecLoaded {
            attempt,
            result: Ok(Box::new(spec_of(&nimbusdesk()))),
        },
    );
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.picker.pending, None);
    let form = app.form().unwrap();
    let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        &keys[..8],
        [
            "nimbus.account.id",
            "nimbus.subdomain",
            "nimbus.api.key",
            "nimbus.region",
            "nimbus.agent.email",
            "nimbus.sandbox",
            "nimbus.signature",
            "nimbus.portal.url",
        ],
        "in display order, hidden-but-required asked, internal and inactive not"
    );
    let kind = |k: &str| form.field(k).unwrap().kind;
    assert_eq!(kind("nimbus.api.key"), FieldKind::Secret);
    assert_eq!(kind("nimbus.region"), FieldKind::Choice);
    assert_eq!(kind("nimbus.sandbox"), FieldKind::Boolean);
    assert_eq!(kind("nimbus.signature"), FieldKind::Textarea);
    assert_eq!(kind("nimbus.portal.url"), FieldKind::Url);
    assert_eq!(form.value("nimbus.region"), "us", "defaults are prefilled");
    assert_eq!(form.value("nimbus.page.size"), "50");
    assert_eq!(form.field("nimbus.subdomain").unwrap().max_length, Some(32));
    assert!(!app.is_oauth());

    // Validation as for a bundled form: the hidden required one first.
    assert!(ctrl(&mut app, 's').is_empty());
    assert_eq!(
        app.form().unwrap().focus,
        FormItem::Field("nimbus.account.id".into())
    );
    fill(&mut app, "acct-7");
    type_text(&mut app, "way-too-long-for-a-subdomain-of-32-chars");
    enter(&mut app);
    assert!(app
        .form()
        .unwrap()
        .errors
        .contains_key(&FormItem::Field("nimbus.subdomain".into())));
    ctrl(&mut app, 'u');
    fill(&mut app, "acme");
    fill(&mut app, "nk-123");
    key(&mut app, KeyCode::Right);
    assert_eq!(app.form().unwrap().value("nimbus.region"), "eu");
    enter(&mut app);
    fill(&mut app, "agent@acme.example");
    key(&mut app, KeyCode::Char(' '));
    enter(&mut app);
    // The signature takes several lines.
    type_text(&mut app, "Thanks,");
    assert!(ctrl(&mut app, 'j').is_empty());
    type_text(&mut app, "The Acme team");
    ctrl(&mut app, 's');
    assert_eq!(app.step, Step::Review);
    let (_, config, ..) = created_config(&enter(&mut app));
    assert_eq!(
        config,
        pairs(&[
            ("nimbus.account.id", "acct-7"),
            ("nimbus.agent.email", "agent@acme.example"),
            ("nimbus.api.key", "nk-123"),
            ("nimbus.page.size", "50"),
            ("nimbus.region", "eu"),
            ("nimbus.sandbox", "true"),
            ("nimbus.signature", "Thanks,\nThe Acme team"),
            ("nimbus.subdomain", "acme"),
        ])
    );

    // Back to the list and the same element again: no second fetch, and
    // nothing typed is lost.
    esc(&mut app);
    esc(&mut app);
    esc(&mut app);
    assert_eq!(app.step, Step::Element);
    assert!(enter(&mut app).is_empty());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.form().unwrap().value("nimbus.subdomain"), "acme");
}

#[test]
fn a_load_that_fails_can_be_retried_or_left() {
    let mut app = connected_live(0);
    type_text(&mut app, "nimbus");
    let [Effect::LoadSpec { attempt: first, .. }] = enter(&mut app)[..] else {
        panic!()
    };
    update(
        &mut app,
        Action::SpecLoaded {
            attempt: first,
            result: Err(report(502, "The provider did not answer")),
        },
    );
    match &app.picker.pending {
        Some(Pending::Spec {
            failed: Some(r), ..
        }) => assert_eq!(r.request_id.as_deref(), Some("req-42")),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.step, Step::Element);

    // Enter tries again with a new attempt; the old one's answer is stale.
    let [Effect::LoadSpec {
        attempt: second, ..
    }] = enter(&mut app)[..]
    else {
        panic!()
    };
    assert_ne!(first, second);
    update(
        &mut app,
        Action::SpecLoaded {
            attempt: first,
            result: Ok(Box::new(spec_of(&nimbusdesk()))),
        },
    );
    assert_eq!(app.step, Step::Element, "a stale answer is ignored");
    update(
        &mut app,
        Action::SpecLoaded {
            attempt: second,
            result: Err(report(500, "again")),
        },
    );
    // Esc leaves it: back to the list as it was, filter kept.
    esc(&mut app);
    assert_eq!(app.picker.pending, None);
    assert_eq!(app.picker.filter.value(), "nimbus");
    esc(&mut app);
    assert!(app.picker.filter.is_empty());
    pick(&mut app, "bigc", "bigcommerce");
    assert_eq!(app.step, Step::Configure);
}

#[test]
fn esc_cancels_a_load_and_its_late_answer_is_ignored() {
    let mut app = connected_live(0);
    type_text(&mut app, "nimbus");
    let [Effect::LoadSpec { attempt, .. }] = enter(&mut app)[..] else {
        panic!()
    };
    assert!(esc(&mut app).is_empty());
    assert_eq!(app.picker.pending, None);
    assert_eq!(app.step, Step::Element);
    update(
        &mut app,
        Action::SpecLoaded {
            attempt,
            result: Ok(Box::new(spec_of(&nimbusdesk()))),
        },
    );
    assert_eq!(app.step, Step::Element);
    assert_eq!(app.element, None);
}

#[test]
fn an_oauth2_metadata_element_gets_the_authorize_step() {
    let mut app = connected_live(0);
    pick_metadata(&mut app, "aurora", &auroracrm());
    assert!(app.is_oauth());
    assert_eq!(app.step_position(), (3, 6));
    let form = app.form().unwrap();
    assert_eq!(form.value("oauth.callback.url"), CALLBACK);
    assert_eq!(form.value("aurora.edition"), "business");
    fill(&mut app, "app-id");
    fill(&mut app, "app-secret");
    tab(&mut app);
    fill(&mut app, "https://acme.aurora.example");
    let effects = ctrl(&mut app, 's');
    match effects.as_slice() {
        [Effect::StartAuthorization {
            element_key, auth, ..
        }] => assert_eq!(
            (element_key.as_str(), *auth),
            ("auroracrm", AuthKind::Oauth2)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.step, Step::Authorize);
}

/// Kestrel Social's form filled in and submitted: the attempt number.
fn kestrel_authorizing(app: &mut App) -> u64 {
    pick_metadata(app, "kestrel", &kestrelsocial());
    assert_eq!(
        app.form().unwrap().value("oauth.api.key"),
        "",
        "the metadata's placeholder default is not prefilled"
    );
    fill(app, "kestrel-app-key");
    fill(app, "kestrel-app-secret");
    match ctrl(app, 's').as_slice() {
        [Effect::StartAuthorization {
            attempt,
            element_key,
            auth,
            app:
                OAuthApp {
                    api_key,
                    api_secret,
                    ..
                },
            callback_url,
            ..
        }] => {
            assert_eq!(
                (element_key.as_str(), *auth, api_key.as_str()),
                ("kestrelsocial", AuthKind::Oauth1, "kestrel-app-key")
            );
            assert_eq!(api_secret.expose(), "kestrel-app-secret");
            assert_eq!(callback_url, CALLBACK);
            *attempt
        }
        other => panic!("{other:?}"),
    }
}

fn request_token(attempt: u64) -> Action {
    Action::RequestTokenIssued {
        attempt,
        result: Ok(RequestToken {
            token: "req-token-1".into(),
            secret: "req-token-secret".into(),
        }),
    }
}

fn oauth1_callback(attempt: u64, token: &str) -> Action {
    Action::Callback {
        attempt,
        pasted: false,
        result: oauth1_answer(token, "verifier-9"),
    }
}

/// The platform's OAuth 1 contract asks for the token, the verifier and the
/// request token's secret; a `code` beside them is not part of it and does
/// not stop the sign-in (as in `create`: both use `flow::oauth::grant`).
#[test]
fn an_oauth1_answer_with_a_stray_code_still_signs_in() {
    let mut app = connected_live(0);
    let attempt = kestrel_authorizing(&mut app);
    update(&mut app, request_token(attempt));
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(
                "http://127.0.0.1:9/provider/oauth1/authorize?oauth_token=req-token-1".into(),
            ),
        },
    );
    let answer = CallbackOutcome::Authorized(ProviderGrant {
        code: Some("stray-code".into()),
        oauth_token: Some("req-token-1".into()),
        oauth_verifier: Some("verifier-9".into()),
        ..ProviderGrant::default()
    });
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: CallbackResult::Answered(answer),
        },
    );
    assert_eq!(app.step, Step::Review, "{:?}", app.notice);
    let effects = enter(&mut app);
    let [Effect::Create { body, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let provider = body.provider_data.as_ref().unwrap();
    assert_eq!(
        provider.keys().collect::<Vec<_>>(),
        ["oauth_token", "oauth_verifier", "secret"]
    );
    assert_eq!(provider["oauth_verifier"].expose(), "verifier-9");
}

#[test]
fn an_oauth1_attempt_sends_token_verifier_and_secret() {
    let mut app = connected_live(0);
    let attempt = kestrel_authorizing(&mut app);
    assert_eq!(app.step, Step::Authorize);
    update(&mut app, request_token(attempt));
    let effects = update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(
                "http://127.0.0.1:9/provider/oauth1/authorize?oauth_token=req-token-1".into(),
            ),
        },
    );
    assert!(matches!(effects.as_slice(), [Effect::OpenBrowser { .. }]));

    // A redirect naming another request token belongs to another attempt.
    update(&mut app, oauth1_callback(attempt, "someone-elses"));
    assert_eq!(app.step, Step::Authorize);
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("another request token"));
    // A bare code cannot finish an OAuth 1 sign-in.
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: code("just-a-code"),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    assert!(app.notice.as_ref().unwrap().text.contains("oauth_verifier"));

    update(&mut app, oauth1_callback(attempt, "req-token-1"));
    assert_eq!(app.step, Step::Review);
    let effects = enter(&mut app);
    let [Effect::Create { body, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let provider: Vec<(String, String)> = body
        .provider_data
        .as_ref()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.expose().to_string()))
        .collect();
    assert_eq!(
        provider,
        pairs(&[
            ("oauth_token", "req-token-1"),
            ("oauth_verifier", "verifier-9"),
            ("secret", "req-token-secret"),
        ])
    );
    let config: Vec<(String, String)> = body
        .configuration
        .iter()
        .map(|(k, v)| (k.clone(), v.expose().to_string()))
        .collect();
    assert_eq!(
        config,
        pairs(&[
            ("kestrel.include.replies", "true"),
            ("oauth.api.key", "kestrel-app-key"),
            ("oauth.api.secret", "kestrel-app-secret"),
            ("oauth.callback.url", CALLBACK),
        ])
    );
    // Nothing of the grant shows in the model's Debug output.
    let debug = format!("{app:?} {effects:?}");
    for secret in ["verifier-9", "req-token-secret"] {
        assert!(!debug.contains(secret), "{secret}");
    }
}

#[test]
fn oauth1_failures_deny_and_retry_like_oauth2() {
    let mut app = connected_live(0);
    let attempt = kestrel_authorizing(&mut app);
    // No request token: the platform's reason, and Enter tries again.
    update(
        &mut app,
        Action::RequestTokenIssued {
            attempt,
            result: Err(report(400, "apiKey is not registered")),
        },
    );
    assert!(matches!(
        &app.authorize.phase,
        AuthPhase::Failed(AuthProblem::RequestTokenFailed(r)) if r.message == "apiKey is not registered"
    ));
    let [Effect::StartAuthorization {
        attempt: second,
        auth: AuthKind::Oauth1,
        ..
    }] = enter(&mut app)[..]
    else {
        panic!()
    };
    assert_eq!(
        app.authorize.request_token, None,
        "a new attempt, a new token"
    );
    // A token of the old attempt is not taken.
    update(&mut app, request_token(attempt));
    assert_eq!(app.authorize.request_token, None);
    update(&mut app, request_token(second));
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt: second,
            result: Ok(
                "http://127.0.0.1:9/provider/oauth1/authorize?oauth_token=req-token-1".into(),
            ),
        },
    );
    update(
        &mut app,
        Action::Callback {
            attempt: second,
            pasted: false,
            result: denied("access_denied", None),
        },
    );
    assert!(matches!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::Denied { .. })
    ));
    let [Effect::StartAuthorization { attempt: third, .. }] = enter(&mut app)[..] else {
        panic!()
    };
    update(&mut app, request_token(third));
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt: third,
            result: Ok(
                "http://127.0.0.1:9/provider/oauth1/authorize?oauth_token=req-token-1".into(),
            ),
        },
    );
    // The redirect pasted by hand works as for OAuth 2.
    update(
        &mut app,
        Action::Callback {
            attempt: third,
            pasted: true,
            result: oauth1_answer("req-token-1", "v"),
        },
    );
    assert_eq!(app.step, Step::Review);
    assert!(matches!(
        app.authorize.grant,
        Some((Grant::Oauth1 { .. }, _))
    ));

    // A failed create spends the grant: a new sign-in is needed.
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(report(500, "provider error")),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    assert_eq!(app.authorize.grant, None);
}

#[test]
fn element_flag_looks_up_a_key_that_is_not_bundled() {
    let mut app = with_element("kestrelsocial", Some(USER));
    assert_eq!(app.step, Step::Element);
    let effects = startup(&mut app);
    let attempt = match effects.as_slice() {
        [Effect::CheckCallbackPort { .. }, Effect::LoadCachedCatalog { .. }, Effect::LookupElement { attempt, key, .. }] =>
        {
            assert_eq!(key, "kestrelsocial");
            *attempt
        }
        other => panic!("the refresh waits for the lookup: {other:?}"),
    };
    assert_eq!(app.catalog.refreshing, None);
    assert!(matches!(app.picker.pending, Some(Pending::Lookup { .. })));
    update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));

    let effects = update(
        &mut app,
        Action::ElementLookedUp {
            attempt,
            key: "kestrelsocial".into(),
            result: Ok(Lookup::Found(kestrelsocial())),
        },
    );
    let spec_attempt = match effects.as_slice() {
        [Effect::RefreshCatalog { .. }, Effect::LoadSpec { attempt, entry, .. }] => {
            assert_eq!(entry, &kestrelsocial());
            *attempt
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Action::SpecLoaded {
            attempt: spec_attempt,
            result: Ok(Box::new(spec_of(&kestrelsocial()))),
        },
    );
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.element.as_deref(), Some("kestrelsocial"));
}

#[test]
fn element_flag_with_an_unknown_key_shows_the_list_filtered_with_suggestions() {
    let mut app = with_element("kestrelsocal", Some(USER));
    let effects = startup(&mut app);
    let [_, _, Effect::LookupElement { attempt, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut app,
        Action::ElementLookedUp {
            attempt,
            key: "kestrelsocal".into(),
            result: Ok(Lookup::Unknown {
                suggestions: vec!["kestrelsocial".into(), "kestrelcrm".into()],
            }),
        },
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::RefreshCatalog { .. }]
    ));
    assert_eq!(app.step, Step::Element);
    assert_eq!(app.picker.pending, None);
    assert_eq!(app.picker.filter.value(), "kestrelsocal");
    let notice = app.notice.as_ref().unwrap();
    assert_eq!(
        notice.text,
        "The catalog has no element \"kestrelsocal\"; did you mean kestrelsocial, kestrelcrm?"
    );

    // A lookup that cannot reach the platform says so, and the list stays.
    let mut app = with_element("nimbusdesk", Some(USER));
    let effects = startup(&mut app);
    let [_, _, Effect::LookupElement { attempt, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Action::ElementLookedUp {
            attempt,
            key: "nimbusdesk".into(),
            result: Err(report(401, "bad secrets")),
        },
    );
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .starts_with("Could not look up \"nimbusdesk\""));
    assert_eq!(app.picker.filter.value(), "nimbusdesk");
}

#[test]
fn element_flag_waits_for_the_connection_and_esc_cancels_the_lookup() {
    let mut app = with_element("nimbusdesk", None);
    assert_eq!(app.step, Step::Connection);
    let effects = startup(&mut app);
    assert!(
        !effects.iter().any(|e| matches!(
            e,
            Effect::LookupElement { .. } | Effect::RefreshCatalog { .. }
        )),
        "nothing to ask the platform without secrets: {effects:?}"
    );
    type_text(&mut app, USER);
    let [Effect::CheckConnection { attempt, .. }] = enter(&mut app)[..] else {
        panic!()
    };
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt,
            result: Ok(8),
        },
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::LookupElement { key, .. }] if key == "nimbusdesk"
    ));
    assert_eq!(app.step, Step::Element);
    // Esc gives up on it: the list, filtered by the key.
    let effects = esc(&mut app);
    assert!(matches!(
        effects.as_slice(),
        [Effect::RefreshCatalog { .. }]
    ));
    assert_eq!(app.picker.pending, None);
    assert_eq!(app.picker.filter.value(), "nimbusdesk");
    assert_eq!(app.wanted_element, None);
}

#[test]
fn a_long_list_pages_and_jumps() {
    let mut app = connected_live(1000);
    let n = app.catalog.catalog.len();
    // The swap kept BigCommerce highlighted; start from the top.
    assert_eq!(highlighted(&app), "bigcommerce");
    key(&mut app, KeyCode::Home);
    // As the run loop does: the frame measures the list, the model keeps it.
    let screen = draw(&mut app, 80, 24);
    let page = app.picker.window.page;
    assert!(page > 5 && page < 20, "{page}");
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.picker.selected, page);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.picker.selected, 2 * page);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.picker.selected, page);
    key(&mut app, KeyCode::End);
    assert_eq!(app.picker.selected, n - 1);
    let bottom = draw(&mut app, 80, 24);
    assert!(bottom.contains(&format!("› {}", app.highlighted().unwrap().name)));
    assert_eq!(app.picker.window.offset, n - page);
    key(&mut app, KeyCode::Home);
    assert_eq!(app.picker.selected, 0);
    assert_eq!(draw(&mut app, 80, 24), screen);

    // Moving down inside the page leaves the list still; one past its end
    // scrolls it by one row.
    for _ in 0..page - 1 {
        key(&mut app, KeyCode::Down);
    }
    draw(&mut app, 80, 24);
    assert_eq!(app.picker.window.offset, 0);
    key(&mut app, KeyCode::Down);
    draw(&mut app, 80, 24);
    assert_eq!(app.picker.window.offset, 1);
    // And back up: the list stays until the selection reaches its top.
    key(&mut app, KeyCode::Up);
    draw(&mut app, 80, 24);
    assert_eq!(app.picker.window.offset, 1);
    key(&mut app, KeyCode::Home);
    draw(&mut app, 80, 24);
    assert_eq!(app.picker.window.offset, 0);
    // Home and End move through the list, not the filter's cursor.
    type_text(&mut app, "gen");
    key(&mut app, KeyCode::End);
    assert_eq!(app.picker.filter.value(), "gen");
    assert_eq!(app.picker.selected, app.picker.matches().len() - 1);
}

#[test]
fn line_breaks_go_only_into_multi_line_fields() {
    let mut app = connected_live(0);
    pick_metadata(&mut app, "nimbus", &nimbusdesk());
    let alt_enter = Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
    type_text(&mut app, "acct");
    update(&mut app, alt_enter);
    ctrl(&mut app, 'j');
    assert_eq!(app.form().unwrap().value("nimbus.account.id"), "acct");
    let form = app.form_mut().unwrap();
    form.focus = FormItem::Field("nimbus.signature".into());
    type_text(&mut app, "a");
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)),
    );
    type_text(&mut app, "b");
    ctrl(&mut app, 'j');
    type_text(&mut app, "c");
    assert_eq!(app.form().unwrap().value("nimbus.signature"), "a\nb\nc");
    // A paste keeps its inner line breaks there.
    update(&mut app, Action::Paste("\nd\ne".into()));
    assert_eq!(
        app.form().unwrap().value("nimbus.signature"),
        "a\nb\nc\nd\ne"
    );
}

/// A form built from metadata of absurd size opens cut, and says so on the
/// Configure screen.
#[test]
fn a_cut_form_says_so_on_configure() {
    use crate::api::ConfigEntry;
    use crate::catalog::spec_from_metadata;
    let many: Vec<ConfigEntry> = serde_json::from_value(serde_json::Value::Array(
        (0..600)
            .map(|i| serde_json::json!({"key": format!("k{i}"), "name": format!("Setting {i}"), "type": "TEXTFIELD_32"}))
            .collect(),
    ))
    .unwrap();
    let mut app = connected_live(10);
    type_text(&mut app, "nimbus");
    let attempt = match enter(&mut app).as_slice() {
        [Effect::LoadSpec { attempt, .. }] => *attempt,
        other => panic!("{other:?}"),
    };
    let spec = spec_from_metadata(&nimbusdesk(), &many);
    update(
        &mut app,
        Action::SpecLoaded {
            attempt,
            result: Ok(Box::new(spec)),
        },
    );
    assert_eq!(app.step, Step::Configure);
    let screen = screen(&app, 120, 40);
    assert!(
        screen.contains("Note: the platform describes 600 settings"),
        "{screen}"
    );
}
