//! "New from this" for an instance of a catalog element whose form this
//! run does not know yet: the metadata fetched from the Instances view,
//! its failure, a retry, Esc and a late answer, the list moving meanwhile.

use super::test_support::{listed_in, view};
use super::*;
use crate::api::Instance;
use crate::catalog::{AuthKind, CatalogEntry};
use crate::tui::action::Action;
use crate::tui::tests::support::{
    auroracrm, connected, connected_live, ctrl, enter, esc, key, nimbusdesk, report, screen,
    spec_of, type_text,
};
use crate::tui::update::update;
use serde_json::json;

fn desk(id: i64, name: &str, subdomain: &str) -> Instance {
    Instance::from_value(json!({
        "id": id,
        "name": name,
        "token": format!("tok-{id}"),
        "element": { "key": "nimbusdesk", "name": "Nimbus Desk", "hub": "helpdesk" },
        "configuration": {
            "nimbus.subdomain": subdomain,
            "nimbus.api.key": "********",
            "nimbus.region": "eu",
            "nimbus.account.id": "4711",
            "nimbus.agent.email": "agent@acme.example",
        },
        "tags": ["support"],
        "valid": true,
    }))
    .unwrap()
}

/// The screen's text as one line, the detail pane below the list: what
/// wraps is found whole.
fn flat(app: &App) -> String {
    screen(app, 100, 30)
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ctrl-B, which must ask for the element's metadata: its attempt and entry.
fn asks_for_form(app: &mut App) -> (u64, CatalogEntry) {
    match ctrl(app, 'b').as_slice() {
        [Effect::LoadSpec { attempt, entry, .. }] => (*attempt, entry.clone()),
        other => panic!("{other:?}"),
    }
}

fn answer(app: &mut App, attempt: u64, entry: &CatalogEntry) {
    update(
        app,
        Action::SpecLoaded {
            attempt,
            result: Ok(Box::new(spec_of(entry))),
        },
    );
}

fn refuse(app: &mut App, attempt: u64) {
    update(
        app,
        Action::SpecLoaded {
            attempt,
            result: Err(report(503, "The platform is busy")),
        },
    );
}

#[test]
fn an_unknown_form_is_fetched_by_key_then_opened_filled_from_the_instance() {
    // `connected()` has only the bundled catalog: the entry is made of
    // what the instance says of its element.
    let mut app = listed_in(connected(), vec![desk(31, "Acme desk", "acme")]);
    assert!(app.known_spec("nimbusdesk").is_none());
    let (attempt, entry) = asks_for_form(&mut app);
    assert_eq!(
        (entry.key.as_str(), entry.name.as_str(), entry.hub.as_str()),
        ("nimbusdesk", "Nimbus Desk", "helpdesk")
    );
    assert_eq!(entry.auth, AuthKind::Custom);
    assert_eq!(app.step, Step::Instances, "the list stays while it loads");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Loading Nimbus Desk's form…"), "{s}");
    assert!(s.contains("Acme desk"), "{s}");

    answer(&mut app, attempt, &nimbusdesk());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.element.as_deref(), Some("nimbusdesk"));
    assert!(view(&app).new_from.is_none());
    let form = app.form().unwrap();
    assert_eq!(form.value("nimbus.subdomain"), "acme");
    assert_eq!(form.value("nimbus.region"), "eu");
    assert_eq!(form.value("nimbus.account.id"), "4711");
    assert_eq!(form.value("nimbus.agent.email"), "agent@acme.example");
    assert_eq!(form.value("nimbus.api.key"), "", "a secret is never copied");
    assert_eq!(form.tags.value(), "support");
    assert!(form.name.value().starts_with("nimbusdesk-"));
    assert!(screen(&app, 120, 40).contains("secrets left empty"));

    // Known now: the next one opens at once (back on the Element step,
    // where F2 opens the view).
    app.step = Step::Element;
    let mut app = listed_in(app, vec![desk(32, "Beta desk", "beta")]);
    assert!(ctrl(&mut app, 'b').is_empty());
    assert_eq!(app.form().unwrap().value("nimbus.subdomain"), "beta");
}

#[test]
fn the_catalogs_entry_is_asked_with_when_it_holds_the_element() {
    let mut aurora = desk(33, "Aurora sales", "x");
    aurora.raw["element"] = json!({ "key": "auroracrm", "name": "Old name" });
    let mut app = listed_in(connected_live(3), vec![aurora]);
    let (_, entry) = asks_for_form(&mut app);
    assert_eq!(entry, auroracrm(), "name and OAuth 2 from the catalog");
}

#[test]
fn outside_the_catalog_the_instance_tells_how_its_element_signs_in() {
    let mut raw = desk(34, "Sales", "x").raw.clone();
    raw["element"] = json!({ "key": "auroracrm", "authentication": {"type": "oauth2"} });
    let mut app = listed_in(connected(), vec![Instance::from_value(raw).unwrap()]);
    let (_, entry) = asks_for_form(&mut app);
    assert_eq!(entry.auth, AuthKind::Oauth2);
    assert_eq!(entry.name, "auroracrm", "no name given: its key");
    assert!(screen(&app, 120, 40).contains("Loading auroracrm's form…"));
}

#[test]
fn an_element_key_the_platform_never_gives_is_not_asked_about() {
    let mut i = desk(35, "Odd", "x");
    i.raw["element"]["key"] = json!("nimbus desk\u{1b}[2J");
    i.element_key = "nimbus desk\u{1b}[2J".into();
    let mut app = listed_in(connected(), vec![i]);
    assert!(ctrl(&mut app, 'b').is_empty(), "nothing is sent");
    assert!(view(&app).new_from.is_none());
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(notice.contains("ce-wizard create --element"), "{notice}");
}

#[test]
fn a_failed_fetch_shows_in_place_and_enter_tries_again() {
    let mut app = listed_in(connected(), vec![desk(31, "Acme desk", "acme")]);
    type_text(&mut app, "acme");
    let (first, entry) = asks_for_form(&mut app);
    refuse(&mut app, first);
    assert_eq!(app.step, Step::Instances);
    let s = flat(&app);
    assert!(
        s.contains("Nimbus Desk's form could not be loaded"),
        "the error in place: {s}"
    );
    assert!(s.contains("The platform is"), "its words: {s}");
    assert!(s.contains("Enter tries again; Esc cancels."), "{s}");
    assert!(s.contains("Enter try again"), "the footer: {s}");
    assert_eq!(view(&app).filter.value(), "acme", "the filter untouched");
    assert_eq!(view(&app).items.len(), 1, "the list untouched");

    let second = match enter(&mut app).as_slice() {
        [Effect::LoadSpec {
            attempt,
            entry: asked,
            ..
        }] => {
            assert_eq!(asked, &entry);
            *attempt
        }
        other => panic!("{other:?}"),
    };
    assert_ne!(second, first);
    assert!(screen(&app, 120, 40).contains("Loading Nimbus Desk's form…"));
    // The first attempt's answer, late: not this one's.
    answer(&mut app, first, &nimbusdesk());
    assert_eq!(app.step, Step::Instances);
    answer(&mut app, second, &nimbusdesk());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.form().unwrap().value("nimbus.subdomain"), "acme");
}

#[test]
fn esc_while_loading_cancels_and_a_late_answer_is_ignored() {
    let mut app = listed_in(connected(), vec![desk(31, "Acme desk", "acme")]);
    type_text(&mut app, "acme");
    let (attempt, _) = asks_for_form(&mut app);
    assert!(
        screen(&app, 80, 24).contains("Esc cancel"),
        "{}",
        screen(&app, 80, 24)
    );
    let effects = esc(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt: a }] if *a == attempt),
        "{effects:?}"
    );
    assert!(view(&app).new_from.is_none());
    assert_eq!(app.step, Step::Instances, "Esc only cancelled");
    assert_eq!(view(&app).filter.value(), "acme", "the filter kept");
    assert!(app.notice.as_ref().unwrap().text.contains("Acme desk"));

    answer(&mut app, attempt, &nimbusdesk());
    assert_eq!(app.step, Step::Instances);
    assert!(app.form().is_none(), "no form from a cancelled attempt");
    assert!(app.known_spec("nimbusdesk").is_none());

    // After a failure Esc cancels too, with nothing left to stop.
    let (attempt, _) = asks_for_form(&mut app);
    refuse(&mut app, attempt);
    assert!(esc(&mut app).is_empty());
    assert!(view(&app).new_from.is_none());
    assert_eq!(view(&app).filter.value(), "acme");
    // Then Esc is the list's again: it clears the filter.
    esc(&mut app);
    assert_eq!(view(&app).filter.value(), "");
}

#[test]
fn moving_while_loading_keeps_the_form_of_the_instance_chosen() {
    let mut app = listed_in(
        connected(),
        vec![desk(31, "Acme desk", "acme"), desk(32, "Beta desk", "beta")],
    );
    let (attempt, _) = asks_for_form(&mut app);
    key(&mut app, KeyCode::Down);
    assert_eq!(view(&app).selected().unwrap().name, "Beta desk");
    // The actions wait for the form: no test, no second load, no delete.
    assert!(ctrl(&mut app, 't').is_empty());
    assert!(ctrl(&mut app, 'b').is_empty());
    assert!(ctrl(&mut app, 'd').is_empty());
    assert!(view(&app).delete.is_none());
    let s = screen(&app, 120, 40);
    assert!(s.contains("Loading Nimbus Desk's form…"), "{s}");
    assert!(s.contains("like \"Acme desk\""), "{s}");
    // Typing still filters.
    type_text(&mut app, "desk");
    assert_eq!(view(&app).matches().len(), 2);

    answer(&mut app, attempt, &nimbusdesk());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.form().unwrap().value("nimbus.subdomain"), "acme");
    assert!(app.notice.as_ref().unwrap().text.contains("Acme desk"));
}

#[test]
fn the_element_steps_own_form_load_still_reaches_it() {
    // A load of the Element step and none of the view's: routed there.
    let mut app = connected_live(0);
    type_text(&mut app, "nimbus");
    let [Effect::LoadSpec { attempt, .. }] = enter(&mut app)[..] else {
        panic!("the Element step asks for the form");
    };
    answer(&mut app, attempt, &nimbusdesk());
    assert_eq!(app.step, Step::Configure);
    assert_eq!(app.element.as_deref(), Some("nimbusdesk"));
}

#[test]
fn snapshots_of_a_form_loading_and_failing() {
    let mut app = listed_in(
        connected(),
        vec![desk(31, "Acme desk", "acme"), desk(32, "Beta desk", "beta")],
    );
    let (attempt, _) = asks_for_form(&mut app);
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(
            format!("instances_new_from_loading_{w}x{h}"),
            screen(&app, w, h)
        );
    }
    refuse(&mut app, attempt);
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(
            format!("instances_new_from_failed_{w}x{h}"),
            screen(&app, w, h)
        );
    }
}

/// A form started from the list goes back to the list, with its filter;
/// the same element chosen on the Element step goes back there.
#[test]
fn esc_on_a_form_started_from_the_list_goes_back_to_the_list() {
    let mut app = listed_in(connected(), vec![desk(31, "Acme desk", "acme")]);
    type_text(&mut app, "acme");
    let (attempt, _) = asks_for_form(&mut app);
    answer(&mut app, attempt, &nimbusdesk());
    assert_eq!(app.step, Step::Configure);
    esc(&mut app);
    assert_eq!(app.step, Step::Instances, "back where it was started");
    assert_eq!(view(&app).filter.value(), "acme", "the filter kept");
    // Chosen on the Element step, the form's way back is that step.
    app.step = Step::Element;
    crate::tui::steps::element::choose_element(&mut app, "nimbusdesk");
    assert_eq!(app.step, Step::Configure);
    assert_eq!(
        app.form().unwrap().value("nimbus.subdomain"),
        "acme",
        "what was typed is kept"
    );
    esc(&mut app);
    assert_eq!(app.step, Step::Element);
}
