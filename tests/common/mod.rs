//! Helpers shared by the wizard's integration tests.
#![allow(dead_code)]

pub mod browser;
pub mod pty;
