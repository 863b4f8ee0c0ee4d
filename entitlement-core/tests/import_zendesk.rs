//! The Zendesk importer against fixtures written from the API's documented shapes
//! (`examples/data/import/zendesk/`), with answers computed by hand in the comments.

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::import::Import;
use entitlement_core::import::zendesk::{self, RAILS_TIME_ZONES, rails_time_zone};
use entitlement_core::{Calendar, Case, MilestoneState, MilestoneStatus};
use serde_json::{Value, json};

use crate::common::at;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../examples/data/import/zendesk/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn imported_schedules() -> Import {
    zendesk::schedules(&fixture("schedules.json"), Some(&fixture("holidays.json")))
        .expect("schedules import")
}

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

#[test]
fn schedule_intervals_become_weekly_hours_split_at_midnight() {
    let imp = imported_schedules();
    let cals = &imp.document["calendars"];
    let ny = &cals["Support NY"];
    assert_eq!(ny["time_zone"], "America/New_York");
    // 1980..2160 is Monday 09:00-12:00 (1440 + 540), 2220..2460 Monday 13:00-17:00.
    for day in ["mon", "tue", "wed", "thu", "fri"] {
        assert_eq!(
            ny["hours"][day],
            json!(["09:00-12:00", "13:00-17:00"]),
            "{day}"
        );
    }
    assert!(ny["hours"].get("sat").is_none() && ny["hours"].get("sun").is_none());
    assert_eq!(
        ny["holidays"],
        json!([
            {"name": "Thanksgiving break", "from": "2026-11-26", "to": "2026-11-27"},
            {"name": "Christmas Day", "date": "2026-12-25"}
        ])
    );
    let night = &cals["Night desk"];
    assert_eq!(night["time_zone"], "Europe/London");
    // 1200..1680: Sunday 20:00 to Monday 04:00; 8520..9000: Friday 22:00 to Saturday 06:00.
    assert_eq!(
        night["hours"],
        json!({"mon": ["00:00-04:00"], "fri": ["22:00-24:00"], "sat": ["00:00-06:00"], "sun": ["20:00-24:00"]})
    );
    assert!(imp.warnings.is_empty());
}

#[test]
fn support_ny_deadlines_by_hand() {
    let cal = imported_schedules().calendar(Some("Support NY")).unwrap();
    // Monday 2026-03-02 11:00 EST (16:00Z) + 2h: 1h to the lunch break, 13:00 + 1h = 14:00 EST.
    assert_eq!(
        cal.add(at("2026-03-02T16:00:00Z"), minutes(120)).unwrap(),
        at("2026-03-02T19:00:00Z")
    );
    // 12:30 EST is the lunch break; 13:00 EST opens again.
    assert!(!cal.is_open(at("2026-03-02T17:30:00Z")).unwrap());
    assert_eq!(
        cal.next_open(at("2026-03-02T17:30:00Z")).unwrap(),
        at("2026-03-02T18:00:00Z")
    );
    // Monday 09:00 EST to Tuesday 09:00 EST: one business day of 7 hours.
    assert_eq!(
        cal.elapsed(at("2026-03-02T14:00:00Z"), at("2026-03-03T14:00:00Z"))
            .unwrap(),
        minutes(420)
    );
    // Thanksgiving break, Thu 26 and Fri 27 November (inclusive range): closed at 10:00 EST.
    assert!(!cal.is_open(at("2026-11-26T15:00:00Z")).unwrap());
    assert!(!cal.is_open(at("2026-11-27T15:00:00Z")).unwrap());
    // Wed 25 November 16:00 EST + 2h: 1h to 17:00, Thu-Fri holidays, weekend, Mon 30th
    // 09:00 + 1h = 10:00 EST = 15:00Z.
    assert_eq!(
        cal.add(at("2026-11-25T21:00:00Z"), minutes(120)).unwrap(),
        at("2026-11-30T15:00:00Z")
    );
    // Christmas Day, one-day holiday (start_date = end_date), a Friday.
    assert!(!cal.is_open(at("2026-12-25T15:00:00Z")).unwrap());
}

#[test]
fn night_desk_across_midnight_by_hand() {
    let cal = imported_schedules().calendar(Some("Night desk")).unwrap();
    // London in January is UTC. Friday 2026-01-09 23:00 is open, Saturday 05:59 too, 06:00 not.
    assert!(cal.is_open(at("2026-01-09T23:00:00Z")).unwrap());
    assert!(cal.is_open(at("2026-01-10T05:59:00Z")).unwrap());
    assert!(!cal.is_open(at("2026-01-10T06:00:00Z")).unwrap());
    // Friday 21:00 + 3h: opens 22:00, three hours later is Saturday 01:00.
    assert_eq!(
        cal.add(at("2026-01-09T21:00:00Z"), minutes(180)).unwrap(),
        at("2026-01-10T01:00:00Z")
    );
    // Friday 20:00 to Saturday 12:00: the whole 22:00-06:00 shift, 8 hours.
    assert_eq!(
        cal.elapsed(at("2026-01-09T20:00:00Z"), at("2026-01-10T12:00:00Z"))
            .unwrap(),
        minutes(480)
    );
    // Sunday 20:00 to Monday 04:00 in summer (BST, UTC+1): Sunday 2026-06-07 19:00Z opens.
    assert_eq!(
        cal.next_open(at("2026-06-07T12:00:00Z")).unwrap(),
        at("2026-06-07T19:00:00Z")
    );
    // Year-end shutdown 2026-12-31..2027-01-02: the Friday-night shift of 1 January is gone;
    // the next opening is Sunday 3 January 20:00.
    assert_eq!(
        cal.next_open(at("2026-12-30T12:00:00Z")).unwrap(),
        at("2027-01-03T20:00:00Z")
    );
}

#[test]
fn every_rails_zone_name_resolves_to_a_real_zone() {
    assert!(RAILS_TIME_ZONES.len() >= 151);
    for (rails, iana) in RAILS_TIME_ZONES {
        let tz: chrono_tz::Tz = iana
            .parse()
            .unwrap_or_else(|_| panic!("{rails:?} maps to {iana:?}, not a chrono-tz zone"));
        assert_eq!(rails_time_zone(rails).unwrap(), tz.name(), "{rails}");
        // And the calendar accepts it.
        Calendar::from_value(&json!({"time_zone": iana, "hours": {"mon": ["09:00-17:00"]}}))
            .unwrap_or_else(|e| panic!("{rails:?}: {e}"));
    }
    assert_eq!(
        rails_time_zone("Pacific Time (US & Canada)").unwrap(),
        "America/Los_Angeles"
    );
    assert_eq!(
        rails_time_zone("America/Chicago").unwrap(),
        "America/Chicago"
    );
    let err = rails_time_zone("Eastern Time").unwrap_err();
    assert_eq!(err.code(), "unsupported");
    assert!(err.to_string().contains("time_zone"));
}

/// A deterministic generator (SplitMix64) so that the 1,000 instants are the same every run.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

#[test]
fn eastern_rails_schedule_equals_native_new_york_on_1000_instants() {
    let zd = zendesk::schedules(
        &json!({"schedule": {"id": 1, "name": "Eastern", "time_zone": "Eastern Time (US & Canada)",
            "intervals": fixture("schedules.json")["schedules"][0]["intervals"].clone()}}),
        None,
    )
    .unwrap()
    .calendar(None)
    .unwrap();
    let day = ["09:00-12:00", "13:00-17:00"];
    let native = Calendar::from_value(&json!({"time_zone": "America/New_York", "hours": {
        "mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}))
    .unwrap();
    let mut rng = SplitMix(0x5EED_2026);
    // 2024-01-01 to 2029-01-01 (both DST transitions every year), microsecond instants.
    let (lo, span) = (at("2024-01-01T00:00:00Z"), 5 * 365 * 86_400_000_000u64);
    for _ in 0..1000 {
        let t: DateTime<Utc> = lo + TimeDelta::microseconds(rng.below(span));
        let u: DateTime<Utc> = t + TimeDelta::microseconds(rng.below(30 * 86_400_000_000));
        let d = TimeDelta::microseconds(rng.below(200 * 3_600_000_000));
        assert_eq!(
            zd.add(t, d).unwrap(),
            native.add(t, d).unwrap(),
            "add {t} {d}"
        );
        assert_eq!(
            zd.elapsed(t, u).unwrap(),
            native.elapsed(t, u).unwrap(),
            "elapsed {t} {u}"
        );
        assert_eq!(
            zd.is_open(t).unwrap(),
            native.is_open(t).unwrap(),
            "is_open {t}"
        );
        assert_eq!(
            zd.next_open(t).unwrap(),
            native.next_open(t).unwrap(),
            "next_open {t}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SLA policies

fn imported_policies() -> Import {
    zendesk::sla_policies(&fixture("sla_policies.json"), Some("Support NY")).expect("policies")
}

fn find<'a>(milestones: &'a Value, name: &str) -> &'a Value {
    milestones
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no milestone {name}"))
}

#[test]
fn policies_become_processes_in_position_order() {
    let imp = imported_policies();
    let processes = imp.document["processes"].as_array().unwrap();
    // "Replay" has position 1, "Enterprise" position 2.
    assert_eq!(processes[0]["id"], "36");
    assert_eq!(processes[1]["id"], "25");
    assert_eq!(processes[1]["name"], "Enterprise");
    assert_eq!(processes[1]["exit_statuses"], json!(["closed"]));
    assert_eq!(
        imp.document["calendars"],
        json!({"24x7": {"always_open": true}})
    );
    // The Enterprise description cannot be carried: a warning, not silence.
    assert_eq!(imp.warnings.len(), 1);
    assert_eq!(imp.warnings[0].field, "description");
    assert!(
        imp.warnings[0]
            .record
            .contains("SLA policy 25 (Enterprise)")
    );
}

#[test]
fn enterprise_metrics_filter_and_mixed_business_hours() {
    let imp = imported_policies();
    let ms = &imp.document["processes"][1]["milestones"];
    let filter = json!([
        {"field": "type", "op": "eq", "value": "incident"},
        // greater_than normal, in Zendesk's order low < normal < high < urgent
        {"field": "priority", "op": "in", "value": ["high", "urgent"]},
        {"any": [
            {"field": "group_id", "op": "eq", "value": "20"},
            {"field": "organization_id", "op": "ne", "value": "30"}]}
    ]);
    // first_reply_time: urgent in calendar hours, high in business hours: two milestones.
    let business = find(ms, "First reply time (business hours)");
    assert_eq!(business["kind"], "first_response");
    assert_eq!(business["calendar"], "Support NY");
    assert_eq!(
        business["target"],
        json!({"by": "priority", "values": {"high": "60m"}})
    );
    let mut parts = filter.as_array().unwrap().clone();
    parts.push(json!({"field": "priority", "op": "in", "value": ["high"]}));
    assert_eq!(business["when"], json!({"all": parts}));
    let calendar = find(ms, "First reply time (calendar hours)");
    assert_eq!(calendar["calendar"], "24x7");
    assert_eq!(
        calendar["target"],
        json!({"by": "priority", "values": {"urgent": "30m"}})
    );
    // next_reply_time: both in calendar hours: one milestone, the filter alone.
    let next = find(ms, "Next reply time");
    assert_eq!(next["kind"], "next_response");
    assert_eq!(next["recurrence"], "independent");
    assert_eq!(next["when"], json!({"all": filter}));
    assert_eq!(
        next["target"],
        json!({"by": "priority", "values": {"high": "120m", "urgent": "60m"}})
    );
    // pausable update: high has no target_in_seconds, urgent has both.
    let pausable = find(ms, "Pausable update time");
    assert_eq!(pausable["pause_statuses"], json!(["pending", "solved"]));
    assert_eq!(
        pausable["target"]["values"],
        json!({"high": "480m", "urgent": "180m"})
    );
    assert_eq!(
        find(ms, "Agent work time")["pause_statuses"],
        json!(["pending", "hold", "solved"])
    );
    assert_eq!(
        find(ms, "Requester wait time (business hours)")["calendar"],
        "Support NY"
    );
    assert_eq!(find(ms, "Total resolution time")["calendar"], "24x7");
    assert_eq!(ms.as_array().unwrap().len(), 9);
    // The whole thing loads with the schedules.
    imported_schedules().merge(imp).unwrap().ruleset().unwrap();
}

fn replay(case_file: &str, now: &str) -> Vec<MilestoneStatus> {
    let rules = imported_schedules()
        .merge(imported_policies())
        .unwrap()
        .ruleset()
        .unwrap();
    let case = Case::from_value(&fixture(case_file)).unwrap();
    rules.evaluate(&case, at(now)).unwrap()
}

fn status<'a>(all: &'a [MilestoneStatus], name: &str, instance: u32) -> &'a MilestoneStatus {
    all.iter()
        .find(|s| s.milestone == name && s.instance == instance)
        .unwrap_or_else(|| panic!("no status {name} #{instance}"))
}

fn check(s: &MilestoneStatus, state: MilestoneState, elapsed: i64, target_at: &str) {
    assert_eq!(s.state, state, "{} #{} state", s.milestone, s.instance);
    assert_eq!(
        s.elapsed,
        minutes(elapsed),
        "{} #{} elapsed",
        s.milestone,
        s.instance
    );
    assert_eq!(
        s.target_at,
        Some(at(target_at)),
        "{} #{} target",
        s.milestone,
        s.instance
    );
}

/// The log (2026-03-02, UTC, 24×7 targets): created 09:00 (new); 09:10 public agent reply,
/// open; 09:20 pending; 10:20 customer reply, open; 10:30 on-hold; 11:00 open; 11:30 agent reply;
/// 11:40 solved. Evaluated at 13:00.
#[test]
fn each_metric_pauses_as_zendesk_defines_it() {
    let all = replay("case_replay.json", "2026-03-02T13:00:00Z");
    use MilestoneState::*;
    // First reply: 09:00 -> 09:10, never pauses. 10 min of 60.
    check(
        status(&all, "First reply time", 1),
        Completed,
        10,
        "2026-03-02T10:00:00Z",
    );
    // Next reply: customer 10:20 -> agent 11:30 = 70 min (pending/on-hold do not pause), target
    // 10:20 + 60 = 11:20: late.
    check(
        status(&all, "Next reply time", 1),
        CompletedLate,
        70,
        "2026-03-02T11:20:00Z",
    );
    // Periodic update: agent 09:10 -> agent 11:30 = 140 min, no pause; then 11:30 -> solved
    // 11:40 = 10 min.
    check(
        status(&all, "Periodic update time", 1),
        CompletedLate,
        140,
        "2026-03-02T10:10:00Z",
    );
    check(
        status(&all, "Periodic update time", 2),
        Completed,
        10,
        "2026-03-02T12:30:00Z",
    );
    // Pausable update (90 min): 09:10 -> 11:30 less pending 09:20-10:20 = 80 min; target 10 min
    // before the pause + 80 after 10:20 = 11:40 (on-hold does not pause it).
    check(
        status(&all, "Pausable update time", 1),
        Completed,
        80,
        "2026-03-02T11:40:00Z",
    );
    // Requester wait (120): new/open/on-hold count: 09:00-09:20 (20) + 10:20-11:40 (80) = 100;
    // paused while solved; 20 min left from now: 13:20 (provisional).
    check(
        status(&all, "Requester wait time", 1),
        Paused,
        100,
        "2026-03-02T13:20:00Z",
    );
    // Agent work (120): new/open only: 20 + 10:20-10:30 (10) + 11:00-11:40 (40) = 70; 50 left.
    check(
        status(&all, "Agent work time", 1),
        Paused,
        70,
        "2026-03-02T13:50:00Z",
    );
    // Total resolution (180): everything but solved: 09:00-11:40 = 160; 20 left.
    check(
        status(&all, "Total resolution time", 1),
        Paused,
        160,
        "2026-03-02T13:20:00Z",
    );
}

/// The same log, then 12:00 a customer reply reopens it (open) and 12:30 it is closed.
#[test]
fn reopening_resumes_the_status_clocks_and_closing_completes_them() {
    let all = replay("case_replay_closed.json", "2026-03-02T13:00:00Z");
    use MilestoneState::*;
    // Requester wait: 100 + 12:00-12:30 (30) = 130 > 120: the target fell at 12:00 + 20 = 12:20.
    check(
        status(&all, "Requester wait time", 1),
        CompletedLate,
        130,
        "2026-03-02T12:20:00Z",
    );
    // Agent work: 70 + 30 = 100 <= 120: 50 left at 12:00, target 12:50.
    check(
        status(&all, "Agent work time", 1),
        Completed,
        100,
        "2026-03-02T12:50:00Z",
    );
    // Total resolution: 160 + 30 = 190 > 180: target 12:00 + 20 = 12:20.
    check(
        status(&all, "Total resolution time", 1),
        CompletedLate,
        190,
        "2026-03-02T12:20:00Z",
    );
    // The reopening customer reply starts a second next-reply clock; the close ends it (30 min).
    check(
        status(&all, "Next reply time", 2),
        Completed,
        30,
        "2026-03-02T13:00:00Z",
    );
}

#[test]
fn business_hours_targets_run_on_the_schedule() {
    let rules = imported_schedules()
        .merge(imported_policies())
        .unwrap()
        .ruleset()
        .unwrap();
    let case = |priority: &str| {
        Case::from_value(&json!({
            "id": format!("ZD-{priority}"), "process": "25", "created_at": "2026-03-02T21:30:00Z",
            "fields": {"priority": priority, "type": "incident", "group_id": "20", "status": "new"},
            "events": []}))
        .unwrap()
    };
    let now = at("2026-03-02T21:40:00Z");
    // High: 60 business minutes on Support NY from Monday 16:30 EST: 30 min to 17:00, then
    // Tuesday 09:00 + 30 = 09:30 EST = 14:30Z.
    let high = rules.evaluate(&case("high"), now).unwrap();
    let s = status(&high, "First reply time (business hours)", 1);
    assert_eq!(s.target_at, Some(at("2026-03-03T14:30:00Z")));
    assert_eq!(
        status(&high, "First reply time (calendar hours)", 1).state,
        MilestoneState::Pending
    );
    // Urgent: 30 calendar minutes: 22:00Z.
    let urgent = rules.evaluate(&case("urgent"), now).unwrap();
    let s = status(&urgent, "First reply time (calendar hours)", 1);
    assert_eq!(s.target_at, Some(at("2026-03-02T22:00:00Z")));
    // Normal priority is outside the filter (greater_than normal): nothing starts.
    let normal = rules.evaluate(&case("normal"), now).unwrap();
    assert!(normal.iter().all(|s| s.state == MilestoneState::Pending));
}

#[test]
fn target_in_seconds_below_a_minute_is_kept_exact() {
    let imp = zendesk::sla_policies(
        &json!([{"id": 1, "title": "Chat", "policy_metrics": [
            {"priority": "urgent", "metric": "first_reply_time", "target": 1,
             "target_in_seconds": 30, "business_hours": false}]}]),
        None,
    )
    .unwrap();
    assert_eq!(
        imp.document["processes"][0]["milestones"][0]["target"]["values"]["urgent"],
        "30s"
    );
}

#[test]
fn duplicate_schedule_names_get_their_ids() {
    let one = |id: i64| {
        json!({"id": id, "name": "Support", "time_zone": "UTC",
               "intervals": [{"start_time": 1980, "end_time": 2460}]})
    };
    let imp = zendesk::schedules(&json!([one(1), one(2)]), None).unwrap();
    let cals = imp.document["calendars"].as_object().unwrap();
    assert!(cals.contains_key("Support #1") && cals.contains_key("Support #2"));
    assert_eq!(imp.warnings.len(), 2);
}

#[test]
fn business_hours_without_a_schedule_is_an_error_naming_policy_and_field() {
    let err = zendesk::sla_policies(&fixture("sla_policies.json"), None).unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    let msg = err.to_string();
    assert!(msg.contains("SLA policy 25 (Enterprise)"), "{msg}");
    assert!(msg.contains("policy_metrics[1].business_hours"), "{msg}");
}

/// Every construct the importer refuses: (input, record, field).
#[test]
fn unsupported_constructs() {
    let sched = |extra: Value| {
        let mut s = json!({"id": 7, "name": "Desk", "time_zone": "UTC",
                           "intervals": [{"start_time": 1980, "end_time": 2460}]});
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    };
    let pol = |extra: Value| {
        let mut p = json!({"id": 9, "title": "Gold", "filter": {"all": [], "any": []},
            "policy_metrics": [{"priority": "high", "metric": "first_reply_time", "target": 60,
                                "business_hours": false}]});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        p
    };
    let metric = |m: Value| pol(json!({"policy_metrics": [m]}));
    let cond = |c: Value| pol(json!({"filter": {"all": [c], "any": []}}));
    let s = "Schedule 7 (Desk)";
    let p = "SLA policy 9 (Gold)";
    let schedule_cases: Vec<(Value, Option<Value>, &str, &str)> = vec![
        (sched(json!({"time_zone": "Gotham"})), None, s, "time_zone"),
        (sched(json!({"time_zone": 5})), None, s, "time_zone"),
        (
            sched(json!({"intervals": [{"start_time": 600, "end_time": 500}]})),
            None,
            s,
            "intervals[0]",
        ),
        (
            sched(json!({"intervals": [{"start_time": 0, "end_time": 10081}]})),
            None,
            s,
            "intervals[0]",
        ),
        (
            sched(json!({"intervals": [{"start_time": -5, "end_time": 60}]})),
            None,
            s,
            "intervals[0]",
        ),
        (
            sched(json!({"intervals": [{"start_time": 0, "end_time": 600},
                                     {"start_time": 500, "end_time": 700}]})),
            None,
            s,
            "intervals[1]",
        ),
        (
            sched(json!({"intervals": [{"start_time": "09:00", "end_time": 700}]})),
            None,
            s,
            "intervals[0].start_time",
        ),
        (
            sched(json!({"intervals": [{"start_time": 1.5, "end_time": 700}]})),
            None,
            s,
            "intervals[0].start_time",
        ),
        (sched(json!({"intervals": []})), None, s, "intervals"),
        (sched(json!({"intervals": null})), None, s, "intervals"),
        (sched(json!({"name": ""})), None, "Schedule 7", "name"),
        (
            sched(json!({})),
            Some(json!({"8": {"holidays": []}})),
            "holidays",
            "8",
        ),
        (
            sched(json!({})),
            Some(json!({"7": {"holidays": [
            {"id": 3, "name": "X", "start_date": "2026-12-25", "end_date": "2026-12-24"}]}})),
            "Schedule 7 (Desk), holiday 3 (X)",
            "end_date",
        ),
        (
            sched(json!({})),
            Some(json!({"7": {"holidays": [
            {"id": 3, "name": "X", "start_date": "25/12/2026", "end_date": "2026-12-25"}]}})),
            "Schedule 7 (Desk), holiday 3 (X)",
            "start_date",
        ),
        (sched(json!({})), Some(json!({"7": 5})), s, "holidays.7"),
        (json!(5), None, "schedules", "(input)"),
    ];
    let policy_cases: Vec<(Value, &str, &str)> = vec![
        (
            metric(
                json!({"priority": "high", "metric": "first_resolution_time", "target": 60, "business_hours": false}),
            ),
            p,
            "policy_metrics[0].metric",
        ),
        (
            metric(
                json!({"priority": "critical", "metric": "first_reply_time", "target": 60, "business_hours": false}),
            ),
            p,
            "policy_metrics[0].priority",
        ),
        (
            metric(
                json!({"priority": "high", "metric": "first_reply_time", "target": "1h", "business_hours": false}),
            ),
            p,
            "policy_metrics[0].target",
        ),
        (
            metric(
                json!({"priority": "high", "metric": "first_reply_time", "target": 0, "business_hours": false}),
            ),
            p,
            "policy_metrics[0].target",
        ),
        (
            metric(
                json!({"priority": "high", "metric": "first_reply_time", "business_hours": false}),
            ),
            p,
            "policy_metrics[0].target",
        ),
        (
            metric(
                json!({"priority": "high", "metric": "first_reply_time", "target": 60, "target_in_seconds": 7200, "business_hours": false}),
            ),
            p,
            "policy_metrics[0].target_in_seconds",
        ),
        (
            metric(json!({"priority": "high", "metric": "first_reply_time", "target": 60})),
            p,
            "policy_metrics[0].business_hours",
        ),
        (
            metric(
                json!({"priority": "high", "metric": "first_reply_time", "target": 60, "business_hours": "yes"}),
            ),
            p,
            "policy_metrics[0].business_hours",
        ),
        (
            pol(json!({"policy_metrics": [
            {"priority": "high", "metric": "first_reply_time", "target": 60, "business_hours": false},
            {"priority": "high", "metric": "first_reply_time", "target": 30, "business_hours": false}]})),
            p,
            "policy_metrics[1]",
        ),
        (
            pol(json!({"policy_metrics": {"a": 1}})),
            p,
            "policy_metrics",
        ),
        (
            cond(json!({"field": "current_tags", "operator": "includes", "value": "vip"})),
            p,
            "filter.all[0].operator",
        ),
        (
            cond(json!({"field": "custom_status_id", "operator": "includes", "value": ["1", "2"]})),
            p,
            "filter.all[0].operator",
        ),
        (
            cond(json!({"field": "status", "operator": "less_than", "value": "solved"})),
            p,
            "filter.all[0].operator",
        ),
        (
            cond(json!({"field": "priority", "operator": "less_than", "value": "severe"})),
            p,
            "filter.all[0].value",
        ),
        (
            cond(json!({"field": "type", "operator": "is", "value": ["a", "b"]})),
            p,
            "filter.all[0].value",
        ),
        (
            cond(json!({"operator": "is", "value": "x"})),
            p,
            "filter.all[0].field",
        ),
        (
            pol(
                json!({"filter": {"all": [], "any": [{"field": "via_id", "operator": "changed", "value": "4"}]}}),
            ),
            p,
            "filter.any[0].operator",
        ),
        (
            pol(json!({"filter": {"all": [], "none": []}})),
            p,
            "filter.none",
        ),
        (pol(json!({"filter": {"all": "x"}})), p, "filter.all"),
        (json!([{"policy_metrics": []}]), "SLA policy", "id"),
        (json!([pol(json!({})), pol(json!({}))]), p, "id"),
        (json!("policies"), "sla_policies", "(input)"),
    ];
    let mut count = 0;
    for (input, holidays, record, field) in schedule_cases {
        let err = zendesk::schedules(&input, holidays.as_ref())
            .expect_err(&format!("{record}: {field} should be refused"));
        assert_eq!(err.code(), "unsupported", "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("{record}: {field}")),
            "{record}: {field} not in {msg}"
        );
        count += 1;
    }
    for (input, record, field) in policy_cases {
        let err = zendesk::sla_policies(&input, Some("Desk"))
            .expect_err(&format!("{record}: {field} should be refused"));
        assert_eq!(err.code(), "unsupported", "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("{record}: {field}")),
            "{record}: {field} not in {msg}"
        );
        count += 1;
    }
    assert_eq!(count, 38);
}

/// What the engine would refuse, or what would be dropped, is refused at import, naming the
/// record and the field.
#[test]
fn values_the_engine_cannot_hold_and_silent_drops_are_refused() {
    let refused = |r: entitlement_core::Result<Import>, record: &str, field: &str| {
        let err = r.expect_err(field);
        assert_eq!(err.code(), "unsupported", "{err}");
        let msg = err.to_string();
        assert!(msg.starts_with(record), "{msg}");
        assert!(msg.contains(&format!("{field}:")), "{msg}");
    };
    let policy = |metric: Value| json!({"id": 9, "title": "Gold", "filter": {"all": [], "any": []}, "policy_metrics": [metric]});
    // Targets of 10^12 minutes (and as many seconds past the bound): refused, not written.
    refused(
        zendesk::sla_policies(
            &policy(json!({"priority": "high", "metric": "first_reply_time",
                           "target": 1_000_000_000_000i64, "business_hours": false})),
            None,
        ),
        "SLA policy 9 (Gold)",
        "policy_metrics[0].target",
    );
    refused(
        zendesk::sla_policies(
            &policy(json!({"priority": "high", "metric": "first_reply_time",
                           "target_in_seconds": i64::MAX, "business_hours": false})),
            None,
        ),
        "SLA policy 9 (Gold)",
        "policy_metrics[0].target_in_seconds",
    );
    // Both, far apart: no overflow, a refusal.
    refused(
        zendesk::sla_policies(
            &policy(json!({"priority": "high", "metric": "first_reply_time",
                           "target": i64::MAX / 2, "target_in_seconds": 60, "business_hours": false})),
            None,
        ),
        "SLA policy 9 (Gold)",
        "policy_metrics[0].target",
    );
    // The longest target the importers write loads.
    let longest = zendesk::sla_policies(
        &policy(json!({"priority": "high", "metric": "first_reply_time",
                       "target": 10_000_000, "business_hours": false})),
        None,
    )
    .unwrap();
    longest.ruleset().expect("the longest target loads");

    let desk = |id: i64| {
        json!({"id": id, "name": format!("Desk {id}"), "time_zone": "UTC",
               "intervals": [{"start_time": 1980, "end_time": 2460}]})
    };
    // A holiday in year 0.
    let mut s = desk(7);
    s["holidays"] =
        json!([{"id": 1, "name": "Zero", "start_date": "0000-01-01", "end_date": "0000-01-02"}]);
    refused(
        zendesk::schedules(&s, None),
        "Schedule 7 (Desk 7), holiday 1 (Zero)",
        "start_date",
    );
    // Two schedules with one id: the holidays keyed by it would reach only one.
    let mut twin = desk(7);
    twin["name"] = json!("Twin");
    refused(
        zendesk::schedules(&json!([desk(7), twin]), None),
        "Schedule 7 (Twin)",
        "id",
    );
    // One page of several, or a page that counts other schedules than it holds.
    refused(
        zendesk::schedules(
            &json!({"schedules": [desk(7)], "next_page": "https://x.zendesk.com/api/v2/business_hours/schedules?page=2", "count": 2}),
            None,
        ),
        "schedules",
        "next_page",
    );
    refused(
        zendesk::schedules(
            &json!({"schedules": [desk(7)], "next_page": null, "count": 2}),
            None,
        ),
        "schedules",
        "count",
    );
    let whole = zendesk::schedules(
        &json!({"schedules": [desk(7), desk(8)], "next_page": null, "count": 2}),
        None,
    )
    .unwrap();
    assert_eq!(whole.calendars().unwrap().len(), 2);
}

/// A refusal that quotes a hostile value stays a short message: the title (in the record's name),
/// the priority (in the reason) and a zone name of megabytes are cut to an excerpt with their size.
#[test]
fn refusals_quote_bounded_excerpts_of_huge_values() {
    let huge = "x".repeat(5_000_000);
    let policies = json!({"id": 9, "title": huge, "filter": {"all": [], "any": []},
        "policy_metrics": [{"priority": huge, "metric": "first_reply_time", "target": 60,
                            "business_hours": false}]});
    let err = zendesk::sla_policies(&policies, None).expect_err("an unknown priority");
    assert_eq!(err.code(), "unsupported");
    let message = err.to_string();
    assert!(message.len() < 2_000, "{} bytes", message.len());
    assert!(message.contains("… (50000"), "{message}");
    assert!(message.contains("policy_metrics[0].priority"), "{message}");

    let schedules = json!({"id": 7, "name": "Desk", "time_zone": huge,
        "intervals": [{"start_time": 1980, "end_time": 2460}]});
    let err = zendesk::schedules(&schedules, None).expect_err("an unknown zone");
    let message = err.to_string();
    assert!(message.len() < 2_000, "{} bytes", message.len());
    assert!(message.contains("time_zone"), "{message}");
}
