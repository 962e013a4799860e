//! Process exit codes, the same for every command. [`CODES`] is the one
//! list of them: `--help` prints it ([`help`]) and the README's "Exit codes"
//! table is checked against it.

pub const CREATED: i32 = 0;
/// Something other than the input, the platform or OAuth stopped the
/// program: its runtime, the terminal or the sandbox's port.
pub const FAILED: i32 = 1;
/// The input was invalid; nothing was sent.
pub const INVALID_INPUT: i32 = 2;
/// The API refused the request or could not be reached.
pub const API_FAILED: i32 = 3;
/// OAuth was denied, mismatched or timed out, or its port is taken.
pub const OAUTH_FAILED: i32 = 4;
/// An instance created, re-authorized or checked does not work: it is
/// broken or disabled (`instances test`, also of many at once, and
/// `create`'s check).
pub const CHECK_FAILED: i32 = 5;
/// Interrupted: Ctrl-C, or a confirmation (delete, profiles remove) declined.
pub const INTERRUPTED: i32 = 130;

/// Every exit code and what it means, in the words `--help` and the
/// README use.
pub const CODES: [(i32, &str); 7] = [
    (CREATED, "created (or nothing to do)"),
    (
        FAILED,
        "something else failed: the runtime, terminal or sandbox (message shown)",
    ),
    (INVALID_INPUT, "invalid input: nothing was sent"),
    (
        API_FAILED,
        "the API refused the request or failed (message and requestId shown)",
    ),
    (
        OAUTH_FAILED,
        "OAuth denied, mismatched or timed out, or the callback port is taken",
    ),
    (
        CHECK_FAILED,
        "a check failed: an instance is broken or disabled (what to do is shown)",
    ),
    (
        INTERRUPTED,
        "interrupted: Ctrl-C, or a confirmation declined",
    ),
];

/// The "Exit codes" block of `--help`.
pub fn help() -> String {
    let mut out = String::from("Exit codes:");
    for (code, meaning) in CODES {
        out.push_str(&format!("\n  {code:<5}{meaning}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the README's "Exit codes" table.
    fn readme_rows() -> Vec<(i32, String)> {
        let readme = include_str!("../README.md");
        let section = readme
            .split("### Exit codes")
            .nth(1)
            .expect("README has an Exit codes section");
        section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                Some((cells[0].parse().ok()?, cells.get(1)?.to_string()))
            })
            .collect()
    }

    #[test]
    fn the_readme_table_is_this_list() {
        let expected: Vec<(i32, String)> = CODES.iter().map(|(c, m)| (*c, m.to_string())).collect();
        assert_eq!(readme_rows(), expected);
    }

    #[test]
    fn the_help_block_lists_every_code_once() {
        let help = help();
        assert!(help.starts_with("Exit codes:\n"));
        assert!(
            help.contains("\n  0    created (or nothing to do)"),
            "{help}"
        );
        assert!(help.contains("\n  130  interrupted"), "{help}");
        assert_eq!(help.lines().count(), CODES.len() + 1);
        // Short enough that clap never wraps a line of it.
        assert!(help.lines().all(|l| l.chars().count() <= 80), "{help}");
    }
}
