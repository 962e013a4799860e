//! `completions` and `man`: generated from the clap definition, checked
//! against that same definition, so neither can drift from `--help`; and
//! the bash, zsh and fish scripts sourced in the real shells, completing
//! subcommands, flags and the values of `--element`, `--profile`, `--env`.

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
        if ["bash", "zsh", "fish"].contains(&shell.to_string().as_str()) {
            // These ask the command at each Tab: the journeys below
            // complete every subcommand in the real shell.
            assert!(out.contains("__complete"), "{shell}: {out}");
            continue;
        }
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

/// A machine with one saved profile (`acme-eu`, EU, so the one used) and a
/// cached catalog for EU production holding an element no bundled spec has.
struct Machine {
    home: tempfile::TempDir,
}

/// The key only the cached catalog knows.
const CACHED_ONLY: &str = "zyntrafleet";

impl Machine {
    fn new() -> Machine {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("config.toml"),
            "[profiles.acme-eu]\nenvironment = \"eu\"\nsecrets = \"file\"\nuser_secret = \"u\"\norg_secret = \"o\"\n",
        )
        .unwrap();
        let cache = home.path().join("cache");
        std::fs::create_dir(&cache).unwrap();
        let eu = ce_wizard::environments::named("eu").unwrap().base_url;
        let file = ce_wizard::catalog::cache_path(eu).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let body = serde_json::json!({
            "format": 1,
            "base_url": eu,
            "fetched_at": now,
            "elements": [{"key": CACHED_ONLY, "name": "Zyntra Fleet", "auth": "basic"}],
        });
        std::fs::write(cache.join(file.file_name().unwrap()), body.to_string()).unwrap();
        Machine { home }
    }

    /// The shell run with the built command first on PATH, this machine's
    /// config and cache, and nothing else from the caller's environment.
    fn shell(&self, program: &str, script: &str) -> (String, String) {
        let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_ce-wizard"))
            .parent()
            .unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into())
        );
        let home = self.home.path();
        let installed = path
            .split(':')
            .any(|dir| std::path::Path::new(dir).join(program).is_file());
        assert!(
            installed,
            "{program} is not installed: install the Debian package `{program}` \
             (apt-get install -y {program})"
        );
        // A shell waiting on a line that never comes must not hang the suite.
        let out = Command::new("timeout")
            .arg("120")
            .arg(program)
            .args(match program {
                "zsh" => vec!["-f", "-c", script],
                "fish" => vec!["--no-config", "-c", script],
                _ => vec!["--norc", "--noprofile", "-c", script],
            })
            .env_clear()
            .env("PATH", path)
            .env("HOME", home)
            .env("TERM", "dumb")
            .env("CE_WIZARD_CONFIG", home.join("config.toml"))
            .env("CE_WIZARD_CACHE", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .current_dir(home)
            .stdin(Stdio::null())
            .output()
            .expect("run the shell under coreutils' timeout");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Writes the script `completions <shell>` prints into the home.
    fn script(&self, shell: &str) -> std::path::PathBuf {
        let (code, out, err) = ce_wizard(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        let path = self.home.path().join(format!("ce-wizard.{shell}"));
        std::fs::write(&path, out).unwrap();
        path
    }
}

/// What the shells must offer, as (the line typed, a candidate it offers).
/// `create --el` completes to the flag itself.
const JOURNEYS: &[(&str, &str)] = &[
    ("ce-wizard instances ", "list"),
    ("ce-wizard ", "instances"),
    ("ce-wizard create --el", "--element"),
    ("ce-wizard create --element ", "bigcommerce"),
    ("ce-wizard create --element zyn", CACHED_ONLY),
    ("ce-wizard --profile ", "acme-eu"),
    ("ce-wizard instances list --profile ", "acme-eu"),
    ("ce-wizard --env ", "eu"),
    ("ce-wizard create --env=", "eu"),
];

/// Each line's candidates, from a shell's output of `<<line>>` blocks.
fn offered(out: &str) -> Vec<(String, Vec<String>)> {
    out.split("<<")
        .skip(1)
        .map(|block| {
            let (line, rest) = block.split_once(">>").unwrap();
            let words = rest
                .lines()
                .map(|l| l.split('\t').next().unwrap().trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
            (line.to_string(), words)
        })
        .collect()
}

fn check_journeys(shell: &str, out: &str, err: &str) {
    let got = offered(out);
    assert_eq!(got.len(), JOURNEYS.len(), "{shell}: {out}\n{err}");
    for ((line, want), (seen_line, words)) in JOURNEYS.iter().zip(&got) {
        assert_eq!(line, seen_line);
        // bash offers the part after `=`; zsh and fish the whole word.
        let want_eq = want.to_string();
        let ok = words
            .iter()
            .any(|w| *w == want_eq || w.rsplit('=').next() == Some(want));
        assert!(
            ok,
            "{shell}: `{line}<Tab>` offers {words:?}, not `{want}`\nstderr: {err}"
        );
        // Nothing fell back to file names: the home's files are not offered.
        assert!(
            !words.iter().any(|w| w.starts_with("config.toml")),
            "{shell}: `{line}<Tab>` lists files: {words:?}"
        );
    }
}

#[test]
fn bash_completes_subcommands_flags_and_values() {
    let m = Machine::new();
    let script = m.script("bash");
    // As bash's readline calls the function: the line, the cursor, the words
    // split at COMP_WORDBREAKS (so `--env=` is three words).
    let mut driver = format!("source '{}'\n", script.display());
    driver.push_str(
        r#"tab() {
    local line="$1"
    COMP_LINE="$line"; COMP_POINT=${#line}
    local split="${line//=/ = }"
    read -r -a COMP_WORDS <<< "$split"
    [[ "$line" =~ [[:space:]]$ ]] && COMP_WORDS+=("")
    [[ "$line" == *= ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    local spec; spec=$(complete -p ce-wizard) || { echo "no completion registered" >&2; return; }
    local fn="${spec#*-F }"; fn="${fn%% *}"
    COMPREPLY=()
    "$fn" ce-wizard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '<<%s>>\n' "$line"
    printf '%s\n' "${COMPREPLY[@]}"
}
"#,
    );
    for (line, _) in JOURNEYS {
        driver.push_str(&format!("tab '{line}'\n"));
    }
    let (out, err) = m.shell("bash", &driver);
    check_journeys("bash", &out, &err);
}

#[test]
fn fish_completes_subcommands_flags_and_values() {
    let m = Machine::new();
    let script = m.script("fish");
    let mut driver = format!("source '{}'\n", script.display());
    for (line, _) in JOURNEYS {
        driver.push_str(&format!(
            "printf '<<%s>>\\n' '{line}'\ncomplete -C '{line}'\n"
        ));
    }
    let (out, err) = m.shell("fish", &driver);
    check_journeys("fish", &out, &err);
}

#[test]
fn zsh_completes_subcommands_flags_and_values() {
    let m = Machine::new();
    let script = m.script("zsh");
    // zsh's completion runs only inside its line editor: a pseudo-terminal
    // (zpty) runs an interactive zsh whose Tab lists every match.
    let mut driver = String::from(
        r#"zmodload zsh/zpty || { echo "zsh/zpty missing" >&2; exit 1; }
zpty -b z 'zsh -f -i'
zpty -w z 'PS1="" PROMPT="" RPROMPT=""; unsetopt zle_bracketed_paste 2>/dev/null'
zpty -w z "autoload -Uz compinit && compinit -u -D"
"#,
    );
    driver.push_str(&format!("zpty -w z \"source '{}'\"\n", script.display()));
    driver.push_str(
        r#"zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no; setopt nolistambiguous nolistbeep; LISTMAX=0"
# Tab lists the choices, draws them (zle -R), then prints the end marker
# itself. Keys typed while a completion runs are typeahead, and zsh skips
# drawing a listing when typeahead waits: so nothing is sent until the
# marker is read.
zpty -w z "tab-and-mark() { zle list-choices; zle -R; print -r -- \$'\\n@@END''@@' }; zle -N tab-and-mark; bindkey '^I' tab-and-mark"
zpty -w z 'echo READY'
zpty -r z got '*READY*READY*'
tab() {
    local line="$1" out chunk
    zpty -w z "print -r -- '@@START@@'"
    zpty -r z chunk '*@@START@@*@@START@@*'
    zpty -w -n z "$line"$'\t'
    zpty -r z out '*@@END@@*'
    zpty -w -n z $'\C-u'
    print -r -- "<<$line>>"
    print -r -- "${out//$'\r'/}" | tr -s ' ' '\n'
}
"#,
    );
    for (line, _) in JOURNEYS {
        driver.push_str(&format!("tab '{line}'\n"));
    }
    let (out, err) = m.shell("zsh", &driver);
    check_journeys("zsh", &out, &err);
}
