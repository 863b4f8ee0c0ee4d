//! The `import_ics` target: its body is `entitlement_fuzz::import_ics::run` (see `src/import_ics.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::import_ics::run(data));
