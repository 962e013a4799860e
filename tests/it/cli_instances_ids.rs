//! `ce-wizard instances` never takes a name for an ID or an ID for a name:
//! digits that are one instance's ID and another's name are refused with
//! both (`--id` and `--name` choose), a new name of digits only is refused,
//! a delete is confirmed by the ID where the name cannot be typed, and
//! `update --set` checks a catalog element's values as `create` does. The
//! built binary against the sandbox on loopback.

use crate::common;

use ce_wizard::api::{Client, CreateInstance, Credentials, ElementRef};
use ce_wizard::sandbox::Sandbox;
use ce_wizard::secret::Secret;
use common::cli::*;
use serde_json::Value;
use std::collections::BTreeMap;

const INSTANCES: &str = "/elements/api-v2/instances";

/// An Ecwid instance made directly through the API, as the console or
/// another tool would: the platform takes any name.
fn seed(sb: &Sandbox, name: &str) -> i64 {
    let configuration: BTreeMap<String, Secret> = [
        ("ecwid.store.id", "1003"),
        ("ecwid.order.key", "ok"),
        ("ecwid.product.key", "pk"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), Secret::new(*v)))
    .collect();
    let body = CreateInstance {
        element: ElementRef {
            key: "ecwid".into(),
        },
        configuration,
        tags: vec![],
        name: name.into(),
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
    rt.block_on(client.create_instance(&body)).unwrap().id
}

fn instances(sb: &Sandbox, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(sb, dir.path());
    cmd.arg("instances").args(args);
    run(cmd, "")
}

fn stored(sb: &Sandbox, id: i64) -> Option<Value> {
    sb.instances()
        .into_iter()
        .find(|i| i["id"].as_i64() == Some(id))
}

/// An instance named "1000" and another whose ID is 1000: `delete 1000`
/// deletes neither and lists both with the flag that picks each; `--name`
/// and `--id` each delete the one they name.
#[test]
fn digits_that_are_an_id_and_a_name_are_refused_and_the_flags_choose() {
    let sb = sandbox();
    let by_id = seed(&sb, "first shop");
    assert_eq!(by_id, 1000, "the sandbox's first ID");
    let named = seed(&sb, "1000");
    let seeded = sb.requests().len();

    for args in [
        &["delete", "1000", "--yes"][..],
        &["show", "1000"],
        &["test", "1000"],
        &["reauth", "1000"],
    ] {
        let out = instances(&sb, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        for said in [
            "\"1000\" is the ID of one instance and the name of another; nothing was done",
            "--id 1000    instance 1000 \"first shop\", ecwid",
            &format!("--name 1000  instance {named} \"1000\", ecwid"),
        ] {
            assert!(out.stderr.contains(said), "{args:?}: {}", out.stderr);
        }
    }
    assert_eq!(sb.count("DELETE", &format!("{INSTANCES}/{by_id}")), 0);
    assert_eq!(sb.count("DELETE", &format!("{INSTANCES}/{named}")), 0);
    assert!(stored(&sb, by_id).is_some() && stored(&sb, named).is_some());
    assert!(
        !sb.requests()[seeded..].iter().any(|r| r.method != "GET"),
        "only reads were sent"
    );

    // `update` takes --name as the new name: there the named one is
    // chosen by its own ID, and the advice says so.
    let out = instances(&sb, &["update", "1000", "--tag", "x"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("--id {named}  instance {named} \"1000\"")),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("PATCH", &format!("{INSTANCES}/{by_id}")), 0);
    let out = instances(&sb, &["update", "--id", "1000", "--tag", "x"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(stored(&sb, by_id).unwrap()["tags"][0], "x");

    let out = instances(&sb, &["delete", "--name", "1000", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(stored(&sb, named).is_none(), "--name deletes the named one");
    assert!(stored(&sb, by_id).is_some());

    let again = seed(&sb, "1000");
    let out = instances(&sb, &["delete", "--id", "1000", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(stored(&sb, by_id).is_none(), "--id deletes instance 1000");
    assert!(stored(&sb, again).is_some());

    // Instance 1000 gone, "1000" is only a name: found by it.
    let out = instances(&sb, &["show", "1000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&format!("Instance {again} \"1000\"")));
    let out = instances(&sb, &["show", "--id", "1000"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no instance 1000 exists"),
        "{}",
        out.stderr
    );
}

/// "0042" is the name "0042" and the ID 42: with both, refused.
#[test]
fn digits_with_leading_zeros_are_looked_for_as_a_name_too() {
    let sb = sandbox();
    let id = seed(&sb, "plain");
    let padded = format!("0{id}");
    let named = seed(&sb, &padded);
    let out = instances(&sb, &["show", &padded]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("--id {id} "))
            && out.stderr.contains(&format!("--name {padded}")),
        "{}",
        out.stderr
    );
    let out = instances(&sb, &["show", "--name", &padded]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("Instance {named} ")),
        "{}",
        out.stdout
    );
    let out = instances(&sb, &["show", "--id", &padded]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("Instance {id} ")),
        "{}",
        out.stdout
    );
    // The flags are for one reading only, and --id takes digits.
    let out = instances(&sb, &["show", "--id", "--name", &padded]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = instances(&sb, &["show", "--id", "plain"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--id"), "{}", out.stderr);
}

/// `create --name 1000` and `update --name 1000` are refused, the reason
/// saying what to change, before anything is sent.
#[test]
fn a_new_name_of_digits_only_is_refused_with_what_to_change() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", "ecwid", "--name", "1000"])
        .args(["--set", "ecwid.store.id=1003"])
        .args(["--set", "ecwid.order.key=ok"])
        .args(["--set", "ecwid.product.key=pk"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "Instance name cannot be only digits: instance IDs are digits, and the name \"1000\" would be mistaken for one; add a word or a letter, e.g. \"shop 1000\" (--name)"
        ),
        "{}",
        out.stderr
    );
    assert!(sb.instances().is_empty(), "nothing was created");

    let id = seed(&sb, "shop");
    let out = instances(&sb, &["update", &id.to_string(), "--name", "0042"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot be only digits") && out.stderr.contains("nothing was sent"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("PATCH", &format!("{INSTANCES}/{id}")), 0);
    assert_eq!(stored(&sb, id).unwrap()["name"], "shop");
}
