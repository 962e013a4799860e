//! Tests of the field kinds' facts, and the source scan that keeps every
//! per-kind decision exhaustive.

use super::*;
use std::path::{Path, PathBuf};

const KINDS: [FieldKind; 7] = [
    FieldKind::Text,
    FieldKind::Textarea,
    FieldKind::Url,
    FieldKind::Secret,
    FieldKind::Boolean,
    FieldKind::Choice,
    FieldKind::Integer,
];

#[test]
fn each_kind_has_its_facts() {
    let facts: Vec<(FieldKind, Entry, bool, bool, bool)> = KINDS
        .iter()
        .map(|k| (*k, k.entry(), k.is_hidden(), k.is_multiline(), k.is_url()))
        .collect();
    use Entry::*;
    assert_eq!(
        facts,
        [
            (FieldKind::Text, Typed, false, false, false),
            (FieldKind::Textarea, Typed, false, true, false),
            (FieldKind::Url, Typed, false, false, true),
            (FieldKind::Secret, Typed, true, false, false),
            (FieldKind::Boolean, Toggle, false, false, false),
            (FieldKind::Choice, Pick, false, false, false),
            (FieldKind::Integer, Typed, false, false, false),
        ]
    );
}

#[test]
fn spec_files_name_kinds_in_lower_case() {
    for k in KINDS {
        let name = serde_json::to_value(k).unwrap();
        let name = name.as_str().unwrap();
        assert_eq!(name, format!("{k:?}").to_ascii_lowercase());
        assert_eq!(serde_json::from_value::<FieldKind>(name.into()).unwrap(), k);
    }
}

/// What a per-kind decision must not look like, found in one file.
fn catch_alls(src: &str) -> Vec<String> {
    // Test modules at the end of a file may compare kinds freely.
    let code = match src.find("#[cfg(test)]") {
        Some(i) => &src[..i],
        None => src,
    };
    let code = strip_comments_and_literals(code);
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        if compares_a_kind(&line.replace(' ', "")) {
            found.push(format!("line {}: a comparison with one kind", n + 1));
        }
    }
    let mut at = 0;
    while let Some(i) = code[at..].find("matches!(") {
        let start = at + i + "matches!(".len();
        let end = close(&code, start - 1).unwrap_or(code.len());
        if code[start..end].contains("FieldKind::") {
            found.push(format!(
                "line {}: matches! over kinds",
                line_of(&code, start)
            ));
        }
        at = start;
    }
    for (start, arms) in match_blocks(&code) {
        if arms.iter().any(|p| p.contains("FieldKind::")) {
            for p in arms.iter().filter(|p| catches_all(p)) {
                found.push(format!(
                    "line {}: `{p} =>` in a match over kinds",
                    line_of(&code, start)
                ));
            }
        }
    }
    found
}

/// Whether a line (spaces removed) compares with one kind: `k ==
/// FieldKind::Url`, `k != Some(catalog::FieldKind::Secret)`, or the other
/// way round.
fn compares_a_kind(line: &str) -> bool {
    let is_path = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut at = 0;
    while let Some(i) = line[at..].find("FieldKind::") {
        let start = at + i;
        at = start + "FieldKind::".len();
        let before = line[..start].trim_end_matches(is_path);
        let before = before.strip_suffix("Some(").unwrap_or(before);
        let after = line[at..].trim_start_matches(is_path);
        let after = after.strip_prefix(')').unwrap_or(after);
        let op = |s: &str| s.starts_with("==") || s.starts_with("!=");
        if before.ends_with("==") || before.ends_with("!=") || op(after) {
            return true;
        }
    }
    false
}

fn line_of(code: &str, at: usize) -> usize {
    code[..at].matches('\n').count() + 1
}

/// A pattern that takes every kind its siblings do not name: `_`, a bare
/// binding (`other`), `Some(_)`, each with or without a guard.
fn catches_all(pattern: &str) -> bool {
    let p = pattern.split(" if ").next().unwrap_or("").trim();
    let p = p
        .strip_prefix("Some(")
        .and_then(|p| p.strip_suffix(')'))
        .unwrap_or(p);
    p == "_"
        || (!p.is_empty()
            && p.chars()
                .all(|c| c == '_' || c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// Blanks out comments, string and character literals (keeping line
/// breaks), so that braces and words inside them do not count.
fn strip_comments_and_literals(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == 'r'
            && matches!(b.get(i + 1), Some('#') | Some('"'))
            && !b[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            let hashes = b[i + 1..].iter().take_while(|c| **c == '#').count();
            if b.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            out.push(' ');
            i += 2 + hashes;
            while i < b.len() && !b[i..].starts_with(&closing) {
                out.push(blank(b[i]));
                i += 1;
            }
            for _ in 0..closing.len().min(b.len().saturating_sub(i)) {
                out.push(' ');
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && b.get(i + 1) == Some(&'\\') {
            // An escaped character literal: '\n', '\'', '\u{..}'.
            out.push(' ');
            i += 2;
            while i < b.len() && b[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push_str("  ");
            i += 1;
        } else if c == '\'' && b.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The index just past the bracket closing the one at `open`.
fn close(code: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in code[open..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Each `match` expression's position and the patterns of its arms.
fn match_blocks(code: &str) -> Vec<(usize, Vec<String>)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find("match ") {
        let start = at + i;
        at = start + 1;
        let word_start =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if !word_start {
            continue;
        }
        // The scrutinee ends at the first `{` outside brackets.
        let mut depth = 0i32;
        let mut open = None;
        for (j, c) in code[start..].char_indices() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '{' if depth == 0 => {
                    open = Some(start + j);
                    break;
                }
                ';' => break,
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let Some(end) = close(code, open) else {
            continue;
        };
        out.push((start, arm_patterns(&code[open + 1..end - 1])));
    }
    out
}

/// The patterns of a match body's arms (its top level only).
fn arm_patterns(body: &str) -> Vec<String> {
    let mut patterns = Vec::new();
    let mut rest = body;
    while let Some(arrow) = top_level_arrow(rest) {
        patterns.push(rest[..arrow].trim().to_string());
        let expr = rest[arrow + 2..].trim_start();
        let skipped = rest.len() - expr.len();
        let len = if expr.starts_with('{') {
            let end = close(expr, 0).unwrap_or(expr.len());
            end + expr[end..]
                .find(|c: char| !c.is_whitespace())
                .filter(|i| expr[end + i..].starts_with(','))
                .map_or(0, |i| i + 1)
        } else {
            top_level_comma(expr).map_or(expr.len(), |c| c + 1)
        };
        rest = &rest[skipped + len..];
    }
    patterns
}

fn top_level_arrow(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    let b = s.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'=' if depth == 0 && b.get(i + 1) == Some(&b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn top_level_comma(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_scan_finds_each_way_of_treating_a_new_kind_as_another() {
    let bad = [
        "fn f(k: FieldKind) { match k { FieldKind::Boolean => 1, _ => 2 }; }",
        "fn f(k: FieldKind) { match k { FieldKind::Choice if x => {} other => {} } }",
        "fn f(k: Option<FieldKind>) { match k { None => {}, Some(FieldKind::Url) => {}, Some(_) => {} } }",
        "fn f(k: FieldKind) -> bool { k == FieldKind::Secret }",
        "fn f(k: FieldKind) -> bool { k != FieldKind :: Secret }",
        "fn f(k: Option<FieldKind>) -> bool { k == Some(FieldKind::Secret) }",
        "fn f(k: FieldKind) -> bool { k == crate::catalog::FieldKind::Choice }",
        "fn f(k: FieldKind) -> bool { FieldKind::Choice != k }",
        "fn f(k: FieldKind) -> bool { matches!(k, FieldKind::Boolean | FieldKind::Choice) }",
        "fn f(k: FieldKind) { match (a, k) { (Item::A, _) => {} (_, FieldKind::Text) => { g(\"{\") } _ => {} } }",
    ];
    for src in bad {
        assert_eq!(catch_alls(src).len(), 1, "{src}: {:?}", catch_alls(src));
    }
    let good = [
        "fn f(k: FieldKind) { match k { FieldKind::Boolean => 1, FieldKind::Text | FieldKind::Url => 2 }; }",
        // A catch-all over something else, with a kind only in a string or comment.
        "fn f(s: &str) { match s { \"FieldKind::Text\" => 1, _ => 2 }; } // k == FieldKind::Text",
        "fn f(e: Entry) { match e { Entry::Typed => {} _ => {} } let c = '{'; }",
        "fn f() {}\n#[cfg(test)]\nmod tests { fn g(k: FieldKind) -> bool { k == FieldKind::Secret } }",
    ];
    for src in good {
        assert_eq!(catch_alls(src), Vec::<String>::new(), "{src}");
    }
}

#[test]
fn no_catch_all_over_field_kinds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for p in files {
        let rel = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // Test code compares kinds in assertions; this scan's own examples too.
        if rel.ends_with("tests.rs") || rel.contains("/tests/") || rel.ends_with("_tests.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&p).unwrap();
        found.extend(
            catch_alls(&src)
                .into_iter()
                .map(|f| format!("src/{rel} {f}")),
        );
    }
    assert!(
        found.is_empty(),
        "a per-kind decision that a new kind would fall through; make it an exhaustive match:\n{}",
        found.join("\n")
    );
}
