//! The outcome and account-period tables (issue 18): the near-miss rule, the reporting zone's
//! days, months and quarters, and the account periods against the rollups and the outcome rows.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use entitlement_core::rules::{Case, MonitorReport, Outcome, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Three entitlements over three reporting zones (New York and Tokyo calendars open round the
/// clock, and a 24×7 process without a zone), two of them of one account; `near_miss` given.
fn rules(near_miss: f64) -> Ruleset {
    let all_day = json!({"mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"],
        "thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"], "sun": ["00:00-24:00"]});
    let milestones = json!([
        {"name": "FR", "kind": "first_response", "target": "1h"},
        {"name": "NR", "kind": "next_response", "recurrence": "independent", "target": "40m"},
        {"name": "Res", "kind": "resolution", "target": "6h"}]);
    Ruleset::from_value(&json!({
        "calendars": {
            "ny": {"time_zone": "America/New_York", "hours": all_day},
            "tokyo": {"time_zone": "Asia/Tokyo", "hours": all_day}},
        "processes": [
            {"id": "p-ny", "calendar": "ny", "milestones": milestones},
            {"id": "p-utc", "milestones": milestones}],
        "entitlements": [
            {"id": "e-ny", "process": "p-ny", "account": {"id": "A-1", "name": "Acme",
                "arr": 120000, "renewal_date": "2027-03-31", "executive_sponsor": {"name": "Kim Lee"},
                "csm": "Ana Silva"}, "cases_per_entitlement": 40},
            {"id": "e-tokyo", "process": "p-utc", "calendar": "tokyo", "account": {"id": "A-1"},
                "cases_per_entitlement": 10},
            {"id": "e-utc", "process": "p-utc", "account": {"id": "B-2", "name": "Globex"}}],
        "monitor": {"near_miss": near_miss}
    }))
    .expect("rules")
}

const ENTITLEMENTS: [&str; 3] = ["e-ny", "e-tokyo", "e-utc"];
const KINDS: [&str; 4] = ["agent_reply", "customer_reply", "solved", "closed"];

/// 2026-06-29 00:00 UTC: cases spread over the next 120 days cross two month ends and a
/// quarter end in every zone.
fn base() -> DateTime<Utc> {
    DateTime::from_timestamp(1_782_691_200, 0).unwrap()
}

fn case(i: usize, entitlement: usize, start: i64, events: &[(usize, i64)]) -> Case {
    let at = |m: i64| (base() + TimeDelta::minutes(m)).to_rfc3339();
    let events: Vec<Value> = events
        .iter()
        .map(|&(k, m)| json!({"at": at(start + m), "type": KINDS[k]}))
        .collect();
    Case::from_value(
        &json!({"id": format!("C-{i}"), "entitlement": ENTITLEMENTS[entitlement],
        "created_at": at(start), "events": events}),
    )
    .expect("case")
}

/// Per account: met, late, violated, open, near misses, and the cases seen.
type Group<'a> = (u32, u32, u32, u32, u32, std::collections::BTreeSet<&'a str>);

type Spec = Vec<(usize, i64, Vec<(usize, i64)>)>;

fn cases_strategy() -> impl Strategy<Value = Spec> {
    prop::collection::vec(
        (
            0..ENTITLEMENTS.len(),
            0i64..120 * 1440,
            prop::collection::vec((0..KINDS.len(), 0i64..600), 0..8),
        ),
        0..24,
    )
}

fn report(spec: &Spec, near_miss: f64) -> MonitorReport {
    let cases: Vec<Case> = spec
        .iter()
        .enumerate()
        .map(|(i, (e, start, events))| case(i, *e, *start, events))
        .collect();
    let now = base() + TimeDelta::days(125);
    rules(near_miss)
        .monitor(&cases, now, None)
        .expect("monitor")
}

fn zone_of(entitlement: &str) -> Tz {
    match entitlement {
        "e-ny" => chrono_tz::America::New_York,
        "e-tokyo" => chrono_tz::Asia::Tokyo,
        _ => chrono_tz::UTC,
    }
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// `outcomes_between(from, to)` is `outcomes()` filtered by the date of `started_at` in
    /// the case's reporting zone (computed here from the entitlement, by date, not instant).
    #[test]
    fn outcomes_between_filters_by_the_start_day_in_the_reporting_zone(
        spec in cases_strategy(),
        from in 0u64..130,
        len in 0u64..100,
    ) {
        let r = report(&spec, 0.1);
        let from = day(6, 25) + chrono::Days::new(from);
        let to = from + chrono::Days::new(len);
        let expected: Vec<_> = r
            .outcomes()
            .into_iter()
            .filter(|o| {
                let zone = zone_of(o.entitlement.as_deref().unwrap());
                let d = o.started_at.unwrap().with_timezone(&zone).date_naive();
                from <= d && d <= to
            })
            .collect();
        prop_assert_eq!(r.outcomes_between(from, to), expected);
        prop_assert!(r.outcomes_between(to + chrono::Days::new(1), from).is_empty());
    }

    /// Every row's month and quarter are those of its start day in its reporting zone, named
    /// in `reporting_time_zone`; `near_miss` holds exactly when the row is met with less than
    /// `near_miss` of its target left; `elapsed` is the status's.
    #[test]
    fn rows_carry_the_zones_month_quarter_and_the_near_miss_rule(
        spec in cases_strategy(),
        near_miss in prop::sample::select(vec![0.05, 0.1, 0.5, 1.0]),
    ) {
        let r = report(&spec, near_miss);
        let statuses: Vec<_> = r
            .cases
            .iter()
            .flat_map(|c| c.milestones.iter())
            .filter(|s| Outcome::of(s.state).is_some())
            .collect();
        let rows = r.outcomes();
        prop_assert_eq!(rows.len(), statuses.len());
        for (o, s) in rows.iter().zip(statuses) {
            let zone = zone_of(o.entitlement.as_deref().unwrap());
            prop_assert_eq!(o.reporting_time_zone.as_str(), zone.name());
            let d = o.started_at.unwrap().with_timezone(&zone).date_naive();
            prop_assert_eq!(o.month.clone(), Some(d.format("%Y-%m").to_string()));
            let q = match d.format("%m").to_string().as_str() {
                "01" | "02" | "03" => 1,
                "04" | "05" | "06" => 2,
                "07" | "08" | "09" => 3,
                _ => 4,
            };
            prop_assert_eq!(o.quarter.clone(), Some(format!("{}-Q{q}", d.format("%Y"))));
            prop_assert_eq!(o.elapsed, s.elapsed);
            let margin = o.margin.unwrap().num_seconds() as f64;
            let target = o.target.unwrap().num_seconds() as f64;
            prop_assert_eq!(
                o.near_miss,
                o.outcome == Outcome::Met && margin < near_miss * target
            );
        }
    }

    /// Without a period the account periods' counts are the rollup's sums, and with or without
    /// one they are the outcome rows of the account's cases grouped; the cases counted are those
    /// with a row in the period.
    #[test]
    fn account_periods_equal_the_rollups_and_the_grouped_outcomes(
        spec in cases_strategy(),
        from in prop::option::of(0u64..130),
        len in prop::option::of(0u64..100),
        near_miss in prop::sample::select(vec![0.1, 0.5]),
    ) {
        let r = report(&spec, near_miss);
        let whole = r.account_periods(None, None);
        prop_assert_eq!(whole.len(), r.accounts.len());
        for (p, a) in whole.iter().zip(&r.accounts) {
            prop_assert_eq!(&p.account_id, &a.account_id);
            prop_assert_eq!(p.cases, a.cases);
            let ms = a.processes.iter().flat_map(|p| p.milestones.iter());
            let sums = ms.fold((0, 0, 0, 0, 0), |s, m| {
                (s.0 + m.met, s.1 + m.late, s.2 + m.violated, s.3 + m.open, s.4 + m.near_misses)
            });
            prop_assert_eq!((p.met, p.late, p.violated, p.open, p.near_misses), sums);
            prop_assert_eq!((p.breaches, p.near_misses), (a.breaches, a.near_misses));
        }

        let from = from.map(|f| day(6, 25) + chrono::Days::new(f));
        let to = len.map(|l| from.unwrap_or(day(6, 25)) + chrono::Days::new(l));
        let rows = match (from, to) {
            (None, None) => r.outcomes(),
            _ => r.outcomes_between(
                from.unwrap_or(NaiveDate::MIN),
                to.unwrap_or(NaiveDate::MAX),
            ),
        };
        let account = |e: &str| if e == "e-utc" { "B-2" } else { "A-1" };
        let mut grouped: BTreeMap<&str, Group<'_>> = BTreeMap::new();
        for o in &rows {
            let g = grouped.entry(account(o.entitlement.as_deref().unwrap())).or_default();
            match o.outcome {
                Outcome::Met => g.0 += 1,
                Outcome::Late => g.1 += 1,
                Outcome::Violated => g.2 += 1,
                Outcome::Open => g.3 += 1,
            }
            g.4 += u32::from(o.near_miss);
            g.5.insert(o.case_id.as_str());
        }
        for p in r.account_periods(from, to) {
            let g = grouped.remove(p.account_id.as_str()).unwrap_or_default();
            prop_assert_eq!((p.met, p.late, p.violated, p.open, p.near_misses), (g.0, g.1, g.2, g.3, g.4));
            prop_assert_eq!(p.breaches, g.1 + g.2);
            if from.is_some() || to.is_some() {
                prop_assert_eq!(p.cases as usize, g.5.len());
            }
            prop_assert_eq!((p.period_start, p.period_end), (from, to));
            let by_milestone: u32 = p.attainment_by_milestone.iter().map(|m| m.met + m.late + m.violated + m.open).sum();
            prop_assert_eq!(by_milestone, p.met + p.late + p.violated + p.open);
        }
        prop_assert!(grouped.is_empty(), "rows of accounts without a period row: {:?}", grouped);
    }
}

#[test]
fn account_periods_carry_the_account_context_usage_and_percentiles() {
    // Two first responses of A-1 answered after 10 and 50 minutes, one resolution after 2h.
    let spec: Spec = vec![
        (0, 0, vec![(0, 10), (2, 120)]),
        (1, 60, vec![(0, 50)]),
        (2, 0, vec![]),
    ];
    let r = report(&spec, 0.2);
    let periods = r.account_periods(None, None);
    let acme = &periods[0];
    assert_eq!(acme.account_id, "A-1");
    assert_eq!(acme.entitlements, ["e-ny", "e-tokyo"]);
    assert_eq!((acme.cases, acme.met), (2, 3));
    // 50 of 60 minutes used: 10 left, under a fifth of the target.
    assert_eq!(acme.near_misses, 1);
    assert_eq!(acme.first_response_p50, Some(TimeDelta::minutes(10)));
    assert_eq!(acme.first_response_p90, Some(TimeDelta::minutes(50)));
    assert_eq!(acme.resolution_p50, Some(TimeDelta::hours(2)));
    assert_eq!(acme.resolution_p90, Some(TimeDelta::hours(2)));
    assert_eq!((acme.cases_used, acme.cases_allowed), (2, Some(50)));
    assert_eq!(acme.arr, Some(120_000.0));
    assert_eq!(
        acme.renewal_date,
        Some(day(3, 31) + chrono::Months::new(12))
    );
    // now: 2026-11-01 00:00 UTC, 2026-10-31 in New York; 151 days to 2027-03-31.
    assert_eq!(acme.days_to_renewal, Some(151));
    assert_eq!(acme.executive_sponsor.as_deref(), Some("Kim Lee"));
    assert_eq!(acme.csm.as_deref(), Some("Ana Silva"));
    assert_eq!(acme.account["name"], "Acme");
    let globex = &periods[1];
    assert_eq!(
        (globex.account_id.as_str(), globex.cases_allowed),
        ("B-2", None)
    );
    assert_eq!((globex.open, globex.attainment), (0, Some(0.0)));
    assert_eq!(globex.violated, 2);
    assert_eq!(globex.first_response_p50, None);
    // A period with none of the account's cases keeps the account's row, with nothing counted.
    let later = r.account_periods(Some(day(10, 1)), Some(day(10, 31)));
    assert_eq!(later.len(), 2);
    assert_eq!(
        (later[0].cases, later[0].met, later[0].attainment),
        (0, 0, None)
    );
    assert_eq!(later[0].cases_used, 2);
}

#[test]
fn near_miss_must_be_a_fraction_above_zero_and_at_most_one() {
    for (bad, code) in [
        (json!(0), "invalid_value"),
        (json!(1.5), "invalid_value"),
        (json!(-0.1), "invalid_value"),
        (json!("10%"), "invalid_type"),
    ] {
        let err = Ruleset::from_value(&json!({"monitor": {"near_miss": bad}})).unwrap_err();
        assert_eq!(err.code(), code, "{bad}");
        assert!(err.to_string().contains("monitor.near_miss"), "{err}");
    }
    let rules = Ruleset::from_value(&json!({"monitor": {"near_miss": 1}})).unwrap();
    assert_eq!(rules.monitor_config().near_miss, 1.0);
    assert_eq!(
        Ruleset::from_value(&json!({}))
            .unwrap()
            .monitor_config()
            .near_miss,
        0.1
    );
}
