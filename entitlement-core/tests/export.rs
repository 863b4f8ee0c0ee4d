//! The exporters: what a vendor export writes imports back, through this crate's importers, to
//! the same rules (the import fixtures, and generated documents in the importers' shapes), and
//! what a vendor cannot express is refused with every path named.

use std::collections::BTreeMap;
use std::path::PathBuf;

use entitlement_core::Ruleset;
use entitlement_core::export::{self, ExportFile, review, salesforce, zendesk};
use entitlement_core::import::Import;
use entitlement_core::import::salesforce as sf_import;
use entitlement_core::import::zendesk as zd_import;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn fixture(vendor: &str, name: &str) -> Value {
    let path = format!(
        "{}/../examples/data/import/{vendor}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn file<'a>(files: &'a [ExportFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} among {:?}", paths(files)))
        .contents
}

fn paths(files: &[ExportFile]) -> Vec<&str> {
    files.iter().map(|f| f.path.as_str()).collect()
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("exported JSON")
}

/// A fresh folder under the target directory's temporary space.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "entitlement-export-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

// ---------------------------------------------------------------------------------------------
// Zendesk

/// The schedules and policies of a Zendesk export, read back through the Zendesk importers as
/// one fragment: each schedule's `schedule.json`, `workweek.json` and `holidays/` joined as the
/// API's `GET` returns a schedule, and the policies in their files' order.
fn zendesk_reimport(files: &[ExportFile], schedule: Option<&str>) -> Import {
    let mut schedules: BTreeMap<String, Value> = BTreeMap::new();
    let mut policies = Vec::new();
    for f in files {
        let parts: Vec<&str> = f.path.split('/').collect();
        match parts.as_slice() {
            ["schedules", dir, "schedule.json"] => {
                let s = schedules
                    .entry(dir.to_string())
                    .or_insert_with(|| json!({}));
                let body = parse(&f.contents);
                s["name"] = body["schedule"]["name"].clone();
                s["time_zone"] = body["schedule"]["time_zone"].clone();
            }
            ["schedules", dir, "workweek.json"] => {
                let s = schedules
                    .entry(dir.to_string())
                    .or_insert_with(|| json!({}));
                s["intervals"] = parse(&f.contents)["workweek"]["intervals"].clone();
            }
            ["schedules", dir, "holidays", _] => {
                let s = schedules
                    .entry(dir.to_string())
                    .or_insert_with(|| json!({}));
                if s.get("holidays").is_none() {
                    s["holidays"] = json!([]);
                }
                let h = parse(&f.contents)["holiday"].clone();
                s["holidays"].as_array_mut().unwrap().push(h);
            }
            ["sla_policies", _] => policies.push(parse(&f.contents)["sla_policy"].clone()),
            ["README.md"] => {}
            other => panic!("unexpected file {other:?}"),
        }
    }
    let schedules: Vec<Value> = schedules.into_values().collect();
    let mut import = Import::new(json!({}));
    if !schedules.is_empty() {
        import = import
            .merge(
                zd_import::schedules(&json!({ "schedules": schedules }), None)
                    .expect("schedules re-import"),
            )
            .unwrap();
    }
    if !policies.is_empty() {
        import = import
            .merge(
                zd_import::sla_policies(&json!({ "sla_policies": policies }), schedule)
                    .expect("policies re-import"),
            )
            .unwrap();
    }
    import
}

#[test]
fn zendesk_fixtures_export_to_files_that_import_back_unchanged() {
    let first = zd_import::schedules(
        &fixture("zendesk", "schedules.json"),
        Some(&fixture("zendesk", "holidays.json")),
    )
    .unwrap()
    .merge(
        zd_import::sla_policies(&fixture("zendesk", "sla_policies.json"), Some("Support NY"))
            .unwrap(),
    )
    .unwrap();
    let rules = first.ruleset().unwrap();
    let files = zendesk::export(&rules, &zendesk::Options::default()).unwrap();
    let again = zendesk_reimport(&files, Some("Support NY"));
    assert_eq!(again.document["calendars"], first.document["calendars"]);
    assert_eq!(again.document["processes"], first.document["processes"]);
    // The bodies are the API's: a schedule is created without intervals, which the workweek sets.
    let schedule = parse(file(&files, "schedules/Support NY/schedule.json"));
    assert_eq!(
        schedule,
        json!({"schedule": {"name": "Support NY", "time_zone": "Eastern Time (US & Canada)"}})
    );
    let workweek = parse(file(&files, "schedules/Support NY/workweek.json"));
    assert_eq!(
        workweek["workweek"]["intervals"][0],
        json!({"start_time": 1980, "end_time": 2160})
    );
    let policy = parse(file(&files, "sla_policies/002 Enterprise.json"));
    assert_eq!(policy["sla_policy"]["id"], 25);
    assert_eq!(policy["sla_policy"]["position"], 2);
    // `greater_than normal` on priority was read as `in [high, urgent]`, and is written back.
    assert_eq!(
        policy["sla_policy"]["filter"]["all"][1],
        json!({"field": "priority", "operator": "greater_than", "value": "normal"})
    );
}

#[test]
fn zendesk_refuses_what_it_cannot_hold_naming_every_path() {
    let rules = Ruleset::from_yaml(
        r#"
calendars:
  ny:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], fri: ["22:00-06:00"] }
    holidays:
      - { name: Christmas, yearly: "12-25" }
      - { name: Eve, date: 2026-12-24, hours: "12:00-24:00" }
    overrides: [ { date: 2026-12-26, hours: ["10:00-14:00"] } ]
  both: { union: [ny] }
processes:
  - id: gold
    milestones:
      - { name: First Response, kind: first_response, target: 1h }
"#,
    )
    .unwrap();
    let err = zendesk::export(&rules, &zendesk::Options::default()).unwrap_err();
    assert_eq!(err.code(), "unsupported");
    let text = err.to_string();
    assert!(text.starts_with("calendars.both"), "{text}");
    for path in [
        "calendars.ny.hours.fri[0]",
        "calendars.ny.overrides",
        "calendars.ny.holidays[0]",
        "calendars.ny.holidays[1].hours",
        "processes[0].exit_statuses",
        "processes[0].milestones[0]",
    ] {
        assert!(text.contains(path), "{path} missing from {text}");
    }
}

#[test]
fn zendesk_expands_recurring_holidays_only_when_asked() {
    let rules = Ruleset::from_yaml(
        r#"
calendars:
  ny:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"] }
    holidays:
      - { name: Independence Day, yearly: "07-04", observed: nearest_weekday }
      - { name: Thanksgiving, yearly: { month: 11, weekday: thu, nth: 4 } }
"#,
    )
    .unwrap();
    let err = zendesk::export(&rules, &zendesk::Options::default()).unwrap_err();
    assert!(err.to_string().contains("expand_holidays"), "{err}");
    let files = zendesk::export(
        &rules,
        &zendesk::Options {
            expand_holidays: Some((2026, 2027)),
        },
    )
    .unwrap();
    let dates: Vec<(String, String)> = files
        .iter()
        .filter(|f| f.path.starts_with("schedules/ny/holidays/"))
        .map(|f| {
            let h = parse(&f.contents)["holiday"].clone();
            (
                h["name"].as_str().unwrap().to_string(),
                h["start_date"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // 2026-07-04 is a Saturday (observed Friday 3rd); 2027-07-04 a Sunday (Monday 5th).
    assert_eq!(
        dates,
        [
            ("Independence Day".to_string(), "2026-07-03".to_string()),
            ("Independence Day".to_string(), "2027-07-05".to_string()),
            ("Thanksgiving".to_string(), "2026-11-26".to_string()),
            ("Thanksgiving".to_string(), "2027-11-25".to_string()),
        ]
    );
    assert!(
        file(&files, "README.md").contains("does not")
            || file(&files, "README.md").contains("not the document's rules")
    );
    let bad = zendesk::export(
        &rules,
        &zendesk::Options {
            expand_holidays: Some((2030, 2026)),
        },
    )
    .unwrap_err();
    assert!(bad.to_string().starts_with("expand_holidays"), "{bad}");
}

/// The shapes of the Zendesk metrics (docs/import-zendesk.md, "Metrics"), as the importer
/// writes them.
fn metric_shapes() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "first_reply_time",
            "First reply time",
            json!({"kind": "first_response", "pause_statuses": []}),
        ),
        (
            "next_reply_time",
            "Next reply time",
            json!({"kind": "next_response", "recurrence": "independent", "pause_statuses": []}),
        ),
        (
            "periodic_update_time",
            "Periodic update time",
            json!({"kind": "custom", "starts_on": ["agent_reply"], "completes_on": ["agent_reply", "solved"], "recurrence": "independent", "pause_statuses": ["solved"]}),
        ),
        (
            "pausable_update_time",
            "Pausable update time",
            json!({"kind": "custom", "starts_on": ["agent_reply"], "completes_on": ["agent_reply", "solved"], "recurrence": "independent", "pause_statuses": ["pending", "solved"]}),
        ),
        (
            "requester_wait_time",
            "Requester wait time",
            json!({"kind": "custom", "starts_on": ["created"], "completes_on": ["closed"], "pause_statuses": ["pending", "solved"]}),
        ),
        (
            "agent_work_time",
            "Agent work time",
            json!({"kind": "custom", "starts_on": ["created"], "completes_on": ["closed"], "pause_statuses": ["pending", "hold", "solved"]}),
        ),
        (
            "total_resolution_time",
            "Total resolution time",
            json!({"kind": "custom", "starts_on": ["created"], "completes_on": ["closed"], "pause_statuses": ["solved"]}),
        ),
    ]
}

const RAILS_IANA: [&str; 5] = [
    "America/New_York",
    "Europe/London",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Australia/Sydney",
];

fn clock(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Weekly hours as the importers write them: per day, sorted intervals that do not touch.
fn weekly(max_per_day: usize) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec(
        prop::collection::btree_set(0u32..=1440, 0..=2 * max_per_day),
        7,
    )
    .prop_map(|days| {
        let keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut hours = Map::new();
        for (day, cuts) in days.iter().enumerate() {
            let cuts: Vec<u32> = cuts.iter().copied().collect();
            let spans: Vec<Value> = cuts
                .chunks_exact(2)
                .map(|c| Value::String(format!("{}-{}", clock(c[0]), clock(c[1]))))
                .collect();
            if !spans.is_empty() {
                hours.insert(keys[day].into(), Value::Array(spans));
            }
        }
        if hours.is_empty() {
            hours.insert("mon".into(), json!(["09:00-17:00"]));
        }
        hours
    })
}

fn name() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{1,8}( [A-Z][a-z]{1,6})?"
}

fn date() -> impl Strategy<Value = chrono::NaiveDate> {
    (2020i32..2040, 1u32..=365).prop_map(|(y, d)| chrono::NaiveDate::from_yo_opt(y, d).unwrap())
}

fn zendesk_holiday() -> impl Strategy<Value = Value> {
    (name(), date(), 0u64..5).prop_map(|(n, d, len)| {
        if len == 0 {
            json!({"name": n, "date": d.to_string()})
        } else {
            json!({"name": n, "from": d.to_string(), "to": (d + chrono::Days::new(len)).to_string()})
        }
    })
}

fn zendesk_condition() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            "type",
            "group_id",
            "organization_id",
            "via_id",
            "priority",
        ]),
        prop::bool::ANY,
        "[a-z]{1,8}",
        0usize..4,
        0usize..4,
    )
        .prop_map(|(field, eq, value, rank, range)| {
            if field == "priority" {
                // A range of priorities, as the importer reads less_than ... greater_than_equal.
                let all = ["low", "normal", "high", "urgent"];
                let set: Vec<&str> = match range {
                    0 => all[rank..].to_vec(),
                    1 => all[..=rank].to_vec(),
                    2 => all[(rank.min(2) + 1)..].to_vec(),
                    _ => all[..rank.max(1)].to_vec(),
                };
                json!({"field": "priority", "op": "in", "value": set})
            } else {
                json!({"field": field, "op": if eq { "eq" } else { "ne" }, "value": value})
            }
        })
}

/// A Zendesk-exportable document: schedules in Rails zones, dated whole-day holidays, and
/// policies of the importer's shape.
fn zendesk_document() -> impl Strategy<Value = Value> {
    let calendar = (
        prop::sample::select(RAILS_IANA.to_vec()),
        weekly(3),
        prop::collection::vec(zendesk_holiday(), 0..4),
    );
    let milestone = (
        prop::collection::btree_map(
            prop::sample::select(vec!["low", "normal", "high", "urgent"]),
            1u32..100_000,
            1..4,
        ),
        prop::bool::ANY,
    );
    let policy = (
        prop::option::of(name()),
        prop::collection::vec(zendesk_condition(), 0..3),
        prop::collection::vec(zendesk_condition(), 0..3),
        prop::collection::btree_map(0usize..7, milestone, 1..4),
    );
    (calendar, prop::collection::vec(policy, 0..3)).prop_map(
        |((zone, hours, holidays), policies)| {
            let mut calendars = Map::new();
            let mut cal = json!({"time_zone": zone, "hours": hours});
            if !holidays.is_empty() {
                cal["holidays"] = Value::Array(holidays);
            }
            calendars.insert("Support".into(), cal);
            let shapes = metric_shapes();
            let mut processes = Vec::new();
            for (i, (title, all, any, metrics)) in policies.into_iter().enumerate() {
                let mut parts = all.clone();
                match any.len() {
                    0 => {}
                    1 => parts.extend(any.clone()),
                    _ => parts.push(json!({ "any": any })),
                }
                let when = match parts.len() {
                    0 => None,
                    1 => Some(parts[0].clone()),
                    _ => Some(json!({ "all": parts })),
                };
                let mut milestones = Vec::new();
                for (k, (targets, business)) in metrics {
                    let (_, title, shape) = &shapes[k];
                    let mut m = shape.clone();
                    m["name"] = json!(title);
                    if let Some(w) = &when {
                        m["when"] = w.clone();
                    }
                    let values: Map<String, Value> = targets
                        .iter()
                        .map(|(p, t)| (p.to_string(), json!(format!("{t}m"))))
                        .collect();
                    m["target"] = json!({"by": "priority", "values": values});
                    let calendar = if business { "Support" } else { "24x7" };
                    if !business {
                        calendars.insert("24x7".into(), json!({"always_open": true}));
                    }
                    m["calendar"] = json!(calendar);
                    milestones.push(m);
                }
                let id = (100 + i).to_string();
                let mut p =
                    json!({"id": id, "exit_statuses": ["closed"], "milestones": milestones});
                if let Some(t) = title {
                    p["name"] = json!(t);
                } else {
                    p["name"] = json!(id);
                }
                processes.push(p);
            }
            json!({"calendars": calendars, "processes": processes})
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Salesforce

/// A Salesforce export, written to a folder and read back through the Salesforce importers:
/// the metadata folder of the project, and the records of `data/`.
fn salesforce_reimport(files: &[ExportFile], tag: &str) -> Import {
    let dir = scratch(tag);
    export::write_files(&dir, files).unwrap();
    let mut import = Import::new(json!({}));
    let default = dir.join("force-app/main/default");
    if default.join("entitlementProcesses").is_dir() {
        let metadata = sf_import::read_metadata_folder(&default).unwrap();
        import = import
            .merge(sf_import::entitlement_processes(&metadata).expect("processes re-import"))
            .unwrap();
    }
    if dir.join("data/business_hours.json").is_file() {
        let read = |p: &str| parse(&std::fs::read_to_string(dir.join(p)).unwrap());
        import = import
            .merge(
                sf_import::business_hours(
                    &read("data/business_hours.json"),
                    Some(&read("data/holidays.json")),
                )
                .expect("business hours re-import"),
            )
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
    import
}

#[test]
fn salesforce_fixtures_export_to_files_that_import_back_unchanged() {
    let hours = sf_import::business_hours(
        &fixture("salesforce", "business_hours.json"),
        Some(&json!({ "Support NY": fixture("salesforce", "holidays.json") })),
    )
    .unwrap();
    let folder = format!(
        "{}/../examples/data/import/salesforce/metadata",
        env!("CARGO_MANIFEST_DIR")
    );
    let processes = sf_import::entitlement_processes(
        &sf_import::read_metadata_folder(folder.as_ref()).unwrap(),
    )
    .unwrap();
    let first = hours.merge(processes).unwrap();
    let rules = first.ruleset().unwrap();
    let files = salesforce::export(&rules).unwrap();
    let again = salesforce_reimport(&files, "fixtures");
    assert_eq!(again.document["calendars"], first.document["calendars"]);
    assert_eq!(again.document["processes"], first.document["processes"]);
    assert_eq!(again.document["monitor"], first.document["monitor"]);
    // The project deploys with `sf project deploy start --manifest manifest/package.xml`.
    let package = file(&files, "manifest/package.xml");
    assert!(
        package.contains("<members>gold support</members>"),
        "{package}"
    );
    assert!(
        package.contains("<members>gold support_v2</members>"),
        "{package}"
    );
    assert!(package.contains("<name>MilestoneType</name>"), "{package}");
    assert!(
        package.contains("<members>BusinessHours</members>\n        <name>Settings</name>"),
        "{package}"
    );
    assert!(
        parse(file(&files, "sfdx-project.json"))["packageDirectories"][0]["path"] == "force-app"
    );
    let settings = file(
        &files,
        "force-app/main/default/settings/BusinessHours.settings-meta.xml",
    );
    assert!(settings.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BusinessHoursSettings xmlns=\"http://soap.sforce.com/2006/04/metadata\">"));
    assert!(
        settings.contains("<mondayStartTime>09:00:00.000Z</mondayStartTime>"),
        "{settings}"
    );
    assert!(
        settings.contains("<timeZoneId>America/New_York</timeZoneId>"),
        "{settings}"
    );
    assert!(
        settings.contains("<businessHours>Support NY</businessHours>"),
        "{settings}"
    );
}

#[test]
fn salesforce_refuses_what_it_cannot_hold_naming_every_path() {
    let rules = Ruleset::from_yaml(
        r#"
calendars:
  ny:
    time_zone: America/New_York
    hours: { mon: ["09:00-12:00", "13:00-17:00"] }
    holidays:
      - { name: Good Friday, yearly: { easter: -2 } }
      - { name: Christmas, yearly: "12-25" }
      - { name: Shutdown, from: 2026-12-28, to: 2026-12-31 }
  24x7: { always_open: true }
processes:
  - id: gold
    name: Gold Support
    pause_statuses: [Waiting on Customer]
    milestones:
      - name: Resolution
        kind: custom
        starts_on: [created, started.Resolution]
        completes_on: [completed.Resolution]
        target: { by: severity, values: { Sev1: 4h } }
      - { name: First Response, kind: first_response, target: 1h }
"#,
    )
    .unwrap();
    let err = salesforce::export(&rules).unwrap_err();
    assert_eq!(err.code(), "unsupported");
    let text = err.to_string();
    for path in [
        "calendars.24x7",
        "calendars.ny.hours.mon",
        "calendars.ny.holidays[0]",
        "calendars.ny.holidays[1].starts",
        "calendars.ny.holidays[2]",
        "processes[0].name",
        "processes[0].pause_statuses",
        "processes[0].milestones[0].target",
        "processes[0].milestones[1]",
    ] {
        assert!(text.contains(path), "{path} missing from {text}");
    }
}

fn salesforce_leaf() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["priority", "status", "Severity__c", "Account.Type"]),
        0usize..6,
        "[A-Z][a-z]{1,6}",
        "[A-Z][a-z]{1,6}",
    )
        .prop_map(|(field, op, a, b)| match op {
            0 => json!({"field": field, "op": "eq", "value": a}),
            1 => json!({"field": field, "op": "ne", "value": a}),
            2 => json!({"field": field, "op": "in", "value": [a, format!("{b}x")]}),
            3 => json!({"field": field, "op": "not_in", "value": [a, format!("{b}x")]}),
            4 => json!({"field": field, "op": "exists"}),
            _ => json!({"not": {"field": field, "op": "exists"}}),
        })
}

fn salesforce_when() -> impl Strategy<Value = Option<Value>> {
    (
        prop::collection::vec(salesforce_leaf(), 4),
        0usize..6,
        prop::bool::ANY,
    )
        .prop_map(|(l, shape, neg)| {
            let w = match shape {
                0 => return None,
                1 => l[0].clone(),
                2 => json!({"all": [l[0], l[1], l[2]]}),
                3 => json!({"any": [l[0], l[1]]}),
                4 => json!({"all": [l[0], {"any": [l[1], l[2]]}]}),
                _ => json!({"any": [{"all": [l[0], l[1]]}, l[2], l[3]]}),
            };
            Some(if neg && shape > 1 {
                json!({ "not": w })
            } else {
                w
            })
        })
}

fn salesforce_holiday() -> impl Strategy<Value = Value> {
    (name(), date(), 0usize..5, 1u32..=12, 1u32..=28, 0usize..5, 0usize..7, prop::option::of(date()))
        .prop_map(|(n, d, kind, month, day, nth, wd, until)| {
            let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let nths = [1, 2, 3, 4, -1];
            let mut h = match kind {
                0 => json!({"name": n, "date": d.to_string()}),
                1 => json!({"name": n, "date": d.to_string(), "hours": "12:00-17:30"}),
                2 => json!({"name": n, "yearly": format!("{month:02}-{day:02}"), "starts": d.to_string()}),
                3 => json!({"name": n, "yearly": {"month": month, "weekday": weekdays[wd], "nth": nths[nth]}, "starts": d.to_string()}),
                _ if nth == 0 => json!({"name": n, "recurs": {"unit": "month", "day": day}, "starts": d.to_string()}),
                _ => json!({"name": n, "recurs": {"unit": "month", "every": 1 + nth, "day": day}, "starts": d.to_string()}),
            };
            if kind >= 2
                && let Some(u) = until.filter(|u| *u >= d)
            {
                h["until"] = json!(u.to_string());
            }
            h
        })
}

/// A Salesforce-exportable document: business hours of one interval a day, holidays of the
/// kinds Salesforce records, and processes of the importer's shape.
fn salesforce_document() -> impl Strategy<Value = Value> {
    let calendar = (
        prop::sample::select(vec![
            "America/New_York",
            "Europe/Berlin",
            "Asia/Kolkata",
            "UTC",
        ]),
        weekly(1),
        prop::collection::vec(salesforce_holiday(), 0..4),
    );
    let milestone = (
        1u32..50_000,
        salesforce_when(),
        prop::option::of(Just("Support")),
        prop::collection::vec((0usize..3, 1i64..600), 0..3),
        prop::bool::ANY,
    );
    let process = (
        0usize..3,
        prop::bool::ANY,
        prop::option::of(Just("Support")),
        prop::sample::subsequence(vec!["Closed", "Cancelled"], 0..=2),
        prop::collection::btree_map(0usize..3, milestone, 0..3),
        prop::bool::ANY,
    );
    (
        calendar,
        prop::collection::vec(0usize..3, 3),
        prop::collection::vec(process, 0..3),
    )
        .prop_map(|((zone, hours, holidays), recurrence, processes)| {
            let names = ["First Response", "Resolution Time", "Status Update"];
            let recurrences = ["none", "independent", "sequential"];
            let ids = ["Gold Support", "silver", "Premier 24x7"];
            let mut cal = json!({"time_zone": zone, "hours": hours});
            if !holidays.is_empty() {
                cal["holidays"] = Value::Array(holidays);
            }
            let mut seen = std::collections::BTreeSet::new();
            let mut docs = Vec::new();
            for (k, (id, default, calendar, exits, milestones, sla_start)) in processes.into_iter().enumerate() {
                let id = ids[id];
                let version = k as u32 + 1;
                if !seen.insert((id, version)) {
                    continue;
                }
                let mut ms = Vec::new();
                for (n, (minutes, when, mcal, triggers, on_complete)) in milestones {
                    let name = names[n];
                    let slug = name.replace(' ', "_");
                    let mut starts = vec![];
                    if !sla_start {
                        starts.push(json!("created"));
                    }
                    starts.push(json!(format!("started.{slug}")));
                    let mut m = json!({"name": name, "kind": "custom", "starts_on": starts,
                        "completes_on": [format!("completed.{slug}")], "target": format!("{minutes}m")});
                    if let Some(w) = when {
                        m["when"] = w;
                    }
                    if let Some(c) = mcal {
                        m["calendar"] = json!(c);
                    }
                    if recurrence[n] != 0 {
                        m["recurrence"] = json!(recurrences[recurrence[n]]);
                    }
                    let ts: Vec<Value> = triggers
                        .into_iter()
                        .map(|(kind, mins)| match kind {
                            0 => json!({"at": format!("-{mins}m"), "level": "warning", "actions": ["Notify_Owner"]}),
                            1 => json!({"at": "100%", "level": "violation"}),
                            _ => json!({"at": format!("+{mins}m"), "level": "violation", "actions": ["Page_Director", "Notify_Owner"]}),
                        })
                        .collect();
                    if !ts.is_empty() {
                        m["triggers"] = Value::Array(ts);
                    }
                    if on_complete {
                        m["on_complete"] = json!(["Thank_Customer"]);
                    }
                    ms.push(m);
                }
                let mut p = json!({"id": id, "name": id, "version": version, "milestones": ms});
                if default && version == 1 {
                    p["default"] = json!(true);
                }
                if let Some(c) = calendar {
                    p["calendar"] = json!(c);
                }
                if !exits.is_empty() {
                    p["exit_statuses"] = json!(exits);
                }
                docs.push(p);
            }
            let catalogue = json!({
                "Notify_Owner": {"label": "Notify Owner", "details": "Salesforce workflow action (imported)"},
                "Page_Director": {"label": "Page Director", "details": "Salesforce workflow action (imported)"},
                "Thank_Customer": {"label": "Thank Customer", "details": "Salesforce workflow action (imported)"},
            });
            json!({"calendars": {"Support": cal}, "processes": docs, "monitor": {"actions": catalogue}})
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Importing a Zendesk export gives the document back: calendars and processes.
    #[test]
    fn zendesk_export_imports_back_to_the_same_document(doc in zendesk_document()) {
        let rules = Ruleset::from_value(&doc).expect("a valid generated document");
        let files = zendesk::export(&rules, &zendesk::Options::default()).expect("exportable");
        let again = zendesk_reimport(&files, Some("Support"));
        let back = again.ruleset().expect("the re-import loads");
        prop_assert_eq!(back.processes(), rules.processes());
        for name in rules.calendars().names() {
            prop_assert_eq!(
                back.calendars().get(name).map(|c| c.to_value()),
                rules.calendars().get(name).map(|c| c.to_value())
            );
        }
        prop_assert_eq!(back.calendars().names(), rules.calendars().names());
    }

    /// Importing a Salesforce export gives the document back: calendars and processes.
    #[test]
    fn salesforce_export_imports_back_to_the_same_document(doc in salesforce_document()) {
        let rules = Ruleset::from_value(&doc).expect("a valid generated document");
        let files = salesforce::export(&rules).expect("exportable");
        let again = salesforce_reimport(&files, "property");
        let back = again.ruleset().expect("the re-import loads");
        // The metadata folder is read in file-name order: compare the processes by id and version.
        let sorted = |r: &Ruleset| {
            let mut p = r.processes().to_vec();
            p.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
            p
        };
        prop_assert_eq!(sorted(&back), sorted(&rules));
        prop_assert_eq!(back.calendars().names(), rules.calendars().names());
        for name in rules.calendars().names() {
            prop_assert_eq!(
                back.calendars().get(name).map(|c| c.to_value()),
                rules.calendars().get(name).map(|c| c.to_value())
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Review and files

#[test]
fn review_shows_processes_calendars_and_entitlements() {
    let rules = entitlement_core::doc_fixture::gold_v2();
    let page = review::export(&rules).unwrap();
    assert_eq!(paths(&page), ["review.md"]);
    let text = &page[0].contents;
    assert!(text.starts_with("# Review of the SLA rules\n"));
    assert!(
        text.contains("## Processes")
            && text.contains("## Calendars")
            && text.contains("## Entitlements")
    );
    assert!(text.contains("| Diagnosis |"), "{text}");
}

#[test]
fn review_writes_unions_overrides_and_partial_holidays() {
    let rules = Ruleset::from_yaml(
        r#"
calendars:
  ny:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], fri: ["22:00-06:00"] }
    holidays: [ { name: Christmas Eve, date: 2026-12-24, hours: "12:00-24:00" },
                { name: Independence Day, yearly: "07-04", observed: nearest_weekday } ]
    overrides: [ { date: 2026-12-26, hours: ["10:00-14:00"] } ]
  london: { time_zone: Europe/London, hours: { mon: ["09:00-17:00"] } }
  follow-the-sun: { union: [london, ny] }
processes:
  - id: gold
    calendar: follow-the-sun
    milestones:
      - { name: Resolution, kind: resolution, target: 8h,
          when: { any: [ { field: severity, op: in, value: [Sev1, Sev2] }, { not: { field: tier, op: exists } } ] },
          triggers: [ { at: "-30m", level: critical, actions: [page_oncall] } ] }
"#,
    )
    .unwrap();
    let text = review::export(&rules).unwrap().remove(0).contents;
    for needle in [
        "Open when any of these is open: `london`, `ny`.",
        "| Friday | 22:00-06:00 (overnight) |",
        "| Christmas Eve | date: 2026-12-24 | as it falls | 12:00-24:00 |",
        "| Independence Day | yearly: 07-04 | nearest weekday | all day |",
        "| 2026-12-26 | 10:00-14:00 |",
        "severity in [Sev1, Sev2] or (not tier exists)",
        "30m before → critical (page_oncall)",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
}

#[test]
fn files_are_written_under_the_folder_and_nowhere_else() {
    let dir = scratch("write");
    let err = export::write_files(
        &dir,
        &[ExportFile {
            path: "../escape.txt".into(),
            contents: "x".into(),
        }],
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    let err = export::write_files(
        &dir,
        &[ExportFile {
            path: "/etc/escape".into(),
            contents: "x".into(),
        }],
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    assert!(!dir.exists(), "nothing is written when a path is refused");
    export::write_files(
        &dir,
        &[ExportFile {
            path: "a/b.txt".into(),
            contents: "hi".into(),
        }],
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("a/b.txt")).unwrap(), "hi");
    let _ = std::fs::remove_dir_all(&dir);
    // Names from the document are made safe before they become paths.
    assert_eq!(export::file_name("a/b"), "a%2Fb");
    assert_eq!(export::file_name(".."), "%2E%2E");
}

/// A calendar's built-in country holidays: Salesforce refuses the entry (naming it, not the
/// document's own holiday after it), Zendesk writes their dates only when asked, and the review
/// lists them.
#[test]
fn country_holiday_entries_are_refused_or_expanded_by_their_own_path() {
    let rules = Ruleset::from_yaml(
        r#"
calendars:
  ny:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], thu: ["09:00-17:00"] }
    holidays:
      - { country: US, subdivision: NY }
      - { name: Company Day, date: 2026-08-14 }
"#,
    )
    .unwrap();
    let sf = salesforce::export(&rules).unwrap_err().to_string();
    assert!(sf.contains("calendars.ny.holidays[0]"), "{sf}");
    assert!(!sf.contains("holidays[1]"), "{sf}");
    let zd = zendesk::export(&rules, &zendesk::Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        zd.contains("calendars.ny.holidays[0]") && zd.contains("expand_holidays"),
        "{zd}"
    );
    let files = zendesk::export(
        &rules,
        &zendesk::Options {
            expand_holidays: Some((2026, 2026)),
        },
    )
    .unwrap();
    let dates: Vec<String> = files
        .iter()
        .filter(|f| f.path.starts_with("schedules/ny/holidays/"))
        .map(|f| {
            parse(&f.contents)["holiday"]["start_date"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let ny = entitlement_core::holidays::country("US", Some("NY")).unwrap();
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let built_in = ny.between(d(1, 1), d(12, 31)).unwrap();
    assert_eq!(dates.len(), built_in.len() + 1);
    assert!(dates.contains(&"2026-11-26".to_string()), "{dates:?}"); // Thanksgiving
    assert!(dates.contains(&"2026-08-14".to_string()), "{dates:?}"); // the document's own
    let page = file(&review::export(&rules).unwrap(), "review.md").to_string();
    assert!(
        page.contains("Public holidays of") && page.contains("Company Day"),
        "{page}"
    );
}
