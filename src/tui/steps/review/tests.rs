//! The Review screen as a person reads it: where the instance goes, the
//! curl command as it will be copied, keys that say what they do now.

use crate::config::Environment;
use crate::tui::action::{Action, CopyTarget};
use crate::tui::app::{App, Step};
use crate::tui::effect::Effect;
use crate::tui::initial_app;
use crate::tui::tests::support::*;
use crate::tui::theme::Theme;
use crate::tui::update::{startup, update};
use crossterm::event::KeyCode;

const SANDBOX: &str = "http://127.0.0.1:41995/elements/api-v2";

/// A BigCommerce instance on Review, connected to `env`.
fn at_review(env: Environment, sandbox: bool) -> App {
    let mut settings = settings();
    settings.sandbox = sandbox;
    let mut app = initial_app(
        &options(Some(env), Some(USER), Some(ORG)),
        settings,
        Theme::plain(),
    );
    app.connection.sandbox = sandbox;
    startup(&mut app);
    update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));
    pick(&mut app, "big", "bigcommerce");
    fill(&mut app, "https://store-a.mybigcommerce.com/api/v2/");
    fill(&mut app, "u");
    fill(&mut app, "hunter2");
    ctrl(&mut app, 's');
    assert_eq!(app.step, Step::Review);
    app
}

#[test]
fn the_sandbox_is_named_so_and_another_base_url_bare() {
    let app = at_review(Environment::Custom(SANDBOX.into()), true);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains(&format!("Environment   sandbox ({SANDBOX})")),
        "{s}"
    );
    assert!(!s.contains("custom"), "{s}");

    let app = at_review(
        Environment::Custom("https://ce.example.com/elements/api-v2".into()),
        false,
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("Environment   https://ce.example.com/elements/api-v2"),
        "{s}"
    );
    assert!(!s.contains("custom"), "{s}");

    let app = at_review(Environment::Eu, false);
    assert!(screen(&app, 80, 24).contains("Environment   EU production"));
}

#[test]
fn the_curl_on_screen_is_the_one_copied() {
    let mut app = at_review(Environment::Production, false);
    key(&mut app, KeyCode::Tab);
    let s = screen(&app, 80, 24);
    assert!(s.contains(r#""password": $CE_VALUE_PASSWORD"#), "{s}");
    assert!(!s.contains('•'), "{s}");
    let copied = key(&mut app, KeyCode::Char('c'));
    let [Effect::Copy {
        what: CopyTarget::Curl,
        text,
    }] = copied.as_slice()
    else {
        panic!("no copy")
    };
    assert!(text.expose().contains(r#""password": $CE_VALUE_PASSWORD"#));
    // Revealed, both hold the value.
    key(&mut app, KeyCode::Char('r'));
    assert!(screen(&app, 80, 24).contains("\"password\": \"hunter2\""));
}

#[test]
fn the_reveal_key_says_hide_once_revealed() {
    let mut app = at_review(Environment::Production, false);
    assert!(screen(&app, 80, 24).contains("r reveal"));
    key(&mut app, KeyCode::Char('r'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("r hide"), "{s}");
    assert!(!s.contains("r reveal"), "{s}");
}

#[test]
fn page_up_moves_at_once_after_paging_past_the_end() {
    let mut app = at_review(Environment::Production, false);
    key(&mut app, KeyCode::Tab);
    let top = draw(&mut app, 80, 24);
    for _ in 0..20 {
        key(&mut app, KeyCode::PageDown);
        draw(&mut app, 80, 24);
    }
    let bottom = draw(&mut app, 80, 24);
    assert_ne!(top, bottom);
    key(&mut app, KeyCode::PageUp);
    assert_ne!(draw(&mut app, 80, 24), bottom, "one PgUp moves");
}
