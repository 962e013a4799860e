//! Filling the provider's HTML pages: `{{name}}` placeholders replaced by
//! escaped text.

/// Replaces each `{{name}}` of `template` in a single pass with the
/// HTML-escaped value, so inserted text is never scanned again: a client id
/// that contains `{{state}}` stays literal. Unknown names are left as they are.
pub fn fill_escaped(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let found = after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (v, end))
        });
        match found {
            Some((value, end)) => {
                escape_into(&mut out, value);
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

/// Escapes text for HTML element content and attribute values.
fn escape_into(out: &mut String, text: &str) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_never_reexpanded() {
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
