//! Tests of the wizard without a terminal that cross its steps: journeys
//! driven through `update` by keys and results, the screens of every step
//! rendered into a `TestBackend`, and the support all the wizard's tests
//! share. A step's own tests live in its folder under `steps/`.

mod catalog;
mod flows;
mod footers;
mod help_overlay;
mod newcomer;
mod pasted;
mod provider_values;
mod recovery;
mod sandbox_runs;
pub(crate) mod screens;
mod signin;
mod snapshots;
pub(crate) mod support;
