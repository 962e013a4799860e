//! `ce-wizard instances` never takes a name for an ID or an ID for a name:
//! digits that are one instance's ID and another's name are refused with
//! both (`--id` and `--name` choose), a new name of digits only is refused,
//! a delete is confirmed by the ID where the name cannot be typed, and
//! `update --set` checks a catalog element's values as `create` does. The
//! built binary against the sandbox on loopback.

use crate::common;

use ce_wizard::sandbox::Sandbox;
use common::cli::*;
use serde_json::Value;

const INSTANCES: &str = "/elements/api-v2/instances";

/// An instance named "1000" and another whose ID is 1000: `delete 1000`
/// deletes neither and lists both with the flag that picks each; `--name`
/// and `--id` each delete the one they name.
#[test]
fn digits_that_are_an_id_and_a_name_are_refused_and_the_flags_choose() {
    let sb = sandbox();
    let by_id = made_through_api(&sb, "first shop");
    assert_eq!(by_id, 1000, "the sandbox's first ID");
    let named = made_through_api(&sb, "1000");
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

    let again = made_through_api(&sb, "1000");
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
    let id = made_through_api(&sb, "plain");
    let padded = format!("0{id}");
    let named = made_through_api(&sb, &padded);
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

    let id = made_through_api(&sb, "shop");
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

/// An instance of a catalog element (no bundled spec), its required
/// entries filled from the element's metadata, made through the API.
fn seed_catalog(sb: &Sandbox, key: &str) -> i64 {
    let auth = format!(
        "User {}, Organization {}",
        sb.user_secret(),
        sb.org_secret()
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let metadata: Value = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/elements/{key}/configuration", sb.base_url()))
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let entries = metadata.get("configuration").cloned().unwrap_or(metadata);
    let configuration: serde_json::Map<String, Value> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["required"] == true && e["internal"] != true)
        .filter_map(|e| e["key"].as_str())
        .map(|k| (k.to_string(), Value::from("us")))
        .collect();
    let made: Value = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/instances", sb.base_url()))
            .header("Authorization", &auth)
            .json(&serde_json::json!({"element": {"key": key}, "name": "desk",
                "configuration": configuration}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    made["id"].as_i64().unwrap_or_else(|| panic!("{made}"))
}

/// `update --set` on a catalog element checks what it sends against the
/// form `create` builds from the platform's metadata: control characters,
/// a boolean or choice out of range and an unknown key are refused and
/// nothing is sent; several lines pass where the field takes them. Where
/// the form cannot be read, control characters are still refused.
#[test]
fn update_set_checks_a_catalog_elements_values_as_create_does() {
    use ce_wizard::sandbox::{Fault, FaultKind, Faults, SHOWCASE_CUSTOM};
    let sb = sandbox();
    let id = seed_catalog(&sb, SHOWCASE_CUSTOM);
    let path = format!("{INSTANCES}/{id}");
    let before = stored(&sb, id).unwrap()["configuration"].clone();
    for (set, said) in [
        (
            "nimbus.subdomain=acme\u{1b}]0;owned\u{7}",
            "contains control characters",
        ),
        ("nimbus.subdomain=ac\u{200B}me", "invisible formatting"),
        ("nimbus.sandbox=maybe", "must be true or false"),
        ("nimbus.region=mars", "must be one of"),
        ("nimbus.subdomian=acme", "is not a setting of"),
    ] {
        let out = instances(&sb, &["update", &id.to_string(), "--set", set]);
        assert_eq!(out.code, 2, "{set:?}: {}", out.stderr);
        assert!(out.stderr.contains(said), "{set:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("othing was sent"),
            "{set:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}'), "not echoed raw");
    }
    assert_eq!(sb.count("PATCH", &path), 0);
    assert_eq!(stored(&sb, id).unwrap()["configuration"], before);

    let out = instances(
        &sb,
        &[
            "update",
            &id.to_string(),
            "--set",
            "nimbus.signature=Kind regards,\nthe desk",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        stored(&sb, id).unwrap()["configuration"]["nimbus.signature"],
        "Kind regards,\nthe desk"
    );

    // The metadata unreadable: the kinds cannot be checked, control
    // characters still are, and the note says so.
    sb.set_faults(Faults::one(Fault::new(FaultKind::Status(500)).on(
        "GET",
        &format!("/elements/api-v2/elements/{SHOWCASE_CUSTOM}/configuration"),
    )));
    let patches = sb.count("PATCH", &path);
    let out = instances(
        &sb,
        &[
            "update",
            &id.to_string(),
            "--set",
            "nimbus.subdomain=a\u{9b}2Jb",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("control or invisible characters"),
        "{}",
        out.stderr
    );
    assert_eq!(sb.count("PATCH", &path), patches);
    let out = instances(
        &sb,
        &["update", &id.to_string(), "--set", "nimbus.subdomain=acme"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("checked for control characters only"),
        "{}",
        out.stderr
    );
}

/// On a terminal, a name that cannot be typed (a space at its end, or
/// nothing left once cleaned) is confirmed by the ID, as the prompt says;
/// Enter with nothing typed keeps it, and so does the name typed.
#[test]
fn delete_on_a_terminal_asks_for_the_id_when_the_name_cannot_be_typed() {
    use common::pty::keys::ENTER;
    use common::wizard::{Home, Wizard};
    let sb = sandbox();
    let home = Home::new();
    for name in ["old shop ", "\u{7}\u{1b}"] {
        let id = made_through_api(&sb, name);
        let ask = format!("so type its ID, {id}, to delete it, or press Enter to keep it:");
        let mut pty = Wizard::new(&sb, &home)
            .args(&["instances", "delete", &id.to_string()])
            .spawn();
        pty.wait_for(&ask);
        pty.send(ENTER);
        assert_eq!(pty.wait_exit(), 130, "{name:?}: {}", pty.screen());
        assert!(
            stored(&sb, id).is_some(),
            "{name:?}: nothing typed keeps it"
        );

        let mut pty = Wizard::new(&sb, &home)
            .args(&["instances", "delete", &id.to_string()])
            .spawn();
        pty.wait_for(&ask);
        pty.type_text("old shop");
        pty.send(ENTER);
        pty.wait_for(&format!("That is not its ID: type {id} exactly."));
        assert!(
            stored(&sb, id).is_some(),
            "{name:?}: the name typed keeps it"
        );
        pty.type_text(&id.to_string());
        pty.send(ENTER);
        assert_eq!(pty.wait_exit(), 0, "{name:?}: {}", pty.screen());
        assert!(stored(&sb, id).is_none(), "{name:?}: the ID deletes it");
    }
}
