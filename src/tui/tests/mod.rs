//! Tests of the wizard without a terminal: `update` driven by keys and
//! results, and the screens rendered into a `TestBackend`.

mod creating;
mod flows;
mod recovery;
mod snapshots;
pub(crate) mod support;
