//! `entitlement.Ruleset`: a validated rules document (calendars, processes, entitlements), and
//! the replay of cases against it (the core's `rules`).
//!
//! Documents and cases arrive as plain Python data, are converted to JSON values with the GIL
//! held (`convert`), and are then validated and evaluated by the core with the GIL released.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use entitlement_core::Error;
use entitlement_core::rules::{self, Case, CaseBatch, OnError};
use entitlement_core::schema::ruleset_schema;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

use crate::case_error::{CaseError, on_error_arg};
use crate::check::CheckWarning;
use crate::convert::{instant_arg, read_case, sequence, string_arg, to_json};
use crate::diff::RulesDiff;
use crate::error::{Failure, Result, detached};
use crate::monitor::MonitorReport;
use crate::results::objects;
use crate::ser::to_py;
use crate::status::{CaseEvaluation, EntitlementUsage, MilestoneStatus};

/// SLA rules: calendars, processes (with their milestones and versions) and entitlements,
/// validated as a whole with every cross-reference checked.
///
/// Load a document with ``Ruleset.load(path)`` (``.json``, ``.yaml``/``.yml`` or ``.toml``),
/// ``Ruleset.from_dict(d)`` or ``Ruleset.from_json/from_yaml/from_toml(text)``; an invalid one
/// raises ``ConfigError`` naming the path of the bad value
/// (``processes[0].milestones[2].target.values.Sev1``).
///
/// Then replay a case up to ``now``: ``evaluate(case, now)`` returns one ``MilestoneStatus``
/// per milestone instance, ``evaluate_case(case, now)`` the coverage as well, and
/// ``entitlement_usage(entitlement_id, cases, now)`` the case counts and quotas.
/// ``monitor(cases, now, since)`` is what a scheduled job calls: the events of a window, exactly
/// once across windows, with alerts and account rollups (a ``MonitorReport``);
/// ``what_if(proposed, cases, now)`` compares attainment under a proposed contract. A case is a
/// dict in the document shape::
///
///     {"id": "C-1", "entitlement": "acme-gold", "created_at": datetime(..., tzinfo=...),
///      "fields": {"severity": "Sev1"},
///      "events": [{"at": "2026-11-20T14:10:00Z", "type": "agent_reply"}, ...]}
///
/// Instants in a case are aware datetimes or RFC 3339 strings with an offset; a bad case
/// raises ``InputError`` naming the case and the path inside it (``events[2].at``)::
///
///     >>> from datetime import datetime, timezone
///     >>> rules = Ruleset.from_yaml('''
///     ... calendars:
///     ...   ny: {time_zone: America/New_York, hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"]}}
///     ... processes:
///     ...   - id: gold
///     ...     calendar: ny
///     ...     milestones: [{name: First Response, kind: first_response, target: 1h}]
///     ... entitlements: [{id: acme, process: gold}]
///     ... ''')
///     >>> case = {"id": "C-1", "entitlement": "acme", "events": [],
///     ...         "created_at": datetime(2026, 11, 23, 21, 30, tzinfo=timezone.utc)}
///     >>> [status] = rules.evaluate(case, "2026-11-24T14:45:00Z")
///     >>> status.state, status.target_at  # 30 minutes on Monday, 30 on Tuesday from 09:00
///     ('violated', datetime.datetime(2026, 11, 24, 14, 30, tzinfo=datetime.timezone.utc))
///
/// Rulesets are immutable, safe to share between threads (evaluations release the GIL), and
/// picklable.
#[pyclass(module = "entitlement", name = "Ruleset", frozen)]
pub struct Ruleset {
    inner: rules::Ruleset,
}

impl Ruleset {
    pub(crate) fn wrap(inner: rules::Ruleset) -> Self {
        Ruleset { inner }
    }

    /// The core's ruleset (for the report pages).
    pub(crate) fn inner(&self) -> &rules::Ruleset {
        &self.inner
    }
}

/// Arrow data (a pyarrow `Table` or `RecordBatch`, a data frame that exports a stream) given
/// where a list of case dicts goes: iterating it would yield its columns (or their names) as
/// "cases", and an error about the first of them would not say what to do.
fn refuse_arrow(cases: &Bound<'_, PyAny>) -> Result<()> {
    let py = cases.py();
    if cases.cast::<PyList>().is_ok() || cases.cast::<PyTuple>().is_ok() {
        return Ok(());
    }
    if cases.hasattr(intern!(py, "__arrow_c_array__"))?
        || cases.hasattr(intern!(py, "__arrow_c_stream__"))?
    {
        return Err(Error::InvalidType {
            path: "cases".into(),
            expected: "a list of case dicts".into(),
            found: format!(
                "a {}; Arrow data is read by evaluate_arrow and monitor_arrow, a RecordBatch at \
                 a time (entitlement.arrow.record_batches splits a Table or a data frame)",
                crate::arrays::type_name(cases)
            ),
        }
        .in_argument()
        .into());
    }
    Ok(())
}

/// An iterable of case dicts as the core's cases, read straight into them with the GIL held
/// (`convert::read_case`: no JSON value per case), a chunk at a time. Within a chunk a value
/// that cannot be converted raises before a case that the core refuses, as when the chunk was
/// first converted whole and then validated: the error raised is the one it always was.
fn cases_of(cases: &Bound<'_, PyAny>) -> Result<Vec<Case>> {
    const CHUNK: usize = 32 * 1024;
    refuse_arrow(cases)?;
    let items = sequence(cases, "cases")?;
    let mut out = Vec::with_capacity(items.len());
    for (k, chunk) in items.chunks(CHUNK).enumerate() {
        let first = k * CHUNK;
        let mut refused = None;
        for (j, case) in chunk.iter().enumerate() {
            match read_case(case, first + j)? {
                Ok(case) => out.push(case),
                Err(error) => {
                    refused.get_or_insert(error);
                }
            }
        }
        if let Some(error) = refused {
            return Err(error.into());
        }
    }
    Ok(out)
}

/// `cases` as the core's batch for a call that takes `on_error`. With `"raise"` the cases are
/// read as they always were ([`cases_of`]: the first case that cannot be read raises); with
/// `"collect"` a case that cannot be read becomes its error entry and the others go on. An
/// exception that Python code raised while a case was read (a `tzinfo` whose `utcoffset`
/// raises, a `KeyboardInterrupt`) is not a bad record: it propagates.
fn case_batch(cases: &Bound<'_, PyAny>, on_error: OnError) -> Result<CaseBatch> {
    if on_error == OnError::Raise {
        return Ok(CaseBatch::from(cases_of(cases)?));
    }
    refuse_arrow(cases)?;
    let items = sequence(cases, "cases")?;
    let mut batch = CaseBatch::new();
    for (position, case) in items.iter().enumerate() {
        batch.push(match read_case(case, position) {
            Ok(read) => read,
            Err(Failure::Core(error)) => Err(error),
            Err(other) => return Err(other),
        });
    }
    Ok(batch)
}

/// The optional `since` argument: `None` (or absent) means everything up to `now`.
fn since_arg(since: Option<&Bound<'_, PyAny>>) -> Result<Option<DateTime<Utc>>> {
    since
        .filter(|s| !s.is_none())
        .map(|s| instant_arg(s, "since"))
        .transpose()
}

/// A document's text, for `from_json`/`from_yaml`/`from_toml`.
fn text_arg(value: &Bound<'_, PyAny>) -> Result<String> {
    string_arg(value, "text")
}

#[pymethods]
impl Ruleset {
    /// Validates a document given as a dict: ``{"calendars": {...}, "processes": [...],
    /// "entitlements": [...]}``.
    ///
    /// Values may be str, int, float, bool, None, list, tuple, dict and ``datetime.date``
    /// (read as ``YYYY-MM-DD``). Raises ``ConfigError`` whose message names the path of the
    /// bad value.
    #[classmethod]
    fn from_dict(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        document: &Bound<'_, PyAny>,
    ) -> Result<Self> {
        let document = to_json(document)?;
        detached(py, || rules::Ruleset::from_value(&document)).map(Ruleset::wrap)
    }

    /// Reads a document from a ``.json``, ``.yaml``/``.yml`` or ``.toml`` file (a ``str`` or an
    /// ``os.PathLike``). A file that cannot be read, or an unknown extension, is a
    /// ``ConfigError`` (code ``"invalid_value"``) naming the file.
    #[classmethod]
    fn load(_cls: &Bound<'_, PyType>, py: Python<'_>, path: &Bound<'_, PyAny>) -> Result<Self> {
        // Strings and `os.PathLike` objects (`pathlib.Path`) through `os.fspath`.
        let Ok(path) = path.extract::<PathBuf>() else {
            let found = path.get_type().qualname().map(|n| n.to_string());
            return Err(Error::InvalidType {
                path: "path".into(),
                expected: "a str or an os.PathLike".into(),
                found: found.unwrap_or_default(),
            }
            .in_argument()
            .into());
        };
        detached(py, || rules::Ruleset::load(&path)).map(Ruleset::wrap)
    }

    /// Parses and validates a JSON document.
    #[classmethod]
    fn from_json(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
    ) -> Result<Self> {
        let text = text_arg(text)?;
        detached(py, || rules::Ruleset::from_json(&text)).map(Ruleset::wrap)
    }

    /// Parses and validates a YAML document.
    #[classmethod]
    fn from_yaml(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
    ) -> Result<Self> {
        let text = text_arg(text)?;
        detached(py, || rules::Ruleset::from_yaml(&text)).map(Ruleset::wrap)
    }

    /// Parses and validates a TOML document.
    #[classmethod]
    fn from_toml(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
    ) -> Result<Self> {
        let text = text_arg(text)?;
        detached(py, || rules::Ruleset::from_toml(&text)).map(Ruleset::wrap)
    }

    /// The JSON Schema (draft 2020-12) of a rules document, as a dict.
    #[staticmethod]
    fn schema(py: Python<'_>) -> Result<Bound<'_, PyDict>> {
        Ok(to_py(py, &ruleset_schema())?.cast_into::<PyDict>()?)
    }

    /// The document in its canonical form (durations normalised), which ``Ruleset.from_dict``
    /// accepts back.
    fn to_dict<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyDict>> {
        Ok(to_py(py, &self.inner.to_value())?.cast_into::<PyDict>()?)
    }

    /// Replays ``case`` up to ``now`` and returns one ``MilestoneStatus`` per milestone
    /// instance, in the process's milestone order (empty when the case is not covered).
    ///
    /// ``now`` is an aware datetime or an RFC 3339 string with an offset; events after it are
    /// ignored. Raises ``InputError`` for a bad case (naming the case and the path inside it),
    /// an unknown entitlement or an event type the case's process does not know.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        case: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyList>> {
        // A case the core refuses raises after a bad `now`, as it did when it was validated
        // with the GIL released.
        let (case, now) = (read_case(case, 0)?, instant_arg(now, "now")?);
        let case = case?;
        let result = detached(py, || self.inner.evaluate(&case, now))?;
        Ok(objects(py, &result, MilestoneStatus::wrap)?.cast_into::<PyList>()?)
    }

    /// ``[evaluate(case, now) for case in cases]`` in one call: the cases are converted with
    /// the GIL held, then parsed and replayed without it, in parallel on all cores.
    ///
    /// One entry per case, in the order of ``cases``: its list of ``MilestoneStatus``, or, for
    /// a case left out, a ``CaseError`` (tell them apart with ``isinstance(entry,
    /// CaseError)``). A bad case is one that cannot be read, names what the rules do not define,
    /// or shares its id with another case of the call. With ``on_error="raise"`` the first bad
    /// case in order raises its error instead (``InputError``)::
    ///
    ///     for case, entry in zip(cases, rules.evaluate_many(cases, now)):
    ///         if isinstance(entry, CaseError):
    ///             log.warning("%s: %s", entry.path, entry.message)
    #[pyo3(signature = (cases, now, *, on_error = None), text_signature = "($self, cases, now, *, on_error='collect')")]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        on_error: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyList>> {
        let on_error = on_error_arg(on_error)?;
        let (batch, now) = (case_batch(cases, on_error)?, instant_arg(now, "now")?);
        let rules = &self.inner;
        let all = detached(py, move || rules.evaluate_batch(&batch, now, on_error))?;
        let entries = all
            .into_iter()
            .map(|one| match one {
                Ok(evaluation) => objects(py, &evaluation.milestones, MilestoneStatus::wrap),
                Err(error) => Ok(Bound::new(py, CaseError::wrap(error))?.into_any()),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PyList::new(py, entries)?)
    }

    /// Every milestone status of every case in ``cases``, a pyarrow ``RecordBatch`` (or any
    /// object with ``__arrow_c_array__``) in the case layout of ``docs/arrow.md``, as a
    /// ``RecordBatch`` with one row per milestone instance (``entitlement.arrow.STATUS_SCHEMA``).
    ///
    /// The same statuses as ``evaluate`` per case; rows are read, validated and replayed
    /// without the GIL, in parallel. Runs unchanged in Dask's ``map_partitions`` and PySpark's
    /// ``mapInArrow`` (see ``entitlement.arrow``).
    ///
    /// A bad row is left out (``on_error="collect"``): its error entries (the fields of
    /// ``CaseError``, ``index`` the row) are JSON text in the batch's schema metadata under
    /// ``b"entitlement.errors"``, present only when a row was left out. With
    /// ``on_error="raise"`` the first bad row raises.
    #[pyo3(signature = (cases, now, *, on_error = None), text_signature = "($self, cases, now, *, on_error='collect')")]
    fn evaluate_arrow<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        on_error: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let on_error = on_error_arg(on_error)?;
        let (batch, now) = (crate::arrow::import_batch(cases)?, instant_arg(now, "now")?);
        let rules = &self.inner;
        let (result, errors) = detached(py, move || {
            crate::arrow::evaluate(rules, &batch, now, on_error)
        })?;
        crate::arrow::export_with_errors(py, result, &errors)
    }

    /// The milestone events (trigger crossings, breaches and completions) of ``(since, now]`` of the cases
    /// in ``cases`` (a record batch, as for ``evaluate_arrow``), as a ``RecordBatch`` with one
    /// row per event (``entitlement.arrow.EVENT_SCHEMA``), by instant then key.
    ///
    /// Each event depends on its case alone, so the events of the partitions of a job are the
    /// events of ``monitor`` over all the cases, less quota and allowance events (which count
    /// every case of an entitlement together; see ``docs/arrow.md``).
    ///
    /// A bad row is left out (``on_error="collect"``) with a ``"data_error"`` event row
    /// (``point`` its code) and its error entry in the schema metadata, as for
    /// ``evaluate_arrow``. A ``since`` not before ``now`` raises ``InputError``
    /// (``invalid_window``).
    #[pyo3(signature = (cases, now, since = None, *, on_error = None), text_signature = "($self, cases, now, since=None, *, on_error='collect')")]
    fn monitor_arrow<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        since: Option<&Bound<'py, PyAny>>,
        on_error: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let on_error = on_error_arg(on_error)?;
        let batch = crate::arrow::import_batch(cases)?;
        let now = instant_arg(now, "now")?;
        let since = since_arg(since)?;
        let rules = &self.inner;
        let (result, errors) = detached(py, move || {
            crate::arrow::monitor(rules, &batch, now, since, on_error)
        })?;
        crate::arrow::export_with_errors(py, result, &errors)
    }

    /// Like ``evaluate``, with the case's coverage: whether a process applies (and which
    /// version), the entitlement's status and account context, and the milestones.
    fn evaluate_case(
        &self,
        py: Python<'_>,
        case: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> Result<CaseEvaluation> {
        // A case the core refuses raises after a bad `now`, as it did when it was validated
        // with the GIL released.
        let (case, now) = (read_case(case, 0)?, instant_arg(now, "now")?);
        let case = case?;
        detached(py, || self.inner.evaluate_case(&case, now)).map(CaseEvaluation::wrap)
    }

    /// An entitlement's status at ``now``, the cases raised under it up to ``now`` (``cases``
    /// may hold other entitlements' cases too) and each quota's use in the period that contains
    /// ``now``. Raises ``InputError`` for an unknown entitlement or a bad case.
    fn entitlement_usage(
        &self,
        py: Python<'_>,
        entitlement_id: &Bound<'_, PyAny>,
        cases: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> Result<EntitlementUsage> {
        let entitlement_id = string_arg(entitlement_id, "entitlement_id")?;
        let cases = cases_of(cases)?;
        let now: DateTime<Utc> = instant_arg(now, "now")?;
        let rules = &self.inner;
        detached(py, move || {
            rules.entitlement_usage(&entitlement_id, &cases, now)
        })
        .map(EntitlementUsage::wrap)
    }

    /// The risk that each open milestone among ``cases`` breaches, learnt from all of them
    /// (pass a period's cases, closed ones included): a list of dicts with ``case_id``,
    /// ``process``, ``milestone``, ``instance``, ``state``, ``target`` and ``elapsed``
    /// (timedeltas), ``probability`` (the Kaplan-Meier estimate that the occurrence is still
    /// open when its clock reaches the target; 1.0 once past it; ``None`` when no completed
    /// occurrence of that milestone and tier ran as long), ``observations`` and ``completions``
    /// (how much history there was). The work runs without the GIL::
    ///
    ///     for r in rules.breach_risk(cases, now):
    ///         if isinstance(r, CaseError):
    ///             continue  # a case left out
    ///         if r["probability"] and r["probability"] > 0.5 and r["completions"] >= 20:
    ///             warn(r["case_id"], r["milestone"])
    ///
    /// A bad case is left out of the risks and of the history (``on_error="collect"``), and a
    /// ``CaseError`` per bad case follows the risks, in input order; with
    /// ``on_error="raise"`` the first bad case raises.
    #[pyo3(signature = (cases, now, *, on_error = None), text_signature = "($self, cases, now, *, on_error='collect')")]
    fn breach_risk<'py>(
        &self,
        py: Python<'py>,
        cases: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        on_error: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyList>> {
        let on_error = on_error_arg(on_error)?;
        let batch = case_batch(cases, on_error)?;
        let now: DateTime<Utc> = instant_arg(now, "now")?;
        let rules = &self.inner;
        let (risks, errors) = detached(py, move || rules.breach_risk_batch(&batch, now, on_error))?;
        let list = to_py(py, &risks)?.cast_into::<PyList>()?;
        for error in errors {
            list.append(Bound::new(py, CaseError::wrap(error))?)?;
        }
        Ok(list)
    }

    /// Runs the breach monitor over ``cases`` at ``now`` and returns a ``MonitorReport``: the
    /// events (trigger crossings, breaches, quota and allowance crossings) that happened in
    /// ``(since, now]``, one alert per event that is not suppressed, the status of every open
    /// milestone, per-account rollups, and every case's evaluation.
    ///
    /// ``since=None`` means everything up to ``now``. A job that runs every few minutes, each
    /// time with ``since`` set to its previous ``now``, sees every event exactly once: an
    /// event's instant and key depend only on the history up to that instant. ``cases`` is any
    /// iterable of case dicts (all the open cases, and the cases of the quota periods that
    /// matter); ``now`` and ``since`` are aware datetimes or RFC 3339 strings with an offset.
    /// The work runs without the GIL.
    ///
    /// A bad case (one that cannot be read, names an entitlement or event type the rules do
    /// not define, or shares its id with another case) never stops the others: it is left out,
    /// ``report.errors`` has its ``CaseError`` and ``report.events`` a ``"data_error"`` event
    /// (with its alert). ``on_error="raise"`` raises the first bad case's ``InputError``
    /// instead. A ``since`` that is not before ``now`` raises ``InputError``
    /// (``invalid_window``)::
    ///
    ///     report = rules.monitor(cases, now, since=last_now)
    ///     for alert in report.alerts:
    ///         slack.chat_postMessage(channel="#support-sla", **alert.slack_blocks())
    #[pyo3(signature = (cases, now, since = None, *, on_error = None), text_signature = "($self, cases, now, since=None, *, on_error='collect')")]
    fn monitor(
        &self,
        py: Python<'_>,
        cases: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        since: Option<&Bound<'_, PyAny>>,
        on_error: Option<&Bound<'_, PyAny>>,
    ) -> Result<MonitorReport> {
        let on_error = on_error_arg(on_error)?;
        let batch = case_batch(cases, on_error)?;
        let now = instant_arg(now, "now")?;
        let since = since_arg(since)?;
        let rules = &self.inner;
        let report = detached(py, move || {
            rules.monitor_batch(&batch, now, since, on_error)
        })?;
        Ok(MonitorReport::wrap(report))
    }

    /// Replays ``cases`` (typically closed ones) under these rules and under ``proposed`` (a
    /// proposed contract: a ``Ruleset`` with the same entitlement ids) at ``now``, and reports
    /// the attainment each would have had, side by side.
    ///
    /// Returns a dict: ``rows``, one per milestone name in order of first appearance, each
    /// ``{"milestone", "current", "proposed"}`` where both sides are ``{"met", "late",
    /// "violated", "open", "attainment"}`` (``attainment``: met over met + late + violated, in
    /// percent; ``None`` before any verdict); and ``changes``, the milestone instances whose
    /// state differs, each ``{"case_id", "milestone", "instance", "current", "proposed"}``
    /// (a state, or ``None`` where the milestone does not exist); and ``errors``, a dict per
    /// case left out (``on_error="collect"``: a case either ruleset rejects), with the fields
    /// of ``CaseError``. With ``on_error="raise"`` the first bad case raises. The work runs
    /// without the GIL.
    #[pyo3(signature = (proposed, cases, now, *, on_error = None), text_signature = "($self, proposed, cases, now, *, on_error='collect')")]
    fn what_if<'py>(
        &self,
        py: Python<'py>,
        proposed: &Bound<'py, PyAny>,
        cases: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        on_error: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyDict>> {
        let on_error = on_error_arg(on_error)?;
        let Ok(proposed) = proposed.cast::<Ruleset>() else {
            let found = proposed.get_type().qualname().map(|n| n.to_string());
            return Err(Error::InvalidType {
                path: "proposed".into(),
                expected: "a Ruleset".into(),
                found: found.unwrap_or_default(),
            }
            .in_argument()
            .into());
        };
        let batch = case_batch(cases, on_error)?;
        let now = instant_arg(now, "now")?;
        let (rules, proposed) = (&self.inner, &proposed.get().inner);
        let result = detached(py, move || {
            rules.what_if_batch(proposed, &batch, now, on_error)
        })?;
        Ok(to_py(py, &result)?.cast_into::<PyDict>()?)
    }

    /// What changed from these rules (the old ones) to ``other`` (a ``Ruleset``): a
    /// ``RulesDiff`` whose ``changes`` list every difference of the two documents (calendars,
    /// processes, milestones, targets per tier, triggers, entitlements, monitor settings), each
    /// with its ``kind``, ``path``, ``before``, ``after`` and a ``message``; empty (and the
    /// result false) exactly when the documents are equal in their canonical form.
    ///
    /// With ``cases`` (any iterable of case dicts), each case is also evaluated at ``now`` (an
    /// aware datetime or an RFC 3339 string; the current time when ``None``) under both
    /// rulesets, and ``deadlines`` lists the open milestones whose deadline moves, appears or
    /// disappears. A case either side cannot evaluate is in ``errors``, never raised. The work
    /// runs without the GIL::
    ///
    ///     diff = old.diff(new, cases=open_cases)
    ///     for c in diff.changes:
    ///         print(c["message"])
    #[pyo3(signature = (other, cases = None, now = None))]
    fn diff<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
        cases: Option<&Bound<'py, PyAny>>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> Result<RulesDiff> {
        let Ok(other) = other.cast::<Ruleset>() else {
            let found = other.get_type().qualname().map(|n| n.to_string());
            return Err(Error::InvalidType {
                path: "other".into(),
                expected: "a Ruleset".into(),
                found: found.unwrap_or_default(),
            }
            .in_argument()
            .into());
        };
        let (old, new) = (&self.inner, &other.get().inner);
        let diff = match cases {
            Some(cases) if !cases.is_none() => {
                let batch = case_batch(cases, OnError::Collect)?;
                let now = match now {
                    Some(now) if !now.is_none() => instant_arg(now, "now")?,
                    _ => Utc::now(),
                };
                detached(py, move || old.diff_cases(new, &batch, now))?
            }
            _ => detached(py, move || Ok::<_, Error>(old.diff(new)))?,
        };
        Ok(RulesDiff::wrap(diff))
    }

    /// What in this valid document probably does not do what its author meant: a list of
    /// ``CheckWarning`` objects (``code``, ``path``, ``message``), calendars first, then
    /// processes and entitlements in document order; empty when nothing looks wrong. ``now``
    /// (an aware datetime or an RFC 3339 string; the current time when ``None``) decides which
    /// entitlements have expired or not started yet. Checking never changes the rules or what
    /// loading accepts; see ``docs/check.md`` for every code and its fix::
    ///
    ///     for w in rules.check():
    ///         print(f"{w.path}: {w.message} ({w.code})")
    // `None` reads as the current time; the signature shows it.
    #[pyo3(signature = (now = None))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let now = match now {
            Some(now) if !now.is_none() => instant_arg(now, "now")?,
            _ => Utc::now(),
        };
        let rules = &self.inner;
        let warnings = detached(py, move || Ok::<_, Error>(rules.check_at(now)))?;
        objects(py, &warnings, CheckWarning::wrap)
    }

    fn __repr__(&self) -> String {
        let versions = self.inner.processes().len();
        let mut ids: Vec<&str> = self
            .inner
            .processes()
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        format!(
            "<Ruleset: {} calendars, {} processes ({} versions), {} entitlements>",
            self.inner.calendars().len(),
            ids.len(),
            versions,
            self.inner.entitlements().len(),
        )
    }

    /// Pickles as ``Ruleset.from_dict(self.to_dict())``.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> Result<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let rebuild = slf.get_type().getattr("from_dict")?;
        let document = to_py(py, &slf.get().inner.to_value())?;
        Ok((rebuild, (document,)))
    }
}
