//! The Configure step helping rather than refusing: a URL typed without
//! its scheme is offered with one, documented shapes warn without
//! blocking; and the form at every size: values cut with "…", the focused
//! field and its error kept in view, the help beside the field when wide.

use crate::tui::app::{App, NoticeKind, Step};
use crate::tui::steps::configure::FormItem;
use crate::tui::tests::support::*;
use crossterm::event::KeyCode;

fn focus(app: &App) -> FormItem {
    app.form().unwrap().focus.clone()
}

fn field(k: &str) -> FormItem {
    FormItem::Field(k.into())
}

#[test]
fn enter_accepts_the_offered_scheme_and_moves_on() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    type_text(&mut app, "shop.example.com");
    let screen = screen(&app, 80, 24);
    assert!(
        screen.contains("→ https://shop.example.com — Enter accepts"),
        "{screen}"
    );
    assert!(
        screen.contains("Enter accept"),
        "the footer says so: {screen}"
    );
    enter(&mut app);
    let form = app.form().unwrap();
    assert_eq!(form.value("store.url"), "https://shop.example.com");
    assert_eq!(
        form.value("base.url"),
        "https://shop.example.com/wc-api/v2",
        "the derived field follows the accepted value"
    );
    assert!(form.errors.is_empty(), "{:?}", form.errors);
    assert_eq!(focus(&app), field("base.url"));
}

#[test]
fn any_other_key_keeps_what_was_typed() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    type_text(&mut app, "shop.example.com");
    // Typing on edits the typed value; the offer follows it.
    type_text(&mut app, "/x");
    assert_eq!(app.form().unwrap().value("store.url"), "shop.example.com/x");
    assert!(screen(&app, 80, 24).contains("→ https://shop.example.com/x — Enter accepts"));
    // Tab does not take the offer: the value stays, and the error says why
    // and names the fix.
    tab(&mut app);
    let form = app.form().unwrap();
    assert_eq!(form.value("store.url"), "shop.example.com/x");
    assert_eq!(focus(&app), field("store.url"));
    let e = form.errors.get(&field("store.url")).unwrap();
    assert!(
        e.ends_with("with its scheme: https://shop.example.com/x"),
        "{e}"
    );
    // A value with its scheme is offered nothing.
    key(&mut app, KeyCode::Home);
    type_text(&mut app, "http://");
    let screen = screen(&app, 80, 24);
    assert!(!screen.contains("Enter accepts"), "{screen}");
    enter(&mut app);
    assert_eq!(
        app.form().unwrap().value("store.url"),
        "http://shop.example.com/x"
    );
}

#[test]
fn shape_warnings_show_beside_the_field_and_never_block() {
    let mut app = connected();
    pick(&mut app, "woo", "woocommerce");
    fill(&mut app, "https://shop.example.com");
    enter(&mut app); // the derived API URL
    fill(&mut app, "1234abcd"); // not ck_…
    assert_eq!(focus(&app), field("oauth.api.secret"), "never blocks");
    let form = app.form().unwrap();
    assert!(form.errors.is_empty());
    let w = form.warnings.get(&field("oauth.api.key")).unwrap();
    assert!(w.starts_with("Consumer key usually starts with ck_"), "{w}");
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("! Consumer key usually starts with ck_"),
        "{shown}"
    );
    assert!(!shown.contains("✗"), "a warning is not an error: {shown}");
    // Drawn in the warning colour, not the error's.
    app.theme = crate::tui::theme::Theme { color: true };
    let buf = terminal(&app, 80, 24).backend().buffer().clone();
    let (x, y) = (0..24u16)
        .find_map(|y| {
            let row: String = (0..80u16)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            row.find("! Consumer")
                .map(|i| (row[..i].chars().count() as u16, y))
        })
        .unwrap();
    assert_eq!(buf[(x, y)].style().fg, app.theme.warning().fg);
    assert_ne!(buf[(x, y)].style().fg, app.theme.error().fg);
    app.theme = crate::tui::theme::Theme::plain();

    // Ctrl-S goes on to the review with the warning in the notice line.
    fill(&mut app, "cs_1");
    ctrl(&mut app, 's');
    assert_eq!(app.step, Step::Review);
    let n = app.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Warning);
    assert!(
        n.text.starts_with("Consumer key usually starts with ck_"),
        "{}",
        n.text
    );
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("! Consumer key usually"), "{screen}");

    // Back on the form, editing the field clears its warning.
    esc(&mut app);
    assert_eq!(app.step, Step::Configure);
    app.form_mut().unwrap().focus = field("oauth.api.key");
    key(&mut app, KeyCode::Home);
    type_text(&mut app, "ck_");
    assert!(app.form().unwrap().warnings.is_empty());
    tab(&mut app);
    assert!(app.form().unwrap().warnings.is_empty());
}

#[test]
fn bigcommerce_warns_about_a_path_without_api_v2() {
    let mut app = connected();
    pick(&mut app, "bigc", "bigcommerce");
    fill(&mut app, "https://store-a.mybigcommerce.com");
    assert_eq!(focus(&app), field("username"));
    let w = app
        .form()
        .unwrap()
        .warnings
        .get(&field("store.url"))
        .cloned()
        .unwrap();
    assert!(
        w.starts_with("Store API URL usually ends in /api/v2/"),
        "{w}"
    );
}

/// The form's rows on screen: from the title to the help's rule, each
/// trimmed.
fn form_rows(app: &App, w: u16, h: u16) -> Vec<String> {
    rows(app, w, h)
        .into_iter()
        .skip(2)
        .take_while(|r| !r.trim_start().starts_with('─'))
        .map(|r| r.trim().to_string())
        .collect()
}

/// BigCommerce with the events unfolded and a bad event callback URL
/// focused: a field low in the form with an error of three lines.
fn bigcommerce_event_error() -> App {
    let mut app = connected();
    pick(&mut app, "bigc", "bigcommerce");
    fill(&mut app, "https://store-abc123.mybigcommerce.com/api/v2/");
    fill(&mut app, "u");
    fill(&mut app, "p");
    enter(&mut app); // into the fold
    key(&mut app, KeyCode::Char(' ')); // receive events
    tab(&mut app);
    tab(&mut app);
    type_text(&mut app, "nope");
    tab(&mut app);
    assert_eq!(focus(&app), field("event.notification.callback.url"));
    app
}

#[test]
fn the_focused_field_and_its_whole_error_stay_in_view() {
    let woo_submitted = {
        let mut app = connected();
        pick(&mut app, "woo", "woocommerce");
        ctrl(&mut app, 's');
        app
    };
    let name_cleared = {
        let mut app = connected();
        pick(&mut app, "magen", "magentov20");
        app.form_mut().unwrap().focus = FormItem::Name;
        ctrl(&mut app, 'u');
        tab(&mut app);
        app
    };
    for (app, label) in [
        (woo_submitted, "Store URL"),
        (bigcommerce_event_error(), "Event callback URL"),
        (name_cleared, "Instance name"),
    ] {
        let form = app.form().unwrap();
        let error = form.errors.get(&form.focus).unwrap().clone();
        for (w, h) in [(80, 24), (60, 16)] {
            let rows = form_rows(&app, w, h);
            assert!(
                rows.iter().any(|r| r.starts_with(&format!("› {label}"))),
                "{label} at {w}x{h}:\n{}",
                rows.join("\n")
            );
            // Every line of the error, under the field.
            let at = rows.iter().position(|r| r.starts_with("› ")).unwrap();
            let below = rows[at + 1..].join(" ");
            assert!(
                below.starts_with(&format!("✗ {error}")),
                "{label} at {w}x{h}: {error:?} in\n{}",
                rows.join("\n")
            );
        }
    }
}

#[test]
fn a_link_in_an_error_is_never_split_over_lines() {
    let app = bigcommerce_event_error();
    for (w, h) in [(60, 16), (80, 24)] {
        let rows = rows(&app, w, h);
        let whole = rows
            .iter()
            .filter(|r| r.contains("https://app.example.com/ce-events"))
            .count();
        // Beside the field and in the message line.
        assert_eq!(whole, 2, "{w}x{h}:\n{}", rows.join("\n"));
        assert!(!rows
            .iter()
            .any(|r| r.trim_end().ends_with("https://app.example.com/ce-")));
    }
}

#[test]
fn wide_the_help_sits_beside_the_focused_field() {
    let app = bigcommerce_event_error();
    let wide = rows(&app, 200, 60);
    let row = wide
        .iter()
        .find(|r| r.contains("› Event callback URL"))
        .unwrap();
    assert!(
        row.contains("│ Where Cloud Elements posts events for your app."),
        "{}",
        wide.join("\n")
    );
    assert!(
        !wide.iter().any(|r| r.trim().starts_with("────")),
        "no help under the form"
    );
    // Beside the values, not at the far edge.
    let help_at = row.find('│').unwrap();
    assert!(row[..help_at].chars().count() <= 110, "{row}");
    // Moving the focus moves the help with it.
    let mut app = app;
    key(&mut app, KeyCode::Up);
    let wide = rows(&app, 200, 60);
    let row = wide.iter().find(|r| r.contains("› Event source")).unwrap();
    assert!(
        row.contains("│ webhook: the provider pushes changes"),
        "{row}"
    );
    // At 120 columns it stays under the form, as before.
    let rows = rows(&app, 120, 40);
    assert!(rows.iter().any(|r| r.trim().starts_with("────")));
}

/// Infusionsoft's form with the listener's port taken, the Callback URL
/// focused; under the sandbox or not.
fn port_taken(sandbox: bool) -> App {
    use crate::tui::action::Action;
    use crate::tui::app::ListenerStatus;
    use crate::tui::report::ListenerProblem;
    let mut app = connected();
    app.settings.sandbox = sandbox;
    crate::tui::update::update(
        &mut app,
        Action::ListenerBound(Err(ListenerProblem::PortInUse(48213))),
    );
    assert_eq!(
        app.listener,
        ListenerStatus::Failed(ListenerProblem::PortInUse(48213))
    );
    pick(&mut app, "infus", "infusionsoftecommerce");
    fill(&mut app, "keap-client-id");
    fill(&mut app, "keap-client-secret");
    assert_eq!(focus(&app), field("oauth.callback.url"));
    app
}

#[test]
fn a_taken_port_is_named_beside_the_callback_url_with_what_to_do() {
    use crate::tui::effect::Effect;
    let mut app = port_taken(false);
    let shown = screen(&app, 80, 24);
    let flat: String = rows(&app, 80, 24)
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("✗ Port 48213 is taken by another program"),
        "{shown}"
    );
    assert!(
        flat.contains("Close that program and press Enter to try again"),
        "{shown}"
    );
    assert!(flat.contains("--callback-port N"), "{shown}");
    assert!(!flat.contains("Callback URL is required"), "{shown}");
    assert!(shown.contains("Enter try again"), "{shown}");
    // Tab says the same in the footer, not "is required".
    tab(&mut app);
    let e = app
        .form()
        .unwrap()
        .errors
        .get(&field("oauth.callback.url"))
        .unwrap();
    assert!(e.starts_with("Port 48213 is taken"), "{e}");
    // Enter tries the same port again.
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::BindListener { port }] if *port == app.settings.callback_port),
        "{effects:?}"
    );
    assert!(screen(&app, 80, 24).contains("Starting the listener…"));
    // Ctrl-S names the port too.
    let mut app = port_taken(false);
    ctrl(&mut app, 's');
    let n = app.notice.clone().unwrap();
    assert!(n.text.starts_with("Port 48213 is taken"), "{}", n.text);
}

#[test]
fn under_the_sandbox_enter_takes_a_free_port_and_the_field_follows() {
    use crate::tui::action::Action;
    use crate::tui::effect::Effect;
    let mut app = port_taken(true);
    let flat: String = rows(&app, 80, 24)
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("The sandbox takes any port: press Enter to use a free one."),
        "{flat}"
    );
    assert!(screen(&app, 80, 24).contains("Enter use a free port"));
    let effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::BindListener { port: 0 }]),
        "{effects:?}"
    );
    crate::tui::update::update(
        &mut app,
        Action::ListenerBound(Ok("http://127.0.0.1:50123/callback".into())),
    );
    let form = app.form().unwrap();
    assert_eq!(
        form.value("oauth.callback.url"),
        "http://127.0.0.1:50123/callback"
    );
    assert_eq!(focus(&app), field("oauth.callback.url"));
    assert!(!screen(&app, 80, 24).contains("is taken"));
    // Enter now goes on, as everywhere.
    enter(&mut app);
    assert_eq!(focus(&app), field("document.tagging"));
}

#[test]
fn help_cut_short_on_a_short_terminal_says_so() {
    let mut app = connected();
    pick(&mut app, "infus", "infusionsoftecommerce");
    app.form_mut().unwrap().focus = field("oauth.callback.url");
    let short = rows(&app, 60, 16);
    let rule = short
        .iter()
        .position(|r| r.trim().starts_with('─'))
        .unwrap();
    let help: Vec<&str> = short[rule + 1..rule + 3].iter().map(|r| r.trim()).collect();
    assert!(
        help[0].starts_with("The redirect URI registered"),
        "{help:?}"
    );
    assert!(help[1].ends_with('…'), "{help:?}");
    // With room, the whole of it and no mark.
    let rows = rows(&app, 80, 24);
    assert!(rows.iter().any(|r| r.contains("register it as is.")));
}

/// An instance name of digits only is refused in the form, the reason
/// (shown under the field) saying what to change.
#[test]
fn a_name_of_digits_only_is_refused_with_what_to_change() {
    let mut app = connected();
    pick(&mut app, "magen", "magentov20");
    app.form_mut().unwrap().focus = FormItem::Name;
    ctrl(&mut app, 'u');
    type_text(&mut app, "1000");
    tab(&mut app);
    let error = app.form().unwrap().errors.get(&FormItem::Name).cloned();
    let error = error.expect("the name is refused");
    assert!(error.contains("cannot be only digits"), "{error}");
    assert!(error.contains("e.g. \"shop 1000\""), "{error}");
    let flat = rows(&app, 120, 40).join(" ");
    assert!(flat.contains("cannot be only digits"), "{flat}");
    type_text(&mut app, " eu");
    tab(&mut app);
    assert!(!app.form().unwrap().errors.contains_key(&FormItem::Name));
}
