//! `entitlement check FILE`: a rules document's load errors (exit 2) and the warnings about
//! rules that load but will surprise (exit 1).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::args::{CheckArgs, TextOrJson};
use crate::input;
use crate::output::{Failure, Out, Status, json_pretty};

/// One warning: what `Ruleset::check` returns.
#[derive(Debug, Serialize)]
pub struct Finding {
    /// A stable code.
    pub code: String,
    /// Where in the document (`processes[0].milestones[1].target`).
    pub path: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// The warnings of the document at `path` (`Ruleset::check` at the current time); a document
/// that does not load is a failure naming the file and the place inside it.
pub fn check_rules(path: &Path) -> Result<Vec<Finding>, Failure> {
    let rules = input::rules(path)?;
    Ok(rules
        .check()
        .into_iter()
        .map(|w| Finding {
            code: w.code.as_str().to_string(),
            path: w.path,
            message: w.message,
        })
        .collect())
}

pub fn run(args: CheckArgs, out: &mut Out) -> Result<Status, Failure> {
    let findings = check_rules(&args.file)?;
    match args.format {
        TextOrJson::Json => json_pretty(out, &findings)?,
        TextOrJson::Text => {
            for f in &findings {
                writeln!(
                    out,
                    "{}: {}: {} [{}]",
                    args.file.display(),
                    f.path,
                    f.message,
                    f.code
                )?;
            }
            writeln!(
                out,
                "{}: {}",
                args.file.display(),
                match findings.len() {
                    0 => "no warnings".to_string(),
                    1 => "1 warning".to_string(),
                    n => format!("{n} warnings"),
                }
            )?;
        }
    }
    Ok(if findings.is_empty() {
        Status::Clean
    } else {
        Status::Findings
    })
}
