//! The Salesforce importer against fixtures written from the documented shapes of the REST API
//! and the Metadata API (`examples/data/import/salesforce/`), with answers computed by hand in
//! the comments.

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::import::Import;
use entitlement_core::import::salesforce::{self, CLOSED_STATUSES, MetadataFile, NO_PROCESS};
use entitlement_core::{Case, MilestoneState, Ruleset};
use serde_json::{Value, json};

use crate::common::at;

fn dir() -> String {
    format!(
        "{}/../examples/data/import/salesforce",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/{name}", dir())).expect("fixture");
    serde_json::from_str(&text).expect("json")
}

fn hours() -> Import {
    salesforce::business_hours(
        &fixture("business_hours.json"),
        Some(&json!({ "Support NY": fixture("holidays.json") })),
    )
    .expect("business hours import")
}

fn metadata() -> Vec<MetadataFile> {
    salesforce::read_metadata_folder(format!("{}/metadata", dir()).as_ref()).expect("folder")
}

fn processes() -> Import {
    salesforce::entitlement_processes(&metadata()).expect("processes import")
}

fn entitlements() -> Import {
    salesforce::entitlements(
        &fixture("entitlements.json"),
        Some(&fixture("sla_processes.json")),
        Some(&fixture("business_hours.json")),
    )
    .expect("entitlements import")
}

fn rules() -> Ruleset {
    hours()
        .merge(processes())
        .unwrap()
        .merge(entitlements())
        .unwrap()
        .ruleset()
        .expect("the imports make a valid ruleset")
}

fn cases() -> Vec<Case> {
    let imported = salesforce::cases(
        &fixture("cases.json"),
        Some(&fixture("case_history.json")),
        Some(&fixture("case_milestones.json")),
        &CLOSED_STATUSES,
    )
    .expect("cases import");
    imported.document["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case::from_value(c).expect("an imported case is valid"))
        .collect()
}

fn case(id: &str) -> Case {
    cases().into_iter().find(|c| c.id == id).expect("case")
}

fn h(n: i64) -> TimeDelta {
    TimeDelta::hours(n)
}

fn has_warning(imp: &Import, record: &str, field: &str) -> bool {
    imp.warnings
        .iter()
        .any(|w| w.record.contains(record) && w.field == field)
}

#[test]
fn business_hours_records_become_weekly_hours() {
    let imp = hours();
    let cals = &imp.document["calendars"];
    let ny = &cals["Support NY"];
    assert_eq!(ny["time_zone"], "America/New_York");
    assert_eq!(
        ny["hours"],
        json!({"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
               "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]})
    );
    // 00:00 to 00:00 is a whole day, every day.
    let all: Vec<&str> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].into();
    for day in all {
        assert_eq!(
            cals["Premier 24x7"]["hours"][day],
            json!(["00:00-24:00"]),
            "{day}"
        );
    }
    assert_eq!(cals["London Desk"]["hours"]["sat"], json!(["10:00-14:00"]));
    assert!(cals["London Desk"]["hours"].get("sun").is_none());
    // An end of 00:00 is midnight.
    assert_eq!(cals["Legacy Tokyo"]["hours"]["fri"], json!(["09:00-24:00"]));
    assert_eq!(cals["Legacy Tokyo"]["time_zone"], "Asia/Tokyo");
    assert!(has_warning(&imp, "Legacy Tokyo", "IsActive"));
    // Holidays went to Support NY only, by the mapping.
    assert_eq!(ny["holidays"].as_array().unwrap().len(), 13);
    assert!(cals["London Desk"].get("holidays").is_none());
}

#[test]
fn holiday_records_stay_rules() {
    let imp = hours();
    let hols = imp.document["calendars"]["Support NY"]["holidays"]
        .as_array()
        .unwrap()
        .clone();
    let by_name = |n: &str| {
        hols.iter()
            .find(|h| h["name"] == n)
            .unwrap_or_else(|| panic!("{n}"))
            .clone()
    };
    assert_eq!(
        by_name("Christmas Eve afternoon"),
        json!({"name": "Christmas Eve afternoon", "date": "2026-12-24", "hours": "12:00-24:00"})
    );
    assert_eq!(
        by_name("Christmas Day"),
        json!({"name": "Christmas Day", "yearly": "12-25", "starts": "2020-12-25"})
    );
    assert_eq!(
        by_name("Thanksgiving")["yearly"],
        json!({"month": 11, "weekday": "thu", "nth": 4})
    );
    assert_eq!(
        by_name("Memorial Day")["yearly"],
        json!({"month": 5, "weekday": "mon", "nth": -1})
    );
    assert_eq!(
        by_name("Inventory day"),
        json!({"name": "Inventory day", "recurs": {"unit": "month", "day": 31},
               "starts": "2026-01-31", "until": "2026-12-31"})
    );
    assert_eq!(
        by_name("Quarter close")["recurs"],
        json!({"unit": "month", "every": 3, "nth": -1, "weekdays": ["mon", "tue", "wed", "thu", "fri"]})
    );
    assert_eq!(
        by_name("Payroll Friday afternoon"),
        json!({"name": "Payroll Friday afternoon", "hours": "15:00-17:00",
               "recurs": {"unit": "week", "every": 2, "weekdays": ["fri"], "week_start": "sun"},
               "starts": "2026-01-09", "until": "2026-06-30"})
    );
    assert_eq!(
        by_name("Maintenance window")["recurs"],
        json!({"unit": "day", "every": 10})
    );
    assert_eq!(
        by_name("Summer Friday hour")["recurs"],
        json!({"unit": "week", "weekdays": ["mon", "tue", "wed", "thu", "fri"]})
    );
    assert_eq!(
        by_name("Founders day")["recurs"],
        json!({"unit": "year", "month": 10, "nth": 2, "weekdays": ["mon", "tue", "wed", "thu", "fri"]})
    );
    assert_eq!(
        by_name("Town hall")["recurs"],
        json!({"unit": "month", "every": 2, "nth": 3, "weekday": "wed"})
    );
    assert_eq!(
        by_name("First Monday off")["recurs"],
        json!({"unit": "month", "every": 12, "nth": 1, "weekday": "mon"})
    );
    // SOQL returns every selected field, null when empty: nothing to warn about.
    assert!(
        !imp.warnings.iter().any(|w| w.record.starts_with("Holiday")),
        "{:?}",
        imp.warnings
    );
}

#[test]
fn support_ny_answers_by_hand() {
    let cal = hours().calendar(Some("Support NY")).unwrap();
    let open = |t: &str| cal.is_open(at(t)).unwrap();
    // One-off timed holiday: Thu 2026-12-24 closes at noon EST (17:00Z).
    assert!(open("2026-12-24T16:30:00Z") && !open("2026-12-24T17:30:00Z"));
    // Thu 11:00 EST + 2h: 1h to noon, Fri 25 is Christmas, Mon 28 09:00 + 1h = 10:00 EST.
    assert_eq!(
        cal.add(at("2026-12-24T16:00:00Z"), h(2)).unwrap(),
        at("2026-12-28T15:00:00Z")
    );
    // Mon 2026-03-09 16:00 EDT + 2h: Mon 1h, Tue 10 the offsite, Wed 11 09:00 + 1h = 10:00 EDT.
    assert_eq!(
        cal.add(at("2026-03-09T20:00:00Z"), h(2)).unwrap(),
        at("2026-03-11T14:00:00Z")
    );
    // Wed 2026-03-04 is a maintenance-window day (every 10 days from 2026-02-02): 12-13 closed.
    assert_eq!(
        cal.elapsed(at("2026-03-04T14:00:00Z"), at("2026-03-04T22:00:00Z"))
            .unwrap(),
        h(7)
    );
    // Wed 2026-11-25 16:00 EST + 2h: 1h, Thanksgiving (4th Thursday), Fri 27 09:00 + 1h.
    assert_eq!(
        cal.add(at("2026-11-25T21:00:00Z"), h(2)).unwrap(),
        at("2026-11-27T15:00:00Z")
    );
    // Memorial Day 2026 is Monday May 25 (the last Monday of May).
    assert!(!open("2026-05-25T15:00:00Z") && open("2026-05-18T15:00:00Z"));
}

#[test]
fn every_recurrence_type_by_hand() {
    let cal = hours().calendar(Some("Support NY")).unwrap();
    // 15:00Z is 10:00 in New York in winter; 14:00Z in summer.
    let open = |t: &str| cal.is_open(at(t)).unwrap();
    // RecursMonthly on day 31, 2026 only: March 31 closed; April and June have no 31st.
    assert!(!open("2026-03-31T14:00:00Z"));
    assert!(open("2026-06-30T14:00:00Z") && open("2026-09-30T14:00:00Z"));
    assert!(
        open("2027-03-31T14:00:00Z"),
        "RecurrenceEndDateOnly 2026-12-31"
    );
    // RecursMonthlyNth every 3 months, last weekday: Fri Jan 30 and Thu Apr 30 2026; the last
    // weekday of February (Fri 27) and of May (Fri 29) are open.
    assert!(!open("2026-01-30T15:00:00Z"));
    assert!(open("2026-02-27T15:00:00Z") && open("2026-05-29T14:00:00Z"));
    // RecursWeekly every 2 weeks on Friday, 15:00-17:00, weeks from Sunday Jan 4 2026:
    // Jan 23 closed at 16:00 EST (21:00Z), Jan 16 open, Jan 23 at 14:00 EST open.
    assert!(!open("2026-01-23T21:00:00Z"));
    assert!(open("2026-01-16T21:00:00Z") && open("2026-01-23T19:00:00Z"));
    // Fri Jul 10 is on the cadence, but after RecurrenceEndDateOnly (15:30 EDT, before the
    // Summer Friday hour).
    assert!(
        open("2026-07-10T19:30:00Z"),
        "RecurrenceEndDateOnly 2026-06-30"
    );
    // RecursDaily every 10 days from Mon Feb 2, 12:00-13:00: Thu Feb 12 closed, Fri 13 open.
    assert!(!open("2026-02-12T17:30:00Z") && open("2026-02-13T17:30:00Z"));
    // RecursEveryWeekday 16:00-17:00 in July and August: Wed Jul 15 16:30 EDT closed.
    assert!(!open("2026-07-15T20:30:00Z") && open("2026-07-15T19:30:00Z"));
    assert!(open("2026-09-01T20:30:00Z"));
    // RecursYearlyNth, second weekday of October: Oct 1 is a Thursday, so Fri Oct 2 2026.
    assert!(!open("2026-10-02T14:00:00Z") && open("2026-10-01T14:00:00Z"));
    // 2027: Oct 1 is a Friday and the second weekday Mon Oct 4.
    assert!(!open("2027-10-04T14:00:00Z") && open("2027-10-01T14:00:00Z"));
    // RecursMonthlyNth every 2 months, third Wednesday, 10-11: Jan 21 and Mar 18, not Feb 18.
    assert!(!open("2026-03-18T14:30:00Z") && open("2026-02-18T15:30:00Z"));
    assert!(!open("2026-01-21T15:30:00Z"));
    // Every 12 months from June 2026, the first Monday: June 1 2026 and June 7 2027.
    assert!(!open("2026-06-01T14:00:00Z") && !open("2027-06-07T14:00:00Z"));
    assert!(open("2026-07-06T14:00:00Z"));
    // Christmas (RecursYearly) from 2020 on: Friday 2026-12-25 and Monday 2034-12-25.
    assert!(!open("2034-12-25T15:00:00Z"));
}

#[test]
fn processes_from_metadata_by_hand() {
    let imp = processes();
    let procs = imp.document["processes"].as_array().unwrap();
    assert_eq!(procs.len(), 3);
    let find = |id: &str, v: u64| {
        procs
            .iter()
            .find(|p| p["id"] == id && p["version"] == v)
            .unwrap_or_else(|| panic!("{id} v{v}"))
    };
    let v1 = find("Gold Support", 1);
    let v2 = find("Gold Support", 2);
    assert!(v1.get("default").is_none());
    assert_eq!(v2["default"], true);
    assert_eq!(v1["calendar"], "Support NY");
    // Exit on IsClosed is the engine's `closed` event; on Status, exit statuses.
    assert!(v1.get("exit_statuses").is_none());
    assert_eq!(v2["exit_statuses"], json!(["Closed", "Cancelled"]));

    // The same milestone twice with different criteria: two milestones, one completion event.
    let m1 = v1["milestones"].as_array().unwrap();
    assert_eq!(m1[0]["name"], "First Response [1]");
    assert_eq!(m1[1]["name"], "First Response [2]");
    for m in &m1[..2] {
        assert_eq!(m["completes_on"], json!(["completed.First_Response"]));
        assert_eq!(m["starts_on"], json!(["created", "started.First_Response"]));
        assert_eq!(m["kind"], "custom");
    }
    assert_eq!(
        m1[0]["when"],
        json!({"field": "priority", "op": "in", "value": ["High", "Critical"]})
    );
    assert_eq!(m1[1]["target"], "240m");
    assert_eq!(
        m1[0]["triggers"],
        json!([
            {"at": "-15m", "level": "warning", "actions": ["Notify_Case_Owner"]},
            {"at": "100%", "level": "violation", "actions": ["Escalate_To_Manager", "Set_Escalated"]}
        ])
    );
    // Hours and days: -2 Hours before, 1 Days (1440 minutes) after.
    assert_eq!(
        m1[2]["triggers"],
        json!([
            {"at": "-2h", "level": "warning", "actions": ["Warn_Team_Lead"]},
            {"at": "+24h", "level": "violation", "actions": ["Page_Support_Director"]}
        ])
    );

    let m2 = v2["milestones"].as_array().unwrap();
    assert_eq!(
        m2[0]["when"],
        json!({"all": [
            {"field": "priority", "op": "eq", "value": "High"},
            {"any": [{"field": "Origin", "op": "eq", "value": "Phone"},
                     {"field": "IsEscalated", "op": "eq", "value": true}]}]})
    );
    assert_eq!(m2[1]["recurrence"], "independent");
    assert_eq!(m2[2]["recurrence"], "sequential");
    assert_eq!(m2[2]["calendar"], "Premier 24x7");
    assert_eq!(
        m2[2]["when"],
        json!({"field": "Escalation_Level__c", "op": "ge", "value": 2.0})
    );
    assert!(m2[3].get("recurrence").is_none());

    // Premier starts at SlaStartDate: its milestones start only on `started.` events.
    let premier = find("Premier 24x7", 1);
    assert_eq!(
        premier["milestones"][0]["starts_on"],
        json!(["started.First_Response"])
    );
    // Success actions are the milestone's `on_complete` actions, no longer a warning.
    let gold1 = find("Gold Support", 1);
    assert_eq!(
        gold1["milestones"][2]["on_complete"],
        json!(["Thank_Customer"])
    );
    assert!(!has_warning(
        &imp,
        "gold_support.entitlementProcess",
        "milestones[2].successActions"
    ));
    for (record, field) in [
        (
            "gold_support.entitlementProcess",
            "milestones[0].milestoneName",
        ),
        ("premier_24x7", "active"),
        ("premier_24x7", "entryStartDateField"),
    ] {
        assert!(has_warning(&imp, record, field), "{record} {field}");
    }
    // useCriteriaStartTime=false with criteria would be warned; the fixture's criteria
    // milestones all count from the criteria.
    assert!(
        !imp.warnings
            .iter()
            .any(|w| w.field.ends_with("useCriteriaStartTime"))
    );
}

#[test]
fn entitlements_pin_versions_and_calendars() {
    let imp = entitlements();
    let ents = imp.document["entitlements"].as_array().unwrap();
    assert_eq!(
        ents[0]["process"],
        json!({"id": "Gold Support", "version": 2})
    );
    assert_eq!(ents[0]["calendar"], "Support NY");
    assert_eq!(ents[0]["cases_per_entitlement"], 50);
    assert_eq!(
        ents[0]["account"],
        json!({"id": "0015e000000Acme1AA", "name": "Acme Corp"})
    );
    assert!(has_warning(&imp, "Acme Gold", "RemainingCases"));
    // Globex: process and business hours by id, through the SlaProcess and BusinessHours records.
    assert_eq!(
        ents[1]["process"],
        json!({"id": "Gold Support", "version": 1})
    );
    assert_eq!(ents[1]["calendar"], "London Desk");
    assert!(ents[1].get("cases_per_entitlement").is_none());
    assert_eq!(ents[1]["start_date"], "2026-06-01");
    assert_eq!(ents[1]["end_date"], "2027-05-31");
    // Initech: no process, no business hours: the empty process and the default hours.
    assert_eq!(ents[2]["process"], NO_PROCESS);
    assert_eq!(ents[2]["calendar"], "Support NY");
    assert!(ents[2].get("end_date").is_none());
    assert!(has_warning(&imp, "Initech", "SlaProcessId"));
    assert!(has_warning(&imp, "Initech", "BusinessHoursId"));
    assert_eq!(imp.document["processes"][0]["id"], NO_PROCESS);
}

#[test]
fn cases_become_the_document_case_shape() {
    let imported = salesforce::cases(
        &fixture("cases.json"),
        Some(&fixture("case_history.json")),
        Some(&fixture("case_milestones.json")),
        &CLOSED_STATUSES,
    )
    .unwrap();
    let c1 = &imported.document["cases"][0];
    assert_eq!(c1["id"], "5005e00000Case01AA");
    assert_eq!(c1["entitlement"], "5505e000000EnT1AAK");
    assert_eq!(c1["created_at"], "2026-03-02T14:30:00Z");
    assert_eq!(c1["fields"]["priority"], "High");
    assert_eq!(c1["fields"]["status"], "Closed");
    assert_eq!(c1["fields"]["Account.Name"], "Acme Corp");
    assert_eq!(c1["fields"]["CaseNumber"], "00001001");
    let types: Vec<&str> = c1["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    // `created` and the EntityId copy of the owner change are left out.
    assert_eq!(
        types,
        [
            "started.First_Response",
            "started.Next_Response",
            "started.Resolution_Time",
            "field",
            "status",
            "completed.First_Response",
            "completed.Next_Response",
            "stop",
            "resume",
            "status",
            "closed",
            "completed.Resolution_Time"
        ]
    );
    assert_eq!(
        c1["events"][3],
        json!({"at": "2026-03-02T15:05:00Z", "type": "field", "field": "Owner",
               "to": "Dana Ruiz", "from": "Support Queue", "id": "0175e00000Hist02AA"})
    );
    // Case 2's rows came apart, by CaseId.
    let c2 = &imported.document["cases"][1];
    assert_eq!(
        c2["events"][1],
        json!({"at": "2026-11-25T20:00:00Z", "type": "started.Resolution_Time",
               "id": "5705e00000Mile08AA:start"})
    );
    assert_eq!(c2["events"][2]["from"], "Medium");
    // Case 4 has no entitlement; case 5 is stopped with no stop history.
    assert!(imported.document["cases"][3].get("entitlement").is_none());
    let c5 = imported.document["cases"][4]["events"].as_array().unwrap();
    assert!(
        c5.iter()
            .any(|e| e["type"] == "stop" && e["at"] == "2026-11-30T16:00:00Z")
    );
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
}

/// The engine's deadline for every milestone Salesforce recorded a target for.
#[test]
fn replayed_cases_meet_salesforce_targets() {
    let rules = rules();
    let sf_cases = fixture("cases.json");
    let mut rows: Vec<(String, Value)> = Vec::new();
    for c in sf_cases["records"].as_array().unwrap() {
        if let Some(list) = c["CaseMilestones"]["records"].as_array() {
            rows.extend(
                list.iter()
                    .map(|r| (c["Id"].as_str().unwrap().to_string(), r.clone())),
            );
        }
    }
    for r in fixture("case_milestones.json")["records"]
        .as_array()
        .unwrap()
    {
        rows.push((r["CaseId"].as_str().unwrap().to_string(), r.clone()));
    }
    let now = at("2026-12-01T13:00:00Z");
    let mut checked = 0;
    for (case_id, row) in rows {
        let Some(target) = row["TargetDate"].as_str() else {
            continue;
        };
        let target: DateTime<Utc> = DateTime::parse_from_str(target, "%Y-%m-%dT%H:%M:%S%.3f%z")
            .unwrap()
            .to_utc();
        let name = row["MilestoneType"]["Name"].as_str().unwrap();
        let statuses = rules.evaluate(&case(&case_id), now).unwrap();
        let s = statuses
            .iter()
            .find(|s| {
                s.started_at.is_some()
                    && (s.milestone == name || s.milestone.starts_with(&format!("{name} [")))
            })
            .unwrap_or_else(|| panic!("{case_id} {name}: {statuses:?}"));
        assert_eq!(s.target_at, Some(target), "{case_id} {name}");
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn case_states_by_hand() {
    let rules = rules();
    let state = |id: &str, now: &str, milestone: &str| {
        let statuses = rules.evaluate(&case(id), at(now)).unwrap();
        statuses
            .into_iter()
            .find(|s| s.milestone == milestone)
            .unwrap_or_else(|| panic!("{id} {milestone}"))
    };
    // Case 1 (Gold v2): first response 40 minutes after creation, of 60.
    let fr = state(
        "5005e00000Case01AA",
        "2026-03-05T12:00:00Z",
        "First Response",
    );
    assert_eq!(fr.state, MilestoneState::Completed);
    assert_eq!(fr.elapsed, TimeDelta::minutes(40));
    // Resolution: stopped 2 business hours on Tuesday, closed at 11:00 EST Wednesday, before
    // the 11:30 target.
    let res = state(
        "5005e00000Case01AA",
        "2026-03-05T12:00:00Z",
        "Resolution Time",
    );
    assert_eq!(res.state, MilestoneState::Completed);
    assert_eq!(res.paused, h(2));
    assert_eq!(res.completed_at, Some(at("2026-03-04T16:00:00Z")));
    // Status Update needs an escalation level of 2: it never started.
    let su = state(
        "5005e00000Case01AA",
        "2026-03-05T12:00:00Z",
        "Status Update",
    );
    assert_eq!(su.state, MilestoneState::Pending);
    assert_eq!(su.started_at, None);
    // Case 2 (Gold v1, Low): at Fri 10:00 EST, 3 of 4 business hours used.
    let fr2 = state(
        "5005e00000Case02AA",
        "2026-11-27T15:00:00Z",
        "First Response [2]",
    );
    assert_eq!(fr2.state, MilestoneState::InProgress);
    assert_eq!(fr2.remaining, Some(h(1)));
    // Case 5: stopped at 11:00 EST after 2 business hours; at 15:00 EST the resolution is
    // paused and its provisional target is Wed 13:00 EST (14 hours left from now: Mon 2h,
    // Tue 8h, Wed 4h).
    let r5 = state(
        "5005e00000Case05AA",
        "2026-11-30T20:00:00Z",
        "Resolution Time",
    );
    assert_eq!(r5.state, MilestoneState::Paused);
    assert_eq!(r5.target_at, Some(at("2026-12-02T18:00:00Z")));
    // Case 6 (Premier, starts at SlaStartDate): the milestone starts at 12:00Z, when
    // Salesforce started it, not at creation (10:00Z); 30 minutes round the clock.
    let p = state(
        "5005e00000Case06AA",
        "2026-12-01T13:00:00Z",
        "First Response",
    );
    assert_eq!(p.started_at, Some(at("2026-12-01T12:00:00Z")));
    assert_eq!(p.state, MilestoneState::Violated);
    // Case 3 (no entitlement process) is covered with no milestone; case 4 is not covered.
    let e3 = rules
        .evaluate_case(&case("5005e00000Case03AA"), at("2026-12-01T13:00:00Z"))
        .unwrap();
    assert!(e3.covered && e3.milestones.is_empty());
    let e4 = rules
        .evaluate_case(&case("5005e00000Case04AA"), at("2026-12-01T13:00:00Z"))
        .unwrap();
    assert!(!e4.covered);
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
        "business_hours" => salesforce::business_hours(&c.args["records"], arg("holidays")),
        "entitlement_processes" => {
            let files: Vec<MetadataFile> = c.args["files"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, text)| MetadataFile {
                    name: name.clone(),
                    text: text.as_str().unwrap().to_string(),
                })
                .collect();
            salesforce::entitlement_processes(&files)
        }
        "entitlements" => salesforce::entitlements(
            &c.args["records"],
            arg("sla_processes"),
            arg("business_hours"),
        ),
        "cases" => salesforce::cases(
            &c.args["records"],
            arg("history"),
            arg("milestones"),
            &CLOSED_STATUSES,
        ),
        other => panic!("unknown call {other}"),
    }
}

#[test]
fn unsupported_constructs_name_the_record_and_field() {
    let table: Table = serde_json::from_value(fixture("unsupported.json")).unwrap();
    assert!(table.cases.len() >= 50);
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
fn flat_holidays_go_to_every_calendar_with_a_warning() {
    let imp = salesforce::business_hours(
        &fixture("business_hours.json"),
        Some(&fixture("us_federal_holidays.json")),
    )
    .unwrap();
    for name in ["Support NY", "London Desk", "Premier 24x7", "Legacy Tokyo"] {
        assert_eq!(
            imp.document["calendars"][name]["holidays"]
                .as_array()
                .unwrap()
                .len(),
            11,
            "{name}"
        );
    }
    assert!(has_warning(&imp, "Holiday", "(association)"));
    // One record: no warning.
    let one = salesforce::business_hours(
        &json!([fixture("business_hours.json")["records"][0]]),
        Some(&fixture("us_federal_holidays.json")),
    )
    .unwrap();
    assert!(one.warnings.is_empty(), "{:?}", one.warnings);
}

#[test]
fn a_partial_query_result_is_reported() {
    let mut page = fixture("business_hours.json");
    page["done"] = json!(false);
    page["nextRecordsUrl"] = json!("/services/data/v62.0/query/01g5e000001-2000");
    let imp = salesforce::business_hours(&page, None).unwrap();
    assert!(has_warning(&imp, "BusinessHours", "done"));
    // Every page given: complete, no warning.
    let mut last = fixture("business_hours.json");
    last["records"] = json!([]);
    let both = salesforce::business_hours(&json!([page, last]), None).unwrap();
    assert!(!has_warning(&both, "BusinessHours", "done"));
    assert_eq!(both.document["calendars"].as_object().unwrap().len(), 4);
}

#[test]
fn the_metadata_folder_is_read_whole() {
    let files = metadata();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"Status Update.milestoneType-meta.xml"));
    let err = salesforce::read_metadata_folder(dir().as_ref()).unwrap_err();
    assert!(err.to_string().contains("no entitlement process"), "{err}");
    let err = salesforce::read_metadata_folder("/nonexistent/force-app".as_ref()).unwrap_err();
    assert!(
        err.to_string().starts_with("/nonexistent/force-app"),
        "{err}"
    );
}

#[test]
fn a_file_without_its_suffix_is_known_by_its_root() {
    let files = metadata();
    let v2 = files
        .iter()
        .find(|f| f.name == "gold_support_v2.entitlementProcess-meta.xml")
        .unwrap();
    let alone = [MetadataFile {
        name: "<xml>".into(),
        text: v2.text.clone(),
    }];
    let imp = salesforce::entitlement_processes(&alone).unwrap();
    assert_eq!(imp.document["processes"][0]["version"], 2);
    assert_eq!(imp.document["processes"][0]["id"], "Gold Support");
    let other = [MetadataFile {
        name: "flow.xml".into(),
        text: "<?xml version=\"1.0\"?><!-- a flow --><Flow/>".into(),
    }];
    let err = salesforce::entitlement_processes(&other).unwrap_err();
    assert!(err.to_string().starts_with("flow.xml: (file)"), "{err}");
}

fn process_file(root_attributes: &str, milestone_attributes: &str) -> Vec<MetadataFile> {
    vec![MetadataFile {
        name: "wide.entitlementProcess-meta.xml".into(),
        text: format!(
            "<?xml version=\"1.0\"?>\n<EntitlementProcess xmlns=\"http://soap.sforce.com/2006/04/metadata\"{root_attributes}>\n\
             <milestones{milestone_attributes}><milestoneName>First Response</milestoneName><minutesToComplete>60</minutesToComplete></milestones>\n\
             <name>Wide</name>\n</EntitlementProcess>\n"
        ),
    }]
}

fn attributes(n: usize, prefix: &str) -> String {
    (0..n).map(|i| format!(" {prefix}{i}=\"x>'{i}\"")).collect()
}

#[test]
fn an_element_with_too_many_attributes_is_refused_before_parsing() {
    use salesforce::{MAX_XML_ATTRIBUTES, MAX_XML_NAMESPACES};
    // At the cap: read (the parser's check of each attribute against the others is bounded by
    // the cap squared, a constant).
    let at_cap = process_file("", &attributes(MAX_XML_ATTRIBUTES, "a"));
    let imp = salesforce::entitlement_processes(&at_cap).expect("at the cap");
    assert_eq!(
        imp.document["processes"][0]["milestones"][0]["target"],
        "60m"
    );
    // One more, and the 70,000 of the report: a typed refusal naming the file, the element and
    // its line. Quoted `=` and `>` are not attributes.
    for n in [MAX_XML_ATTRIBUTES + 1, 70_000] {
        let err = salesforce::entitlement_processes(&process_file("", &attributes(n, "a")))
            .expect_err("over the cap");
        assert_eq!(err.code(), "limit_exceeded", "{err}");
        let msg = err.to_string();
        assert!(
            msg.starts_with(
                "EntitlementProcess wide.entitlementProcess-meta.xml: <EntitlementProcess/milestones> (line 3)"
            ),
            "{msg}"
        );
        assert!(msg.contains(&MAX_XML_ATTRIBUTES.to_string()), "{msg}");
    }
    // Attributes inside a comment, a CDATA section or text are not counted.
    let quiet = format!(
        "<!-- <x{} --><![CDATA[<y{}>]]>",
        attributes(100, "c"),
        attributes(100, "d")
    );
    let mut files = process_file("", "");
    files[0].text = files[0].text.replace("<name>", &format!("{quiet}<name>"));
    salesforce::entitlement_processes(&files).expect("comments and CDATA hold no attributes");
    // Namespace declarations: few per element, but too many in the file.
    let per_element = MAX_XML_NAMESPACES / 2 + 1;
    let err = salesforce::entitlement_processes(&process_file(
        &attributes(per_element, "xmlns:p"),
        &attributes(per_element, "xmlns:q"),
    ))
    .expect_err("too many namespace declarations");
    assert_eq!(err.code(), "limit_exceeded", "{err}");
    assert!(err.to_string().contains("namespace declarations"), "{err}");
    // A MilestoneType file is bounded the same way.
    let wide_type = MetadataFile {
        name: "First Response.milestoneType-meta.xml".into(),
        text: format!("<MilestoneType{}/>", attributes(70_000, "a")),
    };
    let mut files = process_file("", "");
    files.push(wide_type);
    let err = salesforce::entitlement_processes(&files).expect_err("a wide milestone type");
    assert_eq!(err.code(), "limit_exceeded", "{err}");
    assert!(
        err.to_string()
            .starts_with("MilestoneType First Response.milestoneType-meta.xml: <MilestoneType>"),
        "{err}"
    );
}

#[test]
fn a_field_given_twice_is_refused_not_picked() {
    let twice = |inner: &str| MetadataFile {
        name: "First Response.milestoneType-meta.xml".into(),
        text: format!("<MilestoneType>{inner}</MilestoneType>"),
    };
    let mut files = process_file("", "");
    files.push(twice(
        "<recurrenceType>none</recurrenceType><recurrenceType>recursChained</recurrenceType>",
    ));
    let err = salesforce::entitlement_processes(&files).unwrap_err();
    assert_eq!(err.code(), "unsupported");
    assert!(
        err.to_string()
            .starts_with("MilestoneType First Response.milestoneType-meta.xml: recurrenceType:"),
        "{err}"
    );
    // Elements that repeat by design (milestones, filter items, triggers) still do.
    let imp = processes();
    assert!(
        imp.document["processes"][0]["milestones"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
}

#[test]
fn pages_must_hold_what_they_count() {
    let page = fixture("business_hours.json");
    let n = page["records"].as_array().unwrap().len();
    assert_eq!(page["totalSize"], json!(n));
    salesforce::business_hours(&page, None).expect("a complete page");
    // Two pages, each counting the rows of the whole query: complete.
    let mut first = page.clone();
    first["records"] = json!(page["records"].as_array().unwrap()[..2]);
    first["done"] = json!(false);
    first["nextRecordsUrl"] = json!("/services/data/v62.0/query/01g-2");
    let mut second = page.clone();
    second["records"] = json!(page["records"].as_array().unwrap()[2..]);
    let both = salesforce::business_hours(&json!([first.clone(), second]), None).unwrap();
    assert!(!has_warning(&both, "BusinessHours", "done"));
    // The first page alone: partial, reported (a `nextRecordsUrl` without `done` says so too).
    let alone = salesforce::business_hours(&first, None).unwrap();
    assert!(has_warning(&alone, "BusinessHours", "done"));
    first.as_object_mut().unwrap().remove("done");
    let alone = salesforce::business_hours(&first, None).unwrap();
    assert!(has_warning(&alone, "BusinessHours", "done"));
    // A page that says it is complete but counts other rows than it holds: refused.
    let mut short = page.clone();
    short["totalSize"] = json!(n + 1);
    let err = salesforce::business_hours(&short, None).unwrap_err();
    assert_eq!(err.code(), "unsupported");
    assert!(
        err.to_string().starts_with("BusinessHours: totalSize:"),
        "{err}"
    );
    let mut pages = vec![page.clone(), page.clone()];
    pages[0]["done"] = json!(false);
    let err = salesforce::business_hours(&json!(pages), None).unwrap_err();
    assert!(
        err.to_string().starts_with("BusinessHours: [0].totalSize:"),
        "{err}"
    );
}

#[test]
fn other_subqueries_of_a_case_are_reported() {
    let imp = salesforce::cases(
        &json!([{"Id": "5001", "CreatedDate": "2026-11-20T14:00:00.000+0000", "Status": "New",
                 "CaseComments": {"totalSize": 1, "done": true, "records": [{"CommentBody": "hi"}]},
                 "Account": {"Name": "Acme", "Owner": {"Name": "Ann"}}}]),
        None,
        None,
        &CLOSED_STATUSES,
    )
    .unwrap();
    assert!(
        has_warning(&imp, "Case 5001", "CaseComments"),
        "{:?}",
        imp.warnings
    );
    let fields = &imp.document["cases"][0]["fields"];
    assert_eq!(fields["Account.Owner.Name"], "Ann");
    assert!(fields.get("CaseComments").is_none());
    // A closed case with its date: closed at that date.
    let closed = salesforce::cases(
        &json!([{"Id": "5001", "CreatedDate": "2026-11-20T14:00:00.000+0000", "Status": "Closed",
                 "IsClosed": true, "ClosedDate": "2026-11-21T09:00:00.000+0000"}]),
        None,
        None,
        &CLOSED_STATUSES,
    )
    .unwrap();
    assert_eq!(
        closed.document["cases"][0]["events"],
        json!([{"at": "2026-11-21T09:00:00Z", "type": "closed"}])
    );
}
