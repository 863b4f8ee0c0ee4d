//! The tables as warehouse files (`entitlement export`, `docs/cli.md`): Parquet, CSV or
//! NDJSON, written by the Arrow crates from the same batches the bindings hand over, flattened
//! so that every warehouse loads them without an extension type:
//!
//! - a duration column `X` becomes `X_seconds` (`float64`, seconds, signed);
//! - a list column and a JSON column (`arrow.json`) become JSON text (`utf8`);
//! - instants stay `timestamp[us, UTC]` in Parquet and are RFC 3339 UTC text in CSV and
//!   NDJSON (`2026-07-01T14:00:00Z`, with a fraction only when there is one, written here
//!   rather than by the Arrow writers, which would need a time-zone database for `UTC`);
//!   dates are `YYYY-MM-DD`.
//!
//! CSV has a header row and an empty cell for a null; NDJSON is one object per line with
//! `null` for a null.
//!
//! ```
//! use entitlement_tables::files::{FileFormat, FileWriter};
//! use entitlement_tables::{Table, report_table};
//! # let (rules, case, now) = entitlement_core::doc_fixture::gold();
//! # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
//! let mut out = FileWriter::new(Vec::new(), FileFormat::Ndjson, Table::Outcomes)?;
//! out.write(&report_table(&report, Table::Outcomes)?)?;
//! let text = String::from_utf8(out.finish()?)?;
//! assert!(text.contains(r#""started_at":"2026-11-25T10:00:00Z""#));
//! assert!(text.contains(r#""margin_seconds":-900.0"#));
//! assert!(text.contains(r#""completed_at":null"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Write;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{DurationMicrosecondType, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use entitlement_core::{Error, Result};
use serde_json::Value;

use crate::{JSON_EXTENSION, Table};

/// The format of an exported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Apache Parquet (Snappy-compressed), instants as `timestamp[us, UTC]`.
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
    /// Newline-delimited JSON, one object per row.
    Ndjson,
}

impl FileFormat {
    /// Every format, in the order the docs list them.
    pub const ALL: [FileFormat; 3] = [FileFormat::Parquet, FileFormat::Csv, FileFormat::Ndjson];

    /// The format's name: `parquet`, `csv` or `ndjson`.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Parquet => "parquet",
            FileFormat::Csv => "csv",
            FileFormat::Ndjson => "ndjson",
        }
    }

    /// The format named `name`; `invalid_value` at `path` for another name.
    ///
    /// ```
    /// use entitlement_tables::files::FileFormat;
    /// assert_eq!(FileFormat::from_name("csv", "--format")?, FileFormat::Csv);
    /// assert_eq!(FileFormat::from_name("xlsx", "--format").unwrap_err().code(), "invalid_value");
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn from_name(name: &str, path: &str) -> Result<FileFormat> {
        FileFormat::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| Error::InvalidValue {
                path: path.into(),
                reason: format!("unknown format {name:?}; expected parquet, csv or ndjson"),
            })
    }
}

/// Whether a column holds JSON text (Arrow's `arrow.json` extension type).
fn is_json(field: &Field) -> bool {
    field.extension_type_name() == Some(JSON_EXTENSION)
}

/// The schema of `table`'s files in `format`: durations as `X_seconds` (`float64`), lists and
/// JSON as plain text, instants as timestamps in Parquet and as RFC 3339 text in CSV and
/// NDJSON.
///
/// ```
/// use arrow_schema::DataType;
/// use entitlement_tables::{Table, files::{FileFormat, file_schema}};
/// let schema = file_schema(Table::Outcomes, FileFormat::Parquet);
/// assert_eq!(schema.field_with_name("margin_seconds")?.data_type(), &DataType::Float64);
/// assert!(schema.field_with_name("margin").is_err());
/// let csv = file_schema(Table::Outcomes, FileFormat::Csv);
/// assert_eq!(csv.field_with_name("started_at")?.data_type(), &DataType::Utf8);
/// # Ok::<(), arrow_schema::ArrowError>(())
/// ```
pub fn file_schema(table: Table, format: FileFormat) -> SchemaRef {
    let text_instants = format != FileFormat::Parquet;
    let fields: Vec<Field> = table
        .schema()
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Duration(_) => Field::new(
                format!("{}_seconds", f.name()),
                DataType::Float64,
                f.is_nullable(),
            ),
            DataType::List(_) => Field::new(f.name(), DataType::Utf8, f.is_nullable()),
            DataType::Timestamp(..) if text_instants => {
                Field::new(f.name(), DataType::Utf8, f.is_nullable())
            }
            _ if is_json(f) => Field::new(f.name(), DataType::Utf8, f.is_nullable()),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

fn internal(what: &str) -> impl Fn(arrow_schema::ArrowError) -> Error + '_ {
    move |e| Error::Internal {
        reason: format!("{what}: {e}"),
    }
}

/// `batch` (of `table`'s schema) in the layout of [`file_schema`].
pub fn flatten(table: Table, format: FileFormat, batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = file_schema(table, format);
    let text_instants = format != FileFormat::Parquet;
    let source = table.schema();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in source.fields().iter().zip(batch.columns()) {
        let flat: ArrayRef = match field.data_type() {
            DataType::Duration(TimeUnit::Microsecond) => {
                let us = column.as_primitive::<DurationMicrosecondType>();
                Arc::new(
                    us.iter()
                        .map(|v| v.map(|us| us as f64 / 1e6))
                        .collect::<Float64Array>(),
                )
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) if text_instants => {
                let us = column.as_primitive::<TimestampMicrosecondType>();
                let text: StringArray = us
                    .iter()
                    .map(|v| {
                        v.and_then(chrono::DateTime::from_timestamp_micros)
                            .map(|t| t.format(INSTANT_FORMAT).to_string())
                    })
                    .collect();
                Arc::new(text)
            }
            DataType::List(_) => {
                let lists = column.as_list::<i32>();
                let text: StringArray = (0..lists.len())
                    .map(|i| {
                        lists.is_valid(i).then(|| {
                            let items = lists.value(i);
                            let items = items.as_string::<i32>();
                            let values: Vec<Value> = items
                                .iter()
                                .map(|s| s.map_or(Value::Null, |s| Value::String(s.into())))
                                .collect();
                            Value::Array(values).to_string()
                        })
                    })
                    .collect();
                Arc::new(text)
            }
            _ => Arc::clone(column),
        };
        columns.push(flat);
    }
    RecordBatch::try_new(schema, columns).map_err(internal("flattening a table for a file"))
}

/// RFC 3339 in UTC, a fraction only when there is one (the instants are UTC).
const INSTANT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.fZ";

enum Inner<W: Write + Send> {
    Parquet(parquet::arrow::ArrowWriter<W>),
    Csv(arrow_csv::Writer<W>),
    Ndjson(arrow_json::LineDelimitedWriter<W>),
}

/// Why a file could not be written.
#[derive(Debug)]
pub enum FileError {
    /// Writing to the output failed; `kind` is the I/O error's kind when known (a closed pipe
    /// is `BrokenPipe`).
    Write {
        /// The I/O error's kind, when the writer says.
        kind: Option<std::io::ErrorKind>,
        /// What went wrong.
        message: String,
    },
    /// The table could not be built or flattened (`internal_error`).
    Core(Error),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Write { message, .. } => f.write_str(message),
            FileError::Core(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FileError {}

impl From<Error> for FileError {
    fn from(e: Error) -> FileError {
        FileError::Core(e)
    }
}

impl From<arrow_schema::ArrowError> for FileError {
    fn from(e: arrow_schema::ArrowError) -> FileError {
        let kind = match &e {
            arrow_schema::ArrowError::IoError(_, io) => Some(io.kind()),
            _ => None,
        };
        FileError::Write {
            kind,
            message: e.to_string(),
        }
    }
}

impl From<parquet::errors::ParquetError> for FileError {
    fn from(e: parquet::errors::ParquetError) -> FileError {
        let kind = match &e {
            parquet::errors::ParquetError::External(inner) => inner
                .downcast_ref::<std::io::Error>()
                .map(std::io::Error::kind),
            _ => None,
        };
        FileError::Write {
            kind,
            message: e.to_string(),
        }
    }
}

/// A file of one table being written, batch after batch (a large export never holds the whole
/// table as Arrow arrays).
pub struct FileWriter<W: Write + Send> {
    table: Table,
    format: FileFormat,
    inner: Inner<W>,
    /// Whether a batch was written (a CSV file without one would lack its header).
    wrote: bool,
}

impl<W: Write + Send> FileWriter<W> {
    /// A writer of `table` in `format` to `out`.
    pub fn new(
        out: W,
        format: FileFormat,
        table: Table,
    ) -> std::result::Result<FileWriter<W>, FileError> {
        let inner = match format {
            FileFormat::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .build();
                let schema = file_schema(table, format);
                let writer = parquet::arrow::ArrowWriter::try_new(out, schema, Some(props))?;
                Inner::Parquet(writer)
            }
            FileFormat::Csv => Inner::Csv(
                arrow_csv::WriterBuilder::new()
                    .with_header(true)
                    .with_null(String::new())
                    .with_date_format("%Y-%m-%d".into())
                    .build(out),
            ),
            FileFormat::Ndjson => Inner::Ndjson(
                arrow_json::WriterBuilder::new()
                    .with_explicit_nulls(true)
                    .build::<_, arrow_json::writer::LineDelimited>(out),
            ),
        };
        Ok(FileWriter {
            table,
            format,
            inner,
            wrote: false,
        })
    }

    /// Appends `batch`, a batch of the table's own schema ([`Table::schema`]).
    pub fn write(&mut self, batch: &RecordBatch) -> std::result::Result<(), FileError> {
        let flat = flatten(self.table, self.format, batch)?;
        self.wrote = true;
        match &mut self.inner {
            Inner::Parquet(w) => w.write(&flat)?,
            Inner::Csv(w) => w.write(&flat)?,
            Inner::Ndjson(w) => w.write(&flat)?,
        }
        Ok(())
    }

    /// Ends the file (Parquet's footer) and hands `out` back.
    pub fn finish(mut self) -> std::result::Result<W, FileError> {
        if !self.wrote {
            let empty = RecordBatch::new_empty(self.table.schema());
            self.write(&empty)?;
        }
        match self.inner {
            Inner::Parquet(w) => Ok(w.into_inner()?),
            Inner::Csv(w) => Ok(w.into_inner()),
            Inner::Ndjson(mut w) => {
                w.finish()?;
                Ok(w.into_inner())
            }
        }
    }
}
