//! F7 and F8 on the Instances view against the sandbox (latency,
//! instances invalid and disabled), through the wizard's own effect
//! runner: every instance shown is checked, rows and header follow each
//! end, Esc stops what has not ended, and the filter then finds the broken
//! ones; an instance is turned on and off, and its row and the notice say
//! so.

use crate::api::Credentials;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::tui::action::Action;
use crate::tui::app::{App, Step};
use crate::tui::effect::{Effect, Platform, Runner};
use crate::tui::tests::support::{connected, esc, key, screen, type_text};
use crate::tui::update::update;
use crossterm::event::KeyCode;
use std::time::Duration;
use tokio::sync::mpsc;

/// The effect, sent to the sandbox instead of the app's platform.
fn on(sb: &Sandbox, effect: Effect) -> Effect {
    let platform = Platform {
        base_url: sb.base_url(),
        creds: Credentials {
            user: sb.user_secret().into(),
            org: sb.org_secret().into(),
        },
    };
    match effect {
        Effect::ListInstances { attempt, .. } => Effect::ListInstances { attempt, platform },
        Effect::CheckMany { attempt, batch, .. } => Effect::CheckMany {
            attempt,
            platform,
            batch,
        },
        other => other,
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Action>) -> Action {
    tokio::time::timeout(Duration::from_secs(60), rx.recv())
        .await
        .expect("an action in time")
        .expect("an action")
}

async fn listed(
    sb: &Sandbox,
    runner: &mut Runner,
    rx: &mut mpsc::UnboundedReceiver<Action>,
) -> App {
    let mut app = connected();
    let effects = key(&mut app, KeyCode::F(2));
    assert_eq!(app.step, Step::Instances);
    for e in effects {
        runner.run(on(sb, e), &mut std::io::sink());
    }
    loop {
        let action = next(rx).await;
        let done = matches!(action, Action::InstancesListed { .. });
        update(&mut app, action);
        if done {
            return app;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn f7_checks_every_instance_shown_live_and_esc_stops_it() {
    let sb = Sandbox::start(SandboxOptions {
        instances: 60,
        latency: Duration::from_millis(30),
        workers: 16,
        ..SandboxOptions::default()
    })
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = Runner::new(tx);
    let mut app = listed(&sb, &mut runner, &mut rx).await;
    assert!(screen(&app, 120, 30).contains("60 instances"));

    // Every instance shown: the filter's 12 Infusionsoft ones.
    type_text(&mut app, "infusionsoft");
    let effects = key(&mut app, KeyCode::F(7));
    let [Effect::CheckMany { batch, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(batch.len(), 12);
    let s = screen(&app, 120, 30);
    assert!(s.contains("checking 0/12"), "{s}");
    for e in effects {
        runner.run(on(&sb, e), &mut std::io::sink());
    }
    let mut ended = 0;
    while ended < 12 {
        let action = next(&mut rx).await;
        ended += usize::from(matches!(action, Action::InstanceChecked { .. }));
        update(&mut app, action);
        if ended == 3 {
            let s = screen(&app, 120, 30);
            assert!(s.contains("checking 3/12"), "{s}");
        }
    }
    let s = screen(&app, 120, 30);
    assert!(!s.contains("checking"), "{s}");
    // Seeded: the third instance of every 25 is invalid, an Infusionsoft one.
    assert!(s.contains("Checked 12: 3 broken or disabled"), "{s}");

    // Narrowed to the broken ones by typing the status word.
    esc(&mut app);
    type_text(&mut app, "infusionsoft broken");
    let view = app.instances.as_ref().unwrap();
    assert_eq!(view.matches().len(), 3, "{}", screen(&app, 120, 30));

    // All 60, stopped with Esc after a few: the rest are not checked,
    // and what still comes back changes nothing.
    esc(&mut app);
    let effects = key(&mut app, KeyCode::F(7));
    let [Effect::CheckMany { attempt, batch, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let attempt = *attempt;
    assert_eq!(batch.len(), 60);
    for e in effects {
        runner.run(on(&sb, e), &mut std::io::sink());
    }
    let mut ended = 0;
    while ended < 5 {
        let action = next(&mut rx).await;
        ended += usize::from(matches!(action, Action::InstanceChecked { .. }));
        update(&mut app, action);
    }
    let effects = esc(&mut app);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Cancel { attempt: a } if *a == attempt)),
        "{effects:?}"
    );
    for e in effects {
        runner.run(e, &mut std::io::sink());
    }
    let s = screen(&app, 120, 30);
    assert!(s.contains("Stopped: 5 of 60 checked"), "{s}");
    assert!(!s.contains("checking"), "{s}");
    assert_eq!(app.step, Step::Instances, "Esc stopped, it did not leave");
    let before = app.instances.as_ref().unwrap().checks.clone();
    while let Ok(Some(action)) = tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
        update(&mut app, action);
    }
    assert_eq!(app.instances.as_ref().unwrap().checks, before);
    runner.shutdown().await;
}

/// Runs `effects` on the sandbox and feeds back actions until `until`.
async fn settle(
    sb: &Sandbox,
    app: &mut App,
    runner: &mut Runner,
    rx: &mut mpsc::UnboundedReceiver<Action>,
    effects: Vec<Effect>,
    until: impl Fn(&Action) -> bool,
) {
    for e in effects {
        let e = match e {
            Effect::SwitchInstance {
                attempt, id, on, ..
            } => Effect::SwitchInstance {
                attempt,
                platform: Platform {
                    base_url: sb.base_url(),
                    creds: Credentials {
                        user: sb.user_secret().into(),
                        org: sb.org_secret().into(),
                    },
                },
                id,
                on,
            },
            other => on(sb, other),
        };
        runner.run(e, &mut std::io::sink());
    }
    loop {
        let action = next(rx).await;
        let done = until(&action);
        update(app, action);
        if done {
            return;
        }
    }
}

fn stored_disabled(sb: &Sandbox, name: &str) -> bool {
    sb.instances()
        .into_iter()
        .find(|i| i["name"] == name)
        .map(|i| i["disabled"] == true)
        .unwrap()
}

/// F8 turns the selected instance on, then off again: the key says which
/// it will do, the platform is switched, the row shows the instance as the
/// platform now has it, and the notice says what that means for calls.
#[tokio::test(flavor = "multi_thread")]
async fn f8_enables_and_disables_the_selected_instance_and_says_what_it_did() {
    let sb = Sandbox::start(SandboxOptions {
        instances: 10,
        ..SandboxOptions::default()
    })
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = Runner::new(tx);
    let mut app = listed(&sb, &mut runner, &mut rx).await;
    // Seeded disabled.
    let name = "WooCommerce store 00005";
    assert!(stored_disabled(&sb, name));
    type_text(&mut app, "00005");
    let named = |app: &App| {
        crate::tui::steps::screen(app.step)
            .bindings(app)
            .into_iter()
            .find(|b| b.command == Some(crate::tui::keymap::Command::SwitchInstance))
            .map(|b| b.description.to_string())
            .unwrap()
    };
    assert_eq!(named(&app), "enable the instance");
    let s = screen(&app, 120, 30);
    assert!(s.contains("disabled"), "{s}");

    let effects = key(&mut app, KeyCode::F(8));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::SwitchInstance { on: true, .. }]
        ),
        "{effects:?}"
    );
    settle(&sb, &mut app, &mut runner, &mut rx, effects, |a| {
        matches!(a, Action::InstanceSwitched { .. })
    })
    .await;
    assert!(!stored_disabled(&sb, name));
    let s = screen(&app, 120, 30);
    assert!(
        s.contains("Enabled instance") && s.contains("calls go through it again"),
        "{s}"
    );
    assert_eq!(named(&app), "disable the instance");

    let effects = key(&mut app, KeyCode::F(8));
    settle(&sb, &mut app, &mut runner, &mut rx, effects, |a| {
        matches!(a, Action::InstanceSwitched { .. })
    })
    .await;
    assert!(stored_disabled(&sb, name));
    let s = screen(&app, 120, 30);
    assert!(
        s.contains("Disabled instance") && s.contains("refused (403)"),
        "{s}"
    );
    assert_eq!(named(&app), "enable the instance");

    // A check of it now says so.
    let effects = key(&mut app, KeyCode::F(7));
    settle(&sb, &mut app, &mut runner, &mut rx, effects, |a| {
        matches!(a, Action::InstanceChecked { .. })
    })
    .await;
    let s = screen(&app, 120, 30);
    assert!(s.contains("Checked 1: 1 broken or disabled"), "{s}");
    runner.shutdown().await;
}
