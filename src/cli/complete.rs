//! The candidates behind bash, zsh and fish completion. The scripts that
//! `completions` prints for those shells are thin: they pass the words
//! typed so far to the hidden `ce-wizard __complete -- WORD...` (the last
//! word is the one being completed, empty after a space) and offer what it
//! prints, one `candidate<TAB>description` a line. A sole `:file` line asks
//! the shell for its own file-name completion.
//!
//! The subcommands and flags are read from the clap definition, so the
//! candidates never drift from `--help`; `--element`, `--profile` and
//! `--env` get the values a user can actually give: the bundled element
//! keys and the cached catalog's, the saved profile names, and the
//! environment table's names. Nothing here touches the keyring or the
//! network: a Tab must answer at once.

use super::Cli;
use clap::CommandFactory;
use std::io::Write;

/// The hidden subcommand the scripts call.
pub const SUBCOMMAND: &str = "__complete";

/// Asks the shell to complete a file name.
pub const FILES: &str = ":file";

/// Runs `__complete` when argv asks for it (`ce-wizard __complete -- ...`),
/// returning the exit code; `None` for every other command line. It is
/// looked for before clap parses, so it appears in no help and no script.
pub fn run_if_asked(args: &[String]) -> Option<i32> {
    if args.get(1).map(String::as_str) != Some(SUBCOMMAND) {
        return None;
    }
    let words: Vec<String> = match args.get(2).map(String::as_str) {
        Some("--") => args[3..].to_vec(),
        _ => args[2..].to_vec(),
    };
    let mut out = Vec::new();
    for (value, help) in candidates(&words) {
        let line = if help.is_empty() {
            format!("{value}\n")
        } else {
            format!("{value}\t{help}\n")
        };
        out.extend_from_slice(line.as_bytes());
    }
    // A shell that stopped reading is no error worth reporting in a Tab.
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
    Some(0)
}

/// The candidates for the last of `words` (the words after the command's
/// name), each with a one-line description (may be empty).
pub fn candidates(words: &[String]) -> Vec<(String, String)> {
    let mut root = Cli::command();
    root.build();
    let (current, before) = match words.split_last() {
        Some((cur, before)) => (cur.as_str(), before),
        None => ("", &[][..]),
    };
    // Walk the typed words: into subcommands, past options and their values.
    let mut cmd = &root;
    let mut pending: Option<&clap::Arg> = None;
    let mut after_double_dash = false;
    for word in before {
        if pending.take().is_some() {
            continue;
        }
        if after_double_dash {
            continue;
        }
        if word == "--" {
            after_double_dash = true;
        } else if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') {
                pending = find_long(cmd, long).filter(|a| takes_value(a));
            }
        } else if let Some(sub) = cmd.find_subcommand(word) {
            cmd = sub;
        }
    }
    let context = Context::from_words(words);
    if let Some(arg) = pending {
        return values(arg, current, &context);
    }
    if !after_double_dash {
        if let Some(rest) = current.strip_prefix("--") {
            if let Some((long, value)) = rest.split_once('=') {
                let Some(arg) = find_long(cmd, long).filter(|a| takes_value(a)) else {
                    return Vec::new();
                };
                let head = format!("--{long}=");
                return values(arg, value, &context)
                    .into_iter()
                    .map(|(v, h)| {
                        if v == FILES {
                            (v, h)
                        } else {
                            (format!("{head}{v}"), h)
                        }
                    })
                    .collect();
            }
            return flags(cmd, rest);
        }
        if current.starts_with('-') {
            return flags(cmd, current.trim_start_matches('-'));
        }
    }
    let mut out: Vec<(String, String)> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .filter(|s| s.get_name().starts_with(current))
        .map(|s| (s.get_name().to_string(), about(s.get_about())))
        .collect();
    // A positional argument's choices (the shell of `completions`).
    if let Some(arg) = cmd.get_positionals().find(|a| !a.is_hide_set()) {
        let vals = values(arg, current, &context);
        if out.is_empty() || vals.first().is_none_or(|(v, _)| v != FILES) {
            out.extend(vals);
        }
    }
    out
}

fn find_long<'a>(cmd: &'a clap::Command, long: &str) -> Option<&'a clap::Arg> {
    cmd.get_arguments().find(|a| a.get_long() == Some(long))
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_num_args().is_some_and(|n| n.takes_values())
}

fn about(text: Option<&clap::builder::StyledStr>) -> String {
    let text = text.map(|t| t.to_string()).unwrap_or_default();
    // One line, without the full stop: what a completion menu shows.
    let first = text.lines().next().unwrap_or_default();
    first.trim_end_matches('.').to_string()
}

/// The long flags of `cmd` (its own and the global ones) starting with
/// `prefix`.
fn flags(cmd: &clap::Command, prefix: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .filter_map(|a| Some((a.get_long()?, a)))
        .filter(|(long, _)| long.starts_with(prefix))
        .map(|(long, a)| (format!("--{long}"), about(a.get_help())))
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// What the typed words say about where the user is: enough to pick the
/// catalog whose cached keys `--element` offers.
struct Context {
    base_url: Option<String>,
    env: Option<String>,
    profile: Option<String>,
}

impl Context {
    fn from_words(words: &[String]) -> Context {
        let value_of = |name: &str| -> Option<String> {
            let flag = format!("--{name}");
            let with_eq = format!("--{name}=");
            let mut found = None;
            for (i, w) in words.iter().enumerate() {
                if *w == flag {
                    found = words.get(i + 1).cloned();
                } else if let Some(v) = w.strip_prefix(&with_eq) {
                    found = Some(v.to_string());
                }
            }
            found.filter(|v| !v.is_empty())
        };
        let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Context {
            base_url: value_of("base-url").or_else(|| from_env("CE_BASE_URL")),
            env: value_of("env").or_else(|| from_env(crate::config::ENV_ENV)),
            profile: value_of("profile").or_else(|| from_env(crate::config::PROFILE_ENV)),
        }
    }

    /// The base URL a command with these words would talk to, as
    /// `connection` resolves it: `--base-url`, then `--env`, then the
    /// profile's environment, then production.
    fn base_url(&self, profiles: &crate::config::Profiles) -> String {
        use crate::config::Environment;
        if let Some(url) = &self.base_url {
            return Environment::parse(url).base_url();
        }
        if let Some(env) = self.env.as_deref().and_then(crate::environments::find) {
            return env.base_url.to_string();
        }
        let name = self.profile.as_deref().or_else(|| profiles.default_name());
        name.and_then(|n| profiles.get(n))
            .and_then(|p| p.environment.clone())
            .unwrap_or(Environment::Production)
            .base_url()
    }
}

/// The values `arg` takes that start with `prefix`.
fn values(arg: &clap::Arg, prefix: &str, context: &Context) -> Vec<(String, String)> {
    let starts = |v: &str| v.starts_with(prefix);
    match arg.get_id().as_str() {
        "element" => {
            let profiles = crate::config::load().unwrap_or_default();
            element_keys(&context.base_url(&profiles))
                .into_iter()
                .filter(|(k, _)| starts(k))
                .collect()
        }
        "profile" => crate::config::load()
            .unwrap_or_default()
            .profiles
            .into_iter()
            .map(|(name, p)| {
                let env = p.environment.map(|e| e.label()).unwrap_or_default();
                (name, env)
            })
            // The file may have been edited by hand: only real names reach
            // the shell (they are plain ASCII, nothing a terminal acts on).
            .filter(|(name, _)| crate::config::check_profile_name(name).is_ok() && starts(name))
            .map(|(name, env)| (name, crate::sanitize::escaped(&env)))
            .collect(),
        "env" => crate::environments::PLATFORMS
            .iter()
            .filter(|p| starts(p.name))
            .map(|p| (p.name.to_string(), p.choice_label.to_string()))
            .collect(),
        _ => {
            let choices: Vec<(String, String)> = arg
                .get_possible_values()
                .into_iter()
                .filter(|v| !v.is_hide_set() && starts(v.get_name()))
                .map(|v| (v.get_name().to_string(), about(v.get_help())))
                .collect();
            if !choices.is_empty() || !arg.get_possible_values().is_empty() {
                return choices;
            }
            let name = arg
                .get_value_names()
                .and_then(|n| n.first())
                .map(|n| n.as_str())
                .unwrap_or_default();
            let hint = arg.get_value_hint();
            let is_path = matches!(
                hint,
                clap::ValueHint::FilePath | clap::ValueHint::AnyPath | clap::ValueHint::DirPath
            ) || matches!(name, "FILE" | "PATH" | "DIR");
            if is_path {
                vec![(FILES.to_string(), String::new())]
            } else {
                Vec::new()
            }
        }
    }
}

/// The bundled element keys and those of the catalog cached for
/// `base_url`, each once, with the element's name.
fn element_keys(base_url: &str) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = crate::catalog::bundled()
        .iter()
        .map(|s| (s.key.clone(), s.name.clone()))
        .collect();
    if let Some(cached) = crate::catalog::load_cached(base_url) {
        // Entries are cleaned where the cache is read: keys are plain tokens.
        keys.extend(
            cached
                .catalog
                .entries()
                .iter()
                .map(|e| (e.key.clone(), e.name.clone())),
        );
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    keys.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(words: &[&str]) -> Vec<String> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        candidates(&words).into_iter().map(|(v, _)| v).collect()
    }

    #[test]
    fn subcommands_then_their_subcommands() {
        let top = names(&[""]);
        for sub in ["create", "instances", "profiles", "completions"] {
            assert!(top.contains(&sub.to_string()), "{top:?}");
        }
        assert!(!top.contains(&"help".to_string()), "{top:?}");
        assert!(names(&["instances", ""]).contains(&"list".to_string()));
        assert_eq!(names(&["pro"]), ["profiles"]);
    }

    #[test]
    fn flags_of_the_subcommand_and_the_global_ones() {
        assert_eq!(names(&["create", "--el"]), ["--element"]);
        let all = names(&["create", "--"]);
        assert!(all.contains(&"--profile".to_string()), "{all:?}");
        assert!(all.contains(&"--from".to_string()), "{all:?}");
    }

    #[test]
    fn option_values() {
        assert_eq!(names(&["--env", "e"]), ["eu"]);
        assert_eq!(names(&["create", "--env=s"]), ["--env=staging"]);
        assert!(names(&["create", "--element", "bigc"]).contains(&"bigcommerce".to_string()));
        assert_eq!(names(&["create", "--from", ""]), [FILES]);
        assert_eq!(names(&["completions", "fi"]), ["fish"]);
        // A value already given is passed over, and the subcommand still found.
        assert!(names(&["--env", "eu", "instances", ""]).contains(&"list".to_string()));
    }
}
