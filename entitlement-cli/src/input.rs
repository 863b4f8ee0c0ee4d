//! What the command reads: instants and windows from flags, rules documents, cases files and
//! other JSON inputs. Every error names its file.

use std::path::Path;

use chrono::{DateTime, Utc};
use entitlement_core::document::{self, Format};
use entitlement_core::rules::{Case, CaseBatch, CaseError, Ruleset};
use entitlement_core::time::parse_instant;
use serde_json::Value;

use crate::output::Failure;

/// An instant as the core reads it everywhere (ISO 8601 with a UTC offset): the parser of
/// `--now` and `--since`.
pub fn instant(v: &str) -> Result<DateTime<Utc>, String> {
    let micros = parse_instant(v, "instant").map_err(|e| e.to_string())?;
    DateTime::from_timestamp_micros(micros).ok_or_else(|| format!("{v:?} is out of range"))
}

/// A calendar day `YYYY-MM-DD`: the parser of `--from` and `--to`.
pub fn date(v: &str) -> Result<chrono::NaiveDate, String> {
    let strict = v.len() == 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-';
    strict
        .then(|| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("{v:?} is not a date YYYY-MM-DD [invalid_date]"))
}

/// `--since`: an instant, or `none` for everything up to `now`.
#[derive(Clone, Copy, Debug)]
pub enum Since {
    Beginning,
    At(DateTime<Utc>),
}

pub fn since(v: &str) -> Result<Since, String> {
    if v == "none" {
        Ok(Since::Beginning)
    } else {
        instant(v).map(Since::At)
    }
}

/// The current time, to the microsecond (the core's resolution), so that the `now` written to
/// a state file is exactly the run's.
pub fn current_time() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// A rules document (`.yaml`, `.yml`, `.json` or `.toml`).
pub fn rules(path: &Path) -> Result<Ruleset, Failure> {
    Ruleset::load(path).map_err(|e| Failure::in_file(path, &e))
}

/// A JSON (or YAML, by extension) input file as a value tree, within the core's document limits.
pub fn value(path: &Path) -> Result<Value, Failure> {
    let format = Format::from_path(path).unwrap_or(Format::Json);
    let bytes = document::read_file(path, document::max_bytes(format))
        .map_err(|e| Failure::in_file(path, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::file(
            path,
            format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        )
    })?;
    document::parse(&text, format).map_err(|e| Failure::in_file(path, &e))
}

/// The cases of a cases file.
pub struct Cases {
    /// The file's own `now`, if it has one.
    pub now: Option<DateTime<Utc>>,
    /// Every case of the file in order: the ones read and the reading error of the others, so
    /// that the monitor reports the rejected ones as `errors` and `data_error` events.
    pub batch: CaseBatch,
    /// The cases that could not be read.
    pub rejected: Vec<CaseError>,
}

impl Cases {
    /// The cases read.
    pub fn cases(&self) -> &[Case] {
        self.batch.cases()
    }
}

/// Reads a cases file: `{"now": ..., "cases": [...]}`, a list of cases, or (when `one` is
/// allowed) a single case object. `shown` names the file in messages.
pub fn cases_text(text: &str, shown: &Path, one: bool) -> Result<Cases, Failure> {
    let doc: Value = serde_json::from_str(text).map_err(|e| Failure::file(shown, e))?;
    let (now, list) = match doc {
        Value::Array(list) => (None, list),
        Value::Object(mut map) if map.contains_key("cases") => {
            let now = match map.get("now") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => {
                    Some(instant(s).map_err(|e| Failure::file(shown, format!("now: {e}")))?)
                }
                Some(_) => return Err(Failure::file(shown, "now: expected an instant")),
            };
            match map.remove("cases") {
                Some(Value::Array(list)) => (now, list),
                _ => return Err(Failure::file(shown, "cases: expected a list of cases")),
            }
        }
        Value::Object(map) if one => (None, vec![Value::Object(map)]),
        _ => {
            return Err(Failure::file(
                shown,
                "expected a list of cases or {\"now\": ..., \"cases\": [...]}",
            ));
        }
    };
    let progress = list.len() >= 50_000;
    let total = list.len();
    let mut batch = CaseBatch::new();
    let mut rejected = Vec::new();
    for (i, c) in list.into_iter().enumerate() {
        match Case::from_value_at(&c, i) {
            Ok(case) => batch.push(Ok(case)),
            Err(e) => {
                rejected.push(CaseError::new(i, &e));
                batch.push(Err(e));
            }
        }
        if progress && (i + 1) % 100_000 == 0 {
            crate::output::note(format!("read {} of {total} cases", i + 1));
        }
    }
    Ok(Cases {
        now,
        batch,
        rejected,
    })
}

/// [`cases_text`] of a file. Cases files are read whole, without the document size limit:
/// a month of a large desk's cases is larger than any rules document.
pub fn cases(path: &Path, one: bool) -> Result<Cases, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::file(path, e))?;
    cases_text(&text, path, one)
}
