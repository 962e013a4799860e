//! The wizard's time, as the last tick left it, and how much of it the
//! screen showed.
//!
//! A 100 ms tick turns the spinner and moves the seconds waited and the time
//! left to sign in. Most screens show none of that, and redrawing them on
//! every tick cost a frame's work and a write to the terminal ten times a
//! second while the person reads. Everything the screen shows of time is
//! read through here, which notes the reading, so the run loop redraws after
//! a tick only a frame that can have changed.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// How often a frame's look can change with time alone, by what it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Moves {
    /// It read nothing of the clock: it looks the same after any tick.
    Never,
    /// It shows time to the minute ("updated 3 min ago"): redrawing it once
    /// a second is plenty.
    EverySecond,
    /// It shows the spinner or a count of seconds.
    EveryTick,
}

/// Interior mutability lets the renderer, which only borrows the model,
/// note what it read.
#[derive(Debug)]
pub struct Clock {
    now: Cell<Instant>,
    ticks: Cell<u64>,
    read: Cell<Moves>,
}

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

impl Clock {
    pub fn new(now: Instant) -> Clock {
        Clock {
            now: Cell::new(now),
            ticks: Cell::new(0),
            read: Cell::new(Moves::Never),
        }
    }

    /// The time of the last tick.
    pub fn now(&self) -> Instant {
        self.note(Moves::EveryTick);
        self.now.get()
    }

    /// The time of the last tick, for what is shown to the minute.
    pub fn now_for_minutes(&self) -> Instant {
        self.note(Moves::EverySecond);
        self.now.get()
    }

    /// The spinner's frame: it turns once a tick.
    pub fn spinner(&self) -> char {
        self.note(Moves::EveryTick);
        SPINNER[(self.ticks.get() % SPINNER.len() as u64) as usize]
    }

    pub fn tick(&self, now: Instant) {
        self.now.set(now);
        self.ticks.set(self.ticks.get() + 1);
    }

    /// What was read since the last call: called before and after a frame
    /// is drawn, how often that frame can change.
    pub fn take_read(&self) -> Moves {
        self.read.replace(Moves::Never)
    }

    fn note(&self, moves: Moves) {
        self.read.set(self.read.get().max(moves));
    }

    /// Puts the clock back where it was, for tests that look at a screen a
    /// moment later and then go on.
    #[cfg(test)]
    pub fn set(&self, now: Instant, ticks: u64) {
        self.now.set(now);
        self.ticks.set(ticks);
    }

    #[cfg(test)]
    pub fn ticks(&self) -> u64 {
        self.ticks.get()
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
        let clock = Clock::new(start);
        assert_eq!(clock.take_read(), Moves::Never);
        assert_eq!(clock.now_for_minutes(), start);
        assert_eq!(clock.take_read(), Moves::EverySecond);
        assert_eq!(clock.take_read(), Moves::Never, "taking the note clears it");
        let first = clock.spinner();
        clock.now_for_minutes();
        assert_eq!(
            clock.take_read(),
            Moves::EveryTick,
            "the most frequent wins"
        );
        clock.tick(start + Duration::from_millis(100));
        assert_eq!(clock.take_read(), Moves::Never, "a tick is not a reading");
        assert_ne!(clock.spinner(), first, "the spinner turns each tick");
        assert_eq!(clock.now(), start + Duration::from_millis(100));
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
