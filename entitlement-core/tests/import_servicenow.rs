//! The ServiceNow importer against fixtures written from the documented shapes of the REST
//! Table API (`examples/data/import/servicenow/`), the deadlines computed by hand in that
//! folder's README.md.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use entitlement_core::import::Import;
use entitlement_core::import::servicenow::{
    self, CaseOptions, ScheduleOptions, SlaOptions, TimeZoneOverride,
};
use entitlement_core::{Case, MilestoneState, Ruleset};
use serde_json::{Value, json};

use crate::common::at;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../examples/data/import/servicenow/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn schedule_options() -> ScheduleOptions {
    ScheduleOptions {
        other_schedules: Some(fixture("cmn_other_schedule.json")),
        time_zone: TimeZoneOverride::ByKey(BTreeMap::from([(
            "Ops floating".to_string(),
            "Asia/Tokyo".to_string(),
        )])),
    }
}

fn calendars() -> Import {
    servicenow::schedules(
        &fixture("cmn_schedule.json"),
        &fixture("cmn_schedule_span.json"),
        &schedule_options(),
    )
    .expect("schedules import")
}

fn slas() -> Import {
    servicenow::sla_definitions(
        &fixture("contract_sla.json"),
        &SlaOptions {
            schedules: Some(fixture("cmn_schedule.json")),
        },
    )
    .expect("SLA definitions import")
}

fn rules() -> Ruleset {
    calendars()
        .merge(slas())
        .unwrap()
        .ruleset()
        .expect("a valid ruleset")
}

fn case_import() -> Import {
    servicenow::cases(
        &fixture("incident.json"),
        Some(&fixture("sys_audit.json")),
        &CaseOptions {
            history: Some(fixture("sys_history_line.json")),
            sla_definitions: Some(fixture("contract_sla.json")),
            table: None,
        },
    )
    .expect("cases import")
}

fn cases() -> Vec<Case> {
    case_import().document["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case::from_value(c).expect("an imported case is valid"))
        .collect()
}

fn glide(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_utc()
}

#[test]
fn schedules_become_calendars_by_hand() {
    let imp = calendars();
    let cals = &imp.document["calendars"];
    // The holiday schedule is not a calendar of its own; the include child is.
    let mut names: Vec<&str> = cals
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "8-5 weekdays",
            "London evening",
            "London extended",
            "Ops floating"
        ]
    );
    let ny = &cals["8-5 weekdays"];
    assert_eq!(ny["time_zone"], "US/Eastern");
    assert_eq!(ny["hours"]["mon"], json!(["08:00-17:00"]));
    assert_eq!(ny["hours"].get("sat"), None);
    assert_eq!(
        ny["overrides"],
        json!([{"date": "2026-03-07", "hours": ["09:00-13:00"]}])
    );
    assert_eq!(
        ny["holidays"],
        json!([
            // The UTC entry 14:00Z-16:00Z is 09:00-11:00 in New York (EST).
            {"name": "Network upgrade", "date": "2026-03-04", "hours": "09:00-11:00"},
            {"name": "New Year's Day", "yearly": "01-01", "starts": "2026-01-01"},
            {"name": "Memorial Day", "yearly": {"month": 5, "weekday": "mon", "nth": -1}, "starts": "2026-05-25"},
            {"name": "Thanksgiving", "yearly": {"month": 11, "weekday": "thu", "nth": 4}, "starts": "2026-11-26"},
            {"name": "Christmas", "yearly": "12-25", "starts": "2025-12-25", "until": "2035-12-25"},
            {"name": "Office move", "date": "2026-03-06"}
        ])
    );
    let london = &cals["London extended"];
    // Weekdays 07-19, Mon/Wed/Fri 19-21, Tue/Thu 06-07, weekends 10-14, and the include
    // child's 19-20 every day, merged.
    assert_eq!(
        london["hours"],
        json!({"mon": ["07:00-21:00"], "tue": ["06:00-20:00"], "wed": ["07:00-21:00"],
               "thu": ["06:00-20:00"], "fri": ["07:00-21:00"],
               "sat": ["10:00-14:00", "19:00-20:00"], "sun": ["10:00-14:00", "19:00-20:00"]})
    );
    assert_eq!(
        london["holidays"],
        json!([
            {"name": "Team afternoon", "recurs": {"unit": "week", "every": 2, "weekdays": ["wed"]},
             "hours": "13:00-19:00", "starts": "2026-01-07", "until": "2026-12-31"},
            {"name": "Patch morning", "recurs": {"unit": "month", "nth": 2, "weekday": "tue"},
             "hours": "07:00-09:00", "starts": "2026-01-13"},
            {"name": "Month end", "recurs": {"unit": "month", "nth": -1, "weekday": "fri"}, "starts": "2026-01-30"},
            {"name": "Payroll", "recurs": {"unit": "month", "every": 3, "day": 20}, "starts": "2026-01-20"},
            {"name": "Fire drill", "recurs": {"unit": "day", "every": 90}, "hours": "12:00-12:30", "starts": "2026-01-01"}
        ])
    );
    assert_eq!(cals["Ops floating"]["time_zone"], "Asia/Tokyo");
    let c = imp.calendar(Some("London extended")).unwrap();
    // Wednesday 2026-03-04 is a team afternoon (every second Wednesday from 2026-01-07).
    assert!(!c.is_open(at("2026-03-04T15:00:00Z")).unwrap());
    assert!(c.is_open(at("2026-03-11T15:00:00Z")).unwrap());
    // The last Friday of March 2026 is the 27th.
    assert!(!c.is_open(at("2026-03-27T10:00:00Z")).unwrap());
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
}

#[test]
fn sla_definitions_become_milestones_by_hand() {
    let imp = slas();
    let p = &imp.document["processes"][0];
    assert_eq!(p["id"], "incident");
    let ms = p["milestones"].as_array().unwrap();
    // The inactive definition is left out, with a warning.
    assert_eq!(ms.len(), 5);
    assert_eq!(
        ms[0],
        json!({"name": "P1 response", "kind": "custom", "starts_on": ["created"],
               "completes_on": ["stopped.P1_response"],
               "when": {"all": [{"field": "priority", "op": "eq", "value": "1"},
                                {"field": "active", "op": "eq", "value": "true"}]},
               "target": "1h", "calendar": "8-5 weekdays", "pause_statuses": []})
    );
    assert_eq!(ms[1]["pause_statuses"], json!(["3"]));
    assert_eq!(
        ms[1]["triggers"][1],
        json!({"at": "75%", "level": "critical"})
    );
    assert_eq!(ms[2]["target"], "2d4h");
    assert_eq!(
        ms[2]["when"],
        json!({"any": [{"field": "priority", "op": "eq", "value": "2"},
                       {"all": [{"field": "priority", "op": "eq", "value": "3"},
                                {"field": "category", "op": "eq", "value": "network"}]}]})
    );
    assert_eq!(ms[3].get("calendar"), None);
    assert_eq!(ms[3].get("when"), None);
    let warned: Vec<(&str, &str)> = imp
        .warnings
        .iter()
        .map(|w| (w.record.as_str(), w.field.as_str()))
        .collect();
    assert_eq!(
        warned,
        [
            (
                "contract_sla d003 (P2 and network P3 resolution)",
                "when_to_cancel"
            ),
            ("contract_sla d005 (Old P1)", "active"),
            ("contract_sla d006 (Ops response)", "timezone")
        ]
    );
}

#[test]
fn cases_carry_changes_and_stop_events() {
    let imp = case_import();
    let c1 = &imp.document["cases"][0];
    assert_eq!(c1["id"], "INC0010001");
    assert_eq!(c1["process"], "incident");
    assert_eq!(c1["fields"]["status"], "6");
    assert_eq!(c1["fields"]["assigned_to"], "u001");
    let types: Vec<&str> = c1["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    // The assignment given by both sys_audit and sys_history_line counts once; work notes
    // and sys_ fields are not history. Every definition's stop condition is replayed, also of
    // SLAs that never started on this case (their events complete nothing).
    assert_eq!(
        types,
        [
            "field",
            "stopped.P1_response",
            "stopped.Acknowledge",
            "status",
            "status",
            "status",
            "status",
            "field",
            "stopped.P1_resolution",
            "stopped.P2_and_network_P3_resolution",
            "stopped.Ops_response"
        ]
    );
    // The audit row of a task not given is reported.
    assert_eq!(imp.warnings.len(), 1);
}

/// Every `planned_end_time` of `task_sla` is the engine's deadline for that case and SLA.
#[test]
fn task_sla_planned_end_times_are_the_engine_deadlines() {
    let rules = rules();
    let cases = cases();
    let names: BTreeMap<String, String> = fixture("contract_sla.json")["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["sys_id"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let numbers: BTreeMap<String, String> = fixture("incident.json")["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["sys_id"].as_str().unwrap().to_string(),
                t["number"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let now = at("2026-03-10T00:00:00Z");
    let mut checked = 0;
    for row in fixture("task_sla.json")["result"].as_array().unwrap() {
        let number = &numbers[row["task"]["value"].as_str().unwrap()];
        let name = &names[row["sla"]["value"].as_str().unwrap()];
        let case = cases.iter().find(|c| &c.id == number).unwrap();
        let statuses = rules.evaluate(case, now).unwrap();
        let s = statuses
            .iter()
            .find(|s| &s.milestone == name)
            .unwrap_or_else(|| panic!("{number} {name}: {statuses:?}"));
        assert_eq!(
            s.started_at,
            Some(glide(row["start_time"].as_str().unwrap())),
            "{number} {name} start"
        );
        assert_eq!(
            s.target_at,
            Some(glide(row["planned_end_time"].as_str().unwrap())),
            "{number} {name} deadline"
        );
        let done = row["stage"] == "completed";
        assert_eq!(
            matches!(
                s.state,
                MilestoneState::Completed | MilestoneState::CompletedLate
            ),
            done,
            "{number} {name} stage"
        );
        checked += 1;
    }
    assert_eq!(checked, 9);
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
    let arg = |k: &str| c.args.get(k).filter(|v| !v.is_null()).cloned();
    match c.call.as_str() {
        "schedules" => {
            let time_zone = match arg("time_zone") {
                Some(Value::String(z)) => TimeZoneOverride::One(z),
                Some(v) => TimeZoneOverride::ByKey(serde_json::from_value(v).unwrap()),
                None => TimeZoneOverride::None,
            };
            servicenow::schedules(
                &c.args["schedules"],
                &c.args["spans"],
                &ScheduleOptions {
                    other_schedules: arg("other_schedules"),
                    time_zone,
                },
            )
        }
        "sla_definitions" => servicenow::sla_definitions(
            &c.args["contract_slas"],
            &SlaOptions {
                schedules: arg("schedules"),
            },
        ),
        "cases" => servicenow::cases(
            &c.args["tasks"],
            arg("audit").as_ref(),
            &CaseOptions {
                history: arg("history"),
                sla_definitions: arg("sla_definitions"),
                table: None,
            },
        ),
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

#[test]
fn more_sla_definitions_for_one_table_than_a_process_holds_are_refused() {
    // Every change of a task is matched against each definition of its table: the count is
    // bounded by what a process holds (256 milestones), and other tables' definitions do not
    // count towards it.
    let definitions = |n: usize, table: &str| -> Vec<Value> {
        (0..n)
            .map(|i| {
                json!({"sys_id": format!("{table}{i}"), "name": format!("{table} SLA {i}"),
                       "collection": table, "active": "true", "stop_condition": "state=6"})
            })
            .collect()
    };
    let options = |defs: Vec<Value>| CaseOptions {
        history: None,
        sla_definitions: Some(json!({ "result": defs })),
        table: None,
    };
    let tasks = json!({"result": [{"sys_id": "t1", "number": "INC1",
                                    "opened_at": "2026-11-02 09:00:00", "state": "1"}]});
    let mut fits = definitions(256, "incident");
    fits.extend(definitions(256, "problem"));
    servicenow::cases(&tasks, None, &options(fits)).expect("256 per table fit");
    let err = servicenow::cases(&tasks, None, &options(definitions(257, "incident"))).unwrap_err();
    assert_eq!(err.code(), "unsupported", "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("incident256") || msg.contains("SLA 256"),
        "{msg}"
    );
    assert!(msg.contains("collection") && msg.contains("256"), "{msg}");
}
