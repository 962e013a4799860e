//! The Element step's screens, bundled and live catalogs, drawn at 80x24
//! and, where it shows more, 120x40.

use crate::tui::action::Action;
use crate::tui::app::ListenerStatus;
use crate::tui::effect::Effect;
use crate::tui::report::{CatalogProblem, ListenerProblem};
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::startup;
use crate::tui::update::update;
use crossterm::event::KeyCode;
use std::time::Duration;

#[test]
fn element_screens() {
    for key in ELEMENTS {
        let mut app = connected();
        let pos = app
            .catalog
            .entries()
            .iter()
            .position(|e| e.key == key)
            .unwrap();
        app.picker.selected = app.picker.matches().iter().position(|&i| i == pos).unwrap();
        snap!(&format!("element_{key}"), &app);
    }
    // The sandbox is marked on every screen.
    let mut app = connected();
    app.settings.sandbox = true;
    snap!("element_sandbox", &app);
    app.element = Some("infusionsoftecommerce".into());
    crate::tui::steps::element::choose_element(&mut app, "infusionsoftecommerce");
    snap!("configure_sandbox_oauth", &app);

    let mut app = connected();
    type_text(&mut app, "comm");
    snap!("element_filtered", &app);
    type_text(&mut app, "zzz");
    enter(&mut app);
    snap!("element_no_match", &app);
    let mut app = connected();
    update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));
    app.listener = ListenerStatus::Failed(ListenerProblem::PortInUse(48213));
    type_text(&mut app, "infus");
    snap!("element_infusionsoft_port_in_use", &app);
    key(&mut app, KeyCode::Char('?'));
    snap!("element_help", &app);
}

/// The first screen says what "element", "provider", "instance" and
/// "hub" mean before the later steps use them; on a screen too small to
/// spare the row, the help (`?`) says it.
#[test]
fn the_first_screen_explains_the_words() {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let app = connected();
    for (w, h) in [(120, 40), (80, 24)] {
        let s = flat(&screen(&app, w, h));
        assert!(
            s.contains("provider's API") && s.contains("your account"),
            "{w}x{h}: {s}"
        );
        assert!(s.contains("(its family of APIs)"), "{w}x{h}: {s}");
    }
    let mut app = connected();
    key(&mut app, KeyCode::Char('?'));
    // The words come last in the help, below the keys.
    draw(&mut app, 60, 16);
    for _ in 0..40 {
        key(&mut app, KeyCode::Down);
    }
    let s = flat(&screen(&app, 60, 16).replace('│', " "));
    assert!(
        s.contains("An element is") && s.contains("An instance is"),
        "60x16: {s}"
    );
}

#[test]
fn live_catalog_screens() {
    // The platform's catalog, fetched three minutes ago, a beta element
    // highlighted further down than the first page.
    let mut app = connected_live(12);
    let later = app.clock.now() + Duration::from_secs(185);
    update(&mut app, Action::Tick(later));
    while app.highlighted().unwrap().key != "kestrelsocial" {
        key(&mut app, KeyCode::Down);
    }
    snap!("element_live_catalog", &app);
    ctrl(&mut app, 'r');
    snap!("element_live_refreshing", &app);
    let attempt = app.catalog.refreshing.unwrap();
    refreshed(&mut app, attempt, Err(offline()));
    snap!("element_live_offline", &app);

    // Never fetched, and offline.
    let mut app = connected();
    let attempt = startup_refresh(&app);
    refreshed(&mut app, attempt, Err(offline()));
    snap!("element_bundled_offline", &app);
    // Refused rather than offline.
    let mut app = connected();
    let attempt = startup_refresh(&app);
    refreshed(
        &mut app,
        attempt,
        Err(CatalogProblem {
            offline: false,
            message:
                "Invalid Organization or User secret, or invalid Element token provided. (HTTP 401)"
                    .into(),
        }),
    );
    snap!("element_bundled_refused", &app);

    // A form the platform describes, fetched, then failed.
    let mut app = connected_live(12);
    type_text(&mut app, "nimbus");
    let [Effect::LoadSpec { attempt, .. }] = enter(&mut app)[..] else {
        panic!()
    };
    snap!("element_loading", &app);
    update(
        &mut app,
        Action::SpecLoaded {
            attempt,
            result: Err(server_error()),
        },
    );
    snap!("element_load_failed", &app);

    // `--element` with a key that is not bundled.
    let mut app = with_element("kestrelsocial", Some(USER));
    startup(&mut app);
    update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));
    snap!("element_lookup", &app);
}
