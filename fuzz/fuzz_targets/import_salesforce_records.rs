//! The `import_salesforce_records` target: its body is `entitlement_fuzz::import_salesforce_records::run` (see `src/import_salesforce_records.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::import_salesforce_records::run(data));
