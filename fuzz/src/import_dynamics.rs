//! Dynamics 365 Web API responses: the input is up to eight JSON texts separated by NUL bytes:
//! calendars, SLAs, SLA items, KPIs, entitlements, entitlement channels, incidents and audits.
//! Each importer gives a fragment or a typed error; a fragment always loads (with stand-ins for
//! the calendars and processes another import would define), its calendars keep the laws, every
//! imported case loads, and imported rules evaluate it.
//!
//! Seeds: `examples/data/import/dynamics/` joined with NULs.

use chrono::DateTime;
use entitlement_core::import::{Import, dynamics};
use entitlement_core::rules::Case;
use serde_json::{Value, json};

use super::calendar_document::probes;
use super::laws;

fn json(part: Option<&[u8]>) -> Option<Value> {
    serde_json::from_slice(part?).ok()
}

/// The target's body.
pub fn run(data: &[u8]) {
    let mut parts = data.splitn(8, |&b| b == 0);
    let mut next = || json(parts.next());
    let (calendars, slas, items, kpis) = (next(), next(), next(), next());
    let (entitlements, channels, incidents, audits) = (next(), next(), next(), next());
    let probes = probes(data);
    let mut fragment = Import::new(json!({}));
    if let Some(c) = &calendars {
        if let Ok(import) = dynamics::calendars(c, None) {
            let loaded = import.calendars().expect("an imported schedule loads");
            for name in loaded.names().into_iter().take(2) {
                laws::check(loaded.get(name).expect("listed"), &probes[..3]);
            }
            fragment = import;
        }
        for code in integers(c).into_iter().take(16) {
            if let Ok(iana) = dynamics::time_zone(code) {
                assert!(
                    iana.parse::<chrono_tz::Tz>().is_ok(),
                    "{code} -> {iana}: not an IANA zone"
                );
            }
        }
    }
    if let Some(s) = &slas {
        let options = json!({"pause_statuses": [2, 3]});
        if let Ok(import) = dynamics::slas(s, items.as_ref(), kpis.as_ref(), Some(&options)) {
            fragment = fragment
                .merge(import)
                .unwrap_or_else(|_| Import::new(json!({})));
        }
    }
    if let Some(e) = &entitlements
        && let Ok(import) = dynamics::entitlements(e, channels.as_ref(), None)
    {
        fragment = fragment
            .merge(import)
            .unwrap_or_else(|_| Import::new(json!({})));
    }
    let rules = with_stand_ins(fragment)
        .ruleset()
        .expect("imported calendars, SLAs and entitlements load");
    let Some(i) = &incidents else { return };
    let options = audits.map(|a| json!({ "audits": a }));
    let Ok(cases) = dynamics::cases(i, options.as_ref()) else {
        return;
    };
    let now = DateTime::from_timestamp(1_767_225_600 + 86_400 * 30, 0).expect("in range");
    for c in cases.document["cases"]
        .as_array()
        .expect("a list of cases")
        .iter()
        .take(4)
    {
        let case = Case::from_value(c).expect("an imported case loads");
        if let Err(e) = rules.evaluate_case(&case, now) {
            assert!(
                matches!(e.code(), "unknown_entitlement" | "unknown_event_type"),
                "{e}"
            );
        }
    }
}

/// The fragment, with an always-open calendar for every calendar its milestones name and it does
/// not define, and an empty process for every process its entitlements name and it does not.
fn with_stand_ins(mut import: Import) -> Import {
    let doc = import.document.as_object_mut().expect("an object");
    let mut calendars = doc
        .get("calendars")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut processes = doc
        .get("processes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for p in &processes {
        for m in p["milestones"].as_array().into_iter().flatten() {
            if let Some(name) = m["calendar"].as_str() {
                calendars
                    .entry(name.to_string())
                    .or_insert(json!({"always_open": true}));
            }
        }
    }
    let defined: Vec<String> = processes
        .iter()
        .filter_map(|p| p["id"].as_str().map(String::from))
        .collect();
    let mut missing: Vec<String> = Vec::new();
    for e in doc
        .get("entitlements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(id) = e["process"].as_str()
            && !defined.iter().any(|d| d == id)
            && !missing.iter().any(|d| d == id)
        {
            missing.push(id.to_string());
        }
    }
    processes.extend(
        missing
            .into_iter()
            .map(|id| json!({"id": id, "milestones": []})),
    );
    doc.insert("calendars".into(), Value::Object(calendars));
    doc.insert("processes".into(), Value::Array(processes));
    import
}

fn integers(v: &Value) -> Vec<i64> {
    match v {
        Value::Number(n) => n.as_i64().into_iter().collect(),
        Value::Array(a) => a.iter().flat_map(integers).collect(),
        Value::Object(m) => m.values().flat_map(integers).collect(),
        _ => Vec::new(),
    }
}
