//! The actions on one instance, in process: re-authorizing it (from the
//! list and from Done) through the Authorize step, editing its name and
//! tags, a new one from it, a delete whose answer was lost, and the keys
//! the footers show at 80 columns.

use super::test_support::{listed_in, view};
use super::*;
use crate::api::Instance;
use crate::flow::check::Outcome;
use crate::tui::action::{Action, DeleteAnswer, Reauthorized};
use crate::tui::tests::support::{
    code, connected, ctrl, enter, esc, key, report, screen, terminal, type_text, words,
};
use crate::tui::update::update;
use serde_json::json;

const CALLBACK: &str = "http://127.0.0.1:48213/callback";

fn inst(id: i64, name: &str, key: &str, config: serde_json::Value, valid: bool) -> Instance {
    Instance::from_value(json!({
        "id": id,
        "name": name,
        "token": format!("tok-{id}"),
        "element": { "key": key, "name": key, "hub": "ecommerce" },
        "createdDate": "2025-01-02T03:04:05Z",
        "configuration": config,
        "tags": ["seeded", "eu"],
        "valid": valid,
    }))
    .unwrap()
}

fn keap(valid: bool) -> Instance {
    inst(
        21,
        "Keap store",
        "infusionsoftecommerce",
        json!({
            "oauth.api.key": "client-00021",
            "oauth.api.secret": "********",
            "oauth.callback.url": "http://127.0.0.1:8765/ce-wizard/callback",
        }),
        valid,
    )
}

fn shop() -> Instance {
    inst(
        22,
        "Big shop",
        "bigcommerce",
        json!({
            "store.url": "https://store-s1.mybigcommerce.com/api/v2/",
            "username": "integration",
            "password": "********",
        }),
        true,
    )
}

fn listed(items: Vec<Instance>) -> App {
    listed_in(connected(), items)
}

/// The screen's text as one line: what wraps is found whole.
fn flat(app: &App, w: u16, h: u16) -> String {
    screen(app, w, h)
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn footer(app: &App, w: u16, h: u16) -> String {
    let s = screen(app, w, h);
    s.lines().last().unwrap().to_string()
}

/// From the sign-in link to the grant: the Authorize step's own attempt.
fn sign_in(app: &mut App, start: Vec<Effect>) -> Vec<Effect> {
    let [Effect::StartAuthorization {
        attempt,
        element_key,
        app: oauth_app,
        callback_url,
        ..
    }] = start.as_slice()
    else {
        panic!("{start:?}");
    };
    assert_eq!(element_key, "infusionsoftecommerce");
    assert_eq!(oauth_app.api_key, "client-00021");
    assert_eq!(oauth_app.api_secret.expose(), "the-app-secret");
    assert_eq!(callback_url, CALLBACK);
    let attempt = *attempt;
    update(
        app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://signin.example/a".into()),
        },
    );
    let s = screen(app, 80, 24);
    assert!(s.contains("Authorize"), "{s}");
    assert!(!s.contains("1/5"), "counted where it was started from: {s}");
    update(
        app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("fresh-code"),
        },
    )
}

fn put_of(effects: &[Effect]) -> (u64, &crate::api::Reprovision) {
    let [Effect::ReauthorizeInstance {
        attempt,
        id: 21,
        body,
        ..
    }] = effects
    else {
        panic!("{effects:?}");
    };
    (*attempt, body)
}

#[test]
fn reauthorizing_from_the_list_signs_in_puts_the_grant_and_checks_again() {
    let mut app = listed(vec![shop(), keap(false)]);
    type_text(&mut app, "keap");
    assert!(footer(&app, 80, 24).contains("Ctrl-G re-auth"));
    assert!(ctrl(&mut app, 'g').is_empty());
    let s = screen(&app, 80, 24);
    assert!(s.contains("Re-authorize instance 21"), "{s}");
    assert!(
        s.contains("client-00021"),
        "the stored app key is offered: {s}"
    );
    // The secret is typed where the cursor already is, and never drawn.
    type_text(&mut app, "the-app-secret");
    assert!(!screen(&app, 80, 24).contains("the-app-secret"));
    let start = enter(&mut app);
    assert_eq!(app.step, Step::Authorize);
    let effects = sign_in(&mut app, start);
    assert_eq!(app.step, Step::Instances, "back to the list");
    let (attempt, body) = put_of(&effects);
    assert_eq!(body.provider_data["code"].expose(), "fresh-code");
    let config: Vec<(String, String)> = body
        .configuration
        .iter()
        .map(|(k, v)| (k.clone(), v.expose().to_string()))
        .collect();
    assert_eq!(
        config,
        [
            ("oauth.api.secret".to_string(), "the-app-secret".to_string()),
            ("oauth.callback.url".into(), CALLBACK.into()),
        ],
        "only what changed: the secret (stored masked) the grant was made with, and the listener's address the code was issued for; the key is as stored"
    );
    assert!(screen(&app, 80, 24).contains("signing in…"));

    let mut fixed = keap(true);
    fixed.token = crate::secret::Secret::new("tok-new");
    update(
        &mut app,
        Action::InstanceReauthorized {
            attempt,
            id: 21,
            result: Ok(Box::new(Reauthorized {
                instance: fixed,
                check: Ok(Outcome::Works {
                    read: "GET /hubs/ecommerce/orders?pageSize=1".into(),
                }),
            })),
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("Re-authorized instance 21"), "{s}");
    assert!(s.contains("works"), "{s}");
    let v = view(&app);
    assert_eq!(v.selected().unwrap().token.expose(), "tok-new");
    assert_eq!(v.status(v.selected().unwrap()), Status::Works);
    assert_eq!(v.filter.value(), "keap", "the list as it was");
}

#[test]
fn a_refused_put_says_so_and_the_key_signs_in_anew() {
    let mut app = listed(vec![keap(false)]);
    ctrl(&mut app, 'g');
    type_text(&mut app, "the-app-secret");
    let start = enter(&mut app);
    let effects = sign_in(&mut app, start);
    let (attempt, _) = put_of(&effects);
    update(
        &mut app,
        Action::InstanceReauthorized {
            attempt,
            id: 21,
            result: Err(report(400, "Invalid, expired or already used OAuth code")),
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("was not re-authorized"), "{s}");
    assert!(s.contains("Ctrl-G signs in anew"), "{s}");
    assert_eq!(view(&app).status(&view(&app).items[0]), Status::Invalid);
}

#[test]
fn esc_on_authorize_returns_to_the_list_and_forgets_the_target() {
    let mut app = listed(vec![keap(false)]);
    ctrl(&mut app, 'g');
    type_text(&mut app, "s");
    enter(&mut app);
    assert_eq!(app.step, Step::Authorize);
    esc(&mut app);
    assert_eq!(app.step, Step::Instances);
    assert!(app.authorize.reauth.is_none());
}

/// Nothing typed is lost by going back: the app's secret typed into the
/// prompt comes back when it opens again for the same instance, after Esc
/// on the prompt or on the sign-in it led to; another instance starts
/// from its own stored key.
#[test]
fn the_typed_app_secret_survives_esc_for_the_same_instance() {
    let other = inst(
        23,
        "Other keap",
        "infusionsoftecommerce",
        json!({ "oauth.api.key": "client-00023" }),
        true,
    );
    let mut app = listed(vec![keap(false), other]);
    ctrl(&mut app, 'g');
    type_text(&mut app, "s3cret");
    enter(&mut app);
    assert_eq!(app.step, Step::Authorize);
    esc(&mut app);
    assert_eq!(app.step, Step::Instances);
    ctrl(&mut app, 'g');
    let p = view(&app).reauth.as_ref().unwrap();
    assert_eq!(p.secret.value(), "s3cret", "after Esc on the sign-in");
    type_text(&mut app, "!");
    esc(&mut app);
    ctrl(&mut app, 'g');
    let p = view(&app).reauth.as_ref().unwrap();
    assert_eq!(p.secret.value(), "s3cret!", "after Esc on the prompt");
    assert!(!screen(&app, 80, 24).contains("s3cret"), "still masked");
    esc(&mut app);
    key(&mut app, KeyCode::Down);
    ctrl(&mut app, 'g');
    let p = view(&app).reauth.as_ref().unwrap();
    assert_eq!(p.key.value(), "client-00023");
    assert_eq!(p.secret.value(), "", "not another instance's secret");
}

#[test]
fn a_non_oauth_instance_is_pointed_at_editing() {
    let mut app = listed(vec![shop()]);
    assert!(ctrl(&mut app, 'g').is_empty());
    assert!(view(&app).reauth.is_none());
    let s = screen(&app, 120, 40);
    assert!(s.contains("does not sign in through the browser"), "{s}");
    assert!(s.contains("F4 here edits"), "{s}");
    // The pane offers Ctrl-G only for an instance that signs in through the
    // browser.
    assert!(!screen(&app, 80, 24).contains("Ctrl-G re-authorizes"));
    let oauth = listed(vec![keap(true)]);
    assert!(screen(&oauth, 80, 24).contains("Ctrl-G re-authorizes"));
    // Whole at 80x24: the command that does change credentials is not cut.
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("`ce-wizard instances update 22 --set KEY=VALUE`"),
        "{s}"
    );
}

#[test]
fn the_reauth_prompt_needs_key_and_secret_and_esc_keeps_the_list() {
    let mut app = listed(vec![keap(false)]);
    ctrl(&mut app, 'g');
    assert!(enter(&mut app).is_empty(), "no secret yet");
    assert!(screen(&app, 120, 40).contains("needs the app's key and secret"));
    esc(&mut app);
    assert!(view(&app).reauth.is_none());
    assert_eq!(app.step, Step::Instances);
    assert_eq!(view(&app).items.len(), 1);
}

/// Done, its check finding the new instance refused: `r` re-authorizes it
/// with the app this run's form holds.
#[test]
fn done_names_the_key_that_reauthorizes_and_it_works() {
    let (mut app, attempt) = crate::tui::tests::support::infusionsoft_waiting();
    let effects = update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("first-code"),
        },
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.step, Step::Review);
    let effects = enter(&mut app);
    let [Effect::Create { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let created = inst(
        21,
        "Keap store",
        "infusionsoftecommerce",
        json!({ "oauth.api.key": "id", "oauth.api.secret": "********" }),
        true,
    );
    let effects = update(
        &mut app,
        Action::Created {
            attempt: *attempt,
            result: Ok(created),
        },
    );
    let [Effect::CheckInstance { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::InstanceChecked {
            attempt: *attempt,
            id: 21,
            result: Ok(Outcome::Broken {
                problem: "the provider refused the instance's credentials".into(),
                provider_message: Some("token revoked".into()),
                request_id: None,
                remedy: crate::flow::check::Remedy::Reauthorize,
            }),
        },
    );
    let s = flat(&app, 120, 40);
    assert!(s.contains("Press r to re-authorize it"), "{s}");
    assert!(footer(&app, 80, 24).contains("r re-authorize"));
    let start = key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.step, Step::Authorize);
    let [Effect::StartAuthorization {
        attempt,
        app: oauth_app,
        ..
    }] = start.as_slice()
    else {
        panic!("{start:?}");
    };
    assert_eq!(
        (oauth_app.api_key.as_str(), oauth_app.api_secret.expose()),
        ("id", "secret"),
        "the app typed into this run's form"
    );
    let attempt = *attempt;
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://signin.example/b".into()),
        },
    );
    let effects = update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("second-code"),
        },
    );
    assert_eq!(app.step, Step::Done);
    let (attempt, body) = put_of(&effects);
    assert_eq!(body.provider_data["code"].expose(), "second-code");
    assert!(screen(&app, 120, 40).contains("re-authorizing it"));
    let mut fixed = created_again();
    fixed.token = crate::secret::Secret::new("tok-after");
    update(
        &mut app,
        Action::InstanceReauthorized {
            attempt,
            id: 21,
            result: Ok(Box::new(Reauthorized {
                instance: fixed,
                check: Ok(Outcome::Works {
                    read: "GET /hubs/ecommerce/orders?pageSize=1".into(),
                }),
            })),
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("✓ works"), "{s}");
    assert!(s.contains("tok-after"), "the new token on Done: {s}");
    assert_eq!(app.created[0].token.expose(), "tok-after");
}

fn created_again() -> Instance {
    inst(
        21,
        "Keap store",
        "infusionsoftecommerce",
        json!({ "oauth.api.key": "id", "oauth.api.secret": "********" }),
        true,
    )
}

#[test]
fn edit_checks_as_typed_sends_one_patch_and_shows_a_refusal_in_place() {
    let mut app = listed(vec![shop(), keap(true)]);
    type_text(&mut app, "big");
    assert!(key(&mut app, KeyCode::F(4)).is_empty());
    let s = screen(&app, 80, 24);
    assert!(s.contains("Edit instance 22"), "{s}");
    assert!(s.contains("seeded, eu"), "{s}");
    // Clear the name: the problem shows at once, and Enter sends nothing.
    ctrl(&mut app, 'u');
    assert!(screen(&app, 80, 24).contains("Instance name is required"));
    assert!(enter(&mut app).is_empty());
    type_text(&mut app, "Big shop EU");
    key(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'u');
    type_text(&mut app, "prod, eu");
    let effects = enter(&mut app);
    let [Effect::UpdateInstance {
        attempt,
        id: 22,
        changes,
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(changes.name.as_deref(), Some("Big shop EU"));
    assert_eq!(changes.tags, Some(vec!["prod".to_string(), "eu".into()]));
    assert!(changes.configuration.is_empty());
    let attempt = *attempt;
    update(
        &mut app,
        Action::InstanceUpdated {
            attempt,
            id: 22,
            result: Err(report(409, "An instance with that name exists")),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("The platform refused: An instance with that name"),
        "{s}"
    );
    assert!(view(&app).edit.is_some(), "kept open to fix");
    let effects = enter(&mut app);
    let [Effect::UpdateInstance { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    let mut changed = shop();
    changed.name = "Big shop EU".into();
    changed.raw["name"] = json!("Big shop EU");
    changed.raw["tags"] = json!(["prod", "eu"]);
    update(
        &mut app,
        Action::InstanceUpdated {
            attempt,
            id: 22,
            result: Ok(changed),
        },
    );
    let v = view(&app);
    assert!(v.edit.is_none());
    assert_eq!(v.selected().unwrap().name, "Big shop EU");
    assert_eq!(v.selected().unwrap().tags(), ["prod", "eu"]);
    assert!(screen(&app, 120, 40).contains("Updated instance 22"));
    // The filter finds it by its new tag.
    esc(&mut app);
    type_text(&mut app, "prod");
    assert_eq!(view(&app).matches().len(), 1);
}

#[test]
fn edit_refuses_control_characters_in_tags_and_esc_backs_out() {
    let mut app = listed(vec![shop()]);
    type_text(&mut app, "shop");
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::Tab);
    update(&mut app, Action::Paste("bad\u{7}tag".into()));
    assert!(screen(&app, 120, 40).contains("✗ Tag"));
    assert!(enter(&mut app).is_empty());
    esc(&mut app);
    let v = view(&app);
    assert!(v.edit.is_none());
    assert_eq!(v.filter.value(), "shop", "the list and filter as they were");
    assert_eq!(v.items[0].tags(), ["seeded", "eu"]);
}

/// Esc on the edit changes nothing on the platform but loses nothing
/// typed: F4 on the same instance brings the typing back, and says so;
/// another instance's edit starts from its own name.
#[test]
fn an_edit_left_with_esc_comes_back_with_f2() {
    let mut app = listed(vec![shop(), keap(true)]);
    key(&mut app, KeyCode::F(4));
    type_text(&mut app, " two");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, ", staging");
    assert!(esc(&mut app).is_empty(), "nothing sent");
    assert!(view(&app).edit.is_none());
    assert!(
        screen(&app, 80, 24).contains("F4 brings back what you typed"),
        "{}",
        screen(&app, 80, 24)
    );
    key(&mut app, KeyCode::F(4));
    let e = view(&app).edit.as_ref().unwrap();
    assert_eq!(e.name.value(), "Big shop two");
    assert_eq!(e.tags.value(), "seeded, eu, staging");
    // The help says so before Esc is pressed.
    let esc_help = bindings(&app)
        .into_iter()
        .find(|b| b.command == Some(Command::Back))
        .and_then(|b| b.detail)
        .unwrap();
    assert!(
        esc_help.contains("F4 brings back what you typed"),
        "{esc_help}"
    );
    esc(&mut app);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::F(4));
    let e = view(&app).edit.as_ref().unwrap();
    assert_eq!(e.name.value(), "Keap store", "its own name");
}

#[test]
fn new_from_this_prefills_configure_but_not_the_secrets() {
    let mut app = listed(vec![shop()]);
    assert!(ctrl(&mut app, 'b').is_empty());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.element.as_deref(), Some("bigcommerce"));
    let form = app.form().unwrap();
    assert_eq!(
        form.value("store.url"),
        "https://store-s1.mybigcommerce.com/api/v2/"
    );
    assert_eq!(form.value("username"), "integration");
    assert_eq!(form.value("password"), "", "a secret is never copied");
    assert_ne!(form.name.value(), "Big shop");
    assert!(
        form.name.value().starts_with("bigcommerce-"),
        "{}",
        form.name.value()
    );
    assert_eq!(form.tags.value(), "seeded, eu");
    assert!(screen(&app, 120, 40).contains("secrets left empty"));
}

#[test]
fn new_from_an_oauth_instance_takes_this_runs_callback() {
    let mut app = listed(vec![keap(true)]);
    ctrl(&mut app, 'b');
    let form = app.form().unwrap();
    assert_eq!(form.value("oauth.api.key"), "client-00021");
    assert_eq!(form.value("oauth.api.secret"), "");
    assert_eq!(form.value("oauth.callback.url"), CALLBACK);
}

fn delete_sent(app: &mut App) -> u64 {
    ctrl(app, 'd');
    type_text(app, "Big shop");
    let effects = enter(app);
    let [Effect::DeleteInstance {
        attempt, id: 22, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    *attempt
}

#[test]
fn a_lost_delete_answer_is_told_by_reading_the_instance_again() {
    let mut app = listed(vec![shop(), keap(true)]);
    type_text(&mut app, "shop");
    let attempt = delete_sent(&mut app);
    update(
        &mut app,
        Action::InstanceDeleted {
            attempt,
            id: 22,
            result: Ok(DeleteAnswer::LostStillThere("timed out".into())),
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("was not deleted"), "{s}");
    assert!(s.contains("still there"), "{s}");
    assert_eq!(view(&app).items.len(), 2);

    let attempt = delete_sent(&mut app);
    update(
        &mut app,
        Action::InstanceDeleted {
            attempt,
            id: 22,
            result: Ok(DeleteAnswer::Unknown("timed out".into(), "refused".into())),
        },
    );
    assert!(screen(&app, 120, 40).contains("may or may not be deleted"));
    assert_eq!(view(&app).items.len(), 2);

    let attempt = delete_sent(&mut app);
    update(
        &mut app,
        Action::InstanceDeleted {
            attempt,
            id: 22,
            result: Ok(DeleteAnswer::LostButGone("timed out".into())),
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("found it gone"), "{s}");
    assert_eq!(view(&app).items.len(), 1);
}

#[test]
fn the_main_keys_fit_the_footers_at_80_columns() {
    let app = connected();
    let f = footer(&app, 80, 24);
    assert!(f.contains("F2 instances"), "{f}");
    // An instance that signs in with an API token: editing, not
    // re-authorizing, is what its footer offers.
    let mut app = listed(vec![shop()]);
    let f = footer(&app, 80, 24);
    for hint in ["Ctrl-T test", "F4 edit", "Ctrl-D delete", "? help"] {
        assert!(f.contains(hint), "{hint} in {f}");
    }
    assert!(!f.contains("Ctrl-G"), "{f}");
    type_text(&mut app, "shop");
    let f = footer(&app, 80, 24);
    for hint in [
        "Ctrl-T test",
        "F4 edit",
        "Ctrl-D delete",
        "Esc clear",
        "? help",
    ] {
        assert!(f.contains(hint), "{hint} with a filter typed, in {f}");
    }
    // One that signs in through the browser: re-authorizing, with the way
    // out still in view; F4 is in the detail pane and the help.
    let mut app = listed(vec![keap(false)]);
    type_text(&mut app, "keap");
    let s = screen(&app, 80, 24);
    let f = s.lines().last().unwrap();
    for hint in [
        "Ctrl-T test",
        "Ctrl-G re-auth",
        "Ctrl-D delete",
        "Esc clear",
        "? help",
    ] {
        assert!(f.contains(hint), "{hint} for an OAuth instance, in {f}");
    }
    assert!(words(&s).contains("F4 edits"), "{s}");
    // Each prompt names its way out.
    let mut prompt = listed(vec![keap(false)]);
    ctrl(&mut prompt, 'g');
    let f = footer(&prompt, 80, 24);
    for hint in ["Enter sign in", "Esc cancel"] {
        assert!(f.contains(hint), "{hint} in the re-authorize prompt: {f}");
    }
    esc(&mut prompt);
    key(&mut prompt, KeyCode::F(4));
    let f = footer(&prompt, 80, 24);
    assert!(f.contains("Esc cancel"), "in the edit prompt: {f}");
    esc(&mut prompt);
    ctrl(&mut prompt, 'd');
    let f = footer(&prompt, 80, 24);
    assert!(f.contains("Esc keep it"), "in the delete prompt: {f}");
    let f = footer(&prompt, 60, 16);
    assert!(f.contains("Esc keep it"), "at 60 columns too: {f}");
    // The rest is under `?`.
    key(&mut app, KeyCode::Char('?'));
    let s = screen(&app, 120, 40);
    for hint in [
        "Ctrl-B          a new instance like this one",
        "Ctrl-Y          copy the instance's token",
        "Ctrl-R          read the account's instances again",
    ] {
        assert!(s.contains(hint), "{hint} in the help:\n{s}");
    }
}

#[test]
fn snapshots_of_the_prompts() {
    let mut app = listed(vec![shop(), keap(false)]);
    type_text(&mut app, "keap");
    ctrl(&mut app, 'g');
    type_text(&mut app, "sec");
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("instances_reauth_{w}x{h}"), screen(&app, w, h));
    }
    esc(&mut app);
    esc(&mut app);
    type_text(&mut app, "big");
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, ", new\u{1}");
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("instances_edit_{w}x{h}"), screen(&app, w, h));
    }
}

/// The screen and where the cursor was left.
fn screen_and_cursor(app: &App, w: u16, h: u16) -> (Vec<String>, (u16, u16)) {
    let mut terminal = terminal(app, w, h);
    let pos = terminal.get_cursor_position().unwrap();
    let rows = terminal
        .backend()
        .to_string()
        .lines()
        .map(str::to_string)
        .collect();
    (rows, (pos.x, pos.y))
}

/// A prompt whose title wraps (a long name, a narrow terminal) still puts
/// the cursor on the row of the field being typed into.
#[test]
fn the_cursor_stays_on_its_field_when_a_prompt_title_wraps() {
    let long = inst(
        24,
        "A store whose name is long enough to wrap the edit title",
        "bigcommerce",
        json!({}),
        true,
    );
    let mut app = listed(vec![keap(false), long]);
    ctrl(&mut app, 'g');
    type_text(&mut app, "sec");
    let (rows, (_, y)) = screen_and_cursor(&app, 80, 24);
    assert!(
        rows[y as usize].contains("App secret"),
        "row {y}: {rows:#?}"
    );
    esc(&mut app);
    ctrl(&mut app, 'd');
    type_text(&mut app, "Kea");
    let (rows, (x, y)) = screen_and_cursor(&app, 60, 16);
    assert!(
        rows[y as usize].contains("Type its name: Kea"),
        "row {y}: {rows:#?}"
    );
    assert_eq!(
        // Each row is quoted: its column x-1 is the string's char x.
        rows[y as usize].chars().nth(usize::from(x)),
        Some('a'),
        "after what is typed"
    );
    esc(&mut app);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::Tab);
    let (rows, (_, y)) = screen_and_cursor(&app, 60, 16);
    assert!(rows[y as usize].contains("Tags"), "row {y}: {rows:#?}");
}
