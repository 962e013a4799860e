//! Picking a saved profile and saving one under a name, through the keys.

use super::state::{ConnField, EnvKind, ProfileOffer, Remember, SavedProfile};
use crate::config::Environment;
use crate::secret::Secret;
use crate::tui::action::Action;
use crate::tui::app::Step;
use crate::tui::effect::Effect;
use crate::tui::initial_app;
use crate::tui::tests::support::{enter, key, options, screen, settings, tab, type_text};
use crate::tui::theme::Theme;
use crate::tui::update::update;
use crossterm::event::KeyCode;

fn saved(name: &str, env: Environment, secrets: Option<(&str, &str)>) -> SavedProfile {
    SavedProfile {
        name: name.into(),
        environment: env,
        secrets: secrets.map(|(u, o)| (Secret::new(u), Secret::new(o))),
        problem: None,
    }
}

fn offered(in_use: Option<&str>, save_as: &str) -> crate::tui::app::App {
    let mut opts = options(None, None, None);
    opts.profiles = ProfileOffer {
        saved: vec![
            saved("acme", Environment::Eu, Some(("acme-user", "acme-org"))),
            saved("globex", Environment::Staging, None),
        ],
        in_use: in_use.map(str::to_string),
        save_as: save_as.into(),
    };
    initial_app(&opts, settings(), Theme::plain())
}

#[test]
fn picking_a_saved_profile_fills_the_form_and_nothing_typed_is_lost() {
    let mut app = offered(None, "");
    assert_eq!(app.step, Step::Connection);
    assert_eq!(app.connection.fields()[0], ConnField::Profile);
    assert_eq!(app.connection.profile, None);
    // Typed as a new account first.
    app.connection.focus = ConnField::UserSecret;
    type_text(&mut app, "typed-user");
    app.connection.focus = ConnField::Profile;

    key(&mut app, KeyCode::Right);
    assert_eq!(app.connection.picked().unwrap().name, "acme");
    assert_eq!(app.connection.env, EnvKind::Eu);
    assert_eq!(app.connection.user.value(), "acme-user");
    assert_eq!(app.connection.org.value(), "acme-org");
    assert_eq!(app.connection.profile_name.value(), "acme");

    // A profile without saved secrets keeps what is in the fields.
    key(&mut app, KeyCode::Right);
    assert_eq!(app.connection.picked().unwrap().name, "globex");
    assert_eq!(app.connection.env, EnvKind::Staging);
    assert_eq!(app.connection.user.value(), "acme-user");

    // Back to the new account: what was typed there is back.
    key(&mut app, KeyCode::Right);
    assert_eq!(app.connection.profile, None);
    assert_eq!(app.connection.env, EnvKind::Production);
    assert_eq!(app.connection.user.value(), "typed-user");
    assert_eq!(app.connection.org.value(), "");
    assert_eq!(app.connection.profile_name.value(), "default");

    // ← goes the other way round, to the last saved profile.
    key(&mut app, KeyCode::Left);
    assert_eq!(app.connection.picked().unwrap().name, "globex");
}

#[test]
fn enter_on_a_picked_profile_tests_its_secrets_and_goes_on() {
    let mut app = offered(Some("globex"), "");
    assert_eq!(app.connection.picked().unwrap().name, "globex");
    app.connection.focus = ConnField::Profile;
    key(&mut app, KeyCode::Left);
    assert_eq!(app.connection.picked().unwrap().name, "acme");
    let effects = enter(&mut app);
    let [Effect::CheckConnection {
        attempt,
        platform: crate::tui::effect::Platform { creds, base_url },
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (creds.user.expose(), base_url.as_str()),
        ("acme-user", crate::config::EU_URL)
    );
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Ok(3),
        },
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SaveConfig { .. })),
        "nothing to remember: {effects:?}"
    );
    assert_eq!(app.step, Step::Element);
}

#[test]
fn remember_asks_for_a_profile_name_and_saves_under_it() {
    let mut app = offered(None, "newco");
    app.connection.focus = ConnField::UserSecret;
    type_text(&mut app, "u1");
    tab(&mut app);
    type_text(&mut app, "o1");
    tab(&mut app);
    assert_eq!(app.connection.focus, ConnField::Remember);
    assert!(!app.connection.fields().contains(&ConnField::ProfileName));
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    assert_eq!(app.connection.remember, Remember::EnvironmentAndSecrets);
    tab(&mut app);
    assert_eq!(app.connection.focus, ConnField::ProfileName);
    assert_eq!(app.connection.profile_name.value(), "newco");

    // A bad name is refused with the rule, and nothing is tested.
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "new/co");
    let effects = enter(&mut app);
    assert!(effects.is_empty(), "{effects:?}");
    let e = &app.connection.errors[&ConnField::ProfileName];
    assert!(e.contains("letters, digits"), "{e}");

    // The name of a saved profile says it replaces it.
    for _ in 0..6 {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "acme");
    assert!(app.connection.name_replaces_another());
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "newco");
    assert!(!app.connection.name_replaces_another());

    let effects = enter(&mut app);
    let [Effect::CheckConnection { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Ok(3),
        },
    );
    match effects.as_slice() {
        [Effect::SaveConfig {
            profile,
            environment,
            secrets: Some(c),
        }, ..] => {
            assert_eq!(profile, "newco");
            assert_eq!(*environment, Environment::Production);
            assert_eq!(c.user.expose(), "u1");
        }
        other => panic!("{other:?}"),
    }

    // Once saved, going back offers it, picked.
    super::config_saved(
        &mut app,
        Ok(crate::config::Saved {
            path: "/home/ada/.config/ce-wizard/config.toml".into(),
            profile: "newco".into(),
            secrets: Some(crate::config::SecretsKept::Keyring),
        }),
    );
    let notice = format!("{:?}", app.notice);
    assert!(notice.contains("Saved the profile 'newco'"), "{notice}");
    assert!(notice.contains("OS keyring"), "{notice}");
    let picked = app.connection.picked().unwrap();
    assert_eq!(picked.name, "newco");
    assert!(picked.secrets.is_some());
    assert_eq!(app.connection.profiles.len(), 3);
}

#[test]
fn the_built_in_sandbox_offers_no_profiles() {
    let mut opts = options(None, None, None);
    opts.profiles = ProfileOffer {
        saved: vec![saved("acme", Environment::Eu, None)],
        ..Default::default()
    };
    let app = initial_app(&opts, settings(), Theme::plain());
    assert!(app.connection.fields().contains(&ConnField::Profile));
    let sandbox = crate::sandbox::Sandbox::start(Default::default()).unwrap();
    opts.sandbox = Some(std::sync::Arc::new(sandbox));
    let app = initial_app(&opts, settings(), Theme::plain());
    assert!(app.connection.profiles.is_empty());
    assert!(!app.connection.fields().contains(&ConnField::Profile));
    assert!(!app.connection.fields().contains(&ConnField::Remember));
}

#[test]
fn a_base_url_with_invisible_or_control_characters_is_an_error_before_it_is_saved() {
    let mut app = offered(None, "");
    app.connection.env = EnvKind::Custom;
    app.connection.focus = ConnField::CustomUrl;
    for pasted in [
        "https://ce.example.com/elements/api-v2\u{200e}",
        "https://ce.example.com/\u{202e}elements/api-v2",
        "https://ce.example.com/elements/api-v2\u{9b}2J",
    ] {
        app.connection.custom_url = crate::tui::widgets::TextField::new(pasted);
        let e = app.connection.check_field(ConnField::CustomUrl).unwrap();
        assert!(e.contains("invisible characters"), "{pasted:?}: {e}");
    }
    app.connection.custom_url =
        crate::tui::widgets::TextField::new("https://ce.example.com/elements/api-v2");
    assert_eq!(app.connection.check_field(ConnField::CustomUrl), None);
}

/// A profile with a base URL is named by that URL, bare, and what does not
/// fit beside the choice goes below it at the value's column, never from
/// the screen's edge.
#[test]
fn a_profiles_base_url_is_shown_bare_and_aligned() {
    const URL: &str = "http://127.0.0.1:8089/elements/api-v2";
    let mut opts = options(None, None, None);
    opts.profiles = ProfileOffer {
        saved: vec![saved(
            "acme",
            Environment::Custom(URL.into()),
            Some(("u", "o")),
        )],
        in_use: Some("acme".into()),
        save_as: String::new(),
    };
    let app = initial_app(&opts, settings(), Theme::plain());
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = screen(&app, w, h);
        assert!(!screen.contains("custom"), "{screen}");
        let lines: Vec<&str> = screen.lines().collect();
        let row = lines.iter().position(|l| l.contains("‹ acme ›")).unwrap();
        let shown = if lines[row].contains(URL) {
            lines[row]
        } else {
            lines[row + 1]
        };
        let at = shown.find(URL).unwrap_or_else(|| panic!("{screen}"));
        let value_column = lines[row].find("‹ acme ›").unwrap();
        assert!(at >= value_column, "{screen}");
        assert!(screen.contains("secrets saved"), "{screen}");
    }
}

/// A base URL typed without its scheme is named with one, as the element's
/// form does; "custom" is not a word the step uses.
#[test]
fn a_base_url_without_its_scheme_is_named_with_one() {
    let mut app = initial_app(&options(None, None, None), settings(), Theme::plain());
    app.connection.env = EnvKind::Custom;
    app.connection
        .custom_url
        .set("api.example.com/elements/api-v2");
    assert_eq!(
        app.connection.check_field(ConnField::CustomUrl).as_deref(),
        Some("Base URL must start with https:// or http://; with its scheme: https://api.example.com/elements/api-v2")
    );
    app.connection.custom_url.set("not a url");
    assert!(app
        .connection
        .check_field(ConnField::CustomUrl)
        .unwrap()
        .contains("e.g. https://ce.example.com/elements/api-v2"));
    app.connection.custom_url.set("");
    let empty = app.connection.check_field(ConnField::CustomUrl).unwrap();
    assert!(!empty.contains("custom"), "{empty}");
}

/// With two profiles, the header names the one in use and its host on
/// the Connection step, the Element step and in the Instances view, and
/// changes when another profile is picked.
#[test]
fn the_header_names_the_profile_and_host_on_every_step() {
    // As the launch opens it: the form holds the profile in use.
    let mut app = offered(Some("acme"), "");
    app.connection.env = EnvKind::Eu;
    let header =
        |app: &crate::tui::app::App| screen(app, 80, 24).lines().next().unwrap().to_string();
    assert!(
        header(&app).contains("acme @ api.cloud-elements.co.uk"),
        "{}",
        header(&app)
    );
    app.step = Step::Element;
    assert!(
        header(&app).contains("acme @ api.cloud-elements.co.uk"),
        "{}",
        header(&app)
    );
    app.step = Step::Instances;
    assert!(
        header(&app).contains("acme @ api.cloud-elements.co.uk"),
        "{}",
        header(&app)
    );
    app.step = Step::Connection;
    app.connection.focus = ConnField::Profile;
    key(&mut app, KeyCode::Right);
    assert_eq!(app.connection.picked().unwrap().name, "globex");
    app.step = Step::Element;
    let line = header(&app);
    assert!(
        line.contains("globex @ staging.cloud-elements.com"),
        "{line}"
    );
    assert!(!line.contains("acme"), "{line}");
}

/// Under --sandbox the environment is not a choice: → and ← keep the
/// sandbox (and its demo secrets) and say why, the sandbox's address is
/// not offered for editing, and the check goes to the sandbox.
#[test]
fn under_the_sandbox_the_environment_stays_the_sandbox() {
    let opts = options(
        Some(Environment::Custom(
            "http://127.0.0.1:4010/elements/api-v2".into(),
        )),
        Some("demo-user"),
        Some("demo-org"),
    );
    let mut app = initial_app(&opts, settings(), Theme::plain());
    app.settings.sandbox = true;
    app.connection.sandbox = true;
    app.step = Step::Connection;
    app.connection.focus = ConnField::Environment;
    assert!(!app.connection.fields().contains(&ConnField::CustomUrl));
    for k in [KeyCode::Right, KeyCode::Left, KeyCode::Char(' ')] {
        key(&mut app, k);
        assert_eq!(app.connection.env, EnvKind::Custom, "{k:?}");
        assert_eq!(
            app.connection.base_url(),
            "http://127.0.0.1:4010/elements/api-v2"
        );
    }
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("stays in the built-in sandbox"), "{shown}");
    assert!(!shown.contains("‹ sandbox ›"), "no arrows: {shown}");
    assert!(!shown.contains("production"), "{shown}");
    assert_eq!(app.connection.user.value(), "demo-user");
}

/// The offer of a scheme is taken by Enter, as in Configure and the
/// accessible mode, and reads with no `?` right after the address.
#[test]
fn enter_takes_the_offered_base_url() {
    let mut app = initial_app(&options(None, None, None), settings(), Theme::plain());
    app.connection.env = EnvKind::Custom;
    app.connection.focus = ConnField::CustomUrl;
    type_text(&mut app, "api.example.com/elements/api-v2");
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("→ https://api.example.com/elements/api-v2 — Enter accepts"),
        "{s}"
    );
    assert!(s.contains("Enter accept"), "the footer says so: {s}");
    enter(&mut app);
    assert_eq!(
        app.connection.custom_url.value(),
        "https://api.example.com/elements/api-v2"
    );
    assert!(
        app.connection.errors.is_empty(),
        "{:?}",
        app.connection.errors
    );
    assert_eq!(app.connection.focus, ConnField::UserSecret);
    // Typed with its scheme, nothing is offered.
    let s = screen(&app, 80, 24);
    assert!(!s.contains("Enter accepts"), "{s}");
}
