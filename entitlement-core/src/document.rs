//! Reading documents: JSON, YAML and TOML into one value tree, and the path-aware helpers that
//! validate it.
//!
//! Every format is first turned into a [`serde_json::Value`]; validation then walks that tree by
//! hand so that every error names its exact path (`calendars.ny.hours.mon[0]`) and says what would
//! be valid, whatever the format the user wrote.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{EXCERPT_CHARS, Error, Result, excerpt, shortened};

/// The largest document text accepted, in bytes (64 MiB): JSON documents, and the bytes of
/// strings and keys a document holds once YAML aliases are expanded. See `docs/performance.md`
/// ("Bounds on hostile input") for the memory each limit allows.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The largest YAML document text accepted, in bytes (4 MiB).
///
/// Lower than [`MAX_DOCUMENT_BYTES`] because the YAML parser holds every event of the document
/// (one per scalar, list and mapping) before the value tree is built: about 80 bytes of memory
/// per byte of dense YAML (a 4 MiB list of zeros peaks at about 330 MB). Write large generated
/// documents as JSON.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

/// The largest TOML document text accepted, in bytes (4 MiB): the TOML parser costs about 75
/// bytes of memory per byte of dense TOML (a 4 MiB array of zeros peaks at about 320 MB).
pub const MAX_TOML_BYTES: usize = 4 * 1024 * 1024;

/// The most memory the value tree of one document may take, as estimated while it is built
/// (1 GiB), counting YAML aliases expanded.
///
/// The estimate charges what `serde_json::Value` costs on a 64-bit machine: 32 bytes a value
/// (64 in a list, whose buffer grows by doubling), a string's bytes, about 88 bytes a mapping
/// entry plus its key, and 560 bytes for a mapping's first entry (one B-tree node). It is a
/// little above the measured peak. The largest valid realistic documents fit: a million
/// entitlements (`MAX_ENTITLEMENTS`) with an account each estimate at about 800 MiB.
pub const MAX_DOCUMENT_TREE_BYTES: usize = 1024 * 1024 * 1024;

/// Memory-estimate charges, in bytes (see [`MAX_DOCUMENT_TREE_BYTES`]).
const VALUE_COST: usize = 32;
const LIST_ITEM_COST: usize = 32;
const ENTRY_COST: usize = 88;
const FIRST_ENTRY_COST: usize = 560;

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
    let limit = max_bytes(format);
    if text.len() > limit {
        return Err(Error::LimitExceeded {
            path: String::new(),
            reason: format!(
                "the {} document is {} bytes; the limit is {limit} bytes",
                format.name(),
                text.len()
            ),
        });
    }
    let parse_error = |message: String| Error::Parse {
        format: format.name(),
        message: shortened(&message, MAX_MESSAGE_CHARS).into_owned(),
    };
    match format {
        Format::Json => {
            let mut budget = Budget::default();
            let mut de = serde_json::Deserializer::from_str(text);
            let value = serde::de::DeserializeSeed::deserialize(Node(&mut budget), &mut de)
                .and_then(|v| de.end().map(|()| v));
            value.map_err(|e| {
                budget
                    .error
                    .take()
                    .unwrap_or_else(|| parse_error(e.to_string()))
            })
        }
        Format::Yaml => {
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            let mut budget = Budget::default();
            let de = serde_yaml_ng::Deserializer::from_str(text);
            serde::de::DeserializeSeed::deserialize(Node(&mut budget), de).map_err(|e| {
                budget
                    .error
                    .take()
                    .unwrap_or_else(|| parse_error(e.to_string()))
            })
        }
        Format::Toml => {
            // The toml crate's `Display` quotes the offending line, which may be the whole
            // document: say where instead.
            let v: toml::Value = toml::from_str(text).map_err(|e| {
                parse_error(match e.span() {
                    Some(span) => {
                        let (line, column) = line_column(text, span.start);
                        format!("{} at line {line}, column {column}", e.message().trim_end())
                    }
                    None => e.message().trim_end().to_string(),
                })
            })?;
            toml_to_json(v).map_err(|e| match e {
                Error::Parse { message, .. } => parse_error(message),
                e => e,
            })
        }
    }
}

/// Reads a whole file of at most `limit` bytes.
///
/// Only a regular file is read: a directory, FIFO, socket or device (`/dev/zero`, a named pipe
/// that would block forever) is an `invalid_value` error naming the path, decided on the open
/// file itself (it is opened without blocking, then examined), so that nothing can be swapped
/// in between. A file larger than `limit` is a `limit_exceeded` error, and at most `limit` + 1
/// bytes are ever read, even from a file that grows while it is read.
///
/// ```
/// use entitlement_core::document::read_file;
/// let dir = std::env::temp_dir().join(format!("read-file-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("rules.json");
/// std::fs::write(&path, "{}")?;
/// assert_eq!(read_file(&path, 2)?, b"{}");
/// assert_eq!(read_file(&path, 1).unwrap_err().code(), "limit_exceeded");
/// assert_eq!(read_file(&dir, 100).unwrap_err().code(), "invalid_value"); // a directory
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_file(path: &Path, limit: usize) -> Result<Vec<u8>> {
    use std::io::Read;

    let shown = || path.display().to_string();
    let io = |e: std::io::Error| Error::InvalidValue {
        path: shown(),
        reason: format!("cannot read the file: {e}"),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer comes; a terminal could become the
        // process's controlling terminal.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(Error::InvalidValue {
            path: shown(),
            reason:
                "not a regular file (a directory, pipe, socket or device); give the path of a file"
                    .into(),
        });
    }
    let too_large = |len: u64| Error::LimitExceeded {
        path: shown(),
        reason: format!("the file is {len} bytes or more; the limit is {limit} bytes"),
    };
    if metadata.len() > limit as u64 {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The largest text accepted in `format`, in bytes.
///
/// ```
/// use entitlement_core::document::{max_bytes, Format, MAX_DOCUMENT_BYTES, MAX_YAML_BYTES};
/// assert_eq!(max_bytes(Format::Json), MAX_DOCUMENT_BYTES);
/// assert_eq!(max_bytes(Format::Yaml), MAX_YAML_BYTES);
/// assert!(max_bytes(Format::Toml) < MAX_DOCUMENT_BYTES);
/// ```
pub fn max_bytes(format: Format) -> usize {
    match format {
        Format::Json => MAX_DOCUMENT_BYTES,
        Format::Yaml => MAX_YAML_BYTES,
        Format::Toml => MAX_TOML_BYTES,
    }
}

/// A parser message is quoted at most this long.
const MAX_MESSAGE_CHARS: usize = 300;

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// What a document has cost so far while its value tree is built, and the path of the value
/// being built, so that an error can say where.
#[derive(Default)]
struct Budget {
    /// The estimated memory of the tree so far.
    tree: usize,
    /// The bytes of strings and keys so far.
    bytes: usize,
    path: Vec<Segment>,
    /// The typed error that stopped the parser (the parser's own error only carries text).
    error: Option<Error>,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl Budget {
    fn path(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            out = match segment {
                Segment::Key(k) => key_path(&out, k),
                Segment::Index(i) => index_path(&out, *i),
            };
        }
        out
    }

    fn fail<E: serde::de::Error>(&mut self, error: Error) -> E {
        let message = error.to_string();
        self.error = Some(error);
        E::custom(message)
    }

    /// Counts `cost` more bytes of tree, `bytes` of which are strings or keys.
    fn charge<E: serde::de::Error>(
        &mut self,
        cost: usize,
        bytes: usize,
    ) -> std::result::Result<(), E> {
        self.tree = self.tree.saturating_add(cost).saturating_add(bytes);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.tree > MAX_DOCUMENT_TREE_BYTES {
            let error = Error::LimitExceeded {
                path: self.path(),
                reason: format!(
                    "the document's values would take more than {MAX_DOCUMENT_TREE_BYTES} bytes of memory (counting YAML aliases expanded); that is the limit"
                ),
            };
            return Err(self.fail(error));
        }
        if self.bytes > MAX_DOCUMENT_BYTES {
            let error = Error::LimitExceeded {
                path: self.path(),
                reason: format!(
                    "the document's strings and keys exceed {MAX_DOCUMENT_BYTES} bytes (counting YAML aliases expanded); that is the limit"
                ),
            };
            return Err(self.fail(error));
        }
        Ok(())
    }
}

/// Builds one value of the tree within the budget, refusing a key that a mapping already has.
/// It accepts what `serde_json::Value` accepts and builds the same value.
struct Node<'a>(&'a mut Budget);

impl<'de> serde::de::DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        let de = serde::de::value::I128Deserializer::new(v);
        serde::Deserialize::deserialize(de).map(Value::Number)
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        let de = serde::de::value::U128Deserializer::new(v);
        serde::Deserialize::deserialize(de).map(Value::Number)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, v.len())?;
        Ok(Value::String(v))
    }

    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.0.charge(VALUE_COST, 0)?;
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let budget = self.0;
        budget.charge(VALUE_COST, 0)?;
        let mut items = Vec::new();
        loop {
            budget.path.push(Segment::Index(items.len()));
            let item = seq.next_element_seed(Node(&mut *budget));
            budget.path.pop();
            match item? {
                Some(item) => {
                    budget.charge(LIST_ITEM_COST, 0)?;
                    items.push(item);
                }
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let budget = self.0;
        budget.charge(VALUE_COST, 0)?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let node = if out.is_empty() { FIRST_ENTRY_COST } else { 0 };
            budget.charge(ENTRY_COST + node, key.len())?;
            if out.contains_key(&key) {
                let error = Error::DuplicateKey {
                    path: budget.path(),
                    key: key.clone(),
                };
                return Err(budget.fail(error));
            }
            budget.path.push(Segment::Key(key));
            let value = map.next_value_seed(Node(&mut *budget));
            let Some(Segment::Key(key)) = budget.path.pop() else {
                unreachable!("the segment pushed above")
            };
            out.insert(key, value?);
        }
        Ok(Value::Object(out))
    }
}

fn toml_to_json(v: toml::Value) -> Result<Value> {
    Ok(match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Error::Parse {
                format: "TOML",
                message: format!("the float {f} is not a finite number"),
            })?,
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => {
            Value::Array(a.into_iter().map(toml_to_json).collect::<Result<_>>()?)
        }
        toml::Value::Table(t) => Value::Object(
            t.into_iter()
                .map(|(k, v)| Ok((k, toml_to_json(v)?)))
                .collect::<Result<Map<_, _>>>()?,
        ),
    })
}

/// `path.key`, or `key` at the root.
///
/// A key longer than [`EXCERPT_CHARS`] characters is shortened, as every quoted value is: a
/// path is for messages.
///
/// A key that is empty or holds `.`, `[` or `]` is written `["a.b"]` (a JSON string in
/// brackets), so that [`crate::error::parse_path`] splits every path back into its keys.
pub(crate) fn key_path(path: &str, key: &str) -> String {
    let key = shortened(key, EXCERPT_CHARS);
    if key.is_empty() || key.contains(['.', '[', ']']) {
        let quoted = serde_json::to_string(key.as_ref()).unwrap_or_default();
        format!("{path}[{quoted}]")
    } else if path.is_empty() {
        key.into_owned()
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
        Value::String(s) => format!("the string {}", excerpt(s)),
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
    crate::host::check_keys(map.keys().map(String::as_str), path, allowed)
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

/// A date `YYYY-MM-DD` (in years 1 to 9999) at `path`.
pub(crate) fn as_date(v: &Value, path: &str) -> Result<chrono::NaiveDate> {
    crate::time::parse_date(as_str(v, path, "a date \"YYYY-MM-DD\"")?, path)
}
