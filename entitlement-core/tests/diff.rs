//! `Ruleset::diff` and `Ruleset::diff_cases`: what changed between two documents, and whose
//! deadlines move.

use entitlement_core::Ruleset;
use entitlement_core::rules::{
    Case, CaseBatch, Change, ChangeKind, DeadlineChange, DiffSide, MilestoneState,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

const SAMPLE: &str = include_str!("../../examples/data/rules.yaml");

fn rules(doc: &Value) -> Ruleset {
    Ruleset::from_value(doc).expect("a test document is valid")
}

fn sample() -> Value {
    Ruleset::from_yaml(SAMPLE)
        .expect("the sample loads")
        .to_value()
}

fn paths(changes: &[Change]) -> Vec<(&str, ChangeKind)> {
    changes.iter().map(|c| (c.path.as_str(), c.kind)).collect()
}

#[test]
fn a_document_against_itself_has_no_changes() {
    let r = rules(&sample());
    let diff = r.diff(&r);
    assert!(diff.changes.is_empty() && !diff.has_changes);
}

#[test]
fn spelling_only_differences_are_no_changes() {
    let a = Ruleset::from_yaml(
        "processes: [ { id: p, milestones: [ { name: R, kind: resolution, target: PT1H } ] } ]",
    )
    .unwrap();
    let b = Ruleset::from_json(
        r#"{"processes": [{"milestones": [{"target": "60m", "kind": "resolution", "name": "R"}], "id": "p"}]}"#,
    )
    .unwrap();
    assert_eq!(a.diff(&b).changes, []);
}

#[test]
fn a_tier_target_change_names_the_tier_and_both_values() {
    let old = sample();
    let mut new = old.clone();
    // gold v2's resolution: Sev1 4h → 2h.
    new["processes"][1]["milestones"][3]["target"]["values"]["Sev1"] = json!("2h");
    let diff = rules(&old).diff(&rules(&new));
    assert_eq!(diff.changes.len(), 1, "{:#?}", diff.changes);
    let c = &diff.changes[0];
    assert_eq!(
        c.path,
        "processes[\"gold@2\"].milestones.Resolution.target.values.Sev1"
    );
    assert_eq!(c.kind, ChangeKind::Changed);
    assert_eq!(
        (c.before.clone(), c.after.clone()),
        (Some(json!("4h")), Some(json!("2h")))
    );
    assert_eq!(
        c.message,
        "process gold@2, milestone Resolution: target for severity Sev1 changed from 4h to 2h"
    );
}

#[test]
fn holidays_are_matched_by_name_and_overrides_by_date() {
    let old = sample();
    let mut new = old.clone();
    let cal = &mut new["calendars"]["ny-support"];
    let holidays = cal["holidays"].as_array_mut().unwrap();
    holidays.retain(|h| h["name"] != "Columbus Day");
    holidays.push(json!({"name": "Day after Thanksgiving", "yearly": {"month": 11, "weekday": "fri", "nth": 4}}));
    cal["overrides"][0]["hours"] = json!(["09:00-12:00"]);
    cal["time_zone"] = json!("America/Chicago");
    let diff = rules(&old).diff(&rules(&new));
    assert_eq!(
        paths(&diff.changes),
        [
            (
                "calendars.ny-support.holidays.Columbus Day",
                ChangeKind::Removed
            ),
            (
                "calendars.ny-support.holidays.Day after Thanksgiving",
                ChangeKind::Added
            ),
            (
                "calendars.ny-support.overrides.2026-11-27.hours",
                ChangeKind::Changed
            ),
            ("calendars.ny-support.time_zone", ChangeKind::Changed),
        ]
    );
    assert_eq!(
        diff.changes[0].message,
        "calendar ny-support, holiday Columbus Day removed"
    );
    assert_eq!(
        diff.changes[3].message,
        "calendar ny-support: time_zone changed from America/New_York to America/Chicago"
    );
}

#[test]
fn processes_milestones_triggers_and_entitlements_are_matched_by_identity() {
    let old = json!({
        "processes": [{"id": "p", "milestones": [
            {"name": "FR", "kind": "first_response", "target": "1h",
             "triggers": [{"at": "50%", "level": "warning"}]},
            {"name": "R", "kind": "resolution", "target": "8h"}]}],
        "entitlements": [{"id": "a", "process": "p"}, {"id": "b", "process": "p"}]});
    let new = json!({
        "processes": [{"id": "p", "pause_statuses": ["Waiting"], "milestones": [
            {"name": "FR", "kind": "first_response", "target": "1h",
             "triggers": [{"at": "50%", "level": "critical"}, {"at": "-5m", "level": "critical"}]}]},
            {"id": "q", "milestones": [{"name": "R", "kind": "resolution", "target": "4h"}]}],
        "entitlements": [{"id": "b", "process": "q", "cases_per_entitlement": 5}]});
    let diff = rules(&old).diff(&rules(&new));
    assert_eq!(
        paths(&diff.changes),
        [
            (
                "processes.p.milestones.FR.triggers.50%.level",
                ChangeKind::Changed
            ),
            ("processes.p.milestones.FR.triggers.-5m", ChangeKind::Added),
            ("processes.p.milestones.R", ChangeKind::Removed),
            ("processes.p.pause_statuses", ChangeKind::Added),
            ("processes.q", ChangeKind::Added),
            ("entitlements.a", ChangeKind::Removed),
            ("entitlements.b.cases_per_entitlement", ChangeKind::Added),
            ("entitlements.b.process", ChangeKind::Changed),
        ]
    );
    let messages: Vec<&str> = diff.changes.iter().map(|c| c.message.as_str()).collect();
    assert_eq!(
        messages[0],
        "process p, milestone FR, trigger at 50%: level changed from warning to critical"
    );
    assert_eq!(messages[4], "process q added");
    assert_eq!(messages[6], "entitlement b: cases_per_entitlement added: 5");
    // A removed entity carries its whole old value.
    assert_eq!(diff.changes[2].before.as_ref().unwrap()["target"], "8h");
}

#[test]
fn a_reordering_of_milestones_is_a_change_of_the_list() {
    let doc = |names: [&str; 2]| {
        json!({"processes": [{"id": "p", "milestones": names.iter().map(|n|
            json!({"name": n, "kind": "custom", "starts_on": ["created"], "completes_on": ["done"], "target": "1h"}))
            .collect::<Vec<_>>()}]})
    };
    let diff = rules(&doc(["A", "B"])).diff(&rules(&doc(["B", "A"])));
    assert_eq!(
        paths(&diff.changes),
        [("processes.p.milestones", ChangeKind::Changed)]
    );
    assert_eq!(diff.changes[0].before, Some(json!(["A", "B"])));
    assert_eq!(
        diff.changes[0].message,
        "process p: the order of milestones changed"
    );
}

#[test]
fn monitor_settings_are_compared_field_by_field_from_the_defaults() {
    let old = json!({});
    let new = json!({"monitor": {"at_risk": 0.5}});
    let diff = rules(&old).diff(&rules(&new));
    assert_eq!(
        paths(&diff.changes),
        [("monitor.at_risk", ChangeKind::Changed)]
    );
    assert_eq!(
        diff.changes[0].message,
        "monitor settings: at_risk changed from 0.75 to 0.5"
    );
}

#[test]
fn keys_that_would_be_ambiguous_are_quoted() {
    let doc = |t: &str| {
        json!({"calendars": {"a.b": {"always_open": true}}, "processes": [{"id": "p",
            "milestones": [{"name": "x.y", "kind": "resolution", "target": t}]}]})
    };
    let diff = rules(&doc("1h")).diff(&rules(&doc("2h")));
    assert_eq!(
        paths(&diff.changes),
        [(
            "processes.p.milestones[\"x.y\"].target",
            ChangeKind::Changed
        )]
    );
    let diff = rules(&json!({})).diff(&rules(&doc("2h")));
    assert_eq!(diff.changes[0].path, "calendars[\"a.b\"]");
}

fn case(
    id: &str,
    entitlement: &str,
    created: &str,
    severity: &str,
) -> Result<Case, entitlement_core::Error> {
    Case::from_value(
        &json!({"id": id, "entitlement": entitlement, "created_at": created,
        "fields": {"severity": severity}}),
    )
}

#[test]
fn open_deadlines_move_by_the_new_targets_and_closed_ones_are_not_listed() {
    let doc = |sev1: &str| {
        json!({"processes": [{"id": "p", "milestones": [
            {"name": "FR", "kind": "first_response", "target": "1h"},
            {"name": "R", "kind": "resolution", "target": {"by": "severity", "values": {"Sev1": sev1}, "default": "8h"}}]}],
            "entitlements": [{"id": "e", "process": "p"}]})
    };
    let batch: CaseBatch = [
        case("C-1", "e", "2026-11-25T10:00:00Z", "Sev1"),
        case("C-2", "e", "2026-11-25T10:00:00Z", "Sev2"),
    ]
    .into_iter()
    .collect();
    let now = at("2026-11-25T10:30:00Z");
    let diff = rules(&doc("4h"))
        .diff_cases(&rules(&doc("2h")), &batch, now)
        .unwrap();
    assert_eq!(diff.deadlines.len(), 1, "{:#?}", diff.deadlines);
    let d = &diff.deadlines[0];
    assert_eq!(
        (d.case_id.as_str(), d.milestone.as_str(), d.instance),
        ("C-1", "R", 1)
    );
    assert_eq!(d.change, DeadlineChange::Moved);
    assert_eq!(d.old_target_at, Some(at("2026-11-25T14:00:00Z")));
    assert_eq!(d.new_target_at, Some(at("2026-11-25T12:00:00Z")));
    assert_eq!(d.delta, Some(chrono::TimeDelta::hours(-2)));
    assert_eq!(d.target_delta, Some(chrono::TimeDelta::hours(-2)));
    assert_eq!(
        (d.old_state, d.new_state),
        (
            Some(MilestoneState::InProgress),
            Some(MilestoneState::InProgress)
        )
    );
    assert!(diff.errors.is_empty());
}

#[test]
fn a_calendar_change_moves_deadlines_with_no_change_of_target() {
    let doc = |open: &str| {
        json!({"calendars": {"desk": {"time_zone": "UTC", "hours": {"wed": [open]}}},
            "processes": [{"id": "p", "calendar": "desk", "milestones": [
            {"name": "R", "kind": "resolution", "target": "4h"}]}],
            "entitlements": [{"id": "e", "process": "p"}]})
    };
    let batch: CaseBatch = [case("C-1", "e", "2026-11-25T08:00:00Z", "Sev3")]
        .into_iter()
        .collect();
    let now = at("2026-11-25T09:00:00Z");
    let diff = rules(&doc("09:00-17:00"))
        .diff_cases(&rules(&doc("08:00-17:00")), &batch, now)
        .unwrap();
    let d = &diff.deadlines[0];
    assert_eq!(d.delta, Some(chrono::TimeDelta::hours(-1)));
    assert_eq!(d.target_delta, Some(chrono::TimeDelta::zero()));
}

#[test]
fn milestones_that_appear_or_disappear_and_cases_one_side_rejects_are_reported() {
    let old = json!({"processes": [{"id": "p", "milestones": [
        {"name": "FR", "kind": "first_response", "target": "1h"}]}],
        "entitlements": [{"id": "e", "process": "p"}, {"id": "gone", "process": "p"}]});
    let new = json!({"processes": [{"id": "p", "milestones": [
        {"name": "R", "kind": "resolution", "target": "8h"}]}],
        "entitlements": [{"id": "e", "process": "p"}, {"id": "new", "process": "p"}]});
    let batch: CaseBatch = [
        case("C-1", "e", "2026-11-25T10:00:00Z", "Sev3"),
        case("C-2", "gone", "2026-11-25T10:00:00Z", "Sev3"),
        case("C-3", "new", "2026-11-25T10:00:00Z", "Sev3"),
        case("C-1", "e", "2026-11-25T10:00:00Z", "Sev3"),
    ]
    .into_iter()
    .collect();
    let diff = rules(&old)
        .diff_cases(&rules(&new), &batch, at("2026-11-25T10:30:00Z"))
        .unwrap();
    let moves: Vec<_> = diff
        .deadlines
        .iter()
        .map(|d| (d.case_id.as_str(), d.milestone.as_str(), d.change))
        .collect();
    assert!(
        moves.is_empty(),
        "a duplicated id is an error on both sides: {moves:?}"
    );
    let errors: Vec<_> = diff
        .errors
        .iter()
        .map(|e| (e.index, e.side, e.code.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (0, DiffSide::Both, "duplicate_case"),
            (1, DiffSide::New, "unknown_entitlement"),
            (2, DiffSide::Old, "unknown_entitlement"),
            (3, DiffSide::Both, "duplicate_case"),
        ]
    );
    let batch: CaseBatch = [case("C-1", "e", "2026-11-25T10:00:00Z", "Sev3")]
        .into_iter()
        .collect();
    let diff = rules(&old)
        .diff_cases(&rules(&new), &batch, at("2026-11-25T10:30:00Z"))
        .unwrap();
    let moves: Vec<_> = diff
        .deadlines
        .iter()
        .map(|d| (d.milestone.as_str(), d.change, d.delta))
        .collect();
    assert_eq!(
        moves,
        [
            ("R", DeadlineChange::Appeared, None),
            ("FR", DeadlineChange::Disappeared, None)
        ]
    );
}

/// Small documents that differ in every part the diff walks.
fn document() -> impl Strategy<Value = Value> {
    let hours = prop::sample::select(vec!["09:00-17:00", "08:00-17:00", "09:00-12:00"]);
    let holidays = prop::sample::subsequence(vec!["A", "B", "C"], 0..=3);
    let target = prop_oneof![
        prop::sample::select(vec!["1h", "2h", "PT2H", "30m"]).prop_map(|t| json!(t)),
        (
            prop::sample::select(vec!["1h", "4h"]),
            prop::option::of(Just("8h"))
        )
            .prop_map(|(s1, d)| {
                let mut t = json!({"by": "severity", "values": {"Sev1": s1}});
                if let Some(d) = d {
                    t["default"] = json!(d);
                }
                t
            }),
    ];
    let milestone_names = prop::sample::subsequence(vec!["FR", "R", "X"], 1..=3).prop_shuffle();
    let process = (milestone_names, target, any::<bool>(), 1u32..=2);
    let processes = prop::collection::vec(process, 1..=2);
    let entitlements = prop::sample::subsequence(vec!["a", "b", "c"], 0..=3).prop_shuffle();
    let at_risk = prop::sample::select(vec![0.75, 0.5]);
    (hours, holidays, processes, entitlements, at_risk, any::<bool>()).prop_map(
        |(hours, holidays, processes, entitlements, at_risk, two_ids)| {
            let mut seen = std::collections::HashSet::new();
            let processes: Vec<Value> = processes
                .into_iter()
                .enumerate()
                .filter_map(|(i, (names, target, trigger, version))| {
                    let id = if two_ids && i == 1 { "q" } else { "p" };
                    seen.insert((id, version)).then(|| {
                        json!({"id": id, "version": version, "calendar": "desk",
                            "milestones": names.iter().map(|n| {
                                let mut m = json!({"name": n, "kind": "custom", "starts_on": ["created"],
                                    "completes_on": ["done"], "target": target});
                                if trigger {
                                    m["triggers"] = json!([{"at": "50%", "level": "warning"}]);
                                }
                                m
                            }).collect::<Vec<_>>()})
                    })
                })
                .collect();
            json!({
                "calendars": {"desk": {"time_zone": "UTC", "hours": {"mon": [hours]},
                    "holidays": holidays.iter().map(|h| json!({"name": h, "date": "2026-12-25"})).collect::<Vec<_>>()}},
                "processes": processes,
                "entitlements": entitlements.iter().map(|e| json!({"id": e, "process": "p"})).collect::<Vec<_>>(),
                "monitor": {"at_risk": at_risk},
            })
        },
    )
}

fn swapped(changes: &[Change]) -> Vec<(String, ChangeKind, Option<Value>, Option<Value>)> {
    let mut out: Vec<_> = changes
        .iter()
        .map(|c| {
            (
                c.path.clone(),
                c.kind.swapped(),
                c.after.clone(),
                c.before.clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out
}

fn sorted(changes: &[Change]) -> Vec<(String, ChangeKind, Option<Value>, Option<Value>)> {
    let mut out: Vec<_> = changes
        .iter()
        .map(|c| (c.path.clone(), c.kind, c.before.clone(), c.after.clone()))
        .collect();
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out
}

proptest! {
    #[test]
    fn a_diff_with_itself_is_empty(a in document()) {
        let a = rules(&a);
        prop_assert!(a.diff(&a).changes.is_empty());
    }

    #[test]
    fn a_diff_is_empty_exactly_when_the_documents_are_equal(a in document(), b in document()) {
        let (a, b) = (rules(&a), rules(&b));
        let diff = a.diff(&b);
        prop_assert_eq!(diff.changes.is_empty(), a.to_value() == b.to_value(), "{:#?}", diff.changes);
    }

    #[test]
    fn swapping_the_sides_swaps_added_and_removed_and_before_and_after(a in document(), b in document()) {
        let (a, b) = (rules(&a), rules(&b));
        prop_assert_eq!(sorted(&b.diff(&a).changes), swapped(&a.diff(&b).changes));
    }

    #[test]
    fn every_change_has_a_path_a_sentence_and_the_values_its_kind_needs(a in document(), b in document()) {
        for c in rules(&a).diff(&rules(&b)).changes {
            prop_assert!(!c.path.is_empty() && !c.message.is_empty());
            match c.kind {
                ChangeKind::Added => prop_assert!(c.before.is_none() && c.after.is_some()),
                ChangeKind::Removed => prop_assert!(c.before.is_some() && c.after.is_none()),
                ChangeKind::Changed => prop_assert!(c.before.is_some() && c.after.is_some() && c.before != c.after),
            }
        }
    }
}

/// The pair every suite diffs (`tests/diff`): the core's answer is the checked-in one, which the
/// CLI, Python and Node tests compare with theirs.
#[test]
fn the_shared_pair_gives_the_checked_in_answer() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/diff");
    let old = Ruleset::load(format!("{dir}/old.yaml")).unwrap();
    let new = Ruleset::load(format!("{dir}/new.yaml")).unwrap();
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/cases.json")).unwrap())
            .unwrap();
    let batch: CaseBatch = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(Case::from_value)
        .collect();
    let now = at(file["now"].as_str().unwrap());
    let diff = old.diff_cases(&new, &batch, now).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expected.json")).unwrap())
            .unwrap();
    assert_eq!(serde_json::to_value(&diff).unwrap(), expected);
}
