//! Tests of the wizard without a terminal: `update` driven by keys and
//! results, and the screens rendered into a `TestBackend`.

mod authorize_screen;
mod catalog;
mod configure_form;
mod creating;
mod element_screen;
mod flows;
mod footers;
mod help_overlay;
mod newcomer;
mod pasted;
mod provider_values;
mod recovery;
mod review_screen;
mod sandbox_checks;
mod sandbox_runs;
mod signin;
mod snapshots;
pub(crate) mod support;
