//! `zendesk` namespace: Zendesk schedules, holidays and SLA policies
//! (`entitlement_core::import::zendesk`), as `Import`s.

use entitlement_core::import::zendesk;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::convert::{self, Shape};
use crate::error::{Result, guard};
use crate::import::{self, Import, text_option};

/// Calendars from Zendesk business-hours schedules, one per schedule, named after its `name`.
///
/// `schedules` is the response of `GET /api/v2/business_hours/schedules` (`{schedules: [...]}`)
/// or of `GET .../schedules/{id}` (`{schedule: {...}}`), a list or one schedule. `holidays` maps
/// a schedule id (as a string) to the response of `GET .../schedules/{id}/holidays`
/// (`{holidays: [...]}`) or to the list; with one schedule it may be that response directly.
/// What cannot be represented exactly throws an `Error` with `code` `"unsupported"` naming the
/// schedule and field.
///
/// ```js
/// const { zendesk } = require('entitlement')
/// const imp = zendesk.schedules({ schedule: { id: 1, name: 'Desk', time_zone: 'UTC',
///   intervals: [{ start_time: 1980, end_time: 2460 }] } })
/// imp.document.calendars.Desk.hours // { mon: ['09:00-17:00'] }
/// ```
#[napi(
    namespace = "zendesk",
    ts_args_type = "schedules: Record<string, unknown> | Array<Record<string, unknown>>, holidays?: Record<string, unknown> | Array<Record<string, unknown>> | null"
)]
pub fn schedules(
    env: Env,
    schedules: Unknown<'_>,
    holidays: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let schedules = convert::json(&schedules, Shape::Document, &|_| Ok(None))?;
        let holidays = holidays
            .map(|h| convert::json(&h, Shape::Document, &|_| Ok(None)))
            .transpose()?;
        Ok(Import::wrap(zendesk::schedules(
            &schedules,
            holidays.as_ref().filter(|h| !h.is_null()),
        )?))
    })
}

/// Processes from Zendesk SLA policies, one per policy, ordered by `position`.
///
/// `policies` is the response of `GET /api/v2/slas/policies` (`{sla_policies: [...]}`) or of
/// `GET /api/v2/slas/policies/{id}` (`{sla_policy: {...}}`), a list or one policy.
/// `options.schedule` names the calendar (from `zendesk.schedules`) of targets in business
/// hours; targets in calendar hours run on `"24x7"`, which the fragment defines.
///
/// ```js
/// const imp = zendesk.slaPolicies(response, { schedule: 'Support' })
/// const rules = zendesk.schedules(hours).merge(imp).ruleset()
/// ```
#[napi(
    namespace = "zendesk",
    ts_args_type = "policies: Record<string, unknown> | Array<Record<string, unknown>>, options?: { schedule?: string | null } | null"
)]
pub fn sla_policies(
    env: Env,
    policies: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let policies = convert::json(&policies, Shape::Document, &|_| Ok(None))?;
        // Read as JSON (not as `SlaPolicyOptions`, whose strings Node-API would read with lone
        // surrogates replaced).
        let schedule = match options {
            Some(o) if !matches!(o.get_type()?, ValueType::Undefined | ValueType::Null) => {
                text_option(&import::options(&o)?, "schedule", false)?
            }
            _ => None,
        };
        Ok(Import::wrap(zendesk::sla_policies(
            &policies,
            schedule.as_deref(),
        )?))
    })
}

/// The IANA zone of a Rails (`ActiveSupport::TimeZone`) name, as Zendesk writes a schedule's
/// `time_zone` ("Eastern Time (US & Canada)" → "America/New_York"); an IANA name is returned
/// as is. Anything else throws an `Error` with `code` `"unsupported"`.
#[napi(namespace = "zendesk", ts_args_type = "name: string")]
pub fn rails_time_zone(env: Env, name: Unknown<'_>) -> Result<String> {
    guard(&env, || {
        let name = convert::string(&name, "name", "a time zone name string")?;
        Ok(zendesk::rails_time_zone(&name)?.to_string())
    })
}

/// Options of `zendesk.slaPolicies` (declared for TypeScript; the function reads its options
/// itself, so that a string with a lone surrogate is refused rather than replaced).
#[napi(object, namespace = "zendesk")]
pub struct SlaPolicyOptions {
    /// The calendar name of targets in business hours.
    pub schedule: Option<String>,
}
