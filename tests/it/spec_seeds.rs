//! The bundled specs against the five original "Create Instance" pages: the
//! configuration keys each spec declares are exactly the keys of the page's
//! instance.json body, and a form filled from the spec sends exactly them.

use ce_wizard::catalog::{bundled, bundled_spec, form_fields, AuthKind};
use ce_wizard::form::{self, DeriveContext, FormValues};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn fixture(key: &str) -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/seeds/{key}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn seed_keys(body: &Value) -> BTreeSet<String> {
    body["configuration"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

const SEEDS: [&str; 5] = [
    "woocommerce",
    "ecwid",
    "bigcommerce",
    "magentov20",
    "infusionsoftecommerce",
];

#[test]
fn every_seed_element_is_bundled_with_the_seed_keys_exactly() {
    assert_eq!(bundled().len(), 5);
    for key in SEEDS {
        let spec = bundled_spec(key).unwrap_or_else(|| panic!("{key} is bundled"));
        let body = fixture(key);
        assert_eq!(body["element"]["key"], key);
        let spec_keys: BTreeSet<String> = spec.fields.iter().map(|f| f.key.clone()).collect();
        assert_eq!(spec_keys, seed_keys(&body), "{key}");
    }
}

#[test]
fn a_form_filled_with_examples_sends_exactly_the_seed_keys() {
    for key in SEEDS {
        let spec = bundled_spec(key).unwrap();
        let fields = form_fields(spec);
        let mut values = FormValues::new();
        for f in &spec.fields {
            if f.derive.is_none() && f.default.is_none() {
                let v = match f.kind {
                    ce_wizard::catalog::FieldKind::Url => "https://x.example.com".to_string(),
                    _ if f.pattern.is_some() => "1003".to_string(),
                    _ => "value".to_string(),
                };
                values.set(f.key.clone(), v);
            }
        }
        let ctx = DeriveContext {
            callback_url: Some("http://127.0.0.1:48213/callback".into()),
        };
        form::apply_defaults_and_derived(&fields, &mut values, &|_| false, &ctx);
        assert!(
            form::validate(&fields, &values).is_empty(),
            "{key}: {:?}",
            form::validate(&fields, &values)
        );
        let sent: BTreeSet<String> = form::configuration(&fields, &values).into_keys().collect();
        assert_eq!(sent, seed_keys(&fixture(key)), "{key}");
    }
}

#[test]
fn only_infusionsoft_uses_oauth() {
    for key in SEEDS {
        let oauth = bundled_spec(key).unwrap().auth == AuthKind::Oauth2;
        assert_eq!(oauth, key == "infusionsoftecommerce", "{key}");
    }
}

/// The fixtures are copies of the pages' bodies; where the pages themselves
/// are beside the repository (CI has them), check the copies still match.
#[test]
fn fixtures_match_the_seed_pages_when_present() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/docs/seeds");
    let Ok(dir) = std::fs::read_dir(&seeds) else {
        eprintln!("{} not present; the fixtures stand alone", seeds.display());
        return;
    };
    let mut found = BTreeSet::new();
    for entry in dir {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for block in text.split("```").skip(1).step_by(2) {
            let json = block
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim();
            let Ok(body) = serde_json::from_str::<Value>(json) else {
                continue;
            };
            if body.get("configuration").is_some() && body.get("id").is_none() {
                let key = body["element"]["key"].as_str().unwrap().to_string();
                assert_eq!(seed_keys(&body), seed_keys(&fixture(&key)), "{key}");
                found.insert(key);
            }
        }
    }
    assert_eq!(found.len(), 5, "found bodies for {found:?}");
}
