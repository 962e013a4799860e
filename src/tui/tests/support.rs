//! Builders and key helpers shared by the wizard's tests.

use crate::api::Instance;
use crate::config::Environment;
use crate::oauth::{CallbackOutcome, ProviderGrant};
use crate::secret::Secret;
use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::{App, Settings};
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::theme::Theme;
use crate::tui::ui::render;
use crate::tui::update::{startup, update};
use crate::tui::{initial_app, WizardOptions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::Duration;

// ---- The screen as text -------------------------------------------------

/// The screen drawn at `w`x`h`, for a test that reads its cells (colour,
/// cursor) rather than its text.
pub fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            render(app, f);
        })
        .unwrap();
    terminal
}

/// The screen at `w`x`h` as text: one row a line, each in the quotes
/// `TestBackend` adds.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    terminal(app, w, h).backend().to_string()
}

/// The screen at `w`x`h` as plain rows, without the quotes.
pub fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    screen(app, w, h)
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

/// The screen's words, rows joined, so a wrapped sentence reads whole.
pub fn words(screen: &str) -> String {
    screen
        .replace('"', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Draws the screen and keeps what it measured (a list's page, a pane's
/// scroll), as the run loop does; returns it as `screen` does.
pub fn draw(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = Default::default();
    terminal.draw(|f| drawn = render(app, f)).unwrap();
    drawn.keep(app);
    terminal.backend().to_string()
}

// ---- Builders and keys ---------------------------------------------------

pub const USER: &str = "user-secret-AAAA1111";
pub const ORG: &str = "org-secret-BBBB2222";
pub const CALLBACK: &str = "http://127.0.0.1:48213/callback";

pub fn settings() -> Settings {
    Settings {
        callback_port: 48213,
        oauth_timeout: Duration::from_secs(300),
        no_browser: false,
        remote: false,
        name_stamp: "20250102-0304".into(),
        save_dir: PathBuf::new(),
        sandbox: false,
        config_path: Some(PathBuf::from("/home/ada/.config/ce-wizard/config.toml")),
        request_timeout: Duration::from_secs(60),
        // 2025-01-02 03:04:05 UTC, the moment of `name_stamp`.
        started: (
            std::time::UNIX_EPOCH + Duration::from_secs(1_735_787_045),
            std::time::Instant::now(),
        ),
        print_token: false,
    }
}

pub fn options(env: Option<Environment>, user: Option<&str>, org: Option<&str>) -> WizardOptions {
    WizardOptions {
        environment: env,
        user_secret: user.map(Secret::new),
        org_secret: org.map(Secret::new),
        sandbox: None,
        callback_port: 48213,
        oauth_timeout: Duration::from_secs(300),
        no_browser: false,
        element: None,
        request_timeout: Duration::from_secs(60),
        insecure_storage: false,
        profiles: Default::default(),
        instances: false,
        print_token: false,
    }
}

/// A wizard with a complete connection (so it opens on Element) whose
/// OAuth listener is bound.
pub fn connected() -> App {
    let mut app = initial_app(
        &options(Some(Environment::Production), Some(USER), Some(ORG)),
        settings(),
        Theme::plain(),
    );
    let effects = startup(&mut app);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::CheckCallbackPort { port: 48213 },
                Effect::LoadCachedCatalog { .. },
                Effect::RefreshCatalog { .. }
            ]
        ),
        "{effects:?}"
    );
    update(&mut app, Action::CallbackPortChecked(Ok(CALLBACK.into())));
    app
}

pub fn fresh() -> App {
    initial_app(&options(None, None, None), settings(), Theme::plain())
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let effects = update(
            app,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
        assert!(effects.is_empty(), "typing {c:?} caused {effects:?}");
    }
}

pub fn enter(app: &mut App) -> Vec<Effect> {
    key(app, KeyCode::Enter)
}

pub fn tab(app: &mut App) -> Vec<Effect> {
    key(app, KeyCode::Tab)
}

pub fn esc(app: &mut App) -> Vec<Effect> {
    key(app, KeyCode::Esc)
}

/// Filters the catalog and opens the element's form.
pub fn pick(app: &mut App, filter: &str, key_expected: &str) {
    type_text(app, filter);
    assert_eq!(
        app.highlighted().map(|s| s.key.as_str()),
        Some(key_expected)
    );
    assert!(enter(app).is_empty());
}

/// Types into the focused field and moves on with Enter.
pub fn fill(app: &mut App, value: &str) {
    type_text(app, value);
    let effects = enter(app);
    assert!(effects.is_empty(), "{effects:?}");
}

/// The platform's catalog (or why it could not be had) arrives for the
/// refresh `attempt`.
pub fn refreshed(
    app: &mut App,
    attempt: u64,
    result: Result<crate::catalog::Catalog, crate::tui::report::CatalogProblem>,
) {
    update(
        app,
        Action::CatalogRefreshed {
            attempt,
            base_url: crate::api::PRODUCTION_URL.into(),
            result: result.map(Box::new),
        },
    );
}

pub fn offline() -> crate::tui::report::CatalogProblem {
    crate::tui::report::CatalogProblem {
        offline: true,
        message: "could not reach the server: connection refused".into(),
    }
}

/// Infusionsoft's form filled and submitted: its authorization has
/// started. Returns that attempt.
pub fn infusionsoft_authorizing(app: &mut App) -> u64 {
    pick(app, "infus", "infusionsoftecommerce");
    fill(app, "id");
    fill(app, "secret");
    let effects = ctrl(app, 's');
    let [Effect::StartAuthorization { attempt, .. }] = effects.as_slice() else {
        panic!("no authorization started: {effects:?}")
    };
    *attempt
}

/// BigCommerce's form filled from the Element step (`password` its API
/// token) and sent; the platform answers with `created`, and Done opens.
pub fn bigcommerce_done(app: &mut App, password: &str, created: Instance) {
    pick(app, "big", "bigcommerce");
    fill(app, "https://store-a.mybigcommerce.com/api/v2/");
    fill(app, "u");
    fill(app, password);
    ctrl(app, 's');
    let (attempt, ..) = created_config(&enter(app));
    update(
        app,
        Action::Created {
            attempt,
            result: Ok(created),
        },
    );
    assert_eq!(app.step, crate::tui::app::Step::Done);
}

/// Ecwid's form filled and submitted: on Review, nothing sent yet.
pub fn ecwid_at_review() -> App {
    let mut app = connected();
    pick(&mut app, "ecwid", "ecwid");
    fill(&mut app, "1003");
    fill(&mut app, "order-key");
    type_text(&mut app, "product-key");
    ctrl(&mut app, 's');
    assert_eq!(app.step, crate::tui::app::Step::Review);
    app
}

/// Infusionsoft waiting for the browser: the sign-in link is fetched.
pub fn infusionsoft_waiting() -> (App, u64) {
    let mut app = connected();
    let attempt = infusionsoft_authorizing(&mut app);
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok("https://signin.example/a".into()),
        },
    );
    (app, attempt)
}

pub fn instance(id: i64, name: &str, key: &str, element_name: &str, token: &str) -> Instance {
    Instance::from_value(serde_json::json!({
        "id": id,
        "name": name,
        "token": token,
        "element": { "key": key, "name": element_name },
        "createdDate": "2025-01-02T03:04:05Z",
        "configuration": {},
    }))
    .unwrap()
}

pub fn report(status: u16, message: &str) -> ErrorReport {
    ErrorReport {
        status: Some(status),
        message: message.into(),
        request_id: Some("req-42".into()),
        provider_message: None,
        advice: "advice for the person".into(),
        missing_keys: vec![],
    }
}

/// What a Create effect would send, exposed for comparison: the attempt,
/// the configuration, tags, name and the OAuth code.
pub type Sent = (
    u64,
    Vec<(String, String)>,
    Vec<String>,
    String,
    Option<String>,
);

pub fn created_config(effects: &[Effect]) -> Sent {
    match effects {
        [Effect::Create { attempt, body, .. }] => (
            *attempt,
            body.configuration
                .iter()
                .map(|(k, v)| (k.clone(), v.expose().to_string()))
                .collect(),
            body.tags.clone(),
            body.name.clone(),
            body.provider_data
                .as_ref()
                .and_then(|p| p.get("code"))
                .map(|c| c.expose().to_string()),
        ),
        other => panic!("expected one Create effect, got {other:?}"),
    }
}

/// An OAuth 2 provider's approval.
pub fn code(value: &str) -> CallbackResult {
    CallbackResult::Answered(CallbackOutcome::Authorized(ProviderGrant {
        code: Some(Secret::new(value)),
        ..ProviderGrant::default()
    }))
}

/// An OAuth 1 provider's approval of request token `token`.
pub fn oauth1_answer(token: &str, verifier: &str) -> CallbackResult {
    CallbackResult::Answered(CallbackOutcome::Authorized(ProviderGrant {
        code: None,
        oauth_token: Some(token.to_string()),
        oauth_verifier: Some(Secret::new(verifier)),
        ..ProviderGrant::default()
    }))
}

/// The provider's refusal.
pub fn denied(error: &str, description: Option<&str>) -> CallbackResult {
    CallbackResult::Answered(CallbackOutcome::Denied {
        error: error.to_string(),
        description: description.map(str::to_string),
    })
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---- The live catalog --------------------------------------------------

use crate::api::ConfigEntry;
use crate::catalog::{spec_from_metadata, AuthKind, Catalog, CatalogEntry, ElementSpec};
use std::time::{SystemTime, UNIX_EPOCH};

/// 2025-01-02 03:04:05 UTC: when the test catalogs were fetched.
pub fn fetched_at() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_735_787_045)
}

pub fn entry(key: &str, name: &str, hub: &str, auth: AuthKind, beta: bool) -> CatalogEntry {
    CatalogEntry {
        key: key.into(),
        name: name.into(),
        hub: hub.into(),
        description: format!("{name}: a test element of the {hub} hub."),
        auth,
        beta,
        bundled: false,
    }
}

pub fn nimbusdesk() -> CatalogEntry {
    entry(
        "nimbusdesk",
        "Nimbus Desk",
        "helpdesk",
        AuthKind::Custom,
        false,
    )
}

pub fn kestrelsocial() -> CatalogEntry {
    entry(
        "kestrelsocial",
        "Kestrel Social",
        "social",
        AuthKind::Oauth1,
        true,
    )
}

pub fn auroracrm() -> CatalogEntry {
    entry("auroracrm", "Aurora CRM", "crm", AuthKind::Oauth2, false)
}

/// The platform's elements: the bundled five, three known ones, and
/// `extra` more made up, every seventh of them beta.
pub fn platform_elements(extra: usize) -> Vec<CatalogEntry> {
    let mut list: Vec<CatalogEntry> = crate::catalog::bundled()
        .iter()
        .map(|s| entry(&s.key, &s.name, &s.hub, s.auth, false))
        .collect();
    list.extend([nimbusdesk(), kestrelsocial(), auroracrm()]);
    for i in 0..extra {
        list.push(entry(
            &format!("generated{i:04}"),
            &format!("Generated {i:04}"),
            "general",
            AuthKind::Custom,
            i % 7 == 0,
        ));
    }
    list
}

pub fn live_catalog(extra: usize) -> Catalog {
    Catalog::live(
        crate::api::PRODUCTION_URL,
        fetched_at(),
        platform_elements(extra),
    )
}

fn metadata(v: serde_json::Value) -> Vec<ConfigEntry> {
    serde_json::from_value(v).unwrap()
}

/// Nimbus Desk's configuration as the platform describes it: every type,
/// a hidden entry that is required without a default, one switched off,
/// one internal, and display orders unlike the array's.
pub fn nimbus_metadata() -> Vec<ConfigEntry> {
    metadata(serde_json::json!([
        {"key": "nimbus.subdomain", "name": "Subdomain", "type": "TEXTFIELD_32", "required": true,
         "description": "The part before .nimbusdesk.example.com", "displayOrder": 2},
        {"key": "nimbus.api.key", "name": "API Key", "type": "PASSWORD", "required": true, "displayOrder": 3},
        {"key": "nimbus.region", "name": "Data Region", "type": "SELECTION", "required": true,
         "defaultValue": "us", "displayOrder": 4,
         "options": [{"value": "us", "label": "United States"}, {"value": "eu", "label": "Europe"},
                     {"value": "ap", "label": "Asia Pacific"}]},
        {"key": "nimbus.sandbox", "name": "Use the sandbox account", "type": "BOOLEAN",
         "defaultValue": "false", "displayOrder": 6},
        {"key": "nimbus.signature", "name": "Ticket Signature", "type": "TEXTAREA", "displayOrder": 7},
        {"key": "nimbus.agent.email", "name": "Agent Email", "type": "TEXTFIELD_128", "displayOrder": 5},
        {"key": "nimbus.portal.url", "name": "Help Portal URL", "type": "TEXTFIELD_1000"},
        {"key": "nimbus.page.size", "name": "Page Size", "type": "NUMBER", "defaultValue": "50"},
        {"key": "nimbus.account.id", "name": "Account ID", "type": "TEXTFIELD_64", "required": true,
         "hideFromConsole": true, "displayOrder": 1},
        {"key": "nimbus.legacy.mode", "name": "Legacy Mode", "type": "BOOLEAN", "active": false, "displayOrder": 8},
        {"key": "nimbus.internal.id", "name": "Internal ID", "type": "TEXTFIELD_32", "required": true,
         "internal": true, "displayOrder": 9},
        {"key": "event.notification.enabled", "name": "Enable Event Notifications", "type": "BOOLEAN",
         "defaultValue": "false"},
    ]))
}

/// Kestrel Social (OAuth 1), shaped like the platform's Twitter example.
pub fn kestrel_metadata() -> Vec<ConfigEntry> {
    metadata(serde_json::json!([
        {"key": "oauth.api.key", "name": "OAuth API Key", "type": "TEXTFIELD_128", "required": true,
         "hideFromConsole": true, "defaultValue": "API_KEY"},
        {"key": "oauth.api.secret", "name": "OAuth API Secret", "type": "TEXTFIELD_128", "required": true,
         "hideFromConsole": true, "defaultValue": "API_SECRET"},
        {"key": "oauth.callback.url", "name": "OAuth Callback URL", "type": "TEXTFIELD_1000",
         "required": true, "hideFromConsole": true, "defaultValue": "https://www.example.com/oauth"},
        {"key": "oauth.user.token", "name": "OAuth Access Token", "type": "TEXTFIELD_128", "internal": true},
        {"key": "kestrel.include.replies", "name": "Include Replies", "type": "BOOLEAN", "defaultValue": "true"},
    ]))
}

/// Aurora CRM (OAuth 2) with its own settings besides the app's.
pub fn aurora_metadata() -> Vec<ConfigEntry> {
    metadata(serde_json::json!([
        {"key": "oauth.api.key", "name": "OAuth API Key", "type": "TEXTFIELD_128", "required": true},
        {"key": "oauth.api.secret", "name": "OAuth API Secret", "type": "PASSWORD", "required": true},
        {"key": "oauth.callback.url", "name": "OAuth Callback URL", "type": "TEXTFIELD_1000", "required": true},
        {"key": "aurora.instance.url", "name": "Instance URL", "type": "TEXTFIELD_1000", "required": true},
        {"key": "aurora.edition", "name": "Edition", "type": "SELECTION",
         "options": ["team", "business", "enterprise"], "defaultValue": "business"},
    ]))
}

pub fn spec_of(entry: &CatalogEntry) -> ElementSpec {
    let metadata = match entry.key.as_str() {
        "nimbusdesk" => nimbus_metadata(),
        "kestrelsocial" => kestrel_metadata(),
        "auroracrm" => aurora_metadata(),
        other => panic!("no metadata for {other}"),
    };
    spec_from_metadata(entry, &metadata)
}

/// The attempt of the catalog refresh `startup` asked for.
pub fn startup_refresh(app: &App) -> u64 {
    app.catalog.refreshing.expect("a refresh is running")
}

/// `connected()`, with the platform's catalog (of `extra` made-up
/// elements besides the known ones) just fetched.
pub fn connected_live(extra: usize) -> App {
    let mut app = connected();
    let attempt = startup_refresh(&app);
    update(
        &mut app,
        Action::CatalogRefreshed {
            attempt,
            base_url: crate::api::PRODUCTION_URL.into(),
            result: Ok(Box::new(live_catalog(extra))),
        },
    );
    app
}

/// Picks a metadata element from the live list and answers its LoadSpec
/// with the spec built from its fixture metadata.
pub fn pick_metadata(app: &mut App, filter: &str, entry: &CatalogEntry) {
    type_text(app, filter);
    assert_eq!(
        app.highlighted().map(|e| e.key.as_str()),
        Some(entry.key.as_str())
    );
    let attempt = match enter(app).as_slice() {
        [Effect::LoadSpec {
            attempt,
            entry: asked,
            ..
        }] => {
            assert_eq!(asked, entry);
            *attempt
        }
        other => panic!("{other:?}"),
    };
    update(
        app,
        Action::SpecLoaded {
            attempt,
            result: Ok(Box::new(spec_of(entry))),
        },
    );
}

/// A wizard started with `--element KEY`.
pub fn with_element(key: &str, user: Option<&str>) -> App {
    let mut opts = options(
        Some(crate::config::Environment::Production),
        user,
        Some(ORG),
    );
    opts.element = Some(key.into());
    crate::tui::initial_app(&opts, settings(), crate::tui::theme::Theme::plain())
}
