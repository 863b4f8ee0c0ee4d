//! The pages against the core's tables: on the bundled sample, every figure a page embeds
//! equals the account periods and the outcome rows; hostile names stay text; errors are typed.

use chrono::{DateTime, NaiveDate, Utc};
use entitlement_core::rules::{Case, MonitorReport, Outcome, Ruleset};
use entitlement_report::{ReportError, ReportOptions, portfolio, qbr};
use serde_json::Value;

const RULES: &str = include_str!("../../examples/data/rules.yaml");
const CASES: &str = include_str!("../../examples/data/cases.json");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn sample() -> (Ruleset, MonitorReport) {
    let rules = Ruleset::from_yaml(RULES).unwrap();
    let doc: Value = serde_json::from_str(CASES).unwrap();
    let now: DateTime<Utc> = doc["now"].as_str().unwrap().parse().unwrap();
    let cases: Vec<Case> = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Case::from_value(c).ok())
        .collect();
    let report = rules
        .monitor_with(&cases, now, None, entitlement_core::rules::OnError::Collect)
        .unwrap();
    (rules, report)
}

/// The figures block of a page, parsed back.
fn figures(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"figures\">";
    let start = html.find(open).expect("a figures block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// `value` as the page holds it: written as JSON text and read back (serde_json's default float
/// parsing may differ from the value in the last place).
fn rt<T: serde::Serialize>(value: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

fn secs(d: Option<chrono::TimeDelta>) -> Value {
    rt(&d.map(|d| d.num_microseconds().unwrap() as f64 / 1e6))
}

#[test]
fn the_qbr_figures_equal_the_account_period_and_the_outcome_rows() {
    let (rules, report) = sample();
    let (from, to) = (d("2026-10-01"), d("2026-12-31"));
    let html = qbr(&rules, &report, "A-1", from, to, &ReportOptions::default()).unwrap();
    let f = figures(&html);
    let periods = report.account_periods(Some(from), Some(to));
    let p = periods.iter().find(|p| p.account_id == "A-1").unwrap();
    assert!(
        p.cases > 0 && p.breaches > 0,
        "the sample's quarter has data"
    );

    for (key, want) in [
        ("cases", p.cases),
        ("met", p.met),
        ("late", p.late),
        ("violated", p.violated),
        ("open", p.open),
        ("breaches", p.breaches),
        ("near_misses", p.near_misses),
        ("cases_used", p.cases_used),
        ("over_quota_periods", p.over_quota_periods),
    ] {
        assert_eq!(f[key], serde_json::json!(want), "{key}");
    }
    assert_eq!(f["attainment"], rt(&p.attainment));
    assert_eq!(f["arr"], rt(&p.arr));
    assert_eq!(f["days_to_renewal"], serde_json::json!(p.days_to_renewal));
    assert_eq!(f["csm"], serde_json::json!(p.csm));
    assert_eq!(
        f["executive_sponsor"],
        serde_json::json!(p.executive_sponsor)
    );
    assert_eq!(
        f["first_response"]["p50_seconds"],
        secs(p.first_response_p50)
    );
    assert_eq!(
        f["first_response"]["p90_seconds"],
        secs(p.first_response_p90)
    );
    assert_eq!(f["resolution"]["p50_seconds"], secs(p.resolution_p50));
    assert_eq!(f["resolution"]["p90_seconds"], secs(p.resolution_p90));
    assert_eq!(f["usage"], rt(&p.usage));
    let by_milestone = f["attainment_by_milestone"].as_array().unwrap();
    assert_eq!(by_milestone.len(), p.attainment_by_milestone.len());
    for (shown, m) in by_milestone.iter().zip(&p.attainment_by_milestone) {
        assert_eq!(shown["milestone"], serde_json::json!(m.milestone));
        assert_eq!(shown["met"], serde_json::json!(m.met));
        assert_eq!(shown["late"], serde_json::json!(m.late));
        assert_eq!(shown["violated"], serde_json::json!(m.violated));
        assert_eq!(shown["near_misses"], serde_json::json!(m.near_misses));
        assert_eq!(shown["attainment"], rt(&m.attainment));
    }

    // The log: exactly the account's outcome rows in the period that breached or nearly missed.
    let rows = report.outcomes_between(from, to);
    let mine: Vec<_> = rows
        .iter()
        .filter(|r| r.account_id.as_deref() == Some("A-1"))
        .collect();
    let mut want: Vec<(String, String, u32)> = mine
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Late | Outcome::Violated) || r.near_miss)
        .map(|r| (r.case_id.clone(), r.milestone.clone(), r.instance))
        .collect();
    let mut got: Vec<(String, String, u32)> = f["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["case_id"].as_str().unwrap().to_string(),
                r["milestone"].as_str().unwrap().to_string(),
                r["instance"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);

    // Monthly counts add up to the period's; weekly breaches and near misses too.
    let sum = |key: &str, of: &str| -> u64 {
        f[of]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[key].as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum("met", "monthly"), u64::from(p.met));
    assert_eq!(sum("late", "monthly"), u64::from(p.late));
    assert_eq!(sum("near_misses", "monthly"), u64::from(p.near_misses));
    assert_eq!(sum("breaches", "weekly"), u64::from(p.breaches));
    assert_eq!(sum("near_misses", "weekly"), u64::from(p.near_misses));
    assert_eq!(
        f["months"],
        serde_json::json!(["2026-10", "2026-11", "2026-12"])
    );

    // The distributions count every completed first response with a target.
    let completed = mine
        .iter()
        .filter(|r| {
            r.kind.as_str() == "first_response" && r.completed_at.is_some() && r.target.is_some()
        })
        .count() as u64;
    let buckets: u64 = f["first_response"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(buckets, completed);
}

#[test]
fn the_portfolio_figures_equal_the_account_periods() {
    let (rules, report) = sample();
    let (from, to) = (d("2026-10-01"), d("2026-12-31"));
    let html = portfolio(&rules, &report, from, to, &ReportOptions::default()).unwrap();
    let f = figures(&html);
    let periods = report.account_periods(Some(from), Some(to));
    let shown = f["accounts"].as_array().unwrap();
    assert_eq!(shown.len(), periods.len());
    for p in &periods {
        let a = shown
            .iter()
            .find(|a| a["account_id"] == serde_json::json!(p.account_id))
            .unwrap();
        assert_eq!(a["attainment"], rt(&p.attainment));
        assert_eq!(a["breaches"], serde_json::json!(p.breaches));
        assert_eq!(a["arr"], rt(&p.arr));
        let at_risk = p.breaches > 0 && p.days_to_renewal.is_some_and(|d| (0..=90).contains(&d));
        let listed = f["renewals_at_risk"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(p.account_id));
        assert_eq!(listed, at_risk, "{}", p.account_id);
    }
    assert!(!f["renewals_at_risk"].as_array().unwrap().is_empty());
}

const HOSTILE: &str = r#"
processes: [ { id: p, milestones: [ { name: "FR <b>x</b>", kind: first_response, target: 1h } ] } ]
entitlements:
  - id: e
    process: p
    account:
      id: A-9
      name: "Evil <script>alert(1)</script> & <img src=x onerror=alert(2)>"
      csm: "</script><script>alert(3)</script>"
monitor: { links: { case: "https://crm.example/c/{case_id}" } }
"#;

#[test]
fn a_hostile_account_name_cannot_inject_markup() {
    let rules = Ruleset::from_yaml(HOSTILE).unwrap();
    let case = Case::from_value(&serde_json::json!({
        "id": "C-\"><script>alert(4)</script>", "entitlement": "e",
        "created_at": "2026-11-02T10:00:00Z",
        "events": [{"type": "agent_reply", "at": "2026-11-02T12:00:00Z"}]}))
    .unwrap();
    let report = rules
        .monitor(&[case], "2026-11-25T00:00:00Z".parse().unwrap(), None)
        .unwrap();
    let opts = ReportOptions::default();
    for html in [
        qbr(
            &rules,
            &report,
            "A-9",
            d("2026-11-01"),
            d("2026-11-30"),
            &opts,
        )
        .unwrap(),
        portfolio(&rules, &report, d("2026-11-01"), d("2026-11-30"), &opts).unwrap(),
    ] {
        // The only script element is the JSON data block, closed once.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert_eq!(html.matches("</script>").count(), 1);
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>x"));
        let f = figures(&html);
        assert!(
            f.to_string().contains("alert(1)"),
            "the name is kept, as data"
        );
    }
    let html = qbr(
        &rules,
        &report,
        "A-9",
        d("2026-11-01"),
        d("2026-11-30"),
        &opts,
    )
    .unwrap();
    assert!(html.contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img"));
    // The case id is percent-encoded into the link and escaped as text.
    assert!(html.contains(
        "href=\"https://crm.example/c/C-%22%3E%3Cscript%3Ealert%284%29%3C%2Fscript%3E\""
    ));
}

#[test]
fn an_account_without_cases_gets_a_page_that_says_so() {
    let rules = Ruleset::from_yaml(
        "processes: [ { id: p, milestones: [ { name: FR, kind: first_response, target: 1h } ] } ]\n\
         entitlements: [ { id: e, process: p, account: { id: A-1, name: Quiet, arr: 5000, renewal_date: 2027-01-31 } } ]",
    )
    .unwrap();
    let report = rules
        .monitor(&[], "2026-11-25T00:00:00Z".parse().unwrap(), None)
        .unwrap();
    let html = qbr(
        &rules,
        &report,
        "A-1",
        d("2026-07-01"),
        d("2026-09-30"),
        &Default::default(),
    )
    .unwrap();
    let f = figures(&html);
    assert_eq!(f["cases"], 0);
    assert_eq!(f["arr"], 5000.0);
    assert_eq!(f["days_to_renewal"], 67);
    assert!(html.contains("raised no case"));
    assert!(html.contains("No breach and no near miss in the period."));
}

#[test]
fn errors_are_typed() {
    let (rules, report) = sample();
    let opts = ReportOptions::default();
    let e = qbr(
        &rules,
        &report,
        "A-404",
        d("2026-10-01"),
        d("2026-12-31"),
        &opts,
    )
    .unwrap_err();
    assert_eq!(e.code(), "unknown_account");
    assert!(e.to_string().contains("\"A-1\""), "{e}");
    let e = qbr(
        &rules,
        &report,
        "A-1",
        d("2026-12-31"),
        d("2026-10-01"),
        &opts,
    )
    .unwrap_err();
    assert_eq!(
        e,
        ReportError::InvalidPeriod {
            from: d("2026-12-31"),
            to: d("2026-10-01")
        }
    );
    let e = qbr(
        &rules,
        &report,
        "A-1",
        d("0001-01-01"),
        d("9999-12-31"),
        &opts,
    )
    .unwrap_err();
    assert_eq!(e.code(), "period_too_long");
    // Ten years are fine.
    assert!(
        qbr(
            &rules,
            &report,
            "A-1",
            d("2020-01-01"),
            d("2029-12-31"),
            &opts
        )
        .is_ok()
    );
    for goal in [0.0, -5.0, 100.5, f64::NAN] {
        let e = portfolio(
            &rules,
            &report,
            d("2026-10-01"),
            d("2026-12-31"),
            &ReportOptions { goal },
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_goal");
    }
}

#[test]
fn a_one_day_period_and_a_period_without_data_render() {
    let (rules, report) = sample();
    let opts = ReportOptions::default();
    let html = qbr(
        &rules,
        &report,
        "A-1",
        d("2026-11-16"),
        d("2026-11-16"),
        &opts,
    )
    .unwrap();
    let f = figures(&html);
    assert_eq!(f["months"], serde_json::json!(["2026-11"]));
    assert_eq!(f["weekly"].as_array().unwrap().len(), 1);
    let empty = qbr(
        &rules,
        &report,
        "A-1",
        d("2025-01-01"),
        d("2025-03-31"),
        &opts,
    )
    .unwrap();
    assert_eq!(figures(&empty)["cases"], 0);
}
