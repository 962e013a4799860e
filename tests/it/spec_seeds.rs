//! The bundled specs against the five original "Create Instance" pages: the
//! configuration keys each spec declares for its default sign-in kind are
//! exactly the keys of the page's instance.json body, and a form filled
//! from the spec sends exactly them (with the kind, for an element that
//! offers several: Ecwid, devportal `docs/elements/ecwid/ecwid-create-instance.md`).

use ce_wizard::catalog::{bundled, bundled_spec, form_fields, AuthKind, FieldSpec, AUTH_TYPE_KEY};
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

/// Whether a field belongs to the element's default sign-in kind: the
/// choice of kind itself and the other kinds' fields do not.
fn of_default_kind(spec: &ce_wizard::catalog::ElementSpec, f: &FieldSpec) -> bool {
    f.key != AUTH_TYPE_KEY
        && f.condition()
            .is_none_or(|(k, v)| k != AUTH_TYPE_KEY || v == spec.auth.platform_name())
}

#[test]
fn every_seed_element_is_bundled_with_the_seed_keys_exactly() {
    // The five seeds, WooCommerce REST and Shopify, from the developer portal.
    assert_eq!(bundled().len(), 7);
    // Any other bundled spec was written from a developer-portal page and
    // names it.
    for spec in bundled()
        .iter()
        .filter(|s| !SEEDS.contains(&s.key.as_str()))
    {
        let docs = spec.docs_url.as_deref().unwrap_or_default();
        assert!(
            docs.starts_with("https://developers.cloud-elements.com/docs/elements/")
                && docs.ends_with(".html"),
            "{}: {docs}",
            spec.key
        );
    }
    for key in SEEDS {
        let spec = bundled_spec(key).unwrap_or_else(|| panic!("{key} is bundled"));
        let body = fixture(key);
        assert_eq!(body["element"]["key"], key);
        let spec_keys: BTreeSet<String> = spec
            .fields
            .iter()
            .filter(|f| of_default_kind(spec, f))
            .map(|f| f.key.clone())
            .collect();
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
        let mut sent: BTreeSet<String> =
            form::configuration(&fields, &values).into_keys().collect();
        // An element with several kinds says which one.
        if spec.field(AUTH_TYPE_KEY).is_some() {
            assert_eq!(
                values.get(AUTH_TYPE_KEY),
                spec.auth.platform_name(),
                "{key}"
            );
            assert!(sent.remove(AUTH_TYPE_KEY), "{key}");
        }
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

/// Where the seed pages sit: beside the repository, as CI has them.
const SEED_PAGES: &str = "../shared/docs/seeds";

/// The texts of the seed pages in `dir`, or what is missing and how to get
/// it: a check that found no pages must not pass as if they had matched.
fn read_seed_pages(dir: &Path) -> Result<Vec<String>, String> {
    let how = format!(
        "the fixtures in tests/fixtures/seeds are checked against the five original \
         \"Create Instance\" pages; put the shared docs beside the repository so that \
         {SEED_PAGES} (relative to the repository) holds those pages, then run the tests again"
    );
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("the seed pages are missing: {} ({e}); {how}", dir.display()))?;
    let mut pages = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("seed page {}: {e}", path.display()))?;
        pages.push(text);
    }
    if pages.is_empty() {
        return Err(format!(
            "the seed pages are missing: {} holds no page; {how}",
            dir.display()
        ));
    }
    Ok(pages)
}

/// The fixtures are copies of the pages' bodies; check the copies still
/// match the pages.
#[test]
fn fixtures_match_the_seed_pages() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED_PAGES);
    let pages = read_seed_pages(&seeds).unwrap_or_else(|e| panic!("{e}"));
    let mut found = BTreeSet::new();
    for text in pages {
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

#[test]
fn missing_seed_pages_are_named_with_how_to_get_them() {
    let tmp = tempfile::tempdir().unwrap();
    let nowhere = tmp.path().join("docs/seeds");
    let looked_at = nowhere.display().to_string();
    let message = read_seed_pages(&nowhere).unwrap_err();
    assert!(
        message.starts_with("the seed pages are missing"),
        "{message}"
    );
    assert!(message.contains(&looked_at), "{message}");
    assert!(message.contains(SEED_PAGES), "{message}");

    std::fs::create_dir_all(&nowhere).unwrap();
    let message = read_seed_pages(&nowhere).unwrap_err();
    assert!(message.contains("holds no page"), "{message}");
    assert!(message.contains(&looked_at), "{message}");
    assert!(message.contains(SEED_PAGES), "{message}");
}
