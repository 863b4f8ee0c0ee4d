//! Fixtures shared by the benchmarks: the bundled sample calendars.

use entitlement_core::{Calendar, Calendars};

/// The sample calendars of `examples/data/rules.yaml`.
pub fn sample_calendars() -> Calendars {
    let doc = entitlement_core::document::parse(
        include_str!("../../examples/data/rules.yaml"),
        entitlement_core::document::Format::Yaml,
    )
    .expect("sample calendars parse");
    Calendars::from_value(&doc["calendars"]).expect("sample calendars load")
}

/// Mon–Fri 09–12 and 13–17, US federal holidays, America/New_York.
pub fn ny_support() -> Calendar {
    sample_calendars()
        .get("ny-support")
        .expect("ny-support")
        .clone()
}

/// The bundled sample rules (`examples/data/rules.yaml`).
pub fn sample_rules() -> entitlement_core::Ruleset {
    entitlement_core::Ruleset::from_yaml(include_str!("../../examples/data/rules.yaml"))
        .expect("sample rules load")
}

/// `n` open cases under acme-gold (gold v1: first response, diagnosis, next response and
/// resolution, all on ny-support), created over the five business days before `now`
/// (2026-11-25T20:30Z), deterministic: a third answered, a fifth waiting on the customer, some
/// with a customer reply that starts a next response. Three milestones each are open or
/// completed, the fourth (next response) on a third of them.
pub fn open_cases(n: usize) -> Vec<entitlement_core::Case> {
    let base = chrono::DateTime::parse_from_rfc3339("2026-11-18T14:00:00Z")
        .expect("base instant")
        .to_utc();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let created = base + chrono::TimeDelta::minutes((next() % (7 * 24 * 60)) as i64);
            let at = |m: u64| (created + chrono::TimeDelta::minutes(m as i64)).to_rfc3339();
            let mut events = Vec::new();
            let r = next();
            if r % 3 == 0 {
                events.push(serde_json::json!({"at": at(5 + r % 90), "type": "agent_reply"}));
            }
            if r % 5 == 0 {
                events.push(serde_json::json!({"at": at(100), "type": "status", "to": "Waiting on Customer"}));
                events.push(serde_json::json!({"at": at(400), "type": "customer_reply"}));
                events.push(serde_json::json!({"at": at(400), "type": "status", "to": "Open"}));
            }
            entitlement_core::Case::from_value(&serde_json::json!({
                "id": format!("B-{i}"), "entitlement": "acme-gold", "created_at": created.to_rfc3339(),
                "fields": {"severity": if r % 7 == 0 { "Sev1" } else { "Sev2" }},
                "events": events,
            }))
            .expect("bench case")
        })
        .collect()
}
