//! An instance named by its name is found by the platform's search
//! (`searchText` on `GET /instances`) before the whole list is read: on a
//! 10,000-instance account `show NAME` is two round trips, and a create
//! whose answer was lost is found with one. The search is only trusted for
//! candidates: a loose match is never taken for the name, and a platform
//! that ignores the parameter, or whose search misses the name, still
//! finds it in the whole list. The built binary against the sandbox, and
//! against fake platforms on loopback.
//!
//! Evidence: `searchText` and `tags[]` are parameters of `GET /instances` in
//! the platform's swagger (`cloud-elements/ce-sdkifier:src/core/platformSDK.ts`);
//! `varunpal72/churros:src/test/platform/elements/instances.js` ("should
//! support search tags") sends `tags[]`. Neither says how loose
//! `searchText` is, hence an exact match on the client and the fallback.

use crate::common;
use crate::hostile;

use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox};
use common::cli::{client, ecwid_body, instances, made_through_api, seeded};
use serde_json::{json, Value};

const INSTANCES: &str = "/elements/api-v2/instances";

/// Instances with these names, made through the API as another tool would.
fn seed(sb: &Sandbox, names: &[&str]) -> Vec<i64> {
    names.iter().map(|n| made_through_api(sb, n)).collect()
}

/// Every request the sandbox answered, as `METHOD path?searchText=…`.
fn calls(sb: &Sandbox, from: usize) -> Vec<String> {
    sb.requests()[from..]
        .iter()
        .map(|r| {
            let search = r
                .query
                .iter()
                .find(|(k, _)| k == "searchText")
                .map(|(_, v)| format!("?searchText={v}"))
                .unwrap_or_default();
            format!("{} {}{search}", r.method, r.path)
        })
        .collect()
}

#[test]
fn show_by_name_on_ten_thousand_instances_is_two_round_trips() {
    let sb = seeded(10_000);
    let out = instances(&sb, &["show", "Magento store 09999"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Magento store 09999"), "{}", out.stdout);
    assert!(out.stdout.contains("10998"), "its ID: {}", out.stdout);
    assert_eq!(
        calls(&sb, 0),
        [
            format!("GET {INSTANCES}?searchText=Magento store 09999"),
            format!("GET {INSTANCES}/10998"),
        ],
        "the search, then the instance; never the 50 pages of the list"
    );

    // `test NAME` finds it the same way, then checks it through its token.
    let before = sb.requests().len();
    let out = instances(&sb, &["test", "Ecwid store 00042"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let made = calls(&sb, before);
    assert_eq!(
        made[0],
        format!("GET {INSTANCES}?searchText=Ecwid store 00042")
    );
    assert_eq!(made[1], format!("GET {INSTANCES}/1041"));
    assert!(made.len() <= 3, "{made:?}");
}

/// The search is loose (any case, any part of the name): only the exact
/// name counts, and a name the search finds only loosely is no name.
#[test]
fn a_loose_match_of_the_search_is_never_taken_for_the_name() {
    let sb = common::cli::sandbox();
    let ids = seed(&sb, &["Shop", "shop 2", "my shop", "shop"]);

    let before = sb.requests().len();
    let out = instances(&sb, &["show", "shop"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("{}", ids[3])),
        "the one named exactly \"shop\": {}",
        out.stdout
    );
    assert_eq!(
        calls(&sb, before),
        [
            format!("GET {INSTANCES}?searchText=shop"),
            format!("GET {INSTANCES}/{}", ids[3]),
        ]
    );

    // "sho" finds all four loosely, none exactly: not found, and the close
    // names are offered from the whole list.
    let before = sb.requests().len();
    let out = instances(&sb, &["show", "sho"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no instance is named \"sho\""),
        "{}",
        out.stderr
    );
    assert_eq!(
        calls(&sb, before),
        [
            format!("GET {INSTANCES}?searchText=sho"),
            format!("GET {INSTANCES}"),
        ],
        "the search found no exact name, so the whole list settled it"
    );
    // Deleting by a loose name deletes nothing.
    let out = instances(&sb, &["delete", "SHOP 2", "--yes"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(sb.instances().len(), 4);
}

/// Three pages of 200 instances named "shop N", the last one "far shop",
/// from a platform that answers `search` for a `searchText` (or the whole
/// list when it ignores the parameter).
fn platform(
    search: impl Fn(&str) -> Option<Vec<Value>> + Send + Sync + 'static,
) -> hostile::Server {
    let all: Vec<Value> = (0..600)
        .map(|k| {
            let name = if k == 599 {
                "far shop".to_string()
            } else {
                format!("shop {k}")
            };
            json!({
                "id": 5000 + k, "name": name, "token": format!("tok-{k}"),
                "element": {"key": "ecwid", "hub": "ecommerce"},
                "createdDate": "2020-01-01T00:00:00Z", "valid": true, "disabled": false,
                "configuration": {},
            })
        })
        .collect();
    hostile::Server::start(move |r| {
        if r.path == format!("{}/instances/5599", hostile::API) {
            return hostile::Reply::Json(200, all[599].to_string());
        }
        if r.path != format!("{}/instances", hostile::API) {
            return hostile::Reply::Json(404, r#"{"message":"No such thing"}"#.into());
        }
        let text = r
            .query
            .split('&')
            .find_map(|p| p.strip_prefix("searchText="))
            .map(|t| t.replace('+', " ").replace("%20", " "));
        let rows = match text.as_deref().and_then(&search) {
            Some(rows) => rows,
            None => all.clone(),
        };
        let page: usize = r
            .query
            .split('&')
            .find_map(|p| p.strip_prefix("nextPage=p"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let chunk: Vec<Value> = rows.iter().skip(page * 200).take(200).cloned().collect();
        if chunk.is_empty() {
            return hostile::Reply::Json(
                404,
                r#"{"message":"No instances found","requestId":"r1"}"#.into(),
            );
        }
        let more = rows.len() > (page + 1) * 200;
        let headers = match more {
            true => vec![(
                "elements-next-page-token",
                format!("p{}", page + 1).into_bytes(),
            )],
            false => vec![],
        };
        hostile::Reply::Page(Value::Array(chunk).to_string(), headers)
    })
}

fn show_far_shop(server: &hostile::Server) -> hostile::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = hostile::command(&server.base_url(), dir.path());
    cmd.args(["instances", "show", "far shop"]);
    hostile::run(cmd)
}

fn searches(server: &hostile::Server) -> Vec<bool> {
    server
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path.ends_with("/instances"))
        .map(|r| r.query.contains("searchText="))
        .collect()
}

/// A platform (or proxy) that ignores `searchText` answers the whole list:
/// its pages are read to the name, once.
#[test]
fn a_platform_that_ignores_the_search_still_finds_the_name() {
    let server = platform(|_| None);
    let out = show_far_shop(&server);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("5599"), "{}", out.stdout);
    assert_eq!(searches(&server), [true, true, true], "three pages, once");
}

/// A platform whose search misses the name (it splits names its own way,
/// or answers nothing): the whole list is read and the name found there.
#[test]
fn a_search_that_misses_the_name_falls_back_to_the_whole_list() {
    for answer in [
        vec![],
        vec![json!({"id": 1, "name": "far shopping", "token": "t", "element": {"key": "ecwid"}})],
    ] {
        let server = platform(move |_| Some(answer.clone()));
        let out = show_far_shop(&server);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("5599"), "{}", out.stdout);
        assert_eq!(searches(&server), [true, false, false, false]);
    }
}

/// A create whose answer was lost on a 10,000-instance account is found by
/// the search for its name: one listing call, not fifty.
#[test]
fn a_lost_create_is_found_by_the_search_in_one_call() {
    let sb = seeded(10_000);
    sb.set_faults(Faults::one(
        Fault::new(FaultKind::DropAfterHandling)
            .on("POST", "/instances")
            .times(1),
    ));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let outcome = rt
        .block_on(client(&sb).create_instance_safely(&ecwid_body("found again")))
        .unwrap();
    assert!(outcome.recovered_from().is_some());
    assert_eq!(outcome.instance().name, "found again");
    assert_eq!(sb.count("POST", INSTANCES), 1, "created once");
    assert_eq!(
        calls(&sb, 1),
        [format!("GET {INSTANCES}?searchText=found again")]
    );
}
