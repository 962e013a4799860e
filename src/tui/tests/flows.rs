//! Whole journeys through `update`, one per seed element, with the keys a
//! person would press.

use super::support::*;
use crate::flow::oauth::OAuthApp;
use crate::tui::action::{Action, CopyTarget, FileSaveError};
use crate::tui::app::{AuthPhase, BrowserStatus, Exit, Overlay, Step};
use crate::tui::effect::Effect;
use crate::tui::steps::configure::FormItem;
use crate::tui::steps::connection::{CheckStatus, ConnField, Remember};
use crate::tui::update::update;
use crossterm::event::KeyCode;

fn finish_with_name_and_tags(app: &mut crate::tui::app::App, tags: &str) {
    // From the Advanced fold: Tab to the name (keeping its default), then tags.
    assert_eq!(app.form().unwrap().focus, FormItem::Advanced);
    assert!(tab(app).is_empty());
    assert_eq!(app.form().unwrap().focus, FormItem::Name);
    assert!(enter(app).is_empty());
    type_text(app, tags);
}

#[test]
fn bigcommerce_from_filter_to_token() {
    let mut app = connected();
    assert_eq!(app.step, Step::Element);
    pick(&mut app, "bigc", "bigcommerce");
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.step_position(), (3, 5));
    fill(&mut app, "https://store-abc123.mybigcommerce.com/api/v2/");
    fill(&mut app, "integration");
    fill(&mut app, "api-token-123");
    finish_with_name_and_tags(&mut app, "shop, eu");
    assert!(
        enter(&mut app).is_empty(),
        "Enter on the last field submits"
    );
    assert_eq!(app.step, Step::Review);
    assert_eq!(app.step_position(), (4, 5));

    let effects = enter(&mut app);
    assert_eq!(app.step, Step::Creating);
    let (attempt, config, tags, name, code) = created_config(&effects);
    assert_eq!(
        config,
        pairs(&[
            ("password", "api-token-123"),
            (
                "store.url",
                "https://store-abc123.mybigcommerce.com/api/v2/"
            ),
            ("username", "integration"),
        ])
    );
    assert_eq!(tags, ["shop", "eu"]);
    assert_eq!(name, "bigcommerce-20250102-0304");
    assert_eq!(code, None);
    if let [Effect::Create {
        platform: crate::tui::effect::Platform { base_url, creds },
        ..
    }] = effects.as_slice()
    {
        assert_eq!(base_url, crate::api::PRODUCTION_URL);
        assert_eq!((creds.user.expose(), creds.org.expose()), (USER, ORG));
    }

    let inst = instance(7, &name, "bigcommerce", "BigCommerce", "tok-XYZ");
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Ok(inst),
        },
    );
    assert_eq!(app.step, Step::Done);
    assert_eq!(app.created.len(), 1);
    match key(&mut app, KeyCode::Char('c')).as_slice() {
        [Effect::Copy {
            what: CopyTarget::Token,
            text,
        }] => assert_eq!(text.expose(), "tok-XYZ"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        key(&mut app, KeyCode::Char('j')).as_slice(),
        [Effect::Copy {
            what: CopyTarget::InstanceJson,
            ..
        }]
    ));
    update(
        &mut app,
        Action::Copied {
            what: CopyTarget::Token,
            report: crate::clipboard::CopyReport {
                native: Ok("xclip"),
                osc52: true,
                tmux: false,
            },
        },
    );
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(app.exit, Some(Exit::Finished));
}

#[test]
fn woocommerce_base_url_follows_the_store_url_until_edited() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    fill(&mut app, "https://shop.example.com/");
    let form = app.form().unwrap();
    assert_eq!(form.value("base.url"), "https://shop.example.com/wc-api/v2");
    assert_eq!(form.focus, FormItem::Field("base.url".into()));

    // Editing it makes it the person's own: the store URL no longer moves it.
    type_text(&mut app, "3");
    assert_eq!(
        app.form().unwrap().value("base.url"),
        "https://shop.example.com/wc-api/v23"
    );
    key(&mut app, KeyCode::Up);
    type_text(&mut app, "x");
    assert_eq!(
        app.form().unwrap().value("store.url"),
        "https://shop.example.com/x"
    );
    assert_eq!(
        app.form().unwrap().value("base.url"),
        "https://shop.example.com/wc-api/v23"
    );

    // Clearing it hands it back to the template.
    key(&mut app, KeyCode::Backspace);
    tab(&mut app);
    ctrl(&mut app, 'u');
    assert_eq!(
        app.form().unwrap().value("base.url"),
        "https://shop.example.com/wc-api/v2"
    );

    tab(&mut app);
    fill(&mut app, "ck_1");
    fill(&mut app, "cs_1");
    finish_with_name_and_tags(&mut app, "");
    enter(&mut app);
    assert_eq!(app.step, Step::Review);
    let (_, config, tags, _, _) = created_config(&enter(&mut app));
    assert_eq!(
        config,
        pairs(&[
            ("base.url", "https://shop.example.com/wc-api/v2"),
            ("oauth.api.key", "ck_1"),
            ("oauth.api.secret", "cs_1"),
            ("store.url", "https://shop.example.com/"),
        ])
    );
    assert!(tags.is_empty());
}

#[test]
fn ecwid_digits_only_blocks_forward_but_never_back() {
    let mut app = connected();
    pick(&mut app, "ecw", "ecwid");
    type_text(&mut app, "12a");
    enter(&mut app);
    let form = app.form().unwrap();
    assert_eq!(
        form.focus,
        FormItem::Field("ecwid.store.id".into()),
        "an invalid value blocks going forward"
    );
    assert_eq!(
        form.errors[&FormItem::Field("ecwid.store.id".into())],
        "Store ID must be digits only, e.g. 1003"
    );
    tab(&mut app);
    assert_eq!(
        app.form().unwrap().focus,
        FormItem::Field("ecwid.store.id".into())
    );

    // The next edit clears the error.
    key(&mut app, KeyCode::Backspace);
    assert!(app.form().unwrap().errors.is_empty());
    fill(&mut app, "3");
    fill(&mut app, "order-key");
    // Going back is never blocked, even from an empty required field.
    key(&mut app, KeyCode::BackTab);
    assert_eq!(
        app.form().unwrap().focus,
        FormItem::Field("ecwid.order.key".into())
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Up);
    assert_eq!(
        app.form().unwrap().focus,
        FormItem::Field("ecwid.order.key".into())
    );
    esc(&mut app);
    assert_eq!(
        app.step,
        Step::Element,
        "Esc goes back with an error on screen"
    );
    enter(&mut app);
    assert_eq!(
        app.form().unwrap().value("ecwid.store.id"),
        "123",
        "nothing typed is lost"
    );
    tab(&mut app);
    fill(&mut app, "product-key");
    finish_with_name_and_tags(&mut app, "");
    enter(&mut app);
    let (_, config, ..) = created_config(&enter(&mut app));
    assert_eq!(
        config,
        pairs(&[
            // The sign-in kind is said, as the devportal pages of elements
            // with several kinds send it.
            ("authentication.type", "custom"),
            ("ecwid.order.key", "order-key"),
            ("ecwid.product.key", "product-key"),
            ("ecwid.store.id", "123")
        ])
    );
}

#[test]
fn magento_boolean_toggles_and_is_sent_as_text() {
    let mut app = connected();
    pick(&mut app, "magento", "magentov20");
    fill(&mut app, "https://magento.example.com");
    fill(&mut app, "api-admin");
    fill(&mut app, "pw");
    assert_eq!(app.form().unwrap().focus, FormItem::Field("user".into()));
    assert_eq!(app.form().unwrap().value("user"), "true");
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.form().unwrap().value("user"), "false");
    key(&mut app, KeyCode::Right);
    assert_eq!(app.form().unwrap().value("user"), "true");
    enter(&mut app);
    finish_with_name_and_tags(&mut app, "m2");
    enter(&mut app);
    let (_, config, tags, ..) = created_config(&enter(&mut app));
    assert_eq!(
        config,
        pairs(&[
            ("password", "pw"),
            ("site", "https://magento.example.com"),
            ("user", "true"),
            ("userName", "api-admin")
        ])
    );
    assert_eq!(tags, ["m2"]);
}

#[test]
fn infusionsoft_goes_through_the_browser() {
    let mut app = connected();
    pick(&mut app, "infus", "infusionsoftecommerce");
    assert_eq!(
        app.form().unwrap().value("oauth.callback.url"),
        CALLBACK,
        "derived from the listener"
    );
    fill(&mut app, "client-id");
    fill(&mut app, "client-secret");
    fill(&mut app, "");
    assert_eq!(
        app.form().unwrap().focus,
        FormItem::Field("document.tagging".into())
    );
    enter(&mut app);
    finish_with_name_and_tags(&mut app, "");
    let effects = enter(&mut app);
    assert_eq!(app.step, Step::Authorize);
    assert_eq!(app.step_position(), (4, 6));
    let attempt = match effects.as_slice() {
        [Effect::StartAuthorization {
            attempt,
            element_key,
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
                (element_key.as_str(), api_key.as_str(), api_secret.expose()),
                ("infusionsoftecommerce", "client-id", "client-secret")
            );
            assert_eq!(callback_url, CALLBACK);
            *attempt
        }
        other => panic!("{other:?}"),
    };
    let effects = update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://signin.example/auth?x=1".into()),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::OpenBrowser { url, .. }] if url == "https://signin.example/auth?x=1")
    );
    assert!(matches!(
        &app.authorize.phase,
        AuthPhase::Waiting {
            browser: BrowserStatus::Opening,
            ..
        }
    ));
    update(
        &mut app,
        Action::BrowserOpened {
            attempt,
            result: Ok(()),
        },
    );
    assert!(matches!(
        &app.authorize.phase,
        AuthPhase::Waiting {
            browser: BrowserStatus::Opened,
            ..
        }
    ));
    // A callback of an older attempt is ignored.
    update(
        &mut app,
        Action::Callback {
            attempt: attempt - 1,
            pasted: false,
            result: code("old"),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("the-code"),
        },
    );
    assert_eq!(app.step, Step::Review);

    let (_, config, _, _, code) = created_config(&enter(&mut app));
    assert_eq!(
        config,
        pairs(&[
            ("document.tagging", "false"),
            ("oauth.api.key", "client-id"),
            ("oauth.api.secret", "client-secret"),
            ("oauth.callback.url", CALLBACK),
        ])
    );
    assert_eq!(code.as_deref(), Some("the-code"));
}

#[test]
fn authorize_keys_copy_reopen_and_paste() {
    let (mut app, attempt) = infusionsoft_waiting();
    assert!(matches!(
        key(&mut app, KeyCode::Char('o')).as_slice(),
        [Effect::OpenBrowser { .. }]
    ));
    match key(&mut app, KeyCode::Char('c')).as_slice() {
        [Effect::Copy {
            what: CopyTarget::AuthUrl,
            text,
        }] => assert_eq!(text.expose(), "https://signin.example/a"),
        other => panic!("{other:?}"),
    }
    // A paste lands in the redirect field whatever has focus.
    update(
        &mut app,
        Action::Paste("http://127.0.0.1:48213/callback?code=c&state=s\n".into()),
    );
    assert!(app.authorize.paste_focused);
    match enter(&mut app).as_slice() {
        [Effect::ParsePasted { attempt: a, input }] => {
            assert_eq!(*a, attempt);
            assert_eq!(
                input.expose(),
                "http://127.0.0.1:48213/callback?code=c&state=s"
            );
        }
        other => panic!("{other:?}"),
    }
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: crate::tui::action::CallbackResult::Rejected("wrong state".into()),
        },
    );
    assert_eq!(
        app.step,
        Step::Authorize,
        "a bad paste keeps the attempt waiting"
    );
    assert!(app.notice.as_ref().unwrap().text.contains("wrong state"));
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: code("pasted-code"),
        },
    );
    assert_eq!(app.step, Step::Review);
    assert_eq!(
        app.authorize.grant.as_ref().unwrap().0,
        crate::tui::app::Grant::Code("pasted-code".into())
    );
    // Back to the form and forward again with nothing changed reuses the code.
    esc(&mut app);
    assert!(ctrl(&mut app, 's').is_empty());
    assert_eq!(app.step, Step::Review);
    // Any change to the form asks for a new one.
    esc(&mut app);
    type_text(&mut app, "2");
    assert!(matches!(
        ctrl(&mut app, 's').as_slice(),
        [Effect::StartAuthorization { .. }]
    ));
}

#[test]
fn connection_step_validates_tests_and_remembers() {
    let mut app = fresh();
    assert_eq!(app.step, Step::Connection);
    assert!(enter(&mut app).is_empty());
    assert_eq!(app.connection.focus, ConnField::UserSecret);
    assert!(app.connection.errors[&ConnField::UserSecret].starts_with("User secret is required"));
    type_text(&mut app, USER);
    assert!(!app.connection.errors.contains_key(&ConnField::UserSecret));
    tab(&mut app);
    type_text(&mut app, ORG);
    tab(&mut app);
    assert_eq!(app.connection.focus, ConnField::Remember);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    assert_eq!(app.connection.remember, Remember::EnvironmentAndSecrets);
    key(&mut app, KeyCode::Left);
    assert_eq!(app.connection.remember, Remember::Environment);

    let effects = ctrl(&mut app, 't');
    let [Effect::CheckConnection {
        attempt,
        platform: crate::tui::effect::Platform { creds, base_url },
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (creds.user.expose(), creds.org.expose(), base_url.as_str()),
        (USER, ORG, crate::api::PRODUCTION_URL)
    );
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Ok(12),
        },
    );
    assert!(
        effects.is_empty(),
        "a test alone neither saves nor moves on"
    );
    assert_eq!(app.connection.check, CheckStatus::Passed { elements: 12 });
    assert_eq!(app.step, Step::Connection);

    let effects = enter(&mut app);
    let [Effect::CheckConnection { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Ok(12),
        },
    );
    match effects.as_slice() {
        [Effect::SaveConfig {
            environment,
            secrets: None,
            ..
        }] => assert_eq!(*environment, crate::config::Environment::Production),
        other => panic!("secrets are saved only when asked: {other:?}"),
    }
    assert_eq!(app.step, Step::Element);
}

#[test]
fn custom_environment_needs_a_url_and_secrets_can_be_saved_on_request() {
    let mut app = fresh();
    assert_eq!(
        app.connection.focus,
        ConnField::UserSecret,
        "it opens where typing is needed"
    );
    key(&mut app, KeyCode::Up);
    assert!(
        app.connection.errors.is_empty(),
        "an untouched field is not flagged on the way back"
    );
    // production → EU → staging → other (base URL)
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    tab(&mut app);
    assert_eq!(app.connection.focus, ConnField::CustomUrl);
    type_text(&mut app, "not a url");
    tab(&mut app);
    assert_eq!(app.connection.focus, ConnField::CustomUrl);
    assert!(app.connection.errors[&ConnField::CustomUrl].contains("https://"));
    ctrl(&mut app, 'u');
    update(
        &mut app,
        Action::Paste("http://127.0.0.1:9/elements/api-v2".into()),
    );
    tab(&mut app);
    type_text(&mut app, USER);
    tab(&mut app);
    type_text(&mut app, ORG);
    tab(&mut app);
    key(&mut app, KeyCode::Left);
    assert_eq!(app.connection.remember, Remember::EnvironmentAndSecrets);
    let effects = enter(&mut app);
    let [Effect::CheckConnection { attempt, platform }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(platform.base_url, "http://127.0.0.1:9/elements/api-v2");
    let effects = update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Ok(1),
        },
    );
    match effects.as_slice() {
        [Effect::SaveConfig {
            secrets: Some(c), ..
        }] => assert_eq!(c.user.expose(), USER),
        other => panic!("{other:?}"),
    }
}

#[test]
fn element_filter_and_escape() {
    let mut app = connected();
    type_text(&mut app, "zzz");
    assert!(app.picker.matches().is_empty());
    enter(&mut app);
    assert_eq!(app.step, Step::Element);
    assert!(app.notice.is_some());
    esc(&mut app);
    assert!(app.picker.filter.is_empty(), "Esc clears the filter first");
    assert_eq!(app.picker.matches().len(), app.catalog.catalog.len());
    key(&mut app, KeyCode::Down);
    assert_eq!(app.picker.selected, 1);
    // The help's "type filter" is a hint, not a key: `/` is typed like
    // any other character, and Esc clears it.
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.picker.filter.value(), "/");
    esc(&mut app);
    assert!(app.picker.filter.is_empty());
    esc(&mut app);
    assert_eq!(app.step, Step::Connection, "then Esc goes back");
    assert_eq!(app.connection.user.value(), USER);
}

#[test]
fn help_overlay_and_question_marks_in_text() {
    let mut app = connected();
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    esc(&mut app);
    assert_eq!(app.overlay, None);
    pick(&mut app, "big", "bigcommerce");
    type_text(&mut app, "https://x.com/?a=1");
    assert_eq!(app.overlay, None, "? is text in a text field");
    assert_eq!(app.form().unwrap().value("store.url"), "https://x.com/?a=1");
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.overlay, Some(Overlay::Help));
    type_text(&mut app, "abc");
    assert_eq!(
        app.form().unwrap().value("store.url"),
        "https://x.com/?a=1",
        "keys do not reach the form under help"
    );
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.overlay, None);
}

#[test]
fn ctrl_c_asks_only_when_something_was_typed() {
    let mut app = connected();
    assert!(ctrl(&mut app, 'c').is_empty());
    assert_eq!(app.exit, Some(Exit::Interrupted));

    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    assert!(ctrl(&mut app, 'c').is_empty());
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!((app.overlay.clone(), app.exit), (None, None));
    ctrl(&mut app, 'c');
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
    assert_eq!(app.exit, Some(Exit::Interrupted));
}

#[test]
fn saving_the_instance_never_overwrites_without_asking() {
    let mut app = connected();
    let created = instance(9, "my shop/1", "bigcommerce", "BigCommerce", "tok");
    bigcommerce_done(&mut app, "p", created);
    key(&mut app, KeyCode::Char('s'));
    let prompt = app.done.as_ref().unwrap().prompt.as_ref().unwrap();
    assert_eq!(prompt.path.value(), "my_shop_1.instance.json");
    let path = match enter(&mut app).as_slice() {
        [Effect::SaveFile {
            path,
            contents,
            overwrite: false,
        }] => {
            assert!(contents.expose().contains("\"token\": \"tok\""));
            path.clone()
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Action::FileSaved {
            path: path.clone(),
            result: Err(FileSaveError::Exists),
        },
    );
    assert!(
        app.done
            .as_ref()
            .unwrap()
            .prompt
            .as_ref()
            .unwrap()
            .confirm_overwrite
    );
    assert!(matches!(
        key(&mut app, KeyCode::Char('y')).as_slice(),
        [Effect::SaveFile {
            overwrite: true,
            ..
        }]
    ));
    update(
        &mut app,
        Action::FileSaved {
            path: path.clone(),
            result: Ok(()),
        },
    );
    assert_eq!(
        app.saved_files,
        [std::env::current_dir()
            .unwrap()
            .join("my_shop_1.instance.json")]
    );
    assert!(app.done.as_ref().unwrap().prompt.is_none());

    // Another instance: back to Element, connection kept.
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.step, Step::Element);
    assert_eq!(app.connection.user.value(), USER);
    pick(&mut app, "big", "bigcommerce");
    assert_eq!(
        app.form().unwrap().value("store.url"),
        "",
        "a new instance starts from a fresh form"
    );
    assert_eq!(app.created.len(), 1);
}

#[test]
fn review_toggles_and_copies_redacted_unless_revealed() {
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    fill(&mut app, "https://store-a.mybigcommerce.com/api/v2/");
    fill(&mut app, "u");
    fill(&mut app, "hunter2");
    ctrl(&mut app, 's');
    match key(&mut app, KeyCode::Char('c')).as_slice() {
        [Effect::Copy {
            what: CopyTarget::Curl,
            text,
        }] => {
            assert!(text.expose().contains("curl -X POST"));
            assert!(!text.expose().contains("hunter2"));
            assert!(!text.expose().contains(USER));
        }
        other => panic!("{other:?}"),
    }
    key(&mut app, KeyCode::Char('r'));
    match key(&mut app, KeyCode::Char('b')).as_slice() {
        [Effect::Copy {
            what: CopyTarget::Body,
            text,
        }] => assert!(text.expose().contains("hunter2")),
        other => panic!("{other:?}"),
    }
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.review.view, crate::tui::app::ReviewView::Curl);
}

#[test]
fn debug_output_of_the_model_names_no_secret() {
    let mut app = connected();
    let created = instance(1, "n", "bigcommerce", "BigCommerce", "element-token-zzz");
    bigcommerce_done(&mut app, "hunter2-password", created);
    let debug = format!("{app:?}");
    for secret in [USER, ORG, "hunter2-password", "element-token-zzz"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    let effects = key(&mut app, KeyCode::Char('c'));
    assert!(!format!("{effects:?}").contains("element-token-zzz"));
}

#[test]
fn preselected_element_opens_its_form() {
    let mut opts = options(
        Some(crate::config::Environment::Staging),
        Some(USER),
        Some(ORG),
    );
    opts.element = Some("BigCommerce".into());
    let app = crate::tui::initial_app(&opts, settings(), crate::tui::theme::Theme::plain());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.element.as_deref(), Some("bigcommerce"));
    assert_eq!(app.connection.base_url(), crate::api::STAGING_URL);
}

#[test]
fn the_environment_choices_cycle_both_ways_through_every_region() {
    use crate::config::{Environment, EU_URL};
    let mut app = fresh();
    app.connection.focus = ConnField::Environment;
    let mut forward = vec![app.connection.environment()];
    for _ in 0..4 {
        key(&mut app, KeyCode::Right);
        forward.push(app.connection.environment());
    }
    let other = Environment::Custom(String::new());
    assert_eq!(
        forward,
        [
            Environment::Production,
            Environment::Eu,
            Environment::Staging,
            other.clone(),
            Environment::Production
        ]
    );
    key(&mut app, KeyCode::Left);
    assert_eq!(app.connection.environment(), other);
    assert!(app.connection.fields().contains(&ConnField::CustomUrl));
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    assert_eq!(app.connection.base_url(), EU_URL);
    assert!(!app.connection.fields().contains(&ConnField::CustomUrl));
    // An EU account given on the command line lands on the EU choice.
    let opts = options(Some(Environment::Eu), None, None);
    let app = crate::tui::initial_app(&opts, settings(), crate::tui::theme::Theme::plain());
    assert_eq!(app.connection.base_url(), EU_URL);
}
