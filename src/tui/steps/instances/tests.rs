use super::test_support::view;
use super::*;
use crate::api::Instance;
use crate::flow::check::Outcome;
use crate::tui::action::{Action, DeleteAnswer};
use crate::tui::tests::support::{connected, ctrl, enter, esc, key, report, screen, type_text};
use crate::tui::update::update;

const TOKEN: &str = "tok-SECRET-4rrhnrMl1UeDj25v0x=";

fn inst(id: i64, name: &str, key: &str, tags: &[&str], valid: bool, disabled: bool) -> Instance {
    Instance::from_value(serde_json::json!({
        "id": id,
        "name": name,
        "token": TOKEN,
        "element": { "key": key, "name": key, "hub": "ecommerce" },
        "createdDate": "2025-01-02T03:04:05Z",
        "configuration": {},
        "tags": tags,
        "valid": valid,
        "disabled": disabled,
    }))
    .unwrap()
}

fn page_one() -> Vec<Listed> {
    [
        inst(11, "big shop", "bigcommerce", &["prod"], true, false),
        inst(12, "winter sale", "woocommerce", &["eu"], false, false),
        inst(13, "old magento", "magentov20", &[], true, true),
    ]
    .into_iter()
    .map(Listed::from)
    .collect()
}

/// The view opened from the Element step, and the attempt of its listing.
fn opened() -> (App, u64) {
    let mut app = connected();
    let effects = key(&mut app, KeyCode::F(2));
    assert_eq!(app.step, Step::Instances);
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    (app, attempt)
}

fn listed_app() -> App {
    let (mut app, attempt) = opened();
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: page_one(),
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

fn names(app: &App) -> Vec<String> {
    let v = view(app);
    v.matches()
        .iter()
        .map(|&i| v.items[i].name.clone())
        .collect()
}

#[test]
fn pages_show_as_they_arrive_with_the_count() {
    let (mut app, attempt) = opened();
    assert!(screen(&app, 80, 24).contains("0 instances … loading"));
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: page_one(),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("3 instances … loading"), "{s}");
    assert!(s.contains("big shop") && s.contains("winter sale"), "{s}");
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: vec![inst(14, "fourth", "ecwid", &[], true, false).into()],
        },
    );
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Ok(()),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("4 instances "), "{s}");
    assert!(!s.contains("loading"), "{s}");
}

#[test]
fn a_page_of_an_older_listing_is_ignored() {
    let (mut app, first) = opened();
    let effects = ctrl(&mut app, 'r');
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt }, Effect::ListInstances { .. }] if *attempt == first),
        "{effects:?}"
    );
    update(
        &mut app,
        Action::InstancesPage {
            attempt: first,
            instances: page_one(),
        },
    );
    assert!(view(&app).items.is_empty());
}

#[test]
fn a_failed_page_says_the_list_is_partial() {
    let (mut app, attempt) = opened();
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: page_one(),
        },
    );
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Err(report(500, "page 2 failed")),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("not all: the listing failed"), "{s}");
    assert!(s.contains("page 2 failed"), "{s}");
}

#[test]
fn typing_filters_by_name_element_and_tag() {
    let mut app = listed_app();
    type_text(&mut app, "winter");
    assert_eq!(names(&app), ["winter sale"]);
    assert!(screen(&app, 80, 24).contains("1 of 3 instances"));
    esc(&mut app);
    assert_eq!(names(&app).len(), 3, "Esc clears the filter first");
    type_text(&mut app, "magento");
    assert_eq!(names(&app), ["old magento"]);
    esc(&mut app);
    type_text(&mut app, "prod");
    assert_eq!(names(&app), ["big shop"]);
}

#[test]
fn the_status_column_tells_invalid_and_disabled() {
    let app = listed_app();
    let v = view(&app);
    let status: Vec<_> = v.items.iter().map(|i| v.status(i)).collect();
    assert_eq!(status, [Status::Valid, Status::Invalid, Status::Disabled]);
    let s = screen(&app, 120, 40);
    assert!(s.contains("invalid") && s.contains("disabled"), "{s}");
}

#[test]
fn the_token_is_never_drawn() {
    let mut app = listed_app();
    for (w, h) in [(80, 24), (120, 40)] {
        assert!(!screen(&app, w, h).contains(TOKEN));
    }
    // Copying hands it to the clipboard path only.
    let effects = ctrl(&mut app, 'y');
    assert!(
        matches!(&effects[..], [Effect::Copy { what: CopyTarget::Token, text }] if text.expose() == TOKEN),
        "{effects:?}"
    );
    let effects = key(&mut app, KeyCode::F(6));
    assert!(
        matches!(&effects[..], [Effect::Copy { what: CopyTarget::InstanceJson, text }] if text.expose().contains("\"big shop\"")),
        "{effects:?}"
    );
}

#[test]
fn test_reports_a_broken_instance() {
    let mut app = listed_app();
    type_text(&mut app, "winter");
    let effects = ctrl(&mut app, 't');
    let [Effect::CheckInstance {
        attempt, id: 12, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    assert_eq!(view(&app).status(&view(&app).items[1]), Status::Checking);
    let outcome = Outcome::Broken {
        problem: "the provider refused the instance's credentials".into(),
        provider_message: Some("token revoked".into()),
        request_id: None,
        remedy: crate::flow::check::Remedy::Reauthorize,
    };
    update(
        &mut app,
        Action::InstanceChecked {
            attempt,
            id: 12,
            result: Ok(outcome),
        },
    );
    assert_eq!(view(&app).status(&view(&app).items[1]), Status::Broken);
    let s = screen(&app, 120, 40);
    assert!(s.contains("broken"), "{s}");
    assert!(s.contains("token revoked"), "{s}");
    // An answer for another attempt changes nothing.
    update(
        &mut app,
        Action::InstanceChecked {
            attempt: attempt + 100,
            id: 12,
            result: Ok(Outcome::Works { read: "x".into() }),
        },
    );
    assert_eq!(view(&app).status(&view(&app).items[1]), Status::Broken);
}

#[test]
fn delete_asks_for_the_name_and_the_count_drops() {
    let mut app = listed_app();
    key(&mut app, KeyCode::Down);
    assert!(ctrl(&mut app, 'd').is_empty());
    assert!(screen(&app, 80, 24).contains("Type its name"));
    type_text(&mut app, "winter");
    assert!(
        enter(&mut app).is_empty(),
        "a part of the name deletes nothing"
    );
    type_text(&mut app, " sale");
    let effects = enter(&mut app);
    let [Effect::DeleteInstance {
        attempt, id: 12, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    update(
        &mut app,
        Action::InstanceDeleted {
            attempt,
            id: 12,
            result: Ok(DeleteAnswer::Deleted),
        },
    );
    assert_eq!(names(&app), ["big shop", "old magento"]);
    let s = screen(&app, 80, 24);
    assert!(s.contains("2 instances"), "{s}");
    assert!(s.contains("Deleted instance 12"), "{s}");
}

#[test]
fn esc_cancels_a_delete_and_a_refused_one_keeps_the_instance() {
    let mut app = listed_app();
    ctrl(&mut app, 'd');
    type_text(&mut app, "big");
    esc(&mut app);
    assert!(view(&app).delete.is_none());
    assert_eq!(app.step, Step::Instances);
    ctrl(&mut app, 'd');
    type_text(&mut app, "big shop");
    let effects = enter(&mut app);
    let [Effect::DeleteInstance { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    update(
        &mut app,
        Action::InstanceDeleted {
            attempt,
            id: 11,
            result: Err(report(403, "not yours")),
        },
    );
    assert_eq!(names(&app).len(), 3);
    assert!(screen(&app, 80, 24).contains("was not deleted"));
}

#[test]
fn esc_goes_back_to_element_and_f2_returns_to_the_same_filter() {
    let mut app = listed_app();
    type_text(&mut app, "winter");
    esc(&mut app);
    type_text(&mut app, "big");
    esc(&mut app);
    esc(&mut app);
    assert_eq!(app.step, Step::Element);
    let effects = key(&mut app, KeyCode::F(2));
    assert!(matches!(effects.as_slice(), [Effect::ListInstances { .. }]));
    assert_eq!(view(&app).filter.value(), "");
    assert_eq!(app.step, Step::Instances);
}

#[test]
fn the_element_footer_names_the_key() {
    let app = connected();
    assert!(screen(&app, 120, 40).contains("F2 instances"));
}

#[test]
fn snapshots() {
    let (mut app, attempt) = opened();
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: page_one(),
        },
    );
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("instances_loading_{w}x{h}"), screen(&app, w, h));
    }
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Ok(()),
        },
    );
    type_text(&mut app, "winter");
    let effects = ctrl(&mut app, 't');
    let [Effect::CheckInstance { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::InstanceChecked {
            attempt: *attempt,
            id: 12,
            result: Ok(Outcome::Broken {
                problem: "the platform marks this instance invalid".into(),
                provider_message: Some("token revoked".into()),
                request_id: None,
                remedy: crate::flow::check::Remedy::Reauthorize,
            }),
        },
    );
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("instances_checked_{w}x{h}"), screen(&app, w, h));
    }
    esc(&mut app);
    ctrl(&mut app, 'd');
    type_text(&mut app, "big");
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("instances_delete_{w}x{h}"), screen(&app, w, h));
    }
}

#[test]
fn done_checks_the_new_instance_by_itself() {
    let mut app = connected();
    let i = inst(77, "new shop", "bigcommerce", &[], true, false);
    app.done = None;
    // As the create's answer leaves it.
    app.created.push(i.clone());
    app.done = Some(crate::tui::app::DoneState {
        instance: i,
        prompt: None,
        saved_to: None,
        recovered: None,
        check: None,
        copied: false,
    });
    app.step = Step::Done;
    let effects = crate::tui::steps::done::start_check(&mut app);
    let [Effect::CheckInstance {
        attempt, id: 77, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert!(
        crate::tui::steps::done::start_check(&mut app).is_empty(),
        "once"
    );
    assert!(screen(&app, 80, 24).contains("checking that it works"));
    update(
        &mut app,
        Action::InstanceChecked {
            attempt: *attempt,
            id: 77,
            result: Ok(Outcome::Broken {
                problem: "the provider refused the instance's credentials".into(),
                provider_message: None,
                request_id: None,
                remedy: crate::flow::check::Remedy::Reauthorize,
            }),
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("✗ broken: the provider refused"), "{s}");
    assert!(s.contains("ce-wizard instances reauth 77"), "{s}");
    assert!(s.contains("Press r to re-authorize it"), "{s}");
    // A disabled one is a failure too, and says what to do, as `create`
    // does on stderr.
    app.done.as_mut().unwrap().check = Some(Check::Found(Outcome::Disabled));
    let s = screen(&app, 120, 40);
    assert!(s.contains("✗ disabled: the instance is turned off"), "{s}");
    assert!(
        s.contains("Enable it in the Cloud Elements console (Instances), or delete it"),
        "{s}"
    );
}

/// The view is a side trip, not a step of creating an instance: the header
/// names it instead of counting it as "2/5".
#[test]
fn the_header_names_the_view_instead_of_counting_it_as_a_step() {
    let app = listed_app();
    let top = screen(&app, 80, 24).lines().next().unwrap().to_string();
    assert!(top.contains("Instances"), "{top}");
    assert!(!top.contains("2/5") && !top.contains("Configure"), "{top}");
}

/// `ce-wizard instances` opens the view as the whole run: its Esc leaves
/// the program, and the footer says so instead of "back".
#[test]
fn opened_as_the_whole_run_esc_is_named_quit_and_quits() {
    let mut app = connected();
    open(&mut app, None);
    let footer = screen(&app, 80, 24).lines().last().unwrap().to_string();
    assert!(footer.contains("Esc quit"), "{footer}");
    assert!(!footer.contains("Esc back"), "{footer}");
    esc(&mut app);
    assert!(app.exit.is_some(), "Esc left the program");
    let (app, _) = opened();
    let footer = screen(&app, 80, 24).lines().last().unwrap().to_string();
    assert!(
        footer.contains("Esc back"),
        "from the Element step: {footer}"
    );
}

/// A filter that matches nothing leaves no instance to act on: the footer
/// offers what works (Esc clears the filter) instead of Ctrl-T, Ctrl-G, F4, Ctrl-D
/// that would do nothing, and pushed "Esc clear filter" off the line.
#[test]
fn a_filter_matching_nothing_offers_only_the_keys_that_work() {
    let mut app = listed_app();
    type_text(&mut app, "zzqq");
    assert!(names(&app).is_empty());
    let footer = screen(&app, 80, 24).lines().last().unwrap().to_string();
    assert!(footer.contains("Esc clear"), "{footer}");
    for dead in ["Ctrl-T", "Ctrl-G", "F4", "Ctrl-D", "Ctrl-B", "Ctrl-Y"] {
        assert!(!footer.contains(dead), "{dead} does nothing here: {footer}");
    }
    esc(&mut app);
    assert_eq!(names(&app).len(), 3, "Esc cleared the filter");
    let footer = screen(&app, 80, 24).lines().last().unwrap().to_string();
    assert!(footer.contains("Ctrl-T test"), "{footer}");
}

/// The help names each key once, with what it does: ↑ is the previous
/// instance (Ctrl-P too), not a second, shorter "move".
#[test]
fn the_help_names_both_ways_to_move() {
    let app = listed_app();
    let list = bindings(&app);
    let prev = list
        .iter()
        .find(|b| b.command == Some(Command::Prev))
        .unwrap();
    assert_eq!(prev.label, "↑/Ctrl-P");
    let next = list
        .iter()
        .find(|b| b.command == Some(Command::Next))
        .unwrap();
    assert!(next.detail.unwrap().contains("Ctrl-N"), "{:?}", next.detail);
}

/// A check that fails says what fixes it beside the status, where even the
/// 9-row pane at 80x24 keeps it: the key for a re-authorize, the command
/// for new credentials, the console for a disabled one.
#[test]
fn a_failed_check_names_its_fix_in_a_short_pane() {
    let mut app = listed_app();
    type_text(&mut app, "winter");
    let checked = |app: &mut App, remedy| {
        let effects = ctrl(app, 't');
        let [Effect::CheckInstance { attempt, .. }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        let attempt = *attempt;
        let problem = "the platform marks this instance invalid: its provider credentials \
                       stopped working"
            .to_string();
        update(
            app,
            Action::InstanceChecked {
                attempt,
                id: 12,
                result: Ok(Outcome::Broken {
                    problem,
                    provider_message: Some("invalid_grant: the token was revoked".into()),
                    request_id: None,
                    remedy,
                }),
            },
        );
    };
    checked(&mut app, crate::flow::check::Remedy::Reauthorize);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("broken — Ctrl-G re-authorizes it, Ctrl-D deletes it"),
        "{s}"
    );
    // At 60x16 the pane shows six rows: the status is among them.
    let s = screen(&app, 60, 16);
    assert!(s.contains("Status   broken — Ctrl-G re-authorizes"), "{s}");
    checked(&mut app, crate::flow::check::Remedy::Update);
    let s = screen(&app, 80, 24);
    assert!(s.contains("ce-wizard instances update 12 --set"), "{s}");
    esc(&mut app);
    type_text(&mut app, "old magento");
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("disabled — enable it in the Cloud Elements console"),
        "{s}"
    );
}

/// A wide terminal shows an element key whole instead of cutting it to the
/// narrow column's 14; at 80 columns the names keep their room.
#[test]
fn a_wide_list_shows_long_element_keys_whole() {
    let (mut app, attempt) = opened();
    update(
        &mut app,
        Action::InstancesPage {
            attempt,
            instances: vec![Listed::from(inst(
                21,
                "keap store",
                "infusionsoftecommerce",
                &[],
                true,
                false,
            ))],
        },
    );
    let wide = screen(&app, 200, 60);
    let row = wide.lines().find(|l| l.contains("keap store")).unwrap();
    assert!(row.contains("infusionsoftecommerce "), "{row}");
    let narrow = screen(&app, 80, 24);
    let row = narrow.lines().find(|l| l.contains("keap store")).unwrap();
    assert!(row.contains("infusionsofte…"), "{row}");
}

/// While a filter narrows the list, the footer at 80 columns still names
/// Esc beside the four actions, and Enter tests the highlighted instance
/// (on a list it is the key that goes forward).
#[test]
fn filtering_keeps_esc_in_the_footer_and_enter_tests() {
    let mut app = listed_app();
    type_text(&mut app, "winter");
    let footer = screen(&app, 80, 24).lines().last().unwrap().to_string();
    for hint in ["Ctrl-T test", "Ctrl-D delete", "Esc clear", "? help"] {
        assert!(footer.contains(hint), "{hint}: {footer}");
    }
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::CheckInstance { id: 12, .. }]),
        "{effects:?}"
    );
}

/// A copy that reached only the terminal (no clipboard tool, OSC 52 sent)
/// cannot say "select it on the screen": the token is masked here and the
/// JSON not shown. It names the command that prints them instead.
#[test]
fn a_copy_only_the_terminal_took_names_the_command_that_prints_it() {
    let mut app = listed_app();
    for what in [CopyTarget::Token, CopyTarget::InstanceJson] {
        update(
            &mut app,
            Action::Copied {
                what,
                report: crate::clipboard::CopyReport {
                    native: Err("no clipboard tool".into()),
                    osc52: true,
                    tmux: false,
                },
            },
        );
        let s = screen(&app, 80, 24);
        let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!flat.contains("select it on the screen"), "{flat}");
        assert!(
            flat.contains("`ce-wizard instances show 11 --json` prints it"),
            "{flat}"
        );
    }
}

/// A listing that fails before its first page is not an empty account:
/// the list says the instances could not be read, and how to try again.
#[test]
fn a_listing_failed_at_once_is_not_called_an_empty_account() {
    let (mut app, attempt) = opened();
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Err(report(503, "the platform is unavailable")),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(!s.contains("The account has no instances"), "{s}");
    assert!(
        s.contains("The instances could not be read (Ctrl-R tries again)"),
        "{s}"
    );
}

/// An instance that could not be checked is shown with "!", not the ✓ of
/// one that works.
#[test]
fn not_checked_is_not_marked_as_working() {
    let mut app = listed_app();
    let effects = ctrl(&mut app, 't');
    let [Effect::CheckInstance { attempt, id, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Action::InstanceChecked {
            attempt: *attempt,
            id: *id,
            result: Ok(Outcome::NotChecked {
                reason: "its element names no read to check with".into(),
            }),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("! not checked: its element names no read"),
        "{s}"
    );
    assert!(!s.contains("✓ not checked"), "{s}");
    assert!(!s.contains('✓'), "nor in the notice: {s}");
}

/// An empty account says where the first instance comes from: back to the
/// Element step from the wizard, `ce-wizard` alone when the view is the
/// whole run.
#[test]
fn an_empty_account_says_how_to_create_the_first_one() {
    let (mut app, attempt) = opened();
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Ok(()),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("No instances yet: Esc goes back to choose an element and create one."),
        "{s}"
    );
    let mut app = connected();
    let effects = open(&mut app, None);
    let Some(Effect::ListInstances { attempt, .. }) = effects.last() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    update(
        &mut app,
        Action::InstancesListed {
            attempt,
            result: Ok(()),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("No instances yet: `ce-wizard` alone creates one."),
        "{s}"
    );
}

/// A name that cannot be typed (cleaned to nothing where it entered, a
/// space at its end, a zero-width character) is confirmed by the ID, and
/// the prompt says so; Enter with nothing typed never deletes.
#[test]
fn a_name_that_cannot_be_typed_is_confirmed_by_the_id() {
    for (id, name) in [(21, "\u{1b}\u{7}"), (22, "shop "), (23, "sh\u{200B}op")] {
        let (mut app, attempt) = opened();
        update(
            &mut app,
            Action::InstancesPage {
                attempt,
                instances: vec![Listed::from(inst(id, name, "ecwid", &[], true, false))],
            },
        );
        assert!(ctrl(&mut app, 'd').is_empty());
        let s = screen(&app, 80, 24);
        assert!(s.contains("Type its ID"), "{name:?}: {s}");
        assert!(s.contains(&format!("type its ID, {id}")), "{name:?}: {s}");
        assert!(enter(&mut app).is_empty(), "{name:?}: nothing typed");
        assert!(
            screen(&app, 80, 24).contains(&format!("Type the instance's ID, {id}")),
            "{name:?}"
        );
        type_text(&mut app, name.trim());
        assert!(enter(&mut app).is_empty(), "{name:?}: the name typed");
        let d = view(&app).delete.as_ref().unwrap();
        let typed = d.typed.value().to_string();
        for _ in typed.chars() {
            key(&mut app, KeyCode::Backspace);
        }
        type_text(&mut app, &id.to_string());
        let effects = enter(&mut app);
        assert!(
            matches!(effects.as_slice(), [Effect::DeleteInstance { id: i, .. }] if *i == id),
            "{name:?}: {effects:?}"
        );
    }
}

/// Renaming to digits only is refused; an instance already named so
/// (elsewhere) keeps its name while its tags are edited.
#[test]
fn a_rename_to_digits_only_is_refused_but_a_kept_one_is_not() {
    use super::state::EditPrompt;
    use crate::tui::widgets::TextField;
    let mut p = EditPrompt::new(&Listed::from(inst(31, "1000", "ecwid", &[], true, false)));
    p.tags = TextField::new("eu");
    assert_eq!(p.problem(), None, "the name as it is stays");
    p.name = TextField::new("42");
    let problem = p.problem().expect("refused");
    assert!(problem.contains("cannot be only digits"), "{problem}");
    let mut p = EditPrompt::new(&Listed::from(inst(32, "shop", "ecwid", &[], true, false)));
    p.name = TextField::new("0042");
    assert!(p
        .problem()
        .is_some_and(|m| m.contains("e.g. \"shop 0042\"")));
}
