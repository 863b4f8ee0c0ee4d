//! Salesforce: the records and metadata of Service Cloud's entitlement management, turned into
//! calendars, processes, entitlements and cases. The guide, with the field-by-field mapping and
//! every decision where Salesforce's meaning and the engine's differ, is
//! `docs/import-salesforce.md`.
//!
//! - [`business_hours`]: `BusinessHours` records (REST / SOQL JSON) with their `Holiday` records
//!   (one-off, timed, and every `RecurrenceType`) into one calendar per record, named after its
//!   `Name`.
//! - [`entitlement_processes`]: `EntitlementProcess` and `MilestoneType` Metadata API XML, as
//!   retrieved into a folder ([`read_metadata_folder`]) or given as files, into versioned
//!   processes.
//! - [`entitlements`]: `Entitlement` records into entitlements that use those processes and
//!   calendars.
//! - [`cases`]: `Case` records with their `CaseHistory` and `CaseMilestone` rows into cases in
//!   the document's case shape, ready for `Ruleset::evaluate` and `Ruleset::monitor`.
//!
//! Salesforce milestones have no built-in meaning: automation completes a `CaseMilestone`. So
//! each imported milestone is a `custom` one that completes on the event
//! `completed.<milestone name>` (and starts, besides the process's entry, on
//! `started.<milestone name>`; [`completed_event`], [`started_event`]), and [`cases`] turns
//! each `CaseMilestone` row into those events.
//! Field names are the API names without the `Case.` prefix, except that `Status` and
//! `Priority` are the engine's `status` and `priority` ([`field_name`]).
//!
//! ```
//! use entitlement_core::import::salesforce;
//! use serde_json::json;
//! use chrono::{TimeZone, Utc};
//!
//! let hours = salesforce::business_hours(&json!({"totalSize": 1, "done": true, "records": [{
//!     "attributes": {"type": "BusinessHours"}, "Id": "01m000000000001", "Name": "Support",
//!     "IsActive": true, "TimeZoneSidKey": "America/New_York",
//!     "MondayStartTime": "09:00:00.000Z", "MondayEndTime": "17:00:00.000Z"}]}), None)?;
//! let cal = hours.calendar(Some("Support"))?;
//! // Monday 2026-03-02 10:00 in New York is 15:00 UTC.
//! assert!(cal.is_open(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap())?);
//! assert!(!cal.is_open(Utc.with_ymd_and_hms(2026, 3, 3, 15, 0, 0).unwrap())?);
//! # Ok::<(), entitlement_core::Error>(())
//! ```

mod accounts;
mod filter;
pub(crate) mod hours;
mod metadata;
mod records;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{Warning, unsupported};
use crate::error::Result;
use crate::time::{from_us, parse_instant};

pub use accounts::{AccountMapping, MAX_CONTACTS, PersonSource, RenewalSource, account_context};
pub use hours::business_hours;
pub use metadata::{
    MAX_XML_ATTRIBUTES, MAX_XML_NAMESPACES, MetadataFile, entitlement_processes,
    read_metadata_folder,
};
pub use records::{CLOSED_STATUSES, NO_PROCESS, cases, entitlements};

/// The engine's name of a Salesforce field: the API name without the object prefix
/// (`Case.Severity__c` → `Severity__c`), except `Status` and `Priority`, which are the engine's
/// `status` (what pause and exit statuses read) and `priority`. Relationship fields keep their
/// path (`Account.Type`).
///
/// ```
/// use entitlement_core::import::salesforce::field_name;
///
/// assert_eq!(field_name("Case.Priority", "Case"), "priority");
/// assert_eq!(field_name("Case.Severity__c", "Case"), "Severity__c");
/// assert_eq!(field_name("Account.Type", "Case"), "Account.Type");
/// assert_eq!(field_name("Status", "Case"), "status");
/// ```
pub fn field_name(api_name: &str, object: &str) -> String {
    let bare = api_name
        .strip_prefix(object)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or(api_name);
    match bare {
        "Status" => "status".into(),
        "Priority" => "priority".into(),
        other => other.into(),
    }
}

/// The event type that completes the imported milestone `milestone` (what a `CaseMilestone`'s
/// `CompletionDate` becomes): `completed.` and the name with every character other than a
/// letter, digit, `_` or `-` written `_` (event types are identifiers).
///
/// ```
/// assert_eq!(entitlement_core::import::salesforce::completed_event("First Response"),
///            "completed.First_Response");
/// ```
pub fn completed_event(milestone: &str) -> String {
    format!("completed.{}", slug(milestone))
}

/// The event type that starts an occurrence of the imported milestone `milestone` (what a
/// `CaseMilestone`'s `StartDate` becomes): `started.` and the name written as in
/// [`completed_event`].
///
/// ```
/// assert_eq!(entitlement_core::import::salesforce::started_event("Résolution (24h)"),
///            "started.R_solution__24h_");
/// ```
pub fn started_event(milestone: &str) -> String {
    format!("started.{}", slug(milestone))
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The records of a SOQL query result (`{"totalSize", "done", "records": [...]}`), of a list of
/// such results (every page of a paged query), of a plain list of records, or one bare record.
/// A result that says `done: false` without its later pages is imported with a warning.
fn query_records<'a>(
    input: &'a Value,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<&'a Value>> {
    let mut out = Vec::new();
    let mut partial = false;
    // The pages' `totalSize`s, by page: each is the number of rows of the whole query.
    let mut totals: Vec<(String, &Value)> = Vec::new();
    match input {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item.get("records") {
                    Some(records) => {
                        partial |= page(records, item, what, &mut out)?;
                        if let Some(t) = item.get("totalSize") {
                            totals.push((format!("[{i}].totalSize"), t));
                        }
                    }
                    None => out.push(item),
                }
            }
            // A list of pages is complete when its last page is.
            if let Some(last) = items.last().filter(|l| l.get("records").is_some()) {
                partial = page_is_partial(last);
            }
        }
        Value::Object(map) => match map.get("records") {
            Some(records) => {
                partial = page(records, input, what, &mut out)?;
                if let Some(t) = map.get("totalSize") {
                    totals.push(("totalSize".into(), t));
                }
            }
            None => out.push(input),
        },
        other => {
            return Err(unsupported(
                what,
                "(input)",
                format!(
                    "expected a SOQL query result ({{\"records\": [...]}}), a list of records or one record; found {}",
                    crate::document::type_name(other)
                ),
            ));
        }
    }
    for (field, total) in totals {
        let Some(n) = total.as_u64() else {
            return Err(unsupported(
                what,
                &field,
                format!("expected a count of records, found {total}"),
            ));
        };
        let given = out.len() as u64;
        // Complete pages hold exactly the query's rows; a partial set cannot hold more.
        if (!partial && n != given) || given > n {
            return Err(unsupported(
                what,
                &field,
                format!(
                    "the query result counts {n} records but {given} are given; pass every page of the result, as the API returned it"
                ),
            ));
        }
    }
    if partial {
        warnings.push(Warning {
            record: what.to_string(),
            field: "done".into(),
            message: "the query result says `done: false`: later pages (`nextRecordsUrl`) are \
                      missing, and only the records given were imported; pass every page (a list \
                      of query results)"
                .into(),
        });
    }
    Ok(out)
}

/// Appends one page's records; returns whether the page says more pages follow.
fn page<'a>(
    records: &'a Value,
    page: &Value,
    what: &str,
    out: &mut Vec<&'a Value>,
) -> Result<bool> {
    match records {
        Value::Array(list) => out.extend(list),
        other => {
            return Err(unsupported(
                what,
                "records",
                format!(
                    "expected a list, found {}",
                    crate::document::type_name(other)
                ),
            ));
        }
    }
    Ok(page_is_partial(page))
}

/// Whether a page says that more follow: `done: false`, or a `nextRecordsUrl`.
fn page_is_partial(page: &Value) -> bool {
    page.get("done") == Some(&Value::Bool(false))
        || page.get("nextRecordsUrl").is_some_and(|u| !u.is_null())
}

/// A record's label for messages: `Type Id (Name)`, the type from its `attributes`.
fn label(map: &Map<String, Value>, kind: &str, position: usize) -> String {
    let kind = map
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .unwrap_or(kind);
    let id = super::read::text(map, "Id");
    let name = super::read::text(map, "Name").filter(|n| !n.is_empty());
    if id.is_none() && name.is_none() {
        return format!("{kind} #{position}");
    }
    super::record_label(kind, id, name)
}

/// A Salesforce `dateTime` (`2026-11-20T14:00:00.000+0000`, or any RFC 3339 form with an
/// offset) that must be there.
fn datetime(map: &Map<String, Value>, record: &str, field: &str) -> Result<DateTime<Utc>> {
    optional_datetime(map, record, field)?.ok_or_else(|| unsupported(record, field, "missing"))
}

fn optional_datetime(
    map: &Map<String, Value>,
    record: &str,
    field: &str,
) -> Result<Option<DateTime<Utc>>> {
    let Some(text) = super::read::optional_str(map, record, field)? else {
        return Ok(None);
    };
    let us = parse_instant(text, field).map_err(|e| {
        unsupported(
            record,
            field,
            format!(
                "{text:?} is not a Salesforce dateTime such as \"2026-11-20T14:00:00.000+0000\" ({e})"
            ),
        )
    })?;
    from_us(us).map(Some).map_err(|_| {
        unsupported(
            record,
            field,
            format!("{text:?} is outside years 1 to 9999"),
        )
    })
}

/// An instant as the document writes it.
fn instant_text(t: DateTime<Utc>) -> String {
    crate::time::rfc3339(t)
}
