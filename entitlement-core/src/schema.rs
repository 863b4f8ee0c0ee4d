//! The JSON Schema of the rules document, generated from the Rust types.
//!
//! Processes, milestones, criteria, targets, triggers and entitlements are described by the very
//! types that [`crate::rules::Ruleset`] holds; calendars by the types below, which mirror what
//! [`crate::Calendar::from_value`] accepts. The schema is shipped as
//! `docs/schema/ruleset.schema.json`; a test keeps that file equal to [`ruleset_schema`], and the
//! Python suite validates every example document against it.
//!
//! ```
//! let schema = entitlement_core::schema::ruleset_schema();
//! assert_eq!(schema["title"], "Entitlement rules document");
//! assert!(schema["properties"]["processes"].is_object());
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::Value;

use crate::rules::{Entitlement, MonitorConfig, Process};

/// A weekday key of `hours`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// An opening interval `HH:MM-HH:MM`; an end at or before the start runs past midnight, and
/// `24:00` is the end of the day.
#[derive(JsonSchema)]
#[schemars(
    transparent,
    extend("pattern" = "^\\s*[0-9]{2}:[0-9]{2}(:[0-9]{2})?\\s*-\\s*[0-9]{2}:[0-9]{2}(:[0-9]{2})?\\s*$")
)]
#[allow(dead_code)]
struct Interval(String);

/// A date `YYYY-MM-DD`.
#[derive(JsonSchema)]
#[schemars(transparent, extend("format" = "date"))]
#[allow(dead_code)]
struct Date(String);

/// A rule for a date that recurs every year.
#[derive(JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
#[allow(dead_code)]
enum Yearly {
    /// `"MM-DD"`.
    MonthDay(#[schemars(extend("pattern" = "^[0-9]{2}-[0-9]{2}$"))] String),
    /// The n-th weekday of a month (`nth: -1` is the last).
    NthWeekday {
        month: u8,
        weekday: Weekday,
        #[schemars(range(min = -5, max = 5))]
        nth: i8,
    },
    /// A fixed day of a month.
    Day { month: u8, day: u8 },
    /// Days from Western Easter Sunday (`-2` is Good Friday).
    Easter { easter: i32 },
}

/// Hours of a partial-day holiday: one interval or a list.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum HolidayHours {
    One(Interval),
    Many(Vec<Interval>),
}

/// How a holiday that falls on a weekend is observed.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Observed {
    /// Saturday → Friday, Sunday → Monday.
    NearestWeekday,
    /// Saturday and Sunday → the next free weekday (UK substitute days).
    NextWeekday,
    /// On the day itself.
    None,
    /// Saturday and Sunday → the Friday before.
    PreviousFriday,
    /// Saturday and Sunday → the Monday after.
    NextMonday,
    /// Saturday → Monday, Sunday → Tuesday (the second of two adjacent holidays).
    NextMondayOrTuesday,
    /// Saturday → the workday before, Sunday → the workday after (skipping holidays).
    NearestWorkday,
    /// Saturday and Sunday → the workday before (skipping holidays).
    PreviousWorkday,
}

/// The unit of a general recurrence.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// A general recurrence, counted from the holiday's `starts`: every `every` days; every `every`
/// weeks on `weekdays`; every `every` months on `day` (months without it are skipped) or on the
/// `nth` day whose weekday is `weekday` / in `weekdays`; every `every` years in `month`, likewise.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Recurs {
    #[schemars(range(min = 1, max = 1000))]
    every: Option<u16>,
    unit: Unit,
    weekdays: Option<Vec<Weekday>>,
    weekday: Option<Weekday>,
    /// The first day of a week when counting every n weeks (default `mon`).
    week_start: Option<Weekday>,
    #[schemars(range(min = 1, max = 31))]
    day: Option<u8>,
    #[schemars(range(min = -5, max = 5))]
    nth: Option<i8>,
    #[schemars(range(min = 1, max = 12))]
    month: Option<u8>,
}

/// A holiday: exactly one of `date`, `from` + `to` (inclusive), `yearly` or `recurs`. A
/// recurring holiday may be bounded by `starts` / `until` (inclusive, on the unshifted date;
/// `recurs` requires `starts`) and skip the dates in `except`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Holiday {
    name: Option<String>,
    date: Option<Date>,
    from: Option<Date>,
    to: Option<Date>,
    yearly: Option<Yearly>,
    recurs: Option<Recurs>,
    starts: Option<Date>,
    until: Option<Date>,
    except: Option<Vec<Date>>,
    /// Closed only during these hours (a partial day); the whole day when omitted.
    hours: Option<HolidayHours>,
    observed: Option<Observed>,
}

/// The built-in public holidays of a country (ISO 3166-1 alpha-2 code), or of one of its
/// subdivisions, for 2000 to 2100 (docs/holidays.md).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CountryHolidays {
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    country: String,
    subdivision: Option<String>,
    name: Option<String>,
}

/// An entry of a calendar's `holidays`: a holiday rule, or a country's built-in holidays.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum HolidayEntry {
    Country(CountryHolidays),
    Rule(Box<Holiday>),
}

/// Special hours on one date, replacing the weekly hours (`[]` closes the day).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Override {
    date: Date,
    hours: Vec<Interval>,
    name: Option<String>,
}

/// A union part: a calendar's name or an inline definition.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum UnionPart {
    Name(String),
    Inline(Box<CalendarDefinition>),
}

/// A business-hours calendar.
#[derive(JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
#[allow(dead_code)]
enum CalendarDefinition {
    /// Weekly hours in an IANA time zone, with holidays and dated overrides.
    Hours {
        /// An IANA time zone name (`America/New_York`).
        time_zone: String,
        /// Opening intervals per weekday; omitted days are closed (a calendar open only on
        /// dated overrides may omit `hours`).
        hours: Option<BTreeMap<Weekday, Vec<Interval>>>,
        holidays: Option<Vec<HolidayEntry>>,
        overrides: Option<Vec<Override>>,
        description: Option<String>,
    },
    /// Open whenever any part is open (follow-the-sun).
    Union {
        union: Vec<UnionPart>,
        description: Option<String>,
    },
    /// Open around the clock (24×7).
    AlwaysOpen {
        #[schemars(extend("const" = true))]
        always_open: bool,
        description: Option<String>,
    },
}

/// The whole document.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RulesetDocument {
    /// Named calendars.
    calendars: Option<BTreeMap<String, CalendarDefinition>>,
    /// Entitlement processes; several versions of one id may coexist.
    processes: Option<Vec<Process>>,
    /// Contracts.
    entitlements: Option<Vec<Entitlement>>,
    /// Monitor settings: suppression, quota alerts, chronic over-consumption, action defaults.
    monitor: Option<MonitorConfig>,
}

/// The JSON Schema (draft 2020-12) of the rules document.
///
/// ```
/// let schema = entitlement_core::schema::ruleset_schema();
/// assert_eq!(schema["title"], "Entitlement rules document");
/// assert!(schema["properties"]["calendars"].is_object());
/// ```
pub fn ruleset_schema() -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(RulesetDocument)).unwrap_or(Value::Null);
    drop_null(&mut schema);
    prose_only(&mut schema);
    if let Value::Object(map) = &mut schema {
        map.insert("title".into(), "Entitlement rules document".into());
        map.insert(
            "$id".into(),
            "https://github.com/entitlement-rs/entitlement/docs/schema/ruleset.schema.json".into(),
        );
    }
    schema
}

/// The JSON Schema (draft 2020-12) of the results as JSON: the one wire format that every layer
/// writes for other systems (the CLI's `--format json`, Python's `to_json()`, Node's
/// `JSON.stringify`). Its `$defs` are [`crate::host::result_schema`]'s, one per result type
/// (`x-result-types` lists the top-level ones), with keys in snake_case, instants as RFC 3339
/// text in UTC, durations as seconds and dates as `YYYY-MM-DD` (each marked with
/// `x-entitlement`). Shipped as `docs/schema/results.schema.json`; a test keeps that file equal
/// to this.
///
/// ```
/// let schema = entitlement_core::schema::results_schema();
/// assert_eq!(schema["title"], "Entitlement results (the JSON wire format)");
/// let report = &schema["$defs"]["MonitorReport"]["properties"];
/// assert!(report["at_risk"].is_object());
/// assert_eq!(schema["$defs"]["MilestoneStatus"]["properties"]["elapsed"]["x-entitlement"], "duration");
/// ```
pub fn results_schema() -> Value {
    let mut defs = crate::host::result_schema();
    prose_only(&mut defs);
    let mut schema = serde_json::Map::new();
    schema.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    schema.insert(
        "$id".into(),
        "https://github.com/entitlement-rs/entitlement/docs/schema/results.schema.json".into(),
    );
    schema.insert(
        "title".into(),
        "Entitlement results (the JSON wire format)".into(),
    );
    schema.insert(
        "description".into(),
        "Every result type as JSON, the same from Rust, the CLI, Python and Node: snake_case \
         keys, instants as RFC 3339 text in UTC, durations as seconds (x-entitlement: \
         duration), dates as YYYY-MM-DD. Validate a value against one of $defs, for example \
         {\"$ref\": \"results.schema.json#/$defs/MonitorReport\"}."
            .into(),
    );
    schema.insert(
        "x-result-types".into(),
        crate::host::RESULT_TYPES.to_vec().into(),
    );
    if let Value::Object(mut map) = defs
        && let Some(defs) = map.remove("$defs")
    {
        schema.insert("$defs".into(), defs);
    }
    Value::Object(schema)
}

/// The descriptions come from the types' doc comments; their rustdoc examples are for Rust
/// readers, so a description keeps only the prose before the first code block.
fn prose_only(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get_mut("description")
                && let Some(start) = text.find("```")
            {
                let prose = text[..start].trim_end().to_string();
                *text = prose;
            }
            map.values_mut().for_each(prose_only);
        }
        Value::Array(items) => items.iter_mut().for_each(prose_only),
        _ => {}
    }
}

/// Optional keys are omitted, never `null` (the loader refuses `null` where a value belongs), so
/// the `null` alternatives that schemars adds for `Option` fields are removed.
fn drop_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(alternatives)) = map.get("anyOf") {
                let kept: Vec<Value> = alternatives
                    .iter()
                    .filter(|a| a.get("type") != Some(&Value::from("null")))
                    .cloned()
                    .collect();
                if kept.len() == 1 {
                    map.remove("anyOf");
                    if let Value::Object(inner) = &kept[0] {
                        for (k, v) in inner {
                            map.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                } else {
                    map.insert("anyOf".into(), Value::Array(kept));
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}
