//! [`Ruleset::diff`]: what changed between two rules documents, and, given cases, which open
//! milestones' deadlines move and by how much ([`Ruleset::diff_cases`]).
//!
//! The comparison reads the two documents in their canonical form ([`Ruleset::to_value`]), so
//! that a difference of spelling only (`PT1H` and `1h`, key order, YAML or JSON) is no change,
//! and any new field or unit (a `bd` target) is compared by its written form with no change
//! here. Lists whose items have an identity are matched by it, not by position: calendars by
//! name, processes by id (and version when either document has several versions of it),
//! milestones by name, triggers by their point, holidays by name, overrides by date,
//! entitlements by id. Every other list is one value. The semantics, and why deadline deltas
//! are wall-clock time: `docs/diff.md`.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use super::Ruleset;
use super::case_error::{CaseBatch, CaseError, OnError};
use super::monitor_config::MonitorConfig;
use super::status::{CaseEvaluation, MilestoneState, MilestoneStatus};
use crate::error::Result;

/// The longest value a change's sentence quotes, in characters; longer ones are cut with `…`.
const SHOWN_CHARS: usize = 60;

/// Whether a part of the document was added, removed or changed.
///
/// ```
/// use entitlement_core::rules::ChangeKind;
/// assert_eq!(ChangeKind::Added.as_str(), "added");
/// assert_eq!(ChangeKind::Added.swapped(), ChangeKind::Removed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// In the new document only.
    Added,
    /// In the old document only.
    Removed,
    /// In both, with different values (or, for a list matched by identity, in another order).
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    ///
    /// ```
    /// assert_eq!(entitlement_core::rules::ChangeKind::Changed.as_str(), "changed");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    /// The kind seen from the other side: added and removed swap, changed stays.
    ///
    /// ```
    /// use entitlement_core::rules::ChangeKind;
    /// assert_eq!(ChangeKind::Changed.swapped(), ChangeKind::Changed);
    /// ```
    pub fn swapped(self) -> ChangeKind {
        match self {
            ChangeKind::Added => ChangeKind::Removed,
            ChangeKind::Removed => ChangeKind::Added,
            ChangeKind::Changed => ChangeKind::Changed,
        }
    }
}

/// One difference between two documents.
///
/// ```
/// use entitlement_core::Ruleset;
/// let doc = |t: &str| Ruleset::from_value(&serde_json::json!({"processes": [{"id": "gold",
///     "milestones": [{"name": "Resolution", "kind": "resolution", "target": t}]}]}));
/// let diff = doc("8h")?.diff(&doc("4h")?);
/// let change = &diff.changes[0];
/// assert_eq!(change.path, "processes.gold.milestones.Resolution.target");
/// assert_eq!((change.before.as_ref(), change.after.as_ref()), (Some(&"8h".into()), Some(&"4h".into())));
/// assert_eq!(change.message, "process gold, milestone Resolution: target changed from 8h to 4h");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Where, in the document's terms: list items by their identity
    /// (`processes.gold.milestones.First Response.target.values.Sev1`); a key with `.`, `[`,
    /// `]`, `"` or `@` in it, or empty, is quoted (`calendars["a.b"]`); a process of several
    /// versions is `id@version`.
    pub path: String,
    /// The old value, in the document's canonical form (`None` when added). For a list whose
    /// items only moved, the identities in the old order.
    pub before: Option<Value>,
    /// The new value (`None` when removed). For a list whose items only moved, the identities
    /// in the new order.
    pub after: Option<Value>,
    /// The change in one sentence, for a reviewer.
    pub message: String,
}

/// What happened to one open milestone instance of one case between the two rulesets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineChange {
    /// Its deadline moved (or one side has none).
    Moved,
    /// It is open under the new rules only.
    Appeared,
    /// It is open under the old rules only.
    Disappeared,
}

/// One milestone instance whose deadline the new rules move.
///
/// ```
/// use entitlement_core::rules::{Case, CaseBatch, DeadlineChange, Ruleset};
/// let doc = |t: &str| Ruleset::from_value(&serde_json::json!({
///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": t}]}],
///     "entitlements": [{"id": "e", "process": "p"}]}));
/// let batch: CaseBatch = [Case::from_value(&serde_json::json!(
///     {"id": "C-1", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}))].into_iter().collect();
/// let diff = doc("1h")?.diff_cases(&doc("30m")?, &batch, "2026-11-25T10:10:00Z".parse()?)?;
/// let moved = &diff.deadlines[0];
/// assert_eq!((moved.case_id.as_str(), moved.milestone.as_str(), moved.change), ("C-1", "FR", DeadlineChange::Moved));
/// assert_eq!(moved.delta, Some(chrono::TimeDelta::minutes(-30)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct DeadlineMove {
    /// The case's id.
    pub case_id: String,
    /// The milestone's name.
    pub milestone: String,
    /// Which occurrence (1, 2, … for a recurring milestone).
    pub instance: u32,
    /// Moved, appeared or disappeared.
    pub change: DeadlineChange,
    /// Its state under the old rules (`None` when it does not exist there).
    pub old_state: Option<MilestoneState>,
    /// Its state under the new rules (`None` when it does not exist there).
    pub new_state: Option<MilestoneState>,
    /// Its deadline under the old rules.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub old_target_at: Option<DateTime<Utc>>,
    /// Its deadline under the new rules.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub new_target_at: Option<DateTime<Utc>>,
    /// The new deadline minus the old one, in wall-clock time (negative: earlier); `None` when
    /// either side has no deadline.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub delta: Option<TimeDelta>,
    /// The new target minus the old one, in business time on the milestone's calendar (the
    /// allowance itself; a calendar change moves the deadline with no change here); `None`
    /// when either side has no target.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub target_delta: Option<TimeDelta>,
}

/// Which side could not evaluate a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffSide {
    /// The old rules only.
    Old,
    /// The new rules only.
    New,
    /// Both, with the same error.
    Both,
}

/// A case that one side (or both) could not evaluate: reported, never fatal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DiffCaseError {
    /// Which rules failed it.
    pub side: DiffSide,
    /// The case's id, if it could be read.
    pub case_id: Option<String>,
    /// The case's position in the input list, from 0.
    pub index: usize,
    /// The error's code (`unknown_entitlement`, `invalid_instant`, ...).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// Where, relative to the input list: `cases[3].entitlement`.
    pub path: String,
}

impl DiffCaseError {
    fn new(side: DiffSide, e: CaseError) -> DiffCaseError {
        DiffCaseError {
            side,
            case_id: e.case_id,
            index: e.index,
            code: e.code,
            message: e.message,
            path: e.path,
        }
    }
}

/// What changed between two rulesets ([`Ruleset::diff`]) and, given cases, whose deadlines
/// move ([`Ruleset::diff_cases`]).
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// let diff = rules.diff(&rules);
/// assert!(diff.changes.is_empty() && !diff.has_changes);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct RulesDiff {
    /// Whether the documents differ (`changes` is not empty): what `entitlement diff` exits 1
    /// for.
    pub has_changes: bool,
    /// Every difference of the documents: calendars, processes, entitlements, then the
    /// monitor settings, each in document order (the old document's, then what the new one
    /// adds).
    pub changes: Vec<Change>,
    /// The open milestone instances whose deadline moves, appears or disappears, in the order
    /// of the cases, then of each case's milestones. Empty without cases.
    pub deadlines: Vec<DeadlineMove>,
    /// The cases that either side could not evaluate, in input order.
    pub errors: Vec<DiffCaseError>,
}

impl Ruleset {
    /// What changed from these rules (the old ones) to `new`: one [`Change`] per difference of
    /// the two documents, in their canonical form. Empty exactly when the two documents are
    /// equal (`self.to_value() == new.to_value()`).
    ///
    /// ```
    /// use entitlement_core::Ruleset;
    /// let old = Ruleset::from_yaml("calendars: { ny: { time_zone: America/New_York, hours: { mon: [\"09:00-17:00\"] } } }")?;
    /// let new = Ruleset::from_yaml("calendars: { ny: { time_zone: America/New_York, hours: { mon: [\"08:00-17:00\"] } } }")?;
    /// let diff = old.diff(&new);
    /// assert_eq!(diff.changes.len(), 1);
    /// assert_eq!(diff.changes[0].path, "calendars.ny.hours.mon");
    /// assert_eq!(diff.changes[0].message,
    ///     r#"calendar ny: hours.mon changed from ["09:00-17:00"] to ["08:00-17:00"]"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn diff(&self, new: &Ruleset) -> RulesDiff {
        let changes = changes(&self.to_value(), &new.to_value());
        RulesDiff {
            has_changes: !changes.is_empty(),
            changes,
            ..RulesDiff::default()
        }
    }

    /// [`Ruleset::diff`], plus the cases' open milestones whose deadlines the new rules move:
    /// each case is evaluated at `now` under both rulesets (in parallel, as
    /// [`Ruleset::evaluate_batch`] does), and its milestone instances are matched by milestone
    /// name and instance number. An instance open on either side is reported when its
    /// deadline differs, or when it exists on one side only. A case that either side cannot
    /// evaluate (an entitlement the new rules remove, a duplicated id, an unreadable case) is
    /// an entry of [`RulesDiff::errors`]; the others go on. The work is linear in the cases.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, CaseBatch, DiffSide, Ruleset};
    /// let old = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}, {"id": "gone", "process": "p"}]}))?;
    /// let new = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "2h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let batch: CaseBatch = ["e", "gone"].iter().map(|e| Case::from_value(&serde_json::json!(
    ///     {"id": format!("C-{e}"), "entitlement": e, "created_at": "2026-11-25T10:00:00Z"}))).collect();
    /// let diff = old.diff_cases(&new, &batch, "2026-11-25T10:30:00Z".parse()?)?;
    /// assert_eq!(diff.deadlines.len(), 1);
    /// assert_eq!(diff.deadlines[0].delta, Some(chrono::TimeDelta::hours(1)));
    /// assert_eq!((diff.errors[0].side, diff.errors[0].code.as_str()), (DiffSide::New, "unknown_entitlement"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn diff_cases(
        &self,
        new: &Ruleset,
        batch: &CaseBatch,
        now: DateTime<Utc>,
    ) -> Result<RulesDiff> {
        let mut diff = self.diff(new);
        let old_side = self.evaluate_batch(batch, now, OnError::Collect)?;
        let new_side = new.evaluate_batch(batch, now, OnError::Collect)?;
        for (old, new) in old_side.into_iter().zip(new_side) {
            match (old, new) {
                (Ok(old), Ok(new)) => deadline_moves(&old, &new, &mut diff.deadlines),
                (Err(e), Ok(_)) => diff.errors.push(DiffCaseError::new(DiffSide::Old, e)),
                (Ok(_), Err(e)) => diff.errors.push(DiffCaseError::new(DiffSide::New, e)),
                (Err(o), Err(n)) if o == n => {
                    diff.errors.push(DiffCaseError::new(DiffSide::Both, o));
                }
                (Err(o), Err(n)) => {
                    diff.errors.push(DiffCaseError::new(DiffSide::Old, o));
                    diff.errors.push(DiffCaseError::new(DiffSide::New, n));
                }
            }
        }
        Ok(diff)
    }
}

/// The deadline moves of one case: the new side's instances in order, then those of the old
/// side that the new one lacks.
fn deadline_moves(old: &CaseEvaluation, new: &CaseEvaluation, out: &mut Vec<DeadlineMove>) {
    let key = |s: &MilestoneStatus| (s.milestone.as_str().to_owned(), s.instance);
    let olds: HashMap<(String, u32), &MilestoneStatus> =
        old.milestones.iter().map(|s| (key(s), s)).collect();
    let news: HashMap<(String, u32), &MilestoneStatus> =
        new.milestones.iter().map(|s| (key(s), s)).collect();
    let row = |o: Option<&MilestoneStatus>, n: Option<&MilestoneStatus>, change| {
        let any = n.or(o)?;
        let old_target_at = o.and_then(|s| s.target_at);
        let new_target_at = n.and_then(|s| s.target_at);
        let minus = |a: Option<TimeDelta>, b: Option<TimeDelta>| a.zip(b).map(|(a, b)| a - b);
        Some(DeadlineMove {
            case_id: new.case_id.clone(),
            milestone: any.milestone.to_string(),
            instance: any.instance,
            change,
            old_state: o.map(|s| s.state),
            new_state: n.map(|s| s.state),
            old_target_at,
            new_target_at,
            delta: new_target_at.zip(old_target_at).map(|(n, o)| n - o),
            target_delta: minus(n.and_then(|s| s.target), o.and_then(|s| s.target)),
        })
    };
    for n in &new.milestones {
        let o = olds.get(&key(n)).copied();
        let moved = match o {
            Some(o) => (o.state.is_open() || n.state.is_open()) && o.target_at != n.target_at,
            None => n.state.is_open(),
        };
        if moved {
            let change = if o.is_some() {
                DeadlineChange::Moved
            } else {
                DeadlineChange::Appeared
            };
            out.extend(row(o, Some(n), change));
        }
    }
    for o in &old.milestones {
        if o.state.is_open() && !news.contains_key(&key(o)) {
            out.extend(row(Some(o), None, DeadlineChange::Disappeared));
        }
    }
}

/// What identifies the items of a list, and how the sentence names one.
#[derive(Clone, Copy)]
enum Items {
    /// The list is one value.
    Whole,
    /// Processes: by id, and by version when either side has several versions of the id.
    Processes,
    /// By a field of each item (`name`, `id`, `date`, `at`), named `noun key` in sentences.
    By(&'static str, &'static str),
}

/// How each part of the document is compared: which lists are matched by identity, and what
/// a keyed entry is called in a sentence.
fn items_of(parent: &[Label], key: &str) -> Items {
    let in_top = |name: &str| matches!(parent.first(), Some(Label::Top(t)) if *t == name);
    let depth = parent.len();
    match key {
        "processes" if depth == 0 => Items::Processes,
        "entitlements" if depth == 0 => Items::By("id", "entitlement"),
        "milestones" if in_top("processes") && depth == 2 => Items::By("name", "milestone"),
        "triggers" if in_top("processes") && depth == 3 => Items::By("at", "trigger at"),
        "holidays" if in_top("calendars") && depth == 2 => Items::By("name", "holiday"),
        "overrides" if in_top("calendars") && depth == 2 => Items::By("date", "override of"),
        _ => Items::Whole,
    }
}

/// One level of the walk: a top-level section, a named entity (`process gold`), or a field.
#[derive(Clone, Debug)]
enum Label {
    Top(&'static str),
    Entity(String),
    Field(String),
}

/// The changes from `old` to `new`, two canonical documents.
fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut walk = Walk { out: Vec::new() };
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let monitor_default = serde_json::to_value(MonitorConfig::default()).unwrap_or(Value::Null);
    let section = |map: &Map<String, Value>, key: &str| -> Value {
        map.get(key).cloned().unwrap_or_else(|| match key {
            "calendars" => Value::Object(Map::new()),
            "monitor" => monitor_default.clone(),
            _ => Value::Array(Vec::new()),
        })
    };
    for (top, noun) in [
        ("calendars", "calendar"),
        ("processes", "process"),
        ("entitlements", "entitlement"),
        ("monitor", ""),
    ] {
        let (a, b) = (section(old, top), section(new, top));
        let mut labels = Vec::new();
        match (top, &a, &b) {
            ("calendars", Value::Object(a), Value::Object(b)) => {
                labels.push(Label::Top(top));
                walk.keyed(&mut labels, top, keyed_map(a), keyed_map(b), noun, true);
            }
            ("monitor", _, _) => {
                labels.push(Label::Top(top));
                labels.push(Label::Entity("monitor settings".into()));
                walk.value(&mut labels, top, Some(&a), Some(&b));
            }
            _ => walk.value(&mut labels, top, Some(&a), Some(&b)),
        }
    }
    walk.out
}

/// A list's (or mapping's) items with their identities, in order.
type Keyed<'a> = Vec<(String, &'a Value)>;

/// A mapping's entries as keyed items, in key order.
fn keyed_map(map: &Map<String, Value>) -> Vec<(String, &Value)> {
    map.iter().map(|(k, v)| (k.clone(), v)).collect()
}

/// A list's items with their identities: the `field` of each (its text), made unique with
/// `#2`, `#3`, … for repeats; an item without the field is identified by its JSON text.
fn keyed_list<'a>(items: &'a [Value], field: &str) -> Vec<(String, &'a Value)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .map(|item| {
            let base = match item.get(field) {
                Some(Value::String(s)) => s.clone(),
                Some(v) if !v.is_null() => v.to_string(),
                _ => match (item.get("country"), item.get("subdivision")) {
                    // Built-in public holidays (`{country: US, subdivision: NY}`) have no name.
                    (Some(Value::String(c)), Some(Value::String(s))) => format!("{c}-{s}"),
                    (Some(Value::String(c)), None) => c.clone(),
                    _ => item.to_string(),
                },
            };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let key = if *n == 1 { base } else { format!("{base}#{n}") };
            (key, item)
        })
        .collect()
}

/// The identities of processes: `id` when each side has at most one version of the id, else
/// `id@version`, decided over both sides so that the two agree.
fn process_keys<'a>(old: &'a [Value], new: &'a [Value]) -> (Keyed<'a>, Keyed<'a>) {
    let id = |p: &Value| p.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    let mut versions: HashMap<String, (usize, usize)> = HashMap::new();
    for p in old {
        versions.entry(id(p)).or_default().0 += 1;
    }
    for p in new {
        versions.entry(id(p)).or_default().1 += 1;
    }
    let keys = |list: &'a [Value]| -> Keyed<'a> {
        list.iter()
            .map(|p| {
                let i = id(p);
                let several = versions.get(&i).is_some_and(|&(a, b)| a > 1 || b > 1);
                let key = if several {
                    let v = p
                        .get("version")
                        .map_or_else(|| "1".into(), Value::to_string);
                    format!("{i}@{v}")
                } else {
                    i
                };
                (key, p)
            })
            .collect()
    };
    (keys(old), keys(new))
}

/// The path of `key` under `path`: `path.key`, or `path["key"]` when the key would be
/// ambiguous (`.`, `[`, `]`, `"`, `@`, empty, or spaces at either end).
fn child_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && !key.contains(['.', '[', ']', '"', '@']) && key.trim() == key;
    if !plain {
        let quoted = serde_json::to_string(key).unwrap_or_default();
        format!("{path}[{quoted}]")
    } else if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A value as a sentence shows it: a string bare, anything else as compact JSON, cut at
/// [`SHOWN_CHARS`].
fn shown(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > SHOWN_CHARS {
        let cut: String = text.chars().take(SHOWN_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

struct Walk {
    out: Vec<Change>,
}

impl Walk {
    fn push(
        &mut self,
        labels: &[Label],
        path: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) {
        let kind = match (before, after) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Removed,
            _ => ChangeKind::Changed,
        };
        let message = sentence(labels, kind, before, after);
        self.out.push(Change {
            kind,
            path: path.to_owned(),
            before: before.cloned(),
            after: after.cloned(),
            message,
        });
    }

    /// Compares one value on each side (`None`: absent there).
    fn value(
        &mut self,
        labels: &mut Vec<Label>,
        path: &str,
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        if old == new {
            return;
        }
        let key = path.rsplit('.').next().unwrap_or(path);
        match (old, new) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                // A tier table names its tiers by the field it tiers by: `target for severity Sev1`.
                let by = b.get("by").or_else(|| a.get("by")).and_then(Value::as_str);
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort_unstable();
                keys.dedup();
                for k in keys {
                    let child = child_path(path, k);
                    if let (Some(by), "values", Some(Value::Object(va)), Some(Value::Object(vb))) =
                        (by, k.as_str(), a.get(k), b.get(k))
                    {
                        let noun = format!("for {by}");
                        labels.push(Label::Field(String::new()));
                        self.keyed(labels, &child, keyed_map(va), keyed_map(vb), &noun, false);
                        labels.pop();
                        continue;
                    }
                    let items = items_of(entity_parents(labels).as_slice(), k);
                    match (items, a.get(k), b.get(k)) {
                        (Items::Whole, _, _) | (_, None, _) | (_, _, None) => {
                            labels.push(Label::Field(k.clone()));
                            self.value(labels, &child, a.get(k), b.get(k));
                            labels.pop();
                        }
                        (items, Some(Value::Array(la)), Some(Value::Array(lb))) => {
                            self.list(labels, &child, items, la, lb);
                        }
                        (_, va, vb) => {
                            labels.push(Label::Field(k.clone()));
                            self.value(labels, &child, va, vb);
                            labels.pop();
                        }
                    }
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if labels.is_empty() => {
                // The top-level lists.
                let items = items_of(&[], key);
                labels.push(Label::Top(if key == "processes" {
                    "processes"
                } else {
                    "entitlements"
                }));
                self.list(labels, path, items, a, b);
                labels.pop();
            }
            _ => self.push(labels, path, old, new),
        }
    }

    fn list(
        &mut self,
        labels: &mut Vec<Label>,
        path: &str,
        items: Items,
        a: &[Value],
        b: &[Value],
    ) {
        match items {
            Items::Whole => {
                self.push(
                    labels,
                    path,
                    Some(&Value::Array(a.to_vec())),
                    Some(&Value::Array(b.to_vec())),
                );
            }
            Items::Processes => {
                let (ka, kb) = process_keys(a, b);
                self.keyed(labels, path, ka, kb, "process", true);
            }
            Items::By(field, noun) => {
                self.keyed(
                    labels,
                    path,
                    keyed_list(a, field),
                    keyed_list(b, field),
                    noun,
                    true,
                );
            }
        }
    }

    /// Matches two keyed lists: removed and changed items in the old order, then added items
    /// in the new order, then (when the common items moved) the order itself. `entity` is false
    /// for entries that read as fields (`target for severity Sev1`) rather than entities
    /// (`process gold`).
    fn keyed(
        &mut self,
        labels: &mut Vec<Label>,
        path: &str,
        a: Vec<(String, &Value)>,
        b: Vec<(String, &Value)>,
        noun: &str,
        entity: bool,
    ) {
        let in_b: HashMap<&str, &Value> = b.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let in_a: HashMap<&str, &Value> = a.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let label = |k: &str| {
            let name = if noun.is_empty() {
                k.to_owned()
            } else {
                format!("{noun} {k}")
            };
            if entity {
                Label::Entity(name)
            } else {
                Label::Field(name)
            }
        };
        for (k, va) in &a {
            let child = child_path(path, k);
            labels.push(label(k));
            self.value(labels, &child, Some(va), in_b.get(k.as_str()).copied());
            labels.pop();
        }
        for (k, vb) in &b {
            if !in_a.contains_key(k.as_str()) {
                let child = child_path(path, k);
                labels.push(label(k));
                self.value(labels, &child, None, Some(vb));
                labels.pop();
            }
        }
        let common_a: Vec<&str> = a
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| in_b.contains_key(k))
            .collect();
        let common_b: Vec<&str> = b
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| in_a.contains_key(k))
            .collect();
        if common_a != common_b {
            let order = |keys: &[&str]| Value::Array(keys.iter().map(|&k| k.into()).collect());
            let (before, after) = (order(&common_a), order(&common_b));
            let mut message = format!("the order of {} changed", plural(noun));
            let subject = subject(labels);
            if !subject.is_empty() {
                message = format!("{subject}: {message}");
            }
            self.out.push(Change {
                kind: ChangeKind::Changed,
                path: path.to_owned(),
                before: Some(before),
                after: Some(after),
                message,
            });
        }
    }
}

/// `milestone` → `milestones`, `trigger at` → `triggers`, `override of` → `overrides`.
fn plural(noun: &str) -> String {
    let word = noun.split(' ').next().unwrap_or(noun);
    if word.is_empty() {
        "items".into()
    } else if word == "for" {
        "tiers".into()
    } else {
        format!("{word}s")
    }
}

/// The labels that say where an entity is, for choosing how its lists are matched: the top
/// section, then one entry per entity.
fn entity_parents(labels: &[Label]) -> Vec<Label> {
    labels
        .iter()
        .filter(|l| !matches!(l, Label::Field(_)))
        .cloned()
        .collect()
}

/// `process gold, milestone FR`.
fn subject(labels: &[Label]) -> String {
    labels
        .iter()
        .filter_map(|l| match l {
            Label::Entity(e) => Some(e.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sentence of one change: `process gold, milestone FR: target changed from 1h to 30m`.
fn sentence(
    labels: &[Label],
    kind: ChangeKind,
    before: Option<&Value>,
    after: Option<&Value>,
) -> String {
    let subject = subject(labels);
    // The fields below the innermost entity: `hours.mon`, `target for severity Sev1`.
    let last_entity = labels.iter().rposition(|l| matches!(l, Label::Entity(_)));
    let field: Vec<&str> = labels[last_entity.map_or(0, |i| i + 1)..]
        .iter()
        .filter_map(|l| match l {
            Label::Field(f) if !f.is_empty() => Some(f.as_str()),
            _ => None,
        })
        .collect();
    let mut field = field.join(".");
    // `target.for severity Sev1` reads `target for severity Sev1`.
    field = field.replace(".for ", " for ");
    let what = match (field.is_empty(), subject.is_empty()) {
        (true, _) => subject,
        (false, true) => field,
        (false, false) => format!("{subject}: {field}"),
    };
    match (kind, before, after) {
        (ChangeKind::Changed, Some(b), Some(a)) => {
            format!("{what} changed from {} to {}", shown(b), shown(a))
        }
        (ChangeKind::Added, _, Some(a)) if !field_is_entity(labels) => {
            format!("{what} added: {}", shown(a))
        }
        (ChangeKind::Removed, Some(b), _) if !field_is_entity(labels) => {
            format!("{what} removed (was {})", shown(b))
        }
        (kind, _, _) => format!("{what} {}", kind.as_str()),
    }
}

/// Whether the innermost label is an entity (a whole process added reads `process gold
/// added`, not its JSON).
fn field_is_entity(labels: &[Label]) -> bool {
    matches!(labels.last(), Some(Label::Entity(_)))
}
