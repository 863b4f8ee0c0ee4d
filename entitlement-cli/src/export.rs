//! `entitlement export outcomes|accounts`: one table of a monitor run as a Parquet, CSV or
//! NDJSON file, through the tables the bindings hand over (`entitlement_tables`), flattened
//! for warehouses (`entitlement_tables::files`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::TimeDelta;
use entitlement_core::rules::{MilestoneOutcome, OnError};
use entitlement_tables::Table;
use entitlement_tables::files::{FileError, FileFormat, FileWriter};

use crate::args::{ExportArgs, ExportCommand, ExportTable, FileFormatArg, RulesExportArgs};
use crate::input;
use crate::monitor::{report_errors, report_rejected};
use crate::output::{Failure, Out, Status};

/// Outcome rows per Arrow batch: a large export holds one chunk of rows at a time.
const CHUNK: usize = 64 * 1024;

pub fn run(cmd: ExportCommand, out: &mut Out) -> Result<Status, Failure> {
    match cmd {
        ExportCommand::Outcomes(a) => table(ExportTable::Outcomes, a, out),
        ExportCommand::Accounts(a) => table(ExportTable::Accounts, a, out),
        ExportCommand::Salesforce(a) => {
            rules_export(&a, out, entitlement_core::export::salesforce::export)
        }
        ExportCommand::Zendesk(a) => {
            let options = entitlement_core::export::zendesk::Options {
                expand_holidays: a.expand_holidays,
            };
            rules_export(&a.export, out, |rules| {
                entitlement_core::export::zendesk::export(rules, &options)
            })
        }
        ExportCommand::Review(a) => rules_export(&a, out, entitlement_core::export::review::export),
    }
}

/// `export salesforce|zendesk|review RULES --out DIR`: the files of the core's exporter,
/// written under DIR (nothing is written when the export is refused); their paths on the
/// standard output, one a line.
fn rules_export(
    args: &RulesExportArgs,
    out: &mut Out,
    export: impl Fn(
        &entitlement_core::Ruleset,
    ) -> entitlement_core::Result<Vec<entitlement_core::export::ExportFile>>,
) -> Result<Status, Failure> {
    let rules = input::rules(&args.rules)?;
    let files = export(&rules).map_err(|e| Failure::in_file(&args.rules, &e))?;
    entitlement_core::export::write_files(&args.out, &files)
        .map_err(|e| Failure::in_file(&args.out, &e))?;
    for f in &files {
        writeln!(out, "{}", args.out.join(&f.path).display())?;
    }
    Ok(Status::Clean)
}

fn table(which: ExportTable, args: ExportArgs, out: &mut Out) -> Result<Status, Failure> {
    let format = match args.format {
        FileFormatArg::Parquet => FileFormat::Parquet,
        FileFormatArg::Csv => FileFormat::Csv,
        FileFormatArg::Ndjson => FileFormat::Ndjson,
    };
    if format == FileFormat::Parquet && args.out.is_none() {
        return Err(Failure::Error(
            "--format parquet needs --out FILE: a Parquet file is not written to the standard \
             output [invalid_value]"
                .into(),
        ));
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        return Err(Failure::Error(format!(
            "--from {from} is after --to {to}: the period holds no day [invalid_value]"
        )));
    }
    let rules = input::rules(&args.rules)?;
    let file = input::cases(&args.cases, false)?;
    report_rejected(&args.cases, &file.rejected);
    let now = args.now.unwrap_or_else(input::current_time);
    // The tables do not depend on the window of events: the shortest one keeps the run from
    // building the events and alerts of the whole history.
    let since = now - TimeDelta::microseconds(1);
    let report = rules
        .monitor_batch(&file.batch, now, Some(since), OnError::Collect)
        .map_err(|e| Failure::in_file(&args.cases, &e))?;
    report_errors(&args.cases, &report, &file.rejected);

    let table = match which {
        ExportTable::Outcomes => Table::Outcomes,
        ExportTable::Accounts => Table::AccountPeriods,
    };
    let wanted = |id: &str| args.accounts.is_empty() || args.accounts.iter().any(|a| a == id);
    let write = |w: &mut dyn FnMut(&entitlement_tables::RecordBatch) -> Result<(), FileError>| {
        match table {
            Table::Outcomes => {
                // The rollups' account of a row: `account.id`, else the entitlement id.
                let account =
                    |o: &MilestoneOutcome| o.account_id.clone().or_else(|| o.entitlement.clone());
                let mut rows = report
                    .outcome_rows(args.from, args.to)
                    .filter(|o| args.accounts.is_empty() || account(o).is_some_and(|a| wanted(&a)));
                loop {
                    let chunk: Vec<MilestoneOutcome> = rows.by_ref().take(CHUNK).collect();
                    if chunk.is_empty() {
                        return Ok(());
                    }
                    w(&entitlement_tables::outcomes(&chunk)?)?;
                }
            }
            _ => {
                let rows: Vec<_> = report
                    .account_periods(args.from, args.to)
                    .into_iter()
                    .filter(|p| wanted(&p.account_id))
                    .collect();
                w(&entitlement_tables::account_periods(&rows)?)
            }
        }
    };
    match &args.out {
        Some(path) => {
            let f = File::create(path).map_err(|e| Failure::file(path, e))?;
            let mut writer = FileWriter::new(BufWriter::new(f), format, table)
                .map_err(|e| failure(Some(path), e))?;
            write(&mut |b| writer.write(b)).map_err(|e| failure(Some(path), e))?;
            let mut f = writer.finish().map_err(|e| failure(Some(path), e))?;
            f.flush().map_err(|e| Failure::file(path, e))?;
        }
        None => {
            let mut writer =
                FileWriter::new(&mut *out, format, table).map_err(|e| failure(None, e))?;
            write(&mut |b| writer.write(b)).map_err(|e| failure(None, e))?;
            writer.finish().map_err(|e| failure(None, e))?;
        }
    }
    Ok(Status::Clean)
}

/// A failed export: a closed standard output ends quietly, as everywhere in the command.
fn failure(path: Option<&Path>, e: FileError) -> Failure {
    match (&e, path) {
        (
            FileError::Write {
                kind: Some(std::io::ErrorKind::BrokenPipe),
                ..
            },
            None,
        ) => Failure::Pipe,
        (FileError::Core(e), _) => Failure::Error(format!("{e} [{}]", e.code())),
        (_, Some(path)) => Failure::file(path, format!("writing the file: {e}")),
        (_, None) => Failure::Error(format!("writing the output: {e}")),
    }
}
