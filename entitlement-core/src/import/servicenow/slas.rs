//! `contract_sla` rows into processes.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use super::query::{self, parse, states};
use super::{field, flag, required, row, rows, stop_event};
use crate::error::Result;
use crate::import::{Import, MAX_TARGET_MINUTES, Warning, unsupported};

/// The `sys_id` of ServiceNow's "Default SLA flow" (and the legacy "Default SLA workflow"
/// name), whose timers notify at 50 % and 75 % and breach at 100 %.
pub(crate) const DEFAULT_FLOW: &str = "828f267973333300e289235f04f6a7a3";

/// Options of [`sla_definitions`].
#[derive(Debug, Clone, Default)]
pub struct SlaOptions {
    /// The `cmn_schedule` rows the definitions name by `sys_id`: each milestone's calendar is
    /// the schedule's `name` (the calendar [`super::schedules`] imports).
    pub schedules: Option<Value>,
}

/// Processes from ServiceNow SLA definitions: one process per task table (`collection`), its
/// `id` the table's name (`incident`), with one `custom` milestone per active `contract_sla`
/// row, named after the definition's `name`:
///
/// - `start_condition` → the milestone's `when` (it starts at the task's creation, or at the
///   first later change that makes the condition hold: ServiceNow attaches the SLA then);
/// - `stop_condition` → completes on [`super::stop_event`], which [`super::cases`] emits when
///   the condition becomes true in a task's history;
/// - `pause_condition` on `state` (`state=3`, `stateIN3,4`) → the milestone's
///   `pause_statuses`, with `when_to_resume` `no_match` (or `on_condition` with the
///   complementary resume condition);
/// - `duration` (`1970-01-01 08:00:00` is 8 hours; days count 24 hours of schedule time, as in
///   ServiceNow and as the engine's `d`) → `target`;
/// - `schedule` (`schedule_source` `sla_definition`) → `calendar`; `no_schedule` → round the
///   clock;
/// - a `flow` or `workflow` → triggers at 50 % (warning), 75 % (critical) and 100 %
///   (violation), the percentages of ServiceNow's default SLA flow.
///
/// Relative durations (`duration_type`), schedules from a task field, time zones from the
/// caller or a location for a floating schedule, reset conditions, retroactive start, and
/// conditions the engine's criteria cannot express are refused, naming the record and field.
/// `when_to_cancel` other than `never` is imported with a warning (the engine does not cancel
/// a started milestone).
///
/// ```
/// use entitlement_core::import::servicenow::{self, SlaOptions};
/// use serde_json::json;
///
/// let slas = json!({"result": [{"sys_id": "d1", "name": "P1 resolution", "collection": "incident",
///     "duration": "1970-01-01 04:00:00", "schedule_source": "no_schedule",
///     "start_condition": "priority=1^active=true", "stop_condition": "state=6^ORstate=7",
///     "pause_condition": "state=3", "when_to_resume": "no_match", "when_to_cancel": "never"}]});
/// let import = servicenow::sla_definitions(&slas, &SlaOptions::default())?;
/// let m = &import.document["processes"][0]["milestones"][0];
/// assert_eq!(m["target"], "4h");
/// assert_eq!(m["completes_on"], json!(["stopped.P1_resolution"]));
/// assert_eq!(m["pause_statuses"], json!(["3"]));
/// assert!(import.ruleset().is_ok());
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn sla_definitions(contract_slas: &Value, options: &SlaOptions) -> Result<Import> {
    let mut warnings = Vec::new();
    let mut schedules: HashMap<String, (String, bool, Option<String>)> = HashMap::new();
    if let Some(s) = options.schedules.as_ref().filter(|s| !s.is_null()) {
        for (i, r) in rows(s, "cmn_schedule")?.into_iter().enumerate() {
            let (map, record) = row(r, "cmn_schedule", i, "name")?;
            let floating = field(map, &record, "time_zone")?
                .is_none_or(|z| z.eq_ignore_ascii_case("floating"));
            // A schedule of a type (exclude, holiday, maintenance, ...) is not a calendar.
            let kind = field(map, &record, "type")?.map(str::to_string);
            schedules.insert(
                required(map, &record, "sys_id")?.to_string(),
                (required(map, &record, "name")?.to_string(), floating, kind),
            );
        }
    }
    // Processes by table, in order of first appearance.
    let mut tables: Vec<(String, Vec<Value>)> = Vec::new();
    for (i, r) in rows(contract_slas, "contract_sla")?.into_iter().enumerate() {
        let (map, record) = row(r, "contract_sla", i, "name")?;
        if !flag(map, &record, "active", true)? {
            warnings.push(Warning {
                record: record.clone(),
                field: "active".into(),
                message: "an inactive SLA definition attaches to no task; it was not imported"
                    .into(),
            });
            continue;
        }
        let table = field(map, &record, "collection")?
            .unwrap_or("incident")
            .to_string();
        let milestone = milestone(map, &record, &schedules, &mut warnings)?;
        let k = match tables.iter().position(|(t, _)| *t == table) {
            Some(k) => k,
            None => {
                tables.push((table, Vec::new()));
                tables.len() - 1
            }
        };
        let name = &milestone["name"];
        if tables[k].1.iter().any(|m| m["name"] == *name) {
            return Err(unsupported(
                &record,
                "name",
                format!(
                    "two SLA definitions of {} are named {name}; milestone names must be unique",
                    tables[k].0
                ),
            ));
        }
        tables[k].1.push(milestone);
    }
    let processes: Vec<Value> = tables
        .into_iter()
        .map(|(table, milestones)| {
            json!({"id": table, "name": format!("ServiceNow {table} SLAs"), "milestones": milestones})
        })
        .collect();
    Ok(Import {
        document: json!({ "processes": processes }),
        warnings,
    })
}

/// The seconds of a ServiceNow duration (`1970-01-03 04:00:00` is 2 days 4 hours).
pub(crate) fn duration_seconds(text: &str, record: &str, key: &str) -> Result<i64> {
    let t = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .filter(|_| text.len() == 19)
        .ok_or_else(|| {
            unsupported(
                record,
                key,
                format!("{text:?} is not a ServiceNow duration such as \"1970-01-01 08:00:00\" (8 hours)"),
            )
        })?;
    let secs = t.and_utc().timestamp();
    if secs <= 0 {
        return Err(unsupported(
            record,
            key,
            format!(
                "{text:?} is not a positive duration: durations count from 1970-01-01 00:00:00"
            ),
        ));
    }
    if secs / 60 > MAX_TARGET_MINUTES {
        return Err(unsupported(
            record,
            key,
            format!("{text:?} is longer than the {MAX_TARGET_MINUTES} minutes a target may hold"),
        ));
    }
    Ok(secs)
}

fn milestone(
    map: &Map<String, Value>,
    record: &str,
    schedules: &HashMap<String, (String, bool, Option<String>)>,
    warnings: &mut Vec<Warning>,
) -> Result<Value> {
    let name = required(map, record, "name")?;
    if let Some(rel) = field(map, record, "duration_type")? {
        return Err(unsupported(
            record,
            "duration_type",
            format!(
                "a relative duration ({rel}) is a script that computes a due date (\"end of next business day\"); the engine's targets are durations"
            ),
        ));
    }
    let secs = duration_seconds(required(map, record, "duration")?, record, "duration")?;
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("kind".into(), json!("custom"));
    m.insert("starts_on".into(), json!(["created"]));
    m.insert("completes_on".into(), json!([stop_event(name)]));
    if let Some(cond) = field(map, record, "start_condition")?
        && let Some(c) = query::criteria(&parse(cond, record, "start_condition")?)
    {
        m.insert("when".into(), c);
    }
    // The stop condition is read here so that a definition the importer cannot replay is
    // refused with the definitions, not with the cases.
    match field(map, record, "stop_condition")? {
        Some(cond) => {
            parse(cond, record, "stop_condition")?;
        }
        None => {
            return Err(unsupported(
                record,
                "stop_condition",
                "missing: an SLA without a stop condition never completes",
            ));
        }
    }
    m.insert(
        "target".into(),
        json!(crate::duration::format_duration(secs * 1_000_000)),
    );

    // Schedule and zone.
    let source = field(map, record, "schedule_source")?.unwrap_or("sla_definition");
    match source {
        "no_schedule" => {}
        "sla_definition" => {
            let Some(id) = field(map, record, "schedule")? else {
                return Err(unsupported(
                    record,
                    "schedule",
                    "missing; schedule_source is sla_definition",
                ));
            };
            let Some((cal, floating, kind)) = schedules.get(id) else {
                return Err(unsupported(
                    record,
                    "schedule",
                    format!(
                        "the schedule {id:?} is not among the cmn_schedule rows given (options.schedules); pass them to name its calendar"
                    ),
                ));
            };
            if let Some(kind) = kind {
                return Err(unsupported(
                    record,
                    "schedule",
                    format!(
                        "the schedule {cal} is of type {kind:?}: it holds exclusions, not working hours, and is not imported as a calendar"
                    ),
                ));
            }
            if *floating {
                let tz_source =
                    field(map, record, "timezone_source")?.unwrap_or("task.caller_id.time_zone");
                if tz_source != "sla.timezone" {
                    return Err(unsupported(
                        record,
                        "timezone_source",
                        format!(
                            "the schedule {cal} is floating and {tz_source} takes each task's zone from another record (a caller, a location): the calendar has one zone; use sla.timezone, or give the schedule a zone"
                        ),
                    ));
                }
                let zone = required(map, record, "timezone")?;
                warnings.push(Warning {
                    record: record.to_string(),
                    field: "timezone".into(),
                    message: format!(
                        "the schedule {cal} is floating and this SLA reads it in {zone}: import the schedule with that zone (the time_zone option), as one calendar has one zone"
                    ),
                });
            }
            m.insert("calendar".into(), json!(cal));
        }
        other => {
            return Err(unsupported(
                record,
                "schedule_source",
                format!(
                    "{other:?} takes the schedule from a field of each task; a milestone has one calendar (use sla_definition or no_schedule)"
                ),
            ));
        }
    }

    // Pause and resume.
    let mut pause: Vec<String> = Vec::new();
    if let Some(cond) = field(map, record, "pause_condition")? {
        let q = parse(cond, record, "pause_condition")?;
        pause = states(
            &q,
            record,
            "pause_condition",
            "the engine pauses a milestone on statuses: a pause condition must be state=… or stateIN… (other fields cannot pause one milestone)",
        )?;
        match field(map, record, "when_to_resume")?.unwrap_or("on_condition") {
            "no_match" => {}
            "on_condition" => {
                let resume = field(map, record, "resume_condition")?.unwrap_or("");
                let q = parse(resume, record, "resume_condition")?;
                if !is_complement(&q, &pause) {
                    return Err(unsupported(
                        record,
                        "resume_condition",
                        format!(
                            "{resume:?} is not the pause condition's complement (state!=… / stateNOT IN…); the engine resumes when the status leaves the pause statuses (when_to_resume no_match)"
                        ),
                    ));
                }
            }
            other => {
                return Err(unsupported(
                    record,
                    "when_to_resume",
                    format!("{other:?} is not on_condition or no_match"),
                ));
            }
        }
    }
    m.insert("pause_statuses".into(), json!(pause));

    if let Some(reset) = field(map, record, "reset_condition")? {
        return Err(unsupported(
            record,
            "reset_condition",
            format!(
                "{reset:?}: a reset cancels or completes the SLA and attaches a new one; the engine's milestone occurs once"
            ),
        ));
    }
    match field(map, record, "when_to_cancel")?.unwrap_or("on_condition") {
        "never" => {}
        how @ ("no_match" | "on_condition") => {
            if how == "on_condition"
                && let Some(c) = field(map, record, "cancel_condition")?
            {
                parse(c, record, "cancel_condition")?;
            }
            warnings.push(Warning {
                record: record.to_string(),
                field: "when_to_cancel".into(),
                message: format!(
                    "{how}: ServiceNow cancels a running SLA when {}; the engine keeps a started milestone until its stop condition, so a cancelled task SLA has no counterpart",
                    if how == "no_match" { "its start condition stops matching" } else { "the cancel condition matches" }
                ),
            });
        }
        other => {
            return Err(unsupported(
                record,
                "when_to_cancel",
                format!("{other:?} is not on_condition, no_match or never"),
            ));
        }
    }
    if flag(map, record, "retroactive", false)? {
        let to = field(map, record, "set_start_to")?.unwrap_or("(blank)");
        return Err(unsupported(
            record,
            "retroactive",
            format!(
                "retroactive start sets the start to the task's {to} when the start condition first matches later; the engine starts a milestone when its criteria first hold"
            ),
        ));
    }
    if let Some(adv) = field(map, record, "advanced_condition_type")?
        && adv != "none"
    {
        return Err(unsupported(
            record,
            "advanced_condition_type",
            format!("{adv:?}: advanced conditions are scripts"),
        ));
    }
    let flow = field(map, record, "flow")?;
    let workflow = field(map, record, "workflow")?;
    if flow.is_some() || workflow.is_some() {
        m.insert(
            "triggers".into(),
            json!([
                {"at": "50%", "level": "warning"},
                {"at": "75%", "level": "critical"},
                {"at": "100%", "level": "violation"}
            ]),
        );
        if let Some(f) = flow.filter(|f| *f != DEFAULT_FLOW) {
            warnings.push(Warning {
                record: record.to_string(),
                field: "flow".into(),
                message: format!(
                    "the flow {f} is not the Default SLA flow; the triggers at 50 %, 75 % and 100 % are the default flow's, and the flow's own timers are not read"
                ),
            });
        }
    }
    Ok(Value::Object(m))
}

/// Whether a resume condition is `state!=a` (or `stateNOT INa,b`, or `state!=a^state!=b`)
/// for exactly the pause states.
fn is_complement(q: &query::Query, pause: &[String]) -> bool {
    let [group] = q.as_slice() else { return false };
    let mut out: Vec<&String> = Vec::new();
    for ors in group {
        let [t] = ors.as_slice() else { return false };
        if t.field != "state" || !(t.op == "ne" || t.op == "not_in") {
            return false;
        }
        out.extend(&t.values);
    }
    let mut a: Vec<&String> = pause.iter().collect();
    a.sort();
    out.sort();
    a.dedup();
    out.dedup();
    a == out
}
