//! Field validation as pure functions. Every message names the field's label
//! and says what is expected, so it can stand alone in a footer or on stderr.

use super::values::FormValues;
use crate::catalog::{Entry, FieldKind, FieldSpec};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub label: String,
    pub message: String,
}

/// Whether the field applies given the other values (its `when` condition).
pub fn is_active(field: &FieldSpec, values: &FormValues) -> bool {
    match field.condition() {
        None => true,
        Some((key, expected)) => values.get(key).trim().eq_ignore_ascii_case(expected),
    }
}

/// The longest value any field takes when its spec sets no limit: far above
/// any real setting (a PEM certificate is a few KiB), low enough that a
/// wrong file or a runaway paste is caught before it is sent.
pub const MAX_VALUE_CHARS: usize = 16 * 1024;

fn one_line_problem(value: &str) -> Option<&'static str> {
    if value.contains(['\n', '\r']) {
        Some("must be on one line (remove the line breaks)")
    } else if value.contains('\t') {
        Some("must not contain tabs")
    } else if value.chars().any(char::is_control) {
        Some("contains control characters (an escape sequence was probably pasted); retype it")
    } else if value.chars().any(crate::sanitize::is_invisible_format) {
        Some("contains invisible formatting characters (a right-to-left mark, zero-width space or similar, often copied along from web pages); retype it")
    } else {
        None
    }
}

fn example_suffix(field: &FieldSpec) -> String {
    match &field.example {
        Some(e) if !field.is_secret() => format!(", e.g. {e}"),
        _ => String::new(),
    }
}

/// Checks one value; `None` when it is acceptable. An empty optional field is
/// always acceptable.
pub fn validate_field(field: &FieldSpec, value: &str) -> Option<String> {
    let label = &field.label;
    let v = value.trim();
    if v.is_empty() {
        return field
            .required
            .then(|| format!("{label} is required{}", example_suffix(field)));
    }
    let max = field.max_length.unwrap_or(MAX_VALUE_CHARS);
    let n = value.chars().count();
    if n > max {
        return Some(format!(
            "{label} must be at most {max} characters (it has {n})"
        ));
    }
    if !field.kind.is_multiline() {
        if let Some(problem) = one_line_problem(v) {
            return Some(format!("{label} {problem}"));
        }
    }
    match field.kind {
        FieldKind::Url => {
            if !is_http_url(v) {
                let hint = match suggested_url(field, v) {
                    Some(s) => format!("; with its scheme: {s}"),
                    None => example_suffix(field),
                };
                return Some(format!(
                    "{label} must be an https:// or http:// URL with a host{hint}"
                ));
            }
        }
        FieldKind::Boolean => {
            if v != "true" && v != "false" {
                return Some(format!("{label} must be true or false"));
            }
        }
        FieldKind::Choice => {
            if !field.choices.iter().any(|c| c == v) {
                return Some(format!(
                    "{label} must be one of: {}",
                    field.choices.join(", ")
                ));
            }
        }
        FieldKind::Integer => {
            let range = match (field.min, field.max) {
                (Some(a), Some(b)) => format!(" from {a} to {b}"),
                (Some(a), None) => format!(" of at least {a}"),
                (None, Some(b)) => format!(" of at most {b}"),
                (None, None) => String::new(),
            };
            let ok = v.parse::<i64>().ok().is_some_and(|n| {
                field.min.is_none_or(|a| n >= a) && field.max.is_none_or(|b| n <= b)
            });
            if !ok {
                return Some(format!("{label} must be a whole number{range}"));
            }
        }
        FieldKind::Text | FieldKind::Secret | FieldKind::Textarea => {}
    }
    if field.pattern.as_deref() == Some("^[0-9]+$") && !v.chars().all(|c| c.is_ascii_digit()) {
        let hint = field.pattern_hint.as_deref().unwrap_or("digits only");
        return Some(format!("{label} must be {hint}{}", example_suffix(field)));
    }
    None
}

/// How an offered address reads wherever Enter takes it (Connection,
/// Configure, accessible mode): no `?` right after a URL, where it would
/// read as the start of a query string.
pub fn url_offer(url: &str) -> String {
    format!("{url} — Enter accepts")
}

/// The address a URL typed without its scheme most likely means:
/// `shop.example.com` gives `https://shop.example.com` (`http://` for this
/// machine, where a local server rarely has a certificate). `None` when the
/// value has a scheme already, or is not a host name even with one (a
/// half-typed `shop` has no dot yet, so nothing is offered for it).
pub fn suggested_url(field: &FieldSpec, value: &str) -> Option<String> {
    let v = value.trim();
    if !field.kind.is_url()
        || v.is_empty()
        || v.contains("://")
        || v.starts_with('/')
        || v.contains(char::is_whitespace)
        || one_line_problem(v).is_some()
        || crate::sanitize::has_unsafe(v)
    {
        return None;
    }
    let local = |u: &url::Url| match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    let parsed = url::Url::parse(&format!("https://{v}")).ok()?;
    let named = match parsed.host()? {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost")
                || d.split('.').filter(|label| !label.is_empty()).count() >= 2
        }
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => true,
    };
    if !named {
        return None;
    }
    let scheme = if local(&parsed) { "http" } else { "https" };
    let suggestion = format!("{scheme}://{v}");
    is_http_url(&suggestion).then_some(suggestion)
}

/// A value that passes validation but not of the shape the element's docs
/// describe (`usual_prefix`, `usual_suffix` in its spec): what to check.
/// Never an error: the docs describe the usual case, and the value is
/// sent as it is.
pub fn shape_warning(field: &FieldSpec, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || validate_field(field, value).is_some() {
        return None;
    }
    let label = &field.label;
    // A checkbox the element requires, on by default, is required on
    // (Magento's "Sign in as an admin user"): turned off, the form still
    // takes it, but says so.
    if field.kind.entry() == Entry::Toggle
        && field.required
        && field.default.as_deref() == Some("true")
        && v == "false"
    {
        return Some(format!(
            "{label} is usually on; it will be sent as off, so check it"
        ));
    }
    let shape = if let Some(p) = field.usual_prefix.as_deref().filter(|p| !v.starts_with(p)) {
        format!("starts with {p}")
    } else if let Some(s) = field.usual_suffix.as_deref().filter(|s| !v.ends_with(s)) {
        format!("ends in {s}")
    } else {
        return None;
    };
    Some(format!(
        "{label} usually {shape}{}; it will be sent as it is, so check it",
        example_suffix(field)
    ))
}

/// Every shape warning of the form, in field order, for the fields in force.
pub fn shape_warnings(fields: &[FieldSpec], values: &FormValues) -> Vec<FieldError> {
    fields
        .iter()
        .filter(|f| is_active(f, values))
        .filter_map(|f| {
            shape_warning(f, values.get(&f.key)).map(|message| FieldError {
                key: f.key.clone(),
                label: f.label.clone(),
                message,
            })
        })
        .collect()
}

pub fn is_http_url(v: &str) -> bool {
    // The URL parser repairs `http:///x` into host `x`; a person who typed
    // that most likely forgot the host, so the literal shape is checked too.
    let literal_host = v
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    if !literal_host {
        return false;
    }
    match url::Url::parse(v) {
        Ok(u) => {
            (u.scheme() == "http" || u.scheme() == "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && !v.contains(char::is_whitespace)
        }
        Err(_) => false,
    }
}

/// Every error of the form at once, in field order. Fields whose `when`
/// condition is off are not checked: they will not be sent.
///
/// A derived field is not blamed while a field it derives from is itself
/// invalid: the person has one thing to fix, and it is the source.
pub fn validate(fields: &[FieldSpec], values: &FormValues) -> Vec<FieldError> {
    let errors: Vec<FieldError> = fields
        .iter()
        .filter(|f| is_active(f, values))
        .filter_map(|f| {
            validate_field(f, values.get(&f.key)).map(|message| FieldError {
                key: f.key.clone(),
                label: f.label.clone(),
                message,
            })
        })
        .collect();
    let failed: Vec<String> = errors.iter().map(|e| e.key.clone()).collect();
    errors
        .into_iter()
        .filter(|e| {
            let template = fields
                .iter()
                .find(|f| f.key == e.key)
                .and_then(|f| f.derive.as_deref());
            !template.is_some_and(|t| template_keys(t).any(|k| failed.iter().any(|f| f == k)))
        })
        .collect()
}

/// The names a `derive` template refers to: `{store.url}/x` gives `store.url`.
pub fn template_keys(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Validation of a name given to an instance (created or renamed): a name
/// of digits only is refused besides what [`validate_found_name`] refuses,
/// since `ce-wizard instances` reads digits as an ID, and two instances, one
/// with the ID 42 and one named "42" (or "0042"), could be taken one for
/// the other.
pub fn validate_name(name: &str) -> Option<String> {
    validate_found_name(name).or_else(|| {
        let n = name.trim();
        n.bytes().all(|b| b.is_ascii_digit()).then(|| {
            format!(
                "Instance name cannot be only digits: instance IDs are digits, and the name \"{n}\" would be mistaken for one; add a word or a letter, e.g. \"shop {n}\""
            )
        })
    })
}

/// What makes a name unusable even for an instance that already has it
/// (named elsewhere): empty, too long, or not one line of visible text.
pub fn validate_found_name(name: &str) -> Option<String> {
    let n = name.trim();
    if n.is_empty() {
        Some("Instance name is required".into())
    } else if n.chars().count() > 255 {
        Some("Instance name must be at most 255 characters".into())
    } else {
        one_line_problem(n).map(|p| format!("Instance name {p}"))
    }
}

/// Tags are free text separated by commas; each must be one line.
pub fn validate_tags(tags: &[String]) -> Option<String> {
    tags.iter()
        .find_map(|t| one_line_problem(t).map(|p| format!("Tag \"{}\" {p}", t.escape_debug())))
}
