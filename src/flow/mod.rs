//! What the two front ends, `ce-wizard create` and the wizard, do the same
//! way: one OAuth attempt from its authorization URL to the grant, the
//! create request built from a form, the default instance name, the walk
//! over an element's fields and the moves between them, and the check that
//! an instance works and that check over many instances at once (`fleet`),
//! an instance as printed, its secrets masked, and which instances a
//! command over many takes. Each front end keeps
//! only its own way of asking, showing and waiting.

pub mod check;
pub mod curl;
pub mod delete;
pub mod fields;
pub mod fleet;
pub mod masked;
pub mod names;
pub mod oauth;
pub mod reauth;
pub mod request;
pub mod selection;
