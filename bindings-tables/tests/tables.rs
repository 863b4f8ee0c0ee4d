//! The tables of a real monitor run (the product's sample rules and cases): every schema
//! stable, every row built, and the cells equal to the core's values, through an IPC round trip.

use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, DurationMicrosecondType, TimestampMicrosecondType, UInt32Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{Case, MonitorReport, Ruleset};
use entitlement_tables::{JSON_EXTENSION, Table, report_table};
use serde_json::Value;

fn sample() -> MonitorReport {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let rules = Ruleset::load(repo.join("examples/data/rules.yaml")).unwrap();
    let data: Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("examples/data/cases.json")).unwrap(),
    )
    .unwrap();
    let now: DateTime<Utc> = data["now"].as_str().unwrap().parse().unwrap();
    let cases = data["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case::from_value(c).unwrap())
        .collect::<Vec<_>>();
    rules
        .monitor(&cases, now, Some(now - TimeDelta::days(2)))
        .unwrap()
}

fn names(table: Table) -> Vec<String> {
    table
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a Arc<dyn Array> {
    batch.column_by_name(name).unwrap()
}

fn text(batch: &RecordBatch, name: &str, row: usize) -> Option<String> {
    let c = column(batch, name).as_string::<i32>();
    c.is_valid(row).then(|| c.value(row).to_owned())
}

fn micros(batch: &RecordBatch, name: &str, row: usize) -> Option<i64> {
    let c = column(batch, name);
    if c.is_null(row) {
        return None;
    }
    Some(match c.data_type() {
        DataType::Timestamp(..) => c.as_primitive::<TimestampMicrosecondType>().value(row),
        _ => c.as_primitive::<DurationMicrosecondType>().value(row),
    })
}

fn list(batch: &RecordBatch, name: &str, row: usize) -> Vec<String> {
    let c = column(batch, name).as_list::<i32>().value(row);
    let s = c.as_string::<i32>();
    (0..s.len()).map(|i| s.value(i).to_owned()).collect()
}

/// Through an IPC stream and back: what the Node binding hands out.
fn round_trip(batch: &RecordBatch) -> RecordBatch {
    let mut bytes = Vec::new();
    {
        let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut bytes, &batch.schema()).unwrap();
        w.write(batch).unwrap();
        w.finish().unwrap();
    }
    let mut r = arrow_ipc::reader::StreamReader::try_new(&bytes[..], None).unwrap();
    let back = r.next().unwrap().unwrap();
    assert!(r.next().is_none());
    back
}

#[test]
fn every_table_has_one_documented_layout() {
    // The column lists of docs/binding-contract.md, in order: a change here is a change of a
    // public layout (Python's to_pandas and Arrow calls, Node's toArrow).
    let expected: [(Table, &str); 6] = [
        (
            Table::Statuses,
            "case_id entitlement process process_version milestone kind instance state calendar \
             started_at target target_at completed_at elapsed paused remaining consumed crossed \
             next_trigger_at breached_at",
        ),
        (
            Table::Events,
            "key kind level at case_id entitlement process milestone instance point actions \
             suppressed suppressed_by account_id account_name state target_at remaining consumed \
             quota_name quota_period quota_period_start quota_max_cases quota_fraction quota_used",
        ),
        (
            Table::Alerts,
            "key kind level at title summary case_id entitlement milestone instance account_id \
             account_name arr renewal_date executive_sponsor csm contacts deadline_utc \
             deadline_local time_zone business_left wall_left actions keys arr_text deliveries",
        ),
        (
            Table::Accounts,
            "account_id name arr renewal_date entitlements cases breaches near_misses at_risk \
             projected_over over_quota_periods chronic_over_consumer",
        ),
        (
            Table::Outcomes,
            "case_id account_id account_name entitlement process process_version tier milestone \
             kind instance calendar started_at target_at completed_at breached_at outcome \
             near_miss target elapsed margin margin_wall month quarter reporting_time_zone",
        ),
        (
            Table::AccountPeriods,
            "account_id account_name period_start period_end entitlements cases met late \
             violated open breaches near_misses attainment attainment_by_milestone \
             first_response_p50 first_response_p90 resolution_p50 resolution_p90 cases_used \
             cases_allowed projected_over chronic_over_consumer over_quota_periods arr \
             renewal_date days_to_renewal executive_sponsor csm usage",
        ),
    ];
    for (table, columns) in expected {
        assert_eq!(names(table), columns.split_whitespace().collect::<Vec<_>>());
        assert_eq!(Table::from_name(table.name(), "table").unwrap(), table);
        for f in table.schema().fields() {
            // One convention per kind of value, in every table.
            match f.data_type() {
                DataType::Timestamp(unit, zone) => {
                    assert_eq!(
                        (unit, zone.as_deref()),
                        (&TimeUnit::Microsecond, Some("UTC"))
                    )
                }
                DataType::Duration(unit) => assert_eq!(unit, &TimeUnit::Microsecond),
                DataType::Utf8
                | DataType::UInt32
                | DataType::Float64
                | DataType::Boolean
                | DataType::Date32 => {}
                DataType::Int64 => assert_eq!(f.name(), "days_to_renewal"),
                DataType::List(item) => assert_eq!(item.data_type(), &DataType::Utf8),
                other => panic!("{}.{}: unexpected type {other}", table.name(), f.name()),
            }
            if f.metadata().get("ARROW:extension:name").map(String::as_str) == Some(JSON_EXTENSION)
            {
                assert_eq!(f.data_type(), &DataType::Utf8);
                assert!(f.is_nullable());
            }
        }
    }
    let err = Table::from_name("cases", "table").unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    assert!(err.to_string().contains(
        r#""events", "alerts", "statuses", "accounts", "outcomes" or "account_periods""#
    ));
}

#[test]
fn the_tables_of_a_real_report_hold_its_values() {
    let report = sample();
    let us = |t: DateTime<Utc>| t.timestamp_micros();
    let d = |t: TimeDelta| t.num_microseconds().unwrap();

    let statuses = round_trip(&report_table(&report, Table::Statuses).unwrap());
    assert_eq!(statuses.schema(), Table::Statuses.schema());
    let open = report.statuses();
    assert!(!open.is_empty());
    assert_eq!(statuses.num_rows(), open.len());
    for (i, (s, place)) in open.iter().zip(&report.open).enumerate() {
        let case = &report.cases[place.case as usize];
        assert_eq!(
            text(&statuses, "case_id", i).as_deref(),
            Some(s.case_id.as_str())
        );
        assert_eq!(text(&statuses, "entitlement", i), case.entitlement);
        assert_eq!(
            text(&statuses, "state", i).as_deref(),
            Some(s.state.as_str())
        );
        assert_eq!(micros(&statuses, "target_at", i), s.target_at.map(us));
        assert_eq!(micros(&statuses, "elapsed", i), Some(d(s.elapsed)));
        assert_eq!(micros(&statuses, "remaining", i), s.remaining.map(d));
        let instance = column(&statuses, "instance").as_primitive::<UInt32Type>();
        assert_eq!(instance.value(i), s.instance);
        let crossed: Vec<_> = s.crossed.iter().map(|l| l.as_str().to_owned()).collect();
        assert_eq!(list(&statuses, "crossed", i), crossed);
    }

    let events = round_trip(&report_table(&report, Table::Events).unwrap());
    assert_eq!(events.num_rows(), report.events.len());
    assert!(!report.events.is_empty());
    for (i, e) in report.events.iter().enumerate() {
        assert_eq!(text(&events, "key", i).as_deref(), Some(e.key.as_str()));
        assert_eq!(micros(&events, "at", i), Some(us(e.at)));
        assert_eq!(list(&events, "actions", i), e.actions);
        // A passed-through value is its JSON text.
        let id = text(&events, "account_id", i).map(|t| serde_json::from_str::<Value>(&t).unwrap());
        assert_eq!(id.as_ref(), e.account.get("id").filter(|v| !v.is_null()));
        let state = e.status.as_ref().map(|s| s.state.as_str().to_owned());
        assert_eq!(text(&events, "state", i), state);
        let start = column(&events, "quota_period_start").as_primitive::<Date32Type>();
        let expected = e.quota.as_ref().and_then(|q| q.period_start);
        assert_eq!(
            start.is_valid(i).then(|| start.value_as_date(i).unwrap()),
            expected
        );
    }

    let alerts = round_trip(&report_table(&report, Table::Alerts).unwrap());
    assert_eq!(alerts.num_rows(), report.alerts.len());
    for (i, a) in report.alerts.iter().enumerate() {
        assert_eq!(text(&alerts, "title", i).as_deref(), Some(a.title.as_str()));
        assert_eq!(micros(&alerts, "deadline_utc", i), a.deadline_utc.map(us));
        assert_eq!(micros(&alerts, "business_left", i), a.business_left.map(d));
        let arr = text(&alerts, "arr", i).map(|t| serde_json::from_str::<Value>(&t).unwrap());
        assert_eq!(arr, a.arr.clone().filter(|v| !v.is_null()));
        let deliveries = text(&alerts, "deliveries", i).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&deliveries).unwrap(),
            serde_json::to_value(&a.deliveries).unwrap()
        );
    }

    let accounts = round_trip(&report_table(&report, Table::Accounts).unwrap());
    assert_eq!(accounts.num_rows(), report.accounts.len());
    for (i, a) in report.accounts.iter().enumerate() {
        assert_eq!(
            text(&accounts, "account_id", i).as_deref(),
            Some(a.account_id.as_str())
        );
        assert_eq!(list(&accounts, "entitlements", i), a.entitlements);
        let cases = column(&accounts, "cases").as_primitive::<UInt32Type>();
        assert_eq!(cases.value(i), a.cases);
        let over = column(&accounts, "over_quota_periods").as_primitive::<UInt32Type>();
        assert_eq!(over.value(i) as usize, a.over_quota_periods.len());
    }
}

#[test]
fn empty_tables_keep_their_schema() {
    for table in Table::ALL {
        let batch = match table {
            Table::Statuses => entitlement_tables::statuses(&[]),
            Table::Events => entitlement_tables::events(&[]),
            Table::Alerts => entitlement_tables::alerts(&[]),
            Table::Accounts => entitlement_tables::accounts(&[]),
            Table::Outcomes => entitlement_tables::outcomes(&[]),
            Table::AccountPeriods => entitlement_tables::account_periods(&[]),
        }
        .unwrap();
        assert_eq!(batch.num_rows(), 0);
        assert_eq!(round_trip(&batch).schema(), table.schema());
    }
}

#[test]
fn the_outcome_and_account_period_tables_hold_the_reports_rows() {
    let report = sample();
    let us = |t: DateTime<Utc>| t.timestamp_micros();
    let d = |t: TimeDelta| t.num_microseconds().unwrap();

    let rows = report.outcomes();
    assert!(rows.iter().any(|r| r.near_miss));
    let outcomes = round_trip(&report_table(&report, Table::Outcomes).unwrap());
    assert_eq!(outcomes.schema(), Table::Outcomes.schema());
    assert_eq!(outcomes.num_rows(), rows.len());
    let near = column(&outcomes, "near_miss").as_boolean();
    for (i, o) in rows.iter().enumerate() {
        assert_eq!(
            text(&outcomes, "case_id", i).as_deref(),
            Some(o.case_id.as_str())
        );
        assert_eq!(text(&outcomes, "account_id", i), o.account_id);
        assert_eq!(text(&outcomes, "tier", i), o.tier);
        assert_eq!(
            text(&outcomes, "outcome", i).as_deref(),
            Some(o.outcome.as_str())
        );
        assert_eq!(near.value(i), o.near_miss);
        assert_eq!(micros(&outcomes, "started_at", i), o.started_at.map(us));
        assert_eq!(micros(&outcomes, "breached_at", i), o.breached_at.map(us));
        assert_eq!(micros(&outcomes, "target", i), o.target.map(d));
        assert_eq!(micros(&outcomes, "elapsed", i), Some(d(o.elapsed)));
        assert_eq!(micros(&outcomes, "margin", i), o.margin.map(d));
        assert_eq!(micros(&outcomes, "margin_wall", i), o.margin_wall.map(d));
        assert_eq!(text(&outcomes, "month", i), o.month);
        assert_eq!(text(&outcomes, "quarter", i), o.quarter);
        assert_eq!(
            text(&outcomes, "reporting_time_zone", i).as_deref(),
            Some(o.reporting_time_zone.as_str())
        );
    }

    // A period: the rows of `outcomes_between`, and the account periods over it.
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    );
    let days =
        entitlement_tables::period_table(&report, Table::Outcomes, Some(from), Some(to)).unwrap();
    assert_eq!(days.num_rows(), report.outcomes_between(from, to).len());
    assert!(0 < days.num_rows() && days.num_rows() < rows.len());

    let periods = report.account_periods(Some(from), Some(to));
    let table = round_trip(
        &entitlement_tables::period_table(&report, Table::AccountPeriods, Some(from), Some(to))
            .unwrap(),
    );
    assert_eq!(table.schema(), Table::AccountPeriods.schema());
    assert_eq!(table.num_rows(), periods.len());
    let count = |name: &str, i: usize| column(&table, name).as_primitive::<UInt32Type>().value(i);
    for (i, p) in periods.iter().enumerate() {
        assert_eq!(
            text(&table, "account_id", i).as_deref(),
            Some(p.account_id.as_str())
        );
        assert_eq!(list(&table, "entitlements", i), p.entitlements);
        assert_eq!(
            (
                count("cases", i),
                count("met", i),
                count("late", i),
                count("violated", i)
            ),
            (p.cases, p.met, p.late, p.violated)
        );
        assert_eq!(
            (count("breaches", i), count("near_misses", i)),
            (p.breaches, p.near_misses)
        );
        let start = column(&table, "period_start").as_primitive::<Date32Type>();
        assert_eq!(start.value_as_date(i), Some(from));
        let attainment =
            column(&table, "attainment").as_primitive::<arrow_array::types::Float64Type>();
        assert_eq!(
            attainment.is_valid(i).then(|| attainment.value(i)),
            p.attainment
        );
        assert_eq!(
            micros(&table, "first_response_p90", i),
            p.first_response_p90.map(d)
        );
        assert_eq!(micros(&table, "resolution_p50", i), p.resolution_p50.map(d));
        let by = text(&table, "attainment_by_milestone", i).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&by).unwrap(),
            serde_json::to_value(&p.attainment_by_milestone).unwrap()
        );
        // As text: a float read back by serde_json may differ in its last digit.
        let usage = text(&table, "usage", i).unwrap();
        assert_eq!(usage, serde_json::to_value(&p.usage).unwrap().to_string());
        let renewal = column(&table, "renewal_date").as_primitive::<Date32Type>();
        assert_eq!(
            renewal
                .is_valid(i)
                .then(|| renewal.value_as_date(i).unwrap()),
            p.renewal_date
        );
        let days =
            column(&table, "days_to_renewal").as_primitive::<arrow_array::types::Int64Type>();
        assert_eq!(days.is_valid(i).then(|| days.value(i)), p.days_to_renewal);
        assert_eq!(text(&table, "csm", i), p.csm);
        assert_eq!(text(&table, "executive_sponsor", i), p.executive_sponsor);
    }
    assert!(periods.iter().any(|p| p.csm.is_some()));
    assert!(periods.iter().any(|p| p.executive_sponsor.is_some()));
}
