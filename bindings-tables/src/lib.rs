//! The flat tables of Entitlement's results, one Arrow layout per result, shared by the
//! bindings: Python's `Ruleset.evaluate_arrow` / `monitor_arrow` and `MonitorReport.to_pandas`,
//! Node's `evaluateArrow` / `monitorArrow` / `MonitorReport.toArrow`.
//!
//! Each [`Table`] has one schema ([`Table::schema`]) and one builder from the core's result
//! values ([`statuses`], [`events`], [`alerts`], [`accounts`], [`outcomes`],
//! [`account_periods`]); a binding only hands the
//! [`RecordBatch`] over (the C data interface in Python, IPC bytes in Node, [`ipc_stream`]).
//! The columns are listed in `docs/binding-contract.md`. Conventions, the same in every table:
//!
//! - instants are `timestamp[us, UTC]`, durations `duration[us]`, dates `date32`;
//! - counts, instances and versions are `uint32` (nullable where a row may have none);
//! - lists of names (levels, actions, entitlement ids) are `list<utf8>`;
//! - a value passed through from the rules' account context as written (ARR, renewal date,
//!   contacts, ...) is its JSON text in a column of Arrow's canonical `arrow.json` extension
//!   type (storage `utf8`), since such a value may be a number in one account and a list in the
//!   next; a JSON `null` is a null cell.
//!
//! The outcomes and account periods tables may cover a period ([`period_table`]); the files
//! of the CLI's `export` flatten them for warehouses (the `files` feature, [`files`]).
//!
//! ```
//! use entitlement_core::rules::Ruleset;
//! use entitlement_tables::{Table, report_table};
//!
//! let rules = Ruleset::from_json(r#"{
//!     "processes": [{"id": "p", "milestones": [
//!         {"name": "FR", "kind": "first_response", "target": "1h"}]}],
//!     "entitlements": [{"id": "e", "process": "p", "account": {"id": "A-1"}}]}"#)?;
//! let case = entitlement_core::rules::Case::from_value(&serde_json::json!(
//!     {"id": "C-1", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}))?;
//! let now = "2026-11-25T10:40:00Z".parse()?;
//! let report = rules.monitor(&[case], now, None)?;
//! let batch = report_table(&report, Table::Statuses)?;
//! assert_eq!(batch.num_rows(), 1);
//! assert_eq!(batch.schema(), Table::Statuses.schema());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::ArrayRef;
/// The Arrow record batch every table is (re-exported for the writers of files).
pub use arrow_array::RecordBatch;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, DurationMicrosecondBuilder, Float64Builder, Int64Builder,
    ListBuilder, StringBuilder, TimestampMicrosecondBuilder, UInt32Builder,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use entitlement_core::rules::{
    AccountPeriod, AccountRollup, Alert, CaseEvaluation, MilestoneOutcome, MilestoneStatus,
    MonitorEvent, MonitorReport,
};
use entitlement_core::{Error, Result};
use serde_json::Value;

/// The tables of a result. Each has one Arrow schema, whatever the binding or the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// One row per milestone instance, with its case's coverage (entitlement, process).
    Statuses,
    /// One row per monitor event (trigger, breach, quota, allowance), with the milestone's
    /// status at `now` and the quota side flattened.
    Events,
    /// One row per alert, with the account context flattened.
    Alerts,
    /// One row per account rollup (its scalar fields).
    Accounts,
    /// One row per started milestone occurrence and its outcome: the breach and near-miss log
    /// (`MonitorReport::outcomes`).
    Outcomes,
    /// One row per account over a period (`MonitorReport::account_periods`).
    AccountPeriods,
}

impl Table {
    /// Every table, in the order the docs list them.
    pub const ALL: [Table; 6] = [
        Table::Statuses,
        Table::Events,
        Table::Alerts,
        Table::Accounts,
        Table::Outcomes,
        Table::AccountPeriods,
    ];

    /// The table's name, as the bindings take it (`"statuses"`, `"events"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Table::Statuses => "statuses",
            Table::Events => "events",
            Table::Alerts => "alerts",
            Table::Accounts => "accounts",
            Table::Outcomes => "outcomes",
            Table::AccountPeriods => "account_periods",
        }
    }

    /// The table named `name`; `invalid_value` (at `path`, the argument's name) for another
    /// name. The message lists the report's tables in the order `to_pandas` always gave them.
    ///
    /// ```
    /// use entitlement_tables::Table;
    /// assert_eq!(Table::from_name("alerts", "table")?, Table::Alerts);
    /// let err = Table::from_name("cases", "table").unwrap_err();
    /// assert_eq!(err.code(), "invalid_value");
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn from_name(name: &str, path: &str) -> Result<Table> {
        Table::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                Error::InvalidValue {
                    path: path.into(),
                    reason: format!(
                        "unknown table {name:?}; expected \"events\", \"alerts\", \"statuses\", \
                         \"accounts\", \"outcomes\" or \"account_periods\""
                    ),
                }
                .in_argument()
            })
    }

    /// The table's columns.
    pub fn schema(self) -> SchemaRef {
        Arc::new(Schema::new(match self {
            Table::Statuses => status_fields(),
            Table::Events => event_fields(),
            Table::Alerts => alert_fields(),
            Table::Accounts => account_fields(),
            Table::Outcomes => outcome_fields(),
            Table::AccountPeriods => account_period_fields(),
        }))
    }
}

/// The name of Arrow's canonical extension type for JSON text.
pub const JSON_EXTENSION: &str = "arrow.json";

fn utc() -> Option<Arc<str>> {
    Some("UTC".into())
}

fn instant(name: &str, nullable: bool) -> Field {
    Field::new(
        name,
        DataType::Timestamp(TimeUnit::Microsecond, utc()),
        nullable,
    )
}

fn duration(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Duration(TimeUnit::Microsecond), nullable)
}

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn count(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::UInt32, nullable)
}

fn names(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        false,
    )
}

/// A value passed through from the account context: JSON text, `arrow.json`.
fn json(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true).with_metadata(HashMap::from([
        ("ARROW:extension:name".to_owned(), JSON_EXTENSION.to_owned()),
        ("ARROW:extension:metadata".to_owned(), String::new()),
    ]))
}

fn status_fields() -> Vec<Field> {
    vec![
        text("case_id", false),
        text("entitlement", true),
        text("process", true),
        count("process_version", true),
        text("milestone", false),
        text("kind", false),
        count("instance", false),
        text("state", false),
        text("calendar", true),
        instant("started_at", true),
        duration("target", true),
        instant("target_at", true),
        instant("completed_at", true),
        duration("elapsed", false),
        duration("paused", false),
        duration("remaining", true),
        Field::new("consumed", DataType::Float64, true),
        names("crossed"),
        instant("next_trigger_at", true),
        instant("breached_at", true),
    ]
}

fn event_fields() -> Vec<Field> {
    vec![
        text("key", false),
        text("kind", false),
        text("level", false),
        instant("at", false),
        text("case_id", true),
        text("entitlement", true),
        text("process", true),
        text("milestone", true),
        count("instance", true),
        text("point", true),
        names("actions"),
        Field::new("suppressed", DataType::Boolean, false),
        text("suppressed_by", true),
        json("account_id"),
        json("account_name"),
        text("state", true),
        instant("target_at", true),
        duration("remaining", true),
        Field::new("consumed", DataType::Float64, true),
        text("quota_name", true),
        text("quota_period", true),
        Field::new("quota_period_start", DataType::Date32, true),
        count("quota_max_cases", true),
        Field::new("quota_fraction", DataType::Float64, true),
        count("quota_used", true),
    ]
}

fn alert_fields() -> Vec<Field> {
    vec![
        text("key", false),
        text("kind", false),
        text("level", false),
        instant("at", false),
        text("title", false),
        text("summary", false),
        text("case_id", true),
        text("entitlement", true),
        text("milestone", true),
        count("instance", true),
        text("account_id", true),
        text("account_name", true),
        json("arr"),
        json("renewal_date"),
        json("executive_sponsor"),
        json("csm"),
        json("contacts"),
        instant("deadline_utc", true),
        text("deadline_local", true),
        text("time_zone", true),
        duration("business_left", true),
        duration("wall_left", true),
        names("actions"),
        names("keys"),
        text("arr_text", true),
        json("deliveries"),
    ]
}

fn account_fields() -> Vec<Field> {
    vec![
        text("account_id", false),
        text("name", true),
        json("arr"),
        json("renewal_date"),
        names("entitlements"),
        count("cases", false),
        count("breaches", false),
        count("near_misses", false),
        count("at_risk", false),
        Field::new("projected_over", DataType::Boolean, false),
        count("over_quota_periods", false),
        Field::new("chronic_over_consumer", DataType::Boolean, false),
    ]
}

fn outcome_fields() -> Vec<Field> {
    vec![
        text("case_id", false),
        text("account_id", true),
        text("account_name", true),
        text("entitlement", true),
        text("process", true),
        count("process_version", true),
        text("tier", true),
        text("milestone", false),
        text("kind", false),
        count("instance", false),
        text("calendar", true),
        instant("started_at", true),
        instant("target_at", true),
        instant("completed_at", true),
        instant("breached_at", true),
        text("outcome", false),
        Field::new("near_miss", DataType::Boolean, false),
        duration("target", true),
        duration("elapsed", false),
        duration("margin", true),
        duration("margin_wall", true),
        text("month", true),
        text("quarter", true),
        text("reporting_time_zone", false),
    ]
}

fn account_period_fields() -> Vec<Field> {
    vec![
        text("account_id", false),
        text("account_name", true),
        Field::new("period_start", DataType::Date32, true),
        Field::new("period_end", DataType::Date32, true),
        names("entitlements"),
        count("cases", false),
        count("met", false),
        count("late", false),
        count("violated", false),
        count("open", false),
        count("breaches", false),
        count("near_misses", false),
        Field::new("attainment", DataType::Float64, true),
        json("attainment_by_milestone"),
        duration("first_response_p50", true),
        duration("first_response_p90", true),
        duration("resolution_p50", true),
        duration("resolution_p90", true),
        count("cases_used", false),
        count("cases_allowed", true),
        Field::new("projected_over", DataType::Boolean, false),
        Field::new("chronic_over_consumer", DataType::Boolean, false),
        count("over_quota_periods", false),
        Field::new("arr", DataType::Float64, true),
        Field::new("renewal_date", DataType::Date32, true),
        Field::new("days_to_renewal", DataType::Int64, true),
        text("executive_sponsor", true),
        text("csm", true),
        json("usage"),
    ]
}

fn us(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Microseconds of a duration; one too long for an `i64` of microseconds (about 292,000
/// years, far past any instant the core accepts) saturates.
fn delta(d: TimeDelta) -> i64 {
    d.num_microseconds().unwrap_or(i64::MAX)
}

fn days(d: NaiveDate) -> i32 {
    // Every date the core holds is within years 1..=9999: the day count fits.
    (d - DateTime::<Utc>::UNIX_EPOCH.date_naive()).num_days() as i32
}

fn instants(n: usize) -> TimestampMicrosecondBuilder {
    TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC")
}

fn strings(n: usize, bytes: usize) -> StringBuilder {
    StringBuilder::with_capacity(n, n * bytes)
}

/// A passed-through value as its JSON text (`null` as a null cell).
fn append_json(b: &mut StringBuilder, v: Option<&Value>) {
    match v {
        None | Some(Value::Null) => b.append_null(),
        Some(v) => b.append_value(v.to_string()),
    }
}

fn append_names<'a>(b: &mut ListBuilder<StringBuilder>, items: impl IntoIterator<Item = &'a str>) {
    for item in items {
        b.values().append_value(item);
    }
    b.append(true);
}

fn count_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn batch(table: Table, columns: Vec<ArrayRef>) -> Result<RecordBatch> {
    // The builders follow the schema column for column; a mismatch is a bug, answered with
    // `internal_error` rather than a panic inside the host.
    RecordBatch::try_new(table.schema(), columns).map_err(|e| Error::Internal {
        reason: format!("building the Arrow table {:?}: {e}", table.name()),
    })
}

/// The statuses table: one row per `(case, status)` pair, the case giving the coverage
/// columns (`entitlement`, `process`, `process_version`).
pub fn statuses(rows: &[(&CaseEvaluation, &MilestoneStatus)]) -> Result<RecordBatch> {
    let n = rows.len();
    let mut case_id = strings(n, 8);
    let mut entitlement = strings(n, 8);
    let mut process = strings(n, 8);
    let mut process_version = UInt32Builder::with_capacity(n);
    let mut milestone = strings(n, 12);
    let mut kind = strings(n, 12);
    let mut instance = UInt32Builder::with_capacity(n);
    let mut state = strings(n, 10);
    let mut calendar = strings(n, 8);
    let mut started_at = instants(n);
    let mut target = DurationMicrosecondBuilder::with_capacity(n);
    let mut target_at = instants(n);
    let mut completed_at = instants(n);
    let mut elapsed = DurationMicrosecondBuilder::with_capacity(n);
    let mut paused = DurationMicrosecondBuilder::with_capacity(n);
    let mut remaining = DurationMicrosecondBuilder::with_capacity(n);
    let mut consumed = Float64Builder::with_capacity(n);
    let mut crossed = ListBuilder::with_capacity(StringBuilder::new(), n);
    let mut next_trigger_at = instants(n);
    let mut breached_at = instants(n);
    for (eval, m) in rows {
        case_id.append_value(&m.case_id);
        entitlement.append_option(eval.entitlement.as_deref());
        process.append_option(eval.process.as_deref());
        process_version.append_option(eval.process_version);
        milestone.append_value(&m.milestone);
        kind.append_value(m.kind.as_str());
        instance.append_value(m.instance);
        state.append_value(m.state.as_str());
        calendar.append_option(m.calendar.as_deref());
        started_at.append_option(m.started_at.map(us));
        target.append_option(m.target.map(delta));
        target_at.append_option(m.target_at.map(us));
        completed_at.append_option(m.completed_at.map(us));
        elapsed.append_value(delta(m.elapsed));
        paused.append_value(delta(m.paused));
        remaining.append_option(m.remaining.map(delta));
        consumed.append_option(m.consumed);
        append_names(&mut crossed, m.crossed.iter().map(|l| l.as_str()));
        next_trigger_at.append_option(m.next_trigger_at.map(us));
        breached_at.append_option(m.breached_at.map(us));
    }
    batch(
        Table::Statuses,
        vec![
            Arc::new(case_id.finish()),
            Arc::new(entitlement.finish()),
            Arc::new(process.finish()),
            Arc::new(process_version.finish()),
            Arc::new(milestone.finish()),
            Arc::new(kind.finish()),
            Arc::new(instance.finish()),
            Arc::new(state.finish()),
            Arc::new(calendar.finish()),
            Arc::new(started_at.finish()),
            Arc::new(target.finish()),
            Arc::new(target_at.finish()),
            Arc::new(completed_at.finish()),
            Arc::new(elapsed.finish()),
            Arc::new(paused.finish()),
            Arc::new(remaining.finish()),
            Arc::new(consumed.finish()),
            Arc::new(crossed.finish()),
            Arc::new(next_trigger_at.finish()),
            Arc::new(breached_at.finish()),
        ],
    )
}

/// The statuses table of every milestone of every case, in the order of `evaluations` and
/// of each case's milestones (`evaluate_arrow`).
pub fn evaluation_statuses(evaluations: &[CaseEvaluation]) -> Result<RecordBatch> {
    let rows: Vec<_> = evaluations
        .iter()
        .flat_map(|e| e.milestones.iter().map(move |m| (e, m)))
        .collect();
    statuses(&rows)
}

/// The events table.
pub fn events(events: &[MonitorEvent]) -> Result<RecordBatch> {
    let n = events.len();
    let mut key = strings(n, 32);
    let mut kind = strings(n, 8);
    let mut level = strings(n, 8);
    let mut at = instants(n);
    let mut case_id = strings(n, 8);
    let mut entitlement = strings(n, 8);
    let mut process = strings(n, 8);
    let mut milestone = strings(n, 12);
    let mut instance = UInt32Builder::with_capacity(n);
    let mut point = strings(n, 4);
    let mut actions = ListBuilder::with_capacity(StringBuilder::new(), n);
    let mut suppressed = BooleanBuilder::with_capacity(n);
    let mut suppressed_by = strings(n, 1);
    let mut account_id = strings(n, 8);
    let mut account_name = strings(n, 8);
    let mut state = strings(n, 10);
    let mut target_at = instants(n);
    let mut remaining = DurationMicrosecondBuilder::with_capacity(n);
    let mut consumed = Float64Builder::with_capacity(n);
    let mut quota_name = strings(n, 1);
    let mut quota_period = strings(n, 1);
    let mut quota_period_start = Date32Builder::with_capacity(n);
    let mut quota_max_cases = UInt32Builder::with_capacity(n);
    let mut quota_fraction = Float64Builder::with_capacity(n);
    let mut quota_used = UInt32Builder::with_capacity(n);
    for e in events {
        let s = e.status.as_deref();
        let q = e.quota.as_ref();
        key.append_value(&e.key);
        kind.append_value(e.kind.as_str());
        level.append_value(e.level.as_str());
        at.append_value(us(e.at));
        case_id.append_option(e.case_id.as_deref());
        entitlement.append_option(e.entitlement.as_deref());
        process.append_option(e.process.as_deref());
        milestone.append_option(e.milestone.as_deref());
        instance.append_option(e.instance);
        point.append_option(e.point.as_deref());
        append_names(&mut actions, e.actions.iter().map(String::as_str));
        suppressed.append_value(e.suppressed);
        suppressed_by.append_option(e.suppressed_by.as_deref());
        append_json(&mut account_id, e.account.get("id"));
        append_json(&mut account_name, e.account.get("name"));
        state.append_option(s.map(|s| s.state.as_str()));
        target_at.append_option(s.and_then(|s| s.target_at).map(us));
        remaining.append_option(s.and_then(|s| s.remaining).map(delta));
        consumed.append_option(s.and_then(|s| s.consumed));
        quota_name.append_option(q.and_then(|q| q.name.as_deref()));
        quota_period.append_option(q.map(|q| q.period.as_str()));
        quota_period_start.append_option(q.and_then(|q| q.period_start).map(days));
        quota_max_cases.append_option(q.map(|q| q.max_cases));
        quota_fraction.append_option(q.map(|q| q.fraction));
        quota_used.append_option(q.map(|q| q.used));
    }
    batch(
        Table::Events,
        vec![
            Arc::new(key.finish()),
            Arc::new(kind.finish()),
            Arc::new(level.finish()),
            Arc::new(at.finish()),
            Arc::new(case_id.finish()),
            Arc::new(entitlement.finish()),
            Arc::new(process.finish()),
            Arc::new(milestone.finish()),
            Arc::new(instance.finish()),
            Arc::new(point.finish()),
            Arc::new(actions.finish()),
            Arc::new(suppressed.finish()),
            Arc::new(suppressed_by.finish()),
            Arc::new(account_id.finish()),
            Arc::new(account_name.finish()),
            Arc::new(state.finish()),
            Arc::new(target_at.finish()),
            Arc::new(remaining.finish()),
            Arc::new(consumed.finish()),
            Arc::new(quota_name.finish()),
            Arc::new(quota_period.finish()),
            Arc::new(quota_period_start.finish()),
            Arc::new(quota_max_cases.finish()),
            Arc::new(quota_fraction.finish()),
            Arc::new(quota_used.finish()),
        ],
    )
}

/// The alerts table.
pub fn alerts(alerts: &[Alert]) -> Result<RecordBatch> {
    let n = alerts.len();
    let mut key = strings(n, 32);
    let mut kind = strings(n, 8);
    let mut level = strings(n, 8);
    let mut at = instants(n);
    let mut title = strings(n, 48);
    let mut summary = strings(n, 96);
    let mut case_id = strings(n, 8);
    let mut entitlement = strings(n, 8);
    let mut milestone = strings(n, 12);
    let mut instance = UInt32Builder::with_capacity(n);
    let mut account_id = strings(n, 8);
    let mut account_name = strings(n, 8);
    let mut arr = strings(n, 8);
    let mut renewal_date = strings(n, 12);
    let mut executive_sponsor = strings(n, 8);
    let mut csm = strings(n, 8);
    let mut contacts = strings(n, 8);
    let mut deadline_utc = instants(n);
    let mut deadline_local = strings(n, 24);
    let mut time_zone = strings(n, 16);
    let mut business_left = DurationMicrosecondBuilder::with_capacity(n);
    let mut wall_left = DurationMicrosecondBuilder::with_capacity(n);
    let mut actions = ListBuilder::with_capacity(StringBuilder::new(), n);
    let mut keys = ListBuilder::with_capacity(StringBuilder::new(), n);
    let mut arr_text = strings(n, 8);
    let mut deliveries = strings(n, 160);
    for a in alerts {
        key.append_value(&a.key);
        kind.append_value(a.kind.as_str());
        level.append_value(a.level.as_str());
        at.append_value(us(a.at));
        title.append_value(&a.title);
        summary.append_value(&a.summary);
        case_id.append_option(a.case_id.as_deref());
        entitlement.append_option(a.entitlement.as_deref());
        milestone.append_option(a.milestone.as_deref());
        instance.append_option(a.instance);
        account_id.append_option(a.account_id.as_deref());
        account_name.append_option(a.account_name.as_deref());
        append_json(&mut arr, a.arr.as_ref());
        append_json(&mut renewal_date, a.renewal_date.as_ref());
        append_json(&mut executive_sponsor, a.executive_sponsor.as_ref());
        append_json(&mut csm, a.csm.as_ref());
        append_json(&mut contacts, a.contacts.as_ref());
        deadline_utc.append_option(a.deadline_utc.map(us));
        deadline_local.append_option(a.deadline_local.as_deref());
        time_zone.append_option(a.time_zone.as_deref());
        business_left.append_option(a.business_left.map(delta));
        wall_left.append_option(a.wall_left.map(delta));
        append_names(&mut actions, a.actions.iter().map(String::as_str));
        append_names(&mut keys, a.keys.iter().map(String::as_str));
        arr_text.append_option(a.arr_text.as_deref());
        let list = serde_json::to_value(&a.deliveries).unwrap_or(Value::Null);
        append_json(&mut deliveries, Some(&list));
    }
    batch(
        Table::Alerts,
        vec![
            Arc::new(key.finish()),
            Arc::new(kind.finish()),
            Arc::new(level.finish()),
            Arc::new(at.finish()),
            Arc::new(title.finish()),
            Arc::new(summary.finish()),
            Arc::new(case_id.finish()),
            Arc::new(entitlement.finish()),
            Arc::new(milestone.finish()),
            Arc::new(instance.finish()),
            Arc::new(account_id.finish()),
            Arc::new(account_name.finish()),
            Arc::new(arr.finish()),
            Arc::new(renewal_date.finish()),
            Arc::new(executive_sponsor.finish()),
            Arc::new(csm.finish()),
            Arc::new(contacts.finish()),
            Arc::new(deadline_utc.finish()),
            Arc::new(deadline_local.finish()),
            Arc::new(time_zone.finish()),
            Arc::new(business_left.finish()),
            Arc::new(wall_left.finish()),
            Arc::new(actions.finish()),
            Arc::new(keys.finish()),
            Arc::new(arr_text.finish()),
            Arc::new(deliveries.finish()),
        ],
    )
}

/// The accounts table: each rollup's scalar fields, its entitlement ids, and the number of
/// over-quota periods (their detail, the per-process attainment and the usage stay in the
/// report's `accounts`).
pub fn accounts(accounts: &[AccountRollup]) -> Result<RecordBatch> {
    let n = accounts.len();
    let mut account_id = strings(n, 8);
    let mut name = strings(n, 12);
    let mut arr = strings(n, 8);
    let mut renewal_date = strings(n, 12);
    let mut entitlements = ListBuilder::with_capacity(StringBuilder::new(), n);
    let mut cases = UInt32Builder::with_capacity(n);
    let mut breaches = UInt32Builder::with_capacity(n);
    let mut near_misses = UInt32Builder::with_capacity(n);
    let mut at_risk = UInt32Builder::with_capacity(n);
    let mut projected_over = BooleanBuilder::with_capacity(n);
    let mut over_quota_periods = UInt32Builder::with_capacity(n);
    let mut chronic = BooleanBuilder::with_capacity(n);
    for a in accounts {
        account_id.append_value(&a.account_id);
        name.append_option(a.name.as_deref());
        append_json(&mut arr, a.arr.as_ref());
        append_json(&mut renewal_date, a.renewal_date.as_ref());
        append_names(&mut entitlements, a.entitlements.iter().map(String::as_str));
        cases.append_value(a.cases);
        breaches.append_value(a.breaches);
        near_misses.append_value(a.near_misses);
        at_risk.append_value(a.at_risk);
        projected_over.append_value(a.projected_over);
        over_quota_periods.append_value(count_of(a.over_quota_periods.len()));
        chronic.append_value(a.chronic_over_consumer);
    }
    batch(
        Table::Accounts,
        vec![
            Arc::new(account_id.finish()),
            Arc::new(name.finish()),
            Arc::new(arr.finish()),
            Arc::new(renewal_date.finish()),
            Arc::new(entitlements.finish()),
            Arc::new(cases.finish()),
            Arc::new(breaches.finish()),
            Arc::new(near_misses.finish()),
            Arc::new(at_risk.finish()),
            Arc::new(projected_over.finish()),
            Arc::new(over_quota_periods.finish()),
            Arc::new(chronic.finish()),
        ],
    )
}

/// The outcomes table: one row per outcome, in the given order (`MonitorReport::outcomes`
/// or `MonitorReport::outcomes_between`).
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let batch = entitlement_tables::outcomes(&report.outcomes())?;
/// assert_eq!(batch.num_rows(), 1);
/// assert_eq!(batch.schema().field(15).name(), "outcome");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn outcomes(rows: &[MilestoneOutcome]) -> Result<RecordBatch> {
    let n = rows.len();
    let mut case_id = strings(n, 8);
    let mut account_id = strings(n, 8);
    let mut account_name = strings(n, 12);
    let mut entitlement = strings(n, 8);
    let mut process = strings(n, 8);
    let mut process_version = UInt32Builder::with_capacity(n);
    let mut tier = strings(n, 4);
    let mut milestone = strings(n, 12);
    let mut kind = strings(n, 12);
    let mut instance = UInt32Builder::with_capacity(n);
    let mut calendar = strings(n, 8);
    let mut started_at = instants(n);
    let mut target_at = instants(n);
    let mut completed_at = instants(n);
    let mut breached_at = instants(n);
    let mut outcome = strings(n, 4);
    let mut near_miss = BooleanBuilder::with_capacity(n);
    let mut target = DurationMicrosecondBuilder::with_capacity(n);
    let mut elapsed = DurationMicrosecondBuilder::with_capacity(n);
    let mut margin = DurationMicrosecondBuilder::with_capacity(n);
    let mut margin_wall = DurationMicrosecondBuilder::with_capacity(n);
    let mut month = strings(n, 7);
    let mut quarter = strings(n, 7);
    let mut zone = strings(n, 16);
    for o in rows {
        case_id.append_value(&o.case_id);
        account_id.append_option(o.account_id.as_deref());
        account_name.append_option(o.account_name.as_deref());
        entitlement.append_option(o.entitlement.as_deref());
        process.append_option(o.process.as_deref());
        process_version.append_option(o.process_version);
        tier.append_option(o.tier.as_deref());
        milestone.append_value(&o.milestone);
        kind.append_value(o.kind.as_str());
        instance.append_value(o.instance);
        calendar.append_option(o.calendar.as_deref());
        started_at.append_option(o.started_at.map(us));
        target_at.append_option(o.target_at.map(us));
        completed_at.append_option(o.completed_at.map(us));
        breached_at.append_option(o.breached_at.map(us));
        outcome.append_value(o.outcome.as_str());
        near_miss.append_value(o.near_miss);
        target.append_option(o.target.map(delta));
        elapsed.append_value(delta(o.elapsed));
        margin.append_option(o.margin.map(delta));
        margin_wall.append_option(o.margin_wall.map(delta));
        month.append_option(o.month.as_deref());
        quarter.append_option(o.quarter.as_deref());
        zone.append_value(&o.reporting_time_zone);
    }
    batch(
        Table::Outcomes,
        vec![
            Arc::new(case_id.finish()),
            Arc::new(account_id.finish()),
            Arc::new(account_name.finish()),
            Arc::new(entitlement.finish()),
            Arc::new(process.finish()),
            Arc::new(process_version.finish()),
            Arc::new(tier.finish()),
            Arc::new(milestone.finish()),
            Arc::new(kind.finish()),
            Arc::new(instance.finish()),
            Arc::new(calendar.finish()),
            Arc::new(started_at.finish()),
            Arc::new(target_at.finish()),
            Arc::new(completed_at.finish()),
            Arc::new(breached_at.finish()),
            Arc::new(outcome.finish()),
            Arc::new(near_miss.finish()),
            Arc::new(target.finish()),
            Arc::new(elapsed.finish()),
            Arc::new(margin.finish()),
            Arc::new(margin_wall.finish()),
            Arc::new(month.finish()),
            Arc::new(quarter.finish()),
            Arc::new(zone.finish()),
        ],
    )
}

/// The account periods table: one row per account period (`MonitorReport::account_periods`);
/// the attainment per milestone and the usage are JSON text (`arrow.json`), the whole account
/// context stays in the report.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let batch = entitlement_tables::account_periods(&report.account_periods(None, None))?;
/// assert_eq!((batch.num_rows(), batch.num_columns()), (1, 29));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn account_periods(rows: &[AccountPeriod]) -> Result<RecordBatch> {
    let n = rows.len();
    let mut account_id = strings(n, 8);
    let mut account_name = strings(n, 12);
    let mut period_start = Date32Builder::with_capacity(n);
    let mut period_end = Date32Builder::with_capacity(n);
    let mut entitlements = ListBuilder::with_capacity(StringBuilder::new(), n);
    let mut cases = UInt32Builder::with_capacity(n);
    let mut met = UInt32Builder::with_capacity(n);
    let mut late = UInt32Builder::with_capacity(n);
    let mut violated = UInt32Builder::with_capacity(n);
    let mut open = UInt32Builder::with_capacity(n);
    let mut breaches = UInt32Builder::with_capacity(n);
    let mut near_misses = UInt32Builder::with_capacity(n);
    let mut attainment = Float64Builder::with_capacity(n);
    let mut by_milestone = strings(n, 160);
    let mut fr50 = DurationMicrosecondBuilder::with_capacity(n);
    let mut fr90 = DurationMicrosecondBuilder::with_capacity(n);
    let mut res50 = DurationMicrosecondBuilder::with_capacity(n);
    let mut res90 = DurationMicrosecondBuilder::with_capacity(n);
    let mut cases_used = UInt32Builder::with_capacity(n);
    let mut cases_allowed = UInt32Builder::with_capacity(n);
    let mut projected_over = BooleanBuilder::with_capacity(n);
    let mut chronic = BooleanBuilder::with_capacity(n);
    let mut over_quota_periods = UInt32Builder::with_capacity(n);
    let mut arr = Float64Builder::with_capacity(n);
    let mut renewal_date = Date32Builder::with_capacity(n);
    let mut days_to_renewal = Int64Builder::with_capacity(n);
    let mut executive_sponsor = strings(n, 8);
    let mut csm = strings(n, 8);
    let mut usage = strings(n, 160);
    for a in rows {
        account_id.append_value(&a.account_id);
        account_name.append_option(a.account_name.as_deref());
        period_start.append_option(a.period_start.map(days));
        period_end.append_option(a.period_end.map(days));
        append_names(&mut entitlements, a.entitlements.iter().map(String::as_str));
        cases.append_value(a.cases);
        met.append_value(a.met);
        late.append_value(a.late);
        violated.append_value(a.violated);
        open.append_value(a.open);
        breaches.append_value(a.breaches);
        near_misses.append_value(a.near_misses);
        attainment.append_option(a.attainment);
        let list = serde_json::to_value(&a.attainment_by_milestone).unwrap_or(Value::Null);
        append_json(&mut by_milestone, Some(&list));
        fr50.append_option(a.first_response_p50.map(delta));
        fr90.append_option(a.first_response_p90.map(delta));
        res50.append_option(a.resolution_p50.map(delta));
        res90.append_option(a.resolution_p90.map(delta));
        cases_used.append_value(a.cases_used);
        cases_allowed.append_option(a.cases_allowed);
        projected_over.append_value(a.projected_over);
        chronic.append_value(a.chronic_over_consumer);
        over_quota_periods.append_value(a.over_quota_periods);
        arr.append_option(a.arr);
        renewal_date.append_option(a.renewal_date.map(days));
        days_to_renewal.append_option(a.days_to_renewal);
        executive_sponsor.append_option(a.executive_sponsor.as_deref());
        csm.append_option(a.csm.as_deref());
        let list = serde_json::to_value(&a.usage).unwrap_or(Value::Null);
        append_json(&mut usage, Some(&list));
    }
    batch(
        Table::AccountPeriods,
        vec![
            Arc::new(account_id.finish()),
            Arc::new(account_name.finish()),
            Arc::new(period_start.finish()),
            Arc::new(period_end.finish()),
            Arc::new(entitlements.finish()),
            Arc::new(cases.finish()),
            Arc::new(met.finish()),
            Arc::new(late.finish()),
            Arc::new(violated.finish()),
            Arc::new(open.finish()),
            Arc::new(breaches.finish()),
            Arc::new(near_misses.finish()),
            Arc::new(attainment.finish()),
            Arc::new(by_milestone.finish()),
            Arc::new(fr50.finish()),
            Arc::new(fr90.finish()),
            Arc::new(res50.finish()),
            Arc::new(res90.finish()),
            Arc::new(cases_used.finish()),
            Arc::new(cases_allowed.finish()),
            Arc::new(projected_over.finish()),
            Arc::new(chronic.finish()),
            Arc::new(over_quota_periods.finish()),
            Arc::new(arr.finish()),
            Arc::new(renewal_date.finish()),
            Arc::new(days_to_renewal.finish()),
            Arc::new(executive_sponsor.finish()),
            Arc::new(csm.finish()),
            Arc::new(usage.finish()),
        ],
    )
}

/// The outcomes or account periods table of a report over the days `from` to `to` (both
/// inclusive, in each case's reporting zone; `None` for an open end). Another table has no
/// period: it is [`report_table`]'s whatever the bounds.
///
/// ```
/// use chrono::NaiveDate;
/// use entitlement_tables::{Table, period_table};
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let december = NaiveDate::from_ymd_opt(2026, 12, 1);
/// assert_eq!(period_table(&report, Table::Outcomes, december, None)?.num_rows(), 0);
/// assert_eq!(period_table(&report, Table::Outcomes, None, december)?.num_rows(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn period_table(
    report: &MonitorReport,
    table: Table,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<RecordBatch> {
    match table {
        Table::Outcomes if from.is_some() || to.is_some() => outcomes(
            &report.outcomes_between(from.unwrap_or(NaiveDate::MIN), to.unwrap_or(NaiveDate::MAX)),
        ),
        Table::AccountPeriods => account_periods(&report.account_periods(from, to)),
        _ => report_table(report, table),
    }
}

/// One table of a monitor report. Its statuses are the open milestones
/// (`MonitorReport::statuses`), at risk first, then breached, then the rest, each with its
/// case's coverage.
pub fn report_table(report: &MonitorReport, table: Table) -> Result<RecordBatch> {
    match table {
        Table::Statuses => {
            let rows: Vec<_> = report
                .open
                .iter()
                .map(|&place| (&report.cases[place.case as usize], report.status(place)))
                .collect();
            statuses(&rows)
        }
        Table::Events => events(&report.events),
        Table::Alerts => alerts(&report.alerts),
        Table::Accounts => accounts(&report.accounts),
        Table::Outcomes => outcomes(&report.outcomes()),
        Table::AccountPeriods => account_periods(&report.account_periods(None, None)),
    }
}

/// The schema metadata key under which `evaluate_arrow` / `monitor_arrow` write the error
/// entries of the cases they left out, as JSON text (a list of `CaseError`s).
pub const ERRORS_KEY: &str = "entitlement.errors";

/// `batch` with `errors` (when there are any) as JSON text in its schema metadata under
/// [`ERRORS_KEY`]; unchanged when there are none.
pub fn with_errors(
    batch: RecordBatch,
    errors: &[entitlement_core::rules::CaseError],
) -> Result<RecordBatch> {
    if errors.is_empty() {
        return Ok(batch);
    }
    let text = serde_json::to_string(errors).map_err(|e| Error::Internal {
        reason: e.to_string(),
    })?;
    let schema = batch
        .schema()
        .as_ref()
        .clone()
        .with_metadata(std::collections::HashMap::from([(
            ERRORS_KEY.to_string(),
            text,
        )]));
    batch
        .with_schema(std::sync::Arc::new(schema))
        .map_err(|e| Error::Internal {
            reason: e.to_string(),
        })
}

/// `batch` as the bytes of an Arrow IPC stream (schema, then one record batch), the form
/// `apache-arrow`'s `tableFromIPC` and pyarrow's `ipc.open_stream` read.
///
/// ```
/// use entitlement_tables::{Table, events, ipc_stream};
/// let bytes = ipc_stream(&events(&[])?)?;
/// let mut reader = arrow_ipc::reader::StreamReader::try_new(&bytes[..], None).unwrap();
/// assert_eq!(reader.schema(), Table::Events.schema());
/// assert_eq!(reader.next().unwrap().unwrap().num_rows(), 0);
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[cfg(feature = "ipc")]
pub fn ipc_stream(batch: &RecordBatch) -> Result<Vec<u8>> {
    let internal = |e: arrow_schema::ArrowError| Error::Internal {
        reason: format!("writing an Arrow IPC stream: {e}"),
    };
    let mut writer =
        arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &batch.schema()).map_err(internal)?;
    writer.write(batch).map_err(internal)?;
    writer.into_inner().map_err(internal)
}

#[cfg(feature = "files")]
pub mod files;
