//! `create --batch` run in-process on the built-in sandbox, with stderr
//! taken for a terminal: the progress line and how often it is drawn.

use super::console::{Console, SystemBrowser, TerminalPrompter};
use super::fakes::{sandbox_globals as globals, Captured};
use super::{batch, CreateArgs, GlobalArgs};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_the_progress_line_is_drawn_at_most_ten_times_a_second() {
    let rows: String = (0..60)
        .map(|n| {
            format!(
                r#"{{"element": {{"key": "ecwid"}}, "name": "shop {n}", "configuration": {{"ecwid.store.id": "1003", "ecwid.order.key": "ok", "ecwid.product.key": "pk"}}}}"#
            ) + "\n"
        })
        .collect();
    let out = Captured::default();
    let err = Captured::default();
    let mut con = Console {
        input: Box::new(std::io::Cursor::new(rows.into_bytes())),
        output: Box::new(out.clone()),
        errors: Box::new(err.clone()),
        input_is_terminal: false,
        errors_is_terminal: true,
        remote: false,
        quiet_wait: Duration::from_secs(5),
        // Plain rows ask nothing and open nothing.
        prompter: Box::new(TerminalPrompter),
        browser: Box::new(SystemBrowser),
    };
    let args = CreateArgs {
        batch: Some("-".into()),
        jobs: 8,
        ..CreateArgs::default()
    };
    // Under eight clients the sandbox now and then leaves a few creates
    // unread until the client gives up on them; the check after a lost
    // answer finds nothing made and the row is sent again. A short
    // deadline keeps that to seconds.
    let g = GlobalArgs {
        request_timeout: Duration::from_secs(3),
        ..globals()
    };
    let started = Instant::now();
    let code = batch::run(&g, &args, &mut con).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(code, 0, "{}", err.text());
    let stderr = err.text();
    let drawn = stderr.matches("\r\x1b[2K[").count();
    assert!(stderr.contains("0/60 rows: 0 created"), "{stderr:?}");
    assert!(
        drawn as f64 <= elapsed.as_secs_f64() * 10.0 + 1.0,
        "{drawn} lines in {elapsed:?}"
    );
    // The line is taken off before the summary, and stdout holds JSON only.
    assert!(
        stderr.ends_with("\r\x1b[2KBatch: 60 created, 0 skipped (already on the account), 0 failed, 0 created but not working.\n"),
        "{stderr:?}"
    );
    let stdout = out.text();
    assert_eq!(stdout.lines().count(), 60);
    assert!(!stdout.contains('\x1b'));
}
