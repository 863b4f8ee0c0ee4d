//! What every host binding (Python, Node) shares, so that the bindings only convert values and
//! never decide a rule of their own: the limits on host values, how a case is named in
//! messages, which fields of a case are instants, and the key rules of documents and options.
//!
//! Results reach a host through serde: every result type derives `Serialize`, and its instants,
//! durations and dates are marked (see [`crate::time::marker`]) so that a binding's serializer
//! makes native values of them. [`result_schema`] describes every result type (fields, types,
//! doc lines) for the bindings' generated type stubs.

use crate::error::{Error, Result};

pub mod case;
pub mod read;
pub mod write;

/// How deeply a host value (a document, a case, an options object) may nest, in every binding,
/// and how deeply a result is written back. Deeper input is refused with `limit_exceeded`
/// naming its path; the documents themselves nest at most 6 levels.
pub const MAX_NESTING: usize = 128;

/// How a case is named in messages and error entries: its id, else `#position` (its place in
/// the input, from 0).
///
/// ```
/// use entitlement_core::host::case_label;
/// assert_eq!(case_label(Some("C-1"), 3), "C-1");
/// assert_eq!(case_label(None, 3), "#3");
/// ```
pub fn case_label(id: Option<&str>, position: usize) -> String {
    match id {
        Some(id) => id.to_string(),
        None => format!("#{position}"),
    }
}

/// Where a value sits in a case, for a binding that converts host values (a `datetime`, a
/// `Date`) into the case's text form: [`CaseSlot::Instant`] marks the case's instants,
/// `created_at` and `events[i].at`.
///
/// ```
/// use entitlement_core::host::CaseSlot;
/// assert_eq!(CaseSlot::Case.property("created_at"), CaseSlot::Instant);
/// assert_eq!(CaseSlot::Case.property("events").item().property("at"), CaseSlot::Instant);
/// assert_eq!(CaseSlot::Case.property("fields"), CaseSlot::Any);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseSlot {
    /// Anywhere without a meaning of its own.
    Any,
    /// The case object itself.
    Case,
    /// Its `events` list.
    Events,
    /// One event.
    Event,
    /// An instant: `created_at` or `events[i].at`.
    Instant,
}

impl CaseSlot {
    /// The slot of the property `key` of an object in this slot.
    pub fn property(self, key: &str) -> CaseSlot {
        match (self, key) {
            (CaseSlot::Case, "created_at") | (CaseSlot::Event, "at") => CaseSlot::Instant,
            (CaseSlot::Case, "events") => CaseSlot::Events,
            _ => CaseSlot::Any,
        }
    }

    /// The slot of the items of a list in this slot.
    pub fn item(self) -> CaseSlot {
        match self {
            CaseSlot::Events => CaseSlot::Event,
            _ => CaseSlot::Any,
        }
    }
}

/// The instant fields of a case, as the columns of a case table name them (`events` items
/// have `at`).
pub const CASE_INSTANT_COLUMNS: [&str; 1] = ["created_at"];
/// The instant fields of an event.
pub const EVENT_INSTANT_COLUMNS: [&str; 1] = ["at"];

/// The unknown-key rule, the same for documents and for options objects in every layer: a
/// key not in `allowed` is an `unknown_key` error naming the object's path and the keys that
/// are valid there.
///
/// ```
/// use entitlement_core::host::check_keys;
/// let err = check_keys(["since", "sinse"], "options", &["since", "now"]).unwrap_err();
/// assert_eq!(err.code(), "unknown_key");
/// assert!(err.to_string().contains("sinse"));
/// ```
pub fn check_keys<'a>(
    keys: impl IntoIterator<Item = &'a str>,
    path: &str,
    allowed: &[&str],
) -> Result<()> {
    for key in keys {
        if !allowed.contains(&key) {
            return Err(Error::UnknownKey {
                path: path.to_string(),
                key: key.to_string(),
                expected: allowed.join(", "),
            });
        }
    }
    Ok(())
}

/// Key aliases that documents accept, in every layer: `(alias, key)`. A calendar definition
/// may say `timeZone` for `time_zone` (the spelling of JavaScript objects); giving both is an
/// `invalid_value`. The definition kept (and written back by `to_dict` / `toJSON`) uses the key.
pub const CALENDAR_KEY_ALIASES: [(&str, &str); 1] = [("timeZone", "time_zone")];

/// The result types, by the name each binding gives its class or interface, in the order the
/// generated stubs list them.
pub const RESULT_TYPES: [&str; 15] = [
    "MilestoneStatus",
    "CaseEvaluation",
    "EntitlementUsage",
    "BreachRisk",
    "MonitorEvent",
    "Alert",
    "AccountRollup",
    "MonitorReport",
    "WhatIf",
    "TriggerStatus",
    "CaseError",
    "CheckWarning",
    "MilestoneOutcome",
    "AccountPeriod",
    "RulesDiff",
];

/// The one description of every result: a JSON schema whose `$defs` hold each result type
/// (and the types they contain) with its fields, their types and their doc lines.
///
/// Instants, durations and dates carry `"x-entitlement": "instant" | "duration" | "date"`,
/// which is how they serialise to a host (see [`crate::time::marker`]). The bindings generate
/// their type stubs (`_entitlement.pyi`, `index.d.ts`) from it, and their tests check that the
/// fields each result serialises are exactly those the schema and the stubs list.
///
/// ```
/// let schema = entitlement_core::host::result_schema();
/// let status = &schema["$defs"]["MilestoneStatus"];
/// assert_eq!(status["properties"]["target_at"]["x-entitlement"], "instant");
/// assert!(status["properties"]["state"].is_object());
/// for name in entitlement_core::host::RESULT_TYPES {
///     assert!(schema["$defs"].get(name).is_some(), "{name}");
/// }
/// ```
pub fn result_schema() -> serde_json::Value {
    use crate::rules::{
        AccountPeriod, AccountRollup, Alert, BreachRisk, CaseError, CaseEvaluation, CheckWarning,
        EntitlementUsage, MilestoneOutcome, MilestoneStatus, MonitorEvent, MonitorReport,
        RulesDiff, TriggerStatus, WhatIf,
    };
    let mut generator = schemars::SchemaGenerator::default();
    generator.subschema_for::<MilestoneStatus>();
    generator.subschema_for::<CaseEvaluation>();
    generator.subschema_for::<EntitlementUsage>();
    generator.subschema_for::<BreachRisk>();
    generator.subschema_for::<MonitorEvent>();
    generator.subschema_for::<Alert>();
    generator.subschema_for::<AccountRollup>();
    generator.subschema_for::<MonitorReport>();
    generator.subschema_for::<WhatIf>();
    generator.subschema_for::<TriggerStatus>();
    generator.subschema_for::<CaseError>();
    generator.subschema_for::<CheckWarning>();
    generator.subschema_for::<MilestoneOutcome>();
    generator.subschema_for::<AccountPeriod>();
    generator.subschema_for::<RulesDiff>();
    let defs = generator.take_definitions(true);
    serde_json::json!({ "$defs": defs })
}
