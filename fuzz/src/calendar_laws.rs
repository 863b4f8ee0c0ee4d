//! Structured calendars (any zone of the tz database, several intervals a day, overnight
//! intervals, times to the second, whole-day, partial, ranged and recurring holidays, overrides,
//! unions) and structured instants and durations: a valid definition loads, and every law of
//! `docs/semantics.md` holds.

use arbitrary::{Arbitrary, Unstructured};
use chrono::{Days, NaiveDate};
use chrono_tz::TZ_VARIANTS;
use entitlement_core::{Calendar, MAX_MICROS, MIN_MICROS};
use serde_json::{Map, Value, json};

use super::laws::{self, Probe};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEK_SECONDS: u32 = 7 * 86_400;
const MINUTE: i64 = 60_000_000;

#[derive(Arbitrary, Debug)]
struct Part {
    zone: u16,
    /// Cut points in the week (seconds, or minutes when `whole_minutes`): alternate open and
    /// closed stretches on the circle of the week, so intervals never overlap and may run
    /// overnight and past Sunday.
    cuts: Vec<u32>,
    whole_minutes: bool,
    holidays: Vec<Holiday>,
    overrides: Vec<Override>,
}

#[derive(Arbitrary, Debug)]
enum Holiday {
    Date(u16),
    Range(u16, u8),
    Partial(u16, u16, u16),
    Yearly(u8, u8, u8),
    Nth(u8, u8, i8),
    Easter(i8),
    Weekly(u16, u8, u8),
}

#[derive(Arbitrary, Debug)]
struct Override {
    day: u16,
    start: u16,
    len: u16,
}

#[derive(Arbitrary, Debug)]
struct RawProbe {
    minute: u32,
    micros: u32,
    a: u32,
    b: u32,
    span: u32,
    kind: u8,
}

#[derive(Arbitrary, Debug)]
struct Input {
    year: u8,
    first: Part,
    second: Option<Part>,
    probes: Vec<RawProbe>,
}

fn hms(seconds: u32) -> String {
    let s = seconds % 86_400;
    if s.is_multiple_of(60) {
        format!("{:02}:{:02}", s / 3600, s / 60 % 60)
    } else {
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// Weekly hours from cut points: `[c0, c1)`, `[c2, c3)`, … on the week's circle, each at most
/// 24 hours long and written on its start day (an end not after the start runs overnight).
fn weekly(cuts: &[u32], whole_minutes: bool) -> Value {
    let mut cuts: Vec<u32> = cuts
        .iter()
        .take(64)
        .map(|c| {
            if whole_minutes {
                c % (WEEK_SECONDS / 60) * 60
            } else {
                c % WEEK_SECONDS
            }
        })
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut hours = Map::new();
    for pair in cuts.chunks(2) {
        let [s, e] = pair else { continue };
        let len = (e - s).min(86_400);
        let end = s + len;
        // An interval that ends exactly at the next midnight may say so as `24:00` (or as
        // `00:00`, an end not after the start): both spellings, by the parity of the start.
        let next_midnight = end % 86_400 == 0 && end / 86_400 == s / 86_400 + 1;
        let end_text = if next_midnight && s % 86_400 != 0 && (s / 60) % 2 == 0 {
            "24:00".to_string()
        } else {
            hms(end)
        };
        let day = DAYS[(s / 86_400) as usize];
        let list = hours.entry(day).or_insert_with(|| json!([]));
        if let Value::Array(list) = list {
            list.push(json!(format!("{}-{end_text}", hms(*s))));
        }
    }
    Value::Object(hours)
}

fn definition(part: &Part, year: i32) -> Value {
    let base = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year in range");
    let date = |offset: u16| (base + Days::new(u64::from(offset % 1200))).to_string();
    let observed = |o: u8| ["none", "nearest_weekday", "next_weekday"][usize::from(o % 3)];
    let holidays: Vec<Value> = part
        .holidays
        .iter()
        .take(24)
        .map(|h| match *h {
            Holiday::Date(d) => json!({"name": "d", "date": date(d)}),
            Holiday::Range(d, n) => {
                json!({"from": date(d), "to": (base + Days::new(u64::from(d % 1200) + u64::from(n % 20))).to_string()})
            }
            Holiday::Partial(d, s, len) => {
                let s = u32::from(s % 1440) * 60;
                let e = (s + 60 * (1 + u32::from(len) % 720)).min(86_400);
                let end = if e == 86_400 { "24:00".to_string() } else { hms(e) };
                json!({"date": date(d), "hours": format!("{}-{end}", hms(s))})
            }
            Holiday::Yearly(m, d, o) => {
                json!({"yearly": format!("{:02}-{:02}", 1 + m % 12, 1 + d % 28), "observed": observed(o)})
            }
            Holiday::Nth(m, w, n) => {
                let nth = [1, 2, 3, 4, -1][usize::from(n.unsigned_abs() % 5)];
                json!({"yearly": {"month": 1 + m % 12, "weekday": DAYS[usize::from(w % 7)], "nth": nth}})
            }
            Holiday::Easter(k) => json!({"yearly": {"easter": i32::from(k) % 60}}),
            Holiday::Weekly(d, every, w) => json!({
                "recurs": {"unit": "week", "every": 1 + every % 4, "weekdays": [DAYS[usize::from(w % 7)]]},
                "starts": date(d), "until": (base + Days::new(u64::from(d % 1200) + 200)).to_string(),
            }),
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let overrides: Vec<Value> = part
        .overrides
        .iter()
        .take(12)
        .filter(|o| seen.insert(o.day % 1200))
        .map(|o| {
            let s = u32::from(o.start % 1440) * 60;
            let hours = if o.len % 7 == 0 {
                json!([])
            } else {
                json!([format!(
                    "{}-{}",
                    hms(s),
                    hms(s + 60 * (1 + u32::from(o.len) % 900))
                )])
            };
            json!({"date": date(o.day), "hours": hours})
        })
        .collect();
    let zone = TZ_VARIANTS[usize::from(part.zone) % TZ_VARIANTS.len()].name();
    json!({"time_zone": zone, "hours": weekly(&part.cuts, part.whole_minutes),
           "holidays": holidays, "overrides": overrides})
}

/// The target's body.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let year = 1970 + i32::from(input.year % 71);
    let mut parts = Vec::new();
    for part in std::iter::once(&input.first).chain(input.second.as_ref()) {
        let def = definition(part, year);
        match Calendar::from_value(&def) {
            Ok(cal) => parts.push(cal),
            // The generator never writes overlapping weekly hours, but an overnight override
            // may run into the next day's hours, and a calendar may have no hours at all.
            Err(e) => assert!(
                matches!(e.code(), "never_open" | "overlapping_intervals"),
                "a valid definition was refused: {e}\n{def}"
            ),
        }
    }
    let Some(first) = parts.first().cloned() else {
        return;
    };
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_micros())
        .expect("a year in range");
    let probes: Vec<Probe> = input
        .probes
        .iter()
        .take(6)
        .map(|p| {
            let t = match p.kind % 16 {
                0 => MIN_MICROS + i64::from(p.micros),
                1 => MAX_MICROS - i64::from(p.micros),
                // Whole minutes meet interval edges and DST transitions; others fall between.
                2..=8 => start + i64::from(p.minute % (3 * 527_040)) * MINUTE,
                _ => {
                    start
                        + i64::from(p.minute % (3 * 527_040)) * MINUTE
                        + i64::from(p.micros % 60_000_000)
                }
            };
            let d = |x: u32| match p.kind / 16 % 4 {
                0 => i64::from(x % 200_000) * MINUTE / 4,
                1 => i64::from(x % 2_000) * MINUTE,
                2 => i64::from(x),
                // Up to 3 years: longer spans only cost the fuzzer time (each year of the
                // index is built on first use) without reaching new code.
                _ => i64::from(x % (3 * 525_600)) * MINUTE,
            };
            Probe {
                t,
                a: d(p.a),
                b: d(p.b),
                span: i64::from(p.span % 20_000) * MINUTE,
            }
        })
        .collect();
    laws::check(&first, &probes);
    if parts.len() == 2 {
        let union = Calendar::union(&parts).expect("a union of two calendars");
        laws::check(&union, &probes);
        // A union is open exactly when a part is.
        for p in &probes {
            let t = p.t.clamp(MIN_MICROS, MAX_MICROS);
            let any = parts.iter().any(|c| c.is_open_micros(t).unwrap());
            assert_eq!(union.is_open_micros(t).unwrap(), any, "union open at {t}");
        }
    }
}
