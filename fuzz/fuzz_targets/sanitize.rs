//! The sanitiser and the URL and token checks, on any text a platform or
//! a cache file can hold. Whatever goes in, nothing a terminal acts on
//! comes out, names keep one line, and what is let through as a URL or a
//! token holds no control or invisible character.
#![no_main]

use ce_wizard::oauth::check_authorization_url;
use ce_wizard::sanitize::{self, has_unsafe};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    let line = sanitize::line(&text);
    assert!(!has_unsafe(&line), "{line:?}");
    assert_eq!(sanitize::line(&line), line, "cleaning is idempotent");

    let multi = sanitize::text(&text);
    assert!(!has_unsafe(&multi.replace('\n', "")), "{multi:?}");
    assert!(!multi.contains('\r'));

    assert!(!has_unsafe(&sanitize::escaped(&text)));

    let mut value = serde_json::Value::String(text.to_string());
    let json = sanitize::escape_json_text(serde_json::to_string_pretty(&value).unwrap());
    assert!(!has_unsafe(&json));
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back, value, "the escaped JSON means the same");
    sanitize::clean_json(&mut value);
    assert!(!has_unsafe(value.as_str().unwrap()));

    if sanitize::is_clean_token(&text) {
        assert!(!text.is_empty() && !has_unsafe(&text) && !text.contains(char::is_whitespace));
    }

    for max in [0, 1, 7, 200] {
        let mut cut = line.clone();
        sanitize::truncate_chars(&mut cut, max);
        assert!(cut.chars().count() <= max.max(1));
        let mut cut = line.clone();
        sanitize::truncate_bytes(&mut cut, max + 3);
        assert!(cut.len() <= max + 3);
    }

    match check_authorization_url(&text) {
        Ok(url) => {
            assert!(!has_unsafe(&text) && !text.contains(char::is_whitespace));
            assert!(matches!(url.scheme(), "https" | "http"), "{url}");
        }
        Err(refused) => assert!(!has_unsafe(&refused.to_string())),
    }
});
