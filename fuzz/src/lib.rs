//! The bodies of the fuzz targets, as plain functions of the input bytes.
//!
//! Each `fuzz_targets/NAME.rs` hands libFuzzer's input to `NAME::run`; the core's test suite
//! (`entitlement-core/tests/fuzz_corpus.rs`) includes this file with `#[path]` and runs every
//! file of `corpus/NAME/` through the same function on stable Rust, so the checks exist once.
//! A body returns normally when the core behaved (a typed error is good behaviour for bad
//! input) and panics on a finding: a panic inside the core, or a law that does not hold.
//!
//! Code here never names `crate::` (in the test suite it is a module, not a crate root):
//! siblings are reached through `super::`.

pub mod calendar_document;
pub mod calendar_laws;
pub mod case_replay;
pub mod import_dynamics;
pub mod import_ics;
pub mod import_salesforce_metadata;
pub mod import_salesforce_records;
pub mod import_servicenow;
pub mod import_zendesk;
pub mod laws;
pub mod rules_document;

/// A target's body: it returns when the core behaved and panics on a finding.
pub type Body = fn(&[u8]);

/// Every target: its name (the binary in `fuzz_targets/` and the folder in `corpus/`) and its
/// body. A new target is a module here, a line in this table, a binary and a `[[bin]]` entry.
pub const TARGETS: &[(&str, Body)] = &[
    ("calendar_document", calendar_document::run),
    ("calendar_laws", calendar_laws::run),
    ("case_replay", case_replay::run),
    ("import_dynamics", import_dynamics::run),
    ("import_ics", import_ics::run),
    (
        "import_salesforce_metadata",
        import_salesforce_metadata::run,
    ),
    ("import_salesforce_records", import_salesforce_records::run),
    ("import_servicenow", import_servicenow::run),
    ("import_zendesk", import_zendesk::run),
    ("rules_document", rules_document::run),
];
