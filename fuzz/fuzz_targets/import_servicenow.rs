//! The `import_servicenow` target: its body is `entitlement_fuzz::import_servicenow::run` (see `src/import_servicenow.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::import_servicenow::run(data));
