use super::*;
use crate::api::fake_platform::{api_path, FakePlatform, Reply, Seen};
use crate::api::{CreateInstance, ElementRef, RetryPolicy};
use serde_json::json;
use std::time::SystemTime;

fn instance(id: i64, name: &str, key: &str, created: &str) -> Value {
    json!({"id": id, "name": name, "token": format!("token-{id}"),
           "element": {"key": key, "hub": "ecommerce"}, "createdDate": created,
           "valid": true, "disabled": false, "tags": []})
}

fn account(n: i64) -> Vec<Value> {
    (1..=n)
        .map(|i| instance(i, &format!("shop {i}"), "ecwid", "2020-01-01T00:00:00Z"))
        .collect()
}

/// `GET /instances` as the platform pages it: opaque cursors, at most
/// `pageSize` a page; page `fail_on` (1-based) answers 500 instead.
fn pages(all: Vec<Value>, fail_on: Option<usize>) -> impl Fn(&Seen) -> Reply + Send + Sync {
    move |s: &Seen| {
        let size: usize = s
            .query("pageSize")
            .and_then(|p| p.parse().ok())
            .unwrap_or(200);
        let page: usize = match s.query("nextPage") {
            None => 1,
            Some(c) => c.strip_prefix("opaque-").unwrap().parse().unwrap(),
        };
        if fail_on == Some(page) {
            return Reply::json(500, json!({"message": "page failed", "requestId": "r-500"}));
        }
        let start = (page - 1) * size;
        let chunk: Vec<Value> = all.iter().skip(start).take(size).cloned().collect();
        let reply = Reply::json(200, Value::Array(chunk));
        if start + size < all.len() {
            reply.header(NEXT_PAGE_HEADER, &format!("opaque-{}", page + 1))
        } else {
            reply
        }
    }
}

#[tokio::test]
async fn every_page_is_read_and_handed_over_as_it_arrives() {
    let fake = FakePlatform::start(pages(account(450), None));
    let mut seen_pages = vec![];
    let listed = fake
        .client()
        .for_each_instance_page(Paging::default(), |p| {
            seen_pages.push((p.number, p.instances.len(), p.last));
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(
        seen_pages,
        vec![(1, 200, false), (2, 200, false), (3, 50, true)]
    );
    assert_eq!(
        listed,
        Listed {
            pages: 3,
            instances: 450,
            complete: true
        }
    );
    let gets = fake.seen_at("GET", "/instances");
    assert_eq!(gets.len(), 3);
    assert!(gets
        .iter()
        .all(|g| g.query("pageSize").as_deref() == Some("200")));
    assert_eq!(gets[0].query("nextPage"), None);
    assert_eq!(gets[1].query("nextPage").as_deref(), Some("opaque-2"));
    assert_eq!(gets[2].query("nextPage").as_deref(), Some("opaque-3"));
    let all = fake.client().list_instances().await.unwrap();
    assert_eq!(all.len(), 450);
    assert_eq!(all[449].id, 450);
}

#[tokio::test]
async fn a_caller_may_stop_after_any_page() {
    let fake = FakePlatform::start(pages(account(450), None));
    let listed = fake
        .client()
        .for_each_instance_page(Paging::default(), |_| ControlFlow::Break(()))
        .await
        .unwrap();
    assert_eq!(
        (listed.pages, listed.instances, listed.complete),
        (1, 200, false)
    );
    assert_eq!(fake.seen_at("GET", "/instances").len(), 1);
}

#[tokio::test]
async fn a_failure_after_the_first_page_says_the_list_is_incomplete() {
    let fake = FakePlatform::start(pages(account(450), Some(2)));
    let e = fake.client().list_instances().await.unwrap_err();
    let ApiError::ListIncomplete {
        page,
        listed,
        cause,
    } = &e
    else {
        panic!("expected ListIncomplete, got {e:?}");
    };
    assert_eq!((*page, *listed), (2, 200));
    assert_eq!(cause.status(), Some(500));
    assert_eq!(e.request_id(), Some("r-500"));
    assert!(e.to_string().contains("the list is incomplete"), "{e}");
    // A failing first page is the plain error, as every other read.
    let fake = FakePlatform::start(pages(account(450), Some(1)));
    let e = fake.client().list_instances().await.unwrap_err();
    assert!(matches!(e, ApiError::Status { status: 500, .. }), "{e:?}");
}

#[tokio::test]
async fn pages_that_never_end_are_cut_off_with_a_clear_message() {
    // Every page points at a new one.
    let fake = FakePlatform::start(|s: &Seen| {
        let n: usize = s
            .query("nextPage")
            .map(|c| c.strip_prefix("opaque-").unwrap().parse().unwrap())
            .unwrap_or(1);
        Reply::json(200, json!([instance(n as i64, "x", "ecwid", "")]))
            .header(NEXT_PAGE_HEADER, &format!("opaque-{}", n + 1))
    });
    let paging = Paging {
        max_pages: 5,
        ..Paging::default()
    };
    let e = fake.client().list_instances_with(paging).await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::TooManyPages {
                pages: 5,
                listed: 5,
                repeated: false
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("did not end after 5 pages"), "{e}");
    assert_eq!(fake.seen_at("GET", "/instances").len(), 5);

    // A cursor handed out twice would loop forever.
    let fake = FakePlatform::start(|_: &Seen| {
        Reply::json(200, json!([])).header(NEXT_PAGE_HEADER, "same")
    });
    let e = fake.client().list_instances().await.unwrap_err();
    assert!(
        matches!(e, ApiError::TooManyPages { repeated: true, .. }),
        "{e:?}"
    );
    assert_eq!(fake.seen_at("GET", "/instances").len(), 2);
}

/// A create whose answer is lost (504) though the platform made it: the
/// new instance is the `position`-th of the account's list.
fn lost_create(existing: i64, position: Option<usize>, fail_on: Option<usize>) -> FakePlatform {
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let mut all = account(existing);
    if let Some(p) = position {
        all.insert(p, instance(9999, "new shop", "ecwid", &now));
    }
    let list = pages(all, fail_on);
    FakePlatform::start(move |s: &Seen| {
        if s.method == "POST" {
            Reply::json(504, json!({"message": "gateway timeout"}))
        } else {
            list(s)
        }
    })
}

fn create_body() -> CreateInstance {
    CreateInstance {
        element: ElementRef {
            key: "ecwid".into(),
        },
        configuration: BTreeMap::new(),
        tags: vec![],
        name: "new shop".into(),
        provider_data: None,
        verbatim: Default::default(),
    }
}

#[tokio::test]
async fn recovery_finds_the_instance_on_page_three() {
    let fake = lost_create(449, Some(420), None);
    let client = fake.client().with_retry(RetryPolicy::none());
    let outcome = client.create_instance_safely(&create_body()).await.unwrap();
    assert_eq!(outcome.instance().id, 9999);
    assert!(outcome.recovered_from().is_some());
    assert_eq!(
        fake.seen_at("GET", "/instances").len(),
        3,
        "all three pages"
    );
    assert_eq!(fake.seen_at("POST", "/instances").len(), 1, "created once");
}

#[tokio::test]
async fn nothing_created_is_said_only_after_every_page() {
    let fake = lost_create(450, None, None);
    let client = fake.client().with_retry(RetryPolicy::none());
    let e = client
        .create_instance_safely(&create_body())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NothingCreated { .. }), "{e:?}");
    assert!(e.is_retryable());
    // This platform ignores `searchText`: the search read every page, and
    // finding nothing there proved nothing, so the whole list was read too.
    let gets = fake.seen_at("GET", "/instances");
    let searched = |g: &Seen| g.query("searchText").is_some();
    assert_eq!(gets.len(), 6);
    assert!(gets[..3]
        .iter()
        .all(|g| g.query("searchText").as_deref() == Some("new shop")));
    assert!(!gets[3..].iter().any(searched));
}

#[tokio::test]
async fn a_listing_failing_on_page_two_says_check_first() {
    // The instance is there, on page 3, but page 2 cannot be read.
    let fake = lost_create(449, Some(420), Some(2));
    let client = fake.client().with_retry(RetryPolicy::none());
    let e = client
        .create_instance_safely(&create_body())
        .await
        .unwrap_err();
    let ApiError::OutcomeUnknown { check, .. } = &e else {
        panic!("expected OutcomeUnknown, got {e:?}");
    };
    assert!(
        matches!(**check, ApiError::ListIncomplete { page: 2, .. }),
        "{check:?}"
    );
    assert!(!e.is_retryable(), "never 'safe to try again'");
    assert!(e.advice().starts_with("Check first"), "{}", e.advice());
    assert!(!e.to_string().contains("safe to try again"), "{e}");
}

/// An empty account's list, as the platform answers it: 404 "No instances
/// found" (the official CLI reads it as empty).
fn empty_account(s: &Seen) -> Reply {
    if s.method == "POST" {
        return Reply::json(504, json!({"message": "gateway timeout"}));
    }
    match api_path(s) {
        "/instances" => Reply::json(
            404,
            json!({"message": "No instances found", "requestId": "r-empty"}),
        ),
        _ => Reply::json(
            404,
            json!({"message": "No instance found with id '3'", "requestId": "r-one"}),
        ),
    }
}

#[tokio::test]
async fn a_404_no_instances_found_is_an_empty_list_but_not_an_absent_instance() {
    let fake = FakePlatform::start(empty_account);
    let client = fake.client().with_retry(RetryPolicy::none());
    let mut pages = vec![];
    let listed = client
        .for_each_instance_page(Paging::default(), |p| {
            pages.push((p.number, p.instances.len(), p.last));
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(pages, vec![(1, 0, true)]);
    assert_eq!(
        listed,
        Listed {
            pages: 1,
            instances: 0,
            complete: true
        }
    );
    let e = client.get_instance(3).await.unwrap_err();
    assert!(matches!(e, ApiError::NoSuchInstance { id: 3, .. }), "{e:?}");
}

#[tokio::test]
async fn another_404_on_the_list_is_still_an_error() {
    let fake = FakePlatform::start(|_: &Seen| {
        Reply::json(404, json!({"message": "Not Found", "requestId": "r404"}))
    });
    let client = fake.client().with_retry(RetryPolicy::none());
    let e = client.list_instances().await.unwrap_err();
    assert_eq!(e.status(), Some(404), "{e:?}");
}

#[tokio::test]
async fn a_lost_create_on_an_empty_account_created_nothing() {
    let fake = FakePlatform::start(empty_account);
    let client = fake.client().with_retry(RetryPolicy::none());
    let e = client
        .create_instance_safely(&create_body())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NothingCreated { .. }), "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn one_instance_is_read_and_a_404_names_it() {
    let fake = FakePlatform::start(|s: &Seen| match api_path(s) {
        "/instances/7" => Reply::json(200, instance(7, "shop", "ecwid", "")),
        _ => Reply::json(404, json!({"message": "Not found", "requestId": "r404"})),
    });
    let client = fake.client();
    let i = client.get_instance(7).await.unwrap();
    assert_eq!(
        (i.id, i.name.as_str(), i.valid(), i.disabled()),
        (7, "shop", true, false)
    );
    assert_eq!(i.hub(), Some("ecommerce"));
    let e = client.get_instance(8).await.unwrap_err();
    assert!(matches!(e, ApiError::NoSuchInstance { id: 8, .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "no instance 8 exists in this account (HTTP 404)"
    );
    assert_eq!(e.request_id(), Some("r404"));
    let e = client.delete_instance(8).await.unwrap_err();
    assert!(matches!(e, ApiError::NoSuchInstance { id: 8, .. }), "{e:?}");
}

#[tokio::test]
async fn changes_send_only_what_changes_and_tags_whole() {
    let fake = FakePlatform::start(|s: &Seen| {
        let mut v = instance(7, "shop", "ecwid", "");
        if s.method == "PATCH" {
            let body: Value = serde_json::from_str(&s.body).unwrap();
            v["tags"] = body["tags"].clone();
        }
        Reply::json(200, v)
    });
    let changes = InstanceChanges {
        name: None,
        tags: Some(vec!["a".into(), "b".into()]),
        configuration: [("password".to_string(), Secret::new("pw"))].into(),
    };
    assert!(!format!("{changes:?}").contains("pw"));
    let i = fake.client().update_instance(7, &changes).await.unwrap();
    assert_eq!(i.tags(), ["a", "b"]);
    let sent = &fake.seen_at("PATCH", "/instances/7")[0];
    let body: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"tags": ["a", "b"], "configuration": {"password": "pw"}})
    );
    assert!(InstanceChanges::default().is_empty());
}

#[tokio::test]
async fn reauthentication_patches_the_new_grant_and_nothing_else() {
    let fake = FakePlatform::start(|_: &Seen| Reply::json(200, instance(7, "shop", "x", "")));
    let body = Reprovision {
        provider_data: [("code".to_string(), Secret::new("new-code"))].into(),
        configuration: [("oauth.api.secret".to_string(), Secret::new("app-secret"))].into(),
    };
    assert!(!format!("{body:?}").contains("app-secret"));
    fake.client()
        .reauthenticate_instance(7, &body)
        .await
        .unwrap();
    assert!(fake.seen_at("PUT", "/instances/7").is_empty());
    let sent = &fake.seen_at("PATCH", "/instances/7")[0];
    assert_eq!(sent.query("reAuthenticate"), None, "no such parameter");
    let v: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(
        v,
        json!({"providerData": {"code": "new-code"},
               "configuration": {"oauth.api.secret": "app-secret"}})
    );
    // Without changed settings, only the grant.
    let bare = Reprovision {
        provider_data: [("code".to_string(), Secret::new("c2"))].into(),
        configuration: BTreeMap::new(),
    };
    fake.client()
        .reauthenticate_instance(7, &bare)
        .await
        .unwrap();
    let sent = &fake.seen_at("PATCH", "/instances/7")[1];
    let v: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(v, json!({"providerData": {"code": "c2"}}));
}

#[tokio::test]
async fn enabling_puts_and_disabling_deletes_the_enabled_switch_once() {
    let fake = FakePlatform::start(|s: &Seen| match (s.method.as_str(), api_path(s)) {
        ("PUT" | "DELETE", "/instances/7/enabled") => Reply::json(200, json!(null)).body_text(""),
        ("PUT" | "DELETE", "/instances/9/enabled") => {
            Reply::json(404, json!({"message": "No instance found with id '9'"}))
        }
        _ => Reply::json(503, json!({"message": "busy"})),
    });
    let client = fake.client();
    client.disable_instance(7).await.unwrap();
    client.enable_instance(7).await.unwrap();
    assert_eq!(fake.seen_at("DELETE", "/instances/7/enabled").len(), 1);
    assert_eq!(fake.seen_at("PUT", "/instances/7/enabled").len(), 1);
    let sent = &fake.seen_at("PUT", "/instances/7/enabled")[0];
    assert_eq!(
        sent.authorization.as_deref(),
        Some("User u-secret, Organization o-secret"),
        "the account's header, no element token"
    );
    assert!(matches!(
        client.disable_instance(9).await,
        Err(ApiError::NoSuchInstance { .. })
    ));
    let e = client.enable_instance(8).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        fake.seen_at("PUT", "/instances/8/enabled").len(),
        1,
        "not retried"
    );
}

#[tokio::test]
async fn a_delete_takes_any_2xx_and_is_sent_once() {
    let fake = FakePlatform::start(|s: &Seen| match s.method.as_str() {
        "DELETE" if api_path(s) == "/instances/7" => Reply::json(200, json!(null)).body_text(""),
        _ => Reply::json(503, json!({"message": "busy"})),
    });
    let client = fake.client();
    client.delete_instance(7).await.unwrap();
    let e = client.delete_instance(9).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        fake.seen_at("DELETE", "/instances/9").len(),
        1,
        "not retried"
    );
}

#[tokio::test]
async fn reads_through_an_instance_carry_its_token() {
    let fake = FakePlatform::start(|s: &Seen| {
        if s.authorization.as_deref() == Some("User u-secret, Organization o-secret, Element tok") {
            Reply::json(200, json!([]))
        } else {
            Reply::json(401, json!({"message": "no"}))
        }
    });
    let v = fake
        .client()
        .read_through(
            &Secret::new("tok"),
            "/hubs/ecommerce/orders",
            &[("pageSize", "1")],
        )
        .await
        .unwrap();
    assert_eq!(v, json!([]));
    let sent = &fake.seen_at("GET", "/hubs/ecommerce/orders")[0];
    assert_eq!(sent.query("pageSize").as_deref(), Some("1"));
    // Platform calls keep the two-part header.
    let _ = fake.client().get_instance(1).await;
    let last = fake.seen().pop().unwrap();
    assert_eq!(
        last.authorization.as_deref(),
        Some("User u-secret, Organization o-secret")
    );
}

/// A platform whose every page holds `per_page` instances of `name_len`
/// characters' names and points at a new page: a list without end.
fn endless(per_page: usize, name_len: usize) -> impl Fn(&Seen) -> Reply + Send + Sync {
    move |s: &Seen| {
        let n: usize = s
            .query("nextPage")
            .map(|c| c.strip_prefix("opaque-").unwrap().parse().unwrap())
            .unwrap_or(1);
        let page: Vec<Value> = (0..per_page)
            .map(|k| {
                let id = (n * 1000 + k) as i64;
                instance(id, &"n".repeat(name_len), "ecwid", "")
            })
            .collect();
        Reply::json(200, Value::Array(page)).header(NEXT_PAGE_HEADER, &format!("opaque-{}", n + 1))
    }
}

#[tokio::test]
async fn a_page_holding_more_than_was_asked_for_is_refused_whole() {
    let fake = FakePlatform::start(endless(201, 4));
    let mut handed = 0;
    let e = fake
        .client()
        .for_each_instance_page(Paging::default(), |_| {
            handed += 1;
            ControlFlow::Continue(())
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::ListRefused {
                page: 1,
                listed: 0,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(handed, 0, "nothing of the page is handed over");
    assert!(
        e.to_string()
            .contains("incomplete: page 1 holds 201 instances where 200 were asked for"),
        "{e}"
    );
    // Asked for 50, given 51: the bound is what was asked.
    let fake = FakePlatform::start(endless(51, 4));
    let paging = Paging {
        page_size: 50,
        ..Paging::default()
    };
    let e = fake.client().list_instances_with(paging).await.unwrap_err();
    assert!(matches!(e, ApiError::ListRefused { .. }), "{e:?}");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn a_listing_stops_at_its_total_of_instances() {
    // Full pages without end: the default bound stops them at 10,000
    // instances, long before the 1,000 pages.
    let fake = FakePlatform::start(endless(200, 4));
    let e = fake.client().list_instances().await.unwrap_err();
    let ApiError::ListRefused { page, listed, .. } = &e else {
        panic!("expected ListRefused, got {e:?}");
    };
    assert_eq!((*page, *listed), (51, MAX_LISTED_INSTANCES));
    assert!(
        e.to_string().contains("the instance list is incomplete")
            && e.to_string().contains("10000 instances or 32 MiB"),
        "{e}"
    );
    assert_eq!(fake.seen_at("GET", "/instances").len(), 51);
}

#[tokio::test]
async fn a_listing_stops_at_its_total_of_bytes() {
    // Pages of 100 instances with 10 KB names: 1 MB a page.
    let fake = FakePlatform::start(endless(100, 10_000));
    let paging = Paging {
        max_bytes: 4 * 1024 * 1024,
        ..Paging::default()
    };
    let e = fake.client().list_instances_with(paging).await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::ListRefused {
                page: 5,
                listed: 400,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_cursor_that_cannot_be_sent_back_is_an_incomplete_list_not_its_end() {
    for (cursor, why) in [
        ("two words", "other than visible ASCII"),
        (&*"x".repeat(MAX_TOKEN_LEN + 1), "longer than 4096"),
    ] {
        let cursor = cursor.to_string();
        let fake = FakePlatform::start(move |_: &Seen| {
            Reply::json(200, json!([instance(1, "a", "ecwid", "")]))
                .header(NEXT_PAGE_HEADER, &cursor)
        });
        let e = fake.client().list_instances().await.unwrap_err();
        assert!(
            matches!(
                e,
                ApiError::ListRefused {
                    page: 2,
                    listed: 1,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains(why), "{e}");
        assert_eq!(
            fake.seen_at("GET", "/instances").len(),
            1,
            "never sent back"
        );
    }
    // An empty header is no cursor: the platform's clients read it so.
    let fake = FakePlatform::start(|_: &Seen| {
        Reply::json(200, json!([instance(1, "a", "ecwid", "")])).header(NEXT_PAGE_HEADER, "")
    });
    assert_eq!(fake.client().list_instances().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_lost_create_whose_list_breaks_a_bound_says_check_first() {
    for handler in [endless(201, 4), endless(200, 4)] {
        let list = handler;
        let fake = FakePlatform::start(move |s: &Seen| {
            if s.method == "POST" {
                Reply::json(504, json!({"message": "gateway timeout"}))
            } else {
                list(s)
            }
        });
        let client = fake.client().with_retry(RetryPolicy::none());
        let e = client
            .create_instance_safely(&create_body())
            .await
            .unwrap_err();
        let ApiError::OutcomeUnknown { check, .. } = &e else {
            panic!("expected OutcomeUnknown, got {e:?}");
        };
        assert!(matches!(**check, ApiError::ListRefused { .. }), "{check:?}");
        assert!(e.advice().starts_with("Check first"), "{}", e.advice());
        assert!(!e.to_string().contains("safe to try again"), "{e}");
    }
}
