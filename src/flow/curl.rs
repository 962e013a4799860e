//! The create request as a script would send it: method, full URL, body
//! and the equivalent `curl`, with every secret as a shell variable and
//! never as its value, so the text can be shown, logged or pasted.

use crate::api::{shell_quote, CreateInstance};
use serde_json::{json, Map, Value};

/// Marks a variable's name inside the JSON text until it is written out:
/// a private-use character serde_json leaves as is and no setting needs.
const MARK: char = '\u{e000}';

/// The create request with its secrets as `$VARIABLES`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    pub method: &'static str,
    pub url: String,
    /// The JSON body, each secret shown as `"$NAME"`.
    pub body: String,
    /// A `curl` command that sends the same body, reading the account
    /// secrets and each element secret from the environment.
    pub curl: String,
    /// The variables the command reads, account secrets first.
    pub variables: Vec<String>,
}

/// The variable an element secret is read from: its key in capitals, every
/// other character an underscore (`oauth.api.secret` → `OAUTH_API_SECRET`).
pub fn secret_variable(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "CE_");
    }
    name
}

/// `POST {base}/instances` with `body`; keys `is_secret` names and all
/// provider data become variables.
pub fn plan(
    body: &CreateInstance,
    base_url: &str,
    is_secret: &dyn Fn(&str) -> bool,
) -> PlannedRequest {
    let mut variables = vec![
        crate::config::USER_SECRET_ENV.to_string(),
        crate::config::ORG_SECRET_ENV.to_string(),
    ];
    let mut value = |key: &str, v: &str, secret: bool| -> Value {
        if !secret {
            // A value holding the mark cannot forge a variable.
            return Value::String(v.replace(MARK, ""));
        }
        let var = secret_variable(key);
        if !variables.contains(&var) {
            variables.push(var.clone());
        }
        Value::String(format!("{MARK}{var}{MARK}"))
    };
    // A value given as JSON (an object, a boolean) is shown as it goes,
    // unless its key is secret: then it is a variable like any secret.
    let configuration: Map<String, Value> = body
        .configuration
        .iter()
        .map(|(k, v)| {
            let shown = match body.verbatim.configuration.get(k) {
                Some(given) if !is_secret(k) => unmarked(given),
                _ => value(k, v.expose(), is_secret(k)),
            };
            (k.clone(), shown)
        })
        .collect();
    let element = match &body.verbatim.element {
        Some(given) => unmarked(&Value::Object(given.clone())),
        None => json!({ "key": body.element.key.replace(MARK, "") }),
    };
    let mut json = json!({
        "element": element,
        "configuration": configuration,
    });
    if !body.tags.is_empty() {
        json["tags"] = json!(body
            .tags
            .iter()
            .map(|t| t.replace(MARK, ""))
            .collect::<Vec<_>>());
    }
    json["name"] = json!(body.name.replace(MARK, ""));
    if let Some(pd) = &body.provider_data {
        let pd: Map<String, Value> = pd
            .iter()
            .map(|(k, v)| (k.clone(), value(k, v.expose(), true)))
            .collect();
        json["providerData"] = Value::Object(pd);
    }
    for (k, v) in body.verbatim.extra_fields() {
        json[k.replace(MARK, "")] = unmarked(v);
    }
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    let url = format!("{}/instances", base_url.trim_end_matches('/'));
    let shown = unmark(&text, |var| format!("${var}"));
    // Inside the single-quoted body, each variable closes the quote, expands
    // double-quoted (no word splitting) and reopens it.
    let quoted = unmark(&shell_quote(&text), |var| format!("'\"${var}\"'"));
    let curl = format!(
        "curl -X POST \\\n  -H \"Authorization: User ${}, Organization ${}\" \\\n  -H 'Content-Type: application/json' \\\n  -d {quoted} \\\n  {}",
        crate::config::USER_SECRET_ENV,
        crate::config::ORG_SECRET_ENV,
        shell_quote(&url)
    );
    PlannedRequest {
        method: "POST",
        url,
        body: shown,
        curl,
        variables,
    }
}

/// `v` with the mark taken out of every string and key in it, so no value
/// given as JSON can forge a variable.
fn unmarked(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace(MARK, "")),
        Value::Array(items) => Value::Array(items.iter().map(unmarked).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.replace(MARK, ""), unmarked(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replaces each marked variable name with `write(name)`.
fn unmark(text: &str, write: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split(MARK);
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    while let (Some(var), Some(rest)) = (parts.next(), parts.next()) {
        out.push_str(&write(var));
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ElementRef;
    use crate::secret::Secret;
    use std::collections::BTreeMap;

    fn body() -> CreateInstance {
        CreateInstance {
            element: ElementRef {
                key: "bigcommerce".into(),
            },
            configuration: BTreeMap::from([
                ("username".to_string(), Secret::new("o'neil")),
                ("password".to_string(), Secret::new("hunter2")),
            ]),
            tags: vec![],
            name: "shop".into(),
            provider_data: None,
            verbatim: Default::default(),
        }
    }

    #[test]
    fn variable_names_are_shell_names() {
        assert_eq!(secret_variable("oauth.api.secret"), "OAUTH_API_SECRET");
        assert_eq!(secret_variable("password"), "PASSWORD");
        assert_eq!(secret_variable("1x"), "CE_1X");
    }

    #[test]
    fn secrets_are_variables_and_the_curl_expands_them_in_a_shell() {
        let p = plan(&body(), "http://h/elements/api-v2/", &|k| k == "password");
        assert_eq!(p.url, "http://h/elements/api-v2/instances");
        assert!(!p.body.contains("hunter2") && !p.curl.contains("hunter2"));
        assert!(p.body.contains("\"password\": \"$PASSWORD\""), "{}", p.body);
        assert_eq!(p.variables, ["CE_USER_SECRET", "CE_ORG_SECRET", "PASSWORD"]);
        // The shell turns the command's body back into the JSON with the
        // variable's value in place.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "printf %s {}",
                p.curl
                    .split("-d ")
                    .nth(1)
                    .unwrap()
                    .split(" \\\n")
                    .next()
                    .unwrap()
            ))
            .env("PASSWORD", "s3cret")
            .output()
            .unwrap();
        let sent: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(sent["configuration"]["password"], "s3cret");
        assert_eq!(sent["configuration"]["username"], "o'neil");
    }

    #[test]
    fn a_value_cannot_forge_a_variable() {
        let mut b = body();
        b.configuration
            .insert("username".into(), Secret::new(format!("{MARK}HOME{MARK}")));
        let p = plan(&b, "http://h", &|k| k == "password");
        assert!(!p.curl.contains("$HOME") && !p.body.contains("$HOME"));
    }
}
