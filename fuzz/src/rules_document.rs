//! Any text as a rules document in each format (JSON, YAML, TOML): a ruleset or a typed error;
//! a ruleset that loads prints a canonical document that loads again and prints the same, its
//! calendars keep the laws, and a case under each entitlement evaluates (or names what is
//! wrong) and goes through the monitor.

use chrono::DateTime;
use entitlement_core::rules::{Case, Ruleset};
use serde_json::json;

use super::calendar_document::probes;
use super::laws;

/// The target's body.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let probes = probes(data);
    for rules in [
        Ruleset::from_json(text),
        Ruleset::from_yaml(text),
        Ruleset::from_toml(text),
    ]
    .into_iter()
    .flatten()
    {
        let canonical = rules.to_value();
        let again = Ruleset::from_value(&canonical)
            .unwrap_or_else(|e| panic!("the canonical document does not load: {e}\n{canonical}"));
        assert_eq!(again.to_value(), canonical, "to_value is canonical");
        for name in rules.calendars().names().into_iter().take(4) {
            laws::check(rules.calendars().get(name).expect("listed"), &probes[..2]);
        }
        let now = DateTime::from_timestamp(1_767_225_600 + 86_400 * 40, 0).expect("in range");
        let cases: Vec<Case> = rules
            .entitlements()
            .iter()
            .take(4)
            .enumerate()
            .map(|(i, e)| {
                Case::from_value(&json!({
                    "id": format!("R-{i}"), "entitlement": e.id, "created_at": "2026-02-02T10:00:00Z",
                    "fields": {"severity": "Sev1", "priority": "high", "status": "Open"},
                    "events": [{"at": "2026-02-02T10:30:00Z", "type": "agent_reply"},
                               {"at": "2026-02-02T11:00:00Z", "type": "customer_reply"},
                               {"at": "2026-02-03T09:00:00Z", "type": "solved"}]}))
                .expect("a valid case")
            })
            .collect();
        let mut good = Vec::new();
        for case in cases {
            match rules.evaluate_case(&case, now) {
                Ok(eval) => {
                    assert_eq!(
                        again.evaluate_case(&case, now).ok(),
                        Some(eval),
                        "the canonical document evaluates the same"
                    );
                    good.push(case);
                }
                Err(e) => assert!(
                    matches!(e.code(), "unknown_event_type"),
                    "unexpected error {}: {e}",
                    e.code()
                ),
            }
        }
        rules
            .monitor(&good, now, None)
            .expect("cases that evaluate go through the monitor");
    }
}
