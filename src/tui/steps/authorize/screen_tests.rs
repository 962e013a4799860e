//! The Authorize step's screens, OAuth 2 and OAuth 1, waiting and failed,
//! drawn at 80x24 and, where it shows more, 120x40.

use crate::tui::action::{Action, CallbackResult};
use crate::tui::app::{AuthPhase, AuthProblem};
use crate::tui::clock::Moves;
use crate::tui::effect::Effect;
use crate::tui::report::{BrowserFailure, ListenerProblem};
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

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
    snap_narrow!("authorize_fetching", &app);
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
    snap!("authorize_waiting", &app);
    key(&mut app, KeyCode::Char('?'));
    snap!("authorize_help", &app);
    esc(&mut app);
    update(
        &mut app,
        Action::Paste("http://127.0.0.1:48213/callback?code=abc&state=wrong".into()),
    );
    snap!("authorize_pasting", &app);
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
    snap!("authorize_paste_rejected", &app);

    let (mut app, attempt) = authorizing();
    app.settings.no_browser = true;
    update(
        &mut app,
        Action::AuthUrlFetched {
            attempt,
            result: Ok(auth_url()),
        },
    );
    snap!("authorize_no_browser", &app);

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
    snap!("authorize_browser_failed", &app);
    app.authorize.phase = AuthPhase::Failed(AuthProblem::TimedOut);
    snap_narrow!("authorize_timed_out", &app);
    app.authorize.phase = AuthPhase::Failed(AuthProblem::Denied {
        error: "access_denied".into(),
        description: Some("The user denied the request".into()),
    });
    snap_narrow!("authorize_denied", &app);
    app.authorize.phase =
        AuthPhase::Failed(AuthProblem::Listener(ListenerProblem::PortInUse(48213)));
    snap_narrow!("authorize_port_in_use", &app);
    app.authorize.phase = AuthPhase::Failed(AuthProblem::UrlFailed(report(
        404,
        "No element found with key infusionsoftecommerce",
    )));
    snap_narrow!("authorize_url_failed", &app);

    let mut app = at_review("infusionsoftecommerce");
    let (create, ..) = created_config(&enter(&mut app));
    update(
        &mut app,
        Action::Created {
            attempt: create,
            result: Err(server_error()),
        },
    );
    snap_narrow!("authorize_create_failed", &app);
}

#[test]
fn oauth1_authorize_screens() {
    let mut app = connected_live(0);
    pick_metadata(&mut app, "kestrel", &kestrelsocial());
    snap!("configure_kestrelsocial_empty", &app);
    fill(&mut app, "kestrel-app-key");
    fill(&mut app, "kestrel-app-secret");
    let [Effect::StartAuthorization { attempt, .. }] = ctrl(&mut app, 's')[..] else {
        panic!()
    };
    snap_narrow!("authorize_oauth1_request_token", &app);
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
    snap!("authorize_oauth1_waiting", &app);
    // A new attempt; the old one's port is let go (`Cancel`).
    let effects = key(&mut app, KeyCode::Char('r'));
    let Some(&Effect::StartAuthorization { attempt, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::StartAuthorization { .. }))
    else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Action::RequestTokenIssued {
            attempt,
            result: Err(server_error()),
        },
    );
    snap_narrow!("authorize_oauth1_token_failed", &app);
}
