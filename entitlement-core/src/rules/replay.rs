//! The replay of one case's log against one process: a pure function of the case, the rules and
//! `now`. Design notes are in `docs/rules.md`.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::case::{Case, EventKind};
use super::model::{Milestone, MilestoneKind, Process, Recurrence};
use super::status::{MilestoneState, MilestoneStatus, TriggerStatus};
use crate::calendar::Calendar;
use crate::document::index_path;
use crate::error::{Error, Result};
use crate::time::{from_us, to_us};

/// One milestone of the process, with the calendar its clock runs on.
pub(crate) struct Clocked<'a> {
    pub milestone: &'a Milestone,
    pub calendar: Calendar,
    pub calendar_name: Option<String>,
}

/// One occurrence of a milestone, as the walk records it.
struct Occurrence {
    /// When it was asked to start (a sequential one may start later).
    requested: i64,
    completed: Option<i64>,
    /// The tier field's value at completion (or at start, if the value at completion has no
    /// target).
    tier_at_end: Option<Value>,
    tier_at_start: Option<Value>,
}

#[derive(Default)]
struct Track {
    occurrences: Vec<Occurrence>,
    open: bool,
    /// A start event happened while the criteria (or the tier table) did not hold: the
    /// occurrence starts as soon as they do, unless a completion event or the exit comes first.
    armed: Option<&'static str>,
}

/// The status and stop flag after each change, for pause intervals.
struct Snapshot {
    at: i64,
    status: Option<String>,
    stopped: bool,
}

struct Walk<'a> {
    process: &'a Process,
    milestones: &'a [Clocked<'a>],
    fields: Map<String, Value>,
    tracks: Vec<Track>,
    exited: bool,
    snapshots: Vec<Snapshot>,
}

/// The event type names a case log may use with this process.
pub(crate) fn custom_events(process: &Process) -> HashSet<&str> {
    process
        .milestones
        .iter()
        .flat_map(|m| m.starts_on.iter().chain(&m.completes_on))
        .map(String::as_str)
        .filter(|t| !super::model::BUILTIN_EVENTS.contains(t))
        .collect()
}

/// Field values as of the case's creation: each field's first event's `from` (even an event
/// after `now`: it still tells the earlier value), else `fields`.
fn initial_fields(case: &Case) -> Map<String, Value> {
    let mut fields = case.fields.clone();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut order: Vec<usize> = (0..case.events.len()).collect();
    order.sort_by_key(|&i| case.events[i].at);
    for i in order {
        let (name, from) = match &case.events[i].kind {
            EventKind::Field { field, from, .. } => (field.as_str(), from.clone()),
            EventKind::Status { from, .. } => ("status", from.clone().map(Value::String)),
            _ => continue,
        };
        // Only a field's first change tells its value at creation.
        if seen.insert(name)
            && let Some(f) = from
        {
            fields.insert(name.to_string(), f);
        }
    }
    fields
}

/// The events at or before `now`, sorted stably by time, exact duplicates dropped; an unknown
/// event type is an error naming the event.
pub(crate) fn ordered_events(
    case: &Case,
    now: i64,
    process: Option<&Process>,
) -> Result<Vec<usize>> {
    let known = process.map(custom_events);
    for (i, e) in case.events.iter().enumerate() {
        if let (EventKind::Custom { name }, Some(known)) = (&e.kind, &known)
            && !known.contains(name.as_str())
        {
            {
                let mut expected: Vec<&str> = super::model::BUILTIN_EVENTS[1..].to_vec();
                let mut custom: Vec<&str> = known.iter().copied().collect();
                custom.sort_unstable();
                expected.extend(custom);
                return Err(Error::UnknownEventType {
                    path: format!("{}.type", index_path("events", i)),
                    event_type: name.clone(),
                    expected: expected.join(", "),
                });
            }
        }
    }
    let mut order: Vec<usize> = (0..case.events.len())
        .filter(|&i| to_us(case.events[i].at) <= now)
        .collect();
    order.sort_by_key(|&i| case.events[i].at);
    let mut out: Vec<usize> = Vec::with_capacity(order.len());
    for i in order {
        let dup = out
            .iter()
            .rev()
            .take_while(|&&j| case.events[j].at == case.events[i].at)
            .any(|&j| {
                case.events[j].kind == case.events[i].kind && case.events[j].id == case.events[i].id
            });
        if !dup {
            out.push(i);
        }
    }
    Ok(out)
}

/// The field values of a case as of `now` (the replay's view, for quota filters).
pub(crate) fn fields_at(case: &Case, now: i64) -> Result<Map<String, Value>> {
    let order = ordered_events(case, now, None)?;
    let mut fields = initial_fields(case);
    for i in order {
        match &case.events[i].kind {
            EventKind::Field { field, to, .. } => {
                fields.insert(field.clone(), to.clone());
            }
            EventKind::Status { to, .. } => {
                fields.insert("status".into(), Value::String(to.clone()));
            }
            _ => {}
        }
    }
    Ok(fields)
}

impl<'a> Walk<'a> {
    fn criteria_hold(&self, m: &Milestone) -> bool {
        let fields = &self.fields;
        let lookup = |f: &str| fields.get(f);
        m.when.as_ref().is_none_or(|c| c.matches(&lookup))
            && m.target.for_tier(self.tier_value(m).as_ref()).is_some()
    }

    fn tier_value(&self, m: &Milestone) -> Option<Value> {
        m.target
            .tier_field()
            .and_then(|f| self.fields.get(f))
            .filter(|v| !v.is_null())
            .cloned()
    }

    fn try_start(&mut self, k: usize, event: &'static str, at: i64) {
        if self.exited {
            return;
        }
        let m = self.milestones[k].milestone;
        let track = &self.tracks[k];
        if track.open {
            return;
        }
        let again = track.occurrences.is_empty()
            || m.recurrence != Recurrence::None
            || (m.kind == MilestoneKind::Resolution && event == "reopened");
        if !again {
            return;
        }
        if !self.criteria_hold(m) {
            self.tracks[k].armed = Some(event);
            return;
        }
        let tier = self.tier_value(m);
        let track = &mut self.tracks[k];
        track.armed = None;
        track.open = true;
        track.occurrences.push(Occurrence {
            requested: at,
            completed: None,
            tier_at_end: None,
            tier_at_start: tier,
        });
    }

    fn complete(&mut self, k: usize, at: i64) {
        let tier = self.tier_value(self.milestones[k].milestone);
        let track = &mut self.tracks[k];
        track.armed = None;
        if !track.open {
            return;
        }
        track.open = false;
        if let Some(o) = track.occurrences.last_mut() {
            o.completed = Some(at);
            o.tier_at_end = tier;
        }
    }

    fn exit(&mut self, at: i64) {
        for k in 0..self.tracks.len() {
            self.complete(k, at);
        }
        self.exited = true;
    }

    /// After a field or status change: armed milestones whose criteria now hold start.
    fn fire_armed(&mut self, at: i64) {
        for k in 0..self.tracks.len() {
            if let Some(event) = self.tracks[k].armed
                && self.criteria_hold(self.milestones[k].milestone)
            {
                self.try_start(k, event, at);
            }
        }
    }

    fn on_moment(&mut self, name: &str, at: i64) {
        for k in 0..self.milestones.len() {
            if self.milestones[k]
                .milestone
                .completion_events()
                .contains(&name)
            {
                self.complete(k, at);
            }
        }
        if name == "closed" && !self.exited {
            self.exit(at);
        }
        if name == "reopened" {
            self.exited = false;
        }
        for k in 0..self.milestones.len() {
            if self.milestones[k].milestone.start_events().contains(&name) {
                let event: &'static str = match name {
                    "created" => "created",
                    "reopened" => "reopened",
                    _ => "event",
                };
                self.try_start(k, event, at);
            }
        }
    }

    fn snapshot(&mut self, at: i64, status: Option<String>, stopped: bool) {
        self.snapshots.push(Snapshot {
            at,
            status,
            stopped,
        });
    }
}

/// Paused wall-clock intervals for a set of pause statuses, each ending at `now` at the latest.
fn pause_intervals(snapshots: &[Snapshot], pause_statuses: &[String], now: i64) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    let mut since: Option<i64> = None;
    for s in snapshots {
        let paused = s.stopped
            || s.status
                .as_ref()
                .is_some_and(|st| pause_statuses.iter().any(|p| p == st));
        match (paused, since) {
            (true, None) => since = Some(s.at),
            (false, Some(from)) => {
                if s.at > from {
                    out.push((from, s.at));
                }
                since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        if now > from {
            out.push((from, now));
        } else {
            out.push((from, from));
        }
    }
    out
}

/// Business time of `cal` inside the pauses, within `[start, end)`.
fn paused_within(cal: &Calendar, pauses: &[(i64, i64)], start: i64, end: i64) -> Result<i64> {
    let mut total = 0i64;
    for &(ps, pe) in pauses {
        let (a, b) = (ps.max(start), pe.min(end));
        if a < b {
            total += cal.elapsed_micros(a, b)?;
        }
    }
    Ok(total)
}

/// The instant at which `amount` of active business time has run from `start`, the clock
/// stopping during the pauses (which end at `now` at the latest: provisional while open).
fn reach(cal: &Calendar, start: i64, amount: i64, pauses: &[(i64, i64)]) -> Result<i64> {
    let mut cursor = start;
    let mut left = amount;
    for &(ps, pe) in pauses {
        if pe <= cursor {
            continue;
        }
        let ps = ps.max(cursor);
        let available = cal.elapsed_micros(cursor, ps)?;
        if available >= left {
            return cal.add_micros(cursor, left);
        }
        left -= available;
        cursor = pe;
    }
    cal.add_micros(cursor, left)
}

/// Replays `case` against `process` up to `now` and returns one status per milestone instance.
pub(crate) fn replay(
    case: &Case,
    process: &Process,
    milestones: &[Clocked<'_>],
    now: i64,
) -> Result<Vec<MilestoneStatus>> {
    let order = ordered_events(case, now, Some(process))?;
    let created = to_us(case.created_at);
    let mut walk = Walk {
        process,
        milestones,
        fields: initial_fields(case),
        tracks: milestones.iter().map(|_| Track::default()).collect(),
        exited: false,
        snapshots: vec![Snapshot {
            at: created,
            status: None,
            stopped: false,
        }],
    };
    if created <= now {
        walk.on_moment("created", created);
    }
    let mut status: Option<String> = None;
    let mut stopped = false;
    for i in order {
        let event = &case.events[i];
        let at = to_us(event.at);
        match &event.kind {
            EventKind::Status { to, .. } => {
                walk.fields
                    .insert("status".into(), Value::String(to.clone()));
                status = Some(to.clone());
                walk.snapshot(at, status.clone(), stopped);
                if walk.process.exit_statuses.iter().any(|s| s == to) {
                    if !walk.exited {
                        walk.exit(at);
                    }
                } else {
                    walk.fire_armed(at);
                }
            }
            EventKind::Field { field, to, .. } => {
                walk.fields.insert(field.clone(), to.clone());
                walk.fire_armed(at);
            }
            EventKind::Stop | EventKind::Resume => {
                stopped = matches!(event.kind, EventKind::Stop);
                walk.snapshot(at, status.clone(), stopped);
            }
            other => {
                let name = other.type_name().to_string();
                walk.on_moment(&name, at);
            }
        }
    }

    let mut out = Vec::new();
    for (k, clocked) in milestones.iter().enumerate() {
        let m = clocked.milestone;
        let cal = &clocked.calendar;
        let pause_set = m.pause_statuses.as_ref().unwrap_or(&process.pause_statuses);
        let pauses = pause_intervals(&walk.snapshots, pause_set, now);
        let paused_now = walk.snapshots.last().is_some_and(|s| {
            s.stopped
                || s.status
                    .as_ref()
                    .is_some_and(|st| pause_set.iter().any(|p| p == st))
        });
        let track = &walk.tracks[k];
        if track.occurrences.is_empty() {
            out.push(MilestoneStatus {
                case_id: case.id.clone(),
                milestone: m.name.clone(),
                kind: m.kind,
                instance: 1,
                state: MilestoneState::Pending,
                calendar: clocked.calendar_name.clone(),
                started_at: None,
                target: None,
                target_at: None,
                completed_at: None,
                elapsed: chrono::TimeDelta::zero(),
                paused: chrono::TimeDelta::zero(),
                remaining: None,
                consumed: None,
                crossed: Vec::new(),
                next_trigger_at: None,
                triggers: Vec::new(),
            });
            continue;
        }
        let mut previous_target: Option<i64> = None;
        for (n, occ) in track.occurrences.iter().enumerate() {
            let start = match (m.recurrence, previous_target) {
                (Recurrence::Sequential, Some(t)) => occ.requested.max(t),
                _ => occ.requested,
            };
            let tier = match (&occ.completed, &occ.tier_at_end) {
                (Some(_), end) => end.clone(),
                (None, _) => walk.tier_value(m),
            };
            let target = m
                .target
                .for_tier(tier.as_ref())
                .or_else(|| m.target.for_tier(occ.tier_at_start.as_ref()))
                .unwrap_or(0);
            let completed = occ.completed.map(|c| c.max(start));
            let end = completed.unwrap_or(now).max(start);
            let mine: Vec<(i64, i64)> = pauses
                .iter()
                .filter(|&&(ps, pe)| pe > start && ps < end)
                .map(|&(ps, pe)| (ps.max(start), pe.min(end)))
                .collect();
            let target_at = reach(cal, start, target, &mine)?;
            previous_target = Some(target_at);
            let paused = paused_within(cal, &mine, start, end)?;
            let elapsed = if end > start {
                cal.elapsed_micros(start, end)? - paused
            } else {
                0
            };
            let state = match completed {
                Some(c) if c <= target_at => MilestoneState::Completed,
                Some(_) => MilestoneState::CompletedLate,
                None if start > now => MilestoneState::Pending,
                None if now > target_at => MilestoneState::Violated,
                None if paused_now => MilestoneState::Paused,
                None => MilestoneState::InProgress,
            };
            let mut triggers = Vec::with_capacity(m.triggers.len());
            for t in &m.triggers {
                let at = reach(cal, start, t.at.reached_at(target), &mine)?;
                let crossed = match completed {
                    Some(c) => at < c,
                    None => start <= now && at <= now,
                };
                triggers.push(TriggerStatus {
                    point: serde_json::to_value(t.at)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    level: t.level,
                    actions: t.actions.clone(),
                    at: from_us(at)?,
                    crossed,
                });
            }
            let next_trigger_at = if completed.is_some() {
                None
            } else {
                triggers.iter().filter(|t| !t.crossed).map(|t| t.at).min()
            };
            out.push(MilestoneStatus {
                case_id: case.id.clone(),
                milestone: m.name.clone(),
                kind: m.kind,
                instance: n as u32 + 1,
                state,
                calendar: clocked.calendar_name.clone(),
                started_at: Some(from_us(start)?),
                target: Some(chrono::TimeDelta::microseconds(target)),
                target_at: Some(from_us(target_at)?),
                completed_at: completed.map(from_us).transpose()?,
                elapsed: chrono::TimeDelta::microseconds(elapsed),
                paused: chrono::TimeDelta::microseconds(paused),
                remaining: Some(chrono::TimeDelta::microseconds(target - elapsed)),
                consumed: Some(elapsed as f64 / target as f64),
                crossed: triggers
                    .iter()
                    .filter(|t| t.crossed)
                    .map(|t| t.level)
                    .collect(),
                next_trigger_at,
                triggers,
            });
        }
    }
    Ok(out)
}
