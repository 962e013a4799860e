//! Tests of the wizard without a terminal that cross its steps: journeys
//! driven through `update` by keys and results, and the screens no one
//! step owns. Also what all the wizard's tests share: `support` (builders,
//! keys, the screen as text) and `screens` (the snapshot sizes, builders
//! and `snap!`). A step's own tests and snapshots live in its folder under
//! `steps/`.

mod catalog;
mod flows;
mod footers;
mod help_overlay;
mod keys;
mod newcomer;
mod pasted;
mod provider_values;
mod recovery;
mod sandbox_runs;
pub(crate) mod screens;
mod signin;
mod snapshots;
pub(crate) mod support;
