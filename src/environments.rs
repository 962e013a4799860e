//! The named platforms, one table row each: the name `--env`, `CE_ENV` and
//! the config file use, how the CLI and the wizard show it, its API base URL
//! and its web console. The CLI (`--env`'s choices), the config file
//! (`config::Environment`) and the wizard's Connection step all read
//! [`PLATFORMS`], so adding an environment means adding a row here. Any
//! other base URL (an SAP Open Connectors tenant, a proxy, the sandbox) is a
//! custom environment and needs no row.
//!
//! The console addresses are the ones Cloud Elements' own tools pair with
//! each API host (`tyler-cloud-elements/validator:README.md`).

/// One named environment. Compared by its name: two rows never share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// What `--env`, `CE_ENV` and the config file's `environment` say.
    pub name: &'static str,
    /// Other words `--env`'s parser takes for it (case-insensitive).
    pub aliases: &'static [&'static str],
    /// How a line names it ("Using profile 'x' (EU production)").
    pub label: &'static str,
    /// How the wizard's environment choice shows it.
    pub choice_label: &'static str,
    /// The API base URL, without a trailing `/`.
    pub base_url: &'static str,
    /// Where a person signs in to the platform's web console.
    pub console_url: &'static str,
}

/// Every named environment, in the order `--env` and the wizard list them;
/// the first is the default.
pub const PLATFORMS: &[Platform] = &[
    Platform {
        name: "production",
        aliases: &["prod", ""],
        label: "production",
        choice_label: "production (US)",
        base_url: "https://api.cloud-elements.com/elements/api-v2",
        console_url: "https://my.cloudelements.io",
    },
    Platform {
        name: "eu",
        aliases: &[],
        label: "EU production",
        choice_label: "EU production",
        base_url: "https://api.cloud-elements.co.uk/elements/api-v2",
        console_url: "https://my.cloudelements.co.uk",
    },
    Platform {
        name: "staging",
        aliases: &[],
        label: "staging",
        choice_label: "staging",
        base_url: "https://staging.cloud-elements.com/elements/api-v2",
        console_url: "https://my-staging.cloudelements.io",
    },
];

/// The environment used when nothing names one.
pub const DEFAULT: &Platform = &PLATFORMS[0];

/// The names `--env` and `CE_ENV` take, in the table's order.
pub const NAMES: [&str; PLATFORMS.len()] = {
    let mut names = [""; PLATFORMS.len()];
    let mut i = 0;
    while i < PLATFORMS.len() {
        names[i] = PLATFORMS[i].name;
        i += 1;
    }
    names
};

/// The row a word names (its name or an alias, any case), or whose base URL
/// it is (a trailing `/` ignored).
pub fn find(word: &str) -> Option<&'static Platform> {
    let t = word.trim();
    let lower = t.to_ascii_lowercase();
    PLATFORMS.iter().find(|p| {
        p.name == lower
            || p.aliases.contains(&lower.as_str())
            || p.base_url == t.trim_end_matches('/')
    })
}

/// The row with this exact name.
pub fn named(name: &str) -> Option<&'static Platform> {
    PLATFORMS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_distinct_and_well_formed() {
        for (i, p) in PLATFORMS.iter().enumerate() {
            assert_eq!(NAMES[i], p.name);
            assert_eq!(named(p.name), Some(p));
            assert!(
                p.base_url.starts_with("https://") && !p.base_url.ends_with('/'),
                "{p:?}"
            );
            assert!(p.base_url.ends_with("/elements/api-v2"), "{p:?}");
            assert!(p.console_url.starts_with("https://"), "{p:?}");
            for q in &PLATFORMS[i + 1..] {
                assert_ne!(p.name, q.name);
                assert_ne!(p.base_url, q.base_url);
                assert!(!q.aliases.contains(&p.name) && !p.aliases.contains(&q.name));
            }
        }
        assert_eq!(DEFAULT.name, "production");
    }

    #[test]
    fn a_row_is_found_by_name_alias_or_base_url() {
        assert_eq!(find(" EU ").map(|p| p.name), Some("eu"));
        assert_eq!(find("prod").map(|p| p.name), Some("production"));
        assert_eq!(find("").map(|p| p.name), Some("production"));
        let staging = format!("{}/", PLATFORMS[2].base_url);
        assert_eq!(find(&staging).map(|p| p.name), Some("staging"));
        assert_eq!(find("https://ce.example.com/elements/api-v2"), None);
        assert_eq!(named("EU"), None);
    }

    #[test]
    fn the_cli_the_config_and_the_wizard_read_this_table() {
        use crate::config::Environment;
        use crate::tui::steps::connection::{ConnectionForm, EnvKind};
        use clap::CommandFactory;

        let cli = crate::cli::Cli::command();
        let env = cli.get_arguments().find(|a| a.get_id() == "env").unwrap();
        let offered: Vec<String> = env
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(offered, NAMES, "--env offers the table's names");

        let choices: Vec<EnvKind> = EnvKind::all().collect();
        assert_eq!(
            choices.len(),
            PLATFORMS.len() + 1,
            "the rows, then a base URL"
        );
        assert_eq!(choices.last(), Some(&EnvKind::Custom));
        for (p, choice) in PLATFORMS.iter().zip(&choices) {
            // The config file: by name or base URL, and back to the name.
            for word in [p.name, p.base_url] {
                let e = Environment::parse(word);
                assert_eq!(e, Environment::Named(p));
                assert_eq!(
                    (e.base_url(), e.label()),
                    (p.base_url.into(), p.label.into())
                );
                assert_eq!(e.config_name(), p.name);
            }
            // The wizard: the choice's words, and where it connects.
            assert_eq!(*choice, EnvKind::Named(p));
            assert_eq!(choice.label(), p.choice_label);
            let form = ConnectionForm::new(Some(&Environment::Named(p)), None, None);
            assert_eq!(form.env, *choice);
            assert_eq!(form.environment(), Environment::Named(p));
            assert_eq!(form.base_url(), p.base_url);
        }
        let none = ConnectionForm::new(None, None, None);
        assert_eq!(none.environment(), Environment::Named(DEFAULT));
    }
}
