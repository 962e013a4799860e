//! `completions` and `man`: generated from the clap definition, checked
//! against that same definition, so neither can drift from `--help`.

use ce_wizard::cli::{shells, Cli};
use clap::CommandFactory;
use std::io::Write;
use std::process::{Command, Stdio};

fn ce_wizard(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ce-wizard"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .output()
        .expect("run ce-wizard");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// Every subcommand's name, at every depth, from the clap definition.
fn subcommand_names(cmd: &clap::Command, names: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        names.push(sub.get_name().to_string());
        subcommand_names(sub, names);
    }
}

fn all_subcommands() -> Vec<String> {
    let mut names = Vec::new();
    subcommand_names(&Cli::command(), &mut names);
    assert!(
        names.len() > 5,
        "the definition has its subcommands: {names:?}"
    );
    names
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let names = all_subcommands();
    let mut shells_seen = 0;
    for shell in shells::shells() {
        shells_seen += 1;
        let (code, out, err) = ce_wizard(&["completions", &shell.to_string()]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(!out.trim().is_empty(), "{shell}: empty script");
        for name in &names {
            assert!(
                out.contains(name.as_str()),
                "{shell}'s script does not name `{name}`"
            );
        }
    }
    assert_eq!(shells_seen, 5, "bash, zsh, fish, powershell, elvish");
}

#[test]
fn the_bash_script_parses() {
    let (code, out, err) = ce_wizard(&["completions", "bash"]);
    assert_eq!(code, 0, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ce-wizard.bash");
    std::fs::write(&path, &out).unwrap();
    let check = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash is installed");
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Sourcing it registers the completion for the command's name.
    let source = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p ce-wizard",
            path.display()
        ))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&source.stdout).contains("ce-wizard"),
        "{}",
        String::from_utf8_lossy(&source.stderr)
    );
}

#[test]
fn an_unknown_shell_is_invalid_input() {
    let (code, out, err) = ce_wizard(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("tcsh"), "{err}");
}

/// The man page as a reader sees it: through `man -l`, else `nroff -man`.
/// With neither installed, the roff source with its escapes undone, and
/// stderr says which was used.
fn rendered_man_page(roff: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ce-wizard.1");
    std::fs::write(&path, roff).unwrap();
    let tries: [(&str, Vec<&str>); 2] = [
        ("man", vec!["-l", path.to_str().unwrap()]),
        ("nroff", vec!["-man", path.to_str().unwrap()]),
    ];
    for (tool, args) in tries {
        let out = Command::new(tool)
            .args(&args)
            .env("MANWIDTH", "200")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("GROFF_NO_SGR", "1")
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(out) => {
                assert!(
                    out.status.success(),
                    "{tool} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                // Overstrike bold and underline (x\bx, _\bx) to plain text.
                let plain = strip_overstrike(&text);
                assert!(!plain.trim().is_empty(), "{tool} rendered nothing");
                return plain;
            }
            Err(e) => {
                writeln!(std::io::stderr(), "note: {tool} not usable ({e})").ok();
            }
        }
    }
    writeln!(
        std::io::stderr(),
        "note: neither man nor nroff is installed: checking the roff source only"
    )
    .ok();
    roff.replace("\\-", "-")
}

fn strip_overstrike(s: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in s.chars() {
        if c == '\u{8}' {
            out.pop();
            continue;
        }
        out.push(c);
    }
    // Hyphenation at a line's end would split an option name.
    out.into_iter().collect::<String>().replace('\u{2010}', "-")
}

#[test]
fn the_man_page_names_every_subcommand_and_option_of_help() {
    let (code, roff, err) = ce_wizard(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(roff.starts_with(".ie") || roff.contains(".TH"), "{roff}");
    let page = rendered_man_page(&roff);
    let cli = Cli::command();
    for sub in cli.get_subcommands() {
        assert!(
            page.contains(sub.get_name()),
            "the man page does not name the subcommand `{}`:\n{page}",
            sub.get_name()
        );
    }
    let mut options = 0;
    for arg in cli.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            options += 1;
            assert!(
                page.contains(&format!("--{long}")),
                "the man page does not name --{long}:\n{page}"
            );
        }
    }
    assert!(options > 5, "the definition has its options");
    // --help itself names them too: the two come from one definition.
    let (_, help, _) = ce_wizard(&["--help"]);
    for sub in cli.get_subcommands() {
        assert!(help.contains(sub.get_name()), "{help}");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["elements"],
        &["elements", "--json"],
        &["profiles", "list", "--json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ce-wizard"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("CE_WIZARD_CONFIG", home.path().join("config.toml"))
            .env("CE_WIZARD_CACHE", home.path().join("cache"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closing the pipe unread: every write after it fails.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("error"),
            "{args:?}: {err}"
        );
    }
}
