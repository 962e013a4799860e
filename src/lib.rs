//! ce-wizard: connect an account to Cloud Elements from the terminal.

pub mod api;
pub mod catalog;
pub mod child_env;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod environments;
pub mod exit;
pub mod flow;
pub mod form;
pub mod fsx;
pub mod harden;
pub mod html;
pub mod log;
pub mod oauth;
pub mod sanitize;
pub mod secret;
pub mod secret_store;
pub mod tui;

/// The platform emulator behind `--sandbox` and `ce-wizard sandbox`, a crate
/// of its own (`crates/sandbox`).
pub use ce_sandbox as sandbox;
