//! The wizard's platform calls run for real, in-process: `update` drives
//! the steps, and the effects it asks for go through the wizard's own
//! effect runner and client to the built-in sandbox, whose answers come
//! back as the actions `update` reads. The platform shapes the evidence
//! settles (`tests/it/evidence/shapes.rs`) are met end to end here.

use super::support::*;
use crate::api::Credentials;
use crate::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions, SHOWCASE_CUSTOM};
use crate::tui::app::{App, CreatePhase, Step};
use crate::tui::effect::Platform;
use crate::tui::effect::{Effect, Runner};
use crate::tui::update::update;
use std::time::Duration;
use tokio::sync::mpsc;

/// Runs one platform effect against `sb` instead of the platform the test
/// app was connected to, and hands its action to `update`.
async fn run_on(sb: &Sandbox, app: &mut App, effect: Effect) {
    let effect = match effect {
        Effect::LoadSpec { attempt, entry, .. } => Effect::LoadSpec {
            attempt,
            platform: Platform {
                base_url: sb.base_url(),
                creds: Credentials::of_sandbox(sb),
            },
            entry,
        },
        Effect::Create {
            attempt,
            body,
            check,
            ..
        } => Effect::Create {
            attempt,
            platform: Platform {
                base_url: sb.base_url(),
                creds: Credentials::of_sandbox(sb),
            },
            body,
            check,
        },
        other => panic!("not a platform call this test runs: {other:?}"),
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = Runner::new(tx);
    runner.run(effect, &mut std::io::sink());
    let action = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("the call ends")
        .expect("an action");
    update(app, action);
    runner.shutdown().await;
}

/// An element with no bundled spec: its form is built from the object
/// `{"configuration": [...]}` the sandbox answers, as the platform does.
#[tokio::test]
async fn a_catalog_form_is_built_from_object_shaped_metadata() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let mut app = connected_live(0);
    assert_eq!(nimbusdesk().key, SHOWCASE_CUSTOM);
    type_text(&mut app, "nimbus desk");
    let mut effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::LoadSpec { .. }]),
        "{effects:?}"
    );
    let effect = effects.remove(0);
    run_on(&sb, &mut app, effect).await;
    assert_eq!(app.step, Step::Configure);
    let screen = screen(&app, 100, 30);
    assert!(screen.contains("Nimbus Desk: configuration"), "{screen}");
    assert!(screen.contains("Account ID"), "{screen}");
    assert_eq!(
        sb.count("GET", "/elements/api-v2/elements/nimbusdesk/configuration"),
        1
    );
}

/// A create whose answer is lost on an empty account: the check of the
/// list (a 404 "No instances found" there) finds nothing, so the wizard
/// says nothing was created, not that the outcome is unknown.
#[tokio::test]
async fn a_failed_create_on_an_empty_account_says_nothing_was_created() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::CloseMidResponse)
            .on("POST", "/instances")
            .times(1),
    ));
    let mut app = ecwid_at_review();
    let mut effects = enter(&mut app);
    assert!(
        matches!(effects.as_slice(), [Effect::Create { .. }]),
        "{effects:?}"
    );
    let effect = effects.remove(0);
    run_on(&sb, &mut app, effect).await;
    let phase = &app.creating.as_ref().expect("creating").phase;
    let CreatePhase::NothingCreated(report) = phase else {
        panic!("expected NothingCreated, got {phase:?}");
    };
    assert!(
        report.message.contains("nothing was created"),
        "{}",
        report.message
    );
    assert!(sb.instances().is_empty());
    assert_eq!(
        sb.count("GET", "/elements/api-v2/instances"),
        2,
        "the platform's search for the name, then the whole list, were checked"
    );
}
