//! The wizard's time, as the last tick left it, and how much of it the
//! screen showed.
//!
//! A 100 ms tick turns the spinner and moves the seconds waited and the time
//! left to sign in. Most screens show none of that, and redrawing them on
//! every tick cost a frame's work and a write to the terminal ten times a
//! second while the person reads. Everything the screen shows of time is
//! read through a [`Reading`], which notes it, so the run loop redraws after
//! a tick only a frame that can have changed.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// How often a frame's look can change with time alone, by what it read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Moves {
    /// It read nothing of the clock: it looks the same after any tick.
    #[default]
    Never,
    /// It shows time to the minute ("updated 3 min ago"): redrawing it once
    /// a second is plenty.
    EverySecond,
    /// It shows the spinner or a count of seconds.
    EveryTick,
}

/// The wizard's time: that of the last tick, and how many ticks there were.
#[derive(Debug, Clone)]
pub struct Clock {
    now: Instant,
    ticks: u64,
}

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

impl Clock {
    pub fn new(now: Instant) -> Clock {
        Clock { now, ticks: 0 }
    }

    /// The time of the last tick.
    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    pub fn tick(&mut self, now: Instant) {
        self.now = now;
        self.ticks += 1;
    }
}

/// The clock as one frame reads it. It notes how much of time the frame
/// showed, so the run loop knows how often that frame can change; it lives
/// for the frame, outside the model, which drawing never writes.
#[derive(Debug)]
pub struct Reading<'a> {
    clock: &'a Clock,
    read: Cell<Moves>,
}

impl<'a> Reading<'a> {
    pub fn new(clock: &'a Clock) -> Self {
        Reading {
            clock,
            read: Cell::new(Moves::Never),
        }
    }

    /// The time of the last tick.
    pub fn now(&self) -> Instant {
        self.note(Moves::EveryTick);
        self.clock.now
    }

    /// The time of the last tick, for what is shown to the minute.
    pub fn now_for_minutes(&self) -> Instant {
        self.note(Moves::EverySecond);
        self.clock.now
    }

    /// The spinner's frame: it turns once a tick.
    pub fn spinner(&self) -> char {
        self.note(Moves::EveryTick);
        SPINNER[(self.clock.ticks % SPINNER.len() as u64) as usize]
    }

    /// How often the frame read so far can change with time alone.
    pub fn moves(&self) -> Moves {
        self.read.get()
    }

    fn note(&self, moves: Moves) {
        self.read.set(self.read.get().max(moves));
    }
}

impl Moves {
    /// Whether a frame that moves so, drawn at `drawn`, is to be drawn again
    /// at the tick of `now`.
    pub fn redraw_at(self, drawn: Instant, now: Instant) -> bool {
        match self {
            Moves::Never => false,
            Moves::EverySecond => now.saturating_duration_since(drawn) >= Duration::from_secs(1),
            Moves::EveryTick => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_noted_by_how_often_they_change() {
        let start = Instant::now();
        let mut clock = Clock::new(start);
        let frame = Reading::new(&clock);
        assert_eq!(frame.moves(), Moves::Never);
        assert_eq!(frame.now_for_minutes(), start);
        assert_eq!(frame.moves(), Moves::EverySecond);
        let first = frame.spinner();
        frame.now_for_minutes();
        assert_eq!(frame.moves(), Moves::EveryTick, "the most frequent wins");
        clock.tick(start + Duration::from_millis(100));
        let frame = Reading::new(&clock);
        assert_eq!(frame.moves(), Moves::Never, "each frame notes its own");
        assert_ne!(frame.spinner(), first, "the spinner turns each tick");
        assert_eq!(frame.now(), start + Duration::from_millis(100));
    }

    #[test]
    fn a_frame_is_redrawn_as_often_as_it_can_change() {
        let drawn = Instant::now();
        let later = |ms| drawn + Duration::from_millis(ms);
        assert!(!Moves::Never.redraw_at(drawn, later(60_000)));
        assert!(!Moves::EverySecond.redraw_at(drawn, later(900)));
        assert!(Moves::EverySecond.redraw_at(drawn, later(1000)));
        assert!(Moves::EveryTick.redraw_at(drawn, later(100)));
    }
}
