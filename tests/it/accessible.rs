//! The accessible mode end to end in a real pseudo-terminal: a whole create
//! read as a transcript, with the raw bytes checked for anything a screen
//! reader would trip on (cursor addressing, the alternate screen, spinner
//! frames) and for the secrets typed.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::browser::{consent, consent_and_return};
use common::pty::{keys, Pty};
use common::wizard::{assert_stored, Expected, Home, Wizard};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// Tall and wide: every line of the transcript stays on the screen whole.
fn accessible(sb: &Sandbox, home: &Home) -> Pty {
    Wizard::new(sb, home)
        .arg("--accessible")
        .size(400, 200)
        .spawn()
}

/// Every escape sequence in `raw` that moves the cursor, clears or switches
/// screens, or hides the cursor; and every spinner frame.
fn drawing_sequences(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == 0x1b && raw.get(i + 1) == Some(&b'[') {
            let start = i;
            let mut j = i + 2;
            while j < raw.len() && (0x20..=0x3f).contains(&raw[j]) {
                j += 1;
            }
            if let Some(&fin) = raw.get(j) {
                let params = String::from_utf8_lossy(&raw[start + 2..j]).to_string();
                let moves = b"ABCDEFGHJKSTdf".contains(&fin);
                let modes = matches!(fin, b'h' | b'l') && params.starts_with('?');
                if moves || modes {
                    found.push(format!("ESC[{params}{}", fin as char));
                }
            }
            i = j + 1;
            continue;
        }
        if raw[i] == 0x1b && matches!(raw.get(i + 1), Some(b'7') | Some(b'8')) {
            found.push("ESC 7/8 (save or restore the cursor)".into());
        }
        i += 1;
    }
    let text = String::from_utf8_lossy(raw);
    for spinner in ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏', '|', '\\']
    {
        // '|' and '\' only count as a spinner when they overwrite each
        // other in place (a carriage return between them).
        let frame = format!("\r{spinner}");
        if text.contains(spinner) && (spinner.len_utf8() > 1 || text.contains(&frame)) {
            found.push(format!("spinner frame {spinner:?}"));
        }
    }
    found
}

fn contains(raw: &[u8], needle: &str) -> bool {
    raw.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Answers the question `prompt` (waited for on screen) with `answer`.
fn answer(pty: &mut Pty, prompt: &str, answer: &str) {
    let asked = count(&pty.screen(), prompt);
    pty.wait_until(&format!("the question {prompt:?}"), |s| {
        count(s, prompt) > asked || (asked > 0 && last_line_asks(s, prompt))
    });
    pty.type_text(answer);
    pty.send(keys::ENTER);
}

fn count(screen: &str, text: &str) -> usize {
    screen.matches(text).count()
}

/// Whether the last line with text is the question, not yet answered.
fn last_line_asks(screen: &str, prompt: &str) -> bool {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.contains(prompt) && l.trim_end().ends_with(':'))
}

/// The line after the one holding `marker`.
fn line_after(screen: &str, marker: &str) -> Option<String> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains(marker))?;
    lines
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

/// Checks the end of a run: the token printed, exit 0, and a transcript
/// that only ever wrote lines.
fn finish(pty: &mut Pty, secrets: &[&str]) -> String {
    let token = pty.wait_value("the token", |s| {
        line_after(s, "Its token, on the next line:")
    });
    answer(pty, "Copy the token to the clipboard? [y/N]", "n");
    assert_eq!(pty.finish(), 0, "exit 0 after a create");
    let raw = pty.raw_output();
    let drawn = drawing_sequences(&raw);
    assert!(drawn.is_empty(), "drawing in the transcript: {drawn:?}");
    for secret in secrets {
        assert!(!contains(&raw, secret), "the secret {secret} was shown");
    }
    assert!(contains(&raw, &token));
    token
}

#[test]
fn ecwid_with_a_validation_error_fixed_as_a_plain_transcript() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = accessible(&sb, &home);
    // Part of a name narrows the numbered list; a number then chooses.
    answer(&mut pty, "Element (number, key or part of a name):", "ecwi");
    let narrowed = pty.wait_for("1. Ecwid (ecwid)");
    assert!(
        narrowed.contains(" more: type part of a name"),
        "the whole list first:\n{narrowed}"
    );
    answer(&mut pty, "Element (number, key or part of a name):", "1");
    pty.wait_for("Element: Ecwid (ecwid)");

    // Enter keeps the default sign-in kind, the legacy keys.
    answer(
        &mut pty,
        "Sign-in kind (required; 1 custom, 2 oauth2; Enter keeps custom):",
        "",
    );
    answer(&mut pty, "Store ID (required; e.g. 1003):", "10O3");
    pty.wait_for("Error: Store ID must be digits only");
    answer(&mut pty, "Store ID (required; e.g. 1003):", "1003");
    answer(&mut pty, "Order API key (required", "order-key-s3cret");
    answer(&mut pty, "Product API key (required", "product-key-s3cret");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "");
    answer(&mut pty, "Instance name (Enter keeps", "ecwid-shop");
    answer(&mut pty, "Tags, separated by commas", "docs");
    let review = pty.wait_for("Create this instance now? [Y/n]:");
    assert!(
        review.contains("Review: a new Ecwid instance named \"ecwid-shop\"."),
        "{review}"
    );
    assert!(review.contains("Order API key: (hidden)"), "{review}");
    answer(&mut pty, "Create this instance now? [Y/n]:", "y");
    let token = finish(&mut pty, &["order-key-s3cret", "product-key-s3cret"]);
    // Created is not yet works: the transcript says the check's outcome.
    assert!(
        contains(
            &pty.raw_output(),
            "\"ecwid-shop\": works: the provider answered"
        ),
        "{}",
        String::from_utf8_lossy(&pty.raw_output())
    );
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "ecwid",
            name: "ecwid-shop",
            tags: &["docs"],
            configuration: &[
                ("authentication.type", "custom"),
                ("ecwid.store.id", "1003"),
                ("ecwid.order.key", "order-key-s3cret"),
                ("ecwid.product.key", "product-key-s3cret"),
            ],
        },
    );
}

/// Two lines pasted at one question, as a terminal hands them over (a
/// line per read): the first answers it, the transcript says the other
/// was dropped, and it never becomes the next answer (here a secret,
/// read without echo, where it would go unseen).
#[test]
fn a_two_line_paste_answers_one_question_only() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = accessible(&sb, &home);
    answer(
        &mut pty,
        "Element (number, key or part of a name):",
        "ecwid",
    );
    answer(
        &mut pty,
        "Sign-in kind (required; 1 custom, 2 oauth2; Enter keeps custom):",
        "",
    );
    pty.wait_for("Store ID (required; e.g. 1003):");
    pty.send(&format!("1003{}42{}", keys::ENTER, keys::ENTER));
    pty.wait_for(
        "Note: only the first line of what was pasted answers this question; the other line was dropped.",
    );
    answer(&mut pty, "Order API key (required", "order-key-s3cret");
    answer(&mut pty, "Product API key (required", "product-key-s3cret");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "");
    answer(&mut pty, "Instance name (Enter keeps", "pasted-shop");
    answer(&mut pty, "Tags, separated by commas", "");
    answer(&mut pty, "Create this instance now? [Y/n]:", "y");
    let token = finish(&mut pty, &["order-key-s3cret", "product-key-s3cret"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "ecwid",
            name: "pasted-shop",
            tags: &[],
            configuration: &[
                ("authentication.type", "custom"),
                ("ecwid.store.id", "1003"),
                ("ecwid.order.key", "order-key-s3cret"),
                ("ecwid.product.key", "product-key-s3cret"),
            ],
        },
    );
}

/// The OAuth element, through the listener (`paste` false) or through the
/// redirected address pasted at the prompt.
fn infusionsoft(paste: bool) {
    let sb = sandbox();
    let home = Home::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = accessible(&sb, &home);
    answer(
        &mut pty,
        "Element (number, key or part of a name):",
        "infusionsoftecommerce",
    );
    answer(&mut pty, "Client ID (required", "keap-client-id");
    answer(&mut pty, "Client secret (required", "keap-client-s3cret");
    let screen = pty.wait_for("Callback URL (");
    let callback = screen
        .lines()
        .find(|l| l.contains("Callback URL ("))
        .and_then(|l| l.split("Enter keeps ").nth(1))
        .map(|v| v.trim_end_matches([')', ':', ' ']).to_string())
        .expect("the listener's callback URL is the default");
    assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
    answer(&mut pty, "Callback URL (", "");
    answer(&mut pty, "Document tagging (optional; y or n", "y");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "n");
    answer(&mut pty, "Instance name (Enter keeps", "keap-shop");
    answer(&mut pty, "Tags, separated by commas", "");

    let link = pty.wait_value("the sign-in address", |s| {
        line_after(s, "The sign-in address:").filter(|l| l.starts_with("http"))
    });
    assert!(
        link.contains("client_id=keap-client-id") && link.contains("&state="),
        "{link}"
    );
    if paste {
        let redirected = rt.block_on(consent(&link, "allow"));
        pty.wait_for("paste it here and press Enter");
        pty.type_text(&redirected);
        pty.send(keys::ENTER);
    } else {
        assert_eq!(rt.block_on(consent_and_return(&link, "allow")), 200);
    }
    pty.wait_for("Authorized.");
    answer(&mut pty, "Create this instance now? [Y/n]:", "");
    let token = finish(&mut pty, &["keap-client-s3cret"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "infusionsoftecommerce",
            name: "keap-shop",
            tags: &[],
            configuration: &[
                ("oauth.api.key", "keap-client-id"),
                ("oauth.api.secret", "keap-client-s3cret"),
                ("oauth.callback.url", &callback),
                ("document.tagging", "true"),
            ],
        },
    );
}

#[test]
fn an_oauth_element_through_the_listener() {
    infusionsoft(false);
}

#[test]
fn an_oauth_element_through_the_pasted_address() {
    infusionsoft(true);
}

/// Ecwid's other sign-in kind, chosen at its question (devportal
/// `docs/elements/ecwid/ecwid-create-instance.md`): the legacy keys are
/// not asked, the sign-in runs through the listener, and the instance
/// signs in with OAuth 2.
#[test]
fn ecwid_signs_in_with_oauth2_when_chosen() {
    let sb = sandbox();
    let home = Home::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = accessible(&sb, &home);
    answer(
        &mut pty,
        "Element (number, key or part of a name):",
        "ecwid",
    );
    let element = pty.wait_for("Element: Ecwid (ecwid)");
    assert!(
        element.contains("Sign-in: keys or a password, or you allow access in your browser"),
        "{element}"
    );
    answer(&mut pty, "Sign-in kind (required; 1 custom, 2 oauth2", "2");
    answer(&mut pty, "Client ID (required", "ecwid-app");
    answer(&mut pty, "Client secret (required", "ecwid-app-s3cret");
    let screen = pty.wait_for("Callback URL (");
    let callback = screen
        .lines()
        .find(|l| l.contains("Callback URL ("))
        .and_then(|l| l.split("Enter keeps ").nth(1))
        .map(|v| v.trim_end_matches([')', ':', ' ']).to_string())
        .expect("the listener's callback URL is the default");
    answer(&mut pty, "Callback URL (", "");
    assert!(
        !pty.screen().contains("Store ID ("),
        "legacy keys are not asked"
    );
    answer(&mut pty, "Change the advanced settings? [y/N]:", "n");
    answer(&mut pty, "Instance name (Enter keeps", "ecwid-oauth");
    answer(&mut pty, "Tags, separated by commas", "");
    let link = pty.wait_value("the sign-in address", |s| {
        line_after(s, "The sign-in address:").filter(|l| l.starts_with("http"))
    });
    assert!(link.contains("client_id=ecwid-app"), "{link}");
    assert_eq!(rt.block_on(consent_and_return(&link, "allow")), 200);
    pty.wait_for("Authorized.");
    answer(&mut pty, "Create this instance now? [Y/n]:", "");
    let token = finish(&mut pty, &["ecwid-app-s3cret"]);
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "ecwid",
            name: "ecwid-oauth",
            tags: &[],
            configuration: &[
                ("authentication.type", "oauth2"),
                ("oauth.api.key", "ecwid-app"),
                ("oauth.api.secret", "ecwid-app-s3cret"),
                ("oauth.callback.url", &callback),
            ],
        },
    );
}

#[test]
fn the_token_goes_to_stdout_with_print_token_and_dumb_terminals_get_the_transcript() {
    let sb = sandbox();
    let home = Home::new();
    let out = home.join("token.txt");
    let mut pty = Wizard::new(&sb, &home)
        .env("TERM", "dumb")
        .arg("--print-token")
        .arg("--element")
        .arg("ecwid")
        .size(400, 200)
        .spawn_with_stdout_to(&out);
    pty.wait_for("accessible mode");
    answer(&mut pty, "Sign-in kind (required", "");
    answer(&mut pty, "Store ID (required; e.g. 1003):", "42");
    answer(&mut pty, "Order API key (required", "k1");
    answer(&mut pty, "Product API key (required", "k2");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "");
    answer(&mut pty, "Instance name (Enter keeps", "");
    answer(&mut pty, "Tags, separated by commas", "");
    answer(&mut pty, "Create this instance now? [Y/n]:", "yes");
    pty.wait_for("Its token is on standard output.");
    answer(&mut pty, "Copy the token to the clipboard? [y/N]:", "");
    assert_eq!(pty.finish(), 0);
    let token = std::fs::read_to_string(&out).unwrap();
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["token"].as_str().unwrap(), token.trim());
    assert!(drawing_sequences(&pty.raw_output()).is_empty());
}

#[test]
fn a_dumb_terminal_gets_no_escape_sequence_from_a_copy_only_the_token_in_words() {
    let sb = sandbox();
    let home = Home::new();
    // No DISPLAY (the environment is cleared): no system clipboard either.
    let mut pty = Wizard::new(&sb, &home)
        .env("TERM", "dumb")
        .arg("--element")
        .arg("ecwid")
        .size(400, 200)
        .spawn();
    pty.wait_for("accessible mode");
    answer(&mut pty, "Sign-in kind (required", "");
    answer(&mut pty, "Store ID (required; e.g. 1003):", "42");
    answer(&mut pty, "Order API key (required", "k1");
    answer(&mut pty, "Product API key (required", "k2");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "");
    answer(&mut pty, "Instance name (Enter keeps", "");
    answer(&mut pty, "Tags, separated by commas", "");
    answer(&mut pty, "Create this instance now? [Y/n]:", "yes");
    let token = pty.wait_value("the token", |s| {
        line_after(s, "Its token, on the next line:")
    });
    answer(&mut pty, "Copy the token to the clipboard? [y/N]:", "y");
    pty.wait_for("this terminal cannot be asked to; copy the token from the line above.");
    assert_eq!(pty.finish(), 0);
    let raw = pty.raw_output();
    assert!(
        !raw.contains(&0x1b),
        "an escape sequence reached a dumb terminal: {:?}",
        String::from_utf8_lossy(&raw)
    );
    assert!(contains(&raw, &token));
    assert_eq!(sb.instances()[0]["token"].as_str(), Some(token.as_str()));
}

#[test]
fn the_transcript_check_sees_what_the_full_screen_wizard_writes() {
    for drawn in [
        "\x1b[?1049h",
        "\x1b[5;1H",
        "\x1b[2A",
        "\x1b[C",
        "\x1b[2J",
        "\x1b[K",
        "\x1b[?25l",
        "wait ⠋",
    ] {
        assert_eq!(drawing_sequences(drawn.as_bytes()).len(), 1, "{drawn:?}");
    }
    assert!(drawing_sequences(b"plain line\r\n\x1b[1mbold\x1b[0m | a \\ b\r\n").is_empty());
}

/// The numbered list starts, as the wizard's does, with the bundled
/// elements, so a newcomer meets them first rather than among "300 more".
#[test]
fn the_list_starts_with_the_bundled_elements() {
    let sb = sandbox();
    let home = Home::new();
    let mut pty = accessible(&sb, &home);
    let screen = pty.wait_for("Element (number, key or part of a name):");
    for (n, line) in [
        "BigCommerce (bigcommerce)",
        "Ecwid (ecwid)",
        "Infusionsoft eCommerce (infusionsoftecommerce)",
        "Magento 2.0 (magentov20)",
        "Shopify (shopify)",
        "WooCommerce (legacy) (woocommerce)",
        "WooCommerce REST (woocommercerest)",
    ]
    .iter()
    .enumerate()
    {
        assert!(screen.contains(&format!("{}. {line}", n + 1)), "{screen}");
    }
    answer(&mut pty, "Element (number, key or part of a name):", "4");
    pty.wait_for("Element: Magento 2.0 (magentov20)");
}

/// `ACCESSIBLE` is read as other tools read it: `ACCESSIBLE=1`, the
/// documented switch, once made every command exit 2 (clap took only
/// true/false). A yes turns the mode on; no value breaks a command.
#[test]
fn the_accessible_switch_takes_the_usual_words_and_breaks_no_command() {
    use common::cli::{command, run};
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    for value in ["1", "yes", "TRUE", "0", "no", "false", ""] {
        let mut list = command(&sb, dir.path());
        list.env("ACCESSIBLE", value).args(["instances", "list"]);
        let out = run(list, "");
        assert_eq!(out.code, 0, "ACCESSIBLE={value:?}: {}", out.stderr);
        let mut elements = command(&sb, dir.path());
        elements.env("ACCESSIBLE", value).arg("elements");
        let out = run(elements, "");
        assert_eq!(out.code, 0, "ACCESSIBLE={value:?}: {}", out.stderr);
    }
    // Without a command, a yes starts the transcript, which ends at once
    // here: standard input is empty.
    for (value, on) in [("1", true), ("Yes", true), ("0", false), ("", false)] {
        let mut wizard = command(&sb, dir.path());
        wizard.env("ACCESSIBLE", value);
        let out = run(wizard, "");
        assert_eq!(
            out.stderr.contains("accessible mode: one question a line"),
            on,
            "ACCESSIBLE={value:?}: {}",
            out.stderr
        );
        assert_ne!(out.code, 0, "nothing was created: {}", out.stderr);
    }
}
