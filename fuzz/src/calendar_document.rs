//! Any text, read as one calendar definition in each format (JSON, YAML, TOML), gives a
//! calendar or a typed error; a calendar that loads keeps every law of `docs/semantics.md` at instants and
//! durations drawn from the input, and its definition loads again into the same calendar.

use entitlement_core::{Calendar, MAX_MICROS, MIN_MICROS};

use super::laws::{self, Probe};

/// 2026-01-01T00:00:00Z.
const BASE: i64 = 1_767_225_600_000_000;
const HOUR: i64 = 3_600_000_000;

/// Instants and durations that depend on the input, so that different inputs probe different
/// weeks, plus the two ends of the supported range.
pub fn probes(data: &[u8]) -> Vec<Probe> {
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let t = BASE + (h % (3 * 366 * 24 * 60)) as i64 * 60_000_000 + (h >> 40) as i64 % 60_000_000;
    vec![
        Probe {
            t,
            a: 0,
            b: HOUR,
            span: 7 * 24 * HOUR,
        },
        Probe {
            t: BASE,
            a: 40 * HOUR,
            b: 1,
            span: 30 * 24 * HOUR,
        },
        Probe {
            t: t + 17 * HOUR,
            a: (h % 5000) as i64 * HOUR / 7,
            b: 3 * HOUR,
            span: HOUR,
        },
        Probe {
            t: MIN_MICROS,
            a: HOUR,
            b: 400 * 24 * HOUR,
            span: 24 * HOUR,
        },
        Probe {
            t: MAX_MICROS - HOUR,
            a: HOUR,
            b: 2 * HOUR,
            span: 2 * HOUR,
        },
    ]
}

/// The target's body.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let probes = probes(data);
    for cal in [
        Calendar::from_json(text),
        Calendar::from_yaml(text),
        Calendar::from_toml(text),
    ]
    .into_iter()
    .flatten()
    {
        laws::check(&cal, &probes);
        let again = Calendar::from_value(&cal.to_value()).expect("a calendar's definition loads");
        for p in &probes {
            let t = p.t.clamp(MIN_MICROS, MAX_MICROS);
            assert_eq!(again.add_micros(t, p.b).ok(), cal.add_micros(t, p.b).ok());
        }
    }
}
