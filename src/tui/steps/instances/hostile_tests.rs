//! The Instances view against a hostile platform: names, tags, stored
//! settings and tokens holding escape sequences and bidi overrides never
//! reach the screen, the clipboard or a prefilled form as they are, and
//! "new from this" copies no value whose key names a secret.

use super::test_support::listed_in;
use super::*;
use crate::api::Instance;
use crate::sanitize;
use crate::tui::action::Action;
use crate::tui::tests::support::{connected, ctrl, key, screen};
use crate::tui::update::update;
use serde_json::json;

/// Sets the clipboard (OSC 52), clears the screen (CSI as C1), reverses
/// what follows.
const HOSTILE: &str = "\u{1b}]52;c;ZWNobyBoaQ==\u{7}x\u{9b}2J\u{202e}y\u{2067}";

fn hostile(id: i64, key: &str, config: serde_json::Value) -> Instance {
    Instance::from_value(json!({
        "id": id,
        "name": format!("shop{HOSTILE}"),
        "token": format!("tok{HOSTILE}"),
        "element": { "key": key, "name": key, "hub": "ecommerce" },
        "configuration": config,
        "tags": [format!("eu{HOSTILE}"), "plain"],
        "valid": true,
    }))
    .unwrap()
}

fn listed(items: Vec<Instance>) -> App {
    listed_in(connected(), items)
}

/// The screen at 120x40, after checking it at two sizes.
fn assert_screen_clean(app: &App) -> String {
    let mut last = String::new();
    for (w, h) in [(80, 24), (120, 40)] {
        let s = screen(app, w, h);
        let bad: Vec<char> = s
            .chars()
            .filter(|&c| c != '\n' && sanitize::is_unsafe(c))
            .collect();
        assert!(bad.is_empty(), "{bad:?} on screen:\n{s}");
        last = s;
    }
    last
}

fn assert_clean(what: &str, text: &str) {
    assert!(!sanitize::has_unsafe(text), "{what}: {text:?}");
}

#[test]
fn a_token_with_escape_sequences_is_not_copied() {
    let mut app = listed(vec![hostile(5, "bigcommerce", json!({}))]);
    let effects = ctrl(&mut app, 'y');
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Copy { .. })),
        "{effects:?}"
    );
    let notice = app.notice.as_ref().expect("a notice says why");
    assert!(notice.text.contains("not copied"), "{}", notice.text);
    assert_clean("notice", &notice.text);
    assert_screen_clean(&app);
}

#[test]
fn new_from_this_fills_the_form_with_cleaned_values_and_no_secret_looking_key() {
    let spec = crate::catalog::parse_spec(
        "hostile.toml",
        r#"
key = "hostileshop"
name = "Hostile Shop"
hub = "ecommerce"
auth = "basic"
description = "A shop."

[[fields]]
key = "site.name"
label = "Site"
kind = "text"

[[fields]]
key = "store.api_key"
label = "Store API key"
kind = "text"

[[fields]]
key = "access.token"
label = "Access token"
kind = "text"
"#,
    )
    .unwrap();
    let mut app = listed(vec![hostile(
        6,
        "hostileshop",
        json!({
            "site.name": format!("north{HOSTILE}"),
            "store.api_key": "live-key-123456",
            "access.token": "at-99999",
        }),
    )]);
    app.specs.insert("hostileshop".into(), spec);
    ctrl(&mut app, 'b');
    assert_eq!(app.step, Step::Configure);
    let form = app.form().unwrap();
    assert!(form.value("site.name").starts_with("north"));
    assert_clean("site.name", form.value("site.name"));
    assert_eq!(form.value("store.api_key"), "", "a key naming a secret");
    assert_eq!(form.value("access.token"), "", "a key naming a secret");
    assert!(form.tags.value().contains("plain"));
    assert_clean("tags", form.tags.value());
    assert_clean("notice", &app.notice.as_ref().unwrap().text);
    assert_screen_clean(&app);
}

#[test]
fn an_edit_answered_with_hostile_tags_shows_them_cleaned() {
    let mut app = listed(vec![hostile(7, "bigcommerce", json!({}))]);
    assert!(key(&mut app, KeyCode::F(4)).is_empty());
    assert_screen_clean(&app);
    assert_clean(
        "edit prompt",
        app.instances
            .as_ref()
            .unwrap()
            .edit
            .as_ref()
            .unwrap()
            .tags
            .value(),
    );
    crate::tui::tests::support::type_text(&mut app, "2");
    let effects = crate::tui::tests::support::enter(&mut app);
    let [Effect::UpdateInstance { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    update(
        &mut app,
        Action::InstanceUpdated {
            attempt,
            id: 7,
            result: Ok(hostile(7, "bigcommerce", json!({}))),
        },
    );
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(notice.contains("Updated instance 7"), "{notice}");
    assert_clean("notice", notice);
    assert_screen_clean(&app);
}

#[test]
fn re_authorizing_prefills_the_app_key_cleaned() {
    let mut app = listed(vec![hostile(
        8,
        "infusionsoftecommerce",
        json!({
            "oauth.api.key": format!("client{HOSTILE}"),
            "oauth.api.secret": "********",
        }),
    )]);
    ctrl(&mut app, 'g');
    let prompt = app.instances.as_ref().unwrap().reauth.as_ref().unwrap();
    assert!(prompt.key.value().starts_with("client"));
    assert_clean("app key", prompt.key.value());
    assert_screen_clean(&app);
}

#[test]
fn done_neither_shows_nor_copies_a_token_with_escape_sequences() {
    let mut app = connected();
    app.done = Some(crate::tui::steps::done::DoneState {
        instance: hostile(9, "bigcommerce", json!({})),
        prompt: None,
        saved_to: None,
        copied: false,
        recovered: None,
        check: None,
    });
    app.step = Step::Done;
    let s = assert_screen_clean(&app);
    assert!(s.contains("so it is not printed"), "{s}");
    assert!(!s.contains("tok]52"), "{s}");
    let effects = key(&mut app, KeyCode::Char('c'));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Copy { .. })),
        "{effects:?}"
    );
    assert_clean("notice", &app.notice.as_ref().unwrap().text);
}
