//! `ce-wizard instances test --all | --tag T | --element KEY | --status
//! invalid|disabled`: many instances checked at once (`flow::fleet`, at
//! most `--jobs` in flight). On a terminal a progress line on stderr,
//! redrawn at most ten times a second; then, on stdout, a summary with the
//! fix for each instance that does not work. `--json` prints one line per
//! instance instead, as each check ends.

use super::TestArgs;
use super::{api_failed, check_tag, connect, printable, resolve, target, tell, what_to_do};
use crate::api::Paging;
use crate::cli::{output, Failure, GlobalArgs};
use crate::exit;
use crate::flow::fleet::{self, Ended, Queued, Status};
use crate::flow::selection::Selection;
use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// The most checks `--jobs` lets run at once: past this a platform's rate
/// limit, not the client, sets the pace.
pub const MAX_JOBS: usize = 64;
/// The progress line is redrawn at most this often.
pub const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// `--jobs`: 1 to [`MAX_JOBS`].
pub fn jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!(
            "give how many checks run at once, 1 to {MAX_JOBS} (default {})",
            fleet::DEFAULT_JOBS
        )),
    }
}

fn selection(args: &TestArgs) -> Result<Selection, Failure> {
    if let Some(t) = &args.selection.tag {
        check_tag(t).map_err(Failure::invalid)?;
    }
    args.selection.selection()
}

pub async fn run(g: &GlobalArgs, args: &TestArgs) -> Result<i32, Failure> {
    let chosen = selection(args)?;
    let one = args
        .instance
        .as_deref()
        .map(|i| target(i, args.read_as.read_as()))
        .transpose()?;
    let (_conn, client) = connect(g).await?;
    let batch: Vec<Queued> = match &one {
        Some(t) => vec![Queued::from(&resolve(&client, t).await?)],
        None => {
            // Page by page, keeping of each chosen instance only what its
            // check reads: 10,000 of them whole would hold tens of MiB.
            let mut batch = Vec::new();
            let listed = client
                .for_each_instance_page(Paging::default(), |page| {
                    batch.extend(
                        page.instances
                            .iter()
                            .filter(|i| chosen.takes(i))
                            .map(Queued::from),
                    );
                    ControlFlow::Continue(())
                })
                .await
                .map_err(|e| api_failed("cannot list the instances to check", &e))?;
            if batch.is_empty() {
                eprintln!(
                    "0 of {} instances match: nothing to check.",
                    listed.instances
                );
                return Ok(exit::CREATED);
            }
            batch
        }
    };
    let total = batch.len();
    let terminal = std::io::stderr().is_terminal();
    // JSON lines on the same terminal would be torn by the redraws.
    let shown = terminal && !(args.json && std::io::stdout().is_terminal());
    let mut progress = Progress::new(total, shown.then(std::io::stderr), Instant::now());
    let mut tally = Tally::default();
    // Set when the output can no longer be written: the exit code then.
    let mut gone: Option<i32> = None;
    fleet::check_all(&client, batch, args.jobs, |ended| {
        progress.ended(Instant::now());
        if args.json {
            let line = format!(
                "{}\n",
                crate::sanitize::json_text(&json_line(&ended), false)
            );
            if let Err(e) = output::print_out(&line) {
                // A reader that went away (`| head`) is not a failure; the
                // checks it will not read are not made.
                gone = Some(output::printed(Err(e), "check results"));
                return ControlFlow::Break(());
            }
        }
        tally.add(ended);
        ControlFlow::Continue(())
    })
    .await;
    progress.clear();
    if let Some(code) = gone {
        return Ok(code);
    }
    let elapsed = progress.started.elapsed();
    if args.json {
        eprintln!("{}", tally.counts(elapsed));
    } else {
        let code = output::printed(
            output::print_out(&format!("{}\n", tally.summary(elapsed))),
            "check results",
        );
        if code != 0 {
            return Ok(code);
        }
    }
    Ok(tally.exit_code())
}

/// One instance's end for scripts.
pub fn json_line(e: &Ended) -> serde_json::Value {
    let fix = match &e.result {
        Ok(o) => what_to_do(o, e.instance.id),
        Err(_) => None,
    };
    serde_json::json!({
        "id": e.instance.id,
        "name": e.instance.name,
        "element": e.instance.element_key,
        "status": e.status().word(),
        "reason": e.reason(),
        "fix": fix,
    })
}

/// What the batch found, and the instances that need something done.
#[derive(Default)]
pub struct Tally {
    works: usize,
    broken: usize,
    disabled: usize,
    not_checked: usize,
    /// The platform could not be asked about some (not the element having
    /// no check).
    unasked: usize,
    /// Broken or disabled, and not checked, as each ended.
    failing: Vec<Ended>,
    unknown: Vec<Ended>,
}

impl Tally {
    pub fn add(&mut self, e: Ended) {
        match e.status() {
            Status::Works => self.works += 1,
            Status::Broken | Status::Invalid => {
                self.broken += 1;
                self.failing.push(e);
            }
            Status::Disabled => {
                self.disabled += 1;
                self.failing.push(e);
            }
            Status::NotChecked => {
                self.not_checked += 1;
                self.unasked += usize::from(e.result.is_err());
                self.unknown.push(e);
            }
        }
    }

    fn total(&self) -> usize {
        self.works + self.broken + self.disabled + self.not_checked
    }

    /// 5 when any is broken or disabled; else 3 when the platform could
    /// not be asked about some; else 0.
    pub fn exit_code(&self) -> i32 {
        if self.broken + self.disabled > 0 {
            exit::CHECK_FAILED
        } else if self.unasked > 0 {
            exit::API_FAILED
        } else {
            exit::CREATED
        }
    }

    /// One line: how many, how long, and the counts.
    pub fn counts(&self, elapsed: Duration) -> String {
        let n = self.total();
        format!(
            "Checked {n} instance{} in {:.1} s: {} work, {} broken, {} disabled, {} not checked.",
            if n == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            self.works,
            self.broken,
            self.disabled,
            self.not_checked
        )
    }

    /// The counts, then each broken or disabled instance with what fixes
    /// it, then those no check could tell about, each by ID.
    pub fn summary(&mut self, elapsed: Duration) -> String {
        let mut out = vec![self.counts(elapsed)];
        self.failing.sort_by_key(|e| e.instance.id);
        self.unknown.sort_by_key(|e| e.instance.id);
        for (heading, ends) in [
            ("Broken or disabled:", &self.failing),
            ("Not checked:", &self.unknown),
        ] {
            if ends.is_empty() {
                continue;
            }
            out.push(String::new());
            out.push(heading.into());
            for e in ends {
                out.extend(told(e).lines().map(|l| format!("  {l}")));
            }
        }
        out.join("\n")
    }
}

/// One instance's end for people: what was found, and what to do.
fn told(e: &Ended) -> String {
    match &e.result {
        Ok(o) => tell(o, &e.instance),
        Err(_) => format!(
            "Instance {} \"{}\": not checked: {}",
            e.instance.id,
            printable(&e.instance.name),
            printable(&e.reason())
        ),
    }
}

/// The progress line on a terminal (`out` is `None` elsewhere).
pub struct Progress<W: Write> {
    out: Option<W>,
    total: usize,
    done: usize,
    started: Instant,
    drawn_at: Option<Instant>,
    /// Whether a line is on the screen, to erase before other output.
    showing: bool,
}

impl<W: Write> Progress<W> {
    pub fn new(total: usize, out: Option<W>, now: Instant) -> Self {
        let mut p = Progress {
            out,
            total,
            done: 0,
            started: now,
            drawn_at: None,
            showing: false,
        };
        p.draw(now);
        p
    }

    /// One more ended; redrawn when [`REDRAW_EVERY`] has passed since the
    /// last drawing, or when it was the last.
    pub fn ended(&mut self, now: Instant) {
        self.done += 1;
        let due = self
            .drawn_at
            .is_none_or(|at| now.saturating_duration_since(at) >= REDRAW_EVERY);
        if due || self.done == self.total {
            self.draw(now);
        }
    }

    fn draw(&mut self, now: Instant) {
        let Some(out) = self.out.as_mut() else { return };
        let text = line(
            self.done,
            self.total,
            now.saturating_duration_since(self.started),
        );
        let _ = write!(out, "\r\x1b[2K{text}");
        let _ = out.flush();
        self.drawn_at = Some(now);
        self.showing = true;
    }

    /// Erases the line, so that other output starts at the line's start.
    pub fn clear(&mut self) {
        if !self.showing {
            return;
        }
        if let Some(out) = self.out.as_mut() {
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
        self.showing = false;
        // Drawn again at the next end.
        self.drawn_at = None;
    }
}

/// Ctrl-C drops the run mid-way: the line goes with it, so that the
/// "interrupted" after it starts a clean line.
impl<W: Write> Drop for Progress<W> {
    fn drop(&mut self) {
        self.clear();
    }
}

/// `[#######·············]  120/500 checked, 380 left, 95/s, about 4 s left`
pub fn line(done: usize, total: usize, elapsed: Duration) -> String {
    const WIDTH: usize = 20;
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let bar: String = "#".repeat(filled) + &"·".repeat(WIDTH - filled);
    let left = total.saturating_sub(done);
    let secs = elapsed.as_secs_f64();
    let mut s = format!("[{bar}]  {done}/{total} checked, {left} left");
    if done > 0 && secs > 0.0 {
        let rate = done as f64 / secs;
        let shown = if rate >= 10.0 {
            format!("{rate:.0}")
        } else {
            format!("{rate:.1}")
        };
        s.push_str(&format!(", {shown}/s"));
        if left > 0 {
            s.push_str(&format!(", about {} left", duration(left as f64 / rate)));
        }
    }
    s
}

/// `4 s`, `2 min 5 s`, `1 h 3 min`.
fn duration(secs: f64) -> String {
    let s = secs.ceil() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests;
