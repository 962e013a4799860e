//! Re-authorizing an instance, from the Instances view or from Done: the
//! app's key and secret (the platform never gives the secret back), then
//! the Authorize step's own attempt for the instance's element, then
//! `flow::reauth::reauthorize` with the grant and a check of the result,
//! which lands in whichever view shows the instance.

use super::Check;
use crate::api::Instance;
use crate::flow::check::Outcome;
use crate::flow::reauth::{self, APP_KEY, APP_SECRET, CALLBACK};
use crate::form::FormValues;
use crate::tui::action::Reauthorized;
use crate::tui::app::{App, Notice};
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::step::Step;
use crate::tui::steps::authorize::start::start_authorization;
use crate::tui::steps::authorize::{Grant, ReauthTarget};

/// The key the Instances view re-authorizes with, as its footer names it.
pub const VIEW_KEY: &str = "Ctrl-G";
/// The key Done re-authorizes with.
pub const DONE_KEY: &str = "r";

/// The app's key and secret this run already knows for the instance's
/// element: typed into its form, for the same app.
pub fn known_app(app: &App, i: &Instance, stored: &FormValues) -> (String, String) {
    let form = app.forms.get(&i.element_key).map(|f| f.values());
    // Shown in the prompt, and it came from the platform.
    let stored_key = crate::sanitize::line(stored.get(APP_KEY).trim());
    let stored_key = stored_key.as_str();
    match form {
        Some(f) if stored_key.is_empty() || f.get(APP_KEY).trim() == stored_key => (
            f.get(APP_KEY).trim().to_string(),
            f.get(APP_SECRET).to_string(),
        ),
        _ => (stored_key.to_string(), String::new()),
    }
}

/// `r` on Done, after its check found the new instance refused: the form
/// this run filled still holds the app's key and secret.
pub fn from_done(app: &mut App) -> Vec<Effect> {
    let Some(i) = app.done.as_ref().map(|d| d.instance.clone()) else {
        return vec![];
    };
    let auth = match reauth::oauth_kind(&i) {
        Ok(auth) => auth,
        Err(why) => {
            app.notice = Some(Notice::error(format!("Not re-authorized: {why}")));
            return vec![];
        }
    };
    let mut values = reauth::stored_values(&i);
    let (key, secret) = known_app(app, &i, &values);
    if key.is_empty() || secret.is_empty() {
        app.notice = Some(Notice::error(format!(
            "The app's secret is not known here any more: re-authorize with `ce-wizard instances reauth {}`",
            i.id
        )));
        return vec![];
    }
    values.set(APP_KEY, key);
    values.set(APP_SECRET, secret);
    begin(app, i, auth, values, Step::Done)
}

/// Opens the Authorize step on a new attempt for this instance.
pub fn begin(
    app: &mut App,
    instance: Instance,
    auth: crate::catalog::AuthKind,
    values: FormValues,
    back_to: Step,
) -> Vec<Effect> {
    app.notice = Some(Notice::info(format!(
        "Sign in again to re-authorize instance {} \"{}\"",
        instance.id, instance.name
    )));
    app.authorize.reauth = Some(ReauthTarget {
        instance,
        auth,
        values,
        back_to,
    });
    app.step = Step::Authorize;
    start_authorization(app)
}

/// The Authorize step got its grant: back where the person came from, and
/// the `PATCH` with it.
pub fn granted(app: &mut App, grant: Grant) -> Vec<Effect> {
    let Some(target) = app.authorize.reauth.take() else {
        return vec![];
    };
    let mut values = target.values;
    // The grant was issued for the listener's address: the instance must
    // name the same one.
    if let Some(url) = app.callback_url() {
        values.set(CALLBACK, url.to_string());
    }
    let body = reauth::body(&target.instance, &values, grant.provider_data());
    let id = target.instance.id;
    let attempt = app.new_attempt();
    app.step = target.back_to;
    match target.back_to {
        Step::Done => {
            if let Some(done) = app.done.as_mut().filter(|d| d.instance.id == id) {
                let before = done.check.take().map(Box::new);
                done.check = Some(Check::Reauthorizing { attempt, before });
            }
        }
        _ => {
            if let Some(view) = app.instances.as_mut() {
                let before = view.checks.remove(&id).map(Box::new);
                view.checks
                    .insert(id, Check::Reauthorizing { attempt, before });
            }
        }
    }
    app.notice = Some(Notice::info(format!(
        "Authorized. Re-authorizing instance {id}…"
    )));
    vec![Effect::ReauthorizeInstance {
        attempt,
        platform: app.platform(),
        id,
        body: Box::new(body),
    }]
}

fn waiting(check: Option<&Check>, attempt: u64) -> bool {
    matches!(check, Some(Check::Reauthorizing { attempt: a, .. }) if *a == attempt)
}

/// The `PATCH` answered: the instance as it is now and what checking it
/// found, or why it was not re-authorized.
pub fn reauthorized(
    app: &mut App,
    attempt: u64,
    id: i64,
    result: Result<Box<Reauthorized>, ErrorReport>,
) {
    let in_view = app
        .instances
        .as_ref()
        .is_some_and(|v| waiting(v.checks.get(&id), attempt));
    let on_done = app
        .done
        .as_ref()
        .is_some_and(|d| d.instance.id == id && waiting(d.check.as_ref(), attempt));
    if !in_view && !on_done {
        return;
    }
    let again = if on_done { DONE_KEY } else { VIEW_KEY };
    match result {
        Ok(r) => {
            let Reauthorized { instance, check } = *r;
            let check = match check {
                Ok(outcome) => Check::Found(outcome),
                Err(e) => Check::Failed(e.message),
            };
            app.notice = Some(match &check {
                Check::Found(o @ Outcome::Works { .. }) => {
                    Notice::success(format!("Re-authorized instance {id}; it {}", o.summary()))
                }
                Check::Found(o) => Notice::error(format!(
                    "Re-authorized instance {id}, but it is {}",
                    o.summary()
                )),
                _ => Notice::info(format!(
                    "Re-authorized instance {id}; it could not be checked"
                )),
            });
            for c in app.created.iter_mut().filter(|c| c.id == id) {
                *c = instance.clone();
            }
            if let Some(done) = app.done.as_mut().filter(|d| d.instance.id == id) {
                done.instance = instance.clone();
                if on_done {
                    done.check = Some(check.clone());
                }
                // A new token: the old one, copied or saved, no longer works.
                done.copied = false;
                done.saved_to = None;
            }
            if let Some(view) = app.instances.as_mut() {
                view.replace(instance);
                if in_view {
                    view.checks.insert(id, check);
                }
            }
        }
        Err(e) => {
            app.notice = Some(Notice::error(format!(
                "Instance {id} was not re-authorized: {}. A sign-in can be used only once: {again} signs in anew.",
                e.message
            )));
            let restore = |c: Option<Check>| match c {
                Some(Check::Reauthorizing { before, .. }) => before.map(|b| *b),
                other => other,
            };
            if on_done {
                if let Some(done) = app.done.as_mut() {
                    done.check = restore(done.check.take());
                }
            }
            if in_view {
                if let Some(view) = app.instances.as_mut() {
                    if let Some(before) = restore(view.checks.remove(&id)) {
                        view.checks.insert(id, before);
                    }
                }
            }
        }
    }
}
