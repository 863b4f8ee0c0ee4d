//! Importers: the rules users already keep in a CRM or a holiday feed, turned into this
//! project's document (`docs/rules.md`, `docs/calendars.md`) faithfully, or refused with an error that names the record and
//! the field.
//!
//! - [`salesforce`]: `BusinessHours` and `Holiday` records as the REST API returns them,
//!   `EntitlementProcess` and `MilestoneType` metadata XML, `Entitlement` records, and `Case`
//!   records with their `CaseHistory` and `CaseMilestone` rows.
//! - [`zendesk`]: schedules with their holidays, and SLA policies.
//! - [`dynamics`]: Dynamics 365 Customer Service calendars, SLAs, entitlements and cases.
//! - [`ics`]: iCalendar (`.ics`) holiday feeds.
//!
//! Every importer returns an [`Import`]: the document fragment (a JSON value a user can save,
//! read and edit) and the [`Warning`]s that a faithful import still has to report (an inactive
//! business-hours record, a value the engine derives itself). [`Import::calendars`] and
//! [`Import::ruleset`] build the engine's objects from the fragment directly, and
//! [`Import::merge`] joins fragments (a vendor's calendars with its processes).
//!
//! What an importer cannot represent is an [`Error::Unsupported`] (code `unsupported`) naming
//! the record and field, never a guess.
//!
//! ```
//! use entitlement_core::import::Import;
//! use serde_json::json;
//!
//! let calendars = Import::new(json!({"calendars": {"24x7": {"always_open": true}}}));
//! let processes = Import::new(json!({"processes": [
//!     {"id": "p", "calendar": "24x7", "milestones": [
//!         {"name": "First Response", "kind": "first_response", "target": "1h"}]}]}));
//! let both = calendars.merge(processes)?;
//! assert_eq!(both.ruleset()?.calendars().names(), vec!["24x7"]);
//! # Ok::<(), entitlement_core::Error>(())
//! ```

use serde::Serialize;
use serde_json::{Map, Value};

use crate::calendar::{Calendar, Calendars};
use crate::error::{Error, Result, shortened};
use crate::rules::Ruleset;

pub mod dynamics;
pub mod ics;
mod read;
pub mod salesforce;
pub mod servicenow;
pub mod zendesk;

/// Something an import had to tell the user although it could represent the input: the record
/// and field it concerns, and what it means for the imported rules.
///
/// ```
/// use entitlement_core::import::zendesk;
/// let policies = serde_json::json!({"sla_policies": [{"id": 7, "title": "Basic", "description": "Most customers",
///     "policy_metrics": [{"priority": "normal", "metric": "first_reply_time", "target": 60, "business_hours": false}]}]});
/// let import = zendesk::sla_policies(&policies, None)?;
/// let warning = &import.warnings[0];
/// assert_eq!((warning.record.as_str(), warning.field.as_str()), ("SLA policy 7 (Basic)", "description"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The record, as `BusinessHours 01m5e000000AbCd (Support Hours)` or a file name.
    pub record: String,
    /// The field, as the vendor names it (`IsActive`).
    pub field: String,
    /// What the import did and why.
    pub message: String,
}

/// The result of an import: a document fragment and the warnings that came with it.
///
/// ```
/// # use entitlement_core::import::Import;
/// # use serde_json::json;
/// let import = Import::new(json!({"calendars": {"24x7": {"always_open": true}}}));
/// assert!(import.warnings.is_empty());
/// assert_eq!(import.document["calendars"]["24x7"]["always_open"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    /// The fragment: an object with any of `calendars`, `processes` and `entitlements` (or, for
    /// case imports, `cases`), in the document format of `docs/rules.md`.
    pub document: Value,
    /// What the user should know about the import.
    pub warnings: Vec<Warning>,
}

impl Import {
    /// An import of a ready fragment, without warnings.
    ///
    /// ```
    /// # use entitlement_core::import::Import;
    /// # use serde_json::json;
    /// let import = Import::new(json!({"calendars": {}}));
    /// assert_eq!(import.document, json!({"calendars": {}}));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(document: Value) -> Import {
        Import {
            document,
            warnings: Vec::new(),
        }
    }

    /// Joins two fragments: calendars by name, processes, entitlements and cases by
    /// concatenation. A calendar defined in both with different definitions is a `duplicate`
    /// error; the same definition twice is kept once.
    ///
    /// ```
    /// # use entitlement_core::import::Import;
    /// # use serde_json::json;
    /// let a = Import::new(json!({"calendars": {"24x7": {"always_open": true}}}));
    /// let b = Import::new(json!({"calendars": {"24x7": {"always_open": true},
    ///                                          "ny": {"time_zone": "America/New_York", "hours": {"mon": ["09:00-17:00"]}}}}));
    /// let both = a.clone().merge(b)?;                       // the same definition twice is kept once
    /// assert_eq!(both.calendars()?.len(), 2);
    /// let clash = Import::new(json!({"calendars": {"24x7": {"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}}}));
    /// assert_eq!(a.merge(clash).unwrap_err().code(), "duplicate");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(mut self, other: Import) -> Result<Import> {
        let Value::Object(into) = &mut self.document else {
            return Err(Error::InvalidType {
                path: String::new(),
                expected: "an object".into(),
                found: crate::document::type_name(&self.document),
            });
        };
        let Value::Object(from) = other.document else {
            return Err(Error::InvalidType {
                path: String::new(),
                expected: "an object".into(),
                found: crate::document::type_name(&other.document),
            });
        };
        for (key, value) in from {
            match (into.get_mut(&key), value) {
                (None, value) => {
                    into.insert(key, value);
                }
                (Some(Value::Object(mine)), Value::Object(theirs)) => {
                    for (name, def) in theirs {
                        match mine.get(&name) {
                            Some(existing) if *existing != def => {
                                return Err(Error::Duplicate {
                                    path: format!("{key}.{name}"),
                                    what: "calendar",
                                    id: name,
                                });
                            }
                            Some(_) => {}
                            None => {
                                mine.insert(name, def);
                            }
                        }
                    }
                }
                (Some(Value::Array(mine)), Value::Array(theirs)) => mine.extend(theirs),
                (Some(_), _) => {
                    return Err(Error::InvalidType {
                        path: key,
                        expected: "the same type in both fragments".into(),
                        found: "a different type".into(),
                    });
                }
            }
        }
        self.warnings.extend(other.warnings);
        Ok(self)
    }

    /// The calendars of the fragment, validated.
    ///
    /// ```
    /// # use entitlement_core::import::Import;
    /// # use serde_json::json;
    /// let import = Import::new(json!({"calendars": {"24x7": {"always_open": true}}}));
    /// assert_eq!(import.calendars()?.names(), vec!["24x7"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendars(&self) -> Result<Calendars> {
        match self.document.get("calendars") {
            Some(c) => Calendars::from_value(c),
            None => Ok(Calendars::default()),
        }
    }

    /// One calendar of the fragment: the one named, or the only one when `name` is `None`.
    ///
    /// ```
    /// # use entitlement_core::import::Import;
    /// # use serde_json::json;
    /// let import = Import::new(json!({"calendars": {"24x7": {"always_open": true}}}));
    /// assert!(import.calendar(None)?.is_open("2026-11-26T12:00:00Z".parse()?)?);   // the only one
    /// assert!(import.calendar(Some("ny")).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar(&self, name: Option<&str>) -> Result<Calendar> {
        let calendars = self.calendars()?;
        let names = calendars.names();
        let name = match name {
            Some(n) => n.to_string(),
            None if names.len() == 1 => names[0].to_string(),
            None => {
                return Err(Error::InvalidValue {
                    path: "calendars".into(),
                    reason: format!(
                        "the import holds {} calendars ({}); name the one you want",
                        names.len(),
                        crate::error::known_names(names.iter().copied())
                    ),
                });
            }
        };
        calendars
            .get(&name)
            .cloned()
            .ok_or_else(|| Error::UnknownCalendar {
                path: "calendars".into(),
                name: name.clone(),
                known: crate::error::known_names(names.iter().copied()),
            })
    }

    /// The fragment as a validated [`Ruleset`] (its `cases`, if any, left out).
    ///
    /// ```
    /// # use entitlement_core::import::Import;
    /// # use serde_json::json;
    /// let import = Import::new(json!({"processes": [{"id": "p", "milestones": [
    ///     {"name": "First Response", "kind": "first_response", "target": "1h"}]}]}));
    /// assert_eq!(import.ruleset()?.processes()[0].id, "p");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ruleset(&self) -> Result<Ruleset> {
        match &self.document {
            Value::Object(map) if map.contains_key("cases") => {
                let rules: Map<String, Value> = map
                    .iter()
                    .filter(|(k, _)| k.as_str() != "cases")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Ruleset::from_value(&Value::Object(rules))
            }
            doc => Ruleset::from_value(doc),
        }
    }
}

/// A record's name for messages: `Type Id (Name)`, with what the record has of the three.
pub(crate) fn record_label(kind: &str, id: Option<&str>, name: Option<&str>) -> String {
    match (id, name) {
        (Some(id), Some(name)) => format!("{kind} {id} ({name})"),
        (Some(id), None) => format!("{kind} {id}"),
        (None, Some(name)) => format!("{kind} ({name})"),
        (None, None) => kind.to_string(),
    }
}

/// The longest target or trigger offset an importer writes, in minutes (about 19 years of
/// round-the-clock time): longer ones are refused, naming the record and field, rather than
/// written into a document the engine cannot hold.
pub(crate) const MAX_TARGET_MINUTES: i64 = 10_000_000;

/// An `unsupported` error at `record.field`.
///
/// The record, field and reason are each cut to a bounded excerpt (`… (N bytes)`), so a refusal
/// that quotes a hostile value (a 5 MB name, a list of a million ids) stays a short message.
pub(crate) fn unsupported(record: &str, field: &str, reason: impl Into<String>) -> Error {
    let reason: String = reason.into();
    Error::Unsupported {
        path: format!(
            "{}: {}",
            shortened(record, MAX_RECORD_CHARS),
            shortened(field, MAX_RECORD_CHARS)
        ),
        reason: shortened(&reason, MAX_REASON_CHARS).into_owned(),
    }
}

/// The most characters of a record's or field's name an importer's refusal quotes.
const MAX_RECORD_CHARS: usize = 160;
/// The most characters of the reason an importer's refusal gives.
const MAX_REASON_CHARS: usize = 480;
