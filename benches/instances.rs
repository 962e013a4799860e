//! What one keystroke in the Instances view's filter costs with 10,000
//! instances listed: the model's whole edit (the field, then the filter
//! over every instance's name, element and tags), for the first key (every
//! instance looked at), the next key of a growing query (one word, two
//! words matching every instance, three words), a key that starts a new
//! word, a key that matches nothing, and a backspace (the whole list looked
//! at again). `cargo bench --bench instances`.

use ce_wizard::api::Instance;
use ce_wizard::tui::steps::instances::{InstancesState, Listed};
use ce_wizard::tui::widgets::EditOp;
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};

const ELEMENTS: &[(&str, &str)] = &[
    ("bigcommerce", "BigCommerce"),
    ("ecwid", "Ecwid"),
    ("infusionsoftecommerce", "Infusionsoft"),
    ("magentov20", "Magento"),
    ("woocommerce", "WooCommerce"),
];
const TAGS: &[&str] = &["production", "staging", "test", "eu", "us"];

/// `n` instances shaped like the sandbox's seeded account, in pages of 200
/// as the platform sends them.
fn listed(n: usize) -> InstancesState {
    let mut view = InstancesState::new(None);
    let all: Vec<Instance> = (0..n)
        .map(|i| {
            let (key, label) = ELEMENTS[i % ELEMENTS.len()];
            Instance::from_value(serde_json::json!({
                "id": 1000 + i,
                "name": format!("{label} store {:05}", i + 1),
                "token": "tok",
                "element": { "key": key, "name": label },
                "createdDate": "2024-01-01T00:00:00Z",
                "tags": ["seeded", TAGS[i % TAGS.len()]],
            }))
            .unwrap()
        })
        .collect();
    for page in all.chunks(200) {
        view.add_page(page.iter().map(Listed::of).collect());
    }
    view
}

fn typed(base: &InstancesState, text: &str) -> InstancesState {
    let mut view = InstancesState::new(None);
    view.add_page(base.items.clone());
    for c in text.chars() {
        view.filter.apply(&EditOp::Insert(c));
    }
    view.refilter();
    view
}

fn key(view: &mut InstancesState, op: EditOp) {
    view.filter.apply(&op);
    view.refilter();
    black_box(view.matches().len());
}

fn keystrokes(c: &mut Criterion) {
    let base = listed(10_000);
    let mut g = c.benchmark_group("instances_filter_10000");
    let cases: [(&str, &str, EditOp); 8] = [
        ("first_key", "", EditOp::Insert('s')),
        ("next_key", "store 0", EditOp::Insert('1')),
        ("tag_key", "stagin", EditOp::Insert('g')),
        ("backspace", "store 01", EditOp::Backspace),
        ("new_word", "store", EditOp::Insert(' ')),
        ("third_word", "seeded store 0", EditOp::Insert('9')),
        ("no_match", "store 0", EditOp::Insert('x')),
        (
            "backspace_three_words",
            "seeded store 09",
            EditOp::Backspace,
        ),
    ];
    for (name, before, op) in cases {
        let start = typed(&base, before);
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || start_clone(&start),
                |view| key(view, op.clone()),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

/// A copy of a view in the same state (the model is not `Clone`: it may
/// hold a delete prompt).
fn start_clone(view: &InstancesState) -> InstancesState {
    typed(view, view.filter.value())
}

criterion_group!(benches, keystrokes);
criterion_main!(benches);
