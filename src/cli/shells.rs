//! `completions` and `man`: both come from the clap definition itself, so
//! they name exactly the commands and options `--help` does. The bash, zsh
//! and fish scripts ask the command for their candidates at each Tab
//! (`super::complete`), which also offers the values of `--element`,
//! `--profile` and `--env`; PowerShell and elvish get clap_complete's
//! static scripts.

use super::Cli;
use clap::{Args, CommandFactory, ValueEnum};
use std::io::Write;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The command's own name, as the shell sees it.
const BIN: &str = "ce-wizard";

/// Writes the completion script for `shell`. The script is generated
/// whole first: clap_complete panics on a failed write (a closed pipe).
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    use clap_complete::Shell;
    let script = match shell {
        Shell::Bash => BASH.as_bytes().to_vec(),
        Shell::Zsh => ZSH.as_bytes().to_vec(),
        Shell::Fish => FISH.as_bytes().to_vec(),
        _ => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
            script
        }
    };
    out.write_all(&script)?;
    out.flush()
}

// The three scripts below hand the words typed so far to the command that
// is being completed (the first word, as typed) and offer what
// `__complete` prints. clap_complete's own bash script spells its case arms
// for a name without the hyphen, so it completed nothing after the first
// word; asking the command itself avoids such drift altogether.

/// bash: the words are split again from the line up to the cursor, so that
/// `--env=eu` stays one word whatever COMP_WORDBREAKS holds.
const BASH: &str = r#"# bash completion for ce-wizard (ce-wizard completions bash)
_ce_wizard() {
    local line="${COMP_LINE:0:COMP_POINT}" cur="${COMP_WORDS[COMP_CWORD]}"
    local -a words
    read -r -a words <<< "$line"
    [[ "$line" =~ [[:space:]]$ || ${#words[@]} -eq 0 ]] && words+=("")
    local typed="${words[${#words[@]}-1]}"
    local IFS=$'
' candidate
    local -a found
    found=($("${words[0]}" __complete -- "${words[@]:1}" 2>/dev/null))
    COMPREPLY=()
    if [[ "${found[0]}" == ":file" ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
    fi
    for candidate in "${found[@]}"; do
        candidate="${candidate%%$'	'*}"
        # bash replaces only the part after a '=' or ':' of COMP_WORDBREAKS.
        COMPREPLY+=("${candidate:${#typed}-${#cur}}")
    done
    return 0
}
complete -F _ce_wizard ce-wizard
"#;

/// zsh: works autoloaded from `fpath` (`_ce-wizard`) and sourced.
const ZSH: &str = r#"#compdef ce-wizard
# zsh completion for ce-wizard (ce-wizard completions zsh)
_ce-wizard() {
    local -a found values descriptions
    local line
    found=("${(@f)$(${words[1]} __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ "${found[1]}" == ":file" ]]; then
        _files
        return
    fi
    for line in "${found[@]}"; do
        [[ -z "$line" ]] && continue
        values+=("${line%%$'	'*}")
        if [[ "$line" == *$'	'* ]]; then
            descriptions+=("${line%%$'	'*}  -- ${line#*$'	'}")
        else
            descriptions+=("$line")
        fi
    done
    (( ${#values} )) && compadd -l -d descriptions -a values
}
if [[ "$funcstack[1]" == "_ce-wizard" ]]; then
    _ce-wizard "$@"
else
    compdef _ce-wizard ce-wizard
fi
"#;

/// fish: `commandline` gives the words before the cursor and the one at it.
const FISH: &str = r#"# fish completion for ce-wizard (ce-wizard completions fish)
function __ce_wizard_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l found ($words[1] __complete -- $words[2..-1] "$current" 2>/dev/null)
    if test "$found[1]" = ":file"
        __fish_complete_path "$current"
    else
        printf '%s
' $found
    end
end
complete -c ce-wizard -f -a '(__ce_wizard_complete)'
"#;

/// Writes the roff man page (section 1).
pub fn man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()
}

/// Every shell `completions` knows, for the help text and the tests.
pub fn shells() -> impl Iterator<Item = clap_complete::Shell> {
    clap_complete::Shell::value_variants().iter().copied()
}
