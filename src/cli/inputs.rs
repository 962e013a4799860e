//! Turning what the person gave on the command line (`--from`, `--set`,
//! `--name`, `--tag`) into one request draft, refusing bad input with a
//! message that says what to fix.

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
pub fn read_limited(mut r: impl Read, what: &str) -> Result<String, InputError> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| InputError(format!("cannot read {what}: {e}")))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return err(format!(
            "{what} is larger than 1 MiB; is it the right file?"
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

/// Parses an `instance.json` body, the one the docs show for `curl -d @instance.json`.
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
    for k in obj.keys() {
        if !TOP_LEVEL_KEYS.contains(&k.as_str()) {
            return err(format!(
                "{source} has an unknown field \"{}\" (expected {})",
                k.escape_debug(),
                TOP_LEVEL_KEYS.join(", ")
            ));
        }
    }
    if obj.contains_key("providerData") {
        return err(format!(
            "{source} carries providerData: OAuth codes are single-use and short-lived, so ce-wizard gets a fresh one through your browser. Remove providerData."
        ));
    }
    let mut draft = Draft::default();
    match obj.get("element") {
        None => {}
        Some(Value::Object(e)) => match e.get("key") {
            Some(Value::String(k)) if !k.trim().is_empty() => {
                draft.element = Some(k.trim().to_string())
            }
            _ => {
                return err(format!(
                "{source}: element.key must be the element's key as a string, e.g. \"bigcommerce\""
            ))
            }
        },
        Some(_) => {
            return err(format!(
                "{source}: element must be an object like {{\"key\": \"bigcommerce\"}}"
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
                let value = match v {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    Value::Null => continue,
                    _ => {
                        return err(format!(
                            "{source}: configuration \"{}\" must be a string, number or boolean",
                            k.escape_debug()
                        ))
                    }
                };
                let key = k.trim();
                if key != k {
                    draft.trimmed_keys.push(key.to_string());
                }
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
    let mut used_stdin = false;
    for arg in sets {
        let (key, source) = parse_set(arg)?;
        if arg.split_once('=').is_some_and(|(k, _)| k != key) {
            draft.trimmed_keys.push(key.clone());
        }
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
                std::env::var(&name)
            }
            .map_err(|_| {
                InputError(format!(
                    "--set {key}=env:{name}: the environment variable {name} is not set"
                ))
            })?,
        };
        draft.configuration.retain(|(k, _)| *k != key);
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

    #[test]
    fn json_booleans_become_strings() {
        let d = parse_instance_json(
            r#"{"element":{"key":"x"},"configuration":{"document.tagging":false,"n":3}}"#,
            "f",
        )
        .unwrap();
        let vals: Vec<_> = d
            .configuration
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        assert_eq!(vals, [("document.tagging", "false"), ("n", "3")]);
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
            .contains("unknown field \"elemnt\""));
        assert!(parse_instance_json(r#"{"element":"bigcommerce"}"#, "f")
            .unwrap_err()
            .0
            .contains("element must be an object"));
        assert!(parse_instance_json(r#"{"tags":"x"}"#, "f")
            .unwrap_err()
            .0
            .contains("tags"));
        assert!(parse_instance_json(r#"{"configuration":{"a":[1]}}"#, "f")
            .unwrap_err()
            .0
            .contains("\"a\""));
        assert!(parse_instance_json(r#"{"providerData":{"code":"c"}}"#, "f")
            .unwrap_err()
            .0
            .contains("providerData"));
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
