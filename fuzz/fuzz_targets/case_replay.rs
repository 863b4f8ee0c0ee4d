//! The `case_replay` target: its body is `entitlement_fuzz::case_replay::run` (see `src/case_replay.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::case_replay::run(data));
