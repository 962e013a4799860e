//! The Instances view's re-authorize prompt: Ctrl-G asks for the app's
//! key and secret, Enter hands them to [`instance_ops::reauth`], which
//! signs in and sends the grant.

use crate::flow::reauth::{self, APP_KEY, APP_SECRET};
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;
use crate::tui::instance_ops::reauth::{begin, known_app};
use crate::tui::step::Step;
use crate::tui::steps::instances::ReauthPrompt;
use crate::tui::widgets::TextField;

/// Ctrl-G in the list: asks for the app's key and secret, or says why the
/// instance cannot be signed in again.
pub fn ask(app: &mut App) {
    let Some(i) = super::selected_instance(app) else {
        return;
    };
    let auth = match reauth::oauth_kind(&i) {
        Ok(auth) => auth,
        Err(why) => {
            app.notice = Some(Notice::error(format!(
                "{why} (F4 here edits name and tags)"
            )));
            return;
        }
    };
    let typed = app
        .instances
        .as_ref()
        .and_then(|v| v.typed_app.as_ref())
        .filter(|t| t.id == i.id)
        .map(|t| (t.key.clone(), t.secret.expose().to_string()));
    let (key, secret) = typed.unwrap_or_else(|| known_app(app, &i, &reauth::stored_values(&i)));
    let on_secret = !key.is_empty();
    if let Some(view) = app.instances.as_mut() {
        view.reauth = Some(ReauthPrompt {
            instance: i,
            auth,
            key: TextField::new(&key),
            secret: TextField::new(&secret),
            on_secret,
        });
    }
    app.notice = None;
}

/// Enter in the prompt: the next field, or the sign-in once both are there.
pub fn confirm(app: &mut App) -> Vec<Effect> {
    let Some(p) = app.instances.as_mut().and_then(|v| v.reauth.as_mut()) else {
        return vec![];
    };
    if !p.on_secret && !p.key.value().trim().is_empty() {
        p.on_secret = true;
        return vec![];
    }
    let (key, secret) = (
        p.key.value().trim().to_string(),
        p.secret.value().to_string(),
    );
    if key.is_empty() || secret.trim().is_empty() {
        p.on_secret = !key.is_empty();
        app.notice = Some(Notice::error(
            "Signing in again needs the app's key and secret, as registered at the provider",
        ));
        return vec![];
    }
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    let Some(p) = view.reauth.take() else {
        return vec![];
    };
    // Kept for a sign-in given up with Esc, or refused.
    view.typed_app = Some(p.typed());
    crate::log::add_secret(&secret);
    let mut values = reauth::stored_values(&p.instance);
    values.set(APP_KEY, key);
    values.set(APP_SECRET, secret);
    begin(app, p.instance, p.auth, values, Step::Instances)
}
