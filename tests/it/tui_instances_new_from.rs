//! "New from this" on an instance of a catalog element, end to end: the
//! built binary in a real pseudo-terminal against the sandbox. The
//! element (Nimbus Desk) is none of the bundled ones and `ce-wizard
//! instances` reads no catalog, so the form is fetched from the Instances
//! view: once refused (the error in place, the list as it was), then, on
//! Enter, loaded and filled from the instance but for its secret; the
//! create makes a second instance with the same settings.
//!
//! Every key waits for the screen state it acts on.

use crate::common;

use ce_wizard::api::{Client, CreateInstance, Credentials, ElementRef};
use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions, SHOWCASE_CUSTOM};
use ce_wizard::secret::Secret;
use common::pty::keys;
use common::wizard::{form_value, quit_keeping_nothing, token_on_done, Home, Wizard};
use serde_json::Value;
use std::collections::BTreeMap;

const NAME: &str = "Acme help desk";
const SECRET: &str = "nimbus-first-key";
const CONFIGURATION: &str = "/elements/api-v2/elements/nimbusdesk/configuration";

/// The instance to copy, made through the API as another tool would, with
/// every setting a person gives Nimbus Desk.
fn seed(sb: &Sandbox) -> Value {
    let configuration: BTreeMap<String, Secret> = [
        ("nimbus.account.id", "4711"),
        ("nimbus.subdomain", "acme"),
        ("nimbus.api.key", SECRET),
        ("nimbus.region", "eu"),
        ("nimbus.sandbox", "false"),
        ("nimbus.agent.email", "agent@acme.example"),
        ("nimbus.portal.url", "https://help.acme.example"),
        ("nimbus.page.size", "50"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), Secret::new(*v)))
    .collect();
    let body = CreateInstance {
        element: ElementRef {
            key: SHOWCASE_CUSTOM.into(),
        },
        configuration,
        tags: vec!["support".into(), "eu".into()],
        name: NAME.into(),
        provider_data: None,
        verbatim: Default::default(),
    };
    let client = Client::new(
        &sb.base_url(),
        Credentials {
            user: sb.user_secret().into(),
            org: sb.org_secret().into(),
        },
    )
    .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(client.create_instance(&body)).unwrap().id;
    sb.instances()
        .into_iter()
        .find(|i| i["id"].as_i64() == Some(id))
        .expect("the seeded instance")
}

#[test]
fn new_from_an_instance_of_a_catalog_element_fetches_its_form_and_creates_a_second() {
    let sb = Sandbox::start(SandboxOptions {
        instances: 3,
        ..Default::default()
    })
    .expect("sandbox starts");
    let model = seed(&sb);
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .arg("instances")
        .size(120, 40)
        .spawn();
    pty.wait_for("4 instances");
    pty.type_text("help desk");
    pty.wait_until("the instance alone under the filter", |s| {
        s.contains("1 of 4 instances") && s.contains(&format!("› {NAME}"))
    });
    pty.wait_for("Ctrl-B new from this");

    // The platform refuses the metadata once: said in place, the list kept.
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::Status(403))
            .on("GET", CONFIGURATION)
            .times(1),
    ));
    pty.send(&keys::ctrl('b'));
    let s = pty.wait_until("the failure said in place", |s| {
        s.contains("Nimbus Desk's form could not be loaded")
            && s.contains("Enter tries again; Esc cancels.")
    });
    assert!(
        s.contains("1 of 4 instances") && s.contains(&format!("› {NAME}")),
        "the list and filter as they were: {s}"
    );
    assert_eq!(sb.count("GET", CONFIGURATION), 1);

    pty.wait_for("Enter try again");
    pty.send(keys::ENTER);
    // The form and its notice come in one frame, but a frame can be read
    // half written (the form's rows over the list's footer): waiting for
    // both reads the whole of it.
    let form = pty.wait_until("the form and its notice", |s| {
        s.contains("Nimbus Desk: configuration")
            && s.contains("Instance name")
            && s.contains("secrets left empty")
    });
    assert_eq!(sb.count("GET", CONFIGURATION), 2, "asked once more");
    assert_eq!(form_value(&form, "Account ID").as_deref(), Some("4711"));
    assert_eq!(form_value(&form, "Subdomain").as_deref(), Some("acme"));
    assert!(form.contains("‹ eu ›"), "the stored region: {form}");
    assert_eq!(
        form_value(&form, "Agent Email").as_deref(),
        Some("agent@acme.example")
    );
    assert_eq!(
        form_value(&form, "Help Portal URL").as_deref(),
        Some("https://help.acme.example")
    );
    assert!(!form.contains(SECRET), "the secret is not copied: {form}");
    let name = form_value(&form, "Instance name").expect("a name on the form");
    assert!(name.starts_with("nimbusdesk-"), "a fresh name: {name}");

    // The secret is the one thing left to give.
    pty.send(&keys::ctrl('s'));
    pty.wait_for("› API Key");
    pty.type_text("nimbus-second-key");
    pty.wait_until("the key typed, masked", |s| {
        form_value(s, "API Key").is_some_and(|v| v.starts_with("••••"))
    });
    pty.send(&keys::ctrl('s'));
    let review = pty.wait_for("Review: a new Nimbus Desk instance");
    assert!(!review.contains("nimbus-second-key"), "{review}");
    pty.send(keys::ENTER);
    let token = token_on_done(&pty);

    assert_eq!(sb.instances().len(), 5);
    let made = sb
        .instances()
        .into_iter()
        .find(|i| i["token"] == token.as_str())
        .expect("the new instance");
    assert_eq!(made["name"], name.as_str());
    assert_eq!(made["element"]["key"], SHOWCASE_CUSTOM);
    assert_eq!(made["tags"], model["tags"], "the tags come along");
    let (was, is) = (
        model["configuration"].as_object().unwrap(),
        made["configuration"].as_object().unwrap(),
    );
    for (key, value) in was.iter().filter(|(k, _)| *k != "nimbus.api.key") {
        assert_eq!(is.get(key), Some(value), "{key}: {is:?}");
    }
    assert_eq!(is["nimbus.api.key"], "nimbus-second-key");
    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.finish(), 0);
}
