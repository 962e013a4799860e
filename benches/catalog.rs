//! How long the catalog work takes at the platform's scale: parsing a 1 MB
//! `GET /elements` answer, merging it with the bundled specs, and building a
//! form from an element's configuration metadata. `cargo bench --bench catalog`.

use ce_wizard::api::{ConfigEntry, ElementSummary};
use ce_wizard::catalog::{
    form_fields, parse_elements, spec_from_metadata, AuthKind, Catalog, CatalogEntry,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use std::time::SystemTime;

const TYPES: &[&str] = &[
    "TEXTFIELD_32",
    "TEXTFIELD_64",
    "TEXTFIELD_128",
    "TEXTFIELD_1000",
    "TEXTAREA",
    "PASSWORD",
    "BOOLEAN",
    "SELECTION",
    "NUMBER",
];

/// One metadata entry shaped like the platform's, with its extra fields.
fn entry(element: usize, i: usize) -> Value {
    let kind = TYPES[(element + i) % TYPES.len()];
    let mut e = json!({
        "id": element * 100 + i,
        "key": format!("setting{i}.{}", if i % 5 == 0 { "url" } else { "value" }),
        "name": format!("Setting {i}"),
        "description": format!("What setting {i} of element {element} does, in a sentence or two."),
        "type": kind,
        "required": i % 3 == 0,
        "hideFromConsole": i % 4 == 0,
        "internal": i % 7 == 0,
        "active": true,
        "resellerConfig": false,
        "companyConfig": false,
        "groupControl": false,
        "displayOrder": (i * 7) % 40,
    });
    if i % 2 == 0 {
        e["defaultValue"] = json!(if kind == "BOOLEAN" {
            "false"
        } else {
            "default"
        });
    }
    if kind == "SELECTION" {
        e["options"] = json!([{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]);
    }
    e
}

/// A `GET /elements` answer of at least `bytes`, each element carrying its
/// configuration as the platform's full element objects do.
fn elements_body(bytes: usize) -> String {
    let mut elements = Vec::new();
    let mut size = 0;
    let mut n = 0;
    while size < bytes {
        let hub = ["crm", "marketing", "helpdesk", "finance"][n % 4];
        let auth = ["oauth2", "oauth1", "basic", "custom"][n % 4];
        let e = json!({
            "id": n,
            "key": format!("element{n}"),
            "name": format!("Element {n}"),
            "description": "Connect an account of this service to read and update its records.",
            "image": format!("https://images.example.com/elements/{n}.png"),
            "hub": hub,
            "active": n % 25 != 0,
            "deleted": n % 31 == 0,
            "beta": n % 12 == 0,
            "typeOauth": n % 3 == 0,
            "trialAccount": false,
            "authentication": {"type": auth},
            "configuration": (0..12).map(|i| entry(n, i)).collect::<Vec<_>>(),
            "transformationsEnabled": true,
            "parameters": [],
        });
        size += e.to_string().len() + 1;
        elements.push(e);
        n += 1;
    }
    Value::Array(elements).to_string()
}

fn parsing(c: &mut Criterion) {
    let body = elements_body(1024 * 1024);
    let mut g = c.benchmark_group("GET /elements, 1 MB");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("parse_elements (the catalog's lean decode)", |b| {
        b.iter(|| parse_elements(black_box(&body)).unwrap())
    });
    g.bench_function("Vec<ElementSummary> (full DTO, for comparison)", |b| {
        b.iter(|| serde_json::from_str::<Vec<ElementSummary>>(black_box(&body)).unwrap())
    });
    g.finish();

    let entries = parse_elements(&body).unwrap();
    c.bench_function("merge with the bundled specs", |b| {
        b.iter(|| {
            Catalog::live(
                "https://h/elements/api-v2",
                SystemTime::UNIX_EPOCH,
                black_box(entries.clone()),
            )
        })
    });
}

fn forms(c: &mut Criterion) {
    let info = CatalogEntry {
        key: "element7".into(),
        name: "Element 7".into(),
        hub: "crm".into(),
        description: String::new(),
        auth: AuthKind::Oauth2,
        beta: false,
        bundled: false,
    };
    let json = Value::Array((0..40).map(|i| entry(7, i)).collect()).to_string();
    let metadata: Vec<ConfigEntry> = serde_json::from_str(&json).unwrap();
    c.bench_function("form from metadata (40 entries)", |b| {
        b.iter(|| form_fields(&spec_from_metadata(black_box(&info), black_box(&metadata))))
    });
    c.bench_function("decode + form from metadata (40 entries)", |b| {
        b.iter(|| {
            let m: Vec<ConfigEntry> = serde_json::from_str(black_box(&json)).unwrap();
            form_fields(&spec_from_metadata(&info, &m))
        })
    });
}

criterion_group!(benches, parsing, forms);
criterion_main!(benches);
