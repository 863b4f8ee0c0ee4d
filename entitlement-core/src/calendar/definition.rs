//! Calendar definitions and the `calendars:` part of the document (`docs/calendars.md`),
//! validated by hand so that every error names its path and says what would be valid.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::holiday::{parse_holiday, weekday_from_key};
use super::hours::{LocalSpan, Placed, check_overlaps, parse_span};
use super::{Calendar, Zoned};
use crate::document::{
    as_array, as_bool, as_date, as_object, as_str, check_keys, index_path, key_path, required,
};
use crate::error::{Error, Result};

/// The most holidays, or overrides, one calendar may have.
pub const MAX_CALENDAR_ENTRIES: usize = 100_000;
/// The most intervals one day may have.
pub const MAX_INTERVALS_PER_DAY: usize = 96;
/// The most calendars one union may combine, and the deepest nesting of inline unions.
pub const MAX_UNION_PARTS: usize = 256;
/// The most named calendars one document may define. Each costs about 4 KB before it is used
/// (its lazily filled index), so without a bound a 64 MiB document of two-million one-line
/// calendars would take 8 GB.
pub const MAX_CALENDARS: usize = 10_000;
const MAX_UNION_DEPTH: usize = 32;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Resolves a calendar name used inside a union.
pub(crate) trait Resolve {
    fn resolve(&mut self, name: &str, path: &str) -> Result<Calendar>;
}

/// A standalone calendar: names cannot be resolved.
pub(crate) struct NoNames;

impl Resolve for NoNames {
    fn resolve(&mut self, name: &str, path: &str) -> Result<Calendar> {
        Err(Error::UnknownCalendar {
            path: path.to_string(),
            name: name.to_string(),
            known: "none (a standalone calendar can only combine inline definitions; load a whole document to refer to calendars by name)".into(),
        })
    }
}

fn spans_of(v: &Value, path: &str) -> Result<Vec<LocalSpan>> {
    let items = as_array(v, path)?;
    if items.len() > MAX_INTERVALS_PER_DAY {
        return Err(Error::LimitExceeded {
            path: path.to_string(),
            reason: format!(
                "{} intervals in one day; the limit is {MAX_INTERVALS_PER_DAY}",
                items.len()
            ),
        });
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = index_path(path, i);
            parse_span(as_str(item, &p, "an interval \"HH:MM-HH:MM\"")?, &p)
        })
        .collect()
}

/// Whether a calendar definition, or an inline calendar of its union, uses a key alias
/// ([`crate::host::CALENDAR_KEY_ALIASES`]).
fn has_alias(v: &Value) -> bool {
    let Some(map) = v.as_object() else {
        return false;
    };
    crate::host::CALENDAR_KEY_ALIASES
        .iter()
        .any(|(alias, _)| map.contains_key(*alias))
        || map
            .get("union")
            .and_then(Value::as_array)
            .is_some_and(|parts| parts.iter().any(has_alias))
}

/// The definition with every key alias renamed to its key, in it and in the inline calendars
/// of its union, so that the definition kept (and written back) uses the document's keys. An
/// alias given beside its key is an `invalid_value` naming the alias.
pub(crate) fn without_aliases(v: &Value, path: &str) -> Result<Value> {
    let Some(map) = v.as_object() else {
        return Ok(v.clone());
    };
    let mut renamed = map.clone();
    for (alias, key) in crate::host::CALENDAR_KEY_ALIASES {
        if let Some(value) = renamed.remove(alias) {
            if renamed.contains_key(key) {
                return Err(Error::InvalidValue {
                    path: key_path(path, alias),
                    reason: format!("`{alias}` is an alias of `{key}`: give one of them, not both"),
                });
            }
            renamed.insert(key.to_string(), value);
        }
    }
    if let Some(Value::Array(parts)) = renamed.get_mut("union") {
        let union_path = key_path(path, "union");
        for (i, part) in parts.iter_mut().enumerate() {
            if has_alias(part) {
                *part = without_aliases(part, &index_path(&union_path, i))?;
            }
        }
    }
    Ok(Value::Object(renamed))
}

/// Builds one calendar definition.
pub(crate) fn build(
    v: &Value,
    path: &str,
    names: &mut dyn Resolve,
    depth: usize,
) -> Result<Calendar> {
    let map = as_object(v, path)?;
    if has_alias(v) {
        return build(&without_aliases(v, path)?, path, names, depth);
    }
    if map.contains_key("always_open") {
        check_keys(map, path, &["always_open", "description"])?;
        let p = key_path(path, "always_open");
        if !as_bool(&map["always_open"], &p)? {
            return Err(Error::InvalidValue {
                path: p,
                reason: "`always_open: false` describes nothing; omit it and give `time_zone` and `hours`".into(),
            });
        }
        return Ok(Calendar::always_open_with(v.clone()));
    }
    if map.contains_key("union") {
        check_keys(map, path, &["union", "description"])?;
        let p = key_path(path, "union");
        let items = as_array(&map["union"], &p)?;
        if items.is_empty() {
            return Err(Error::InvalidValue {
                path: p,
                reason: "a union needs at least one calendar, by name or inline".into(),
            });
        }
        if items.len() > MAX_UNION_PARTS || depth > MAX_UNION_DEPTH {
            return Err(Error::LimitExceeded {
                path: p,
                reason: format!(
                    "unions combine at most {MAX_UNION_PARTS} calendars, nested at most {MAX_UNION_DEPTH} deep"
                ),
            });
        }
        let mut parts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let ip = index_path(&p, i);
            parts.push(match item {
                Value::String(name) => names.resolve(name, &ip)?,
                Value::Object(_) => build(item, &ip, names, depth + 1)?,
                other => {
                    return Err(Error::InvalidType {
                        path: ip,
                        expected: "a calendar name or an inline calendar".into(),
                        found: crate::document::type_name(other),
                    });
                }
            });
        }
        return Calendar::union_with(&parts, v.clone(), path);
    }
    check_keys(
        map,
        path,
        &["time_zone", "hours", "holidays", "overrides", "description"],
    )?;
    if let Some(d) = map.get("description") {
        as_str(d, &key_path(path, "description"), "a string")?;
    }
    let tz_path = key_path(path, "time_zone");
    let tz_name = as_str(
        required(map, path, "time_zone")?,
        &tz_path,
        "an IANA time zone name",
    )?;
    let tz: chrono_tz::Tz = tz_name.parse().map_err(|_| Error::UnknownTimeZone {
        path: tz_path.clone(),
        name: tz_name.to_string(),
    })?;

    let mut weekly: [Vec<LocalSpan>; 7] = Default::default();
    if let Some(hours) = map.get("hours") {
        let hp = key_path(path, "hours");
        let hmap = as_object(hours, &hp)?;
        check_keys(hmap, &hp, &WEEKDAYS)?;
        let mut labelled = Vec::new();
        for (key, spans) in hmap {
            let day = weekday_from_key(key)
                .map(|w| w.num_days_from_monday())
                .unwrap_or(0);
            let dp = key_path(&hp, key);
            let spans = spans_of(spans, &dp)?;
            for (i, s) in spans.iter().enumerate() {
                labelled.push(Placed {
                    day,
                    span: *s,
                    label: format!("{key} {}", s.describe()),
                    path: index_path(&dp, i),
                });
            }
            weekly[day as usize] = spans;
        }
        check_overlaps(&labelled, Some(7 * super::hours::DAY_S))?;
        for spans in &mut weekly {
            spans.sort();
        }
    }

    let mut holidays = Vec::new();
    let mut document_index = Vec::new();
    if let Some(list) = map.get("holidays") {
        let hp = key_path(path, "holidays");
        let items = as_array(list, &hp)?;
        if items.len() > MAX_CALENDAR_ENTRIES {
            return Err(Error::LimitExceeded {
                path: hp,
                reason: format!(
                    "{} holidays; the limit is {MAX_CALENDAR_ENTRIES}",
                    items.len()
                ),
            });
        }
        let mut built_in = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = index_path(&hp, i);
            match item.as_object() {
                Some(h) if h.contains_key("country") => {
                    built_in.extend(country_holidays(h, &ip)?.calendar_holidays());
                }
                _ => {
                    holidays.push(parse_holiday(item, &ip)?);
                    document_index.push(i);
                }
            }
        }
        // The document's own holidays first, so that `document_index` maps them by position.
        holidays.extend(built_in);
    }

    let mut overrides = BTreeMap::new();
    if let Some(list) = map.get("overrides") {
        let op = key_path(path, "overrides");
        let items = as_array(list, &op)?;
        if items.len() > MAX_CALENDAR_ENTRIES {
            return Err(Error::LimitExceeded {
                path: op,
                reason: format!(
                    "{} overrides; the limit is {MAX_CALENDAR_ENTRIES}",
                    items.len()
                ),
            });
        }
        for (i, item) in items.iter().enumerate() {
            let ip = index_path(&op, i);
            let omap = as_object(item, &ip)?;
            check_keys(omap, &ip, &["date", "hours", "name"])?;
            let date = as_date(required(omap, &ip, "date")?, &key_path(&ip, "date"))?;
            let hp = key_path(&ip, "hours");
            let mut spans = spans_of(required(omap, &ip, "hours")?, &hp)?;
            let labelled: Vec<_> = spans
                .iter()
                .enumerate()
                .map(|(i, s)| Placed {
                    day: 0,
                    span: *s,
                    label: s.describe(),
                    path: index_path(&hp, i),
                })
                .collect();
            check_overlaps(&labelled, None)?;
            spans.sort();
            if overrides.insert(date, spans).is_some() {
                return Err(Error::InvalidValue {
                    path: key_path(&ip, "date"),
                    reason: format!(
                        "{date} already has an override; give each date one override with all its hours"
                    ),
                });
            }
        }
    }

    if weekly.iter().all(Vec::is_empty) && overrides.values().all(Vec::is_empty) {
        return Err(Error::NeverOpen {
            path: path.to_string(),
        });
    }
    Ok(Calendar::zoned(
        Zoned {
            tz,
            weekly,
            holidays,
            document_index,
            overrides,
        },
        v.clone(),
    ))
}

/// A holiday entry `{country, subdivision, name}`: the built-in holidays of a country or one of
/// its subdivisions (docs/holidays.md).
fn country_holidays(
    map: &serde_json::Map<String, Value>,
    path: &str,
) -> Result<crate::holidays::CountryHolidays> {
    check_keys(map, path, &["country", "subdivision", "name"])?;
    let cp = key_path(path, "country");
    let country = as_str(&map["country"], &cp, "a country code such as \"US\"")?;
    let sp = key_path(path, "subdivision");
    let subdivision = match map.get("subdivision") {
        None => None,
        Some(s) => Some(as_str(s, &sp, "a subdivision code such as \"NY\"")?),
    };
    if let Some(n) = map.get("name") {
        as_str(n, &key_path(path, "name"), "a string")?;
    }
    crate::holidays::lookup(country, subdivision, &cp, &sp)
}

/// Resolves the named calendars of a document, each once, detecting cycles of unions.
pub(crate) struct Named<'a> {
    pub defs: &'a serde_json::Map<String, Value>,
    pub path: String,
    pub done: HashMap<String, Calendar>,
    pub visiting: Vec<String>,
}

impl Resolve for Named<'_> {
    fn resolve(&mut self, name: &str, path: &str) -> Result<Calendar> {
        if let Some(c) = self.done.get(name) {
            return Ok(c.clone());
        }
        let Some(def) = self.defs.get(name) else {
            let mut known: Vec<&str> = self.defs.keys().map(String::as_str).collect();
            known.sort_unstable();
            return Err(Error::UnknownCalendar {
                path: path.to_string(),
                name: name.to_string(),
                known: if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                },
            });
        };
        if self.visiting.iter().any(|n| n == name) {
            return Err(Error::CalendarCycle {
                path: path.to_string(),
                name: name.to_string(),
            });
        }
        self.visiting.push(name.to_string());
        let own_path = key_path(&self.path, name);
        let depth = self.visiting.len();
        let built = build(def, &own_path, self, depth);
        self.visiting.pop();
        let cal = built?;
        self.done.insert(name.to_string(), cal.clone());
        Ok(cal)
    }
}
