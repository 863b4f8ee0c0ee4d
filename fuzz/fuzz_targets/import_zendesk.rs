//! The `import_zendesk` target: its body is `entitlement_fuzz::import_zendesk::run` (see `src/import_zendesk.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::import_zendesk::run(data));
