//! A form built from an element spec: its values, derived fields, validation,
//! and the configuration it turns into.

mod validate;
mod values;

pub use validate::{
    is_active, is_http_url, shape_warning, shape_warnings, suggested_url, template_keys, url_offer,
    validate, validate_field, validate_found_name, validate_name, validate_tags, FieldError,
    MAX_VALUE_CHARS,
};
pub use values::FormValues;

use crate::catalog::FieldSpec;
use crate::secret::Secret;
use std::collections::BTreeMap;

/// Values known from the run rather than typed, for `derive` templates.
#[derive(Debug, Clone, Default)]
pub struct DeriveContext {
    pub callback_url: Option<String>,
}

/// Fills a `derive` template such as `{store.url}/wc-api/v2`. `None` while a
/// placeholder it needs is still empty. A value's trailing `/` is dropped when
/// the template continues with `/`, so `https://a.com/` gives `https://a.com/wc-api/v2`.
pub fn derive_value(template: &str, values: &FormValues, ctx: &DeriveContext) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}')?;
        let name = &rest[start + 1..end];
        let value = match name {
            "callback_url" => ctx.callback_url.clone().unwrap_or_default(),
            key => values.get(key).trim().to_string(),
        };
        if value.is_empty() {
            return None;
        }
        rest = &rest[end + 1..];
        if rest.starts_with('/') {
            out.push_str(value.trim_end_matches('/'));
        } else {
            out.push_str(&value);
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Sets every derived field that the person has not edited (`edited` says
/// which keys they typed into) and every default that is still missing.
pub fn apply_defaults_and_derived(
    fields: &[FieldSpec],
    values: &mut FormValues,
    edited: &dyn Fn(&str) -> bool,
    ctx: &DeriveContext,
) {
    for f in fields {
        if let Some(t) = &f.derive {
            if !edited(&f.key) {
                match derive_value(t, values, ctx) {
                    Some(v) => values.set(f.key.clone(), v),
                    None => values.remove(&f.key),
                }
            }
        } else if let Some(d) = &f.default {
            if !values.contains(&f.key) {
                values.set(f.key.clone(), d.clone());
            }
        }
    }
}

/// Trims the surrounding white space the person cannot see. Returns the
/// labels of fields that changed so the caller can say so.
pub fn trim_values(fields: &[FieldSpec], values: &mut FormValues) -> Vec<String> {
    let mut trimmed = Vec::new();
    for f in fields {
        if f.kind.is_multiline() {
            continue;
        }
        let v = values.get(&f.key);
        if v.trim() != v {
            let t = v.trim().to_string();
            values.set(f.key.clone(), t);
            trimmed.push(f.label.clone());
        }
    }
    trimmed
}

/// The configuration to send: active fields with a value; advanced fields
/// only when they differ from their default, so an untouched form sends just
/// what the element's docs show.
pub fn configuration(fields: &[FieldSpec], values: &FormValues) -> BTreeMap<String, Secret> {
    let mut out = BTreeMap::new();
    for f in fields.iter().filter(|f| is_active(f, values)) {
        let v = values.get(&f.key).trim();
        if v.is_empty() {
            continue;
        }
        if f.advanced && f.default.as_deref() == Some(v) {
            continue;
        }
        out.insert(f.key.clone(), Secret::new(v));
    }
    // Values for keys the spec does not know (from an instance.json or --set)
    // are passed through: the platform is the judge of those.
    for (k, v) in values.iter() {
        if !fields.iter().any(|f| f.key == k) && !v.is_empty() {
            out.insert(k.to_string(), v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
