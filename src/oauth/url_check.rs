//! Which authorization URLs a browser may be sent to.
//!
//! The URL comes from the platform, and a browser (or the desktop's opener
//! behind `xdg-open`) acts on any scheme it knows: `file:` shows a local
//! file, `javascript:` runs script, `ssh:` and `smb:` start other programs
//! or send credentials to another host. An authorization page is served
//! over HTTPS; plain HTTP is allowed only to this machine (a local test
//! platform).

use crate::sanitize;

/// A URL that was not let through, and why; `shown` is the URL with its
/// control characters escaped, safe to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedUrl {
    pub shown: String,
    pub why: &'static str,
}

impl std::fmt::Display for RefusedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the authorization address \"{}\" was refused: {}",
            self.shown, self.why
        )
    }
}

/// The longest authorization URL accepted; real ones are a few hundred
/// characters.
const MAX_URL_LEN: usize = 8192;

/// `Ok` when `url` may be printed and opened: `https://` with a host, or
/// `http://` to a loopback address; nothing empty, no control, bidi or
/// space characters anywhere (a URL parser would silently drop some of
/// them, so the raw text is checked first).
pub fn check_authorization_url(url: &str) -> Result<url::Url, RefusedUrl> {
    let refuse = |why: &'static str| RefusedUrl {
        shown: sanitize::escaped(&url.chars().take(300).collect::<String>()),
        why,
    };
    if url.trim().is_empty() {
        return Err(refuse("it is empty"));
    }
    if url.len() > MAX_URL_LEN {
        return Err(refuse("it is too long"));
    }
    if url
        .chars()
        .any(|c| sanitize::is_unsafe(c) || c.is_whitespace())
    {
        return Err(refuse("it contains control, invisible or space characters"));
    }
    let parsed = url::Url::parse(url).map_err(|_| refuse("it is not a valid URL"))?;
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(refuse(
            "plain http:// is allowed only to this machine (127.0.0.1, ::1, localhost); an authorization page must use https://",
        )),
        _ => Err(refuse("only https:// addresses are opened")),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_pass() {
        for ok in [
            "https://provider.example/authorize?client_id=a&state=b",
            "http://127.0.0.1:48213/authorize?x=1",
            "http://127.8.9.10/a",
            "http://[::1]:5000/a",
            "http://localhost:9/a",
        ] {
            assert!(check_authorization_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn other_schemes_hosts_and_odd_text_are_refused() {
        for bad in [
            "",
            "   ",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "ssh://attacker.example",
            "smb://attacker.example/share",
            "http://10.0.0.1/authorize",
            "http://provider.example/authorize",
            "http://127.0.0.1.attacker.example/",
            "https://provider.example/\u{1b}]52;c;ZWNobw==\u{7}",
            "https://provider.example/a\tb",
            "https://provider.example/a\u{202e}b",
            "https://provider.example/a b",
            "https://",
            "data:text/html,<script>",
            "not a url",
        ] {
            let refused = check_authorization_url(bad).unwrap_err();
            assert!(!sanitize::has_unsafe(&refused.to_string()), "{refused}");
        }
    }

    #[test]
    fn a_refusal_shows_the_url_escaped() {
        let refused = check_authorization_url("javascript:x\u{1b}[2J").unwrap_err();
        assert!(
            refused.to_string().contains("javascript:x\\u{1b}[2J"),
            "{refused}"
        );
    }
}
