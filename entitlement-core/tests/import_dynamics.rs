//! The Dynamics 365 importer against fixtures written from the documented shapes of the
//! Dataverse Web API (`examples/data/import/dynamics/`, hand-computed deadlines in its README),
//! checked against the deadlines Dynamics recorded (`slakpiinstance.failuretime`,
//! `warningtime`).

use chrono::{DateTime, Utc};
use entitlement_core::import::Import;
use entitlement_core::import::dynamics::{self, TIME_ZONE_CODES};
use entitlement_core::rules::Level;
use entitlement_core::{Case, Ruleset};
use serde_json::{Value, json};

use crate::common::at;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../examples/data/import/dynamics/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn pause_options() -> Value {
    json!({"pause_statuses": [2, 3]})
}

fn rules() -> Ruleset {
    let calendars = dynamics::calendars(&fixture("calendars.json"), None).expect("calendars");
    let slas = dynamics::slas(
        &fixture("slas.json"),
        Some(&fixture("slaitems.json")),
        Some(&fixture("slakpis.json")),
        Some(&pause_options()),
    )
    .expect("slas");
    let entitlements = dynamics::entitlements(
        &fixture("entitlements.json"),
        Some(&fixture("entitlementchannels.json")),
        None,
    )
    .expect("entitlements");
    calendars
        .merge(slas)
        .unwrap()
        .merge(entitlements)
        .unwrap()
        .ruleset()
        .expect("the imports make a valid ruleset")
}

fn cases() -> Import {
    dynamics::cases(
        &fixture("incidents.json"),
        Some(&json!({"audits": fixture("audits.json")})),
    )
    .expect("cases")
}

#[test]
fn calendars_by_hand() {
    let imp = dynamics::calendars(&fixture("calendars.json"), None).unwrap();
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let london = &imp.document["calendars"]["London Support"];
    assert_eq!(london["time_zone"], "Europe/London");
    for day in ["mon", "tue", "wed", "thu", "fri"] {
        assert_eq!(london["hours"][day], json!(["09:00-12:00", "13:00-17:00"]));
    }
    assert!(london["hours"].get("sat").is_none());
    assert_eq!(
        london["holidays"],
        json!([
            {"name": "Staff training (afternoon)", "date": "2026-03-06", "hours": "12:00-17:00"},
            {"name": "Christmas Day", "date": "2026-12-25"},
            {"name": "Boxing Day (substitute)", "date": "2026-12-28"},
            {"name": "New Year's Day", "date": "2027-01-01"}
        ])
    );
    assert_eq!(
        london["overrides"],
        json!([{"date": "2026-12-24", "hours": ["09:00-13:00"]}])
    );
    let night = &imp.document["calendars"]["New York Night Desk"];
    assert_eq!(night["time_zone"], "America/New_York");
    assert_eq!(night["hours"]["sun"], json!(["20:00-24:00"]));
    // Only the schedules are calendars: inner calendars and holiday schedules are not.
    assert_eq!(imp.calendars().unwrap().len(), 2);
}

#[test]
fn slas_by_hand() {
    let imp = dynamics::slas(
        &fixture("slas.json"),
        Some(&fixture("slaitems.json")),
        Some(&fixture("slakpis.json")),
        Some(&pause_options()),
    )
    .unwrap();
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let std = &imp.document["processes"][0];
    assert_eq!(std["name"], "Standard");
    let fr = &std["milestones"][0];
    assert_eq!(
        fr["when"],
        json!({"field": "prioritycode", "op": "eq", "value": 1})
    );
    assert_eq!(fr["completes_on"], json!(["agent_reply"]));
    assert_eq!(fr["calendar"], "London Support");
    assert_eq!(fr["pause_statuses"], json!(["2", "3"]));
    assert_eq!(fr["triggers"], json!([{"at": "-30m", "level": "warning"}]));
    // The second item of the KPI applies where the first does not (Dynamics takes the first).
    assert_eq!(
        std["milestones"][1]["when"],
        json!({"not": {"field": "prioritycode", "op": "eq", "value": 1}})
    );
    assert_eq!(
        std["milestones"][2]["completes_on"],
        json!(["solved", "closed"])
    );
    let premium = &imp.document["processes"][1];
    assert_eq!(premium["milestones"][0]["calendar"], "24x7");
    assert_eq!(premium["milestones"][0]["pause_statuses"], json!([]));
    assert_eq!(
        premium["milestones"][1]["when"],
        json!({"all": [{"field": "severitycode", "op": "in", "value": [1, 2]},
                       {"field": "caseorigincode", "op": "exists"}]})
    );
    assert_eq!(imp.document["calendars"]["24x7"]["always_open"], true);
}

#[test]
fn entitlements_by_hand() {
    let imp = dynamics::entitlements(
        &fixture("entitlements.json"),
        Some(&fixture("entitlementchannels.json")),
        None,
    )
    .unwrap();
    let acme = &imp.document["entitlements"][0];
    assert_eq!(acme["process"], "5a000000-0000-4000-8000-000000000001");
    assert_eq!(
        acme["account"],
        json!({"id": "ac000000-0000-4000-8000-000000000001", "name": "Acme Corp"})
    );
    assert_eq!(acme["start_date"], "2026-01-01");
    assert_eq!(acme["cases_per_entitlement"], 50);
    assert_eq!(
        acme["quotas"],
        json!([
            {"period": "term", "max_cases": 20, "where": {"field": "caseorigincode", "op": "eq", "value": 1}},
            {"period": "term", "max_cases": 30, "where": {"field": "caseorigincode", "op": "eq", "value": 2}}
        ])
    );
    assert_eq!(imp.document["entitlements"][1]["end_date"], "2026-12-31");
    let fields: Vec<&str> = imp.warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(
        fields,
        ["remainingterms", "decreaseremainingon", "remainingterms"]
    );
}

#[test]
fn cases_by_hand() {
    let imp = cases();
    let c1 = &imp.document["cases"][0];
    assert_eq!(c1["entitlement"], "e0000000-0000-4000-8000-000000000001");
    assert_eq!(c1["created_at"], "2026-03-02T09:30:00Z");
    assert_eq!(c1["fields"]["status"], "5");
    assert_eq!(c1["fields"]["ticketnumber"], "CAS-01001");
    let types: Vec<&str> = c1["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "agent_reply",
            "status",
            "status",
            "field",
            "solved",
            "status"
        ]
    );
    assert_eq!(c1["events"][3]["from"], 3);
    assert_eq!(c1["events"][3]["to"], 2);
    // Case 4 is resolved with no audit: solved at its modifiedon, with a warning.
    let c4 = &imp.document["cases"][3];
    assert_eq!(
        c4["events"],
        json!([{"at": "2026-03-04T12:30:00Z", "type": "solved", "id": "ca000000-0000-4000-8000-000000000004:statecode"}])
    );
    assert_eq!(imp.warnings.len(), 1);
    assert!(imp.document["cases"][4].get("entitlement").is_none());
}

/// Every `failuretime` and `warningtime` Dynamics recorded is the engine's deadline and
/// warning for that case and KPI.
#[test]
fn replayed_cases_meet_the_recorded_kpi_instances() {
    let rules = rules();
    let items = fixture("slaitems.json");
    let kpis = fixture("slakpis.json");
    let kpi_of = |milestone: &str| -> String {
        let item = items["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == milestone)
            .unwrap();
        let kpi = kpis["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["msdyn_slakpiid"] == item["_msdyn_slakpiid_value"])
            .unwrap();
        kpi["msdyn_name"].as_str().unwrap().to_string()
    };
    let imported = cases();
    let now = at("2026-12-02T00:00:00Z");
    let parse = |v: &Value| -> DateTime<Utc> { v.as_str().unwrap().parse().unwrap() };
    let mut checked = 0;
    for inst in fixture("slakpiinstances.json")["value"].as_array().unwrap() {
        let case_id = inst["_regarding_value"].as_str().unwrap();
        let case = imported.document["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == case_id)
            .unwrap();
        let case = Case::from_value(case).unwrap();
        let statuses = rules.evaluate(&case, now).unwrap();
        let started: Vec<_> = statuses
            .iter()
            .filter(|s| s.started_at.is_some() && kpi_of(&s.milestone) == inst["name"])
            .collect();
        assert_eq!(started.len(), 1, "{case_id} {}: {statuses:?}", inst["name"]);
        let s = started[0];
        assert_eq!(
            s.target_at,
            Some(parse(&inst["failuretime"])),
            "{case_id} {}",
            inst["name"]
        );
        let warning = s
            .triggers
            .iter()
            .find(|t| t.level == Level::Warning)
            .unwrap();
        assert_eq!(
            warning.at,
            parse(&inst["warningtime"]),
            "{case_id} {}",
            inst["name"]
        );
        if !inst["succeededon"].is_null() {
            assert_eq!(
                s.completed_at,
                Some(parse(&inst["succeededon"])),
                "{case_id} {}",
                inst["name"]
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 8);
    // The case without an entitlement is not covered.
    let c5 = Case::from_value(&imported.document["cases"][4]).unwrap();
    assert!(!rules.evaluate_case(&c5, now).unwrap().covered);
}

#[test]
fn every_time_zone_code_is_a_zone_chrono_tz_knows() {
    let mut codes: Vec<i64> = TIME_ZONE_CODES.iter().map(|(c, _, _)| *c).collect();
    codes.dedup();
    assert_eq!(codes.len(), 75, "codes are unique and sorted");
    for (code, windows, iana) in TIME_ZONE_CODES {
        let tz: chrono_tz::Tz = iana
            .parse()
            .unwrap_or_else(|_| panic!("{code} {windows}: {iana}"));
        assert_eq!(tz.name(), iana);
        assert_eq!(dynamics::time_zone(code).unwrap(), iana);
    }
    assert!(codes.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(dynamics::time_zone(92).unwrap_err().code(), "unsupported");
    // A code outside the table, mapped by the caller.
    let imp = dynamics::calendars(
        &json!([{"calendarid": "c", "name": "UTC desk", "type": 1, "calendar_calendar_rules": [
            {"pattern": "FREQ=DAILY;INTERVAL=1", "timezonecode": 92, "_innercalendarid_value": "i"}]},
            {"calendarid": "i", "type": -1, "calendar_calendar_rules": [{"timecode": 0, "offset": 540, "duration": 480}]}]),
        Some(&json!({"time_zones": {"92": "Etc/UTC"}})),
    )
    .unwrap();
    assert_eq!(
        imp.document["calendars"]["UTC desk"]["time_zone"],
        "Etc/UTC"
    );
}

#[derive(serde::Deserialize)]
struct Table {
    cases: Vec<Unsupported>,
}

#[derive(serde::Deserialize)]
struct Unsupported {
    case: String,
    call: String,
    args: serde_json::Map<String, Value>,
    #[serde(rename = "where")]
    place: String,
}

fn call(c: &Unsupported) -> entitlement_core::Result<Import> {
    let arg = |k: &str| c.args.get(k).filter(|v| !v.is_null());
    match c.call.as_str() {
        "calendars" => dynamics::calendars(&c.args["calendars"], arg("options")),
        "slas" => dynamics::slas(
            &c.args["slas"],
            arg("sla_items"),
            arg("kpis"),
            arg("options"),
        ),
        "entitlements" => {
            dynamics::entitlements(&c.args["entitlements"], arg("channels"), arg("options"))
        }
        "cases" => dynamics::cases(&c.args["incidents"], arg("options")),
        other => panic!("unknown call {other}"),
    }
}

#[test]
fn unsupported_constructs_name_the_record_and_field() {
    let table: Table = serde_json::from_value(fixture("unsupported.json")).unwrap();
    assert!(table.cases.len() >= 30);
    for c in &table.cases {
        let err = call(c).expect_err(&c.case);
        let msg = err.to_string();
        assert_eq!(err.code(), "unsupported", "{}: {msg}", c.case);
        assert!(
            msg.starts_with(&format!("{}:", c.place)),
            "{}: {msg}",
            c.case
        );
    }
}
