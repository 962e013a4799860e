//! Evidence tests for the `oauth` rules (see `evidence/mod.rs`).
