//! `ce-wizard create --batch FILE` and `--batch-csv FILE`: many instances
//! from one file. Every row is checked as `create` checks one body before
//! anything is sent; names the account already has are skipped, so a batch
//! that stopped half-way is finished by running it again; rows without a
//! browser sign-in are sent a few at a time, OAuth rows one after another.
//! Stdout gets one JSON line per row as it ends; stderr the notes, the
//! sign-ins, a progress line on a terminal and the summary.

use super::authorize::OAuthSession;
use super::batch_progress::Progress;
use super::batch_rows::{self, Row, Status, MAX_BATCH_BYTES};
use super::console::Console;
use super::create::{self, Prepared, Specs, CREATE_BUDGET_TIMEOUTS};
use super::{inputs, report, resolve_connection, CreateArgs, Failure, GlobalArgs};
use crate::api::{create_within, ApiError, Client, CreateInstance, CreateOutcome, RetryPolicy};
use crate::exit;
use crate::flow;
use futures::StreamExt;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One row's end: its JSON line, and the exit code it stands for.
struct Ended {
    line: usize,
    name: String,
    id: Option<i64>,
    status: Status,
    reason: Option<String>,
    code: i32,
}

/// The JSON line of a row on stdout.
#[derive(Serialize)]
struct RowLine<'a> {
    line: usize,
    name: &'a str,
    id: Option<i64>,
    status: Status,
    reason: Option<&'a str>,
}

/// A row checked and ready to send.
struct Ready {
    line: usize,
    /// The name, cleaned for messages.
    shown: String,
    prepared: Prepared,
}

pub async fn run(g: &GlobalArgs, args: &CreateArgs, con: &mut Console) -> Result<i32, Failure> {
    let (path, is_csv) = match (&args.batch, &args.batch_csv) {
        (Some(p), _) => (p.as_str(), false),
        (None, Some(p)) => (p.as_str(), true),
        (None, None) => {
            return Err(Failure::invalid(
                "a batch needs --batch FILE or --batch-csv FILE",
            ))
        }
    };
    let flag = if is_csv { "--batch-csv" } else { "--batch" };
    let stdin_used = path == "-";
    let text = if stdin_used {
        inputs::read_limited_to(&mut con.input, "standard input", MAX_BATCH_BYTES)
    } else {
        std::fs::File::open(path)
            .map_err(|e| inputs::InputError(format!("cannot open {path}: {e}")))
            .and_then(|f| inputs::read_limited_to(f, path, MAX_BATCH_BYTES))
    }
    .map_err(|e| Failure::invalid(format!("{flag} {path}: {}", e.0)))?;
    let rows = if is_csv {
        batch_rows::csv(&text).map_err(|e| Failure::invalid(format!("{flag} {path}: {e}")))?
    } else {
        batch_rows::json_lines(&text)
    };
    if rows.is_empty() {
        return Err(Failure::invalid(format!(
            "{flag} {path} holds no rows; nothing was sent"
        )));
    }
    let total = rows.len();
    let conn = resolve_connection(g)?;
    if conn.sandbox.is_some() {
        con.say("Using the built-in sandbox: nothing leaves this machine.");
    }

    let (ready, invalid) = check_rows(g, con, rows, &conn).await?;
    for e in &invalid {
        con.say(format!(
            "line {}{}: {}",
            e.line,
            named(&e.name),
            e.reason.as_deref().unwrap_or_default()
        ));
    }
    if !invalid.is_empty() && !args.skip_invalid {
        return Err(Failure::invalid(format!(
            "{} of {total} rows cannot be sent (listed above), so nothing was sent. Fix them and run again, or add --skip-invalid to create the others",
            invalid.len()
        )));
    }
    let client = conn.client()?;
    let mut out = Outcomes::default();
    for e in invalid {
        out.print(con, e);
    }
    if args.dry_run {
        return Ok(dry_run(con, &client, &ready, out.code()));
    }

    // One listing, read whole or not at all: a part of it could make a
    // rerun create again what the first run made.
    let existing = match client.list_instances().await {
        Ok(list) => list,
        Err(e) => {
            return Err(Failure {
                code: exit::API_FAILED,
                message: format!(
                    "cannot read the account's whole instance list, so the names already there cannot be skipped; nothing was sent. {}\n  Check first with: ce-wizard instances list",
                    report::api_error(&e, None)
                ),
            })
        }
    };
    let mut by_name: HashMap<String, (i64, String)> = HashMap::new();
    for i in existing {
        by_name
            .entry(i.name.trim().to_string())
            .or_insert((i.id, i.element_key.clone()));
    }
    let (mut plain, mut oauth) = (Vec::new(), Vec::new());
    let mut progress = Progress::new(ready.len(), con.errors_is_terminal);
    for r in ready {
        match by_name.get(r.prepared.name.trim()) {
            Some((id, element)) => {
                let ended = Ended {
                    line: r.line,
                    name: r.shown.clone(),
                    id: Some(*id),
                    status: Status::Skipped,
                    reason: Some(format!(
                        "the account already has an instance named \"{}\" (ID {id}, element {})",
                        r.shown,
                        crate::sanitize::line(element)
                    )),
                    code: exit::CREATED,
                };
                progress.ended(ended.status);
                out.print(con, ended);
            }
            None if r.prepared.oauth => oauth.push(r),
            None => plain.push(r),
        }
    }
    crate::log::event(
        "batch",
        format!(
            "{total} rows: {} to send without a sign-in, {} with one, {} skipped",
            plain.len(),
            oauth.len(),
            out.ended.len()
        ),
    );

    let budget = g.request_timeout.mul_f64(CREATE_BUDGET_TIMEOUTS);
    let verify = !args.no_verify;
    let jobs = usize::from(args.jobs.max(1));
    {
        let client = &client;
        let mut running = futures::stream::iter(plain)
            .map(|r| async move {
                let body = r.prepared.body();
                let ended = match send(client, &body, budget).await {
                    Ok(outcome) => created(client, &r, &outcome, verify).await,
                    Err(e) => failed(&r, report::create_failed(&e, &r.prepared.spec, budget)),
                };
                ended
            })
            .buffer_unordered(jobs);
        progress.draw(con);
        while let Some(ended) = running.next().await {
            progress.ended(ended.status);
            progress.clear(con);
            out.print(con, ended);
            progress.draw(con);
        }
    }
    progress.clear(con);

    let pastes = (!stdin_used && !oauth.is_empty()).then(|| con.take_lines());
    let signins = oauth.len();
    for (n, r) in oauth.into_iter().enumerate() {
        con.say(format!(
            "Sign-in {} of {signins}: line {}, instance \"{}\" of {}. Sign in as the account this instance is for.",
            n + 1,
            r.line,
            r.shown,
            r.prepared.spec.name
        ));
        let ended = signed_in(g, con, &client, r, pastes.clone(), budget, verify).await;
        progress.ended(ended.status);
        out.print(con, ended);
    }
    con.say(out.summary());
    Ok(out.code())
}

fn named(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" (\"{name}\")")
    }
}

/// Every row met with its element's form, as `create` meets one body:
/// the ready ones, and those that cannot be sent with what to fix. A
/// failure that is not the row's (the catalog cannot be read) stops the
/// whole batch.
async fn check_rows(
    g: &GlobalArgs,
    con: &mut Console,
    rows: Vec<Row>,
    conn: &super::Connection,
) -> Result<(Vec<Ready>, Vec<Ended>), Failure> {
    let mut ready = Vec::new();
    let mut invalid = Vec::new();
    let mut specs = Specs::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let line = row.line;
        let bad = |name: &str, reason: String| Ended {
            line,
            name: name.to_string(),
            id: None,
            status: Status::Failed,
            reason: Some(reason),
            code: exit::INVALID_INPUT,
        };
        let draft = match row.draft {
            Ok(d) => d,
            Err(e) => {
                invalid.push(bad("", e));
                continue;
            }
        };
        let name = draft.name.as_deref().unwrap_or_default().trim().to_string();
        let shown = crate::sanitize::line(&name);
        if name.is_empty() {
            invalid.push(bad("", "the row has no name; give each row one, since a rerun skips the names already made and a row without one would be made again".into()));
            continue;
        }
        if let Some(first) = first_line.get(&name) {
            invalid.push(bad(
                &shown,
                format!("line {first} has the same name; give each row its own"),
            ));
            continue;
        }
        first_line.insert(name, line);
        // The notes `create` says about a body are said about this row.
        let notes = Notes::default();
        let stderr = std::mem::replace(&mut con.errors, Box::new(notes.clone()));
        let result =
            create::prepare(g, con, draft, false, &[], Some(conn.clone()), &mut specs).await;
        con.errors = stderr;
        for note in notes.lines() {
            con.say(format!("line {line}: {note}"));
        }
        match result {
            Ok((prepared, _)) => ready.push(Ready {
                line,
                shown,
                prepared,
            }),
            Err(f) if f.code == exit::INVALID_INPUT => {
                invalid.push(bad(&shown, row_problems(&f.message)))
            }
            Err(f) => return Err(f),
        }
    }
    Ok((ready, invalid))
}

/// `create`'s refusal of a body as a row's problems: the list alone, on
/// one line, each naming the setting to fix (the row's key, not a flag).
fn row_problems(message: &str) -> String {
    let list = message
        .split_once("Fix these and run again:\n")
        .map_or(message, |(_, list)| list);
    list.lines()
        .map(|l| l.trim().trim_start_matches("- ").replace("(--set ", "("))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a row's checks said on stderr, to say it again naming the row.
#[derive(Clone, Default)]
struct Notes(Arc<Mutex<Vec<u8>>>);

impl Notes {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Write for Notes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `--dry-run`: each row's request as a JSON line, secrets as the
/// variables the single dry run names, and nothing sent, not even the
/// listing of the account.
fn dry_run(con: &mut Console, client: &Client, ready: &[Ready], code: i32) -> i32 {
    #[derive(Serialize)]
    struct Planned<'a> {
        line: usize,
        name: &'a str,
        status: &'static str,
        sign_in: bool,
        request: serde_json::Value,
    }
    for r in ready {
        let p = &r.prepared;
        let planned = flow::curl::plan_named(
            &p.body(),
            client.base_url(),
            &|k| p.is_secret(k),
            &p.draft.env_names,
        );
        let request =
            serde_json::from_str(&planned.body).unwrap_or(serde_json::Value::String(planned.body));
        let _ = crate::sanitize::write_json(
            &mut con.output,
            &Planned {
                line: r.line,
                name: &r.shown,
                status: "dry-run",
                sign_in: p.oauth,
                request,
            },
            false,
        );
        let _ = writeln!(con.output);
    }
    let _ = con.output.flush();
    let signing = ready.iter().filter(|r| r.prepared.oauth).count();
    con.say(format!(
        "Dry run: nothing was sent. {} rows would be sent as shown ({signing} after a sign-in in the browser, which adds providerData); a real run first skips the names the account already has.",
        ready.len()
    ));
    code
}

/// `POST /instances` for one row, with `create`'s recovery of a lost
/// answer; a refusal that made nothing (429 with its `Retry-After`, 503, a
/// lost answer after which the list shows nothing) is tried again as reads
/// are.
async fn send(
    client: &Client,
    body: &CreateInstance,
    budget: Duration,
) -> Result<CreateOutcome, ApiError> {
    let policy = RetryPolicy::default();
    let mut failed = 0;
    loop {
        match create_within(client, body, Some(budget), |_| {}).await {
            Ok(outcome) => return Ok(outcome),
            Err(e) => {
                failed += 1;
                match wait_before_retry(&policy, failed, &e) {
                    Some(wait) => {
                        crate::log::event(
                            "batch",
                            format!("create refused ({e}); trying again in {wait:?}"),
                        );
                        tokio::time::sleep(wait).await
                    }
                    None => return Err(e),
                }
            }
        }
    }
}

/// The wait before trying a create again, when the failure says nothing
/// was made and the tries are not spent.
fn wait_before_retry(policy: &RetryPolicy, failed: u32, e: &ApiError) -> Option<Duration> {
    let nothing_made = matches!(e, ApiError::NothingCreated { .. })
        || matches!(e.status(), Some(429 | 503)) && !matches!(e, ApiError::OutcomeUnknown { .. });
    if !nothing_made {
        return None;
    }
    policy.wait_before_try(failed, e)
}

fn failed(r: &Ready, reason: String) -> Ended {
    Ended {
        line: r.line,
        name: r.shown.clone(),
        id: None,
        status: Status::Failed,
        reason: Some(reason),
        code: exit::API_FAILED,
    }
}

/// A made instance, checked unless `verify` is off.
async fn created(client: &Client, r: &Ready, outcome: &CreateOutcome, verify: bool) -> Ended {
    let instance = outcome.instance();
    let mut ended = Ended {
        line: r.line,
        name: r.shown.clone(),
        id: Some(instance.id),
        status: Status::Created,
        reason: outcome
            .recovered_from()
            .map(|cause| report::recovered(instance, cause)),
        code: exit::CREATED,
    };
    if !verify {
        return ended;
    }
    let broken = match flow::check::check_instance(client, instance.id).await {
        Ok(checked) if checked.outcome.is_failure() => Some(checked.outcome.summary()),
        Ok(_) => None,
        Err(e) => Some(format!(
            "checking that it works failed: {}",
            report::api_error(&e, None)
        )),
    };
    if let Some(why) = broken {
        ended.status = Status::CreatedBroken;
        ended.reason = Some(format!(
            "{why}; see ce-wizard instances test {}",
            instance.id
        ));
        ended.code = exit::CHECK_FAILED;
    }
    ended
}

/// An OAuth row: the sign-in `create` runs, then the create.
async fn signed_in(
    g: &GlobalArgs,
    con: &mut Console,
    client: &Client,
    mut r: Ready,
    pastes: Option<super::console::Lines>,
    budget: Duration,
    verify: bool,
) -> Ended {
    let fail = |r: &Ready, code: i32, reason: String| Ended {
        code,
        ..failed(r, reason)
    };
    let mut session = match OAuthSession::start(g, con, &r.prepared.values, false) {
        Ok(s) => s.with_pastes(pastes),
        Err(f) => return fail(&r, f.code, f.message),
    };
    if let Some(url) = session.listener_callback_url() {
        if !r.prepared.given.iter().any(|k| k == "oauth.callback.url") {
            r.prepared.values.set("oauth.callback.url", url);
        }
    }
    let mut body = r.prepared.body();
    let p = &r.prepared;
    match session.authorize(con, client, &p.spec, &p.values).await {
        Ok(grant) => body.provider_data = Some(grant),
        Err(f) => {
            session.finish();
            return fail(&r, f.failure.code, f.reason);
        }
    }
    let result = create::create_once(con, client, &body, budget).await;
    // Waits (bounded) for the browser to fetch the result page.
    let _ = tokio::task::spawn_blocking(move || session.finish()).await;
    match result {
        Ok(outcome) => created(client, &r, &outcome, verify).await,
        Err(e) => failed(&r, report::create_failed(&e, &p.spec, budget)),
    }
}

/// The rows ended so far, printed as they end.
#[derive(Default)]
struct Outcomes {
    ended: Vec<(usize, Status, i32)>,
}

impl Outcomes {
    fn print(&mut self, con: &mut Console, e: Ended) {
        let reason = e.reason.as_deref().map(crate::sanitize::line);
        let _ = crate::sanitize::write_json(
            &mut con.output,
            &RowLine {
                line: e.line,
                name: &e.name,
                id: e.id,
                status: e.status,
                reason: reason.as_deref(),
            },
            false,
        );
        let _ = writeln!(con.output);
        let _ = con.output.flush();
        self.ended.push((e.line, e.status, e.code));
    }

    fn count(&self, status: Status) -> usize {
        self.ended.iter().filter(|(_, s, _)| *s == status).count()
    }

    /// 0 when every row was created or skipped; else the code of the first
    /// row, in the file's order, that was not made (2 invalid, 3 refused, 4
    /// sign-in); else 5, some made are broken.
    fn code(&self) -> i32 {
        let mut ended = self.ended.clone();
        ended.sort_by_key(|(line, _, _)| *line);
        if let Some((_, _, code)) = ended.iter().find(|(_, s, _)| *s == Status::Failed) {
            return *code;
        }
        if self.count(Status::CreatedBroken) > 0 {
            return exit::CHECK_FAILED;
        }
        exit::CREATED
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "Batch: {} created, {} skipped (already on the account), {} failed, {} created but not working.",
            self.count(Status::Created),
            self.count(Status::Skipped),
            self.count(Status::Failed),
            self.count(Status::CreatedBroken)
        );
        if self.count(Status::Failed) > 0 {
            s.push_str(" Fix what the failed rows say and run the same command again: the rows already made are skipped.");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_refusals_that_made_nothing_are_tried_again() {
        let policy = RetryPolicy::default();
        let limited = ApiError::RateLimited {
            retry_after_secs: Some(2),
            request_id: None,
        };
        assert_eq!(
            wait_before_retry(&policy, 1, &limited),
            Some(Duration::from_secs(2))
        );
        assert_eq!(wait_before_retry(&policy, policy.tries, &limited), None);
        let too_long = ApiError::RateLimited {
            retry_after_secs: Some(3600),
            request_id: None,
        };
        assert_eq!(wait_before_retry(&policy, 1, &too_long), None);
        let refused = ApiError::from_response(400, r#"{"message":"bad"}"#);
        assert_eq!(wait_before_retry(&policy, 1, &refused), None);
        assert!(wait_before_retry(&policy, 1, &ApiError::from_response(503, "{}")).is_some());
        assert_eq!(wait_before_retry(&policy, 1, &ApiError::Timeout), None);
    }

    #[test]
    fn a_rows_problems_name_its_keys_not_flags() {
        assert_eq!(
            row_problems("cannot create the BigCommerce instance; nothing was sent. Fix these and run again:\n  - API token is required (--set password=…)\n  - Store URL is required (--set store.url=…)"),
            "API token is required (password=…); Store URL is required (store.url=…)"
        );
        assert_eq!(row_problems("unknown element 'x'"), "unknown element 'x'");
    }

    #[test]
    fn the_exit_code_is_the_first_row_not_made_then_a_broken_one() {
        let mut o = Outcomes::default();
        assert_eq!(o.code(), exit::CREATED);
        o.ended.push((4, Status::CreatedBroken, exit::CHECK_FAILED));
        o.ended.push((1, Status::Skipped, exit::CREATED));
        assert_eq!(o.code(), exit::CHECK_FAILED);
        o.ended.push((9, Status::Failed, exit::API_FAILED));
        o.ended.push((3, Status::Failed, exit::OAUTH_FAILED));
        assert_eq!(o.code(), exit::OAUTH_FAILED);
    }
}
