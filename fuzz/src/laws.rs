//! The calendar laws of `docs/semantics.md`, checked on one calendar at given instants and durations. Every
//! target that ends with a calendar (a document, an importer's output, a structured calendar)
//! checks them, so a calendar is never only "loaded without a panic".

use entitlement_core::{Calendar, Error, MAX_MICROS, MIN_MICROS};

/// One microsecond-based query: an instant `t`, two durations `a` and `b` (used with both
/// signs) and a `span` for `elapsed` and `open_intervals`.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// The instant, microseconds since the Unix epoch (clamped into the supported range).
    pub t: i64,
    /// A duration, microseconds (its absolute value is used).
    pub a: i64,
    /// Another duration, microseconds (its absolute value is used).
    pub b: i64,
    /// A span after `t`, microseconds (its absolute value is used, at most about 400 days).
    pub span: i64,
}

const DAY: i64 = 86_400_000_000;
/// Spans longer than this are cut, so that `open_intervals` stays a bounded amount of work.
const MAX_SPAN: i64 = 400 * DAY;

/// A calendar's answer may be an error only when it cannot answer within the supported range:
/// any other error on a valid argument is a finding.
fn allowed(e: &Error) {
    assert!(
        matches!(e.code(), "no_opening" | "out_of_range"),
        "unexpected error {}: {e}",
        e.code()
    );
}

/// `|d|`, capped so that sums of two never overflow (the cap is far past the supported range,
/// so huge durations still reach the `out_of_range` error).
fn duration(d: i64) -> i64 {
    d.unsigned_abs().min(1 << 61) as i64
}

fn clamp(t: i64) -> i64 {
    t.clamp(MIN_MICROS, MAX_MICROS)
}

/// Checks every law at every probe.
pub fn check(cal: &Calendar, probes: &[Probe]) {
    for p in probes {
        check_one(cal, *p);
    }
}

fn check_one(cal: &Calendar, p: Probe) {
    let t = clamp(p.t);
    let (a, b) = (duration(p.a), duration(p.b));
    let span = (p.span.unsigned_abs() as i64).min(MAX_SPAN);

    assert_eq!(cal.add_micros(t, 0).unwrap(), t, "add(t, 0) = t");
    assert_eq!(cal.sub_micros(t, 0).unwrap(), t, "sub(t, 0) = t");
    let fwd = [inverse(cal, t, a), inverse(cal, t, b)];
    let back = [inverse(cal, t, -a), inverse(cal, t, -b)];

    // Monotonic in the duration, both ways: a longer duration never lands nearer to `t`.
    if let (Some(x), Some(y)) = (fwd[0], fwd[1]) {
        assert!(
            if a <= b { x <= y } else { y <= x },
            "add is monotonic in d: {t} {a} {b}"
        );
    }
    if let (Some(x), Some(y)) = (back[0], back[1]) {
        assert!(
            if a <= b { y <= x } else { x <= y },
            "add is monotonic in -d: {t} {a} {b}"
        );
    }
    // Additive: add(add(t, a), b) = add(t, a + b), and the same backwards.
    for sign in [1, -1] {
        let first = if sign == 1 { fwd[0] } else { back[0] };
        let whole = cal.add_micros(t, sign * (a + b));
        match (first, &whole) {
            (Some(u), Ok(w)) => {
                let chained = cal.add_micros(u, sign * b).unwrap_or_else(|e| {
                    panic!(
                        "add(t, {}) = {w} but add(add(t, a), b) fails: {e}",
                        sign * (a + b)
                    )
                });
                assert_eq!(chained, *w, "additive: t={t} a={a} b={b} sign={sign}");
            }
            (None, Ok(w)) => panic!("add(t, a + b) = {w} but add(t, a) fails (t={t}, a={a})"),
            (_, Err(e)) => allowed(e),
        }
    }
    // Monotonic in the start: a later start never gives an earlier result.
    let later = clamp(t.saturating_add(span));
    if let (Some(x), Ok(y)) = (fwd[0], cal.add_micros(later, a)) {
        assert!(x <= y, "add is monotonic in t: {t} {later} {a}");
    }

    // elapsed: antisymmetric, additive over adjacent spans, never more than real time.
    let (x, y, z) = (t, later, clamp(later.saturating_add(b.min(MAX_SPAN))));
    let xy = cal.elapsed_micros(x, y).unwrap();
    let yz = cal.elapsed_micros(y, z).unwrap();
    assert_eq!(xy, -cal.elapsed_micros(y, x).unwrap(), "antisymmetric");
    assert_eq!(
        xy + yz,
        cal.elapsed_micros(x, z).unwrap(),
        "elapsed is additive"
    );
    assert!((0..=y - x).contains(&xy), "0 <= elapsed(a, b) <= b - a");

    intervals(cal, x, y, xy);
    openings(cal, t);
}

/// `add(t, d)` is the earliest `u ≥ t` with `elapsed(t, u) = d` (the latest `u ≤ t` with
/// `elapsed(u, t) = -d` for `d < 0`), and `sub(t, d) = add(t, -d)`. Returns the result.
fn inverse(cal: &Calendar, t: i64, d: i64) -> Option<i64> {
    let res = cal.add_micros(t, d);
    match (&res, cal.sub_micros(t, -d)) {
        (Ok(u), Ok(v)) => assert_eq!(*u, v, "sub(t, d) = add(t, -d)"),
        (Err(e), Err(f)) => assert_eq!(e.code(), f.code()),
        (r, s) => panic!("add(t, {d}) = {r:?} but sub(t, {}) = {s:?}", -d),
    }
    let u = match res {
        Ok(u) => u,
        Err(e) => {
            allowed(&e);
            return None;
        }
    };
    if d >= 0 {
        assert!(u >= t, "add(t, d) >= t");
        assert_eq!(
            cal.elapsed_micros(t, u).unwrap(),
            d,
            "elapsed(t, add(t, d)) = d at t={t}"
        );
        if d > 0 {
            assert!(
                cal.elapsed_micros(t, u - 1).unwrap() < d,
                "add gives the earliest instant"
            );
        }
    } else {
        assert!(u <= t, "add(t, -d) <= t");
        assert_eq!(
            cal.elapsed_micros(u, t).unwrap(),
            -d,
            "elapsed(add(t, -d), t) = d at t={t}"
        );
        assert!(
            cal.elapsed_micros(u + 1, t).unwrap() < -d,
            "add(t, -d) gives the latest instant"
        );
    }
    Some(u)
}

/// `open_intervals(a, b)`: sorted, disjoint, maximal, non-empty, inside `[a, b)`, each open
/// throughout and closed right after, summing to `elapsed(a, b)`; `is_open` agrees with them.
fn intervals(cal: &Calendar, a: i64, b: i64, elapsed: i64) {
    let iv = cal.open_intervals_micros(a, b).unwrap();
    let mut total = 0;
    let mut last_end = i64::MIN;
    for &(s, e) in &iv {
        assert!(s < e, "no empty or negative interval: {s}..{e}");
        assert!(s > last_end, "sorted, disjoint and maximal");
        assert!(a <= s && e <= b, "inside the span");
        assert!(
            cal.is_open_micros(s).unwrap(),
            "open at an interval's start"
        );
        assert!(
            cal.is_open_micros(e - 1).unwrap(),
            "open just before an interval's end"
        );
        if e < b {
            assert!(
                !cal.is_open_micros(e).unwrap(),
                "closed at an interval's end"
            );
        }
        if s > a {
            assert!(
                !cal.is_open_micros(s - 1).unwrap(),
                "closed just before an interval"
            );
        }
        total += e - s;
        last_end = e;
    }
    assert_eq!(total, elapsed, "open_intervals sum to elapsed");
    // Gaps between intervals are closed in their middle.
    for w in iv.windows(2) {
        let mid = w[0].1 + (w[1].0 - w[0].1) / 2;
        assert!(
            !cal.is_open_micros(mid).unwrap(),
            "closed between intervals"
        );
    }
}

/// `next_open(t)` is `t` when open, else the first open instant after; `next_close(t)` ends the
/// opening that contains `t` or the next one.
fn openings(cal: &Calendar, t: i64) {
    let open = match cal.next_open_micros(t) {
        Ok(o) => {
            assert!(o >= t);
            assert!(cal.is_open_micros(o).unwrap(), "open at next_open");
            assert_eq!(
                cal.elapsed_micros(t, o).unwrap(),
                0,
                "no business time before next_open"
            );
            assert_eq!(
                o == t,
                cal.is_open_micros(t).unwrap(),
                "next_open(t) = t iff open"
            );
            if o > t {
                assert!(!cal.is_open_micros(o - 1).unwrap());
            }
            Some(o)
        }
        Err(e) => {
            allowed(&e);
            None
        }
    };
    match cal.next_close_micros(t) {
        Ok(c) => {
            assert!(c > t);
            assert!(
                !cal.is_open_micros(c).unwrap_or(false),
                "closed at next_close"
            );
            assert!(
                cal.is_open_micros(c - 1).unwrap(),
                "open just before next_close"
            );
            let o = open.expect("a calendar that closes was open before");
            assert!(o < c, "next_open < next_close");
            assert_eq!(
                cal.elapsed_micros(o, c).unwrap(),
                c - o,
                "open from next_open to next_close"
            );
        }
        Err(e) => allowed(&e),
    }
}
