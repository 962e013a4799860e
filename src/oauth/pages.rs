//! The HTML the browser shows after the OAuth redirect. The pages live in
//! `assets/pages/` and are compiled in, so the listener never reads a file
//! and the pages load nothing from anywhere (no scripts, fonts or images).

use crate::html::{escape, fill};

const LAYOUT: &str = include_str!("../../assets/pages/layout.html");
const SUCCESS: &str = include_str!("../../assets/pages/success.html");
const DENIED: &str = include_str!("../../assets/pages/denied.html");
const REJECTED: &str = include_str!("../../assets/pages/rejected.html");
const NOT_FOUND: &str = include_str!("../../assets/pages/not_found.html");

/// One page the listener can serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Page {
    /// The authorization arrived; the terminal takes over.
    Success,
    /// The provider refused; its texts are shown escaped.
    Denied {
        error: String,
        description: Option<String>,
    },
    /// A callback that is not the current attempt's, or is malformed.
    Rejected {
        heading: String,
        reason: String,
    },
    NotFound,
}

impl Page {
    pub(crate) fn render(&self) -> String {
        let (title, kind, mark, content) = match self {
            Page::Success => ("Authorization received", "ok", "✓", SUCCESS.to_owned()),
            Page::Denied { error, description } => {
                let description = description
                    .as_deref()
                    .unwrap_or("(the provider gave no description)");
                let content = fill(
                    DENIED,
                    &[
                        ("error", &escape(error)),
                        ("description", &escape(description)),
                    ],
                );
                ("Access not granted", "denied", "!", content)
            }
            Page::Rejected { heading, reason } => {
                let content = fill(
                    REJECTED,
                    &[("heading", &escape(heading)), ("reason", &escape(reason))],
                );
                ("Callback not accepted", "rejected", "×", content)
            }
            Page::NotFound => ("Not found", "missing", "?", NOT_FOUND.to_owned()),
        };
        fill(
            LAYOUT,
            &[
                ("title", title),
                ("kind", kind),
                ("mark", mark),
                ("content", &content),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_pages() -> Vec<Page> {
        vec![
            Page::Success,
            Page::Denied {
                error: "access_denied".into(),
                description: Some("The user said no".into()),
            },
            Page::Denied {
                error: "access_denied".into(),
                description: None,
            },
            Page::Rejected {
                heading: "This callback doesn't belong to the current attempt".into(),
                reason: "Its state does not match.".into(),
            },
            Page::NotFound,
        ]
    }

    #[test]
    fn every_page_is_complete_and_self_contained() {
        for page in all_pages() {
            let html = page.render();
            assert!(html.starts_with("<!doctype html>"), "{page:?}");
            assert!(html.trim_end().ends_with("</html>"), "{page:?}");
            assert!(!html.contains("{{"), "unfilled placeholder in {page:?}");
            for external in ["<script", "src=", "href=", "@import", "url("] {
                assert!(!html.contains(external), "{page:?} loads {external}");
            }
        }
    }

    #[test]
    fn success_page_sends_the_person_back_to_the_terminal() {
        let html = Page::Success.render();
        assert!(html.contains(
            "ce-wizard received the authorization; you can close this tab and return to your terminal"
        ));
    }

    #[test]
    fn denied_page_escapes_the_providers_text() {
        let html = Page::Denied {
            error: "<b>bad</b>".into(),
            description: Some("<script>alert('x')</script> & \"more\" {{error}}".into()),
        }
        .render();
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>bad"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;")
        );
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;"));
        // Inserted text is not a template: the literal placeholder stays as text.
        assert!(html.contains("{{error}}"));
        assert!(html.contains("offers to try again"));
    }

    #[test]
    fn rejected_page_says_nothing_was_created() {
        let html = Page::Rejected {
            heading: "This callback doesn't belong to the current attempt".into(),
            reason: "r".into(),
        }
        .render();
        assert!(html.contains("doesn&#39;t belong to the current attempt"));
        assert!(html.contains("Nothing was created"));
    }
}
