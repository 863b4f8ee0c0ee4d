//! `dynamics` namespace: Dynamics 365 calendars, SLAs, entitlements and cases
//! (`entitlement_core::import::dynamics`), as `Import`s.

use entitlement_core::import::dynamics;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::convert::{self, Shape};
use crate::error::{NodeError, Result, guard};
use crate::import::{Import, optional};

/// The options object, its camelCase keys (`calendarRules`, `timeZones`, `pauseStatuses`) read
/// as the core's names; the snake_case spelling is read too, and both at once is an error.
fn options_of(v: Option<Unknown<'_>>) -> std::result::Result<Option<Value>, NodeError> {
    let mut options = optional(v)?;
    if let Some(Value::Object(map)) = options.as_mut() {
        for (camel, snake) in [
            ("calendarRules", "calendar_rules"),
            ("timeZones", "time_zones"),
            ("pauseStatuses", "pause_statuses"),
        ] {
            if let Some(value) = map.remove(camel) {
                if map.contains_key(snake) {
                    return Err(entitlement_core::Error::InvalidValue {
                        path: format!("options.{camel}"),
                        reason: format!("given twice, as {camel} and as {snake}"),
                    }
                    .into());
                }
                map.insert(snake.to_string(), value);
            }
        }
    }
    Ok(options)
}

/// Calendars from `calendar` rows: one per customer service schedule (`type` 0 or 1), named
/// after its `name`, with its inner calendars' work hours and breaks and its holiday schedule's
/// holidays. `options`: `calendarRules` (the rules when not expanded), `timeZones` (a
/// `timezonecode` → IANA zone mapping for codes outside Microsoft's table). What cannot be
/// represented exactly throws an `Error` with `code` `"unsupported"` naming the record and field.
///
/// ```js
/// const { dynamics } = require('entitlement')
/// const imp = dynamics.calendars(await get('calendars?$expand=calendar_calendar_rules'))
/// imp.calendar('London Support')
/// ```
#[napi(
    namespace = "dynamics",
    ts_args_type = "calendars: Record<string, unknown> | Array<Record<string, unknown>>, options?: { calendarRules?: unknown, timeZones?: Record<string, string> } | null"
)]
pub fn calendars(env: Env, calendars: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Import> {
    guard(&env, || {
        let calendars = convert::json(&calendars, Shape::Document, &|_| Ok(None))?;
        let options = options_of(options)?;
        Ok(Import::wrap(dynamics::calendars(
            &calendars,
            options.as_ref(),
        )?))
    })
}

/// Processes from `sla` rows (one per SLA), their `slaitem` rows (one milestone each: target
/// `failureafter`, warning `warnafter`) and the `msdyn_slakpi` rows they name. `options`:
/// `calendars` (the calendar rows, to name business hours), `pauseStatuses` (incident
/// `statuscode` values that pause SLAs with `allowpauseresume`).
///
/// ```js
/// const imp = dynamics.slas(slas, items, kpis, { pauseStatuses: [2, 3] })
/// ```
#[napi(
    namespace = "dynamics",
    ts_args_type = "slas: Record<string, unknown> | Array<Record<string, unknown>>, slaItems?: Record<string, unknown> | Array<Record<string, unknown>> | null, kpis?: Record<string, unknown> | Array<Record<string, unknown>> | null, options?: { calendars?: unknown, pauseStatuses?: number[] } | null"
)]
pub fn slas(
    env: Env,
    slas: Unknown<'_>,
    sla_items: Option<Unknown<'_>>,
    kpis: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let slas = convert::json(&slas, Shape::Document, &|_| Ok(None))?;
        let (items, kpis, options) = (optional(sla_items)?, optional(kpis)?, options_of(options)?);
        Ok(Import::wrap(dynamics::slas(
            &slas,
            items.as_ref(),
            kpis.as_ref(),
            options.as_ref(),
        )?))
    })
}

/// Entitlements from `entitlement` rows with their `entitlementchannel` rows: the SLA as the
/// process, `totalterms` as the per-incident allowance, each channel's `totalterms` as a term
/// quota on cases of that `caseorigincode`.
///
/// ```js
/// const imp = dynamics.entitlements(entitlements, channels)
/// ```
#[napi(
    namespace = "dynamics",
    ts_args_type = "entitlements: Record<string, unknown> | Array<Record<string, unknown>>, channels?: Record<string, unknown> | Array<Record<string, unknown>> | null, options?: Record<string, never> | null"
)]
pub fn entitlements(
    env: Env,
    entitlements: Unknown<'_>,
    channels: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let entitlements = convert::json(&entitlements, Shape::Document, &|_| Ok(None))?;
        let (channels, options) = (optional(channels)?, options_of(options)?);
        Ok(Import::wrap(dynamics::entitlements(
            &entitlements,
            channels.as_ref(),
            options.as_ref(),
        )?))
    })
}

/// Cases from `incident` rows; `options.audits` gives their `audit` rows, whose changes become
/// events. A case's `status` is its `statuscode` as text.
///
/// ```js
/// const imp = dynamics.cases(incidents, { audits })
/// ```
#[napi(
    namespace = "dynamics",
    ts_args_type = "incidents: Record<string, unknown> | Array<Record<string, unknown>>, options?: { audits?: unknown } | null"
)]
pub fn cases(env: Env, incidents: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Import> {
    guard(&env, || {
        let incidents = convert::json(&incidents, Shape::Document, &|_| Ok(None))?;
        let options = options_of(options)?;
        Ok(Import::wrap(dynamics::cases(&incidents, options.as_ref())?))
    })
}

/// The IANA zone of a Dynamics `timezonecode` (Microsoft's time zone index table); any other
/// code throws an `Error` with `code` `"unsupported"`.
#[napi(namespace = "dynamics", ts_args_type = "code: number")]
pub fn time_zone(env: Env, code: Unknown<'_>) -> Result<String> {
    guard(&env, || {
        let value = convert::json(&code, Shape::Document, &|_| Ok(None))?;
        let Some(code) = value.as_i64() else {
            return Err(entitlement_core::Error::InvalidType {
                path: "code".into(),
                expected: "a whole number".into(),
                found: match value {
                    Value::Number(_) => "a number with a fraction or out of range".into(),
                    Value::String(_) => "a string".into(),
                    _ => "another type".into(),
                },
            }
            .into());
        };
        Ok(dynamics::time_zone(code)?.to_string())
    })
}

/// Microsoft's time zone index table: `[code, Windows zone name, IANA zone]` rows.
#[napi(
    namespace = "dynamics",
    ts_return_type = "Array<[number, string, string]>"
)]
pub fn time_zone_codes() -> Vec<(i64, String, String)> {
    dynamics::TIME_ZONE_CODES
        .iter()
        .map(|(c, w, i)| (*c, w.to_string(), i.to_string()))
        .collect()
}
