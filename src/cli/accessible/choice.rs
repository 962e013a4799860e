//! Reading a choice typed on one line: the number shown beside an option,
//! its key or its name (any case), or, for the element list, part of a name
//! that narrows the list.

/// One option as the transcript shows it: `number. name (key)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub key: String,
    pub name: String,
}

/// What a typed line means, against the options shown last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The index of the chosen option.
    Chosen(usize),
    /// A number outside the list.
    OutOfRange(usize),
    /// Nothing typed.
    Empty,
    /// Neither a number, a key nor a name.
    Unknown,
}

/// The option a line names: by its number (from 1), its key or its name.
pub fn parse(line: &str, options: &[Choice]) -> Answer {
    let typed = line.trim();
    if typed.is_empty() {
        return Answer::Empty;
    }
    if let Ok(n) = typed.trim_end_matches('.').parse::<usize>() {
        return match n.checked_sub(1).filter(|i| *i < options.len()) {
            Some(i) => Answer::Chosen(i),
            None => Answer::OutOfRange(n),
        };
    }
    let by = |f: fn(&Choice) -> &str| {
        options
            .iter()
            .position(|o| f(o).eq_ignore_ascii_case(typed))
    };
    by(|o| &o.key)
        .or_else(|| by(|o| &o.name))
        .map_or(Answer::Unknown, Answer::Chosen)
}

/// What a line typed at the element list means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// The index (into the whole catalog) of the chosen element.
    Chosen(usize),
    /// The indices of the elements the typed text matches, best first: the
    /// list to show next.
    Narrowed(Vec<usize>),
    /// A number outside the list shown.
    OutOfRange(usize),
    /// Nothing matches the typed text.
    NoMatch,
    Empty,
}

/// Resolves a line typed at the element list. `shown` holds the catalog
/// indices of the numbered list on screen; `all` is the whole catalog; a
/// number counts in `shown`, a key or a name anywhere, and any other text
/// filters with `search`. A filter that leaves one element chooses it.
pub fn pick(
    line: &str,
    shown: &[usize],
    all: &[Choice],
    search: impl FnOnce(&str) -> Vec<usize>,
) -> Pick {
    let typed = line.trim();
    if typed.is_empty() {
        return Pick::Empty;
    }
    if typed.trim_end_matches('.').parse::<usize>().is_ok() {
        let listed: Vec<Choice> = shown.iter().map(|&i| all[i].clone()).collect();
        return match parse(typed, &listed) {
            Answer::Chosen(i) => Pick::Chosen(shown[i]),
            Answer::OutOfRange(n) => Pick::OutOfRange(n),
            _ => Pick::NoMatch,
        };
    }
    if let Answer::Chosen(i) = parse(typed, all) {
        return Pick::Chosen(i);
    }
    match search(typed).as_slice() {
        [] => Pick::NoMatch,
        [one] => Pick::Chosen(*one),
        many => Pick::Narrowed(many.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<Choice> {
        [
            ("bigcommerce", "BigCommerce"),
            ("ecwid", "Ecwid"),
            ("woocommerce", "WooCommerce"),
        ]
        .iter()
        .map(|(k, n)| Choice {
            key: k.to_string(),
            name: n.to_string(),
        })
        .collect()
    }

    #[test]
    fn a_number_a_key_or_a_name_chooses() {
        let o = options();
        assert_eq!(parse("2", &o), Answer::Chosen(1));
        assert_eq!(parse(" 3. ", &o), Answer::Chosen(2));
        assert_eq!(parse("ECWID", &o), Answer::Chosen(1));
        assert_eq!(parse("bigcommerce", &o), Answer::Chosen(0));
        assert_eq!(parse("WooCommerce", &o), Answer::Chosen(2));
        assert_eq!(parse("0", &o), Answer::OutOfRange(0));
        assert_eq!(parse("4", &o), Answer::OutOfRange(4));
        assert_eq!(parse("  ", &o), Answer::Empty);
        assert_eq!(parse("woo", &o), Answer::Unknown);
    }

    #[test]
    fn numbers_count_in_the_list_shown_and_names_in_the_whole_catalog() {
        let all = options();
        let shown = [2, 0];
        let never = |_: &str| -> Vec<usize> { panic!("no search for a number, key or name") };
        assert_eq!(pick("1", &shown, &all, never), Pick::Chosen(2));
        assert_eq!(pick("2", &shown, &all, never), Pick::Chosen(0));
        assert_eq!(pick("3", &shown, &all, never), Pick::OutOfRange(3));
        // Ecwid is not in the list shown, but its key still chooses it.
        assert_eq!(pick("ecwid", &shown, &all, never), Pick::Chosen(1));
        assert_eq!(pick("", &shown, &all, never), Pick::Empty);
    }

    #[test]
    fn part_of_a_name_narrows_the_list_or_chooses_the_only_match() {
        let all = options();
        let shown = [0, 1, 2];
        let search = |q: &str| -> Vec<usize> {
            all.iter()
                .enumerate()
                .filter(|(_, o)| o.name.to_lowercase().contains(&q.to_lowercase()))
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(
            pick("commerce", &shown, &all, search),
            Pick::Narrowed(vec![0, 2])
        );
        assert_eq!(pick("woo", &shown, &all, search), Pick::Chosen(2));
        assert_eq!(pick("zzz", &shown, &all, search), Pick::NoMatch);
    }
}
