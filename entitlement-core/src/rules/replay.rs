//! The replay of one case's log against one process: a pure function of the case, the rules and
//! `now`. Design notes are in `docs/rules.md`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::case::{Case, EventKind};
use super::model::{Milestone, MilestoneKind, Process, Recurrence};
use super::status::{MilestoneState, MilestoneStatus, Name, TriggerStatus};
use crate::calendar::Calendar;
use crate::document::index_path;
use crate::error::{Error, Result};
use crate::time::{from_us, to_us};

/// One milestone of the process, with the calendar its clock runs on. The names and the
/// calendar are borrowed from the ruleset where it holds them: cloning them per case moved
/// each `Arc`'s count between the cores of a parallel run, a contended write per clone and per
/// drop (`docs/performance.md`, "Issue 17").
pub(crate) struct Clocked<'a> {
    pub milestone: &'a Milestone,
    /// Each trigger's label and actions, in the milestone's order.
    pub triggers: Cow<'a, [(Name, Arc<[String]>)]>,
    /// The milestone's name, shared with the ruleset.
    pub name: Cow<'a, Name>,
    pub calendar: Cow<'a, Calendar>,
    pub calendar_name: Option<Cow<'a, Name>>,
}

/// A value of the case's fields as of some instant: the case's own (borrowed), or one written
/// by a `status` event (owned: the log holds the status as text, not as a value).
enum Slot<'c> {
    Borrowed(&'c Value),
    Owned(Value),
}

/// The case's fields as of an instant, without a copy of the case's map: the changes since
/// creation over the case's `fields`. A replay used to clone the whole map (and every field
/// change) per case and per count (`docs/performance.md`, "Issue 17").
struct Fields<'c> {
    base: &'c Map<String, Value>,
    changed: BTreeMap<&'c str, Slot<'c>>,
}

impl<'c> Fields<'c> {
    /// Field values as of the case's creation: each field's first event's `from` (even an
    /// event after `now`: it still tells the earlier value), else `fields`.
    fn initial(case: &'c Case) -> Fields<'c> {
        let mut fields = Fields {
            base: &case.fields,
            changed: BTreeMap::new(),
        };
        let changes = |e: &super::case::Event| {
            matches!(e.kind, EventKind::Field { .. } | EventKind::Status { .. })
        };
        if !case.events.iter().any(changes) {
            return fields;
        }
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut order: Vec<usize> = (0..case.events.len())
            .filter(|&i| changes(&case.events[i]))
            .collect();
        order.sort_by_key(|&i| case.events[i].at);
        for i in order {
            match &case.events[i].kind {
                EventKind::Field { field, from, .. } => {
                    // Only a field's first change tells its value at creation.
                    if seen.insert(field.as_str())
                        && let Some(f) = from
                    {
                        fields.changed.insert(field.as_str(), Slot::Borrowed(f));
                    }
                }
                EventKind::Status { from, .. } => {
                    if seen.insert("status")
                        && let Some(f) = from
                    {
                        fields.set_status(f);
                    }
                }
                _ => {}
            }
        }
        fields
    }

    /// The value of a field, borrowed from the case unless a `status` event wrote it.
    fn value(&self, name: &str) -> Option<Cow<'c, Value>> {
        match self.changed.get(name) {
            Some(Slot::Borrowed(v)) => Some(Cow::Borrowed(*v)),
            Some(Slot::Owned(v)) => Some(Cow::Owned(v.clone())),
            None => self.base.get(name).map(Cow::Borrowed),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        match self.changed.get(name) {
            Some(Slot::Borrowed(v)) => Some(v),
            Some(Slot::Owned(v)) => Some(v),
            None => self.base.get(name),
        }
    }

    fn set(&mut self, name: &'c str, value: &'c Value) {
        self.changed.insert(name, Slot::Borrowed(value));
    }

    /// The `status` field, as text; the buffer of the previous one is reused.
    fn set_status(&mut self, to: &str) {
        match self.changed.get_mut("status") {
            Some(Slot::Owned(Value::String(s))) => {
                s.clear();
                s.push_str(to);
            }
            _ => {
                self.changed
                    .insert("status", Slot::Owned(Value::String(to.to_owned())));
            }
        }
    }

    fn apply(&mut self, kind: &'c EventKind) {
        match kind {
            EventKind::Field { field, to, .. } => self.set(field, to),
            EventKind::Status { to, .. } => self.set_status(to),
            _ => {}
        }
    }
}

/// One occurrence of a milestone, as the walk records it.
struct Occurrence<'c> {
    /// When it was asked to start (a sequential one may start later).
    requested: i64,
    completed: Option<i64>,
    /// The tier field's value from each instant on: at the start, then at each change while
    /// the occurrence is open. The last one is the value at completion (or at `now`).
    tiers: Vec<(i64, Option<Cow<'c, Value>>)>,
}

#[derive(Default)]
struct Track<'c> {
    occurrences: Vec<Occurrence<'c>>,
    open: bool,
    /// A start event happened while the criteria (or the tier table) did not hold: the
    /// occurrence starts as soon as they do, unless a completion event or the exit comes first.
    armed: Option<&'static str>,
}

/// The status and stop flag after each change, for pause intervals.
struct Snapshot<'c> {
    at: i64,
    status: Option<&'c str>,
    stopped: bool,
}

struct Walk<'a, 'c> {
    process: &'a Process,
    milestones: &'a [Clocked<'a>],
    fields: Fields<'c>,
    tracks: Vec<Track<'c>>,
    exited: bool,
    snapshots: Vec<Snapshot<'c>>,
}

/// Whether a custom event type is named by one of the process's milestones.
fn known_event(process: &Process, name: &str) -> bool {
    process
        .milestones
        .iter()
        .any(|m| m.starts_on.iter().chain(&m.completes_on).any(|t| t == name))
}

/// The event types a case log may use with this process, for the error message.
fn expected_events(process: &Process) -> String {
    let mut custom: Vec<&str> = process
        .milestones
        .iter()
        .flat_map(|m| m.starts_on.iter().chain(&m.completes_on))
        .map(String::as_str)
        .filter(|t| !super::model::BUILTIN_EVENTS.contains(t))
        .collect();
    custom.sort_unstable();
    custom.dedup();
    let mut expected: Vec<&str> = super::model::BUILTIN_EVENTS[1..].to_vec();
    expected.extend(custom);
    expected.join(", ")
}

/// Whether the clock of a milestone with these pause statuses is stopped.
pub(crate) fn is_paused(stopped: bool, status: Option<&str>, pause_set: &[String]) -> bool {
    stopped || status.is_some_and(|s| pause_set.iter().any(|p| p == s))
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
    for (i, e) in case.events.iter().enumerate() {
        if let (EventKind::Custom { name }, Some(process)) = (&e.kind, process)
            && !known_event(process, name)
        {
            return Err(Error::UnknownEventType {
                path: format!("{}.type", index_path("events", i)),
                event_type: name.clone(),
                expected: expected_events(process),
            });
        }
    }
    let mut order: Vec<usize> = (0..case.events.len())
        .filter(|&i| to_us(case.events[i].at) <= now)
        .collect();
    order.sort_by_key(|&i| case.events[i].at);
    let mut out: Vec<usize> = Vec::with_capacity(order.len());
    let same = |i: usize, j: usize| {
        case.events[j].kind == case.events[i].kind && case.events[j].id == case.events[i].id
    };
    // The events kept so far at the current instant are `out[run..]`. A few are compared one
    // by one (no allocation: most instants hold one event); past `FEW`, by a hash consistent
    // with equality, so that a duplicate is looked for among equal hashes only, not among
    // every event of the instant (a log of many events at one instant was quadratic).
    const FEW: usize = 8;
    let mut run = 0;
    let mut same_instant: HashMap<u64, Vec<usize>> = HashMap::new();
    for i in order {
        let event = &case.events[i];
        if out.last().is_some_and(|&j| case.events[j].at != event.at) {
            run = out.len();
            same_instant.clear();
        }
        let kept = &out[run..];
        let dup = if kept.len() < FEW {
            kept.iter().any(|&j| same(i, j))
        } else {
            if same_instant.is_empty() {
                for &j in kept {
                    same_instant
                        .entry(event_hash(&case.events[j]))
                        .or_default()
                        .push(j);
                }
            }
            let bucket = same_instant.entry(event_hash(event)).or_default();
            let dup = bucket.iter().any(|&j| same(i, j));
            if !dup {
                bucket.push(i);
            }
            dup
        };
        if !dup {
            out.push(i);
        }
    }
    Ok(out)
}

/// A hash of an event's kind and id that equal events share (`Value`'s equality: numbers of
/// different representations differ, `0.0 == -0.0`, objects ignore key order).
fn event_hash(event: &super::case::Event) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    fn value(v: &Value, h: &mut DefaultHasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    (2u8, u).hash(h);
                } else if let Some(i) = n.as_i64() {
                    (3u8, i).hash(h);
                } else {
                    let f = n.as_f64().unwrap_or(0.0);
                    (4u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(h);
                }
            }
            Value::String(s) => (5u8, s).hash(h),
            Value::Array(a) => {
                (6u8, a.len()).hash(h);
                for x in a {
                    value(x, h);
                }
            }
            Value::Object(m) => {
                // Order-insensitive: a sum of the entries' own hashes.
                let sum = m.iter().fold(0u64, |acc, (k, x)| {
                    let mut e = DefaultHasher::new();
                    k.hash(&mut e);
                    value(x, &mut e);
                    acc.wrapping_add(e.finish())
                });
                (7u8, m.len(), sum).hash(h);
            }
        }
    }
    let mut h = DefaultHasher::new();
    event.id.hash(&mut h);
    event.kind.type_name().hash(&mut h);
    match &event.kind {
        EventKind::Status { to, from } => (to, from).hash(&mut h),
        EventKind::Field { field, to, from } => {
            field.hash(&mut h);
            value(to, &mut h);
            if let Some(f) = from {
                value(f, &mut h);
            }
            from.is_some().hash(&mut h);
        }
        _ => {}
    }
    h.finish()
}

/// A case as of an instant: its field values, its status (`None` before the first `status`
/// event) and whether the clock is stopped.
pub(crate) struct StateAt {
    pub fields: Map<String, Value>,
    pub status: Option<String>,
    pub stopped: bool,
}

/// The case as of `t` (events at or before `t`), replaying its log: the reference the
/// one-pass [`StateSweep`] is tested against.
#[cfg(test)]
pub(crate) fn state_at(case: &Case, t: i64) -> Result<StateAt> {
    let mut state = StateAt {
        fields: initial_fields(case),
        status: None,
        stopped: false,
    };
    for i in ordered_events(case, t, None)? {
        match &case.events[i].kind {
            EventKind::Field { field, to, .. } => {
                state.fields.insert(field.clone(), to.clone());
            }
            EventKind::Status { to, .. } => {
                state
                    .fields
                    .insert("status".into(), Value::String(to.clone()));
                state.status = Some(to.clone());
            }
            EventKind::Stop => state.stopped = true,
            EventKind::Resume => state.stopped = false,
            _ => {}
        }
    }
    Ok(state)
}

impl StateAt {
    fn apply(&mut self, kind: &EventKind) {
        match kind {
            EventKind::Field { field, to, .. } => {
                self.fields.insert(field.clone(), to.clone());
            }
            EventKind::Status { to, .. } => {
                self.fields
                    .insert("status".into(), Value::String(to.clone()));
                self.status = Some(to.clone());
            }
            EventKind::Stop => self.stopped = true,
            EventKind::Resume => self.stopped = false,
            _ => {}
        }
    }
}

/// The case as of a sequence of non-decreasing instants, in one pass over its log: what
/// `state_at` gives for each, without replaying the log again for every instant (the monitor
/// asks once per event, and a case can have thousands: `docs/monitor.md`, "Cost").
pub(crate) struct StateSweep<'c> {
    case: &'c Case,
    order: Vec<usize>,
    next: usize,
    state: StateAt,
}

impl<'c> StateSweep<'c> {
    /// A sweep over the events of `case` at or before `until` (the last instant it will be
    /// asked about).
    pub(crate) fn new(case: &'c Case, until: i64) -> Result<Self> {
        Ok(StateSweep {
            case,
            order: ordered_events(case, until, None)?,
            next: 0,
            state: StateAt {
                fields: initial_fields(case),
                status: None,
                stopped: false,
            },
        })
    }

    /// The fields as of the last instant asked about, without a copy.
    pub(crate) fn into_fields(self) -> Map<String, Value> {
        self.state.fields
    }

    /// The case as of `t` (events at or before `t`). Instants must not decrease from one call
    /// to the next.
    pub(crate) fn at(&mut self, t: i64) -> &StateAt {
        while let Some(&i) = self.order.get(self.next) {
            let event = &self.case.events[i];
            if to_us(event.at) > t {
                break;
            }
            self.state.apply(&event.kind);
            self.next += 1;
        }
        &self.state
    }
}

/// The first instant, from creation up to `now`, at which the case's fields match `filter`
/// (creation itself without a filter); `None` if they never do.
pub(crate) fn first_match(
    case: &Case,
    filter: Option<&super::model::Criteria>,
    now: i64,
) -> Result<Option<i64>> {
    let created = to_us(case.created_at);
    if created > now {
        return Ok(None);
    }
    let Some(filter) = filter else {
        return Ok(Some(created));
    };
    let mut fields = Fields::initial(case);
    if filter.matches(&|k| fields.get(k)) {
        return Ok(Some(created));
    }
    for i in ordered_events(case, now, None)? {
        let e = &case.events[i];
        match &e.kind {
            EventKind::Field { .. } | EventKind::Status { .. } => fields.apply(&e.kind),
            _ => continue,
        }
        if filter.matches(&|k| fields.get(k)) {
            return Ok(Some(to_us(e.at)));
        }
    }
    Ok(None)
}

impl<'a, 'c> Walk<'a, 'c> {
    fn criteria_hold(&self, m: &Milestone) -> bool {
        let fields = &self.fields;
        let lookup = |f: &str| fields.get(f);
        m.when.as_ref().is_none_or(|c| c.matches(&lookup))
            && m.target.for_tier(self.tier_value(m).as_deref()).is_some()
    }

    fn tier_value(&self, m: &Milestone) -> Option<Cow<'c, Value>> {
        m.target
            .tier_field()
            .and_then(|f| self.fields.value(f))
            .filter(|v| !v.is_null())
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
            tiers: vec![(at, tier)],
        });
    }

    fn complete(&mut self, k: usize, at: i64) {
        let track = &mut self.tracks[k];
        track.armed = None;
        if !track.open {
            return;
        }
        track.open = false;
        if let Some(o) = track.occurrences.last_mut() {
            o.completed = Some(at);
        }
    }

    /// After a field or status change: open occurrences record their tier's new value.
    fn note_tiers(&mut self, at: i64) {
        for k in 0..self.tracks.len() {
            if !self.tracks[k].open {
                continue;
            }
            let value = self.tier_value(self.milestones[k].milestone);
            if let Some(o) = self.tracks[k].occurrences.last_mut()
                && o.tiers.last().is_none_or(|(_, v)| *v != value)
            {
                o.tiers.push((at, value));
            }
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
        self.note_tiers(at);
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
            if self.milestones[k].milestone.completes_on_event(name) {
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
            if self.milestones[k].milestone.starts_on_event(name) {
                let event: &'static str = match name {
                    "created" => "created",
                    "reopened" => "reopened",
                    _ => "event",
                };
                self.try_start(k, event, at);
            }
        }
    }

    fn snapshot(&mut self, at: i64, status: Option<&'c str>, stopped: bool) {
        self.snapshots.push(Snapshot {
            at,
            status,
            stopped,
        });
    }
}

/// Paused wall-clock intervals for a set of pause statuses, each ending at `now` at the latest.
fn pause_intervals(
    snapshots: &[Snapshot<'_>],
    pause_statuses: &[String],
    now: i64,
) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    let mut since: Option<i64> = None;
    for s in snapshots {
        let paused = is_paused(s.stopped, s.status, pause_statuses);
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
///
/// A point beyond the supported range (after 9999-12-31, or on a calendar that never opens
/// again) is reported as the range's last instant, so that one far deadline does not make
/// the whole case fail (`docs/rules.md`, "Limits").
fn reach(cal: &Calendar, start: i64, amount: i64, pauses: &[(i64, i64)]) -> Result<i64> {
    match reach_within(cal, start, amount, pauses) {
        Err(Error::OutOfRange { .. } | Error::NoOpening { .. }) => Ok(crate::time::MAX_MICROS),
        other => other,
    }
}

fn reach_within(cal: &Calendar, start: i64, amount: i64, pauses: &[(i64, i64)]) -> Result<i64> {
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

/// The instant the clock first reaches `amount(target)` with the target in force at that
/// moment: `segments` are `(from, target)` pairs, the first from the start. When a tier change
/// shortens the target below what has already run, the point is reached at the change.
fn fired(
    cal: &Calendar,
    start: i64,
    segments: &[(i64, i64)],
    pauses: &[(i64, i64)],
    amount: impl Fn(i64) -> i64,
) -> Result<i64> {
    for (k, &(from, target)) in segments.iter().enumerate() {
        let reached = reach(cal, start, amount(target), pauses)?;
        let until = segments.get(k + 1).map_or(i64::MAX, |s| s.0);
        if reached < until {
            return Ok(reached.max(from));
        }
    }
    Ok(i64::MAX)
}

/// Replays `case` against `process` up to `now` and returns one status per milestone instance,
/// and the case's value at `now` of the field its process tiers by, as text.
pub(crate) fn replay(
    case: &Case,
    process: &Process,
    milestones: &[Clocked<'_>],
    now: i64,
) -> Result<(Vec<MilestoneStatus>, Option<String>)> {
    let order = ordered_events(case, now, Some(process))?;
    let created = to_us(case.created_at);
    let mut snapshots = Vec::with_capacity(1 + order.len().min(8));
    snapshots.push(Snapshot {
        at: created,
        status: None,
        stopped: false,
    });
    let mut walk = Walk {
        process,
        milestones,
        fields: Fields::initial(case),
        tracks: milestones.iter().map(|_| Track::default()).collect(),
        exited: false,
        snapshots,
    };
    if created <= now {
        walk.on_moment("created", created);
    }
    let mut status: Option<&str> = None;
    let mut stopped = false;
    for i in order {
        let event = &case.events[i];
        let at = to_us(event.at);
        match &event.kind {
            EventKind::Status { to, .. } => {
                walk.fields.set_status(to);
                status = Some(to.as_str());
                walk.snapshot(at, status, stopped);
                if walk.process.exit_statuses.iter().any(|s| s == to) {
                    walk.note_tiers(at);
                    if !walk.exited {
                        walk.exit(at);
                    }
                } else {
                    walk.fire_armed(at);
                }
            }
            EventKind::Field { field, to, .. } => {
                walk.fields.set(field, to);
                walk.fire_armed(at);
            }
            EventKind::Stop | EventKind::Resume => {
                stopped = matches!(event.kind, EventKind::Stop);
                walk.snapshot(at, status, stopped);
            }
            other => walk.on_moment(other.type_name(), at),
        }
    }

    // One id per case, shared by its statuses.
    let case_id = Name::from(case.id.as_str());
    let mut out = Vec::with_capacity(milestones.len());
    // Buffers reused by every occurrence of the case.
    let mut segments: Vec<(i64, i64)> = Vec::new();
    let mut mine: Vec<(i64, i64)> = Vec::new();
    for (k, clocked) in milestones.iter().enumerate() {
        let m = clocked.milestone;
        let cal = &clocked.calendar;
        let pause_set = m.pause_set(process);
        let pauses = pause_intervals(&walk.snapshots, pause_set, now);
        let paused_now = walk
            .snapshots
            .last()
            .is_some_and(|s| is_paused(s.stopped, s.status, pause_set));
        let track = &walk.tracks[k];
        if track.occurrences.is_empty() {
            out.push(MilestoneStatus {
                case_id: case_id.clone(),
                milestone: Name::clone(&clocked.name),
                kind: m.kind,
                instance: 1,
                state: MilestoneState::Pending,
                calendar: clocked.calendar_name.as_deref().cloned(),
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
                breached_at: None,
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
            // The target in force from each instant on (a value without a target keeps the
            // previous one); the last is the target at completion or `now`.
            segments.clear();
            for (from, value) in &occ.tiers {
                let Some(span) = m.target.for_tier(value.as_deref()) else {
                    continue;
                };
                // Business days resolve into business time from the occurrence's start
                // (`docs/semantics.md`, "Business days"); a deadline past the supported range
                // is as far as a target can reach, as in `reach`.
                let d = match span.micros_from(cal, start) {
                    Err(Error::OutOfRange { .. } | Error::NoOpening { .. }) => {
                        crate::time::MAX_MICROS - crate::time::MIN_MICROS
                    }
                    other => other?,
                };
                let from = (*from).max(start);
                match segments.last_mut() {
                    Some(last) if last.0 >= from => last.1 = d,
                    Some(last) if last.1 == d => {}
                    _ => segments.push((from, d)),
                }
            }
            if segments.is_empty() {
                segments.push((start, 0));
            }
            segments[0].0 = start;
            let target = segments[segments.len() - 1].1;
            let completed = occ.completed.map(|c| c.max(start));
            let end = completed.unwrap_or(now).max(start);
            // The pauses are in time order and do not overlap: the ones that meet
            // `(start, end)` are a run, found by bisection rather than by a scan of all of
            // them for every occurrence (quadratic for a recurring milestone).
            let first = pauses.partition_point(|&(_, pe)| pe <= start);
            let last = first + pauses[first..].partition_point(|&(ps, _)| ps < end);
            mine.clear();
            mine.extend(
                pauses[first..last]
                    .iter()
                    .filter(|&&(ps, pe)| pe > start && ps < end)
                    .map(|&(ps, pe)| (ps.max(start), pe.min(end))),
            );
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
            // Whether a point reached at `at` counts by `now`: before completion, if completed.
            let counts = |at: i64| match completed {
                Some(c) => at < c,
                None => start <= now && at <= now,
            };
            // With one target throughout (no tier change), a point fires where the clock
            // reaches it: the instants already computed, without a second search.
            let single = segments.len() == 1;
            let breached_at = if single {
                target_at.max(start)
            } else {
                fired(cal, start, &segments, &mine, |d| d)?
            };
            let mut triggers = Vec::with_capacity(m.triggers.len());
            for (t, (label, actions)) in m.triggers.iter().zip(clocked.triggers.iter()) {
                let at = reach(cal, start, t.at.reached_at(target), &mine)?;
                let crossed = counts(at);
                let fired_at = if single {
                    at.max(start)
                } else {
                    fired(cal, start, &segments, &mine, |d| t.at.reached_at(d))?
                };
                triggers.push(TriggerStatus {
                    point: label.clone(),
                    level: t.level,
                    actions: actions.clone(),
                    at: from_us(at)?,
                    crossed,
                    fired_at: if counts(fired_at) {
                        Some(from_us(fired_at)?)
                    } else {
                        None
                    },
                });
            }
            let next_trigger_at = if completed.is_some() {
                None
            } else {
                triggers.iter().filter(|t| !t.crossed).map(|t| t.at).min()
            };
            out.push(MilestoneStatus {
                case_id: case_id.clone(),
                milestone: Name::clone(&clocked.name),
                kind: m.kind,
                instance: n as u32 + 1,
                state,
                calendar: clocked.calendar_name.as_deref().cloned(),
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
                breached_at: if counts(breached_at) {
                    Some(from_us(breached_at)?)
                } else {
                    None
                },
                triggers,
            });
        }
    }
    let tier = process
        .tier_field()
        .and_then(|f| walk.fields.get(f))
        .and_then(super::model::value_text);
    Ok((out, tier))
}
