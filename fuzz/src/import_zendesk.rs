//! Zendesk API responses: the input is up to three JSON texts separated by NUL bytes, the
//! schedules response, the holidays by schedule id and the SLA policies response. Each importer
//! gives a fragment or a typed error; a fragment always loads (an importer never writes a
//! document the engine refuses), its calendars keep the laws, and imported rules evaluate a case.
//!
//! Seeds: `examples/data/import/zendesk/` joined with NULs.

use chrono::DateTime;
use entitlement_core::import::{Import, zendesk};
use entitlement_core::rules::Case;
use serde_json::{Value, json};

use super::calendar_document::probes;
use super::laws;

fn json(part: Option<&[u8]>) -> Option<Value> {
    serde_json::from_slice(part?).ok()
}

/// The target's body.
pub fn run(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == 0);
    let (schedules, holidays, policies) =
        (json(parts.next()), json(parts.next()), json(parts.next()));
    let probes = probes(data);
    let mut calendar_name = None;
    let mut hours: Option<Import> = None;
    if let Some(s) = &schedules {
        if let Ok(import) = zendesk::schedules(s, holidays.as_ref()) {
            let calendars = import.calendars().expect("an imported schedule loads");
            for name in calendars.names().into_iter().take(2) {
                laws::check(calendars.get(name).expect("listed"), &probes[..3]);
            }
            calendar_name = calendars.names().first().map(|n| n.to_string());
            hours = Some(import);
        }
        // Every string in the input, as a Rails zone name.
        for zone in strings(s).into_iter().take(16) {
            if let Ok(iana) = zendesk::rails_time_zone(zone) {
                assert!(
                    iana.parse::<chrono_tz::Tz>().is_ok(),
                    "{zone} -> {iana}: not an IANA zone"
                );
            }
        }
    }
    let Some(p) = &policies else { return };
    let hours = hours.unwrap_or_else(|| {
        Import::new(json!({"calendars": {"Support": {"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}}}))
    });
    let name = calendar_name.unwrap_or_else(|| "Support".to_string());
    let Ok(sla) = zendesk::sla_policies(p, Some(&name)) else {
        return;
    };
    let rules = hours
        .merge(sla)
        .and_then(|i| i.ruleset())
        .expect("imported policies load with their schedule");
    // A ticket under each process: evaluates, or names what it lacks.
    let now = DateTime::from_timestamp(1_767_225_600 + 86_400 * 30, 0).expect("in range");
    for process in rules.processes().iter().take(2) {
        let case = Case::from_value(&json!({
            "id": "Z-1", "process": &process.id, "created_at": "2026-01-05T10:00:00Z",
            "fields": {"priority": "urgent", "status": "open"},
            "events": [{"at": "2026-01-05T11:00:00Z", "type": "agent_reply"},
                       {"at": "2026-01-06T09:00:00Z", "type": "solved"}]}))
        .expect("a valid case");
        if let Err(e) = rules.evaluate_case(&case, now) {
            assert_eq!(e.code(), "unknown_event_type", "{e}");
        }
    }
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Object(m) => m.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}
