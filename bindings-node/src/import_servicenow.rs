//! `servicenow` namespace: ServiceNow schedules, SLA definitions and task records
//! (`entitlement_core::import::servicenow`), as `Import`s.

use std::collections::BTreeMap;

use entitlement_core::Error as CoreError;
use entitlement_core::import::servicenow::{
    self, CaseOptions, ScheduleOptions, SlaOptions, TimeZoneOverride,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::convert::{self, Shape};
use crate::error::{NodeError, Result, guard};
use crate::import::{Import, check_keys, optional_options, text_option};

fn rows(v: &Unknown<'_>) -> std::result::Result<Value, NodeError> {
    convert::json(v, Shape::Document, &|_| Ok(None))
}

fn get(map: &Map<String, Value>, key: &str) -> Option<Value> {
    map.get(key).filter(|v| !v.is_null()).cloned()
}

/// Calendars from ServiceNow `cmn_schedule` rows, one per schedule, named after its `name`,
/// from its `cmn_schedule_span` entries and the child schedules of `options.otherSchedules`
/// (`cmn_other_schedule` rows). Each argument is a Table API body (`{result: [...]}`) or a list
/// of rows. A floating schedule throws an `Error` with `code` `"unsupported"` unless
/// `options.timeZone` gives its zone: one zone for every floating schedule, or an object of
/// zones by schedule name or `sys_id`.
///
/// ```js
/// const { servicenow } = require('entitlement')
/// const imp = servicenow.schedules(schedules, spans, { otherSchedules, timeZone: { 'Ops floating': 'Asia/Tokyo' } })
/// imp.calendar('8-5 weekdays').isOpen(new Date('2026-03-02T15:00:00Z')) // true
/// ```
#[napi(
    namespace = "servicenow",
    ts_args_type = "schedules: Record<string, unknown> | Array<Record<string, unknown>>, spans: Record<string, unknown> | Array<Record<string, unknown>>, options?: { otherSchedules?: Record<string, unknown> | Array<Record<string, unknown>> | null; timeZone?: string | Record<string, string> | null } | null"
)]
pub fn schedules(
    env: Env,
    schedules: Unknown<'_>,
    spans: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let schedules = rows(&schedules)?;
        let spans = rows(&spans)?;
        let map = optional_options(options)?;
        check_keys(&map, &["otherSchedules", "timeZone"])?;
        let time_zone = match map.get("timeZone") {
            None | Some(Value::Null) => TimeZoneOverride::None,
            Some(Value::String(_)) => {
                TimeZoneOverride::One(text_option(&map, "timeZone", true)?.unwrap_or_default())
            }
            Some(Value::Object(zones)) => {
                let mut out = BTreeMap::new();
                for (k, v) in zones {
                    let Value::String(z) = v else {
                        return Err(CoreError::InvalidType {
                            path: format!("options.timeZone.{k}"),
                            expected: "a time zone name string".into(),
                            found: "another type".into(),
                        }
                        .into());
                    };
                    out.insert(k.clone(), z.clone());
                }
                TimeZoneOverride::ByKey(out)
            }
            Some(_) => {
                return Err(CoreError::InvalidType {
                    path: "options.timeZone".into(),
                    expected: "a time zone name, or an object of them by schedule".into(),
                    found: "another type".into(),
                }
                .into());
            }
        };
        let options = ScheduleOptions {
            other_schedules: get(&map, "otherSchedules"),
            time_zone,
        };
        Ok(Import::wrap(servicenow::schedules(
            &schedules, &spans, &options,
        )?))
    })
}

/// Processes from ServiceNow `contract_sla` rows: one per task table (its `id` the table, such
/// as `"incident"`), one `custom` milestone per active definition, completed by
/// `stopped.<name>` (which `servicenow.cases` emits when the stop condition becomes true).
/// `options.schedules` (the `cmn_schedule` rows) names each definition's calendar.
///
/// ```js
/// const rules = servicenow.schedules(s, spans).merge(servicenow.slaDefinitions(slas, { schedules: s })).ruleset()
/// ```
#[napi(
    namespace = "servicenow",
    ts_args_type = "contractSlas: Record<string, unknown> | Array<Record<string, unknown>>, options?: { schedules?: Record<string, unknown> | Array<Record<string, unknown>> | null } | null"
)]
pub fn sla_definitions(
    env: Env,
    contract_slas: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let slas = rows(&contract_slas)?;
        let map = optional_options(options)?;
        check_keys(&map, &["schedules"])?;
        let options = SlaOptions {
            schedules: get(&map, "schedules"),
        };
        Ok(Import::wrap(servicenow::sla_definitions(&slas, &options)?))
    })
}

/// Cases from ServiceNow task rows (`incident` or any task table) with their `sys_audit`
/// (`options.audit`) and `sys_history_line` (`options.history`, with `set.id`) changes;
/// with `options.slaDefinitions` (the `contract_sla` rows) each stop condition, replayed over
/// the task's history, gives the event that completes its milestone. `options.table` is the
/// process of rows without `sys_class_name` (default `"incident"`).
///
/// ```js
/// const cases = servicenow.cases(incidents, { audit, slaDefinitions: slas }).document.cases
/// ```
#[napi(
    namespace = "servicenow",
    ts_args_type = "tasks: Record<string, unknown> | Array<Record<string, unknown>>, options?: { audit?: Record<string, unknown> | Array<Record<string, unknown>> | null; history?: Record<string, unknown> | Array<Record<string, unknown>> | null; slaDefinitions?: Record<string, unknown> | Array<Record<string, unknown>> | null; table?: string | null } | null"
)]
pub fn cases(env: Env, tasks: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Import> {
    guard(&env, || {
        let tasks = rows(&tasks)?;
        let map = optional_options(options)?;
        check_keys(&map, &["audit", "history", "slaDefinitions", "table"])?;
        let audit = get(&map, "audit");
        let options = CaseOptions {
            history: get(&map, "history"),
            sla_definitions: get(&map, "slaDefinitions"),
            table: text_option(&map, "table", false)?,
        };
        Ok(Import::wrap(servicenow::cases(
            &tasks,
            audit.as_ref(),
            &options,
        )?))
    })
}
