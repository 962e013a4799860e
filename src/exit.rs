//! Process exit codes, the same for `create` and the wizard; documented in
//! `--help` and the README.

pub const CREATED: i32 = 0;
/// The input was invalid; nothing was sent.
pub const INVALID_INPUT: i32 = 2;
/// The API refused the request or could not be reached.
pub const API_FAILED: i32 = 3;
/// OAuth was denied, mismatched or timed out.
pub const OAUTH_FAILED: i32 = 4;
/// The instance was created (or re-authorized) but does not work: it is
/// broken or disabled (`instances test`, `create`'s check).
pub const CHECK_FAILED: i32 = 5;
/// Interrupted (Ctrl-C).
pub const INTERRUPTED: i32 = 130;

pub const HELP: &str = "Exit codes:
  0    created (or nothing to do)
  2    invalid input: nothing was sent
  3    the API refused the request or failed (message and requestId shown)
  4    OAuth denied, mismatched or timed out
  5    the instance exists but its check failed: broken or disabled (what to do is shown)
  130  interrupted";
