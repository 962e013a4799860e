use super::*;
use crate::api::fake_platform::{api_path, FakePlatform, Reply, Seen};
use crate::api::RetryPolicy;
use serde_json::{json, Value};

const TOKEN: &str = "elem-token-Zq9";

fn instance(key: &str, hub: Option<&str>, valid: bool, disabled: bool) -> Value {
    let mut element = json!({"key": key});
    if let Some(h) = hub {
        element["hub"] = json!(h);
    }
    json!({"id": 7, "name": "shop", "token": TOKEN, "element": element,
           "valid": valid, "disabled": disabled})
}

/// The platform with instance 7 and a hub that answers `read(path)` to
/// calls made with the instance's token (and 401 to any other).
fn platform(inst: Value, read: impl Fn(&str) -> Reply + Send + Sync + 'static) -> FakePlatform {
    FakePlatform::start(move |s: &Seen| match api_path(s) {
        "/instances/7" => Reply::json(200, inst.clone()),
        "/instances/8" => Reply::json(404, json!({"message": "no"})),
        p if p.starts_with("/hubs/") => {
            let expected = format!("User u-secret, Organization o-secret, Element {TOKEN}");
            if s.authorization.as_deref() == Some(expected.as_str()) {
                read(p)
            } else {
                Reply::json(401, json!({"message": "wrong header"}))
            }
        }
        _ => Reply::json(404, json!({"message": "unknown"})),
    })
}

async fn check(fake: &FakePlatform) -> Result<Checked, ApiError> {
    check_instance(&fake.client().with_retry(RetryPolicy::none()), 7).await
}

/// varunpal72/churros:src/test/elements/ecwid/ping.js: the platform's
/// health check, `GET /hubs/ecommerce/ping`, answers 200.
#[tokio::test]
async fn a_working_instance_answers_its_ping() {
    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), |_| {
        Reply::json(200, json!({}))
    });
    let checked = check(&fake).await.unwrap();
    assert_eq!(
        checked.outcome,
        Outcome::Works {
            read: "GET /hubs/ecommerce/ping".into()
        }
    );
    assert!(!checked.outcome.is_failure());
    assert_eq!(fake.seen_at("GET", "/hubs/ecommerce/ping").len(), 1);
    assert!(fake.seen_at("GET", "/hubs/ecommerce/orders").is_empty());
}

#[tokio::test]
async fn an_element_without_a_ping_is_checked_with_its_one_row_read() {
    for absent in [404, 405] {
        let fake = platform(
            instance("woocommerce", Some("ecommerce"), true, false),
            move |p| {
                if p.ends_with("/ping") {
                    Reply::json(absent, json!({"message": "No endpoint"}))
                } else {
                    Reply::json(200, json!([]))
                }
            },
        );
        let checked = check(&fake).await.unwrap();
        assert_eq!(
            checked.outcome,
            Outcome::Works {
                read: "GET /hubs/ecommerce/orders?pageSize=1".into()
            }
        );
        assert_eq!(fake.seen_at("GET", "/hubs/ecommerce/ping").len(), 1);
        let reads = fake.seen_at("GET", "/hubs/ecommerce/orders");
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].query("pageSize").as_deref(), Some("1"));
    }
    // A refused ping is the answer: no read after it.
    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), |p| {
        if p.ends_with("/ping") {
            Reply::json(401, json!({"message": "no", "providerMessage": "revoked"}))
        } else {
            Reply::json(200, json!([]))
        }
    });
    assert!(check(&fake).await.unwrap().outcome.is_failure());
    assert!(fake.seen_at("GET", "/hubs/ecommerce/orders").is_empty());
}

#[tokio::test]
async fn a_refusal_is_broken_with_the_providers_words_and_the_fix() {
    let refusal = |_: &str| {
        Reply::json(
            401,
            json!({"message": "Unauthorized", "providerMessage": "token revoked", "requestId": "r1"}),
        )
    };
    let fake = platform(
        instance("infusionsoftecommerce", Some("ecommerce"), true, false),
        refusal,
    );
    let Outcome::Broken {
        provider_message,
        request_id,
        remedy,
        ..
    } = check(&fake).await.unwrap().outcome
    else {
        panic!("expected broken");
    };
    assert_eq!(provider_message.as_deref(), Some("token revoked"));
    assert_eq!(request_id.as_deref(), Some("r1"));
    assert_eq!(
        remedy,
        Remedy::Reauthorize,
        "an OAuth element signs in again"
    );

    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), refusal);
    let outcome = check(&fake).await.unwrap().outcome;
    assert!(
        matches!(
            outcome,
            Outcome::Broken {
                remedy: Remedy::Update,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert!(outcome.is_failure());
    assert!(outcome
        .summary()
        .contains("the provider said: token revoked"));
}

#[tokio::test]
async fn the_element_token_never_reaches_a_message() {
    // A platform that echoes the header it got, in every field it has.
    let fake = FakePlatform::start(|s: &Seen| match api_path(s) {
        "/instances/7" => Reply::json(200, instance("ecwid", Some("ecommerce"), true, false)),
        _ => {
            let echo = s.authorization.clone().unwrap_or_default();
            Reply::json(
                403,
                json!({"message": format!("bad {echo}"), "providerMessage": format!("no {echo}")}),
            )
        }
    });
    let outcome = check(&fake).await.unwrap().outcome;
    let everything = format!("{outcome:?} {}", outcome.summary());
    assert!(everything.contains(REDACTED), "{everything}");
    assert!(!everything.contains(TOKEN), "{everything}");
}

#[tokio::test]
async fn a_disabled_instance_is_not_read_through() {
    let fake = platform(instance("ecwid", Some("ecommerce"), true, true), |_| {
        Reply::json(200, json!([]))
    });
    let outcome = check(&fake).await.unwrap().outcome;
    assert_eq!(outcome, Outcome::Disabled);
    assert!(outcome.is_failure());
    assert!(fake.seen().iter().all(|s| !s.path().contains("/hubs/")));
}

#[tokio::test]
async fn an_instance_marked_invalid_is_broken_whatever_the_read_says() {
    let fake = platform(instance("ecwid", Some("ecommerce"), false, false), |_| {
        Reply::json(401, json!({"message": "no", "providerMessage": "expired"}))
    });
    let outcome = check(&fake).await.unwrap().outcome;
    let Outcome::Broken {
        problem,
        provider_message,
        ..
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert!(problem.contains("invalid"), "{problem}");
    assert_eq!(provider_message.as_deref(), Some("expired"));
    let fake = platform(instance("ecwid", Some("ecommerce"), false, false), |_| {
        Reply::json(200, json!([]))
    });
    assert!(check(&fake).await.unwrap().outcome.is_failure());
}

/// Any hub: varunpal72/churros pings elements of every hub, e.g.
/// src/test/elements/quickbooks/ping.js (finance) and twitter/ping.js
/// (social).
#[tokio::test]
async fn catalog_elements_of_any_hub_are_pinged_or_say_why_not() {
    let fake = platform(instance("hubspotcrm", Some("crm"), true, false), |_| {
        Reply::json(200, json!({}))
    });
    assert_eq!(
        check(&fake).await.unwrap().outcome,
        Outcome::Works {
            read: "GET /hubs/crm/ping".into()
        }
    );

    let fake = platform(instance("shopify", Some("ecommerce"), true, false), |p| {
        if p.ends_with("/ping") {
            Reply::json(404, json!({"message": "No endpoint"}))
        } else {
            Reply::json(200, json!([]))
        }
    });
    assert!(matches!(
        check(&fake).await.unwrap().outcome,
        Outcome::Works { .. }
    ));

    let fake = platform(instance("hubspotcrm", Some("crm"), true, false), |_| {
        Reply::json(404, json!({"message": "No endpoint"}))
    });
    let Outcome::NotChecked { reason } = check(&fake).await.unwrap().outcome else {
        panic!("expected not checked");
    };
    assert!(reason.contains("no health check"), "{reason}");
    assert!(reason.contains("GET /hubs/crm/ping"), "{reason}");
    assert!(reason.contains("crm hub"), "{reason}");
    assert_eq!(fake.seen_at("GET", "/hubs/crm/ping").len(), 1);
    assert_eq!(
        fake.seen()
            .iter()
            .filter(|s| s.path().contains("/hubs/"))
            .count(),
        1,
        "nothing else was tried"
    );

    // A hub name that cannot be one path segment is not sent.
    let fake = platform(instance("odd", Some("../instances"), true, false), |_| {
        Reply::json(200, json!({}))
    });
    assert!(matches!(
        check(&fake).await.unwrap().outcome,
        Outcome::NotChecked { .. }
    ));
    assert!(fake.seen().iter().all(|s| !s.path().contains("/hubs/")));

    let fake = platform(instance("mystery", None, true, false), |_| {
        Reply::json(200, json!([]))
    });
    let Outcome::NotChecked { reason } = check(&fake).await.unwrap().outcome else {
        panic!("expected not checked");
    };
    assert!(reason.contains("hub"), "{reason}");
}

#[tokio::test]
async fn answers_that_say_nothing_of_the_instance_are_not_outcomes() {
    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), |_| {
        Reply::json(404, json!({"message": "no such resource"}))
    });
    let outcome = check(&fake).await.unwrap().outcome;
    assert!(matches!(outcome, Outcome::NotChecked { .. }), "{outcome:?}");

    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), |_| {
        Reply::json(503, json!({"message": "busy"}))
    });
    assert_eq!(check(&fake).await.unwrap_err().status(), Some(503));

    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), |_| {
        Reply::json(
            502,
            json!({"message": "bad", "providerMessage": "store is down"}),
        )
    });
    assert!(check(&fake).await.unwrap().outcome.is_failure());

    let fake = platform(instance("ecwid", Some("ecommerce"), true, false), |_| {
        Reply::json(200, json!([]))
    });
    let e = check_instance(&fake.client(), 8).await.unwrap_err();
    assert!(matches!(e, ApiError::NoSuchInstance { id: 8, .. }), "{e:?}");
}

#[test]
fn check_reads_are_plain_paths() {
    let r = CheckRead::parse("/hubs/ecommerce/orders?pageSize=1").unwrap();
    assert_eq!(r.path, "/hubs/ecommerce/orders");
    assert_eq!(r.query, [("pageSize".to_string(), "1".to_string())]);
    assert_eq!(r.shown(), "GET /hubs/ecommerce/orders?pageSize=1");
    for bad in [
        "hubs/x",
        "//evil.example/x",
        "/hubs/../instances",
        "/hubs/x y",
        "/a\u{1b}[31m",
        "/x#frag",
        "/x?u=http://a",
    ] {
        if bad == "/x?u=http://a" {
            assert!(
                CheckRead::parse(bad).is_ok(),
                "a URL as a query value is data"
            );
            continue;
        }
        assert!(CheckRead::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn every_bundled_element_names_a_check_read_that_parses() {
    for spec in crate::catalog::bundled() {
        let text = spec
            .check_read
            .as_deref()
            .unwrap_or_else(|| panic!("{} names no check_read", spec.key));
        assert!(CheckRead::parse(text).is_ok(), "{}: {text}", spec.key);
        assert!(check_read_for(Some(spec), None).is_ok());
    }
}
