//! Properties that must hold for any input, checked on generated ones:
//! validation, callback parsing, error-body parsing, spec and instance.json
//! loading never panic; validation messages name the field; valid URLs pass;
//! a callback is accepted exactly when it carries this attempt's state; the
//! log never shows a registered secret.

use ce_wizard::api::ApiError;
use ce_wizard::catalog::{bundled, form_fields, parse_spec, FieldKind};
use ce_wizard::cli::parse_instance_json;
use ce_wizard::form::{is_http_url, validate_field, validate_name, validate_tags};
use ce_wizard::oauth::{parse_callback_query, parse_pasted, CallbackOutcome, OAuthState};
use proptest::prelude::*;
use url::form_urlencoded::byte_serialize;

fn encode(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

/// Any text, with a good share of the characters that cause trouble.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \\t\\r\\n\\x00-\\x1f\\x7f\u{200b}-\u{200f}\u{202a}-\u{202e}\u{feff}a-z/:.%&=?#<>{}\"']{0,40}",
        "(https?|ftp)://[a-z0-9.-]{0,20}(:[0-9]{1,6})?(/[a-z0-9/._-]{0,20})?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn validation_never_panics_and_always_names_the_field(value in nasty_text()) {
        for spec in bundled() {
            for field in form_fields(spec) {
                if let Some(message) = validate_field(&field, &value) {
                    prop_assert!(
                        message.contains(&field.label),
                        "{}: {message:?} does not name {:?}", field.key, field.label
                    );
                }
            }
        }
        let _ = validate_name(&value);
        let _ = validate_tags(std::slice::from_ref(&value));
    }

    #[test]
    fn valid_urls_are_accepted(
        scheme in "https?",
        // A label starting `xn--` is punycode, valid only when it decodes
        // (`xn--0` does not): such hosts are not plain ASCII names.
        labels in prop::collection::vec(
            "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?".prop_filter("not punycode", |l| !l.starts_with("xn--")),
            1..4,
        ),
        tld in "[a-z]{2,6}",
        port in proptest::option::of(1u16..),
        path in "(/[A-Za-z0-9._~-]{0,12}){0,4}/?",
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let url = format!("{scheme}://{}.{tld}{port}{path}", labels.join("."));
        prop_assert!(is_http_url(&url), "{url}");
        for spec in bundled() {
            for field in form_fields(spec).iter().filter(|f| f.kind == FieldKind::Url) {
                if field.max_length.is_none_or(|m| url.chars().count() <= m) {
                    prop_assert_eq!(validate_field(field, &url), None, "{} {}", field.key, url);
                }
            }
        }
    }

    #[test]
    fn callback_parsing_never_panics(query in nasty_text(), pasted in nasty_text()) {
        let state = OAuthState::generate();
        let _ = parse_callback_query(&query, &state);
        let _ = parse_pasted(&pasted, &state);
    }

    #[test]
    fn a_wrong_or_missing_state_is_never_accepted(
        params in prop::collection::vec(("(code|state|error|oauth_token|oauth_verifier|x)", any::<String>()), 0..6),
    ) {
        let state = OAuthState::generate();
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let query = query.join("&");
        // Random values never equal 43 random base64 characters.
        prop_assert!(parse_callback_query(&query, &state).is_err(), "{query}");
        let pasted = format!("http://127.0.0.1/callback?{query}");
        prop_assert!(parse_pasted(&pasted, &state).is_err(), "{}", pasted);
    }

    #[test]
    fn the_right_state_with_a_code_is_always_accepted(
        code in "\\PC{1,200}",
        // Distinct names: a repeated parameter is refused, rightly, as a
        // redirect no provider sends.
        extra in prop::collection::btree_map("[a-z]{1,8}", "\\PC{0,20}", 0..4),
        state_first in any::<bool>(),
    ) {
        let state = OAuthState::generate();
        let mut parts = vec![format!("code={}", encode(&code))];
        let s = format!("state={}", state.expose());
        if state_first { parts.insert(0, s) } else { parts.push(s) }
        let mut sent = Vec::new();
        for (k, v) in &extra {
            if !["code", "state", "error", "denied", "oauth_token", "oauth_verifier", "error_description", "client_id", "response_type"].contains(&k.as_str()) {
                parts.push(format!("{k}={}", encode(v)));
                sent.push((k, v));
            }
        }
        let query = parts.join("&");
        match parse_callback_query(&query, &state) {
            Ok(CallbackOutcome::Authorized(grant)) => {
                let got = grant.code.unwrap();
                prop_assert_eq!(got.expose(), code.as_str());
                // The redirect's other values are kept for providerData (an
                // empty one counts as absent, as `code=` does).
                // One with characters that are never passed on (line
                // separators, controls) is dropped where it enters.
                for (k, v) in sent
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty() && !ce_wizard::sanitize::has_unsafe(v))
                {
                    let kept = grant.extra.get(k.as_str()).map(|s| s.expose().to_string());
                    prop_assert_eq!(kept.as_deref(), Some(v.as_str()), "{}", k);
                }
            }
            other => prop_assert!(false, "{query}: {other:?}"),
        }
    }

    #[test]
    fn error_bodies_never_panic(status in any::<u16>(), body in nasty_text()) {
        let e = ApiError::from_response(status, &body);
        let _ = (e.to_string(), e.advice(), e.status(), e.missing_keys(), e.is_retryable());
    }

    #[test]
    fn spec_loading_never_panics(text in nasty_text()) {
        let _ = parse_spec("fuzz.toml", &text);
    }

    #[test]
    fn spec_loading_never_panics_on_near_misses(
        key in "[a-z]{0,10}",
        kind in "(text|url|secret|boolean|choice|integer|textarea|other)",
        extra in "[a-z_ =\"0-9\\[\\]\\n]{0,60}",
    ) {
        let text = format!("key = \"{key}\"\nname = \"N\"\nauth = \"basic\"\n[[fields]]\nkey = \"k\"\nlabel = \"L\"\nkind = \"{kind}\"\n{extra}");
        let _ = parse_spec("near-miss.toml", &text);
    }

    #[test]
    fn instance_json_parsing_never_panics(text in nasty_text()) {
        let _ = parse_instance_json(&text, "instance.json");
    }

    #[test]
    fn instance_json_errors_never_echo_values(secret in "[A-Za-z0-9]{12,24}", cut in 0usize..80) {
        let full = format!(r#"{{"element": {{"key": "bigcommerce"}}, "configuration": {{"password": "{secret}"}}, "tags": 5}}"#);
        let text = &full[..cut.min(full.len())];
        if let Err(e) = parse_instance_json(text, "instance.json") {
            prop_assert!(!e.0.contains(&secret), "{}", e.0);
        }
    }

    #[test]
    fn the_log_never_shows_a_registered_secret(
        before in any::<String>(),
        after in any::<String>(),
        secret in "[A-Za-z0-9_-]{4,32}",
    ) {
        let text = format!("{before}{secret}{after} Authorization: {secret}");
        let out = ce_wizard::log::redact(&text, &[&secret]);
        prop_assert!(!out.contains(&secret));
    }
}
