//! A case: its entitlement, its fields and its event log, as validated input.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::model::ProcessRef;
use crate::document::{as_array, as_object, as_str, check_keys, index_path, key_path, required};
use crate::error::{Error, Result, excerpt};
use crate::time::{from_us, parse_instant};

/// The most events one case may hold.
pub const MAX_EVENTS: usize = 1_000_000;

/// What happened in one event of a case's log.
///
/// ```
/// use entitlement_core::rules::EventKind;
/// let case = entitlement_core::Case::from_value(&serde_json::json!({"id": "C-1", "created_at": "2026-11-25T10:00:00Z",
///     "events": [{"at": "2026-11-25T10:05:00Z", "type": "status", "to": "Open"},
///                {"at": "2026-11-25T10:10:00Z", "type": "diagnosed"}]}))?;
/// assert!(matches!(&case.events[0].kind, EventKind::Status { to, .. } if to == "Open"));
/// assert!(matches!(&case.events[1].kind, EventKind::Custom { name } if name == "diagnosed"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The status changed (`to` is the new status).
    Status {
        /// The new status.
        to: String,
        /// The status before, if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// A field changed (`to` is the new value; `from`, if given, the value before).
    Field {
        /// The field's name.
        field: String,
        /// The new value.
        to: Value,
        /// The value before, if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<Value>,
    },
    /// An agent replied to the customer.
    AgentReply,
    /// The customer replied.
    CustomerReply,
    /// The case was solved.
    Solved,
    /// The case was closed.
    Closed,
    /// The case was reopened.
    Reopened,
    /// The clock was stopped explicitly (Salesforce `IsStopped`).
    Stop,
    /// The clock was resumed explicitly.
    Resume,
    /// An event type of the organisation's own, named by custom milestones.
    #[serde(untagged)]
    Custom {
        /// The event type as written.
        #[serde(rename = "type")]
        name: String,
    },
}

impl EventKind {
    /// The event type as written in a case log.
    ///
    /// ```
    /// let case = entitlement_core::Case::from_value(&serde_json::json!({"id": "C-1", "created_at": "2026-11-25T10:00:00Z",
    ///     "events": [{"at": "2026-11-25T10:05:00Z", "type": "agent_reply"}]}))?;
    /// assert_eq!(case.events[0].kind.type_name(), "agent_reply");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn type_name(&self) -> &str {
        match self {
            EventKind::Status { .. } => "status",
            EventKind::Field { .. } => "field",
            EventKind::AgentReply => "agent_reply",
            EventKind::CustomerReply => "customer_reply",
            EventKind::Solved => "solved",
            EventKind::Closed => "closed",
            EventKind::Reopened => "reopened",
            EventKind::Stop => "stop",
            EventKind::Resume => "resume",
            EventKind::Custom { name } => name,
        }
    }
}

/// One event of a case's log.
///
/// ```
/// let case = entitlement_core::Case::from_value(&serde_json::json!({"id": "C-1", "created_at": "2026-11-25T10:00:00Z",
///     "events": [{"at": "2026-11-25T12:05:00+01:00", "type": "agent_reply", "id": "msg-1"}]}))?;
/// let event = &case.events[0];
/// assert_eq!(event.at, "2026-11-25T11:05:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// assert_eq!(event.id.as_deref(), Some("msg-1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// When it happened.
    #[serde(with = "crate::time::serde_instant")]
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
    /// The event's own id in the source system, if any (duplicates with the same id, time and
    /// content are harmless).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// A support case, as the rules see it.
///
/// ```
/// use entitlement_core::rules::Case;
/// let case = Case::from_value(&serde_json::json!({
///     "id": "C-1", "entitlement": "acme-gold", "created_at": "2026-11-20T14:00:00Z",
///     "fields": {"severity": "Sev1"},
///     "events": [{"at": "2026-11-20T14:10:00Z", "type": "agent_reply"}]
/// })).unwrap();
/// assert_eq!(case.events.len(), 1);
/// let err = Case::from_value(&serde_json::json!({"id": "C-2"})).unwrap_err();
/// assert_eq!(err.code(), "missing_key");
/// assert!(err.to_string().starts_with("case \"C-2\""));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Case {
    /// Its id.
    pub id: String,
    /// The entitlement it is raised under, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entitlement: Option<String>,
    /// A process (optionally pinned to a version) that replaces the entitlement's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<ProcessRef>,
    /// When it was created: the start of `created`.
    #[serde(with = "crate::time::serde_instant")]
    pub created_at: DateTime<Utc>,
    /// Field values (severity, priority, status, ...). Before a field's first `field` event the
    /// replay uses that event's `from`, else this value; after it, the events' values.
    pub fields: Map<String, Value>,
    /// The event log, in any order (sorted stably by time on evaluation).
    pub events: Vec<Event>,
}

const CASE_KEYS: [&str; 7] = [
    "id",
    "entitlement",
    "process",
    "created_at",
    "fields",
    "events",
    "meta",
];
const EVENT_KEYS: [&str; 7] = ["at", "type", "to", "from", "field", "id", "meta"];

impl Case {
    /// Validates a case in the document shape of `docs/rules.md`, "Cases" (`meta` mappings are allowed and
    /// ignored). Errors are [`Error::InCase`], naming the case and the path inside it.
    ///
    /// ```
    /// use entitlement_core::Case;
    /// let case = Case::from_value(&serde_json::json!({"id": "C-1", "entitlement": "acme",
    ///     "created_at": "2026-11-25T10:00:00Z", "fields": {"severity": "Sev1"}}))?;
    /// assert_eq!(case.id, "C-1");
    /// let naive = Case::from_value(&serde_json::json!({"id": "C-2", "created_at": "2026-11-25T10:00:00"}));
    /// assert_eq!(naive.unwrap_err().code(), "naive_datetime");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(v: &Value) -> Result<Case> {
        Case::from_value_at(v, 0)
    }

    /// As [`Case::from_value`], naming the case by `position` if it has no readable id.
    ///
    /// ```
    /// use entitlement_core::Case;
    /// let bad = serde_json::json!({"created_at": "2026-11-25T10:00:00Z"});   // no id
    /// let err = Case::from_value_at(&bad, 3).unwrap_err();
    /// assert!(err.to_string().starts_with("case \"#3\": "), "{err}");
    /// ```
    pub fn from_value_at(v: &Value, position: usize) -> Result<Case> {
        let id = v.get("id").and_then(|id| match id {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let label = crate::host::case_label(id.as_deref(), position);
        Case::parse(v).map_err(|error| Error::InCase {
            case: label,
            error: Box::new(error),
        })
    }

    /// [`Case::from_value_at`] over many values, in parallel, naming each by its position
    /// (counted from `first`: the position of `values[0]` in a longer list); the error is that
    /// of the first bad case in order. The values are read in chunks and each chunk dropped
    /// once read, so that a large batch is not held twice.
    ///
    /// ```
    /// use entitlement_core::rules::Case;
    /// let values = vec![serde_json::json!({"id": "a", "created_at": "2026-11-20T14:00:00Z"}),
    ///                   serde_json::json!({"id": "b"})];
    /// let err = Case::from_values(values, 0).unwrap_err();
    /// assert!(err.to_string().starts_with("case \"b\""));
    /// ```
    pub fn from_values(values: Vec<Value>, first: usize) -> Result<Vec<Case>> {
        const CHUNK: usize = 16 * 1024;
        let mut out = Vec::with_capacity(values.len());
        let mut rest = values.into_iter().enumerate().map(|(i, v)| (first + i, v));
        loop {
            let chunk: Vec<(usize, Value)> = rest.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                return Ok(out);
            }
            out.extend(super::parallel::par_map(&chunk, |(i, v)| {
                Case::from_value_at(v, *i)
            })?);
        }
    }

    fn parse(v: &Value) -> Result<Case> {
        let map = as_object(v, "")?;
        check_keys(map, "", &CASE_KEYS)?;
        let id = match required(map, "", "id")? {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(Error::InvalidType {
                    path: "id".into(),
                    expected: "a non-empty string".into(),
                    found: crate::document::type_name(other),
                });
            }
        };
        let entitlement = match map.get("entitlement") {
            None | Some(Value::Null) => None,
            Some(e) => Some(as_str(e, "entitlement", "an entitlement id string")?.to_string()),
        };
        let process = match map.get("process") {
            None | Some(Value::Null) => None,
            Some(p) => Some(ProcessRef::parse(p, "process")?),
        };
        let created_at = instant(required(map, "", "created_at")?, "created_at")?;
        let fields = match map.get("fields") {
            None | Some(Value::Null) => Map::new(),
            Some(f) => {
                let f = as_object(f, "fields")?;
                for (k, v) in f {
                    if matches!(v, Value::Array(_) | Value::Object(_)) {
                        return Err(Error::InvalidType {
                            path: key_path("fields", k),
                            expected: "a string, number, boolean or null".into(),
                            found: crate::document::type_name(v),
                        });
                    }
                }
                f.clone()
            }
        };
        let mut events = Vec::new();
        if let Some(list) = map.get("events").filter(|v| !v.is_null()) {
            let list = as_array(list, "events")?;
            if list.len() > MAX_EVENTS {
                return Err(Error::LimitExceeded {
                    path: "events".into(),
                    reason: format!(
                        "{} events; a case may hold at most {MAX_EVENTS}",
                        list.len()
                    ),
                });
            }
            events.reserve(list.len());
            for (i, e) in list.iter().enumerate() {
                events.push(Event::parse(e, &index_path("events", i), created_at)?);
            }
        }
        Ok(Case {
            id,
            entitlement,
            process,
            created_at,
            fields,
            events,
        })
    }
}

fn instant(v: &Value, path: &str) -> Result<DateTime<Utc>> {
    let text = as_str(v, path, "an RFC 3339 date-time with an offset")?;
    from_us(parse_instant(text, path)?).map_err(|_| Error::InvalidInstant {
        path: path.to_string(),
        value: text.to_string(),
        reason: "out of the supported range, years 1 to 9999".into(),
    })
}

impl Event {
    fn parse(v: &Value, path: &str, created_at: DateTime<Utc>) -> Result<Event> {
        let map = as_object(v, path)?;
        check_keys(map, path, &EVENT_KEYS)?;
        let at = instant(required(map, path, "at")?, &key_path(path, "at"))?;
        if at < created_at {
            return Err(Error::InvalidValue {
                path: key_path(path, "at"),
                reason: format!(
                    "the event ({}) precedes the case's created_at ({})",
                    crate::time::rfc3339(at),
                    crate::time::rfc3339(created_at)
                ),
            });
        }
        let tp = key_path(path, "type");
        let type_name = as_str(required(map, path, "type")?, &tp, "an event type string")?;
        let only = |allowed: &[&str]| -> Result<()> {
            for key in ["to", "from", "field"] {
                if map.contains_key(key) && !allowed.contains(&key) {
                    return Err(Error::InvalidValue {
                        path: key_path(path, key),
                        reason: format!(
                            "`{key}` belongs to `status` and `field` events, not to {}",
                            excerpt(type_name)
                        ),
                    });
                }
            }
            Ok(())
        };
        let kind = match type_name {
            "status" => {
                only(&["to", "from"])?;
                let to = as_str(
                    required(map, path, "to")?,
                    &key_path(path, "to"),
                    "a status string",
                )?;
                let from = match map.get("from") {
                    None | Some(Value::Null) => None,
                    Some(f) => {
                        Some(as_str(f, &key_path(path, "from"), "a status string")?.to_string())
                    }
                };
                EventKind::Status {
                    to: to.to_string(),
                    from,
                }
            }
            "field" => {
                let field = as_str(
                    required(map, path, "field")?,
                    &key_path(path, "field"),
                    "a field name string",
                )?;
                let scalar = |key: &str| -> Result<Option<Value>> {
                    match map.get(key) {
                        None => Ok(None),
                        Some(v @ (Value::Array(_) | Value::Object(_))) => Err(Error::InvalidType {
                            path: key_path(path, key),
                            expected: "a string, number, boolean or null".into(),
                            found: crate::document::type_name(v),
                        }),
                        Some(v) => Ok(Some(v.clone())),
                    }
                };
                let to = scalar("to")?.ok_or_else(|| Error::MissingKey {
                    path: path.to_string(),
                    key: "to".into(),
                })?;
                EventKind::Field {
                    field: field.to_string(),
                    to,
                    from: scalar("from")?,
                }
            }
            other => {
                only(&[])?;
                match other {
                    "agent_reply" => EventKind::AgentReply,
                    "customer_reply" => EventKind::CustomerReply,
                    "solved" => EventKind::Solved,
                    "closed" => EventKind::Closed,
                    "reopened" => EventKind::Reopened,
                    "stop" => EventKind::Stop,
                    "resume" => EventKind::Resume,
                    "created" => {
                        return Err(Error::InvalidValue {
                            path: tp,
                            reason: "`created` is the case's `created_at`, not an event of its log"
                                .into(),
                        });
                    }
                    "" => {
                        return Err(Error::InvalidValue {
                            path: tp,
                            reason: "the event type must not be empty".into(),
                        });
                    }
                    name => EventKind::Custom {
                        name: name.to_string(),
                    },
                }
            }
        };
        let id = match map.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                return Err(Error::InvalidType {
                    path: key_path(path, "id"),
                    expected: "a string or number".into(),
                    found: crate::document::type_name(other),
                });
            }
        };
        Ok(Event { at, kind, id })
    }
}
