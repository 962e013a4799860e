//! Reusable pieces of the wizard's screens.

pub mod draw;
pub mod text_field;

pub use text_field::{EditOp, TextField};
