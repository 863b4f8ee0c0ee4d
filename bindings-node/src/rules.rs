//! `Ruleset`: the rules document (calendars, processes, entitlements) and the evaluation of
//! cases against it.
//!
//! A thin skin over `entitlement_core::rules::Ruleset`: documents and cases are read into JSON
//! values (see [`crate::convert`] and [`crate::case`]), the core validates and evaluates them,
//! and the results are wrapped in the classes of [`crate::status`] (evaluations) and
//! [`crate::monitor`] (monitor reports).

use chrono::{DateTime, Utc};
use entitlement_core::Error as CoreError;
use entitlement_core::rules::{CaseError, OnError, Ruleset as CoreRuleset};
use napi::bindgen_prelude::{
    ClassInstance, Env, FromNapiValue, JavaScriptClassExt, JsObjectValue, Object, Unknown,
};
use napi::{JsValue, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::calendar::Calendar;
use crate::case;
use crate::convert::{self, Shape};
use crate::error::{NodeError, Result, guard};
use crate::plain;
use crate::results::{
    CaseEvaluation, EntitlementUsage, Js, MilestoneStatus, MonitorReport, array, instance,
    instances,
};
use crate::ser::{self, Mode};

/// A validated rules document: named calendars, processes (several versions of one id may
/// coexist) and entitlements, with every cross-reference checked.
///
/// Build it from a plain object in the document format (`docs/rules.md`; `Ruleset.fromObject`), from
/// JSON, YAML or TOML text, or from a file (`Ruleset.load`). Configuration errors are `Error`s
/// whose `code` says what is wrong (`invalid_duration`, `unknown_calendar`, `unknown_process`,
/// ...) and whose message starts with the path (`processes[0].milestones[2].target.values.Sev1`).
///
/// Cases are plain objects in the case shape (`{id, entitlement, created_at, fields,
/// events}`, snake_case keys); their instants and `now` may be `Date`s, ISO strings with an
/// offset or epoch milliseconds. Evaluation is a pure replay of the case's log up to `now`.
///
/// ```js
/// const { Ruleset } = require('entitlement')
/// const rules = Ruleset.load('examples/data/rules.yaml')
/// const statuses = rules.evaluate({
///   id: 'C-1', entitlement: 'acme-gold', created_at: '2026-11-16T10:00:00-05:00',
///   fields: { severity: 'Sev2' },
///   events: [{ at: new Date('2026-11-16T15:40:00Z'), type: 'agent_reply' }],
/// }, new Date('2026-11-16T18:00:00Z'))
/// statuses[0].state // 'completed'
/// ```
#[napi]
pub struct Ruleset {
    pub(crate) inner: CoreRuleset,
}

impl Ruleset {
    /// Wraps a ruleset of the core (one an import built).
    pub(crate) fn wrap(inner: CoreRuleset) -> Self {
        Ruleset { inner }
    }
}

#[napi]
impl Ruleset {
    /// Validates a rules document given as a plain object (the same as `Ruleset.fromObject`).
    #[napi(constructor, ts_args_type = "document: RulesDocument")]
    pub fn new(env: Env, document: Unknown<'_>) -> Result<Self> {
        guard(&env, || Self::build(&env, &document))
    }

    /// Validates a rules document given as a plain object in the document format (`docs/rules.md`):
    /// `calendars` (a `Calendar` object may stand for a definition), `processes` and
    /// `entitlements`. Properties set to `undefined` are left out, as `JSON.stringify` does;
    /// a `Date` is an error (dates are written `"2026-12-31"`).
    #[napi(factory, ts_args_type = "document: RulesDocument")]
    pub fn from_object(env: Env, document: Unknown<'_>) -> Result<Self> {
        guard(&env, || Self::build(&env, &document))
    }

    /// Reads and validates a `.json`, `.yaml` / `.yml` or `.toml` file (synchronously).
    #[napi(factory, ts_args_type = "path: string")]
    pub fn load(env: Env, path: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            let path = convert::string(&path, "path", "a file path string")?;
            Ok(Ruleset {
                inner: CoreRuleset::load(path)?,
            })
        })
    }

    /// Parses and validates a JSON document.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(env: Env, text: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            let text = convert::string(&text, "text", "the text of a JSON document")?;
            Ok(Ruleset {
                inner: CoreRuleset::from_json(&text)?,
            })
        })
    }

    /// Parses and validates a YAML document.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_yaml(env: Env, text: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            let text = convert::string(&text, "text", "the text of a YAML document")?;
            Ok(Ruleset {
                inner: CoreRuleset::from_yaml(&text)?,
            })
        })
    }

    /// Parses and validates a TOML document.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(env: Env, text: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            let text = convert::string(&text, "text", "the text of a TOML document")?;
            Ok(Ruleset {
                inner: CoreRuleset::from_toml(&text)?,
            })
        })
    }

    /// The JSON Schema (draft 2020-12) of the rules document, as an object: the one shipped as
    /// `docs/schema/ruleset.schema.json`, generated from the core's types.
    #[napi(ts_return_type = "JsonSchema")]
    pub fn schema(env: Env) -> Result<Js> {
        guard(&env, || {
            let schema = entitlement_core::schema::ruleset_schema();
            Ok(Js(ser::to_js(env.raw(), &schema, Mode::Native)?))
        })
    }

    /// Replays `case` up to `now` and returns one status per milestone instance, in the
    /// process's milestone order: empty for a case that no process covers (see
    /// `evaluateCase` for the reason).
    ///
    /// Throws when the case is malformed or names what the rules do not define
    /// (`unknown_entitlement`, `unknown_event_type`, `naive_datetime`, ...); the message names
    /// the case and the field (`case "C-1": events[1].type: ...`).
    #[napi(
        ts_args_type = "caseInput: CaseInput, now: Instant",
        ts_return_type = "MilestoneStatus[]"
    )]
    pub fn evaluate(&self, env: Env, case: Unknown<'_>, now: Unknown<'_>) -> Result<Js> {
        guard(&env, || {
            let case = case::read(&case, "case", 0)?;
            let now = now_arg(&now)?;
            let statuses = self.inner.evaluate(&case, now)?;
            instances(
                env.raw(),
                statuses.into_iter().map(MilestoneStatus::from).collect(),
            )
        })
    }

    /// `cases.map(c => rules.evaluate(c, now))` in one call: the cases are read on the JS
    /// thread, then replayed in parallel on all cores.
    ///
    /// One entry per case, in the order of `cases`: its array of statuses, or, for a case left
    /// out, a `CaseError` object (`{caseId, index, code, message, path}`): tell them apart with
    /// `Array.isArray(entry)`. A bad case is one that cannot be read, names what the rules do
    /// not define, or shares its id with another case of the call. With
    /// `{onError: 'raise'}` the first bad case in order throws its error instead.
    #[napi(
        ts_args_type = "cases: CaseInput[], now: Instant, options?: CasesOptions | null",
        ts_return_type = "Array<MilestoneStatus[] | CaseError>"
    )]
    pub fn evaluate_many(
        &self,
        env: Env,
        cases: Unknown<'_>,
        now: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Js> {
        guard(&env, || {
            let on_error = on_error_option(options)?;
            let batch = case::read_batch(&cases, "cases", on_error)?;
            let now = now_arg(&now)?;
            let entries = self
                .inner
                .evaluate_batch(&batch, now, on_error)?
                .into_iter()
                .map(|one| match one {
                    Ok(evaluation) => {
                        let one = evaluation
                            .milestones
                            .into_iter()
                            .map(MilestoneStatus::from)
                            .collect();
                        instances(env.raw(), one).map(|js| js.0)
                    }
                    Err(error) => error_entry(&env, error).map(|js| js.0),
                });
            array(env.raw(), entries.collect::<std::result::Result<_, _>>()?)
        })
    }

    /// Replays `case` up to `now` and says whether a process covers it (and why not), which
    /// process and version apply, the account context, and the milestone statuses.
    #[napi(
        ts_args_type = "caseInput: CaseInput, now: Instant",
        ts_return_type = "CaseEvaluation"
    )]
    pub fn evaluate_case(&self, env: Env, case: Unknown<'_>, now: Unknown<'_>) -> Result<Js> {
        guard(&env, || {
            let case = case::read(&case, "case", 0)?;
            let now = now_arg(&now)?;
            let evaluation = self.inner.evaluate_case(&case, now)?;
            instance(env.raw(), CaseEvaluation::from(evaluation))
        })
    }

    /// The status of an entitlement at `now`, the cases raised under it up to `now` (of
    /// `cases`, which may hold other entitlements' cases too) against its allowance, and each
    /// quota's use in the period that contains `now`. Throws `unknown_entitlement` for an id
    /// the rules do not define.
    #[napi(
        ts_args_type = "entitlementId: string, cases: CaseInput[], now: Instant",
        ts_return_type = "EntitlementUsage"
    )]
    pub fn entitlement_usage(
        &self,
        env: Env,
        entitlement_id: Unknown<'_>,
        cases: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Js> {
        guard(&env, || {
            let id = convert::string(&entitlement_id, "entitlementId", "an entitlement id string")?;
            let list = case::read_list(&cases, "cases")?;
            let now = now_arg(&now)?;
            let usage = self.inner.entitlement_usage(&id, &list, now)?;
            instance(env.raw(), EntitlementUsage::from(usage))
        })
    }

    /// The risk that each open milestone among `cases` breaches, learnt from all of them
    /// (pass a period's cases, closed ones included): per open occurrence, the Kaplan-Meier
    /// estimate that it is still open when its clock reaches the target (`probability`; 1
    /// once past it, `null` without history that ran as long), with how much history there
    /// was (`observations`, `completions`).
    ///
    /// ```js
    /// for (const r of rules.breachRisk(cases, new Date()))
    ///   if (r.probability > 0.5 && r.completions >= 20) warn(r.caseId, r.milestone)
    /// ```
    ///
    /// A bad case is left out of the risks and of the history (`onError: 'collect'`, the
    /// default), and a `CaseError` per bad case follows the risks, in input order (tell them
    /// apart with `'code' in entry`); with `{onError: 'raise'}` the first bad case throws.
    #[napi(
        ts_args_type = "cases: CaseInput[], now: Instant, options?: CasesOptions | null",
        ts_return_type = "Array<BreachRisk | CaseError>"
    )]
    pub fn breach_risk(
        &self,
        env: Env,
        cases: Unknown<'_>,
        now: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Js> {
        guard(&env, || {
            let on_error = on_error_option(options)?;
            let batch = case::read_batch(&cases, "cases", on_error)?;
            let now = now_arg(&now)?;
            let (risks, errors) = self.inner.breach_risk_batch(&batch, now, on_error)?;
            #[derive(serde::Serialize)]
            #[serde(untagged)]
            enum Entry {
                Risk(entitlement_core::rules::BreachRisk),
                Error(CaseError),
            }
            let entries: Vec<Entry> = risks
                .into_iter()
                .map(Entry::Risk)
                .chain(errors.into_iter().map(Entry::Error))
                .collect();
            Ok(Js(plain::list(env.raw(), entries)?))
        })
    }

    /// Runs the breach monitor over `cases` at `now`: the events that happened in
    /// `(since, now]` (everything up to `now` when `since` is omitted or `null`), an alert per
    /// event that no suppression rule held back, the open milestones, and per-account rollups.
    ///
    /// An event's instant and key depend only on the history up to that instant, so a job that
    /// runs every 15 minutes with `since` = its previous `now` reports every event exactly
    /// once.
    ///
    /// A bad case (one that cannot be read, names an entitlement or event type the rules do
    /// not define, or shares its id with another case) never stops the others: it is left out,
    /// `report.errors` has its `CaseError` and `report.events` a `data_error` event (with its
    /// alert). `{onError: 'raise'}` throws the first bad case's error instead. A `since` that
    /// is not before `now` throws `invalid_window`.
    ///
    /// ```js
    /// const report = rules.monitor(cases, '2026-11-25T20:30:00Z', '2026-11-25T20:15:00Z')
    /// report.events.map((e) => e.key)   // ['S-0259/Next Response/1/breach', ...]
    /// for (const alert of report.alerts) await post(alert.slackBlocks())
    /// ```
    #[napi(
        ts_args_type = "cases: CaseInput[], now: Instant, since?: Instant | null, options?: CasesOptions | null",
        ts_return_type = "MonitorReport"
    )]
    pub fn monitor(
        &self,
        env: Env,
        cases: Unknown<'_>,
        now: Unknown<'_>,
        since: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> Result<Js> {
        guard(&env, || {
            let on_error = on_error_option(options)?;
            let batch = case::read_batch(&cases, "cases", on_error)?;
            let now = now_arg(&now)?;
            let since = since_arg(since)?;
            let report = self.inner.monitor_batch(&batch, now, since, on_error)?;
            instance(env.raw(), MonitorReport::from(report))
        })
    }

    /// Replays `cases` (typically closed ones) under these rules and under `proposed` (another
    /// `Ruleset`: a proposed contract with the same entitlement ids) at `now`, and reports each
    /// milestone's attainment side by side (`rows`, milestones matched by name) with the
    /// milestone instances whose verdict would change (`changes`), and a `CaseError` per case
    /// left out (`errors`: a case either ruleset rejects; `{onError: 'raise'}` throws instead).
    #[napi(
        ts_args_type = "proposed: Ruleset, cases: CaseInput[], now: Instant, options?: CasesOptions | null",
        ts_return_type = "WhatIf"
    )]
    pub fn what_if(
        &self,
        env: Env,
        proposed: Unknown<'_>,
        cases: Unknown<'_>,
        now: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Js> {
        guard(&env, || {
            let proposed = Self::unwrap(&env, &proposed, "proposed")?;
            let on_error = on_error_option(options)?;
            let batch = case::read_batch(&cases, "cases", on_error)?;
            let now = now_arg(&now)?;
            let w = self
                .inner
                .what_if_batch(&proposed.inner, &batch, now, on_error)?;
            Ok(Js(plain::to_js(env.raw(), w)?))
        })
    }

    /// What changed from these rules (the old ones) to `other` (another `Ruleset`): a
    /// `RulesDiff` whose `changes` list every difference of the two documents (calendars,
    /// processes, milestones, targets per tier, triggers, entitlements, monitor settings), each
    /// `{kind, path, before, after, message}`; `hasChanges` is false exactly when the documents
    /// are equal in their canonical form. With `options.cases`, each case is also evaluated at
    /// `options.now` (the current time when omitted) under both rulesets: `deadlines` lists the
    /// open milestones whose deadline moves, appears or disappears (`delta` in milliseconds,
    /// negative when earlier), and `errors` the cases either side cannot evaluate (never
    /// thrown). `docs/diff.md`.
    ///
    /// ```js
    /// const d = oldRules.diff(newRules, { cases: openCases, now: new Date() })
    /// for (const c of d.changes) console.log(c.message)
    /// ```
    #[napi(
        ts_args_type = "other: Ruleset, options?: { cases?: CaseInput[] | null, now?: Instant | null } | null",
        ts_return_type = "RulesDiff"
    )]
    pub fn diff(&self, env: Env, other: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Js> {
        guard(&env, || {
            let other = Self::unwrap(&env, &other, "other")?;
            let mut cases_and_now = None;
            if let Some(o) = options
                .filter(|o| !matches!(o.get_type(), Ok(ValueType::Undefined) | Ok(ValueType::Null)))
            {
                if !convert::is_object(&o)? {
                    return Err(CoreError::InvalidType {
                        path: "options".into(),
                        expected: "an options object such as {cases, now}".into(),
                        found: convert::describe(&o),
                    }
                    .in_argument()
                    .into());
                }
                // SAFETY: `o` is a plain object of the current call (checked above).
                let object = unsafe { o.cast::<Object<'_>>() }?;
                let keys = convert::keys(&object, "options")?;
                entitlement_core::host::check_keys(
                    keys.iter().map(String::as_str),
                    "options",
                    &["cases", "now"],
                )
                .map_err(CoreError::in_argument)?;
                let cases: Unknown<'_> = object.get_named_property_unchecked("cases")?;
                let now: Unknown<'_> = object.get_named_property_unchecked("now")?;
                if !matches!(cases.get_type()?, ValueType::Undefined | ValueType::Null) {
                    let batch = case::read_batch(&cases, "options.cases", OnError::Collect)?;
                    let now = match now.get_type()? {
                        ValueType::Undefined | ValueType::Null => Utc::now(),
                        _ => convert::date(convert::instant(&now, "options.now")?)?,
                    };
                    cases_and_now = Some((batch, now));
                }
            }
            let diff = match cases_and_now {
                Some((batch, now)) => self.inner.diff_cases(&other.inner, &batch, now)?,
                None => self.inner.diff(&other.inner),
            };
            Ok(Js(plain::to_js(env.raw(), diff)?))
        })
    }

    /// What in this valid document probably does not do what its author meant: an array of
    /// `{code, path, message}` (calendars first, then processes and entitlements in document
    /// order; empty when nothing looks wrong). `code` is a stable name such as `day_duration`
    /// (`docs/check.md` lists every one with its fix), `path` where it is in the document
    /// (`processes[0].milestones[1].target`), `message` what is wrong and what to write
    /// instead. `options.now` (a `Date`, an ISO string with an offset or epoch milliseconds;
    /// the current time when omitted) decides which entitlements have expired or not started
    /// yet. Checking never changes the rules or what loading accepts.
    ///
    /// ```js
    /// for (const w of rules.check()) console.warn(`${w.path}: ${w.message} (${w.code})`)
    /// rules.check({ now: '2026-11-25T20:30:00Z' })
    /// ```
    #[napi(
        ts_args_type = "options?: { now?: Instant } | null",
        ts_return_type = "CheckWarning[]"
    )]
    pub fn check(&self, env: Env, options: Option<Unknown<'_>>) -> Result<Js> {
        guard(&env, || {
            let now = match options {
                Some(o) if !matches!(o.get_type()?, ValueType::Undefined | ValueType::Null) => {
                    if !convert::is_object(&o)? {
                        return Err(CoreError::InvalidType {
                            path: "options".into(),
                            expected: "an options object such as {now: new Date()}".into(),
                            found: convert::describe(&o),
                        }
                        .in_argument()
                        .into());
                    }
                    // SAFETY: `o` is a plain object of the current call (checked above).
                    let object = unsafe { o.cast::<Object<'_>>() }?;
                    let keys = convert::keys(&object, "options")?;
                    entitlement_core::host::check_keys(
                        keys.iter().map(String::as_str),
                        "options",
                        &["now"],
                    )
                    .map_err(CoreError::in_argument)?;
                    let now: Unknown<'_> = object.get_named_property_unchecked("now")?;
                    match now.get_type()? {
                        ValueType::Undefined | ValueType::Null => Utc::now(),
                        _ => convert::date(convert::instant(&now, "options.now")?)?,
                    }
                }
                _ => Utc::now(),
            };
            let warnings = self.inner.check_at(now);
            Ok(Js(plain::list(env.raw(), warnings)?))
        })
    }

    /// The document in its canonical form (durations normalised, defaults explicit where they
    /// matter), as a plain object that `Ruleset.fromObject` accepts back.
    #[napi(ts_return_type = "RulesDocument")]
    pub fn to_object(&self, env: Env) -> Result<Js> {
        guard(&env, || {
            Ok(Js(ser::to_js(
                env.raw(),
                &self.inner.to_value(),
                Mode::Native,
            )?))
        })
    }

    /// The same as `toObject()`: `JSON.stringify(rules)` writes the document.
    #[napi(js_name = "toJSON", ts_return_type = "RulesDocument")]
    pub fn to_json(&self, env: Env) -> Result<Js> {
        self.to_object(env)
    }
}

impl Ruleset {
    /// Reads a document object and asks the core to validate it.
    fn build(env: &Env, document: &Unknown<'_>) -> std::result::Result<Self, NodeError> {
        if !convert::is_object(document)? {
            return Err(CoreError::InvalidType {
                path: "document".into(),
                expected: "a rules document object such as \
                           {calendars: {...}, processes: [...], entitlements: [...]}"
                    .into(),
                found: convert::describe(document),
            }
            .into());
        }
        let embed = |value: &Unknown<'_>| -> std::result::Result<Option<Value>, NodeError> {
            Calendar::embedded(env, value)
        };
        let value = convert::json(document, Shape::Document, &embed)?;
        Ok(Ruleset {
            inner: CoreRuleset::from_value(&value)?,
        })
    }
}

impl Ruleset {
    /// The `Ruleset` object passed as `proposed`, or an `invalid_type` error.
    fn unwrap<'a>(
        env: &Env,
        value: &'a Unknown<'a>,
        argument: &str,
    ) -> std::result::Result<ClassInstance<'a, Ruleset>, NodeError> {
        let not_rules = |found: String| -> NodeError {
            CoreError::InvalidType {
                path: argument.into(),
                expected: "a Ruleset (from Ruleset.load, Ruleset.fromObject, ...)".into(),
                found,
            }
            .into()
        };
        if value.get_type()? != ValueType::Object || !Ruleset::instance_of(env, value)? {
            return Err(not_rules(convert::describe(value)));
        }
        // SAFETY: `env` and `value` come from the current callback. `from_napi_value` checks that
        // the object wraps a `Ruleset` (`napi_unwrap` and the class identity) before casting.
        unsafe { ClassInstance::<Ruleset>::from_napi_value(env.raw(), value.raw()) }
            .map_err(|_| not_rules("an object that only inherits from Ruleset.prototype".into()))
    }
}

/// The `options` argument of a call over many cases: `{onError: 'collect' | 'raise'}`, each
/// key optional; `undefined` or `null` for the defaults.
pub(crate) fn on_error_option(
    options: Option<Unknown<'_>>,
) -> std::result::Result<OnError, NodeError> {
    let Some(options) =
        options.filter(|o| !matches!(o.get_type(), Ok(ValueType::Undefined) | Ok(ValueType::Null)))
    else {
        return Ok(OnError::Collect);
    };
    let map = crate::import::options(&options)?;
    crate::import::check_keys(&map, &["onError"])?;
    match map.get("onError") {
        None | Some(Value::Null) => Ok(OnError::Collect),
        Some(Value::String(name)) => Ok(OnError::from_name(name, "options.onError")?),
        Some(other) => Err(CoreError::InvalidType {
            path: "options.onError".into(),
            expected: "'collect' or 'raise'".into(),
            found: match other {
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "an array",
                _ => "an object",
            }
            .into(),
        }
        .in_argument()
        .into()),
    }
}

/// The optional `since` argument: `undefined` or `null` for everything up to `now`.
pub(crate) fn since_arg(
    since: Option<Unknown<'_>>,
) -> std::result::Result<Option<DateTime<Utc>>, NodeError> {
    match since {
        Some(s) if !matches!(s.get_type()?, ValueType::Undefined | ValueType::Null) => {
            Ok(Some(convert::date(convert::instant(&s, "since")?)?))
        }
        _ => Ok(None),
    }
}

/// A case error entry as a plain object (`{caseId, index, code, message, path}`).
fn error_entry(env: &Env, error: CaseError) -> std::result::Result<Js, NodeError> {
    Ok(Js(plain::to_js(env.raw(), error)?))
}

/// The `now` argument as a chrono instant.
fn now_arg(now: &Unknown<'_>) -> std::result::Result<DateTime<Utc>, NodeError> {
    convert::date(convert::instant(now, "now")?)
}
