//! `evaluate` per case and `monitor` over 100,000 open cases (three or four milestones each),
//! single-threaded, on the sample rules. `cargo bench -p entitlement-benches --bench monitor`.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use entitlement_benches::{open_cases, sample_rules};

fn now() -> DateTime<Utc> {
    "2026-11-25T20:30:00Z".parse().expect("now")
}

fn evaluate(c: &mut Criterion) {
    let rules = sample_rules();
    let cases = open_cases(1_000);
    let mut i = 0;
    c.bench_function("evaluate one case (gold, 4 milestones)", |b| {
        b.iter(|| {
            i = (i + 1) % cases.len();
            black_box(rules.evaluate(&cases[i], now()).expect("evaluate"))
        })
    });
}

fn monitor(c: &mut Criterion) {
    let rules = sample_rules();
    let cases = open_cases(100_000);
    let since = Some("2026-11-25T20:15:00Z".parse().expect("since"));
    let mut group = c.benchmark_group("monitor");
    group.sample_size(10);
    group.bench_function("100k open cases, 15-minute window", |b| {
        b.iter(|| black_box(rules.monitor(&cases, now(), since).expect("monitor")))
    });
    group.finish();
}

criterion_group!(benches, evaluate, monitor);
criterion_main!(benches);
