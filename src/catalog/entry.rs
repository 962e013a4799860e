//! Reading one entry of the platform's element metadata: its label and
//! help, and the options of a selection. The metadata walk and the sign-in
//! choice both read entries; neither imports the other for it.

use crate::api::ConfigEntry;
use serde_json::Value;
use std::collections::HashSet;

/// The label and help an entry gives, the key standing in for a missing
/// label.
pub fn label_and_help(key: &str, entry: Option<&ConfigEntry>) -> (String, String) {
    let label = entry
        .and_then(|e| e.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(key)
        .to_string();
    let help = entry
        .and_then(|e| e.description.as_deref())
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    (label, help)
}

/// The options of a `SELECTION` entry. The documentation does not fix their
/// shape, so several are accepted under `options`, `selectionOptions`,
/// `values` or `choices`: a list of strings or numbers; a list of objects
/// with `value` (or `key`, `id`, `name`, `label`); an object whose keys are
/// the values; or a comma-separated string (or a string holding any of these
/// as JSON).
pub fn selection_options(entry: &ConfigEntry) -> Vec<String> {
    let raw = ["options", "selectionOptions", "values", "choices"]
        .iter()
        .find_map(|name| entry.extra.get(*name).filter(|v| !v.is_null()));
    let mut out: Vec<String> = Vec::new();
    if let Some(raw) = raw {
        collect_options(raw, &mut out, 0);
    }
    let mut seen = HashSet::new();
    out.retain(|o| !o.is_empty() && seen.insert(o.clone()));
    out
}

fn collect_options(raw: &Value, out: &mut Vec<String>, depth: u8) {
    match raw {
        Value::Array(items) => {
            for item in items {
                if let Some(v) = option_value(item) {
                    out.push(v);
                }
            }
        }
        Value::Object(map) => out.extend(map.keys().map(|k| k.trim().to_string())),
        Value::String(s) => {
            let t = s.trim();
            match serde_json::from_str::<Value>(t) {
                Ok(inner @ (Value::Array(_) | Value::Object(_))) if depth == 0 => {
                    collect_options(&inner, out, depth + 1)
                }
                _ => out.extend(t.split([',', '|']).map(|p| p.trim().to_string())),
            }
        }
        _ => {}
    }
}

fn option_value(item: &Value) -> Option<String> {
    match item {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(map) => ["value", "key", "id", "name", "label"]
            .iter()
            .find_map(|k| map.get(*k).and_then(option_value)),
        _ => None,
    }
}
