//! The accessible mode run in-process, as `create` is (see
//! `create_tests.rs`): captured streams, standard input typed line by line
//! when its question appears, secrets from a scripted prompter, and a fake
//! browser that plays the person at the built-in sandbox's consent page,
//! with the real loopback listener.

use super::{run, run_with, Account};
use crate::catalog::FieldSpec;
use crate::cli::console::{BrowserLauncher, Console, Prompter};
use crate::cli::fakes::{consent, http, sandbox_globals, Captured, Typed};
use crate::cli::Connection;
use crate::cli::{Failure, GlobalArgs};
use crate::config::{Environment, SavedProfile};
use crate::exit;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::secret::Secret;
use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The secrets, in the order they are asked; every prompt is kept.
struct Secrets {
    answers: VecDeque<String>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Prompter for Secrets {
    fn ask_field(&mut self, field: &FieldSpec, _: Option<&str>) -> std::io::Result<String> {
        panic!("the transcript asks {} itself", field.key)
    }
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<String> {
        panic!("the transcript asks \"{prompt}\" itself")
    }
    fn confirm(&mut self, question: &str, _: bool) -> bool {
        panic!("the transcript asks \"{question}\" itself")
    }
    fn ask_secret(&mut self, prompt: &str) -> std::io::Result<String> {
        self.asked.lock().unwrap().push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| std::io::Error::other("no secret scripted"))
    }
}

/// What the person does with each sign-in address, in turn.
#[derive(Clone, Copy, Debug)]
enum Person {
    /// Allows; the browser follows the redirect into the listener.
    Allows,
    /// Denies; the browser follows the redirect into the listener.
    Denies,
    /// Allows, but the redirect page does not load: the address is pasted
    /// on standard input (after a line that is not an address).
    AllowsAndPastes,
    /// Walks away: nothing comes back.
    Ignores,
}

struct FakeBrowser {
    people: Mutex<VecDeque<Person>>,
    opened: Arc<Mutex<Vec<String>>>,
    paste: mpsc::Sender<String>,
}

impl BrowserLauncher for FakeBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().unwrap().push(url.to_string());
        let person = self
            .people
            .lock()
            .unwrap()
            .pop_front()
            .expect("a person for each link");
        let url = url.to_string();
        let paste = self.paste.clone();
        tokio::spawn(async move {
            let decision = match person {
                Person::Ignores => return,
                Person::Denies => "deny",
                Person::Allows | Person::AllowsAndPastes => "allow",
            };
            let redirect = consent(&url, decision).await;
            if let Person::AllowsAndPastes = person {
                paste.send("not an address".into()).unwrap();
                paste.send(redirect).unwrap();
            } else {
                let status = http().get(&redirect).send().await.unwrap().status();
                assert_eq!(status, 302, "the listener takes the redirect");
            }
        });
        Ok(())
    }
}

struct Run {
    result: Result<i32, Failure>,
    stdout: String,
    stderr: String,
    secrets_asked: Vec<String>,
    opened: Vec<String>,
    /// The questions of the script that were never asked.
    unasked: Vec<String>,
}

impl Run {
    fn code(&self) -> i32 {
        match &self.result {
            Ok(code) => *code,
            Err(f) => f.code,
        }
    }

    fn count(&self, text: &str) -> usize {
        self.stderr.matches(text).count()
    }
}

fn globals(oauth_timeout: Duration) -> GlobalArgs {
    GlobalArgs {
        oauth_timeout,
        ..sandbox_globals()
    }
}

/// Runs the accessible mode: each `(question, answer)` of `script` is typed
/// once the question appears after the previous one, as a person reads
/// and answers; `secrets` go to the prompter, and `people` take the
/// sign-in addresses in turn.
async fn transcript(
    g: GlobalArgs,
    print_token: bool,
    script: &[(&str, &str)],
    secrets: &[&str],
    people: &[Person],
) -> Run {
    transcript_on(g, None, print_token, script, secrets, people).await
}

/// [`transcript`] on a given connection, with these saved profiles to
/// offer, instead of the one the options resolve to and the machine's.
async fn transcript_on(
    g: GlobalArgs,
    account: Option<(Connection, Vec<SavedProfile>)>,
    print_token: bool,
    script: &[(&str, &str)],
    secrets: &[&str],
    people: &[Person],
) -> Run {
    let (typed_tx, typed_rx) = mpsc::channel();
    let out = Captured::default();
    let err = Captured::default();
    let asked = Arc::new(Mutex::new(vec![]));
    let opened = Arc::new(Mutex::new(vec![]));
    let con = Console {
        input: Box::new(Typed::new(typed_rx)),
        output: Box::new(out.clone()),
        errors: Box::new(err.clone()),
        input_is_terminal: true,
        errors_is_terminal: true,
        remote: false,
        quiet_wait: Duration::from_secs(5),
        prompter: Box::new(Secrets {
            answers: secrets.iter().map(|s| s.to_string()).collect(),
            asked: asked.clone(),
        }),
        browser: Box::new(FakeBrowser {
            people: Mutex::new(people.iter().copied().collect()),
            opened: opened.clone(),
            paste: typed_tx.clone(),
        }),
    };
    let script: Vec<(String, String)> = script
        .iter()
        .map(|(q, a)| (q.to_string(), a.to_string()))
        .collect();
    let unasked = Arc::new(Mutex::new(Vec::new()));
    let person = {
        let err = err.clone();
        let unasked = unasked.clone();
        std::thread::spawn(move || {
            let mut from = 0;
            let mut steps = script.into_iter();
            while let Some((question, answer)) = steps.next() {
                let deadline = Instant::now() + Duration::from_secs(20);
                loop {
                    let text = err.text();
                    if let Some(at) = text[from..].find(&question) {
                        from += at + question.len();
                        typed_tx.send(answer).unwrap();
                        break;
                    }
                    if Instant::now() > deadline {
                        let mut left = unasked.lock().unwrap();
                        left.push(question);
                        left.extend(steps.by_ref().map(|(q, _)| q));
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        })
    };
    let result = match account {
        None => run(&g, print_token, None, con).await,
        Some((conn, profiles)) => {
            let saved_profiles = move || profiles.clone();
            // The machine's catalog cache is left alone.
            let account = Account {
                conn,
                saved_profiles: &saved_profiles,
                catalog_cache: false,
            };
            run_with(&g, account, print_token, None, con).await
        }
    };
    person.join().unwrap();
    let secrets_asked = asked.lock().unwrap().clone();
    let opened = opened.lock().unwrap().clone();
    let unasked = unasked.lock().unwrap().clone();
    Run {
        result,
        stdout: out.text(),
        stderr: err.text(),
        secrets_asked,
        opened,
        unasked,
    }
}

/// Keap's questions up to the sign-in (its client secret comes from the
/// prompter).
const KEAP: [(&str, &str); 7] = [
    (
        "Element (number, key or part of a name): ",
        "infusionsoftecommerce",
    ),
    ("Client ID (required", "keap-client-id"),
    ("Callback URL (", ""),
    ("Document tagging (optional; y or n", "y"),
    ("Change the advanced settings? [y/N]: ", "n"),
    ("Instance name (Enter keeps", "keap-shop"),
    ("Tags, separated by commas", ""),
];

fn keap_then(rest: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    KEAP.iter().chain(rest).copied().collect()
}

const CREATE_AND_KEEP_THE_CLIPBOARD: [(&str, &str); 2] = [
    ("Create this instance now? [Y/n]: ", ""),
    ("Copy the token to the clipboard? [y/N]: ", "n"),
];

#[tokio::test(flavor = "multi_thread")]
async fn a_basic_element_is_chosen_fixed_and_created_as_a_plain_transcript() {
    let script = [
        ("Element (number, key or part of a name): ", "ecwi"),
        ("Element (number, key or part of a name): ", "1"),
        (
            "Sign-in kind (required; 1 custom, 2 oauth2; Enter keeps custom): ",
            "",
        ),
        ("Store ID (required; e.g. 1003): ", "10O3"),
        ("Store ID (required; e.g. 1003): ", "1003"),
        ("Change the advanced settings? [y/N]: ", "maybe"),
        ("Change the advanced settings? [y/N]: ", ""),
        ("Instance name (Enter keeps", "ecwid-shop"),
        ("Tags, separated by commas", "docs"),
        ("Create this instance now? [Y/n]: ", "yes"),
        ("Copy the token to the clipboard? [y/N]: ", "0"),
    ];
    let secrets = ["order-key-s3cret", "product-key-s3cret"];
    let run = transcript(
        globals(Duration::from_secs(60)),
        true,
        &script,
        &secrets,
        &[],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(run.stderr.contains("1. Ecwid (ecwid)"), "{}", run.stderr);
    assert!(
        run.stderr.contains(" more: type part of a name"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Error: Store ID must be digits only"));
    // "maybe" is neither yes nor no: asked again, never taken as no.
    assert_eq!(run.count("Error: answer y (yes) or n (no)."), 1);
    assert_eq!(
        run.secrets_asked,
        [
            "Order API key (required; not shown as you type): ",
            "Product API key (required; not shown as you type): "
        ]
    );
    assert!(run
        .stderr
        .contains("Review: a new Ecwid instance named \"ecwid-shop\"."));
    assert!(run.stderr.contains("  Store ID: 1003"), "{}", run.stderr);
    assert!(run.stderr.contains("  Order API key: (hidden)"));
    assert!(run.stderr.contains("  Tags: docs"));
    assert!(run
        .stderr
        .contains("\"ecwid-shop\": works: the provider answered"));
    assert!(run.stderr.contains("Its token is on standard output."));
    let token = run.stdout.trim();
    assert!(!token.is_empty() && !run.stderr.contains(token));
    for secret in secrets {
        assert!(!run.stderr.contains(secret), "{secret} was shown");
    }
    assert!(run.opened.is_empty(), "no browser for keys");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oauth_element_signs_in_through_the_listener() {
    let script = keap_then(&CREATE_AND_KEEP_THE_CLIPBOARD);
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::Allows],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    let link = &run.opened[0];
    assert!(link.contains("client_id=keap-client-id"), "{link}");
    // The address alone on the line after the one that announces it.
    let mut lines = run.stderr.lines();
    lines.find(|l| l.ends_with("The sign-in address:")).unwrap();
    assert_eq!(lines.next(), Some(link.as_str()));
    assert!(run.stderr.contains("Opened it in your browser."));
    assert!(run.stderr.contains("Authorized."));
    assert!(run.stderr.contains("Its token, on the next line:"));
    assert!(!run.stderr.contains("keap-client-s3cret"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_pasted_during_the_wait_signs_in() {
    let script = keap_then(&CREATE_AND_KEEP_THE_CLIPBOARD);
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::AllowsAndPastes],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(
        run.stderr
            .contains("Error: Pasted address: that is not the redirected address"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Authorized."));
}

/// A denial is not the end: a new link (a new state) is offered, and
/// nothing typed before is asked again.
#[tokio::test(flavor = "multi_thread")]
async fn a_denied_sign_in_offers_a_new_link_and_keeps_every_answer() {
    let script = keap_then(&[
        ("Try the sign-in again? [Y/n]: ", ""),
        CREATE_AND_KEEP_THE_CLIPBOARD[0],
        CREATE_AND_KEEP_THE_CLIPBOARD[1],
    ]);
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::Denies, Person::Allows],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(run.stderr.contains("denied"), "{}", run.stderr);
    assert_eq!(run.opened.len(), 2);
    assert_ne!(run.opened[0], run.opened[1], "a new link, with a new state");
    assert!(run.opened[1].contains("client_id=keap-client-id"));
    assert_eq!(run.count("Client ID (required"), 1, "asked once");
    assert_eq!(run.secrets_asked.len(), 1, "the secret is kept too");
    assert!(
        run.stderr.contains("Review: a new Infusionsoft"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("\"keap-shop\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_that_times_out_offers_a_new_link() {
    let script = keap_then(&[
        ("Try the sign-in again? [Y/n]: ", "y"),
        CREATE_AND_KEEP_THE_CLIPBOARD[0],
        CREATE_AND_KEEP_THE_CLIPBOARD[1],
    ]);
    let run = transcript(
        globals(Duration::from_secs(1)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::Ignores, Person::Allows],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(
        run.stderr
            .contains("Error: no authorization arrived within 1s; nothing was created."),
        "{}",
        run.stderr
    );
    assert_eq!(run.opened.len(), 2);
}

/// Declined twice (no new link, no change): the run ends with OAuth's
/// exit code, the same as `create`'s.
#[tokio::test(flavor = "multi_thread")]
async fn declining_a_new_sign_in_ends_with_the_oauth_exit_code() {
    let script = keap_then(&[
        ("Try the sign-in again? [Y/n]: ", "n"),
        ("Change the settings? [Y/n]: ", "no"),
    ]);
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::Denies],
    )
    .await;
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert_eq!(run.code(), exit::OAUTH_FAILED, "{}", run.stderr);
    let message = &run.result.as_ref().unwrap_err().message;
    assert!(message.contains("nothing was created"), "{message}");
    assert!(run.stdout.is_empty());
}

/// After a denial the settings can be changed instead: the form comes
/// back with every answer as what Enter keeps, and the next link carries
/// the new value.
#[tokio::test(flavor = "multi_thread")]
async fn after_a_denial_the_settings_can_be_changed_and_signed_in_again() {
    let script = keap_then(&[
        ("Try the sign-in again? [Y/n]: ", "n"),
        ("Change the settings? [Y/n]: ", "y"),
        ("Client ID (required; e.g.", "keap-client-2"),
        ("Callback URL (", ""),
        ("Document tagging (optional; y or n; Enter keeps yes", ""),
        ("Change the advanced settings? [y/N]: ", ""),
        ("Instance name (Enter keeps keap-shop", ""),
        ("Tags, separated by commas", ""),
        CREATE_AND_KEEP_THE_CLIPBOARD[0],
        CREATE_AND_KEEP_THE_CLIPBOARD[1],
    ]);
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        // Enter keeps the secret given first.
        &["keap-client-s3cret", ""],
        &[Person::Denies, Person::Allows],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(run.opened[1].contains("client_id=keap-client-2"));
    assert!(run.secrets_asked[1].contains("Enter keeps the one given"));
}

#[tokio::test(flavor = "multi_thread")]
async fn declining_to_create_ends_with_nothing_created() {
    let script = keap_then(&[
        ("Create this instance now? [Y/n]: ", "n"),
        ("Change the settings? [Y/n]: ", "n"),
    ]);
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::Allows],
    )
    .await;
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert_eq!(run.code(), exit::INTERRUPTED, "{}", run.stderr);
    assert!(run.stderr.contains("Nothing was created."));
    assert!(run.stdout.is_empty());
}

/// Ecwid with its keys, from the element question to the end.
const ECWID: [(&str, &str); 8] = [
    ("Element (number, key or part of a name): ", "ecwid"),
    (
        "Sign-in kind (required; 1 custom, 2 oauth2; Enter keeps custom): ",
        "",
    ),
    ("Store ID (required; e.g. 1003): ", "1003"),
    ("Change the advanced settings? [y/N]: ", ""),
    ("Instance name (Enter keeps", ""),
    ("Tags, separated by commas", ""),
    ("Create this instance now? [Y/n]: ", ""),
    ("Copy the token to the clipboard? [y/N]: ", ""),
];

/// A platform (the sandbox on its own port) and a connection to it that
/// has no secrets yet.
fn platform_without_secrets() -> (Sandbox, Connection) {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let conn = Connection {
        environment: Environment::Custom(sb.base_url()),
        user_secret: None,
        org_secret: None,
        sandbox: None,
        request_timeout: Duration::from_secs(30),
        profile: None,
    };
    (sb, conn)
}

/// Without secrets and without saved profiles, both secrets are asked
/// without echo, each checked as the wizard checks it; secrets the
/// platform refuses are asked again, and ones that work may be remembered.
#[tokio::test(flavor = "multi_thread")]
async fn missing_secrets_are_asked_checked_and_asked_again_when_refused() {
    let (sb, conn) = platform_without_secrets();
    let script: Vec<(&str, &str)> = [(
        "Remember the environment and these secrets under a profile name? [y/N]: ",
        "n",
    )]
    .into_iter()
    .chain(ECWID)
    .collect();
    let secrets = [
        "",
        "wrong-user",
        "wrong-org",
        sb.user_secret(),
        sb.org_secret(),
        "order-key",
        "product-key",
    ];
    let run = transcript_on(
        sandbox_globals(),
        Some((conn, vec![])),
        false,
        &script,
        &secrets,
        &[],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(run.stderr.contains("No Cloud Elements secrets yet"));
    assert!(!run.stderr.contains("saved profiles:"), "none to offer");
    assert!(
        run.stderr
            .contains("Error: User secret is required: copy it from your profile"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.count("Error: the connection failed"),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Connected: "), "{}", run.stderr);
    let asked: Vec<&str> = run
        .secrets_asked
        .iter()
        .map(|p| p.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        asked,
        [
            "User",
            "User",
            "Organization",
            "User",
            "Organization",
            "Order",
            "Product"
        ]
    );
    for secret in [sb.user_secret(), sb.org_secret(), "wrong-user", "wrong-org"] {
        assert!(!run.stderr.contains(secret), "{secret} was shown");
    }
    assert_eq!(sb.instances().len(), 1);
}

/// Saved profiles are offered by number or name; the one picked brings its
/// environment and secrets, and nothing is offered to be remembered.
#[tokio::test(flavor = "multi_thread")]
async fn a_saved_profile_is_picked_by_name_after_a_wrong_number() {
    let (sb, conn) = platform_without_secrets();
    let acme = SavedProfile {
        name: "acme".into(),
        environment: Environment::Custom(sb.base_url()),
        secrets: Some((Secret::new(sb.user_secret()), Secret::new(sb.org_secret()))),
        problem: None,
    };
    let locked = SavedProfile {
        name: "old".into(),
        environment: Environment::Production,
        secrets: None,
        problem: Some("the keyring did not answer".into()),
    };
    let question = "Profile (number or name; Enter alone to type the secrets instead): ";
    let script: Vec<(&str, &str)> = [(question, "7"), (question, "ACME")]
        .into_iter()
        .chain(ECWID)
        .collect();
    let run = transcript_on(
        sandbox_globals(),
        Some((conn, vec![acme, locked])),
        false,
        &script,
        &["order-key", "product-key"],
        &[],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert!(run.stderr.contains("2 saved profiles:"), "{}", run.stderr);
    assert!(run.stderr.contains("1. acme: "), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("secrets unreadable: the keyring did not answer"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("Error: Profile: there is no number 7 in the list; type a number from 1 to 2."));
    assert!(run.stderr.contains("Profile: acme."));
    assert!(!run.stderr.contains("Remember the environment"));
    assert_eq!(run.secrets_asked.len(), 2, "only the element's keys");
    assert_eq!(sb.instances().len(), 1);
}

/// A name of digits only is refused with what to change, and asked again.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_of_digits_only_is_asked_again_with_what_to_change() {
    let script: Vec<(&str, &str)> = KEAP[..5]
        .iter()
        .copied()
        .chain([
            ("Instance name (Enter keeps", "1000"),
            ("Instance name (Enter keeps", "keap 1000"),
            ("Tags, separated by commas", ""),
        ])
        .chain(CREATE_AND_KEEP_THE_CLIPBOARD)
        .collect();
    let run = transcript(
        globals(Duration::from_secs(60)),
        false,
        &script,
        &["keap-client-s3cret"],
        &[Person::Allows],
    )
    .await;
    assert_eq!(run.code(), exit::CREATED, "{}", run.stderr);
    assert!(run.unasked.is_empty(), "{:?}\n{}", run.unasked, run.stderr);
    assert_eq!(
        run.count("Instance name cannot be only digits"),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("e.g. \"shop 1000\""), "{}", run.stderr);
    assert!(run.stderr.contains("named \"keap 1000\""), "{}", run.stderr);
}
