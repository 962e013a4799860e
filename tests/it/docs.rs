//! README.md and docs/ kept true to the tree: the README's table of bundled
//! elements names exactly the specs under `assets/elements/`, and every
//! file path the pages quote exists. (The exit-code and command tables are
//! held by `src/exit.rs` and `src/cli/mod.rs`.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of a top-level `name = "…"` line of a spec file.
fn toml_string(spec: &str, name: &str) -> Option<String> {
    spec.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The rows (name, key, source) of the table under the sentence that
/// introduces the bundled elements.
fn bundled_rows(readme: &str) -> Vec<(String, String, String)> {
    let after = readme
        .split("bundled elements and where each spec")
        .nth(1)
        .expect("README introduces its table of bundled elements");
    after
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and its rule
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 3, "a row of three cells: {l}");
            (
                cells[0].to_string(),
                cells[1].trim_matches('`').to_string(),
                cells[2].to_string(),
            )
        })
        .collect()
}

#[test]
fn the_readme_lists_every_bundled_element_and_its_source() {
    let rows = bundled_rows(&read(&root().join("README.md")));
    let mut specs = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("assets/elements")).unwrap() {
        let spec = read(&entry.unwrap().path());
        let key = toml_string(&spec, "key").expect("a spec has a key");
        let name = toml_string(&spec, "name").expect("a spec has a name");
        specs.insert((name, key));
    }
    let listed: BTreeSet<(String, String)> = rows
        .iter()
        .map(|(n, k, _)| (n.clone(), k.clone()))
        .collect();
    assert_eq!(
        listed, specs,
        "README's bundled elements against assets/elements"
    );
    assert_eq!(listed.len(), rows.len(), "each element once: {rows:?}");
    for (name, _, source) in &rows {
        assert!(!source.is_empty(), "{name}: where its spec came from");
    }
}

/// A path in backquotes that names one file or folder of this repository
/// (not a pattern such as `tests/it/cli_*.rs` or `steps/<step>/`).
fn quoted_paths(text: &str) -> Vec<String> {
    const TOP: [&str; 8] = [
        "src/", "tests/", "crates/", "assets/", "benches/", "fuzz/", "scripts/", "docs/",
    ];
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| TOP.iter().any(|top| t.starts_with(top)))
        .filter(|t| !t.contains(|c: char| c.is_whitespace() || "<>*{}|…".contains(c)))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_path_the_pages_quote_exists() {
    let mut pages = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    let mut missing = Vec::new();
    let mut checked = 0;
    for page in &pages {
        for quoted in quoted_paths(&read(page)) {
            checked += 1;
            if !root().join(&quoted).exists() {
                missing.push(format!("{}: {quoted}", page.display()));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} paths found: is the parser right?"
    );
    assert!(
        missing.is_empty(),
        "paths that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn quoted_paths_skip_patterns_and_prose() {
    let text = "see `src/exit.rs`, `tests/it/cli_*.rs`, `src/tui/steps/<step>/`, \
                `--env eu` and `crates/sandbox/src/routes.rs`";
    assert_eq!(
        quoted_paths(text),
        ["src/exit.rs", "crates/sandbox/src/routes.rs"]
    );
}
