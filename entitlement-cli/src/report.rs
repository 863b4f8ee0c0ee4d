//! `entitlement report`: the QBR page of one account, or the portfolio page.

use std::io::Write;
use std::path::Path;

use entitlement_core::rules::{OnError, Ruleset};
use entitlement_report::{ReportError, ReportOptions};

use crate::args::ReportArgs;
use crate::input;
use crate::monitor::{
    SAMPLE_CASES, SAMPLE_CASES_NAME, SAMPLE_RULES, SAMPLE_RULES_NAME, report_errors,
    report_rejected,
};
use crate::output::{Failure, Out, Status, note};

fn failure(e: &ReportError) -> Failure {
    Failure::Error(format!("{e} [{}]", e.code()))
}

pub fn run(args: ReportArgs, out: &mut Out) -> Result<Status, Failure> {
    let options = ReportOptions { goal: args.goal };
    // The cheap checks first: a bad period fails before any case is read.
    if args.from > args.to {
        return Err(failure(&ReportError::InvalidPeriod {
            from: args.from,
            to: args.to,
        }));
    }
    let (rules, file, shown, now) = match (&args.rules, &args.cases) {
        (Some(rules), Some(cases)) => {
            let r = input::rules(rules)?;
            let f = input::cases(cases, false)?;
            report_rejected(cases, &f.rejected);
            let now = args.now.unwrap_or_else(input::current_time);
            (r, f, cases.display().to_string(), now)
        }
        _ => {
            let internal = |e: &entitlement_core::Error| {
                Failure::Error(format!("the bundled sample: {e} [{}]", e.code()))
            };
            let r = Ruleset::from_yaml(SAMPLE_RULES).map_err(|e| internal(&e))?;
            let f = input::cases_text(SAMPLE_CASES, Path::new(SAMPLE_CASES_NAME), false)?;
            let sample_now = f
                .now
                .ok_or_else(|| Failure::Error("the bundled sample has no `now`".into()))?;
            let now = args.now.unwrap_or(sample_now);
            note(format!(
                "no --rules and --cases: the bundled sample ({SAMPLE_RULES_NAME}, \
                 {SAMPLE_CASES_NAME}) at {}",
                entitlement_core::time::rfc3339(now)
            ));
            (r, f, SAMPLE_CASES_NAME.to_string(), now)
        }
    };
    let report = rules
        .monitor_batch(&file.batch, now, None, OnError::Collect)
        .map_err(|e| Failure::in_file(Path::new(&shown), &e))?;
    report_errors(Path::new(&shown), &report, &file.rejected);
    let html = match &args.account {
        Some(account) if !args.portfolio => {
            entitlement_report::qbr(&rules, &report, account, args.from, args.to, &options)
        }
        _ => entitlement_report::portfolio(&rules, &report, args.from, args.to, &options),
    }
    .map_err(|e| failure(&e))?;
    match &args.out {
        None => out.write_all(html.as_bytes())?,
        Some(path) => write_atomically(path, &html)?,
    }
    Ok(Status::Clean)
}

/// Writes `text` to a new file beside `path`, then renames it over `path`: a reader never
/// sees half a page.
fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.html".into());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Failure::file(path, format!("cannot write: {e}"))
        })
}
