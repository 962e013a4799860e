//! The Instances view's loading against a platform whose list never ends
//! or whose pages hold more than was asked for: the wizard's own effect
//! runner reads it, in process, and the loading stops with the list said
//! to be incomplete, never as a shorter list shown whole.

use crate::api::fake_platform::{FakePlatform, Reply, Seen};
use crate::api::{Credentials, NEXT_PAGE_HEADER};
use crate::tui::action::Action;
use crate::tui::app::{App, Step};
use crate::tui::effect::{Effect, Platform, Runner};
use crate::tui::tests::support::{connected, key, screen};
use crate::tui::update::update;
use crossterm::event::KeyCode;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::mpsc;

/// Every page holds `per_page` instances and points at a new one.
fn endless(per_page: usize) -> impl Fn(&Seen) -> Reply + Send + Sync {
    move |s: &Seen| {
        let n: usize = s
            .query("nextPage")
            .and_then(|c| c.strip_prefix("c-").and_then(|n| n.parse().ok()))
            .unwrap_or(1);
        let page: Vec<Value> = (0..per_page)
            .map(|k| {
                json!({"id": n * 1000 + k, "name": format!("shop {n}-{k}"), "token": "t",
                       "element": {"key": "ecwid", "hub": "ecommerce"}})
            })
            .collect();
        Reply::json(200, Value::Array(page)).header(NEXT_PAGE_HEADER, &format!("c-{}", n + 1))
    }
}

/// Opens the view and runs its listing against `fake` to the end.
async fn load(fake: &FakePlatform) -> App {
    let mut app = connected();
    let effects = key(&mut app, KeyCode::F(2));
    assert_eq!(app.step, Step::Instances);
    let [Effect::ListInstances { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let effect = Effect::ListInstances {
        attempt: *attempt,
        platform: Platform {
            base_url: fake.base_url(),
            creds: Credentials {
                user: "u".into(),
                org: "o".into(),
            },
        },
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = Runner::new(tx);
    runner.run(effect, &mut std::io::sink());
    loop {
        let action = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("the listing ends")
            .expect("an action");
        let done = matches!(action, Action::InstancesListed { .. });
        update(&mut app, action);
        if done {
            break;
        }
    }
    runner.shutdown().await;
    app
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_list_stops_loading_as_incomplete() {
    let fake = FakePlatform::start(endless(200));
    let app = load(&fake).await;
    let s = screen(&app, 120, 30);
    assert!(s.contains("not all: the listing failed"), "{s}");
    assert!(s.contains("incomplete"), "{s}");
    assert!(!s.contains("loading"), "{s}");
    assert_eq!(
        fake.seen_at("GET", "/instances").len(),
        51,
        "stopped at 10,000 instances"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_larger_than_asked_for_stops_loading_as_incomplete() {
    let fake = FakePlatform::start(endless(250));
    let app = load(&fake).await;
    let s = screen(&app, 120, 30);
    assert!(s.contains("not all: the listing failed"), "{s}");
    assert!(s.contains("250 instances where 200"), "{s}");
    assert!(
        s.contains("0 instances"),
        "nothing of the page is shown: {s}"
    );
}
