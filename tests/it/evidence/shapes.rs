//! Evidence tests for the `shapes` rules (see `evidence/mod.rs`).
