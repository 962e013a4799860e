//! Fuzzy filtering of the element catalog, built for catalogs of thousands
//! of elements: each element's searchable text is converted once per
//! catalog, one matcher (and its scratch memory) serves every keystroke,
//! and a query that only grows re-scores just the previous matches.
//!
//! Ranking: elements whose text starts with the query (a name typed from
//! its start, "kestrel social") come first, then by fuzzy score, then in
//! catalog (alphabetical) order. With no query, the elements bundled with
//! ce-wizard (complete forms, with their documentation) come first, then
//! the others in catalog order.

use crate::catalog::CatalogEntry;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use std::cmp::Reverse;
use std::fmt;

/// The searchable text of every element of one catalog, and the state that
/// makes the next keystroke cheap.
#[derive(Clone)]
pub struct Index {
    haystacks: Vec<Utf32String>,
    /// The same texts in lower case, to tell a match from the start.
    lower: Vec<String>,
    matcher: Matcher,
    pattern: Pattern,
    /// The (trimmed) query that `matches` answers.
    query: String,
    /// Indices into the catalog, best match first.
    matches: Vec<usize>,
    /// Listed first when there is no query.
    pinned: Vec<bool>,
    scored: Vec<(Reverse<bool>, Reverse<u32>, usize)>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Index")
            .field("elements", &self.haystacks.len())
            .field("matches", &self.matches.len())
            .finish_non_exhaustive()
    }
}

/// What a person can type to find an element: its name, key and hub, so
/// "woo", "magentov" and "ecommerce" each find something, then its
/// description, where other names of it live ("keap" finds Infusionsoft).
pub fn haystack(entry: &CatalogEntry) -> String {
    format!(
        "{} {} {} {}",
        entry.name, entry.key, entry.hub, entry.description
    )
}

impl Index {
    /// An index over these texts (one per element, in catalog order), with
    /// the empty query applied: every element matches.
    pub fn new<I, S>(texts: I) -> Index
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let texts: Vec<String> = texts.into_iter().map(Into::into).collect();
        let lower = texts.iter().map(|t| t.to_lowercase()).collect();
        let haystacks: Vec<Utf32String> = texts.into_iter().map(Into::into).collect();
        let matches = (0..haystacks.len()).collect();
        let pinned = vec![false; haystacks.len()];
        Index {
            haystacks,
            lower,
            matcher: Matcher::new(Config::DEFAULT),
            pattern: Pattern::default(),
            query: String::new(),
            matches,
            pinned,
            scored: Vec::new(),
        }
    }

    /// An index over a catalog's elements; with no query the bundled ones
    /// come first.
    pub fn for_entries(entries: &[CatalogEntry]) -> Index {
        let mut index = Index::new(entries.iter().map(haystack));
        index.pinned = entries.iter().map(|e| e.bundled).collect();
        index.list_all();
        index
    }

    /// The matches of the empty query: the pinned texts, then the others,
    /// each in catalog order.
    fn list_all(&mut self) {
        let pinned = &self.pinned;
        self.matches.clear();
        self.matches
            .extend((0..pinned.len()).filter(|&i| pinned[i]));
        self.matches
            .extend((0..pinned.len()).filter(|&i| !pinned[i]));
    }

    pub fn len(&self) -> usize {
        self.haystacks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.haystacks.is_empty()
    }

    /// The matches of the last query, best first; equal scores keep catalog
    /// (alphabetical) order. Every element for an empty query, the pinned
    /// ones first.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// Adds texts at the end (a list that arrives page by page) and applies
    /// the current query to them, so the matches stay those of a fresh index.
    pub fn extend<I, S>(&mut self, texts: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let start = self.haystacks.len();
        for t in texts {
            let t: String = t.into();
            self.lower.push(t.to_lowercase());
            self.haystacks.push(t.into());
            self.pinned.push(false);
        }
        if self.query.is_empty() {
            self.matches.extend(start..self.haystacks.len());
        } else {
            let query = std::mem::take(&mut self.query);
            // Not narrowing: every text is scored again, new ones included.
            self.search(&query);
        }
    }

    /// Applies a query and returns its matches.
    pub fn search(&mut self, query: &str) -> &[usize] {
        let query = query.trim();
        if query == self.query {
            return &self.matches;
        }
        if query.is_empty() {
            self.query.clear();
            self.list_all();
            return &self.matches;
        }
        let narrowing = narrows(&self.query, query);
        self.pattern
            .reparse(query, CaseMatching::Ignore, Normalization::Smart);
        self.scored.clear();
        let (haystacks, pattern, matcher) = (&self.haystacks, &self.pattern, &mut self.matcher);
        let (lower, start) = (&self.lower, query.to_lowercase());
        let mut score = |i: usize| {
            pattern
                .score(haystacks[i].slice(..), matcher)
                .map(|s| (Reverse(lower[i].starts_with(&start)), Reverse(s), i))
        };
        if narrowing {
            // Only what matched the shorter query can match this one.
            self.scored
                .extend(self.matches.iter().filter_map(|&i| score(i)));
        } else {
            self.scored.extend((0..haystacks.len()).filter_map(score));
        }
        // (from the start, score descending, catalog position): the same
        // order whether the candidates came in catalog order or in the last
        // ranking.
        self.scored.sort_unstable();
        self.matches.clear();
        self.matches.extend(self.scored.iter().map(|&(_, _, i)| i));
        self.query.clear();
        self.query.push_str(query);
        &self.matches
    }
}

/// Whether every element matching `new` also matches `old`, so only the old
/// matches need scoring. True when `new` only adds characters to a
/// non-empty `old`, unless either uses the syntax that can widen a match
/// set when extended: negation (`!`), a suffix anchor (`$`), or escapes.
fn narrows(old: &str, new: &str) -> bool {
    let special = |q: &str| q.contains(['!', '$', '\\']);
    !old.is_empty() && new.starts_with(old) && !special(new)
}

/// Indices into `entries` of the elements matching `query`, best match
/// first (a one-off search; the wizard keeps an [`Index`]).
pub fn filter(entries: &[CatalogEntry], query: &str) -> Vec<usize> {
    Index::for_entries(entries).search(query).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn names(query: &str) -> Vec<String> {
        let catalog = Catalog::bundled();
        filter(catalog.entries(), query)
            .into_iter()
            .map(|i| catalog.entries()[i].name.clone())
            .collect()
    }

    #[test]
    fn empty_query_lists_everything_in_order() {
        let catalog = Catalog::bundled();
        assert_eq!(names("").len(), catalog.len());
        assert_eq!(names("  ")[0], catalog.entries()[0].name);
    }

    #[test]
    fn fuzzy_and_case_insensitive() {
        assert_eq!(names("BIGC"), ["BigCommerce"]);
        assert_eq!(
            names("woo")[..2],
            ["WooCommerce (legacy)", "WooCommerce REST"]
        );
        assert_eq!(names("infsn")[0], "Infusionsoft eCommerce");
        assert_eq!(names("magentov20"), ["Magento 2.0"]);
        assert!(names("zzzz").is_empty());
    }

    /// Texts of a made-up catalog with many near-duplicates, so scores tie
    /// and the order of ties matters.
    fn texts(n: usize) -> Vec<String> {
        const A: &[&str] = &[
            "Acme", "Apex", "Nimbus", "Kestrel", "Cedar", "Sales", "Crest",
        ];
        const B: &[&str] = &["CRM", "Desk", "Social", "Shop", "Books", "Mail", "Data"];
        (0..n)
            .map(|i| {
                let (a, b) = (A[i % A.len()], B[(i / A.len()) % B.len()]);
                format!(
                    "{a} {b} {i} {}{}{i} hub{}",
                    a.to_lowercase(),
                    b.to_lowercase(),
                    i % 5
                )
            })
            .collect()
    }

    /// Typing, deleting and retyping through the index gives exactly what a
    /// fresh full search gives at every step, whatever syntax is typed.
    #[test]
    fn incremental_search_equals_a_fresh_search_at_every_keystroke() {
        let texts = texts(600);
        let mut index = Index::new(texts.clone());
        let typed = [
            "nimbus desk",
            "nimbus",
            "nim",
            "",
            "crm 1",
            "crm 12",
            "crm 1",
            "!shop",
            "!shop s",
            "sal$",
            "sal$ x",
            "^kes",
            "^kestrel so",
            "'acme",
            "'acme 4",
            "a\\ b",
            "a\\ bo",
            "CRM",
            "crm",
            "zzz",
            "zzzz",
            "d",
        ];
        for query in typed {
            // Every prefix, as keystrokes arrive.
            for end in (0..=query.len()).filter(|&e| query.is_char_boundary(e)) {
                let q = &query[..end];
                let got = index.search(q).to_vec();
                let fresh = Index::new(texts.clone()).search(q).to_vec();
                assert_eq!(got, fresh, "query {q:?}");
            }
        }
    }

    #[test]
    fn narrowing_is_only_assumed_when_it_holds() {
        assert!(narrows("nim", "nimb"));
        assert!(narrows("crm", "crm sa"));
        assert!(narrows("^ke", "^kes"));
        assert!(!narrows("", "a"), "nothing to narrow from");
        assert!(!narrows("nimb", "nim"), "a deletion widens");
        assert!(
            !narrows("!sh", "!sho"),
            "a longer negation lets more through"
        );
        assert!(!narrows("sal", "sal$"));
        assert!(!narrows("a", "a\\ b"));
    }

    #[test]
    fn ties_keep_catalog_order_and_better_matches_come_first() {
        let mut index = Index::new(["b shop", "a shop", "shop", "Shopify"]);
        let got = index.search("shop").to_vec();
        assert_eq!(got.len(), 4);
        let pos = |i: usize| got.iter().position(|&g| g == i).unwrap();
        assert!(pos(0) < pos(1), "equal scores keep catalog order: {got:?}");
        assert!(index.search("shopif").len() == 1);
    }

    #[test]
    fn extending_keeps_the_matches_of_a_fresh_index() {
        let all = texts(300);
        for query in ["", "ab", "x"] {
            let mut grown = Index::new(all[..100].to_vec());
            grown.search(query);
            grown.extend(all[100..].to_vec());
            let mut fresh = Index::new(all.clone());
            assert_eq!(grown.matches(), fresh.search(query), "{query:?}");
            assert_eq!(grown.len(), 300);
        }
    }

    #[test]
    fn a_name_typed_from_its_start_comes_first() {
        let mut index = Index::new([
            "Kestrel Posts kestrelposts social",
            "Kestrel Social kestrelsocial social",
            "Bright Commerce brightcommerce ecommerce",
            "BigCommerce bigcommerce ecommerce",
        ]);
        assert_eq!(index.search("kestrel social")[0], 1);
        assert_eq!(index.search("bigc")[0], 3);
        assert_eq!(index.search("BigC")[0], 3, "whatever the case");
    }

    /// The platform's list: the bundled elements (not marked bundled, as
    /// the platform sends them), Kestrel Social, and `extra` others.
    fn live_catalog(extra: usize) -> Catalog {
        let entry = |key: &str, name: &str, auth| crate::catalog::CatalogEntry {
            key: key.into(),
            name: name.into(),
            hub: "general".into(),
            description: format!("{name}: a test element."),
            auth,
            beta: false,
            bundled: false,
        };
        let mut list: Vec<CatalogEntry> = crate::catalog::bundled()
            .iter()
            .map(|s| entry(&s.key, &s.name, s.auth))
            .collect();
        list.push(entry(
            "kestrelsocial",
            "Kestrel Social",
            crate::catalog::AuthKind::Oauth2,
        ));
        for i in 0..extra {
            list.push(entry(
                &format!("generated{i:04}"),
                &format!("Generated {i:04}"),
                crate::catalog::AuthKind::Custom,
            ));
        }
        let fetched_at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_735_787_045);
        Catalog::live(crate::api::PRODUCTION_URL, fetched_at, list)
    }

    #[test]
    fn with_no_query_the_bundled_elements_come_first() {
        let live = live_catalog(12);
        let mut index = Index::for_entries(live.entries());
        let order = |index: &Index| -> Vec<bool> {
            index
                .matches()
                .iter()
                .map(|&i| live.entries()[i].bundled)
                .collect()
        };
        let bundled = live.entries().iter().filter(|e| e.bundled).count();
        assert_eq!(bundled, crate::catalog::bundled().len());
        let expected: Vec<bool> = (0..live.len()).map(|i| i < bundled).collect();
        assert_eq!(order(&index), expected);
        assert_eq!(live.entries()[index.matches()[0]].key, "bigcommerce");
        // A query ranks by match alone; clearing it lists them so again.
        assert_eq!(
            live.entries()[index.search("kestrel")[0]].key,
            "kestrelsocial"
        );
        index.search("");
        assert_eq!(order(&index), expected);
        assert_eq!(index.matches().len(), live.len());
    }
}
