//! `salesforce.exportRules`, `zendesk.exportRules` and `review.exportRules`: the core's exporters
//! (`entitlement_core::export`), returning the files as an object of relative path to text.

use std::collections::HashMap;

use entitlement_core::Error as CoreError;
use entitlement_core::export::{self, ExportFile};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error::{Result, guard};
use crate::rules::Ruleset;

fn files(list: Vec<ExportFile>) -> HashMap<String, String> {
    list.into_iter().map(|f| (f.path, f.contents)).collect()
}

/// The ruleset as a Salesforce source-format project for `sf project deploy start`: an object of
/// relative path to text (`EntitlementProcess` and `MilestoneType` metadata under
/// `force-app/main/default/`, business hours and holidays as `BusinessHoursSettings` and as
/// records under `data/`, `manifest/package.xml`, `sfdx-project.json`, `README.md`). What
/// Salesforce cannot express throws an `Error` with `code` `"unsupported"` naming every path
/// (docs/export.md).
///
/// ```js
/// const { Ruleset, salesforce } = require('entitlement')
/// const rules = Ruleset.fromObject({ calendars: { Support: { time_zone: 'America/New_York',
///   hours: { mon: ['09:00-17:00'] } } } })
/// Object.keys(salesforce.exportRules(rules)).includes('manifest/package.xml') // true
/// ```
#[napi(namespace = "salesforce", js_name = "exportRules")]
pub fn salesforce_export_rules(env: Env, rules: &Ruleset) -> Result<HashMap<String, String>> {
    guard(&env, || {
        Ok(files(export::salesforce::export(&rules.inner)?))
    })
}

/// Options of `zendesk.exportRules`.
#[napi(object, namespace = "zendesk")]
pub struct ZendeskExportOptions {
    /// `[first, last]`: write recurring holidays as their dates in those years (inclusive); the
    /// result does not import back to the rules. Without it recurring holidays are refused.
    pub expand_holidays: Option<Vec<i32>>,
}

/// The ruleset as Zendesk REST API bodies: an object of relative path to text (per schedule
/// `schedules/<name>/schedule.json`, `workweek.json` and `holidays/NNN.json`;
/// `sla_policies/NNN <title>.json` in the order to create them; `README.md`). What Zendesk
/// cannot express throws an `Error` with `code` `"unsupported"` naming every path
/// (docs/export.md).
///
/// ```js
/// const { Ruleset, zendesk } = require('entitlement')
/// const rules = Ruleset.fromObject({ calendars: { Desk: { time_zone: 'UTC', hours: { mon: ['09:00-17:00'] } } } })
/// JSON.parse(zendesk.exportRules(rules)['schedules/Desk/workweek.json']).workweek.intervals
/// // [{ start_time: 1980, end_time: 2460 }]
/// ```
#[napi(namespace = "zendesk", js_name = "exportRules")]
pub fn zendesk_export_rules(
    env: Env,
    rules: &Ruleset,
    options: Option<ZendeskExportOptions>,
) -> Result<HashMap<String, String>> {
    guard(&env, || {
        let expand_holidays = match options.and_then(|o| o.expand_holidays) {
            None => None,
            Some(years) => match years.as_slice() {
                [a, b] => Some((*a, *b)),
                _ => {
                    return Err(CoreError::InvalidValue {
                        path: "options.expandHolidays".into(),
                        reason: format!(
                            "expected [first, last] (two years), found {} numbers",
                            years.len()
                        ),
                    }
                    .in_argument()
                    .into());
                }
            },
        };
        let options = export::zendesk::Options { expand_holidays };
        Ok(files(export::zendesk::export(&rules.inner, &options)?))
    })
}

/// The review page of the ruleset, as `{ 'review.md': text }`: every process, calendar and
/// entitlement in Markdown tables, for the person who approves a change (docs/export.md).
///
/// ```js
/// const { Ruleset, review } = require('entitlement')
/// const rules = Ruleset.fromObject({ calendars: { '24x7': { always_open: true } } })
/// review.exportRules(rules)['review.md'].startsWith('# Review of the SLA rules') // true
/// ```
#[napi(namespace = "review", js_name = "exportRules")]
pub fn review_export_rules(env: Env, rules: &Ruleset) -> Result<HashMap<String, String>> {
    guard(&env, || Ok(files(export::review::export(&rules.inner)?)))
}
