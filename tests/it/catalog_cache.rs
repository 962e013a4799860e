//! The catalog library as the terminal UI uses it, against the sandbox: the
//! cache shown at once and replaced by a refresh, the 304 path, a corrupt
//! cache, the offline fallback, and forms built from metadata.

use ce_wizard::api::{ApiError, Client, Credentials};
use ce_wizard::catalog::{
    bundled, cache_path, element_spec, form_fields, load_cached, lookup, refresh, Catalog,
    FieldKind, Lookup, CACHE_DIR_ENV,
};
use ce_wizard::sandbox::{Sandbox, SandboxOptions, SHOWCASE_CUSTOM};
use serde_json::{json, Value};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ELEMENTS: &str = "/elements/api-v2/elements";

/// One cache directory for the whole test binary, set before any test reads
/// it: every test has its own sandbox, so its own base URL and cache file.
fn use_test_cache_dir() {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var(CACHE_DIR_ENV, dir.path());
        dir
    });
}

fn start() -> Sandbox {
    use_test_cache_dir();
    Sandbox::start(SandboxOptions::default()).unwrap()
}

fn client(sb: &Sandbox) -> Client {
    Client::new(
        &sb.base_url(),
        Credentials {
            user: sb.user_secret().into(),
            org: sb.org_secret().into(),
        },
    )
    .unwrap()
}

fn read_cache(sb: &Sandbox) -> Value {
    let text = std::fs::read_to_string(cache_path(&sb.base_url()).unwrap()).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn write_cache(sb: &Sandbox, v: &Value) {
    std::fs::write(cache_path(&sb.base_url()).unwrap(), v.to_string()).unwrap();
}

fn secs_ago(secs: u64) -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - secs
}

fn last_listing_status(sb: &Sandbox) -> u16 {
    sb.requests()
        .iter()
        .rfind(|r| r.path == ELEMENTS)
        .unwrap()
        .status
}

fn keys(c: &Catalog) -> Vec<&str> {
    c.entries().iter().map(|e| e.key.as_str()).collect()
}

#[tokio::test]
async fn a_stale_cache_is_shown_at_once_and_replaced_by_the_refresh() {
    let sb = start();
    let base = sb.base_url();
    assert!(
        load_cached(&base).is_none(),
        "no cache before the first fetch"
    );
    let live = refresh(&client(&sb)).await.unwrap();
    assert!(live.len() >= 300 && live.is_live());
    assert_eq!(last_listing_status(&sb), 200);

    // As if written three days ago from an older, shorter list.
    let mut file = read_cache(&sb);
    file["fetched_at"] = json!(secs_ago(3 * 24 * 3600));
    file["etag"] = json!("\"an-older-list\"");
    let elements = file["elements"].as_array().unwrap()[..10].to_vec();
    file["elements"] = Value::Array(elements);
    write_cache(&sb, &file);

    let now = SystemTime::now();
    let shown = load_cached(&base).expect("a stale cache is still shown");
    assert_eq!(shown.catalog.len(), 10);
    assert!(shown.is_stale(now));

    let refreshed = refresh(&client(&sb)).await.unwrap();
    assert_eq!(
        last_listing_status(&sb),
        200,
        "the old ETag no longer matches"
    );
    assert_eq!(keys(&refreshed), keys(&live));
    let replaced = load_cached(&base).unwrap();
    assert_eq!(keys(&replaced.catalog), keys(&live));
    assert!(!replaced.is_stale(now));
}

#[tokio::test]
async fn a_304_keeps_the_cached_list_and_renews_its_fetch_time() {
    let sb = start();
    refresh(&client(&sb)).await.unwrap();
    let mut file = read_cache(&sb);
    let old = secs_ago(2 * 24 * 3600);
    file["fetched_at"] = json!(old);
    let three = file["elements"].as_array().unwrap()[..3].to_vec();
    file["elements"] = Value::Array(three);
    write_cache(&sb, &file);

    let catalog = refresh(&client(&sb)).await.unwrap();
    assert_eq!(last_listing_status(&sb), 304);
    assert_eq!(catalog.len(), 3, "a 304 keeps what the cache holds");
    let after = read_cache(&sb);
    assert!(after["fetched_at"].as_u64().unwrap() > old + 24 * 3600);
    assert_eq!(after["etag"], file["etag"]);
    assert_eq!(load_cached(&sb.base_url()).unwrap().catalog.len(), 3);
}

#[tokio::test]
async fn a_corrupt_or_foreign_cache_is_ignored() {
    let sb = start();
    let path = cache_path(&sb.base_url()).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    for junk in [
        "{\"format\": 1, \"elements\": [",
        "not json",
        "",
        "{\"format\": 99}",
    ] {
        std::fs::write(&path, junk).unwrap();
        assert!(load_cached(&sb.base_url()).is_none(), "{junk:?}");
    }
    let catalog = refresh(&client(&sb)).await.unwrap();
    assert_eq!(last_listing_status(&sb), 200, "no ETag taken from junk");
    assert_eq!(
        keys(&load_cached(&sb.base_url()).unwrap().catalog),
        keys(&catalog)
    );

    // A cache written for another base URL is not used for this one.
    let mut file = read_cache(&sb);
    file["base_url"] = json!("http://127.0.0.1:1/elements/api-v2");
    write_cache(&sb, &file);
    assert!(load_cached(&sb.base_url()).is_none());
}

#[tokio::test]
async fn offline_the_bundled_specs_are_the_catalog() {
    use_test_cache_dir();
    // Port 1: nothing listens there, and unlike a port bound and released
    // here, no sandbox of a test running alongside can be handed it.
    let base = "http://127.0.0.1:1/elements/api-v2".to_string();
    let offline = Client::with_timeouts(
        &base,
        Credentials {
            user: "u".into(),
            org: "o".into(),
        },
        Duration::from_secs(5),
        Duration::from_secs(5),
    )
    .unwrap();
    let err = refresh(&offline).await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(load_cached(&base).is_none());
    // What the UI shows instead, and the forms it can still build.
    let catalog = Catalog::bundled();
    assert!(!catalog.is_live());
    let mut expected: Vec<&str> = bundled().iter().map(|s| s.key.as_str()).collect();
    let mut got = keys(&catalog);
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, expected);
    let entry = catalog.find("ecwid").unwrap();
    let spec = element_spec(&offline, entry).await.unwrap();
    assert!(spec.bundled && spec.field("ecwid.store.id").is_some());
}

#[tokio::test]
async fn lookup_and_element_spec_build_the_form_of_an_unbundled_element() {
    let sb = start();
    let c = client(&sb);
    let Lookup::Found(entry) = lookup(&c, "NimbusDesk").await.unwrap() else {
        panic!("the showcase element is in the catalog");
    };
    assert_eq!(entry.key, SHOWCASE_CUSTOM);
    assert!(!entry.bundled);
    let spec = element_spec(&c, &entry).await.unwrap();
    let fields: Vec<(&str, FieldKind, Option<usize>, bool)> = spec
        .fields
        .iter()
        .map(|f| (f.key.as_str(), f.kind, f.max_length, f.required))
        .collect();
    assert_eq!(
        fields,
        [
            ("nimbus.account.id", FieldKind::Text, Some(64), true),
            ("nimbus.subdomain", FieldKind::Text, Some(32), true),
            ("nimbus.api.key", FieldKind::Secret, None, true),
            ("nimbus.region", FieldKind::Choice, None, true),
            ("nimbus.agent.email", FieldKind::Text, Some(128), false),
            ("nimbus.sandbox", FieldKind::Boolean, None, false),
            ("nimbus.signature", FieldKind::Textarea, None, false),
            ("nimbus.portal.url", FieldKind::Url, Some(1000), false),
            ("nimbus.page.size", FieldKind::Text, None, false),
        ]
    );
    let region = spec.field("nimbus.region").unwrap();
    assert_eq!(region.choices, ["us", "eu", "ap"]);
    assert_eq!(region.default.as_deref(), Some("us"));
    assert_eq!(spec.field("nimbus.subdomain").unwrap().label, "Subdomain");
    let form: Vec<String> = form_fields(&spec).into_iter().map(|f| f.key).collect();
    assert!(form.contains(&"filter.response.nulls".to_string()));
    assert!(
        !form.contains(&"event.vendor.type".to_string()),
        "internal for this element"
    );

    // The second lookup is answered by the cache the first one wrote.
    let listed = sb.count("GET", ELEMENTS);
    assert!(matches!(
        lookup(&c, SHOWCASE_CUSTOM).await.unwrap(),
        Lookup::Found(_)
    ));
    assert_eq!(sb.count("GET", ELEMENTS), listed);

    // A bundled element's form needs no request at all.
    let before = sb.requests().len();
    let Lookup::Found(bc) = lookup(&c, "bigcommerce").await.unwrap() else {
        panic!()
    };
    assert_eq!(element_spec(&c, &bc).await.unwrap().name, "BigCommerce");
    assert_eq!(sb.requests().len(), before);

    match lookup(&c, "nimbusdesc").await.unwrap() {
        Lookup::Unknown { suggestions } => {
            assert_eq!(
                suggestions.first().map(String::as_str),
                Some(SHOWCASE_CUSTOM)
            )
        }
        found => panic!("{found:?}"),
    }
}
