//! The `calendar_laws` target: its body is `entitlement_fuzz::calendar_laws::run` (see `src/calendar_laws.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::calendar_laws::run(data));
