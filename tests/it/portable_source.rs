//! The code builds for Windows as well as Unix: every Unix-only path sits
//! in an item gated by `cfg(unix)` (or a Unix OS). No Windows target is
//! installed where the suite runs, so the source is read instead of built.

use std::path::{Path, PathBuf};

/// Paths that exist only on Unix.
const UNIX_ONLY: [&str; 6] = [
    "std::os::unix",
    "tokio::signal::unix",
    "std::os::fd",
    "libc::",
    "nix::",
    "AsRawFd",
];

/// A `#[cfg(...)]` that only holds on Unix.
fn unix_gate(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("#[cfg(")
        && !t.contains("not(")
        && !t.contains("any(")
        && (t.contains("unix")
            || t.contains("target_os = \"linux\"")
            || t.contains("target_os = \"macos\""))
}

/// The line ranges (inclusive) of the items those gates cover: from the
/// attribute to the close of the item's braces, or to its `;` when it has
/// none.
fn gated_ranges(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut ranges = vec![];
    for (start, line) in lines.iter().enumerate() {
        if !unix_gate(line) {
            continue;
        }
        let mut depth = 0i32;
        let mut opened = false;
        let mut end = lines.len() - 1;
        'scan: for (i, l) in lines.iter().enumerate().skip(start + 1) {
            let code = l.split("//").next().unwrap_or("");
            for c in code.chars() {
                match c {
                    '{' | '(' | '[' => {
                        depth += 1;
                        opened |= c == '{';
                    }
                    '}' | ')' | ']' => {
                        depth -= 1;
                        if depth == 0 && opened && c == '}' {
                            end = i;
                            break 'scan;
                        }
                    }
                    ';' if depth == 0 => {
                        end = i;
                        break 'scan;
                    }
                    _ => {}
                }
            }
        }
        ranges.push((start, end));
    }
    ranges
}

/// Each `file:line` that names a Unix-only path outside a Unix gate.
fn ungated(path: &Path, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let ranges = gated_ranges(&lines);
    let mut out = vec![];
    for (i, line) in lines.iter().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if UNIX_ONLY.iter().any(|p| code.contains(p))
            && !ranges.iter().any(|&(a, b)| a < i && i <= b)
        {
            out.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn unix_only_paths_are_behind_cfg_unix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("crates/sandbox/src"), &mut files);
    assert!(files.len() > 50, "the source tree was found");
    let mut problems = vec![];
    let mut gated_uses = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        problems.extend(ungated(f.strip_prefix(root).unwrap(), &text));
        gated_uses += text.matches("std::os::unix").count();
    }
    assert!(gated_uses > 0, "the scan sees the gated uses too");
    assert!(
        problems.is_empty(),
        "Unix-only paths outside cfg(unix), which break the Windows build:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_tells_gated_from_ungated() {
    let src = r#"
use tokio::signal::unix::signal;
#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
fn f() {
    #[cfg(unix)]
    {
        let x = libc::getpid();
    }
    let y = libc::getuid();
    #[cfg(target_os = "linux")]
    g(libc::O_CLOEXEC);
    #[cfg(not(unix))]
    let z = libc::getppid();
}
#[cfg(all(test, unix))]
mod tests {
    fn t() { std::os::unix::fs::symlink("a", "b").unwrap(); }
}
"#;
    let found = ungated(Path::new("x.rs"), src);
    let lines: Vec<&str> = found.iter().map(|l| l.split(':').nth(1).unwrap()).collect();
    assert_eq!(lines, ["2", "10", "14"], "{found:#?}");
}
