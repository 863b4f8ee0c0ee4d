//! Exporters: the rules document turned into what a CRM deploys, and into a page a person
//! approves. The document is the source, reviewed and versioned like code; the vendor's
//! configuration is generated from it (`docs/export.md`).
//!
//! - [`salesforce`]: `EntitlementProcess` and `MilestoneType` metadata, business hours and
//!   holidays as `BusinessHoursSettings`, `package.xml` and `sfdx-project.json`, in the
//!   source-format project layout that `sf project deploy start` takes.
//! - [`zendesk`]: schedule, workweek, holiday and SLA-policy JSON bodies, ready to send to the
//!   Zendesk REST API.
//! - [`review`]: a Markdown page of every process (milestones, targets per tier, triggers and
//!   actions), calendar (hours, holidays, overrides) and entitlement.
//!
//! Every exporter returns the files it would write, as [`ExportFile`]s (a relative path made
//! only of safe names, and the text), so that the command line and the bindings share it;
//! [`write_files`] writes them under one folder and nowhere else.
//!
//! What the target cannot express (a union of calendars in Zendesk, an Easter holiday in
//! Salesforce, criteria beyond its filter logic, ...) is refused with one
//! [`Error::Unsupported`] (code `unsupported`) that names the path of
//! the first refusal and lists the others: nothing is dropped silently. What a vendor
//! export does write imports back, through this crate's importers, to the same rules (a property
//! tested in `tests/export.rs`).
//!
//! ```
//! use entitlement_core::{Ruleset, export};
//!
//! let rules = Ruleset::from_yaml(r#"
//! calendars:
//!   Support: { time_zone: America/New_York, hours: { mon: ["09:00-17:00"] } }
//!   follow-the-sun: { union: [Support] }
//! "#)?;
//! let err = export::zendesk::export(&rules, &export::zendesk::Options::default()).unwrap_err();
//! assert_eq!(err.code(), "unsupported");
//! assert!(err.to_string().starts_with("calendars.follow-the-sun"));
//! # Ok::<(), entitlement_core::Error>(())
//! ```

use std::path::{Component, Path};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result, shortened};

pub mod review;
pub mod salesforce;
pub mod zendesk;

/// One file of an export: its path relative to the export folder (`/`-separated, every part a
/// safe name) and its text.
///
/// ```
/// use entitlement_core::{Ruleset, export};
/// let rules = Ruleset::from_yaml("calendars: { 24x7: { always_open: true } }")?;
/// let files = export::review::export(&rules)?;
/// assert_eq!(files[0].path, "review.md");
/// assert!(files[0].contents.starts_with("# Review"));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportFile {
    /// The path under the export folder, such as `force-app/main/default/package.xml`.
    pub path: String,
    /// The file's text (UTF-8).
    pub contents: String,
}

impl ExportFile {
    pub(crate) fn new(path: impl Into<String>, contents: impl Into<String>) -> ExportFile {
        ExportFile {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// A name made safe as one part of a path: letters, digits, spaces, `_`, `-` and `.` are kept,
/// every other character (and a leading `.`) is percent-encoded as the Salesforce CLI writes
/// metadata file names (`Tier 1/2` → `Tier 1%2F2`), and it is cut to 150 bytes. An empty name
/// is `_`.
///
/// ```
/// use entitlement_core::export::file_name;
/// assert_eq!(file_name("Gold Support"), "Gold Support");
/// assert_eq!(file_name("../etc/passwd"), "%2E.%2Fetc%2Fpasswd");
/// assert_eq!(file_name(""), "_");
/// ```
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-') || (c == '.' && i > 0);
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        if out.len() >= 150 {
            break;
        }
    }
    // A trailing space or dot is dropped by some file systems: encode it.
    if out.ends_with(' ') || out.ends_with('.') {
        let last = out.pop().unwrap_or(' ');
        out.push_str(&format!("%{:02X}", last as u8));
    }
    if out.is_empty() { "_".into() } else { out }
}

/// Writes the files of an export under `dir` (created if missing). Every path must be relative
/// and made of plain names (no `..`, no root, no drive): anything else is an `invalid_value`
/// error and nothing is written outside `dir`.
///
/// ```no_run
/// use entitlement_core::{Ruleset, export};
/// let rules = Ruleset::load("rules.yaml")?;
/// let files = export::review::export(&rules)?;
/// export::write_files("out".as_ref(), &files)?;
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn write_files(dir: &Path, files: &[ExportFile]) -> Result<()> {
    for f in files {
        let rel = Path::new(&f.path);
        if f.path.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(Error::InvalidValue {
                path: f.path.clone(),
                reason: "an export file's path must be relative and made of plain names".into(),
            });
        }
    }
    let io = |path: &Path, e: std::io::Error| Error::InvalidValue {
        path: path.display().to_string(),
        reason: format!("cannot write it: {e}"),
    };
    for f in files {
        let target = dir.join(&f.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&target, &f.contents).map_err(|e| io(&target, e))?;
    }
    Ok(())
}

/// The refusals of one export, collected so that one error lists them all.
#[derive(Default)]
pub(crate) struct Refusals {
    list: Vec<(String, String)>,
}

/// The most refusals one error message lists (the count says how many there were).
const MAX_LISTED: usize = 20;

impl Refusals {
    pub(crate) fn refuse(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.list.push((path.into(), reason.into()));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// `Ok` without refusals; else one `unsupported` error at the first path whose reason lists
    /// every other refusal too.
    pub(crate) fn finish(self, target: &str) -> Result<()> {
        let Some((path, reason)) = self.list.first() else {
            return Ok(());
        };
        let mut text = format!("{target} cannot express this: {reason}");
        if self.list.len() > 1 {
            text.push_str(&format!(
                " (and {} more refusal{}: ",
                self.list.len() - 1,
                if self.list.len() == 2 { "" } else { "s" }
            ));
            let rest: Vec<String> = self.list[1..]
                .iter()
                .take(MAX_LISTED)
                .map(|(p, r)| format!("{p}: {}", shortened(r, 240)))
                .collect();
            text.push_str(&rest.join("; "));
            if self.list.len() - 1 > MAX_LISTED {
                text.push_str("; ...");
            }
            text.push(')');
        }
        Err(Error::Unsupported {
            path: path.clone(),
            reason: text,
        })
    }
}

/// A value with every number as a float, so that `5` and `5.0` (which criteria compare as the
/// same number) compare equal when an export is checked against its re-import.
pub(crate) fn numbers_as_floats(v: Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Number(n)),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_floats).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Whether two calendars hold the same rules: the same zone, weekly hours, holidays (with
/// their names) and overrides; always-open with always-open. Unions are never the same here
/// (no exporter writes one).
pub(crate) fn same_calendar(a: &crate::Calendar, b: &crate::Calendar) -> bool {
    use crate::calendar::Shape;
    match (a.shape(), b.shape()) {
        (Shape::AlwaysOpen, Shape::AlwaysOpen) => true,
        (Shape::Zoned(x), Shape::Zoned(y)) => {
            x.tz == y.tz
                && x.weekly == y.weekly
                && x.holidays == y.holidays
                && x.overrides == y.overrides
                && holiday_names(&a.to_value()) == holiday_names(&b.to_value())
        }
        (Shape::AlwaysOpen | Shape::Zoned(_) | Shape::Union, _) => false,
    }
}

/// The `name`s of a calendar definition's holidays, in order.
pub(crate) fn holiday_names(definition: &Value) -> Vec<Option<String>> {
    definition
        .get("holidays")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|h| h.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The calendar names of a ruleset, sorted, with their calendars.
pub(crate) fn calendars(rules: &crate::Ruleset) -> Vec<(&str, &crate::Calendar)> {
    let cals = rules.calendars();
    cals.names()
        .into_iter()
        .filter_map(|n| cals.get(n).map(|c| (n, c)))
        .collect()
}

/// Escapes text for XML element content.
pub(crate) fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The entries of a calendar's `holidays` list as its document writes them (names, country
/// entries), indexed as the document's paths are.
pub(crate) fn holiday_definitions(cal: &crate::Calendar) -> Vec<serde_json::Value> {
    cal.to_value()
        .get("holidays")
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default()
}
