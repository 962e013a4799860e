//! Fuzzy filtering of the element catalog.

use crate::catalog::ElementSpec;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

/// Indices into `specs` of the elements matching `query`, best match first;
/// every element, in catalog order, for an empty query. The name, key and hub
/// are all searched, so "woo", "magentov" and "ecommerce" each find something.
pub fn filter(specs: &[ElementSpec], query: &str) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return (0..specs.len()).collect();
    }
    let haystacks: Vec<(usize, String)> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| (i, format!("{} {} {}", s.name, s.key, s.hub)))
        .collect();
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut scored: Vec<(usize, u32)> = haystacks
        .iter()
        .filter_map(|(i, h)| {
            let mut buf = Vec::new();
            pattern
                .score(nucleo_matcher::Utf32Str::new(h, &mut buf), &mut matcher)
                .map(|score| (*i, score))
        })
        .collect();
    // Stable: equal scores keep catalog (alphabetical) order.
    scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scored.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    fn names(query: &str) -> Vec<&'static str> {
        filter(bundled(), query)
            .into_iter()
            .map(|i| bundled()[i].name.as_str())
            .collect()
    }

    #[test]
    fn empty_query_lists_everything_in_order() {
        assert_eq!(names("").len(), bundled().len());
        assert_eq!(names("  ")[0], bundled()[0].name);
    }

    #[test]
    fn fuzzy_and_case_insensitive() {
        assert_eq!(names("BIGC"), ["BigCommerce"]);
        assert_eq!(names("woo")[0], "WooCommerce");
        assert_eq!(names("infsn")[0], "Infusionsoft eCommerce");
        assert_eq!(names("magentov20"), ["Magento 2.0"]);
        assert!(names("zzzz").is_empty());
    }
}
