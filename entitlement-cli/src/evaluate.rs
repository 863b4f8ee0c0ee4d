//! `entitlement evaluate`: every milestone's status of one case or a cases file at an instant.

use crate::args::{EvaluateArgs, TableOrJson};
use crate::input;
use crate::output::{Failure, Out, Status, json_pretty, note};
use crate::table;

pub fn run(args: EvaluateArgs, out: &mut Out) -> Result<Status, Failure> {
    let rules = input::rules(&args.rules)?;
    let file = input::cases(&args.cases, true)?;
    for r in &file.rejected {
        note(format!(
            "{}: {} left out: {} [{}]",
            args.cases.display(),
            r.path,
            r.message,
            r.code
        ));
    }
    let now = args.now.unwrap_or_else(input::current_time);
    let evaluations = rules
        .evaluate_cases(file.cases(), now)
        .map_err(|e| Failure::in_file(&args.cases, &e))?;
    match args.format {
        TableOrJson::Json => json_pretty(out, &evaluations)?,
        TableOrJson::Table => table::evaluations(&evaluations, &rules, out)?,
    }
    Ok(Status::Clean)
}
