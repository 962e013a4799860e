//! Starting an OAuth attempt: where the Authorize step begins, from
//! whichever step leads to it.

use crate::flow::oauth::OAuthApp;
use crate::oauth::Purpose;
use crate::tui::app::{App, AuthPhase, ListenerStatus};
use crate::tui::effect::Effect;

pub fn start_authorization(app: &mut App) -> Vec<Effect> {
    app.authorize.paste_focused = false;
    app.authorize.link_printed = false;
    let callback_url = match &app.listener {
        ListenerStatus::Ready { callback_url } => callback_url.clone(),
        ListenerStatus::Binding => {
            app.authorize.phase = AuthPhase::Idle;
            return vec![];
        }
        ListenerStatus::NotBound | ListenerStatus::Failed { .. } => {
            app.listener = ListenerStatus::Binding;
            app.authorize.phase = AuthPhase::Idle;
            return vec![Effect::CheckCallbackPort {
                port: app.settings.callback_port,
            }];
        }
    };
    let purpose = match &app.authorize.reauth {
        Some(_) => Purpose::Reauthorize,
        None => Purpose::Create,
    };
    let (app_keys, element_key, auth) = match &app.authorize.reauth {
        Some(t) => (
            // A bundled spec names the element's parameters; the stored
            // settings hold their values.
            match crate::catalog::bundled_spec(&t.instance.element_key) {
                Some(spec) => OAuthApp::for_element(spec, &t.values),
                None => OAuthApp::from_values(&t.values),
            },
            t.instance.element_key.clone(),
            t.auth,
        ),
        None => {
            let (Some(form), Some(spec), Some(auth)) = (app.form(), app.spec(), app.auth_kind())
            else {
                return vec![];
            };
            (
                OAuthApp::for_element(spec, &form.values()),
                form.element_key.clone(),
                auth,
            )
        }
    };
    let attempt = app.new_attempt();
    app.authorize.attempt = attempt;
    app.authorize.phase = AuthPhase::FetchingUrl;
    app.authorize.request_token = None;
    vec![Effect::StartAuthorization {
        attempt,
        platform: app.platform(),
        element_key,
        auth,
        app: app_keys,
        callback_url,
        purpose,
    }]
}
