//! Bad records: a case that cannot be read or evaluated never stops the others.
//!
//! The calls over many cases ([`Ruleset::monitor_batch`], [`Ruleset::evaluate_batch`],
//! [`Ruleset::breach_risk_batch`], [`Ruleset::what_if_batch`]) sort the cases of one call out
//! first ([`Ruleset::check_cases`]): the ones a host could not read, the copies of a duplicated
//! id and the ones whose evaluation fails become [`CaseError`] entries (with
//! [`OnError::Collect`]), or the first of them in input order is the call's error (with
//! [`OnError::Raise`], the behaviour of the calls that take `&[Case]`). Semantics:
//! `docs/monitor.md`, "Bad records".

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Ruleset;
use super::case::Case;
use super::parallel::{par_map, par_map_local};
use super::status::CaseEvaluation;
use crate::error::{Error, Result, excerpt};

/// What a call over many cases does with a bad case (one that cannot be read, names what the
/// rules do not define, or shares its id with another case of the call).
///
/// ```
/// use entitlement_core::rules::OnError;
/// assert_eq!(OnError::default(), OnError::Collect);
/// assert_eq!(OnError::from_name("raise", "on_error")?, OnError::Raise);
/// let err = OnError::from_name("ignore", "on_error").unwrap_err();
/// assert_eq!((err.code(), err.path_text()), ("invalid_value", "on_error"));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OnError {
    /// Leave the bad case out, report it as a [`CaseError`] entry, and go on with the others.
    #[default]
    Collect,
    /// Fail the whole call with the error of the first bad case in input order.
    Raise,
}

impl OnError {
    /// `"collect"` or `"raise"`; anything else is an `invalid_value` error naming `argument`
    /// (`on_error`, Node's `options.onError`).
    pub fn from_name(name: &str, argument: &str) -> Result<OnError> {
        match name {
            "collect" => Ok(OnError::Collect),
            "raise" => Ok(OnError::Raise),
            other => Err(Error::InvalidValue {
                path: argument.to_string(),
                reason: format!(
                    "unknown value {}; expected \"collect\" or \"raise\"",
                    excerpt(other)
                ),
            }
            .in_argument()),
        }
    }

    /// The name: `collect` or `raise`.
    ///
    /// ```
    /// assert_eq!(entitlement_core::rules::OnError::Raise.as_str(), "raise");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            OnError::Collect => "collect",
            OnError::Raise => "raise",
        }
    }
}

/// One case that a call left out: which one, and why, with the code and message the call would
/// have raised for it with [`OnError::Raise`].
///
/// ```
/// use entitlement_core::rules::{CaseBatch, Case, OnError, Ruleset};
/// let rules = Ruleset::from_value(&serde_json::json!({
///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
///     "entitlements": [{"id": "e", "process": "p"}]}))?;
/// let batch: CaseBatch = [
///     serde_json::json!({"id": "a", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}),
///     serde_json::json!({"id": "b", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z",
///                        "events": [{"at": "yesterday", "type": "agent_reply"}]}),
/// ].iter().enumerate().map(|(i, v)| Case::from_value_at(v, i)).collect();
/// let report = rules.monitor_batch(&batch, "2026-11-25T10:30:00Z".parse()?, None, OnError::Collect)?;
/// assert_eq!(report.cases.len(), 1);
/// let error = &report.errors[0];
/// assert_eq!((error.case_id.as_deref(), error.index), (Some("b"), 1));
/// assert_eq!((error.code.as_str(), error.path.as_str()), ("invalid_instant", "cases[1].events[0].at"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CaseError {
    /// The case's id, if it could be read.
    pub case_id: Option<String>,
    /// The case's position in the input list, from 0.
    pub index: usize,
    /// The error's code, the one the call raises for it with `on_error="raise"`
    /// (`unknown_entitlement`, `invalid_instant`, `duplicate_case`, ...).
    pub code: String,
    /// What is wrong, as the raised error would say it (`case "C-7": events[2].at: ...`).
    pub message: String,
    /// Where, relative to the input list: `cases[3].events[2].at`.
    pub path: String,
}

impl CaseError {
    /// The entry of the case at `index` of the input, whose reading or evaluation failed with
    /// `error`. The path is the error's path inside the case under `cases[index]`.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, CaseError};
    /// let err = Case::from_value_at(&serde_json::json!({"id": 7, "created_at": "noon"}), 3).unwrap_err();
    /// let entry = CaseError::new(3, &err);
    /// assert_eq!(entry.case_id.as_deref(), Some("7"));
    /// assert_eq!((entry.code.as_str(), entry.path.as_str()), ("invalid_instant", "cases[3].created_at"));
    /// ```
    pub fn new(index: usize, error: &Error) -> CaseError {
        let item = format!("cases[{index}]");
        let (case_id, inner) = match error {
            Error::InCase { case, error } => {
                // A case without a readable id is named by its place (`#3`).
                let id = (*case != crate::host::case_label(None, index)).then(|| case.clone());
                (id, error.path_text())
            }
            other => (None, other.path_text()),
        };
        // An error about the item itself (a host's `cases[3]: expected a case object`) already
        // names the item.
        let path = if inner == item
            || inner.starts_with(&format!("{item}."))
            || inner.starts_with(&format!("{item}["))
        {
            inner.to_string()
        } else if inner.is_empty() {
            item
        } else if inner.starts_with('[') {
            format!("{item}{inner}")
        } else {
            format!("{item}.{inner}")
        };
        CaseError {
            case_id,
            index,
            code: error.code().to_string(),
            message: error.to_string(),
            path,
        }
    }
}

/// The cases of one call as a host read them: each input position holds a case or the error
/// its reading gave, so that a host that could not read case 7 still hands over the others.
///
/// ```
/// use entitlement_core::rules::{Case, CaseBatch};
/// let mut batch = CaseBatch::new();
/// batch.push(Case::from_value(&serde_json::json!({"id": "a", "created_at": "2026-11-25T10:00:00Z"})));
/// batch.push(Case::from_value_at(&serde_json::json!("not a case"), 1));
/// assert_eq!((batch.len(), batch.cases().len()), (2, 1));
/// ```
#[derive(Clone, Debug, Default)]
pub struct CaseBatch {
    cases: Vec<Case>,
    /// The input position of each case.
    positions: Vec<usize>,
    /// The input position and the error of each case that could not be read.
    failed: Vec<(usize, Error)>,
    len: usize,
}

/// A large batch is freed on rayon's pool: a million cases took a single thread about a
/// tenth of a `monitor_arrow` call to free, after the work itself was done in parallel.
impl Drop for CaseBatch {
    fn drop(&mut self) {
        if self.cases.len() >= 4096 {
            use rayon::prelude::*;
            std::mem::take(&mut self.cases)
                .into_par_iter()
                .with_min_len(1024)
                .for_each(drop);
        }
    }
}

impl CaseBatch {
    /// An empty batch.
    pub fn new() -> CaseBatch {
        CaseBatch::default()
    }

    /// Adds the next input position: a case, or the error its reading gave.
    pub fn push(&mut self, item: Result<Case>) {
        match item {
            Ok(case) => {
                self.cases.push(case);
                self.positions.push(self.len);
            }
            Err(error) => self.failed.push((self.len, error)),
        }
        self.len += 1;
    }

    /// Reads a host's converted cases as the next input positions, in parallel: each value
    /// (or the error its conversion gave) becomes a case or its reading error, named by its
    /// position ([`Case::from_value_at`]).
    ///
    /// ```
    /// use entitlement_core::rules::CaseBatch;
    /// let mut batch = CaseBatch::new();
    /// batch.read_values(vec![
    ///     Ok(serde_json::json!({"id": "a", "created_at": "2026-11-25T10:00:00Z"})),
    ///     Ok(serde_json::json!({"created_at": "2026-11-25T10:00:00Z"})),   // no id
    /// ]);
    /// assert_eq!((batch.len(), batch.cases().len()), (2, 1));
    /// ```
    pub fn read_values(&mut self, values: Vec<Result<serde_json::Value>>) {
        let first = self.len;
        let values: Vec<(usize, Result<serde_json::Value>)> = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| (first + i, v))
            .collect();
        let read = par_map(&values, |(at, v)| {
            Ok(match v {
                Ok(value) => Case::from_value_at(value, *at),
                Err(error) => Err(error.clone()),
            })
        });
        drop(values);
        // `par_map` fails only when the closure does, and this one never does.
        for item in read.unwrap_or_default() {
            self.push(item);
        }
    }

    /// The number of input positions.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch has no input position.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cases that could be read, in input order.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }
}

impl From<Vec<Case>> for CaseBatch {
    fn from(cases: Vec<Case>) -> CaseBatch {
        let len = cases.len();
        CaseBatch {
            cases,
            positions: (0..len).collect(),
            failed: Vec::new(),
            len,
        }
    }
}

impl FromIterator<Result<Case>> for CaseBatch {
    fn from_iter<I: IntoIterator<Item = Result<Case>>>(items: I) -> CaseBatch {
        let mut batch = CaseBatch::new();
        for item in items {
            batch.push(item);
        }
        batch
    }
}

impl Extend<Result<Case>> for CaseBatch {
    fn extend<I: IntoIterator<Item = Result<Case>>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

/// The cases of one call sorted out: the good ones, evaluated (or what a caller made of each
/// evaluation, [`Ruleset::check_cases_then`]), and the error entries.
pub(crate) struct Checked<'a, T = CaseEvaluation> {
    /// The good cases, in input order.
    pub cases: Vec<&'a Case>,
    /// The input position of each good case.
    pub positions: Vec<usize>,
    /// The evaluation of each good case.
    pub evaluations: Vec<T>,
    /// The bad cases, in input order.
    pub errors: Vec<CaseError>,
}

/// At most this many places are listed in a `duplicate_case` message.
const PLACES_SHOWN: usize = 5;

impl Ruleset {
    /// Sorts out the cases of one call and evaluates the good ones at `now`, in parallel:
    /// `cases` at input `positions` (`None`: 0, 1, ...), `failed` the ones a host could not
    /// read. With [`OnError::Raise`] the first bad case in input order fails the call, read
    /// errors first, then duplicated ids, then evaluations (the order in which a call found
    /// them before errors were collected). Linear in the number of cases.
    pub(crate) fn check_cases<'a>(
        &self,
        cases: &'a [Case],
        positions: Option<&[usize]>,
        failed: &[(usize, Error)],
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<Checked<'a>> {
        self.check_cases_then(cases, positions, failed, now, on_error, |_, e| Ok(e))
    }

    /// [`Ruleset::check_cases`], with `then` applied to each good case and its evaluation on
    /// the thread that evaluated it: a caller that needs only something small of each
    /// evaluation (its events) neither keeps a million evaluations nor frees them on one
    /// thread. An error of `then` fails the call; which one, when several cases fail, is the
    /// first in input order, but an evaluation error of an earlier case may be met after it
    /// with [`OnError::Raise`]: a caller that must report the error an unfused run would
    /// reruns without `then` when `then` fails.
    pub(crate) fn check_cases_then<'a, T: Send>(
        &self,
        cases: &'a [Case],
        positions: Option<&[usize]>,
        failed: &[(usize, Error)],
        now: DateTime<Utc>,
        on_error: OnError,
        then: impl Fn(&'a Case, CaseEvaluation) -> Result<T> + Sync,
    ) -> Result<Checked<'a, T>> {
        let position = |i: usize| positions.map_or(i, |p| p[i]);
        if on_error == OnError::Raise
            && let Some((_, error)) = failed.iter().min_by_key(|(at, _)| *at)
        {
            return Err(error.clone());
        }
        let mut errors: Vec<CaseError> = failed
            .iter()
            .map(|(at, error)| CaseError::new(*at, error))
            .collect();

        // Duplicated ids: the count of each id in one pass, then the places of the duplicated
        // ones only (a list per id was an allocation per case). The ids are the caller's:
        // hashed with a keyed hash (aHash, seeded per process), so no set of ids collides on
        // purpose, at a third of the cost of SipHash's.
        let mut seen: HashMap<&str, usize, ahash::RandomState> =
            HashMap::with_capacity_and_hasher(cases.len(), ahash::RandomState::new());
        for case in cases {
            *seen.entry(case.id.as_str()).or_insert(0) += 1;
        }
        let mut duplicated: HashMap<&str, Vec<usize>> = HashMap::new();
        if seen.len() < cases.len() {
            for (i, case) in cases.iter().enumerate() {
                if seen[case.id.as_str()] > 1 {
                    let places = duplicated.entry(case.id.as_str()).or_default();
                    if places.len() <= PLACES_SHOWN {
                        places.push(position(i));
                    }
                }
            }
        }
        // Without duplicates every case is good: no second lookup per case.
        let mut good: Vec<usize> = Vec::with_capacity(cases.len());
        for (i, case) in cases.iter().enumerate() {
            if duplicated.is_empty() {
                good.push(i);
                continue;
            }
            let count = &seen[case.id.as_str()];
            if *count == 1 {
                good.push(i);
                continue;
            }
            let places = &duplicated[case.id.as_str()];
            let mut listed: Vec<String> = places
                .iter()
                .take(PLACES_SHOWN)
                .map(|p| format!("cases[{p}]"))
                .collect();
            if *count > PLACES_SHOWN {
                listed.push(format!("and {} more", count - PLACES_SHOWN));
            }
            let error = Error::InCase {
                case: case.id.clone(),
                error: Box::new(Error::DuplicateCase {
                    path: "id".into(),
                    id: case.id.clone(),
                    count: *count,
                    places: listed.join(", "),
                }),
            };
            if on_error == OnError::Raise {
                return Err(error);
            }
            errors.push(CaseError::new(position(i), &error));
        }

        let results = par_map_local(self, &good, |&i, local| {
            match self.evaluate_case_in(&cases[i], now, local) {
                Ok(evaluation) => then(&cases[i], evaluation).map(Ok),
                Err(error) => Ok(Err(error)),
            }
        })?;
        let mut checked = Checked {
            cases: Vec::with_capacity(good.len()),
            positions: Vec::with_capacity(good.len()),
            evaluations: Vec::with_capacity(good.len()),
            errors: Vec::new(),
        };
        for (i, result) in good.into_iter().zip(results) {
            match result {
                Ok(evaluation) => {
                    checked.cases.push(&cases[i]);
                    checked.positions.push(position(i));
                    checked.evaluations.push(evaluation);
                }
                Err(error) if on_error == OnError::Raise => return Err(error),
                Err(error) => errors.push(CaseError::new(position(i), &error)),
            }
        }
        errors.sort_by_key(|e| e.index);
        checked.errors = errors;
        Ok(checked)
    }

    /// [`Ruleset::check_cases`] over a host's batch.
    pub(crate) fn check_batch<'a>(
        &self,
        batch: &'a CaseBatch,
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<Checked<'a>> {
        self.check_batch_then(batch, now, on_error, |_, e| Ok(e))
    }

    /// [`Ruleset::check_cases_then`] over a host's batch.
    pub(crate) fn check_batch_then<'a, T: Send>(
        &self,
        batch: &'a CaseBatch,
        now: DateTime<Utc>,
        on_error: OnError,
        then: impl Fn(&'a Case, CaseEvaluation) -> Result<T> + Sync,
    ) -> Result<Checked<'a, T>> {
        self.check_cases_then(
            &batch.cases,
            Some(&batch.positions),
            &batch.failed,
            now,
            on_error,
            then,
        )
    }

    /// [`Ruleset::evaluate_cases`] over a host's batch: one entry per input position, in
    /// order, the case's evaluation or its error entry. With [`OnError::Raise`] the first bad
    /// case fails the call instead.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, CaseBatch, OnError, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let batch: CaseBatch = ["e", "new-contract", "e"].iter().enumerate().map(|(i, e)|
    ///     Case::from_value(&serde_json::json!({"id": format!("c{i}"), "entitlement": e,
    ///         "created_at": "2026-11-25T10:00:00Z"}))).collect();
    /// let now = "2026-11-25T10:30:00Z".parse()?;
    /// let all = rules.evaluate_batch(&batch, now, OnError::Collect)?;
    /// assert!(all[0].is_ok() && all[2].is_ok());
    /// let error = all[1].as_ref().unwrap_err();
    /// assert_eq!((error.code.as_str(), error.path.as_str()), ("unknown_entitlement", "cases[1].entitlement"));
    /// let raised = rules.evaluate_batch(&batch, now, OnError::Raise).unwrap_err();
    /// assert_eq!(raised.code(), "unknown_entitlement");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_batch(
        &self,
        batch: &CaseBatch,
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<Vec<std::result::Result<CaseEvaluation, CaseError>>> {
        let checked = self.check_batch(batch, now, on_error)?;
        Ok(in_input_order(
            checked.positions.into_iter().zip(checked.evaluations),
            checked.errors,
        ))
    }

    /// [`Ruleset::evaluate_cases`] with `on_error`: one entry per case of `cases`, in order.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, OnError, Ruleset};
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let cases = [case.clone(), case];                      // one id twice
    /// let all = rules.evaluate_cases_with(&cases, now, OnError::Collect)?;
    /// assert_eq!(all.iter().filter(|e| e.is_err()).count(), 2);
    /// assert_eq!(all[1].as_ref().unwrap_err().code, "duplicate_case");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_cases_with(
        &self,
        cases: &[Case],
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<Vec<std::result::Result<CaseEvaluation, CaseError>>> {
        let checked = self.check_cases(cases, None, &[], now, on_error)?;
        Ok(in_input_order(
            checked.positions.into_iter().zip(checked.evaluations),
            checked.errors,
        ))
    }
}

/// Results at their positions and error entries merged back into input order.
fn in_input_order<T>(
    results: impl IntoIterator<Item = (usize, T)>,
    errors: Vec<CaseError>,
) -> Vec<std::result::Result<T, CaseError>> {
    let mut results = results.into_iter().peekable();
    let mut errors = errors.into_iter().peekable();
    let mut out = Vec::new();
    loop {
        let take_result = match (results.peek(), errors.peek()) {
            (Some((at, _)), Some(e)) => *at < e.index,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        if take_result {
            out.extend(results.next().map(|(_, r)| Ok(r)));
        } else {
            out.extend(errors.next().map(Err));
        }
    }
}
