//! Salesforce Metadata API XML: the input is up to four texts separated by NUL bytes, the first
//! two read as `EntitlementProcess` files and the others as `MilestoneType` files. The importer
//! gives a fragment or a typed error; a fragment merged with calendars of the names it uses
//! loads (an importer never writes a document the engine refuses) and evaluates a case whose
//! milestone events it names.
//!
//! Seeds: the process and milestone-type fixtures of `examples/data/import/salesforce/metadata/`
//! joined with NULs.

use chrono::DateTime;
use entitlement_core::import::Import;
use entitlement_core::import::salesforce::{self, MetadataFile};
use entitlement_core::rules::Case;
use serde_json::{Map, Value, json};

/// The target's body.
pub fn run(data: &[u8]) {
    let names = [
        "a.entitlementProcess-meta.xml",
        "b.entitlementProcess-meta.xml",
        "First Response.milestoneType-meta.xml",
        "Next Response.milestoneType-meta.xml",
    ];
    let mut files = Vec::new();
    for (part, name) in data.splitn(4, |&b| b == 0).zip(names) {
        match MetadataFile::from_bytes(name, part) {
            Ok(f) => files.push(f),
            Err(e) => {
                assert_eq!(e.code(), "unsupported", "{e}");
                return;
            }
        }
    }
    let Ok(import) = salesforce::entitlement_processes(&files) else {
        return;
    };
    // A calendar for every name the processes use.
    let mut calendars = Map::new();
    for p in import.document["processes"].as_array().expect("a list") {
        let milestones = p["milestones"].as_array().expect("a list");
        let named = milestones
            .iter()
            .map(|m| &m["calendar"])
            .chain([&p["calendar"]]);
        for c in named.filter_map(Value::as_str) {
            calendars.insert(
                c.to_string(),
                json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"], "tue": ["00:00-00:00"]}}),
            );
        }
    }
    let rules = Import::new(json!({ "calendars": calendars }))
        .merge(import.clone())
        .and_then(|i| i.ruleset())
        .expect("imported processes load with their calendars");
    let now = DateTime::from_timestamp(1_767_225_600 + 86_400 * 30, 0).expect("in range");
    for process in rules.processes().iter().take(2) {
        // The events the first milestone names (a repeated milestone is renamed `Name [2]`,
        // but its events keep the milestone type's name).
        let mut events = vec![];
        if let Some(m) = process.milestones.first() {
            for (at, types) in [
                ("2026-01-05T10:30:00Z", &m.starts_on),
                ("2026-01-05T11:00:00Z", &m.completes_on),
            ] {
                if let Some(t) = types.last() {
                    events.push(json!({"at": at, "type": t}));
                }
            }
        }
        events.push(json!({"at": "2026-01-06T09:00:00Z", "type": "closed"}));
        let case = Case::from_value(&json!({
            "id": "S-1", "process": {"id": &process.id, "version": process.version},
            "created_at": "2026-01-05T10:00:00Z",
            "fields": {"priority": "High", "status": "New"}, "events": events}))
        .expect("a valid case");
        rules
            .evaluate_case(&case, now)
            .expect("a case with the imported events evaluates");
    }
}
