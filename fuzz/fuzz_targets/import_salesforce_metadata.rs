//! The `import_salesforce_metadata` target: its body is `entitlement_fuzz::import_salesforce_metadata::run` (see `src/import_salesforce_metadata.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::import_salesforce_metadata::run(data));
