//! `create` run in-process, the way gh tests its login flow: a fake
//! prompter, a fake browser and captured streams, against the built-in
//! sandbox (`--sandbox`), with the real loopback listener.

use super::console::{BrowserLauncher, Console, Prompter};
use super::fakes::{consent, http, sandbox_globals as globals, Captured, Typed};
use super::{create, CreateArgs, Failure};
use crate::catalog::FieldSpec;
use crate::exit;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Answers from a script, and remembers which fields it was asked for.
struct Scripted {
    answers: VecDeque<String>,
    asked: Arc<Mutex<Vec<String>>>,
    /// What each field question said was wrong, in order.
    problems: Arc<Mutex<Vec<Option<String>>>>,
}

impl Prompter for Scripted {
    fn ask_field(&mut self, field: &FieldSpec, problem: Option<&str>) -> std::io::Result<String> {
        self.asked.lock().unwrap().push(field.key.clone());
        self.problems
            .lock()
            .unwrap()
            .push(problem.map(str::to_string));
        self.answers
            .pop_front()
            .ok_or_else(|| std::io::Error::other("no answer scripted"))
    }
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<String> {
        self.asked.lock().unwrap().push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| std::io::Error::other("no answer scripted"))
    }
    fn ask_secret(&mut self, prompt: &str) -> std::io::Result<String> {
        self.ask_line(prompt)
    }
    /// No, unless the script's next answer is `confirm:y`.
    fn confirm(&mut self, _question: &str, _default_yes: bool) -> bool {
        match self.answers.front().map(String::as_str) {
            Some(a) if a.starts_with("confirm:") => {
                self.answers.pop_front().as_deref() == Some("confirm:y")
            }
            _ => false,
        }
    }
}

/// What the fake browser does with the authorization URL it is given.
#[derive(Clone, Copy)]
enum Person {
    /// Allows, and the browser follows the redirect into the listener.
    Allows,
    /// Denies, and the browser follows the redirect into the listener.
    Denies,
    /// Allows, but the redirect page does not load: the address is pasted
    /// on standard input instead (after a wrong paste).
    AllowsAndPastes,
}

struct FakeBrowser {
    person: Person,
    opened: Arc<Mutex<Vec<String>>>,
    paste: Mutex<Option<mpsc::Sender<String>>>,
}

impl BrowserLauncher for FakeBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().unwrap().push(url.to_string());
        let url = url.to_string();
        let person = self.person;
        let paste = self.paste.lock().unwrap().take();
        tokio::spawn(async move {
            let decision = match person {
                Person::Denies => "deny",
                _ => "allow",
            };
            let redirect = consent(&url, decision).await;
            match (person, paste) {
                (Person::AllowsAndPastes, Some(tx)) => {
                    tx.send("not an address".into()).unwrap();
                    tx.send(redirect).unwrap();
                }
                _ => {
                    let status = http().get(&redirect).send().await.unwrap().status();
                    assert_eq!(status, 302, "the listener takes the redirect");
                }
            }
        });
        Ok(())
    }
}

struct Run {
    result: Result<i32, Failure>,
    stdout: String,
    stderr: String,
    asked: Vec<String>,
    problems: Vec<Option<String>>,
    opened: Vec<String>,
}

async fn run(args: CreateArgs, terminal: bool, answers: &[&str], person: Person) -> Run {
    let (paste_tx, paste_rx) = mpsc::channel();
    let out = Captured::default();
    let err = Captured::default();
    let asked = Arc::new(Mutex::new(vec![]));
    let problems = Arc::new(Mutex::new(vec![]));
    let opened = Arc::new(Mutex::new(vec![]));
    let mut con = Console {
        input: Box::new(Typed::new(paste_rx)),
        output: Box::new(out.clone()),
        errors: Box::new(err.clone()),
        input_is_terminal: terminal,
        errors_is_terminal: terminal,
        remote: false,
        quiet_wait: Duration::from_secs(5),
        prompter: Box::new(Scripted {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            asked: asked.clone(),
            problems: problems.clone(),
        }),
        browser: Box::new(FakeBrowser {
            person,
            opened: opened.clone(),
            paste: Mutex::new(Some(paste_tx)),
        }),
    };
    let result = create::run(&globals(), &args, &mut con).await;
    let asked = asked.lock().unwrap().clone();
    let problems = problems.lock().unwrap().clone();
    let opened = opened.lock().unwrap().clone();
    Run {
        result,
        stdout: out.text(),
        stderr: err.text(),
        asked,
        problems,
        opened,
    }
}

fn created(run: &Run) -> Value {
    assert_eq!(
        run.result.as_ref().map_err(|f| &f.message).copied(),
        Ok(exit::CREATED),
        "stderr:\n{}",
        run.stderr
    );
    let instance: Value = serde_json::from_str(&run.stdout).expect("stdout is the instance JSON");
    assert!(instance["token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(run.stderr.contains("Created instance"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(instance["token"].as_str().unwrap()),
        "the token stays off stderr"
    );
    instance
}

fn oauth2_args() -> CreateArgs {
    CreateArgs {
        element: Some("infusionsoftecommerce".into()),
        name: Some("keap".into()),
        sets: vec![
            "oauth.api.key=client-id".into(),
            "oauth.api.secret=@@client-secret".into(),
        ],
        ..CreateArgs::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_required_secret_is_asked_for_on_a_terminal() {
    let args = CreateArgs {
        element: Some("bigcommerce".into()),
        name: Some("prompted".into()),
        sets: vec![
            "store.url=https://store-abc.mybigcommerce.com/api/v2/".into(),
            "username=u".into(),
        ],
        ..CreateArgs::default()
    };
    let run = run(args, true, &["bc-api-token"], Person::Allows).await;
    let instance = created(&run);
    assert_eq!(run.asked, ["password"], "only the missing field is asked");
    assert!(
        run.stderr.contains("BigCommerce needs a few more settings"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("bc-api-token"), "{}", run.stderr);
    assert_eq!(instance["name"], "prompted");
    assert!(run.opened.is_empty(), "no browser for a basic element");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blank_answer_to_a_required_field_is_told_why_it_is_asked_again() {
    let args = CreateArgs {
        element: Some("bigcommerce".into()),
        name: Some("prompted".into()),
        sets: vec![
            "store.url=https://store-abc.mybigcommerce.com/api/v2/".into(),
            "username=u".into(),
        ],
        ..CreateArgs::default()
    };
    let run = run(args, true, &["", "bc-api-token"], Person::Allows).await;
    created(&run);
    assert_eq!(run.asked, ["password", "password"]);
    assert_eq!(
        run.problems[0], None,
        "the first question has nothing wrong yet"
    );
    assert_eq!(run.problems[1].as_deref(), Some("API token is required"));
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_a_url_without_its_scheme_is_offered_with_one() {
    let args = |url: &str| CreateArgs {
        element: Some("bigcommerce".into()),
        sets: vec![
            format!("store.url={url}"),
            "username=u".into(),
            "password=p".into(),
        ],
        ..CreateArgs::default()
    };
    // Yes: the offered address is sent, nothing else asked.
    let r = run(
        args("store-abc.mybigcommerce.com/api/v2/"),
        true,
        &["confirm:y"],
        Person::Allows,
    )
    .await;
    let instance = created(&r);
    assert!(r.asked.is_empty(), "{:?}", r.asked);
    assert_eq!(
        instance["configuration"]["store.url"],
        "https://store-abc.mybigcommerce.com/api/v2/"
    );
    // No: the field is asked again.
    let r = run(
        args("store-abc.mybigcommerce.com/api/v2/"),
        true,
        &["confirm:n", "https://store-xyz.mybigcommerce.com/api/v2/"],
        Person::Allows,
    )
    .await;
    let instance = created(&r);
    assert_eq!(r.asked, ["store.url"]);
    assert_eq!(
        instance["configuration"]["store.url"],
        "https://store-xyz.mybigcommerce.com/api/v2/"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_a_missing_secret_fails_with_exit_2() {
    let args = CreateArgs {
        element: Some("bigcommerce".into()),
        sets: vec![
            "store.url=https://store-abc.mybigcommerce.com/api/v2/".into(),
            "username=u".into(),
        ],
        ..CreateArgs::default()
    };
    let run = run(args, false, &[], Person::Allows).await;
    let failure = run.result.unwrap_err();
    assert_eq!(failure.code, exit::INVALID_INPUT);
    assert!(
        failure.message.contains("--set password="),
        "{}",
        failure.message
    );
    assert!(run.asked.is_empty());
    assert!(run.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn oauth2_through_the_browser_and_the_real_listener() {
    let run = run(oauth2_args(), false, &[], Person::Allows).await;
    let instance = created(&run);
    assert_eq!(run.opened.len(), 1, "one browser launch");
    assert!(
        run.opened[0].contains("/provider/oauth/authorize"),
        "{:?}",
        run.opened
    );
    assert!(
        run.stderr
            .contains("Waiting for the redirect to http://127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert_eq!(instance["name"], "keap");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_redirect_address_is_taken_after_a_wrong_one() {
    let run = run(oauth2_args(), false, &[], Person::AllowsAndPastes).await;
    created(&run);
    assert!(
        run.stderr.contains("That is not the redirected address"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denial_exits_4_and_creates_nothing() {
    let run = run(oauth2_args(), false, &[], Person::Denies).await;
    let failure = run.result.unwrap_err();
    assert_eq!(failure.code, exit::OAUTH_FAILED);
    assert!(
        failure.message.contains("denied") && failure.message.contains("nothing was created"),
        "{}",
        failure.message
    );
    assert!(run.stdout.is_empty());
}

/// A platform that takes connections and never answers.
fn silent_platform() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/elements/api-v2",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        let mut held = vec![];
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_platform_gets_one_budget_for_the_create_and_the_check() {
    use crate::api::{ApiError, Client, Credentials};
    let timeout = Duration::from_secs(1);
    let client = Client::with_timeouts(
        &silent_platform(),
        Credentials {
            user: "u".into(),
            org: "o".into(),
        },
        timeout,
        timeout,
    )
    .unwrap();
    let spec = crate::catalog::bundled_spec("bigcommerce").unwrap();
    let fields = crate::flow::fields::form_fields(spec);
    let body = crate::flow::request::create_request(
        "bigcommerce",
        &fields,
        &crate::form::FormValues::new(),
        "shop",
        vec![],
        None,
    );
    let err = Captured::default();
    let (_keep, nothing) = mpsc::channel();
    let mut con = Console {
        input: Box::new(Typed::new(nothing)),
        output: Box::new(Captured::default()),
        errors: Box::new(err.clone()),
        input_is_terminal: false,
        errors_is_terminal: true,
        remote: false,
        quiet_wait: Duration::from_millis(300),
        prompter: Box::new(Scripted {
            answers: VecDeque::new(),
            asked: Arc::default(),
            problems: Arc::default(),
        }),
        browser: Box::new(FakeBrowser {
            person: Person::Allows,
            opened: Arc::default(),
            paste: Mutex::new(None),
        }),
    };
    let budget = timeout.mul_f64(create::CREATE_BUDGET_TIMEOUTS);
    let started = std::time::Instant::now();
    let e = create::create_once(&mut con, &client, &body, budget)
        .await
        .unwrap_err();
    let took = started.elapsed();
    // Unbounded, the check alone would take three timeouts and two backoffs
    // after the create's one: over four seconds.
    assert!(
        took < budget + Duration::from_millis(1200),
        "took {took:?} for a budget of {budget:?}"
    );
    assert!(
        matches!(&e, ApiError::OutcomeUnknown { cause, check, .. }
            if matches!(**cause, ApiError::Timeout) && matches!(**check, ApiError::Timeout)),
        "{e:?}"
    );
    let told = crate::cli::report::create_failed(&e, spec, budget);
    assert!(
        told.starts_with("the platform did not answer within 2s 500ms")
            && told.contains("trying again is not known to be safe"),
        "{told}"
    );
    let said = err.text();
    let lines: Vec<&str> = said.lines().collect();
    assert!(
        lines.len() == 2
            && lines[0].starts_with("Waiting for the platform to answer the create")
            && lines[1].starts_with(
                "The platform has not answered the create; looking in its instance list"
            ),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quick_create_says_nothing_about_waiting() {
    let run = run(
        CreateArgs {
            element: Some("ecwid".into()),
            ..CreateArgs::default()
        },
        true,
        &["1234", "public_abc", "secret_abc"],
        Person::Allows,
    )
    .await;
    created(&run);
    assert!(
        !run.stderr.contains("Waiting for the platform"),
        "{}",
        run.stderr
    );
}

/// `create`'s check is the platform's health check through the new
/// instance, `GET /hubs/{hub}/ping`, for a seed (varunpal72/churros:
/// src/test/elements/ecwid/ping.js) and for a catalog element of another
/// hub, which before had no check at all ("not checked").
#[tokio::test(flavor = "multi_thread")]
async fn the_check_after_a_create_is_the_ping_of_any_hub() {
    let run_ecwid = run(
        CreateArgs {
            element: Some("ecwid".into()),
            sets: vec![
                "ecwid.store.id=1234".into(),
                "ecwid.order.key=public_abc".into(),
                "ecwid.product.key=secret_abc".into(),
            ],
            ..CreateArgs::default()
        },
        false,
        &[],
        Person::Allows,
    )
    .await;
    created(&run_ecwid);
    assert!(
        run_ecwid
            .stderr
            .contains("works: the provider answered GET /hubs/ecommerce/ping"),
        "{}",
        run_ecwid.stderr
    );

    let desk = run(
        CreateArgs {
            element: Some(crate::sandbox::SHOWCASE_CUSTOM.into()),
            name: Some("desk".into()),
            sets: vec![
                "nimbus.subdomain=acme".into(),
                "nimbus.account.id=4711".into(),
                "nimbus.api.key=nimbus-key".into(),
            ],
            ..CreateArgs::default()
        },
        false,
        &[],
        Person::Allows,
    )
    .await;
    created(&desk);
    assert!(
        desk.stderr
            .contains("works: the provider answered GET /hubs/helpdesk/ping"),
        "{}",
        desk.stderr
    );
    assert!(!desk.stderr.contains("not checked"), "{}", desk.stderr);
}

fn shopify_args(oauth_params: &[&str]) -> CreateArgs {
    CreateArgs {
        element: Some("shopify".into()),
        name: Some("shop".into()),
        sets: vec![
            "oauth.api.key=shop-app".into(),
            "oauth.api.secret=@@shop-secret".into(),
            "shopify.site.address=my-shop".into(),
        ],
        oauth_params: oauth_params.iter().map(|p| p.to_string()).collect(),
        ..CreateArgs::default()
    }
}

fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Shopify's OAuth URL request carries the shop and the scope
/// (devportal `docs/elements/shopify/authenticate.md`): the sandbox sends
/// the browser to that shop, and its code opens only that shop.
#[tokio::test(flavor = "multi_thread")]
async fn shopify_sends_its_shop_and_scope_with_the_url_request() {
    let run = run(shopify_args(&[]), false, &[], Person::Allows).await;
    let instance = created(&run);
    assert_eq!(run.opened.len(), 1);
    let opened = &run.opened[0];
    assert_eq!(query_param(opened, "shop").as_deref(), Some("my-shop"));
    assert_eq!(
        query_param(opened, "scope").as_deref(),
        Some("write_orders,write_products,write_customers")
    );
    assert_eq!(instance["configuration"]["shopify.site.address"], "my-shop");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oauth_param_replaces_the_elements_own() {
    let run = run(
        shopify_args(&["scope=read_orders", "locale=fr"]),
        false,
        &[],
        Person::Allows,
    )
    .await;
    created(&run);
    assert_eq!(
        query_param(&run.opened[0], "scope").as_deref(),
        Some("read_orders")
    );
    assert_eq!(
        query_param(&run.opened[0], "shop").as_deref(),
        Some("my-shop")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oauth_params_that_cannot_be_sent_stop_the_create_before_any_call() {
    for (given, says) in [
        ("state=mine", "set by ce-wizard"),
        ("no-equals-sign", "NAME=VALUE"),
        ("bad name=x", "letters, digits"),
        ("clientSecret=x", "secret"),
    ] {
        let out = run(shopify_args(&[given]), false, &[], Person::Allows).await;
        let failure = out.result.unwrap_err();
        assert_eq!(failure.code, exit::INVALID_INPUT, "{given}");
        assert!(
            failure.message.contains(says),
            "{given}: {}",
            failure.message
        );
        assert!(out.opened.is_empty(), "{given}: nothing was opened");
    }
    let mut args = shopify_args(&["scope=x", "scope=y"]);
    let out = run(args, false, &[], Person::Allows).await;
    assert!(out.result.unwrap_err().message.contains("twice"));
    args = CreateArgs {
        element: Some("bigcommerce".into()),
        oauth_params: vec!["scope=x".into()],
        ..CreateArgs::default()
    };
    let out = run(args, false, &[], Person::Allows).await;
    let failure = out.result.unwrap_err();
    assert!(
        failure
            .message
            .contains("for elements that sign in with OAuth"),
        "{}",
        failure.message
    );
}
