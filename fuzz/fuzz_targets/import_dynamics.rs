//! The `import_dynamics` target: its body is `entitlement_fuzz::import_dynamics::run` (see `src/import_dynamics.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::import_dynamics::run(data));
