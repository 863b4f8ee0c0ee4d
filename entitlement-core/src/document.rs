//! Reading documents: JSON, YAML and TOML into one value tree, and the path-aware helpers that
//! validate it.
//!
//! Every format is first turned into a [`serde_json::Value`]; validation then walks that tree by
//! hand so that every error names its exact path (`calendars.ny.hours.mon[0]`) and says what would
//! be valid, whatever the format the user wrote.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The largest document text accepted, in bytes (64 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// A document format.
///
/// ```
/// use entitlement_core::document::Format;
/// use std::path::Path;
/// assert_eq!(Format::from_path(Path::new("rules.yml")), Some(Format::Yaml));
/// assert_eq!(Format::from_path(Path::new("rules.txt")), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (RFC 8259).
    Json,
    /// YAML 1.2.
    Yaml,
    /// TOML 1.0.
    Toml,
}

impl Format {
    /// The format a file's extension names: `.json`, `.yaml` / `.yml`, `.toml`.
    ///
    /// ```
    /// use entitlement_core::document::Format;
    /// use std::path::Path;
    /// assert_eq!(Format::from_path(Path::new("rules.toml")), Some(Format::Toml));
    /// assert_eq!(Format::from_path(Path::new("RULES.JSON")), Format::from_path(Path::new("rules.json")));
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
        }
    }
}

/// Parses a document text into a value tree.
///
/// TOML dates and date-times become strings in their RFC 3339 form, so every format reaches the
/// validator in the same shape.
///
/// ```
/// use entitlement_core::document::{parse, Format};
/// let v = parse("a = 2026-03-09\n", Format::Toml).unwrap();
/// assert_eq!(v["a"], "2026-03-09");
/// let e = parse("{", Format::Json).unwrap_err();
/// assert_eq!(e.code(), "parse_error");
/// ```
pub fn parse(text: &str, format: Format) -> Result<Value> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::LimitExceeded {
            path: String::new(),
            reason: format!(
                "the document is {} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes",
                text.len()
            ),
        });
    }
    let parse_error = |message: String| Error::Parse {
        format: format.name(),
        message,
    };
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| parse_error(e.to_string())),
        Format::Yaml => {
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_yaml_ng::from_str(text).map_err(|e| parse_error(e.to_string()))
        }
        Format::Toml => {
            let v: toml::Value = toml::from_str(text).map_err(|e| parse_error(e.to_string()))?;
            toml_to_json(v).map_err(parse_error)
        }
    }
}

fn toml_to_json(v: toml::Value) -> std::result::Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the float {f} is not a finite number"))?,
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => {
            Value::Array(a.into_iter().map(toml_to_json).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(t) => Value::Object(
            t.into_iter()
                .map(|(k, v)| Ok((k, toml_to_json(v)?)))
                .collect::<std::result::Result<Map<_, _>, String>>()?,
        ),
    })
}

/// `path.key`, or `key` at the root.
pub(crate) fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `path[i]`.
pub(crate) fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A short description of a value's type, for messages.
pub(crate) fn type_name(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn invalid_type(path: &str, expected: &str, found: &Value) -> Error {
    Error::InvalidType {
        path: path.to_string(),
        expected: expected.to_string(),
        found: type_name(found),
    }
}

/// The value as a mapping, or an error naming the path.
pub(crate) fn as_object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| invalid_type(path, "a mapping", v))
}

/// The value as a list, or an error naming the path.
pub(crate) fn as_array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| invalid_type(path, "a list", v))
}

/// The value as a string, or an error naming the path.
pub(crate) fn as_str<'a>(v: &'a Value, path: &str, what: &str) -> Result<&'a str> {
    v.as_str().ok_or_else(|| invalid_type(path, what, v))
}

/// The value as a boolean, or an error naming the path.
pub(crate) fn as_bool(v: &Value, path: &str) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| invalid_type(path, "true or false", v))
}

/// The value as an integer, or an error naming the path.
pub(crate) fn as_i64(v: &Value, path: &str, what: &str) -> Result<i64> {
    v.as_i64().ok_or_else(|| invalid_type(path, what, v))
}

/// Checks that a mapping has only the given keys.
pub(crate) fn check_keys(map: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<()> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(Error::UnknownKey {
                path: path.to_string(),
                key: key.clone(),
                expected: allowed.join(", "),
            });
        }
    }
    Ok(())
}

/// The value of a required key.
pub(crate) fn required<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a Value> {
    map.get(key).ok_or_else(|| Error::MissingKey {
        path: path.to_string(),
        key: key.to_string(),
    })
}
