//! What one keystroke in the Element step's filter costs with a catalog of
//! 1,000 and of 10,000 elements: the first key (every element scored), the
//! next key of a growing query (only the previous matches re-scored), a
//! backspace (every element scored again), and a whole word typed key by
//! key (reported per keystroke). `cargo bench --bench filter`.

use ce_wizard::catalog::picker::Index;
use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput,
};

const PREFIXES: &[&str] = &[
    "Acme", "Apex", "Aurora", "Beacon", "Bluebird", "Bright", "Cedar", "Cinder", "Cobalt", "Coral",
    "Crest", "Delta", "Echo", "Ember", "Falcon", "Fjord", "Flux", "Granite", "Harbor", "Helix",
    "Indigo", "Iris", "Juniper", "Kestrel", "Lumen", "Maple", "Meridian", "Nimbus", "Nova", "Onyx",
];
const HUBS: &[(&str, &[&str])] = &[
    ("crm", &["CRM", "Contacts", "Sales", "Pipeline", "Deals"]),
    ("marketing", &["Mail", "Campaigns", "Leads", "Forms"]),
    ("helpdesk", &["Desk", "Support", "Tickets", "Service"]),
    ("finance", &["Books", "Ledger", "Invoices", "Billing"]),
    ("documents", &["Drive", "Files", "Docs", "Vault"]),
    ("ecommerce", &["Shop", "Store", "Cart", "Commerce"]),
    ("social", &["Social", "Feed", "Posts"]),
];

/// The searchable texts of a made-up catalog of `n` elements, shaped like
/// the wizard's (`name key hub`), with numbers where names would repeat.
fn catalog(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let prefix = PREFIXES[i % PREFIXES.len()];
            let (hub, words) = HUBS[(i / PREFIXES.len()) % HUBS.len()];
            let word = words[(i / (PREFIXES.len() * HUBS.len())) % words.len()];
            let round = i / (PREFIXES.len() * HUBS.len() * 5);
            let name = if round == 0 {
                format!("{prefix} {word}")
            } else {
                format!("{prefix} {word} {round}")
            };
            let key: String = name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            format!("{name} {key} {hub}")
        })
        .collect()
}

/// An index that has just answered `query`.
fn after(base: &Index, query: &str) -> Index {
    let mut index = base.clone();
    index.search(query);
    index
}

fn keystrokes(c: &mut Criterion) {
    for n in [1_000, 10_000] {
        let base = Index::new(catalog(n));
        let mut group = c.benchmark_group(format!("filter/{n}"));
        let mut key = |name: &str, from: &'static str, to: &'static str| {
            group.bench_function(BenchmarkId::new(name, format!("{from:?}->{to:?}")), |b| {
                b.iter_batched_ref(
                    || after(&base, from),
                    |index| black_box(index.search(black_box(to)).len()),
                    BatchSize::SmallInput,
                )
            });
        };
        key("first key", "", "c");
        key("next key", "kestrel so", "kestrel soc");
        key("backspace", "kestrel soc", "kestrel so");
        key("no match", "kestrel socz", "kestrel soczq");
        let word = "nimbus desk";
        group.throughput(Throughput::Elements(word.len() as u64));
        group.bench_function(BenchmarkId::new("typing, per keystroke", word), |b| {
            b.iter_batched_ref(
                || base.clone(),
                |index| {
                    for end in 1..=word.len() {
                        black_box(index.search(&word[..end]).len());
                    }
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, keystrokes);
criterion_main!(benches);
