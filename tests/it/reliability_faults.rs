//! The client against a sandbox that misbehaves on purpose: which failures
//! are retried, what each one is called, and that a create whose answer gets
//! lost never leads to a second instance.

use ce_wizard::api::{
    ApiError, Client, CreateInstance, CreateOutcome, Credentials, ElementRef, RetryPolicy,
};
use ce_wizard::sandbox::{Fault, FaultKind, Faults, Sandbox, SandboxOptions};
use ce_wizard::secret::Secret;
use std::time::Duration;

const INSTANCES: &str = "/elements/api-v2/instances";

fn sandbox(faults: Faults) -> Sandbox {
    Sandbox::start(SandboxOptions {
        faults,
        ..SandboxOptions::default()
    })
    .expect("sandbox starts")
}

fn creds(sb: &Sandbox) -> Credentials {
    Credentials {
        user: sb.user_secret().into(),
        org: sb.org_secret().into(),
    }
}

/// Quick retries, so the tests spend little time waiting; the same shape
/// (three tries) as the default.
fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        tries: 3,
        base: Duration::from_millis(10),
        cap: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(2),
    }
}

fn client(sb: &Sandbox) -> Client {
    Client::new(&sb.base_url(), creds(sb))
        .unwrap()
        .with_retry(fast_retry())
}

/// A client whose every attempt gives up after `deadline`, for the faults
/// that never answer.
fn impatient(sb: &Sandbox, deadline: Duration) -> Client {
    Client::with_timeouts(&sb.base_url(), creds(sb), Duration::from_secs(5), deadline)
        .unwrap()
        .with_retry(fast_retry())
}

fn ecwid(name: &str) -> CreateInstance {
    CreateInstance {
        element: ElementRef {
            key: "ecwid".into(),
        },
        configuration: [
            ("ecwid.store.id", "1003"),
            ("ecwid.order.key", "order-key"),
            ("ecwid.product.key", "product-key"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Secret::new(v)))
        .collect(),
        tags: vec![],
        name: name.into(),
        provider_data: None,
        verbatim: Default::default(),
    }
}

fn on_get_instances(kind: FaultKind) -> Fault {
    Fault::new(kind).on("GET", "/instances")
}

fn on_create(kind: FaultKind) -> Fault {
    Fault::new(kind).on("POST", "/instances")
}

#[tokio::test]
async fn reads_are_retried_through_brief_outages() {
    for status in [502, 503, 504] {
        let sb = sandbox(Faults::one(
            on_get_instances(FaultKind::Status(status)).times(2),
        ));
        let listed = client(&sb).list_instances().await;
        assert!(listed.is_ok(), "{status}: {listed:?}");
        assert_eq!(
            sb.count("GET", INSTANCES),
            3,
            "{status}: two failures, one success"
        );
    }
}

#[tokio::test]
async fn retries_are_bounded() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::Status(503))));
    let e = client(&sb).list_instances().await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(sb.count("GET", INSTANCES), 3, "three tries in all");
    assert!(e.to_string().contains("503"), "{e}");
    assert!(e.advice().contains("try again"), "{}", e.advice());
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_500_is_not_retried() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::Status(500))));
    let e = client(&sb).list_instances().await.unwrap_err();
    assert_eq!(e.status(), Some(500));
    assert_eq!(sb.count("GET", INSTANCES), 1);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_the_server_asks() {
    let sb = sandbox(Faults::one(
        on_get_instances(FaultKind::RateLimited {
            retry_after_secs: 1,
        })
        .times(1),
    ));
    assert!(client(&sb).list_instances().await.is_ok());
    assert_eq!(sb.count("GET", INSTANCES), 2);
}

#[tokio::test]
async fn a_rate_limit_asking_for_too_long_is_reported_with_the_wait() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::RateLimited {
        retry_after_secs: 120,
    })));
    let e = client(&sb).list_instances().await.unwrap_err();
    assert_eq!(
        sb.count("GET", INSTANCES),
        1,
        "no retry when the wait is too long"
    );
    assert!(
        matches!(
            e,
            ApiError::RateLimited {
                retry_after_secs: Some(120),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("429") && e.to_string().contains("120 s"),
        "{e}"
    );
    assert!(e.advice().contains("Wait 120 seconds"), "{}", e.advice());
    assert!(e.request_id().is_some(), "the 429's requestId is kept");
}

#[tokio::test]
async fn a_hung_read_times_out_and_is_retried() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::Hang).times(1)));
    let listed = impatient(&sb, Duration::from_millis(500))
        .list_instances()
        .await;
    assert!(listed.is_ok(), "{listed:?}");
}

#[tokio::test]
async fn a_read_that_never_answers_ends_at_the_deadline() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::Hang)));
    let e = impatient(&sb, Duration::from_millis(300))
        .with_retry(RetryPolicy::none())
        .list_instances()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Timeout), "{e:?}");
    assert_eq!(e.to_string(), "the server did not answer in time");
}

#[tokio::test]
async fn a_slow_answer_within_the_deadline_is_just_slow() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::Delay(
        Duration::from_millis(200),
    ))));
    assert!(client(&sb).list_instances().await.is_ok());
    assert_eq!(sb.count("GET", INSTANCES), 1);
}

#[tokio::test]
async fn an_answer_cut_off_mid_body_is_named_and_retried() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::CloseMidResponse)));
    let e = client(&sb)
        .with_retry(RetryPolicy::none())
        .list_instances()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::ConnectionClosed { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("the connection closed before the server's answer was complete"),
        "{e}"
    );

    sb.set_faults(Faults::one(
        on_get_instances(FaultKind::CloseMidResponse).times(1),
    ));
    assert!(client(&sb).list_instances().await.is_ok());
}

#[tokio::test]
async fn malformed_json_and_html_are_named_and_not_retried() {
    let sb = sandbox(Faults::one(on_get_instances(FaultKind::MalformedJson)));
    let e = client(&sb).list_instances().await.unwrap_err();
    assert!(
        matches!(e, ApiError::MalformedJson { status: 200, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    assert!(
        !e.to_string().contains("half an answer"),
        "the body is not quoted: {e}"
    );
    assert_eq!(sb.count("GET", INSTANCES), 1);

    for status in [200, 502] {
        sb.set_faults(Faults::one(on_get_instances(FaultKind::Html(status))));
        let e = client(&sb)
            .with_retry(RetryPolicy::none())
            .list_instances()
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("web page instead of the API's JSON"),
            "{e}"
        );
        assert!(
            e.advice().contains("base URL") || e.advice().contains("gateway"),
            "{}",
            e.advice()
        );
    }
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_recovered_not_repeated() {
    let sb = sandbox(Faults::one(on_create(FaultKind::DropAfterHandling)));
    let c = client(&sb);
    let outcome = c.create_instance_safely(&ecwid("shop-1")).await.unwrap();
    let stored = sb.instances();
    assert_eq!(stored.len(), 1, "exactly one instance");
    assert_eq!(sb.count("POST", INSTANCES), 1, "the create was sent once");
    let CreateOutcome::Recovered { instance, cause } = &outcome else {
        panic!("expected a recovered instance, got {outcome:?}");
    };
    assert!(
        matches!(cause, ApiError::ConnectionClosed { .. }),
        "{cause:?}"
    );
    assert_eq!(instance.id, stored[0]["id"].as_i64().unwrap());
    assert_eq!(
        instance.token.expose(),
        stored[0]["token"].as_str().unwrap()
    );
    assert_eq!(instance.name, "shop-1");
}

#[tokio::test]
async fn a_create_that_made_nothing_is_reported_safe_to_retry() {
    for kind in [
        FaultKind::CloseMidResponse,
        FaultKind::Status(502),
        FaultKind::Status(504),
        FaultKind::MalformedJson,
        FaultKind::Html(200),
    ] {
        let sb = sandbox(Faults::one(on_create(kind.clone()).times(1)));
        let c = client(&sb);
        let e = c
            .create_instance_safely(&ecwid("shop-2"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, ApiError::NothingCreated { .. }),
            "{kind:?}: {e:?}"
        );
        assert!(
            e.to_string()
                .ends_with("so nothing was created and it is safe to try again"),
            "{kind:?}: {e}"
        );
        assert!(e.is_retryable(), "{kind:?}");
        assert!(sb.instances().is_empty(), "{kind:?}");
        assert_eq!(
            sb.count("GET", INSTANCES),
            2,
            "{kind:?}: the search for the name, then the whole list, were checked"
        );

        // The person tries again, as told: one instance.
        let again = c.create_instance_safely(&ecwid("shop-2")).await.unwrap();
        assert!(matches!(again, CreateOutcome::Created(_)), "{kind:?}");
        assert_eq!(sb.instances().len(), 1, "{kind:?}");
    }
}

#[tokio::test]
async fn a_create_that_times_out_is_checked_before_anything_else() {
    let sb = sandbox(Faults::one(on_create(FaultKind::Hang)));
    let e = impatient(&sb, Duration::from_millis(400))
        .create_instance_safely(&ecwid("shop-3"))
        .await
        .unwrap_err();
    let ApiError::NothingCreated { cause, .. } = &e else {
        panic!("expected NothingCreated, got {e:?}");
    };
    assert!(matches!(**cause, ApiError::Timeout), "{cause:?}");
    assert!(
        e.to_string()
            .starts_with("the server did not answer in time; "),
        "{e}"
    );
}

#[tokio::test]
async fn a_clear_refusal_is_reported_as_is_without_a_lookup() {
    let sb = sandbox(Faults::one(on_create(FaultKind::Status(500))));
    let e = client(&sb)
        .create_instance_safely(&ecwid("shop-4"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(500));
    assert!(matches!(e, ApiError::Status { .. }));
    assert_eq!(sb.count("GET", INSTANCES), 0);
    assert_eq!(sb.count("POST", INSTANCES), 1, "a POST is never retried");

    sb.set_faults(Faults::none());
    let mut missing = ecwid("shop-4");
    missing.configuration.remove("ecwid.store.id");
    let e = client(&sb)
        .create_instance_safely(&missing)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.missing_keys(), ["ecwid.store.id"]);
    assert_eq!(sb.count("GET", INSTANCES), 0);
}

#[tokio::test]
async fn when_the_check_fails_too_the_person_is_told_to_look_first() {
    let sb = sandbox(
        Faults::one(on_create(FaultKind::DropAfterHandling))
            .and(on_get_instances(FaultKind::Status(503))),
    );
    let e = client(&sb)
        .create_instance_safely(&ecwid("shop-5"))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::OutcomeUnknown { .. }), "{e:?}");
    assert!(!e.is_retryable(), "not safe to simply repeat");
    assert!(
        e.to_string()
            .contains("checking whether the instance was created failed too"),
        "{e}"
    );
    assert!(e.advice().contains("shop-5"), "{}", e.advice());
    assert_eq!(sb.instances().len(), 1, "it was in fact created");
    assert_eq!(sb.count("POST", INSTANCES), 1);
}

#[tokio::test]
async fn another_instance_of_the_same_name_is_not_mistaken_for_this_one() {
    // An instance of the same name but another element exists already.
    let sb = sandbox(Faults::none());
    let c = client(&sb);
    let mut other = ecwid("shared-name");
    other.element.key = "bigcommerce".into();
    other.configuration = [
        ("store.url", "https://store-abc.mybigcommerce.com/api/v2/"),
        ("username", "u"),
        ("password", "p"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Secret::new(v)))
    .collect();
    c.create_instance(&other).await.unwrap();

    sb.set_faults(Faults::one(on_create(FaultKind::CloseMidResponse)));
    let e = c
        .create_instance_safely(&ecwid("shared-name"))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NothingCreated { .. }), "{e:?}");
}

#[test]
fn backoff_is_jittered_exponential_and_capped() {
    let p = RetryPolicy::default();
    for failed in 1..=10 {
        let step = (p.base * (1 << (failed - 1).min(16))).min(p.cap);
        for _ in 0..20 {
            let d = p.backoff(failed);
            assert!(d >= step / 2 && d <= step, "{failed}: {d:?} vs {step:?}");
        }
    }
    let retryable = ApiError::Timeout;
    assert!(p.wait_after(1, &retryable).is_some());
    assert!(p.wait_after(3, &retryable).is_none(), "three tries in all");
    let refused = ApiError::from_response(400, "{}");
    assert!(p.wait_after(1, &refused).is_none());
}
