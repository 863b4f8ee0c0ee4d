//! One integration-test binary for the core (keeps link time down).

mod alerts;
mod at_risk;
mod case_errors;
mod check;
mod common;
mod completed;
mod dst;
mod errors;
mod fuzz_corpus;
mod host;
mod host_write;
mod hostile_calendar;
mod hostile_documents;
mod hostile_monitor;
mod import_ics;
mod import_salesforce;
mod import_salesforce_accounts;
mod import_zendesk;
mod limits;
mod monitor;
mod pipeline;
mod properties;
mod recurring;
mod reference;
mod rules;
mod zones;
