//! F7 on the Instances view against the sandbox (latency, instances
//! invalid and disabled), through the wizard's own effect runner: every
//! instance shown is checked, rows and header follow each end, Esc stops
//! what has not ended, and the filter then finds the broken ones.

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
