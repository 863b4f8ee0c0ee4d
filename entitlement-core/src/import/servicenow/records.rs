//! Task rows with their `sys_audit` and `sys_history_line` changes into cases.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::query::{criteria, parse};
use super::{datetime, field, field_name, required, row, rows, stop_event, text_value};
use crate::error::Result;
use crate::import::{Import, Warning, unsupported};
use crate::rules::{Criteria, MAX_MILESTONES};

/// Options of [`cases`].
#[derive(Debug, Clone, Default)]
pub struct CaseOptions {
    /// `sys_history_line` rows (`set.id` or `set`, `field`, `old` / `old_value`, `new` /
    /// `new_value`, `update_time`): changes besides or instead of `sys_audit`.
    pub history: Option<Value>,
    /// The `contract_sla` rows whose stop conditions become the events that complete their
    /// milestones ([`super::stop_event`]).
    pub sla_definitions: Option<Value>,
    /// The task table (the process id) of rows without `sys_class_name`; `incident` when not
    /// given.
    pub table: Option<String>,
}

/// Fields whose changes are not case history: system fields and journal entries.
fn skipped(field: &str) -> bool {
    field.starts_with("sys_") || matches!(field, "work_notes" | "comments" | "DELETED")
}

struct Change {
    record: String,
    key: &'static str,
    at: DateTime<Utc>,
    field: String,
    from: Option<String>,
    to: Option<String>,
}

struct Definition {
    table: String,
    event: String,
    stop: Criteria,
}

/// Cases from ServiceNow task rows (`incident`, or any task table) in the document's case
/// shape: `id` the task's `number` (else its `sys_id`), `process` its table (`sys_class_name`,
/// else `options.table`, else `incident`: the process [`super::sla_definitions`] writes),
/// `created_at` its `opened_at` (else `sys_created_on`), `fields` its values (blank ones left
/// out; `state` as `status`), `meta.sys_id`.
///
/// `audit` holds `sys_audit` rows (`documentkey`, `fieldname`, `oldvalue`, `newvalue`,
/// `sys_created_on`); `options.history` `sys_history_line` rows. Each change of `state` is a
/// `status` event, of another field a `field` event, both with `from` (changes of `sys_`
/// fields, `work_notes` and `comments` are left out; a change given by both tables counts
/// once). Date-times are `YYYY-MM-DD HH:MM:SS` in UTC, as the Table API returns them.
///
/// With `options.sla_definitions`, each definition's stop condition is replayed over the
/// task's history, and the instant it becomes true is a [`super::stop_event`] event.
///
/// ```
/// use entitlement_core::import::servicenow::{self, CaseOptions};
/// use serde_json::json;
///
/// let tasks = json!({"result": [{"sys_id": "t1", "number": "INC0010001", "sys_class_name": "incident",
///     "opened_at": "2026-03-02 14:00:00", "priority": "1", "state": "6"}]});
/// let audit = json!({"result": [{"documentkey": "t1", "fieldname": "state", "oldvalue": "1",
///     "newvalue": "6", "sys_created_on": "2026-03-02 15:00:00"}]});
/// let options = CaseOptions { sla_definitions: Some(json!([{"name": "P1 resolution",
///     "collection": "incident", "duration": "1970-01-01 04:00:00", "stop_condition": "state=6"}])),
///     ..CaseOptions::default() };
/// let import = servicenow::cases(&tasks, Some(&audit), &options)?;
/// let case = &import.document["cases"][0];
/// assert_eq!(case["id"], "INC0010001");
/// assert_eq!(case["events"][0], json!({"at": "2026-03-02T15:00:00Z", "type": "status", "from": "1", "to": "6"}));
/// assert_eq!(case["events"][1], json!({"at": "2026-03-02T15:00:00Z", "type": "stopped.P1_resolution"}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn cases(tasks: &Value, audit: Option<&Value>, options: &CaseOptions) -> Result<Import> {
    let mut warnings = Vec::new();
    let default_table = options.table.as_deref().unwrap_or("incident");

    let mut definitions: Vec<Definition> = Vec::new();
    let mut per_table: HashMap<String, usize> = HashMap::new();
    if let Some(defs) = options.sla_definitions.as_ref().filter(|d| !d.is_null()) {
        for (i, r) in rows(defs, "contract_sla")?.into_iter().enumerate() {
            let (map, record) = row(r, "contract_sla", i, "name")?;
            if field(map, &record, "active")? == Some("false") {
                continue;
            }
            let name = required(map, &record, "name")?;
            let cond = required(map, &record, "stop_condition")?;
            let stop = match criteria(&parse(cond, &record, "stop_condition")?) {
                Some(c) => Criteria::from_value(&c, "stop_condition")?,
                None => continue,
            };
            let table = field(map, &record, "collection")?.unwrap_or("incident");
            // Each definition is a milestone of its table's process: past the engine's limit the
            // ruleset is refused anyway, and every change of a task is matched against each
            // definition of its table, so the count bounds that work too.
            let count = per_table.entry(table.to_string()).or_insert(0usize);
            *count += 1;
            if *count > MAX_MILESTONES {
                return Err(unsupported(
                    &record,
                    "collection",
                    format!(
                        "more than {MAX_MILESTONES} SLA definitions for the table {table:?}; a \
                         process holds at most {MAX_MILESTONES} milestones"
                    ),
                ));
            }
            definitions.push(Definition {
                table: table.to_string(),
                event: stop_event(name),
                stop,
            });
        }
    }

    // The tasks, by sys_id.
    let list = rows(tasks, "task")?;
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut read = Vec::with_capacity(list.len());
    for (i, r) in list.into_iter().enumerate() {
        let table_guess = r
            .get("sys_class_name")
            .and_then(|v| text_value(Some(v)))
            .filter(|t| !t.is_empty())
            .unwrap_or(default_table);
        let (map, record) = row(r, table_guess, i, "number")?;
        let sys_id = required(map, &record, "sys_id")?;
        if by_id.insert(sys_id, read.len()).is_some() {
            return Err(unsupported(
                &record,
                "sys_id",
                format!("two tasks have the sys_id {sys_id:?}"),
            ));
        }
        read.push((map, record, table_guess.to_string()));
    }
    let mut changes: Vec<Vec<Change>> = (0..read.len()).map(|_| Vec::new()).collect();
    let mut orphans = 0usize;
    if let Some(audit) = audit.filter(|a| !a.is_null()) {
        for (i, r) in rows(audit, "sys_audit")?.into_iter().enumerate() {
            let (map, record) = row(r, "sys_audit", i, "fieldname")?;
            let key = required(map, &record, "documentkey")?;
            let Some(&k) = by_id.get(key) else {
                orphans += 1;
                continue;
            };
            let name = required(map, &record, "fieldname")?;
            if skipped(name) {
                continue;
            }
            changes[k].push(Change {
                at: datetime(
                    required(map, &record, "sys_created_on")?,
                    &record,
                    "sys_created_on",
                )?,
                record: record.clone(),
                key: "sys_created_on",
                field: name.to_string(),
                from: field(map, &record, "oldvalue")?.map(str::to_string),
                to: field(map, &record, "newvalue")?.map(str::to_string),
            });
        }
    }
    if let Some(history) = options.history.as_ref().filter(|h| !h.is_null()) {
        for (i, r) in rows(history, "sys_history_line")?.into_iter().enumerate() {
            let (map, record) = row(r, "sys_history_line", i, "field")?;
            let key = match field(map, &record, "set.id")? {
                Some(k) => k,
                None => {
                    return Err(unsupported(
                        &record,
                        "set.id",
                        "missing: a history line names its task through its set (sys_history_set.id); request sysparm_fields=set.id,field,old_value,new_value,update_time",
                    ));
                }
            };
            let Some(&k) = by_id.get(key) else {
                orphans += 1;
                continue;
            };
            let name = required(map, &record, "field")?;
            if skipped(name) {
                continue;
            }
            let value = |internal: &str, shown: &str| -> Result<Option<String>> {
                Ok(match map.get(internal) {
                    Some(_) => field(map, &record, internal)?,
                    None => field(map, &record, shown)?,
                }
                .map(str::to_string))
            };
            changes[k].push(Change {
                at: datetime(
                    required(map, &record, "update_time")?,
                    &record,
                    "update_time",
                )?,
                record: record.clone(),
                key: "update_time",
                field: name.to_string(),
                from: value("old_value", "old")?,
                to: value("new_value", "new")?,
            });
        }
    }
    if orphans > 0 {
        warnings.push(Warning {
            record: "sys_audit / sys_history_line".into(),
            field: "documentkey".into(),
            message: format!("{orphans} changes belong to tasks not given; they were left out"),
        });
    }

    let mut out = Vec::with_capacity(read.len());
    // Each task is matched against its own table's definitions only.
    let mut by_table: HashMap<&str, Vec<&Definition>> = HashMap::new();
    for d in &definitions {
        by_table.entry(d.table.as_str()).or_default().push(d);
    }
    for ((map, record, table), mut changes) in read.into_iter().zip(changes) {
        let mine = by_table.get(table.as_str()).map_or(&[][..], Vec::as_slice);
        out.push(case(map, &record, &table, &mut changes, mine)?);
    }
    Ok(Import {
        document: json!({ "cases": out }),
        warnings,
    })
}

fn text(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn case(
    map: &Map<String, Value>,
    record: &str,
    table: &str,
    changes: &mut [Change],
    definitions: &[&Definition],
) -> Result<Value> {
    let sys_id = required(map, record, "sys_id")?;
    let id = field(map, record, "number")?.unwrap_or(sys_id);
    let created = match field(map, record, "opened_at")? {
        Some(t) => datetime(t, record, "opened_at")?,
        None => datetime(
            required(map, record, "sys_created_on")?,
            record,
            "sys_created_on",
        )?,
    };
    let mut fields = Map::new();
    for (k, v) in map {
        if let Some(s) = text_value(Some(v)).map(str::trim).filter(|s| !s.is_empty()) {
            fields.insert(field_name(k).to_string(), Value::String(s.to_string()));
        }
    }
    changes.sort_by_key(|c| c.at);
    // A change before the task was opened (an `opened_at` set later than the record's
    // creation) cannot be an event of the case: refused, not moved.
    if let Some(c) = changes.first().filter(|c| c.at < created) {
        return Err(unsupported(
            &c.record,
            c.key,
            format!(
                "the change of {} at {} is before the task's opened_at {} ({record}); a case's events follow its creation",
                c.field,
                crate::time::rfc3339(c.at),
                crate::time::rfc3339(created)
            ),
        ));
    }
    // The values at creation: a field's first change's old value, else its value now.
    let mut values: HashMap<String, Value> =
        fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    for c in changes.iter() {
        if seen.insert(&c.field) {
            values.insert(field_name(&c.field).to_string(), text(&c.from));
        }
    }
    let mut events: Vec<Value> = Vec::new();
    // A change seen once: (when, field, old value, new value).
    type ChangeKey<'a> = (DateTime<Utc>, &'a str, Option<&'a str>, Option<&'a str>);
    let mut done: HashSet<ChangeKey> = HashSet::new();
    let holds = |values: &HashMap<String, Value>| -> Vec<bool> {
        definitions
            .iter()
            .map(|d| d.table == table && d.stop.matches(&|f: &str| values.get(f)))
            .collect()
    };
    let mut before = vec![false; definitions.len()];
    let mut stops =
        |at: DateTime<Utc>, values: &HashMap<String, Value>, events: &mut Vec<Value>| {
            let now = holds(values);
            for (k, d) in definitions.iter().enumerate() {
                if now[k] && !before[k] {
                    events.push(json!({"at": crate::time::rfc3339(at), "type": d.event}));
                }
            }
            before = now;
        };
    stops(created, &values, &mut events);
    let mut i = 0;
    while i < changes.len() {
        let at = changes[i].at;
        while i < changes.len() && changes[i].at == at {
            let c = &changes[i];
            i += 1;
            if c.from == c.to || !done.insert((c.at, &c.field, c.from.as_deref(), c.to.as_deref()))
            {
                continue;
            }
            let name = field_name(&c.field);
            let stamp = crate::time::rfc3339(c.at);
            let mut e = if name == "status" {
                // A status is a string: a state changed to blank is no state the engine can
                // pause or exit on (fuzz finding).
                if c.to.is_none() {
                    let key = if c.key == "sys_created_on" {
                        "newvalue"
                    } else {
                        "new_value"
                    };
                    return Err(unsupported(
                        &c.record,
                        key,
                        "the state changed to blank; a case's status is a state value",
                    ));
                }
                let mut e = json!({"at": stamp, "type": "status"});
                if c.from.is_some() {
                    e["from"] = text(&c.from);
                }
                e
            } else {
                let mut e = json!({"at": stamp, "type": "field", "field": name});
                e["from"] = text(&c.from);
                e
            };
            e["to"] = text(&c.to);
            events.push(e);
            values.insert(name.to_string(), text(&c.to));
        }
        stops(at, &values, &mut events);
    }
    Ok(json!({
        "id": id,
        "process": table,
        "created_at": crate::time::rfc3339(created),
        "fields": fields,
        "events": events,
        "meta": {"sys_id": sys_id},
    }))
}
