//! ce-wizard: connect an account to Cloud Elements from the terminal.

pub mod api;
pub mod catalog;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod exit;
pub mod flow;
pub mod form;
pub mod html;
pub mod log;
pub mod oauth;
pub mod sandbox;
pub mod secret;
pub mod tui;
