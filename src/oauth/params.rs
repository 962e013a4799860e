//! The element parameters an OAuth sign-in may send (a spec's
//! `oauth_params`, or given by hand): which names and values can go.

/// Query parameters the platform's OAuth calls take for themselves; an
/// element parameter of one of these names is never sent.
pub const RESERVED_PARAMS: &[&str] = &[
    "apiKey",
    "apiSecret",
    "callbackUrl",
    "state",
    "requestToken",
];

/// Longest element parameter value sent, in bytes.
pub const MAX_PARAM_VALUE_BYTES: usize = 2000;

/// Why a parameter given by hand cannot be sent, if it cannot.
pub fn check_param(name: &str, value: &str) -> Result<(), String> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "the OAuth parameter name \"{}\" must be 1 to 64 letters, digits, '.', '_' or '-'",
            crate::sanitize::line(name)
        ));
    }
    if RESERVED_PARAMS.contains(&name) {
        return Err(format!(
            "{name} is set by ce-wizard itself (from the form or the attempt); it cannot be given as an OAuth parameter"
        ));
    }
    if value.len() > MAX_PARAM_VALUE_BYTES || crate::sanitize::has_unsafe(value) {
        return Err(format!(
            "the value of the OAuth parameter {name} must be one line of at most {MAX_PARAM_VALUE_BYTES} bytes"
        ));
    }
    Ok(())
}
