//! The two things the wizard's HTML pages need: filling `{{name}}`
//! placeholders, and escaping text, for the OAuth listener's result pages.

/// Replaces each `{{name}}` of `template` in a single pass, so text that is
/// inserted is never scanned again: a provider's description that contains
/// `{{error}}` stays literal. Unknown names are left as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (v, end))
        }) {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `fill` with every value HTML-escaped.
pub fn fill_escaped(template: &str, values: &[(&str, &str)]) -> String {
    let escaped: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, escape(v))).collect();
    let values: Vec<(&str, &str)> = escaped.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill(template, &values)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_names_once_and_keeps_unknown_ones() {
        assert_eq!(
            fill("a{{x}}b{{y}}c", &[("x", "{{y}}"), ("y", "2")]),
            "a{{y}}b2c"
        );
        assert_eq!(fill("{{unknown}} {{", &[]), "{{unknown}} {{");
    }

    #[test]
    fn filling_escaped_escapes_and_does_not_reexpand() {
        let page = fill_escaped(
            "<p>{{a}}|{{b}}|{{unknown}}|{{open",
            &[("a", "<script>\"x\" & 'y'</script>"), ("b", "{{a}}")],
        );
        assert_eq!(
            page,
            "<p>&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;|{{a}}|{{unknown}}|{{open"
        );
    }
}
