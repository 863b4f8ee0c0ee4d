//! Reading a host value (a Python `dict`, a JavaScript object) into the JSON value the core
//! reads, for a calendar definition, a rules document or a case: the one walk both bindings use.
//!
//! A binding says only what a value of its host *is* ([`HostReader::kind`]), how to take an item
//! of a list and the entries of a mapping; [`to_json`] applies every rule once: the path of each
//! value in the core's syntax (`holidays[2].date`, `["a.b"]`), the nesting limit
//! ([`MAX_NESTING`]), the length limits ([`MAX_ARRAY_ITEMS`], [`MAX_EVENTS`] for a case's
//! events, checked before any item is read), the case's instant slots ([`CaseSlot`]: an instant
//! there is written in RFC 3339), and the wording of every error it builds.
//!
//! ```
//! use entitlement_core::host::CaseSlot;
//! use entitlement_core::host::read::{HostKind, HostReader, to_json};
//! use entitlement_core::Error;
//! use serde_json::{Value, json};
//!
//! /// A toy host: JSON values, where `{"$instant": us}` is an instant.
//! struct Toy;
//!
//! impl HostReader for Toy {
//!     type Value = Value;
//!     type List = Vec<Value>;
//!     type Map = serde_json::Map<String, Value>;
//!     type Error = Error;
//!     const EXPECTED: &'static str = "a JSON value";
//!
//!     fn kind(&self, v: &Value, _: CaseSlot, _: &str) -> Result<HostKind<Self::List, Self::Map>, Error> {
//!         Ok(match v {
//!             Value::Null => HostKind::Null,
//!             Value::Bool(b) => HostKind::Bool(*b),
//!             Value::Number(n) => match (n.as_i64(), n.as_u64()) {
//!                 (Some(i), _) => HostKind::Int(i),
//!                 (_, Some(u)) => HostKind::UInt(u),
//!                 _ => HostKind::Float(n.as_f64().unwrap_or(f64::NAN)),
//!             },
//!             Value::String(s) => HostKind::Text(s.clone()),
//!             Value::Array(items) => HostKind::List(items.clone(), items.len()),
//!             Value::Object(map) => match map.get("$instant").and_then(Value::as_i64) {
//!                 Some(us) => match chrono::DateTime::from_timestamp_micros(us) {
//!                     Some(t) => HostKind::Instant(t),
//!                     None => HostKind::Other("an instant out of range".into()),
//!                 },
//!                 None => HostKind::Map(map.clone()),
//!             },
//!         })
//!     }
//!     fn item(&self, list: &Vec<Value>, i: usize, _: &str) -> Result<Value, Error> {
//!         Ok(list[i].clone())
//!     }
//!     fn entries(&self, map: Self::Map, _: &str) -> Result<Vec<(String, Value)>, Error> {
//!         Ok(map.into_iter().collect())
//!     }
//! }
//!
//! let case = json!({"id": "C-1", "created_at": {"$instant": 1_772_830_800_000_000_i64}});
//! let read = to_json(&Toy, &case, CaseSlot::Case).unwrap();
//! assert_eq!(read["created_at"], "2026-03-06T21:00:00Z");
//!
//! let err = to_json(&Toy, &json!({"hours": {"mon": [1.5, null, {"$instant": i64::MAX}]}}), CaseSlot::Any)
//!     .unwrap_err();
//! assert_eq!(err.code(), "invalid_type");
//! assert_eq!(err.path_text(), "hours.mon[2]");
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Number, Value};

use crate::document::MAX_DOCUMENT_BYTES;
use crate::error::{EXCERPT_CHARS, Error};
use crate::host::{CaseSlot, MAX_NESTING};
use crate::rules::MAX_EVENTS;

/// The most items a list may hold anywhere a binding reads one (a document, a case, a list of
/// cases, a batch column given as a list): the most a document of [`MAX_DOCUMENT_BYTES`]
/// (64 MiB) can write (`[0,0,...]`, two bytes an item), so that a value given as a host object
/// may hold nothing its text could not. The length is checked before the first item is read
/// and never sizes an allocation ([`reserve`]).
pub const MAX_ARRAY_ITEMS: usize = MAX_DOCUMENT_BYTES / 2;

/// The most items reserved ahead of reading a list: beyond it, the vector grows as items are
/// actually read, so memory follows the items, not the reported length.
const RESERVE_ITEMS: usize = 4096;

/// What a host value is, as a binding tells [`to_json`].
#[derive(Debug)]
pub enum HostKind<L, M> {
    /// `None` / `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits in `u64`.
    UInt(u64),
    /// A floating-point number; `NaN` and the infinities are an `invalid_value` error.
    Float(f64),
    /// A string, already checked to be Unicode text.
    Text(String),
    /// An instant (an aware `datetime`, a `Date`), already checked to be in range: written in
    /// RFC 3339 in UTC, as the core reads instants.
    Instant(DateTime<Utc>),
    /// A calendar date: written `YYYY-MM-DD`.
    Date(NaiveDate),
    /// A list and its length (checked against the limits before any item is read).
    List(L, usize),
    /// A mapping.
    Map(M),
    /// A value that is already JSON (a calendar object embedded in a document).
    Json(Value),
    /// JavaScript's `undefined`: a mapping entry holding it is left out (as `JSON.stringify`
    /// does); a list item holding it is an `invalid_type` error.
    Undefined,
    /// Anything else, described for the message (`"a list"`, `"object"`): an `invalid_type`
    /// error expecting [`HostReader::EXPECTED`].
    Other(String),
}

/// A host's view of its values: what each one is, the items of a list, the entries of a
/// mapping. Errors a host finds itself (a naive datetime, a string that is not Unicode text)
/// are core [`Error`]s, or the host's own (`Self::Error`) for a failure of the host.
pub trait HostReader {
    /// A value of the host.
    type Value;
    /// A list of the host, as [`HostKind::List`] holds it.
    type List;
    /// A mapping of the host, as [`HostKind::Map`] holds it.
    type Map;
    /// The error of the host's calls (a core [`Error`], or a host failure).
    type Error: From<Error>;
    /// The values a host accepts, for the `expected` of an `invalid_type` error.
    const EXPECTED: &'static str;

    /// What `value` is. `slot` is where it sits in a case ([`CaseSlot::Any`] outside one);
    /// `path` names it in errors (the root's name when the value is the root).
    fn kind(
        &self,
        value: &Self::Value,
        slot: CaseSlot,
        path: &str,
    ) -> Result<HostKind<Self::List, Self::Map>, Self::Error>;

    /// Item `index` of `list` (`path` names it, index included).
    fn item(&self, list: &Self::List, index: usize, path: &str)
    -> Result<Self::Value, Self::Error>;

    /// The entries of `map` in order, keys as text (`path` names the mapping).
    fn entries(
        &self,
        map: Self::Map,
        path: &str,
    ) -> Result<Vec<(String, Self::Value)>, Self::Error>;

    /// The name of the root value in errors about it (`"case"`); empty by default.
    fn root(&self) -> &str {
        ""
    }

    /// A number as the host prints it, for the message about a number that is not finite.
    fn number_text(&self, x: f64) -> String {
        x.to_string()
    }
}

/// Reads `value` into a JSON value; `slot` is [`CaseSlot::Case`] for a case (its instants are
/// then written in RFC 3339), [`CaseSlot::Any`] for a document. Errors name the path of the
/// value in the core's syntax. See the [module documentation](self) for an example.
pub fn to_json<R: HostReader>(
    reader: &R,
    value: &R::Value,
    slot: CaseSlot,
) -> Result<Value, R::Error> {
    read_at(reader, value, &mut String::new(), 0, slot)
}

/// [`to_json`] for a part of a value that sits at `path` (`hours.mon`), `depth` levels down.
/// `path` is as it was when this returns `Ok`.
pub fn read_at<R: HostReader>(
    reader: &R,
    value: &R::Value,
    path: &mut String,
    depth: usize,
    slot: CaseSlot,
) -> Result<Value, R::Error> {
    let kind = reader.kind(value, slot, shown(path, reader))?;
    read_kind(reader, kind, path, depth, slot)
}

/// [`read_at`] for a value whose kind the reader has told.
fn read_kind<R: HostReader>(
    reader: &R,
    kind: HostKind<R::List, R::Map>,
    path: &mut String,
    depth: usize,
    slot: CaseSlot,
) -> Result<Value, R::Error> {
    Ok(match kind {
        HostKind::Null => Value::Null,
        HostKind::Bool(b) => Value::Bool(b),
        HostKind::Int(i) => Value::Number(i.into()),
        HostKind::UInt(u) => Value::Number(u.into()),
        HostKind::Float(x) => match Number::from_f64(x) {
            Some(n) => Value::Number(n),
            None => {
                return Err(Error::InvalidValue {
                    path: shown(path, reader).to_owned(),
                    reason: format!("expected a finite number, found {}", reader.number_text(x)),
                }
                .into());
            }
        },
        HostKind::Text(s) => Value::String(s),
        HostKind::Instant(t) => Value::String(crate::time::rfc3339(t)),
        HostKind::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        HostKind::Json(v) => v,
        HostKind::Undefined => return Err(not_json(path, reader, "undefined".into()).into()),
        HostKind::Other(found) => return Err(not_json(path, reader, found).into()),
        HostKind::List(list, len) => {
            check_depth(path, reader, depth)?;
            if slot == CaseSlot::Events && len > MAX_EVENTS {
                return Err(Error::LimitExceeded {
                    path: shown(path, reader).to_owned(),
                    reason: format!("{len} events; a case may hold at most {MAX_EVENTS}"),
                }
                .into());
            }
            check_length(len, MAX_ARRAY_ITEMS, || shown(path, reader).to_owned())?;
            let mut items = Vec::with_capacity(reserve(len));
            let (at, item_slot) = (path.len(), slot.item());
            for index in 0..len {
                push_index(path, index);
                let item = reader.item(&list, index, path)?;
                items.push(read_at(reader, &item, path, depth + 1, item_slot)?);
                path.truncate(at);
            }
            Value::Array(items)
        }
        HostKind::Map(map) => {
            check_depth(path, reader, depth)?;
            let entries = reader.entries(map, shown(path, reader))?;
            let mut object = Map::new();
            let at = path.len();
            for (key, item) in entries {
                push_key(path, &key);
                let item_slot = slot.property(&key);
                match reader.kind(&item, item_slot, path)? {
                    // Left out, as `JSON.stringify` leaves it.
                    HostKind::Undefined => {}
                    kind => {
                        let value = read_kind(reader, kind, path, depth + 1, item_slot)?;
                        object.insert(key, value);
                    }
                }
                path.truncate(at);
            }
            Value::Object(object)
        }
    })
}

/// The `limit_exceeded` error of a list whose length is over `limit`, checked before any item
/// is read (a JavaScript array's `length` says nothing of the items it holds).
///
/// ```
/// use entitlement_core::host::read::check_length;
/// assert!(check_length(3, 3, || "cases".into()).is_ok());
/// let err = check_length(4, 3, || "cases".into()).unwrap_err();
/// assert_eq!((err.code(), err.path_text()), ("limit_exceeded", "cases"));
/// ```
pub fn check_length(len: usize, limit: usize, path: impl FnOnce() -> String) -> Result<(), Error> {
    if len <= limit {
        return Ok(());
    }
    Err(Error::LimitExceeded {
        path: path(),
        reason: format!(
            "the array's length is {len}; at most {limit} items are accepted (a sparse \
             array counts by its length, not by the items it holds)"
        ),
    })
}

/// The rule of the batch calls that take two columns (`starts` and `durations`, `starts` and
/// `ends`): they hold as many items, else `invalid_value` at the second one.
///
/// ```
/// use entitlement_core::host::read::same_length;
/// assert!(same_length(2, 2, "starts", "ends").is_ok());
/// let err = same_length(2, 3, "starts", "ends").unwrap_err();
/// assert_eq!(err.to_string(), "ends: starts has 2 items but ends has 3; give them the same length");
/// ```
pub fn same_length(a: usize, b: usize, name_a: &str, name_b: &str) -> Result<(), Error> {
    if a == b {
        return Ok(());
    }
    Err(Error::InvalidValue {
        path: name_b.to_owned(),
        reason: format!("{name_a} has {a} items but {name_b} has {b}; give them the same length"),
    }
    .in_argument())
}

/// How many items to reserve for a list of `len`: never more than a few thousand ahead of the
/// items actually read.
///
/// ```
/// assert_eq!(entitlement_core::host::read::reserve(3), 3);
/// assert_eq!(entitlement_core::host::read::reserve(1 << 30), 4096);
/// ```
pub fn reserve(len: usize) -> usize {
    len.min(RESERVE_ITEMS)
}

/// The path as errors name it: the root's name for the root value.
fn shown<'a, R: HostReader>(path: &'a str, reader: &'a R) -> &'a str {
    if path.is_empty() { reader.root() } else { path }
}

fn not_json<R: HostReader>(path: &str, reader: &R, found: String) -> Error {
    Error::InvalidType {
        path: shown(path, reader).to_owned(),
        expected: R::EXPECTED.to_owned(),
        found,
    }
}

/// A list or a mapping more than [`MAX_NESTING`] levels down (which is also how a value that
/// contains itself ends) is `limit_exceeded`, never a stack overflow.
fn check_depth<R: HostReader>(path: &str, reader: &R, depth: usize) -> Result<(), Error> {
    if depth <= MAX_NESTING {
        return Ok(());
    }
    Err(Error::LimitExceeded {
        path: shown(path, reader).to_owned(),
        reason: format!("nested more than {MAX_NESTING} levels deep (or contains itself)"),
    })
}

/// Appends `[index]` to a path.
pub fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(path, "[{index}]");
}

/// Appends a key to a path as the core writes it: `.key`, or `["a.b"]` for a key that is empty
/// or holds `.`, `[` or `]` (a long key is shortened, as in every message).
///
/// ```
/// use entitlement_core::host::read::push_key;
/// let mut path = String::new();
/// push_key(&mut path, "hours");
/// push_key(&mut path, "a.b");
/// assert_eq!(path, r#"hours["a.b"]"#);
/// ```
pub fn push_key(path: &mut String, key: &str) {
    if !key.is_empty() && key.len() <= EXCERPT_CHARS && !key.contains(['.', '[', ']']) {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        let whole = crate::document::key_path(path, key);
        *path = whole;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// JSON values, where `{"$instant": us}` is an instant.
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
            _: &str,
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
                Value::Object(map) => match map.get("$instant").and_then(Value::as_i64) {
                    Some(us) => HostKind::Instant(DateTime::from_timestamp_micros(us).unwrap()),
                    None => HostKind::Map(map.clone()),
                },
            })
        }
        fn item(&self, list: &Vec<Value>, i: usize, _: &str) -> Result<Value, Error> {
            Ok(list[i].clone())
        }
        fn entries(&self, map: Self::Map, _: &str) -> Result<Vec<(String, Value)>, Error> {
            Ok(map.into_iter().collect())
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e300f64..1e300).prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z.\\[\\]]{0,6}", inner), 0..6).prop_map(|kv| {
                    Value::Object(kv.into_iter().filter(|(k, _)| k != "$instant").collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_reads_back_unchanged(value in any_json()) {
            prop_assert_eq!(to_json(&Toy, &value, CaseSlot::Any).unwrap(), value.clone());
            // In a case too: only instants are rewritten, and there are none.
            prop_assert_eq!(to_json(&Toy, &value, CaseSlot::Case).unwrap(), value);
        }
    }

    fn nested(depth: usize) -> Value {
        (0..depth).fold(json!([]), |inner, _| json!({ "a": inner }))
    }

    #[test]
    fn nesting_is_limited_and_the_error_names_the_deepest_path() {
        // The root and MAX_NESTING levels of mappings below it, the innermost an empty list.
        assert!(to_json(&Toy, &nested(MAX_NESTING), CaseSlot::Any).is_ok());
        let err = to_json(&Toy, &nested(MAX_NESTING + 1), CaseSlot::Any).unwrap_err();
        assert_eq!(err.code(), "limit_exceeded");
        assert_eq!(err.path().len(), MAX_NESTING + 1);
        assert!(
            err.to_string().contains("nested more than 128 levels deep"),
            "{err}"
        );
    }

    #[test]
    fn instants_are_written_in_rfc3339_and_paths_follow_the_core() {
        let case = json!({"events": [{"at": {"$instant": 0}, "type": "x"}]});
        let read = to_json(&Toy, &case, CaseSlot::Case).unwrap();
        assert_eq!(read["events"][0]["at"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn non_finite_numbers_and_other_values_name_their_path() {
        struct Odd;
        impl HostReader for Odd {
            type Value = Value;
            type List = Vec<Value>;
            type Map = Map<String, Value>;
            type Error = Error;
            const EXPECTED: &'static str = "something";
            fn kind(
                &self,
                v: &Value,
                s: CaseSlot,
                p: &str,
            ) -> Result<HostKind<Vec<Value>, Self::Map>, Error> {
                match v.as_str() {
                    Some("nan") => Ok(HostKind::Float(f64::NAN)),
                    Some("gizmo") => Ok(HostKind::Other("a gizmo".into())),
                    Some("undefined") => Ok(HostKind::Undefined),
                    _ => Toy.kind(v, s, p),
                }
            }
            fn item(&self, list: &Vec<Value>, i: usize, p: &str) -> Result<Value, Error> {
                Toy.item(list, i, p)
            }
            fn entries(&self, map: Self::Map, p: &str) -> Result<Vec<(String, Value)>, Error> {
                Toy.entries(map, p)
            }
            fn root(&self) -> &str {
                "document"
            }
        }
        let err = to_json(&Odd, &json!({"a.b": [0, "nan"]}), CaseSlot::Any).unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        assert_eq!(
            err.to_string(),
            r#"["a.b"][1]: expected a finite number, found NaN"#
        );
        let err = to_json(&Odd, &json!({"x": ["gizmo"]}), CaseSlot::Any).unwrap_err();
        assert_eq!(err.to_string(), "x[0]: expected something, found a gizmo");
        let err = to_json(&Odd, &json!("gizmo"), CaseSlot::Any).unwrap_err();
        assert_eq!(err.path_text(), "document");
        let err = to_json(&Odd, &json!(["undefined"]), CaseSlot::Any).unwrap_err();
        assert_eq!(err.to_string(), "[0]: expected something, found undefined");
        let read = to_json(&Odd, &json!({"x": "undefined", "y": 1}), CaseSlot::Any).unwrap();
        assert_eq!(read, json!({"y": 1}));
    }

    #[test]
    fn lengths_are_checked_before_any_item_is_read() {
        assert_eq!(
            check_length(MAX_ARRAY_ITEMS + 1, MAX_ARRAY_ITEMS, || "x".into())
                .unwrap_err()
                .code(),
            "limit_exceeded"
        );
        assert_eq!(reserve(MAX_ARRAY_ITEMS), RESERVE_ITEMS);
    }
}
