//! `entitlement import salesforce|zendesk|servicenow|dynamics|ics`: vendor inputs in, a rules document out (YAML or
//! JSON, to `--out` or the standard output), warnings on the standard error.

use std::io::Write;
use std::path::Path;

use entitlement_core::import::{Import, dynamics, ics, salesforce, servicenow, zendesk};

use crate::args::{
    DocFormat, DynamicsArgs, IcsArgs, ImportCommand, ImportOutput, SalesforceArgs, ServicenowArgs,
    ZendeskArgs,
};
use crate::input;
use crate::output::{Failure, Out, Status, note};

pub fn run(cmd: ImportCommand, out: &mut Out) -> Result<Status, Failure> {
    let (import, output) = match cmd {
        ImportCommand::Salesforce(a) => (salesforce_import(&a)?, a.output),
        ImportCommand::Zendesk(a) => (zendesk_import(&a)?, a.output),
        ImportCommand::Servicenow(a) => (servicenow_import(&a)?, a.output),
        ImportCommand::Dynamics(a) => (dynamics_import(&a)?, a.output),
        ImportCommand::Ics(a) => (ics_import(&a)?, a.output),
    };
    for w in &import.warnings {
        note(format!("warning: {} {}: {}", w.record, w.field, w.message));
    }
    write_document(&import, &output, out)?;
    Ok(Status::Clean)
}

/// Joins the fragments read so far with the next one.
fn join(acc: Option<Import>, next: Import, what: &Path) -> Result<Option<Import>, Failure> {
    match acc {
        None => Ok(Some(next)),
        Some(a) => a
            .merge(next)
            .map(Some)
            .map_err(|e| Failure::in_file(what, &e)),
    }
}

fn salesforce_import(a: &SalesforceArgs) -> Result<Import, Failure> {
    let mut acc = None;
    if let Some(path) = &a.business_hours {
        let records = input::value(path)?;
        let holidays = a.holidays.as_deref().map(input::value).transpose()?;
        let shown = a.holidays.as_deref().unwrap_or(path);
        let import = salesforce::business_hours(&records, holidays.as_ref())
            .map_err(|e| Failure::in_file(shown, &e))?;
        acc = join(acc, import, path)?;
    }
    if !a.metadata.is_empty() {
        let mut files = Vec::new();
        for path in &a.metadata {
            if path.is_dir() {
                files.extend(
                    salesforce::read_metadata_folder(path)
                        .map_err(|e| Failure::in_file(path, &e))?,
                );
            } else {
                let bytes = entitlement_core::document::read_file(
                    path,
                    entitlement_core::document::MAX_DOCUMENT_BYTES,
                )
                .map_err(|e| Failure::in_file(path, &e))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push(
                    salesforce::MetadataFile::from_bytes(&name, &bytes)
                        .map_err(|e| Failure::in_file(path, &e))?,
                );
            }
        }
        let first = &a.metadata[0];
        let import =
            salesforce::entitlement_processes(&files).map_err(|e| Failure::in_file(first, &e))?;
        acc = join(acc, import, first)?;
    }
    if let Some(path) = &a.entitlements {
        let records = input::value(path)?;
        let processes = a.sla_processes.as_deref().map(input::value).transpose()?;
        let hours = a.business_hours.as_deref().map(input::value).transpose()?;
        let import = salesforce::entitlements(&records, processes.as_ref(), hours.as_ref())
            .map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    acc.ok_or_else(|| {
        Failure::Error(
            "import salesforce: nothing to import; give --business-hours, --metadata or \
             --entitlements"
                .into(),
        )
    })
}

fn zendesk_import(a: &ZendeskArgs) -> Result<Import, Failure> {
    let mut acc = None;
    if let Some(path) = &a.schedules {
        let schedules = input::value(path)?;
        let holidays = a.holidays.as_deref().map(input::value).transpose()?;
        let import = zendesk::schedules(&schedules, holidays.as_ref())
            .map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    if let Some(path) = &a.sla_policies {
        let policies = input::value(path)?;
        let import = zendesk::sla_policies(&policies, a.schedule.as_deref())
            .map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    acc.ok_or_else(|| {
        Failure::Error(
            "import zendesk: nothing to import; give --schedules or --sla-policies".into(),
        )
    })
}

fn servicenow_import(a: &ServicenowArgs) -> Result<Import, Failure> {
    let mut acc = None;
    let schedules = a.schedules.as_deref().map(input::value).transpose()?;
    if let (Some(path), Some(rows), Some(spans_path)) = (&a.schedules, &schedules, &a.spans) {
        let spans = input::value(spans_path)?;
        let other = a.other_schedules.as_deref().map(input::value).transpose()?;
        let time_zone = time_zone_override(&a.time_zone)?;
        let options = servicenow::ScheduleOptions {
            other_schedules: other,
            time_zone,
        };
        let import = servicenow::schedules(rows, &spans, &options)
            .map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    if let Some(path) = &a.sla_definitions {
        let rows = input::value(path)?;
        let options = servicenow::SlaOptions { schedules };
        let import =
            servicenow::sla_definitions(&rows, &options).map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    acc.ok_or_else(|| {
        Failure::Error(
            "import servicenow: nothing to import; give --schedules with --spans, or --sla-definitions"
                .into(),
        )
    })
}

fn dynamics_import(a: &DynamicsArgs) -> Result<Import, Failure> {
    let mut acc = None;
    let calendars = a.calendars.as_deref().map(input::value).transpose()?;
    if let (Some(path), Some(rows)) = (&a.calendars, &calendars) {
        let import = dynamics::calendars(rows, None).map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    if let Some(path) = &a.slas {
        let slas = input::value(path)?;
        let items = a.sla_items.as_deref().map(input::value).transpose()?;
        let kpis = a.kpis.as_deref().map(input::value).transpose()?;
        let mut options = serde_json::Map::new();
        if let Some(rows) = &calendars {
            options.insert("calendars".into(), rows.clone());
        }
        if !a.pause_status.is_empty() {
            options.insert("pause_statuses".into(), serde_json::json!(a.pause_status));
        }
        let options = serde_json::Value::Object(options);
        let import = dynamics::slas(&slas, items.as_ref(), kpis.as_ref(), Some(&options))
            .map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    if let Some(path) = &a.entitlements {
        let rows = input::value(path)?;
        let channels = a.channels.as_deref().map(input::value).transpose()?;
        let import = dynamics::entitlements(&rows, channels.as_ref(), None)
            .map_err(|e| Failure::in_file(path, &e))?;
        acc = join(acc, import, path)?;
    }
    acc.ok_or_else(|| {
        Failure::Error(
            "import dynamics: nothing to import; give --calendars, --slas or --entitlements".into(),
        )
    })
}

/// `--time-zone ZONE` (every floating schedule) or `--time-zone NAME=ZONE` (repeatable).
fn time_zone_override(given: &[String]) -> Result<servicenow::TimeZoneOverride, Failure> {
    use servicenow::TimeZoneOverride;
    match given {
        [] => Ok(TimeZoneOverride::None),
        [one] if !one.contains('=') => Ok(TimeZoneOverride::One(one.clone())),
        many => {
            let mut map = std::collections::BTreeMap::new();
            for item in many {
                let Some((key, zone)) = item.split_once('=') else {
                    return Err(Failure::Error(format!(
                        "import servicenow: --time-zone {item:?}: with several --time-zone options, each is NAME=ZONE"
                    )));
                };
                map.insert(key.to_string(), zone.to_string());
            }
            Ok(TimeZoneOverride::ByKey(map))
        }
    }
}

fn ics_import(a: &IcsArgs) -> Result<Import, Failure> {
    let text = ics::read(&a.feed).map_err(|e| Failure::in_file(&a.feed, &e))?;
    let source = a.feed.display().to_string();
    match (&a.calendar, &a.base, &a.time_zone) {
        (Some(name), Some(base), _) => {
            let base_value = input::value(base)?;
            ics::calendar(&text, &source, name, &base_value)
                .map_err(|e| Failure::in_file(&a.feed, &e))
        }
        (_, _, Some(zone)) => {
            ics::holidays(&text, &source, zone).map_err(|e| Failure::in_file(&a.feed, &e))
        }
        _ => Err(Failure::Error(
            "import ics: give --time-zone ZONE, or --calendar NAME --base FILE".into(),
        )),
    }
}

fn write_document(import: &Import, o: &ImportOutput, out: &mut Out) -> Result<(), Failure> {
    let format = o.format.unwrap_or_else(|| {
        match o
            .out
            .as_deref()
            .and_then(entitlement_core::document::Format::from_path)
        {
            Some(entitlement_core::document::Format::Json) => DocFormat::Json,
            _ => DocFormat::Yaml,
        }
    });
    let text = match format {
        DocFormat::Json => {
            let mut t = serde_json::to_string_pretty(&import.document)
                .map_err(|e| Failure::Error(format!("writing the document: {e}")))?;
            t.push('\n');
            t
        }
        DocFormat::Yaml => serde_yaml_ng::to_string(&import.document)
            .map_err(|e| Failure::Error(format!("writing the document: {e}")))?,
    };
    match &o.out {
        None => out.write_all(text.as_bytes())?,
        Some(path) => {
            let tmp = path.with_file_name(format!(
                ".{}.{}.tmp",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default(),
                std::process::id()
            ));
            std::fs::write(&tmp, &text)
                .and_then(|()| std::fs::rename(&tmp, path))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    Failure::file(path, format!("cannot write: {e}"))
                })?;
        }
    }
    Ok(())
}
