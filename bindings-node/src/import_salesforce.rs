//! `salesforce` namespace: BusinessHours and Holiday records, EntitlementProcess and
//! MilestoneType metadata, Entitlement and Case records
//! (`entitlement_core::import::salesforce`), as `Import`s.
//!
//! ```js
//! const { salesforce } = require('entitlement')
//! const rules = salesforce.businessHours(bhQuery, { 'Support NY': holidayQuery })
//!   .merge(salesforce.entitlementProcesses('force-app/main/default'))
//!   .merge(salesforce.entitlements(entitlementQuery))
//!   .ruleset()
//! const { cases } = salesforce.cases(caseQuery).document
//! ```

use entitlement_core::Error as CoreError;
use entitlement_core::import::salesforce::{self, MetadataFile};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::convert::{self, Shape};
use crate::error::{NodeError, Result, guard};
use crate::import::{Import, check_keys, optional, optional_options};

fn records(v: &Unknown<'_>) -> std::result::Result<Value, NodeError> {
    convert::json(v, Shape::Document, &|_| Ok(None))
}

/// Calendars from Salesforce `BusinessHours` records (a SOQL query result as the REST API
/// returns it, a list of its pages, a list of records or one record), one per record, named
/// after its `Name`, with the holidays of their `Holiday` records.
///
/// Weekday times are `HH:mm:ss.SSSZ` wall times in the record's `TimeZoneSidKey` (the `Z` is
/// not UTC); `null` pairs are closed days, `00:00` to `00:00` a 24-hour day. `holidays`: plain
/// `Holiday` records apply to every business-hours record (the REST API does not say which
/// holiday belongs to which; a warning when there are several); an object from business-hours
/// `Id` or `Name` to records associates them. What cannot be represented exactly throws an
/// `Error` with `code` `"unsupported"` naming the record and field.
#[napi(
    namespace = "salesforce",
    ts_args_type = "records: Record<string, unknown> | Array<Record<string, unknown>>, holidays?: Record<string, unknown> | Array<Record<string, unknown>> | null"
)]
pub fn business_hours(
    env: Env,
    records: Unknown<'_>,
    holidays: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let records = self::records(&records)?;
        let holidays = optional(holidays)?;
        Ok(Import::wrap(salesforce::business_hours(
            &records,
            holidays.as_ref(),
        )?))
    })
}

/// Processes from `EntitlementProcess` metadata with milestone recurrence from `MilestoneType`
/// metadata. `source` is a retrieved folder (a string path: a project's
/// `force-app/main/default`, with `entitlementProcesses/` and `milestoneTypes/`); an object
/// from file name (`gold_support.entitlementProcess-meta.xml`) to the file's XML (a string, a
/// `Buffer` or a `Uint8Array` of UTF-8); or the XML itself (a string starting with `<`, a
/// `Buffer`, or an array of them), each file known by its root element.
///
/// Each milestone becomes a `custom` milestone that completes on
/// `salesforce.completedEvent(milestoneName)`, the event `salesforce.cases` makes of a
/// `CaseMilestone`'s `CompletionDate`.
#[napi(
    namespace = "salesforce",
    ts_args_type = "source: string | Uint8Array | Array<string | Uint8Array> | Record<string, string | Uint8Array>"
)]
pub fn entitlement_processes(env: Env, source: Unknown<'_>) -> Result<Import> {
    guard(&env, || {
        let files = match source.get_type()? {
            ValueType::String => {
                let text = convert::text(&source, || "source".into())?;
                if text.trim_start().starts_with('<') {
                    vec![MetadataFile {
                        name: "<xml>".into(),
                        text,
                    }]
                } else {
                    salesforce::read_metadata_folder(text.as_ref())?
                }
            }
            ValueType::Object if source.is_buffer()? || source.is_typedarray()? => {
                vec![metadata_file("<xml>", &source)?]
            }
            ValueType::Object if source.is_array()? => {
                let array =
                    convert::bounded_array(&source, || "source".into(), convert::MAX_ARRAY_ITEMS)?;
                let mut files = Vec::with_capacity(convert::reserve(array.len()));
                for i in 0..array.len() {
                    let item = convert::element(&array, i, || format!("source[{i}]"))?;
                    files.push(metadata_file(&format!("<xml #{}>", i + 1), &item)?);
                }
                files
            }
            ValueType::Object if convert::is_object(&source)? => {
                let object = unsafe { source.cast::<Object<'_>>() }?;
                let mut files = Vec::new();
                for name in convert::keys(&object, "source")? {
                    let content: Unknown<'_> = object.get_named_property_unchecked(&name)?;
                    files.push(metadata_file(&name, &content)?);
                }
                files
            }
            _ => {
                return Err(CoreError::InvalidType {
                    path: "source".into(),
                    expected: "a folder path, XML text or bytes, a list of them, or an object of file name to XML".into(),
                    found: convert::describe(&source),
                }
                .into());
            }
        };
        Ok(Import::wrap(salesforce::entitlement_processes(&files)?))
    })
}

fn metadata_file(
    name: &str,
    content: &Unknown<'_>,
) -> std::result::Result<MetadataFile, NodeError> {
    match content.get_type()? {
        ValueType::String => Ok(MetadataFile {
            name: name.to_string(),
            text: convert::text(content, || format!("source[{name:?}]"))?,
        }),
        ValueType::Object if content.is_buffer()? => {
            let bytes = unsafe { content.cast::<BufferSlice<'_>>() }?;
            Ok(MetadataFile::from_bytes(name, &bytes)?)
        }
        ValueType::Object if content.is_typedarray()? => {
            let bytes = unsafe { content.cast::<Uint8ArraySlice<'_>>() }?;
            Ok(MetadataFile::from_bytes(name, &bytes)?)
        }
        _ => Err(CoreError::InvalidType {
            path: format!("source[{name:?}]"),
            expected: "the file's XML: a string, Buffer or Uint8Array".into(),
            found: convert::describe(content),
        }
        .into()),
    }
}

/// Entitlements from `Entitlement` records. The process is the entitlement process's name
/// pinned to its version, from the `SlaProcess` relationship in each record or from
/// `options.slaProcesses` (`SlaProcess` records) by `SlaProcessId`; the calendar is the
/// business hours' name, from the `BusinessHours` relationship or `options.businessHours`
/// records by `BusinessHoursId` (else their `IsDefault` one). An entitlement without a process
/// uses the process `"no-entitlement-process"`, which the fragment defines.
///
/// `options.accounts` fills each entitlement's `account` block (`arr`, `renewal_date`,
/// `executive_sponsor`, `csm`, `contacts`) from recorded queries: the record sets `accounts`
/// (`Account`), `contracts` (`Contract`), `opportunities` (`Opportunity`), `teamMembers`
/// (`AccountTeamMember`) and `contactRoles` (`AccountContactRole` or
/// `OpportunityContactRole`), and the mapping keys `arr` (the `Account` field, default
/// `"AnnualRevenue"`), `renewalDate` (`{from: 'contract'}`, the default;
/// `{from: 'opportunity', type: 'Renewal'}`; `{from: 'account', field: 'Renewal_Date__c'}`),
/// `executiveSponsor` and `csm` (`{teamRole}` or `{contactRole}`; defaults the team roles
/// `"Executive Sponsor"` and `"Customer Success Manager"`). A key set to `null` reads nothing.
#[napi(
    namespace = "salesforce",
    ts_args_type = "records: Record<string, unknown> | Array<Record<string, unknown>>, options?: { slaProcesses?: Record<string, unknown> | Array<Record<string, unknown>> | null; businessHours?: Record<string, unknown> | Array<Record<string, unknown>> | null; accounts?: SalesforceAccountOptions | null }"
)]
pub fn entitlements(
    env: Env,
    records: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Import> {
    guard(&env, || {
        let records = self::records(&records)?;
        let map = optional_options(options)?;
        check_keys(&map, &["slaProcesses", "businessHours", "accounts"])?;
        let get = |k: &str| map.get(k).filter(|v| !v.is_null());
        let imported =
            salesforce::entitlements(&records, get("slaProcesses"), get("businessHours"))?;
        Ok(Import::wrap(match get("accounts") {
            Some(accounts) => salesforce::account_context(imported, &account_options(accounts)?)?,
            None => imported,
        }))
    })
}

/// The camelCase keys of `options.accounts` (and of its person sources) as the core's.
const ACCOUNT_KEYS: [(&str, &str); 11] = [
    ("accounts", "accounts"),
    ("contracts", "contracts"),
    ("opportunities", "opportunities"),
    ("teamMembers", "team_members"),
    ("contactRoles", "contact_roles"),
    ("arr", "arr"),
    ("renewalDate", "renewal_date"),
    ("executiveSponsor", "executive_sponsor"),
    ("csm", "csm"),
    ("teamRole", "team_role"),
    ("contactRole", "contact_role"),
];

/// `options.accounts` with the core's key names; an unknown key stays as written, so that the
/// core's `unknown_key` error names it.
fn account_options(v: &Value) -> std::result::Result<Value, NodeError> {
    let Value::Object(map) = v else {
        return Err(CoreError::InvalidType {
            path: "options.accounts".into(),
            expected: "an object of record sets and mapping keys".into(),
            found: "another value".into(),
        }
        .into());
    };
    let rename = |k: &str| {
        ACCOUNT_KEYS
            .iter()
            .find(|(js, _)| *js == k)
            .map_or(k.to_string(), |(_, core)| core.to_string())
    };
    let mut out = Map::new();
    for (k, value) in map {
        let key = rename(k);
        let value = match (key.as_str(), value) {
            ("executive_sponsor" | "csm", Value::Object(person)) => {
                Value::Object(person.iter().map(|(k, v)| (rename(k), v.clone())).collect())
            }
            _ => value.clone(),
        };
        out.insert(key, value);
    }
    Ok(Value::Object(out))
}

/// Cases in the document's case shape (`document.cases`, ready for `rules.evaluate` and
/// `rules.monitor`) from `Case` records with their `CaseHistory` and `CaseMilestone` rows:
/// inside each record as subqueries (`Histories`, `CaseMilestones`), or apart as
/// `options.history` and `options.milestones`, matched by `CaseId`. `options.closedStatuses`
/// (default `["Closed"]`) are the statuses whose entry is a `closed` event.
#[napi(
    namespace = "salesforce",
    ts_args_type = "records: Record<string, unknown> | Array<Record<string, unknown>>, options?: { history?: Record<string, unknown> | Array<Record<string, unknown>> | null; milestones?: Record<string, unknown> | Array<Record<string, unknown>> | null; closedStatuses?: string[] }"
)]
pub fn cases(env: Env, records: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Import> {
    guard(&env, || {
        let records = self::records(&records)?;
        let map = optional_options(options)?;
        check_keys(&map, &["history", "milestones", "closedStatuses"])?;
        let closed: Vec<String> = match map.get("closedStatuses") {
            None | Some(Value::Null) => salesforce::CLOSED_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| CoreError::InvalidType {
                            path: "options.closedStatuses".into(),
                            expected: "a list of status strings".into(),
                            found: "a list with a value that is not a string".into(),
                        })
                })
                .collect::<std::result::Result<_, _>>()?,
            Some(_) => {
                return Err(CoreError::InvalidType {
                    path: "options.closedStatuses".into(),
                    expected: "a list of status strings".into(),
                    found: "another value".into(),
                }
                .into());
            }
        };
        let closed: Vec<&str> = closed.iter().map(String::as_str).collect();
        let get = |k: &str| map.get(k).filter(|v| !v.is_null());
        Ok(Import::wrap(salesforce::cases(
            &records,
            get("history"),
            get("milestones"),
            &closed,
        )?))
    })
}

/// The event type that completes the imported milestone `milestone`
/// (`"First Response"` → `"completed.First_Response"`).
#[napi(namespace = "salesforce", ts_args_type = "milestone: string")]
pub fn completed_event(env: Env, milestone: Unknown<'_>) -> Result<String> {
    guard(&env, || {
        let milestone = convert::string(&milestone, "milestone", "a milestone name string")?;
        Ok(salesforce::completed_event(&milestone))
    })
}

/// The event type that starts an occurrence of the imported milestone `milestone`
/// (`"First Response"` → `"started.First_Response"`).
#[napi(namespace = "salesforce", ts_args_type = "milestone: string")]
pub fn started_event(env: Env, milestone: Unknown<'_>) -> Result<String> {
    guard(&env, || {
        let milestone = convert::string(&milestone, "milestone", "a milestone name string")?;
        Ok(salesforce::started_event(&milestone))
    })
}
