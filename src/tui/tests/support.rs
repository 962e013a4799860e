//! Builders and key helpers shared by the wizard's tests.

use crate::api::Instance;
use crate::config::Environment;
use crate::secret::Secret;
use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::{App, ErrorReport, Settings};
use crate::tui::effect::Effect;
use crate::tui::theme::Theme;
use crate::tui::update::{startup, update};
use crate::tui::{initial_app, WizardOptions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use std::time::Duration;

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
        matches!(effects.as_slice(), [Effect::BindListener { port: 48213 }]),
        "{effects:?}"
    );
    update(&mut app, Action::ListenerBound(Ok(CALLBACK.into())));
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

pub fn code(value: &str) -> CallbackResult {
    CallbackResult::Code(Secret::new(value))
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
