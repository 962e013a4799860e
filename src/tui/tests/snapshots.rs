//! Every screen drawn into a `TestBackend` at 80x24, and at 120x40 where
//! that size shows more (a side pane, longer footers, a link whole), for
//! each seed element, in normal and error states. Names, times, ports and
//! tokens are fixed so the snapshots are stable.

use super::support::*;
use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::{App, AuthPhase, AuthProblem, ListenerStatus, Overlay, Step};
use crate::tui::clock::{Clock, Moves};
use crate::tui::effect::Effect;
use crate::tui::report::{
    BrowserFailure, CatalogProblem, ErrorReport, ListenerProblem, LostCreate,
};
use crate::tui::steps::configure::FormItem;
use crate::tui::steps::connection::{CheckStatus, ConnField};
use crate::tui::theme::Theme;
use crate::tui::ui::render_at;
use crate::tui::update::startup;
use crate::tui::update::update;
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use std::time::Duration;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const ELEMENTS: [&str; 5] = [
    "bigcommerce",
    "ecwid",
    "infusionsoftecommerce",
    "magentov20",
    "woocommerce",
];
const TOKEN: &str = "mQuw4rrhnrMl1UeDj25v0xDU5TUx6WUw=";

/// The screen as it looks at `clock`'s time, and how often it can change.
fn draw_at(app: &App, clock: &Clock, w: u16, h: u16) -> (Terminal<TestBackend>, Moves) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut moves = Moves::Never;
    terminal
        .draw(|f| moves = render_at(app, clock, f).moves)
        .unwrap();
    (terminal, moves)
}

fn snap(name: &str, app: &App) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app, w, h));
        a_frame_that_reads_no_time_stays_after_a_tick(name, app, w, h);
    }
}

/// A screen whose 120x40 frame is its 80x24 frame padded: snapshotted at
/// 80x24 only, and checked at 120x40 to show nothing more, so that a wide
/// layout it gains one day is snapshotted (with `snap`) rather than missed.
fn snap_narrow(name: &str, app: &App) {
    let [(w, h), (wide_w, wide_h)] = SIZES;
    let narrow = screen(app, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), narrow);
    let wide = screen(app, wide_w, wide_h);
    assert_eq!(
        padded_away(&wide),
        padded_away(&narrow),
        "{name} shows more at {wide_w}x{wide_h} than at {w}x{h}: snapshot it there too\n{wide}"
    );
    for (w, h) in SIZES {
        a_frame_that_reads_no_time_stays_after_a_tick(name, app, w, h);
    }
}

/// The words of a screen below its header (which names the program only
/// when wide), a rule of any length read as one.
fn padded_away(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(1)
        .flat_map(|l| l.trim_matches('"').split_whitespace())
        .map(|w| {
            if w.chars().all(|c| c == '─') {
                "─".to_string()
            } else {
                w.to_string()
            }
        })
        .collect()
}

/// The longest a frame that shows time to the minute goes undrawn.
const ONCE_A_SECOND_AT_MOST: Duration = Duration::from_millis(999);

/// The run loop redraws after a tick only a frame that read the clock, and
/// one that read it only to the minute at most once a second. On every
/// screen snapshotted here, check that the frame is the same as long after
/// as the loop leaves it undrawn: just under a second, or a minute if it
/// read nothing.
fn a_frame_that_reads_no_time_stays_after_a_tick(name: &str, app: &App, w: u16, h: u16) {
    let (before, moves) = draw_at(app, &app.clock, w, h);
    let later = match moves {
        Moves::EveryTick => return,
        Moves::EverySecond => ONCE_A_SECOND_AT_MOST,
        Moves::Never => Duration::from_secs(61),
    };
    let mut clock = app.clock.clone();
    clock.tick(clock.now() + later);
    let (after, _) = draw_at(app, &clock, w, h);
    assert_eq!(
        before.backend().to_string(),
        after.backend().to_string(),
        "{name} at {w}x{h} changes with time more often than its reading of the clock says"
    );
}

fn values(key: &str) -> &'static [(&'static str, &'static str)] {
    match key {
        "bigcommerce" => &[
            (
                "store.url",
                "https://store-abc123.mybigcommerce.com/api/v2/",
            ),
            ("username", "integration"),
            ("password", "bc-api-token"),
        ],
        "ecwid" => &[
            ("ecwid.store.id", "1003"),
            ("ecwid.order.key", "order-key"),
            ("ecwid.product.key", "product-key"),
        ],
        "infusionsoftecommerce" => &[
            ("oauth.api.key", "keap-client-id"),
            ("oauth.api.secret", "keap-client-secret"),
        ],
        "magentov20" => &[
            ("site", "https://magento.example.com"),
            ("userName", "api-admin"),
            ("password", "magento-pw"),
        ],
        "woocommerce" => &[
            ("store.url", "https://shop.example.com"),
            ("oauth.api.key", "ck_0123456789abcdef"),
            ("oauth.api.secret", "cs_0123456789abcdef"),
        ],
        other => panic!("no values for {other}"),
    }
}

fn element_name(key: &str) -> String {
    crate::catalog::bundled_spec(key).unwrap().name.clone()
}

/// The form of `key`, opened, every required value filled in.
fn filled(key: &str) -> App {
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, key);
    let ctx = app.derive_context();
    let form = app.form_mut().unwrap();
    for (k, v) in values(key) {
        form.inputs.get_mut(*k).unwrap().set(v);
        form.edited.insert(k.to_string());
    }
    form.tags.set("docs, eu");
    form.refresh_derived(&ctx);
    app
}

fn at_review(key: &str) -> App {
    let mut app = filled(key);
    let effects = ctrl(&mut app, 's');
    if let [Effect::StartAuthorization { attempt, .. }] = effects.as_slice() {
        let attempt = *attempt;
        update(
            &mut app,
            Action::AuthUrlFetched {
                attempt,
                result: Ok(auth_url()),
            },
        );
        update(
            &mut app,
            Action::Callback {
                attempt,
                pasted: false,
                result: code("provider-code"),
            },
        );
    }
    assert_eq!(app.step, Step::Review, "{key}");
    app.notice = None;
    app
}

fn at_done(key: &str) -> App {
    let mut app = at_review(key);
    let effects = enter(&mut app);
    let (attempt, _, _, name, _) = created_config(&effects);
    let inst = instance(1234, &name, key, &element_name(key), TOKEN);
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Ok(inst),
        },
    );
    app
}

fn auth_url() -> String {
    "https://signin.infusionsoft.com/app/oauth/authorize?response_type=code&client_id=keap-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A48213%2Fcallback&scope=full&state=3f9a".into()
}

fn authorizing() -> (App, u64) {
    let mut app = filled("infusionsoftecommerce");
    let effects = ctrl(&mut app, 's');
    let [Effect::StartAuthorization { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    (app, *attempt)
}

fn server_error() -> ErrorReport {
    ErrorReport {
        status: Some(502),
        message: "Provider returned an error: store not reachable".into(),
        request_id: Some("5f3b2c1e-0000-4a6b-9c1d-2e3f4a5b6c7d".into()),
        provider_message: Some("connect timed out".into()),
        advice: "The platform or the provider had a problem. Try again in a minute; if it persists, quote the requestId to support.".into(),
        missing_keys: vec![],
    }
}

#[test]
fn connection_screens() {
    let mut app = fresh();
    snap("connection_empty", &app);
    enter(&mut app);
    snap("connection_errors", &app);
    type_text(&mut app, USER);
    tab(&mut app);
    type_text(&mut app, ORG);
    let effects = enter(&mut app);
    snap("connection_checking", &app);
    let [Effect::CheckConnection { attempt, .. }] = effects.as_slice() else {
        panic!()
    };
    let mut r = report(
        401,
        "Invalid Organization or User secret, or invalid Element token provided.",
    );
    r.advice = "Check the user and organization secrets: copy them again from your Cloud Elements profile.".into();
    update(
        &mut app,
        Action::ConnectionChecked {
            attempt: *attempt,
            result: Err(r),
        },
    );
    snap("connection_failed", &app);
    app.connection.check = CheckStatus::Passed { elements: 231 };
    app.notice = None;
    ctrl(&mut app, 'r');
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    snap("connection_revealed_remember", &app);
    app.overlay = Some(Overlay::Help);
    snap("connection_help", &app);
}

/// The environment choices `--env` knows, then "other" with its base URL field.
#[test]
fn connection_environment_choices() {
    let mut app = fresh();
    app.connection.focus = ConnField::Environment;
    key(&mut app, KeyCode::Right);
    snap("connection_env_eu", &app);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    snap("connection_env_other", &app);
}

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
        snap(&format!("element_{key}"), &app);
    }
    // The sandbox is marked on every screen.
    let mut app = connected();
    app.settings.sandbox = true;
    snap("element_sandbox", &app);
    app.element = Some("infusionsoftecommerce".into());
    crate::tui::steps::element::choose_element(&mut app, "infusionsoftecommerce");
    snap("configure_sandbox_oauth", &app);

    let mut app = connected();
    type_text(&mut app, "comm");
    snap("element_filtered", &app);
    type_text(&mut app, "zzz");
    enter(&mut app);
    snap("element_no_match", &app);
    let mut app = connected();
    update(&mut app, Action::ListenerBound(Ok(CALLBACK.into())));
    app.listener = ListenerStatus::Failed(ListenerProblem::PortInUse(48213));
    type_text(&mut app, "infus");
    snap("element_infusionsoft_port_in_use", &app);
    key(&mut app, KeyCode::Char('?'));
    snap("element_help", &app);
}

#[test]
fn configure_screens() {
    for key in ELEMENTS {
        let mut app = connected();
        crate::tui::steps::element::choose_element(&mut app, key);
        snap(&format!("configure_{key}_empty"), &app);
        let app = filled(key);
        snap(&format!("configure_{key}_filled"), &app);
    }
    // Validation errors beside the fields and in the footer.
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(&mut app, "ftp://store-abc123.mybigcommerce.com");
    tab(&mut app);
    snap("configure_bigcommerce_invalid_url", &app);
    // Without its scheme, the address it most likely means is offered.
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(&mut app, "store-abc123.mybigcommerce.com/api/v2/");
    snap("configure_bigcommerce_url_offer", &app);
    ctrl(&mut app, 'u');
    type_text(&mut app, "https://store-abc123.mybigcommerce.com/api/v2/");
    ctrl(&mut app, 's');
    snap("configure_bigcommerce_submit_errors", &app);

    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "ecwid");
    type_text(&mut app, "10O3");
    enter(&mut app);
    snap("configure_ecwid_digits_only", &app);

    // The advanced group unfolded, events on: the fields behind `when` appear.
    let mut app = filled("woocommerce");
    app.form_mut()
        .unwrap()
        .focus_item(crate::tui::steps::configure::FormItem::Advanced);
    // Enter unfolds and moves into the group, on its first field.
    enter(&mut app);
    key(&mut app, KeyCode::Char(' '));
    snap("configure_woocommerce_advanced_events", &app);
    tab(&mut app);
    tab(&mut app);
    snap("configure_woocommerce_advanced_scrolled", &app);

    // A secret revealed, and the help overlay (F1 in a text field).
    let mut app = filled("magentov20");
    app.form_mut().unwrap().focus =
        crate::tui::steps::configure::FormItem::Field("password".into());
    ctrl(&mut app, 'r');
    snap("configure_magentov20_revealed", &app);
    key(&mut app, KeyCode::F(1));
    snap("configure_help", &app);

    // Missing keys reported by the platform.
    let mut app = at_review("bigcommerce");
    let (attempt, ..) = created_config(&enter(&mut app));
    let mut r = report(400, "Missing required configuration entries: username");
    r.missing_keys = vec!["username".into()];
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(r),
        },
    );
    snap("configure_bigcommerce_missing_keys", &app);
}

/// A tick can end the sign-in (its deadline passed), and the run loop draws
/// after a tick only a frame that read the clock: every screen that can
/// show the waiting sign-in must read it, the help over it included.
#[test]
fn a_sign_in_timing_out_on_a_tick_is_drawn() {
    let (mut app, attempt) = authorizing();
    for action in [
        Action::AuthUrlFetched {
            attempt,
            result: Ok(auth_url()),
        },
        Action::BrowserOpened {
            attempt,
            result: Ok(()),
        },
    ] {
        update(&mut app, action);
    }
    let AuthPhase::Waiting { deadline, .. } = app.authorize.phase else {
        panic!("not waiting: {:?}", app.authorize.phase)
    };
    for overlay in [false, true] {
        if overlay {
            key(&mut app, KeyCode::Char('?'));
        }
        assert_eq!(
            draw_at(&app, &app.clock, 80, 24).1,
            Moves::EveryTick,
            "help shown: {overlay}"
        );
    }
    esc(&mut app);
    update(&mut app, Action::Tick(deadline));
    let screen = screen(&app, 80, 24);
    assert!(
        matches!(
            app.authorize.phase,
            AuthPhase::Failed(AuthProblem::TimedOut)
        ),
        "{screen}"
    );
}

#[test]
fn authorize_screens() {
    let (mut app, attempt) = authorizing();
    snap_narrow("authorize_fetching", &app);
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(auth_url()),
        },
    );
    update(
        &mut app,
        Action::BrowserOpened {
            attempt,
            result: Ok(()),
        },
    );
    snap("authorize_waiting", &app);
    key(&mut app, KeyCode::Char('?'));
    snap("authorize_help", &app);
    esc(&mut app);
    update(
        &mut app,
        Action::Paste("http://127.0.0.1:48213/callback?code=abc&state=wrong".into()),
    );
    snap("authorize_pasting", &app);
    update(
        &mut app,
        Action::Callback {
            attempt,
            pasted: true,
            result: CallbackResult::Rejected(
                "the callback's state does not match the current attempt".into(),
            ),
        },
    );
    snap("authorize_paste_rejected", &app);

    let (mut app, attempt) = authorizing();
    app.settings.no_browser = true;
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(auth_url()),
        },
    );
    snap("authorize_no_browser", &app);

    let (mut app, attempt) = authorizing();
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(auth_url()),
        },
    );
    update(
        &mut app,
        Action::BrowserOpened {
            attempt,
            result: Err(BrowserFailure("no browser found (xdg-open failed)".into())),
        },
    );
    snap("authorize_browser_failed", &app);
    app.authorize.phase = AuthPhase::Failed(AuthProblem::TimedOut);
    snap_narrow("authorize_timed_out", &app);
    app.authorize.phase = AuthPhase::Failed(AuthProblem::Denied {
        error: "access_denied".into(),
        description: Some("The user denied the request".into()),
    });
    snap_narrow("authorize_denied", &app);
    app.authorize.phase =
        AuthPhase::Failed(AuthProblem::Listener(ListenerProblem::PortInUse(48213)));
    snap_narrow("authorize_port_in_use", &app);
    app.authorize.phase = AuthPhase::Failed(AuthProblem::UrlFailed(report(
        404,
        "No element found with key infusionsoftecommerce",
    )));
    snap_narrow("authorize_url_failed", &app);

    let mut app = at_review("infusionsoftecommerce");
    let (create, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt: create,
            result: Err(server_error()),
        },
    );
    snap_narrow("authorize_create_failed", &app);
}

#[test]
fn review_creating_and_done_screens() {
    for key in ELEMENTS {
        let mut app = at_review(key);
        snap(&format!("review_{key}"), &app);
        let effects = enter(&mut app);
        snap_narrow(&format!("creating_{key}"), &app);
        let (attempt, _, _, name, _) = created_config(&effects);
        let inst = instance(1234, &name, key, &element_name(key), TOKEN);
        update(
            &mut app,
            Action::Created {
                attempt,
                result: Ok(inst),
            },
        );
        snap_narrow(&format!("done_{key}"), &app);
    }
    let mut app = at_review("bigcommerce");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('r'));
    snap("review_bigcommerce_curl_revealed", &app);
    // The run loop keeps how far the box can scroll from the frame drawn.
    draw(&mut app, 80, 24);
    key(&mut app, KeyCode::PageDown);
    snap("review_bigcommerce_curl_scrolled", &app);

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(server_error()),
        },
    );
    snap("review_ecwid_create_failed", &app);
    key(&mut app, KeyCode::Char('?'));
    snap("review_help", &app);

    let mut app = at_done("bigcommerce");
    update(
        &mut app,
        Action::Copied {
            what: crate::tui::action::CopyTarget::Token,
            report: crate::clipboard::CopyReport {
                native: Ok("xclip"),
                osc52: true,
            },
        },
    );
    snap_narrow("done_copied", &app);
    key(&mut app, KeyCode::Char('s'));
    snap_narrow("done_save_prompt", &app);
    let path = std::path::PathBuf::from("bigcommerce-20250102-0304.instance.json");
    update(
        &mut app,
        Action::FileSaved {
            path: path.clone(),
            result: Err(crate::tui::action::FileSaveError::Exists),
        },
    );
    snap_narrow("done_overwrite_confirm", &app);
    key(&mut app, KeyCode::Char('y'));
    update(
        &mut app,
        Action::FileSaved {
            path,
            result: Ok(()),
        },
    );
    snap_narrow("done_saved", &app);
    key(&mut app, KeyCode::Char('?'));
    snap("done_help", &app);
}

#[test]
fn overlays_and_small_terminals() {
    let mut app = filled("bigcommerce");
    app.typed = true;
    ctrl(&mut app, 'c');
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    snap("confirm_quit", &app);
    insta::assert_snapshot!("too_small_59x15", screen(&app, 59, 15));
    // Tiny sizes never panic.
    for (w, h) in [(1, 1), (10, 3), (60, 16), (61, 17)] {
        for step_app in [
            fresh(),
            connected(),
            filled("woocommerce"),
            at_review("infusionsoftecommerce"),
            at_done("ecwid"),
        ] {
            screen(&step_app, w, h);
        }
    }
}

#[test]
fn long_wide_and_right_to_left_values_render_without_panics() {
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(
        &mut app,
        &"https://store-abc123.mybigcommerce.com/api/v2/".repeat(5),
    );
    key(&mut app, KeyCode::Down);
    update(&mut app, Action::Paste("管理者ユーザー名前テスト".into()));
    key(&mut app, KeyCode::Down);
    update(&mut app, Action::Paste("סיסמה-ארוכה-מאוד".into()));
    snap("configure_long_wide_rtl", &app);
    for w in 60..=80 {
        screen(&app, w, 20);
    }
}

fn cells_with_colour(terminal: &Terminal<TestBackend>) -> usize {
    terminal
        .backend()
        .buffer()
        .content
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count()
}

#[test]
fn no_color_means_no_colour_at_all() {
    let mut app = filled("bigcommerce");
    app.form_mut()
        .unwrap()
        .inputs
        .get_mut("store.url")
        .unwrap()
        .set("nope");
    tab(&mut app);
    app.theme = Theme::plain();
    assert_eq!(cells_with_colour(&terminal(&app, 80, 24)), 0);
    app.theme = Theme { color: true };
    let terminal = terminal(&app, 80, 24);
    assert!(cells_with_colour(&terminal) > 0);
    // The error line is red when colours are on.
    let buf = terminal.backend().buffer();
    let error_cell = (0..24)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "✗")
        .expect("an error mark on screen");
    assert_eq!(buf[error_cell].fg, Color::Red);
}

#[test]
fn focused_text_field_places_the_cursor_after_the_text() {
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(&mut app, "https://a.b");
    let mut terminal = terminal(&app, 80, 24);
    let pos = terminal.get_cursor_position().unwrap();
    let buf = terminal.backend().buffer();
    let row: String = (0..80)
        .map(|x| buf[(x, pos.y)].symbol().to_string())
        .collect();
    assert!(row.contains("https://a.b"), "{row}");
    let start = row[..row.find("https://a.b").unwrap()].chars().count() as u16;
    assert_eq!(pos.x, start + "https://a.b".len() as u16);
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
    snap("element_live_catalog", &app);
    ctrl(&mut app, 'r');
    snap("element_live_refreshing", &app);
    let attempt = app.catalog.refreshing.unwrap();
    refreshed(&mut app, attempt, Err(offline()));
    snap("element_live_offline", &app);

    // Never fetched, and offline.
    let mut app = connected();
    let attempt = startup_refresh(&app);
    refreshed(&mut app, attempt, Err(offline()));
    snap("element_bundled_offline", &app);
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
    snap("element_bundled_refused", &app);

    // A form the platform describes, fetched, then failed.
    let mut app = connected_live(12);
    type_text(&mut app, "nimbus");
    let [Effect::LoadSpec { attempt, .. }] = enter(&mut app)[..] else {
        panic!()
    };
    snap("element_loading", &app);
    update(
        &mut app,
        Action::SpecLoaded {
            attempt,
            result: Err(server_error()),
        },
    );
    snap("element_load_failed", &app);

    // `--element` with a key that is not bundled.
    let mut app = with_element("kestrelsocial", Some(USER));
    startup(&mut app);
    update(&mut app, Action::ListenerBound(Ok(CALLBACK.into())));
    snap("element_lookup", &app);
}

#[test]
fn metadata_form_screens() {
    let mut app = connected_live(0);
    pick_metadata(&mut app, "nimbus", &nimbusdesk());
    snap("configure_nimbusdesk_empty", &app);
    let ctx = app.derive_context();
    let form = app.form_mut().unwrap();
    for (k, v) in [
        ("nimbus.account.id", "acct-7"),
        ("nimbus.subdomain", "acme"),
        ("nimbus.api.key", "nk-0123456789"),
        ("nimbus.region", "eu"),
        ("nimbus.agent.email", "agent@acme.example"),
        ("nimbus.sandbox", "true"),
        (
            "nimbus.signature",
            "Thanks for writing,\nThe Acme support team\nhttps://help.acme.example",
        ),
    ] {
        form.inputs.get_mut(k).unwrap().set(v);
        form.edited.insert(k.to_string());
    }
    form.refresh_derived(&ctx);
    form.focus = FormItem::Field("nimbus.signature".into());
    snap("configure_nimbusdesk_filled", &app);
    app.form_mut().unwrap().focus = FormItem::Field("nimbus.portal.url".into());
    snap("configure_nimbusdesk_signature_folded", &app);
    ctrl(&mut app, 's');
    app.notice = None;
    snap("review_nimbusdesk", &app);
}

#[test]
fn oauth1_authorize_screens() {
    let mut app = connected_live(0);
    pick_metadata(&mut app, "kestrel", &kestrelsocial());
    snap("configure_kestrelsocial_empty", &app);
    fill(&mut app, "kestrel-app-key");
    fill(&mut app, "kestrel-app-secret");
    let [Effect::StartAuthorization { attempt, .. }] = ctrl(&mut app, 's')[..] else {
        panic!()
    };
    snap_narrow("authorize_oauth1_request_token", &app);
    update(
        &mut app,
        Action::RequestTokenIssued {
            attempt,
            result: Ok(crate::api::RequestToken {
                token: "rt-5Kq2".into(),
                secret: "rt-secret".into(),
            }),
        },
    );
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(
                "http://127.0.0.1:8080/provider/oauth1/authorize?oauth_token=rt-5Kq2&state=3f9a"
                    .into(),
            ),
        },
    );
    snap("authorize_oauth1_waiting", &app);
    let [Effect::StartAuthorization { attempt, .. }] = key(&mut app, KeyCode::Char('r'))[..] else {
        panic!()
    };
    update(
        &mut app,
        Action::RequestTokenIssued {
            attempt,
            result: Err(server_error()),
        },
    );
    snap_narrow("authorize_oauth1_token_failed", &app);
}

#[test]
fn lost_create_answers_and_quitting_mid_create() {
    use crate::tui::report::{CreatedCheck, LostAnswer};
    let name = "ecwid-20250102-0304";

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    app.typed = true;
    ctrl(&mut app, 'c');
    snap("confirm_quit_creating", &app);
    key(&mut app, KeyCode::Char('n'));
    let mut report = server_error();
    report.status = None;
    report.request_id = None;
    report.message = format!("the server did not answer in time; the platform has no new instance named \"{name}\", so nothing was created and it is safe to try again");
    update(&mut app, Action::NothingCreated { attempt, report });
    snap_narrow("creating_nothing_created", &app);

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    let mut report = server_error();
    report.message = "the connection closed before the server's answer was complete (error decoding response body), and checking whether the instance was created failed too (The sandbox answers 503 here (HTTP 503))".into();
    update(
        &mut app,
        Action::CreateOutcomeUnknown {
            attempt,
            lost: LostCreate {
                report,
                check: CreatedCheck {
                    element_key: "ecwid".into(),
                    name: name.into(),
                    since: std::time::UNIX_EPOCH,
                },
                lost: LostAnswer::ConnectionDropped,
            },
        },
    );
    snap_narrow("creating_outcome_unknown", &app);
    key(&mut app, KeyCode::Char('r'));
    snap_narrow("creating_checking", &app);

    let mut app = at_review("ecwid");
    let (attempt, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::CreateRecovered {
            attempt,
            instance: instance(1234, name, "ecwid", "Ecwid", TOKEN),
            lost: LostAnswer::ConnectionDropped,
        },
    );
    snap_narrow("done_recovered", &app);

    // Esc while the create is in flight: Review says Enter looks first,
    // and Enter does.
    let mut app = at_review("ecwid");
    enter(&mut app);
    esc(&mut app);
    snap("review_after_cancelled_create", &app);
    enter(&mut app);
    snap_narrow("creating_checking_cancelled", &app);
}
