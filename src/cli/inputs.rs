//! Turning what the person gave on the command line (`--from`, `--set`,
//! `--name`, `--tag`) into one request draft, refusing bad input with a
//! message that says what to fix.

use crate::api::Verbatim;
use crate::catalog::{FieldKind, FieldSpec};
use crate::secret::Secret;
use serde_json::Value;
use std::io::Read;

/// The most `instance.json` (or one `@file` value) may weigh: far above any
/// real configuration, low enough that a wrong file is refused at once.
pub const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// A request before it meets the element's spec.
#[derive(Debug, Default)]
pub struct Draft {
    pub element: Option<String>,
    pub name: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Keys in the order given; later ones override earlier ones.
    pub configuration: Vec<(String, Secret)>,
    /// Configuration keys given literally on the command line, where `ps`
    /// shows them.
    pub literal_keys: Vec<String>,
    /// Configuration keys that came with spaces around them (now removed).
    pub trimmed_keys: Vec<String>,
    /// `element.id` of an `instance.json` that names the element by id only.
    pub element_id: Option<i64>,
    /// What the `instance.json` carried beyond the built fields, to send as
    /// it came ([`Verbatim`]).
    pub verbatim: Verbatim,
    /// Configuration keys the `instance.json` gave (not `--set`): a
    /// documented body may hold settings no spec lists, and the platform
    /// judges those.
    pub file_keys: Vec<String>,
    /// The `instance.json` carried `providerData` (left out: a fresh grant
    /// is made, or none is needed).
    pub provider_data_given: bool,
    /// Configuration keys given as `env:NAME`, with the NAME: a dry run's
    /// command reads the value from the variable the person named.
    pub env_names: std::collections::BTreeMap<String, String>,
    /// Of those, the ones whose variable is not set (a dry run only: it
    /// sends nothing, so it needs no value).
    pub env_unset: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, InputError> {
    Err(InputError(msg.into()))
}

/// Reads at most `MAX_INPUT_BYTES` from a reader, naming `what` in errors.
pub fn read_limited(r: impl Read, what: &str) -> Result<String, InputError> {
    read_limited_to(r, what, MAX_INPUT_BYTES)
}

/// Reads at most `max` bytes (whole MiB) from a reader, naming `what` in
/// errors.
pub fn read_limited_to(mut r: impl Read, what: &str, max: u64) -> Result<String, InputError> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| InputError(format!("cannot read {what}: {e}")))?;
    if buf.len() as u64 > max {
        return err(format!(
            "{what} is larger than {} MiB; is it the right file?",
            max / (1024 * 1024)
        ));
    }
    String::from_utf8(buf).map_err(|_| InputError(format!("{what} is not UTF-8 text")))
}

pub fn read_file(path: &str) -> Result<String, InputError> {
    let f =
        std::fs::File::open(path).map_err(|e| InputError(format!("cannot open {path}: {e}")))?;
    read_limited(f, path)
}

const TOP_LEVEL_KEYS: [&str; 5] = ["element", "configuration", "tags", "name", "providerData"];

/// Parses an `instance.json` body, the one the docs show for `curl -d
/// @instance.json`, taking it as the docs write it: the element by key or
/// by id, configuration values of any JSON type (an object
/// `event.poller.configuration`, booleans), and top-level fields such as
/// `externalAuthentication`, all kept to be sent as they came. Refused
/// only: what is not JSON or not shaped like a create body, and a
/// misspelt top-level name (`elemnt`), which the platform would ignore.
pub fn parse_instance_json(text: &str, source: &str) -> Result<Draft, InputError> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        InputError(format!(
            "{source} is not valid JSON: {} at line {}, column {}",
            describe_json_error(&e),
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(obj) = v else {
        return err(format!("{source} must hold a JSON object like {{\"element\": {{\"key\": \"bigcommerce\"}}, \"configuration\": {{…}}}}"));
    };
    let mut draft = Draft::default();
    for (k, v) in &obj {
        if TOP_LEVEL_KEYS.contains(&k.as_str()) {
            continue;
        }
        if let Some(meant) = TOP_LEVEL_KEYS.iter().find(|known| {
            crate::catalog::edit_distance(&k.to_lowercase(), &known.to_lowercase()) <= 2
        }) {
            return err(format!(
                "{source} has a field \"{}\": did you mean \"{meant}\"?",
                k.escape_debug()
            ));
        }
        draft.verbatim.fields.insert(k.clone(), v.clone());
    }
    draft.provider_data_given = obj.contains_key("providerData");
    match obj.get("element") {
        None => {}
        Some(Value::Object(e)) => {
            match (e.get("key"), e.get("id")) {
                (Some(Value::String(k)), _) if !k.trim().is_empty() => {
                    draft.element = Some(k.trim().to_string())
                }
                (None, Some(id)) => match element_id(id) {
                    Some(id) => draft.element_id = Some(id),
                    None => {
                        return err(format!(
                            "{source}: element.id must be the element's number, e.g. {{\"id\": 1234}}"
                        ))
                    }
                },
                _ => {
                    return err(format!(
                        "{source}: element.key must be the element's key as a string, e.g. \"bigcommerce\" (or give element.id, its number)"
                    ))
                }
            }
            draft.verbatim.element = Some(e.clone());
        }
        Some(_) => {
            return err(format!(
                "{source}: element must be an object like {{\"key\": \"bigcommerce\"}} or {{\"id\": 1234}}"
            ))
        }
    }
    match obj.get("name") {
        None | Some(Value::Null) => {}
        Some(Value::String(n)) => draft.name = Some(n.clone()),
        Some(_) => return err(format!("{source}: name must be a string")),
    }
    match obj.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            let mut tags = Vec::new();
            for t in items {
                match t {
                    Value::String(s) => tags.push(s.clone()),
                    _ => return err(format!("{source}: tags must be a list of strings")),
                }
            }
            draft.tags = Some(tags);
        }
        Some(_) => {
            return err(format!(
                "{source}: tags must be a list of strings, e.g. [\"docs\"]"
            ))
        }
    }
    match obj.get("configuration") {
        None | Some(Value::Null) => {}
        Some(Value::Object(cfg)) => {
            for (k, v) in cfg {
                // The form checks text; what is not text is also kept to
                // be sent as it came.
                if v.is_null() {
                    continue;
                }
                let value = as_text(v);
                let key = k.trim();
                if key != k {
                    draft.trimmed_keys.push(key.to_string());
                }
                if !v.is_string() {
                    draft
                        .verbatim
                        .configuration
                        .insert(key.to_string(), v.clone());
                }
                draft.file_keys.push(key.to_string());
                draft
                    .configuration
                    .push((key.to_string(), Secret::new(value)));
            }
        }
        Some(_) => {
            return err(format!(
                "{source}: configuration must be an object of settings"
            ))
        }
    }
    Ok(draft)
}

/// A configuration value as the form holds it: text as it is, anything
/// else as its compact JSON.
pub fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An element id as the docs write it: a number, or a number in a string.
fn element_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// Keys whose value the platform documents as a JSON object (devportal
/// `_includes/common-instance-config.md`).
const OBJECT_KEYS: [&str; 1] = ["event.poller.configuration"];

/// Configuration values of an `instance.json` whose type cannot be right
/// for their key, one message each: a yes/no or number setting given an
/// object or a list, a text setting given an object or a list, an object
/// setting given a yes/no or a number. Keys the spec does not know are the
/// platform's to judge.
pub fn wrong_types(
    fields: &[FieldSpec],
    given: &std::collections::BTreeMap<String, Value>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, v) in given {
        let shown = key.escape_debug();
        let kind = |v: &Value| match v {
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::Object(_) => "an object",
            Value::Array(_) => "a list",
            _ => "text",
        };
        if OBJECT_KEYS.contains(&key.as_str()) {
            if matches!(v, Value::Bool(_) | Value::Number(_) | Value::Array(_)) {
                out.push(format!(
                    "\"{shown}\" takes a JSON object (or its text), not {}",
                    kind(v)
                ));
            }
            continue;
        }
        let Some(field) = fields.iter().find(|f| f.key == *key) else {
            continue;
        };
        if let Some(wanted) = json_wanted(field.kind, v) {
            out.push(format!(
                "\"{shown}\" ({}) takes {wanted}, not {}",
                field.label,
                kind(v)
            ));
        }
    }
    out
}

/// What JSON a setting of this kind takes, when `v` is not that.
fn json_wanted(kind: FieldKind, v: &Value) -> Option<&'static str> {
    match kind {
        FieldKind::Boolean => (!matches!(v, Value::Bool(_))).then_some("true or false"),
        FieldKind::Integer => (!matches!(v, Value::Number(_))).then_some("a whole number"),
        FieldKind::Text
        | FieldKind::Textarea
        | FieldKind::Url
        | FieldKind::Secret
        | FieldKind::Choice => matches!(v, Value::Object(_) | Value::Array(_)).then_some("text"),
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
    // serde_json's messages can quote input; keep only its category and
    // position so a secret in a broken file is not echoed back.
    match e.classify() {
        serde_json::error::Category::Eof => "it ends too early".into(),
        serde_json::error::Category::Syntax => "syntax error".into(),
        serde_json::error::Category::Data => "unexpected value".into(),
        serde_json::error::Category::Io => "read error".into(),
    }
}

/// Where a `--set` value comes from.
#[derive(Debug, PartialEq, Eq)]
pub enum ValueSource {
    Literal(String),
    File(String),
    Stdin,
    Env(String),
}

/// Splits `key=value` and reads what the value names: `@path` a file, `@-`
/// standard input, `env:NAME` an environment variable, `@@x` the literal `@x`.
pub fn parse_set(arg: &str) -> Result<(String, ValueSource), InputError> {
    let Some((key, value)) = arg.split_once('=') else {
        // Named only when it looks like a setting name: without an `=`, the
        // argument may as well be a value (a password) given alone.
        let looks_like_key = arg.len() <= 64
            && !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        let shown = if looks_like_key {
            format!("--set {arg}")
        } else {
            "a --set argument".to_string()
        };
        return err(format!(
            "{shown} needs the form key=value (or key=@file, key=@-, key=env:NAME)"
        ));
    };
    let key = key.trim();
    if key.is_empty() {
        return err("--set needs a configuration key before the =");
    }
    let source = if let Some(rest) = value.strip_prefix("@@") {
        ValueSource::Literal(format!("@{rest}"))
    } else if value == "@-" {
        ValueSource::Stdin
    } else if let Some(path) = value.strip_prefix('@') {
        ValueSource::File(path.to_string())
    } else if let Some(name) = value.strip_prefix("env:") {
        ValueSource::Env(name.to_string())
    } else {
        ValueSource::Literal(value.to_string())
    };
    Ok((key.to_string(), source))
}

/// Drops the line break an editor or `echo` leaves at the end of a file.
fn strip_final_newline(mut s: String) -> String {
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    s
}

/// Applies every `--set` to the draft, reading files, stdin and variables.
pub fn apply_sets(
    draft: &mut Draft,
    sets: &[String],
    stdin: &mut dyn Read,
) -> Result<bool, InputError> {
    apply_sets_with(draft, sets, stdin, false)
}

/// What stands in for an `env:NAME` that is not set, in a dry run: text
/// no check refuses, never sent (the command reads `$NAME` instead).
pub fn unset_stand_in(name: &str) -> String {
    format!("(unset {name})")
}

/// [`apply_sets`]; with `unset_ok` (a dry run), an `env:NAME` that is not
/// set is noted in [`Draft::env_unset`] instead of refused.
pub fn apply_sets_with(
    draft: &mut Draft,
    sets: &[String],
    stdin: &mut dyn Read,
    unset_ok: bool,
) -> Result<bool, InputError> {
    let mut used_stdin = false;
    for arg in sets {
        let (key, source) = parse_set(arg)?;
        if arg.split_once('=').is_some_and(|(k, _)| k != key) {
            draft.trimmed_keys.push(key.clone());
        }
        let from_env = matches!(source, ValueSource::Env(_));
        let value = match source {
            ValueSource::Literal(v) => {
                draft.literal_keys.push(key.clone());
                v
            }
            ValueSource::File(path) => strip_final_newline(
                read_file(&path).map_err(|e| InputError(format!("--set {key}=@{path}: {e}")))?,
            ),
            ValueSource::Stdin => {
                if used_stdin {
                    return err("only one --set value can be read from standard input (@-)");
                }
                used_stdin = true;
                strip_final_newline(read_limited(&mut *stdin, "standard input")?)
            }
            ValueSource::Env(name) => {
                crate::child_env::hide_var(&name);
                draft.env_unset.retain(|k| *k != key);
                draft.env_names.insert(key.clone(), name.clone());
                match std::env::var(&name) {
                    Ok(v) => v,
                    Err(_) if unset_ok => {
                        draft.env_unset.push(key.clone());
                        unset_stand_in(&name)
                    }
                    Err(_) => {
                        return err(format!(
                            "--set {key}=env:{name}: the environment variable {name} is not set"
                        ))
                    }
                }
            }
        };
        if !from_env {
            draft.env_names.remove(&key);
            draft.env_unset.retain(|k| *k != key);
        }
        draft.configuration.retain(|(k, _)| *k != key);
        // What --set gives is text, and replaces what the file gave.
        draft.verbatim.configuration.remove(&key);
        draft.file_keys.retain(|k| *k != key);
        draft.configuration.push((key, Secret::new(value)));
    }
    Ok(used_stdin)
}

/// `<INSERT_…>` and similar placeholders copied from the docs unchanged.
pub fn looks_like_placeholder(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with('<') && v.ends_with('>') && v.len() > 2)
        || v.contains("<INSERT_")
        || v.contains("{INSERT_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_instance_json_parses() {
        let text = r#"{"element":{"key":"bigcommerce"},"configuration":{"store.url":"https://s","username":"u","password":"p"},"tags":["a"],"name":"n"}"#;
        let d = parse_instance_json(text, "instance.json").unwrap();
        assert_eq!(d.element.as_deref(), Some("bigcommerce"));
        assert_eq!(d.tags, Some(vec!["a".to_string()]));
        assert_eq!(d.configuration.len(), 3);
    }

    /// The form checks text; the value itself is kept to go out as given.
    #[test]
    fn json_values_are_checked_as_text_and_kept_as_given() {
        let d = parse_instance_json(
            r#"{"element":{"key":"x"},"configuration":{"document.tagging":false,"n":3,"s":"t","o":{"a":{"b":1}}}}"#,
            "f",
        )
        .unwrap();
        let vals: Vec<_> = d
            .configuration
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        assert_eq!(
            vals,
            [
                ("document.tagging", "false"),
                ("n", "3"),
                ("s", "t"),
                ("o", r#"{"a":{"b":1}}"#)
            ]
        );
        let kept: Vec<_> = d.verbatim.configuration.iter().collect();
        assert_eq!(
            kept,
            [
                (&"document.tagging".to_string(), &serde_json::json!(false)),
                (&"n".to_string(), &serde_json::json!(3)),
                (&"o".to_string(), &serde_json::json!({"a": {"b": 1}})),
            ]
        );
        assert_eq!(d.file_keys, ["document.tagging", "n", "s", "o"]);
    }

    /// Devportal `docs/elements/quickbooksonline/authenticate.md` (token
    /// based) and `docs/elements/gotowebinar/events.md`: taken whole.
    #[test]
    fn documented_bodies_are_taken_as_they_are() {
        let d = parse_instance_json(
            r#"{"element":{"id":1234},"configuration":{"a":"b"},"name":"n",
                "externalAuthentication":"initial","retrieveObjectsAfterInstantiation":true,
                "providerData":{"code":"Code on Return the URL"}}"#,
            "f",
        )
        .unwrap();
        assert_eq!((d.element.as_deref(), d.element_id), (None, Some(1234)));
        assert_eq!(
            d.verbatim.element,
            Some(serde_json::json!({"id": 1234}).as_object().unwrap().clone())
        );
        assert_eq!(d.verbatim.fields["externalAuthentication"], "initial");
        assert_eq!(d.verbatim.fields["retrieveObjectsAfterInstantiation"], true);
        assert!(d.provider_data_given);
        let by_text = parse_instance_json(r#"{"element":{"id":"77"}}"#, "f").unwrap();
        assert_eq!(by_text.element_id, Some(77));
        for bad in [
            r#"{"element":{"id":true}}"#,
            r#"{"element":{"id":-3}}"#,
            r#"{"element":{}}"#,
        ] {
            assert!(parse_instance_json(bad, "f").is_err(), "{bad}");
        }
    }

    #[test]
    fn only_impossible_types_for_known_keys_are_refused() {
        use crate::catalog::bundled_spec;
        use crate::flow::fields::form_fields;
        let fields = form_fields(bundled_spec("bigcommerce").unwrap());
        let given = |pairs: Value| -> std::collections::BTreeMap<String, Value> {
            pairs
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let fine = given(serde_json::json!({
            "filter.response.nulls": true,
            "event.poller.configuration": {"orders": {"url": "/hubs/ecommerce/orders"}},
            "not.a.field": [1, {"x": 2}],
            "username": 42,
        }));
        assert!(
            wrong_types(&fields, &fine).is_empty(),
            "{:?}",
            wrong_types(&fields, &fine)
        );
        let wrong = given(serde_json::json!({
            "filter.response.nulls": {"yes": true},
            "event.poller.configuration": true,
            "username": {"name": "u"},
        }));
        let refused = wrong_types(&fields, &wrong);
        assert_eq!(refused.len(), 3, "{refused:?}");
        assert!(
            refused
                .iter()
                .any(|m| m.contains("\"filter.response.nulls\"")
                    && m.contains("takes true or false, not an object")),
            "{refused:?}"
        );
        assert!(
            refused
                .iter()
                .any(|m| m.contains("\"event.poller.configuration\" takes a JSON object")),
            "{refused:?}"
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong_without_echoing_values() {
        let e = parse_instance_json("{\"configuration\": {\"password\": \"hunter2\"", "i.json")
            .unwrap_err()
            .0;
        assert!(
            e.contains("i.json is not valid JSON") && e.contains("line 1"),
            "{e}"
        );
        assert!(!e.contains("hunter2"));
        assert!(parse_instance_json("[]", "f")
            .unwrap_err()
            .0
            .contains("JSON object"));
        assert!(parse_instance_json(r#"{"elemnt":{}}"#, "f")
            .unwrap_err()
            .0
            .contains("a field \"elemnt\": did you mean \"element\"?"));
        assert!(parse_instance_json(r#"{"element":"bigcommerce"}"#, "f")
            .unwrap_err()
            .0
            .contains("element must be an object"));
        assert!(parse_instance_json(r#"{"tags":"x"}"#, "f")
            .unwrap_err()
            .0
            .contains("tags"));
        assert!(parse_instance_json(r#"{"configuration":["a"]}"#, "f")
            .unwrap_err()
            .0
            .contains("configuration must be an object"));
    }

    #[test]
    fn set_values_come_from_files_stdin_and_variables() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token.txt");
        std::fs::write(&file, "from-file\n").unwrap();
        std::env::set_var("CE_WIZARD_TEST_VAR", "from-env");
        let mut d = Draft::default();
        let sets = vec![
            "username=u".to_string(),
            format!("password=@{}", file.display()),
            "secret=env:CE_WIZARD_TEST_VAR".to_string(),
            "other=@-".to_string(),
            "at=@@home".to_string(),
            "username=u2".to_string(),
        ];
        let used = apply_sets(&mut d, &sets, &mut "from-stdin\n".as_bytes()).unwrap();
        assert!(used);
        let vals: Vec<_> = d
            .configuration
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        assert_eq!(
            vals,
            [
                ("password", "from-file"),
                ("secret", "from-env"),
                ("other", "from-stdin"),
                ("at", "@home"),
                ("username", "u2")
            ]
        );
        assert_eq!(d.literal_keys, ["username", "at", "username"]);
        assert_eq!(
            d.env_names,
            std::collections::BTreeMap::from([(
                "secret".to_string(),
                "CE_WIZARD_TEST_VAR".to_string()
            )])
        );
    }

    #[test]
    fn a_dry_run_needs_no_variable_set() {
        let sets = ["password=env:CE_WIZARD_SURELY_UNSET_VAR_2".to_string()];
        let mut d = Draft::default();
        assert!(apply_sets(&mut d, &sets, &mut "".as_bytes()).is_err());
        let mut d = Draft::default();
        apply_sets_with(&mut d, &sets, &mut "".as_bytes(), true).unwrap();
        assert_eq!(d.env_unset, ["password"]);
        assert_eq!(d.env_names["password"], "CE_WIZARD_SURELY_UNSET_VAR_2");
        // Given again as a value, the key reads no variable.
        let again = [sets[0].clone(), "password=x".to_string()];
        let mut d = Draft::default();
        apply_sets_with(&mut d, &again, &mut "".as_bytes(), true).unwrap();
        assert!(d.env_unset.is_empty() && d.env_names.is_empty());
    }

    #[test]
    fn bad_sets_are_refused() {
        assert!(parse_set("novalue").unwrap_err().0.contains("key=value"));
        let e = parse_set("hunter2 with spaces!").unwrap_err().0;
        assert!(
            e.starts_with("a --set argument needs") && !e.contains("hunter2"),
            "{e}"
        );
        assert!(parse_set("=x").is_err());
        let mut d = Draft::default();
        let e = apply_sets(
            &mut d,
            &["k=env:CE_WIZARD_SURELY_UNSET_VAR".into()],
            &mut "".as_bytes(),
        )
        .unwrap_err();
        assert!(e.0.contains("CE_WIZARD_SURELY_UNSET_VAR is not set"));
        let e =
            apply_sets(&mut d, &["a=@-".into(), "b=@-".into()], &mut "x".as_bytes()).unwrap_err();
        assert!(e.0.contains("only one"));
        let e =
            apply_sets(&mut d, &["a=@/nonexistent/file".into()], &mut "".as_bytes()).unwrap_err();
        assert!(e.0.contains("cannot open /nonexistent/file"));
    }

    #[test]
    fn oversized_input_is_refused() {
        let big = vec![b'a'; MAX_INPUT_BYTES as usize + 1];
        assert!(read_limited(&big[..], "x").unwrap_err().0.contains("1 MiB"));
    }

    #[test]
    fn placeholders_from_the_docs_are_spotted() {
        assert!(looks_like_placeholder("<INSERT_STORE_URL>/wc-api/v2"));
        assert!(looks_like_placeholder(
            "https://store-{INSERT_STORE_HASH}.mybigcommerce.com/api/v2/"
        ));
        assert!(looks_like_placeholder("<Insert_Instance_Name>"));
        assert!(!looks_like_placeholder("https://shop.example.com"));
    }
}
