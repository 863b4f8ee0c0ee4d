//! The `rules_document` target: its body is `entitlement_fuzz::rules_document::run` (see `src/rules_document.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::rules_document::run(data));
