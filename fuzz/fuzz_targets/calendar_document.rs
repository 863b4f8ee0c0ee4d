//! Any text, read as a calendar in each format, gives a calendar or a typed error; a calendar
//! that loads answers every operation without panicking and keeps the inverse law.
#![no_main]

use entitlement_core::Calendar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for cal in [Calendar::from_json(text), Calendar::from_yaml(text), Calendar::from_toml(text)]
        .into_iter()
        .flatten()
    {
        let t = 1_767_225_600_000_000 + i64::from(data.len() as u32) * 997_000_000;
        for d in [0, 1, 3_600_000_000, 40 * 3_600_000_000] {
            if let Ok(u) = cal.add_micros(t, d) {
                assert_eq!(cal.elapsed_micros(t, u).unwrap(), d);
            }
        }
        let _ = cal.next_open_micros(t);
        let _ = cal.next_close_micros(t);
        let _ = cal.open_intervals_micros(t, t + 7 * 86_400_000_000);
    }
});
