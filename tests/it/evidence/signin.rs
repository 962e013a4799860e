//! Evidence tests for the `signin` rules (see `evidence/mod.rs`).
