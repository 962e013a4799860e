//! The progress line of `create --batch` on a terminal's stderr: rows done
//! of all, what became of them, the rate and the time left, redrawn at
//! most [`MAX_REDRAWS_PER_SECOND`] times a second; nothing at all when
//! stderr is not a terminal.

use super::batch_rows::Status;
use super::console::Console;
use std::io::Write;
use std::time::{Duration, Instant};

pub const MAX_REDRAWS_PER_SECOND: u32 = 10;

pub struct Progress {
    total: usize,
    done: usize,
    made: usize,
    skipped: usize,
    failed: usize,
    started: Instant,
    last_drawn: Option<Instant>,
    /// Whether a line is on the screen now.
    shown: bool,
    enabled: bool,
}

impl Progress {
    pub fn new(total: usize, enabled: bool) -> Progress {
        Progress {
            total,
            done: 0,
            made: 0,
            skipped: 0,
            failed: 0,
            started: Instant::now(),
            last_drawn: None,
            shown: false,
            enabled,
        }
    }

    pub fn ended(&mut self, status: Status) {
        self.done += 1;
        match status {
            Status::Created | Status::CreatedBroken => self.made += 1,
            Status::Skipped => self.skipped += 1,
            Status::Failed => self.failed += 1,
        }
    }

    /// Draws the line unless one was drawn less than a tenth of a second
    /// ago.
    pub fn draw(&mut self, con: &mut Console) {
        if let Some(line) = self.line_at(Instant::now()) {
            let _ = write!(con.errors, "\r\x1b[2K{line}");
            let _ = con.errors.flush();
            self.shown = true;
        }
    }

    /// Takes the line off the screen, before other output.
    pub fn clear(&mut self, con: &mut Console) {
        if self.shown {
            let _ = write!(con.errors, "\r\x1b[2K");
            let _ = con.errors.flush();
            self.shown = false;
        }
    }

    /// The line to draw at `now`, or `None` when it is not time to redraw.
    fn line_at(&mut self, now: Instant) -> Option<String> {
        let gap = Duration::from_secs(1) / MAX_REDRAWS_PER_SECOND;
        if !self.enabled || self.last_drawn.is_some_and(|t| now.duration_since(t) < gap) {
            return None;
        }
        self.last_drawn = Some(now);
        let elapsed = now.duration_since(self.started).as_secs_f64();
        let rate = if elapsed > 0.0 {
            self.done as f64 / elapsed
        } else {
            0.0
        };
        let left = self.total.saturating_sub(self.done);
        let eta = if rate > 0.0 && left > 0 {
            format!(", about {} s left", (left as f64 / rate).ceil() as u64)
        } else {
            String::new()
        };
        let width = 20;
        let filled = (self.done * width).checked_div(self.total).unwrap_or(width);
        Some(format!(
            "[{}{}] {}/{} rows: {} created, {} skipped, {} failed; {rate:.1}/s{eta}",
            "#".repeat(filled),
            "-".repeat(width - filled),
            self.done,
            self.total,
            self.made,
            self.skipped,
            self.failed
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_redraws_at_most_ten_times_a_second() {
        let mut p = Progress::new(2000, true);
        let t0 = p.started;
        let mut drawn = 0;
        for ms in 0..1000u64 {
            p.ended(Status::Created);
            if p.line_at(t0 + Duration::from_millis(ms)).is_some() {
                drawn += 1;
            }
        }
        assert_eq!(drawn, 10);
        let line = p.line_at(t0 + Duration::from_secs(2)).unwrap();
        assert_eq!(line, "[##########----------] 1000/2000 rows: 1000 created, 0 skipped, 0 failed; 500.0/s, about 2 s left");
    }

    #[test]
    fn it_draws_nothing_off_a_terminal_and_says_the_time_left() {
        let mut p = Progress::new(10, false);
        p.ended(Status::Skipped);
        assert_eq!(p.line_at(p.started + Duration::from_secs(1)), None);
        let mut p = Progress::new(10, true);
        p.ended(Status::Failed);
        p.ended(Status::Created);
        let line = p.line_at(p.started + Duration::from_secs(1)).unwrap();
        assert!(
            line.ends_with("2/10 rows: 1 created, 0 skipped, 1 failed; 2.0/s, about 4 s left"),
            "{line}"
        );
    }
}
