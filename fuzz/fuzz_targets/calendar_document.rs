//! The `calendar_document` target: its body is `entitlement_fuzz::calendar_document::run` (see `src/calendar_document.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::calendar_document::run(data));
