//! The documents, cases and instants that the crate's doctests start from, written once.
//!
//! Hidden from the documentation: a doctest reads
//! `# let (rules, case, now) = entitlement_core::doc_fixture::gold();` and shows only what it
//! documents. Each function says the document it builds; every input is fixed and valid, so
//! a failure here is a bug of this module, and it panics (doctests only).

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::calendar::Calendars;
use crate::rules::{Case, Ruleset};

/// The rules of [`gold`]: one 24×7 process with a one-hour first response that warns at 50 %,
/// and one entitlement with an account, a per-incident allowance and a monthly quota.
pub const GOLD: &str = r#"
calendars: { 24x7: { always_open: true } }
processes:
  - id: p
    calendar: 24x7
    milestones:
      - { name: First Response, kind: first_response, target: 1h,
          triggers: [ { at: "50%", level: warning, actions: [notify_owner] } ] }
entitlements:
  - { id: acme, process: p, account: { id: A-1, name: Acme, arr: 1200000 },
      cases_per_entitlement: 10, quotas: [ { period: month, max_cases: 5 } ] }
"#;

fn ruleset(yaml: &str) -> Ruleset {
    Ruleset::from_yaml(yaml).expect("a doc fixture's rules are valid")
}

fn case(value: serde_json::Value) -> Case {
    Case::from_value(&value).expect("a doc fixture's case is valid")
}

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().expect("a doc fixture's instant is valid")
}

/// The rules of [`GOLD`], case `C-1` of `acme` created at 2026-11-25 10:00 UTC, and `now` 75
/// minutes later (the first response warned at 10:30 and breached at 11:00).
///
/// ```
/// let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// assert_eq!(rules.evaluate(&case, now).unwrap()[0].milestone, "First Response");
/// ```
pub fn gold() -> (Ruleset, Case, DateTime<Utc>) {
    (
        ruleset(GOLD),
        case(json!({"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"})),
        instant("2026-11-25T11:15:00Z"),
    )
}

/// Three cases of `acme` (`C-1` to `C-3`, created on 2, 3 and 4 November 2026) against a
/// monthly quota of two, under a 24×7 process with an eight-hour resolution, and `now`
/// (2026-11-25 10:00 UTC).
///
/// ```yaml
/// calendars: { 24x7: { always_open: true } }
/// processes: [ { id: p, calendar: 24x7, milestones: [ { name: Resolution, kind: resolution, target: 8h } ] } ]
/// entitlements: [ { id: acme, process: p, account: { id: A-1 }, quotas: [ { period: month, max_cases: 2 } ] } ]
/// ```
pub fn quota() -> (Ruleset, Vec<Case>, DateTime<Utc>) {
    let rules = ruleset(
        r#"
calendars: { 24x7: { always_open: true } }
processes: [ { id: p, calendar: 24x7, milestones: [ { name: Resolution, kind: resolution, target: 8h } ] } ]
entitlements: [ { id: acme, process: p, account: { id: A-1 }, quotas: [ { period: month, max_cases: 2 } ] } ]
"#,
    );
    let cases = (1..=3)
        .map(|n| {
            case(json!({"id": format!("C-{n}"), "entitlement": "acme",
                "created_at": format!("2026-11-{:02}T10:00:00Z", n + 1)}))
        })
        .collect();
    (rules, cases, instant("2026-11-25T10:00:00Z"))
}

/// The rules now (a one-hour first response), proposed ones (30 minutes), and one case
/// answered after 45 minutes: met now, late under the proposal.
///
/// ```yaml
/// processes: [ { id: p, milestones: [ { name: First Response, kind: first_response, target: 1h } ] } ]
/// entitlements: [ { id: acme, process: p } ]
/// ```
pub fn what_if() -> (Ruleset, Ruleset, Vec<Case>) {
    let rules = |target: &str| {
        ruleset(&format!(
            "processes: [ {{ id: p, milestones: [ {{ name: First Response, kind: first_response, target: {target} }} ] }} ]\n\
             entitlements: [ {{ id: acme, process: p }} ]\n"
        ))
    };
    let cases = vec![case(json!({"id": "C-1", "entitlement": "acme",
        "created_at": "2026-11-25T10:00:00Z",
        "events": [{"at": "2026-11-25T10:45:00Z", "type": "agent_reply"}]}))];
    (rules("1h"), rules("30m"), cases)
}

/// A process `gold` in version 2 that pauses on `Waiting on Customer`, with a custom
/// `Diagnosis` milestone (4 h, from creation to a `diagnosed` event) and an independent
/// recurring `Next Response` (2 h), and an entitlement pinned to it with a quarterly quota.
///
/// ```yaml
/// processes:
///   - id: gold
///     version: 2
///     pause_statuses: [Waiting on Customer]
///     milestones:
///       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
///       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// ```
pub fn gold_v2() -> Ruleset {
    ruleset(
        r#"
processes:
  - id: gold
    version: 2
    pause_statuses: [Waiting on Customer]
    milestones:
      - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
      - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
"#,
    )
}

/// One process whose four-hour resolution warns at 50 % and pages on call 30 minutes before
/// its target (`triggers: [ { at: "50%", level: warning }, { at: "-30m", level: critical,
/// actions: [page_oncall] } ]`).
pub fn triggers() -> Ruleset {
    ruleset(
        r#"
processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution, target: 4h,
  triggers: [ { at: "50%", level: warning }, { at: "-30m", level: critical, actions: [page_oncall] } ] } ] } ]
"#,
    )
}

/// One process whose resolution target depends on the case's severity:
/// `target: { by: severity, values: { Sev1: 4h }, default: 16h }`.
pub fn tiered_target() -> Ruleset {
    ruleset(
        r#"
processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution,
  target: { by: severity, values: { Sev1: 4h }, default: 16h } } ] } ]
"#,
    )
}

/// Three calendars: `london` (Mondays 09:00–17:00, Europe/London), `24x7`, and `either`, the
/// union of the two.
pub fn calendars() -> Calendars {
    Calendars::from_value(&json!({
        "london": {"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}},
        "24x7": {"always_open": true},
        "either": {"union": ["london", "24x7"]}}))
    .expect("a doc fixture's calendars are valid")
}
