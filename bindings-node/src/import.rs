//! `Import`: what the importers (`salesforce`, `zendesk` and `ics` namespaces of the module)
//! return — a document fragment and its warnings — wrapping `entitlement_core::import::Import`.
//! The vendors' functions live beside it, one file each (`import_salesforce`, `import_zendesk`,
//! `import_ics`).

use std::collections::HashMap;

use entitlement_core::Error as CoreError;
use entitlement_core::import as core;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::calendar::Calendar;
use crate::convert::{self, Shape};
use crate::error::{NodeError, Result, guard};
use crate::results::Js;
use crate::rules::Ruleset;
use crate::ser::{self, Mode};
use serde_json::{Map, Value};

/// An importer's result: `document`, a fragment of the rules document (an object with any of
/// `calendars`, `processes`, `entitlements`, or `cases`) to save and edit, and `warnings`, what
/// the import had to report although it could represent the input (`{record, field, message}`).
///
/// `calendar(name?)`, `calendars()` and `ruleset()` build the engine's objects from the fragment;
/// `merge(other)` joins two imports.
///
/// ```js
/// const { Import } = require('entitlement')
/// const imp = new Import({ calendars: { '24x7': { always_open: true } } })
/// imp.calendar().isOpen(new Date()) // true
/// ```
#[napi]
pub struct Import {
    pub(crate) inner: core::Import,
}

impl Import {
    pub(crate) fn wrap(inner: core::Import) -> Self {
        Import { inner }
    }
}

/// One warning of an import.
#[napi(object)]
pub struct ImportWarning {
    /// The record (`BusinessHours 01m... (Support)`) or file.
    pub record: String,
    /// The field, as the vendor names it.
    pub field: String,
    /// What the import did and why.
    pub message: String,
}

#[napi]
impl Import {
    /// An import of a fragment written by hand (or saved from an earlier import).
    #[napi(constructor, ts_args_type = "document: Record<string, unknown>")]
    pub fn new(env: Env, document: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            if !convert::is_object(&document)? {
                return Err(CoreError::InvalidType {
                    path: "document".into(),
                    expected: "a document fragment object".into(),
                    found: convert::describe(&document),
                }
                .into());
            }
            let value = convert::json(&document, Shape::Document, &|_| Ok(None))?;
            Ok(Import::wrap(core::Import::new(value)))
        })
    }

    /// The document fragment, as a new plain object.
    #[napi(getter, ts_return_type = "Record<string, any>")]
    pub fn document(&self, env: Env) -> Result<Js> {
        guard(&env, || {
            Ok(Js(ser::to_js(
                env.raw(),
                &self.inner.document,
                Mode::Native,
            )?))
        })
    }

    /// The warnings of the import.
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<ImportWarning> {
        self.inner
            .warnings
            .iter()
            .map(|w| ImportWarning {
                record: w.record.clone(),
                field: w.field.clone(),
                message: w.message.clone(),
            })
            .collect()
    }

    /// The document fragment (so that `JSON.stringify(imp)` saves it).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, any>")]
    pub fn to_json(&self, env: Env) -> Result<Js> {
        self.document(env)
    }

    /// The calendar named `name`, or the only calendar of the import.
    #[napi(ts_args_type = "name?: string | undefined | null")]
    pub fn calendar(&self, env: Env, name: Option<Unknown<'_>>) -> Result<Calendar> {
        guard(&env, || {
            let name = match name {
                Some(n) if !matches!(n.get_type()?, ValueType::Undefined | ValueType::Null) => {
                    Some(convert::string(&n, "name", "a calendar name string")?)
                }
                _ => None,
            };
            self.inner
                .calendar(name.as_deref())
                .map(Calendar::wrap)
                .map_err(NodeError::from)
        })
    }

    /// Every calendar of the import, by name.
    #[napi]
    pub fn calendars(&self, env: Env) -> Result<HashMap<String, Calendar>> {
        guard(&env, || {
            let calendars = self.inner.calendars()?;
            Ok(calendars
                .names()
                .into_iter()
                .filter_map(|n| {
                    calendars
                        .get(n)
                        .map(|c| (n.to_string(), Calendar::wrap(c.clone())))
                })
                .collect())
        })
    }

    /// The fragment as a validated `Ruleset` (imported `cases`, if any, left out).
    #[napi]
    pub fn ruleset(&self, env: Env) -> Result<Ruleset> {
        guard(&env, || {
            self.inner
                .ruleset()
                .map(Ruleset::wrap)
                .map_err(NodeError::from)
        })
    }

    /// A new import joining this one and `other`: calendars by name (one name defined two ways
    /// is a `duplicate` error), processes, entitlements and cases one after the other.
    #[napi]
    pub fn merge(&self, env: Env, other: &Import) -> Result<Import> {
        guard(&env, || {
            self.inner
                .clone()
                .merge(other.inner.clone())
                .map(Import::wrap)
                .map_err(NodeError::from)
        })
    }
}

// Options of the importer functions, shared by the vendors' files.

/// An options argument that may be left out (or `undefined` / `null`).
pub(crate) fn optional_options(
    options: Option<Unknown<'_>>,
) -> std::result::Result<Map<String, Value>, NodeError> {
    match options {
        Some(o) if !matches!(o.get_type()?, ValueType::Undefined | ValueType::Null) => {
            self::options(&o)
        }
        _ => Ok(Map::new()),
    }
}

/// A JSON argument (rows, a response body) that may be left out (`undefined` or `null`).
pub(crate) fn optional(v: Option<Unknown<'_>>) -> std::result::Result<Option<Value>, NodeError> {
    Ok(v.map(|v| convert::json(&v, Shape::Document, &|_| Ok(None)))
        .transpose()?
        .filter(|v| !v.is_null()))
}

/// An options object of an importer function, as JSON.
pub(crate) fn options(value: &Unknown<'_>) -> std::result::Result<Map<String, Value>, NodeError> {
    if !convert::is_object(value)? {
        return Err(CoreError::InvalidType {
            path: "options".into(),
            expected: "an options object".into(),
            found: convert::describe(value),
        }
        .in_argument()
        .into());
    }
    let value = convert::json(value, Shape::Document, &|_| Ok(None)).map_err(|e| match e {
        NodeError::Core(e) => e.in_argument().into(),
        other => other,
    })?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

pub(crate) fn text_option(
    map: &Map<String, Value>,
    key: &str,
    required: bool,
) -> std::result::Result<Option<String>, NodeError> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(CoreError::MissingKey {
            path: "options".into(),
            key: key.into(),
        }
        .into()),
        Some(other) => Err(CoreError::InvalidType {
            path: format!("options.{key}"),
            expected: "a string".into(),
            found: match other {
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "a list",
                _ => "an object",
            }
            .into(),
        }
        .into()),
    }
}

pub(crate) fn check_keys(
    map: &Map<String, Value>,
    allowed: &[&str],
) -> std::result::Result<(), NodeError> {
    entitlement_core::host::check_keys(map.keys().map(String::as_str), "options", allowed)
        .map_err(|e| e.in_argument().into())
}
