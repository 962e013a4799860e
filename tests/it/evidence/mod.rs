//! Evidence tests: each rule of `shared/docs/cloud-elements-api.md` that
//! was corrected from the platform's own code has a test here that names its
//! evidence (`owner/repo:path` in a public repository) and checks both
//! sides of the wire: the client's reading of a fixture written from that
//! evidence, and the sandbox's answer to the same call. A change to either
//! side that drifts from the evidence breaks one of them.
//!
//! One file per group of rules:
//! - `shapes`: answer and body shapes (configuration metadata, empty lists,
//!   documented create bodies, masked lists);
//! - `oauth`: the OAuth calls and what the redirect carries;
//! - `signin`: elements with several sign-in kinds, the bundled specs;
//! - `lifecycle`: re-authorization and the health check.

mod lifecycle;
mod oauth;
mod shapes;
mod signin;
