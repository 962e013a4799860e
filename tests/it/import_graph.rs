//! The module graph has no circles (the product's `src/` and the
//! sandbox's), and a wizard step reaches a sibling step only through what
//! that sibling offers to start it (`start`) or holds (`state`): the
//! router passes what one step produced to the next.
//!
//! A module is one file: `x.rs`, or a folder's `mod.rs` for the folder's
//! own items. An edge is a `crate::`, `super::` or `self::` path in a `use`
//! line or in the code, resolved to the file that holds it; a folder's
//! `mod.rs` naming its own children without a prefix (`pub use state::X`)
//! is the folder being made of them, not a dependency. Test code
//! (`#[cfg(test)]` items and the files they load) may reach anywhere and
//! is left out. Plain text scanning: no parser, no build step.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path, `["tui", "steps", "done", "state"]`; the crate root is empty.
type ModPath = Vec<String>;

struct Graph {
    /// Every file module, by path.
    modules: BTreeSet<ModPath>,
    /// Module to module, with the first path that made the edge (why).
    edges: BTreeMap<ModPath, BTreeMap<ModPath, String>>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).expect("a file under src");
    let mut path: ModPath = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        path.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        path.pop();
    }
    path
}

/// The code without comments and without `#[cfg(test)]` items; the names
/// of the test-only modules declared as files (`#[cfg(test)] mod x;`).
fn without_tests(text: &str) -> (String, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let (mut kept, mut test_mods) = (String::new(), vec![]);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].split("//").next().unwrap_or_default();
        if !line.trim_start().starts_with("#[cfg(test)]") {
            kept.push_str(line);
            kept.push('\n');
            i += 1;
            continue;
        }
        // The item follows on this line or after any further attributes.
        let after = line.trim_start()["#[cfg(test)]".len()..].trim();
        if after.is_empty() {
            i += 1;
            while i < lines.len() && lines[i].trim_start().starts_with("#[") {
                i += 1;
            }
        }
        let Some(item) = (if after.is_empty() {
            lines.get(i).copied()
        } else {
            Some(after)
        }) else {
            break;
        };
        if item.trim_end().ends_with(';') {
            let words: Vec<&str> = item.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "mod") {
                test_mods.push(words[at + 1].trim_end_matches(';').to_string());
            }
            i += 1;
            continue;
        }
        let mut depth = 0i32;
        while let Some(l) = lines.get(i) {
            depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
            i += 1;
            if depth <= 0 && l.contains('}') {
                break;
            }
        }
    }
    (kept, test_mods)
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree
            .split(" as ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()];
    };
    let prefix = &tree[..open];
    let close = tree.rfind('}').filter(|&c| c > open).unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let (mut parts, mut depth, mut start) = (vec![], 0, 0);
    for (at, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |e| format!("{prefix}{e}")))
        .collect()
}

/// The `crate::`, `super::` and `self::` paths the code names.
fn paths(code: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest.find(';').unwrap_or(rest.len());
        let tree: String = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        out.extend(expand(&tree));
    }
    let bytes = code.as_bytes();
    for root in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(root) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || b"_:".contains(&bytes[at - 1])) {
                continue;
            }
            let len = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(code.len() - at);
            out.push(code[at..at + len].trim_end_matches(':').to_string());
        }
    }
    out
}

/// The module a path names, from the module `from` it is written in.
fn target(from: &ModPath, path: &str) -> Option<ModPath> {
    let mut segs = path.split("::").map(str::trim).filter(|s| !s.is_empty());
    let mut base = match segs.next()? {
        "crate" => vec![],
        "self" => from.clone(),
        "super" => from[..from.len().saturating_sub(1)].to_vec(),
        _ => return None,
    };
    for seg in segs {
        match seg {
            "super" => {
                base.pop();
            }
            "self" => {}
            s => base.push(s.to_string()),
        }
    }
    Some(base)
}

fn graph(src: &Path) -> Graph {
    let mut files = vec![];
    rust_files(src, &mut files);
    let mut modules = BTreeSet::new();
    let mut code = BTreeMap::new();
    let mut test_only: BTreeSet<ModPath> = BTreeSet::new();
    for file in &files {
        // The binary's root is a crate of its own, which uses this one.
        if file == &src.join("main.rs") {
            continue;
        }
        let module = module_of(src, file);
        let text = fs::read_to_string(file).expect("a readable source file");
        let (kept, tests) = without_tests(&text);
        for t in tests {
            let mut m = module.clone();
            m.push(t);
            test_only.insert(m);
        }
        modules.insert(module.clone());
        code.insert(module, kept);
    }
    let is_test = |m: &ModPath| (1..=m.len()).any(|n| test_only.contains(&m[..n]));
    let file_of = |p: &ModPath| {
        (0..=p.len())
            .rev()
            .map(|n| p[..n].to_vec())
            .find(|m| modules.contains(m))
    };
    let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
    for (module, text) in &code {
        if is_test(module) {
            continue;
        }
        for path in paths(text) {
            let Some(to) = target(module, &path).and_then(|t| file_of(&t)) else {
                continue;
            };
            if &to != module && !is_test(&to) {
                edges
                    .entry(module.clone())
                    .or_default()
                    .entry(to)
                    .or_insert(path);
            }
        }
    }
    Graph {
        modules: modules.into_iter().filter(|m| !is_test(m)).collect(),
        edges,
    }
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// Every circle, each as one loop of modules with the path behind each
/// step; one per strongly connected group is enough to read.
fn circles(g: &Graph) -> Vec<String> {
    let mut found = vec![];
    let mut done: BTreeSet<ModPath> = BTreeSet::new();
    for start in &g.modules {
        if done.contains(start) {
            continue;
        }
        // Depth first from `start`, remembering the way back.
        let mut stack = vec![(start.clone(), 0usize)];
        let mut on_path: Vec<ModPath> = vec![start.clone()];
        while let Some((at, next)) = stack.pop() {
            let outs: Vec<&ModPath> = g
                .edges
                .get(&at)
                .map(|e| e.keys().collect())
                .unwrap_or_default();
            if let Some(&to) = outs.get(next) {
                stack.push((at.clone(), next + 1));
                if let Some(from) = on_path.iter().position(|m| m == to) {
                    let mut loop_ = on_path[from..].to_vec();
                    loop_.push(to.clone());
                    let steps: Vec<String> = loop_
                        .windows(2)
                        .map(|w| {
                            format!(
                                "{} -> {} ({})",
                                name(&w[0]),
                                name(&w[1]),
                                g.edges[&w[0]][&w[1]]
                            )
                        })
                        .collect();
                    found.push(steps.join("\n  "));
                    for m in &loop_ {
                        done.insert(m.clone());
                    }
                    continue;
                }
                if !done.contains(to) {
                    on_path.push(to.clone());
                    stack.push((to.clone(), 0));
                }
            } else {
                on_path.pop();
                done.insert(at);
            }
        }
    }
    found
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_imports_itself_through_others() {
    // The product, and the platform emulator beside it.
    let sandbox = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/sandbox/src");
    let mut found = vec![];
    for root in [src(), sandbox] {
        for circle in circles(&graph(&root)) {
            found.push(format!("{}:\n  {circle}", root.display()));
        }
    }
    assert!(
        found.is_empty(),
        "import circles (a -> b (the path that makes the edge)):\n{}",
        found.join("\n\n")
    );
}

#[test]
fn a_step_reaches_a_sibling_only_through_its_start_or_state() {
    let g = graph(&src());
    let step = |m: &ModPath| match m.as_slice() {
        [tui, steps, step, ..] if tui == "tui" && steps == "steps" => Some(step.clone()),
        _ => None,
    };
    let mut bad = vec![];
    for (from, outs) in &g.edges {
        let Some(mine) = step(from) else { continue };
        for (to, why) in outs {
            let Some(theirs) = step(to) else { continue };
            let offered = matches!(to.get(3).map(String::as_str), Some("start" | "state"));
            if theirs != mine && !offered {
                bad.push(format!("{} -> {} ({why})", name(from), name(to)));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a step calls into a sibling:\n  {}",
        bad.join("\n  ")
    );
}

/// The scan finds what it is for: a circle through a parent and a child,
/// one through `use` groups, test code left out.
#[test]
fn the_scan_finds_a_circle_and_ignores_test_code() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let src = dir.path();
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n");
    write(
        "a/mod.rs",
        "mod inner;\nuse crate::{c::Thing, b::{self, Other}};\npub fn h() { inner::f() }\n",
    );
    write("a/inner.rs", "pub fn f() {}\n");
    write(
        "b.rs",
        "pub fn g() { super::a::h() }\n#[cfg(test)]\nmod tests;\n",
    );
    write("b/tests.rs", "use crate::c::Thing;\n");
    write(
        "c.rs",
        "// crate::a is only named in a comment\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n",
    );
    let g = graph(src);
    let found = circles(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a -> b (crate::b"), "{}", found[0]);
    assert!(found[0].contains("b -> a (super::a::h)"), "{}", found[0]);
    assert!(
        !g.edges.contains_key(&vec!["c".to_string()]),
        "{:?}",
        g.edges
    );
    assert!(!g
        .modules
        .contains(&vec!["b".to_string(), "tests".to_string()]));
}
