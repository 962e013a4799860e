//! The Element step for a newcomer: the bundled elements first, the
//! highlight at the top when the step opens and when `n` on Done comes
//! back to it, and the highlighted element's documentation a key away.

use crate::tui::action::Action;
use crate::tui::app::{App, Overlay, Step};
use crate::tui::effect::Effect;
use crate::tui::report::BrowserFailure;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

/// The first row of the element list on screen.
fn first_listed(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let count = lines
        .iter()
        .position(|l| l.contains(" of ") && l.contains(" elements"))
        .expect("the list's count");
    let row = lines[count + 1].trim_matches('"');
    row.split('│').next().unwrap().trim().to_string()
}

fn highlighted(app: &App) -> Option<&str> {
    app.highlighted().map(|e| e.key.as_str())
}

#[test]
fn the_highlight_starts_on_the_first_bundled_element_at_the_top() {
    // 40 made-up elements, most of them before "BigCommerce" in the
    // alphabet: the bundled ones still come first.
    let mut app = connected_live(40);
    assert_eq!(highlighted(&app), Some("bigcommerce"));
    let screen = draw(&mut app, 80, 24);
    assert_eq!(first_listed(&screen), "› BigCommerce", "{screen}");
    let listed: Vec<String> = app
        .picker
        .matches()
        .iter()
        .take(crate::catalog::bundled().len())
        .map(|&i| app.catalog.entries()[i].key.clone())
        .collect();
    // The bundled elements, by name.
    let bundled: Vec<String> = crate::catalog::bundled()
        .iter()
        .map(|s| s.key.clone())
        .collect();
    assert_eq!(listed, bundled);
    assert_eq!(
        bundled,
        [
            "bigcommerce",
            "ecwid",
            "infusionsoftecommerce",
            "magentov20",
            "shopify",
            "woocommerce",
            "woocommercerest"
        ]
    );
}

#[test]
fn after_n_on_done_the_highlight_is_back_on_the_first_element_at_the_top() {
    let mut app = connected_live(40);
    // Far down the list first, so the list has scrolled.
    key(&mut app, KeyCode::End);
    draw(&mut app, 80, 24);
    assert!(app.picker.window.offset > 0);
    key(&mut app, KeyCode::Home);
    let created = instance(9, "shop", "bigcommerce", "BigCommerce", "tok");
    bigcommerce_done(&mut app, "p", created);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.step, Step::Element);
    assert_eq!(highlighted(&app), Some("bigcommerce"));
    let screen = draw(&mut app, 80, 24);
    assert_eq!(first_listed(&screen), "› BigCommerce", "{screen}");
    assert_eq!(app.picker.window.offset, 0);
}

#[test]
fn ctrl_o_opens_the_highlighted_elements_documentation() {
    let mut app = connected_live(3);
    type_text(&mut app, "woo");
    assert_eq!(highlighted(&app), Some("woocommerce"));
    let docs = crate::catalog::bundled_spec("woocommerce")
        .unwrap()
        .docs_url
        .clone()
        .expect("WooCommerce names its documentation");
    let screen = draw(&mut app, 120, 40);
    assert!(
        screen.contains("Ctrl-O opens it in your browser"),
        "{screen}"
    );
    assert!(screen.contains("Ctrl-O docs"), "the footer: {screen}");
    match ctrl(&mut app, 'o').as_slice() {
        [Effect::OpenDocs { url }] => assert_eq!(*url, docs),
        other => panic!("{other:?}"),
    }
    // The filter was not typed into.
    assert_eq!(app.picker.filter.value(), "woo");

    update(
        &mut app,
        Action::DocsOpened {
            url: docs.clone(),
            result: Err(BrowserFailure(
                crate::oauth::NoBrowser::ConsoleBrowser("lynx").to_string(),
            )),
        },
    );
    let notice = app.notice.clone().unwrap();
    assert!(notice
        .text
        .starts_with("No browser was opened: $BROWSER is lynx"));
    assert!(notice.text.ends_with(&docs), "{}", notice.text);
    update(
        &mut app,
        Action::DocsOpened {
            url: docs.clone(),
            result: Ok(()),
        },
    );
    assert!(app
        .notice
        .clone()
        .unwrap()
        .text
        .contains("sent to your browser"));

    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    let help = draw(&mut app, 120, 40);
    assert!(
        help.contains("Ctrl-O          open the highlighted element's documentation"),
        "{help}"
    );
}

#[test]
fn an_element_without_documentation_offers_no_key() {
    let mut app = connected_live(3);
    type_text(&mut app, "kestrel");
    assert_eq!(highlighted(&app), Some("kestrelsocial"));
    assert!(ctrl(&mut app, 'o').is_empty());
    let screen = draw(&mut app, 120, 40);
    assert!(!screen.contains("Ctrl-O"), "{screen}");
}

#[test]
fn the_footer_shows_the_way_to_the_instances_at_80_columns() {
    let mut app = connected();
    let screen = draw(&mut app, 80, 24);
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains("F2 instances"), "{footer}");
    assert!(
        footer.contains("Enter choose") && footer.contains("? help"),
        "{footer}"
    );
}

#[test]
fn the_help_names_every_key_that_moves_the_highlight() {
    let mut app = connected();
    key(&mut app, KeyCode::Char('?'));
    let screen = draw(&mut app, 120, 40);
    for said in ["Ctrl-N and Tab go to the next element", "Shift-Tab too"] {
        assert!(screen.contains(said), "{said}: {screen}");
    }
}

/// In a narrow pane, a value that wraps goes on at its own column, never
/// from the pane's edge under its label.
#[test]
fn a_wrapped_detail_stays_in_its_column() {
    let mut app = connected();
    let screen = draw(&mut app, 60, 16);
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.contains("Sign-in"))
        .unwrap_or_else(|| panic!("{screen}"));
    let pane = |l: &str| l.split('│').nth(1).unwrap_or("").to_string();
    let first = pane(lines[row]);
    let column = first
        .find("a username")
        .unwrap_or_else(|| panic!("{screen}"));
    let next = pane(lines[row + 1]);
    assert!(
        next.contains("password"),
        "the value wraps at 60 columns: {screen}"
    );
    assert_eq!(next.len() - next.trim_start().len(), column, "{screen}");
}

/// Where the list comes from, too long beside the title at 60 columns,
/// is shown whole on the row below rather than cut.
#[test]
fn the_lists_origin_is_whole_on_a_narrow_terminal() {
    let mut app = connected_live(300);
    let screen = draw(&mut app, 60, 16);
    assert!(screen.contains("live catalog, "), "{screen}");
    let line = screen
        .lines()
        .find(|l| l.contains("live catalog, "))
        .unwrap();
    assert!(!line.contains('…'), "{screen}");
}
