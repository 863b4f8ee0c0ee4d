//! Reading a host's case (a Python `dict`, a JavaScript object) straight into the core's
//! [`Case`], without a `serde_json::Value` for the whole case: the one reader both bindings use.
//!
//! [`read_case`] gives exactly what the reference path gives, [`to_json`] with
//! [`CaseSlot::Case`] followed by [`Case::from_value_at`], for every input: the same case, or
//! the same error (code, path, message, and the same error when there are several). It gets
//! there in two steps:
//!
//! - a direct read, which takes only the host's scalars and lists it needs (instants straight
//!   from [`HostKind::Instant`], no RFC 3339 round trip; field values as JSON scalars; the
//!   events into [`Event`]s) and gives up, without an error, at the first thing that is not a
//!   plainly valid case (an unknown key, a value of the wrong type, a bad instant, a key given
//!   twice, a host failure, an unusual value such as [`HostKind::Json`]);
//! - when it gives up, the reference path reads the same value again and says what is wrong.
//!
//! A valid case therefore costs one walk and no intermediate JSON; a bad one costs two walks,
//! and its error is that of the reference path by construction (a host whose values change
//! between two reads, such as a JavaScript getter, gets the error of the second read). The law
//! "the direct read, when it gives a case, gives the reference path's case" is a property test
//! below.
//!
//! ```
//! use entitlement_core::host::case::read_case;
//! # use entitlement_core::host::CaseSlot;
//! # use entitlement_core::host::read::{HostKind, HostReader};
//! # use entitlement_core::Error;
//! # use serde_json::{Value, json};
//! # /// A toy host: JSON values, where `{"$instant": us}` is an instant.
//! # struct Toy;
//! # impl HostReader for Toy {
//! #     type Value = Value;
//! #     type List = Vec<Value>;
//! #     type Map = serde_json::Map<String, Value>;
//! #     type Error = Error;
//! #     const EXPECTED: &'static str = "a JSON value";
//! #     fn kind(&self, v: &Value, _: CaseSlot, _: &str) -> Result<HostKind<Self::List, Self::Map>, Error> {
//! #         Ok(match v {
//! #             Value::Null => HostKind::Null,
//! #             Value::Bool(b) => HostKind::Bool(*b),
//! #             Value::Number(n) => match n.as_i64() {
//! #                 Some(i) => HostKind::Int(i),
//! #                 None => HostKind::Float(n.as_f64().unwrap_or(f64::NAN)),
//! #             },
//! #             Value::String(s) => HostKind::Text(s.clone()),
//! #             Value::Array(items) => HostKind::List(items.clone(), items.len()),
//! #             Value::Object(map) => match map.get("$instant").and_then(Value::as_i64) {
//! #                 Some(us) => HostKind::Instant(chrono::DateTime::from_timestamp_micros(us).unwrap()),
//! #                 None => HostKind::Map(map.clone()),
//! #             },
//! #         })
//! #     }
//! #     fn item(&self, list: &Vec<Value>, i: usize, _: &str) -> Result<Value, Error> { Ok(list[i].clone()) }
//! #     fn entries(&self, map: Self::Map, _: &str) -> Result<Vec<(String, Value)>, Error> {
//! #         Ok(map.into_iter().collect())
//! #     }
//! # }
//! // `Toy` is the toy host of `host::read`'s example.
//! let case = json!({"id": "C-1", "created_at": {"$instant": 1_772_830_800_000_000_i64},
//!                   "fields": {"severity": "Sev1"},
//!                   "events": [{"at": "2026-03-06T21:05:00Z", "type": "agent_reply"}]});
//! let case = read_case(&Toy, &case, 0).unwrap().unwrap();
//! assert_eq!(case.created_at.to_rfc3339(), "2026-03-06T21:00:00+00:00");
//! assert_eq!(case.events.len(), 1);
//!
//! // Errors are the reference path's: here from `Case::from_value_at`, naming the case.
//! let err = read_case(&Toy, &json!({"created_at": "2026-03-06T21:00:00Z"}), 4).unwrap().unwrap_err();
//! assert_eq!(err.to_string(), "case \"#4\": (top level): missing required key `id`");
//! ```

use chrono::{DateTime, Utc};
use serde_json::{Map, Number, Value};

use crate::error::Error;
use crate::host::CaseSlot;
use crate::host::read::{HostKind, HostReader, read_at, to_json};
use crate::rules::{Case, Event, EventKind, MAX_EVENTS, ProcessRef};
use crate::time::{parse_instant, rfc3339};
use crate::{MAX_MICROS, MIN_MICROS};

/// Reads the case `value` of a host, `position` its place in the input (it names a case
/// without a readable id).
///
/// The outer result is the host read's ([`to_json`] with [`CaseSlot::Case`]): an error there
/// is not yet placed in a case (the binding names the case, as it names a failed conversion
/// today). The inner result is the core's ([`Case::from_value_at`]): a case, or an
/// [`Error::InCase`] naming the case and the path inside it. See the
/// [module documentation](self) for an example.
#[allow(clippy::type_complexity)]
pub fn read_case<R: HostReader>(
    reader: &R,
    value: &R::Value,
    position: usize,
) -> Result<Result<Case, Error>, R::Error> {
    if let Some(case) = read_plain(reader, value) {
        return Ok(Ok(case));
    }
    let value = to_json(reader, value, CaseSlot::Case)?;
    Ok(Case::from_value_at(&value, position))
}

/// The direct read alone: the case [`read_case`] gives when `value` is a plainly valid case,
/// `None` where [`read_case`] would go on to read it the reference way (and then give a case or
/// an error). A binding that has read its host's values into a form of its own in bulk (the
/// Node binding's tape of a list of cases) reads each case with it, and gives the host value
/// of a case for which it is `None` to [`read_case`].
/// `Some` only for a case that the reference path reads without an error, and then the very
/// case it reads.
pub fn read_plain<R: HostReader>(reader: &R, value: &R::Value) -> Option<Case> {
    let HostKind::Map(map) = reader.kind(value, CaseSlot::Case, "").ok()? else {
        return None;
    };
    let mut seen = Seen::default();
    let mut id = None;
    let mut entitlement = None;
    let mut process = None;
    let mut created_at = None;
    let mut fields = Map::new();
    let mut events = Vec::new();
    for (key, item) in reader.entries(map, "").ok()? {
        let slot = CaseSlot::Case.property(&key);
        let kind = reader.kind(&item, slot, "").ok()?;
        if matches!(kind, HostKind::Undefined) {
            // Left out, as the reference path leaves it.
            continue;
        }
        match key.as_str() {
            "id" => {
                seen.once(0)?;
                id = Some(match scalar(kind)? {
                    Value::String(s) if !s.is_empty() => s,
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                });
            }
            "entitlement" => {
                seen.once(1)?;
                entitlement = match scalar(kind)? {
                    Value::Null => None,
                    Value::String(s) => Some(s),
                    _ => return None,
                };
            }
            "process" => {
                seen.once(2)?;
                // Rare, and small: read the reference way.
                let value = read_at(reader, &item, &mut String::new(), 1, slot).ok()?;
                process = match value {
                    Value::Null => None,
                    v => Some(ProcessRef::parse(&v, "process").ok()?),
                };
            }
            "created_at" => {
                seen.once(3)?;
                created_at = Some(instant(kind)?);
            }
            "fields" => {
                seen.once(4)?;
                match kind {
                    HostKind::Null => {}
                    HostKind::Map(map) => {
                        for (name, item) in reader.entries(map, "").ok()? {
                            match reader.kind(&item, CaseSlot::Any, "").ok()? {
                                HostKind::Undefined => {}
                                kind => {
                                    fields.insert(name, scalar(kind)?);
                                }
                            }
                        }
                    }
                    _ => return None,
                }
            }
            "events" => {
                seen.once(5)?;
                match kind {
                    HostKind::Null => {}
                    HostKind::List(list, len) => {
                        if len > MAX_EVENTS {
                            return None;
                        }
                        events.reserve(crate::host::read::reserve(len));
                        for index in 0..len {
                            let item = reader.item(&list, index, "").ok()?;
                            events.push(raw_event(reader, &item)?);
                        }
                    }
                    _ => return None,
                }
            }
            "meta" => {
                seen.once(6)?;
                // Ignored by the core, but read, so that what the reference path refuses in it
                // (a value nested too deep, a naive datetime) is refused here too.
                read_at(reader, &item, &mut String::new(), 1, slot).ok()?;
            }
            _ => return None,
        }
    }
    let created_at = created_at?;
    let events = events
        .into_iter()
        .map(|raw| raw.event(created_at))
        .collect::<Option<Vec<Event>>>()?;
    Some(Case {
        id: id?,
        entitlement,
        process,
        created_at,
        fields,
        events,
    })
}

/// The keys met so far in a mapping: a key given twice (a host mapping can list one twice) is
/// left to the reference path.
#[derive(Default)]
struct Seen(u8);

impl Seen {
    fn once(&mut self, bit: u8) -> Option<()> {
        let mask = 1 << bit;
        if self.0 & mask != 0 {
            return None;
        }
        self.0 |= mask;
        Some(())
    }
}

/// A scalar host value as the JSON value the reference path writes for it; `None` for a list,
/// a mapping, a value that is not JSON or a number that is not finite.
fn scalar<L, M>(kind: HostKind<L, M>) -> Option<Value> {
    Some(match kind {
        HostKind::Null => Value::Null,
        HostKind::Bool(b) => Value::Bool(b),
        HostKind::Int(i) => Value::Number(i.into()),
        HostKind::UInt(u) => Value::Number(u.into()),
        HostKind::Float(x) => Value::Number(Number::from_f64(x)?),
        HostKind::Text(s) => Value::String(s),
        HostKind::Instant(t) => Value::String(rfc3339(t)),
        HostKind::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        HostKind::Json(
            v @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)),
        ) => v,
        _ => return None,
    })
}

/// An instant of a case (`created_at`, `events[i].at`): a host instant taken as it is when its
/// RFC 3339 text would read back to the same microsecond, else the text read by the core's
/// parser.
fn instant<L, M>(kind: HostKind<L, M>) -> Option<DateTime<Utc>> {
    let us = match kind {
        HostKind::Instant(t) => {
            let nanos = t.timestamp_subsec_nanos();
            // Sub-microsecond digits are cut by the parser, and a leap second is refused.
            if nanos % 1000 != 0 || nanos >= 1_000_000_000 {
                return None;
            }
            t.timestamp_micros()
        }
        kind => match scalar(kind)? {
            Value::String(text) => parse_instant(&text, "").ok()?,
            _ => return None,
        },
    };
    if !(MIN_MICROS..=MAX_MICROS).contains(&us) {
        return None;
    }
    DateTime::from_timestamp_micros(us)
}

/// The parts of an event as a host holds them (JSON scalars, `None` for a part left out),
/// checked into an [`Event`] once the case's `created_at` is known (a host mapping may list
/// `events` before it). A binding that reads its own columnar data (Arrow) fills these and
/// calls [`EventParts::event`]; where that gives `None` it reads the row the reference way,
/// which says what is wrong.
///
/// ```
/// use entitlement_core::host::case::EventParts;
/// use entitlement_core::rules::EventKind;
/// let created_at = "2026-03-06T21:00:00Z".parse()?;
/// let parts = EventParts {
///     at: "2026-03-06T21:05:00Z".parse()?,
///     kind: "status".into(),
///     to: Some("Open".into()),
///     from: None,
///     field: None,
///     id: Some(7.into()),
/// };
/// let event = parts.event(created_at).unwrap();
/// assert_eq!(event.kind, EventKind::Status { to: "Open".into(), from: None });
/// assert_eq!(event.id.as_deref(), Some("7"));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EventParts {
    /// `at`.
    pub at: DateTime<Utc>,
    /// `type`.
    pub kind: String,
    /// `to`, if given (`Some(Value::Null)` when given as null).
    pub to: Option<Value>,
    /// `from`, if given.
    pub from: Option<Value>,
    /// `field`, if given.
    pub field: Option<Value>,
    /// `id`, if given.
    pub id: Option<Value>,
}

fn raw_event<R: HostReader>(reader: &R, value: &R::Value) -> Option<EventParts> {
    let HostKind::Map(map) = reader.kind(value, CaseSlot::Event, "").ok()? else {
        return None;
    };
    let mut seen = Seen::default();
    let (mut at, mut kind, mut id) = (None, None, None);
    let (mut to, mut from, mut field) = (None, None, None);
    for (key, item) in reader.entries(map, "").ok()? {
        let slot = CaseSlot::Event.property(&key);
        let host = reader.kind(&item, slot, "").ok()?;
        if matches!(host, HostKind::Undefined) {
            continue;
        }
        match key.as_str() {
            "at" => {
                seen.once(0)?;
                at = Some(instant(host)?);
            }
            "type" => {
                seen.once(1)?;
                let Value::String(name) = scalar(host)? else {
                    return None;
                };
                kind = Some(name);
            }
            "to" => {
                seen.once(2)?;
                to = Some(scalar(host)?);
            }
            "from" => {
                seen.once(3)?;
                from = Some(scalar(host)?);
            }
            "field" => {
                seen.once(4)?;
                field = Some(scalar(host)?);
            }
            "id" => {
                seen.once(5)?;
                id = Some(scalar(host)?);
            }
            "meta" => {
                seen.once(6)?;
                read_at(reader, &item, &mut String::new(), 3, slot).ok()?;
            }
            _ => return None,
        }
    }
    Some(EventParts {
        at: at?,
        kind: kind?,
        to,
        from,
        field,
        id,
    })
}

impl EventParts {
    /// The event, as the core reads it in a case created at `created_at`, or `None` where the
    /// core would refuse it (a missing or misplaced `to`/`from`/`field`, a value of the wrong
    /// type, the types `created` and `""`, an event before `created_at`).
    pub fn event(self, created_at: DateTime<Utc>) -> Option<Event> {
        if self.at < created_at {
            return None;
        }
        let kind = match self.kind.as_str() {
            "status" => {
                if self.field.is_some() {
                    return None;
                }
                let Some(Value::String(to)) = self.to else {
                    return None;
                };
                let from = match self.from {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s),
                    Some(_) => return None,
                };
                EventKind::Status { to, from }
            }
            "field" => {
                let Some(Value::String(field)) = self.field else {
                    return None;
                };
                EventKind::Field {
                    field,
                    to: self.to?,
                    from: self.from,
                }
            }
            "" | "created" => return None,
            name => {
                if self.to.is_some() || self.from.is_some() || self.field.is_some() {
                    return None;
                }
                match name {
                    "agent_reply" => EventKind::AgentReply,
                    "customer_reply" => EventKind::CustomerReply,
                    "solved" => EventKind::Solved,
                    "closed" => EventKind::Closed,
                    "reopened" => EventKind::Reopened,
                    "stop" => EventKind::Stop,
                    "resume" => EventKind::Resume,
                    _ => EventKind::Custom { name: self.kind },
                }
            }
        };
        let id = match self.id {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return None,
        };
        Some(Event {
            at: self.at,
            kind,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// JSON values, where `{"$instant": us}` is an instant (`{"$instant": "nanos"}` one with
    /// nanoseconds), `{"$undefined": 0}` JavaScript's `undefined`, `{"$nan": 0}` a NaN and
    /// `{"$date": "YYYY-MM-DD"}` a date.
    struct Toy;

    impl HostReader for Toy {
        type Value = Value;
        type List = Vec<Value>;
        type Map = Map<String, Value>;
        type Error = Error;
        const EXPECTED: &'static str = "a JSON value";

        fn kind(
            &self,
            v: &Value,
            _: CaseSlot,
            path: &str,
        ) -> Result<HostKind<Vec<Value>, Self::Map>, Error> {
            Ok(match v {
                Value::Null => HostKind::Null,
                Value::Bool(b) => HostKind::Bool(*b),
                Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => HostKind::Int(i),
                    (_, Some(u)) => HostKind::UInt(u),
                    _ => HostKind::Float(n.as_f64().unwrap_or(f64::NAN)),
                },
                Value::String(s) => HostKind::Text(s.clone()),
                Value::Array(items) => HostKind::List(items.clone(), items.len()),
                Value::Object(map) => {
                    if let Some(us) = map.get("$instant").and_then(Value::as_i64) {
                        match DateTime::from_timestamp_micros(us) {
                            Some(t) => HostKind::Instant(t),
                            None => {
                                return Err(Error::HostValue {
                                    path: path.to_owned(),
                                    problem: crate::error::HostProblem::OutOfRange,
                                    reason: "out of range".into(),
                                });
                            }
                        }
                    } else if let Some(ns) = map.get("$nanos").and_then(Value::as_i64) {
                        HostKind::Instant(DateTime::from_timestamp_nanos(ns))
                    } else if map.contains_key("$undefined") {
                        HostKind::Undefined
                    } else if map.contains_key("$nan") {
                        HostKind::Float(f64::NAN)
                    } else if map.contains_key("$gizmo") {
                        HostKind::Other("a gizmo".into())
                    } else if let Some(d) = map.get("$date").and_then(Value::as_str) {
                        HostKind::Date(d.parse().unwrap())
                    } else if let Some(j) = map.get("$json") {
                        HostKind::Json(j.clone())
                    } else {
                        HostKind::Map(map.clone())
                    }
                }
            })
        }
        fn item(&self, list: &Vec<Value>, i: usize, _: &str) -> Result<Value, Error> {
            Ok(list[i].clone())
        }
        fn entries(&self, map: Self::Map, _: &str) -> Result<Vec<(String, Value)>, Error> {
            Ok(map.into_iter().collect())
        }
        fn root(&self) -> &str {
            "case"
        }
    }

    /// The reference path.
    fn reference(value: &Value, position: usize) -> Result<Result<Case, Error>, Error> {
        let json = to_json(&Toy, value, CaseSlot::Case)?;
        Ok(Case::from_value_at(&json, position))
    }

    fn same(
        a: &Result<Result<Case, Error>, Error>,
        b: &Result<Result<Case, Error>, Error>,
    ) -> bool {
        let err = |x: &Error, y: &Error| x.code() == y.code() && x.to_string() == y.to_string();
        match (a, b) {
            (Ok(Ok(x)), Ok(Ok(y))) => x == y,
            (Ok(Err(x)), Ok(Err(y))) | (Err(x), Err(y)) => err(x, y),
            _ => false,
        }
    }

    /// Any JSON-like value, host oddities included, nested up to a few levels.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e30f64..1e30).prop_map(Value::from),
            ".{0,6}".prop_map(Value::String),
            instant_text(),
            host_instant(),
            Just(json!({"$undefined": 0})),
            Just(json!({"$nan": 0})),
            Just(json!({"$gizmo": 0})),
            Just(json!({"$date": "2026-03-06"})),
            Just(json!({"$json": "text"})),
            Just(json!({"$json": {"a": 1}})),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-z]{0,4}", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Instants as text: valid (UTC, offsets, fractions), naive, out of range, not a date.
    fn instant_text() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just("2026-03-06T21:00:00Z"),
            Just("2026-03-06T20:00:00Z"),
            Just("2026-03-06T22:00:00.123456789+01:00"),
            Just("2026-03-07T09:30:00-05:00"),
            Just("2026-03-06T21:00:00"),
            Just("2026-03-06"),
            Just("2026-02-30T10:00:00Z"),
            Just("0001-01-01T00:00:00+01:00"),
            Just("9999-12-31T23:59:59.999999Z"),
            Just("next tuesday"),
        ]
        .prop_map(|s| Value::String(s.to_owned()))
    }

    /// Host instants: plain, with nanoseconds, early and late.
    fn host_instant() -> impl Strategy<Value = Value> {
        prop_oneof![
            (1_772_820_000_000_000i64..1_772_900_000_000_000)
                .prop_map(|us| json!({"$instant": us})),
            Just(json!({"$instant": crate::MIN_MICROS})),
            Just(json!({"$instant": crate::MIN_MICROS - 1})),
            Just(json!({"$instant": crate::MAX_MICROS})),
            Just(json!({"$instant": i64::MAX})),
            (1_772_820_000_000_000_000i64..1_772_900_000_000_000_000)
                .prop_map(|ns| json!({"$nanos": ns})),
        ]
    }

    fn event_type() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just("status"),
            Just("field"),
            Just("agent_reply"),
            Just("customer_reply"),
            Just("solved"),
            Just("closed"),
            Just("reopened"),
            Just("stop"),
            Just("resume"),
            Just("created"),
            Just(""),
            Just("diagnosed"),
        ]
        .prop_map(|s| Value::String(s.to_owned()))
    }

    /// A value for a key: usually a plausible one, sometimes anything.
    fn or_any(plausible: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
        prop_oneof![4 => plausible, 1 => any_value()].boxed()
    }

    fn text() -> BoxedStrategy<Value> {
        prop_oneof![
            Just(json!("Open")),
            Just(json!("severity")),
            Just(json!("")),
            Just(json!(7))
        ]
        .boxed()
    }

    fn event() -> impl Strategy<Value = Value> {
        let entries = vec![
            ("at", or_any(prop_oneof![instant_text(), host_instant()])),
            ("type", or_any(event_type())),
            ("to", or_any(text())),
            ("from", or_any(text())),
            ("field", or_any(text())),
            ("id", or_any(text())),
            ("meta", any_value().boxed()),
            ("typo", any_value().boxed()),
        ];
        object(entries, vec![0.95, 0.95, 0.4, 0.2, 0.3, 0.2, 0.1, 0.03])
    }

    /// A mapping of `entries`, each present with its probability.
    fn object(
        entries: Vec<(&'static str, BoxedStrategy<Value>)>,
        odds: Vec<f64>,
    ) -> BoxedStrategy<Value> {
        let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = entries
            .into_iter()
            .zip(odds)
            .map(|((key, value), p)| {
                prop::option::weighted(p, value.prop_map(move |v| (key.to_owned(), v))).boxed()
            })
            .collect();
        parts
            .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect()))
            .boxed()
    }

    fn case() -> impl Strategy<Value = Value> {
        let fields = prop::collection::vec(("[a-c]{1,2}", any_value()), 0..4)
            .prop_map(|kv| Value::Object(kv.into_iter().collect()));
        let scalar_fields = prop::collection::vec(
            (
                "[a-c]{1,2}",
                prop_oneof![text(), Just(json!(null)), Just(json!(2.5))],
            ),
            0..4,
        )
        .prop_map(|kv| Value::Object(kv.into_iter().collect()));
        let entries = vec![
            (
                "id",
                or_any(prop_oneof![
                    Just(json!("C-1")),
                    Just(json!(12)),
                    Just(json!(1.5))
                ]),
            ),
            ("entitlement", or_any(Just(json!("acme")))),
            (
                "process",
                or_any(prop_oneof![
                    Just(json!("gold")),
                    Just(json!({"id": "gold", "version": 2}))
                ]),
            ),
            (
                "created_at",
                or_any(prop_oneof![instant_text(), host_instant()]),
            ),
            ("fields", or_any(prop_oneof![scalar_fields, fields])),
            (
                "events",
                or_any(prop::collection::vec(event(), 0..5).prop_map(Value::Array)),
            ),
            ("meta", any_value().boxed()),
            ("typo", any_value().boxed()),
        ];
        object(entries, vec![0.95, 0.6, 0.1, 0.95, 0.6, 0.8, 0.1, 0.03])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// The direct read gives a case only where the reference path gives that very case,
        /// and `read_case` always gives what the reference path gives.
        #[test]
        fn the_direct_read_agrees_with_the_reference_path(value in case(), position in 0usize..9) {
            let expected = reference(&value, position);
            if let Some(case) = read_plain(&Toy, &value) {
                prop_assert!(matches!(&expected, Ok(Ok(c)) if *c == case), "{value}: {expected:?}");
            }
            let got = read_case(&Toy, &value, position);
            prop_assert!(same(&got, &expected), "{value}: {got:?} != {expected:?}");
        }
    }

    #[test]
    fn plain_valid_cases_take_the_direct_read() {
        let cases = [
            json!({"id": "C-1", "created_at": "2026-03-06T21:00:00Z"}),
            json!({"id": 7, "entitlement": "acme", "created_at": {"$instant": 1_772_830_800_000_000_i64},
                   "fields": {"severity": "Sev1", "n": 2, "x": null, "b": true, "d": {"$date": "2026-01-02"}},
                   "events": [
                       {"at": "2026-03-06T21:05:00Z", "type": "status", "to": "Open", "from": null},
                       {"at": {"$instant": 1_772_830_900_000_000_i64}, "type": "field", "field": "severity",
                        "to": "Sev2", "from": "Sev1", "id": "e-1"},
                       {"at": "2026-03-06T22:05:00+01:00", "type": "agent_reply", "id": 3,
                        "meta": {"by": ["a", {"b": 1}]}},
                       {"at": "2026-03-06T21:05:00Z", "type": "diagnosed"},
                       {"at": "2026-03-06T21:05:00Z", "type": "stop", "id": {"$undefined": 0}},
                   ],
                   "meta": {"source": "zendesk"}}),
            json!({"events": null, "fields": null, "entitlement": null, "process": {"id": "gold", "version": 2},
                   "created_at": "2026-03-06T21:00:00Z", "id": "C-3"}),
        ];
        for value in cases {
            let case = read_plain(&Toy, &value).unwrap_or_else(|| panic!("{value}"));
            assert_eq!(
                Ok(Ok(case)),
                reference(&value, 0).map_err(|e| e.to_string())
            );
        }
    }

    #[test]
    fn errors_are_those_of_the_reference_path() {
        // A conversion error wins over a validation error found earlier in the case.
        let value =
            json!({"id": [], "created_at": "2026-03-06T21:00:00Z", "fields": {"x": {"$nan": 0}}});
        let err = read_case(&Toy, &value, 2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fields.x: expected a finite number, found NaN"
        );
        let value = json!({"id": "C-1", "created_at": "2026-03-06T21:00:00Z",
                           "events": [{"at": "2026-03-06T20:00:00Z", "type": "agent_reply"}]});
        let err = read_case(&Toy, &value, 2).unwrap().unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        assert!(
            err.to_string()
                .starts_with("case \"C-1\": events[0].at: the event"),
            "{err}"
        );
    }
}
