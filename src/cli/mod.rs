//! The command line: the wizard (no subcommand), `create`, `elements`,
//! `instances`, `sandbox`, `completions` and `man`.

mod accessible;
mod authorize;
mod batch;
mod batch_progress;
mod batch_rows;
#[cfg(test)]
mod batch_tests;
pub mod cleanup;
mod complete;
mod connection;
pub mod console;
mod create;
#[cfg(test)]
mod create_tests;
mod elements;
#[cfg(test)]
mod fakes;
mod field_kinds;
mod inputs;
mod instances;
mod output;
mod profiles;
mod prompt;
mod report;
mod secrets;
pub mod shells;
pub mod wizard;

pub use connection::{resolve_connection, Connection};
pub use inputs::{parse_instance_json, parse_set, Draft, InputError};

use crate::exit;
use clap::{Args, Parser, Subcommand};
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "ce-wizard",
    version,
    // A repeated option takes its last value, so scripts can override defaults.
    args_override_self = true,
    about = "Connect an account to Cloud Elements: pick an element, fill its settings, authorize in your browser, and get a working instance and its token.",
    long_about = "Connect an account to Cloud Elements: pick an element, fill its settings, authorize in your browser, and get a working instance and its token.\n\nThe words: an element is one provider's API (a service such as Shopify, where you sign in); its hub is the family of alike APIs it belongs to (ecommerce, crm); an instance is your account connected through an element, with a token of its own.\n\nWithout a subcommand, opens the interactive wizard. Try it with no account at all:\n  ce-wizard --sandbox",
    after_help = after_help()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// With the wizard: print only the created instance's token on stdout at exit.
    #[arg(long)]
    pub print_token: bool,
    /// With the wizard: start with this element selected.
    #[arg(long, value_name = "KEY")]
    pub element: Option<String>,
    /// The wizard as a plain line-by-line transcript for screen readers (also ACCESSIBLE=1, and
    /// whenever TERM=dumb).
    // ACCESSIBLE is read by `accessible::wanted`, not by clap: clap's flag
    // takes only true/false, and every command exited 2 on ACCESSIBLE=1.
    #[arg(long)]
    pub accessible: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Use the built-in sandbox (an emulator of the platform in this process, with demo secrets).
    #[arg(long, global = true, conflicts_with_all = ["base_url", "env"])]
    pub sandbox: bool,
    /// The platform's API base URL: an SAP Open Connectors tenant, a proxy, a self-hosted
    /// platform, a standalone sandbox. Wins over --env.
    #[arg(long, global = true, env = "CE_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// The environment: production (default, US), eu (EU production) or staging.
    #[arg(long = "env", global = true, env = "CE_ENV", value_name = "ENV", value_parser = crate::config::ENV_NAMES)]
    pub env: Option<String>,
    /// The loopback port for the OAuth redirect (register http://127.0.0.1:PORT/callback with the provider); 0 picks a free one.
    /// Given, it wins over the callback an instance has stored (`instances reauth`).
    #[arg(long, global = true, value_name = "PORT", default_value_t = crate::oauth::DEFAULT_CALLBACK_PORT)]
    pub callback_port: u16,
    /// Whether --callback-port was given rather than defaulted.
    #[arg(skip)]
    pub callback_port_given: bool,
    /// How long to wait for the OAuth redirect: seconds, or with a unit (90s, 5m).
    #[arg(long, global = true, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub oauth_timeout: Duration,
    /// Don't open a browser; print the authorization URL instead.
    #[arg(long, global = true)]
    pub no_browser: bool,
    /// The deadline of each call to the platform: seconds, or with a unit (30s, 2m).
    #[arg(long, global = true, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// The saved account to use: its environment and secrets (see `ce-wizard profiles list`).
    #[arg(long, global = true, env = "CE_PROFILE", value_name = "NAME", value_parser = parse_profile_name)]
    pub profile: Option<String>,
    /// Send a profile's saved secrets to another platform than the one they were saved for
    /// (another config file, --base-url, CE_BASE_URL or --env pointing the profile elsewhere).
    /// Without it, a terminal asks first and anything else refuses (exit 2).
    #[arg(long, global = true)]
    pub trust_host: bool,
    /// Allow a plain http:// base URL to a host other than this machine: the secrets travel
    /// unencrypted. A warning is printed on every run.
    #[arg(long, global = true)]
    pub allow_http: bool,
    /// Remember secrets in the config file (mode 0600) instead of the OS keyring.
    #[arg(long, global = true)]
    pub insecure_storage: bool,
    /// Write a diagnostic log here (created readable by you only): requests, timings, retries,
    /// OAuth events. Secrets are masked.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<std::path::PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an instance without the wizard (scripts, CI): prints the instance JSON on stdout.
    #[command(
        after_help = "Examples:\n  ce-wizard create --from instance.json\n  ce-wizard create --element bigcommerce --name shop --tag docs \\\n      --set store.url=https://store-abc.mybigcommerce.com/api/v2/ \\\n      --set username=u --set password=@token.txt\n  ce-wizard create --element infusionsoftecommerce \\\n      --set oauth.api.key=ID --set oauth.api.secret=env:APP_SECRET\n  ce-wizard create ... | jq -r .token\n  ce-wizard create --batch rows.jsonl   # a body a line; reruns skip those made\n\nMissing required settings are asked for when standard input is a terminal;\notherwise the command fails with exit code 2 and lists every one. After an\nOAuth redirect page fails to load, paste its full address on standard input."
    )]
    Create(CreateArgs),
    /// List the elements: your Cloud Elements catalog when secrets are set, else the bundled ones.
    Elements(ElementsArgs),
    /// Find, check, change, re-authorize and delete the account's instances.
    Instances(instances::InstancesArgs),
    /// Keep the remembered secrets in the OS keyring.
    Secrets(secrets::SecretsArgs),
    /// List, remove or choose the default of the saved accounts (profiles).
    Profiles(profiles::ProfilesArgs),
    /// Run a local emulator of the platform (no account needed).
    Sandbox(SandboxArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish).
    #[command(
        after_help = "Install, e.g.:\n  ce-wizard completions bash \\\n      > ~/.local/share/bash-completion/completions/ce-wizard\n  ce-wizard completions zsh > ~/.zfunc/_ce-wizard\n      # with fpath+=(~/.zfunc) before compinit in ~/.zshrc\n  ce-wizard completions fish > ~/.config/fish/completions/ce-wizard.fish"
    )]
    #[command(
        override_usage = "ce-wizard completions <SHELL>",
        help_template = COMPLETIONS_HELP
    )]
    Completions(shells::CompletionsArgs),
    /// Print the man page (roff), e.g. ce-wizard man > ~/.local/share/man/man1/ce-wizard.1
    #[command(override_usage = "ce-wizard man", help_template = GENERATED_HELP)]
    Man,
}

#[derive(Args, Debug, Default)]
#[command(group(clap::ArgGroup::new("batch_input").args(["batch", "batch_csv"])))]
pub struct CreateArgs {
    /// An instance.json body, as the docs show for curl (- reads standard input).
    #[arg(long, value_name = "FILE")]
    pub from: Option<String>,
    /// The element's key, e.g. bigcommerce (see `ce-wizard elements`).
    #[arg(long, value_name = "KEY")]
    pub element: Option<String>,
    /// The instance's name (default: the element key and the current time).
    #[arg(long)]
    pub name: Option<String>,
    /// A tag for the instance; repeat for more.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A setting: key=value, key=@file, key=@- (standard input) or key=env:NAME. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Don't check the new instance with its health check (without this flag, a failed check exits 5).
    #[arg(long)]
    pub no_verify: bool,
    /// Check everything and print the request and its curl command (secrets as $VARIABLES), but send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: print the request's JSON body alone (for jq).
    #[arg(long, requires = "dry_run")]
    pub json: bool,
    /// An extra parameter for the platform's OAuth calls (oauth/url, OAuth 1's oauth/token), e.g.
    /// siteAddress=my-shop or scope=read_orders; it replaces the element's own of that name. Repeatable.
    #[arg(long = "oauth-param", value_name = "NAME=VALUE")]
    pub oauth_params: Vec<String>,
    /// Many instances from JSON Lines, one instance.json body a line (- reads standard input).
    /// Rerun after a failure: names the account already has are skipped.
    #[arg(long, value_name = "FILE", conflicts_with_all = BATCH_CONFLICTS)]
    pub batch: Option<String>,
    /// Many instances from CSV: a header of element, name, tags (separated by ;) and
    /// configuration keys, then a row per instance (- reads standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = BATCH_CONFLICTS)]
    pub batch_csv: Option<String>,
    /// With a batch: create the valid rows even when others are invalid (exit 2 then).
    #[arg(long, requires = "batch_input")]
    pub skip_invalid: bool,
    /// With a batch: how many creates (without a browser sign-in) run at once.
    #[arg(long, value_name = "N", default_value_t = 8, requires = "batch_input",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

/// What a batch file gives for each row, so not on the command line too.
const BATCH_CONFLICTS: [&str; 7] = [
    "from",
    "element",
    "name",
    "tags",
    "sets",
    "json",
    "oauth_params",
];

#[derive(Args, Debug)]
pub struct ElementsArgs {
    /// Print the elements as JSON.
    #[arg(long)]
    pub json: bool,
    /// Fetch the catalog from the platform now instead of using the cached copy.
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// The loopback port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Misbehave on purpose, to see how a client copes; repeatable, the first match applies.
    /// FAULT is KIND[,times=N][,method=M][,path=P], KIND one of 500, 502, 503, 504,
    /// 429[:RETRY_AFTER_SECS], delay:MS, hang, close, malformed, html[:STATUS], drop-after-create,
    /// invalidate, disable (the instance a call through /hubs names by its token breaks).
    /// E.g. --fault 503,times=2 --fault drop-after-create --fault invalidate,times=1
    #[arg(long = "fault", value_name = "FAULT", verbatim_doc_comment)]
    pub faults: Vec<crate::sandbox::Fault>,
    /// Start with N instances over the five seed elements, a few of them invalid and a few
    /// disabled: the same account on every start.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub instances: usize,
    /// Every answer takes this many milliseconds more, as over a slow link (answers still
    /// overlap, as a platform serves many callers at once).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Answer at most N calls a second; the others get 429 with Retry-After.
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<crate::sandbox::RateLimit>,
    /// Instances break while in use: AFTER:EVERY[:invalid|disabled], e.g. 50:10 (after 50 calls,
    /// one instance in every 10 turns invalid).
    #[arg(long, value_name = "AFTER:EVERY")]
    pub break_after: Option<crate::sandbox::Breakage>,
}

/// The help of a command that prints generated text: its own argument
/// only, without the global options that every other command takes.
const GENERATED_HELP: &str = "{about-with-newline}\n{usage-heading} {usage}";
const COMPLETIONS_HELP: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\nArguments:\n{positionals}{after-help}";

/// Credentials, then the exit codes of [`exit::CODES`].
fn after_help() -> String {
    format!(
        "Credentials: CE_USER_SECRET and CE_ORG_SECRET, or a profile the wizard offers\n\
         to save (--profile NAME), kept in $XDG_CONFIG_HOME/ce-wizard/config.toml\n\
         (mode 0600; CE_WIZARD_CONFIG names another path) and the OS keyring.\n\
         Secrets are never taken as command-line arguments, where other users could\n\
         see them.\n\n{}",
        exit::help()
    )
}

/// Whether the global option `id` was given on the command line (or its
/// variable), in the command's own matches or its subcommands'.
fn given(matches: &clap::ArgMatches, id: &str) -> bool {
    let here = matches!(
        matches.value_source(id),
        Some(clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable)
    );
    here || matches.subcommand().is_some_and(|(_, sub)| given(sub, id))
}

/// A profile name as `--profile`, `CE_PROFILE` and `profiles` take it.
pub fn parse_profile_name(s: &str) -> Result<String, String> {
    crate::config::check_profile_name(s).map(|()| s.to_string())
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: u64 = num.parse().map_err(|_| {
        format!("'{s}' is not a duration: give seconds (300) or a number with s, m or h (5m)")
    })?;
    let secs = match unit {
        "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("'{s}': the unit must be s, m or h")),
    };
    if secs == 0 {
        return Err("the timeout must be at least one second".into());
    }
    Ok(Duration::from_secs(secs))
}

/// A command's end: the exit code and what to tell the person on stderr.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::INVALID_INPUT,
            message: message.into(),
        }
    }
}

/// Parses the arguments, runs the command and returns the exit code.
/// The command line's run; `full_screen` starts the interactive wizard,
/// which lives in the TUI (see [`wizard`]).
pub fn main(full_screen: &dyn wizard::FullScreen) -> i32 {
    // A completion script asking for candidates: before clap, which does
    // not know the hidden word.
    if let Some(code) = complete::run_if_asked(
        &std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
    ) {
        return code;
    }
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let mut cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // A stored callback gives way to the flag only when it was given.
    cli.global.callback_port_given = given(&matches, "callback_port");
    if cli.global.allow_http {
        crate::api::allow_clear_text();
    }
    if let Some(path) = &cli.global.log_file {
        if let Err(e) = crate::log::init(path) {
            eprintln!(
                "error: cannot write the log file {}: {e}; pick another --log-file path",
                path.display()
            );
            return exit::INVALID_INPUT;
        }
    }
    // Generated text only: no log, no runtime, no network.
    match &cli.command {
        Some(Command::Completions(a)) => {
            let out = shells::completions(a.shell, &mut std::io::stdout());
            return output::printed(out, "completion script");
        }
        Some(Command::Man) => {
            return output::printed(shells::man(&mut std::io::stdout()), "man page");
        }
        _ => {}
    }
    if let Some(Command::Sandbox(a)) = &cli.command {
        return match crate::sandbox::serve_forever(crate::sandbox::SandboxOptions {
            port: a.port,
            log_requests: true,
            faults: crate::sandbox::Faults(a.faults.clone()),
            instances: a.instances,
            latency: Duration::from_millis(a.latency),
            rate_limit: a.rate_limit,
            breakage: a.break_after,
            // A slow platform still answers many callers at once.
            workers: if a.latency > 0 {
                64
            } else {
                crate::sandbox::WORKERS
            },
            ..Default::default()
        }) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {e}");
                exit::FAILED
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return exit::FAILED;
        }
    };
    let result = runtime.block_on(async {
        tokio::select! {
            r = dispatch(cli, full_screen) => r,
            _ = interrupted() => Err(Failure { code: exit::INTERRUPTED, message: "interrupted".into() }),
        }
    });
    // Blocked reads of standard input (the paste prompt) must not keep the
    // process alive.
    runtime.shutdown_timeout(Duration::from_millis(100));
    let code = match result {
        Ok(code) => code,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
                crate::log::event("error", &f.message);
            }
            f.code
        }
    };
    crate::log::event("exit", format!("exit code {code}"));
    code
}

/// Ctrl-C, and on Windows Ctrl-Break too, which tokio's `ctrl_c` leaves out.
async fn interrupted() {
    #[cfg(windows)]
    if let Ok(mut ctrl_break) = tokio::signal::windows::ctrl_break() {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = ctrl_break.recv() => {}
        }
        return;
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn dispatch(cli: Cli, full_screen: &dyn wizard::FullScreen) -> Result<i32, Failure> {
    match cli.command {
        Some(Command::Create(args)) if args.batch.is_some() || args.batch_csv.is_some() => {
            batch::run(&cli.global, &args, &mut console::Console::system()).await
        }
        Some(Command::Create(args)) => {
            create::run(&cli.global, &args, &mut console::Console::system()).await
        }
        Some(Command::Elements(args)) => elements::run(&cli.global, &args).await,
        Some(Command::Instances(args)) => instances::run(&cli.global, args, full_screen).await,
        Some(Command::Secrets(args)) => secrets::run(&cli.global, &args),
        Some(Command::Profiles(args)) => profiles::run(&args),
        Some(Command::Sandbox(_) | Command::Completions(_) | Command::Man) => {
            unreachable!("handled before the runtime starts")
        }
        None if accessible::wanted(
            cli.accessible,
            std::env::var("ACCESSIBLE").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        ) =>
        {
            accessible::run(
                &cli.global,
                cli.print_token,
                cli.element,
                console::Console::system(),
            )
            .await
        }
        None => wizard::run(full_screen, &cli.global, cli.print_token, cli.element).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_the_exit_codes_of_the_exit_module() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains(&exit::help()), "{help}");
        for (code, meaning) in exit::CODES {
            assert!(help.contains(&format!("  {code:<5}{meaning}")), "{code}");
        }
        assert!(help.contains("Credentials: CE_USER_SECRET"));
    }

    /// `--help` says what the words the wizard uses mean before any
    /// screen uses them.
    #[test]
    fn help_explains_element_provider_hub_and_instance() {
        let help = Cli::command().render_long_help().to_string();
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for words in [
            "an element is one provider's API",
            "its hub is the family of alike APIs",
            "an instance is your account connected through an element",
        ] {
            assert!(flat.contains(words), "{words}: {help}");
        }
    }

    /// Every command's closing text, examples included, fits an 80-column
    /// terminal as written: clap would otherwise wrap an example in the
    /// middle, and the pasted lines would run as two commands.
    #[test]
    fn closing_texts_fit_80_columns_so_examples_are_never_wrapped() {
        fn walk(cmd: &clap::Command, path: &str) {
            if let Some(text) = cmd.get_after_help() {
                for line in text.to_string().lines() {
                    assert!(line.chars().count() <= 79, "{path}: {line}");
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        walk(&Cli::command(), "ce-wizard");
    }

    /// `completions` and `man` print generated text: the account, OAuth
    /// and network options every other command takes mean nothing there.
    #[test]
    fn generated_text_commands_list_only_their_own_arguments() {
        for (name, usage) in [
            ("completions", "ce-wizard completions <SHELL>"),
            ("man", "ce-wizard man"),
        ] {
            let mut cmd = Cli::command();
            cmd.build();
            let help = cmd
                .find_subcommand_mut(name)
                .unwrap()
                .render_long_help()
                .to_string();
            assert!(help.contains(&format!("Usage: {usage}")), "{help}");
            for global in ["--sandbox", "--callback-port", "--profile", "[OPTIONS]"] {
                assert!(!help.contains(global), "{name}: {global} in {help}");
            }
        }
    }

    /// The README's list of commands names every one the binary has.
    #[test]
    fn the_readme_lists_every_command() {
        let readme = include_str!("../../README.md");
        let block = readme
            .split("## Commands")
            .nth(1)
            .and_then(|s| s.split("```").nth(1))
            .expect("README has a Commands block");
        for sub in Cli::command().get_subcommands() {
            let line = format!("ce-wizard {}", sub.get_name());
            assert!(
                block.contains(&line),
                "{line} missing from the README's Commands"
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("300").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("5 days").is_err());
        assert!(parse_duration("x").is_err());
    }
}
