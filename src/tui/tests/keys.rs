//! The keys across every step: one notation for them in footers and help
//! (`Ctrl-X`, as most of the labels always wrote them), and no key that
//! means one thing on one step and another thing on the next.

use super::support::*;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Chord, Command, EDITING_KEYS};
use crate::tui::listed::Listed;
use crate::tui::step::Step;
use crate::tui::update::{bindings, update};
use crossterm::event::KeyCode;
use std::collections::BTreeMap;

/// The wizard on each step as a person first meets it, the Instances view
/// with an instance listed (so its actions are offered).
fn every_step() -> Vec<App> {
    let element = connected();
    let mut configure = connected();
    pick(&mut configure, "woo", "woocommerce");
    let (authorize, _) = infusionsoft_waiting();
    let review = ecwid_at_review();
    let mut creating = ecwid_at_review();
    enter(&mut creating);
    let mut done = connected();
    let created = instance(41, "Shop 41", "bigcommerce", "BigCommerce", "tok");
    bigcommerce_done(&mut done, "p", created.clone());
    let mut instances = connected();
    let effects = key(&mut instances, KeyCode::F(2));
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    update(
        &mut instances,
        Action::InstancesPage {
            attempt,
            instances: vec![Listed::from(created)],
        },
    );
    let apps = vec![
        fresh(),
        element,
        configure,
        authorize,
        review,
        creating,
        done,
        instances,
    ];
    let steps: Vec<Step> = apps.iter().map(|a| a.step).collect();
    assert_eq!(
        steps,
        [
            Step::Connection,
            Step::Element,
            Step::Configure,
            Step::Authorize,
            Step::Review,
            Step::Creating,
            Step::Done,
            Step::Instances
        ]
    );
    apps
}

/// A label in the one notation: Ctrl chords as `Ctrl-X`, never `^X`,
/// `C-x` or `ctrl+x`.
fn notation_problem(label: &str) -> Option<&'static str> {
    let lower = label.to_lowercase();
    if label.contains('^') {
        return Some("`^X`");
    }
    if lower.contains("ctrl+") || lower.contains("c-") && !lower.contains("ctrl-") {
        return Some("`ctrl+x` or `C-x`");
    }
    let mut rest = label;
    while let Some(at) = rest.find("Ctrl-") {
        let next = rest[at + 5..].chars().next();
        if next.is_some_and(|c| c.is_ascii_lowercase()) {
            return Some("a lower-case letter after `Ctrl-`");
        }
        rest = &rest[at + 5..];
    }
    None
}

#[test]
fn every_label_and_screen_writes_ctrl_keys_one_way() {
    for app in every_step() {
        for bd in bindings(&app) {
            assert_eq!(
                notation_problem(bd.label),
                None,
                "{:?}: label {:?}",
                app.step,
                bd.label
            );
            // A Ctrl chord's label names it, unless it only doubles a key
            // the label names (↓ and Ctrl-N).
            for chord in bd.keys.iter().filter(|c| c.ctrl) {
                if let KeyCode::Char(c) = chord.code {
                    let named = format!("Ctrl-{}", c.to_ascii_uppercase());
                    assert!(
                        bd.label.contains(&named) || bd.keys.iter().any(|k| !k.ctrl),
                        "{:?}: {:?} does not name {named}",
                        app.step,
                        bd.label
                    );
                }
            }
        }
        // What the screen itself says about keys (notices, hints, help).
        let s = screen(&app, 120, 40);
        assert!(!s.contains('^'), "{:?} writes a key as ^X:\n{s}", app.step);
    }
    for (label, _) in EDITING_KEYS {
        assert_eq!(notation_problem(label), None, "{label:?}");
    }
}

/// Keys every step gives the same kind of meaning (go on, go back, move),
/// whose command is the step's own version of it.
fn same_everywhere(chord: &Chord) -> bool {
    !chord.ctrl
        && matches!(
            chord.code,
            KeyCode::Enter
                | KeyCode::Esc
                | KeyCode::Tab
                | KeyCode::BackTab
                | KeyCode::Up
                | KeyCode::Down
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::PageUp
                | KeyCode::PageDown
                | KeyCode::Home
                | KeyCode::End
                | KeyCode::Char(' ')
        )
}

/// Commands that are one meaning under two names, deliberately: `c`
/// copies what the screen is about (the sign-in link, the curl command,
/// the token), Ctrl-T tests it (the connection, an instance).
fn meaning(cmd: Command) -> Command {
    match cmd {
        Command::CopyUrl | Command::CopyCurl => Command::CopyToken,
        Command::TestConnection => Command::TestInstance,
        other => other,
    }
}

/// Keys that still mean two things, on screens outside the Instances view
/// and its keys: listed so that any new clash fails, and so that the list
/// only shrinks. `j` scrolls Review (as in a pager) and copies JSON on
/// Done; `r` starts over on Authorize and reveals on Review; Ctrl-R
/// reveals secrets on Connection and Review and reloads on Element and
/// Instances.
const NOT_YET_MOVED: &[&str] = &["Char('j')", "Char('r')", "Char('r')+ctrl"];

#[test]
fn no_key_means_two_things_across_the_steps() {
    let mut seen: BTreeMap<String, Vec<(Step, Command, &'static str)>> = BTreeMap::new();
    for app in every_step() {
        for bd in bindings(&app) {
            let Some(cmd) = bd.command else { continue };
            for chord in bd.keys.iter().filter(|c| !same_everywhere(c)) {
                let name = format!("{:?}{}", chord.code, if chord.ctrl { "+ctrl" } else { "" });
                seen.entry(name)
                    .or_default()
                    .push((app.step, meaning(cmd), bd.description));
            }
        }
    }
    let mut clashes = vec![];
    for (chord, uses) in &seen {
        let first = uses[0].1;
        let clash = uses.iter().any(|u| u.1 != first);
        let listed = NOT_YET_MOVED.contains(&chord.as_str());
        if clash && !listed {
            clashes.push(format!("{chord}: {uses:?}"));
        }
        assert!(
            clash || !listed,
            "{chord} means one thing now: take it off NOT_YET_MOVED"
        );
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

/// The old clash, named: F2 opened the Instances view from the Element
/// step and edited an instance inside it.
#[test]
fn f2_opens_the_instances_view_and_f4_edits_in_it() {
    let apps = every_step();
    let f2 = |app: &App| {
        bindings(app)
            .into_iter()
            .find(|b| b.keys.iter().any(|k| k.code == KeyCode::F(2) && !k.ctrl))
            .and_then(|b| b.command)
    };
    assert_eq!(f2(&apps[1]), Some(Command::OpenInstances));
    assert_eq!(f2(&apps[7]), None);
}
