//! Helpers shared by the end-to-end tests: a pseudo-terminal with a
//! terminal emulator, the wizard started in it against a sandbox, the
//! person's browser (headless Chromium, or an HTTP client), and an X
//! display with its clipboard.
#![allow(dead_code)]

pub mod browser;
pub mod cli;
pub mod platform;
pub mod pty;
pub mod wizard;
pub mod x11;
