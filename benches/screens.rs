//! What one keystroke costs on each screen of the wizard: `update` with the
//! key, then a whole frame drawn (`render` into the terminal's buffer and
//! the diff against the previous frame), as the run loop does after every
//! event. `cargo bench --bench screens`.
//!
//! Each screen is reached the way a person reaches it, by keys and the
//! results the effects would bring back, and then measured on a pair of
//! keys that undo each other (a character and Backspace, Down and Up, Tab
//! and Tab), one key per iteration, so the state never drifts.
//!
//! Two backends: ratatui's `TestBackend` (render and diff), and the
//! crossterm backend writing into a buffered sink, which adds the encoding
//! of the changed cells into escape sequences, everything the real frame
//! does short of the write to the terminal.
//!
//! At 80x24 (the smallest usual terminal) and 250x70 (a large one).

use ce_wizard::api::Instance;
use ce_wizard::catalog::parse_spec;
use ce_wizard::config::Environment;
use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use ce_wizard::secret::Secret;
use ce_wizard::tui::action::Action;
use ce_wizard::tui::app::{App, Settings, Step};
use ce_wizard::tui::effect::Effect;
use ce_wizard::tui::steps::Drawn;
use ce_wizard::tui::theme::Theme;
use ce_wizard::tui::ui::render;
use ce_wizard::tui::update::{startup, update};
use ce_wizard::tui::{initial_app, WizardOptions};
use criterion::{black_box, criterion_group, BenchmarkId, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::Terminal;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SIZES: [(u16, u16); 2] = [(80, 24), (250, 70)];
const USER: &str = "user-secret-AAAA1111";
const ORG: &str = "org-secret-BBBB2222";
const CALLBACK: &str = "http://127.0.0.1:48213/callback";

fn settings() -> Settings {
    Settings {
        callback_port: 48213,
        oauth_timeout: Duration::from_secs(300),
        request_timeout: ce_wizard::api::REQUEST_TIMEOUT,
        no_browser: false,
        remote: false,
        name_stamp: "20250102-0304".into(),
        save_dir: PathBuf::new(),
        sandbox: false,
        config_path: Some(PathBuf::from("/home/ada/.config/ce-wizard/config.toml")),
        started: (std::time::SystemTime::now(), std::time::Instant::now()),
        print_token: false,
    }
}

fn options(user: Option<&str>, org: Option<&str>) -> WizardOptions {
    WizardOptions {
        environment: user.map(|_| Environment::Production),
        user_secret: user.map(Secret::new),
        org_secret: org.map(Secret::new),
        sandbox: None,
        callback_port: 48213,
        oauth_timeout: Duration::from_secs(300),
        request_timeout: ce_wizard::api::REQUEST_TIMEOUT,
        insecure_storage: false,
        no_browser: false,
        element: None,
        instances: false,
        profiles: Default::default(),
        print_token: false,
    }
}

/// Colours on, as most people see the wizard.
fn theme() -> Theme {
    Theme { color: true }
}

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn c(ch: char) -> KeyEvent {
    k(KeyCode::Char(ch))
}

fn ctrl(ch: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(ch), KeyModifiers::CONTROL)
}

fn press(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    update(app, Action::Key(key))
}

fn type_text(app: &mut App, text: &str) {
    for ch in text.chars() {
        press(app, c(ch));
    }
}

fn expect_step(app: &App, step: Step) {
    assert_eq!(app.step, step, "the bench did not reach {step:?}: {app:?}");
}

/// No secrets: the wizard opens on Connection, the user secret focused.
fn connection() -> App {
    let app = initial_app(&options(None, None), settings(), theme());
    expect_step(&app, Step::Connection);
    app
}

/// Secrets given: the wizard opens on Element, the OAuth listener bound.
fn element() -> App {
    let mut app = initial_app(&options(Some(USER), Some(ORG)), settings(), theme());
    for _ in startup(&mut app) {}
    update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));
    expect_step(&app, Step::Element);
    app
}

/// Picks an element by filtering and Enter.
fn choose(app: &mut App, filter: &str) {
    type_text(app, filter);
    press(app, k(KeyCode::Enter));
    expect_step(app, Step::Configure);
}

/// BigCommerce's form, its store URL focused and half typed.
fn configure() -> App {
    let mut app = element();
    choose(&mut app, "bigc");
    type_text(&mut app, "https://store-abc123.mybigcommerce");
    app
}

/// Infusionsoft, waiting for the browser, the paste field focused.
fn authorize() -> App {
    let mut app = element();
    choose(&mut app, "infus");
    type_text(&mut app, "keap-client-id");
    press(&mut app, k(KeyCode::Enter));
    type_text(&mut app, "keap-client-secret");
    let effects = press(&mut app, ctrl('s'));
    let Some(attempt) = effects.iter().find_map(|e| match e {
        Effect::StartAuthorization { attempt, .. } => Some(*attempt),
        _ => None,
    }) else {
        panic!("no authorization started: {effects:?}")
    };
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://signin.infusionsoft.com/app/oauth/authorize?response_type=code&client_id=keap-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A48213%2Fcallback&scope=full&state=3f9a".into()),
        },
    );
    expect_step(&app, Step::Authorize);
    press(&mut app, c('p'));
    assert!(app.authorize.paste_focused, "the paste field has focus");
    app
}

/// BigCommerce filled in and submitted: the request on review.
fn review() -> App {
    let mut app = element();
    choose(&mut app, "bigc");
    for value in [
        "https://store-abc123.mybigcommerce.com/api/v2/",
        "integration",
        "bc-api-token",
    ] {
        type_text(&mut app, value);
        press(&mut app, k(KeyCode::Enter));
    }
    press(&mut app, ctrl('s'));
    expect_step(&app, Step::Review);
    app
}

/// The instance created: its token on screen.
fn done() -> App {
    let mut app = review();
    let effects = press(&mut app, k(KeyCode::Enter));
    let Some((attempt, name)) = effects.iter().find_map(|e| match e {
        Effect::Create { attempt, body, .. } => Some((*attempt, body.name.clone())),
        _ => None,
    }) else {
        panic!("no creation started: {effects:?}")
    };
    let instance = Instance::from_value(serde_json::json!({
        "id": 1234,
        "name": name,
        "token": "mQuw4rrhnrMl1UeDj25v0xDU5TUx6WUw=",
        "element": { "key": "bigcommerce", "name": "BigCommerce" },
        "createdDate": "2025-01-02T03:04:05Z",
        "configuration": {},
    }))
    .unwrap();
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Ok(instance),
        },
    );
    expect_step(&app, Step::Done);
    app
}

/// A screen, how to reach it, and the two keys that undo each other.
struct Case {
    name: &'static str,
    build: fn() -> App,
    keys: [KeyEvent; 2],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "Connection: type/erase a secret",
            build: connection,
            keys: [c('x'), k(KeyCode::Backspace)],
        },
        Case {
            name: "Element: down/up",
            build: element,
            keys: [k(KeyCode::Down), k(KeyCode::Up)],
        },
        Case {
            name: "Element: type/erase the filter",
            build: element,
            keys: [c('m'), k(KeyCode::Backspace)],
        },
        Case {
            name: "Configure: type/erase a URL",
            build: configure,
            keys: [c('x'), k(KeyCode::Backspace)],
        },
        Case {
            name: "Authorize: type/erase the pasted address",
            build: authorize,
            keys: [c('x'), k(KeyCode::Backspace)],
        },
        Case {
            name: "Review: body/curl",
            build: review,
            keys: [k(KeyCode::Tab), k(KeyCode::Tab)],
        },
        Case {
            name: "Done: open/cancel save",
            build: done,
            keys: [c('s'), k(KeyCode::Esc)],
        },
    ]
}

/// Applies both keys once and checks the screen is where it started, so a
/// case never measures a screen it has left.
fn check_round_trip(case: &Case) {
    let mut app = (case.build)();
    let before = app.step;
    for key in case.keys {
        press(&mut app, key);
    }
    assert_eq!(app.step, before, "{}: the keys left the screen", case.name);
}

fn bench_keys<B: Backend>(
    c: &mut Criterion,
    group_name: &str,
    terminal: impl Fn(u16, u16) -> Terminal<B>,
) {
    let mut group = c.benchmark_group(group_name);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(50);
    for case in cases() {
        check_round_trip(&case);
        for (w, h) in SIZES {
            let mut app = (case.build)();
            let mut term = terminal(w, h);
            frame(&mut term, &mut app);
            let mut n = 0usize;
            group.bench_function(BenchmarkId::new(case.name, format!("{w}x{h}")), |b| {
                b.iter(|| {
                    let key = case.keys[n % 2];
                    n += 1;
                    let effects = update(&mut app, Action::Key(key));
                    frame(&mut term, &mut app);
                    black_box(effects)
                })
            });
        }
    }
    // The spinner and the time left advance ten times a second while the
    // browser is out: a redraw that costs even when nobody types.
    for (w, h) in SIZES {
        let mut app = authorize();
        let mut term = terminal(w, h);
        frame(&mut term, &mut app);
        let start = Instant::now();
        let mut ticks = 0u64;
        group.bench_function(
            BenchmarkId::new("Authorize: tick (spinner, time left)", format!("{w}x{h}")),
            |b| {
                b.iter(|| {
                    ticks += 1;
                    // Within the first 10 s: the 5 minutes never run out.
                    let now = start + Duration::from_millis(100 * (ticks % 100));
                    update(&mut app, Action::Tick(now));
                    frame(&mut term, &mut app);
                })
            },
        );
    }
    group.finish();
}

fn test_backend(w: u16, h: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(w, h)).unwrap()
}

/// The crossterm backend as the wizard uses it, writing into a buffer that
/// is thrown away instead of the terminal. Its size is fixed, as the
/// terminal's is asked of the tty otherwise.
fn crossterm_backend(w: u16, h: u16) -> Terminal<CrosstermBackend<BufWriter<io::Sink>>> {
    Terminal::with_options(
        CrosstermBackend::new(BufWriter::new(io::sink())),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, h)),
        },
    )
    .unwrap()
}

fn keystrokes(c: &mut Criterion) {
    bench_keys(c, "keystroke (TestBackend)", test_backend);
    bench_keys(c, "keystroke (crossterm escapes)", crossterm_backend);
}

/// The in-process part of startup: the model built from the options (the
/// bundled specs parsed once per process, here already) and the first
/// whole frame, escapes included.
fn first_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("first frame");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(50);
    // What `catalog::bundled()` does once per process before the first
    // frame: every bundled spec file parsed and checked.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/elements");
    let files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    group.bench_function(format!("parse the {} bundled specs", files.len()), |b| {
        b.iter(|| {
            for (name, text) in &files {
                black_box(parse_spec(name, text).unwrap());
            }
        })
    });
    // `--sandbox` starts the platform's emulator before the first frame:
    // its catalog of a few hundred generated elements, and its threads.
    group.bench_function("Sandbox::start (--sandbox, before the first frame)", |b| {
        b.iter_with_large_drop(|| Sandbox::start(SandboxOptions::default()).unwrap())
    });
    for (w, h) in SIZES {
        group.bench_function(
            BenchmarkId::new("initial_app + first draw (Element)", format!("{w}x{h}")),
            |b| {
                b.iter(|| {
                    let mut app = element();
                    let mut term = crossterm_backend(w, h);
                    frame(&mut term, &mut app);
                    black_box(term)
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, keystrokes, first_frame);

/// One frame, as the run loop draws it: what it measured is kept.
fn frame<B: Backend>(term: &mut Terminal<B>, app: &mut App) {
    let mut drawn = Drawn::default();
    term.draw(|f| drawn = render(app, f)).unwrap();
    drawn.keep(app);
}

/// `screens --keystrokes CASE WxH N`: builds the screen, draws it, then
/// presses the case's keys N times (a frame each) and exits, so callgrind
/// can count instructions per keystroke without the machine's load in the
/// figure: (Ir(N) - Ir(0)) / N. `--list` names the cases.
fn keystrokes_only(args: &[String]) {
    let cases = cases();
    if args.first().map(String::as_str) == Some("--list") {
        for case in &cases {
            println!("{}", case.name);
        }
        return;
    }
    let [name, size, n] = args else {
        panic!("usage: screens --keystrokes CASE WxH N");
    };
    let case = cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name:?}; --list names them"));
    let (w, h) = size.split_once('x').expect("WxH");
    let (w, h): (u16, u16) = (w.parse().unwrap(), h.parse().unwrap());
    let n: usize = n.parse().unwrap();
    let mut app = (case.build)();
    let mut term = crossterm_backend(w, h);
    frame(&mut term, &mut app);
    for i in 0..n {
        black_box(update(&mut app, Action::Key(case.keys[i % 2])));
        frame(&mut term, &mut app);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--keystrokes") {
        keystrokes_only(&args[pos + 1..]);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
