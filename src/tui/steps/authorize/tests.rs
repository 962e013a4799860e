//! The Authorize step at every size: the sign-in link on one row, cut in
//! the middle where it does not fit and copied whole; the paste key in the
//! footer; and a paste after the wait timed out, which the screen offers.

use crate::tui::action::{Action, CallbackResult, CopyTarget};
use crate::tui::app::{App, AuthPhase, AuthProblem, Step};
use crate::tui::effect::Effect;
use crate::tui::report::BrowserFailure;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;
use std::time::Duration;

const SIZES: [(u16, u16); 3] = [(60, 16), (80, 24), (200, 60)];
const LINK: &str = "https://signin.infusionsoft.com/app/oauth/authorize?response_type=code&client_id=keap-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A48213%2Fcallback&scope=full&state=3f9a";

fn snap(name: &str, app: &App) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app, w, h));
    }
}

/// Infusionsoft waiting for the browser, which was opened, with the
/// provider's real-length sign-in link.
fn waiting() -> (App, u64) {
    let mut app = connected();
    let attempt = infusionsoft_authorizing(&mut app);
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(LINK.into()),
        },
    );
    update(
        &mut app,
        Action::BrowserOpened {
            attempt,
            result: Ok(()),
        },
    );
    (app, attempt)
}

fn timed_out() -> (App, u64) {
    let (mut app, attempt) = waiting();
    let AuthPhase::Waiting { deadline, .. } = app.authorize.phase else {
        panic!("{:?}", app.authorize.phase)
    };
    update(&mut app, Action::Tick(deadline + Duration::from_millis(1)));
    assert_eq!(
        app.authorize.phase,
        AuthPhase::Failed(AuthProblem::TimedOut)
    );
    (app, attempt)
}

/// The row of the screen that shows the sign-in link, trimmed.
fn link_row(screen: &str) -> Option<String> {
    screen
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .find(|l| l.starts_with("https://signin.infusionsoft.com"))
        .map(str::to_string)
}

#[test]
fn the_link_is_on_one_row_at_every_size_cut_in_the_middle_when_narrow() {
    let (app, _) = waiting();
    for (w, h) in SIZES {
        let screen = screen(&app, w, h);
        let row = link_row(&screen).unwrap_or_else(|| panic!("no link at {w}x{h}:\n{screen}"));
        // Never wrapped: no other row holds a piece of it.
        assert_eq!(
            screen.matches("keap-client-id").count()
                + screen.matches("scope=full").count()
                + screen.matches("3f9a").count(),
            row.matches("keap-client-id").count()
                + row.matches("scope=full").count()
                + row.matches("3f9a").count(),
            "{w}x{h}:\n{screen}"
        );
        let link = row.split("  ").next().unwrap();
        if link.chars().count() < LINK.len() {
            let (head, tail) = link.split_once('…').expect("cut in the middle");
            assert!(LINK.starts_with(head) && LINK.ends_with(tail), "{link}");
            assert!(tail.ends_with("state=3f9a"), "{link}");
        } else {
            assert_eq!(link, LINK, "{w}x{h}");
        }
        let footer = screen.lines().last().unwrap();
        // A cut link says how to get it whole; where the footer has no
        // room for `p` the paste row names it.
        for key in ["c copy link", "l print link"] {
            assert!(footer.contains(key), "{w}x{h}: {footer}");
        }
        assert!(
            footer.contains("p paste address") || screen.contains("press p, then paste"),
            "{w}x{h}:\n{screen}"
        );
    }
    // Copied whole, whatever the screen shows.
    let (mut app, _) = waiting();
    match key(&mut app, KeyCode::Char('c')).as_slice() {
        [Effect::Copy {
            what: CopyTarget::AuthUrl,
            text,
        }] => assert_eq!(text.expose(), LINK),
        other => panic!("{other:?}"),
    }
}

#[test]
fn screens_at_60x16_80x24_and_200x60() {
    let (app, _) = waiting();
    snap("authorize_sized_waiting", &app);
    let (mut app, _) = waiting();
    key(&mut app, KeyCode::Char('p'));
    snap("authorize_sized_pasting", &app);
    let (mut app, attempt) = waiting();
    update(
        &mut app,
        Action::BrowserOpened {
            attempt,
            result: Err(BrowserFailure(
                crate::oauth::NoBrowser::ConsoleBrowser("w3m").to_string(),
            )),
        },
    );
    snap("authorize_sized_console_browser", &app);
    let (app, _) = timed_out();
    snap("authorize_sized_timed_out", &app);
    let mut app = connected();
    app.settings.remote = true;
    let attempt = infusionsoft_authorizing(&mut app);
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(LINK.into()),
        },
    );
    snap("authorize_sized_ssh", &app);
}

#[test]
fn after_a_timeout_p_takes_the_address_as_the_screen_says() {
    let (mut app, attempt) = timed_out();
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("within 5 minutes"), "{shown}");
    assert!(
        shown.contains("Press p and paste the address the browser ended on"),
        "{shown}"
    );
    assert!(shown.contains("p paste address"), "{shown}");
    // The address pasted by hand is checked and taken.
    assert!(key(&mut app, KeyCode::Char('p')).is_empty());
    assert!(app.authorize.paste_focused);
    type_text(
        &mut app,
        "http://127.0.0.1:48213/callback?code=late&state=s",
    );
    let effects = enter(&mut app);
    let [Effect::ParsePasted {
        attempt: parsed, ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*parsed, attempt);
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: code("late"),
        },
    );
    assert_eq!(app.step, Step::Review);
}

/// The listener stays armed until the attempt ends, so a browser that
/// finishes after the timeout was told "received": the wizard takes that
/// grant and moves on, as it would have in time.
#[test]
fn a_redirect_after_the_timeout_is_taken_and_the_screen_moves_on() {
    let (mut app, attempt) = timed_out();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("late"),
        },
    );
    assert_eq!(app.step, Step::Review);
    assert!(app.authorize.grant.is_some());
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("Authorized"), "{shown}");
}

/// Esc ends the attempt: the runner is told (so the listener stops
/// waiting), and a redirect the listener still reports is not taken.
#[test]
fn esc_ends_the_attempt_and_tells_the_listener() {
    let (mut app, attempt) = timed_out();
    let effects = esc(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Cancel { attempt: a }] if *a == attempt),
        "{effects:?}"
    );
    assert_eq!(app.step, Step::Configure);
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: code("late"),
        },
    );
    assert_eq!(app.step, Step::Configure);
    assert!(app.authorize.grant.is_none());
}

#[test]
fn a_rejected_late_paste_says_why_and_a_denial_takes_no_paste() {
    let (mut app, attempt) = timed_out();
    key(&mut app, KeyCode::Char('p'));
    type_text(
        &mut app,
        "http://127.0.0.1:48213/callback?code=x&state=wrong",
    );
    enter(&mut app);
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: CallbackResult::Rejected("the state does not match".into()),
        },
    );
    assert_eq!(app.step, Step::Authorize);
    assert!(app
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("the state does not match"));

    // Once denied, the attempt is over: nothing offers or takes a paste.
    let (mut app, attempt) = waiting();
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: false,
            result: denied("access_denied", None),
        },
    );
    assert!(!screen(&app, 80, 24).contains("p paste address"));
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: code("x"),
        },
    );
    assert_eq!(app.step, Step::Authorize);
}

#[test]
fn a_short_timeout_is_said_in_seconds() {
    let mut app = connected();
    app.settings.oauth_timeout = Duration::from_secs(5);
    let attempt = infusionsoft_authorizing(&mut app);
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(LINK.into()),
        },
    );
    let start = app.clock.now();
    update(&mut app, Action::Tick(start + Duration::from_secs(5)));
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("No answer came from the browser within 5 seconds."),
        "{shown}"
    );
}

#[test]
fn in_a_text_field_the_footer_says_f1_is_help_and_question_marks_are_typed() {
    let (mut app, _) = waiting();
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.authorize.paste.value(), "?", "? is typed");
    assert_eq!(app.overlay, None);
    for (w, h) in SIZES {
        let footer = screen(&app, w, h).lines().last().unwrap().to_string();
        assert!(footer.contains("F1 help (? is typed)"), "{w}x{h}: {footer}");
        assert!(
            footer.contains("Enter use the address"),
            "{w}x{h}: {footer}"
        );
    }
    // The same in a form's field.
    let mut app = connected();
    pick(&mut app, "big", "bigcommerce");
    let footer = screen(&app, 80, 24).lines().last().unwrap().to_string();
    assert!(footer.contains("F1 help (? is typed)"), "{footer}");
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.form().unwrap().value("store.url"), "?");
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.overlay, Some(crate::tui::app::Overlay::Help));
}

#[test]
fn the_way_back_stays_in_the_footer_at_80_columns() {
    let (app, _) = waiting();
    for (w, h) in [(80, 24), (200, 60)] {
        let s = screen(&app, w, h);
        let footer = s.lines().last().unwrap();
        assert!(footer.contains("Esc back"), "{w}x{h}: {footer}");
        assert!(
            footer.contains("c copy link") && footer.contains("p paste"),
            "{footer}"
        );
    }
}

#[test]
fn a_link_sent_only_to_the_terminal_is_never_said_to_be_selectable_when_cut() {
    let (mut app, _) = waiting();
    update(
        &mut app,
        Action::Copied {
            what: CopyTarget::AuthUrl,
            report: crate::clipboard::CopyReport {
                native: Err("no clipboard tool".into()),
                osc52: true,
                tmux: false,
            },
        },
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains('…'), "the link is cut at 80 columns: {s}");
    let flat = s
        .replace('"', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!flat.contains("select it on the screen"), "{flat}");
    assert!(
        flat.contains("press l to print it whole and select it there"),
        "{flat}"
    );
}

/// A denial pasted by hand ends the attempt, and the screen says "Enter
/// starts again": the next Enter does, not the field the address was in.
#[test]
fn after_a_pasted_denial_enter_starts_again() {
    let (mut app, attempt) = waiting();
    key(&mut app, KeyCode::Char('p'));
    type_text(
        &mut app,
        "http://127.0.0.1:48213/callback?error=access_denied&state=s",
    );
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::ParsePasted { .. }]),
        "{effects:?}"
    );
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: denied("access_denied", Some("The user denied access")),
        },
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("Enter starts again"), "{s}");
    assert!(s.lines().last().unwrap().contains("Enter try again"), "{s}");
    assert!(!app.authorize.paste_focused);
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::StartAuthorization { .. }]),
        "{effects:?}"
    );
}

/// An address typed into the field after the attempt ended for good:
/// Enter starts a new attempt instead of asking for Esc first.
#[test]
fn enter_in_the_paste_field_of_an_ended_attempt_starts_again() {
    let (mut app, _) = waiting();
    key(&mut app, KeyCode::Char('p'));
    type_text(&mut app, "http://127.0.0.1:48213/callback?code=x&state=s");
    // The attempt ends while the field has focus (its listener went away).
    app.authorize.phase = AuthPhase::Failed(AuthProblem::UrlFailed(report(500, "gone")));
    assert!(app.authorize.paste_focused);
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::StartAuthorization { .. }]),
        "{effects:?}"
    );
}
