//! The HTML the browser shows after the OAuth redirect. The pages live in
//! `assets/pages/` and are compiled in, so the listener never reads a file
//! and the pages load nothing from anywhere (no scripts, fonts or images).

use crate::html::{escape, fill};

const LAYOUT: &str = include_str!("../../assets/pages/layout.html");
const SUCCESS: &str = include_str!("../../assets/pages/success.html");
const DENIED: &str = include_str!("../../assets/pages/denied.html");
const REJECTED: &str = include_str!("../../assets/pages/rejected.html");
const NOT_FOUND: &str = include_str!("../../assets/pages/not_found.html");
const STOPPED: &str = include_str!("../../assets/pages/stopped.html");

/// What the sign-in is for, so each page speaks of the action under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// A new instance is created with the authorization.
    #[default]
    Create,
    /// An existing instance is signed in again.
    Reauthorize,
}

impl Purpose {
    /// What happens in the terminal once the authorization arrived.
    fn next(self) -> &'static str {
        match self {
            Purpose::Create => "The wizard creates the instance there and shows you its token.",
            Purpose::Reauthorize => "The wizard signs the instance in again there.",
        }
    }

    /// What an authorization that was not used left as it was.
    fn untouched(self) -> &'static str {
        match self {
            Purpose::Create => "no instance was created",
            Purpose::Reauthorize => "the instance was not changed",
        }
    }
}

/// One page the listener can serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Page {
    /// The authorization arrived; the terminal takes over.
    Success(Purpose),
    /// The provider refused; its texts are shown escaped.
    Denied {
        error: String,
        description: Option<String>,
        purpose: Purpose,
    },
    /// A callback that is not the current attempt's, or is malformed.
    Rejected {
        heading: String,
        reason: String,
        purpose: Purpose,
    },
    /// The attempt's redirect, after ce-wizard stopped waiting for it (the
    /// wait timed out or the person went back): it was not used.
    Stopped(Purpose),
    NotFound,
}

impl Page {
    pub(crate) fn render(&self) -> String {
        let (title, kind, mark, content) = match self {
            Page::Success(purpose) => (
                "Authorization received",
                "ok",
                "✓",
                fill(SUCCESS, &[("next", purpose.next())]),
            ),
            Page::Denied {
                error,
                description,
                purpose,
            } => {
                let description = description
                    .as_deref()
                    .unwrap_or("(the provider gave no description)");
                let content = fill(
                    DENIED,
                    &[
                        ("error", &escape(error)),
                        ("description", &escape(description)),
                        ("untouched", purpose.untouched()),
                    ],
                );
                ("Access not granted", "denied", "!", content)
            }
            Page::Rejected {
                heading,
                reason,
                purpose,
            } => {
                let untouched = match purpose {
                    Purpose::Create => "Nothing was created.",
                    Purpose::Reauthorize => "The instance was not changed.",
                };
                let content = fill(
                    REJECTED,
                    &[
                        ("heading", &escape(heading)),
                        ("reason", &escape(reason)),
                        ("untouched", untouched),
                    ],
                );
                ("Callback not accepted", "rejected", "×", content)
            }
            Page::Stopped(purpose) => (
                "ce-wizard stopped waiting",
                "stopped",
                "×",
                fill(STOPPED, &[("untouched", purpose.untouched())]),
            ),
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
            Page::Success(Purpose::Create),
            Page::Success(Purpose::Reauthorize),
            Page::Denied {
                error: "access_denied".into(),
                description: Some("The user said no".into()),
                purpose: Purpose::Create,
            },
            Page::Denied {
                error: "access_denied".into(),
                description: None,
                purpose: Purpose::Reauthorize,
            },
            Page::Rejected {
                heading: "This callback doesn't belong to the current attempt".into(),
                reason: "Its state does not match.".into(),
                purpose: Purpose::Create,
            },
            Page::Stopped(Purpose::Create),
            Page::Stopped(Purpose::Reauthorize),
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
        let html = Page::Success(Purpose::Create).render();
        assert!(html.contains(
            "ce-wizard received the authorization; you can close this tab and return to your terminal"
        ));
    }

    #[test]
    fn denied_page_escapes_the_providers_text() {
        let html = Page::Denied {
            error: "<b>bad</b>".into(),
            description: Some("<script>alert('x')</script> & \"more\" {{error}}".into()),
            purpose: Purpose::Create,
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
            purpose: Purpose::Create,
        }
        .render();
        assert!(html.contains("doesn&#39;t belong to the current attempt"));
        assert!(html.contains("Nothing was created"));
    }

    #[test]
    fn a_reauthorization_never_speaks_of_creating() {
        let pages = [
            Page::Success(Purpose::Reauthorize),
            Page::Denied {
                error: "access_denied".into(),
                description: None,
                purpose: Purpose::Reauthorize,
            },
            Page::Rejected {
                heading: "h".into(),
                reason: "r".into(),
                purpose: Purpose::Reauthorize,
            },
            Page::Stopped(Purpose::Reauthorize),
        ];
        for page in pages {
            let html = page.render();
            assert!(!html.contains("creat"), "{page:?} speaks of creating");
            assert!(html.contains("instance"), "{page:?}");
        }
        assert!(Page::Success(Purpose::Reauthorize)
            .render()
            .contains("signs the instance in again"));
    }

    #[test]
    fn the_page_for_a_late_redirect_sends_the_person_back_and_claims_nothing() {
        let html = Page::Stopped(Purpose::Create).render();
        assert!(html.contains("ce-wizard stopped waiting: go back to the terminal"));
        assert!(!html.contains("received"));
        assert!(html.contains("no instance was created"));
    }
}
