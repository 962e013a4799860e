//! The Done screen's check against the sandbox, in process: a BigCommerce
//! instance is created and checked with the effects carried out by the
//! same calls the runner makes. The check is the platform's health check,
//! `GET /hubs/{hub}/ping` through the new instance
//! (varunpal72/churros:src/test/elements/bigcommerce/ping.js).

use crate::api::Client;
use crate::sandbox::Sandbox;
use crate::tui::action::Action;
use crate::tui::app::Step;
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::tests::support::*;
use crate::tui::update::update;

#[tokio::test(flavor = "multi_thread")]
async fn done_checks_the_new_instance_with_its_ping_on_the_sandbox() {
    let sb = Sandbox::start(Default::default()).unwrap();
    let client = Client::of_sandbox(&sb);
    let mut app = connected();
    pick(&mut app, "bigc", "bigcommerce");
    fill(&mut app, "https://store-abc123.mybigcommerce.com/api/v2/");
    fill(&mut app, "integration");
    fill(&mut app, "api-token-123");
    // From the Advanced fold: the name as it is, no tags, then Review.
    assert!(tab(&mut app).is_empty());
    assert!(enter(&mut app).is_empty());
    assert!(enter(&mut app).is_empty());
    assert_eq!(app.step, Step::Review);
    let effects = enter(&mut app);
    let [Effect::Create { attempt, body, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let created = client.create_instance(body).await.unwrap();
    let id = created.id;
    let effects = update(
        &mut app,
        Action::Created {
            attempt: *attempt,
            result: Ok(created),
        },
    );
    assert_eq!(app.step, Step::Done);
    let [Effect::CheckInstance {
        attempt,
        id: checked,
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(*checked, id);
    // As the runner does it.
    let result = crate::flow::check::check_instance(&client, id)
        .await
        .map(|c| c.outcome)
        .map_err(|e| ErrorReport::from(&e));
    update(
        &mut app,
        Action::InstanceChecked {
            attempt: *attempt,
            id,
            result,
        },
    );
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("✓ works: the provider answered GET /hubs/ecommerce/ping"),
        "{s}"
    );
    assert_eq!(sb.count("GET", "/elements/api-v2/hubs/ecommerce/ping"), 1);
    assert_eq!(sb.count("GET", "/elements/api-v2/hubs/ecommerce/orders"), 0);
}
