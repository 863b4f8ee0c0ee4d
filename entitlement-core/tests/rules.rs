//! The SLA rules against the product's own example (`examples/data/rules.yaml`, described in
//! `docs/rules.md`). Every deadline is worked out by hand in the comments.
//!
//! The New York desk (`ny-support`) is open Monday to Friday 09:00–12:00 and 13:00–17:00
//! (7 business hours a day), closed on Thanksgiving (the 4th Thursday of November: 2026-11-26)
//! and open only 09:00–13:00 on Friday 2026-11-27. New York is UTC−5 in November. London
//! (`london`) is open Monday to Friday 09:00–17:30 and is UTC+0 in November.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{Case, Level, MilestoneState, MilestoneStatus, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

fn rules() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/rules.yaml");
        Ruleset::load(path).expect("the sample rules load")
    })
}

fn case(v: Value) -> Case {
    Case::from_value(&v).expect("test case")
}

fn eval(c: &Value, now: &str) -> Vec<MilestoneStatus> {
    rules()
        .evaluate(&case(c.clone()), at(now))
        .expect("evaluate")
}

fn find<'a>(s: &'a [MilestoneStatus], name: &str, instance: u32) -> &'a MilestoneStatus {
    s.iter()
        .find(|m| m.milestone == name && m.instance == instance)
        .unwrap_or_else(|| panic!("no status for {name} #{instance} in {s:#?}"))
}

fn t(s: &str) -> Option<DateTime<Utc>> {
    Some(at(s))
}

fn h(hours: f64) -> TimeDelta {
    TimeDelta::microseconds((hours * 3_600_000_000.0).round() as i64)
}

const NOW: &str = "2026-11-25T20:30:00Z"; // Wednesday 15:30 in New York

#[test]
fn gold_tier_first_response_diagnosis_resolution_with_a_pause_over_a_night() {
    // acme-gold pins gold v1: first response 1h, diagnosis 4h, resolution 8h on ny-support.
    // Created Monday 2026-11-16 10:00 New York (15:00Z).
    let c = json!({
    "id": "G-1", "entitlement": "acme-gold", "created_at": "2026-11-16T15:00:00Z",
    "fields": {"severity": "Sev2"},
    "events": [
        {"at": "2026-11-16T15:40:00Z", "type": "agent_reply"},          // Mon 10:40
        {"at": "2026-11-16T20:00:00Z", "type": "diagnosed"},            // Mon 15:00
        {"at": "2026-11-16T21:00:00Z", "type": "status", "to": "Waiting on Customer"}, // Mon 16:00
        {"at": "2026-11-17T15:00:00Z", "type": "customer_reply"},       // Tue 10:00
        {"at": "2026-11-17T15:00:00Z", "type": "status", "to": "Open"},
        {"at": "2026-11-17T16:00:00Z", "type": "agent_reply"},          // Tue 11:00
        {"at": "2026-11-17T18:30:00Z", "type": "solved"},               // Tue 13:30
        {"at": "2026-11-17T19:00:00Z", "type": "closed"}                // Tue 14:00
    ]});
    let s = eval(&c, NOW);

    // First response: 10:00 + 1h = 11:00 (16:00Z). Replied at 10:40: 40 min used. The 50%
    // warning (10:30) was crossed before the reply; the critical at -10m (10:50) was not.
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.state, MilestoneState::Completed);
    assert_eq!(fr.started_at, t("2026-11-16T15:00:00Z"));
    assert_eq!(fr.target_at, t("2026-11-16T16:00:00Z"));
    assert_eq!(fr.completed_at, t("2026-11-16T15:40:00Z"));
    assert_eq!(fr.elapsed, TimeDelta::minutes(40));
    assert_eq!(fr.remaining, Some(TimeDelta::minutes(20)));
    assert_eq!(fr.crossed, vec![Level::Warning]);
    assert_eq!(fr.next_trigger_at, None);
    assert!((fr.consumed.unwrap() - 40.0 / 60.0).abs() < 1e-12);

    // Diagnosis: 10:00–12:00 (2h), lunch, 13:00–15:00 (2h): due 15:00 (20:00Z); diagnosed
    // exactly then, which is compliant.
    let dx = find(&s, "Diagnosis", 1);
    assert_eq!(dx.target_at, t("2026-11-16T20:00:00Z"));
    assert_eq!(dx.state, MilestoneState::Completed);
    assert_eq!(dx.remaining, Some(TimeDelta::zero()));

    // Resolution: 5h active on Monday (10–12, 13–16); paused Mon 16:00 → Tue 10:00, which is
    // 1h of business time on Monday and 1h on Tuesday; the remaining 3h run Tue 10–12, 13–14:
    // due Tuesday 14:00 (19:00Z) instead of 11:00. Solved at 13:30: 7.5h used, 2h paused.
    let res = find(&s, "Resolution", 1);
    assert_eq!(res.target_at, t("2026-11-17T19:00:00Z"));
    assert_eq!(res.completed_at, t("2026-11-17T18:30:00Z"));
    assert_eq!(res.state, MilestoneState::Completed);
    assert_eq!(res.elapsed, h(7.5));
    assert_eq!(res.paused, h(2.0));
    assert_eq!(res.remaining, Some(h(0.5)));
    // 75% = 6h active: Tue 10:00 + 1h = 11:00 (16:00Z), before the solve: crossed.
    assert_eq!(res.triggers[0].at, at("2026-11-17T16:00:00Z"));
    assert_eq!(res.crossed, vec![Level::Warning]);

    // Next response: the customer replied Tue 10:00; due 12:00; answered at 11:00.
    let nr = find(&s, "Next Response", 1);
    assert_eq!(nr.started_at, t("2026-11-17T15:00:00Z"));
    assert_eq!(nr.target_at, t("2026-11-17T17:00:00Z"));
    assert_eq!(nr.state, MilestoneState::Completed);
    assert_eq!(s.len(), 4);
}

#[test]
fn bronze_tier_pause_over_a_weekend_holiday_inside_the_deadline_and_a_violation() {
    // initech-bronze: first response 48h round the clock; resolution 35h (5 business days) on
    // ny-support; "On Hold" pauses both. Created Friday 2026-11-20 15:00 New York (20:00Z).
    let c = json!({
    "id": "B-1", "entitlement": "initech-bronze", "created_at": "2026-11-20T20:00:00Z",
    "fields": {"severity": "Sev3"},
    "events": [
        {"at": "2026-11-20T21:00:00Z", "type": "status", "to": "On Hold"},  // Fri 16:00
        {"at": "2026-11-23T15:00:00Z", "type": "status", "to": "Open"}      // Mon 10:00
    ]});
    let s = eval(&c, NOW);

    // First response, 24x7: 1h active before the hold, on hold Fri 21:00Z → Mon 15:00Z (66h
    // of wall time, all of it business time on 24x7), then 47h more: due Wed 14:00Z. No reply
    // by now (Wed 20:30Z): violated, 1h + 53.5h = 54.5h used, 6.5h over. The warning at -4h
    // (44h active = Wed 10:00Z) is crossed.
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.target_at, t("2026-11-25T14:00:00Z"));
    assert_eq!(fr.state, MilestoneState::Violated);
    assert_eq!(fr.elapsed, h(54.5));
    assert_eq!(fr.paused, h(66.0));
    assert_eq!(fr.remaining, Some(-h(6.5)));
    assert_eq!(fr.triggers[0].at, at("2026-11-25T10:00:00Z"));
    assert_eq!(fr.crossed, vec![Level::Warning]);

    // Resolution, 35h on ny-support: Fri 15–16 (1h) before the hold; the hold covers Fri 16–17
    // and Mon 09–10 of business time (2h; the weekend has none). From Mon 10:00 the other 34h:
    // Mon 6h (28 left), Tue 7h (21), Wed 7h (14), Thu 26 is Thanksgiving (closed), Fri 27 the
    // half day 09–13 (4h, 10 left), Mon 30 7h (3 left), Tue Dec 1 09:00–12:00: due 12:00
    // New York (17:00Z). Without the Thanksgiving rule it would be Mon 30 at 16:00.
    let res = find(&s, "Resolution", 1);
    assert_eq!(res.target_at, t("2026-12-01T17:00:00Z"));
    assert_eq!(res.state, MilestoneState::InProgress);
    assert_eq!(res.paused, h(2.0));
    // Used by Wed 15:30: 1h + Mon 6h + Tue 7h + Wed 09–12, 13–15:30 (5.5h) = 19.5h.
    assert_eq!(res.elapsed, h(19.5));
    assert_eq!(res.remaining, Some(h(15.5)));
    // 80% = 28h active: 1h + 27h from Mon 10:00: Mon 6 (21 left), Tue 7 (14), Wed 7 (7),
    // Thu closed, Fri 4 (3), Mon 30 09:00–12:00: Mon 30 12:00 New York (17:00Z), not crossed.
    assert_eq!(res.next_trigger_at, t("2026-11-30T17:00:00Z"));
    assert!(res.crossed.is_empty());
}

#[test]
fn a_pause_still_open_at_now_gives_a_provisional_target_that_only_moves_out() {
    // acme-gold, created Wed 2026-11-25 09:00 New York (14:00Z); replied 09:30; waiting on the
    // customer since 10:00 and still waiting at now (15:30).
    let c = json!({
    "id": "G-2", "entitlement": "acme-gold", "created_at": "2026-11-25T14:00:00Z",
    "events": [
        {"at": "2026-11-25T14:30:00Z", "type": "agent_reply"},
        {"at": "2026-11-25T15:00:00Z", "type": "status", "to": "Waiting on Customer"}
    ]});
    let s = eval(&c, NOW);
    // Resolution 8h: 1h active (09–10); paused 10–12 and 13–15:30 (4.5h). As if the clock
    // resumed now: 7h from Wed 15:30: Wed 1.5h (5.5 left), Thu closed, Fri 27 09–13 (1.5
    // left), Mon 30 09:00–10:30: provisional target Mon 10:30 New York (15:30Z).
    let res = find(&s, "Resolution", 1);
    assert_eq!(res.state, MilestoneState::Paused);
    assert_eq!(res.elapsed, h(1.0));
    assert_eq!(res.paused, h(4.5));
    assert_eq!(res.target_at, t("2026-11-30T15:30:00Z"));
    // An hour later, still paused: the target moves out to Mon 11:30, never in.
    let later = eval(&c, "2026-11-25T21:30:00Z");
    let res2 = find(&later, "Resolution", 1);
    assert_eq!(res2.target_at, t("2026-11-30T16:30:00Z"));
    assert_eq!(res2.elapsed, h(1.0));
    // First response was answered before the pause and is untouched by it.
    assert_eq!(
        find(&s, "First Response", 1).state,
        MilestoneState::Completed
    );
}

#[test]
fn severity_raised_mid_case_retargets_from_the_milestone_start() {
    // globex-gold uses the default version of gold, v2: resolution Sev1 4h / Sev2 8h / else
    // 16h; diagnosis only for Sev1 or Sev2; first response Sev1 30m, else 1h. Created Monday
    // 2026-11-23 09:00 New York (14:00Z) as Sev3; raised to Sev1 at 11:00.
    let c = json!({
    "id": "S-1", "entitlement": "globex-gold", "created_at": "2026-11-23T14:00:00Z",
    "fields": {"severity": "Sev1"},
    "events": [
        {"at": "2026-11-23T14:45:00Z", "type": "agent_reply"},                       // 09:45
        {"at": "2026-11-23T16:00:00Z", "type": "field", "field": "severity", "from": "Sev3", "to": "Sev1"},
        {"at": "2026-11-23T20:00:00Z", "type": "diagnosed"}                          // 15:00
    ]});
    let e = rules().evaluate_case(&case(c.clone()), at(NOW)).unwrap();
    assert_eq!(e.process.as_deref(), Some("gold"));
    assert_eq!(e.process_version, Some(2));
    let s = e.milestones;
    // First response completed at 09:45 while still Sev3: the 1h default applies: due 10:00.
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.target, Some(TimeDelta::hours(1)));
    assert_eq!(fr.target_at, t("2026-11-23T15:00:00Z"));
    assert_eq!(fr.state, MilestoneState::Completed);
    // Resolution now follows Sev1 (4h) from its start at 09:00: 09–12 (3h), 13–14 (1h): due
    // Monday 14:00 (19:00Z); unsolved at Wed 15:30: violated.
    let res = find(&s, "Resolution", 1);
    assert_eq!(res.target, Some(TimeDelta::hours(4)));
    assert_eq!(res.started_at, t("2026-11-23T14:00:00Z"));
    assert_eq!(res.target_at, t("2026-11-23T19:00:00Z"));
    assert_eq!(res.state, MilestoneState::Violated);
    // Diagnosis did not apply to a Sev3 case; it starts when the case becomes Sev1 (11:00):
    // 11–12, 13–16: due 16:00 (21:00Z); diagnosed at 15:00.
    let dx = find(&s, "Diagnosis", 1);
    assert_eq!(dx.started_at, t("2026-11-23T16:00:00Z"));
    assert_eq!(dx.target_at, t("2026-11-23T21:00:00Z"));
    assert_eq!(dx.state, MilestoneState::Completed);
    // Before the raise the same case was on the 16h default.
    let before = eval(&c, "2026-11-23T15:30:00Z");
    assert_eq!(
        find(&before, "Resolution", 1).target,
        Some(TimeDelta::hours(16))
    );
    assert_eq!(find(&before, "Diagnosis", 1).state, MilestoneState::Pending);
}

#[test]
fn independent_next_responses_recur_one_open_at_a_time() {
    // acme-gold (v1): next response 2h, recurrence independent. Created Mon 2026-11-23 09:00.
    let c = json!({
    "id": "N-1", "entitlement": "acme-gold", "created_at": "2026-11-23T14:00:00Z",
    "events": [
        {"at": "2026-11-23T14:10:00Z", "type": "agent_reply"},
        {"at": "2026-11-23T15:00:00Z", "type": "customer_reply"},   // Mon 10:00 → #1
        {"at": "2026-11-23T16:00:00Z", "type": "agent_reply"},      // Mon 11:00
        {"at": "2026-11-23T18:00:00Z", "type": "customer_reply"},   // Mon 13:00 → #2
        {"at": "2026-11-23T18:30:00Z", "type": "customer_reply"},   // one is open: ignored
        {"at": "2026-11-24T15:00:00Z", "type": "agent_reply"},      // Tue 10:00
        {"at": "2026-11-25T19:00:00Z", "type": "customer_reply"}    // Wed 14:00 → #3
    ]});
    let s = eval(&c, NOW);
    let n1 = find(&s, "Next Response", 1);
    assert_eq!(
        (n1.target_at, n1.state),
        (t("2026-11-23T17:00:00Z"), MilestoneState::Completed)
    );
    // #2: Mon 13:00 + 2h = 15:00 (20:00Z); answered Tuesday: late.
    let n2 = find(&s, "Next Response", 2);
    assert_eq!(n2.started_at, t("2026-11-23T18:00:00Z"));
    assert_eq!(
        (n2.target_at, n2.state),
        (t("2026-11-23T20:00:00Z"), MilestoneState::CompletedLate)
    );
    // #3: Wed 14:00 + 2h = 16:00 (21:00Z); at 15:30 1.5h used, and the 75% warning falls at
    // exactly 15:30 = now: a trigger is crossed when the clock reaches it.
    let n3 = find(&s, "Next Response", 3);
    assert_eq!(n3.state, MilestoneState::InProgress);
    assert_eq!(n3.target_at, t("2026-11-25T21:00:00Z"));
    assert_eq!(n3.elapsed, h(1.5));
    assert_eq!(n3.crossed, vec![Level::Warning]);
    assert_eq!(n3.next_trigger_at, None);
    assert!(
        s.iter()
            .all(|m| m.milestone != "Next Response" || m.instance <= 3)
    );
}

#[test]
fn sequential_next_responses_start_no_earlier_than_the_previous_target() {
    // globex-gold (gold v2): next response 2h, recurrence sequential. Created Mon 09:00.
    let c = json!({
    "id": "N-2", "entitlement": "globex-gold", "created_at": "2026-11-23T14:00:00Z",
    "fields": {"severity": "Sev2"},
    "events": [
        {"at": "2026-11-23T14:05:00Z", "type": "agent_reply"},
        {"at": "2026-11-23T15:00:00Z", "type": "customer_reply"},   // 10:00 → #1 due 12:00
        {"at": "2026-11-23T15:30:00Z", "type": "agent_reply"},      // 10:30
        {"at": "2026-11-23T16:00:00Z", "type": "customer_reply"},   // 11:00 → #2
        {"at": "2026-11-23T19:00:00Z", "type": "agent_reply"}       // 14:00
    ]});
    let s = eval(&c, NOW);
    // #2 starts at #1's target, 12:00 (the lunch hour), so its clock runs 13:00–15:00.
    let n2 = find(&s, "Next Response", 2);
    assert_eq!(n2.started_at, t("2026-11-23T17:00:00Z"));
    assert_eq!(n2.target_at, t("2026-11-23T20:00:00Z"));
    assert_eq!(n2.elapsed, h(1.0));
    assert_eq!(n2.state, MilestoneState::Completed);
}

#[test]
fn severity_one_tier_warning_at_half_and_violation_at_the_target() {
    // umbrella-sev1: first response 15m, resolution 2h, both 24x7. Created Tue 10:00Z.
    let base = |reply: &str| {
        json!({"id": "P-1", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
               "events": [{"at": reply, "type": "agent_reply"}]})
    };
    // Exactly at the target (10:15): compliant; the warning (10:07:30) was crossed, the
    // violation at the target was not.
    let s = eval(&base("2026-11-24T10:15:00Z"), NOW);
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.target_at, t("2026-11-24T10:15:00Z"));
    assert_eq!(fr.state, MilestoneState::Completed);
    assert_eq!(fr.triggers[0].at, at("2026-11-24T10:07:30Z"));
    assert_eq!(fr.crossed, vec![Level::Warning]);
    // One second later: late, and the violation (with its actions) was crossed.
    let s = eval(&base("2026-11-24T10:15:01Z"), NOW);
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.state, MilestoneState::CompletedLate);
    assert_eq!(fr.crossed, vec![Level::Warning, Level::Violation]);
    assert_eq!(*fr.triggers[1].actions, ["page_oncall", "open_war_room"]);
    assert_eq!(fr.remaining, Some(TimeDelta::seconds(-1)));
    // While open: at 10:10 the warning is crossed and the next trigger is the target.
    let open = json!({"id": "P-2", "entitlement": "umbrella-sev1",
                      "created_at": "2026-11-24T10:00:00Z", "events": []});
    let s = eval(&open, "2026-11-24T10:10:00Z");
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.state, MilestoneState::InProgress);
    assert_eq!(fr.crossed, vec![Level::Warning]);
    assert_eq!(fr.next_trigger_at, t("2026-11-24T10:15:00Z"));
    assert_eq!(fr.remaining, Some(TimeDelta::minutes(5)));
}

#[test]
fn a_reopened_case_restarts_resolution_as_a_new_instance() {
    // umbrella-sev1. Solved Tue 11:00Z within its 2h; reopened Wed 09:00Z; still open at now.
    let c = json!({
    "id": "R-1", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
    "events": [
        {"at": "2026-11-24T10:05:00Z", "type": "agent_reply"},
        {"at": "2026-11-24T11:00:00Z", "type": "solved"},
        {"at": "2026-11-24T11:30:00Z", "type": "status", "to": "Closed"},
        {"at": "2026-11-25T09:00:00Z", "type": "reopened"},
        {"at": "2026-11-25T09:01:00Z", "type": "agent_reply"}
    ]});
    let s = eval(&c, NOW);
    let r1 = find(&s, "Resolution", 1);
    assert_eq!(
        (r1.state, r1.completed_at),
        (MilestoneState::Completed, t("2026-11-24T11:00:00Z"))
    );
    // #2 from 09:00Z, due 11:00Z; at 20:30Z 11.5h used: violated, 9.5h over; the warning
    // (10:00Z), the violation (11:00Z) and the escalation at +1h (12:00Z) are all crossed.
    let r2 = find(&s, "Resolution", 2);
    assert_eq!(r2.started_at, t("2026-11-25T09:00:00Z"));
    assert_eq!(r2.target_at, t("2026-11-25T11:00:00Z"));
    assert_eq!(r2.state, MilestoneState::Violated);
    assert_eq!(r2.remaining, Some(-h(9.5)));
    assert_eq!(
        r2.crossed,
        vec![Level::Warning, Level::Violation, Level::Escalation]
    );
    // First response happens once: the reply after the reopen does not start a second one.
    assert_eq!(
        s.iter().filter(|m| m.milestone == "First Response").count(),
        1
    );
}

#[test]
fn regulated_tier_acknowledgment_and_a_milestone_level_pause() {
    // northbank-regulated: acknowledgment 30m round the clock; resolution 4h on london,
    // paused only by "Pending Regulator". Created Tue 2026-11-24 08:00 London (= UTC).
    let c = json!({
    "id": "F-1", "entitlement": "northbank-regulated", "created_at": "2026-11-24T08:00:00Z",
    "events": [
        {"at": "2026-11-24T08:25:00Z", "type": "acknowledged"},
        {"at": "2026-11-24T10:00:00Z", "type": "status", "to": "Pending Regulator"},
        {"at": "2026-11-25T10:00:00Z", "type": "status", "to": "In Progress"},
        {"at": "2026-11-25T12:00:00Z", "type": "solved"}
    ]});
    let s = eval(&c, NOW);
    // Acknowledgment due 08:30; done 08:25; its critical at -10m (08:20) was crossed.
    let ack = find(&s, "Acknowledgment", 1);
    assert_eq!(ack.target_at, t("2026-11-24T08:30:00Z"));
    assert_eq!(ack.state, MilestoneState::Completed);
    assert_eq!(ack.crossed, vec![Level::Critical]);
    // Resolution: the desk opens 09:00; 1h active to 10:00; paused Tue 10:00–17:30 (7.5h) and
    // Wed 09:00–10:00 (1h); 3h more from Wed 10:00: due Wed 13:00; solved at 12:00.
    let res = find(&s, "Resolution", 1);
    assert_eq!(res.target_at, t("2026-11-25T13:00:00Z"));
    assert_eq!(res.paused, h(8.5));
    assert_eq!(res.elapsed, h(3.0));
    assert_eq!(res.state, MilestoneState::Completed);
}

#[test]
fn explicit_stop_and_resume_stop_the_clock() {
    let c = json!({
    "id": "P-3", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
    "events": [
        {"at": "2026-11-24T10:05:00Z", "type": "stop"},
        {"at": "2026-11-24T10:35:00Z", "type": "resume"}
    ]});
    // 5 minutes, 30 stopped, 10 more: due 10:45Z.
    let s = eval(&c, "2026-11-24T10:40:00Z");
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.target_at, t("2026-11-24T10:45:00Z"));
    assert_eq!(fr.paused, TimeDelta::minutes(30));
    assert_eq!(fr.state, MilestoneState::InProgress);
    // While stopped: paused, with the target provisional.
    let s = eval(&c, "2026-11-24T10:20:00Z");
    let fr = find(&s, "First Response", 1);
    assert_eq!(fr.state, MilestoneState::Paused);
    assert_eq!(fr.target_at, t("2026-11-24T10:30:00Z"));
}

#[test]
fn cases_without_a_live_entitlement_get_a_clear_result() {
    let none = json!({"id": "X-1", "created_at": "2026-11-24T10:00:00Z"});
    let e = rules().evaluate_case(&case(none.clone()), at(NOW)).unwrap();
    assert!(!e.covered);
    assert_eq!(e.entitlement_status.as_str(), "none");
    assert!(e.reason.unwrap().contains("no entitlement"));
    assert!(eval(&none, NOW).is_empty());

    // hooli-bronze-2025 ended 2025-12-31: a case raised in 2026 is not covered.
    let expired = json!({"id": "X-2", "entitlement": "hooli-bronze-2025",
                         "created_at": "2026-11-24T10:00:00Z"});
    let e = rules().evaluate_case(&case(expired), at(NOW)).unwrap();
    assert!(!e.covered);
    assert_eq!(e.entitlement_status.as_str(), "expired");
    assert!(e.reason.unwrap().contains("expired"));
    assert!(e.milestones.is_empty());
    assert_eq!(e.account["name"], "Hooli");

    // A case raised while it was active keeps its milestones after it expires.
    let old = json!({"id": "X-3", "entitlement": "hooli-bronze-2025",
                     "created_at": "2025-12-31T15:00:00Z"});
    let e = rules().evaluate_case(&case(old), at(NOW)).unwrap();
    assert!(e.covered);
    assert_eq!(e.entitlement_status.as_str(), "expired");
    assert_eq!(e.milestones.len(), 2);

    // A case may name a process itself (a pinned version) without an entitlement.
    let direct = json!({"id": "X-4", "process": {"id": "gold", "version": 1},
                        "created_at": "2026-11-24T15:00:00Z"});
    let e = rules().evaluate_case(&case(direct), at(NOW)).unwrap();
    assert!(e.covered);
    assert_eq!(e.process_version, Some(1));
}

#[test]
fn bad_case_input_is_an_error_that_names_the_case_and_the_event() {
    let c = json!({"id": "E-1", "entitlement": "acme-gold", "created_at": "2026-11-24T15:00:00Z",
                   "events": [{"at": "2026-11-24T15:10:00Z", "type": "agent_reply"},
                              {"at": "2026-11-24T15:20:00Z", "type": "escalated_to_mars"}]});
    let err = rules().evaluate(&case(c), at(NOW)).unwrap_err();
    assert_eq!(err.code(), "unknown_event_type");
    assert_eq!(err.kind(), entitlement_core::ErrorKind::Input);
    let msg = err.to_string();
    assert!(
        msg.contains("\"E-1\"") && msg.contains("events[1].type"),
        "{msg}"
    );
    assert!(
        msg.contains("escalated_to_mars") && msg.contains("diagnosed"),
        "{msg}"
    );

    let unknown =
        json!({"id": "E-2", "entitlement": "nobody", "created_at": "2026-11-24T15:00:00Z"});
    let err = rules().evaluate(&case(unknown), at(NOW)).unwrap_err();
    assert_eq!(err.code(), "unknown_entitlement");
    assert!(err.to_string().contains("acme-gold"));

    for (bad, code, path) in [
        (
            json!({"id": "E-3", "created_at": "2026-11-24T15:00:00"}),
            "naive_datetime",
            "created_at",
        ),
        (
            json!({"id": "E-4", "created_at": "2026-11-24T15:00:00Z", "events": [{"at": "2026-11-24T16:00:00Z"}]}),
            "missing_key",
            "events[0]",
        ),
        (
            json!({"id": "E-5", "created_at": "2026-11-24T15:00:00Z", "events": [{"at": "2026-11-24T14:00:00Z", "type": "solved"}]}),
            "invalid_value",
            "events[0].at",
        ),
        (
            json!({"id": "E-6", "created_at": "2026-11-24T15:00:00Z", "events": [{"at": "2026-11-24T16:00:00Z", "type": "status"}]}),
            "missing_key",
            "events[0]",
        ),
        (
            json!({"id": "E-7", "created_at": "2026-11-24T15:00:00Z", "colour": "red"}),
            "unknown_key",
            "colour",
        ),
        (
            json!({"id": "E-8", "created_at": "2026-11-24T15:00:00Z", "fields": {"tags": ["a"]}}),
            "invalid_type",
            "fields.tags",
        ),
    ] {
        let err = Case::from_value(&bad).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.kind(), entitlement_core::ErrorKind::Input);
        assert!(err.to_string().contains(path), "{err} should name {path}");
    }
}

#[test]
fn document_errors_name_the_path_and_what_would_be_valid() {
    let base = || -> Value {
        serde_yaml_ng::from_str(
            r#"
calendars: { ny: { time_zone: America/New_York, hours: { mon: ["09:00-17:00"] } } }
processes:
  - id: gold
    calendar: ny
    milestones:
      - { name: FR, kind: first_response, target: 1h }
      - { name: NR, kind: next_response, target: 2h }
      - { name: Res, kind: resolution, target: { by: severity, values: { Sev1: 8h }, default: 40h } }
entitlements:
  - { id: acme, process: gold }
"#,
        )
        .unwrap()
    };
    assert!(Ruleset::from_value(&base()).is_ok());
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/processes/0/milestones/2/target/values/Sev1",
            json!("8 hours"),
            "invalid_duration",
        ),
        (
            "/processes/0/milestones/2/target/values/Sev1",
            json!(8),
            "invalid_type",
        ),
        (
            "/processes/0/milestones/2/target/values/Sev1",
            json!("-1h"),
            "invalid_value",
        ),
        ("/processes/0/calendar", json!("mars"), "unknown_calendar"),
        (
            "/processes/0/milestones/1/kind",
            json!("second_response"),
            "invalid_value",
        ),
        (
            "/processes/0/milestones/1/recurrence",
            json!("weekly"),
            "invalid_value",
        ),
        (
            "/processes/0/milestones/0/when",
            json!({"field": "severity", "op": "like", "value": "x"}),
            "unknown_operator",
        ),
        (
            "/processes/0/milestones/0/when",
            json!({"field": "severity", "op": "in", "value": "Sev1"}),
            "invalid_type",
        ),
        (
            "/processes/0/milestones/0/triggers",
            json!([{"at": "fifty", "level": "warning"}]),
            "invalid_duration",
        ),
        (
            "/processes/0/milestones/0/triggers",
            json!([{"at": "50%", "level": "loud"}]),
            "invalid_value",
        ),
        (
            "/processes/0/milestones/0/colour",
            json!("red"),
            "unknown_key",
        ),
        (
            "/entitlements/0/process",
            json!("platinum"),
            "unknown_process",
        ),
        (
            "/entitlements/0/process",
            json!({"id": "gold", "version": 3}),
            "unknown_process_version",
        ),
        (
            "/entitlements/0/start_date",
            json!("2026-02-30"),
            "invalid_date",
        ),
        (
            "/entitlements/0/quotas",
            json!([{"period": "week", "max_cases": 3}]),
            "invalid_value",
        ),
        ("/processes/0/milestones/1/name", json!("FR"), "duplicate"),
    ];
    for (pointer, value, code) in cases {
        let mut doc = base();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = doc.pointer_mut(parent).unwrap();
        match target {
            Value::Object(m) => {
                m.insert(key.to_string(), value.clone());
            }
            Value::Array(a) => a[key.parse::<usize>().unwrap()] = value.clone(),
            _ => unreachable!(),
        }
        let err = Ruleset::from_value(&doc).unwrap_err();
        assert_eq!(err.code(), code, "{pointer} = {value}: {err}");
        let dotted =
            pointer[1..]
                .split('/')
                .fold(String::new(), |acc, part| match part.parse::<usize>() {
                    Ok(i) => format!("{acc}[{i}]"),
                    Err(_) if acc.is_empty() => part.to_string(),
                    Err(_) => format!("{acc}.{part}"),
                });
        let msg = err.to_string();
        let parent_dotted = dotted
            .rsplit_once(['.', '['])
            .map(|(p, _)| p)
            .unwrap_or(&dotted);
        assert!(
            msg.starts_with(&dotted) || msg.starts_with(parent_dotted),
            "{msg} should name {dotted}"
        );
        assert_eq!(err.kind(), entitlement_core::ErrorKind::Config);
    }
    // The path named in the issue.
    let mut doc = base();
    doc["processes"][0]["milestones"][2]["target"]["values"]["Sev1"] = json!("soon");
    let msg = Ruleset::from_value(&doc).unwrap_err().to_string();
    assert!(
        msg.starts_with("processes[0].milestones[2].target.values.Sev1: invalid duration \"soon\""),
        "{msg}"
    );
    // Two versions of one id coexist; the same version twice does not.
    let mut doc = base();
    let mut v2 = doc["processes"][0].clone();
    v2["version"] = json!(2);
    doc["processes"].as_array_mut().unwrap().push(v2.clone());
    assert!(Ruleset::from_value(&doc).is_ok());
    doc["processes"].as_array_mut().unwrap().push(v2);
    assert_eq!(Ruleset::from_value(&doc).unwrap_err().code(), "duplicate");
}

#[test]
fn versions_default_then_highest_then_pinned() {
    let doc = |default_v1: bool| {
        json!({"processes": [
            {"id": "p", "version": 1, "default": default_v1, "milestones": [{"name": "A", "kind": "resolution", "target": "1h"}]},
            {"id": "p", "version": 3, "milestones": [{"name": "A", "kind": "resolution", "target": "3h"}]},
            {"id": "p", "version": 2, "milestones": [{"name": "A", "kind": "resolution", "target": "2h"}]}],
          "entitlements": [{"id": "e", "process": "p"}, {"id": "pinned", "process": {"id": "p", "version": 2}}]})
    };
    let target = |rules: &Ruleset, ent: &str| {
        let c = case(json!({"id": "c", "entitlement": ent, "created_at": "2026-11-24T10:00:00Z"}));
        rules.evaluate(&c, at(NOW)).unwrap()[0].target.unwrap()
    };
    let highest = Ruleset::from_value(&doc(false)).unwrap();
    assert_eq!(target(&highest, "e"), TimeDelta::hours(3));
    assert_eq!(target(&highest, "pinned"), TimeDelta::hours(2));
    let marked = Ruleset::from_value(&doc(true)).unwrap();
    assert_eq!(target(&marked, "e"), TimeDelta::hours(1));
}

#[test]
fn entitlement_usage_counts_cases_and_quotas_per_period() {
    let mk = |id: &str, created: &str, sev: &str| {
        case(
            json!({"id": id, "entitlement": "acme-gold", "created_at": created,
                    "fields": {"severity": sev}}),
        )
    };
    let cases = vec![
        mk("Q1", "2026-08-03T15:00:00Z", "Sev1"), // Q3
        mk("Q2", "2026-10-05T15:00:00Z", "Sev2"), // Q4, October
        mk("Q3", "2026-11-02T15:00:00Z", "Sev1"), // Q4, November
        mk("Q4", "2026-11-20T15:00:00Z", "Sev1"),
        mk("Q5", "2026-11-26T15:00:00Z", "Sev1"), // after now: not counted
        case(
            json!({"id": "other", "entitlement": "globex-gold", "created_at": "2026-11-02T15:00:00Z"}),
        ),
    ];
    let u = rules()
        .entitlement_usage("acme-gold", &cases, at(NOW))
        .unwrap();
    assert_eq!(u.status.as_str(), "active");
    assert_eq!(u.cases_used, 4);
    assert_eq!(u.cases_remaining, Some(46));
    assert_eq!(u.quotas[0].period_start.to_string(), "2026-10-01");
    assert_eq!(u.quotas[0].period_end.to_string(), "2026-12-31");
    assert_eq!(u.quotas[0].used, 3);
    assert_eq!(u.quotas[1].period_start.to_string(), "2026-11-01");
    assert_eq!(u.quotas[1].used, 2); // Sev1 in November
    assert_eq!(u.quotas[1].remaining, 1);
}

#[test]
fn the_document_round_trips_through_to_value() {
    let again = Ruleset::from_value(&rules().to_value()).unwrap();
    assert_eq!(again.processes(), rules().processes());
    assert_eq!(again.entitlements(), rules().entitlements());
}

// ---------------------------------------------------------------------------------------------
// Laws

const EVENT_TYPES: [&str; 11] = [
    "agent_reply",
    "customer_reply",
    "solved",
    "closed",
    "reopened",
    "stop",
    "resume",
    "diagnosed",
    "wait",
    "open",
    "sev1",
];

fn event(kind: &str, minute: i64) -> Value {
    let at = at("2026-11-20T14:00:00Z") + TimeDelta::minutes(minute);
    let at = at.to_rfc3339();
    match kind {
        "wait" => json!({"at": at, "type": "status", "to": "Waiting on Customer"}),
        "open" => json!({"at": at, "type": "status", "to": "Open"}),
        "sev1" => json!({"at": at, "type": "field", "field": "severity", "to": "Sev1"}),
        other => json!({"at": at, "type": other}),
    }
}

fn log_strategy() -> impl Strategy<Value = (String, Vec<(usize, i64)>)> {
    (
        prop::sample::select(vec![
            "acme-gold",
            "globex-gold",
            "initech-bronze",
            "umbrella-sev1",
        ]),
        // Minutes from a small grid, so that ties are common.
        prop::collection::vec(
            (0..EVENT_TYPES.len(), (0i64..60).prop_map(|m| m * 97)),
            0..24,
        ),
    )
        .prop_map(|(e, v)| (e.to_string(), v))
}

fn make_case(ent: &str, events: &[(usize, i64)]) -> Value {
    let mut sorted: Vec<(usize, i64)> = events.to_vec();
    sorted.sort_by_key(|&(_, m)| m);
    json!({"id": "L", "entitlement": ent, "created_at": "2026-11-20T14:00:00Z",
           "fields": {"severity": "Sev2"},
           "events": sorted.iter().map(|&(k, m)| {
               // Only gold knows the custom `diagnosed` event.
               let kind = if EVENT_TYPES[k] == "diagnosed" && !ent.ends_with("gold") { "agent_reply" } else { EVENT_TYPES[k] };
               event(kind, m)
           }).collect::<Vec<_>>()})
}

fn same_result(a: &MilestoneStatus, b: &MilestoneStatus) -> bool {
    (
        a.state,
        a.started_at,
        a.target_at,
        a.completed_at,
        a.elapsed,
        a.paused,
        a.remaining,
        &a.crossed,
    ) == (
        b.state,
        b.started_at,
        b.target_at,
        b.completed_at,
        b.elapsed,
        b.paused,
        b.remaining,
        &b.crossed,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_completed_milestone_never_changes_at_a_later_now(
        (ent, events) in log_strategy(), a in 0i64..6000, b in 0i64..6000,
    ) {
        let c = case(make_case(&ent, &events));
        let t0 = at("2026-11-20T14:00:00Z");
        let (early, late) = (t0 + TimeDelta::minutes(a.min(b)), t0 + TimeDelta::minutes(a.max(b)));
        let first = rules().evaluate(&c, early).unwrap();
        let second = rules().evaluate(&c, late).unwrap();
        for s in first.iter().filter(|s| matches!(s.state, MilestoneState::Completed | MilestoneState::CompletedLate)) {
            let again = second.iter().find(|o| o.milestone == s.milestone && o.instance == s.instance);
            prop_assert!(again.is_some_and(|o| same_result(s, o)), "{s:#?} became {again:#?}");
        }
    }

    #[test]
    fn a_pause_never_makes_a_target_earlier(
        (ent, events) in log_strategy(), from in 0i64..5000, length in 1i64..3000, now in 0i64..9000,
    ) {
        // Explicit stops do not nest, so the log under test has none of its own.
        let events: Vec<(usize, i64)> = events.into_iter().filter(|&(k, _)| k != 5 && k != 6).collect();
        let plain = make_case(&ent, &events);
        let mut paused_events = events.clone();
        paused_events.push((5, from));           // stop
        paused_events.push((6, from + length));  // resume
        // Keep the pair's order inside its minute: stop before resume.
        let paused = make_case(&ent, &paused_events);
        let now = at("2026-11-20T14:00:00Z") + TimeDelta::minutes(now);
        let a = rules().evaluate(&case(plain), now).unwrap();
        let b = rules().evaluate(&case(paused), now).unwrap();
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!((&x.milestone, x.instance), (&y.milestone, y.instance));
            if let (Some(tx), Some(ty)) = (x.target_at, y.target_at) {
                prop_assert!(ty >= tx, "{} #{}: {} with the pause, {} without", x.milestone, x.instance, ty, tx);
            }
        }
    }

    #[test]
    fn shuffling_the_log_keeping_same_time_order_changes_nothing(
        (ent, events) in log_strategy(), seed in any::<u64>(), now in 0i64..9000,
    ) {
        let ordered = make_case(&ent, &events);
        let list = ordered["events"].as_array().unwrap().clone();
        // A random permutation, then each timestamp's events put back in their original order
        // into the slots that timestamp occupies.
        let mut idx: Vec<usize> = (0..list.len()).collect();
        let mut state = seed | 1;
        for i in (1..idx.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            idx.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut shuffled: Vec<Value> = idx.iter().map(|&i| list[i].clone()).collect();
        let mut by_time: std::collections::BTreeMap<String, std::collections::VecDeque<Value>> = Default::default();
        for e in &list {
            by_time.entry(e["at"].as_str().unwrap().to_string()).or_default().push_back(e.clone());
        }
        for slot in shuffled.iter_mut() {
            let key = slot["at"].as_str().unwrap().to_string();
            *slot = by_time.get_mut(&key).unwrap().pop_front().unwrap();
        }
        let mut other = ordered.clone();
        other["events"] = Value::Array(shuffled);
        let now = at("2026-11-20T14:00:00Z") + TimeDelta::minutes(now);
        let a = rules().evaluate(&case(ordered), now).unwrap();
        let b = rules().evaluate(&case(other), now).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn duplicated_events_are_harmless((ent, events) in log_strategy(), now in 0i64..9000) {
        let once = make_case(&ent, &events);
        let mut twice = events.clone();
        twice.extend(events.iter().copied());
        let twice = make_case(&ent, &twice);
        let now = at("2026-11-20T14:00:00Z") + TimeDelta::minutes(now);
        prop_assert_eq!(rules().evaluate(&case(once), now).unwrap(), rules().evaluate(&case(twice), now).unwrap());
    }
}

#[test]
fn the_shipped_results_schema_is_the_one_the_types_generate() {
    // Regenerate with:
    // cargo run -p entitlement-cli -- schema --results > docs/schema/results.schema.json
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/results.schema.json");
    let shipped: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let generated = entitlement_core::schema::results_schema();
    assert_eq!(
        shipped, generated,
        "docs/schema/results.schema.json is stale: regenerate it with \
         `cargo run -p entitlement-cli -- schema --results > docs/schema/results.schema.json`"
    );
    // Every result type of every binding is described, by the name its class has.
    for name in entitlement_core::host::RESULT_TYPES {
        assert!(generated["$defs"][name]["properties"].is_object(), "{name}");
    }
}

#[test]
fn the_shipped_json_schema_is_the_one_the_types_generate() {
    // Regenerate with: cargo run -p entitlement-cli -- schema > docs/schema/ruleset.schema.json
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/ruleset.schema.json");
    let shipped: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let generated = entitlement_core::schema::ruleset_schema();
    assert_eq!(
        shipped, generated,
        "docs/schema/ruleset.schema.json is stale"
    );
    // The rules half is described by the types the engine holds.
    let defs = &generated["$defs"];
    for key in [
        "id",
        "version",
        "pause_statuses",
        "exit_statuses",
        "milestones",
    ] {
        assert!(
            defs["Process"]["properties"].get(key).is_some(),
            "Process.{key}"
        );
    }
    assert_eq!(defs["Process"]["additionalProperties"], json!(false));
    for key in [
        "starts_on",
        "completes_on",
        "when",
        "target",
        "recurrence",
        "triggers",
    ] {
        assert!(
            defs["Milestone"]["properties"].get(key).is_some(),
            "Milestone.{key}"
        );
    }
}

#[test]
fn deadlines_past_the_supported_range_do_not_fail_the_case() {
    // A Sev1 case raised ten minutes before the end of year 9999: its resolution (2h) would be
    // due in year 10000, reported as the last instant of the range.
    let c =
        json!({"id": "Z-1", "entitlement": "umbrella-sev1", "created_at": "9999-12-31T23:50:00Z"});
    let s = eval(&c, "9999-12-31T23:59:00Z");
    let res = find(&s, "Resolution", 1);
    assert_eq!(res.target_at, t("9999-12-31T23:59:59.999999Z"));
    assert_eq!(res.state, MilestoneState::InProgress);
    assert_eq!(
        find(&s, "First Response", 1).target_at,
        t("9999-12-31T23:59:59.999999Z")
    );
    // Quota periods stay inside the range too.
    let cases = [case(
        json!({"id": "Z-2", "entitlement": "acme-gold", "created_at": "0001-01-01T00:00:00Z"}),
    )];
    let u = rules()
        .entitlement_usage("acme-gold", &cases, at("0001-01-01T00:00:00Z"))
        .unwrap();
    assert!(
        u.quotas
            .iter()
            .all(|q| q.period_start.to_string() == "0001-01-01"),
        "{u:?}"
    );
}
