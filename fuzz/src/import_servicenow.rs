//! ServiceNow Table API bodies: the input is up to eight parts separated by NUL bytes:
//! `cmn_schedule`, `cmn_schedule_span`, `cmn_other_schedule`, `contract_sla`, the task rows,
//! `sys_audit`, `sys_history_line` (each a JSON text) and a time zone for floating schedules.
//! Each importer gives a fragment or a typed error; imported calendars load and keep the laws,
//! imported definitions load with their schedules (or name the calendar they lack), and
//! imported cases load and evaluate.
//!
//! Seeds: `examples/data/import/servicenow/` joined with NULs.

use chrono::DateTime;
use entitlement_core::import::Import;
use entitlement_core::import::servicenow::{
    self, CaseOptions, ScheduleOptions, SlaOptions, TimeZoneOverride,
};
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
    let schedules = json(parts.next());
    let spans = json(parts.next());
    let other = json(parts.next());
    let slas = json(parts.next());
    let tasks = json(parts.next());
    let audit = json(parts.next());
    let history = json(parts.next());
    let zone = parts
        .next()
        .and_then(|z| std::str::from_utf8(z).ok())
        .filter(|z| !z.is_empty())
        .map(|z| TimeZoneOverride::One(z.to_string()))
        .unwrap_or_default();
    let probes = probes(data);

    let mut hours: Option<Import> = None;
    if let (Some(s), Some(sp)) = (&schedules, &spans) {
        let options = ScheduleOptions {
            other_schedules: other.clone(),
            time_zone: zone,
        };
        if let Ok(import) = servicenow::schedules(s, sp, &options) {
            let calendars = import.calendars().expect("an imported schedule loads");
            for name in calendars.names().into_iter().take(2) {
                laws::check(calendars.get(name).expect("listed"), &probes[..3]);
            }
            hours = Some(import);
        }
    }
    let mut rules = None;
    if let Some(d) = &slas {
        let options = SlaOptions {
            schedules: schedules.clone(),
        };
        if let Ok(sla) = servicenow::sla_definitions(d, &options) {
            let base = hours
                .clone()
                .unwrap_or_else(|| Import::new(json!({"calendars": {}})));
            match base.merge(sla).and_then(|i| i.ruleset()) {
                Ok(r) => rules = Some(r),
                // A definition may name a schedule that is no calendar (a holiday schedule, or
                // one whose import failed above).
                Err(e) => assert_eq!(e.code(), "unknown_calendar", "{e}"),
            }
        }
    }
    let Some(t) = &tasks else { return };
    let options = CaseOptions {
        history,
        sla_definitions: slas,
        table: None,
    };
    let Ok(imported) = servicenow::cases(t, audit.as_ref(), &options) else {
        return;
    };
    let now = DateTime::from_timestamp(1_767_225_600 + 86_400 * 90, 0).expect("in range");
    for c in imported.document["cases"]
        .as_array()
        .expect("a list of cases")
        .iter()
        .take(4)
    {
        let case = Case::from_value(c).expect("an imported case loads");
        if let Some(r) = &rules
            && let Err(e) = r.evaluate_case(&case, now)
        {
            assert!(
                matches!(e.code(), "unknown_process" | "out_of_range"),
                "{e}"
            );
        }
    }
}
