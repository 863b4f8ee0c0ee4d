//! SLA rules: processes, milestones, entitlements, and the replay of a case's log.
//!
//! A [`Ruleset`] is the whole document (`calendars`, `processes`, `entitlements`), validated
//! with every cross-reference checked. [`Ruleset::evaluate`] replays a [`Case`] up to `now` and
//! returns one [`MilestoneStatus`] per milestone instance. The semantics, with the reasons for
//! each decision, are in `docs/rules.md`.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`Ruleset`]: reading the document, the query API, [`Ruleset::evaluate_case`] |
//! | `model/` | the validated document: criteria, milestones, processes, entitlements |
//! | `monitor_config.rs` | the `monitor:` section ([`MonitorConfig`]) |
//! | `case.rs` | [`Case`] and its event log |
//! | `check.rs` | [`Ruleset::check`]: warnings about a valid document ([`CheckWarning`]) |
//! | `diff.rs` | [`Ruleset::diff`]: what changed between two documents, and whose deadlines move ([`RulesDiff`]) |
//! | `replay.rs` | the replay of one case up to `now` |
//! | `status.rs` | what a replay answers: [`MilestoneStatus`], [`CaseEvaluation`], usage |
//! | `usage.rs`, `risk.rs` | case counts against quotas; breach risk |
//! | `monitor/` | [`Ruleset::monitor`]: events, suppression, rollups, what-if |
//! | `alert/` | [`Alert`], built from a monitor event, and its renderers |
//! | `period.rs`, `parallel.rs` | leaves: quota periods and midnights; work on rayon's pool |
//!
//! Modules point one way: the leaves (`model`, `case`, `period`, `parallel`) import nothing of
//! `mod.rs`; `monitor`, `usage` and `risk` add methods to [`Ruleset`] and import only that type
//! from it; `alert` takes its event from `monitor/event.rs`, a leaf, and never the monitor.
//!
//! ```
//! use entitlement_core::rules::{Case, MilestoneState, Ruleset};
//! use chrono::{DateTime, Utc};
//!
//! let rules = Ruleset::from_yaml(r#"
//! calendars:
//!   ny: { time_zone: America/New_York, hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"] } }
//! processes:
//!   - id: gold
//!     calendar: ny
//!     milestones:
//!       - { name: First Response, kind: first_response, target: 1h,
//!           triggers: [ { at: "50%", level: warning } ] }
//! entitlements:
//!   - { id: acme, process: gold }
//! "#)?;
//! let case = Case::from_value(&serde_json::json!({
//!     "id": "C-1", "entitlement": "acme", "created_at": "2026-11-23T16:30:00-05:00",
//!     "events": []
//! }))?;
//! let now: DateTime<Utc> = "2026-11-24T14:45:00Z".parse()?;   // Tuesday 09:45 in New York
//! let statuses = rules.evaluate(&case, now)?;
//! // 30 minutes on Monday, then the clock stops until Tuesday 09:00: due Tuesday 09:30.
//! assert_eq!(statuses[0].target_at, Some("2026-11-24T14:30:00Z".parse()?));
//! assert_eq!(statuses[0].state, MilestoneState::Violated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod alert;
mod case;
mod case_error;
mod check;
mod diff;
mod model;
mod monitor;
mod monitor_config;
mod parallel;
mod period;
mod replay;
mod risk;
mod status;
mod usage;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Days, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

pub use alert::{
    Alert, AlertAction, AlertField, AlertLink, Channel, Delivery, Digest, digest, hours_minutes,
    jira_label, money_text, war_room_name,
};
pub use case::{Case, Event, EventKind, MAX_EVENTS};
pub use case_error::{CaseBatch, CaseError, OnError};
pub use check::{CheckCode, CheckWarning};
pub use diff::{
    Change, ChangeKind, DeadlineChange, DeadlineMove, DiffCaseError, DiffSide, RulesDiff,
};
pub use model::{
    Account, BUILTIN_EVENTS, Criteria, Entitlement, Level, MAX_CRITERIA_CONDITIONS,
    MAX_CRITERIA_DEPTH, Milestone, MilestoneKind, Op, Period, Process, ProcessRef, Quota,
    Recurrence, Span, Target, TargetSpan, Trigger, TriggerPoint,
};
pub use monitor::{
    AccountPeriod, AccountRollup, Attainment, MilestoneAttainment, MilestoneOutcome,
    MilestoneRollup, MonitorEvent, MonitorEventKind, MonitorReport, Outcome, OverQuota,
    ProcessRollup, QuotaCrossing, StatusRef, WhatIf, WhatIfChange, WhatIfRow,
};
pub use monitor_config::{
    ActionDef, AlertLinks, BUILTIN_ACTIONS, Chronic, MinLevel, MonitorConfig, Suppress,
};
pub use risk::BreachRisk;
pub use status::{
    CaseEvaluation, EntitlementStatus, EntitlementUsage, MilestoneState, MilestoneStatus, Name,
    QuotaUse, TriggerStatus,
};

use crate::calendar::definition::without_aliases;
use crate::calendar::{Calendar, Calendars};
use crate::document::{self, Format, as_array, as_object, check_keys, index_path, key_path};
use crate::error::{Error, Result, excerpt, known_names};
use crate::time::to_us;
use period::midnight;

/// The most processes (counting versions) a document may define.
pub const MAX_PROCESSES: usize = 10_000;
/// The most milestones one process may define.
pub const MAX_MILESTONES: usize = 256;
/// The most triggers one milestone may define.
pub const MAX_TRIGGERS: usize = 64;
/// The most entitlements a document may define.
pub const MAX_ENTITLEMENTS: usize = 1_000_000;

/// A validated rules document: calendars, processes (with their versions) and entitlements.
///
/// Cheap to share across threads (`Send + Sync`); evaluation never mutates it.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// assert_eq!(rules.processes().len(), 1);
/// assert_eq!(rules.evaluate(&case, now)?[0].milestone, "First Response");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Ruleset {
    calendars: Calendars,
    calendar_defs: Map<String, Value>,
    processes: Vec<Process>,
    entitlements: Vec<Entitlement>,
    by_entitlement: HashMap<String, usize>,
    /// Process id → indices into `processes`, the default version first.
    by_process: HashMap<String, Vec<usize>>,
    monitor: MonitorConfig,
    /// Per entitlement (same order), the instants its dates start and stop covering, computed
    /// once: every evaluation asks for them, and the zone lookups cost more than the replay's
    /// first milestone (callgrind: about a tenth of an evaluation).
    windows: Vec<(Option<i64>, Option<i64>)>,
    /// The milestone durations written with days (`5d`), as written: [`Ruleset::check`] tells
    /// `5d` from `120h`, which the rules themselves do not keep apart.
    day_durations: Vec<check::DayDuration>,
    /// The names and calendars every status shares, made once (`docs/performance.md`,
    /// "Issue 17"): a status clones a reference, not a string.
    shared: Shared,
}

/// What the statuses of every case share, per process and per entitlement (same orders as
/// the ruleset's lists).
#[derive(Clone, Debug)]
struct Shared {
    milestones: Vec<Vec<SharedMilestone>>,
    calendars: Vec<Option<(Name, Calendar)>>,
    always_open: Calendar,
}

/// A milestone's name, its calendar when the milestone or its process names one, and each
/// trigger's label and actions (in the milestone's order).
#[derive(Clone, Debug)]
struct SharedMilestone {
    name: Name,
    calendar: Option<(Name, Calendar)>,
    triggers: Vec<(Name, Arc<[String]>)>,
}

impl SharedMilestone {
    fn of_process(calendars: &Calendars, process: &Process) -> Vec<SharedMilestone> {
        process
            .milestones
            .iter()
            .map(|m| SharedMilestone {
                name: Name::from(m.name.as_str()),
                calendar: shared_calendar(
                    calendars,
                    &m.calendar.clone().or_else(|| process.calendar.clone()),
                ),
                triggers: m
                    .triggers
                    .iter()
                    .map(|t| (t.label.clone(), t.actions.iter().cloned().collect()))
                    .collect(),
            })
            .collect()
    }

    /// The same, with names of its own (new `Arc`s; the calendar is shared): see [`Local`].
    fn copied(&self) -> SharedMilestone {
        SharedMilestone {
            name: copied(&self.name),
            calendar: self.calendar.as_ref().map(|(n, c)| (copied(n), c.clone())),
            triggers: self
                .triggers
                .iter()
                .map(|(label, actions)| (copied(label), actions.iter().cloned().collect()))
                .collect(),
        }
    }
}

/// A name with a count of its own.
fn copied(name: &Name) -> Name {
    Name::from(name.as_str())
}

/// Copies of what the statuses of a run of cases share, for one thread's share of a parallel
/// run ([`Ruleset::evaluate_case_in`]). Every status holds the names of its milestone, calendar
/// and triggers, and every evaluation its account, each an `Arc` counted at every clone and
/// drop: two cores counting the same ones wrote to one cache line back and forth, status
/// after status, which cost a parallel run about a third of its second core
/// (`docs/performance.md`, "Issue 17"). A copy is made when the share first meets a process or
/// an entitlement, so a share copies at most one set per case it holds.
pub(crate) struct Local {
    milestones: Vec<OnceCell<Vec<SharedMilestone>>>,
    calendars: Vec<OnceCell<Option<(Name, Calendar)>>>,
    accounts: Vec<OnceCell<Account>>,
}

impl Local {
    /// Empty copies for `rules`: one slot per process and per entitlement.
    pub(crate) fn of(rules: &Ruleset) -> Local {
        Local {
            milestones: (0..rules.processes.len())
                .map(|_| OnceCell::new())
                .collect(),
            calendars: (0..rules.entitlements.len())
                .map(|_| OnceCell::new())
                .collect(),
            accounts: (0..rules.entitlements.len())
                .map(|_| OnceCell::new())
                .collect(),
        }
    }

    fn milestones<'a>(&'a self, i: usize, shared: &[SharedMilestone]) -> &'a [SharedMilestone] {
        self.milestones[i].get_or_init(|| shared.iter().map(SharedMilestone::copied).collect())
    }

    fn calendar<'a>(
        &'a self,
        i: usize,
        shared: &Option<(Name, Calendar)>,
    ) -> &'a Option<(Name, Calendar)> {
        self.calendars[i].get_or_init(|| shared.as_ref().map(|(n, c)| (copied(n), c.clone())))
    }

    fn account(&self, i: usize, shared: &Account) -> Account {
        self.accounts[i]
            .get_or_init(|| Arc::new(Map::clone(shared)))
            .clone()
    }
}

/// A calendar by name (24×7 when the rules do not define it), with its name.
fn shared_calendar(calendars: &Calendars, name: &Option<String>) -> Option<(Name, Calendar)> {
    name.as_ref().map(|n| {
        let calendar = calendars
            .get(n)
            .cloned()
            .unwrap_or_else(Calendar::always_open);
        (Name::from(n.as_str()), calendar)
    })
}

impl Ruleset {
    /// Validates a whole document given as a JSON value.
    ///
    /// ```
    /// use entitlement_core::Ruleset;
    /// let rules = Ruleset::from_value(&serde_json::json!({"processes": [{"id": "p", "milestones": [
    ///     {"name": "Resolution", "kind": "resolution", "target": "8h"}]}]}))?;
    /// assert_eq!(rules.processes()[0].milestones[0].name, "Resolution");
    /// let err = Ruleset::from_value(&serde_json::json!({"processes": [{"id": "p", "milestones": [
    ///     {"name": "Resolution", "kind": "resolution", "target": "soon"}]}]})).unwrap_err();
    /// assert!(err.to_string().starts_with("processes[0].milestones[0].target"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(doc: &Value) -> Result<Ruleset> {
        Ruleset::read(doc).map_err(Error::in_document)
    }

    /// [`Ruleset::from_value`] before its errors are marked as the document's.
    fn read(doc: &Value) -> Result<Ruleset> {
        let map = as_object(doc, "")?;
        check_keys(
            map,
            "",
            &["calendars", "processes", "entitlements", "monitor"],
        )?;
        let monitor = match map.get("monitor") {
            None => MonitorConfig::default(),
            Some(m) => MonitorConfig::parse(m, "monitor")?,
        };
        let (calendars, calendar_defs) = match map.get("calendars") {
            None => (Calendars::default(), Map::new()),
            Some(c) => (
                Calendars::from_value_at(c, "calendars")?,
                as_object(c, "calendars")?
                    .iter()
                    .map(|(name, def)| {
                        let path = crate::document::key_path("calendars", name);
                        Ok((name.clone(), without_aliases(def, &path)?))
                    })
                    .collect::<Result<Map<String, Value>>>()?,
            ),
        };
        let check_calendar = |name: &Option<String>, path: &str| -> Result<()> {
            match name {
                Some(n) if calendars.get(n).is_none() => Err(Error::UnknownCalendar {
                    path: path.to_string(),
                    name: n.clone(),
                    known: known_names(calendars.names().into_iter()),
                }),
                _ => Ok(()),
            }
        };

        let mut processes: Vec<Process> = Vec::new();
        if let Some(p) = map.get("processes") {
            let items = as_array(p, "processes")?;
            if items.len() > MAX_PROCESSES {
                return Err(Error::LimitExceeded {
                    path: "processes".into(),
                    reason: format!("{} processes; at most {MAX_PROCESSES}", items.len()),
                });
            }
            for (i, item) in items.iter().enumerate() {
                let path = index_path("processes", i);
                if let Some(n) = item
                    .get("milestones")
                    .and_then(Value::as_array)
                    .map(Vec::len)
                    .filter(|&n| n > MAX_MILESTONES)
                {
                    return Err(Error::LimitExceeded {
                        path: key_path(&path, "milestones"),
                        reason: format!("{n} milestones; at most {MAX_MILESTONES} per process"),
                    });
                }
                let process = Process::parse(item, &path)?;
                check_calendar(&process.calendar, &key_path(&path, "calendar"))?;
                for (j, m) in process.milestones.iter().enumerate() {
                    let mp = index_path(&key_path(&path, "milestones"), j);
                    check_calendar(&m.calendar, &key_path(&mp, "calendar"))?;
                    if m.triggers.len() > MAX_TRIGGERS {
                        return Err(Error::LimitExceeded {
                            path: key_path(&mp, "triggers"),
                            reason: format!(
                                "{} triggers; at most {MAX_TRIGGERS} per milestone",
                                m.triggers.len()
                            ),
                        });
                    }
                }
                if processes
                    .iter()
                    .any(|o| o.id == process.id && o.version == process.version)
                {
                    return Err(Error::Duplicate {
                        path: key_path(&path, "version"),
                        what: "process version",
                        id: format!("{} v{}", process.id, process.version),
                    });
                }
                if process.default && processes.iter().any(|o| o.id == process.id && o.default) {
                    return Err(Error::InvalidValue {
                        path: key_path(&path, "default"),
                        reason: format!(
                            "another version of process {} is already marked `default: true`; mark one",
                            excerpt(&process.id)
                        ),
                    });
                }
                processes.push(process);
            }
        }
        // Every action a rule names (a trigger's or a completion's) is built in or in the catalogue (a typo such as
        // `page_on_call` would otherwise pass silently). Processes and their milestones and
        // triggers keep the document's order, so the path is the document's.
        for (i, p) in processes.iter().enumerate() {
            for (j, m) in p.milestones.iter().enumerate() {
                for (k, t) in m.triggers.iter().enumerate() {
                    for (l, a) in t.actions.iter().enumerate() {
                        if !monitor.knows_action(a) {
                            let path = format!(
                                "processes[{i}].milestones[{j}].triggers[{k}].actions[{l}]"
                            );
                            return Err(monitor.unknown_action(path, a));
                        }
                    }
                }
                for (l, a) in m.on_complete.iter().enumerate() {
                    if !monitor.knows_action(a) {
                        let path = format!("processes[{i}].milestones[{j}].on_complete[{l}]");
                        return Err(monitor.unknown_action(path, a));
                    }
                }
            }
        }
        let mut by_process: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in processes.iter().enumerate() {
            by_process.entry(p.id.clone()).or_default().push(i);
        }
        for versions in by_process.values_mut() {
            versions.sort_by_key(|&i| {
                (
                    std::cmp::Reverse(processes[i].default),
                    std::cmp::Reverse(processes[i].version),
                )
            });
        }

        let mut entitlements: Vec<Entitlement> = Vec::new();
        let mut by_entitlement = HashMap::new();
        if let Some(e) = map.get("entitlements") {
            let items = as_array(e, "entitlements")?;
            if items.len() > MAX_ENTITLEMENTS {
                return Err(Error::LimitExceeded {
                    path: "entitlements".into(),
                    reason: format!("{} entitlements; at most {MAX_ENTITLEMENTS}", items.len()),
                });
            }
            for (i, item) in items.iter().enumerate() {
                let path = index_path("entitlements", i);
                let ent = Entitlement::parse(item, &path)?;
                check_calendar(&ent.calendar, &key_path(&path, "calendar"))?;
                resolve_process(
                    &processes,
                    &by_process,
                    &ent.process,
                    &key_path(&path, "process"),
                )?;
                if by_entitlement.insert(ent.id.clone(), i).is_some() {
                    return Err(Error::Duplicate {
                        path: key_path(&path, "id"),
                        what: "entitlement",
                        id: ent.id,
                    });
                }
                entitlements.push(ent);
            }
        }
        let mut rules = Ruleset {
            calendars,
            calendar_defs,
            processes,
            entitlements,
            by_entitlement,
            by_process,
            monitor,
            windows: Vec::new(),
            day_durations: check::day_durations(map.get("processes")),
            shared: Shared {
                milestones: Vec::new(),
                calendars: Vec::new(),
                always_open: Calendar::always_open(),
            },
        };
        rules.windows = rules
            .entitlements
            .iter()
            .map(|e| rules.window_of(e))
            .collect();
        rules.shared = Shared {
            milestones: rules
                .processes
                .iter()
                .map(|p| SharedMilestone::of_process(&rules.calendars, p))
                .collect(),
            calendars: rules
                .entitlements
                .iter()
                .map(|e| shared_calendar(&rules.calendars, &e.calendar))
                .collect(),
            always_open: Calendar::always_open(),
        };
        Ok(rules)
    }

    /// Parses and validates a JSON document.
    ///
    /// ```
    /// let rules = entitlement_core::Ruleset::from_json(r#"{"calendars": {"24x7": {"always_open": true}}}"#)?;
    /// assert_eq!(rules.calendars().names(), vec!["24x7"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Ruleset> {
        Ruleset::from_value(&document::parse(text, Format::Json)?)
    }

    /// Parses and validates a YAML document.
    ///
    /// ```
    /// let rules = entitlement_core::Ruleset::from_yaml("calendars: { 24x7: { always_open: true } }")?;
    /// assert_eq!(rules.calendars().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_yaml(text: &str) -> Result<Ruleset> {
        Ruleset::from_value(&document::parse(text, Format::Yaml)?)
    }

    /// Parses and validates a TOML document.
    ///
    /// ```
    /// let rules = entitlement_core::Ruleset::from_toml("[calendars.24x7]\nalways_open = true\n")?;
    /// assert!(rules.calendars().get("24x7").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_toml(text: &str) -> Result<Ruleset> {
        Ruleset::from_value(&document::parse(text, Format::Toml)?)
    }

    /// Reads a `.json`, `.yaml`/`.yml` or `.toml` file.
    ///
    /// The file is read with [`document::read_file`]: a path that is not a regular file (a
    /// directory, a pipe, `/dev/zero`) is an `invalid_value` error, and a file above the
    /// format's limit ([`document::max_bytes`]) a `limit_exceeded` error, found without reading
    /// more than the limit. Messages name the file and never quote its content.
    ///
    /// ```
    /// let e = entitlement_core::rules::Ruleset::load("rules.txt").unwrap_err();
    /// assert_eq!(e.code(), "invalid_value");
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Ruleset> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let format = Format::from_path(path).ok_or_else(|| Error::InvalidValue {
            path: shown.clone(),
            reason: "unknown file extension; expected .json, .yaml, .yml or .toml".into(),
        })?;
        let bytes = document::read_file(path, document::max_bytes(format))?;
        let text = String::from_utf8(bytes).map_err(|e| Error::InvalidValue {
            path: shown.clone(),
            reason: format!(
                "the file is not valid UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Ruleset::from_value(&document::parse(&text, format)?)
    }

    /// The document again, in its canonical form (durations normalised, defaults explicit
    /// where they matter).
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let text = serde_json::to_string(&rules.to_value())?;
    /// assert_eq!(entitlement_core::Ruleset::from_json(&text)?.to_value(), rules.to_value()); // round trip
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        if !self.calendar_defs.is_empty() {
            out.insert(
                "calendars".into(),
                Value::Object(self.calendar_defs.clone()),
            );
        }
        out.insert(
            "processes".into(),
            serde_json::to_value(&self.processes).unwrap_or(Value::Null),
        );
        out.insert(
            "entitlements".into(),
            serde_json::to_value(&self.entitlements).unwrap_or(Value::Null),
        );
        if self.monitor != MonitorConfig::default() {
            out.insert(
                "monitor".into(),
                serde_json::to_value(&self.monitor).unwrap_or(Value::Null),
            );
        }
        Value::Object(out)
    }

    /// The `monitor:` settings (defaults when the document has none).
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// assert!(rules.monitor_config().suppress.while_paused);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn monitor_config(&self) -> &MonitorConfig {
        &self.monitor
    }

    /// The calendars.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// assert!(rules.calendars().get("24x7").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendars(&self) -> &Calendars {
        &self.calendars
    }

    /// Every process version, in document order.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let process = &rules.processes()[0];
    /// assert_eq!((process.id.as_str(), process.version), ("p", 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }

    /// The entitlements, in document order.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// assert_eq!(rules.entitlements()[0].id, "acme");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entitlements(&self) -> &[Entitlement] {
        &self.entitlements
    }

    /// The entitlement with that id.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// assert_eq!(rules.entitlement("acme").unwrap().cases_per_entitlement, Some(10));
    /// assert!(rules.entitlement("globex").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entitlement(&self, id: &str) -> Option<&Entitlement> {
        self.by_entitlement.get(id).map(|&i| &self.entitlements[i])
    }

    /// The process version that a reference selects: the pinned version, else the one marked
    /// `default: true`, else the highest.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// use entitlement_core::rules::ProcessRef;
    /// assert!(rules.process(&ProcessRef::Id("p".into())).is_some());
    /// assert!(rules.process(&ProcessRef::Pinned { id: "p".into(), version: 2 }).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn process(&self, reference: &ProcessRef) -> Option<&Process> {
        resolve_process(&self.processes, &self.by_process, reference, "").ok()
    }

    /// The version `version` of process `id`: [`Ruleset::process`] with a pinned reference,
    /// without building one (the monitor asks once per case).
    pub(crate) fn process_version(&self, id: &str, version: u32) -> Option<&Process> {
        self.by_process
            .get(id)?
            .iter()
            .map(|&i| &self.processes[i])
            .find(|p| p.version == version)
    }

    pub(crate) fn time_zone_of(&self, entitlement: &Entitlement) -> Tz {
        let name = entitlement.calendar.clone().or_else(|| {
            self.process(&entitlement.process)
                .and_then(|p| p.calendar.clone())
        });
        name.and_then(|n| self.calendars.get(&n))
            .and_then(Calendar::time_zone)
            .and_then(|z| z.parse::<Tz>().ok())
            .unwrap_or(Tz::UTC)
    }

    /// The first covered instant (the start date's midnight in the entitlement's zone) and the
    /// first instant after coverage (the midnight after the end date).
    fn window_of(&self, entitlement: &Entitlement) -> (Option<i64>, Option<i64>) {
        let tz = self.time_zone_of(entitlement);
        let start = entitlement.start_date.map(|d| midnight(tz, d));
        let end = entitlement
            .end_date
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(|next| midnight(tz, next));
        (start, end)
    }

    pub(crate) fn status_of(&self, entitlement: &Entitlement, at: i64) -> EntitlementStatus {
        let (start, end) = match self.by_entitlement.get(&entitlement.id) {
            Some(&i) if std::ptr::eq(&self.entitlements[i], entitlement) => self.windows[i],
            _ => self.window_of(entitlement),
        };
        if start.is_some_and(|s| at < s) {
            EntitlementStatus::Inactive
        } else if end.is_some_and(|e| at >= e) {
            EntitlementStatus::Expired
        } else {
            EntitlementStatus::Active
        }
    }

    /// The milestones of a process with the calendar each runs on: the milestone's, else the
    /// process's, else the entitlement's, else 24×7.
    fn clocked<'a>(
        &'a self,
        process: &'a Process,
        entitlement: Option<(usize, &'a Entitlement)>,
        local: Option<&'a Local>,
    ) -> Vec<replay::Clocked<'a>> {
        let shared_process = self.by_process.get(&process.id).and_then(|versions| {
            versions
                .iter()
                .find(|&&i| std::ptr::eq(&self.processes[i], process))
                .map(|&i| match local {
                    Some(local) => local.milestones(i, &self.shared.milestones[i]),
                    None => &self.shared.milestones[i][..],
                })
        });
        let shared_entitlement = entitlement.map(|(i, _)| match local {
            Some(local) => local.calendar(i, &self.shared.calendars[i]),
            None => &self.shared.calendars[i],
        });
        let entitlement = entitlement.map(|(_, e)| e);
        let Some(shared_process) = shared_process else {
            // Not one of this ruleset's processes: the names are made here.
            let built = SharedMilestone::of_process(&self.calendars, process);
            return process
                .milestones
                .iter()
                .zip(built)
                .map(|(m, own)| {
                    let calendar = own.calendar.or_else(|| {
                        entitlement.and_then(|e| shared_calendar(&self.calendars, &e.calendar))
                    });
                    replay::Clocked {
                        milestone: m,
                        triggers: Cow::Owned(own.triggers),
                        name: Cow::Owned(own.name),
                        calendar: Cow::Owned(
                            calendar
                                .as_ref()
                                .map_or_else(Calendar::always_open, |c| c.1.clone()),
                        ),
                        calendar_name: calendar.map(|c| Cow::Owned(c.0)),
                    }
                })
                .collect();
        };
        process
            .milestones
            .iter()
            .zip(shared_process)
            .map(|(m, own)| {
                let (calendar, calendar_name) =
                    match (&own.calendar, shared_entitlement, entitlement) {
                        (Some((n, c)), _, _) | (None, Some(Some((n, c))), _) => {
                            (Cow::Borrowed(c), Some(Cow::Borrowed(n)))
                        }
                        (None, Some(None), _) | (None, None, None) => {
                            (Cow::Borrowed(&self.shared.always_open), None)
                        }
                        (None, None, Some(e)) => {
                            match shared_calendar(&self.calendars, &e.calendar) {
                                Some((n, c)) => (Cow::Owned(c), Some(Cow::Owned(n))),
                                None => (Cow::Borrowed(&self.shared.always_open), None),
                            }
                        }
                    };
                replay::Clocked {
                    milestone: m,
                    triggers: Cow::Borrowed(&own.triggers),
                    name: Cow::Borrowed(&own.name),
                    calendar,
                    calendar_name,
                }
            })
            .collect()
    }

    /// Replays the case up to `now` and returns its coverage and one status per milestone
    /// instance. A case without an entitlement (and without a `process` of its own), or whose
    /// entitlement was not active when it was created, is not covered: the result says why
    /// and has no milestones. A case naming an unknown entitlement or process, or an event type
    /// that the process does not know, is an error naming the case and the field.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let evaluation = rules.evaluate_case(&case, now)?;
    /// assert!(evaluation.covered);
    /// assert_eq!(evaluation.process.as_deref(), Some("p"));
    /// assert_eq!(evaluation.milestones.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_case(&self, case: &Case, now: DateTime<Utc>) -> Result<CaseEvaluation> {
        self.evaluate_case_in(case, now, None)
    }

    /// [`Ruleset::evaluate_case`], the statuses sharing the names of `local` (a thread's copies,
    /// see [`Local`]) when given, else the ruleset's.
    pub(crate) fn evaluate_case_in(
        &self,
        case: &Case,
        now: DateTime<Utc>,
        local: Option<&Local>,
    ) -> Result<CaseEvaluation> {
        let now_us = to_us(now);
        let in_case = |error: Error| Error::InCase {
            case: case.id.clone(),
            error: Box::new(error),
        };
        let found = match &case.entitlement {
            None => None,
            Some(id) => Some(
                self.by_entitlement
                    .get(id.as_str())
                    .map(|&i| (i, &self.entitlements[i]))
                    .ok_or_else(|| {
                        in_case(Error::UnknownEntitlement {
                            path: "entitlement".into(),
                            name: id.clone(),
                            known: known_names(self.entitlements.iter().map(|e| e.id.as_str())),
                        })
                    })?,
            ),
        };
        let entitlement = found.map(|(_, e)| e);
        let mut result = CaseEvaluation {
            case_id: case.id.clone(),
            entitlement: case.entitlement.clone(),
            entitlement_status: entitlement
                .map(|e| self.status_of(e, now_us))
                .unwrap_or(EntitlementStatus::None),
            covered: false,
            reason: None,
            process: None,
            process_version: None,
            account: match (found, local) {
                (Some((i, e)), Some(local)) => local.account(i, &e.account),
                (Some((_, e)), None) => e.account.clone(),
                (None, _) => Account::default(),
            },
            milestones: Vec::new(),
            tier: None,
        };
        let reference = case.process.as_ref().or(entitlement.map(|e| &e.process));
        let Some(reference) = reference else {
            result.reason = Some("the case has no entitlement and names no process".into());
            replay::ordered_events(case, now_us, None).map_err(in_case)?;
            return Ok(result);
        };
        let path = if case.process.is_some() {
            "process"
        } else {
            "entitlement"
        };
        let process =
            resolve_process(&self.processes, &self.by_process, reference, path).map_err(in_case)?;
        result.process = Some(process.id.clone());
        result.process_version = Some(process.version);
        if case.process.is_none()
            && let Some(e) = entitlement
        {
            let at_creation = self.status_of(e, to_us(case.created_at));
            if at_creation != EntitlementStatus::Active {
                result.reason = Some(format!(
                    "entitlement {} was {} when the case was created",
                    excerpt(&e.id),
                    if at_creation == EntitlementStatus::Inactive {
                        "not yet active"
                    } else {
                        "expired"
                    }
                ));
                replay::ordered_events(case, now_us, Some(process)).map_err(in_case)?;
                return Ok(result);
            }
        }
        result.covered = true;
        let clocked = self.clocked(process, found, local);
        let (milestones, tier) =
            replay::replay(case, process, &clocked, now_us).map_err(in_case)?;
        result.milestones = milestones;
        result.tier = tier;
        Ok(result)
    }

    /// The statuses of [`Ruleset::evaluate_case`]: one per milestone instance, in the process's
    /// milestone order; empty for a case that is not covered.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// use entitlement_core::MilestoneState;
    /// let statuses = rules.evaluate(&case, now)?;
    /// assert_eq!(statuses[0].state, MilestoneState::Violated);   // 1 h target, 75 minutes in
    /// assert_eq!(statuses[0].remaining, Some(chrono::TimeDelta::minutes(-15)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, case: &Case, now: DateTime<Utc>) -> Result<Vec<MilestoneStatus>> {
        Ok(self.evaluate_case(case, now)?.milestones)
    }

    /// [`Ruleset::evaluate`] over many cases, in parallel on rayon's pool, in the order of
    /// `cases`. The answers are those of one call per case; on failure the error is that of the
    /// first failing case in order, whatever the threads did.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
    ///         "target": "1h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let cases: Vec<Case> = (0..3).map(|i| Case::from_value(&serde_json::json!(
    ///     {"id": format!("c{i}"), "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"})))
    ///     .collect::<Result<_, _>>()?;
    /// let now = "2026-11-25T10:30:00Z".parse()?;
    /// let all = rules.evaluate_many(&cases, now)?;
    /// assert_eq!(all[2], rules.evaluate(&cases[2], now)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// Two cases with the same id are an error (`duplicate_case`), as in every call over many
    /// cases; [`Ruleset::evaluate_cases_with`] and [`Ruleset::evaluate_batch`] can collect bad
    /// cases as error entries instead.
    pub fn evaluate_many(
        &self,
        cases: &[Case],
        now: DateTime<Utc>,
    ) -> Result<Vec<Vec<MilestoneStatus>>> {
        Ok(self
            .evaluate_cases(cases, now)?
            .into_iter()
            .map(|e| e.milestones)
            .collect())
    }

    /// [`Ruleset::evaluate_case`] over many cases, in parallel, in order (see
    /// [`Ruleset::evaluate_many`]).
    pub fn evaluate_cases(
        &self,
        cases: &[Case],
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseEvaluation>> {
        let checked = self.check_cases(cases, None, &[], now, OnError::Raise)?;
        Ok(checked.evaluations)
    }
}

fn resolve_process<'a>(
    processes: &'a [Process],
    by_process: &HashMap<String, Vec<usize>>,
    reference: &ProcessRef,
    path: &str,
) -> Result<&'a Process> {
    let id = reference.id();
    let versions = by_process.get(id).ok_or_else(|| Error::UnknownProcess {
        path: path.to_string(),
        name: id.to_string(),
        known: known_names(by_process.keys().map(String::as_str)),
    })?;
    match reference {
        ProcessRef::Id(_) => Ok(&processes[versions[0]]),
        ProcessRef::Pinned { version, .. } => versions
            .iter()
            .map(|&i| &processes[i])
            .find(|p| p.version == *version)
            .ok_or_else(|| {
                let mut known: Vec<u32> = versions.iter().map(|&i| processes[i].version).collect();
                known.sort_unstable();
                Error::UnknownProcessVersion {
                    path: path.to_string(),
                    process: id.to_string(),
                    version: i64::from(*version),
                    known: known
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            }),
    }
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn rulesets_are_send_and_sync() {
        assert_send_sync::<super::Ruleset>();
        assert_send_sync::<super::CaseEvaluation>();
    }
}
