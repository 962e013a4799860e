//! What a first-time user runs into: the token kept until it is safe,
//! Enter going on everywhere, help and wording that explain.

use super::support::*;
use crate::clipboard::CopyReport;
use crate::tui::action::{Action, CopyTarget};
use crate::tui::app::{App, Exit, Overlay, Step};
use crate::tui::effect::Effect;
use crate::tui::steps::configure::FormItem;
use crate::tui::update::update;
use crossterm::event::KeyCode;

/// A BigCommerce instance created, on Done.
fn on_done() -> App {
    let mut app = connected();
    let created = instance(9, "shop", "bigcommerce", "BigCommerce", "tok");
    bigcommerce_done(&mut app, "p", created);
    app
}

fn copied(app: &mut App, what: CopyTarget, native: Result<&'static str, String>, osc52: bool) {
    update(
        app,
        Action::Copied {
            what,
            report: CopyReport {
                native,
                osc52,
                tmux: false,
            },
        },
    );
}

#[test]
fn esc_on_done_never_quits() {
    let mut app = on_done();
    assert!(esc(&mut app).is_empty());
    assert_eq!((app.exit, app.overlay.clone()), (None, None));
    assert_eq!(app.step, Step::Done);
    assert!(app.notice.as_ref().unwrap().text.contains("press q"));
}

#[test]
fn quitting_done_asks_until_the_token_is_copied() {
    let mut app = on_done();
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    assert_eq!(app.exit, None);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!((app.overlay.clone(), app.exit), (None, None));
    ctrl(&mut app, 'c');
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    key(&mut app, KeyCode::Esc);

    // A copy that failed keeps nothing; copying the curl is not the token.
    copied(
        &mut app,
        CopyTarget::Token,
        Err("no clipboard".into()),
        false,
    );
    copied(&mut app, CopyTarget::AuthUrl, Ok("xclip"), true);
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    key(&mut app, KeyCode::Char('n'));

    copied(&mut app, CopyTarget::Token, Ok("xclip"), true);
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, None);
    assert_eq!(app.exit, Some(Exit::Finished));
}

#[test]
fn confirming_the_quit_on_done_still_finishes_the_run() {
    let mut app = on_done();
    ctrl(&mut app, 'c');
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.exit, Some(Exit::Finished));
}

#[test]
fn a_saved_token_quits_at_once_and_the_file_is_named_in_full() {
    let mut app = on_done();
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('u')); // any edit: the prompt is a text field
    ctrl(&mut app, 'u');
    type_text(&mut app, "shop.instance.json");
    let full = std::env::current_dir().unwrap().join("shop.instance.json");
    let path = match enter(&mut app).as_slice() {
        [Effect::SaveFile { path, .. }] => path.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(path, full);
    update(
        &mut app,
        Action::FileSaved {
            path,
            result: Ok(()),
        },
    );
    assert_eq!(app.saved_files, std::slice::from_ref(&full));
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains(&full.display().to_string()));
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.exit, Some(Exit::Finished));
}

#[test]
fn enter_on_the_advanced_fold_opens_it_and_moves_in() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    fill(&mut app, "https://shop.example.com");
    enter(&mut app); // the derived API URL, kept
    fill(&mut app, "ck_1");
    fill(&mut app, "cs_1");
    let form = |app: &App| {
        let f = app.form().unwrap();
        (f.focus.clone(), f.advanced_open)
    };
    assert_eq!(form(&app), (FormItem::Advanced, false));
    // Space and →/← fold and unfold in place.
    key(&mut app, KeyCode::Right);
    assert_eq!(form(&app), (FormItem::Advanced, true));
    key(&mut app, KeyCode::Left);
    assert_eq!(form(&app), (FormItem::Advanced, false));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(form(&app), (FormItem::Advanced, true));
    key(&mut app, KeyCode::Char(' '));
    // Enter goes on, into the group.
    enter(&mut app);
    assert_eq!(
        form(&app),
        (FormItem::Field("event.notification.enabled".into()), true)
    );
    // Open already, Enter on the fold goes on too.
    key(&mut app, KeyCode::Up);
    assert_eq!(form(&app), (FormItem::Advanced, true));
    enter(&mut app);
    assert_eq!(
        form(&app),
        (FormItem::Field("event.notification.enabled".into()), true)
    );
}

#[test]
fn under_the_sandbox_nothing_is_offered_for_saving_nor_saved() {
    let mut app = fresh();
    app.settings.sandbox = true;
    app.connection.remember = crate::tui::steps::connection::Remember::Environment;
    app.connection.sandbox = true;
    assert!(!app
        .connection
        .fields()
        .contains(&crate::tui::steps::connection::ConnField::Remember));
    type_text(&mut app, USER);
    // Enter moves on while a field is empty…
    assert!(enter(&mut app).is_empty());
    assert_eq!(
        app.connection.focus,
        crate::tui::steps::connection::ConnField::OrgSecret
    );
    type_text(&mut app, ORG);
    // …and tests once all is filled.
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
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SaveConfig { .. })),
        "{effects:?}"
    );
    assert_eq!(app.step, Step::Element);
}

#[test]
fn copy_feedback_is_plain_and_claims_only_what_is_known() {
    let mut app = on_done();
    copied(&mut app, CopyTarget::Token, Ok("xclip"), true);
    let n = app.notice.clone().unwrap();
    assert_eq!(n.text, "Token: Copied to the clipboard");
    assert_eq!(n.kind, crate::tui::app::NoticeKind::Success);
    copied(
        &mut app,
        CopyTarget::Token,
        Err("no clipboard".into()),
        true,
    );
    let n = app.notice.clone().unwrap();
    assert_eq!(
        n.text,
        "Token: Sent to the terminal (most terminals put it on the clipboard); if nothing pastes, press s to save"
    );
    assert_eq!(n.kind, crate::tui::app::NoticeKind::Info, "no ✓ for it");
    // Inside tmux the sequence reaches a clipboard only when tmux is told
    // to pass it on: the notice says how.
    update(
        &mut app,
        Action::Copied {
            what: CopyTarget::Token,
            report: CopyReport {
                native: Err("no clipboard".into()),
                osc52: true,
                tmux: true,
            },
        },
    );
    let n = app.notice.clone().unwrap();
    assert_eq!(
        n.text,
        "Token: Sent to the terminal; tmux needs `set -g set-clipboard on` to pass it to the clipboard; if nothing pastes, press s to save"
    );
    assert_eq!(n.kind, crate::tui::app::NoticeKind::Info, "no ✓ for it");
    copied(
        &mut app,
        CopyTarget::Token,
        Err("no clipboard".into()),
        false,
    );
    assert_eq!(
        app.notice.clone().unwrap().kind,
        crate::tui::app::NoticeKind::Error
    );
}

#[test]
fn the_copied_curl_names_the_variables_or_warns_when_revealed() {
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    fill(&mut app, "https://store-a.mybigcommerce.com/api/v2/");
    fill(&mut app, "u");
    fill(&mut app, "hunter2");
    ctrl(&mut app, 's');
    let text = match key(&mut app, KeyCode::Char('c')).as_slice() {
        [Effect::Copy { text, .. }] => text.expose().to_string(),
        other => panic!("{other:?}"),
    };
    assert!(
        text.contains("--arg CE_VALUE_PASSWORD \"$CE_VALUE_PASSWORD\""),
        "{text}"
    );
    assert!(!text.contains('•') && !text.contains("hunter2"), "{text}");
    copied(&mut app, CopyTarget::Curl, Ok("xclip"), true);
    assert_eq!(
        app.notice.clone().unwrap().text,
        "curl command: Copied to the clipboard; set CE_USER_SECRET, CE_ORG_SECRET, CE_VALUE_PASSWORD before running it"
    );

    key(&mut app, KeyCode::Char('r'));
    let text = match key(&mut app, KeyCode::Char('c')).as_slice() {
        [Effect::Copy { text, .. }] => text.expose().to_string(),
        other => panic!("{other:?}"),
    };
    assert!(text.contains("hunter2"), "{text}");
    copied(&mut app, CopyTarget::Curl, Ok("xclip"), true);
    assert!(app
        .notice
        .clone()
        .unwrap()
        .text
        .contains("it holds your secrets in plain text"));
}

#[test]
fn the_header_keeps_the_oauth_steps_at_80_columns_under_the_sandbox() {
    let mut app = connected();
    app.settings.sandbox = true;
    crate::tui::steps::element::choose_element(&mut app, "infusionsoftecommerce");
    assert_eq!(app.step, Step::Configure);
    let line = rows(&app, 80, 24).remove(0);
    assert!(line.contains("sandbox"), "{line}");
    assert!(line.contains("Authorize"), "the step list stays: {line}");
    assert!(
        line.contains("Done   "),
        "the list is set apart from the counter: {line}"
    );
    assert!(line.trim_end().ends_with("3/6 Configure"), "{line}");
}

#[test]
fn the_environment_reads_sandbox_under_the_sandbox() {
    let mut app = fresh();
    app.connection.env = crate::tui::steps::connection::EnvKind::Custom;
    app.connection.sandbox = true;
    let screen = screen(&app, 80, 24);
    // Not a choice under --sandbox: no arrows.
    assert!(
        screen.contains(&format!("Environment{}sandbox", " ".repeat(14))),
        "{screen}"
    );
    assert!(!screen.contains("‹ custom ›"), "{screen}");
}

#[test]
fn the_element_search_reads_descriptions_too() {
    let mut app = connected();
    type_text(&mut app, "keap");
    assert_eq!(
        app.highlighted().map(|e| e.key.as_str()),
        Some("infusionsoftecommerce")
    );
}

#[test]
fn a_required_checkbox_says_why_and_every_ecwid_field_has_an_example() {
    let magento = crate::catalog::bundled_spec("magentov20").unwrap();
    let admin = magento.fields.iter().find(|f| f.key == "user").unwrap();
    assert!(admin.required && admin.help.starts_with("Required, because"));
    let ecwid = crate::catalog::bundled_spec("ecwid").unwrap();
    // Every field typed into: the sign-in kind is chosen, the callback
    // filled in by the wizard.
    assert!(ecwid
        .fields
        .iter()
        .filter(|f| !f.advanced && f.kind != crate::catalog::FieldKind::Choice)
        .filter(|f| f.derive.is_none())
        .all(|f| f.example.is_some()));
}

#[test]
fn help_says_what_things_are_and_done_promises_nothing_it_cannot_keep() {
    let mut app = on_done();
    key(&mut app, KeyCode::Char('?'));
    let screen = screen(&app, 120, 40);
    assert!(screen.contains("An element is"), "{screen}");
    assert!(screen.contains("An instance is"), "{screen}");
    assert!(!screen.contains("Nothing you type is lost"), "{screen}");
}

#[test]
fn nothing_of_the_screen_under_the_help_shows_at_its_edge() {
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    key(&mut app, KeyCode::F(1));
    let screen = screen(&app, 80, 24);
    for line in screen.lines().filter(|l| l.contains('│')) {
        let first = line.find('│').unwrap();
        let last = line.rfind('│').unwrap();
        let outside = format!("{}{}", &line[..first], &line[last + '│'.len_utf8()..]);
        assert!(
            outside.trim_matches(|c| c == ' ' || c == '"').is_empty(),
            "{line}"
        );
    }
}

/// What "Remember" saves is said for the choice made: the secrets are
/// said to be left out, or to go to the keyring, never "only if you
/// choose so" after the person chose so.
#[test]
fn the_remember_note_says_where_the_secrets_go_for_the_choice_made() {
    use crate::tui::steps::connection::{ConnField, Remember};
    let mut app = fresh();
    app.connection.focus = ConnField::Remember;
    let said = |app: &App| words(&screen(app, 120, 40));
    app.connection.remember = Remember::Environment;
    let s = said(&app);
    assert!(s.contains("the secrets are not saved."), "{s}");
    app.connection.remember = Remember::EnvironmentAndSecrets;
    let s = said(&app);
    assert!(s.contains("the secrets go to the OS keyring"), "{s}");
    assert!(!s.contains("only if you choose so"), "{s}");
}

/// A failed connection test is said once (the message line, which a short
/// terminal keeps), and what to do about it is shown whole above it.
#[test]
fn a_failed_connection_is_said_once_and_its_advice_whole() {
    use crate::tui::steps::connection::Remember;
    let mut app = fresh();
    type_text(&mut app, USER);
    tab(&mut app);
    type_text(&mut app, ORG);
    app.connection.remember = Remember::EnvironmentAndSecrets;
    let effects = ctrl(&mut app, 't');
    let [Effect::CheckConnection { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let mut failure = report(401, "Invalid User or Organization secret");
    failure.advice = "The User or Organization secret is wrong or expired. Copy both again from your Cloud Elements profile (Settings > Account) and check the environment.".into();
    update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Err(failure),
        },
    );
    let screen = screen(&app, 80, 24);
    let words = words(&screen);
    assert_eq!(
        words.matches("Invalid User or Organization secret").count(),
        1,
        "{screen}"
    );
    assert!(words.contains("and check the environment."), "{screen}");
}

/// A save that fails says what to do next, with the path still there to
/// change.
#[test]
fn a_failed_save_says_what_to_do() {
    let mut app = on_done();
    key(&mut app, KeyCode::Char('s'));
    let path = std::path::PathBuf::from("/nonexistent/dir/x.json");
    update(
        &mut app,
        Action::FileSaved {
            path,
            result: Err(crate::tui::action::FileSaveError::Other(
                "No such file or directory (os error 2)".into(),
            )),
        },
    );
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.ends_with("Change the path and press Enter, or Esc to cancel"),
        "{notice}"
    );
    assert!(
        app.done.as_ref().unwrap().prompt.is_some(),
        "the path stays to change"
    );
}

/// A second instance of the same element in one run is not offered the
/// first one's name again (the time stamp is the run's).
#[test]
fn another_instance_of_the_same_element_gets_a_name_of_its_own() {
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    let first = app.form().unwrap().name.value().to_string();
    assert_eq!(first, "bigcommerce-20250102-0304");
    fill(&mut app, "https://store-a.mybigcommerce.com/api/v2/");
    fill(&mut app, "u");
    fill(&mut app, "p");
    ctrl(&mut app, 's');
    let (attempt, _, _, sent_name, _) = created_config(&enter(&mut app));
    assert_eq!(sent_name, first);
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Ok(instance(9, &first, "bigcommerce", "BigCommerce", "tok")),
        },
    );
    key(&mut app, KeyCode::Char('n'));
    pick(&mut app, "big", "bigcommerce");
    assert_eq!(
        app.form().unwrap().name.value(),
        "bigcommerce-20250102-0304-2"
    );
}

/// On a short terminal Done's text is cut: the last row shown ends with
/// "…", not mid-sentence as if complete.
#[test]
fn done_cut_short_says_so() {
    let app = on_done();
    let short = screen(&app, 60, 16);
    let ends_cut = |screen: &str| {
        screen
            .lines()
            .any(|l| l.trim_matches('"').trim_end().ends_with(" …"))
    };
    assert!(short.contains("Copy it (c)"), "{short}");
    assert!(ends_cut(&short), "{short}");
    // At a size where all of it fits, nothing is marked.
    assert!(!ends_cut(&screen(&app, 120, 40)));
}

/// With --print-token the token reaches standard output at exit: Done says
/// so, and quitting does not warn that it is lost.
#[test]
fn with_print_token_quitting_done_loses_nothing_and_says_so() {
    let mut app = on_done();
    app.settings.print_token = true;
    let screen = screen(&app, 120, 40);
    assert!(
        screen.contains("It is printed on standard output when you quit"),
        "{screen}"
    );
    assert!(
        !screen.contains("the screen is cleared when you quit"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, None);
    assert_eq!(app.exit, Some(Exit::Finished));
}
