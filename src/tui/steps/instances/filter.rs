//! The Instances view's filter, built for accounts of tens of thousands of
//! instances: an instance matches when its name, element or tags contain
//! every word typed, in any case. Matches keep the list's order (oldest
//! first, as the platform lists them), so nothing is re-sorted per key.
//!
//! Why words and not fuzzy matching: instance names are made by people
//! and numbered ("shop 00017"), so a fuzzy "01" matches nearly every name
//! and ranks them by noise; a word is what a person means. It is cheaper
//! too: the lower-case text of every instance is kept once, in one buffer,
//! and each word is looked for with one SIMD substring search over it.
//! A query that only grows looks for its new word only, and only in the
//! previous matches; the instances holding each word recently searched
//! in full are kept, so a backspace or a reordered query mostly intersects
//! lists it already has.

use memchr::memmem;

/// Between two instances' texts in the buffer; never part of a word.
const SEPARATOR: u8 = b'\n';

#[derive(Clone, Default)]
pub struct InstanceFilter {
    /// Every instance's searchable text, lower case, each followed by
    /// [`SEPARATOR`].
    text: String,
    /// Where each instance's text starts in `text` (and one past the last).
    starts: Vec<usize>,
    /// The trimmed, lower-case query that `matches` answers.
    query: String,
    /// Positions of the matching instances, ascending.
    matches: Vec<usize>,
    /// The instances holding each of the last words searched for in the
    /// whole list, most recent last (at most [`CACHED_WORDS`]).
    cache: Vec<(String, Vec<u32>)>,
}

/// Words whose instances are kept: a query's words and a few before.
const CACHED_WORDS: usize = 8;

impl std::fmt::Debug for InstanceFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceFilter")
            .field("instances", &self.len())
            .field("matches", &self.matches.len())
            .finish_non_exhaustive()
    }
}

impl InstanceFilter {
    pub fn new() -> InstanceFilter {
        InstanceFilter {
            starts: vec![0],
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The instances matching the query, in list order.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// Adds instances that arrived (a page), each as the parts of its
    /// text (name, element, tags), matching them against the current query.
    pub fn extend<'a, R>(&mut self, rows: impl IntoIterator<Item = R>)
    where
        R: IntoIterator<Item = &'a str>,
    {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let first = self.len();
        for parts in rows {
            for part in parts {
                for c in part.chars() {
                    // A line break inside a name must not end its
                    // instance's text.
                    if c == SEPARATOR as char {
                        self.text.push(' ');
                    } else {
                        self.text.extend(c.to_lowercase());
                    }
                }
                self.text.push(' ');
            }
            self.text.push(SEPARATOR as char);
            self.starts.push(self.text.len());
        }
        let added = first..self.len();
        self.cache.clear();
        if self.query.is_empty() {
            self.matches.extend(added);
            return;
        }
        let query = std::mem::take(&mut self.query);
        let mut candidates: Vec<usize> = added.collect();
        for word in query.split_whitespace() {
            let finder = memmem::Finder::new(word.as_bytes());
            candidates.retain(|&i| finder.find(self.row(i)).is_some());
        }
        self.matches.extend(candidates);
        self.query = query;
    }

    fn row(&self, i: usize) -> &[u8] {
        &self.text.as_bytes()[self.starts[i]..self.starts[i + 1]]
    }

    /// Applies a query and returns its matches.
    pub fn search(&mut self, query: &str) -> &[usize] {
        let query = query.trim().to_lowercase();
        if query == self.query {
            return &self.matches;
        }
        // A query that extends the last one keeps its words but the last
        // (which may have grown) and adds more: only the last matches can
        // match it, and only the words from the last one on need looking.
        let narrowing = !self.query.is_empty() && query.starts_with(self.query.as_str());
        let old_words = self.query.split_whitespace().count();
        let first_new = if !narrowing {
            0
        } else if query[self.query.len()..].starts_with(char::is_whitespace) {
            old_words
        } else {
            old_words - 1
        };
        let mut every = !narrowing;
        let mut words: Vec<&str> = query.split_whitespace().skip(first_new).collect();
        // Longer words first: they tend to leave fewer candidates to look in.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        for word in words {
            let few = !every && self.matches.len() * 4 < self.len();
            if few && !self.cache.iter().any(|(w, _)| w == word) {
                let finder = memmem::Finder::new(word.as_bytes());
                let (text, starts) = (self.text.as_bytes(), &self.starts);
                self.matches
                    .retain(|&i| finder.find(&text[starts[i]..starts[i + 1]]).is_some());
                continue;
            }
            self.hits_of(word);
            let hits = self.cache.last().map_or(&[][..], |(_, h)| h.as_slice());
            if every {
                self.matches.clear();
                self.matches.extend(hits.iter().map(|&i| i as usize));
                every = false;
            } else {
                intersect(&mut self.matches, hits);
            }
        }
        if every {
            self.matches.clear();
            self.matches.extend(0..self.len());
        }
        self.query = query;
        &self.matches
    }

    /// Puts last in the cache every instance whose text holds `word`,
    /// ascending: already there, or found by one search over the whole
    /// buffer, which jumps to the next instance's text after each hit.
    fn hits_of(&mut self, word: &str) {
        if let Some(at) = self.cache.iter().position(|(w, _)| w == word) {
            let entry = self.cache.remove(at);
            self.cache.push(entry);
        } else {
            let mut hits = match self.cache.len() {
                n if n >= CACHED_WORDS => self.cache.remove(0).1,
                _ => Vec::new(),
            };
            hits.clear();
            let finder = memmem::Finder::new(word.as_bytes());
            let (text, starts) = (self.text.as_bytes(), &self.starts);
            let (mut at, mut row) = (0, 0);
            while let Some(found) = finder.find(&text[at..]) {
                let pos = at + found;
                // Hits come in order: the instance holding this one is at
                // or after the last.
                while starts[row + 1] <= pos {
                    row += 1;
                }
                hits.push(row as u32);
                at = starts[row + 1];
                if at >= text.len() {
                    break;
                }
            }
            self.cache.push((word.to_string(), hits));
        }
    }
}

/// Keeps in `a` what is also in `b`; both ascending.
fn intersect(a: &mut Vec<usize>, b: &[u32]) {
    let mut j = 0;
    a.retain(|&x| {
        while j < b.len() && (b[j] as usize) < x {
            j += 1;
        }
        j < b.len() && b[j] as usize == x
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(texts: &[&str]) -> InstanceFilter {
        let mut f = InstanceFilter::new();
        f.extend(texts.iter().map(|t| [*t]));
        f
    }

    /// What a fresh filter over the same texts finds: the reference every
    /// incremental path must agree with.
    fn fresh(texts: &[&str], query: &str) -> Vec<usize> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        texts
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                let t = t.to_lowercase();
                words.iter().all(|w| t.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    const TEXTS: &[&str] = &[
        "BigCommerce store 00001 bigcommerce BigCommerce seeded production",
        "Ecwid store 00002 ecwid Ecwid seeded staging",
        "Infusionsoft store 00003 infusionsoftecommerce Infusionsoft seeded test",
        "winter sale woocommerce WooCommerce eu",
        "ÉTÉ Boutique magentov20 Magento",
    ];

    #[test]
    fn every_word_in_any_case_in_list_order() {
        let mut f = filter(TEXTS);
        assert_eq!(f.search(""), [0, 1, 2, 3, 4]);
        assert_eq!(f.search("STORE"), [0, 1, 2]);
        assert_eq!(f.search("store 0000"), [0, 1, 2]);
        assert_eq!(f.search("store 00003"), [2]);
        assert_eq!(f.search("seeded staging"), [1]);
        assert_eq!(f.search("staging seeded"), [1], "words in any order");
        assert_eq!(f.search("eu winter"), [3]);
        assert_eq!(f.search("été"), [4], "non-ASCII lower-cased too");
        assert!(f.search("store winter").is_empty());
        assert_eq!(f.search("  woo  "), [3], "surrounding blanks ignored");
    }

    #[test]
    fn a_word_never_spans_two_instances() {
        // "production" ends one text and "ecwid" starts the next.
        let mut f = filter(TEXTS);
        assert!(f.search("productionecwid").is_empty());
        assert!(f.search("production ecwid").is_empty());
    }

    #[test]
    fn growing_shrinking_and_changed_queries_agree_with_a_fresh_filter() {
        let mut f = filter(TEXTS);
        let keys = [
            "s",
            "st",
            "sto",
            "store",
            "store ",
            "store 0",
            "store 00",
            "store 000",
            "store 0000",
            "store 00002",
            "store 0000",
            "store",
            "stor",
            "e",
            "eu",
            "e",
            "ec",
            "ecw",
            "",
            "i",
            "in",
            "inf",
            "infx",
            "inf",
            "seeded t",
            "seeded te",
        ];
        for q in keys {
            assert_eq!(f.search(q), fresh(TEXTS, q).as_slice(), "{q:?}");
        }
    }

    #[test]
    fn pages_that_arrive_are_matched_against_the_query() {
        let mut f = filter(&TEXTS[..2]);
        assert_eq!(f.search("store"), [0, 1]);
        f.extend(TEXTS[2..].iter().map(|t| [*t]));
        assert_eq!(f.matches(), [0, 1, 2]);
        assert_eq!(f.search("store 00003"), [2]);
        assert_eq!(f.search(""), [0, 1, 2, 3, 4]);
        assert_eq!(f.len(), 5);
    }

    #[test]
    fn many_instances_take_the_whole_buffer_path_and_agree() {
        let texts: Vec<String> = (0..2000)
            .map(|i| format!("Shop {i:05} element{} tag{}", i % 7, i % 13))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut f = filter(&refs);
        for q in [
            "shop",
            "shop 0",
            "shop 01",
            "element3",
            "tag1 element2",
            "01 tag12",
            "9 9",
            "shop 01",
            "shop 0",
            "01 shop",
            "tag1",
            "tag1 element2",
            "tag1",
            "element2 tag1",
            "shop 01",
            "shop 01 t",
            "shop 01 ta",
            "shop 01 tag1",
            "shop 01 tag",
            "s",
            "",
        ] {
            assert_eq!(f.search(q), fresh(&refs, q).as_slice(), "{q:?}");
        }
    }

    #[test]
    fn words_remembered_from_before_a_page_are_not_trusted_after_it() {
        let texts: Vec<String> = (0..400)
            .map(|i| format!("Shop {i:05} tag{}", i % 3))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut f = filter(&refs[..200]);
        let first = fresh(&refs[..200], "shop tag1");
        assert_eq!(f.search("shop tag1"), first.as_slice());
        assert_eq!(f.search("shop").len(), 200);
        f.extend(refs[200..].iter().map(|t| [*t]));
        for q in ["shop tag1", "tag1 shop", "shop", "tag1"] {
            assert_eq!(f.search(q), fresh(&refs, q).as_slice(), "{q:?}");
        }
    }
}
