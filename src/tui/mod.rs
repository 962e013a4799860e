//! The terminal wizard, in the Elm architecture: an [`app::App`] model,
//! [`update::update`] turning actions into model changes and effects,
//! [`ui::render`] drawing the model, and a runner doing the effects' I/O in
//! tokio tasks that report back with actions.

pub mod action;
pub mod app;
pub mod connection;
pub mod effect;
pub mod form_state;
pub mod keymap;
pub mod picker;
pub mod theme;
pub mod update;
pub mod widgets;
pub mod ui;
