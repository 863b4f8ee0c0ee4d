//! The Arrow-batch entry point: a record batch of cases in, a record batch of milestone
//! statuses (`Ruleset.evaluate_arrow`) or of milestone events (`Ruleset.monitor_arrow`) out,
//! through the Arrow C data interface, so that the same call runs in a plain process, inside
//! Dask's `map_partitions` and inside PySpark's `mapInArrow`. The column layouts are in
//! `docs/arrow.md`; `entitlement.arrow` holds the schemas and the Dask and Spark adapters.
//!
//! Each row is read straight into the core's case (`Cases::case`); a row that it cannot read
//! becomes a case document (`docs/rules.md`, "Cases"; instants as RFC 3339 text) validated by
//! the core exactly as a dict case is, so errors name the case and the path inside it
//! (`case "C-1": events[2].at: ...`), as they always did. Rows are read, validated and replayed without the GIL, in
//! parallel.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, Utc};
use entitlement_core::host::case::EventParts;
use entitlement_core::rules::{Case, CaseBatch, CaseError, OnError, Ruleset as CoreRuleset};
use entitlement_core::{Error, Result};
use pyo3::intern;
use pyo3::prelude::*;
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::arrays::{capsules, export_array, import_array};

/// A record batch from any object that exports one through `__arrow_c_array__` (a pyarrow
/// `RecordBatch`, for one).
pub(crate) fn import_batch(value: &Bound<'_, PyAny>) -> crate::error::Result<StructArray> {
    let py = value.py();
    if !value.hasattr(intern!(py, "__arrow_c_array__"))? {
        let found = value.get_type().qualname().map(|n| n.to_string());
        return Err(Error::InvalidType {
            path: "cases".into(),
            expected: "a pyarrow RecordBatch (or another object with __arrow_c_array__)".into(),
            found: format!(
                "{}; for a Table, pass each of table.to_batches()",
                found.unwrap_or_default()
            ),
        }
        .in_argument()
        .into());
    }
    let exported = value.call_method0(intern!(py, "__arrow_c_array__"))?;
    let (schema, array) = capsules(&exported, "cases")?;
    let array = import_array(&schema, &array)?;
    match array.as_struct_opt() {
        Some(s) => Ok(s.clone()),
        None => Err(Error::InvalidType {
            path: "cases".into(),
            expected: "a record batch".into(),
            found: format!("an array of {}", array.data_type()),
        }
        .in_argument()
        .into()),
    }
}

/// A record batch as a pyarrow `RecordBatch`.
pub(crate) fn export_batch<'py>(
    py: Python<'py>,
    batch: RecordBatch,
) -> PyResult<Bound<'py, PyAny>> {
    let array = StructArray::from(batch);
    let (schema, array) = export_array(py, &array)?;
    py.import(intern!(py, "pyarrow"))?
        .getattr(intern!(py, "RecordBatch"))?
        .call_method1(intern!(py, "_import_from_c_capsule"), (schema, array))
}

fn column_error(column: &str, reason: String) -> Error {
    Error::InvalidType {
        path: format!("cases.{column}"),
        expected: reason,
        found: "another column type".into(),
    }
}

fn bad_column(column: &str, expected: &str, found: &DataType) -> Error {
    Error::InvalidType {
        path: format!("cases.{column}"),
        expected: expected.into(),
        found: found.to_string(),
    }
}

/// A column of text: Utf8, LargeUtf8 or Utf8View.
#[derive(Clone, Copy)]
enum Text<'a> {
    Small(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Text<'a> {
    fn of(array: &'a dyn Array) -> Option<Text<'a>> {
        if let Some(a) = array.as_string_opt::<i32>() {
            Some(Text::Small(a))
        } else if let Some(a) = array.as_string_opt::<i64>() {
            Some(Text::Large(a))
        } else {
            array.as_string_view_opt().map(Text::View)
        }
    }

    fn get(self, i: usize) -> Option<&'a str> {
        match self {
            Text::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Text::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// A timestamp column with a time zone, read as microseconds since the epoch.
#[derive(Clone, Copy)]
struct Instants<'a> {
    array: &'a dyn Array,
    values: &'a [i64],
    unit: TimeUnit,
}

impl<'a> Instants<'a> {
    fn of(array: &'a dyn Array, column: &str) -> Result<Instants<'a>> {
        match array.data_type() {
            DataType::Timestamp(unit, Some(_)) => {
                let values = match unit {
                    TimeUnit::Second => array
                        .as_primitive::<arrow_array::types::TimestampSecondType>()
                        .values(),
                    TimeUnit::Millisecond => array
                        .as_primitive::<arrow_array::types::TimestampMillisecondType>()
                        .values(),
                    TimeUnit::Microsecond => array
                        .as_primitive::<arrow_array::types::TimestampMicrosecondType>()
                        .values(),
                    TimeUnit::Nanosecond => array
                        .as_primitive::<arrow_array::types::TimestampNanosecondType>()
                        .values(),
                };
                Ok(Instants {
                    array,
                    values,
                    unit: *unit,
                })
            }
            DataType::Timestamp(_, None) => Err(Error::NaiveDateTime {
                path: format!("cases.{column}"),
                value: "a timestamp column without a time zone (its values are wall times)".into(),
            }),
            other => Err(bad_column(
                column,
                "a timestamp column with a time zone",
                other,
            )),
        }
    }

    /// The instant at row `i`, for the direct read: `None` when null or when [`Instants::text`]
    /// would refuse it.
    fn instant(self, i: usize) -> Option<DateTime<Utc>> {
        if self.array.is_null(i) {
            return None;
        }
        let v = self.values[i];
        let us = match self.unit {
            TimeUnit::Second => v.checked_mul(1_000_000)?,
            TimeUnit::Millisecond => v.checked_mul(1_000)?,
            TimeUnit::Microsecond => v,
            TimeUnit::Nanosecond if v % 1000 == 0 => v / 1000,
            TimeUnit::Nanosecond => return None,
        };
        DateTime::<Utc>::from_timestamp_micros(entitlement_core::time::check_instant(us, "").ok()?)
    }

    /// The instant at row `i` as RFC 3339 text (the core's form), `None` when null; a
    /// sub-microsecond part is refused rather than rounded.
    fn text(self, i: usize, path: impl Fn() -> String) -> Result<Option<String>> {
        if self.array.is_null(i) {
            return Ok(None);
        }
        let v = self.values[i];
        let us = match self.unit {
            TimeUnit::Second => v.checked_mul(1_000_000),
            TimeUnit::Millisecond => v.checked_mul(1_000),
            TimeUnit::Microsecond => Some(v),
            TimeUnit::Nanosecond if v % 1000 == 0 => Some(v / 1000),
            TimeUnit::Nanosecond => {
                return Err(Error::InvalidValue {
                    path: path(),
                    reason: format!("{v} ns has a part below a microsecond; round it first"),
                });
            }
        };
        us.and_then(|us| {
            DateTime::<Utc>::from_timestamp_micros(
                entitlement_core::time::check_instant(us, "").ok()?,
            )
        })
        .map(|t| Some(entitlement_core::time::rfc3339(t)))
        .ok_or_else(|| Error::OutOfRange {
            what: format!("{}: {v} {:?} since the epoch", path(), self.unit),
        })
    }
}

/// A scalar cell (a field value, or an event's `to`/`from`) as a JSON value.
fn scalar(array: &dyn Array, i: usize, path: &str) -> Result<Value> {
    if array.is_null(i) {
        return Ok(Value::Null);
    }
    if let Some(t) = Text::of(array) {
        return Ok(t
            .get(i)
            .map_or(Value::Null, |s| Value::String(s.to_owned())));
    }
    macro_rules! int {
        ($($t:ty),*) => {$(
            if let Some(a) = array.as_primitive_opt::<$t>() {
                return Ok(Value::from(a.value(i)));
            }
        )*};
    }
    int!(
        Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type
    );
    if let Some(a) = array.as_primitive_opt::<Float64Type>() {
        return float(a.value(i), path);
    }
    if let Some(a) = array.as_primitive_opt::<Float32Type>() {
        return float(f64::from(a.value(i)), path);
    }
    if let Some(a) = array.as_boolean_opt() {
        return Ok(Value::Bool(a.value(i)));
    }
    Err(bad_column(
        path,
        "a string, integer, float or boolean column",
        array.data_type(),
    ))
}

fn float(x: f64, path: &str) -> Result<Value> {
    serde_json::Number::from_f64(x)
        .map(Value::Number)
        .ok_or_else(|| Error::InvalidValue {
            path: path.into(),
            reason: format!("expected a finite number, found {x}"),
        })
}

/// The columns of a batch of cases, checked once.
struct Cases<'a> {
    ids: Text<'a>,
    entitlement: Option<Text<'a>>,
    process: Option<Text<'a>>,
    process_version: Option<&'a dyn Array>,
    created_at: Instants<'a>,
    fields: Option<Fields<'a>>,
    events: Option<Events<'a>>,
}

enum Fields<'a> {
    /// A JSON object per row.
    Json(Text<'a>),
    /// One child column per field.
    Struct(&'a StructArray),
    /// `map<string, scalar>`.
    Map(&'a arrow_array::MapArray),
}

struct Events<'a> {
    list: &'a dyn Array,
    /// The struct array of every event of every row; a null element is a null event.
    items: &'a StructArray,
    offsets: Vec<(usize, usize)>,
    at: Instants<'a>,
    kind: Text<'a>,
    /// `to`, `from`, `field`, `id`, present or not.
    others: Vec<(&'static str, &'a dyn Array)>,
}

const CASE_COLUMNS: [&str; 7] = [
    "id",
    "entitlement",
    "process",
    "process_version",
    "created_at",
    "fields",
    "events",
];
const EVENT_COLUMNS: [&str; 6] = ["at", "type", "to", "from", "field", "id"];
/// The instant columns of a case and of an event (the core's case schema).
const CREATED_AT: &str = entitlement_core::host::CASE_INSTANT_COLUMNS[0];
const AT: &str = entitlement_core::host::EVENT_INSTANT_COLUMNS[0];

impl<'a> Cases<'a> {
    fn of(batch: &'a StructArray) -> Result<Cases<'a>> {
        let fields = batch.fields();
        for f in fields {
            if !CASE_COLUMNS.contains(&f.name().as_str()) {
                return Err(Error::UnknownKey {
                    path: "cases".into(),
                    key: f.name().clone(),
                    expected: CASE_COLUMNS.join(", "),
                });
            }
        }
        let column = |name: &str| batch.column_by_name(name).map(|c| c.as_ref());
        let text = |name: &str| -> Result<Option<Text<'a>>> {
            match batch.column_by_name(name) {
                None => Ok(None),
                Some(c) => Text::of(c.as_ref())
                    .map(Some)
                    .ok_or_else(|| bad_column(name, "a string column", c.data_type())),
            }
        };
        let ids = text("id")?.ok_or_else(|| Error::MissingKey {
            path: "cases".into(),
            key: "id (a string column)".into(),
        })?;
        let created = column(CREATED_AT).ok_or_else(|| Error::MissingKey {
            path: "cases".into(),
            key: "created_at (a timestamp column with a time zone)".into(),
        })?;
        let fields_column = match batch.column_by_name("fields") {
            None => None,
            Some(c) => Some(if let Some(t) = Text::of(c.as_ref()) {
                Fields::Json(t)
            } else if let Some(s) = c.as_struct_opt() {
                Fields::Struct(s)
            } else if let Some(m) = c.as_map_opt() {
                Fields::Map(m)
            } else {
                return Err(bad_column(
                    "fields",
                    "a string column of JSON objects, a struct column or a map column",
                    c.data_type(),
                ));
            }),
        };
        let events = match batch.column_by_name("events") {
            None => None,
            Some(c) => Some(Events::of(c.as_ref())?),
        };
        let process_version = column("process_version");
        if let Some(v) = process_version
            && !v.data_type().is_integer()
        {
            return Err(bad_column(
                "process_version",
                "an integer column",
                v.data_type(),
            ));
        }
        Ok(Cases {
            ids,
            entitlement: text("entitlement")?,
            process: text("process")?,
            process_version,
            created_at: Instants::of(created, CREATED_AT)?,
            fields: fields_column,
            events,
        })
    }

    /// Row `i` read straight into the core's case, without a case document: `None` for a row
    /// that the reference path ([`Cases::row`], then `Case::from_value_at`) would refuse or
    /// that is unusual (a `process` column), which is then read that way, so that its error
    /// is the one it always was. Where this gives a case it is the reference path's case.
    fn case(&self, i: usize) -> Option<Case> {
        let id = self.ids.get(i).filter(|id| !id.is_empty())?.to_owned();
        if self.process.is_some_and(|p| p.get(i).is_some()) {
            return None;
        }
        let entitlement = self.entitlement.and_then(|t| t.get(i)).map(str::to_owned);
        let created_at = self.created_at.instant(i)?;
        let mut fields = Map::new();
        match &self.fields {
            Some(Fields::Json(t)) => {
                if let Some(text) = t.get(i) {
                    match serde_json::from_str(text).ok()? {
                        Value::Null => {}
                        Value::Object(map)
                            if map
                                .values()
                                .all(|v| !matches!(v, Value::Array(_) | Value::Object(_))) =>
                        {
                            fields = map
                        }
                        _ => return None,
                    }
                }
            }
            Some(Fields::Struct(s)) if s.is_valid(i) => {
                for (f, child) in s.fields().iter().zip(s.columns()) {
                    let v = scalar(child.as_ref(), i, "").ok()?;
                    if !v.is_null() {
                        fields.insert(f.name().clone(), v);
                    }
                }
            }
            Some(Fields::Map(m)) if m.is_valid(i) => {
                let (keys, values) = (m.keys(), m.values());
                let keys = Text::of(keys.as_ref())?;
                let offsets = m.value_offsets();
                for k in offsets[i] as usize..offsets[i + 1] as usize {
                    let key = keys.get(k)?.to_owned();
                    fields.insert(key, scalar(values.as_ref(), k, "").ok()?);
                }
            }
            _ => {}
        }
        let mut list = Vec::new();
        if let Some(events) = &self.events
            && events.list.is_valid(i)
        {
            let (start, end) = events.offsets[i];
            if end - start > entitlement_core::rules::MAX_EVENTS {
                return None;
            }
            list.reserve(end - start);
            for k in start..end {
                if events.items.is_null(k) {
                    return None;
                }
                let mut parts = EventParts {
                    at: events.at.instant(k)?,
                    kind: events.kind.get(k)?.to_owned(),
                    to: None,
                    from: None,
                    field: None,
                    id: None,
                };
                for &(name, column) in &events.others {
                    if column.is_valid(k) {
                        let v = Some(scalar(column, k, "").ok()?);
                        match name {
                            "to" => parts.to = v,
                            "from" => parts.from = v,
                            "field" => parts.field = v,
                            _ => parts.id = v,
                        }
                    }
                }
                list.push(parts.event(created_at)?);
            }
        }
        Some(Case {
            id,
            entitlement,
            process: None,
            created_at,
            fields,
            events: list,
        })
    }

    /// Row `i` as a case document.
    fn row(&self, i: usize) -> Result<Value> {
        let mut case = Map::new();
        // A null id is absent (the core then says `missing_key`), never the empty id: two
        // null ids must not become one case.
        if let Some(id) = self.ids.get(i) {
            case.insert("id".into(), Value::String(id.to_owned()));
        }
        if let Some(e) = self.entitlement.and_then(|t| t.get(i)) {
            case.insert("entitlement".into(), Value::String(e.to_owned()));
        }
        if let Some(p) = self.process.and_then(|t| t.get(i)) {
            let version = match self.process_version {
                Some(v) if v.is_valid(i) => Some(scalar(v, i, "process_version")?),
                _ => None,
            };
            case.insert(
                "process".into(),
                match version {
                    Some(version) => serde_json::json!({"id": p, "version": version}),
                    None => Value::String(p.to_owned()),
                },
            );
        }
        if let Some(at) = self.created_at.text(i, || CREATED_AT.into())? {
            case.insert(CREATED_AT.into(), Value::String(at));
        }
        if let Some(fields) = &self.fields {
            let value = match fields {
                Fields::Json(t) => match t.get(i) {
                    None => Value::Null,
                    Some(text) => serde_json::from_str(text).map_err(|e| Error::InvalidValue {
                        path: "fields".into(),
                        reason: format!("the column holds JSON text, and this is not JSON: {e}"),
                    })?,
                },
                Fields::Struct(s) if s.is_valid(i) => {
                    let mut map = Map::new();
                    for (f, child) in s.fields().iter().zip(s.columns()) {
                        let v = scalar(child.as_ref(), i, &format!("fields.{}", f.name()))?;
                        if !v.is_null() {
                            map.insert(f.name().clone(), v);
                        }
                    }
                    Value::Object(map)
                }
                Fields::Map(m) if m.is_valid(i) => {
                    let (keys, values) = (m.keys(), m.values());
                    let keys = Text::of(keys.as_ref()).ok_or_else(|| {
                        bad_column("fields", "a map with string keys", keys.data_type())
                    })?;
                    let offsets = m.value_offsets();
                    let mut map = Map::new();
                    for k in offsets[i] as usize..offsets[i + 1] as usize {
                        // Arrow forbids null map keys; a producer that writes one anyway gets an
                        // error, not a field named "".
                        let key = keys.get(k).ok_or_else(|| Error::InvalidValue {
                            path: "fields".into(),
                            reason: "a map entry with a null key".into(),
                        })?;
                        let key = key.to_owned();
                        let v = scalar(values.as_ref(), k, &format!("fields.{key}"))?;
                        map.insert(key, v);
                    }
                    Value::Object(map)
                }
                _ => Value::Null,
            };
            if !value.is_null() {
                case.insert("fields".into(), value);
            }
        }
        if let Some(events) = &self.events
            && events.list.is_valid(i)
        {
            let (start, end) = events.offsets[i];
            let mut list = Vec::with_capacity(end - start);
            for (n, k) in (start..end).enumerate() {
                // The child columns of a null struct hold whatever the producer left there:
                // reading them would invent an event. A null event is refused, as `None` in a
                // dict case's events is.
                if events.items.is_null(k) {
                    return Err(Error::InvalidType {
                        path: format!("events[{n}]"),
                        expected: "an event (a struct with at and type)".into(),
                        found: "null".into(),
                    });
                }
                let mut event = Map::new();
                if let Some(at) = events.at.text(k, || format!("events[{n}].at"))? {
                    event.insert(AT.into(), Value::String(at));
                }
                if let Some(t) = events.kind.get(k) {
                    event.insert("type".into(), Value::String(t.to_owned()));
                }
                for &(name, column) in &events.others {
                    if column.is_valid(k) {
                        let v = scalar(column, k, &format!("events[{n}].{name}"))?;
                        event.insert(name.into(), v);
                    }
                }
                list.push(Value::Object(event));
            }
            case.insert("events".into(), Value::Array(list));
        }
        Ok(Value::Object(case))
    }
}

impl<'a> Events<'a> {
    fn of(column: &'a dyn Array) -> Result<Events<'a>> {
        let (offsets, values): (Vec<(usize, usize)>, &'a ArrayRef) =
            if let Some(l) = column.as_list_opt::<i32>() {
                let o = l.value_offsets();
                (
                    (0..l.len())
                        .map(|i| (o[i] as usize, o[i + 1] as usize))
                        .collect(),
                    l.values(),
                )
            } else if let Some(l) = column.as_list_opt::<i64>() {
                let o = l.value_offsets();
                (
                    (0..l.len())
                        .map(|i| (o[i] as usize, o[i + 1] as usize))
                        .collect(),
                    l.values(),
                )
            } else {
                return Err(bad_column(
                    "events",
                    "a list<struct<at, type, ...>> column",
                    column.data_type(),
                ));
            };
        let Some(items) = values.as_struct_opt() else {
            return Err(bad_column(
                "events",
                "a list of structs",
                values.data_type(),
            ));
        };
        for f in items.fields() {
            if !EVENT_COLUMNS.contains(&f.name().as_str()) {
                return Err(Error::UnknownKey {
                    path: "cases.events".into(),
                    key: f.name().clone(),
                    expected: EVENT_COLUMNS.join(", "),
                });
            }
        }
        let at = items.column_by_name(AT).ok_or_else(|| {
            column_error("events", "a list of structs with an `at` timestamp".into())
        })?;
        let kind = items.column_by_name("type").ok_or_else(|| {
            column_error("events", "a list of structs with a `type` string".into())
        })?;
        let kind = Text::of(kind.as_ref())
            .ok_or_else(|| bad_column("events.type", "a string column", kind.data_type()))?;
        let others = ["to", "from", "field", "id"]
            .into_iter()
            .filter_map(|name| items.column_by_name(name).map(|c| (name, c.as_ref())))
            .collect();
        Ok(Events {
            list: column,
            items,
            offsets,
            at: Instants::of(at.as_ref(), "events.at")?,
            kind,
            others,
        })
    }
}

/// Every row of `batch` as a validated case, in parallel; the error is the first bad row's.
pub(crate) fn cases_of(batch: &StructArray) -> Result<Vec<Case>> {
    // The columns are an argument: an error about them is an `InputError`.
    let columns = Cases::of(batch).map_err(Error::in_argument)?;
    let one = |i: usize| -> Result<Case> {
        // A null row of a struct array (a record batch has none, but any struct array can be
        // passed) has child values that are no case.
        // It is named by its position, as a case without an id is.
        if batch.is_null(i) {
            return Err(Error::InCase {
                case: format!("#{i}"),
                error: Box::new(Error::InvalidType {
                    path: String::new(),
                    expected: "a case (a row that is not null)".into(),
                    found: "null".into(),
                }),
            });
        }
        if let Some(case) = columns.case(i) {
            return Ok(case);
        }
        let value = columns.row(i).map_err(|error| Error::InCase {
            case: entitlement_core::host::case_label(columns.ids.get(i), i),
            error: Box::new(error),
        })?;
        Case::from_value_at(&value, i)
    };
    let n = batch.len();
    match (0..n).into_par_iter().with_min_len(256).map(one).collect() {
        Ok(cases) => Ok(cases),
        Err(_) => (0..n).map(one).collect(),
    }
}

/// Every row of `batch` as a case or its reading error, in parallel (`on_error="collect"`).
fn case_batch(batch: &StructArray) -> Result<CaseBatch> {
    let columns = Cases::of(batch).map_err(Error::in_argument)?;
    let one = |i: usize| -> Result<Case> {
        if batch.is_null(i) {
            return Err(Error::InCase {
                case: format!("#{i}"),
                error: Box::new(Error::InvalidType {
                    path: String::new(),
                    expected: "a case (a row that is not null)".into(),
                    found: "null".into(),
                }),
            });
        }
        if let Some(case) = columns.case(i) {
            return Ok(case);
        }
        let value = columns.row(i).map_err(|error| Error::InCase {
            case: entitlement_core::host::case_label(columns.ids.get(i), i),
            error: Box::new(error),
        })?;
        Case::from_value_at(&value, i)
    };
    let read: Vec<Result<Case>> = (0..batch.len())
        .into_par_iter()
        .with_min_len(256)
        .map(one)
        .collect();
    Ok(read.into_iter().collect())
}

/// The cases of `batch` for a call with `on_error`: with `"raise"` read as they always were.
fn batch_of(batch: &StructArray, on_error: OnError) -> Result<CaseBatch> {
    match on_error {
        OnError::Raise => Ok(CaseBatch::from(cases_of(batch)?)),
        OnError::Collect => case_batch(batch),
    }
}

/// `evaluate_arrow`: every status of every good case of `batch`, and the error entries.
pub(crate) fn evaluate(
    rules: &CoreRuleset,
    batch: &StructArray,
    now: DateTime<Utc>,
    on_error: OnError,
) -> Result<(RecordBatch, Vec<CaseError>)> {
    let cases = batch_of(batch, on_error)?;
    let mut evaluations = Vec::with_capacity(cases.len());
    let mut errors = Vec::new();
    for entry in rules.evaluate_batch(&cases, now, on_error)? {
        match entry {
            Ok(evaluation) => evaluations.push(evaluation),
            Err(error) => errors.push(error),
        }
    }
    Ok((
        entitlement_tables::evaluation_statuses(&evaluations)?,
        errors,
    ))
}

/// `monitor_arrow`: the milestone events of `(since, now]` of the cases of `batch` (with a
/// `data_error` event per row left out), and the error entries.
pub(crate) fn monitor(
    rules: &CoreRuleset,
    batch: &StructArray,
    now: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
    on_error: OnError,
) -> Result<(RecordBatch, Vec<CaseError>)> {
    let cases = batch_of(batch, on_error)?;
    let (events, errors) = rules.milestone_events_batch(&cases, now, since, on_error)?;
    Ok((entitlement_tables::events(&events)?, errors))
}

/// `batch` as a pyarrow `RecordBatch`, with `errors` (when there are any) as JSON text in its
/// schema metadata under [`ERRORS_KEY`].
pub(crate) fn export_with_errors<'py>(
    py: Python<'py>,
    batch: RecordBatch,
    errors: &[CaseError],
) -> crate::error::Result<Bound<'py, PyAny>> {
    let out = export_batch(py, batch)?;
    if errors.is_empty() {
        return Ok(out);
    }
    let text = serde_json::to_string(errors).map_err(|e| Error::Internal {
        reason: e.to_string(),
    })?;
    let metadata = pyo3::types::PyDict::new(py);
    metadata.set_item(entitlement_tables::ERRORS_KEY, text)?;
    Ok(out.call_method1(intern!(py, "replace_schema_metadata"), (metadata,))?)
}
