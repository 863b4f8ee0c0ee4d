//! `add` and `elapsed` by span, on a calendar with two intervals a day, US holidays and a DST
//! zone. The index makes both costs flat in the span: compare the 1-hour and 10-year rows.
//!
//! Then batches of 100,000: a loop of one-at-a-time calls against `add_many_micros` /
//! `elapsed_many_micros` (parallel chunks).
//!
//! Run: `cargo bench -p entitlement-benches --bench calendar`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use entitlement_benches::ny_support;

const HOUR: i64 = 3_600_000_000;
/// 2026-01-01T00:00Z in microseconds.
const START: i64 = 1_767_225_600_000_000;

/// Business hours in a span: about 2,000 business hours a year on this calendar.
const SPANS: [(&str, i64, i64); 5] = [
    ("1h", HOUR, HOUR),
    ("1d", 24 * HOUR, 7 * HOUR),
    ("1w", 7 * 24 * HOUR, 35 * HOUR),
    ("1y", 365 * 24 * HOUR, 2000 * HOUR),
    ("10y", 3652 * 24 * HOUR, 20_000 * HOUR),
];

fn starts() -> Vec<i64> {
    // 1,024 pseudo-random instants over one year (a fixed LCG: the same in every run).
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..1024)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            START + ((x >> 11) % (365 * 24 * 3600)) as i64 * 1_000_000
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = ny_support();
    let starts = starts();
    // Warm-up: compile every year the benchmark touches, so it measures lookups.
    cal.elapsed_micros(START - 400 * 24 * HOUR, START + 12 * 366 * 24 * HOUR)
        .unwrap();
    let mut group = c.benchmark_group("calendar");
    for (name, wall, business) in SPANS {
        let mut i = 0usize;
        group.bench_function(format!("elapsed/{name}"), |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                let a = starts[i];
                black_box(
                    cal.elapsed_micros(black_box(a), black_box(a + wall))
                        .unwrap(),
                )
            })
        });
        let mut i = 0usize;
        group.bench_function(format!("add/{name}"), |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                black_box(
                    cal.add_micros(black_box(starts[i]), black_box(business))
                        .unwrap(),
                )
            })
        });
    }
    group.finish();

    // Batches of 100,000 8-hour adds and 10-day elapsed: one-at-a-time in a loop, and the
    // batch call (parallel chunks on rayon's pool).
    let n = 100_000;
    let many: Vec<i64> = (0..n)
        .map(|i| starts[i % 1024] + (i as i64) * 7_919_000_000)
        .collect();
    let eight = vec![8 * HOUR; n];
    let ends: Vec<i64> = many.iter().map(|t| t + 240 * HOUR).collect();
    let mut out = vec![0; n];
    let mut group = c.benchmark_group("calendar batch of 100k");
    group.throughput(criterion::Throughput::Elements(n as u64));
    group.bench_function("add loop", |b| {
        b.iter(|| {
            for (o, (&t, &d)) in out.iter_mut().zip(many.iter().zip(&eight)) {
                *o = cal.add_micros(t, d).unwrap();
            }
            black_box(&out);
        })
    });
    group.bench_function("add_many", |b| {
        b.iter(|| {
            cal.add_many_micros(&many, &eight, black_box(&mut out))
                .unwrap()
        })
    });
    group.bench_function("elapsed_many", |b| {
        b.iter(|| {
            cal.elapsed_many_micros(&many, &ends, black_box(&mut out))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
