//! A fixed workload for profilers (`valgrind --tool=callgrind`, `perf`), whose instruction
//! counts compare one change with the next on a noisy machine where timings cannot:
//!
//! ```sh
//! cargo build --release -p entitlement-benches --bin profile
//! valgrind --tool=callgrind target/release/profile monitor 10000
//! valgrind --tool=callgrind target/release/profile add 100000
//! ```
//!
//! `monitor N`: the monitor over `N` open cases of the benchmark fixture (single-threaded
//! when `RAYON_NUM_THREADS=1`); `cases N`: only the rules and the cases, the part of `monitor N`
//! to subtract (instructions, peak memory) for the monitor's own cost; `evaluate N`: one
//! evaluation per case; `add N` / `elapsed N`:
//! `N` one-at-a-time 8-hour adds (or 10-day elapsed) on the New York desk calendar, index warm;
//! a third argument gives the span in hours (`add 100000 20000`: 10 years of business hours).
//! `export N`: `N` outcome rows of a monitor run over enough open cases, written as one
//! Parquet file the way `entitlement export outcomes --format parquet` writes it (chunks of
//! 65,536 rows); prints the wall time of the export and the peak RSS (`getrusage`) before and
//! after it (`docs/performance.md`, "Issue 18").

use std::hint::black_box;

use entitlement_benches::{ny_support, open_cases, sample_rules};

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "monitor".into());
    let n: usize = args
        .next()
        .map(|s| s.parse().expect("a count"))
        .unwrap_or(10_000);
    let now = "2026-11-25T20:30:00Z".parse().expect("now");
    let since = Some("2026-11-25T20:15:00Z".parse().expect("since"));
    match what.as_str() {
        "monitor" => {
            let (rules, cases) = (sample_rules(), open_cases(n));
            let report = rules.monitor(&cases, now, since).expect("monitor");
            println!(
                "{} statuses, {} events",
                report.open.len(),
                report.events.len()
            );
        }
        "cases" => {
            let (rules, cases) = (sample_rules(), open_cases(n));
            println!(
                "{} cases, {} processes",
                black_box(&cases).len(),
                black_box(&rules).processes().len()
            );
        }
        "evaluate" => {
            let (rules, cases) = (sample_rules(), open_cases(n));
            let mut milestones = 0;
            for case in &cases {
                milestones += rules.evaluate(case, now).expect("evaluate").len();
            }
            println!("{milestones} milestones");
        }
        "add" | "elapsed" => {
            let cal = ny_support();
            const HOUR: i64 = 3_600_000_000;
            // The span in hours: business hours for `add` (default 8), wall-clock hours for
            // `elapsed` (default 240).
            let span: Option<i64> = args.next().map(|s| s.parse().expect("hours"));
            let start = 1_767_225_600_000_000_i64; // 2026-01-01T00:00Z
            cal.elapsed_micros(start - 400 * 24 * HOUR, start + 12 * 366 * 24 * HOUR)
                .expect("warm");
            let mut x: u64 = 0x2545_f491_4f6c_dd1d;
            let mut sum = 0i64;
            for _ in 0..n {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let t = start + ((x >> 11) % (365 * 24 * 3600)) as i64 * 1_000_000;
                sum = sum.wrapping_add(if what == "add" {
                    cal.add_micros(black_box(t), span.unwrap_or(8) * HOUR)
                        .expect("add")
                } else {
                    cal.elapsed_micros(black_box(t), t + span.unwrap_or(240) * HOUR)
                        .expect("elapsed")
                });
            }
            println!("{sum}");
        }
        "export" => export(n, now),
        other => {
            panic!("unknown workload {other:?}: monitor, cases, evaluate, add, elapsed or export")
        }
    }
}

/// The process's peak resident set so far, in MiB (`ru_maxrss` is in KiB on Linux).
fn peak_rss_mib() -> f64 {
    // SAFETY: `getrusage` fills the struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    usage.ru_maxrss as f64 / 1024.0
}

fn export(rows: usize, now: chrono::DateTime<chrono::Utc>) {
    use entitlement_tables::Table;
    use entitlement_tables::files::{FileFormat, FileWriter};
    use std::time::Instant;

    // Rows per case of the fixture, from a small run; then enough cases for `rows` rows.
    let rules = sample_rules();
    let probe = rules
        .monitor(
            &open_cases(1000),
            now,
            Some(now - chrono::TimeDelta::seconds(1)),
        )
        .expect("monitor");
    let per_case = probe.outcomes().len() as f64 / 1000.0;
    let cases = open_cases((rows as f64 / per_case * 1.02).ceil() as usize + 1000);
    let started = Instant::now();
    let report = rules
        .monitor(&cases, now, Some(now - chrono::TimeDelta::seconds(1)))
        .expect("monitor");
    drop(cases);
    let monitor_s = started.elapsed().as_secs_f64();
    let before = peak_rss_mib();

    let path =
        std::env::temp_dir().join(format!("entitlement-export-{}.parquet", std::process::id()));
    let started = Instant::now();
    let file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut writer = FileWriter::new(file, FileFormat::Parquet, Table::Outcomes).expect("writer");
    let mut source = report.outcome_rows(None, None).take(rows);
    let mut written = 0;
    loop {
        let chunk: Vec<_> = source.by_ref().take(64 * 1024).collect();
        if chunk.is_empty() {
            break;
        }
        written += chunk.len();
        let batch = entitlement_tables::outcomes(&chunk).expect("batch");
        writer.write(&batch).expect("write");
    }
    let mut file = writer.finish().expect("finish");
    std::io::Write::flush(&mut file).expect("flush");
    drop(file);
    let export_s = started.elapsed().as_secs_f64();
    let after = peak_rss_mib();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&path);
    assert_eq!(written, rows, "the fixture gave fewer rows than asked");
    println!(
        "export {written} outcome rows to Parquet: {export_s:.2} s ({:.0} rows/s), file {:.1} MiB; \
         peak RSS {before:.0} MiB after the monitor ({} cases, {monitor_s:.2} s), {after:.0} MiB \
         after the export (+{:.0} MiB)",
        written as f64 / export_s,
        bytes as f64 / (1024.0 * 1024.0),
        report.cases.len(),
        after - before,
    );
}
