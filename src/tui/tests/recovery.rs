//! Failures and the way back from each, with everything typed kept.

use super::support::*;
use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::{App, AuthPhase, AuthProblem, ListenerStatus, Step};
use crate::tui::effect::Effect;
use crate::tui::report::ListenerProblem;
use crate::tui::steps::configure::FormItem;
use crate::tui::steps::connection::{CheckStatus, ConnField};
use crate::tui::update::update;
use crossterm::event::KeyCode;
use std::time::Duration;

fn bigcommerce_at_review() -> App {
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    fill(&mut app, "  https://store-a.mybigcommerce.com/api/v2/ ");
    fill(&mut app, "api-user");
    fill(&mut app, "api-token");
    tab(&mut app);
    ctrl(&mut app, 'u');
    type_text(&mut app, "my-shop");
    ctrl(&mut app, 's');
    assert_eq!(app.step, Step::Review);
    app
}

#[test]
fn submit_trims_spaces_and_says_so() {
    let app = bigcommerce_at_review();
    assert_eq!(
        app.form().unwrap().value("store.url"),
        "https://store-a.mybigcommerce.com/api/v2/"
    );
    assert_eq!(
        app.notice.as_ref().unwrap().text,
        "Removed spaces around: Store API URL"
    );
}

#[test]
fn submit_with_errors_focuses_the_first_invalid_field() {
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    tab(&mut app); // blocked: the store URL is required
    assert!(app
        .form()
        .unwrap()
        .errors
        .contains_key(&FormItem::Field("store.url".into())));
    type_text(&mut app, "https://s.example.com");
    tab(&mut app);
    tab(&mut app);
    ctrl(&mut app, 's');
    let form = app.form().unwrap();
    assert_eq!(app.step, Step::Configure);
    assert_eq!(form.focus, FormItem::Field("username".into()));
    assert_eq!(form.errors.len(), 2);
    assert_eq!(
        app.notice.as_ref().unwrap().text,
        "API username is required, e.g. integration (1 more below)"
    );
}

#[test]
fn unauthorized_goes_back_to_connection_and_resumes_at_review() {
    let mut app = bigcommerce_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(report(401, "Invalid Organization or User secret")),
        },
    );
    assert_eq!(app.step, Step::Connection);
    assert_eq!(app.connection.focus, ConnField::UserSecret);
    assert!(matches!(app.connection.check, CheckStatus::Failed(_)));

    ctrl(&mut app, 'u');
    type_text(&mut app, "fixed-user-secret");
    let effects = enter(&mut app);
    let [Effect::CheckConnection { attempt, platform }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(platform.creds.user.expose(), "fixed-user-secret");
    update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Ok(3),
        },
    );
    assert_eq!(app.step, Step::Review, "back where the person was");
    let (_, config, _, name, _) = created_config(&enter(&mut app));
    assert_eq!(name, "my-shop");
    assert_eq!(config.len(), 3);
}

#[test]
fn missing_keys_reopen_the_form_with_those_fields_marked() {
    let mut app = bigcommerce_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    let mut r = report(
        400,
        "Missing required configuration: username, filter.response.nulls",
    );
    r.missing_keys = vec!["username".into(), "filter.response.nulls".into()];
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(r),
        },
    );
    assert_eq!(app.step, Step::Configure);
    let form = app.form().unwrap();
    assert_eq!(form.focus, FormItem::Field("username".into()));
    assert!(form.errors[&FormItem::Field("username".into())].contains("missing"));
    assert!(form
        .errors
        .contains_key(&FormItem::Field("filter.response.nulls".into())));
    assert!(
        form.advanced_open,
        "a missing advanced field unfolds the group"
    );
    assert_eq!(form.value("password"), "api-token", "nothing typed is lost");
    // The next edit clears the mark.
    type_text(&mut app, "2");
    assert!(!app
        .form()
        .unwrap()
        .errors
        .contains_key(&FormItem::Field("username".into())));
}

#[test]
fn server_errors_stay_on_review_with_advice() {
    let mut app = bigcommerce_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(report(502, "Bad gateway")),
        },
    );
    assert_eq!(app.step, Step::Review);
    assert_eq!(
        app.review.error.as_ref().unwrap().request_id.as_deref(),
        Some("req-42")
    );
    // A new attempt clears it.
    assert_eq!(created_config(&enter(&mut app)).0, attempt + 1);
    assert!(app.review.error.is_none());
}

#[test]
fn esc_while_creating_aborts_and_a_late_answer_is_ignored() {
    let mut app = bigcommerce_at_review();
    let (attempt, ..) = created_config(&enter(&mut app));
    let effects = esc(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt: a }] if *a == attempt),
        "{effects:?}"
    );
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("may still have reached the platform"));
    assert_eq!(app.step, Step::Review);
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Ok(instance(1, "x", "bigcommerce", "BigCommerce", "t")),
        },
    );
    assert_eq!(app.step, Step::Review);
    assert!(app.created.is_empty());
}

#[test]
fn create_failing_after_oauth_asks_for_a_new_code() {
    let (mut app, attempt) = infusionsoft_waiting();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("code-1"),
        },
    );
    let (create, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt: create,
            result: Err(report(500, "Provider refused the code")),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    assert!(matches!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::CreateFailed(_))
    ));
    assert!(
        app.authorize.grant.is_none(),
        "a used code is never sent again"
    );
    let effects = enter(&mut app);
    let [Effect::StartAuthorization {
        attempt: second, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert!(*second > attempt, "a new attempt, so a new state");
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt: *second,
            result: Ok("https://signin.example/b".into()),
        },
    );
    update(
        &mut app,
        Action::Callback {
            attempt: *second,
            pasted: false,
            result: code("code-2"),
        },
    );
    let (_, config, _, _, code) = created_config(&enter(&mut app));
    assert_eq!(code.as_deref(), Some("code-2"));
    assert_eq!(
        config
            .iter()
            .find(|(k, _)| k == "oauth.api.secret")
            .unwrap()
            .1,
        "secret"
    );
}

#[test]
fn unauthorized_after_oauth_resumes_with_a_new_authorization() {
    let (mut app, attempt) = infusionsoft_waiting();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("code-1"),
        },
    );
    let (create, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt: create,
            result: Err(report(401, "bad secrets")),
        },
    );
    assert_eq!(app.step, Step::Connection);
    let effects = enter(&mut app);
    let [Effect::CheckConnection { attempt: check, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *check,
            result: Ok(1),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    assert!(matches!(
        effects.as_slice(),
        [Effect::StartAuthorization { .. }]
    ));
}

#[test]
fn denied_and_timed_out_attempts_can_be_retried() {
    let (mut app, attempt) = infusionsoft_waiting();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: denied("access_denied", Some("User said no")),
        },
    );
    assert!(matches!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::Denied { .. })
    ));
    let effects = key(&mut app, KeyCode::Char('r'));
    let [Effect::StartAuthorization {
        attempt: second, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    let second = *second;
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt: second,
            result: Ok("https://signin.example/b".into()),
        },
    );
    let start = app.clock.now();
    update(&mut app, Action::Tick(start + Duration::from_secs(299)));
    assert!(matches!(app.authorize.phase, AuthPhase::Waiting { .. }));
    update(&mut app, Action::Tick(start + Duration::from_secs(300)));
    assert_eq!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::TimedOut)
    );
    // Cancel back to the form keeps everything.
    esc(&mut app);
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.form().unwrap().value("oauth.api.secret"), "secret");
    // That ended the attempt: a callback arriving now does not count.
    update(
        &mut app,
        Action::Callback {
            attempt: second,
            pasted: false,
            result: code("late"),
        },
    );
    assert_eq!(app.step, Step::Configure);
}

#[test]
fn a_stray_redirect_is_explained_and_the_attempt_keeps_waiting() {
    let (mut app, attempt) = infusionsoft_waiting();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: CallbackResult::Rejected("the state does not match".into()),
        },
    );
    assert!(matches!(app.authorize.phase, AuthPhase::Waiting { .. }));
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("state does not match"));
}

#[test]
fn port_in_use_is_named_and_binding_is_retried() {
    let mut app = initial_app_unbound();
    let effects = crate::tui::update::startup(&mut app);
    assert!(matches!(
        effects.as_slice(),
        [Effect::CheckCallbackPort { .. }, ..]
    ));
    update(
        &mut app,
        Action::CallbackPortChecked(Err(ListenerProblem::PortInUse(48213))),
    );
    assert!(matches!(
        app.listener,
        ListenerStatus::Failed(ListenerProblem::PortInUse(48213))
    ));
    pick(&mut app, "infus", "infusionsoftecommerce");
    assert_eq!(
        app.form().unwrap().value("oauth.callback.url"),
        "",
        "no callback URL to derive yet"
    );
    fill(&mut app, "id");
    fill(&mut app, "secret");
    let effects = ctrl(&mut app, 's');
    assert_eq!(app.step, Step::Configure, "the callback URL is required");
    assert!(effects.is_empty());
    type_text(&mut app, "http://127.0.0.1:9999/callback");
    let effects = ctrl(&mut app, 's');
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::CheckCallbackPort { port: 48213 }]
        ),
        "{effects:?}"
    );
    update(
        &mut app,
        Action::CallbackPortChecked(Err(ListenerProblem::PortInUse(48213))),
    );
    assert!(matches!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::Listener(ListenerProblem::PortInUse(48213)))
    ));
    let effects = enter(&mut app);
    assert!(matches!(
        effects.as_slice(),
        [Effect::CheckCallbackPort { .. }]
    ));
    let effects = update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));
    assert!(matches!(
        effects.as_slice(),
        [Effect::StartAuthorization { .. }]
    ));
}

fn initial_app_unbound() -> App {
    crate::tui::initial_app(
        &options(
            Some(crate::config::Environment::Production),
            Some(USER),
            Some(ORG),
        ),
        settings(),
        crate::tui::theme::Theme::plain(),
    )
}

#[test]
fn no_browser_shows_the_link_instead() {
    let mut app = connected();
    app.settings.no_browser = true;
    let attempt = infusionsoft_authorizing(&mut app);
    let effects = update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://s/a".into()),
        },
    );
    assert!(effects.is_empty(), "no browser is opened");
    assert!(matches!(
        &app.authorize.phase,
        AuthPhase::Waiting {
            browser: crate::tui::app::BrowserStatus::Skipped(_),
            ..
        }
    ));
}
