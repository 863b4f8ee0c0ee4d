//! Any bytes as an iCalendar feed: `decode` refuses what is not UTF-8; `holidays` and `calendar`
//! give a fragment or a typed error (naming the feed); the holidays of a feed always load into a
//! calendar, which keeps the laws, and `calendar` agrees with `holidays` added to the same base.
//!
//! Seeds: `examples/data/import/ics/`.

use entitlement_core::Calendar;
use entitlement_core::import::ics;
use serde_json::json;

use super::calendar_document::probes;
use super::laws;

/// The zones feeds are read in: a DST zone, one that skips midnight, one without DST.
const ZONES: [&str; 3] = ["Europe/London", "America/Santiago", "Asia/Kolkata"];

/// The target's body.
pub fn run(data: &[u8]) {
    let Ok(text) = ics::decode(data, "fuzz.ics") else {
        assert!(
            std::str::from_utf8(data).is_err(),
            "decode refused UTF-8 text"
        );
        return;
    };
    let probes = probes(data);
    let zone = ZONES[data.len() % ZONES.len()];
    let base = json!({"time_zone": zone, "hours": {
        "mon": ["09:00-17:00"], "wed": ["22:00-06:00"], "fri": ["00:00-24:00"], "sun": ["10:00-14:00"]}});
    let holidays = match ics::holidays(text, "fuzz.ics", zone) {
        Ok(import) => import.document["holidays"].clone(),
        Err(e) => {
            assert!(
                e.to_string().contains("fuzz.ics"),
                "the error names the feed: {e}"
            );
            assert!(
                ics::calendar(text, "fuzz.ics", "feed", &base).is_err(),
                "calendar() read what holidays() refused"
            );
            return;
        }
    };
    let mut def = base.clone();
    def["holidays"] = holidays;
    let cal = Calendar::from_value(&def)
        .unwrap_or_else(|e| panic!("imported holidays do not load: {e}\n{def}"));
    laws::check(&cal, &probes);
    let imported = ics::calendar(text, "fuzz.ics", "feed", &base)
        .expect("calendar() reads what holidays() read");
    let other = imported
        .calendar(Some("feed"))
        .expect("the imported calendar loads");
    for p in &probes {
        let t =
            p.t.clamp(entitlement_core::MIN_MICROS, entitlement_core::MAX_MICROS);
        let end = t
            .saturating_add(p.span.abs())
            .min(entitlement_core::MAX_MICROS);
        assert_eq!(
            other.elapsed_micros(t, end).ok(),
            cal.elapsed_micros(t, end).ok(),
            "calendar() and holidays() agree from {t}"
        );
    }
}
