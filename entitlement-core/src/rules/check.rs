//! [`Ruleset::check`]: mistakes a valid document can hold, found before they bite. Each
//! [`CheckWarning`] has a stable [`CheckCode`], the path of what it is about and a sentence that
//! says what to write instead (`docs/check.md` lists them with an example each).
//!
//! A check never changes what loading accepts: it reads the validated rules, plus the few
//! durations whose text matters (a `d` as written) kept when the document was read. Its work is
//! linear in the document: statuses are compared through sets keyed by their spelling, never
//! pairwise, and holidays are followed for a bounded number of years
//! ([`crate::calendar::profile::HOLIDAY_DATE_BUDGET`]).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::model::{
    Criteria, Level, MilestoneKind, Op, Process, ProcessRef, Target, TriggerPoint, value_text,
};
use super::{EntitlementStatus, Ruleset};
use crate::calendar::profile::{HOLIDAY_DATE_BUDGET, Week};
use crate::document::{index_path, key_path};
use crate::duration::{format_duration, parse_duration};
use crate::error::excerpt;
use crate::time::to_us;

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;
/// How many names a message lists before "and N more".
const LISTED: usize = 3;

/// What a `CheckWarning` is about. Serialised as its snake_case name, which is stable.
///
/// ```
/// use entitlement_core::rules::CheckCode;
/// assert_eq!(CheckCode::DayDuration.as_str(), "day_duration");
/// assert_eq!(serde_json::to_value(CheckCode::UnusedCalendar)?, "unused_calendar");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckCode {
    /// A duration in `d` (or ISO `D`/`W`) on a business calendar: `5d` is 120 business hours,
    /// not 5 business days.
    DayDuration,
    /// A milestone whose clock runs 24×7 because no milestone, process or entitlement names a
    /// calendar for it.
    #[serde(rename = "default_24x7")]
    Default24x7,
    /// A pause or exit status that no other part of the document names.
    UnknownStatus,
    /// A pause or exit status that differs from another status of the document only in case or
    /// spacing (`On hold` and `On Hold`).
    StatusCase,
    /// A tier table without `default` whose milestone's `when` lets other values of the tier
    /// field through: those cases get no target and the milestone silently does not apply.
    TierWithoutDefault,
    /// A trigger below `violation` placed after the target (`120%`, `+1h`): it fires only once
    /// the milestone is already violated.
    TriggerAfterTarget,
    /// A completion event that no case log produces (`created`, or a near miss of a built-in
    /// type such as `Solved` or `agent-reply`).
    UnproducedEvent,
    /// An entitlement whose `end_date` is already past.
    EntitlementExpired,
    /// An entitlement whose `start_date` is still ahead.
    EntitlementNotStarted,
    /// A calendar open less than an hour in a typical week.
    CalendarRarelyOpen,
    /// A holiday that falls only on days (or hours) the calendar is closed anyway.
    HolidayOnClosedDay,
    /// A calendar that no process, milestone, entitlement or used union names.
    UnusedCalendar,
}

impl CheckCode {
    /// Every code, in the order `docs/check.md` lists them.
    pub const ALL: [CheckCode; 12] = [
        CheckCode::DayDuration,
        CheckCode::Default24x7,
        CheckCode::UnknownStatus,
        CheckCode::StatusCase,
        CheckCode::TierWithoutDefault,
        CheckCode::TriggerAfterTarget,
        CheckCode::UnproducedEvent,
        CheckCode::EntitlementExpired,
        CheckCode::EntitlementNotStarted,
        CheckCode::CalendarRarelyOpen,
        CheckCode::HolidayOnClosedDay,
        CheckCode::UnusedCalendar,
    ];

    /// The code's name, as serialised.
    ///
    /// ```
    /// use entitlement_core::rules::CheckCode;
    /// assert_eq!(CheckCode::Default24x7.as_str(), "default_24x7");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CheckCode::DayDuration => "day_duration",
            CheckCode::Default24x7 => "default_24x7",
            CheckCode::UnknownStatus => "unknown_status",
            CheckCode::StatusCase => "status_case",
            CheckCode::TierWithoutDefault => "tier_without_default",
            CheckCode::TriggerAfterTarget => "trigger_after_target",
            CheckCode::UnproducedEvent => "unproduced_event",
            CheckCode::EntitlementExpired => "entitlement_expired",
            CheckCode::EntitlementNotStarted => "entitlement_not_started",
            CheckCode::CalendarRarelyOpen => "calendar_rarely_open",
            CheckCode::HolidayOnClosedDay => "holiday_on_closed_day",
            CheckCode::UnusedCalendar => "unused_calendar",
        }
    }
}

impl std::fmt::Display for CheckCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing in a valid rules document that probably does not do what its author meant.
///
/// ```
/// use entitlement_core::rules::{CheckCode, Ruleset};
/// let rules = Ruleset::from_yaml(r#"
/// calendars:
///   desk: { time_zone: UTC, hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"],
///           wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"] } }
/// processes:
///   - id: p
///     calendar: desk
///     milestones: [ { name: Resolution, kind: resolution, target: 5d } ]
/// entitlements: [ { id: e, process: p } ]
/// "#)?;
/// let warnings = rules.check();
/// assert_eq!(warnings.len(), 1);
/// assert_eq!(warnings[0].code, CheckCode::DayDuration);
/// assert_eq!(warnings[0].path, "processes[0].milestones[0].target");
/// assert!(warnings[0].message.contains("5 business days are `40h`"), "{}", warnings[0].message);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CheckWarning {
    /// What kind of mistake it is: a stable name such as `day_duration` (`docs/check.md`).
    pub code: CheckCode,
    /// Where it is in the document, in the style of error paths
    /// (`processes[0].milestones[1].target`, `calendars.ny.holidays[3]`).
    pub path: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// A duration of a milestone written with days (`5d`, `2d4h`, `P1W`), kept as written when the
/// document is read: the rules keep only microseconds, and `120h` must not read as `5d`.
#[derive(Clone, Debug)]
pub(crate) struct DayDuration {
    process: usize,
    milestone: usize,
    path: String,
    text: String,
}

/// The durations with days of a document's processes (targets, tier values and defaults,
/// trigger offsets), in document order. Called once the document is known valid.
pub(crate) fn day_durations(processes: Option<&Value>) -> Vec<DayDuration> {
    let mut out = Vec::new();
    let Some(processes) = processes.and_then(Value::as_array) else {
        return out;
    };
    for (i, p) in processes.iter().enumerate() {
        let Some(milestones) = p.get("milestones").and_then(Value::as_array) else {
            continue;
        };
        let mp = key_path(&index_path("processes", i), "milestones");
        for (j, m) in milestones.iter().enumerate() {
            let path = index_path(&mp, j);
            let mut keep = |text: &Value, path: String| {
                if let Some(text) = text.as_str().filter(|t| day_part(t).is_some()) {
                    out.push(DayDuration {
                        process: i,
                        milestone: j,
                        path,
                        text: text.to_string(),
                    });
                }
            };
            let tp = key_path(&path, "target");
            match m.get("target") {
                Some(t @ Value::String(_)) => keep(t, tp),
                Some(Value::Object(table)) => {
                    if let Some(Value::Object(values)) = table.get("values") {
                        let vp = key_path(&tp, "values");
                        for (k, v) in values {
                            keep(v, key_path(&vp, k));
                        }
                    }
                    if let Some(d) = table.get("default") {
                        keep(d, key_path(&tp, "default"));
                    }
                }
                _ => {}
            }
            if let Some(triggers) = m.get("triggers").and_then(Value::as_array) {
                let trp = key_path(&path, "triggers");
                for (k, t) in triggers.iter().enumerate() {
                    if let Some(at) = t
                        .get("at")
                        .filter(|a| a.as_str().is_some_and(|s| !s.contains('%')))
                    {
                        keep(at, key_path(&index_path(&trp, k), "at"));
                    }
                }
            }
        }
    }
    out
}

/// The day part of a duration as written: `(count, true)` for ISO weeks (`P1W`), `(count,
/// false)` for days (`5d`, `P2DT4H`); `None` without one.
fn day_part(text: &str) -> Option<(f64, bool)> {
    let t = text.trim().trim_start_matches(['+', '-']);
    if let Some(iso) = t.strip_prefix('P') {
        let date = iso.split('T').next().unwrap_or("");
        if let Some(w) = date.strip_suffix('W') {
            return w.parse().ok().map(|n| (n, true));
        }
        return date
            .strip_suffix('D')
            .and_then(|d| d.parse().ok())
            .map(|n| (n, false));
    }
    let end = t.find('d')?;
    t[..end].parse().ok().map(|n| (n, false))
}

impl Ruleset {
    /// The warnings of [`Ruleset::check_at`] at the current time.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// for w in rules.check() {
    ///     eprintln!("{}: {} ({})", w.path, w.message, w.code);
    /// }
    /// ```
    pub fn check(&self) -> Vec<CheckWarning> {
        self.check_at(Utc::now())
    }

    /// What in this valid document probably does not do what its author meant, as of `now`
    /// (which decides whether an entitlement has expired or not started yet): calendars first
    /// (by name), then processes and entitlements in document order. See `docs/check.md` for
    /// every [`CheckCode`] and its fix. Never fails, never changes the rules, and takes time
    /// linear in the document.
    ///
    /// ```
    /// use entitlement_core::rules::{CheckCode, Ruleset};
    /// let rules = Ruleset::from_yaml(r#"
    /// calendars: { always: { always_open: true } }
    /// processes:
    ///   - { id: p, calendar: always, milestones: [ { name: FR, kind: first_response, target: 1h } ] }
    /// entitlements: [ { id: e, process: p, end_date: 2026-06-30 } ]
    /// "#)?;
    /// assert!(rules.check_at("2026-06-30T12:00:00Z".parse()?).is_empty());
    /// let late = rules.check_at("2026-07-01T12:00:00Z".parse()?);
    /// assert_eq!(late[0].code, CheckCode::EntitlementExpired);
    /// assert_eq!(late[0].path, "entitlements[0].end_date");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_at(&self, now: DateTime<Utc>) -> Vec<CheckWarning> {
        let mut out = Vec::new();
        let users = self.entitlements_by_process();
        self.check_calendars(now, &mut out);
        self.check_processes(&users, &mut out);
        self.check_entitlements(now, &mut out);
        out
    }

    /// The index of each process version, and per version the entitlements that use it.
    fn entitlements_by_process(&self) -> Vec<Vec<usize>> {
        let mut users = vec![Vec::new(); self.processes.len()];
        for (e, ent) in self.entitlements.iter().enumerate() {
            if let Some(p) = self.process_index(&ent.process) {
                users[p].push(e);
            }
        }
        users
    }

    fn process_index(&self, reference: &ProcessRef) -> Option<usize> {
        let versions = self.by_process.get(reference.id())?;
        match reference {
            ProcessRef::Id(_) => versions.first().copied(),
            ProcessRef::Pinned { version, .. } => versions
                .iter()
                .copied()
                .find(|&i| self.processes[i].version == *version),
        }
    }

    fn check_calendars(&self, now: DateTime<Utc>, out: &mut Vec<CheckWarning>) {
        // Which calendars the rules reach: named by a process, milestone or entitlement, or a
        // member of a union that is reached.
        let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, def) in &self.calendar_defs {
            let mut list = Vec::new();
            union_members(def, &mut list, 0);
            members.insert(name.as_str(), list);
        }
        let mut reached: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = Vec::new();
        let named = self
            .processes
            .iter()
            .flat_map(|p| {
                p.calendar
                    .iter()
                    .chain(p.milestones.iter().filter_map(|m| m.calendar.as_ref()))
            })
            .chain(self.entitlements.iter().filter_map(|e| e.calendar.as_ref()));
        for name in named {
            if reached.insert(name) {
                stack.push(name);
            }
        }
        while let Some(name) = stack.pop() {
            for &m in members.get(name).into_iter().flatten() {
                if reached.insert(m) {
                    stack.push(m);
                }
            }
        }
        let mut in_unions: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, list) in &members {
            for m in list {
                in_unions.entry(m).or_default().push(name);
            }
        }
        let mut budget = HOLIDAY_DATE_BUDGET;
        for name in self.calendars.names() {
            let path = key_path("calendars", name);
            let Some(cal) = self.calendars.get(name) else {
                continue;
            };
            if !reached.contains(name) {
                let message = match in_unions.get(name) {
                    Some(unions) => {
                        let mut unions = unions.clone();
                        unions.sort_unstable();
                        format!(
                            "calendar {} is used only by unions that nothing uses ({}): no \
                             milestone runs on it. Name it (or the union) in a process, a \
                             milestone or an entitlement, or remove it",
                            excerpt(name),
                            listed(unions.iter().map(|u| excerpt(u)), unions.len())
                        )
                    }
                    None => format!(
                        "calendar {} is named by no process, milestone, entitlement or union, so \
                         no milestone runs on it: name it with `calendar: {name}` where it is \
                         meant to apply, or remove it",
                        excerpt(name)
                    ),
                };
                out.push(warning(CheckCode::UnusedCalendar, path.clone(), message));
            }
            if let Week::Hours { seconds, .. } = cal.week() {
                if seconds == 0 {
                    out.push(warning(
                        CheckCode::CalendarRarelyOpen,
                        key_path(&path, "hours"),
                        format!(
                            "calendar {} has no weekly hours and opens only on its {} dated \
                             override(s): every other day its clocks stand still. Give it \
                             `hours:` (e.g. `mon: [\"09:00-17:00\"]`), or use an `always_open: \
                             true` calendar for round-the-clock milestones",
                            excerpt(name),
                            cal.override_count()
                        ),
                    ));
                } else if seconds < 3_600 {
                    out.push(warning(
                        CheckCode::CalendarRarelyOpen,
                        key_path(&path, "hours"),
                        format!(
                            "calendar {} is open only {} a week, so a 1h target takes more than \
                             a week: check the intervals (`09:00-17:00`, not `09:00-09:17`)",
                            excerpt(name),
                            in_hours(seconds as i64 * 1_000_000)
                        ),
                    ));
                }
                let def_holidays = self
                    .calendar_defs
                    .get(name)
                    .and_then(|d| d.get("holidays"))
                    .and_then(Value::as_array);
                if seconds == 0 {
                    if def_holidays.is_some_and(|h| !h.is_empty()) {
                        out.push(warning(
                            CheckCode::HolidayOnClosedDay,
                            key_path(&path, "holidays"),
                            format!(
                                "calendar {} opens only on its dated overrides, which holidays \
                                 never close: its holidays have no effect. Remove them, or give \
                                 the calendar weekly `hours:`",
                                excerpt(name)
                            ),
                        ));
                    }
                } else {
                    for k in cal.moot_holidays(now.year(), &mut budget) {
                        let shown = def_holidays
                            .and_then(|h| h.get(k))
                            .and_then(|h| h.get("name"))
                            .and_then(Value::as_str)
                            .map(|n| format!("holiday {}", excerpt(n)))
                            .unwrap_or_else(|| "this holiday".into());
                        out.push(warning(
                            CheckCode::HolidayOnClosedDay,
                            index_path(&key_path(&path, "holidays"), k),
                            format!(
                                "{shown} falls only on days or hours calendar {} is closed \
                                 anyway, so it closes nothing: check its date (and its \
                                 `observed` rule or `hours`), or remove it",
                                excerpt(name)
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn check_processes(&self, users: &[Vec<usize>], out: &mut Vec<CheckWarning>) {
        let statuses = Statuses::of(self);
        let mut days = self.day_durations.iter().peekable();
        for (i, p) in self.processes.iter().enumerate() {
            let path = index_path("processes", i);
            statuses.check_list(&p.pause_statuses, &key_path(&path, "pause_statuses"), out);
            statuses.check_list(&p.exit_statuses, &key_path(&path, "exit_statuses"), out);
            let bare: Vec<&str> = users[i]
                .iter()
                .map(|&e| &self.entitlements[e])
                .filter(|e| e.calendar.is_none())
                .map(|e| e.id.as_str())
                .collect();
            let falls_back = p.calendar.is_none() && (users[i].is_empty() || !bare.is_empty());
            let whole_process = falls_back && p.milestones.iter().all(|m| m.calendar.is_none());
            if whole_process {
                out.push(warning(
                    CheckCode::Default24x7,
                    path.clone(),
                    fallback_message(p, None, users[i].is_empty(), &bare),
                ));
            }
            let mp = key_path(&path, "milestones");
            for (j, m) in p.milestones.iter().enumerate() {
                let path = index_path(&mp, j);
                if falls_back && !whole_process && m.calendar.is_none() {
                    out.push(warning(
                        CheckCode::Default24x7,
                        path.clone(),
                        fallback_message(p, Some(&m.name), users[i].is_empty(), &bare),
                    ));
                }
                while let Some(d) = days.next_if(|d| d.process == i && d.milestone == j) {
                    if let Some(w) = self.day_warning(p, m.calendar.as_deref(), &users[i], d) {
                        out.push(w);
                    }
                }
                if let Some(pause) = &m.pause_statuses {
                    statuses.check_list(pause, &key_path(&path, "pause_statuses"), out);
                }
                if let Target::ByTier {
                    by,
                    values,
                    default: None,
                } = &m.target
                    && let Some(message) = open_tiers(by, values.keys(), m.when.as_ref())
                {
                    out.push(warning(
                        CheckCode::TierWithoutDefault,
                        key_path(&path, "target"),
                        message,
                    ));
                }
                let tp = key_path(&path, "triggers");
                for (k, t) in m.triggers.iter().enumerate() {
                    let after = match t.at {
                        TriggerPoint::Percent(pc) => pc > 100.0,
                        TriggerPoint::Offset(o) => o > 0,
                    };
                    if after && t.level < Level::Violation {
                        out.push(warning(
                            CheckCode::TriggerAfterTarget,
                            key_path(&index_path(&tp, k), "at"),
                            format!(
                                "this {} trigger at `{}` fires after the target, once the \
                                 milestone is already violated: move it before the target \
                                 (such as `80%` or `-30m`), or give it level `violation` or \
                                 `escalation` if it is meant to follow up a breach",
                                t.level.as_str(),
                                t.label()
                            ),
                        ));
                    }
                }
                if m.kind == MilestoneKind::Custom {
                    let cp = key_path(&path, "completes_on");
                    for (k, t) in m.completes_on.iter().enumerate() {
                        if let Some(message) = unproduced(t) {
                            out.push(warning(
                                CheckCode::UnproducedEvent,
                                index_path(&cp, k),
                                message,
                            ));
                        }
                    }
                }
            }
        }
    }

    /// The warning for a duration with days, if the milestone runs on a business calendar.
    fn day_warning(
        &self,
        process: &Process,
        milestone_calendar: Option<&str>,
        users: &[usize],
        d: &DayDuration,
    ) -> Option<CheckWarning> {
        let (count, weeks) = day_part(&d.text)?;
        let total = parse_duration(&d.text, &d.path).ok()?;
        let mut names: Vec<&str> = Vec::new();
        match milestone_calendar.or(process.calendar.as_deref()) {
            Some(n) => names.push(n),
            None => {
                let mut seen = HashSet::new();
                for &e in users {
                    if let Some(n) = self.entitlements[e].calendar.as_deref()
                        && seen.insert(n)
                    {
                        names.push(n);
                    }
                }
            }
        }
        let sign = if total < 0 { -1.0 } else { 1.0 };
        let unit_days = if weeks { 7.0 } else { 1.0 };
        let rest = total as f64 - sign * count * unit_days * DAY_US as f64;
        let mut parts = Vec::new();
        let shown = names.len();
        for name in names {
            let Some(cal) = self.calendars.get(name) else {
                continue;
            };
            let per_unit = match cal.week() {
                Week::AlwaysOpen => continue,
                Week::Hours { seconds, days } if days > 0 && seconds > 0 => {
                    if weeks {
                        seconds as f64
                    } else {
                        seconds as f64 / f64::from(days)
                    }
                }
                _ => {
                    parts.push(format!(
                        "on {} a business day has no single length",
                        excerpt(name)
                    ));
                    continue;
                }
            };
            let meant = sign * count * per_unit * 1e6 + rest;
            let meant = in_hours(((meant / 1e6).round() as i64) * 1_000_000);
            let unit = match (weeks, count == 1.0) {
                (true, true) => "week",
                (true, false) => "weeks",
                (false, true) => "day",
                (false, false) => "days",
            };
            let and_rest = if rest.abs() >= 1.0 {
                format!(" and {}", in_hours(rest.abs().round() as i64))
            } else {
                String::new()
            };
            let minus = if total < 0 { "-" } else { "" };
            let verb = if count == 1.0 && and_rest.is_empty() {
                "is"
            } else {
                "are"
            };
            let week = match cal.week() {
                Week::Hours { seconds, days } => format!(
                    " ({} a week over {days} {})",
                    in_hours(seconds as i64 * 1_000_000),
                    if days == 1 { "day" } else { "days" }
                ),
                _ => String::new(),
            };
            parts.push(format!(
                "on {}{week} {minus}{} business {unit}{and_rest} {verb} `{meant}`",
                excerpt(name),
                trim_number(count)
            ));
            if parts.len() == LISTED && shown > LISTED {
                parts.push(format!("(and {} more calendars)", shown - LISTED));
                break;
            }
        }
        if parts.is_empty() {
            return None;
        }
        let as_hours = in_hours(total);
        // A target of whole days can also count business days (`docs/semantics.md`).
        let whole_days = !weeks && total > 0 && count.fract() == 0.0 && rest.abs() < 1.0;
        let bd_hint = if whole_days && d.path.contains(".target") {
            format!(", or `{count}bd` to count business days")
        } else {
            String::new()
        };
        Some(warning(
            CheckCode::DayDuration,
            d.path.clone(),
            format!(
                "{} is {} of business time: a `d` is 24 open hours of the calendar, not a \
                 business day. {}: write that, or `{as_hours}` to keep today's meaning{bd_hint}",
                excerpt(d.text.trim()),
                in_hours(total.abs()),
                capitalised(&parts.join("; "))
            ),
        ))
    }

    fn check_entitlements(&self, now: DateTime<Utc>, out: &mut Vec<CheckWarning>) {
        let now_us = to_us(now);
        let today = now.format("%Y-%m-%d");
        for (i, e) in self.entitlements.iter().enumerate() {
            let path = index_path("entitlements", i);
            match self.status_of(e, now_us) {
                EntitlementStatus::Expired => out.push(warning(
                    CheckCode::EntitlementExpired,
                    key_path(&path, "end_date"),
                    format!(
                        "entitlement {} ended on {} (its last covered day), before now ({today} \
                         UTC): no new case is covered by it. Extend `end_date` if the contract \
                         was renewed, or remove the entitlement",
                        excerpt(&e.id),
                        e.end_date.map(|d| d.to_string()).unwrap_or_default()
                    ),
                )),
                EntitlementStatus::Inactive => out.push(warning(
                    CheckCode::EntitlementNotStarted,
                    key_path(&path, "start_date"),
                    format!(
                        "entitlement {} starts on {}, after now ({today} UTC): cases raised \
                         before then are not covered. Check `start_date` if it should cover \
                         them",
                        excerpt(&e.id),
                        e.start_date.map(|d| d.to_string()).unwrap_or_default()
                    ),
                )),
                _ => {}
            }
        }
    }
}

fn warning(code: CheckCode, path: String, message: String) -> CheckWarning {
    CheckWarning {
        code,
        path,
        message,
    }
}

fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A duration in hours and smaller units, never days: `40h`, `7h30m`, `-8h`, `45m`.
fn in_hours(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let (hours, rest) = (
        us.unsigned_abs() / HOUR_US as u64,
        us.unsigned_abs() % HOUR_US as u64,
    );
    match (hours, rest) {
        (0, _) => format!("{sign}{}", format_duration(rest as i64)),
        (h, 0) => format!("{sign}{h}h"),
        (h, r) => format!("{sign}{h}h{}", format_duration(r as i64)),
    }
}

/// `5`, `1.5`: a count without a trailing `.0`.
fn trim_number(n: f64) -> String {
    let s = format!("{:.3}", n);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `a, b, c and 2 more`.
fn listed(names: impl Iterator<Item = String>, total: usize) -> String {
    let mut shown: Vec<String> = names.take(LISTED).collect();
    if total > LISTED {
        shown.push(format!("and {} more", total - LISTED));
    }
    shown.join(", ")
}

/// The named calendars a definition's union refers to, inline unions included.
fn union_members<'a>(def: &'a Value, out: &mut Vec<&'a str>, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some(parts) = def.get("union").and_then(Value::as_array) {
        for part in parts {
            match part {
                Value::String(n) => out.push(n),
                other => union_members(other, out, depth + 1),
            }
        }
    }
}

fn fallback_message(p: &Process, milestone: Option<&str>, unused: bool, bare: &[&str]) -> String {
    let subject = match milestone {
        None => format!(
            "no milestone of process {} names a calendar, nor does the process",
            excerpt(&p.id)
        ),
        Some(m) => format!(
            "milestone {} names no calendar, nor does process {}",
            excerpt(m),
            excerpt(&p.id)
        ),
    };
    let whom = if unused {
        "no entitlement uses the process, so cases that name it".to_string()
    } else {
        format!(
            "under entitlement(s) {} (which name none either) its clock",
            listed(bare.iter().map(|b| excerpt(b)), bare.len())
        )
    };
    format!(
        "{subject}: {whom} run(s) 24×7, every hour of every day. Add `calendar:` to the \
         process (or the milestone, or the entitlement); if round the clock is meant, name an \
         `always_open: true` calendar so that it is explicit"
    )
}

/// Why a tier table without `default` leaves cases out, or `None` when `when` admits only its
/// values.
fn open_tiers<'a>(
    by: &str,
    keys: impl Iterator<Item = &'a String>,
    when: Option<&Criteria>,
) -> Option<String> {
    let keys: Vec<&str> = keys.map(String::as_str).collect();
    let key_set: HashSet<&str> = keys.iter().copied().collect();
    let shown = listed(keys.iter().map(|k| excerpt(k)), keys.len());
    let allowed = when.and_then(|w| admitted(w, by));
    let fix = format!(
        "Add `default: <duration>` to the table, or limit `when` to them: `{{field: {by}, op: in, \
         value: [{}]}}`",
        keys.join(", ")
    );
    match allowed {
        None => Some(format!(
            "the tier table on `{by}` has no `default`, and `when` does not limit `{by}` to its \
             values ({shown}): a case with another {by}, or none, gets no target and this \
             milestone silently does not apply to it. {fix}"
        )),
        Some(set) => {
            let mut missing: Vec<String> = set
                .into_iter()
                .filter(|v| !key_set.contains(v.as_str()))
                .collect();
            if missing.is_empty() {
                return None;
            }
            missing.sort_unstable();
            Some(format!(
                "the tier table on `{by}` has no `default`, and `when` lets {} through, which the \
                 table has no target for: such cases get no target and this milestone silently \
                 does not apply to them. {fix}",
                listed(missing.iter().map(|m| excerpt(m)), missing.len())
            ))
        }
    }
}

/// The values of `field` that criteria admit, when they hold only for a listed set of them.
fn admitted(c: &Criteria, field: &str) -> Option<HashSet<String>> {
    match c {
        Criteria::Compare {
            field: f,
            op,
            value: Some(v),
        } if f == field => match op {
            Op::Eq => value_text(v).map(|t| HashSet::from([t])),
            Op::In => v
                .as_array()
                .map(|items| items.iter().filter_map(value_text).collect()),
            _ => None,
        },
        Criteria::All { all } => all
            .iter()
            .filter_map(|c| admitted(c, field))
            .reduce(|a, b| a.intersection(&b).cloned().collect()),
        Criteria::Any { any } if !any.is_empty() => {
            let mut union = HashSet::new();
            for c in any {
                union.extend(admitted(c, field)?);
            }
            Some(union)
        }
        _ => None,
    }
}

/// The built-in event types a case log holds.
const LOG_EVENTS: [&str; 5] = [
    "agent_reply",
    "customer_reply",
    "solved",
    "closed",
    "reopened",
];

/// Why no case log produces a completion event of type `t`, if none does.
fn unproduced(t: &str) -> Option<String> {
    if t == "created" {
        return Some(
            "`created` is the case's creation (`created_at`), never an event of its log, so \
             this milestone completes only at the creation itself: name the event type that \
             should complete it (`agent_reply`, `solved`, or your own such as `diagnosed`)"
                .into(),
        );
    }
    let normal = spelling(t).replace([' ', '-', '.'], "_");
    let builtin = LOG_EVENTS.iter().find(|b| **b == normal && **b != t)?;
    Some(format!(
        "case logs send the built-in `{builtin}`; {} is a different (custom) type that only an \
         event spelt exactly so would match: write `{builtin}`",
        excerpt(t)
    ))
}

/// A status's spelling for comparison: lower case, runs of whitespace as one space.
fn spelling(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every status the document names, and where: pause and exit lists, and criteria on `status`.
struct Statuses<'a> {
    /// Exact text → (the first place that names it, whether another place does too).
    exact: HashMap<&'a str, (usize, bool)>,
    /// Spelling → up to two exact texts with that spelling.
    spellings: HashMap<String, (&'a str, Option<&'a str>)>,
    /// How many places there are (lists and criteria, empty ones included).
    places: usize,
    /// How many places name a status.
    named: usize,
    /// Places of pause and exit lists, in the order `check_list` is called with them.
    next: std::cell::Cell<usize>,
}

impl<'a> Statuses<'a> {
    fn of(rules: &'a Ruleset) -> Statuses<'a> {
        let mut s = Statuses {
            exact: HashMap::new(),
            spellings: HashMap::new(),
            places: 0,
            named: 0,
            next: std::cell::Cell::new(0),
        };
        // The lists first, in the order `check_processes` visits them, so that place numbers
        // match.
        for p in &rules.processes {
            s.place(p.pause_statuses.iter().map(String::as_str));
            s.place(p.exit_statuses.iter().map(String::as_str));
            for m in &p.milestones {
                if let Some(list) = &m.pause_statuses {
                    s.place(list.iter().map(String::as_str));
                }
            }
        }
        let mut criteria: Vec<&Criteria> = Vec::new();
        for p in &rules.processes {
            criteria.extend(p.milestones.iter().filter_map(|m| m.when.as_ref()));
        }
        for e in &rules.entitlements {
            criteria.extend(e.quotas.iter().filter_map(|q| q.filter.as_ref()));
        }
        criteria.push(&rules.monitor.page_oncall_when);
        for c in criteria {
            let mut found = Vec::new();
            status_values(c, &mut found, 0);
            s.place(found.into_iter());
        }
        s
    }

    /// Records one place and the statuses it names.
    fn place(&mut self, statuses: impl Iterator<Item = &'a str>) {
        let place = self.places;
        let mut any = false;
        for st in statuses {
            any = true;
            self.exact
                .entry(st)
                .and_modify(|(first, more)| *more |= *first != place)
                .or_insert((place, false));
            let entry = self.spellings.entry(spelling(st)).or_insert((st, None));
            if entry.0 != st && entry.1.is_none() {
                entry.1 = Some(st);
            }
        }
        // Empty lists still count as places, so numbering stays aligned with `check_list`.
        self.named += usize::from(any);
        self.places += 1;
    }

    /// Warns about the statuses of one pause or exit list (the next place in order).
    fn check_list(&self, list: &[String], path: &str, out: &mut Vec<CheckWarning>) {
        let place = self.next.get();
        self.next.set(place + 1);
        // This list is one of the places that name a status: is there another?
        let named_elsewhere = self.named > 1;
        for (k, st) in list.iter().enumerate() {
            let at = index_path(path, k);
            let other = self
                .spellings
                .get(&spelling(st))
                .and_then(|(a, b)| if *a != st.as_str() { Some(*a) } else { *b });
            if let Some(other) = other {
                out.push(warning(
                    CheckCode::StatusCase,
                    at,
                    format!(
                        "status {} differs only in case or spacing from {}, named elsewhere in \
                         the document; statuses match exactly, so one of them never matches \
                         what cases send: write both as your case system spells it",
                        excerpt(st),
                        excerpt(other)
                    ),
                ));
            } else if named_elsewhere && self.exact.get(st.as_str()).is_some_and(|(_, more)| !more)
            {
                out.push(warning(
                    CheckCode::UnknownStatus,
                    at,
                    format!(
                        "status {} is named nowhere else in the document (no other pause or \
                         exit list, and no criterion on `status`): if cases never carry it \
                         exactly so, it never matches. Check it against the statuses your case \
                         system sends",
                        excerpt(st)
                    ),
                ));
            }
        }
    }
}

/// The statuses that criteria compare `status` with.
fn status_values<'a>(c: &'a Criteria, out: &mut Vec<&'a str>, depth: usize) {
    if depth > 64 {
        return;
    }
    match c {
        Criteria::All { all: list } | Criteria::Any { any: list } => {
            list.iter().for_each(|c| status_values(c, out, depth + 1))
        }
        Criteria::Not { not } => status_values(not, out, depth + 1),
        Criteria::Compare {
            field,
            value: Some(v),
            ..
        } if field == "status" => match v {
            Value::String(s) => out.push(s),
            Value::Array(items) => out.extend(items.iter().filter_map(Value::as_str)),
            _ => {}
        },
        Criteria::Compare { .. } => {}
    }
}
