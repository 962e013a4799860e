//! What the screen snapshots of every step share: the sizes, the seed
//! elements and their values, the builders that walk a wizard to each
//! step, and `snap!`/`snap_narrow!`, macros so that insta names each
//! snapshot after (and files it beside) the step's test module that takes
//! it. Names, times, ports and tokens are fixed so the snapshots are
//! stable.

use super::support::*;
use crate::tui::action::Action;
use crate::tui::app::{App, Step};
use crate::tui::clock::{Clock, Moves};
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::ui::render_at;
use crate::tui::update::update;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::Duration;

/// Snapshots the screen at 80x24 and at 120x40, and checks at each size
/// that the frame stays after a tick as long as its reading of the clock
/// says.
macro_rules! snap {
    ($name:expr, $app:expr) => {{
        use $crate::tui::tests::support::screen;
        let name: &str = &$name;
        let app: &$crate::tui::app::App = $app;
        for (w, h) in $crate::tui::tests::screens::SIZES {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app, w, h));
            $crate::tui::tests::screens::a_frame_that_reads_no_time_stays_after_a_tick(
                name, app, w, h,
            );
        }
    }};
}

/// A screen whose 120x40 frame is its 80x24 frame padded: snapshotted at
/// 80x24 only, and checked at 120x40 to show nothing more, so that a wide
/// layout it gains one day is snapshotted (with `snap!`) rather than
/// missed.
macro_rules! snap_narrow {
    ($name:expr, $app:expr) => {{
        use $crate::tui::tests::support::screen;
        let name: &str = &$name;
        let app: &$crate::tui::app::App = $app;
        let [(w, h), _] = $crate::tui::tests::screens::SIZES;
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app, w, h));
        $crate::tui::tests::screens::nothing_more_when_wide(name, app);
    }};
}

pub(crate) use {snap, snap_narrow};

/// `name`'s screen shows at 120x40 what it shows at 80x24 and nothing
/// more, and stays after a tick at both sizes.
pub fn nothing_more_when_wide(name: &str, app: &App) {
    let [(w, h), (wide_w, wide_h)] = SIZES;
    let narrow = screen(app, w, h);
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

pub const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

pub const ELEMENTS: [&str; 5] = [
    "bigcommerce",
    "ecwid",
    "infusionsoftecommerce",
    "magentov20",
    "woocommerce",
];

pub const TOKEN: &str = "mQuw4rrhnrMl1UeDj25v0xDU5TUx6WUw=";

/// The screen as it looks at `clock`'s time, and how often it can change.
pub fn draw_at(app: &App, clock: &Clock, w: u16, h: u16) -> (Terminal<TestBackend>, Moves) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut moves = Moves::Never;
    terminal
        .draw(|f| moves = render_at(app, clock, f).moves)
        .unwrap();
    (terminal, moves)
}

/// The words of a screen below its header (which names the program only
/// when wide), a rule of any length read as one.
pub fn padded_away(screen: &str) -> Vec<String> {
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
pub const ONCE_A_SECOND_AT_MOST: Duration = Duration::from_millis(999);

/// The run loop redraws after a tick only a frame that read the clock, and
/// one that read it only to the minute at most once a second. On every
/// screen snapshotted, check that the frame is the same as long after
/// as the loop leaves it undrawn: just under a second, or a minute if it
/// read nothing.
pub fn a_frame_that_reads_no_time_stays_after_a_tick(name: &str, app: &App, w: u16, h: u16) {
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

pub fn values(key: &str) -> &'static [(&'static str, &'static str)] {
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

pub fn element_name(key: &str) -> String {
    crate::catalog::bundled_spec(key).unwrap().name.clone()
}

/// The form of `key`, opened, every required value filled in.
pub fn filled(key: &str) -> App {
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

pub fn at_review(key: &str) -> App {
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

pub fn at_done(key: &str) -> App {
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

pub fn auth_url() -> String {
    "https://signin.infusionsoft.com/app/oauth/authorize?response_type=code&client_id=keap-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A48213%2Fcallback&scope=full&state=3f9a".into()
}

pub fn authorizing() -> (App, u64) {
    let mut app = filled("infusionsoftecommerce");
    let effects = ctrl(&mut app, 's');
    let [Effect::StartAuthorization { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    (app, *attempt)
}

pub fn server_error() -> ErrorReport {
    ErrorReport {
        status: Some(502),
        message: "Provider returned an error: store not reachable".into(),
        request_id: Some("5f3b2c1e-0000-4a6b-9c1d-2e3f4a5b6c7d".into()),
        provider_message: Some("connect timed out".into()),
        advice: "The platform or the provider had a problem. Try again in a minute; if it persists, quote the requestId to support.".into(),
        missing_keys: vec![],
    }
}
