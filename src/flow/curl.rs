//! The create request as a script would send it: method, full URL, body
//! and the equivalent command, with every secret as a shell variable and
//! never as its value, so the text can be shown, logged or pasted. The
//! command builds the body with `jq --arg`, so whatever a variable holds
//! (a `"`, a `\\`, a line break) arrives JSON-escaped.

use crate::api::{shell_quote, CreateInstance};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Marks a variable's name inside the JSON text until it is written out:
/// a private-use character serde_json leaves as is and no setting needs.
const MARK: char = '\u{e000}';

/// What every variable named after a setting's key starts with: a key is
/// the platform's, and unprefixed it could name a variable the shell
/// already holds (`path` → `$PATH`, `ce.user.secret` → `$CE_USER_SECRET`).
pub const DERIVED_PREFIX: &str = "CE_VALUE_";

/// The create request with its secrets as `$VARIABLES`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    pub method: &'static str,
    pub url: String,
    /// The JSON body, each secret shown as `"$NAME"`.
    pub body: String,
    /// A command that sends the same body, reading the account secrets
    /// and each element secret from the environment.
    pub curl: String,
    /// The variables the command reads, account secrets first.
    pub variables: Vec<String>,
}

/// The variable an element secret is read from when the person named
/// none: `CE_VALUE_` and its key in capitals, every other character an
/// underscore (`oauth.api.secret` → `CE_VALUE_OAUTH_API_SECRET`).
pub fn secret_variable(key: &str) -> String {
    let name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{DERIVED_PREFIX}{name}")
}

/// A name a shell (and jq's `--arg`) takes as a variable.
pub fn is_shell_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Text a dry run writes where a secret goes: `$NAME` or `${NAME}`.
pub fn is_variable_placeholder(value: &str) -> bool {
    let v = value.trim();
    let name = v
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| v.strip_prefix('$'));
    name.is_some_and(is_shell_name)
}

/// [`plan_named`] with every variable named after its key.
pub fn plan(
    body: &CreateInstance,
    base_url: &str,
    is_secret: &dyn Fn(&str) -> bool,
) -> PlannedRequest {
    plan_named(body, base_url, is_secret, &BTreeMap::new())
}

/// `POST {base}/instances` with `body`; keys `is_secret` names, keys in
/// `named` (a setting given as `env:NAME`: read from `NAME`) and all
/// provider data become variables.
pub fn plan_named(
    body: &CreateInstance,
    base_url: &str,
    is_secret: &dyn Fn(&str) -> bool,
    named: &BTreeMap<String, String>,
) -> PlannedRequest {
    let mut variables = vec![
        crate::config::USER_SECRET_ENV.to_string(),
        crate::config::ORG_SECRET_ENV.to_string(),
    ];
    // Which key each variable holds: one variable never stands for two.
    let mut holds: BTreeMap<String, String> = BTreeMap::new();
    let mut value = |key: &str, v: &str, secret: bool| -> Value {
        let given = named.get(key).filter(|n| is_shell_name(n));
        if !secret && given.is_none() {
            // A value holding the mark cannot forge a variable.
            return Value::String(v.replace(MARK, ""));
        }
        let mut var = given.cloned().unwrap_or_else(|| secret_variable(key));
        let mut n = 2;
        while holds.get(&var).is_some_and(|k| k != key) {
            var = format!(
                "{}_{n}",
                given.cloned().unwrap_or_else(|| secret_variable(key))
            );
            n += 1;
        }
        holds.insert(var.clone(), key.to_string());
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
                Some(given) if !is_secret(k) && !named.contains_key(k) => unmarked(given),
                _ => value(k, v.expose(), is_secret(k)),
            };
            (k.replace(MARK, ""), shown)
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
    let text = crate::sanitize::json_text(&json, true);
    let url = format!("{}/instances", base_url.trim_end_matches('/'));
    let shown = unmark(&text, |var| format!("${var}"));
    let header = format!(
        "curl -X POST \\\n  -H \"Authorization: User ${}, Organization ${}\" \\\n  -H 'Content-Type: application/json' \\\n",
        crate::config::USER_SECRET_ENV,
        crate::config::ORG_SECRET_ENV,
    );
    let element_vars = &variables[2..];
    let curl = if element_vars.is_empty() {
        format!(
            "{header}  -d {} \\\n  {}",
            shell_quote(&text),
            shell_quote(&url)
        )
    } else {
        // jq reads each variable as a string (`--arg`) and writes it into
        // the body escaped; the body text is a jq program in which each
        // `"$NAME"` became the bare `$NAME`.
        let args: String = element_vars
            .iter()
            .map(|v| format!(" --arg {v} \"${v}\""))
            .collect();
        let bare = text
            .replace(&format!("\"{MARK}"), &MARK.to_string())
            .replace(&format!("{MARK}\""), &MARK.to_string());
        let program = unmark(&bare, |var| format!("${var}"));
        format!(
            "jq -n{args} {} |\n{header}  --data-binary @- \\\n  {}",
            shell_quote(&program),
            shell_quote(&url)
        )
    };
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

/// Runs a printed command through a real `sh`, with only `PATH` and `vars`
/// in its environment and `curl` replaced by a function that prints the
/// body it was given (`-d` or `--data-binary @-`): what the request would
/// have carried. Needs jq, which the command uses for secret values.
#[cfg(test)]
pub(crate) fn body_through_sh(command: &str, vars: &[(&str, &str)]) -> String {
    assert!(
        std::process::Command::new("jq")
            .arg("--version")
            .output()
            .is_ok(),
        "jq is needed for this test: install it (Debian: jq)"
    );
    let script = format!(
        "curl() {{ while [ $# -gt 0 ]; do [ \"$1\" = -d ] && printf %s \"$2\"; [ \"$1\" = --data-binary ] && cat; shift; done; }}\n{command}"
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
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

    /// Runs the printed command in a real shell, with `curl` standing in
    /// for a function that prints the body it was given, and `vars` set.
    fn sent_by_sh(p: &PlannedRequest, vars: &[(&str, &str)]) -> Value {
        let out = super::body_through_sh(&p.curl, vars);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {}\n{out}", p.curl))
    }

    #[test]
    fn derived_names_never_name_a_variable_the_shell_already_holds() {
        assert_eq!(
            secret_variable("oauth.api.secret"),
            "CE_VALUE_OAUTH_API_SECRET"
        );
        assert_eq!(secret_variable("password"), "CE_VALUE_PASSWORD");
        assert_eq!(secret_variable("1x"), "CE_VALUE_1X");
        // A platform key spelled like the account's own variable, or PATH.
        assert_eq!(secret_variable("ce.user.secret"), "CE_VALUE_CE_USER_SECRET");
        assert_eq!(secret_variable("path"), "CE_VALUE_PATH");
        let mut b = body();
        b.configuration
            .insert("ce.user.secret".into(), Secret::new("x"));
        let p = plan(&b, "http://h", &|k| k != "username");
        // Run with the account's secret in the shell, as a user of the
        // command would: it stays out of the element's settings.
        let sent = sent_by_sh(
            &p,
            &[
                ("CE_USER_SECRET", "the-account-secret"),
                ("CE_VALUE_CE_USER_SECRET", "x"),
                ("CE_VALUE_PASSWORD", "p"),
            ],
        );
        assert_eq!(sent["configuration"]["ce.user.secret"], "x");
        assert!(!sent.to_string().contains("the-account-secret"));
    }

    #[test]
    fn a_variable_the_person_named_keeps_its_name() {
        let named = BTreeMap::from([("password".to_string(), "BC_TOKEN".to_string())]);
        let p = plan_named(&body(), "http://h", &|k| k == "password", &named);
        assert!(p.body.contains("\"password\": \"$BC_TOKEN\""), "{}", p.body);
        assert_eq!(p.variables, ["CE_USER_SECRET", "CE_ORG_SECRET", "BC_TOKEN"]);
        let sent = sent_by_sh(&p, &[("BC_TOKEN", "t0k")]);
        assert_eq!(sent["configuration"]["password"], "t0k");
        // A name no shell takes is replaced by the derived one.
        let odd = BTreeMap::from([("password".to_string(), "BC TOKEN".to_string())]);
        let p = plan_named(&body(), "http://h", &|k| k == "password", &odd);
        assert_eq!(p.variables[2], "CE_VALUE_PASSWORD");
    }

    #[test]
    fn secrets_are_variables_and_the_command_escapes_them_in_a_shell() {
        let p = plan(&body(), "http://h/elements/api-v2/", &|k| k == "password");
        assert_eq!(p.url, "http://h/elements/api-v2/instances");
        assert!(!p.body.contains("hunter2") && !p.curl.contains("hunter2"));
        assert!(
            p.body.contains("\"password\": \"$CE_VALUE_PASSWORD\""),
            "{}",
            p.body
        );
        assert_eq!(
            p.variables,
            ["CE_USER_SECRET", "CE_ORG_SECRET", "CE_VALUE_PASSWORD"]
        );
        // The body is valid JSON whatever the secret holds.
        let nasty = "a\"b\\c'd\n$(e)`f`";
        let sent = sent_by_sh(&p, &[("CE_VALUE_PASSWORD", nasty)]);
        assert_eq!(sent["configuration"]["password"], nasty);
        assert_eq!(sent["configuration"]["username"], "o'neil");
        assert_eq!(sent["element"]["key"], "bigcommerce");
    }

    #[test]
    fn without_element_secrets_the_body_is_given_as_it_is() {
        let p = plan(&body(), "http://h", &|_| false);
        assert!(!p.curl.contains("jq"), "{}", p.curl);
        let sent = sent_by_sh(&p, &[]);
        assert_eq!(sent["configuration"]["password"], "hunter2");
    }

    #[test]
    fn dry_run_placeholders_are_recognised() {
        for p in ["$PASSWORD", "${BC_TOKEN}", " $CE_VALUE_X "] {
            assert!(is_variable_placeholder(p), "{p}");
        }
        for p in ["$", "pa$$word", "$1abc", "${X", "hunter2", "$a b"] {
            assert!(!is_variable_placeholder(p), "{p}");
        }
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
