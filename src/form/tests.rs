use super::*;
use crate::catalog::{bundled_spec, form_fields, FieldKind};

fn field(kind: FieldKind) -> FieldSpec {
    FieldSpec {
        required: true,
        ..FieldSpec::new("k", "Thing", kind)
    }
}

#[test]
fn required_fields_name_their_label() {
    let f = field(FieldKind::Text);
    assert_eq!(validate_field(&f, "  ").unwrap(), "Thing is required");
    let optional = FieldSpec {
        required: false,
        ..f
    };
    assert_eq!(validate_field(&optional, ""), None);
}

#[test]
fn urls_need_http_scheme_and_host() {
    let f = field(FieldKind::Url);
    for bad in [
        "shop.example.com",
        "ftp://x.com",
        "https://",
        "http:///path",
        "https://a b.com",
        "javascript:alert(1)",
    ] {
        let msg = validate_field(&f, bad).unwrap_or_else(|| panic!("{bad} accepted"));
        assert!(
            msg.starts_with("Thing must be an https:// or http:// URL"),
            "{msg}"
        );
    }
    for good in [
        "https://shop.example.com",
        "http://127.0.0.1:8080/x",
        "https://store-abc.mybigcommerce.com/api/v2/",
    ] {
        assert_eq!(validate_field(&f, good), None, "{good}");
    }
}

#[test]
fn max_length_counts_characters() {
    let f = FieldSpec {
        max_length: Some(3),
        ..field(FieldKind::Text)
    };
    assert_eq!(validate_field(&f, "äöü"), None);
    assert_eq!(
        validate_field(&f, "abcd").unwrap(),
        "Thing must be at most 3 characters (it has 4)"
    );
}

#[test]
fn booleans_choices_integers_and_digits() {
    assert!(validate_field(&field(FieldKind::Boolean), "yes")
        .unwrap()
        .contains("true or false"));
    assert_eq!(validate_field(&field(FieldKind::Boolean), "false"), None);
    let c = FieldSpec {
        choices: vec!["a".into(), "b".into()],
        ..field(FieldKind::Choice)
    };
    assert_eq!(
        validate_field(&c, "c").unwrap(),
        "Thing must be one of: a, b"
    );
    let i = FieldSpec {
        min: Some(1),
        max: Some(10),
        ..field(FieldKind::Integer)
    };
    assert_eq!(
        validate_field(&i, "11").unwrap(),
        "Thing must be a whole number from 1 to 10"
    );
    assert_eq!(
        validate_field(&i, "x").unwrap(),
        "Thing must be a whole number from 1 to 10"
    );
    assert_eq!(validate_field(&i, "5"), None);
    let d = FieldSpec {
        pattern: Some("^[0-9]+$".into()),
        ..field(FieldKind::Text)
    };
    assert_eq!(
        validate_field(&d, "12a").unwrap(),
        "Thing must be digits only"
    );
}

#[test]
fn pasted_control_characters_are_refused_on_one_line_fields() {
    let f = field(FieldKind::Text);
    assert!(validate_field(&f, "a\nb").unwrap().contains("one line"));
    assert!(validate_field(&f, "a\tb").unwrap().contains("tabs"));
    assert!(validate_field(&f, "a\u{1b}[31mb")
        .unwrap()
        .contains("control characters"));
    assert_eq!(validate_field(&field(FieldKind::Textarea), "a\nb"), None);
}

#[test]
fn all_errors_at_once_in_field_order() {
    let spec = bundled_spec("bigcommerce").unwrap();
    let fields = form_fields(spec);
    let errors = validate(&fields, &FormValues::new());
    let keys: Vec<_> = errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["store.url", "username", "password"]);
}

#[test]
fn conditional_fields_are_checked_only_when_on() {
    let spec = bundled_spec("ecwid").unwrap();
    let fields = form_fields(spec);
    let mut v: FormValues = [
        ("authentication.type", "custom"),
        ("ecwid.store.id", "1"),
        ("ecwid.order.key", "o"),
        ("ecwid.product.key", "p"),
    ]
    .into_iter()
    .collect();
    v.set("event.notification.callback.url", "not a url");
    assert!(validate(&fields, &v).is_empty());
    v.set("event.notification.enabled", "true");
    let errors = validate(&fields, &v);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].key, "event.notification.callback.url");
}

#[test]
fn woocommerce_base_url_follows_the_store_url_until_edited() {
    let spec = bundled_spec("woocommerce").unwrap();
    let fields = form_fields(spec);
    let ctx = DeriveContext::default();
    let mut v = FormValues::new();
    v.set("store.url", "https://shop.example.com/");
    apply_defaults_and_derived(&fields, &mut v, &|_| false, &ctx);
    assert_eq!(v.get("base.url"), "https://shop.example.com/wc-api/v2");
    v.set("base.url", "https://api.example.com/custom");
    v.set("store.url", "https://other.example.com");
    apply_defaults_and_derived(&fields, &mut v, &|k| k == "base.url", &ctx);
    assert_eq!(v.get("base.url"), "https://api.example.com/custom");
}

#[test]
fn callback_url_comes_from_the_context() {
    let spec = bundled_spec("infusionsoftecommerce").unwrap();
    let fields = form_fields(spec);
    let ctx = DeriveContext {
        callback_url: Some("http://127.0.0.1:48213/callback".into()),
    };
    let mut v = FormValues::new();
    apply_defaults_and_derived(&fields, &mut v, &|_| false, &ctx);
    assert_eq!(
        v.get("oauth.callback.url"),
        "http://127.0.0.1:48213/callback"
    );
    assert_eq!(v.get("document.tagging"), "false");
}

#[test]
fn untouched_advanced_settings_are_not_sent() {
    let spec = bundled_spec("magentov20").unwrap();
    let fields = form_fields(spec);
    let mut v: FormValues = [
        ("site", "https://m.example.com"),
        ("userName", "u"),
        ("password", "p"),
    ]
    .into_iter()
    .collect();
    apply_defaults_and_derived(&fields, &mut v, &|_| false, &DeriveContext::default());
    let keys: Vec<_> = configuration(&fields, &v).into_keys().collect();
    assert_eq!(keys, ["password", "site", "user", "userName"]);
    v.set("filter.response.nulls", "false");
    assert!(configuration(&fields, &v).contains_key("filter.response.nulls"));
}

#[test]
fn trimming_reports_the_fields_it_changed() {
    let spec = bundled_spec("bigcommerce").unwrap();
    let fields = form_fields(spec);
    let mut v: FormValues = [("store.url", " https://s.example.com "), ("username", "u")]
        .into_iter()
        .collect();
    assert_eq!(trim_values(&fields, &mut v), ["Store API URL"]);
    assert_eq!(v.get("store.url"), "https://s.example.com");
}

#[test]
fn debug_of_values_shows_keys_only() {
    let v: FormValues = [("password", "hunter2")].into_iter().collect();
    assert!(!format!("{v:?}").contains("hunter2"));
}

#[test]
fn name_and_tags() {
    assert!(validate_name("").is_some());
    assert!(validate_name("shop\nx").is_some());
    assert_eq!(validate_name("my shop"), None);
    assert_eq!(validate_name("shop 1000"), None);
    assert_eq!(validate_name("1000a"), None);
    assert!(validate_tags(&["a\u{7}".into()]).is_some());
    assert_eq!(validate_tags(&["docs".into()]), None);
}

/// A name of digits only would be read as an ID by `ce-wizard instances`;
/// the reason says what to change. An instance named so elsewhere can
/// still be looked up by that name.
#[test]
fn a_name_of_digits_only_is_refused_with_what_to_change() {
    for digits in ["1000", " 0042 ", "7"] {
        let m = validate_name(digits).expect(digits);
        assert!(m.contains("cannot be only digits"), "{m}");
        assert!(
            m.contains(&format!("e.g. \"shop {}\"", digits.trim())),
            "{m}"
        );
        assert_eq!(validate_found_name(digits), None);
    }
    assert!(validate_found_name("a\u{1b}b").is_some());
}

#[test]
fn a_derived_field_is_not_blamed_for_its_source() {
    let spec = bundled_spec("woocommerce").unwrap();
    let fields = form_fields(spec);
    let mut v: FormValues = [
        ("store.url", "shop.example.com"),
        ("oauth.api.key", "k"),
        ("oauth.api.secret", "s"),
    ]
    .into_iter()
    .collect();
    apply_defaults_and_derived(&fields, &mut v, &|_| false, &DeriveContext::default());
    let keys: Vec<_> = validate(&fields, &v).into_iter().map(|e| e.key).collect();
    assert_eq!(keys, ["store.url"]);
    v.set("store.url", "https://shop.example.com");
    v.set("base.url", "not a url");
    let keys: Vec<_> = validate(&fields, &v).into_iter().map(|e| e.key).collect();
    assert_eq!(keys, ["base.url"]);
}

#[test]
fn a_url_without_its_scheme_is_offered_with_one() {
    let f = field(FieldKind::Url);
    assert_eq!(
        suggested_url(&f, " shop.example.com "),
        Some("https://shop.example.com".into())
    );
    assert_eq!(
        suggested_url(&f, "store-a.mybigcommerce.com/api/v2/"),
        Some("https://store-a.mybigcommerce.com/api/v2/".into())
    );
    assert_eq!(
        suggested_url(&f, "localhost:8080/shop"),
        Some("http://localhost:8080/shop".into())
    );
    assert_eq!(
        suggested_url(&f, "127.0.0.1:9000"),
        Some("http://127.0.0.1:9000".into())
    );
    // Nothing to offer: a scheme already, a half-typed name, no host at all.
    for none in [
        "https://shop.example.com",
        "ftp://x.com",
        "shop",
        "/wc-api/v2",
        "a b.com",
        "",
        // Offered back on screen: nothing a terminal reorders.
        "shop.example.com/a\u{61c}b",
        "shop.example.com/\u{2066}x",
    ] {
        assert_eq!(suggested_url(&f, none), None, "{none}");
    }
    // Only URL fields get the offer.
    assert_eq!(
        suggested_url(&field(FieldKind::Text), "shop.example.com"),
        None
    );
    // The error names the fix, and the offer reads with no `?` after it.
    assert_eq!(
        url_offer("https://shop.example.com"),
        "https://shop.example.com — Enter accepts"
    );
    let msg = validate_field(&f, "shop.example.com").unwrap();
    assert!(
        msg.ends_with("; with its scheme: https://shop.example.com"),
        "{msg}"
    );
}

/// A checkbox the element requires, on by default, turned off: the form
/// takes it (the platform is the judge) but says so.
#[test]
fn a_required_checkbox_turned_off_warns() {
    let magento = form_fields(bundled_spec("magentov20").unwrap());
    let admin = magento.iter().find(|f| f.key == "user").unwrap();
    assert_eq!(shape_warning(admin, "true"), None);
    assert_eq!(
        validate_field(admin, "false"),
        None,
        "a warning never blocks"
    );
    assert_eq!(
        shape_warning(admin, "false").as_deref(),
        Some("Sign in as an admin user is usually on; it will be sent as off, so check it")
    );
    // An optional checkbox off is only a choice.
    let events = magento
        .iter()
        .find(|f| f.kind == crate::catalog::FieldKind::Boolean && !f.required)
        .unwrap();
    assert_eq!(shape_warning(events, "false"), None);
}

#[test]
fn documented_shapes_warn_and_never_fail() {
    let woo = form_fields(bundled_spec("woocommerce").unwrap());
    let key = woo.iter().find(|f| f.key == "oauth.api.key").unwrap();
    let secret = woo.iter().find(|f| f.key == "oauth.api.secret").unwrap();
    assert_eq!(shape_warning(key, "ck_abc"), None);
    let w = shape_warning(key, "abc").unwrap();
    assert!(w.starts_with("Consumer key usually starts with ck_"), "{w}");
    assert_eq!(validate_field(key, "abc"), None, "a warning never blocks");
    let w = shape_warning(secret, "ck_swapped").unwrap();
    assert!(
        w.starts_with("Consumer secret usually starts with cs_"),
        "{w}"
    );
    assert!(!w.contains("ck_swapped"), "a secret is never repeated: {w}");
    // An empty or invalid value has its error, not a warning.
    assert_eq!(shape_warning(key, ""), None);

    let bc = form_fields(bundled_spec("bigcommerce").unwrap());
    let url = bc.iter().find(|f| f.key == "store.url").unwrap();
    assert_eq!(
        shape_warning(url, "https://store-a.mybigcommerce.com/api/v2/"),
        None
    );
    let w = shape_warning(url, "https://store-a.mybigcommerce.com").unwrap();
    assert!(
        w.starts_with("Store API URL usually ends in /api/v2/"),
        "{w}"
    );
    assert_eq!(shape_warning(url, "store-a.mybigcommerce.com"), None);

    let mut values = FormValues::new();
    values.set("store.url", "https://s.example.com");
    values.set("oauth.api.key", "key");
    values.set("oauth.api.secret", "cs_1");
    apply_defaults_and_derived(&woo, &mut values, &|_| false, &DeriveContext::default());
    let all = shape_warnings(&woo, &values);
    assert_eq!(
        all.iter().map(|w| w.key.as_str()).collect::<Vec<_>>(),
        ["oauth.api.key"]
    );
    assert!(validate(&woo, &values).is_empty());
}
