//! How results and failures are told on stderr.

use crate::api::{ApiError, Instance};
use crate::catalog::ElementSpec;

/// A platform error with everything support asks for, and advice.
pub fn api_error(e: &ApiError, spec: Option<&ElementSpec>) -> String {
    let mut out = format!("{e}");
    if let Some(id) = e.request_id() {
        out.push_str(&format!(
            "\n  request ID: {id} (quote it to Cloud Elements support)"
        ));
    }
    if let Some(p) = e.provider_message().filter(|p| !p.is_empty()) {
        out.push_str(&format!("\n  the provider said: {p}"));
    }
    if !e.missing_keys().is_empty() {
        let names: Vec<String> = e
            .missing_keys()
            .iter()
            .map(|k| match spec.and_then(|s| s.field(k)) {
                Some(f) => format!("{} ({k})", f.label),
                None => k.clone(),
            })
            .collect();
        out.push_str(&format!("\n  missing: {}", names.join(", ")));
    }
    out.push_str(&format!("\n  what to do: {}", e.advice()));
    out
}

pub fn created(instance: &Instance) -> String {
    let element = if instance.element_name.is_empty() {
        instance.element_key.clone()
    } else {
        instance.element_name.clone()
    };
    format!(
        "Created instance {} \"{}\" of {element}. The JSON on stdout holds its token (e.g. | jq -r .token).",
        instance.id, instance.name
    )
}

/// Said before [`created`] when the create's answer was lost and the
/// instance was found in the platform's list instead.
pub fn recovered(instance: &Instance, cause: &ApiError) -> String {
    format!(
        "note: the answer to the create was lost ({cause}), but the platform lists instance {} \"{}\" created just now: it was recovered, not created twice.",
        instance.id, instance.name
    )
}

/// A create that failed. When the platform answered neither the create nor
/// the check of its instance list within the create's budget, that comes
/// first, with whether trying again is safe (it is not known to be).
pub fn create_failed(e: &ApiError, spec: &ElementSpec, budget: std::time::Duration) -> String {
    let detail = api_error(e, Some(spec));
    match e {
        ApiError::OutcomeUnknown { cause, check, .. }
            if matches!(**cause, ApiError::Timeout) && matches!(**check, ApiError::Timeout) =>
        {
            format!(
                "the platform did not answer within {}: not the create, nor the check of its instance list. The instance may or may not have been made, so trying again is not known to be safe.\n  {detail}",
                humantime::format_duration(budget)
            )
        }
        _ => detail,
    }
}
