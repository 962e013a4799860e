//! The Configure step helping rather than refusing: a URL typed without
//! its scheme is offered with one, documented shapes warn without
//! blocking; and the form at every size: values cut with "…", the focused
//! field and its error kept in view, the help beside the field when wide.

use super::support::*;
use crate::tui::app::{App, NoticeKind, Step};
use crate::tui::steps::configure::FormItem;
use crossterm::event::KeyCode;

pub(super) fn screen_of(app: &App, w: u16, h: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            crate::tui::ui::render_at(app, &app.clock, f);
        })
        .unwrap();
    terminal.backend().to_string()
}

/// The screen as plain rows, without the quotes `TestBackend` adds.
fn rows_of(app: &App, w: u16, h: u16) -> Vec<String> {
    screen_of(app, w, h)
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

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
    let screen = screen_of(&app, 80, 24);
    assert!(
        screen.contains("→ https://shop.example.com? Enter accepts"),
        "{screen}"
    );
    assert!(screen.contains("Enter accept"), "the footer says so: {screen}");
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
    assert!(screen_of(&app, 80, 24).contains("→ https://shop.example.com/x? Enter accepts"));
    // Tab does not take the offer: the value stays, and the error says why
    // and names the fix.
    tab(&mut app);
    let form = app.form().unwrap();
    assert_eq!(form.value("store.url"), "shop.example.com/x");
    assert_eq!(focus(&app), field("store.url"));
    let e = form.errors.get(&field("store.url")).unwrap();
    assert!(e.ends_with("did you mean https://shop.example.com/x?"), "{e}");
    // A value with its scheme is offered nothing.
    key(&mut app, KeyCode::Home);
    type_text(&mut app, "http://");
    let screen = screen_of(&app, 80, 24);
    assert!(!screen.contains("Enter accepts"), "{screen}");
    enter(&mut app);
    assert_eq!(app.form().unwrap().value("store.url"), "http://shop.example.com/x");
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
    let screen = screen_of(&app, 80, 24);
    assert!(screen.contains("! Consumer key usually starts with ck_"), "{screen}");
    assert!(!screen.contains("✗"), "a warning is not an error: {screen}");
    // Drawn in the warning colour, not the error's.
    app.theme = crate::tui::theme::Theme { color: true };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| {
            crate::tui::ui::render_at(&app, &app.clock, f);
        })
        .unwrap();
    let buf = terminal.backend().buffer().clone();
    let (x, y) = (0..24u16)
        .find_map(|y| {
            let row: String = (0..80u16).map(|x| buf[(x, y)].symbol().to_string()).collect();
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
    assert!(n.text.starts_with("Consumer key usually starts with ck_"), "{}", n.text);
    let screen = screen_of(&app, 80, 24);
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
    let w = app.form().unwrap().warnings.get(&field("store.url")).cloned().unwrap();
    assert!(w.starts_with("Store API URL usually ends in /api/v2/"), "{w}");
}
