//! `Entitlement` records into entitlements, and `Case` records with their `CaseHistory` and
//! `CaseMilestone` rows into cases.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{
    completed_event, datetime, field_name, instant_text, label, optional_datetime, query_records,
    started_event,
};
use crate::error::Result;
use crate::import::read::{
    boolean, integer, object, optional_date, optional_str, required_str, text,
};
use crate::import::{Import, Warning, unsupported};

/// The process that entitlements without an entitlement process use: it has no milestones, so
/// their cases are covered (and counted against allowances and quotas) with no deadline.
///
/// ```
/// use entitlement_core::import::salesforce::{self, NO_PROCESS};
///
/// let imported = salesforce::entitlements(&serde_json::json!([{"Id": "5501"}]), None, None)?;
/// assert_eq!(imported.document["entitlements"][0]["process"], NO_PROCESS);
/// assert_eq!(imported.document["processes"][0]["milestones"], serde_json::json!([]));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub const NO_PROCESS: &str = "no-entitlement-process";

/// The case statuses that close a case unless the caller says otherwise (Salesforce's default
/// closed status).
///
/// ```
/// assert_eq!(entitlement_core::import::salesforce::CLOSED_STATUSES, ["Closed"]);
/// ```
pub const CLOSED_STATUSES: [&str; 1] = ["Closed"];

/// A relationship field's value in a record (`"Account": {"attributes": ..., "Name": "Acme"}`).
fn related<'a>(map: &'a Map<String, Value>, relationship: &str, field: &str) -> Option<&'a str> {
    map.get(relationship)?.get(field)?.as_str()
}

/// Entitlements from Salesforce `Entitlement` records.
///
/// `records` is a SOQL query result (or list of pages, list of records, one record) of
///
/// ```sql
/// SELECT Id, Name, AccountId, Account.Name, StartDate, EndDate, IsPerIncident,
///        CasesPerEntitlement, RemainingCases, SlaProcessId, SlaProcess.Name,
///        SlaProcess.VersionNumber, BusinessHoursId, BusinessHours.Name
/// FROM Entitlement
/// ```
///
/// The process is the entitlement process's name (as [`entitlement_processes`] names it) pinned
/// to its version: from the `SlaProcess` relationship in the record, else from `sla_processes`
/// (the records of `SELECT Id, Name, VersionNumber FROM SlaProcess`) by `SlaProcessId`. Without
/// a version the process's default version applies (with a warning). An entitlement without a
/// process uses [`NO_PROCESS`], which the fragment defines. The calendar is the business hours'
/// name: from the `BusinessHours` relationship, else from `business_hours` (the
/// `BusinessHours` records) by `BusinessHoursId`; without business hours, the default business
/// hours among `business_hours` (`IsDefault`), as Salesforce gives a new case. `IsPerIncident`
/// with `CasesPerEntitlement` is the per-incident allowance; `RemainingCases` is reported,
/// since the engine counts the cases itself.
///
/// [`entitlement_processes`]: super::entitlement_processes
///
/// ```
/// use entitlement_core::import::salesforce;
/// use serde_json::json;
///
/// let imported = salesforce::entitlements(&json!({"records": [{
///     "attributes": {"type": "Entitlement"}, "Id": "550000000000001", "Name": "Acme Gold",
///     "AccountId": "001000000000001", "Account": {"Name": "Acme"},
///     "StartDate": "2026-01-01", "EndDate": "2026-12-31",
///     "IsPerIncident": true, "CasesPerEntitlement": 50, "RemainingCases": 50,
///     "SlaProcessId": "552000000000001",
///     "SlaProcess": {"Name": "Gold Support", "VersionNumber": 2},
///     "BusinessHoursId": "01m000000000001", "BusinessHours": {"Name": "Support"}}]}), None, None)?;
/// let e = &imported.document["entitlements"][0];
/// assert_eq!(e["process"], json!({"id": "Gold Support", "version": 2}));
/// assert_eq!(e["calendar"], "Support");
/// assert_eq!(e["cases_per_entitlement"], 50);
/// assert_eq!(e["account"], json!({"id": "001000000000001", "name": "Acme"}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn entitlements(
    records: &Value,
    sla_processes: Option<&Value>,
    business_hours: Option<&Value>,
) -> Result<Import> {
    let mut warnings = Vec::new();
    let list = query_records(records, "Entitlement", &mut warnings)?;
    let processes = by_id(sla_processes, "SlaProcess", &mut warnings)?;
    let hours = by_id(business_hours, "BusinessHours", &mut warnings)?;
    let default_hours = hours
        .values()
        .find(|m| m.get("IsDefault") == Some(&Value::Bool(true)))
        .and_then(|m| text(m, "Name"));
    let mut out = Vec::with_capacity(list.len());
    let mut uses_no_process = false;
    for (i, r) in list.iter().enumerate() {
        let map = object(r, &format!("Entitlement #{i}"), "(record)")?;
        let record = label(map, "Entitlement", i);
        let record = record.as_str();
        let mut doc = Map::new();
        doc.insert("id".into(), json!(required_str(map, record, "Id")?));
        if let Some(n) = optional_str(map, record, "Name")? {
            doc.insert("name".into(), json!(n));
        }

        // The process, pinned to the entitlement's version.
        let process_id = optional_str(map, record, "SlaProcessId")?;
        let (name, version) = match (related(map, "SlaProcess", "Name"), process_id) {
            (Some(name), _) => (
                Some(name.to_string()),
                version_number(
                    map.get("SlaProcess").and_then(|p| p.get("VersionNumber")),
                    record,
                    "SlaProcess.VersionNumber",
                )?,
            ),
            (None, Some(id)) => match processes.get(id) {
                Some(p) => (
                    Some(required_str(p, &format!("SlaProcess {id}"), "Name")?.to_string()),
                    version_number(
                        p.get("VersionNumber"),
                        &format!("SlaProcess {id}"),
                        "VersionNumber",
                    )?,
                ),
                None => {
                    return Err(unsupported(
                        record,
                        "SlaProcessId",
                        format!(
                            "the entitlement process {id} is unknown: query SlaProcess.Name and SlaProcess.VersionNumber with the entitlement, or pass the SlaProcess records"
                        ),
                    ));
                }
            },
            (None, None) => (None, None),
        };
        match (name, version) {
            (Some(name), Some(v)) => {
                doc.insert("process".into(), json!({"id": name, "version": v}));
            }
            (Some(name), None) => {
                warnings.push(Warning {
                    record: record.into(),
                    field: "SlaProcess.VersionNumber".into(),
                    message: format!("the version of {name:?} that the entitlement uses is not given: the process's default version applies"),
                });
                doc.insert("process".into(), json!(name));
            }
            (None, _) => {
                warnings.push(Warning {
                    record: record.into(),
                    field: "SlaProcessId".into(),
                    message: format!("the entitlement has no entitlement process: its cases are covered with no milestone (process {NO_PROCESS:?})"),
                });
                uses_no_process = true;
                doc.insert("process".into(), json!(NO_PROCESS));
            }
        }

        let mut account = Map::new();
        if let Some(id) = optional_str(map, record, "AccountId")? {
            account.insert("id".into(), json!(id));
        }
        if let Some(n) = related(map, "Account", "Name") {
            account.insert("name".into(), json!(n));
        }
        if !account.is_empty() {
            doc.insert("account".into(), Value::Object(account));
        }
        let start = optional_date(map, record, "StartDate")?;
        let end = optional_date(map, record, "EndDate")?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(unsupported(
                record,
                "EndDate",
                format!("{e} is before StartDate {s}"),
            ));
        }
        if let Some(s) = start {
            doc.insert("start_date".into(), json!(s.to_string()));
        }
        if let Some(e) = end {
            doc.insert("end_date".into(), json!(e.to_string()));
        }

        let hours_id = optional_str(map, record, "BusinessHoursId")?;
        let calendar = match (related(map, "BusinessHours", "Name"), hours_id) {
            (Some(n), _) => Some(n.to_string()),
            (None, Some(id)) => match hours.get(id) {
                Some(h) => {
                    Some(required_str(h, &format!("BusinessHours {id}"), "Name")?.to_string())
                }
                None => {
                    return Err(unsupported(
                        record,
                        "BusinessHoursId",
                        format!(
                            "the business hours {id} are unknown: query BusinessHours.Name with the entitlement, or pass the BusinessHours records"
                        ),
                    ));
                }
            },
            (None, None) => {
                let message = match default_hours {
                    Some(d) => format!("the entitlement names no business hours: its cases get the organisation's default business hours, {d:?}, as in Salesforce"),
                    None => "the entitlement names no business hours: milestones whose process names none run round the clock (in Salesforce they use the case's business hours; pass the BusinessHours records to use the default ones)".to_string(),
                };
                warnings.push(Warning {
                    record: record.into(),
                    field: "BusinessHoursId".into(),
                    message,
                });
                default_hours.map(str::to_string)
            }
        };
        if let Some(c) = calendar {
            doc.insert("calendar".into(), json!(c));
        }

        let per_incident = boolean(map, record, "IsPerIncident")?.unwrap_or(false);
        let allowance = integer(map, "CasesPerEntitlement", record, "CasesPerEntitlement")?;
        if per_incident {
            let n = allowance.ok_or_else(|| {
                unsupported(
                    record,
                    "CasesPerEntitlement",
                    "missing on a per-incident entitlement (IsPerIncident)",
                )
            })?;
            let n = u32::try_from(n).map_err(|_| {
                unsupported(
                    record,
                    "CasesPerEntitlement",
                    format!("{n} is not a number of cases"),
                )
            })?;
            doc.insert("cases_per_entitlement".into(), json!(n));
            if let Some(left) = integer(map, "RemainingCases", record, "RemainingCases")? {
                warnings.push(Warning {
                    record: record.into(),
                    field: "RemainingCases".into(),
                    message: format!("Salesforce says {left} of {n} cases remain; the engine counts the cases it is given itself"),
                });
            }
        } else if allowance.is_some() {
            warnings.push(Warning {
                record: record.into(),
                field: "CasesPerEntitlement".into(),
                message: "ignored: the entitlement is not per incident (IsPerIncident is false)"
                    .into(),
            });
        }
        out.push(Value::Object(doc));
    }
    let mut document = Map::new();
    document.insert("entitlements".into(), Value::Array(out));
    if uses_no_process {
        document.insert(
            "processes".into(),
            json!([{"id": NO_PROCESS, "name": "No entitlement process", "milestones": []}]),
        );
    }
    Ok(Import {
        document: Value::Object(document),
        warnings,
    })
}

/// The records of an optional input, each with its label.
/// A process's `VersionNumber`: a whole number from 1 (what the engine's pinned versions
/// accept), or absent; anything else is refused rather than read as "no version given".
fn version_number(v: Option<&Value>, record: &str, field: &str) -> Result<Option<u64>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .filter(|n| (1..=u64::from(u32::MAX)).contains(n))
            .map(Some)
            .ok_or_else(|| {
                unsupported(
                    record,
                    field,
                    format!("{n} is not a version number (a whole number from 1)"),
                )
            }),
    }
}

fn labelled<'a>(
    input: Option<&'a Value>,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<(String, &'a Map<String, Value>)>> {
    let Some(input) = input.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, r) in query_records(input, what, warnings)?
        .into_iter()
        .enumerate()
    {
        let map = object(r, &format!("{what} #{i}"), "(record)")?;
        out.push((label(map, what, i), map));
    }
    Ok(out)
}

/// Records by their `Id`.
fn by_id<'a>(
    input: Option<&'a Value>,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<HashMap<&'a str, &'a Map<String, Value>>> {
    let mut out = HashMap::new();
    for (record, map) in labelled(input, what, warnings)? {
        out.insert(required_str(map, &record, "Id")?, map);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Cases

/// The fields of a case record that are not case fields.
const NOT_FIELDS: [&str; 3] = ["attributes", "Histories", "CaseMilestones"];

/// Cases from Salesforce `Case` records with their `CaseHistory` and `CaseMilestone` rows, in
/// the document's case shape (`{"cases": [...]}`), ready for `evaluate` and `monitor`.
///
/// `records` is a SOQL query result (or pages, list, one record) of `Case`; the rows may come
/// inside each record as child subqueries (`(SELECT ... FROM Histories)`,
/// `(SELECT ... FROM CaseMilestones)`), or apart as `history` (`SELECT CaseId, Field, OldValue,
/// NewValue, CreatedDate, DataType FROM CaseHistory`) and `milestones` (`SELECT Id, CaseId,
/// MilestoneType.Name, StartDate, CompletionDate FROM CaseMilestone`), matched by `CaseId`.
///
/// - `id` is the record's `Id`, `entitlement` its `EntitlementId`, `created_at` its
///   `CreatedDate`; `fields` are its other fields as of now, relationship fields flattened
///   (`Account.Name`), named by [`field_name`](super::field_name).
/// - `CaseHistory` rows become `status` events (`Status`), `stop` / `resume` (`IsStopped`) and
///   `field` events, with `from` the old value; `created` rows and lookup rows that repeat a
///   change as record ids (`DataType` `EntityId`) are left out. A change into one of
///   `closed_statuses` is also a `closed` event and a change out of one a `reopened` event; a
///   closed case whose history shows no close is closed at its `ClosedDate`, and a stopped one
///   without stop history is stopped at its `StopStartDate`.
/// - `CaseMilestone` rows become `started.<name>` at `StartDate` and `completed.<name>` at
///   `CompletionDate` (the events [`entitlement_processes`](super::entitlement_processes)'
///   milestones start and complete on).
///
/// ```
/// use entitlement_core::import::salesforce;
/// use serde_json::json;
///
/// let imported = salesforce::cases(
///     &json!({"records": [{"attributes": {"type": "Case"}, "Id": "5001", "CaseNumber": "00001001",
///         "EntitlementId": "5501", "CreatedDate": "2026-11-20T14:00:00.000+0000",
///         "Status": "Working", "Priority": "High", "IsClosed": false,
///         "CaseMilestones": {"records": [{"MilestoneType": {"Name": "First Response"},
///             "StartDate": "2026-11-20T14:00:00.000+0000",
///             "CompletionDate": "2026-11-20T14:40:00.000+0000"}]}}]}),
///     Some(&json!({"records": [{"CaseId": "5001", "Field": "Status", "OldValue": "New",
///         "NewValue": "Working", "CreatedDate": "2026-11-20T14:40:00.000+0000"}]})),
///     None,
///     &salesforce::CLOSED_STATUSES,
/// )?;
/// let case = &imported.document["cases"][0];
/// assert_eq!(case["fields"]["priority"], "High");
/// assert_eq!(case["events"][1]["type"], "status");
/// assert_eq!(case["events"][2], json!({"at": "2026-11-20T14:40:00Z", "type": "completed.First_Response"}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn cases(
    records: &Value,
    history: Option<&Value>,
    milestones: Option<&Value>,
    closed_statuses: &[&str],
) -> Result<Import> {
    let mut warnings = Vec::new();
    let list = query_records(records, "Case", &mut warnings)?;
    let mut history_of = rows_by_case(history, "CaseHistory", &mut warnings)?;
    let mut milestones_of = rows_by_case(milestones, "CaseMilestone", &mut warnings)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let map = object(r, &format!("Case #{i}"), "(record)")?;
        let record = label(map, "Case", i);
        let id = required_str(map, &record, "Id")?;
        let mut hist = embedded(map, "Histories", &record, &mut warnings)?;
        hist.extend(history_of.remove(id).unwrap_or_default());
        let mut miles = embedded(map, "CaseMilestones", &record, &mut warnings)?;
        miles.extend(milestones_of.remove(id).unwrap_or_default());
        out.push(case(
            map,
            &record,
            id,
            &hist,
            &miles,
            closed_statuses,
            &mut warnings,
        )?);
    }
    for (what, left) in [
        ("CaseHistory", history_of),
        ("CaseMilestone", milestones_of),
    ] {
        let rows: usize = left.values().map(Vec::len).sum();
        if rows > 0 {
            let mut ids: Vec<&str> = left.keys().copied().collect();
            ids.sort_unstable();
            warnings.push(Warning {
                record: what.into(),
                field: "CaseId".into(),
                message: format!("{rows} rows belong to cases that are not among the records and were left out ({})", crate::error::known_names(ids.iter().take(5).copied())),
            });
        }
    }
    Ok(Import {
        document: json!({ "cases": out }),
        warnings,
    })
}

type Rows<'a> = Vec<(String, &'a Map<String, Value>)>;

/// Child rows given apart from the cases, by `CaseId`, each with its label.
fn rows_by_case<'a>(
    input: Option<&'a Value>,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<HashMap<&'a str, Rows<'a>>> {
    let mut out: HashMap<&str, Rows<'a>> = HashMap::new();
    for (record, map) in labelled(input, what, warnings)? {
        let case = required_str(map, &record, "CaseId")?;
        out.entry(case).or_default().push((record, map));
    }
    Ok(out)
}

/// Child rows inside a case record (a subquery result under `relationship`).
fn embedded<'a>(
    map: &'a Map<String, Value>,
    relationship: &str,
    record: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Rows<'a>> {
    let Some(v) = map.get(relationship).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let what = format!("{record}: {relationship}");
    let mut out = Vec::new();
    for (i, r) in query_records(v, &what, warnings)?.into_iter().enumerate() {
        let row = object(r, &what, &format!("records[{i}]"))?;
        out.push((format!("{what}[{i}]"), row));
    }
    Ok(out)
}

/// A record's scalar fields, relationship objects flattened to `Relationship.Field`.
/// The case's fields, relationships flattened (`Account.Name`). A subquery other than
/// `Histories` and `CaseMilestones` is related records, not a field: it is left out with a
/// warning. A list where a field's value belongs is refused (Salesforce gives a multi-select
/// picklist as one `;`-separated string): leaving it out would change what criteria see.
fn flatten(
    prefix: &str,
    map: &Map<String, Value>,
    record: &str,
    out: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    for (key, value) in map {
        if prefix.is_empty() && NOT_FIELDS.contains(&key.as_str()) || key == "attributes" {
            continue;
        }
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if inner.contains_key("records") => {
                warnings.push(Warning {
                    record: record.into(),
                    field: path,
                    message: "not read: a subquery of related records; the importer reads the \
                              Histories and CaseMilestones subqueries only"
                        .into(),
                });
            }
            Value::Object(inner) => flatten(&path, inner, record, out, warnings)?,
            Value::Array(_) => {
                return Err(unsupported(
                    record,
                    &path,
                    "a list is not a case field's value (Salesforce gives a multi-select \
                     picklist as one string, \"A;B\"); give the field as a string, number, \
                     true/false or null",
                ));
            }
            v => {
                let name = if prefix.is_empty() {
                    field_name(&path, "Case")
                } else {
                    path
                };
                out.insert(name, v.clone());
            }
        }
    }
    Ok(())
}

struct Logged {
    at: DateTime<Utc>,
    order: usize,
    event: Value,
}

fn case(
    map: &Map<String, Value>,
    record: &str,
    id: &str,
    history: &Rows<'_>,
    milestones: &Rows<'_>,
    closed_statuses: &[&str],
    warnings: &mut Vec<Warning>,
) -> Result<Value> {
    let created = datetime(map, record, "CreatedDate")?;
    let mut fields = Map::new();
    flatten("", map, record, &mut fields, warnings)?;
    let mut events: Vec<Logged> = Vec::new();
    let mut push = |at: DateTime<Utc>, event: Value| {
        let order = events.len();
        events.push(Logged { at, order, event });
    };
    let is_closed = |s: &Value| s.as_str().is_some_and(|s| closed_statuses.contains(&s));
    let (mut closes, mut stops) = (false, false);
    for (row_label, row) in history {
        let field = required_str(row, row_label, "Field")?;
        if field == "created" || text(row, "DataType") == Some("EntityId") {
            continue;
        }
        let at = datetime(row, row_label, "CreatedDate")?;
        let old = row.get("OldValue").cloned().unwrap_or(Value::Null);
        let new = row.get("NewValue").cloned().unwrap_or(Value::Null);
        let with_id = |mut e: Value| {
            if let Some(rid) = text(row, "Id") {
                e["id"] = json!(rid);
            }
            e
        };
        match field {
            "Status" => {
                let to = new.as_str().ok_or_else(|| {
                    unsupported(
                        row_label,
                        "NewValue",
                        "a status change needs the new status",
                    )
                })?;
                if is_closed(&old) && !is_closed(&new) {
                    push(at, json!({"at": instant_text(at), "type": "reopened"}));
                }
                let mut e = json!({"at": instant_text(at), "type": "status", "to": to});
                if let Some(from) = old.as_str() {
                    e["from"] = json!(from);
                }
                push(at, with_id(e));
                if is_closed(&new) && !is_closed(&old) {
                    closes = true;
                    push(at, json!({"at": instant_text(at), "type": "closed"}));
                }
            }
            "IsStopped" => {
                stops = true;
                let kind = match new {
                    Value::Bool(true) => "stop",
                    Value::Bool(false) => "resume",
                    Value::String(ref s) if s == "true" => "stop",
                    Value::String(ref s) if s == "false" => "resume",
                    other => {
                        return Err(unsupported(
                            row_label,
                            "NewValue",
                            format!("IsStopped changes to true or false, not {other}"),
                        ));
                    }
                };
                push(at, with_id(json!({"at": instant_text(at), "type": kind})));
            }
            other => {
                let scalar = |v: Value| match v {
                    Value::Array(_) | Value::Object(_) => Value::String(v.to_string()),
                    v => v,
                };
                let mut e = json!({"at": instant_text(at), "type": "field", "field": field_name(other, "Case"), "to": scalar(new)});
                if !old.is_null() {
                    e["from"] = scalar(old);
                }
                push(at, with_id(e));
            }
        }
    }
    // A closed (or stopped) case whose history does not say when: the record's own date says
    // it; without one, the case would be imported as open (running), which it is not.
    if !closes && boolean(map, record, "IsClosed")? == Some(true) {
        let at = optional_datetime(map, record, "ClosedDate")?.ok_or_else(|| {
            unsupported(
                record,
                "ClosedDate",
                "missing on a closed case (IsClosed is true) whose history has no change into a closed status: query ClosedDate, or the case's Status history",
            )
        })?;
        push(at, json!({"at": instant_text(at), "type": "closed"}));
    }
    if !stops && boolean(map, record, "IsStopped")? == Some(true) {
        let at = optional_datetime(map, record, "StopStartDate")?.ok_or_else(|| {
            unsupported(
                record,
                "StopStartDate",
                "missing on a stopped case (IsStopped is true) whose history has no IsStopped change: query StopStartDate, or the case's IsStopped history",
            )
        })?;
        push(at, json!({"at": instant_text(at), "type": "stop"}));
    }
    for (row_label, row) in milestones {
        let name = related(row, "MilestoneType", "Name").ok_or_else(|| {
            unsupported(
                row_label,
                "MilestoneType.Name",
                "missing: query MilestoneType.Name with the CaseMilestone rows",
            )
        })?;
        let rid = text(row, "Id");
        let start = datetime(row, row_label, "StartDate")?;
        let mut e = json!({"at": instant_text(start), "type": started_event(name)});
        if let Some(rid) = rid {
            e["id"] = json!(format!("{rid}:start"));
        }
        push(start, e);
        if let Some(done) = optional_datetime(row, row_label, "CompletionDate")? {
            let mut e = json!({"at": instant_text(done), "type": completed_event(name)});
            if let Some(rid) = rid {
                e["id"] = json!(format!("{rid}:complete"));
            }
            push(done, e);
        }
    }
    for e in &events {
        if e.at < created {
            return Err(unsupported(
                record,
                "CreatedDate",
                format!(
                    "an event of the case ({}) precedes its creation ({})",
                    instant_text(e.at),
                    instant_text(created)
                ),
            ));
        }
    }
    events.sort_by_key(|e| (e.at, e.order));
    let mut doc = Map::new();
    doc.insert("id".into(), json!(id));
    if let Some(e) = optional_str(map, record, "EntitlementId")? {
        doc.insert("entitlement".into(), json!(e));
    }
    doc.insert("created_at".into(), json!(instant_text(created)));
    doc.insert("fields".into(), Value::Object(fields));
    doc.insert(
        "events".into(),
        Value::Array(events.into_iter().map(|e| e.event).collect()),
    );
    Ok(Value::Object(doc))
}
