//! What a person may paste into a field by accident: a whole file, several
//! lines, a tab, a terminal escape sequence, invisible formatting
//! characters. Each is refused with a message on the field that says what
//! to fix, the pasted value stays for the person to correct, and the
//! screen still draws.

use super::support::*;
use crate::tui::action::Action;
use crate::tui::steps::configure::FormItem;
use crossterm::event::KeyCode;

fn bigcommerce() -> crate::tui::app::App {
    let mut app = connected();
    pick(&mut app, "bigc", "bigcommerce");
    app
}

/// Pastes into the focused Store API URL field and leaves it.
fn paste_and_leave(text: &str) -> (crate::tui::app::App, String) {
    let mut app = bigcommerce();
    update_paste(&mut app, text);
    enter(&mut app);
    let form = app.form().unwrap();
    assert_eq!(
        form.focus,
        FormItem::Field("store.url".into()),
        "an invalid paste blocks going forward"
    );
    let error = form.errors[&FormItem::Field("store.url".into())].clone();
    for (w, h) in [(80, 24), (120, 40), (60, 16)] {
        terminal(&app, w, h);
    }
    (app, error)
}

fn update_paste(app: &mut crate::tui::app::App, text: &str) {
    crate::tui::update::update(app, Action::Paste(text.to_string()));
}

#[test]
fn a_100_kb_paste_is_refused_with_its_length_and_kept() {
    let huge = format!("https://{}.example.com", "a".repeat(100 * 1024));
    let (app, error) = paste_and_leave(&huge);
    assert_eq!(
        error,
        format!(
            "Store API URL must be at most 1000 characters (it has {})",
            huge.chars().count()
        )
    );
    assert_eq!(
        app.form().unwrap().value("store.url"),
        huge,
        "nothing pasted is lost"
    );
}

#[test]
fn pasted_line_breaks_tabs_and_escape_sequences_are_named() {
    for (pasted, expected) in [
        (
            "https://a.example.com\nhttps://b.example.com",
            "must be on one line",
        ),
        (
            "https://a.example.com\r\nhttps://b.example.com",
            "must be on one line",
        ),
        ("https://a.\texample.com", "must not contain tabs"),
        ("https://a.example.com\u{1b}[31m", "control characters"),
    ] {
        let (app, error) = paste_and_leave(pasted);
        assert!(
            error.starts_with("Store API URL ") && error.contains(expected),
            "{pasted:?}: {error}"
        );
        assert_eq!(app.form().unwrap().value("store.url"), pasted);
    }
}

#[test]
fn invisible_formatting_characters_are_refused() {
    for pasted in [
        "https://shop.example.com\u{202e}",
        "https://shop\u{200b}.example.com",
        "\u{feff}https://shop.example.com",
    ] {
        let (_, error) = paste_and_leave(pasted);
        assert!(error.starts_with("Store API URL "), "{pasted:?}: {error}");
    }
}

#[test]
fn spaces_around_a_pasted_url_are_trimmed_and_said_so() {
    let mut app = bigcommerce();
    update_paste(&mut app, "  https://store-abc.mybigcommerce.com/api/v2/ \t");
    key(&mut app, KeyCode::Down);
    fill(&mut app, "u");
    fill(&mut app, "token");
    ctrl(&mut app, 's');
    assert_eq!(
        app.form()
            .map(|f| f.value("store.url").to_string())
            .unwrap_or_default(),
        "https://store-abc.mybigcommerce.com/api/v2/"
    );
    let notice = app
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        notice.contains("Store API URL"),
        "the trim is said: {notice:?}"
    );
}

/// A paste changes a Connection field as typing does: the last check's
/// verdict, which was about the old value, leaves the screen with it.
#[test]
fn pasting_into_a_connection_field_clears_the_last_checks_verdict() {
    for (result, verdict) in [
        (Ok(12), "✓ Connected"),
        (Err(report(401, "bad secrets")), "The connection failed"),
    ] {
        let mut app = fresh();
        type_text(&mut app, USER);
        tab(&mut app);
        type_text(&mut app, ORG);
        let effects = ctrl(&mut app, 't');
        let [crate::tui::effect::Effect::CheckConnection { attempt, .. }] = effects.as_slice()
        else {
            panic!("{effects:?}")
        };
        crate::tui::update::update(
            &mut app,
            Action::ConnectionChecked {
                attempt: *attempt,
                result,
            },
        );
        assert!(
            screen(&app, 120, 40).contains(verdict),
            "{verdict} is shown first"
        );
        update_paste(&mut app, "-pasted");
        assert_eq!(
            app.connection.check,
            crate::tui::steps::connection::CheckStatus::NotRun
        );
        let after = screen(&app, 120, 40);
        assert!(!after.contains(verdict), "{verdict} stays after a paste");
        // Typing clears the same.
        assert!(!after.contains("The connection failed"), "{after}");
    }
}
