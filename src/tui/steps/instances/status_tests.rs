//! Finding the troubled instance among many: status words in the filter,
//! the sort by status, the list at 60 columns (names cut in their middle,
//! no created column), and Done's way into the view.

use super::test_support::view;
use super::*;
use crate::api::Instance;
use crate::flow::check::Outcome;
use crate::tui::action::Action;
use crate::tui::tests::support::{
    bigcommerce_done, connected, esc, instance, key, screen, type_text,
};
use crate::tui::update::update;

fn inst(id: i64, name: &str, valid: bool, disabled: bool) -> Listed {
    Listed::from(
        Instance::from_value(serde_json::json!({
            "id": id,
            "name": name,
            "token": format!("tok-{id}"),
            "element": { "key": "bigcommerce", "name": "BigCommerce", "hub": "ecommerce" },
            "createdDate": "2025-01-02T03:04:05Z",
            "configuration": {},
            "tags": ["seeded"],
            "valid": valid,
            "disabled": disabled,
        }))
        .unwrap(),
    )
}

/// Oldest first, as the platform lists them: one fine, one invalid, one
/// disabled, one more fine.
fn listed() -> App {
    let mut app = connected();
    let effects = key(&mut app, KeyCode::F(2));
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    let items = vec![
        inst(1, "Shop store 00001", true, false),
        inst(2, "Shop store 00002", false, false),
        inst(3, "Winter store 00003", true, true),
        inst(4, "Winter store 00004", true, false),
    ];
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: items,
        },
    );
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Ok(()),
        },
    );
    app
}

fn ids(app: &App) -> Vec<i64> {
    let v = view(app);
    v.matches().iter().map(|&i| v.items[i].id).collect()
}

fn filter(app: &mut App, text: &str) {
    let view = app.instances.as_mut().unwrap();
    view.filter.set("");
    view.refilter();
    type_text(app, text);
}

fn broken() -> Outcome {
    Outcome::Broken {
        problem: "the provider refused".into(),
        provider_message: None,
        request_id: None,
        remedy: crate::flow::check::Remedy::Reauthorize,
    }
}

fn found(app: &mut App, id: i64, outcome: Outcome) {
    let view = app.instances.as_mut().unwrap();
    view.checks.insert(id, Check::Found(outcome));
}

#[test]
fn status_words_filter_by_status_beside_the_other_words() {
    let mut app = listed();
    filter(&mut app, "invalid");
    assert_eq!(ids(&app), [2]);
    assert!(screen(&app, 80, 24).contains("1 of 4 instances"));
    filter(&mut app, "DISABLED");
    assert_eq!(ids(&app), [3], "in any case");
    filter(&mut app, "invalid disabled");
    assert_eq!(ids(&app), [2, 3], "two statuses: either");
    filter(&mut app, "winter disabled");
    assert_eq!(ids(&app), [3], "the other words still narrow");
    filter(&mut app, "shop disabled");
    assert!(ids(&app).is_empty());
    filter(&mut app, "unchecked");
    assert_eq!(ids(&app), [1, 2, 3, 4], "nothing checked yet");
    // What a check found counts too.
    found(
        &mut app,
        1,
        Outcome::Works {
            read: "orders".into(),
        },
    );
    found(&mut app, 4, broken());
    filter(&mut app, "works");
    assert_eq!(ids(&app), [1]);
    filter(&mut app, "broken");
    assert_eq!(ids(&app), [4]);
    filter(&mut app, "unchecked store");
    assert_eq!(ids(&app), [2, 3]);
    filter(&mut app, "broken invalid");
    assert_eq!(ids(&app), [2, 4]);
    // The filter says what it takes.
    filter(&mut app, "");
    assert!(screen(&app, 120, 40).contains("name, element, tag or status"));
}

#[test]
fn f3_puts_troubled_instances_first_and_back() {
    let mut app = listed();
    found(&mut app, 4, broken());
    key(&mut app, KeyCode::Down);
    assert_eq!(view(&app).selected().unwrap().id, 2);
    key(&mut app, KeyCode::F(3));
    assert_eq!(
        ids(&app),
        [4, 2, 3, 1],
        "broken, invalid, disabled, then the rest"
    );
    assert_eq!(view(&app).selected().unwrap().id, 2, "the cursor stays");
    let s = screen(&app, 80, 24);
    assert!(s.contains("4 instances · troubled first"), "{s}");
    // With a filter, the sort holds.
    type_text(&mut app, "store");
    assert_eq!(ids(&app), [4, 2, 3, 1]);
    key(&mut app, KeyCode::F(3));
    assert_eq!(ids(&app), [1, 2, 3, 4], "the platform's order again");
    assert!(!screen(&app, 80, 24).contains("troubled first"));
    // The help names the key.
    key(&mut app, KeyCode::Char('?'));
    assert!(screen(&app, 120, 40).contains("sort by status"));
}

#[test]
fn at_60_columns_names_keep_their_ends_and_more_rows_show() {
    let mut app = connected();
    let effects = key(&mut app, KeyCode::F(2));
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    let items = (1..=6)
        .map(|n| {
            inst(
                n,
                &format!("Infusionsoft production store {n:05}"),
                true,
                false,
            )
        })
        .collect();
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: items,
        },
    );
    let s = screen(&app, 60, 16);
    assert!(!s.contains("CREATED"), "{s}");
    for n in 1..=4 {
        let row = s.lines().find(|l| l.contains(&format!("store {n:05}")));
        assert!(
            row.is_some_and(|r| r.contains("Infusionsoft") && r.contains('…')),
            "row {n} shows its start and its end:\n{s}"
        );
    }
    insta::assert_snapshot!("instances_narrow_60x16", s);
    // Wide enough, the created column is back.
    let s = screen(&app, 120, 40);
    assert!(s.contains("CREATED") && s.contains("2025-01-02"), "{s}");
}

#[test]
fn done_opens_the_instances_view_on_the_new_instance_and_esc_comes_back() {
    let mut app = connected();
    let created = instance(42, "New shop", "bigcommerce", "BigCommerce", "tok-42");
    bigcommerce_done(&mut app, "p", created.clone());
    assert!(screen(&app, 80, 24).contains("i instances"));
    // A filter left from an earlier visit would hide it.
    app.instances = Some(InstancesState::new(Some(Step::Element)));
    app.instances.as_mut().unwrap().filter.set("winter");
    let effects = key(&mut app, KeyCode::Char('i'));
    assert_eq!(app.step, Step::Instances);
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    let first: Vec<Listed> = (1..=30).map(|n| inst(n, "Older", true, false)).collect();
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: first,
        },
    );
    assert_eq!(view(&app).selected().unwrap().id, 1, "not there yet");
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: vec![Listed::from(created)],
        },
    );
    assert_eq!(view(&app).selected().unwrap().id, 42);
    assert!(view(&app).filter.is_empty());
    esc(&mut app);
    assert_eq!(app.step, Step::Done);
}
