//! Evidence tests for the `lifecycle` rules (see `evidence/mod.rs`).
