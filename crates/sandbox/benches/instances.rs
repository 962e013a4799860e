//! Listing a seeded account of 10,000 instances over HTTP: the first page,
//! a page deep in the list, and the whole walk (50 pages of 200). A page
//! deep in the list must cost what the first one does.

use ce_sandbox::{Sandbox, SandboxOptions};
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/support/mod.rs"]
mod support;

fn walk(sb: &Sandbox, from: Option<String>, pages: usize) -> usize {
    let mut next = from;
    let mut count = 0;
    for _ in 0..pages {
        let path = match &next {
            Some(token) => format!("/instances?pageSize=200&nextPage={token}"),
            None => "/instances?pageSize=200".to_string(),
        };
        let answer = support::get(sb, &path);
        assert_eq!(answer.status, 200);
        count += answer.json().as_array().map_or(0, Vec::len);
        match answer.header("elements-next-page-token") {
            Some(token) => next = Some(token.to_string()),
            None => break,
        }
    }
    count
}

fn listing(c: &mut Criterion) {
    let sb = Sandbox::start(SandboxOptions {
        instances: 10_000,
        ..SandboxOptions::default()
    })
    .unwrap();
    // The token of page 49, found once.
    let mut deep = None;
    for _ in 0..48 {
        let path = match &deep {
            Some(token) => format!("/instances?pageSize=200&nextPage={token}"),
            None => "/instances?pageSize=200".to_string(),
        };
        deep = support::get(&sb, &path)
            .header("elements-next-page-token")
            .map(str::to_string);
    }
    let mut group = c.benchmark_group("instances, 10,000 seeded");
    group.sample_size(20);
    group.bench_function("first page of 200", |b| b.iter(|| walk(&sb, None, 1)));
    group.bench_function("page 49 of 50", |b| b.iter(|| walk(&sb, deep.clone(), 1)));
    group.bench_function("all 50 pages", |b| {
        b.iter(|| assert_eq!(walk(&sb, None, 50), 10_000))
    });
    group.finish();
}

criterion_group!(benches, listing);
criterion_main!(benches);
